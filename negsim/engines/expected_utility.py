"""Bueno de Mesquita's expected-utility model as an engine (Scholz, Calbert & Smith 2011).

Each issue of each run is simulated separately (issues and runs are stacked on the model's run
axis), with the actors' capabilities and their saliences on that issue; the forecast is the
capability x salience weighted median of the last round's positions. Issues on which no actor
has salience stay at the status quo. The options and equations are in
:mod:`negsim.expected_utility`.
"""

from __future__ import annotations

import attrs
import numpy as np

from negsim import expected_utility as eu
from negsim.compiled import Compiled
from negsim.engines.base import Engine, EngineInfo, Outcome

__all__ = ["ExpectedUtilityParams", "expected_utility"]


@attrs.frozen(kw_only=True)
class ExpectedUtilityParams:
    """Options of the expected-utility model (see :mod:`negsim.expected_utility`).

    Parameters
    ----------
    rounds : int
        Rounds, the initial positions counting as the first.
    q : float
        Status-quo probability ``Q``.
    p_denominator : {"all", "pair"}
    salience_of : {"target", "challenger"}
    compromise : {"ratio", "half"}
    offer_selection : {"closest", "max_eu"}
    risk_update : {"update", "carry", "none"}
    risk_from : {"challenges", "threats"}
    scale : {"range", "zero"}
    ties : {"both", "neither"}

    The defaults are :data:`negsim.expected_utility.GOLDEN`, the reading closest to the
    published 1994 emissions series.
    """

    rounds: int = attrs.field(default=8, validator=attrs.validators.ge(1))
    q: float = attrs.field(default=0.5, validator=[attrs.validators.ge(0.0),
                                                   attrs.validators.le(1.0)])
    p_denominator: str = attrs.field(default="all",
                                     validator=attrs.validators.in_(("all", "pair")))
    salience_of: str = attrs.field(default="target",
                                   validator=attrs.validators.in_(("target", "challenger")))
    compromise: str = attrs.field(default="ratio",
                                  validator=attrs.validators.in_(("ratio", "half")))
    offer_selection: str = attrs.field(default="closest",
                                       validator=attrs.validators.in_(("closest", "max_eu")))
    risk_update: str = attrs.field(default="update",
                                   validator=attrs.validators.in_(("update", "carry", "none")))
    risk_from: str = attrs.field(default="threats",
                                 validator=attrs.validators.in_(("challenges", "threats")))
    scale: str = attrs.field(default="range", validator=attrs.validators.in_(("range", "zero")))
    ties: str = attrs.field(default="both", validator=attrs.validators.in_(("both", "neither")))


def _solve(c: Compiled, p: ExpectedUtilityParams, rng: np.random.Generator) -> Outcome:
    R, n, K = c.position.shape
    pos = np.moveaxis(np.asarray(c.position, float), 2, 1).reshape(R * K, n)
    sal = np.moveaxis(np.asarray(c.salience, float), 2, 1).reshape(R * K, n)
    cap = np.repeat(np.asarray(c.capability, float), K, axis=0)
    series = eu.simulate(cap, pos, sal, p.rounds, q=p.q, p_denominator=p.p_denominator,
                         salience_of=p.salience_of, compromise=p.compromise,
                         offer_selection=p.offer_selection, risk_update=p.risk_update,
                         risk_from=p.risk_from, scale=p.scale, ties=p.ties)
    med = eu.summary(cap, sal, series)[0][:, -1]
    sq = np.asarray(c.status_quo, float).reshape(R * K)
    x = np.where(np.isfinite(med), med, sq).reshape(R, K)
    x = np.clip(x, c.lo, c.hi)
    return Outcome(outcome=x, agreement=np.ones(R, dtype=bool),
                   round=np.full(R, p.rounds - 1, dtype=np.int64), utility=c.utility(x))


expected_utility = Engine(
    info=EngineInfo(
        name="expected_utility",
        summary="Bueno de Mesquita's expected-utility model (Scholz et al. 2011 reading), "
                "per issue",
        family="forecast",
        guarantees={"feasible", "deterministic"},
        assumptions=("issues are negotiated separately; no actor can refuse the forecast",),
        references=("Bueno de Mesquita (1994) in European Community Decision Making, Yale UP",
                    "Scholz, Calbert & Smith (2011) J. Theoretical Politics 23(4)"),
    ),
    params=ExpectedUtilityParams,
    solve=_solve,
)

from negsim.engines import register  # noqa: E402

register(expected_utility)

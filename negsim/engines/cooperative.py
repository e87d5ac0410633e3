"""Axiomatic (cooperative) bargaining solutions as engines: Nash, egalitarian, Kalai-Smorodinsky.

The bargainers are the actors whose consent a deal needs (the table's ratifiers, coalitions
expanded into their members); the disagreement point is each one's walk-away value; the outcome
space is the box of issue scales with the spatial utilities of :mod:`negsim.utility`. Actors
outside the bargain get their utility of the agreed outcome. The solvers are those of
:mod:`negsim.axiomatic`: exact on linear-additive utilities, certified within ``1e-6`` of the
optimum on concave ones (``extras["gap"]``).

- ``nash``: ``max prod_i (u_i - d_i)^tau_i`` (Nash 1950; Harsanyi & Selten 1972; Roth 1979),
  with bargaining power equal, proportional to capability, or given per actor;
- ``egalitarian``: equal gains over ``d`` (Kalai 1977);
- ``kalai_smorodinsky``: gains over ``d`` in proportion to each bargainer's best possible gain
  (its ideal point), the largest such (Kalai & Smorodinsky 1975).

The three solutions are defined on convex sets of utility vectors, which concave utilities give:
the engines refuse scenarios in which a bargainer is risk acceptant (``risk < 1``), where the
set of feasible utilities need not be convex and a solution need not be Pareto optimal.

Where no outcome gives every bargainer at least its walk-away value there is no agreement: the
status quo stands and each actor gets its walk-away value.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim.axiomatic import egalitarian_outcome, kalai_smorodinsky_outcome, nash_outcome
from negsim.compiled import Compiled, compile_scenario
from negsim.engines.base import Engine, EngineInfo, Outcome
from negsim.errors import Problem, ScenarioError
from negsim.scenario import Scenario

__all__ = ["NashParams", "NoSpatialParams", "egalitarian", "kalai_smorodinsky", "nash",
           "parse_actor_values", "solve_spatial"]


def parse_actor_values(text: str, where: str) -> dict[str, float]:
    """``"russia=0.6, ukraine=0.4"`` as a dict; a ScenarioError at ``where`` if malformed."""
    out: dict[str, float] = {}
    for i, item in enumerate(filter(None, (x.strip() for x in text.split(",")))):
        actor, sep, value = item.partition("=")
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not sep or not actor.strip() or not number > 0:
            raise ScenarioError([Problem(
                f"expected 'actor=positive number, ...', got {item!r}", f"{where}.{i}")])
        out[actor.strip()] = number
    return out


def _weights_text(_: Any, attribute: Any, value: str) -> None:
    parse_actor_values(value, attribute.name)


@attrs.frozen(kw_only=True)
class NashParams:
    """Parameters of the Nash engine.

    Parameters
    ----------
    power : {"equal", "capability", "given"}
        Bargaining power ``tau``: equal (the symmetric Nash solution), proportional to
        capability, or as given in ``weights``.
    weights : str
        With ``power = "given"``: ``"russia=0.6, ukraine=0.4"``, naming every ratifier with a
        positive weight (normalised to sum to 1).
    """

    power: str = attrs.field(default="equal",
                             validator=attrs.validators.in_(("equal", "capability", "given")))
    weights: str = attrs.field(default="", validator=_weights_text)


@attrs.frozen
class NoSpatialParams:
    """The egalitarian and Kalai-Smorodinsky engines take no parameters."""


def solve_spatial(c: Compiled, bargainer: NDArray[np.bool_], disagreement: NDArray[np.float64],
                  rule: Callable[..., Any], **kw: Any) -> Outcome:
    """Run an axiomatic rule among ``bargainer`` actors with disagreement utilities ``d``."""
    idx = np.flatnonzero(bargainer)

    def pick(a: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.take(a, idx, axis=1)  # C-contiguous, unlike a[:, idx]

    sol = rule(pick(c.position), pick(c.weight), pick(c.risk), c.lo, c.hi,
               pick(disagreement), c.status_quo, **kw)
    agree = np.asarray(sol.feasible, dtype=bool)
    x = np.where(agree[:, None], sol.x, c.status_quo)
    utility = np.where(agree[:, None], c.utility(x), disagreement)
    return Outcome(outcome=x, agreement=agree, round=np.where(agree, 0, -1).astype(np.int64),
                   utility=utility, extras={"gap": np.asarray(sol.gap, dtype=float)})


def _power(c: Compiled, p: NashParams) -> NDArray[np.float64] | None:
    idx = np.flatnonzero(c.ratifier)
    if p.power == "equal":
        return None
    if p.power == "capability":
        cap = c.capability[:, idx]
        if (cap <= 0).any():
            raise ScenarioError([Problem(
                "power = 'capability' needs every ratifier to have a positive capability",
                "engine.params.power")])
        return cap / cap.sum(axis=1, keepdims=True)
    given = parse_actor_values(p.weights, "engine.params.weights")
    names = [c.actor_ids[i] for i in idx]
    missing = [a for a in names if a not in given]
    unknown = [a for a in given if a not in names]
    if missing or unknown:
        raise ScenarioError([Problem(
            "weights must name every ratifier and nobody else; "
            + (f"missing {', '.join(missing)}" if missing else "")
            + ("; " if missing and unknown else "")
            + (f"not ratifiers: {', '.join(unknown)}" if unknown else ""),
            "engine.params.weights")])
    tau = np.array([given[a] for a in names])
    return np.broadcast_to(tau / tau.sum(), (c.n_runs, idx.size)).copy()


def _solve_nash(c: Compiled, p: NashParams, rng: np.random.Generator) -> Outcome:
    return solve_spatial(c, c.ratifier, c.walk_away, nash_outcome, power=_power(c, p))


def _solve_egalitarian(c: Compiled, p: NoSpatialParams, rng: np.random.Generator) -> Outcome:
    return solve_spatial(c, c.ratifier, c.walk_away, egalitarian_outcome)


def _solve_kalai_smorodinsky(c: Compiled, p: NoSpatialParams,
                             rng: np.random.Generator) -> Outcome:
    return solve_spatial(c, c.ratifier, c.walk_away, kalai_smorodinsky_outcome)


def _check_concave(s: Scenario) -> list[str]:
    """Why the scenario does not fit an axiomatic engine: a bargainer with convex utility."""
    c = compile_scenario(s)
    cares = c.salience[0].sum(axis=1) > 0.0
    acceptant = [a for a, r, b, w in zip(c.actor_ids, c.risk[0], c.ratifier, cares, strict=True)
                 if b and w and r < 1.0]
    if not acceptant:
        return []
    return ["an axiomatic solution needs concave utilities (risk >= 1) for every actor whose "
            "consent the deal needs, so that the feasible utilities form a convex set; "
            f"risk acceptant: {', '.join(acceptant)}"]


_COMMON: dict[str, Any] = dict(
    family="axiomatic",
    guarantees={"feasible", "individually_rational", "pareto", "deterministic",
                "relabelling_covariant"},
    assumptions=("the ratifiers bargain cooperatively over every issue at once",
                 "walk-away values are the disagreement point ('war' counts as the status quo "
                 "here)",
                 "every ratifier has a concave utility (risk >= 1): the guarantees, Pareto "
                 "optimality above all, need a convex set of feasible utilities, and scenarios "
                 "with a risk-acceptant ratifier are refused"),
)

nash = Engine(
    info=EngineInfo(
        name="nash", summary="(generalised) Nash bargaining solution among the ratifiers",
        references=("Nash (1950) The bargaining problem, Econometrica 18",
                    "Harsanyi & Selten (1972) Management Science 18",
                    "Roth (1979) Axiomatic Models of Bargaining"),
        **_COMMON),
    params=NashParams, solve=_solve_nash, check=_check_concave)

egalitarian = Engine(
    info=EngineInfo(
        name="egalitarian", summary="egalitarian solution among the ratifiers (equal gains)",
        references=("Kalai (1977) Proportional solutions to bargaining situations, "
                    "Econometrica 45",),
        **_COMMON),
    params=NoSpatialParams, solve=_solve_egalitarian, check=_check_concave)

kalai_smorodinsky = Engine(
    info=EngineInfo(
        name="kalai_smorodinsky",
        summary="Kalai-Smorodinsky solution among the ratifiers (gains in proportion to the "
                "best each could get)",
        references=("Kalai & Smorodinsky (1975) Other solutions to Nash's bargaining problem, "
                    "Econometrica 43",),
        **_COMMON),
    params=NoSpatialParams, solve=_solve_kalai_smorodinsky, check=_check_concave)

from negsim.engines import register  # noqa: E402

register(nash)
register(egalitarian)
register(kalai_smorodinsky)

"""Crisis bargaining in the shadow of war (Fearon 1995) as an engine.

Two belligerents at the table, each with walk-away rule ``"war"``. War is a costly lottery: side
A wins with the contest-success probability (Tullock 1980; Hirshleifer 1989)

.. math:: p = \\frac{C_A^m}{C_A^m + C_B^m},
          \\qquad C_i = c_i + \\sum_j s_{ji} c_j

(capabilities ``c``, third-party support shares ``s_{ji}`` lent by ``j`` to ``i``, decisiveness
``m``), and the winner imposes its ideal point on every issue. Each side's value of war is

.. math:: w_i = p_i u_i(x^A) + (1 - p_i) u_i(x^B) - \\kappa_i D

with ``kappa_i`` its per-round cost (``cost``) and ``D`` the rounds a war would last. The
bargaining range is the set of outcomes both prefer to war, ``u_i(x) >= w_i``; with concave
utilities and positive costs it is never empty (Fearon's central result: the expected outcome of
war is itself better than fighting for both). The engine settles inside it:

- ``protocol = "nash"``: the symmetric Nash solution with the war values as disagreement point
  (on a unit pie with linear utilities, the midpoint ``p + (c_B - c_A)/2`` of Fearon's range
  ``(p - c_A, p + c_B)``);
- ``protocol = "ultimatum"``: the negotiator listed first among the actors makes a
  take-it-or-leave-it offer under complete information and keeps the whole surplus: the outcome
  best for it among those the other prefers to war (the far end of the range, ``p + c_B``),
  computed exactly (to rounding on linear utilities, to ``1e-13`` on concave ones) by tracing
  the contract curve (:mod:`negsim._bilateral`).

Where the range is empty (risk-acceptant utilities can make a gamble on war attractive) there is
war: no agreement, each side gets ``w_i``. ``extras`` report ``p`` and the war values.
The closed forms themselves (private information, the commitment problem, Bayesian updating)
are in :mod:`negsim.war`.

References: Fearon (1995) Rationalist explanations for war, International Organization 49;
Tullock (1980) Efficient rent seeking; Hirshleifer (1989) Conflict and rent-seeking success
functions, Public Choice 63.
"""

from __future__ import annotations

import attrs
import numpy as np

from negsim._bilateral import best_subject_to
from negsim.axiomatic import nash_outcome
from negsim.compiled import Compiled
from negsim.engines.base import Engine, EngineInfo, Outcome
from negsim.engines.cooperative import solve_spatial
from negsim.scenario import Scenario
from negsim.war import contest_success

__all__ = ["CrisisParams", "war_values"]


@attrs.frozen(kw_only=True)
class CrisisParams:
    """Parameters of the crisis-bargaining engine.

    Parameters
    ----------
    decisiveness : float
        Exponent ``m >= 0`` of the contest success function.
    duration : int
        Rounds a war would last; the cost of war is ``cost x duration``. 0 means the horizon.
    protocol : {"nash", "ultimatum"}
        How the range is split (see the module docstring).
    """

    decisiveness: float = attrs.field(default=1.0, validator=attrs.validators.ge(0.0))
    duration: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    protocol: str = attrs.field(default="nash",
                                validator=attrs.validators.in_(("nash", "ultimatum")))


def war_values(c: Compiled, a: int, b: int, p: CrisisParams) -> tuple[np.ndarray, np.ndarray]:
    """A's probability of winning, shape (R,), and every actor's value of war, shape (R, n)."""
    effective = c.capability + np.einsum("rj,rji->ri", c.capability, c.support)
    prob_a = np.asarray(contest_success(effective[:, a], effective[:, b], p.decisiveness),
                        dtype=float)
    u_a_wins = c.utility(c.position[:, a])
    u_b_wins = c.utility(c.position[:, b])
    duration = p.duration or c.horizon
    value = prob_a[:, None] * u_a_wins + (1 - prob_a[:, None]) * u_b_wins
    belligerent = np.zeros(c.n_actors, dtype=bool)
    belligerent[[a, b]] = True
    value = np.where(belligerent, value - c.cost * duration, value)
    return prob_a, value


def _check(s: Scenario) -> list[str]:
    from negsim.compiled import compile_scenario

    c = compile_scenario(s)
    why = []
    if c.negotiator.sum() != 2 or (c.ratifier != c.negotiator).any():
        why.append("it needs two belligerents at the table who are exactly the ratifiers")
    elif not c.walk_away_is_war[c.negotiator].all():
        why.append("both negotiators need walk_away = 'war' (their alternative is fighting)")
    return why


def _ultimatum(c: Compiled, a: int, b: int, war: np.ndarray) -> Outcome:
    """A's best offer that B accepts (``u_B >= w_B``); war if even that leaves A below ``w_A``."""
    width = c.hi - c.lo
    q = np.clip((c.position - c.lo) / width, 0.0, 1.0)
    sq = np.clip((c.status_quo - c.lo) / width, 0.0, 1.0)
    z, feasible = best_subject_to(q[:, a], c.weight[:, a], c.risk[:, a], q[:, b], c.weight[:, b],
                                  c.risk[:, b], war[:, b], sq)
    x = np.clip(c.lo + z * width, c.lo, c.hi)
    u = c.utility(x)
    agree = feasible & (u[:, a] >= war[:, a])
    return Outcome(outcome=np.where(agree[:, None], x, c.status_quo), agreement=agree,
                   round=np.where(agree, 0, -1).astype(np.int64),
                   utility=np.where(agree[:, None], u, war))


def _solve(c: Compiled, p: CrisisParams, rng: np.random.Generator) -> Outcome:
    a, b = (int(i) for i in np.flatnonzero(c.negotiator))
    prob_a, war = war_values(c, a, b, p)
    if p.protocol == "ultimatum":
        out = _ultimatum(c, a, b, war)
    else:
        out = solve_spatial(c, c.negotiator, war, nash_outcome)
    p_win = np.stack([prob_a, 1.0 - prob_a], axis=1)
    return attrs.evolve(out, walk_away=war,
                        extras={**out.extras, "p_win": p_win, "war_value": war})


crisis = Engine(
    info=EngineInfo(
        name="crisis",
        summary="bargaining in the shadow of war: Fearon's range from capabilities and costs",
        family="strategic",
        guarantees={"feasible", "individually_rational", "deterministic", "pareto"},
        assumptions=("two belligerents whose alternative to a deal is war",
                     "the winner of a war imposes its ideal point on every issue",
                     "complete information"),
        references=("Fearon (1995) Rationalist explanations for war, International "
                    "Organization 49", "Hirshleifer (1989) Public Choice 63"),
    ),
    params=CrisisParams, solve=_solve, check=_check)

from negsim.engines import register  # noqa: E402

register(crisis)

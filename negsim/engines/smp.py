"""The spatial model of politics (:mod:`negsim.smp`) as an engine.

All issues are the model's dimensions at once (KTAB's multi-dimensional SMP): every actor's
position is an option in each turn's probabilistic Condorcet election, challenges and bargains
move positions in all dimensions together, and the forecast is the last state's PCE forecast
(expected position, or the most probable one). Actors are weighted by capability, and each
actor's saliences set both how strongly it votes (their sum) and how it trades dimensions off
(their shares). Where no actor is active the status quo stands.
"""

from __future__ import annotations

import numpy as np

from negsim import smp
from negsim.compiled import Compiled
from negsim.engines.base import Engine, EngineInfo, Outcome

__all__ = ["smp_engine"]


def _solve(c: Compiled, p: smp.SMPOptions, rng: np.random.Generator) -> Outcome:
    r = smp.simulate(c.capability, c.position, c.salience, c.lo, c.hi, options=p)
    f = r.forecast[:, -1]
    x = np.clip(np.where(np.isfinite(f), f, c.status_quo), c.lo, c.hi)
    R = c.n_runs
    return Outcome(outcome=x, agreement=np.ones(R, dtype=bool), round=r.turns.astype(np.int64),
                   utility=c.utility(x), extras={"probability": r.probability[:, -1]})


smp_engine = Engine(
    info=EngineInfo(
        name="smp",
        summary="spatial model of politics: probabilistic Condorcet elections, challenges and "
                "bargains (KTAB-style)",
        family="agent-based",
        guarantees={"feasible", "deterministic"},
        assumptions=("every actor's position is an option; no actor can refuse the forecast",
                     "a challenge is settled by a bargain at the contest's expected result"),
        references=("KAPSARC Toolkit for Behavioral Analysis (KTAB), Spatial Model of Politics",
                    "Efird, Lester & Wise (2016) J. East Asian Studies 16",
                    "Black (1948) JPE 56 (the Condorcet winner in one dimension)"),
    ),
    params=smp.SMPOptions,
    solve=_solve,
)

from negsim.engines import register  # noqa: E402

register(smp_engine)

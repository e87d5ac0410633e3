"""Stepping through a war-engine run round by round, so a notebook can watch it unfold.

The ``war`` engine is vectorised over runs, so a run is computed whole; what it records for
every round (its ``extras``: the front, the proposer and the package, each actor's believed value
of fighting on, the belligerents' beliefs, the levers) is then replayed here as one
:class:`RoundState` per round played. Nothing is recomputed: each state holds exactly the
numbers the engine used, so a state can be checked against the engine's narrative
(:func:`negsim.engines.war_engine.narrate`).

>>> import negsim
>>> s = negsim.load("scenarios/eu-russia-2026.toml")
>>> states = list(negsim.steps(s, rng=0))
>>> states[0].round, states[0].date
(0, '2026-03')
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import attrs
import numpy as np

from negsim.result import Result
from negsim.scenario import Scenario

__all__ = ["RoundState", "date_label", "rounds", "steps"]

_MONTHS_PER = {"month": 1, "quarter": 3, "year": 12}


def date_label(start: str, step: str, t: int) -> str:
    """The calendar label of round ``t`` (0-based): ``"2026-05"`` for monthly, quarterly or
    yearly rounds from a ``YYYY-MM`` start, else ``"week 3"`` (1-based)."""
    if step in _MONTHS_PER and len(start) >= 7 and start[4] == "-" and start[:4].isdigit():
        y, mo = int(start[:4]), int(start[5:7]) - 1 + t * _MONTHS_PER[step]
        return f"{y + mo // 12}-{mo % 12 + 1:02d}"
    return f"{step} {t + 1}"


@attrs.frozen(kw_only=True)
class RoundState:
    """One round of one war-engine run, as the engine recorded it.

    Attributes
    ----------
    run, round : int
        The run, and the round (0-based).
    date : str
        The round's calendar label (from the scenario's ``[time]``).
    proposer : str
        The recognised proposer's actor id.
    offer : dict of str to float or None
        The package tabled (issue id to value, in issue units), or None where the proposer saw
        no package that every party whose consent is needed prefers to fighting on.
    accepted : bool
        Whether the package was agreed (the run ends with this round).
    offer_utility : dict of str to float or None
        Each actor's utility of the package tabled (0-1; None with no package).
    walk_away : dict of str to float
        Each actor's believed value of fighting on, in the same units.
    acceptance_level : dict of str to float
        The utility each actor would accept (its walk-away value, raised where bargaining on or
        the commitment problem makes it hold out for more).
    needed : tuple of str
        The actors whose consent a deal needs.
    front : float
        Where the front stands at the end of the round, on the scenario's front scale.
    battles_won_by_a, battles : int
        Engagements side A won this round, of ``battles`` (0 of them when the deal was agreed
        before the fighting).
    p_battle : float
        The true probability that side A wins an engagement this round.
    belief : dict of str to float
        Each belligerent's believed probability that side A wins an engagement, after this
        round's fighting.
    lever_level, lever_cost : dict of str to float
        Each lever's level this round (in the lever's unit) and its cumulative cost to its owner
        so far (utility units).
    sides : (str, str)
        The actor ids of the leaders of side A and side B.
    gives_in : str or None
        The actor id of the side-A or side-B leader who capitulated this round, if one did.
    """

    run: int
    round: int
    date: str
    proposer: str
    offer: dict[str, float] | None
    accepted: bool
    offer_utility: dict[str, float] | None
    walk_away: dict[str, float]
    acceptance_level: dict[str, float]
    needed: tuple[str, ...]
    front: float
    battles_won_by_a: int
    battles: int
    p_battle: float
    belief: dict[str, float]
    lever_level: dict[str, float]
    lever_cost: dict[str, float]
    sides: tuple[str, str]
    gives_in: str | None = None

    def __str__(self) -> str:
        if self.accepted:
            what = "agreed: " + ", ".join(f"{k} {v:.0f}" for k, v in (self.offer or {}).items())
        else:
            what = "no package all needed parties prefer to fighting on"
        line = (f"{self.date} (round {self.round}): {self.proposer} proposes; {what}; "
                f"front {self.front:.1f}")
        if self.battles_won_by_a or not self.accepted:
            line += f" ({self.sides[0]} won {self.battles_won_by_a} of {self.battles})"
        if self.gives_in:
            line += f"; {self.gives_in} gives in"
        return line


def war_extras(result: Result, scenario: Scenario) -> Mapping[str, Any]:
    """The war engine's per-round records of ``result``, after checking that they are there
    and that ``result`` was run on ``scenario``."""
    if "proposer" not in result.extras or "front" not in result.extras:
        raise ValueError(f"a per-round view needs a result of the 'war' engine, "
                         f"got one of {result.engine!r}")
    if result.scenario_hash != scenario.hash:
        raise ValueError("the result was not run on this scenario (scenario hash "
                         f"{result.scenario_hash[:12]} against {scenario.hash[:12]})")
    return result.extras


def rounds_played(result: Result, run: int) -> int:
    """How many rounds the run lasted (the rounds with a proposer)."""
    return int((np.asarray(result.extras["proposer"][run]) >= 0).sum())


def rounds(result: Result, scenario: Scenario, run: int = 0) -> Iterator[RoundState]:
    """Yield one :class:`RoundState` per round of a run of the ``war`` engine.

    Parameters
    ----------
    result : Result
        A result of the ``war`` engine on ``scenario``.
    scenario : Scenario
        Supplies the lever ids, the war's sides and the calendar.
    run : int
        Which run of the result.
    """
    e = war_extras(result, scenario)
    if not 0 <= run < result.n_runs:
        raise IndexError(f"run {run} out of range for {result.n_runs} run(s)")
    actors, issues = result.actor_ids, result.issue_ids
    levers = tuple(lv.id for lv in scenario.levers)
    bell = [actors[int(i)] for i in np.asarray(e["belligerents"][run])]
    needed = tuple(a for a, n in zip(actors, e["needed"][run], strict=True) if n)
    war = scenario.war
    leaders = (war.side_a[0], war.side_b[0]) if war is not None else (bell[0], bell[-1])
    n_played = rounds_played(result, run)

    def per(values: Any, keys: tuple[str, ...] | list[str]) -> dict[str, float]:
        return {k: float(v) for k, v in zip(keys, np.asarray(values), strict=True)}

    for t in range(n_played):
        tabled = bool(e["offer_feasible"][run, t])
        last = t == n_played - 1
        cap = int(e["capitulation"][run]) if last else 0
        wins = int(e["battles_won_by_a"][run, t])
        yield RoundState(
            run=run, round=t, date=date_label(scenario.time.start, scenario.time.step, t),
            proposer=actors[int(e["proposer"][run, t])],
            offer=per(e["offer"][run, t], issues) if tabled else None,
            accepted=bool(e["accepted"][run, t]),
            offer_utility=per(e["offer_utility"][run, t], actors) if tabled else None,
            walk_away=per(e["walk_away_path"][run, t], actors),
            acceptance_level=per(e["acceptance_level"][run, t], actors),
            needed=needed, front=float(e["front"][run, t]),
            battles_won_by_a=max(wins, 0), battles=int(e["battles"][run]),
            p_battle=float(e["p_battle"][run, t]),
            belief=per(e["belief"][run, t], bell),
            lever_level=per(e["lever_level"][run, t], levers),
            lever_cost=per(e["lever_cost"][run, t], levers), sides=leaders,
            # the engine records 2 where side A's advance made side B give in, 1 the reverse
            gives_in={1: leaders[0], 2: leaders[1]}.get(cap))


def steps(scenario: Scenario, engine: str = "war", *, rng: int | np.random.Generator | None = None,
          run: int = 0, n_runs: int = 1, params: Any = None,
          overrides: Mapping[str, Any] | None = None) -> Iterator[RoundState]:
    """Run ``scenario`` and yield the rounds of one run, one :class:`RoundState` at a time.

    The engine runs all ``n_runs`` runs first (it is vectorised over runs), then the chosen
    run is replayed from its records; the same ``rng`` gives the same rounds. Only the ``war``
    engine records rounds.

    Parameters
    ----------
    scenario : Scenario
    engine : str
        ``"war"``.
    rng, n_runs, params, overrides
        As for :func:`negsim.run`; run ``run`` of ``n_runs`` is shown.
    run : int
    """
    from negsim.runner import run as run_engine

    result = run_engine(scenario, engine, params=params, rng=rng, n_runs=max(n_runs, run + 1),
                        overrides=overrides)
    yield from rounds(result, scenario, run)

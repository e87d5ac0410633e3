"""The compiled form of a scenario: read-only numpy arrays with the run axis first.

A :class:`~negsim.scenario.Scenario` is a hashable value object; engines never read it. They work
on :class:`Compiled`, built once by :func:`compile_scenario`, optionally with per-run values for
some parameters (sampled uncertainties), so that every engine is a pure function of arrays,
vectorised over runs.

Shapes: ``R`` runs, ``n`` actors, ``K`` issues, ``L`` levers.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim.coalitions import table_rule
from negsim.errors import EngineError
from negsim.levers import Lever
from negsim.model import War
from negsim.power import VotingGame
from negsim.scenario import Scenario
from negsim.utility import issue_weights, utility

__all__ = ["Compiled", "compile_scenario"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


@attrs.frozen(eq=False)
class Compiled:
    """Arrays an engine needs, run axis first (see the module docstring for the shapes).

    Attributes
    ----------
    horizon : int
        Rounds (``[time] horizon``).
    actor_ids, issue_ids, lever_ids : tuple of str
    lo, hi : ndarray, shape (K,)
        Issue scales.
    status_quo : ndarray, shape (R, K)
    position : ndarray, shape (R, n, K)
        Ideal points; where an actor has none, its salience is 0 and the position is the
        status quo.
    salience : ndarray, shape (R, n, K)
    weight : ndarray, shape (R, n, K)
        Saliences normalised per actor (:func:`negsim.utility.issue_weights`).
    capability, discount, cost, risk : ndarray, shape (R, n)
    support : ndarray, shape (R, n, n)
        ``support[r, j, i]``: the share of actor ``j``'s capability lent to actor ``i``.
    walk_away : ndarray, shape (R, n)
        Utility of no agreement. Actors whose rule is ``"war"`` get their status-quo utility
        here; engines that model war derive it themselves (``walk_away_is_war``).
    walk_away_is_war : ndarray of bool, shape (n,)
    ratifier : ndarray of bool, shape (n,)
        Actors whose consent any deal needs (coalitions expanded into their members).
    issue_ratifier : ndarray of bool, shape (n, K)
        Actors whose consent a deal on each issue needs (``table.issue_ratifiers``, else the
        default ratifiers; coalitions expanded into their members).
    negotiator : ndarray of bool, shape (n,)
        Actors at the table (a coalition through its representative, else its members).
    lever_level, lever_cost, lever_credibility : ndarray, shape (R, L)
    decision_rule : VotingGame or None
        The table's rule on a package over every issue, over the actors
        (:func:`negsim.coalitions.table_rule`); None if the scenario has more actors than a
        voting game holds.
    war : War or None
        The scenario's ``[war]`` section (read by the ``war`` engine).
    levers : tuple of Lever
        The levers themselves (schedules, effects, conditions), for dynamic engines.
    lever_owner : ndarray of bool, shape (L, n)
        The actors who pay each lever's cost (a coalition's members).
    time_start, time_step : str
        The scenario's clock (``[time] start`` and ``step``), for narratives.
    coalition_members : mapping of str to tuple of str
        Each coalition's members.
    """

    scenario_hash: str
    horizon: int
    actor_ids: tuple[str, ...]
    issue_ids: tuple[str, ...]
    lever_ids: tuple[str, ...]
    lo: FloatArray
    hi: FloatArray
    status_quo: FloatArray
    position: FloatArray
    salience: FloatArray
    weight: FloatArray
    capability: FloatArray
    discount: FloatArray
    cost: FloatArray
    risk: FloatArray
    support: FloatArray
    walk_away: FloatArray
    walk_away_is_war: BoolArray
    ratifier: BoolArray
    issue_ratifier: BoolArray
    negotiator: BoolArray
    lever_level: FloatArray
    lever_cost: FloatArray
    lever_credibility: FloatArray
    decision_rule: VotingGame | None = None
    war: War | None = None
    levers: tuple[Lever, ...] = ()
    lever_owner: BoolArray | None = None
    time_start: str = ""
    time_step: str = "month"
    coalition_members: Mapping[str, tuple[str, ...]] = attrs.field(factory=dict)

    @property
    def n_runs(self) -> int:
        return int(self.status_quo.shape[0])

    @property
    def n_actors(self) -> int:
        return len(self.actor_ids)

    @property
    def n_issues(self) -> int:
        return len(self.issue_ids)

    def utility(self, x: FloatArray) -> FloatArray:
        """Each actor's utility for outcomes ``x`` of shape (R, K) or (R, M, K)."""
        return utility(x, self.position, self.weight, self.risk, self.lo, self.hi)


_ACTOR_SCALARS = ("capability", "discount", "cost", "risk", "walk_away")
_LEVER_SCALARS = {"level": "lever_level", "cost": "lever_cost", "credibility": "lever_credibility"}


def compile_scenario(
    scenario: Scenario,
    n_runs: int = 1,
    overrides: Mapping[str, NDArray[np.floating]] | None = None,
) -> Compiled:
    """Lower a scenario to arrays, ``n_runs`` copies along the run axis.

    Parameters
    ----------
    scenario : Scenario
    n_runs : int
        Length of the run axis.
    overrides : mapping of str to ndarray, shape (n_runs,)
        Per-run values of parameters named by path (``actors.russia.capability``,
        ``actors.ukraine.salience.donbas``, ``issues.donbas.status_quo``,
        ``levers.eu_sanctions.level``), e.g. sampled from the scenario's uncertainties.

    Raises
    ------
    EngineError
        If an override names a parameter the compiled form does not hold.
    """
    if n_runs < 1:
        raise ValueError(f"n_runs must be at least 1, got {n_runs}")
    s = scenario
    aid, iid, lid = s.actor_ids, s.issue_ids, tuple(lv.id for lv in s.levers)
    n, K, L, R = len(aid), len(iid), len(lid), n_runs
    lo = np.array([i.scale[0] for i in s.issues], dtype=float)
    hi = np.array([i.scale[1] for i in s.issues], dtype=float)
    sq = np.array([i.status_quo for i in s.issues], dtype=float)

    position = np.broadcast_to(sq, (n, K)).copy()
    salience = np.zeros((n, K))
    scal = {name: np.zeros(n) for name in _ACTOR_SCALARS}
    war = np.zeros(n, dtype=bool)
    explicit_walk_away = np.zeros(n, dtype=bool)
    for a_i, a in enumerate(s.actors):
        for k_i, k in enumerate(iid):
            if k in a.position:
                position[a_i, k_i] = a.position[k]
                salience[a_i, k_i] = a.salience.get(k, 0.0)
        scal["capability"][a_i] = a.capability
        scal["discount"][a_i] = a.discount
        scal["cost"][a_i] = a.cost
        scal["risk"][a_i] = a.risk
        if isinstance(a.walk_away, str):
            war[a_i] = a.walk_away == "war"
        else:
            scal["walk_away"][a_i] = a.walk_away
            explicit_walk_away[a_i] = True
    support = np.zeros((n, n))
    for a_i, a in enumerate(s.actors):
        for other, share in a.support.items():
            support[a_i, aid.index(other)] = share
    levers = {
        "lever_level": np.array([lv.level for lv in s.levers], dtype=float).reshape(L),
        "lever_cost": np.array([lv.cost for lv in s.levers], dtype=float).reshape(L),
        "lever_credibility": np.array([lv.credibility for lv in s.levers], dtype=float).reshape(L),
    }

    arrays: dict[str, np.ndarray] = {
        "status_quo": np.repeat(sq[None], R, axis=0),
        "position": np.repeat(position[None], R, axis=0),
        "salience": np.repeat(salience[None], R, axis=0),
        "support": np.repeat(support[None], R, axis=0),
        **{k: np.repeat(v[None], R, axis=0) for k, v in scal.items()},
        **{k: np.repeat(v[None], R, axis=0) for k, v in levers.items()},
    }
    for path, values in (overrides or {}).items():
        target, index = _slot(path, aid, iid, lid)
        v = np.asarray(values, dtype=float)
        if v.shape != (R,):
            raise EngineError(f"override for {path!r} must have shape ({R},), got {v.shape}")
        arrays[target][(slice(None), *index)] = v  # type: ignore[index]  # ints after a slice
        if target == "walk_away":
            explicit_walk_away[index[0]] = True
            war[index[0]] = False

    weight = issue_weights(arrays["salience"])
    sq_utility = utility(arrays["status_quo"], arrays["position"], weight, arrays["risk"], lo, hi)
    arrays["walk_away"] = np.where(explicit_walk_away, arrays["walk_away"], sq_utility)

    ratifier = _mask(s, s.table.effective_ratifiers() + tuple(
        p for ps in s.table.issue_ratifiers.values() for p in ps), members=True)
    negotiator = _mask(s, s.table.negotiators, members=False)
    issue_ratifier = np.stack(
        [_mask(s, s.table.ratifiers_for((k,)), members=True) for k in iid], axis=1
    ).reshape(n, K)
    try:
        rule: VotingGame | None = table_rule(s)
    except ValueError:
        rule = None
    out = Compiled(
        decision_rule=rule, scenario_hash=s.hash, horizon=s.time.horizon, actor_ids=aid,
        issue_ids=iid,
        lever_ids=lid, lo=lo, hi=hi,
        weight=weight, walk_away_is_war=war, ratifier=ratifier, negotiator=negotiator,
        issue_ratifier=issue_ratifier,
        war=s.war, levers=s.levers,
        lever_owner=np.array([_mask(s, (lv.owner,), members=True) for lv in s.levers],
                             dtype=bool).reshape(L, n),
        time_start=s.time.start, time_step=s.time.step,
        coalition_members={co.id: co.members for co in s.coalitions},
        **arrays,
    )
    for f in attrs.fields(Compiled):
        value = getattr(out, f.name)
        if isinstance(value, np.ndarray):
            value.setflags(write=False)
    return out


def _slot(path: str, aid: tuple[str, ...], iid: tuple[str, ...],
          lid: tuple[str, ...]) -> tuple[str, tuple[int, ...]]:
    parts = path.split(".")
    try:
        if parts[0] == "actors":
            a = aid.index(parts[1])
            if len(parts) == 3 and parts[2] in _ACTOR_SCALARS:
                return parts[2], (a,)
            if len(parts) == 4 and parts[2] in ("position", "salience"):
                return parts[2], (a, iid.index(parts[3]))
            if len(parts) == 4 and parts[2] == "support":
                return "support", (a, aid.index(parts[3]))
        elif parts[0] == "issues" and len(parts) == 3 and parts[2] == "status_quo":
            return "status_quo", (iid.index(parts[1]),)
        elif parts[0] == "levers" and len(parts) == 3 and parts[2] in _LEVER_SCALARS:
            return _LEVER_SCALARS[parts[2]], (lid.index(parts[1]),)
    except (ValueError, IndexError):
        pass
    raise EngineError(
        f"cannot vary {path!r} per run: the compiled form holds actors' capability, discount, "
        "cost, risk, walk_away, position.<issue>, salience.<issue> and support.<actor>, "
        "issues' status_quo, "
        "and levers' level, cost and credibility"
    )


def _mask(s: Scenario, parties: tuple[str, ...], members: bool) -> BoolArray:
    aid = s.actor_ids
    mask = np.zeros(len(aid), dtype=bool)
    for p in parties:
        if p in aid:
            mask[aid.index(p)] = True
            continue
        c = s.coalition(p)
        if not members and c.representative is not None:
            mask[aid.index(c.representative)] = True
        else:
            for m in c.members:
                mask[aid.index(m)] = True
    return mask

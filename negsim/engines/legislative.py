"""Legislative bargaining at the table: the Baron-Ferejohn engine.

The table is a legislature in the sense of Baron & Ferejohn (1989). Each round nature
recognises one actor, ``k`` with probability ``p_k``; ``k`` proposes a package, which passes
if the proposer and the actors who accept it form a winning coalition of the table's decision
rule; otherwise the round is lost and play starts again, discounted by a common factor
``delta``. In the stationary equilibrium (closed rule) agreement is immediate and actor ``i``
expects the share ``v_i`` of the surplus, ``sum_i v_i = 1``
(:func:`negsim.baron_ferejohn.stationary_values`): proposer ``k`` keeps
``1 - delta * c_k(v)`` and pays each partner ``j`` of its cheapest winning coalition
``delta * v_j``. Under unanimity ``v = p`` (theory.md, section 3).

**The decision rule.** A package over every issue needs the consent of every ratifying party
(the table's ratifiers and every party named in ``issue_ratifiers``, as in
:class:`negsim.compiled.Compiled`): each actor among them is a veto player, and each coalition
must accept under its own rule (:func:`negsim.coalitions.voting_game`). A coalition whose rule
differs by issue must accept under the rule of every issue on which its consent is needed (the
AND of those rules): the EU Council of the reference scenario, a qualified majority by
default but unanimous on sanctions, energy and accession, is unanimous on the whole package.
:func:`table_rule` composes this with ``&`` into one :class:`negsim.power.VotingGame` over the
scenario's actors; actors outside it are null players.

**Who plays.** The rule's members vote; the actors with ``p_i > 0`` propose. Recognition is
equal among the negotiators, proportional to the negotiators' capabilities (per run), or given
per actor. An actor that neither votes nor can be recognised has value 0 and no part in the
game. Values are solved by the cheapest exact route: the closed form ``v = p`` when every
player is a veto player (unanimity), order statistics when the rule is a quota of votes (any
number of players), and enumeration of the ``2**m`` coalitions otherwise (``m <= 20``
players). Solves are shared by runs with the same recognition probabilities and ``delta``.

**From shares of a dollar to terms on the issues.** Baron-Ferejohn divides a transferable
surplus; the scenario's issues are not transferable. The engine realises the expected
equilibrium split as the proportional solution (Kalai 1977) over the outcome box, with the
stationary values as the proportions: the outcome maximises ``t`` subject to
``u_i(x) >= d_i + t v_i`` for every ratifier ``i`` (``d`` the walk-away values;
:func:`negsim.axiomatic.proportional_outcome`). Gains over walking away are shared in the
ratio of the values, as the dollar is in expectation. This is a reduction, not the spatial
Baron-Ferejohn game (Banks & Duggan 2000), whose equilibria are lotteries over proposals.

- The bargainers of the proportional solution are the rule's members (the ratifiers). As no
  division of the Baron-Ferejohn dollar leaves a member below the status quo, none of them is
  left below its walk-away value.
- A ratifier with value 0 (a voter that is never recognised, or a null player of its
  coalition) is paid exactly its continuation value, 0: it keeps its walk-away value and gains
  nothing. Proportions must be positive, so it enters with a token proportion, 1% of the
  largest value (``FLOORS[0]``), which keeps its walk-away constraint; it is not dropped,
  since a dropped ratifier could be pushed below its walk-away value by a deal it can veto.
  (Smaller proportions make :func:`~negsim.axiomatic.proportional_outcome` report feasible
  problems as infeasible. Runs it still reports infeasible are solved again with floors of
  10% and then 100%, the egalitarian solution, whose feasible set is the same;
  ``extras["floor"]`` records the floor each run used.)
- A proposer outside the rule (a negotiator without a vote) earns agenda-setting rent
  ``v_k > 0`` in the game, reported in ``extras["value"]``, but it cannot hold out for its
  walk-away value, so it is not a bargainer over the issues: it gets its utility of the
  agreed outcome, as the actors outside the bargain do in the axiomatic engines. Its presence
  still shapes the voters' values.

Where no outcome gives every ratifier at least its walk-away value there is no agreement: the
status quo stands and everyone gets its walk-away value. Walk-away rule ``"war"`` counts as
the status quo here.

``Outcome.extras`` (run axis first): ``value`` (R, n), the stationary values;
``proposer_share`` (R, n), what each player keeps when recognised (0 for non-players);
``recognition`` (R, n); ``delta`` (R,); ``gap`` (R,), the solver's certificate; ``floor``
(R,), the floor used (NaN where there is no agreement).

References
----------
Baron, D. P., & Ferejohn, J. A. (1989). Bargaining in legislatures. *American Political
Science Review*, 83(4), 1181-1206.

Kalai, E. (1977). Proportional solutions to bargaining situations: interpersonal utility
comparisons. *Econometrica*, 45(7), 1623-1630.

Banks, J. S., & Duggan, J. (2000). A bargaining model of collective choice. *American
Political Science Review*, 94(1), 73-88.
"""

from __future__ import annotations

import math
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim._checks import is_number
from negsim.axiomatic import proportional_outcome
from negsim.baron_ferejohn import MAX_ENUMERATED_MEMBERS, stationary_values
from negsim.coalitions import table_rule
from negsim.compiled import Compiled, compile_scenario
from negsim.engines.base import Engine, EngineInfo, Outcome
from negsim.engines.cooperative import parse_actor_values
from negsim.errors import EngineError, Problem, ScenarioError
from negsim.power import VotingGame, veto_players
from negsim.scenario import Scenario

__all__ = ["FLOORS", "BaronFerejohnParams", "baron_ferejohn", "recognition_probabilities",
           "stationary_shares"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

#: Floors on the proportions, relative to the largest value, tried in turn (see ``_proportional``).
FLOORS = (1e-2, 1e-1, 1.0)
RECOGNITION = ("equal", "capability", "given")


# -- parameters ------------------------------------------------------------------------------


def _check_delta(_: Any, attribute: Any, value: Any) -> None:
    if value is not None and not (is_number(value) and 0.0 <= value <= 1.0):
        raise ScenarioError([Problem(
            f"delta must be a number in [0, 1] (or absent, for the negotiators' mean discount "
            f"factor), got {value!r}", attribute.name)])


def _check_weights(_: Any, attribute: Any, value: str) -> None:
    parse_actor_values(value, attribute.name)


def _float_or_none(value: Any) -> Any:
    return float(value) if is_number(value) else value


@attrs.frozen(kw_only=True)
class BaronFerejohnParams:
    """Parameters of the Baron-Ferejohn engine.

    Parameters
    ----------
    recognition : {"equal", "capability", "given"}
        Who proposes, with which probability: equal among the negotiators (an actor for each
        seat; a coalition at the table through its representative), proportional to the
        negotiators' capabilities (per run), or as given in ``weights``.
    weights : str
        With ``recognition = "given"``: ``"russia=0.6, ukraine=0.4"``, positive weights for the
        actors that can be recognised (normalised to sum to 1); actors not named never are.
    delta : float, optional
        Common discount factor per round, in ``[0, 1]``. By default the mean of the
        negotiators' discount factors, per run.
    """

    recognition: str = attrs.field(default="equal",
                                   validator=attrs.validators.in_(RECOGNITION))
    weights: str = attrs.field(default="", validator=_check_weights)
    delta: float | None = attrs.field(default=None, converter=_float_or_none,
                                      validator=_check_delta)

    def __attrs_post_init__(self) -> None:
        named = bool(parse_actor_values(self.weights, "weights"))
        if self.recognition == "given" and not named:
            raise ScenarioError([Problem(
                "recognition = 'given' needs weights, e.g. 'russia=0.6, ukraine=0.4'",
                "weights")])
        if self.recognition != "given" and named:
            raise ScenarioError([Problem(
                f"weights are only read with recognition = 'given' (recognition is "
                f"{self.recognition!r})", "weights")])


# -- the decision rule -------------------------------------------------------------------------


class _Restricted:
    """A game over every actor, seen as a game over the actors ``idx`` (others absent)."""

    def __init__(self, game: VotingGame, idx: NDArray[np.intp]) -> None:
        self.game, self.idx = game, idx

    def is_winning(self, masks: BoolArray) -> BoolArray:
        full = np.zeros((len(masks), self.game.n_players), dtype=bool)
        full[:, self.idx] = masks
        return self.game.is_winning(full)


def _quota(game: VotingGame, idx: NDArray[np.intp]) -> int | None:
    """The number of votes among ``idx`` that wins, if the rule only counts heads; else None."""
    best = math.inf
    for block in game.blocks:
        need = 0.0
        for crit in block:
            w = np.asarray(crit.weights)[idx]
            if (w != w[0]).any():
                return None
            if crit.quota > 0:
                need = max(need, math.ceil(crit.quota / w[0]) if w[0] > 0 else math.inf)
        best = min(best, need)
    return max(int(best), 1) if best <= idx.size else None


# -- recognition, discounting, values ------------------------------------------------------------


def recognition_probabilities(c: Compiled, params: BaronFerejohnParams) -> FloatArray:
    """Recognition probabilities per run, shape (R, n), summing to 1 in every run.

    Raises
    ------
    ScenarioError
        If ``weights`` name an unknown actor.
    EngineError
        If no negotiator has a positive capability in some run (``"capability"``).
    """
    if params.recognition == "equal":
        w = np.broadcast_to(c.negotiator.astype(float), (c.n_runs, c.n_actors))
    elif params.recognition == "capability":
        w = c.capability * c.negotiator
        if (w.sum(axis=1) <= 0.0).any():
            raise EngineError("recognition = 'capability' needs a negotiator with a positive "
                              "capability in every run")
    else:
        given = parse_actor_values(params.weights, "engine.params.weights")
        unknown = [a for a in given if a not in c.actor_ids]
        if unknown:
            raise ScenarioError([Problem(
                f"weights name actors not in the scenario: {', '.join(unknown)}",
                "engine.params.weights")])
        row = np.array([given.get(a, 0.0) for a in c.actor_ids])
        w = np.broadcast_to(row, (c.n_runs, c.n_actors))
    return np.asarray(w / w.sum(axis=1, keepdims=True), dtype=float)


def _delta(c: Compiled, params: BaronFerejohnParams) -> FloatArray:
    if params.delta is not None:
        return np.full(c.n_runs, params.delta)
    return np.asarray(c.discount[:, c.negotiator].mean(axis=1), dtype=float)


def _voters(rule: VotingGame) -> BoolArray:
    """The rule's members: actors with a positive weight in some criterion, shape (n,)."""
    out = np.zeros(rule.n_players, dtype=bool)
    for block in rule.blocks:
        for crit in block:
            out |= np.asarray(crit.weights) > 0
    return out


def _unanimous(rule: VotingGame, idx: NDArray[np.intp]) -> bool:
    return bool(veto_players(rule)[idx].all())


def stationary_shares(rule: VotingGame, p: FloatArray,
                      delta: FloatArray) -> tuple[FloatArray, FloatArray]:
    """Stationary values and proposer shares per run under ``rule`` (Baron & Ferejohn 1989).

    Parameters
    ----------
    rule : VotingGame
        Over all ``n`` actors; its grand coalition must win.
    p : ndarray, shape (R, n)
        Recognition probabilities per run.
    delta : ndarray, shape (R,)
        Common discount factor per run, in ``[0, 1]``.

    Returns
    -------
    value, proposer_share : ndarray, shape (R, n)
        Values sum to 1 per run; both are 0 for actors that neither vote nor propose.

    Raises
    ------
    EngineError
        If the rule needs enumeration over more than ``MAX_ENUMERATED_MEMBERS`` players, or the
        solver finds no equilibrium passing its check.
    """
    R, n = p.shape
    idx = np.flatnonzero(_voters(rule) | (p > 0.0).any(axis=0))
    value, share = np.zeros((R, n)), np.zeros((R, n))
    pi = p[:, idx]
    if _unanimous(rule, idx):  # closed form: v = p, the proposer keeps 1 - delta (1 - p_i)
        value[:, idx] = pi
        share[:, idx] = 1.0 - delta[:, None] * (1.0 - pi)
        return value, share
    q = _quota(rule, idx)
    if q is None and idx.size > MAX_ENUMERATED_MEMBERS:
        raise EngineError(_too_many(idx.size))
    how: Any = q if q is not None else _Restricted(rule, idx)
    _, first, inverse = np.unique(np.column_stack([pi, delta]), axis=0, return_index=True,
                                  return_inverse=True)
    v_rows, s_rows = np.empty((first.size, idx.size)), np.empty((first.size, idx.size))
    for r, i in enumerate(first):
        row = pi[i] / pi[i].sum()  # exact zeros stay zeros
        try:
            eq = stationary_values(row, float(delta[i]), how)
        except RuntimeError as exc:
            raise EngineError(f"baron_ferejohn: {exc}") from None
        v_rows[r], s_rows[r] = eq.values, eq.proposer_share
    inverse = inverse.reshape(-1)
    value[:, idx], share[:, idx] = v_rows[inverse], s_rows[inverse]
    return value, share


def _too_many(m: int) -> str:
    return (f"the table's decision rule has {m} players (voters and possible proposers) and is "
            "neither unanimity nor a quota of votes; such rules are solved by enumerating all "
            f"2**m coalitions, which needs m <= {MAX_ENUMERATED_MEMBERS}")


# -- the outcome on the issues -------------------------------------------------------------------


def _proportional(c: Compiled, value: FloatArray) -> Outcome:
    """Proportional solution among the ratifiers with their values as proportions.

    Zero values are floored at ``floor * max(value)`` (equal proportions where every ratifier's
    value is 0). Runs the solver reports infeasible are solved again with the next floor of
    :data:`FLOORS`; the last, 1, is the egalitarian solution, whose feasible set is the same.
    Each distinct run is solved once.
    """
    idx = np.flatnonzero(c.ratifier)
    v = value[:, idx]
    top = v.max(axis=1, keepdims=True)
    top = np.where(top > 0.0, top, 1.0)
    inputs = (c.position[:, idx], c.weight[:, idx], c.risk[:, idx], c.walk_away[:, idx],
              c.status_quo, v)
    key = np.concatenate([a.reshape(c.n_runs, -1) for a in inputs], axis=1)
    _, first, inverse = np.unique(key, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.reshape(-1)
    x = np.zeros((first.size, c.n_issues))
    gap, used = np.full(first.size, np.nan), np.full(first.size, np.nan)
    todo = np.arange(first.size)
    for floor in FLOORS:
        r = first[todo]
        prop = np.maximum(v[r], floor * top[r])
        sol = proportional_outcome(c.position[r][:, idx], c.weight[r][:, idx], c.risk[r][:, idx],
                                   c.lo, c.hi, c.walk_away[r][:, idx], c.status_quo[r], prop)
        ok = np.asarray(sol.feasible, dtype=bool)
        x[todo[ok]], gap[todo[ok]], used[todo[ok]] = sol.x[ok], sol.gap[ok], floor
        todo = todo[~ok]
        if todo.size == 0:
            break
    agree = ~np.isnan(used)[inverse]
    out = np.where(agree[:, None], x[inverse], c.status_quo)
    utility = np.where(agree[:, None], c.utility(out), c.walk_away)
    return Outcome(outcome=out, agreement=agree, round=np.where(agree, 0, -1).astype(np.int64),
                   utility=utility, extras={"gap": gap[inverse], "floor": used[inverse]})


def _rule_of(c: Compiled) -> VotingGame:
    if c.decision_rule is None:
        raise EngineError("the table's decision rule cannot be built as a voting game (more "
                          "actors than a voting game holds)")
    return c.decision_rule


def _solve(c: Compiled, params: BaronFerejohnParams, rng: np.random.Generator) -> Outcome:
    p = recognition_probabilities(c, params)
    delta = _delta(c, params)
    value, share = stationary_shares(_rule_of(c), p, delta)
    out = _proportional(c, value)
    extras = {**out.extras, "value": value, "proposer_share": share, "recognition": p,
              "delta": delta}
    return attrs.evolve(out, extras=extras)


def _check(s: Scenario) -> list[str]:
    try:
        rule = table_rule(s)
    except ValueError as exc:
        return [f"its decision rule cannot be built as a voting game ({exc})"]
    c = compile_scenario(s)
    why = []
    if not rule.is_winning(np.ones((1, c.n_actors), dtype=bool))[0]:
        why.append("no package can pass: even every actor together is not a winning coalition")
    idx = np.flatnonzero(_voters(rule) | c.negotiator)
    if (idx.size > MAX_ENUMERATED_MEMBERS and not _unanimous(rule, idx)
            and _quota(rule, idx) is None):
        why.append(_too_many(idx.size))
    best = c.weight.sum(axis=2)  # each actor's highest possible utility
    if not (c.walk_away < best - 1e-12)[:, c.ratifier].any():
        why.append("there is no surplus to divide: no ratifier can do better than its "
                   "walk-away value on any outcome")
    return why


_GUARANTEES: Any = frozenset({"feasible", "individually_rational", "pareto", "deterministic",
                              "symmetric", "relabelling_covariant"})  # Any: mypy misreads
# EngineInfo's converter=frozenset as a generic it cannot solve for str (strategic.py too)

baron_ferejohn = Engine(
    info=EngineInfo(
        name="baron_ferejohn",
        summary="Baron-Ferejohn legislative bargaining under the table's rule, realised as "
                "a proportional split of the gains",
        family="strategic",
        guarantees=_GUARANTEES,
        assumptions=(
            "closed-rule legislative bargaining: a recognised actor proposes a package, which "
            "passes if a winning coalition of the table's decision rule accepts; stationary "
            "equilibrium with immediate agreement",
            "the decision rule needs every ratifying actor and every ratifying coalition under "
            "its own rule, ANDed over the issues on which its consent is needed",
            "recognition equal among the negotiators, proportional to their capability, or "
            "given; one common discount factor (default: the negotiators' mean)",
            "the transferable-utility model is mapped onto the issues by the proportional "
            "solution (Kalai 1977): the ratifiers share gains over their walk-away values in "
            "the ratio of their stationary values (a ratifier with value 0 just keeps its "
            "walk-away value); this is a reduction, not the spatial game of Banks & Duggan",
            "proposers without a vote earn value in the game but do not bargain over the "
            "issues; walk-away 'war' counts as the status quo",
            "guarantees need concave utilities (risk >= 1)",
        ),
        references=(
            "Baron & Ferejohn (1989) Bargaining in legislatures, APSR 83",
            "Kalai (1977) Proportional solutions to bargaining situations, Econometrica 45",
            "Banks & Duggan (2000) A bargaining model of collective choice, APSR 94",
        ),
    ),
    params=BaronFerejohnParams,
    solve=_solve,
    check=_check,
)

from negsim.engines import register  # noqa: E402

register(baron_ferejohn)

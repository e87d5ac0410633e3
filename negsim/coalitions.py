"""Coalitions as voting games: who can carry a decision, and how much power each member has.

A :class:`~negsim.model.Coalition` states its decision rule in words (``unanimity``, ``qmv``,
``reinforced_qmv``, ``majority``, ``threshold``), possibly per issue. :func:`voting_game` turns it
into an exact :class:`~negsim.power.VotingGame` over its members, a bloc member counting as the
number of states it stands for (``counts``):

- ``unanimity``: every member must agree;
- ``majority``: members standing for more than half the states;
- ``qmv`` (Art. 16(4) TEU): at least 55% of the states holding at least 65% of the population
  (``weights``), or all but at most three states;
- ``reinforced_qmv`` (Art. 238(2) TFEU): 72% of the states and 65% of the population;
- ``threshold``: a share ``quota`` of the total ``weights``.

:func:`coalition_power` reports the Shapley-Shubik (1954) or Banzhaf (1965) index of each member.
"""

from __future__ import annotations

import functools
import math
import operator
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from negsim.model import Coalition
from negsim.power import Criterion, VotingGame, banzhaf, shapley_shubik

if TYPE_CHECKING:
    from negsim.scenario import Scenario

__all__ = ["coalition_power", "table_rule", "voting_game"]

# weights (population shares, votes) are rounded to this unit before the exact count
_RESOLUTION = 1e-4


def voting_game(coalition: Coalition, issue: str | None = None) -> VotingGame:
    """The coalition's decision rule on ``issue`` (its default rule if None) as a voting game.

    Players are the coalition's members in order.
    """
    rule = coalition.issue_rules.get(issue, coalition.rule) if issue else coalition.rule
    members = coalition.members
    counts = np.array([coalition.count(m) for m in members], dtype=float)
    n_states = int(counts.sum())
    if rule == "unanimity":
        return VotingGame.weighted(np.ones(len(members)), len(members))
    if rule == "majority":
        return VotingGame.weighted(counts, n_states // 2 + 1)
    weights = np.array([coalition.weights[m] for m in members], dtype=float)
    if rule == "threshold":
        assert coalition.quota is not None
        return VotingGame.weighted(weights, coalition.quota * weights.sum(),
                                   resolution=_RESOLUTION)
    pop_quota = 0.65 * weights.sum()
    if rule == "reinforced_qmv":
        return VotingGame.from_criteria(
            [[(counts, math.ceil(0.72 * n_states - 1e-9)), (weights, pop_quota)]],
            resolution=_RESOLUTION)
    # qmv; with fewer than four states the blocking-minority clause cannot bite
    blocks = [[(counts, math.ceil(0.55 * n_states - 1e-9)), (weights, pop_quota)]]
    if n_states >= 4:
        blocks.append([(counts, n_states - 3)])
    return VotingGame.from_criteria(blocks, resolution=_RESOLUTION)


@functools.lru_cache(maxsize=256)
def coalition_power(coalition: Coalition, issue: str | None = None,
                    index: str = "shapley_shubik") -> NDArray[np.float64]:
    """Each member's power index under the coalition's rule on ``issue``.

    Parameters
    ----------
    coalition : Coalition
    issue : str, optional
        An issue with its own rule (``issue_rules``); default the coalition's rule.
    index : {"shapley_shubik", "banzhaf"}

    Returns
    -------
    ndarray, shape (n_members,)
        Normalised to sum to 1.
    """
    game = voting_game(coalition, issue)
    if index == "shapley_shubik":
        out = shapley_shubik(game)
    elif index == "banzhaf":
        out = banzhaf(game)
    else:
        raise ValueError(f"index must be 'shapley_shubik' or 'banzhaf', got {index!r}")
    out.setflags(write=False)
    return out


def _lift(game: VotingGame, members: tuple[str, ...], actor_ids: tuple[str, ...]) -> VotingGame:
    """``game`` over ``members`` as a game over every actor (the others are null players)."""
    at = [actor_ids.index(m) for m in members]

    def spread(weights: tuple[int, ...]) -> list[int]:
        out = [0] * len(actor_ids)
        for i, w in zip(at, weights, strict=True):
            out[i] += w
        return out

    return VotingGame(len(actor_ids), [[Criterion(spread(c.weights), c.quota) for c in block]
                                       for block in game.blocks])


@functools.lru_cache(maxsize=256)
def table_rule(scenario: Scenario) -> VotingGame:
    """The table's decision rule on a package over every issue, as a voting game over actors.

    Players are ``scenario.actor_ids`` in order. A coalition wins iff it contains every
    ratifying actor (each a veto player) and, for every ratifying coalition, members that carry
    the coalition's decision under the rule of each issue on which its consent is needed (its
    default rule if it ratifies no issue in particular). Actors in no ratifying party are null
    players.

    Parameters
    ----------
    scenario : Scenario

    Returns
    -------
    VotingGame

    Raises
    ------
    ValueError
        If the scenario has more actors than :class:`~negsim.power.VotingGame` holds (62).
    """
    s, t = scenario, scenario.table
    aid = s.actor_ids
    effective = t.effective_ratifiers()
    parties = dict.fromkeys(effective + tuple(p for ps in t.issue_ratifiers.values() for p in ps))
    veto = [0] * len(aid)
    games = []
    for party in parties:
        if party in aid:
            veto[aid.index(party)] = 1
            continue
        coalition = s.coalition(party)
        by_rule: dict[str, str | None] = {}  # rule -> an issue decided under it
        for k in s.issue_ids:
            if party in t.issue_ratifiers.get(k, effective):
                by_rule.setdefault(coalition.issue_rules.get(k, coalition.rule), k)
        for issue in by_rule.values() or [None]:
            games.append(_lift(voting_game(coalition, issue), coalition.members, aid))
    if any(veto):
        games.append(VotingGame(len(aid), [[Criterion(veto, sum(veto))]]))
    return functools.reduce(operator.and_, games)

"""Stepping through a war-engine run: each round's state is what the engine recorded."""

from __future__ import annotations

import attrs
import pytest

import negsim
from negsim.model import Actor, Issue, Table, Time, War
from negsim.stepping import RoundState, date_label, rounds, steps


@pytest.fixture(scope="module")
def optimistic() -> negsim.Scenario:
    """The reference scenario with both belligerents optimistic enough to fight for months."""
    s = negsim.load("scenarios/eu-russia-2026.toml")
    return attrs.evolve(s, war=attrs.evolve(s.war, optimism={"russia": 2.0, "ukraine": 2.0}))


@pytest.fixture(scope="module")
def result(optimistic) -> negsim.Result:
    return negsim.run(optimistic, "war", rng=0, n_runs=3)


def duel(cap_a: float = 80.0, cap_b: float = 20.0, delta: float = 0.99, cost: float = 0.0,
         **war: object) -> negsim.Scenario:
    """Two belligerents over one issue (by default A far stronger)."""
    actors = [Actor(id=i, name=i.upper(), kind="state", capability=cap, position={"land": pos},
                    salience={"land": 1.0}, discount=delta, cost=cost, walk_away="war")
              for i, cap, pos in (("a", cap_a, 100.0), ("b", cap_b, 0.0))]
    return negsim.Scenario(
        title="duel", issues=(Issue(id="land", label="Land", status_quo=50.0),),
        actors=tuple(actors), table=Table(negotiators=("a", "b")), time=Time(horizon=12),
        war=War(side_a=("a",), side_b=("b",), **war))  # type: ignore[arg-type]


def test_a_run_steps_round_by_round_to_its_agreement(optimistic, result) -> None:
    for run in range(3):
        states = list(rounds(result, optimistic, run))
        assert len(states) == result.round[run] + 1
        assert [s.round for s in states] == list(range(len(states)))
        assert [s.accepted for s in states] == [False] * (len(states) - 1) + [True]
        assert all(s.offer is None for s in states[:-1])  # nothing acceptable was tabled
        last = states[-1]
        assert list(last.offer.values()) == pytest.approx(result.outcome[run], abs=1e-3)
        assert list(last.offer) == list(optimistic.issue_ids)
        for actor in last.needed:
            assert last.offer_utility[actor] >= last.acceptance_level[actor] - 1e-6


def test_states_hold_the_engines_records_under_their_names(optimistic, result) -> None:
    e = result.extras
    ids = result.actor_ids
    for s in rounds(result, optimistic, 1):
        t = s.round
        assert s.front == e["front"][1, t]
        assert s.proposer == ids[e["proposer"][1, t]]
        assert s.walk_away["ukraine"] == pytest.approx(e["walk_away_path"][1, t,
                                                                           ids.index("ukraine")])
        assert set(s.belief) == {"russia", "ukraine"}
        assert all(0.0 < p < 1.0 for p in s.belief.values())
        assert s.sides == ("russia", "ukraine")
        assert s.lever_level["eu_loan"] == 90.0
        if not s.accepted:
            assert s.battles_won_by_a == e["battles_won_by_a"][1, t]
            assert 0 <= s.battles_won_by_a <= s.battles == optimistic.war.battles


def test_the_front_moves_by_the_engagements_won(optimistic, result) -> None:
    """Each round of fighting moves the front by advance * (2 wins - battles)."""
    war = optimistic.war
    before = war.front_start
    for s in rounds(result, optimistic, 0):
        if not s.accepted:
            assert s.front == pytest.approx(before + war.advance * (2 * s.battles_won_by_a
                                                                   - s.battles))
        before = s.front


def test_lever_costs_accumulate_level_times_cost(optimistic, result) -> None:
    cost = {lv.id: lv.cost for lv in optimistic.levers}
    spent = dict.fromkeys(cost, 0.0)
    for s in rounds(result, optimistic, 2):
        for lever, level in s.lever_level.items():
            spent[lever] += level * cost[lever]
            assert s.lever_cost[lever] == pytest.approx(spent[lever])


def test_steps_runs_the_engine_and_replays_the_same_rounds(optimistic, result) -> None:
    stepped = list(negsim.steps(optimistic, rng=0, run=1, n_runs=3))
    assert stepped == list(rounds(result, optimistic, 1))
    assert all(isinstance(s, RoundState) for s in stepped)
    assert [s.date for s in stepped[:3]] == ["2026-03", "2026-04", "2026-05"]
    line = str(stepped[0])
    assert line.startswith("2026-03 (round 0): ") and "russia won" in line


def test_a_capitulation_names_who_gave_in() -> None:
    s = duel(optimism={"b": 3.0}, advance=5.0, capitulation=(10.0, 90.0))
    r = negsim.run(s, "war", rng=0, n_runs=5)
    assert (r.extras["capitulation"] == 2).all()  # B gave in every time
    for run in range(5):
        states = list(rounds(r, s, run))
        assert [x.gives_in for x in states] == [None] * (len(states) - 1) + ["b"]
        assert states[-1].front >= 90.0
        assert "b gives in" in str(states[-1])


def test_stepping_refuses_other_engines_scenarios_and_runs(optimistic, result) -> None:
    with pytest.raises(ValueError, match="'war' engine"):
        list(steps(optimistic, "compromise", rng=0))
    with pytest.raises(ValueError, match="not run on this scenario"):
        list(rounds(result, negsim.load("scenarios/eu-russia-2026.toml")))
    with pytest.raises(IndexError):
        list(rounds(result, optimistic, 3))


@pytest.mark.parametrize(("start", "step", "t", "label"), [
    ("2026-03", "month", 0, "2026-03"), ("2026-11", "month", 2, "2027-01"),
    ("2026-03", "quarter", 4, "2027-03"), ("2026-03", "year", 1, "2027-03"),
    ("2026-03", "week", 2, "week 3"), ("", "month", 0, "month 1")])
def test_date_labels_follow_the_calendar(start: str, step: str, t: int, label: str) -> None:
    assert date_label(start, step, t) == label


def test_a_run_without_agreement_steps_to_the_horizon() -> None:
    s = duel(50.0, 50.0, delta=0.9, cost=0.01, optimism={"a": 1.0, "b": 1.0}, advance=1.0)
    r = negsim.run(s, "war", rng=0)
    states = list(rounds(r, s))
    assert not r.agreement[0] and len(states) == 12
    assert not any(x.accepted or x.gives_in for x in states)
    assert [x.front for x in states] == pytest.approx(r.extras["front"][0])

"""The public hypothesis strategies: what they draw is valid, within bounds, and small when shrunk.

Invalid arguments must fail when the strategy is built, not at the first draw (hypothesis's own
rule for its strategies).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, find, given, settings, strategies as st
from hypothesis.errors import InvalidArgument

import negsim
from negsim.io import from_dict, loads, to_dict
from negsim.model import Actor, Coalition, Issue, Table
from negsim.paths import resolve
from negsim.strategies import (
    DOCUMENT_FAULTS,
    actors,
    coalitions,
    invalid_documents,
    issues,
    levers,
    realisations,
    scenarios,
    tables,
    uncertainties,
)

REFERENCE = Path(__file__).resolve().parent.parent / "scenarios" / "eu-russia-2026.toml"


@given(scenarios())
def test_every_drawn_scenario_round_trips(s: negsim.Scenario) -> None:
    """A drawn scenario survives the document form and TOML text unchanged (so it validates)."""
    assert from_dict(to_dict(s), check_sources=False) == s
    again = loads(negsim.dumps(s), check_sources=False)
    assert again == s and again.hash == s.hash


@given(scenarios(min_coalitions=1, min_levers=2, min_uncertainties=2))
def test_rich_scenarios_round_trip(s: negsim.Scenario) -> None:
    """Scenarios with coalitions, several levers and uncertainties validate and round-trip."""
    assert len(s.coalitions) >= 1 and len(s.levers) >= 2 and len(s.uncertainties) >= 2
    assert from_dict(to_dict(s), check_sources=False) == s


@given(st.data())
def test_scenario_sizes_are_within_bounds(data: st.DataObject) -> None:
    """Each count lies between its min_* and max_* arguments."""
    lo_a = data.draw(st.integers(2, 4))
    hi_a = data.draw(st.integers(lo_a, 5))
    lo_i = data.draw(st.integers(1, 3))
    hi_i = data.draw(st.integers(lo_i, 4))
    lo_h = data.draw(st.integers(1, 10))
    hi_h = data.draw(st.integers(lo_h, 20))
    s = data.draw(scenarios(min_actors=lo_a, max_actors=hi_a, min_issues=lo_i, max_issues=hi_i,
                            min_levers=1, max_levers=1, max_coalitions=0,
                            min_uncertainties=0, max_uncertainties=0, min_horizon=lo_h,
                            max_horizon=hi_h))
    assert lo_a <= len(s.actors) <= hi_a
    assert lo_i <= len(s.issues) <= hi_i
    assert len(s.levers) == 1 and not s.coalitions and not s.uncertainties
    assert lo_h <= s.time.horizon <= hi_h


@given(st.data())
def test_actor_parameters_are_within_bounds(data: st.DataObject) -> None:
    """Every actor's capability, salience, risk, discount and cost lie within the bounds given."""

    def bounds(lo: float, hi: float) -> tuple[float, float]:
        a = data.draw(st.floats(lo, hi))
        return a, data.draw(st.floats(a, hi))

    cap, sal, risk = bounds(0.0, 100.0), bounds(0.0, 1.0), bounds(0.1, 5.0)
    disc, cost = bounds(0.01, 1.0), bounds(0.0, 1.0)
    drawn = data.draw(actors(min_capability=cap[0], max_capability=cap[1], min_salience=sal[0],
                             max_salience=sal[1], min_risk=risk[0], max_risk=risk[1],
                             min_discount=disc[0], max_discount=disc[1], min_cost=cost[0],
                             max_cost=cost[1]))
    for a in drawn:
        assert cap[0] <= a.capability <= cap[1]
        assert all(sal[0] <= v <= sal[1] for v in a.salience.values())
        assert risk[0] <= a.risk <= risk[1]
        assert disc[0] <= a.discount <= disc[1]
        assert cost[0] <= a.cost <= cost[1]


@given(scenarios(issues=issues(min_size=3, max_size=3, scales=st.just((-5.0, 5.0)))))
def test_positions_and_status_quo_lie_on_the_scales(s: negsim.Scenario) -> None:
    """Positions and status quo lie on their issue's scale; every actor has the first issue."""
    assert [i.scale for i in s.issues] == [(-5.0, 5.0)] * 3
    for i in s.issues:
        assert -5.0 <= i.status_quo <= 5.0
    for a in s.actors:
        assert s.issues[0].id in a.position
        assert all(-5.0 <= v <= 5.0 for v in a.position.values())


@given(scenarios(actors=actors(min_risk=1.0, max_risk=1.0, walk_away=st.just("war"),
                               min_size=3, max_size=3)))
def test_an_actors_strategy_is_fitted_to_the_scenario(s: negsim.Scenario) -> None:
    """actors(...) given to scenarios() keeps its bounds and refers to the scenario's issues."""
    assert len(s.actors) == 3
    assert all(a.risk == 1.0 and a.walk_away == "war" for a in s.actors)
    assert all(set(a.position) <= set(s.issue_ids) for a in s.actors)


@given(st.data())
def test_fixed_issues_are_used_as_given(data: st.DataObject) -> None:
    """A strategy of fixed issues passed as issues= is drawn as is."""
    fixed = (Issue(id="border", label="Border", status_quo=10.0),
             Issue(id="trade", label="Trade", status_quo=0.0, scale=(0.0, 1.0)))
    s = data.draw(scenarios(issues=st.just(fixed)))
    assert s.issues == fixed


@given(scenarios(coalitions=coalitions(min_size=1, rules=st.just("threshold")),
                 levers=levers(min_size=2, max_size=2),
                 uncertainties=uncertainties(min_size=1, max_size=1)))
def test_part_strategies_are_fitted_to_the_scenario(s: negsim.Scenario) -> None:
    """coalitions(), levers() and uncertainties() given to scenarios() use its ids."""
    assert s.coalitions and all(c.rule == "threshold" and c.quota is not None
                                for c in s.coalitions)
    assert all(set(c.members) <= set(s.actor_ids) for c in s.coalitions)
    assert len(s.levers) == 2 and len(s.uncertainties) == 1
    parties = set(s.actor_ids) | {c.id for c in s.coalitions}
    assert all(lv.owner in parties for lv in s.levers)


@given(scenarios(bilateral=True))
def test_bilateral_tables_seat_two_actors_who_ratify(s: negsim.Scenario) -> None:
    """A bilateral scenario seats exactly two actors, who are the only ratifiers."""
    t = s.table
    assert len(t.negotiators) == 2 and set(t.negotiators) <= set(s.actor_ids)
    assert not t.ratifiers and not t.issue_ratifiers


@pytest.mark.parametrize("strategy, kind", [
    (issues(), Issue), (actors(), Actor), (coalitions(min_size=1), Coalition),
    (levers(min_size=1), negsim.Lever), (tables(), Table),
    (uncertainties(min_size=1), negsim.Uncertainty),
    (coalitions(["x", "y"], min_size=1), Coalition),
    (levers(["x"], ["x", "y"], ["k"], min_size=1), negsim.Lever),
    (tables(["x", "y", "z"], issue_ids=["k"]), Table),
])
def test_part_strategies_work_on_their_own(strategy: Any, kind: type) -> None:
    """Each part strategy draws objects of its kind without a scenario around it."""

    @settings(max_examples=20, suppress_health_check=[HealthCheck.too_slow])
    @given(strategy)
    def draw_one(value: Any) -> None:
        items = value if isinstance(value, tuple) else (value,)
        assert items and all(isinstance(x, kind) for x in items)

    draw_one()


_SHRINK = settings(database=None, derandomize=True)


def test_scenarios_shrink_to_two_actors_on_one_issue() -> None:
    """The simplest scenario: two risk-neutral actors on one 0-100 issue, nothing else."""
    s = find(scenarios(), lambda s: True, settings=_SHRINK)
    assert len(s.actors) == 2 and len(s.issues) == 1
    assert not s.coalitions and not s.levers and not s.uncertainties
    assert s.issues[0].scale == (0.0, 100.0)
    assert all(a.risk == 1.0 and a.discount == 1.0 and a.walk_away == "status_quo"
               for a in s.actors)


@pytest.mark.parametrize("needs, expected", [
    (lambda s: len(s.actors) >= 3, (3, 1, 0, 0)),
    (lambda s: len(s.issues) >= 2, (2, 2, 0, 0)),
    (lambda s: len(s.levers) >= 1, (2, 1, 1, 0)),
    (lambda s: len(s.coalitions) >= 1, (2, 1, 0, 1)),
], ids=["three actors", "two issues", "a lever", "a coalition"])
def test_shrinking_keeps_only_what_a_failure_needs(needs: Callable[[Any], bool],
                                                   expected: tuple[int, ...]) -> None:
    """A failure that needs one more part shrinks to the smallest scenario with that part."""
    s = find(scenarios(), needs, settings=_SHRINK)
    assert (len(s.actors), len(s.issues), len(s.levers), len(s.coalitions)) == expected
    assert not s.uncertainties


@given(realisations(negsim.load(REFERENCE)))
def test_realisations_keep_every_uncertain_parameter_in_its_support(s: negsim.Scenario) -> None:
    """Each uncertain parameter lies in its distribution's support; the scenario validates."""
    for u in s.uncertainties:
        lo, hi = u.support()
        assert lo <= resolve(s, u.path) <= hi


@given(st.sampled_from(DOCUMENT_FAULTS).flatmap(
    lambda kind: st.tuples(st.just(kind), invalid_documents(kinds=[kind]))))
def test_invalid_documents_are_of_the_kind_asked_for(case: tuple[str, Any]) -> None:
    """invalid_documents(kinds=[k]) draws only faults of kind k, text for the TOML faults."""
    kind, (document, path, drawn) = case
    assert drawn == kind
    assert isinstance(document, str) == (kind in ("duplicate_id", "truncated"))
    assert (path == "") == (kind == "truncated")


_NO_UNCERTAINTIES = negsim.Scenario(
    title="t", issues=(Issue(id="k", label="k", status_quo=0.0),),
    actors=(Actor(id="a", name="a", kind="state", capability=1.0),
            Actor(id="b", name="b", kind="state", capability=1.0)),
    table=Table(negotiators=("a", "b")))

INVALID: list[tuple[str, Callable[[], Any]]] = [
    ("issues min_size 0", lambda: issues(min_size=0)),
    ("issues min > max", lambda: issues(min_size=3, max_size=2)),
    ("issues float size", lambda: issues(max_size=2.5)),  # type: ignore[arg-type]
    ("issues scales not a strategy", lambda: issues(scales=(0, 1))),  # type: ignore[arg-type]
    ("actors one actor", lambda: actors(min_size=1)),
    ("actors risk 0", lambda: actors(min_risk=0.0)),
    ("actors discount 0", lambda: actors(min_discount=0.0)),
    ("actors discount above 1", lambda: actors(max_discount=1.5)),
    ("actors salience below 0", lambda: actors(min_salience=-0.1)),
    ("actors capability min > max", lambda: actors(min_capability=5.0, max_capability=1.0)),
    ("actors nan bound", lambda: actors(max_cost=float("nan"))),
    ("actors boolean bound", lambda: actors(min_risk=True)),  # type: ignore[arg-type]
    ("actors walk_away not a strategy", lambda: actors(walk_away="war")),  # type: ignore[arg-type]
    ("actors no issues", lambda: actors(())),
    ("coalitions negative size", lambda: coalitions(min_size=-1)),
    ("coalitions no actors", lambda: coalitions([])),
    ("coalitions ids a string", lambda: coalitions("ab")),
    ("coalitions rules not a strategy", lambda: coalitions(rules="unanimity")),  # type: ignore[arg-type]
    ("levers some lists only", lambda: levers(["a"])),
    ("levers min > max", lambda: levers(min_size=2, max_size=1)),
    ("tables one party", lambda: tables(["a"])),
    ("tables duplicate parties", lambda: tables(["a", "a"])),
    ("tables bilateral not a bool", lambda: tables(bilateral="yes")),  # type: ignore[arg-type]
    ("tables bilateral with issues", lambda: tables(["a", "b"], bilateral=True,
                                                    issue_ids=["k"])),
    ("tables issue_ids without parties", lambda: tables(issue_ids=["k"])),
    ("uncertainties min > max", lambda: uncertainties(min_size=3, max_size=1)),
    ("uncertainties no actors", lambda: uncertainties(())),
    ("scenarios one actor", lambda: scenarios(min_actors=1)),
    ("scenarios max_actors below min", lambda: scenarios(min_actors=4, max_actors=3)),
    ("scenarios no issues", lambda: scenarios(max_issues=0)),
    ("scenarios negative levers", lambda: scenarios(max_levers=-1)),
    ("scenarios coalitions min > max", lambda: scenarios(min_coalitions=3)),
    ("scenarios horizon 0", lambda: scenarios(min_horizon=0)),
    ("scenarios risk bounds", lambda: scenarios(min_risk=3.0, max_risk=2.0)),
    ("scenarios bounds with actors=", lambda: scenarios(actors=actors(), min_risk=1.0)),
    ("scenarios sizes with issues=", lambda: scenarios(issues=issues(), max_issues=2)),
    ("scenarios part of another kind", lambda: scenarios(actors=coalitions())),
    ("scenarios part with its own ids", lambda: scenarios(coalitions=coalitions(["a0"]))),
    ("scenarios issues not a strategy", lambda: scenarios(issues=())),  # type: ignore[arg-type]
    ("scenarios bilateral not a bool", lambda: scenarios(bilateral=1)),  # type: ignore[arg-type]
    ("realisations of no scenario", lambda: realisations("x")),  # type: ignore[arg-type]
    ("realisations without uncertainties", lambda: realisations(_NO_UNCERTAINTIES)),
    ("realisations unknown path", lambda: realisations(negsim.load(REFERENCE),
                                                       paths=["actors.russia.risk"])),
    ("invalid_documents unknown kind", lambda: invalid_documents(kinds=["typo"])),
    ("invalid_documents no kinds", lambda: invalid_documents(kinds=())),
    ("invalid_documents base not a strategy", lambda: invalid_documents(base=5)),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("call", [c for _, c in INVALID], ids=[n for n, _ in INVALID])
def test_invalid_arguments_fail_at_once(call: Callable[[], Any]) -> None:
    """A bad argument raises InvalidArgument when the strategy is built, before any draw."""
    with pytest.raises(InvalidArgument):
        call()

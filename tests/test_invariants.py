"""The public invariant checks: they pass on sound results and name the fault on broken ones.

Broken results are made by hand from sound ones, so each expected failure follows from the
definition of the invariant, not from the code under test. The README's how-to is run here as
written, so it cannot drift.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import attrs
import numpy as np
import pytest
from hypothesis import settings, strategies as st
from hypothesis.errors import InvalidArgument

import negsim
from negsim import Actor, Issue, Scenario, Table, invariants
from negsim.engines import available
from negsim.invariants import (
    InvariantViolation,
    check_deterministic,
    check_feasible,
    check_individually_rational,
    check_monotone,
    check_pareto,
    check_relabelling_covariant,
    check_reproducible,
    check_symmetric,
    check_well_formed,
    invariant_test,
    monotone,
    with_twin,
    with_values,
)
from negsim.strategies import actors, scenarios

ROOT = Path(__file__).resolve().parent.parent
REGISTERED = {e.name for e in available()}


@pytest.fixture
def toy(toy_path: Path) -> Scenario:
    return negsim.load(toy_path)


@pytest.fixture
def sound(toy: Scenario) -> negsim.Result:
    """Compromise on the toy scenario: border 27.5, trade 5 (test_forecast), A and B ratify."""
    return negsim.run(toy, "compromise", rng=0, n_runs=2)


def broken(result: negsim.Result, **arrays: Any) -> negsim.Result:
    return attrs.evolve(result, **arrays)


# -- the README how-to -----------------------------------------------------------------------
def readme_snippet() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Property-testing your own scenario", 1)[1]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "the how-to has a python block"
    return match.group(1)


def test_readme_snippet_is_short() -> None:
    """The how-to's property test for a scenario file takes fewer than 15 lines."""
    assert len(readme_snippet().strip().splitlines()) < 15


def test_readme_snippet_runs_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The README's property tests pass on the reference scenario, exactly as printed."""
    monkeypatch.chdir(ROOT)
    namespace: dict[str, Any] = {}
    exec(compile(readme_snippet(), "README.md", "exec"), namespace)
    tests = [f for name, f in namespace.items() if name.startswith("test_")]
    assert len(tests) == 2
    for test in tests:
        test()


# -- checks on results -----------------------------------------------------------------------
def test_sound_results_pass_every_applicable_check(toy: Scenario,
                                                   sound: negsim.Result) -> None:
    """Compromise results on the toy scenario are well formed and feasible."""
    check_well_formed(sound)
    check_feasible(sound, toy)
    check_reproducible(sound, negsim.run(toy, "compromise", rng=0, n_runs=2))
    check_deterministic(sound, negsim.run(toy, "compromise", rng=7, n_runs=2))


def test_violations_are_assertion_errors_naming_the_fault(sound: negsim.Result) -> None:
    """An InvariantViolation is an AssertionError that names invariant, engine, run and actor."""
    u = sound.utility.copy()
    u[1, 1] = np.nan
    with pytest.raises(AssertionError) as info:
        check_well_formed(broken(sound, utility=u))
    exc = info.value
    assert isinstance(exc, InvariantViolation)
    assert (exc.invariant, exc.engine, exc.run, exc.actor) == ("well_formed", "compromise", 1,
                                                               "b")
    for part in ("'well_formed'", "'compromise'", "run 1", "actor 'b'", "Toy border dispute"):
        assert part in str(exc)


@pytest.mark.parametrize("field, value", [
    ("outcome", np.inf), ("utility", -np.inf), ("walk_away", np.nan)])
def test_non_finite_numbers_are_not_well_formed(sound: negsim.Result, field: str,
                                                value: float) -> None:
    """NaN or infinity anywhere in the terms, utilities or walk-away values is caught."""
    arr = np.asarray(getattr(sound, field)).copy()
    arr[0, 0] = value
    with pytest.raises(InvariantViolation, match="not a finite number"):
        check_well_formed(broken(sound, **{field: arr}))


def test_a_round_needs_an_agreement(sound: negsim.Result) -> None:
    """Round 0 without an agreement is inconsistent."""
    with pytest.raises(InvariantViolation) as info:
        check_well_formed(broken(sound, agreement=np.array([True, False])))
    assert info.value.run == 1


def test_a_wrongly_shaped_array_is_not_well_formed(sound: negsim.Result) -> None:
    """utility must have one column per actor."""
    with pytest.raises(InvariantViolation, match="shape"):
        check_well_formed(broken(sound, utility=sound.utility[:, :2]))


def test_terms_off_the_scale_are_infeasible(toy: Scenario, sound: negsim.Result) -> None:
    """A border term of 120 lies off the 0-100 scale."""
    x = sound.outcome.copy()
    x[0, 0] = 120.0
    with pytest.raises(InvariantViolation) as info:
        check_feasible(broken(sound, outcome=x), toy)
    assert (info.value.invariant, info.value.issue, info.value.run) == ("feasible", "border", 0)


def no_deal(result: negsim.Result, toy: Scenario, utility: np.ndarray) -> negsim.Result:
    """``result`` turned into runs without agreement: status quo terms, the given utilities."""
    R = result.n_runs
    return broken(result, agreement=np.zeros(R, bool), round=np.full(R, -1),
                  outcome=np.tile([i.status_quo for i in toy.issues], (R, 1)), utility=utility)


def test_without_agreement_each_actor_gets_its_walk_away(toy: Scenario,
                                                         sound: negsim.Result) -> None:
    """With no deal utilities equal walk-away values, even below 0 (a costly war)."""
    w = sound.walk_away - 0.7  # below 0, as a costly war may be
    check_feasible(no_deal(broken(sound, walk_away=w), toy, w.copy()), toy)
    u = w.copy()
    u[1, 2] += 0.1
    with pytest.raises(InvariantViolation) as info:
        check_feasible(no_deal(broken(sound, walk_away=w), toy, u), toy)
    assert (info.value.run, info.value.actor) == (1, "c")


def test_without_agreement_the_status_quo_stands(toy: Scenario, sound: negsim.Result) -> None:
    """No deal, yet terms away from the status quo: infeasible."""
    moved = broken(no_deal(sound, toy, sound.walk_away.copy()), outcome=sound.outcome)
    with pytest.raises(InvariantViolation, match="status quo"):
        check_feasible(moved, toy)


def test_agreed_utilities_lie_in_the_unit_interval(toy: Scenario, sound: negsim.Result) -> None:
    """An agreement's spatial utilities lie in [0, 1]."""
    u = sound.utility.copy()
    u[0, 0] = 1.2
    with pytest.raises(InvariantViolation, match=r"outside \[0, 1\]"):
        check_feasible(broken(sound, utility=u), toy)


def test_individual_rationality_concerns_ratifiers_only(toy: Scenario,
                                                        sound: negsim.Result) -> None:
    """A ratifier below its walk-away value violates it; C, who does not ratify, may be."""
    w = sound.utility - 0.1  # every actor gains from the deal...
    w[:, 2] = 1.0  # ...but C, who would rather have none: no matter, C does not ratify
    check_individually_rational(broken(sound, walk_away=w), toy)
    w[0, 0] = sound.utility[0, 0] + 0.01
    with pytest.raises(InvariantViolation) as info:
        check_individually_rational(broken(sound, walk_away=w), toy)
    assert (info.value.invariant, info.value.run, info.value.actor) == (
        "individually_rational", 0, "a")


def common_ideal() -> Scenario:
    """Two ratifiers who both want 50 on one issue whose status quo is 0."""
    return Scenario(
        title="common ideal", issues=(Issue(id="k", label="k", status_quo=0.0),),
        actors=tuple(Actor(id=a, name=a, kind="state", capability=1.0, position={"k": 50.0},
                           salience={"k": 1.0}) for a in ("a", "b")),
        table=Table(negotiators=("a", "b")))


def test_a_dominated_agreement_is_not_pareto_efficient() -> None:
    """Where both want 50, agreeing on 50 is efficient and agreeing on 0 is not."""
    s = common_ideal()
    at_ideal = negsim.run(s, "compromise", rng=0)
    np.testing.assert_allclose(at_ideal.outcome, [[50.0]])
    check_pareto(at_ideal, s)
    with pytest.raises(InvariantViolation) as info:
        check_pareto(broken(at_ideal, outcome=np.array([[0.0]])), s)
    assert info.value.invariant == "pareto" and info.value.run == 0


def test_pareto_ignores_runs_without_agreement() -> None:
    """A dominated status quo is no violation when there is no agreement."""
    s = common_ideal()
    r = negsim.run(s, "compromise", rng=0)
    check_pareto(broken(r, outcome=np.array([[0.0]]), agreement=np.array([False]),
                        round=np.array([-1])), s)


def test_reproducibility_and_determinism_compare_everything(toy: Scenario,
                                                            sound: negsim.Result) -> None:
    """One changed number, or a different recorded seed, breaks reproducibility."""
    x = sound.outcome.copy()
    x[1, 1] += 1e-12
    with pytest.raises(InvariantViolation) as info:
        check_reproducible(sound, broken(sound, outcome=x))
    assert info.value.run == 1
    with pytest.raises(InvariantViolation, match="seeds"):
        check_reproducible(sound, broken(sound, seed=1))
    with pytest.raises(InvariantViolation, match="deterministic"):
        check_deterministic(sound, broken(sound, extras={"noise": np.ones(2)}))


def test_relabelling(toy: Scenario, sound: negsim.Result) -> None:
    """Compromise on the toy with actors and issues reversed gives the same terms per id."""
    reversed_ = attrs.evolve(toy, actors=toy.actors[::-1], issues=toy.issues[::-1])
    other = negsim.run(reversed_, "compromise", rng=0, n_runs=2)
    check_relabelling_covariant(sound, other)
    u = other.utility.copy()
    u[0, 0] += 0.01  # actor c, first in the reversed order
    with pytest.raises(InvariantViolation) as info:
        check_relabelling_covariant(sound, broken(other, utility=u))
    assert (info.value.actor, info.value.run) == ("c", 0)


def test_symmetry_with_a_twin(toy: Scenario) -> None:
    """A's twin gets A's utility under compromise; a tampered utility is caught."""
    r = negsim.run(with_twin(toy, "a", "a2"), "compromise", rng=0)
    assert r.actor_ids[-1] == "a2"
    check_symmetric(r, "a", "a2")
    u = r.utility.copy()
    u[0, -1] -= 0.1
    with pytest.raises(InvariantViolation) as info:
        check_symmetric(broken(r, utility=u), "a", "a2")
    assert info.value.actor == "a"


def test_monotone_compares_an_actors_terms(toy: Scenario) -> None:
    """More capability pulls the compromise towards B: B's terms rise, never fall."""
    low = negsim.run(with_values(toy, {"actors.b.capability": 1.0}), "compromise", rng=0)
    high = negsim.run(with_values(toy, {"actors.b.capability": 5.0}), "compromise", rng=0)
    assert high.utility[0, 1] > low.utility[0, 1]
    check_monotone(low, high, "b", direction="increasing")
    with pytest.raises(InvariantViolation) as info:
        check_monotone(low, high, "b", direction="decreasing", parameter="B's capability")
    assert info.value.invariant == "monotone" and "B's capability" in str(info.value)


def test_with_values_sets_and_validates(toy: Scenario) -> None:
    """with_values sets nested values and re-validates, naming the path of a bad value."""
    s = with_values(toy, {"actors.a.salience.border": 0.3, "issues.trade.status_quo": 2.0})
    assert s.actor("a").salience["border"] == 0.3 and s.issue("trade").status_quo == 2.0
    with pytest.raises(negsim.ScenarioError) as info:
        with_values(toy, {"actors.a.salience.border": 1.3})
    assert info.value.paths == ("actors.a.salience.border",)
    with pytest.raises(KeyError, match="nobody"):
        with_values(toy, {"actors.nobody.capability": 1.0})


# -- invariants that run engines, and tests made from them -----------------------------------
def test_invariants_apply_to_the_engines_that_promise_them() -> None:
    """An invariant resting on a guarantee applies to exactly the engines that declare it."""
    for engine in available():
        for inv in (invariants.feasible, invariants.pareto, invariants.symmetric,
                    invariants.deterministic):
            assert inv.applies_to(engine.name) == (inv.guarantee in engine.info.guarantees)
        assert invariants.well_formed.applies_to(engine.name)
        assert invariants.reproducible.applies_to(engine.name)


def test_invariants_run_directly_on_a_scenario(toy: Scenario) -> None:
    """Called without hypothesis, an invariant uses fixed choices and runs the engine."""
    for inv in (invariants.well_formed, invariants.feasible, invariants.reproducible,
                invariants.deterministic, invariants.relabelling_covariant,
                invariants.symmetric, monotone("actors.a.capability", "a", "increasing")):
        inv(toy, "compromise")


@pytest.mark.parametrize("make", [
    lambda: invariant_test(invariants.feasible, scenarios(), engine="no_such_engine"),
    lambda: invariant_test(invariants.pareto, scenarios(), engine="compromise"),
    lambda: invariant_test(invariants.feasible, "scenarios", engine="compromise"),
    lambda: invariant_test("feasible", scenarios(), engine="compromise"),
], ids=["unknown engine", "guarantee not declared", "not a strategy", "not an invariant"])
def test_invariant_test_checks_its_arguments_at_once(make: Any) -> None:
    """invariant_test refuses bad arguments when the test is defined, not when it runs."""
    with pytest.raises(InvalidArgument):
        make()


def test_monotone_checks_its_arguments() -> None:
    """A direction other than increasing/decreasing, or values out of order, are refused."""
    with pytest.raises(ValueError):
        monotone("actors.a.cost", "a", "up")
    with pytest.raises(ValueError):
        monotone("actors.a.cost", "a", values=(2.0, 1.0))


# Tests made by invariant_test, as a user would write them: pytest collects them by name.
test_compromise_is_feasible = invariant_test(invariants.feasible, scenarios(),
                                             engine="compromise")
test_weighted_median_treats_twins_alike = invariant_test(
    invariants.symmetric, scenarios(max_actors=3), engine="weighted_median")

# An actor's terms rise with its capability in the compromise model: its weight in the mean
# grows, pulling every issue towards its position.
test_compromise_rewards_capability = invariant_test(
    monotone("actors.a0.capability", "a0", "increasing"), scenarios(), engine="compromise")

# Rubinstein (1982): a bargainer's share rises with its own patience (theory.md, section 8).
test_rubinstein_rewards_patience = invariant_test(
    monotone("actors.a0.discount", "a0", "increasing"),
    scenarios(min_actors=2, max_actors=2, bilateral=True, min_risk=1.0, max_discount=0.99,
              max_coalitions=0, max_levers=0, max_uncertainties=0),
    engine="rubinstein", settings=settings(max_examples=25))

if "crisis" in REGISTERED:
    # Fearon (1995): a higher cost of fighting never improves an actor's terms (theory.md s. 8).
    test_crisis_cost_of_war_never_helps = invariant_test(
        monotone("actors.a0.cost", "a0", "decreasing"),
        scenarios(bilateral=True, max_coalitions=0, max_uncertainties=0,
                  actors=actors(min_size=2, max_size=2, min_risk=1.0,
                                walk_away=st.just("war"))),
        engine="crisis")

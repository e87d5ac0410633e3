"""The engine contract, checked on every registered engine over generated scenarios.

Modelled on scikit-learn's ``parametrize_with_checks``: one suite, parametrised over the whole
registry, built from the public checks in :mod:`negsim.invariants`. An invariant applies to every
engine, or to the engines whose declared facts (``EngineInfo.guarantees``) promise it. An engine
may refuse a scenario with an ``EngineError`` that says why; that draw then counts as invalid.

Which scenarios an engine gets is decided from its declared facts too: each engine runs on the
most general of a few shapes of generated scenario (any scenario; concave utilities; two
negotiators; two belligerents) that its own ``check`` accepts about as often as any shape.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, Phase, find, given, reject, settings, strategies as st
from hypothesis.errors import NoSuchExample

import negsim
from negsim import invariants
from negsim.compiled import compile_scenario
from negsim.engines import available, get
from negsim.strategies import actors, scenarios

ENGINES = [e.name for e in available()]


def promising(guarantee: str) -> list[str]:
    """The registered engines that declare ``guarantee``."""
    return [e.name for e in available() if guarantee in e.info.guarantees]


# Shapes of generated scenario, most general first. Up to four actors on up to three issues and
# a horizon of up to 12 rounds is enough for multilateral, multi-issue, dynamic cases and keeps
# the slower engines (the war engine plays every round) within CI's time; engines read no
# uncertainties, so the shapes leave them out (test_strategies covers them).
_SMALL: dict[str, Any] = {"max_issues": 3, "max_uncertainties": 0, "max_horizon": 12}
SHAPES: dict[str, st.SearchStrategy[negsim.Scenario]] = {
    "any scenario": scenarios(max_actors=4, **_SMALL),
    "concave utilities": scenarios(max_actors=4, min_risk=1.0, **_SMALL),
    "two negotiators, patient, concave": scenarios(
        bilateral=True, max_actors=4, min_risk=1.0, max_discount=0.99, max_coalitions=0,
        **_SMALL),
    "two belligerents": scenarios(
        bilateral=True, max_coalitions=0, **_SMALL,
        actors=actors(max_size=4, min_risk=1.0, max_discount=0.99,
                      walk_away=st.just("war"))),
}
_PROBES = 60  # scenarios drawn per shape to see how often an engine accepts it
_MARGIN = 0.05  # a more general shape wins if it is accepted nearly as often as the best
_FLOOR = 0.5  # an engine must accept at least this share of its shape


def _acceptance(name: str, shape: st.SearchStrategy[negsim.Scenario]) -> tuple[float, Counter]:
    """The share of ``_PROBES`` draws of ``shape`` that the engine's ``check`` accepts."""
    check = get(name).check
    seen: list[bool] = []
    reasons: Counter[str] = Counter()

    def accepted(s: negsim.Scenario) -> bool:
        why = check(s) if check is not None else []
        reasons.update(why)
        seen.append(not why)
        return False  # keep drawing

    try:
        find(shape, accepted, settings=settings(
            max_examples=_PROBES, database=None, derandomize=True, phases=[Phase.generate],
            suppress_health_check=list(HealthCheck)))
    except NoSuchExample:
        pass
    return sum(seen) / max(len(seen), 1), reasons


@functools.cache
def shape_for(name: str) -> st.SearchStrategy[negsim.Scenario]:
    """The most general shape of scenario that the engine ``name`` accepts about as often as
    any (an engine may refuse some scenarios of every shape, say for want of a surplus)."""
    shares: dict[str, tuple[float, Counter[str]]] = {}
    for label, shape in SHAPES.items():
        shares[label] = _acceptance(name, shape)
        if shares[label][0] == 1.0:
            break
    best = max(share for share, _ in shares.values())
    if best < _FLOOR:
        pytest.fail(f"engine {name!r} refuses most scenarios of every generated shape:\n"
                    + "\n".join(f"  {k}: {share:.0%} accepted; " + "; ".join(
                        r for r, _ in reasons.most_common(2))
                        for k, (share, reasons) in shares.items()))
    return next(SHAPES[k] for k, (share, _) in shares.items() if share >= best - _MARGIN)


def check_on_generated_scenarios(invariant: invariants.Invariant, name: str) -> None:
    """Check ``invariant`` for engine ``name`` on the active profile's number of scenarios."""
    shape = shape_for(name)  # drawn before the hypothesis test: it draws examples itself

    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        scenario = data.draw(shape, label="scenario")
        try:
            invariant(scenario, name, draw=data.draw)
        except negsim.EngineError as exc:
            assert str(exc), "an engine that refuses a scenario must say why"
            reject()

    distinguish(check, f"{invariant.name}:{name}")
    check()


def distinguish(test: Any, key: str) -> None:
    """Give a nested hypothesis test its own database key and derandomised seed.

    The nested tests here share their source, from which hypothesis derives both; without this,
    examples saved for one engine or invariant would be replayed for every other (hypothesis's
    pytest plugin does the same for parametrised tests).
    """
    test.hypothesis.inner_test._hypothesis_internal_add_digest = key.encode()


def test_every_engine_declares_its_facts() -> None:
    """Each engine has a summary, a family, references and a documented parameter class."""
    for e in available():
        assert e.info.summary and e.info.family and e.info.references
        assert e.params.__doc__


@pytest.mark.parametrize("name", ENGINES)
def test_every_engine_fits_a_shape_of_generated_scenario(name: str) -> None:
    """Some shape of generated scenario is one the engine's own check accepts almost always."""
    assert shape_for(name) is not None


@pytest.mark.parametrize("name", ENGINES)
def test_runs_cleanly_on_generated_scenarios(name: str, budget: dict[str, int]) -> None:
    """On every generated scenario the engine returns well-formed, finite results, feasible and
    individually rational where it promises so, or refuses, saying why."""
    engine = get(name)
    facts = engine.info.guarantees
    runs = 0

    @settings(max_examples=budget["engine_runs"],
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
    @given(scenario=shape_for(name), other=st.floats(0.0, 10.0))
    def run_once(scenario: negsim.Scenario, other: float) -> None:
        nonlocal runs
        # two runs that differ: the second gives the first actor another capability
        overrides = {f"actors.{scenario.actors[0].id}.capability": np.array(
            [scenario.actors[0].capability, other])}
        try:
            result = negsim.run(scenario, name, rng=0, n_runs=2, overrides=overrides)
        except negsim.EngineError as exc:
            assert str(exc), "an engine that refuses a scenario must say why"
            reject()
        runs += 1
        compiled = compile_scenario(scenario, 2, overrides)
        invariants.check_well_formed(result)
        if "feasible" in facts:
            invariants.check_feasible(result, compiled)
        if "individually_rational" in facts:
            invariants.check_individually_rational(result, compiled)

    distinguish(run_once, f"runs_cleanly:{name}")
    run_once()
    assert runs >= budget["engine_runs"], f"only {runs} scenarios ran; the rest were refused"


# An engine that declares no chance is checked more strongly by test_deterministic.
@pytest.mark.parametrize("name", [n for n in ENGINES if n not in promising("deterministic")])
def test_reproducible(name: str) -> None:
    """The same seed gives bit-identical results."""
    check_on_generated_scenarios(invariants.reproducible, name)


@pytest.mark.parametrize("name", promising("deterministic"))
def test_deterministic(name: str) -> None:
    """An engine that declares no chance gives the same result for any seed."""
    check_on_generated_scenarios(invariants.deterministic, name)


@pytest.mark.parametrize("name", promising("relabelling_covariant"))
def test_relabelling_covariant(name: str) -> None:
    """Listing actors and issues in another order permutes the results and changes nothing."""
    check_on_generated_scenarios(invariants.relabelling_covariant, name)


@pytest.mark.parametrize("name", promising("symmetric"))
def test_symmetric(name: str) -> None:
    """Two identical actors with identical roles get identical terms."""
    check_on_generated_scenarios(invariants.symmetric, name)


@pytest.mark.parametrize("name", promising("pareto"))
def test_pareto(name: str) -> None:
    """No sampled outcome makes every ratifier strictly better off than an agreement."""
    check_on_generated_scenarios(invariants.pareto, name)

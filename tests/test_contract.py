"""The engine contract, checked on every registered engine over generated scenarios.

Modelled on scikit-learn's ``parametrize_with_checks``: one suite, parametrised over the whole
registry. Each check applies to every engine, or to the engines whose declared facts
(``EngineInfo.guarantees``) promise it. An engine may refuse a scenario it does not fit with an
``EngineError`` that says why; the suite then checks nothing else for that draw.
"""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import negsim
from negsim.engines import available, get
from negsim.strategies import scenarios

ENGINES = [e.name for e in available()]

# Scenarios each engine is made for: two-party engines get bilateral tables with discounting
# and concave utilities; the others get everything.
_BILATERAL = {"rubinstein"}


def _at_war(s: negsim.Scenario) -> negsim.Scenario:
    """``s`` with walk-away rule 'war' for every actor at the table."""
    return attrs.evolve(s, actors=tuple(
        attrs.evolve(a, walk_away="war") if a.id in s.table.negotiators else a
        for a in s.actors))


def scenarios_for(name: str, **kw: object) -> st.SearchStrategy[negsim.Scenario]:
    if name == "crisis":
        return scenarios(bilateral=True, min_risk=1.0, max_coalitions=0,
                         **kw).map(_at_war)  # type: ignore[arg-type]
    if name in _BILATERAL:
        return scenarios(bilateral=True, min_risk=1.0, max_discount=0.99, max_coalitions=0,
                         **kw)  # type: ignore[arg-type]
    return scenarios(**kw)  # type: ignore[arg-type]


def _run(s: negsim.Scenario, name: str, seed: int = 0, n_runs: int = 2) -> negsim.Result | None:
    try:
        return negsim.run(s, name, rng=seed, n_runs=n_runs)
    except negsim.EngineError as exc:
        assert str(exc), "an engine that refuses a scenario must say why"
        return None


@pytest.mark.parametrize("name", ENGINES)
@given(data=st.data())
def test_finite_and_feasible(name: str, data: st.DataObject) -> None:
    """Outcomes are finite and on every issue's scale; utilities are finite and in [0, 1]."""
    s = data.draw(scenarios_for(name))
    r = _run(s, name)
    assume(r is not None)
    assert r is not None
    assert np.isfinite(r.outcome).all() and np.isfinite(r.utility).all()
    lo = np.array([i.scale[0] for i in s.issues])
    hi = np.array([i.scale[1] for i in s.issues])
    assert (r.outcome >= lo - 1e-9).all() and (r.outcome <= hi + 1e-9).all()
    assert (r.utility >= -1e-9).all() and (r.utility <= 1 + 1e-9).all()
    assert r.agreement.shape == r.round.shape == (2,)
    assert ((r.round >= 0) == r.agreement).all()


@pytest.mark.parametrize("name", ENGINES)
@given(data=st.data(), seed=st.integers(0, 2**32))
def test_deterministic_under_a_seed(name: str, data: st.DataObject, seed: int) -> None:
    """The same seed gives bit-identical results."""
    s = data.draw(scenarios_for(name))
    a, b = _run(s, name, seed), _run(s, name, seed)
    assume(a is not None)
    assert a is not None and b is not None
    for field in ("outcome", "agreement", "round", "utility"):
        np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
    assert a.seed == b.seed == seed


@pytest.mark.parametrize("name", [n for n in ENGINES if "deterministic" in get(n).info.guarantees])
@given(data=st.data())
def test_deterministic_engines_ignore_the_seed(name: str, data: st.DataObject) -> None:
    """An engine that declares no chance gives the same result for any seed."""
    s = data.draw(scenarios_for(name))
    a, b = _run(s, name, 1), _run(s, name, 2)
    assume(a is not None)
    assert a is not None and b is not None
    np.testing.assert_array_equal(a.outcome, b.outcome)


@pytest.mark.parametrize("name", [n for n in ENGINES
                                  if "relabelling_covariant" in get(n).info.guarantees])
@given(data=st.data())
def test_relabelling_covariance(name: str, data: st.DataObject) -> None:
    """Listing the actors in another order permutes the utilities and leaves the terms."""
    s = data.draw(scenarios_for(name))
    perm = data.draw(st.permutations(range(len(s.actors))))
    shuffled = attrs.evolve(s, actors=tuple(s.actors[i] for i in perm))
    a, b = _run(s, name), _run(shuffled, name)
    assume(a is not None)
    assert a is not None and b is not None
    np.testing.assert_allclose(b.outcome, a.outcome, atol=1e-6)
    np.testing.assert_allclose(b.utility, a.utility[:, list(perm)], atol=1e-6)


def _with_twin(s: negsim.Scenario) -> negsim.Scenario:
    """``s`` with a copy of its first actor, given every role the original has."""
    a = s.actors[0]
    twin = attrs.evolve(a, id="twin", name="Twin", support={})

    def add(ids: tuple[str, ...]) -> tuple[str, ...]:
        return (*ids, "twin") if a.id in ids else ids

    t = s.table
    table = attrs.evolve(t, negotiators=add(t.negotiators), ratifiers=add(t.ratifiers))
    coalitions = tuple(
        attrs.evolve(c, members=add(c.members),
                     weights={**c.weights, **({"twin": c.weights[a.id]} if a.id in c.weights
                                              else {})})
        for c in s.coalitions)
    actors = tuple(attrs.evolve(x, support={k: v for k, v in x.support.items() if k != a.id})
                   for x in s.actors)
    levers = tuple(attrs.evolve(lv, effects=()) for lv in s.levers)
    return attrs.evolve(s, actors=(*actors, twin), table=table, coalitions=coalitions,
                        levers=levers, uncertainties=())


@pytest.mark.parametrize("name", [n for n in ENGINES if "symmetric" in get(n).info.guarantees])
@given(data=st.data())
def test_symmetry(name: str, data: st.DataObject) -> None:
    """Two identical actors with identical roles get identical utilities."""
    s = data.draw(scenarios_for(name, max_actors=4))
    r = _run(_with_twin(s), name)
    assume(r is not None)
    assert r is not None
    np.testing.assert_allclose(r.utility[:, 0], r.utility[:, -1], atol=1e-6)


@pytest.mark.parametrize("name", [n for n in ENGINES
                                  if "individually_rational" in get(n).info.guarantees])
@given(data=st.data())
def test_individual_rationality(name: str, data: st.DataObject) -> None:
    """In an agreement no ratifier gets less than its walk-away value."""
    s = data.draw(scenarios_for(name))
    r = _run(s, name)
    assume(r is not None)
    assert r is not None
    from negsim.compiled import compile_scenario

    ratifier = compile_scenario(s).ratifier
    gap = (r.utility - r.walk_away)[:, ratifier][r.agreement]
    assert (gap >= -1e-6).all()


@pytest.mark.parametrize("name", [n for n in ENGINES if "pareto" in get(n).info.guarantees])
@given(data=st.data(), seed=st.integers(0, 1000))
def test_pareto_against_random_outcomes(name: str, data: st.DataObject, seed: int) -> None:
    """No random outcome makes every ratifier strictly better off than an agreement."""
    s = data.draw(scenarios_for(name))
    r = _run(s, name, n_runs=1)
    assume(r is not None and bool(r.agreement[0]))
    assert r is not None
    from negsim.compiled import compile_scenario

    c = compile_scenario(s)
    rng = np.random.default_rng(seed)
    x = c.lo + (c.hi - c.lo) * rng.random((1, 2000, c.n_issues))
    u = c.utility(x)[0][:, c.ratifier]
    better = (u > r.utility[0, c.ratifier] + 1e-6).all(axis=1)
    assert not better.any()


def test_every_engine_declares_its_facts() -> None:
    """Each engine has a summary, a family, references and a documented parameter class."""
    for e in available():
        assert e.info.summary and e.info.family and e.info.references
        assert e.params.__doc__

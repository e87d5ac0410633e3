"""The crisis engine on scenario objects: Fearon's (1995) bargaining range (theory.md s. 4)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import negsim
from negsim import Actor, Issue, Scenario, Table


@pytest.fixture(autouse=True)
def crisis_registered():
    """The crisis engine is not registered by default yet: register it for these tests only."""
    from negsim.engines import register, unregister
    from negsim.engines.crisis import crisis

    register(crisis)
    yield
    unregister("crisis")


def pie(cost_a: float, cost_b: float, cap_a: float = 3.0, cap_b: float = 2.0,
        support: float = 0.0) -> Scenario:
    """A pie of 100: A wants all, B none; war lasts 10 rounds; an ally may back B."""
    actors = [
        Actor(id="a", name="A", kind="state", capability=cap_a, position={"share": 100.0},
              salience={"share": 1.0}, cost=cost_a, walk_away="war"),
        Actor(id="b", name="B", kind="state", capability=cap_b, position={"share": 0.0},
              salience={"share": 1.0}, cost=cost_b, walk_away="war"),
    ]
    if support:
        actors.append(Actor(id="ally", name="Ally", kind="state", capability=1.0,
                            support={"b": support}))
    return Scenario(title="pie", issues=(Issue(id="share", label="A's share", status_quo=50.0),),
                    actors=tuple(actors), table=Table(negotiators=("a", "b")),
                    time=negsim.Time(horizon=10))


def test_fearon_range_worked_numbers() -> None:
    """p = 3/(3+2) = 0.6, c_A = 0.1, c_B = 0.15: the range is (0.50, 0.75) (Fearon 1995). The
    war values are its ends; Nash splits it at 0.625; an ultimatum by A takes 0.75."""
    s = pie(0.01, 0.015)
    nash = negsim.run(s, "crisis", rng=0)
    np.testing.assert_allclose(nash.extras["war_value"][0], [0.5, 0.25], atol=1e-12)
    assert nash.outcome[0, 0] == pytest.approx(62.5, abs=1e-6)
    ultimatum = negsim.run(s, "crisis", params={"protocol": "ultimatum"}, rng=0)
    assert ultimatum.outcome[0, 0] == pytest.approx(75.0, abs=1e-3)


def test_third_party_support_shifts_the_balance() -> None:
    """An ally lending B all its capability (1) evens the contest: p = 3/(3+3) = 0.5."""
    r = negsim.run(pie(0.01, 0.01, support=1.0), "crisis", rng=0)
    assert r.extras["p_win"][0, 0] == pytest.approx(0.5)
    assert r.outcome[0, 0] == pytest.approx(50.0, abs=1e-6)


@given(st.floats(0.001, 0.05), st.floats(0.001, 0.05), st.floats(0.0, 0.02))
def test_higher_cost_of_war_never_improves_own_terms(c_a: float, c_b: float,
                                                     extra: float) -> None:
    """Raising A's cost of war never raises A's share (theory.md section 8)."""
    low = negsim.run(pie(c_a, c_b), "crisis", rng=0).outcome[0, 0]
    high = negsim.run(pie(c_a + extra, c_b), "crisis", rng=0).outcome[0, 0]
    assert high <= low + 1e-6


def test_needs_belligerents(reference: Scenario) -> None:
    """A scenario whose table is not two belligerents is refused with the reason."""
    with pytest.raises(negsim.EngineError, match="two belligerents"):
        negsim.run(reference, "crisis")

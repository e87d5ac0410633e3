"""The crisis engine on scenario objects: Fearon's (1995) bargaining range (theory.md s. 4)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, strategies as st

import negsim
from negsim import Actor, Issue, Scenario, Table


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
    assert ultimatum.outcome[0, 0] == pytest.approx(75.0, abs=1e-9)


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


def _two_sided(rng: np.random.Generator, k: int) -> Scenario:
    """Two belligerents with random positions, saliences and risk exponents on ``k`` issues."""
    issues = tuple(Issue(id=f"i{j}", label=f"I{j}", status_quo=float(rng.uniform(0, 100)))
                   for j in range(k))

    def side(name: str, cap: float) -> Actor:
        return Actor(id=name, name=name.upper(), kind="state", capability=cap,
                     position={i.id: float(rng.uniform(0, 100)) for i in issues},
                     salience={i.id: float(rng.uniform(0.05, 1)) for i in issues},
                     risk=float(rng.choice([1.0, 1.5, 2.0, 3.0])),
                     cost=float(rng.uniform(0.001, 0.03)), walk_away="war")

    return Scenario(title="duel", issues=issues,
                    actors=(side("a", float(rng.uniform(1, 3))),
                            side("b", float(rng.uniform(1, 3)))),
                    table=Table(negotiators=("a", "b")), time=negsim.Time(horizon=10))


@pytest.mark.parametrize("seed", range(12))
def test_ultimatum_is_the_best_offer_the_other_accepts(seed: int) -> None:
    """The ultimatum gives B at least its value of war (exactly, unless A's ideal already does)
    and A the most it can get subject to that: checked against scipy's SLSQP from many starts
    (an independent solver)."""
    from scipy.optimize import minimize

    from negsim.compiled import compile_scenario

    rng = np.random.default_rng(seed)
    s = _two_sided(rng, int(rng.integers(1, 4)))
    r = negsim.run(s, "crisis", params={"protocol": "ultimatum"}, rng=0)
    c = compile_scenario(s)
    war = r.extras["war_value"][0]
    assert r.agreement[0]  # concave utilities and positive costs: the range is not empty
    assert r.utility[0, 1] >= war[1] - 1e-9
    if c.utility(c.position[:, 0])[0, 1] < war[1]:
        assert r.utility[0, 1] == pytest.approx(war[1], abs=1e-9)

    def u(x: np.ndarray) -> np.ndarray:
        return c.utility(x[None])[0]

    best = -np.inf
    for _ in range(20):
        res = minimize(lambda x: -u(x)[0], rng.uniform(c.lo, c.hi), method="SLSQP",
                       bounds=list(zip(c.lo, c.hi, strict=True)),
                       constraints=[{"type": "ineq", "fun": lambda x: u(x)[1] - war[1]}],
                       options={"ftol": 1e-14, "maxiter": 500})
        if res.success and u(res.x)[1] >= war[1] - 1e-9:
            best = max(best, -res.fun)
    assert r.utility[0, 0] >= best - 1e-9

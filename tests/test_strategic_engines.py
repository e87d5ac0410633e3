"""The strategic engines on scenario objects: Rubinstein's closed forms, concession agents."""

from __future__ import annotations

import numpy as np
import pytest

import negsim
from negsim import Actor, Issue, Scenario, Table


def pie(d_a: float, d_b: float, *, strategy_b: str | None = None, horizon: int = 36) -> Scenario:
    """A pie of 100 on one issue: A wants all of it (100), B none of it (0); walk-away 0."""
    return Scenario(
        title="pie",
        issues=(Issue(id="share", label="A's share", status_quo=50.0),),
        actors=(
            Actor(id="a", name="A", kind="state", capability=1.0, position={"share": 100.0},
                  salience={"share": 1.0}, discount=d_a, walk_away=0.0),
            Actor(id="b", name="B", kind="state", capability=1.0, position={"share": 0.0},
                  salience={"share": 1.0}, discount=d_b, walk_away=0.0),
        ),
        table=Table(negotiators=("a", "b")),
        time=negsim.Time(horizon=horizon),
    )


@pytest.mark.parametrize(("d_a", "d_b", "share"), [
    (0.9, 0.9, (1 - 0.9) / (1 - 0.81)),  # 0.5263 (theory.md section 2)
    (0.9, 0.8, 5 / 7),
    (0.5, 0.95, 0.05 / 0.525),
])
def test_rubinstein_engine_reproduces_the_closed_form(d_a: float, d_b: float,
                                                      share: float) -> None:
    """Rubinstein (1982): the first proposer gets (1 - d_B)/(1 - d_A d_B) of the pie."""
    r = negsim.run(pie(d_a, d_b), "rubinstein", rng=0)
    assert r.agreement[0] and r.round[0] == 0
    assert r.outcome[0, 0] == pytest.approx(100 * share, abs=1e-6)
    np.testing.assert_allclose(r.utility[0], [share, 1 - share], atol=1e-8)


def test_rubinstein_engine_refuses_a_multilateral_table(reference: Scenario) -> None:
    """A table of three is not a bilateral bargain: the engine says so."""
    with pytest.raises(negsim.EngineError, match="bilateral"):
        negsim.run(reference, "rubinstein")


def test_alternating_offers_conceders_agree_before_the_deadline() -> None:
    """Two linear conceders with a zone of agreement settle in time, splitting about evenly."""
    r = negsim.run(pie(1.0, 1.0), "alternating_offers", params={"strategy": "linear"}, rng=0)
    assert r.agreement[0] and 0 <= r.round[0] < 36
    assert r.outcome[0, 0] == pytest.approx(50.0, abs=5.0)


def test_alternating_offers_hardliners_never_agree() -> None:
    """Two hard-liners with opposed ideals never agree: the status quo stands."""
    r = negsim.run(pie(1.0, 1.0), "alternating_offers", params={"strategy": "hardliner"},
                   rng=0)
    assert not r.agreement[0] and r.round[0] == -1
    assert r.outcome[0, 0] == 50.0


def test_alternating_offers_overrides_give_the_boulware_side_more() -> None:
    """A Boulware agent facing a conceder ends with the larger share (Faratin et al. 1998)."""
    r = negsim.run(pie(1.0, 1.0), "alternating_offers",
                   params={"overrides": "a=boulware, b=conceder"}, rng=0)
    assert r.agreement[0] and r.utility[0, 0] > r.utility[0, 1]


def test_alternating_offers_bad_override_is_located() -> None:
    """A malformed strategy override is a ScenarioError at engine.params.overrides."""
    with pytest.raises(negsim.ScenarioError) as info:
        negsim.run(pie(1.0, 1.0), "alternating_offers", params={"overrides": "a=stubborn"})
    assert info.value.paths[0].startswith("engine.params.overrides")

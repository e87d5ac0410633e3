"""Forecast baselines against hand computation (compromise: van den Bos 1991; Black 1948)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given

import negsim
from negsim.strategies import scenarios


def test_compromise_by_hand(toy_path: Path) -> None:
    """Border: (3*.8*0 + 1*.6*100 + 2*.5*50)/(2.4+.6+1) = 27.5; trade: (.6*10 + .6*0)/1.2 = 5."""
    r = negsim.run(negsim.load(toy_path), "compromise", rng=0)
    np.testing.assert_allclose(r.outcome, [[27.5, 5.0]])
    assert r.agreement.all() and (r.round == 0).all()


def test_salience_weighted_mean_by_hand(toy_path: Path) -> None:
    """With equal capabilities: border (.6*100 + .5*50)/(.8+.6+.5) = 85/1.9;
    trade (.2*10 + .6*0)/(.2+.6) = 2.5."""
    r = negsim.run(negsim.load(toy_path), "compromise", params={"capability": False}, rng=0)
    np.testing.assert_allclose(r.outcome, [[85 / 1.9, 2.5]])


def test_weighted_median_by_hand(toy_path: Path) -> None:
    """Border: A alone holds 2.4 of 4 weight, so A's 0 wins every pairwise vote. Trade: the
    two actors tie at half the weight, so the winners are [0, 10] and the midpoint is 5."""
    r = negsim.run(negsim.load(toy_path), "weighted_median", rng=0)
    np.testing.assert_allclose(r.outcome, [[0.0, 5.0]])


def test_utility_by_hand(toy_path: Path) -> None:
    """Utilities of the compromise outcome from the spatial utility (risk neutral):
    A: .8*(1-.275) + .2*(1-.5) = 0.68; C: 1-.225 = 0.775."""
    r = negsim.run(negsim.load(toy_path), "compromise", rng=0)
    np.testing.assert_allclose(r.utility[0, [0, 2]], [0.68, 0.775])


@given(scenarios())
def test_compromise_lies_between_positions(s: negsim.Scenario) -> None:
    """The compromise on each issue lies within the range of the positions that carry weight."""
    r = negsim.run(s, "compromise", rng=0)
    for k, issue in enumerate(s.issues):
        held = [a.position[issue.id] for a in s.actors
                if issue.id in a.position and a.salience.get(issue.id, 0) * a.capability > 0]
        x = r.outcome[0, k]
        if held:
            assert min(held) - 1e-9 <= x <= max(held) + 1e-9
        else:
            assert x == issue.status_quo


@given(scenarios())
def test_weighted_median_beats_every_position_pairwise(s: negsim.Scenario) -> None:
    """No actor's position beats the weighted median in a weighted pairwise vote (Black 1948)."""
    r = negsim.run(s, "weighted_median", rng=0)
    for k, issue in enumerate(s.issues):
        voters = [(a.position[issue.id], a.salience.get(issue.id, 0) * a.capability)
                  for a in s.actors if issue.id in a.position]
        m = r.outcome[0, k]
        for challenger, _ in voters:
            eps = 1e-9 * (issue.scale[1] - issue.scale[0])  # preferences finer than this are ties
            pro = sum(w for p, w in voters if abs(p - challenger) < abs(p - m) - eps)
            con = sum(w for p, w in voters if abs(p - m) < abs(p - challenger) - eps)
            assert pro <= con + 1e-9


def test_unknown_engine_suggests_the_nearest(toy_path: Path) -> None:
    """Asking for a misspelt engine names the engine probably meant."""
    with pytest.raises(negsim.EngineError, match="did you mean 'compromise'"):
        negsim.run(negsim.load(toy_path), "compromize")


def test_bad_engine_parameter_is_located(toy_path: Path) -> None:
    """An unknown engine parameter is a ScenarioError at engine.params.<name>."""
    with pytest.raises(negsim.ScenarioError) as info:
        negsim.run(negsim.load(toy_path), "compromise", params={"capabilty": True})
    assert info.value.paths == ("engine.params.capabilty",)
    assert "did you mean 'capability'" in str(info.value)


def test_overrides_vary_parameters_per_run(toy_path: Path) -> None:
    """Per-run overrides enter the compiled arrays: A's capability 0 leaves B and C."""
    s = negsim.load(toy_path)
    r = negsim.run(s, "compromise", n_runs=2,
                   overrides={"actors.a.capability": np.array([3.0, 0.0])}, rng=0)
    np.testing.assert_allclose(r.outcome[:, 0], [27.5, (60 + 50) / 1.6])


def test_scope_ratifiers_counts_only_who_decides(toy_path: Path) -> None:
    """With scope "ratifiers", C (not a ratifier) no longer weighs on the border:
    (3*.8*0 + 1*.6*100)/(2.4+.6) = 20."""
    r = negsim.run(negsim.load(toy_path), "compromise", params={"scope": "ratifiers"}, rng=0)
    np.testing.assert_allclose(r.outcome, [[20.0, 5.0]])

"""The spatial model of politics (negsim.smp) and its engine, on closed cases and KTAB's inputs."""

from pathlib import Path

import numpy as np
import pytest

import negsim
from negsim import smp
from negsim.errors import ScenarioError
from negsim.importers import load_ktab

KTAB = sorted(p for p in (Path(__file__).parent / "data" / "ktab").iterdir()
              if p.suffix in {".csv", ".xml"})
OPTION_SETS = [
    {},
    {"pce": "markov"},
    {"selection": "election"},
    {"bargain": "target"},
    {"voting": "binary", "victory": "quartic"},
    {"voting": "cubic", "victory": "square", "forecast": "mode"},
]


def _random_case(seed: int, n: int = 6, k: int = 2):
    rng = np.random.default_rng(seed)
    return (rng.uniform(0.5, 2.0, n), rng.uniform(0, 100, (n, k)), rng.uniform(0.1, 1.0, (n, k)))


@pytest.mark.parametrize("pce", ["conditional", "markov"])
def test_two_actors_forecast_the_compromise(pce):
    """Two actors, proportional voting, linear victory: P = c_a s_a / (c_a s_a + c_b s_b), so the
    PCE forecast is the capability x salience weighted mean (computed by hand here)."""
    c, x, s = np.array([2.0, 1.0]), np.array([[10.0], [70.0]]), np.array([[0.5], [0.8]])
    r = smp.simulate(c, x, s, turns=0, pce=pce)
    expect = (2.0 * 0.5 * 10 + 1.0 * 0.8 * 70) / (2.0 * 0.5 + 1.0 * 0.8)  # 36.67
    # the Markov chain carries a 1e-9 teleportation, so its stationary law is exact to ~1e-9
    assert r.forecast[0, 0, 0] == pytest.approx(expect, abs=1e-6)


def test_condorcet_winner_beats_every_position():
    """In one dimension the weighted median of positions (weights c_k s_k, found here by a
    plain sorted loop) wins every pairwise election with probability above 1/2."""
    rng = np.random.default_rng(7)
    for _ in range(20):
        n = int(rng.integers(3, 9))
        c, x, s = rng.uniform(0.1, 2, n), rng.uniform(0, 1, n), rng.uniform(0.1, 1, n)
        w = c * s
        order = np.argsort(x)
        cum, med = 0.0, None
        for i in order:
            cum += w[i]
            if cum > w.sum() / 2:
                med = i
                break
        u = 1.0 - np.abs(x[None, :] - x[:, None])  # u[k, a], one dimension
        for voting in ("proportional", "binary", "cubic"):
            p = smp.election(u[None], w[None], voting)[0]
            others = np.arange(n) != med
            assert np.all(p[med, others] > 0.5), voting


def test_conditional_pce_is_the_normalised_product():
    """Conditional PCE: pi_a proportional to prod_{b != a} P(a, b) (direct product here)."""
    rng = np.random.default_rng(1)
    a = rng.uniform(0.05, 0.95, (5, 5))
    p = np.triu(a, 1) + np.tril(1 - a.T, -1) + 0.5 * np.eye(5)
    direct = np.array([np.prod(np.delete(p[i], i)) for i in range(5)])
    np.testing.assert_allclose(smp.pce(p), direct / direct.sum(), rtol=1e-12)


def test_markov_pce_is_the_stationary_distribution():
    """Markov PCE equals the eigenvector for eigenvalue 1 of the challenge chain (numpy.eig)."""
    rng = np.random.default_rng(2)
    m = 5
    a = rng.uniform(0.05, 0.95, (m, m))
    p = np.triu(a, 1) + np.tril(1 - a.T, -1) + 0.5 * np.eye(m)
    t = p.T / (m - 1)  # t[a, b]: from a, rival b wins
    np.fill_diagonal(t, 0.0)
    np.fill_diagonal(t, 1.0 - t.sum(1))
    vals, vecs = np.linalg.eig(t.T)
    v = np.real(vecs[:, np.argmin(np.abs(vals - 1.0))])
    np.testing.assert_allclose(smp.pce(p, model="markov"), v / v.sum(), atol=1e-7)


def test_unanimity_is_a_fixed_point():
    """Actors who share a position never move, and it is the forecast."""
    r = smp.simulate(np.ones(4), np.full((4, 2), 30.0), np.full((4, 2), 0.5), turns=3)
    assert np.all(r.positions == 30.0) and np.allclose(r.forecast, 30.0)
    assert r.turns[0] == 0


@pytest.mark.parametrize("opts", OPTION_SETS, ids=lambda o: ",".join(o.values()) or "default")
def test_positions_and_forecast_stay_in_the_initial_range(opts):
    """Bargains are convex combinations of positions: nothing leaves each dimension's range."""
    for seed in range(3):
        c, x, s = _random_case(seed)
        r = smp.simulate(c, x, s, turns=6, **opts)
        lo, hi = x.min(0) - 1e-9, x.max(0) + 1e-9
        assert np.all((r.positions >= lo) & (r.positions <= hi))
        assert np.all((r.forecast >= lo) & (r.forecast <= hi))
        np.testing.assert_allclose(r.probability.sum(-1), 1.0, atol=1e-9)


def test_relabelling_actors_changes_nothing():
    """Listing the actors in another order permutes positions and leaves the forecast alone
    while no two positions coincide (after bargains actors share positions, and ties among
    equally good targets are then broken by order: the engine declares no relabelling
    covariance)."""
    c, x, s = _random_case(11, n=5)
    perm = np.array([3, 0, 4, 1, 2])
    a = smp.simulate(c, x, s, turns=1)
    b = smp.simulate(c[perm], x[perm], s[perm], turns=1)
    np.testing.assert_allclose(a.forecast, b.forecast, atol=1e-9)
    np.testing.assert_allclose(a.positions[:, :, perm], b.positions, atol=1e-9)


def test_inactive_actor_changes_nothing():
    """An actor with no salience casts no vote and is no option: adding one changes nothing."""
    c, x, s = _random_case(12, n=4)
    a = smp.simulate(c, x, s, turns=4)
    b = smp.simulate(np.append(c, 5.0), np.vstack([x, [[99.0, 1.0]]]),
                     np.vstack([s, [[0.0, 0.0]]]), turns=4)
    np.testing.assert_allclose(a.forecast, b.forecast, atol=1e-12)
    assert np.all(b.probability[..., -1] == 0.0)


def test_runs_are_independent():
    """A batch of runs equals the runs simulated one at a time."""
    cases = [_random_case(s, n=5) for s in range(3)]
    c, x, s = (np.stack(z) for z in zip(*cases, strict=True))
    batch = smp.simulate(c, x, s, turns=4)
    for k in range(3):
        one = smp.simulate(c[k], x[k], s[k], turns=4)
        np.testing.assert_allclose(batch.positions[k], one.positions[0], atol=1e-12)
        assert batch.turns[k] == one.turns[0]


def test_dominant_actor_wins():
    """An actor with more vote weight than all others together has the Condorcet position; under
    binary voting and quartic victory it is the most probable outcome."""
    c = np.array([10.0, 1.0, 1.0, 1.0])
    x = np.array([[80.0], [10.0], [20.0], [30.0]])
    r = smp.simulate(c, x, np.ones((4, 1)), turns=0, voting="binary", victory="quartic",
                     forecast="mode")
    assert r.forecast[0, 0, 0] == 80.0


def test_bad_options_and_inputs_name_the_place():
    """An unknown option or a negative capability is refused, naming the option or input."""
    with pytest.raises(ScenarioError, match="voting"):
        smp.SMPOptions(voting="plurality")
    with pytest.raises(ScenarioError, match=r"smp\.capability"):
        smp.simulate([-1.0, 1.0], [[0.0], [1.0]], [[1.0], [1.0]])
    with pytest.raises(ScenarioError, match=r"engine\.params\.turns"):
        negsim.run(load_ktab(KTAB[0]), "smp", params={"turns": -1})


@pytest.mark.parametrize("path", KTAB, ids=lambda p: p.name)
def test_engine_runs_the_ktab_examples(path):
    """The engine runs each of KTAB's example inputs; its forecast lies within the range of the
    positions on every dimension."""
    scenario = load_ktab(path)
    r = negsim.run(scenario, "smp", params={"turns": 5})
    for k, issue in enumerate(scenario.issues):
        held = [a.position[issue.id] for a in scenario.actors if issue.id in a.position]
        assert min(held) - 1e-9 <= r.outcome[0, k] <= max(held) + 1e-9


@pytest.mark.parametrize("bargain", ["both", "target"])
@pytest.mark.parametrize("voting", ["proportional", "binary", "cubic"])
def test_fast_turn_matches_the_full_elections(bargain, voting):
    """Under the conditional PCE a turn updates the current products for each bargain; turn
    after turn it gives the same positions as running every candidate state's election in full
    (ties between equally good bargains, common once actors share positions, are broken by
    order, so rounding differences between the two paths cannot change a choice)."""
    o = smp.SMPOptions(bargain=bargain, voting=voting)
    for seed in range(4):
        c, x, s = _random_case(seed + 20, n=6, k=2)
        x = x / 100.0
        s[seed % 6] = 0.0  # an inactive actor
        w = s / np.where(s.sum(1, keepdims=True) > 0, s.sum(1, keepdims=True), 1.0)
        g = c * s.sum(1)
        rest = (x[None], w[None], g[None], (g > 0)[None], o)
        fast = full = x[None]
        for _ in range(5):
            fast = smp._turn(fast, *rest, fast=True)
            full = smp._turn(full, *rest, fast=False)
            np.testing.assert_allclose(fast, full, atol=1e-12)


def test_mismatched_shapes_name_the_input():
    """Saliences whose shape does not fit the positions are refused, naming them."""
    with pytest.raises(ScenarioError, match=r"smp\.salience"):
        smp.simulate([1.0, 1.0], [[0.0], [1.0]], [[1.0, 0.5, 0.2]])


def test_stable_runs_repeat_their_last_state():
    """A run that is stable keeps its positions and forecast for the remaining turns."""
    r = smp.simulate([1.0, 1.0], [[20.0], [20.0]], [[1.0], [1.0]], turns=4)
    assert r.positions.shape == (1, 5, 2, 1) and r.forecast.shape == (1, 5, 1)
    assert np.all(r.positions == 20.0) and np.allclose(r.forecast, 20.0) and r.turns[0] == 0

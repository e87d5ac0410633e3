"""The expected-utility model (Scholz, Calbert & Smith 2011) on the 1994 emissions case."""


import numpy as np
import pytest

from negsim import expected_utility as eu
from negsim.datasets import load_bdm1994_emissions
from negsim.errors import ScenarioError

# Scholz et al. (2011), Table 2, via SOURCES.md: never computed by this code.
PUBLISHED_MEAN = np.array([7.4, 7.5, 7.6, 7.3, 7.3, 7.4, 7.5, 7.6])
PUBLISHED_MEDIAN = np.array([8.4, 9.9, 9.9, 9.9, 9.9, 7.4, 8.8, 9.6])

#: The option set closest to the published mean series among the paper's readings of Q (0.5 or
#: 1), found by running all 1,600 option combinations (see the module docstring).
BEST = dict(q=0.5, p_denominator="all", salience_of="target", compromise="ratio",
            offer_selection="closest", risk_update="update", risk_from="threats",
            scale="range", ties="both")


@pytest.fixture(scope="module")
def case():
    return load_bdm1994_emissions()


def test_round_one_mean_is_published(case):
    """Round 1 (initial positions) has the published capability x salience mean, 7.4."""
    s = eu.simulate(case.capabilities, case.positions, case.saliences, **BEST)
    _, mean = eu.summary(case.capabilities, case.saliences, s)
    assert mean[0, 0] == pytest.approx(PUBLISHED_MEAN[0], abs=0.05)


def test_mean_series_matches_published(case):
    """The golden option set tracks the published mean series within 0.3 in every round (the
    acceptance bar; a weak one: see test_the_mean_bar_is_weak)."""
    s = eu.simulate(case.capabilities, case.positions, case.saliences, **BEST)
    _, mean = eu.summary(case.capabilities, case.saliences, s)
    assert np.abs(mean[0] - PUBLISHED_MEAN).max() < 0.3
    assert eu.GOLDEN == BEST


def test_the_mean_bar_is_weak(case):
    """Positions that never move keep the initial mean, already within 0.3 of every published
    round: matching the mean series alone does not identify the model."""
    w = case.capabilities * case.saliences
    static = (w * case.positions).sum() / w.sum()
    assert np.abs(static - PUBLISHED_MEAN).max() < 0.3


def test_published_round_one_median_is_a_grouped_median(case):
    """The published round-1 median, 8.4, is no actor's position; it is the grouped
    (interpolated) median of the capability x salience weights with classes 3 years wide
    (computed here from the data alone)."""
    w, x = case.capabilities * case.saliences, case.positions
    below, at = w[x < 7].sum(), w[x == 7].sum()
    assert below < w.sum() / 2 <= below + at  # the median class is the one at 7
    grouped = 7 - 1.5 + 3 * (w.sum() / 2 - below) / at
    assert grouped == pytest.approx(PUBLISHED_MEDIAN[0], abs=0.05)


def _plain_expected_utilities(x, c, s, r, q, salience_of):
    """The module docstring's formula, one pair at a time (a reference for the array code)."""
    n = x.size
    cs = c * s
    order = np.argsort(x, kind="stable")
    cum = np.cumsum(cs[order])
    mu = x[order][np.argmax(cum >= cum[-1] / 2 - 1e-12)]
    eu_ = np.zeros((n, n))
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            votes = [cs[k] * (abs(x[k] - x[j]) - abs(x[k] - x[i])) for k in range(n)]
            den = sum(abs(v) for v in votes)
            p = sum(v for v in votes if v > 0) / den if den > 0 else 0.5
            d, dm = abs(x[i] - x[j]), abs(x[i] - mu)
            u = lambda b, ri=r[i]: 2 - 4 * max(b, 0.0) ** ri  # noqa: E731
            us, uf = u(0.5 - 0.5 * d), u(0.5 + 0.5 * d)
            ub, uw = u(0.5 - 0.25 * (dm + d)), u(0.5 + 0.25 * (dm + d))
            t = 1.0 if abs(x[j] - mu) > dm else 0.0
            sal = s[j] if salience_of == "target" else s[i]
            eu_[i, j] = (sal * (p * us + (1 - p) * uf) + (1 - sal) * us
                         - q * u(0.5) - (1 - q) * (t * ub + (1 - t) * uw))
    return eu_


@pytest.mark.parametrize("salience_of", ["target", "challenger"])
def test_expected_utilities_match_the_plain_formula(salience_of):
    """The vectorised expected utilities equal the docstring formula computed pair by pair."""
    rng = np.random.default_rng(3)
    for _ in range(5):
        x, c, s = rng.random(6), rng.random(6) + 0.1, rng.random(6)
        r = rng.uniform(0.5, 2.0, 6)
        got = eu.expected_utilities(x[None], c[None], s[None], r[None], 0.3,
                                    salience_of=salience_of)[0]
        np.testing.assert_allclose(got, _plain_expected_utilities(x, c, s, r, 0.3, salience_of),
                                   atol=1e-12)


def test_relabelling_actors_permutes_the_series(case):
    """Listing the actors in another order permutes their series (ties are never decided by
    rounding or by order)."""
    perm = np.random.default_rng(4).permutation(10)
    a = eu.simulate(case.capabilities, case.positions, case.saliences, **BEST)
    b = eu.simulate(case.capabilities[perm], case.positions[perm], case.saliences[perm], **BEST)
    np.testing.assert_allclose(a[:, :, perm], b, atol=1e-9)


def test_positions_stay_within_initial_range(case):
    """Every offer lies between two actors' positions, so no position leaves the initial range."""
    s = eu.simulate(case.capabilities, case.positions, case.saliences, **BEST)
    assert s.min() >= case.positions.min() and s.max() <= case.positions.max()


def test_runs_are_independent(case):
    """A batch of runs (more than one block of 256) equals the runs simulated one at a time."""
    rng = np.random.default_rng(0)
    pos = np.clip(case.positions + rng.normal(0, 1, (300, 10)), 0, 12)
    batch = eu.simulate(np.broadcast_to(case.capabilities, pos.shape), pos,
                        np.broadcast_to(case.saliences, pos.shape), **BEST)
    for k in (0, 1, 255, 256, 299):
        one = eu.simulate(case.capabilities, pos[k], case.saliences, **BEST)
        np.testing.assert_array_equal(batch[k], one[0])


def test_unanimity_is_a_fixed_point():
    """Actors who all share a position never move."""
    s = eu.simulate(np.ones(4), np.full(4, 3.0), np.full(4, 0.5), rounds=5, **BEST)
    assert np.all(s == 3.0)


def test_bad_option_names_the_option(case):
    """An unknown option value is refused with the option's name."""
    with pytest.raises(ScenarioError, match=r"expected_utility\.compromise"):
        eu.simulate(case.capabilities, case.positions, case.saliences, compromise="split")


def test_engine_forecast_lies_between_weighted_positions():
    """On generated scenarios the engine's forecast lies within the range of the positions that
    carry weight (or is the status quo when none does)."""
    from hypothesis import given, settings

    import negsim
    import negsim.engines.expected_utility  # registers the engine
    from negsim.strategies import scenarios

    @settings(max_examples=30, deadline=None)
    @given(scenarios())
    def check(s):
        r = negsim.run(s, "expected_utility", rng=0)
        for k, issue in enumerate(s.issues):
            held = [a.position[issue.id] for a in s.actors
                    if issue.id in a.position and a.salience.get(issue.id, 0) * a.capability > 0]
            x = r.outcome[0, k]
            if held:
                assert min(held) - 1e-9 <= x <= max(held) + 1e-9
            else:
                assert x == issue.status_quo

    check()

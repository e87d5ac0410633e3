"""Tests of negsim.attrition against theory.md section 5.

Expected values come from the papers or from hand derivations written out in the docstrings,
never from the code under test. Simulation tests use fixed seeds and tolerances of about four
standard errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, strategies as st

from negsim.attrition import (
    asymmetric_duration,
    concession_hazards,
    discrete_concession_probability,
    discrete_expected_duration,
    expected_duration,
    persistence_mean,
    persistence_survival,
    simulate_attrition,
    win_probability,
)

EXACT = 1e-12
positive = st.floats(min_value=0.01, max_value=100.0)


# --------------------------------------------------------------------------- worked numbers


def test_symmetric_expected_length() -> None:
    """Maynard Smith (1974): V = 10, c = 1 gives an expected contest length V/(2c) = 5."""
    assert expected_duration(10.0, 1.0) == pytest.approx(5.0, abs=EXACT)


def test_symmetric_persistence() -> None:
    """Maynard Smith (1974): persistence is exponential with mean V/c = 10, so it survives to
    t = 10 with probability e^{-1}."""
    assert persistence_mean(10.0, 1.0) == pytest.approx(10.0, abs=EXACT)
    assert persistence_survival(10.0, 10.0, 1.0) == pytest.approx(math.exp(-1), abs=EXACT)


def test_discrete_concession_probability() -> None:
    """Discrete-time war of attrition: V = 10, c = 1 gives q = c/(V + c) = 1/11."""
    assert discrete_concession_probability(10.0, 1.0) == pytest.approx(1 / 11, abs=EXACT)


def test_discrete_expected_duration_by_hand() -> None:
    """Discrete-time war of attrition, V = 10, c = 1: the contest ends in a round with
    probability 1 - (10/11)^2 = 21/121, so the expected ending round is 121/21."""
    assert discrete_expected_duration(10.0, 1.0) == pytest.approx(121 / 21, abs=EXACT)


def test_asymmetric_hazards_by_hand() -> None:
    """Hendricks, Weiss & Wilson (1988): i concedes at hazard c_j/V_j. V = (10, 4), c = (1, 2):
    A concedes at 2/4 = 0.5 and B at 1/10 = 0.1; the contest lasts 1/0.6 on average and A wins
    (B concedes first) with probability 0.1/0.6 = 1/6."""
    h_a, h_b = concession_hazards(10.0, 4.0, 1.0, 2.0)
    assert (h_a, h_b) == (pytest.approx(0.5), pytest.approx(0.1))
    assert asymmetric_duration(10.0, 4.0, 1.0, 2.0) == pytest.approx(1 / 0.6, abs=EXACT)
    assert win_probability(10.0, 4.0, 1.0, 2.0) == pytest.approx(1 / 6, abs=EXACT)


# --------------------------------------------------------------------------- equilibrium conditions


@given(positive, positive)
def test_ess_indifference(V: float, c: float) -> None:
    """Maynard Smith (1974); Bishop & Cannings (1978): at the ESS hazard c/V, the expected gain
    of staying a moment, V times the hazard, equals its cost c."""
    h_a, _ = concession_hazards(V, V, c, c)
    assert V * h_a == pytest.approx(c, rel=1e-12)
    assert 1 / h_a == pytest.approx(persistence_mean(V, c), rel=1e-12)


@given(positive, positive)
def test_discrete_indifference(V: float, c: float) -> None:
    """Discrete-time war of attrition: at q = c/(V + c) staying is worth q V - (1 - q) c = 0,
    the payoff of conceding."""
    q = discrete_concession_probability(V, c)
    assert q * V - (1 - q) * c == pytest.approx(0.0, abs=1e-9 * (V + c))


@given(positive, positive)
def test_asymmetric_reduces_to_symmetric(V: float, c: float) -> None:
    """Hendricks, Weiss & Wilson (1988) with identical players is Maynard Smith (1974): length
    V/(2c), each side wins with probability 1/2."""
    assert asymmetric_duration(V, V, c, c) == pytest.approx(expected_duration(V, c), rel=1e-12)
    assert win_probability(V, V, c, c) == pytest.approx(0.5, abs=EXACT)


@given(positive, positive, st.floats(min_value=1e-6, max_value=1.0))
def test_discrete_converges_to_continuous(V: float, c: float, scale: float) -> None:
    """Discrete -> continuous time: rounds of length dt costing e = c dt last, in time,
    dt (V + e)^2 / (e (2V + e)). By hand its gap to V/(2c) is e (3V + 2e) / (2c (2V + e)),
    which is O(dt) and vanishes as dt -> 0."""
    dt = scale * V / c
    e = c * dt
    gap = dt * discrete_expected_duration(V, e) - expected_duration(V, c)
    assert gap == pytest.approx(e * (3 * V + 2 * e) / (2 * c * (2 * V + e)), rel=1e-6)
    assert gap / expected_duration(V, c) <= 3 * scale


# --------------------------------------------------------------------------- simulation


def test_simulated_continuous_mean_matches_closed_form() -> None:
    """Maynard Smith (1974): simulated contests (V = 10, c = 1) last V/(2c) = 5 on average
    (the length is exponential, sd 5; 40 000 runs give a standard error of 0.025)."""
    sample = simulate_attrition(10.0, 1.0, 40_000, rng=20240601)
    assert sample.duration.mean() == pytest.approx(5.0, abs=0.1)
    assert np.mean(sample.winner == 0) == pytest.approx(0.5, abs=0.01)


def test_simulated_discrete_mean_matches_closed_form() -> None:
    """Discrete-time war of attrition (V = 10, c = 1): the ending round is geometric with
    success probability 21/121, mean 121/21 = 5.762, sd about 5.24; both-concede rounds have
    probability (1/11)^2 / (21/121) = 1/21 of endings."""
    sample = simulate_attrition(10.0, 1.0, 40_000, rng=7, discrete=True)
    assert sample.duration.mean() == pytest.approx(121 / 21, abs=0.1)
    assert np.mean(sample.winner == -1) == pytest.approx(1 / 21, abs=0.005)
    assert np.all(sample.duration >= 1)


def test_simulated_asymmetric_matches_hazards() -> None:
    """Hendricks, Weiss & Wilson (1988), V = (10, 4), c = (1, 2): mean length 1/0.6 and A wins
    with probability 1/6 (standard errors 0.008 and 0.002 with 40 000 runs)."""
    sample = simulate_attrition([10.0, 4.0], [1.0, 2.0], 40_000, rng=11)
    assert sample.duration.mean() == pytest.approx(1 / 0.6, abs=0.04)
    assert np.mean(sample.winner == 0) == pytest.approx(1 / 6, abs=0.01)


def test_simulated_asymmetric_discrete_by_hand() -> None:
    """Discrete asymmetric war of attrition, V = (10, 4), c = (1, 2): q_A = 2/6 and
    q_B = 1/11; a round ends the game with probability 1 - (2/3)(10/11) = 13/33 (mean 33/13),
    and A wins a round with probability (1/11)(2/3) = 2/33, i.e. 2/13 of endings."""
    sample = simulate_attrition([10.0, 4.0], [1.0, 2.0], 40_000, rng=5, discrete=True)
    assert sample.duration.mean() == pytest.approx(33 / 13, abs=0.05)
    assert np.mean(sample.winner == 0) == pytest.approx(2 / 13, abs=0.01)


def test_simulated_survival_matches_exponential() -> None:
    """Maynard Smith (1974): Pr(length > t) = exp(-2 c t / V) for the symmetric ESS."""
    sample = simulate_attrition(10.0, 1.0, 40_000, rng=3)
    for t in (1.0, 5.0, 10.0):
        assert np.mean(sample.duration > t) == pytest.approx(math.exp(-t / 5), abs=0.01)


def test_simulation_is_deterministic_for_a_seed() -> None:
    """SPEC 7 seeding: the same seed (int or Generator) gives the same contests."""
    a = simulate_attrition(10.0, 1.0, 500, rng=42, discrete=True)
    b = simulate_attrition(10.0, 1.0, 500, rng=np.random.default_rng(42), discrete=True)
    np.testing.assert_array_equal(a.duration, b.duration)
    np.testing.assert_array_equal(a.winner, b.winner)
    c = simulate_attrition(10.0, 1.0, 500, rng=43, discrete=True)
    assert not np.array_equal(a.duration, c.duration)


def test_simulation_per_run_parameters() -> None:
    """Parameters with a run axis: a run with a 100x higher cost per prize ends much sooner."""
    V = np.array([[10.0, 10.0], [0.1, 0.1]]).repeat(5000, axis=0)
    sample = simulate_attrition(V, 1.0, 10_000, rng=9)
    assert sample.duration.shape == (10_000,)
    assert sample.duration[:5000].mean() == pytest.approx(5.0, abs=0.3)
    assert sample.duration[5000:].mean() == pytest.approx(0.05, abs=0.003)


def test_simulation_censoring() -> None:
    """Discrete simulation stopped at max_rounds marks unfinished runs as censored (-2)."""
    sample = simulate_attrition(1e6, 1e-3, 100, rng=0, discrete=True, max_rounds=3)
    assert np.all(sample.winner == -2)
    assert np.all(sample.duration == 3)


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: expected_duration(0.0, 1.0), r"V .*> 0.*0\.0"),
        (lambda: expected_duration(10.0, -1.0), r"c .*-1\.0"),
        (lambda: persistence_survival(-1.0, 10.0, 1.0), r"t .*-1\.0"),
        (lambda: concession_hazards(1.0, 1.0, 1.0, 0.0), r"c_b .*0\.0"),
        (lambda: simulate_attrition(10.0, 1.0, 0), r"n_runs .*0"),
        (lambda: simulate_attrition([1.0, 2.0, 3.0], 1.0, 10), r"broadcast"),
        (lambda: simulate_attrition(1.0, 1.0, 10, discrete=True, max_rounds=0), r"max_rounds"),
    ],
)
def test_invalid_inputs_name_argument_and_value(call, match: str) -> None:
    """Bad inputs raise ValueError naming the argument and the offending value."""
    with pytest.raises(ValueError, match=match):
        call()

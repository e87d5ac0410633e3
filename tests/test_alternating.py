"""Tests of negsim.alternating against the closed forms of theory.md section 2.

Expected values come from the papers or from hand derivations written out in the docstrings,
never from the code under test.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from negsim.alternating import (
    breakdown_share,
    continuous_time_share,
    finite_horizon_share,
    fixed_cost_range,
    fixed_cost_share,
    outside_option_shares,
    period_length_share,
    random_proposer_values,
    rubinstein_share,
)

TOL = 1e-4
EXACT = 1e-12
discount = st.floats(min_value=0.01, max_value=0.99)
prob = st.floats(min_value=0.0, max_value=1.0)


# --------------------------------------------------------------------------- worked numbers


def test_rubinstein_equal_discount() -> None:
    """Rubinstein (1982): d1 = d2 = 0.9 gives the first proposer 1/(1 + d) = 10/19 = 0.5263."""
    assert rubinstein_share(0.9, 0.9) == pytest.approx(0.5263, abs=TOL)
    assert rubinstein_share(0.9, 0.9) == pytest.approx(float(Fraction(10, 19)), abs=EXACT)


def test_rubinstein_unequal_discount() -> None:
    """Rubinstein (1982): (d1, d2) = (0.9, 0.8) gives (1 - 0.8)/(1 - 0.72) = 5/7."""
    assert rubinstein_share(0.9, 0.8) == pytest.approx(5 / 7, abs=EXACT)


def test_stahl_three_rounds() -> None:
    """Stahl (1972): T = 3, d = 0.9 gives (1 + 0.9^3)/1.9 = 1 - 0.9 + 0.81 = 0.91."""
    assert finite_horizon_share(0.9, 0.9, 3) == pytest.approx(0.91, abs=EXACT)


def test_finite_horizon_short_games_by_hand() -> None:
    """Stahl (1972) backward induction: T = 1 is an ultimatum (share 1); T = 2 leaves
    1 - d2; T = 3 leaves 1 - d2 (1 - d1); with (0.9, 0.8), T = 4 leaves
    1 - 0.8 (1 - 0.9 (1 - 0.8)) = 0.344."""
    assert finite_horizon_share(0.9, 0.8, 1) == 1.0
    assert finite_horizon_share(0.9, 0.8, 2) == pytest.approx(0.2, abs=EXACT)
    assert finite_horizon_share(0.9, 0.8, 3) == pytest.approx(0.92, abs=EXACT)
    assert finite_horizon_share(0.9, 0.8, 4) == pytest.approx(0.344, abs=EXACT)


def test_fixed_costs_cheaper_first_proposer_takes_all() -> None:
    """Rubinstein (1982), fixed costs: c1 < c2, (0.1, 0.2), gives player 1 everything."""
    assert fixed_cost_share(0.1, 0.2) == 1.0


def test_fixed_costs_costlier_first_proposer_gets_c2() -> None:
    """Rubinstein (1982), fixed costs: c1 > c2, (0.2, 0.1), gives player 1 only c2 = 0.1."""
    assert fixed_cost_share(0.2, 0.1) == pytest.approx(0.1, abs=EXACT)


def test_fixed_costs_tie_is_an_interval() -> None:
    """Rubinstein (1982), fixed costs: c1 = c2 = c < 1 supports every share in [c, 1]; the
    documented selections are its ends and its midpoint (1 + c)/2."""
    low, high = fixed_cost_range(0.3, 0.3)
    assert (low, high) == (pytest.approx(0.3), 1.0)
    assert fixed_cost_share(0.3, 0.3, tie="low") == pytest.approx(0.3)
    assert fixed_cost_share(0.3, 0.3, tie="high") == 1.0
    assert fixed_cost_share(0.3, 0.3) == pytest.approx(0.65)


def test_fixed_costs_large_c2_caps_at_whole_pie() -> None:
    """Rubinstein (1982), fixed costs: with c1 > c2 >= 1, B's option to delay is worth nothing
    (y - c2 <= 0), so x = 1 - max(0, 1 - c2) = 1."""
    assert fixed_cost_share(3.0, 2.0) == 1.0


def test_outside_option_binding_for_b() -> None:
    """Binmore, Shaked & Sutton (1989): d = 0.9, w_B = 0.6 (w_A = 0) gives x = 1 - 0.6 = 0.4
    and y = 1 - 0.9 * 0.4 = 0.64."""
    x, y = outside_option_shares(0.9, 0.9, 0.0, 0.6)
    assert x == pytest.approx(0.4, abs=EXACT)
    assert y == pytest.approx(0.64, abs=EXACT)


def test_outside_options_both_bind() -> None:
    """Shaked & Sutton (1984) equations with both options binding: d = 0.9, w_A = w_B = 0.48;
    x = y = 0.52 since 0.9 * 0.52 = 0.468 < 0.48 on both sides."""
    x, y = outside_option_shares(0.9, 0.9, 0.48, 0.48)
    assert x == pytest.approx(0.52, abs=EXACT)
    assert y == pytest.approx(0.52, abs=EXACT)


def test_outside_option_only_a_binds() -> None:
    """Shaked & Sutton (1984) equations: d = 0.9, w_A = 0.5, w_B = 0: y = 1 - 0.5 = 0.5 and
    x = 1 - 0.9 * 0.5 = 0.55 (0.9 * 0.55 = 0.495 < 0.5, so A's option binds)."""
    x, y = outside_option_shares(0.9, 0.9, 0.5, 0.0)
    assert x == pytest.approx(0.55, abs=EXACT)
    assert y == pytest.approx(0.5, abs=EXACT)


def test_outside_option_below_continuation_is_irrelevant() -> None:
    """Binmore, Shaked & Sutton (1989), outside-option principle: with d = 0.9, w_B = 0.4 is
    below d y* = 0.9/1.9 = 0.4737, so the Rubinstein split 1/1.9 = 0.5263 stands."""
    x, y = outside_option_shares(0.9, 0.9, 0.0, 0.4)
    assert x == pytest.approx(0.5263, abs=TOL)
    assert y == pytest.approx(0.5263, abs=TOL)


def test_breakdown_formula_by_hand() -> None:
    """Binmore, Rubinstein & Wolinsky (1986): p = 0.5, b = (0.2, 0.1) gives
    (1 - 0.1 + 0.5 * 0.2)/(2 - 0.5) = 1/1.5 = 2/3."""
    assert breakdown_share(0.5, 0.2, 0.1) == pytest.approx(2 / 3, abs=EXACT)


def test_breakdown_certain_is_ultimatum() -> None:
    """Binmore, Rubinstein & Wolinsky (1986) with p = 1: a rejection ends the game, so the
    proposer leaves the responder exactly b_B: x = (1 - b_B)/1."""
    assert breakdown_share(1.0, 0.2, 0.1) == pytest.approx(0.9, abs=EXACT)


def test_breakdown_vanishing_is_nash() -> None:
    """Binmore, Rubinstein & Wolinsky (1986): as p -> 0 the share tends to the Nash solution
    with d = b, here 0.2 + (1 - 0.3)/2 = 0.55."""
    assert breakdown_share(1e-9, 0.2, 0.1) == pytest.approx(0.55, abs=TOL)


def test_breakdown_without_risk_is_rubinstein() -> None:
    """Binmore, Rubinstein & Wolinsky (1986), general case with p = 0: Rubinstein's 5/7 for
    discount factors (0.9, 0.8)."""
    assert breakdown_share(0.0, 0.3, 0.3, 0.9, 0.8) == pytest.approx(5 / 7, abs=EXACT)


def test_continuous_time_patience_is_power() -> None:
    """Binmore, Rubinstein & Wolinsky (1986): r_A = 1, r_B = 3 gives A r_B/(r_A + r_B) = 0.75."""
    assert continuous_time_share(1.0, 3.0) == pytest.approx(0.75, abs=EXACT)


def test_period_length_converges_at_first_order() -> None:
    """Binmore, Rubinstein & Wolinsky (1986): with d_i = exp(-r_i D), expanding
    (1 - e^{-r_B D})/(1 - e^{-R D}) gives r_B/R + r_A r_B D/(2R) + O(D^2); for (1, 3) the slope
    is 3/8."""
    shares = period_length_share(1.0, 3.0, np.array([1e-1, 1e-2, 1e-3, 1e-4]))
    errors = np.abs(shares - 0.75)
    assert np.all(np.diff(errors) < 0)
    assert (shares[-1] - 0.75) / 1e-4 == pytest.approx(3 / 8, rel=1e-3)


def test_period_length_matches_rubinstein() -> None:
    """Rubinstein (1982) with d_i = exp(-r_i D): D = 1, r = (0.1, 0.2) is the discrete game."""
    expected = (1 - math.exp(-0.2)) / (1 - math.exp(-0.3))
    assert period_length_share(0.1, 0.2, 1.0) == pytest.approx(expected, abs=EXACT)


def test_random_proposers_weighted_nash() -> None:
    """Britz, Herings & Predtetchinski (2010): with breakdown risk only, stationary payoffs are
    the weighted Nash solution d_i + rho_i (1 - sum d): rho = (0.7, 0.3), d = (0.2, 0) gives
    (0.2 + 0.7 * 0.8, 0.3 * 0.8) = (0.76, 0.24)."""
    for eps in (0.5, 0.1, 1e-6):
        values = random_proposer_values([0.7, 0.3], eps, [0.2, 0.0])
        np.testing.assert_allclose(values, [0.76, 0.24], atol=EXACT)


def test_random_proposers_with_discounting_by_hand() -> None:
    """Britz, Herings & Predtetchinski (2010) with discounting added: rho = (0.5, 0.5),
    d = (0.2, 0), eps = 0.01, delta = 0.9. Solving v_i = rho_i (1 - C) + c_i with
    c_i = eps d_i + (1 - eps) delta v_i by hand: v_1 = (0.002 + 0.5 * 0.107)/0.109 = 0.509174."""
    values = random_proposer_values([0.5, 0.5], 0.01, [0.2, 0.0], delta=0.9)
    assert values[0] == pytest.approx((0.002 + 0.5 * 0.107) / 0.109, abs=EXACT)
    assert values.sum() == pytest.approx(1.0, abs=EXACT)


# --------------------------------------------------------------------------- equilibrium conditions


@given(discount, discount)
def test_rubinstein_indifference(d1: float, d2: float) -> None:
    """Rubinstein (1982): each responder is indifferent, 1 - x = d2 y and 1 - y = d1 x, where y
    is B's share as proposer (arguments swapped)."""
    x = rubinstein_share(d1, d2)
    y = rubinstein_share(d2, d1)
    assert 1 - x == pytest.approx(d2 * y, abs=EXACT)
    assert 1 - y == pytest.approx(d1 * x, abs=EXACT)


@given(discount, st.integers(min_value=1, max_value=60))
def test_stahl_formula(d: float, T: int) -> None:
    """Stahl (1972): with equal discount factors the first proposer gets (1 - (-d)^T)/(1 + d)."""
    assert finite_horizon_share(d, d, T) == pytest.approx((1 - (-d) ** T) / (1 + d), abs=1e-10)


@given(discount, discount, st.integers(min_value=1, max_value=60))
def test_finite_horizon_closed_form(d1: float, d2: float, T: int) -> None:
    """Stahl (1972), unequal discounting, solved by hand two rounds at a time
    (x_t = (1 - d2) + d1 d2 x_{t+2}, D = d1 d2): odd T = 2m + 1 gives
    (1 - d2)(1 - D^m)/(1 - D) + D^m; even T = 2m gives (1 - d2)(1 - D^m)/(1 - D)."""
    D = d1 * d2
    if T % 2:
        m = (T - 1) // 2
        expected = (1 - d2) * (1 - D**m) / (1 - D) + D**m
    else:
        m = T // 2
        expected = (1 - d2) * (1 - D**m) / (1 - D)
    assert finite_horizon_share(d1, d2, T) == pytest.approx(expected, abs=1e-10)


@given(discount, discount, prob, prob)
def test_outside_option_equations_hold(da: float, db: float, u: float, v: float) -> None:
    """Shaked & Sutton (1984): the returned (x, y) solve x = 1 - max(w_B, d_B y) and
    y = 1 - max(w_A, d_A x) for any options with w_A + w_B <= 1."""
    wa, wb = u, v * (1 - u)
    x, y = outside_option_shares(da, db, wa, wb)
    assert x == pytest.approx(1 - max(wb, db * y), abs=1e-12)
    assert y == pytest.approx(1 - max(wa, da * x), abs=1e-12)


@given(prob, prob, prob, st.floats(0.05, 1.0), st.floats(0.05, 1.0))
def test_breakdown_indifference(p: float, u: float, v: float, da: float, db: float) -> None:
    """Binmore, Rubinstein & Wolinsky (1986): each responder gets exactly its expected value of
    rejecting, 1 - x = p b_B + (1 - p) d_B y and 1 - y = p b_A + (1 - p) d_A x."""
    assume(1 - (1 - p) ** 2 * da * db > 1e-3)
    ba, bb = u, v * (1 - u)
    x = breakdown_share(p, ba, bb, da, db)
    y = breakdown_share(p, bb, ba, db, da)
    assert 1 - x == pytest.approx(p * bb + (1 - p) * db * y, abs=1e-9)
    assert 1 - y == pytest.approx(p * ba + (1 - p) * da * x, abs=1e-9)


@given(st.floats(0.01, 1.0), prob, prob)
def test_breakdown_gap_to_nash(p: float, u: float, v: float) -> None:
    """Binmore, Rubinstein & Wolinsky (1986): by hand, x - Nash = p (1 - b_A - b_B)/(2 (2 - p)),
    a first-mover advantage that vanishes with p."""
    ba, bb = u, v * (1 - u)
    nash = ba + (1 - ba - bb) / 2
    gap = p * (1 - ba - bb) / (2 * (2 - p))
    assert breakdown_share(p, ba, bb) - nash == pytest.approx(gap, abs=1e-12)


@given(
    st.lists(st.floats(0.01, 1.0), min_size=2, max_size=5),
    st.floats(0.001, 1.0),
    st.floats(0.5, 1.0),
    st.floats(0.0, 1.0),
)
def test_random_proposer_stationarity(
    weights: list[float], eps: float, delta: float, dscale: float
) -> None:
    """Britz, Herings & Predtetchinski (2010): v_i = rho_i (1 - sum_{j != i} c_j) +
    (1 - rho_i) c_i with c_j = eps d_j + (1 - eps) delta v_j, and the values sum to 1."""
    rho = np.array(weights) / sum(weights)
    d = dscale * np.linspace(1.0, 2.0, rho.size) / (1.5 * rho.size)
    v = random_proposer_values(rho, eps, d, delta=delta)
    c = eps * d + (1 - eps) * delta * v
    proposer_keeps = 1 - (c.sum() - c)
    np.testing.assert_allclose(v, rho * proposer_keeps + (1 - rho) * c, atol=1e-10)
    assert v.sum() == pytest.approx(1.0, abs=1e-10)


# ------------------------------------------------------------------------- invariants (theory.md 8)


@given(discount, discount, discount)
def test_share_rises_in_own_patience(d1: float, d1b: float, d2: float) -> None:
    """Rubinstein (1982): a more patient proposer never gets less."""
    lo, hi = sorted((d1, d1b))
    assert rubinstein_share(hi, d2) >= rubinstein_share(lo, d2) - 1e-12


@given(discount, discount, discount)
def test_share_falls_in_opponent_patience(d1: float, d2: float, d2b: float) -> None:
    """Rubinstein (1982): a more patient opponent never leaves the proposer more."""
    lo, hi = sorted((d2, d2b))
    assert rubinstein_share(d1, hi) <= rubinstein_share(d1, lo) + 1e-12


@given(discount, discount)
def test_first_mover_advantage_vanishes(d: float, e: float) -> None:
    """Rubinstein (1982): with equal patience the advantage 1/(1 + d) - 1/2 = (1 - d)/(2 (1 + d))
    is positive and shrinks as d -> 1."""
    lo, hi = sorted((d, e))
    adv_lo = rubinstein_share(lo, lo) - 0.5
    adv_hi = rubinstein_share(hi, hi) - 0.5
    assert 0 < adv_hi <= adv_lo + 1e-12
    assert adv_hi == pytest.approx((1 - hi) / (2 * (1 + hi)), abs=1e-12)


@given(discount, discount, st.integers(min_value=1, max_value=200))
def test_finite_horizon_converges(d1: float, d2: float, T: int) -> None:
    """Stahl (1972) -> Rubinstein (1982): by the closed forms, |x_T - x*| <= (d1 d2)^floor(T/2);
    odd horizons overshoot x*, even ones undershoot."""
    x_t = finite_horizon_share(d1, d2, T)
    x_inf = rubinstein_share(d1, d2)
    assert abs(x_t - x_inf) <= (d1 * d2) ** (T // 2) + 1e-12
    if T % 2:
        assert x_t >= x_inf - 1e-12
    else:
        assert x_t <= x_inf + 1e-12


@given(discount, discount, prob, prob)
def test_outside_option_kink(da: float, db: float, u: float, v: float) -> None:
    """Binmore, Shaked & Sutton (1989), outside-option principle: options at or below the
    discounted Rubinstein continuation values (w_B <= d_B y*, w_A <= d_A x*) change nothing."""
    x_star = rubinstein_share(da, db)
    y_star = rubinstein_share(db, da)
    x, y = outside_option_shares(da, db, u * da * x_star, v * db * y_star)
    assert x == pytest.approx(x_star, abs=1e-12)
    assert y == pytest.approx(y_star, abs=1e-12)


@given(discount, discount, prob, prob, prob)
def test_outside_option_never_helps_the_other_side(
    da: float, db: float, u: float, v: float, s: float
) -> None:
    """Shaked & Sutton (1984): a better option for B never raises A's share as proposer."""
    wa = u
    wb_lo, wb_hi = sorted((v * (1 - u), s * (1 - u)))
    x_lo, _ = outside_option_shares(da, db, wa, wb_lo)
    x_hi, _ = outside_option_shares(da, db, wa, wb_hi)
    assert x_hi <= x_lo + 1e-12


@given(st.floats(0.01, 100.0), st.floats(0.01, 100.0), st.floats(0.01, 100.0))
def test_fixed_cost_within_range(c1: float, c2: float, c: float) -> None:
    """Rubinstein (1982), fixed costs: the selected share lies in the SPE range, which is a
    point unless c1 == c2, and both ends are feasible shares."""
    for a, b in ((c1, c2), (c, c)):
        low, high = fixed_cost_range(a, b)
        share = fixed_cost_share(a, b)
        assert 0 <= low <= share <= high <= 1
        if a != b:
            assert low == high


# --------------------------------------------------------------------------- vectorisation, errors


def test_broadcasts_over_run_axis() -> None:
    """Rubinstein (1982) and Stahl (1972) evaluated over a run axis match the scalar calls."""
    d1 = np.array([0.5, 0.9, 0.95])
    d2 = np.array([[0.6], [0.8]])
    out = rubinstein_share(d1, d2)
    assert out.shape == (2, 3)
    assert out[1, 1] == pytest.approx(5 / 7)
    horizons = np.array([1, 2, 3])
    fh = finite_horizon_share(0.9, 0.9, horizons)
    np.testing.assert_allclose(fh, [(1 - (-0.9) ** t) / 1.9 for t in horizons])
    x, _ = outside_option_shares(0.9, 0.9, 0.0, np.array([0.0, 0.6]))
    np.testing.assert_allclose(x, [1 / 1.9, 0.4])
    vals = random_proposer_values(np.array([[0.5, 0.5], [1.0, 0.0]]), np.array([0.1, 0.2]))
    np.testing.assert_allclose(vals, [[0.5, 0.5], [1.0, 0.0]])


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: rubinstein_share(1.0, 0.5), r"delta_1 .*\(0, 1\).*1\.0"),
        (lambda: rubinstein_share(0.5, np.array([0.5, -0.1])), r"delta_2 .*-0\.1"),
        (lambda: rubinstein_share(float("nan"), 0.5), r"delta_1 .*nan"),
        (lambda: finite_horizon_share(0.5, 0.5, 0), r"T .*integer >= 1.*0"),
        (lambda: finite_horizon_share(0.5, 0.5, 2.5), r"T .*2\.5"),
        (lambda: fixed_cost_share(0.0, 0.1), r"c1 .*> 0.*0\.0"),
        (lambda: fixed_cost_share(0.1, 0.1, tie="mid"), r"tie"),
        (lambda: outside_option_shares(0.9, 0.9, 0.6, 0.6), r"w_a \+ w_b.*1\.2"),
        (lambda: outside_option_shares(0.9, 0.9, -0.1, 0.6), r"w_a .*-0\.1"),
        (lambda: breakdown_share(1.5, 0.1, 0.1), r"p .*\[0, 1\].*1\.5"),
        (lambda: breakdown_share(0.0, 0.1, 0.1), r"p .*0\.0"),
        (lambda: continuous_time_share(0.0, 1.0), r"r_a .*> 0.*0\.0"),
        (lambda: period_length_share(1.0, 1.0, -1.0), r"period .*-1\.0"),
        (lambda: random_proposer_values([0.5, 0.6], 0.1), r"sum\(recognition\).*1\.1"),
        (lambda: random_proposer_values([0.5, 0.5], 0.0), r"breakdown .*0\.0"),
        (lambda: random_proposer_values([0.5, 0.5], 0.1, [0.7, 0.7]), r"disagreement"),
    ],
)
def test_invalid_inputs_name_argument_and_value(call, match: str) -> None:
    """Bad inputs raise ValueError naming the argument and the offending value."""
    with pytest.raises(ValueError, match=match):
        call()

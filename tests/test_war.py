"""Tests of negsim.war against theory.md section 4.

Expected values come from the papers or from hand derivations written out in the docstrings,
never from the code under test.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from negsim.war import (
    bargaining_range,
    bayes_update,
    contest_success,
    contest_success_difference,
    offer_payoff,
    optimal_offer,
    preventive_war,
    war_probability,
)

TOL = 1e-4
EXACT = 1e-12
unit = st.floats(min_value=0.0, max_value=1.0)
cost = st.floats(min_value=0.0, max_value=1.0)
pos_cost = st.floats(min_value=0.01, max_value=1.0)
discount = st.floats(min_value=0.05, max_value=0.99)


def expected_payoff_a(x: np.ndarray, p: float, c_a: float, cbar: float) -> np.ndarray:
    """A's expected payoff from demanding x when B's cost is uniform on [0, cbar] (Fearon 1995):
    B accepts iff c >= x - p, i.e. with probability clip(1 - (x - p)/cbar, 0, 1)."""
    accept = np.clip(1 - (x - p) / cbar, 0, 1)
    return accept * x + (1 - accept) * (p - c_a)


# --------------------------------------------------------------------------- worked numbers


def test_fearon_range() -> None:
    """Fearon (1995): p = 0.6, c_A = 0.1, c_B = 0.15 gives the range (0.50, 0.75)."""
    low, high = bargaining_range(0.6, 0.1, 0.15)
    assert low == pytest.approx(0.50, abs=TOL)
    assert high == pytest.approx(0.75, abs=TOL)


def test_fearon_range_clipped_to_feasible_shares() -> None:
    """Fearon (1995): with p = 0.95, c_B = 0.15, B would accept up to 1.1, but A's share cannot
    exceed 1; unclipped the range keeps its width c_A + c_B."""
    low, high = bargaining_range(0.95, 0.1, 0.15)
    assert (low, high) == (pytest.approx(0.85), 1.0)
    _, high_u = bargaining_range(0.95, 0.1, 0.15, clip=False)
    assert high_u == pytest.approx(1.1)


def test_bayes_one_win() -> None:
    """Slantchev (2003); Powell (2004): mu = 0.5, q_s = 0.7, q_w = 0.3 gives 0.7 after a win by
    B (0.35 / (0.35 + 0.15))."""
    assert bayes_update(0.5, 0.7, 0.3) == pytest.approx(0.7, abs=EXACT)


def test_bayes_two_wins() -> None:
    """Slantchev (2003); Powell (2004): two wins give 0.245 / (0.245 + 0.045) = 49/58 = 0.8448."""
    assert bayes_update(0.5, 0.7, 0.3, wins=2) == pytest.approx(0.8448, abs=TOL)
    assert bayes_update(0.5, 0.7, 0.3, wins=2) == pytest.approx(49 / 58, abs=EXACT)


def test_bayes_win_and_loss_cancel() -> None:
    """Filson & Werner (2002): with q_w = 1 - q_s a win and a loss have likelihood ratios
    q_s/q_w and q_w/q_s, which cancel: the prior 0.5 is restored."""
    assert bayes_update(0.5, 0.7, 0.3, wins=1, losses=1) == pytest.approx(0.5, abs=EXACT)


def test_bayes_revealing_battle() -> None:
    """Powell (2004): if a strong B never loses (q_s = 1), one loss reveals B as weak."""
    assert bayes_update(0.5, 1.0, 0.3, wins=0, losses=1) == 0.0
    assert bayes_update(0.5, 1.0, 0.3, wins=3, losses=0) == pytest.approx(1 / (1 + 0.027))


def test_bayes_long_campaign_no_underflow() -> None:
    """Slantchev (2003), principle of convergence: after 5000 wins by B the belief is 1, even
    though 0.7^5000 underflows a double."""
    assert bayes_update(0.5, 0.7, 0.3, wins=5000) == 1.0


def test_optimal_offer_by_hand() -> None:
    """Fearon (1995), risk-return trade-off: p = 0.5, c_A = 0.1, cbar = 0.3. dU/dx = 0 at
    x = p + (cbar - c_A)/2 = 0.6; B fights iff c < 0.1, probability 1/3 = (0.3 - 0.1)/0.6."""
    assert optimal_offer(0.5, 0.1, 0.3) == pytest.approx(0.6, abs=EXACT)
    assert war_probability(0.1, 0.3) == pytest.approx(1 / 3, abs=EXACT)


def test_optimal_offer_costly_war_buys_peace() -> None:
    """Fearon (1995): when c_A >= cbar, A demands p, which every type of B accepts."""
    assert optimal_offer(0.4, 0.5, 0.3) == pytest.approx(0.4, abs=EXACT)
    assert war_probability(0.5, 0.3) == 0.0


def test_optimal_offer_capped_at_one() -> None:
    """Fearon (1995) with the feasibility cap: p = 0.9, c_A = 0, cbar = 0.5. The interior
    optimum 1.15 is infeasible; the concave payoff peaks at x = 1, accepted iff c >= 0.1, so
    Pr(war) = 0.1/0.5 = 0.2."""
    assert optimal_offer(0.9, 0.0, 0.5) == 1.0
    assert war_probability(0.0, 0.5, p=0.9) == pytest.approx(0.2, abs=EXACT)
    assert war_probability(0.0, 0.5) == pytest.approx(0.5, abs=EXACT)


def test_contest_success_by_hand() -> None:
    """Tullock (1980); Hirshleifer (1989): C = (3, 1) gives 3/4 at m = 1, 9/10 at m = 2 and 1/2
    at m = 0 (fighting not decisive)."""
    np.testing.assert_allclose(contest_success(3.0, 1.0, [1.0, 2.0, 0.0]), [0.75, 0.9, 0.5])


def test_contest_success_zero_capabilities() -> None:
    """Hirshleifer (1989), boundary conventions (0^0 = 1): a side without capability loses to
    a positive one for m > 0; two empty sides, or m = 0, give 1/2."""
    np.testing.assert_array_equal(
        contest_success([0.0, 2.0, 0.0, 0.0], [1.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 0.0]),
        [0.0, 1.0, 0.5, 0.5],
    )


def test_contest_success_extreme_decisiveness() -> None:
    """Hirshleifer (1989): as m -> inf the stronger side wins for sure (no overflow)."""
    assert contest_success(1.01, 1.0, 1e6) == 1.0


def test_contest_success_difference_form() -> None:
    """Hirshleifer (1989), difference form 1/(1 + exp(k (C_B - C_A))): equal forces give 1/2;
    C_A - C_B = ln 3 with k = 1 gives 3/4."""
    assert contest_success_difference(2.0, 2.0, 5.0) == 0.5
    assert contest_success_difference(np.log(3.0), 0.0) == pytest.approx(0.75, abs=EXACT)


def test_preventive_war_by_hand() -> None:
    """Powell (2006): p_0 = 0.3, p_f = 0.9, c = 0.1 each, delta = 0.9. B's war value today is
    (0.7 - 0.1)/0.1 = 6; its best peaceful stream is 1 + 0.9 (1 - 0.9 + 0.1)/0.1 = 2.8 < 6, so B
    fights. Threshold (c_B + delta c_A + (1 - delta) p_0)/delta = 0.22/0.9."""
    out = preventive_war(0.3, 0.9, 0.1, 0.1, 0.9)
    assert bool(out.war) and bool(out.b_attacks) and not bool(out.a_attacks)
    assert out.threshold == pytest.approx(0.22 / 0.9, abs=EXACT)


def test_preventive_war_small_shift_is_peaceful() -> None:
    """Powell (2006): p_0 = 0.5 -> p_f = 0.55 with c = 0.1, delta = 0.9: B's war value
    (0.5 - 0.1)/0.1 = 4 is below 1 + 0.9 (0.45 + 0.1)/0.1 = 5.95, so peace holds."""
    out = preventive_war(0.5, 0.55, 0.1, 0.1, 0.9)
    assert not bool(out.war)


def test_preventive_war_threshold_tends_to_range_width() -> None:
    """Powell (2006): as delta -> 1 the critical shift tends to c_A + c_B, the width of the
    Fearon range."""
    out = preventive_war(0.3, 0.5, 0.05, 0.1, 1 - 1e-9)
    assert out.threshold == pytest.approx(0.15, abs=1e-6)


def test_preventive_war_rising_proposer_by_hand() -> None:
    """Powell (2006); Fearon (1995): if the rising A makes the offers it holds B to its future
    war value, so B fights iff M_B(0) > 1 + delta M_B(1). p_0 = 0.5, p_f = 0.55, c = 0.1,
    delta = 0.9: 4 > 1 + 0.9 * 3.5 = 4.15 fails (peace); p_f = 0.6: 4 > 1 + 0.9 * 3 = 3.7 (war)."""
    assert not bool(preventive_war(0.5, 0.55, 0.1, 0.1, 0.9, proposer="rising").war)
    assert bool(preventive_war(0.5, 0.6, 0.1, 0.1, 0.9, proposer="rising").war)


# --------------------------------------------------------------------------- derivations


@given(unit, unit, cost, cost, discount)
def test_preventive_war_matches_definitions(
    p0: float, pf: float, ca: float, cb: float, d: float
) -> None:
    """Powell (2006), from the definitions: war values M_i(t) = (share_i(p_t) - c_i)/(1 - d);
    with the declining side proposing, B fights iff M_B(0) > 1 + d (1/(1 - d) - M_A(1)) and A
    iff M_A(0) > 1 + d (1/(1 - d) - M_B(1)); with the rising side proposing the future
    continuation is the declining side's own war value M(1)."""
    ma0, ma1 = (p0 - ca) / (1 - d), (pf - ca) / (1 - d)
    mb0, mb1 = (1 - p0 - cb) / (1 - d), (1 - pf - cb) / (1 - d)
    margins = [mb0 - (1 + d * (1 / (1 - d) - ma1)), ma0 - (1 + d * (1 / (1 - d) - mb1))]
    margins_rising = [mb0 - (1 + d * mb1), ma0 - (1 + d * ma1)]
    assume(min(abs(m) for m in margins + margins_rising) > 1e-9)
    out = preventive_war(p0, pf, ca, cb, d)
    assert bool(out.b_attacks) == (margins[0] > 0)
    assert bool(out.a_attacks) == (margins[1] > 0)
    out_r = preventive_war(p0, pf, ca, cb, d, proposer="rising")
    assert bool(out_r.b_attacks) == (margins_rising[0] > 0)
    assert bool(out_r.a_attacks) == (margins_rising[1] > 0)


@given(unit, unit, cost, cost, discount, st.sampled_from(["declining", "rising"]))
def test_preventive_war_iff_shift_exceeds_threshold(
    p0: float, pf: float, ca: float, cb: float, d: float, proposer: str
) -> None:
    """Powell (2006): war iff |p_f - p_0| exceeds the reported threshold."""
    out = preventive_war(p0, pf, ca, cb, d, proposer=proposer)
    assume(abs(abs(pf - p0) - out.threshold) > 1e-9)
    assert bool(out.war) == (abs(pf - p0) > out.threshold)


@given(unit, unit, pos_cost, pos_cost, discount)
def test_rising_proposer_fights_more(p0: float, pf: float, ca: float, cb: float, d: float) -> None:
    """Powell (2006): the declining-proposer condition is the protocol-free one: whenever it
    gives war, the rising-proposer protocol does too."""
    if preventive_war(p0, pf, ca, cb, d).war:
        assert preventive_war(p0, pf, ca, cb, d, proposer="rising").war


@given(unit, cost, st.floats(0.01, 2.0))
def test_optimal_offer_maximises_expected_payoff(p: float, ca: float, cbar: float) -> None:
    """Fearon (1995): x* maximises A's expected payoff over all feasible demands (grid check
    with the payoff written out from the model in this test)."""
    grid = np.linspace(0.0, 1.0, 20001)
    x_star = optimal_offer(p, ca, cbar)
    best = expected_payoff_a(grid, p, ca, cbar).max()
    assert expected_payoff_a(np.array(x_star), p, ca, cbar) >= best - 1e-9
    assert offer_payoff(x_star, p, ca, cbar) == pytest.approx(
        float(expected_payoff_a(np.array(x_star), p, ca, cbar)), abs=EXACT
    )


@given(unit, cost, st.floats(0.01, 2.0))
def test_war_probability_is_rejection_probability(p: float, ca: float, cbar: float) -> None:
    """Fearon (1995): B fights iff its cost is below x* - p, so Pr(war) = (x* - p)/cbar."""
    x_star = optimal_offer(p, ca, cbar)
    assert war_probability(ca, cbar, p=p) == pytest.approx((x_star - p) / cbar, abs=1e-12)


@given(st.floats(0.0, 1.0), st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_bayes_sequential_equals_batch(mu: float, qs: float, qw: float) -> None:
    """Bayes' rule (Slantchev 2003): updating battle by battle equals updating on the counts."""
    step = bayes_update(bayes_update(bayes_update(mu, qs, qw, 1, 0), qs, qw, 0, 1), qs, qw, 1, 0)
    assert step == pytest.approx(bayes_update(mu, qs, qw, wins=2, losses=1), abs=1e-9)


@given(st.floats(0.01, 0.99), st.floats(0.01, 0.99), st.floats(0.01, 0.99))
def test_bayes_win_is_good_news(mu: float, qs: float, qw: float) -> None:
    """Powell (2004): if strong types win more often (q_s > q_w), a win by B raises the belief
    that B is strong and a loss lowers it."""
    assume(qs > qw)
    assert bayes_update(mu, qs, qw, 1, 0) >= mu - 1e-12
    assert bayes_update(mu, qs, qw, 0, 1) <= mu + 1e-12


# ------------------------------------------------------------------------- invariants (theory.md 8)


@given(unit, cost, cost)
def test_range_width_and_contains_p(p: float, ca: float, cb: float) -> None:
    """Fearon (1995): the range has width c_A + c_B and contains p (clipped: still contains p)."""
    low, high = bargaining_range(p, ca, cb, clip=False)
    assert high - low == pytest.approx(ca + cb, abs=1e-12)
    assert low <= p <= high
    low_c, high_c = bargaining_range(p, ca, cb)
    assert 0 <= low_c <= p <= high_c <= 1


@given(unit, cost, cost, st.floats(0.01, 2.0))
def test_war_probability_falls_in_own_cost(p: float, ca: float, cb: float, cbar: float) -> None:
    """Fearon (1995): Pr(war) falls (weakly) in c_A."""
    lo, hi = sorted((ca, cb))
    assert war_probability(hi, cbar) <= war_probability(lo, cbar) + 1e-12
    assert war_probability(hi, cbar, p=p) <= war_probability(lo, cbar, p=p) + 1e-12


@given(cost, st.floats(0.01, 2.0), st.floats(0.01, 2.0))
def test_war_probability_rises_in_cbar(ca: float, c1: float, c2: float) -> None:
    """Fearon (1995): Pr(war) rises (weakly) in cbar, B's uncertainty range."""
    lo, hi = sorted((c1, c2))
    assert war_probability(ca, hi) >= war_probability(ca, lo) - 1e-12


@given(unit, unit, cost, st.floats(0.01, 2.0))
def test_war_probability_independent_of_p(p1: float, p2: float, ca: float, cbar: float) -> None:
    """Fearon (1995): Pr(war) does not depend on p while the optimal demand is below 1."""
    assume(optimal_offer(p1, ca, cbar) < 1 and optimal_offer(p2, ca, cbar) < 1)
    assert war_probability(ca, cbar, p=p1) == pytest.approx(war_probability(ca, cbar, p=p2))


@given(unit, cost, cost, st.floats(0.01, 2.0))
def test_higher_cost_never_improves_own_terms(p: float, c1: float, c2: float, cbar: float) -> None:
    """Fearon (1995): a higher cost of fighting never improves an actor's terms: A's demand x*
    and A's reservation share p - c_A fall; B's reservation 1 - (p + c_B) falls."""
    lo, hi = sorted((c1, c2))
    assert optimal_offer(p, hi, cbar) <= optimal_offer(p, lo, cbar) + 1e-12
    assert bargaining_range(p, hi, 0.1)[0] <= bargaining_range(p, lo, 0.1)[0]
    assert bargaining_range(p, 0.1, hi)[1] >= bargaining_range(p, 0.1, lo)[1]


@given(unit, unit, unit, cost, cost, discount)
def test_war_only_against_the_declining_side(
    p0: float, pf: float, pf2: float, ca: float, cb: float, d: float
) -> None:
    """Powell (2006): war needs the declining side's future power to fall, and a larger shift
    against it never restores peace."""
    out = preventive_war(p0, pf, ca, cb, d)
    if out.b_attacks:
        assert pf > p0
        if pf2 >= pf:
            assert preventive_war(p0, pf2, ca, cb, d).b_attacks
    if out.a_attacks:
        assert pf < p0
        if pf2 <= pf:
            assert preventive_war(p0, pf2, ca, cb, d).a_attacks
    assert not preventive_war(p0, p0, ca, cb, d).war


@given(st.floats(0.0, 10.0), st.floats(0.0, 10.0), st.floats(0.0, 5.0))
def test_contest_success_complementary(a: float, b: float, m: float) -> None:
    """Hirshleifer (1989): the two sides' win probabilities sum to 1."""
    assert contest_success(a, b, m) + contest_success(b, a, m) == pytest.approx(1.0, abs=1e-12)


@given(st.floats(0.01, 10.0), st.floats(0.01, 10.0), st.floats(0.01, 5.0))
def test_contest_success_formula(a: float, b: float, m: float) -> None:
    """Tullock (1980): p = C_A^m / (C_A^m + C_B^m) for positive capabilities."""
    assert contest_success(a, b, m) == pytest.approx(a**m / (a**m + b**m), abs=1e-12)


@given(st.floats(0.0, 10.0), st.floats(0.0, 10.0), st.floats(0.0, 10.0), st.floats(0.01, 5.0))
def test_capability_lever_moves_p(a1: float, a2: float, b: float, m: float) -> None:
    """Hirshleifer (1989): more capability for A never lowers A's probability of victory."""
    lo, hi = sorted((a1, a2))
    assert contest_success(hi, b, m) >= contest_success(lo, b, m) - 1e-12


# --------------------------------------------------------------------------- vectorisation, errors


def test_broadcasts_over_run_axis() -> None:
    """Fearon (1995) and Powell (2006) over a run axis match the scalar calls."""
    low, high = bargaining_range(np.array([0.6, 0.3]), 0.1, 0.15)
    np.testing.assert_allclose(low, [0.5, 0.2])
    np.testing.assert_allclose(high, [0.75, 0.45])
    out = preventive_war(np.array([0.3, 0.5, 0.9]), np.array([0.9, 0.55, 0.2]), 0.1, 0.1, 0.9)
    assert out.war.shape == (3,)
    np.testing.assert_array_equal(out.war, [True, False, True])
    np.testing.assert_array_equal(out.a_attacks, [False, False, True])
    np.testing.assert_allclose(
        bayes_update(0.5, 0.7, 0.3, np.array([0, 1, 2])), [0.5, 0.7, 49 / 58]
    )


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: bargaining_range(1.2, 0.1, 0.1), r"p .*\[0, 1\].*1\.2"),
        (lambda: bargaining_range(0.5, -0.1, 0.1), r"c_a .*>= 0.*-0\.1"),
        (lambda: contest_success(-1.0, 1.0), r"cap_a .*-1\.0"),
        (lambda: contest_success(1.0, 1.0, -2.0), r"m .*-2\.0"),
        (lambda: bayes_update(0.5, 1.2, 0.3), r"q_s .*1\.2"),
        (lambda: bayes_update(0.5, 0.7, 0.3, wins=1.5), r"wins .*1\.5"),
        (lambda: bayes_update(0.5, 0.0, 0.0, wins=1), r"probability 0"),
        (lambda: optimal_offer(0.5, 0.1, 0.0), r"cbar .*> 0.*0\.0"),
        (lambda: war_probability(0.1, 0.3, p=-0.5), r"p .*-0\.5"),
        (lambda: preventive_war(0.5, 0.6, 0.1, 0.1, 1.0), r"delta .*1\.0"),
        (lambda: preventive_war(0.5, 0.6, 0.1, 0.1, 0.9, proposer="x"), r"proposer"),
    ],
)
def test_invalid_inputs_name_argument_and_value(call, match: str) -> None:
    """Bad inputs raise ValueError naming the argument and the offending value."""
    with pytest.raises(ValueError, match=match):
        call()

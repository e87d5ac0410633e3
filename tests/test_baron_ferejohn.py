"""Baron-Ferejohn stationary equilibrium against closed forms and hand derivations.

Expected numbers come from Baron & Ferejohn (1989), from the theory reference (theory.md s.3),
or from derivations written out in the test docstrings; none is produced by the code under
test. The equilibrium conditions are re-checked here by brute force over all coalitions.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from scipy.optimize import nnls

from negsim.baron_ferejohn import (
    MAX_ENUMERATED_MEMBERS,
    WeightedQuota,
    equal_recognition_values,
    stationary_values,
    unanimity_values,
)

# example budgets come from the profiles in conftest.py; solving takes milliseconds
PROPERTY = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])


def quota_rule(q):
    """A quota rule as a plain predicate on one coalition mask."""
    return lambda mask: int(np.sum(mask)) >= q


def assert_equilibrium(p, delta, wins, eq, tol=1e-9):
    """Check a stationary equilibrium of Baron & Ferejohn (1989) by enumerating coalitions.

    ``wins(mask)`` says whether a coalition (bool mask) wins. Checks: values sum to 1 and are
    non-negative; each proposer's inclusion row is a mixture of cheapest winning coalitions
    containing it (no proposer can buy a cheaper winning coalition); the stationary equations
    v_i = p_i (1 - d sum_j pi_ij v_j) + d v_i sum_k p_k pi_ki; shares and payments.
    """
    p = np.asarray(p, dtype=float)
    n = p.size
    v, pi = eq.values, eq.inclusion
    assert v.sum() == pytest.approx(1.0, abs=tol)
    assert v.min() >= -tol
    assert np.all(np.diag(pi) == 0.0)
    for k in range(n):
        others = [j for j in range(n) if j != k]
        partner_sets = []
        for size in range(n):
            for partners in itertools.combinations(others, size):
                mask = np.zeros(n, dtype=bool)
                mask[[k, *partners]] = True
                if wins(mask):
                    partner_sets.append(partners)
        costs = [sum(v[j] for j in s) for s in partner_sets]
        cheapest = min(costs)
        if p[k] > 0.0:
            # pi[k] must be a mixture of the cheapest partner sets
            best = [s for s, c in zip(partner_sets, costs, strict=True) if c <= cheapest + tol]
            columns = np.zeros((n + 1, len(best)))
            for c, s in enumerate(best):
                columns[list(s), c] = 1.0
            columns[n] = 1.0
            _, misfit = nnls(columns, np.append(pi[k], 1.0))
            assert misfit < 1e-7, f"proposer {k} mixes over coalitions that are not cheapest"
            assert eq.proposer_share[k] == pytest.approx(1.0 - delta * cheapest, abs=tol)
    reach = p @ pi
    expected = p * (1.0 - delta * (pi @ v)) + delta * v * reach
    np.testing.assert_allclose(v, expected, atol=tol)
    np.testing.assert_allclose(eq.payments, delta * pi * v[None, :], atol=tol)


# -- worked numbers and closed forms ---------------------------------------------------------


def test_five_members_majority_worked_numbers():
    """Baron & Ferejohn (1989), theory.md s.3: n = 5, d = 0.8, majority: the proposer keeps
    0.68 and buys two partners at 0.16 each."""
    for eq in (
        stationary_values(np.full(5, 0.2), 0.8, "majority"),
        equal_recognition_values(5, 0.8, "majority"),
    ):
        np.testing.assert_allclose(eq.proposer_share, 0.68, atol=1e-12)
        np.testing.assert_allclose(0.8 * eq.values, 0.16, atol=1e-12)  # the offer to a partner
        np.testing.assert_allclose(eq.inclusion.sum(axis=1), 2.0, atol=1e-12)
        np.testing.assert_allclose(eq.payments.sum(axis=1), 0.32, atol=1e-12)


def test_five_members_unanimity_worked_numbers():
    """Baron & Ferejohn (1989), theory.md s.3: n = 5, d = 0.8, unanimity: proposer 0.36."""
    for eq in (
        stationary_values(np.full(5, 0.2), 0.8, "unanimity"),
        equal_recognition_values(5, 0.8, "unanimity"),
        unanimity_values(np.full(5, 0.2), 0.8),
    ):
        np.testing.assert_allclose(eq.proposer_share, 0.36, atol=1e-12)
        np.testing.assert_allclose(eq.values, 0.2, atol=1e-12)


@pytest.mark.parametrize("n", [1, 3, 5, 7, 9, 15])
@pytest.mark.parametrize("delta", [0.0, 0.3, 0.8, 0.95, 1.0])
def test_majority_closed_form(n, delta):
    """Baron & Ferejohn (1989): equal recognition, odd n, majority: the proposer keeps
    1 - d (n - 1) / (2n) and every value is 1/n."""
    expected = 1.0 - delta * (n - 1) / (2 * n)
    for eq in (
        equal_recognition_values(n, delta, "majority"),
        stationary_values(np.full(n, 1.0 / n), delta, "majority"),
    ):
        np.testing.assert_allclose(eq.proposer_share, expected, atol=1e-10)
        np.testing.assert_allclose(eq.values, 1.0 / n, atol=1e-10)


@pytest.mark.parametrize("n", [1, 2, 4, 6, 8])
@pytest.mark.parametrize("delta", [0.0, 0.5, 0.9, 1.0])
def test_unanimity_closed_form(n, delta):
    """Baron & Ferejohn (1989): equal recognition, unanimity: the proposer keeps
    1 - d (n - 1) / n."""
    expected = 1.0 - delta * (n - 1) / n
    for eq in (
        equal_recognition_values(n, delta, "unanimity"),
        stationary_values(np.full(n, 1.0 / n), delta, n),
    ):
        np.testing.assert_allclose(eq.proposer_share, expected, atol=1e-10)


@pytest.mark.parametrize("q", range(1, 7))
def test_any_quota_closed_form(q):
    """Baron & Ferejohn (1989): equal recognition, quota q: the proposer keeps
    1 - (q - 1) d / n and each of its q - 1 partners gets d / n."""
    n, delta = 6, 0.9
    eq = stationary_values(np.full(n, 1.0 / n), delta, q)
    np.testing.assert_allclose(eq.proposer_share, 1.0 - (q - 1) * delta / n, atol=1e-10)
    np.testing.assert_allclose(eq.inclusion.sum(axis=1), q - 1, atol=1e-10)
    assert_equilibrium(np.full(n, 1.0 / n), delta, quota_rule(q), eq)


@pytest.mark.parametrize("delta", [0.0, 0.4, 0.9, 1.0])
def test_unanimity_unequal_recognition(delta):
    """Baron & Ferejohn (1989), theory.md s.3: under unanimity v_i = p_i for any p; proposer
    i keeps 1 - d (1 - p_i) and pays each j exactly d p_j (the d = 1 values are the limit)."""
    p = np.array([0.5, 0.25, 0.15, 0.1])
    for eq in (stationary_values(p, delta, "unanimity"), unanimity_values(p, delta)):
        np.testing.assert_allclose(eq.values, p, atol=1e-10)
        np.testing.assert_allclose(eq.proposer_share, 1.0 - delta * (1.0 - p), atol=1e-10)
        offdiag = ~np.eye(4, dtype=bool)
        np.testing.assert_allclose(
            eq.payments[offdiag], (delta * np.broadcast_to(p, (4, 4)))[offdiag], atol=1e-10
        )


# -- unequal recognition: hand derivations ---------------------------------------------------


def test_unequal_recognition_majority_three_members():
    """Baron & Ferejohn (1989) with p = (0.5, 0.3, 0.2), d = 0.9, majority (q = 2).

    Each proposer buys one partner, the cheaper. If v_3 < v_2 < v_1, proposers 1 and 2 buy 3
    and 3 buys 2: then v_3 (1 - 0.72) = 0.2 (1 - 0.9 v_2) and 0.82 v_2 = 0.3 (1 - 0.9 v_3)
    give v_3 = 0.61 > v_2, a contradiction; so v_2 = v_3 = a, with proposer 1 mixing (buying
    2 with probability m) and 2, 3 buying each other. Nobody buys 1, so
    v_1 = 0.5 (1 - 0.9 a); with v_1 + 2a = 1, a = 10/31 and v_1 = 11/31 > a, as assumed.
    Member 2: a = 0.3 (1 - 0.9 a) + 0.9 a (0.5 m + 0.2) gives m = 16/45 (member 3's equation
    agrees). Each proposer keeps 1 - 0.9 * 10/31 = 22/31. The values are not p.
    """
    p = np.array([0.5, 0.3, 0.2])
    eq = stationary_values(p, 0.9, "majority")
    np.testing.assert_allclose(eq.values, np.array([11, 10, 10]) / 31, atol=1e-10)
    np.testing.assert_allclose(eq.proposer_share, 22 / 31, atol=1e-10)
    np.testing.assert_allclose(
        eq.inclusion, [[0, 16 / 45, 29 / 45], [0, 0, 1], [0, 1, 0]], atol=1e-9
    )
    assert not np.allclose(eq.values, p, atol=1e-3)
    assert not np.allclose(eq.values / eq.values.sum(), p / p.sum(), atol=1e-3)
    assert_equilibrium(p, 0.9, quota_rule(2), eq)


def test_unequal_recognition_majority_strict_ordering():
    """Baron & Ferejohn (1989) with p = (0.45, 0.45, 0.1), d = 1/2, majority (q = 2).

    Guess v_3 < v_1 = v_2: proposers 1 and 2 buy 3; proposer 3 buys 1 or 2 with
    probability 1/2 each. Then v_3 (1 - 0.9 d) = 0.1 (1 - d v_1) and
    v_1 (1 - 0.05 d) = 0.45 (1 - d v_3): 0.55 v_3 = 0.1 - 0.05 v_1 and 39 v_1 = 18 - 9 v_3,
    so v_3 = 1/7 and v_1 = v_2 = 3/7 (sum 1, and v_3 < v_1 as guessed).
    """
    p = np.array([0.45, 0.45, 0.1])
    eq = stationary_values(p, 0.5, "majority")
    np.testing.assert_allclose(eq.values, np.array([3, 3, 1]) / 7, atol=1e-10)
    np.testing.assert_allclose(eq.inclusion[:2, 2], 1.0, atol=1e-10)
    np.testing.assert_allclose(eq.inclusion[2, :2], 0.5, atol=1e-10)
    assert_equilibrium(p, 0.5, quota_rule(2), eq)


def test_unequal_recognition_quota_four_of_five():
    """Baron & Ferejohn (1989) with p = (2, 1, 1, 1, 4) / 9, d = 0.9, q = 4 of 5.

    Guess v_0 = ... = v_3 = a < v_4 = b: members 0-3 buy the other three a's, member 4 buys
    3 of the four (member 0 with probability m0, the others m1). Nobody buys 4, so
    b = (4/9)(1 - 2.7 a); with 4a + b = 1, a = 25/126, b = 13/63 > a, and every proposer
    keeps 1 - 2.7 a = 13/28. Member i needs x_i = (a - p_i 13/28) / (0.9 a): x_0 = 8/15 =
    1/3 + (4/9) m0, so m0 = 9/20; x_1 = 37/45 = 4/9 + (4/9) m1, so m1 = 17/20 (and
    m0 + 3 m1 = 3). Under unanimity member 4 would keep 1 - 0.9 (1 - 4/9) = 1/2 > 13/28:
    with unequal p a member's share can rise with q (theory.md s.8 states the fall for
    equal p).
    """
    p = np.array([2, 1, 1, 1, 4]) / 9
    eq = stationary_values(p, 0.9, 4)
    np.testing.assert_allclose(eq.values, [25 / 126] * 4 + [13 / 63], atol=1e-10)
    np.testing.assert_allclose(eq.proposer_share, 13 / 28, atol=1e-10)
    np.testing.assert_allclose(eq.inclusion[4], [9 / 20, 17 / 20, 17 / 20, 17 / 20, 0], atol=1e-9)
    assert_equilibrium(p, 0.9, quota_rule(4), eq)
    assert stationary_values(p, 0.9, 5).proposer_share[4] == pytest.approx(0.5, abs=1e-10)


def test_weighted_quota_game():
    """Baron & Ferejohn (1989) on the weighted game [5; 3, 2, 2, 1], equal p, d = 0.9.

    Minimal winning coalitions: AB, AC, BCD. A buys B or C (a half each), B and C buy A
    (cost a < b + d), D buys B and C (2b < a + b). With p = 1/4:
    a (1 - d/2) = (1 - d b)/4, b (1 - 3d/8) = (1 - d a)/4, dd = (1 - 2 d b)/4 (nobody buys
    D). At d = 9/10: a = (10 - 9b)/22 and 53 b = 20 - 18 a, so b = 65/251, a = 175/502,
    dd = 67/502; the guesses hold (175 < 130 + 67 and 260 < 175 + 130).
    """
    rule = WeightedQuota((3, 2, 2, 1), 5)
    eq = stationary_values(np.full(4, 0.25), 0.9, rule)
    np.testing.assert_allclose(eq.values, np.array([175, 130, 130, 67]) / 502, atol=1e-10)
    np.testing.assert_allclose(eq.inclusion[0], [0, 0.5, 0.5, 0], atol=1e-9)
    assert_equilibrium(np.full(4, 0.25), 0.9, lambda m: rule.is_winning(m[None, :])[0], eq)


def test_weighted_quota_unequal_recognition():
    """Baron & Ferejohn (1989) on [5; 3, 2, 2, 1] with unequal p: an equilibrium by the
    brute-force check."""
    rule = WeightedQuota((3, 2, 2, 1), 5)
    p = np.array([0.1, 0.2, 0.3, 0.4])
    eq = stationary_values(p, 0.9, rule)
    assert_equilibrium(p, 0.9, lambda m: rule.is_winning(m[None, :])[0], eq)


@pytest.mark.parametrize(("delta", "expected"), [(0.5, [3 / 7, 2 / 7, 2 / 7]), (1.0, [1, 0, 0])])
def test_veto_player(delta, expected):
    """Baron & Ferejohn (1989) on [3; 2, 1, 1] (A is a veto player), equal p.

    A buys B or C (a half each); B and C must buy A. With p = 1/3:
    a (3 - 2d) = 1 - d b and b (6 - d) = 2 (1 - d a). At d = 1/2: a = 3/7, b = c = 2/7.
    As d -> 1: a = 1 - b and 5b = 2b, so b = 0, a = 1 (the limit returned at d = 1, where
    the equations alone leave the split undetermined).
    """
    eq = stationary_values(np.full(3, 1 / 3), delta, WeightedQuota((2, 1, 1), 3))
    np.testing.assert_allclose(eq.values, expected, atol=1e-10)


def test_zero_discount_keeps_everything():
    """Baron & Ferejohn (1989) at d = 0: partners accept 0, so v = p and proposers keep 1."""
    p = np.array([0.6, 0.3, 0.1])
    eq = stationary_values(p, 0.0, "majority")
    np.testing.assert_allclose(eq.values, p)
    np.testing.assert_allclose(eq.proposer_share, 1.0)


def test_large_quota_assembly():
    """Baron & Ferejohn (1989) with 27 members, unequal p, majority: the cheapest q - 1
    partners are the lowest values, so check the equilibrium by sorting."""
    p = np.random.default_rng(1).dirichlet(np.ones(27))
    delta, q = 0.9, 14
    eq = stationary_values(p, delta, "majority")
    v, pi = eq.values, eq.inclusion
    assert v.sum() == pytest.approx(1.0, abs=1e-10)
    np.testing.assert_allclose(pi.sum(axis=1), q - 1, atol=1e-9)
    for k in range(27):
        cheapest = np.sort(np.delete(v, k))[: q - 1].sum()
        assert pi[k] @ v == pytest.approx(cheapest, abs=1e-10)
    np.testing.assert_allclose(v, p * (1 - delta * (pi @ v)) + delta * v * (p @ pi), atol=1e-10)


# -- voting-rule interfaces ------------------------------------------------------------------


class Seats:
    """A duck-typed voting game, like negsim.power.VotingGame: q of n votes win."""

    def __init__(self, q):
        self.q = q

    def is_winning(self, masks):
        return np.asarray(masks).sum(axis=1) >= self.q


@pytest.mark.parametrize("q", [2, 3, 4])
def test_duck_typed_game_matches_quota(q):
    """Baron & Ferejohn (1989): an is_winning object, a per-mask callable and equal weights
    give the same values as the quota rule."""
    p = np.array([0.35, 0.25, 0.2, 0.12, 0.08])
    expected = stationary_values(p, 0.85, q).values
    for rule in (Seats(q), quota_rule(q), WeightedQuota((1, 1, 1, 1, 1), q)):
        eq = stationary_values(p, 0.85, rule)
        np.testing.assert_allclose(eq.values, expected, atol=1e-10)
        assert_equilibrium(p, 0.85, quota_rule(q), eq)


def test_results_are_read_only():
    """Results of Baron & Ferejohn (1989) solutions cannot be changed in place."""
    eq = stationary_values([0.5, 0.3, 0.2], 0.9)
    with pytest.raises(ValueError, match="read-only"):
        eq.values[0] = 1.0


# -- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p", "delta", "rule", "match"),
    [
        ([0.5, 0.4], 0.9, "majority", r"p: .*sum"),
        ([0.5, -0.1, 0.6], 0.9, "majority", r"p: .*non-negative.*-0\.1"),
        ([[0.5, 0.5]], 0.9, "majority", r"p: .*1-d"),
        ([], 0.9, "majority", r"p: "),
        ([0.5, float("nan"), 0.5], 0.9, "majority", r"p: .*nan"),
        ([0.5, 0.5], 1.5, "majority", r"delta: .*1\.5"),
        ([0.5, 0.5], -0.1, "majority", r"delta: .*-0\.1"),
        ([0.5, 0.5], float("nan"), "majority", r"delta: .*nan"),
        ([0.5, 0.5], "high", "majority", r"delta: .*'high'"),
        ([0.5, 0.5], 0.9, 3, r"rule: .*1\.\.2.*3"),
        ([0.5, 0.5], 0.9, 0, r"rule: .*got 0"),
        ([0.5, 0.5], 0.9, "plurality", r"rule: .*'plurality'"),
        ([0.5, 0.5], 0.9, True, r"rule: .*True"),
        ([0.5, 0.5], 0.9, WeightedQuota((1, 1, 1), 2), r"rule: .*length 3"),
        ([0.5, 0.5], 0.9, lambda m: bool(m[0] and not m[1]), r"rule: .*\[1\].*no winning"),
    ],
)
def test_invalid_arguments(p, delta, rule, match):
    """Invalid inputs to the Baron & Ferejohn (1989) solver name the argument and value."""
    with pytest.raises(ValueError, match=match):
        stationary_values(p, delta, rule)


def test_invalid_closed_form_arguments():
    """The Baron & Ferejohn (1989) closed forms validate n, delta and q."""
    with pytest.raises(ValueError, match=r"n: .*0"):
        equal_recognition_values(0, 0.5, 1)
    with pytest.raises(ValueError, match=r"q: .*1\.\.4.*5"):
        equal_recognition_values(4, 0.5, 5)
    with pytest.raises(ValueError, match=r"delta: .*2"):
        unanimity_values([0.5, 0.5], 2)
    with pytest.raises(ValueError, match=r"weights: "):
        WeightedQuota((1, -1), 1)
    with pytest.raises(ValueError, match=r"quota: .*0"):
        WeightedQuota((1, 1), 0)


def test_enumeration_limit():
    """Weighted rules (Baron & Ferejohn 1989 with general voting rules) enumerate 2**n
    coalitions, so too large an assembly is refused with the limit named."""
    n = MAX_ENUMERATED_MEMBERS + 1
    with pytest.raises(ValueError, match=rf"n <= {MAX_ENUMERATED_MEMBERS}; got n={n}"):
        stationary_values(np.full(n, 1 / n), 0.9, WeightedQuota([1] * n, n // 2 + 1))


# -- properties (theory.md s.8) --------------------------------------------------------------


@st.composite
def games(draw, min_n=1, max_n=6, positive=True):
    """Recognition probabilities from small integer weights, a quota and a discount."""
    n = draw(st.integers(min_n, max_n))
    weights = draw(st.lists(st.integers(1 if positive else 0, 6), min_size=n, max_size=n))
    weights[draw(st.integers(0, n - 1))] += 1  # at least one positive weight
    p = np.array(weights, dtype=float) / sum(weights)
    q = draw(st.integers(1, n))
    delta = draw(st.one_of(st.floats(0.0, 1.0), st.sampled_from([0.0, 0.9, 0.99, 1.0])))
    return p, q, delta


@PROPERTY
@given(games(positive=False))
def test_values_sum_to_one_and_are_non_negative(game):
    """Baron & Ferejohn (1989): agreement is immediate, so the values divide the whole pie."""
    p, q, delta = game
    eq = stationary_values(p, delta, q)
    assert eq.values.sum() == pytest.approx(1.0, abs=1e-10)
    assert eq.values.min() >= 0.0
    assert eq.residual <= 1e-10


@PROPERTY
@given(st.integers(1, 7), st.data(), st.floats(0.0, 1.0))
def test_equal_recognition_gives_equal_values(n, data, delta):
    """Baron & Ferejohn (1989): with equal recognition every member's value is 1/n."""
    q = data.draw(st.integers(1, n))
    eq = stationary_values(np.full(n, 1.0 / n), delta, q)
    np.testing.assert_allclose(eq.values, 1.0 / n, atol=1e-10)


@PROPERTY
@given(games(min_n=2))
def test_symmetric_members_get_equal_values(game):
    """Baron & Ferejohn (1989), theory.md s.8: members with equal recognition probabilities
    under a quota rule get equal values (values are unique, Eraslan 2002)."""
    p, q, delta = game
    p = np.append(p, p[0])
    p /= p.sum()
    eq = stationary_values(p, delta, q)
    assert eq.values[0] == pytest.approx(eq.values[-1], abs=1e-9)


@PROPERTY
@given(games(min_n=2), st.randoms(use_true_random=False))
def test_relabelling_permutes_values(game, rnd):
    """Baron & Ferejohn (1989), theory.md s.8: permuting the members permutes the values."""
    p, q, delta = game
    perm = np.array(rnd.sample(range(p.size), p.size))
    eq = stationary_values(p, delta, q)
    permuted = stationary_values(p[perm], delta, q)
    np.testing.assert_allclose(permuted.values, eq.values[perm], atol=1e-9)


@PROPERTY
@given(st.integers(2, 7), st.data(), st.floats(0.0, 1.0), st.floats(0.0, 1.0))
def test_proposer_share_falls_in_delta(n, data, d1, d2):
    """Baron & Ferejohn (1989), theory.md s.8: with equal recognition a more patient assembly
    makes votes dearer, so the proposer keeps less (unequal p: see the test below)."""
    q = data.draw(st.integers(1, n))
    lo, hi = sorted((d1, d2))
    share_lo = stationary_values(np.full(n, 1 / n), lo, q).proposer_share
    share_hi = stationary_values(np.full(n, 1 / n), hi, q).proposer_share
    assert np.all(share_hi <= share_lo + 1e-10)


@PROPERTY
@given(st.integers(2, 7), st.data(), st.floats(0.0, 1.0))
def test_proposer_share_falls_in_quota(n, data, delta):
    """Baron & Ferejohn (1989), theory.md s.8: with equal recognition, needing more votes
    leaves the proposer less."""
    q = data.draw(st.integers(1, n - 1))
    share = stationary_values(np.full(n, 1 / n), delta, q).proposer_share
    share_more = stationary_values(np.full(n, 1 / n), delta, q + 1).proposer_share
    assert np.all(share_more <= share + 1e-10)


@PROPERTY
@given(st.integers(0, 4), st.floats(0.0, 1.0), st.sampled_from(["majority", "unanimity"]))
def test_proposer_share_falls_in_assembly_size(half, delta, rule):
    """Baron & Ferejohn (1989), theory.md s.8: under majority or unanimity a larger assembly
    leaves the proposer less (equal recognition; odd sizes, so q = (n + 1) / 2)."""
    n, m = 2 * half + 1, 2 * half + 3
    share = stationary_values(np.full(n, 1 / n), delta, rule).proposer_share[0]
    share_more = stationary_values(np.full(m, 1 / m), delta, rule).proposer_share[0]
    assert share_more <= share + 1e-10


@PROPERTY
@given(games(min_n=2, max_n=5, positive=False), st.data())
def test_weighted_games_reach_equilibrium(game, data):
    """Baron & Ferejohn (1989) with weighted voting (Eraslan & McLennan 2013): the returned
    point passes the brute-force equilibrium check."""
    p, _, delta = game
    weights = data.draw(st.lists(st.integers(0, 5), min_size=p.size, max_size=p.size))
    weights[int(np.argmax(p))] += 1
    quota = data.draw(st.integers(1, sum(weights)))
    rule = WeightedQuota(weights, quota)
    eq = stationary_values(p, delta, rule)
    assert_equilibrium(p, delta, lambda m: rule.is_winning(m[None, :])[0], eq)


@PROPERTY
@given(games(min_n=2, max_n=6, positive=False))
def test_quota_matches_enumeration(game):
    """Baron & Ferejohn (1989): the sorting solver for quota rules and the coalition
    enumeration for general rules agree."""
    p, q, delta = game
    fast = stationary_values(p, delta, q)
    enumerated = stationary_values(p, delta, Seats(q))
    np.testing.assert_allclose(fast.values, enumerated.values, atol=1e-9)
    assert_equilibrium(p, delta, quota_rule(q), fast)

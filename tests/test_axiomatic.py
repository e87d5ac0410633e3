"""Tests of the axiomatic bargaining solutions (negsim.axiomatic).

Expected numbers come from reference/theory.md, section 1, or are derived by hand in the test's
docstring; the properties are those of section 8. Sources: Nash (1950), "The bargaining
problem", Econometrica 18; Harsanyi & Selten (1972), Management Science 18; Roth (1979),
Axiomatic Models of Bargaining; Kalai & Smorodinsky (1975), Econometrica 43; Kalai (1977),
Econometrica 45.

The fast, vectorised spatial solvers are checked against a slow reference defined here: per
run, linear programs (``scipy.optimize.linprog``) for the max-min problems with risk-neutral
utilities, and SLSQP (``scipy.optimize.minimize``) from several starts otherwise.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import optimize

from negsim.axiomatic import (
    BargainingProblem,
    egalitarian,
    egalitarian_outcome,
    ideal_point,
    kalai_smorodinsky,
    kalai_smorodinsky_outcome,
    nash,
    nash_outcome,
    proportional_outcome,
)
from negsim.utility import issue_weights, utility

# example budgets scale with the hypothesis profile chosen in conftest.py (dev: 20 and 8)
_BUDGET = settings.default.max_examples
FAST = settings(max_examples=max(10, _BUDGET * 2 // 5), deadline=None)
SLOW = settings(max_examples=max(4, _BUDGET // 6), deadline=None)

# =============================================================================================
# Slow reference: one run at a time, in normalised units (every scale is [0, 1])


def ref_utilities(z, q, w, r):
    """u_j(z) = sum_k w_jk (1 - |z_k - q_jk|^r_j) for one run."""
    return (w * (1.0 - np.abs(z[None, :] - q) ** r[:, None])).sum(axis=1)


def ref_level_lp(q, w, lower, c):
    """Risk-neutral utilities: max t s.t. u_j(z) >= lower_j + t c_j, as one linear program.

    Variables z (K), e (n K) with e_jk >= |z_k - q_jk|, and t.
    """
    n, K = q.shape
    nv = K + n * K + 1
    A, b = [], []
    for j in range(n):
        for k in range(K):
            col = K + j * K + k
            for sign in (1.0, -1.0):  # sign (z_k - q_jk) <= e_jk
                row = np.zeros(nv)
                row[k], row[col] = sign, -1.0
                A.append(row)
                b.append(sign * q[j, k])
        row = np.zeros(nv)
        row[K + j * K : K + (j + 1) * K] = w[j]
        row[-1] = c[j]
        A.append(row)
        b.append(w[j].sum() - lower[j])
    cost = np.zeros(nv)
    cost[-1] = -1.0
    bounds = [(0.0, 1.0)] * K + [(0.0, None)] * (n * K) + [(None, None)]
    res = optimize.linprog(cost, A_ub=np.array(A), b_ub=np.array(b), bounds=bounds, method="highs")
    assert res.status == 0, res.message
    return res.x[-1], res.x[:K]


def _safe_log(v):
    return np.log(np.maximum(v, 1e-300))


def ref_maxmin(q, w, r, lower, c, z0):
    """SLSQP from ``z0``: max t s.t. u_j(z) >= lower_j + t c_j (smooth when every r_j > 1).

    Returns (t, z)."""
    K = q.shape[1]

    def slack(x):
        return ref_utilities(x[:K], q, w, r) - lower - x[-1] * c

    x0 = np.append(z0, ((ref_utilities(z0, q, w, r) - lower) / np.where(c > 0, c, 1.0)).min())
    res = optimize.minimize(
        lambda x: -x[-1],
        x0,
        method="SLSQP",
        bounds=[(0.0, 1.0)] * K + [(None, None)],
        constraints=[{"type": "ineq", "fun": slack}],
        options={"ftol": 1e-14, "maxiter": 500},
    )
    return res.x[-1], np.clip(res.x[:K], 0.0, 1.0)


def ref_nash(q, w, r, d, tau, starts=3, seed=0):
    """Best ``sum_j tau_j log(u_j - d_j)`` found by SLSQP from several strictly feasible starts.

    With risk-neutral utilities the problem is solved in (z, e) with e_jk >= |z_k - q_jk|, where
    it is smooth with linear constraints; otherwise in z (smooth when every r_j > 1).
    """
    n, K = q.shape
    if np.all(r == 1.0):
        t, z0 = ref_level_lp(q, w, d, np.ones(n))
        if t <= 1e-9:
            return -np.inf
        x0 = np.concatenate([z0, np.abs(z0[None, :] - q).ravel()])

        def minus(x):
            v = (w * (1.0 - x[K:].reshape(n, K))).sum(1) - d
            return -np.sum(tau * _safe_log(v))

        def above(x):  # e_jk - (z_k - q_jk) >= 0
            return (x[K:].reshape(n, K) - (x[None, :K] - q)).ravel()

        def below(x):  # e_jk + (z_k - q_jk) >= 0
            return (x[K:].reshape(n, K) + (x[None, :K] - q)).ravel()

        res = optimize.minimize(
            minus,
            x0,
            method="SLSQP",
            constraints=[{"type": "ineq", "fun": above}, {"type": "ineq", "fun": below}],
            bounds=[(0.0, 1.0)] * (K + n * K),
            options={"ftol": 1e-15, "maxiter": 2000},
        )
        z = np.clip(res.x[:K], 0.0, 1.0)
        v = ref_utilities(z, q, w, r) - d
        return np.sum(tau * np.log(v)) if np.all(v > 0.0) else -np.inf
    rng = np.random.default_rng(seed)
    best = -np.inf

    def minus_z(z):
        return -np.sum(tau * _safe_log(ref_utilities(z, q, w, r) - d))

    def strictly_ir(z):
        return ref_utilities(z, q, w, r) - d - 1e-14

    for s in range(starts):
        t, z0 = ref_maxmin(q, w, r, d, np.ones(n), np.full(K, 0.5) if s == 0 else rng.random(K))
        if t <= 1e-9:
            continue
        res = optimize.minimize(
            minus_z,
            z0,
            method="SLSQP",
            bounds=[(0.0, 1.0)] * K,
            constraints=[{"type": "ineq", "fun": strictly_ir}],
            options={"ftol": 1e-15, "maxiter": 1000},
        )
        v = ref_utilities(np.clip(res.x, 0.0, 1.0), q, w, r) - d
        if np.all(v > 0.0):
            best = max(best, float(np.sum(tau * np.log(v))))
    return best


def ref_ideal_lp(q, w, d):
    """Risk-neutral ideal point: a_i = max u_i s.t. u_j >= d_j for every j (one LP each)."""
    n = q.shape[0]
    return np.array(
        [ref_level_lp(q, w, np.where(np.arange(n) == i, 0.0, d), np.eye(n)[i])[0] for i in range(n)]
    )


# =============================================================================================
# Random spatial problems (normalised scales [0, 1])


def spatial_case(seed, n, K, R=1, risk="neutral", at_ends=0.3, d_scale=(0.3, 0.9)):
    """A batch of random problems: positions (some at the ends), weights, risk, d, sq, tau."""
    rng = np.random.default_rng(seed)
    pos = rng.random((R, n, K))
    ends = rng.random((R, n, K)) < at_ends
    pos = np.where(ends, np.round(pos), pos)
    w = issue_weights(rng.random((R, n, K)) + 0.05)
    r = np.ones((R, n)) if risk == "neutral" else rng.uniform(1.0, 3.0, (R, n))
    lo, hi = np.zeros(K), np.ones(K)
    sq = rng.random((R, K))
    d = utility(sq, pos, w, r, lo, hi) * rng.uniform(*d_scale, (R, 1))
    tau = rng.dirichlet(np.ones(n), R)
    return dict(position=pos, weight=w, risk=r, lo=lo, hi=hi, disagreement=d, status_quo=sq), tau


def nash_value(sol, d, tau):
    return (tau * np.log(sol.utility - d)).sum(axis=1)


cases = st.builds(
    lambda seed, n, K: (seed, n, K),
    st.integers(0, 2**32 - 1),
    st.integers(2, 4),
    st.integers(1, 3),
)


# =============================================================================================
# Abstract problems: worked numbers (theory.md, section 1)

PIE = BargainingProblem.from_points([[1.0, 0.0], [0.0, 1.0]], [0.4, 0.0])
PARABOLA = BargainingProblem.from_frontier(lambda u1: 2.0 * (1.0 - u1**2), 1.0)


def test_nash_splits_a_pie_with_outside_option():
    """Split of 1 with d = (0.4, 0): Nash gives (0.7, 0.3) (theory.md, section 1)."""
    np.testing.assert_allclose(nash(PIE), [0.7, 0.3], atol=1e-12)


def test_generalised_nash_splits_a_pie_by_power():
    """With tau_1 = 0.7, player 1 gets 0.4 + 0.7 (1 - 0.4) = 0.82 (Harsanyi-Selten; theory.md)."""
    np.testing.assert_allclose(nash(PIE, weights=[0.7, 0.3]), [0.82, 0.18], atol=1e-12)


def test_generalised_nash_pie_closed_form_with_more_players():
    """Pie of size 1: u_i = d_i + tau_i (1 - sum_j d_j) for 3 and 4 players (theory.md)."""
    for d, tau in (
        ([0.1, 0.2, 0.05], [0.5, 0.3, 0.2]),
        ([0.1, 0.2, 0.05, 0.0], [0.4, 0.3, 0.2, 0.1]),
    ):
        d, tau = np.array(d), np.array(tau)
        u = nash(BargainingProblem.from_points(np.eye(d.size), d), weights=tau)
        np.testing.assert_allclose(u, d + tau * (1.0 - d.sum()), atol=1e-9)


def test_ks_and_egalitarian_split_a_pie_equally_above_d():
    """On the pie a = (1, 0.6); KS and egalitarian both give (0.7, 0.3) (by hand)."""
    np.testing.assert_allclose(ideal_point(PIE), [1.0, 0.6], atol=1e-12)
    np.testing.assert_allclose(kalai_smorodinsky(PIE), [0.7, 0.3], atol=1e-12)
    np.testing.assert_allclose(egalitarian(PIE), [0.7, 0.3], atol=1e-12)


def test_nash_on_parabolic_frontier():
    """u2 = 2 (1 - u1^2), d = 0: Nash u1 = 1/sqrt(3), u2 = 4/3 (theory.md)."""
    np.testing.assert_allclose(nash(PARABOLA), [1.0 / np.sqrt(3.0), 4.0 / 3.0], atol=1e-9)


def test_ks_on_parabolic_frontier():
    """u2 = 2 (1 - u1^2), d = 0: a = (1, 2), KS u1 = (sqrt(5) - 1) / 2 (theory.md)."""
    u = kalai_smorodinsky(PARABOLA)
    np.testing.assert_allclose(u[0], (np.sqrt(5.0) - 1.0) / 2.0, atol=1e-12)
    np.testing.assert_allclose(u[1], 2.0 * u[0], atol=1e-12)


def test_egalitarian_on_parabolic_frontier():
    """u2 = 2 (1 - u1^2), d = 0: egalitarian u1 = u2 = (sqrt(17) - 1) / 4 (theory.md)."""
    np.testing.assert_allclose(egalitarian(PARABOLA), [(np.sqrt(17.0) - 1.0) / 4.0] * 2, atol=1e-12)


def test_linear_additive_frontier_as_points():
    """Utilities of the four all-or-nothing outcomes of two issues, a1 = (.5, .5), a2 = (.4, .6):
    the Nash point is x = (1, 0), u = (0.5, 0.6) (theory.md, logrolling)."""
    corners = np.array([[x1, x2] for x1 in (0, 1) for x2 in (0, 1)], dtype=float)
    points = np.column_stack([corners @ [0.5, 0.5], (1.0 - corners) @ [0.4, 0.6]])
    np.testing.assert_allclose(
        nash(BargainingProblem.from_points(points, [0.0, 0.0])), [0.5, 0.6], atol=1e-12
    )


def test_problem_rejects_a_disagreement_point_outside_s():
    """d must lie in S, and exactly one representation of S must be given."""
    with pytest.raises(ValueError, match="not in S"):
        BargainingProblem.from_points([[1.0, 0.0], [0.0, 1.0]], [0.6, 0.6])
    with pytest.raises(ValueError, match="not in S"):
        BargainingProblem.from_frontier(lambda u1: 1.0 - u1, 1.0, [0.5, 0.6])
    with pytest.raises(ValueError, match="exactly one"):
        BargainingProblem(disagreement=(0.0, 0.0))


def test_nash_of_an_inessential_problem_is_refused():
    """No point of S beats d for everyone: the Nash product is 0 on S and Nash is undefined."""
    with pytest.raises(ValueError, match="strictly more"):
        nash(BargainingProblem.from_points([[1.0, 0.0], [0.0, 1.0]], [1.0, 0.0]))


# =============================================================================================
# Abstract problems: invariants (theory.md, section 8)


@st.composite
def point_sets(draw, n=None):
    """Point sets in [0, 1]^n with d = half the centroid (inside S and essential)."""
    n = draw(st.integers(2, 3)) if n is None else n
    m = draw(st.integers(2, 7))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    P = rng.random((m, n))
    return P, 0.5 * P.mean(axis=0)


def _dominated(P, u, tol=1e-9):
    """Does some convex combination of the points (of 4000 random ones) beat u for everyone?"""
    rng = np.random.default_rng(0)
    lam = rng.dirichlet(np.full(P.shape[0], 0.3), 4000)
    return bool(np.any(np.all(lam @ P > u + tol, axis=1)))


@FAST
@given(point_sets())
def test_abstract_solutions_are_individually_rational_and_pareto(case):
    """Nash and KS are Pareto optimal; all three give u >= d; egalitarian is weakly Pareto."""
    P, d = case
    prob = BargainingProblem.from_points(P, d)
    for rule in (nash, kalai_smorodinsky, egalitarian):
        u = rule(prob)
        assert np.all(u >= d - 1e-9)
        assert not _dominated(P, u)


@FAST
@given(
    point_sets(),
    st.lists(st.floats(0.2, 5.0), min_size=3, max_size=3),
    st.lists(st.floats(-1.0, 1.0), min_size=3, max_size=3),
)
def test_nash_and_ks_are_covariant_under_affine_rescaling(case, scale, shift):
    """Rescaling u_i -> a_i u_i + b_i rescales the Nash and KS solutions the same way."""
    P, d = case
    a, b = np.array(scale[: d.size]), np.array(shift[: d.size])
    base, moved = (
        BargainingProblem.from_points(P, d),
        BargainingProblem.from_points(P * a + b, d * a + b),
    )
    for rule in (nash, kalai_smorodinsky):
        np.testing.assert_allclose(rule(moved), rule(base) * a + b, atol=1e-7)


@FAST
@given(point_sets(), st.integers(0, 2**32 - 1))
def test_nash_is_independent_of_irrelevant_alternatives(case, seed):
    """Dropping alternatives other than the Nash point leaves the Nash point unchanged."""
    P, d = case
    u = nash(BargainingProblem.from_points(P, d))
    keep = np.random.default_rng(seed).random(P.shape[0]) < 0.5
    smaller = np.vstack([P[keep], u[None, :]])
    np.testing.assert_allclose(nash(BargainingProblem.from_points(smaller, d)), u, atol=1e-7)


@FAST
@given(point_sets(n=2))
def test_symmetric_problems_give_symmetric_solutions(case):
    """S closed under swapping the players and d1 = d2: every solution gives u1 = u2."""
    P, d = case
    sym = BargainingProblem.from_points(np.vstack([P, P[:, ::-1]]), [d.min(), d.min()])
    for rule in (nash, kalai_smorodinsky, egalitarian):
        u = rule(sym)
        assert abs(u[0] - u[1]) < 1e-8


@FAST
@given(point_sets(n=2), st.floats(0.05, 0.95), st.floats(0.0, 0.9))
def test_nash_share_rises_with_power_and_disagreement_value(case, tau1, push):
    """x_1 rises with tau_1 and with d_1 (theory.md, section 8)."""
    P, d = case
    prob = BargainingProblem.from_points(P, d)
    base = nash(prob, weights=[tau1, 1.0 - tau1])
    more = nash(prob, weights=[min(tau1 + 0.04, 0.99), 1.0 - min(tau1 + 0.04, 0.99)])
    assert more[0] >= base[0] - 1e-9
    d_up = d.copy()
    d_up[0] += push * (base[0] - d[0])  # stays below what player 1 gets, so inside S
    assert (
        nash(BargainingProblem.from_points(P, d_up), weights=[tau1, 1.0 - tau1])[0]
        >= base[0] - 1e-9
    )


@FAST
@given(point_sets(n=2), st.integers(0, 2**32 - 1))
def test_ks_is_individually_monotone(case, seed):
    """T contains S with the same ideal for player 2: player 1 gets no less under KS (Kalai &
    Smorodinsky 1975). With d = 0 and points >= 0, adding points with u2 <= a2 keeps a2."""
    P, _ = case
    zero = np.zeros(2)
    S = BargainingProblem.from_points(P, zero)
    extra = np.random.default_rng(seed).random((3, 2)) * [2.0, P[:, 1].max()]
    T = BargainingProblem.from_points(np.vstack([P, extra]), zero)
    assert ideal_point(T)[1] == pytest.approx(ideal_point(S)[1], abs=1e-12)
    assert kalai_smorodinsky(T)[0] >= kalai_smorodinsky(S)[0] - 1e-9


@FAST
@given(point_sets(), st.integers(0, 2**32 - 1))
def test_egalitarian_is_strongly_monotone(case, seed):
    """Enlarging S (same d) makes nobody worse off under the egalitarian solution (Kalai 1977)."""
    P, d = case
    extra = np.random.default_rng(seed).random((2, d.size)) * 1.5
    small = egalitarian(BargainingProblem.from_points(P, d))
    large = egalitarian(BargainingProblem.from_points(np.vstack([P, extra]), d))
    assert np.all(large >= small - 1e-9)


# =============================================================================================
# Spatial outcome spaces: worked numbers

LINEAR_ADDITIVE = dict(
    position=np.array([[[1.0, 1.0], [0.0, 0.0]]]),
    weight=np.array([[[0.5, 0.5], [0.4, 0.6]]]),
    risk=np.ones((1, 2)),
    lo=np.zeros(2),
    hi=np.ones(2),
    disagreement=np.zeros((1, 2)),
    status_quo=np.full((1, 2), 0.5),
)


def test_spatial_nash_on_the_linear_additive_example():
    """a1 = (0.5, 0.5), a2 = (0.4, 0.6), d = 0: x = (1, 0), u = (0.5, 0.6) (theory.md)."""
    sol = nash_outcome(**LINEAR_ADDITIVE)
    np.testing.assert_allclose(sol.x, [[1.0, 0.0]], atol=1e-12)
    np.testing.assert_allclose(sol.utility, [[0.5, 0.6]], atol=1e-12)
    assert sol.feasible.all() and sol.gap[0] < 1e-12


def test_spatial_ks_and_egalitarian_on_the_linear_additive_example():
    """Same problem, a = (1, 1): both give u1 = u2 on the second frontier segment,
    0.5 + 0.5 x2 = 0.6 (1 - x2), so x2 = 1/11 and u = 6/11 each (by hand)."""
    for rule in (kalai_smorodinsky_outcome, egalitarian_outcome):
        sol = rule(**LINEAR_ADDITIVE)
        np.testing.assert_allclose(sol.x, [[1.0, 1.0 / 11.0]], atol=1e-9)
        np.testing.assert_allclose(sol.utility, [[6.0 / 11.0, 6.0 / 11.0]], atol=1e-9)
        np.testing.assert_allclose(sol.level, [6.0 / 11.0], atol=1e-9)


def test_spatial_generalised_nash_splits_one_issue_like_a_pie():
    """One issue on [0, 100], actors at its ends, d = (0.4, 0), tau_1 = 0.7: u1 = 0.82, x = 82."""
    sol = nash_outcome(
        position=np.array([[[100.0], [0.0]]]),
        weight=np.ones((1, 2, 1)),
        risk=np.ones((1, 2)),
        lo=np.zeros(1),
        hi=np.full(1, 100.0),
        disagreement=np.array([[0.4, 0.0]]),
        status_quo=np.array([[50.0]]),
        power=np.array([[0.7, 0.3]]),
    )
    np.testing.assert_allclose(sol.x, [[82.0]], atol=1e-10)
    np.testing.assert_allclose(sol.utility, [[0.82, 0.18]], atol=1e-12)


@FAST
@given(st.integers(0, 2**32 - 1), st.integers(1, 4))
def test_spatial_nash_matches_the_abstract_solution_on_linear_additive_problems(seed, K):
    """Two actors at opposite ends of every issue: S is spanned by the all-or-nothing outcomes,
    and the spatial solution has the utilities of the exact abstract one."""
    rng = np.random.default_rng(seed)
    w = issue_weights(rng.random((1, 2, K)) + 0.05)
    tau = rng.dirichlet([1.0, 1.0])
    pos = np.stack([np.ones(K), np.zeros(K)])[None]
    d = np.array([[0.2, 0.1]]) * rng.random(2)
    corners = np.array(np.meshgrid(*[[0.0, 1.0]] * K)).reshape(K, -1).T
    points = np.column_stack([corners @ w[0, 0], (1.0 - corners) @ w[0, 1]])
    expect = nash(BargainingProblem.from_points(points, d[0]), weights=tau)
    sol = nash_outcome(
        pos, w, np.ones((1, 2)), np.zeros(K), np.ones(K), d, np.full((1, K), 0.5), power=tau[None]
    )
    np.testing.assert_allclose(sol.utility[0], expect, atol=1e-10)


def test_spatial_utilities_are_those_of_negsim_utility():
    """The utilities returned are negsim.utility.utility of the outcome, in issue units."""
    kw, _ = spatial_case(1, 4, 3, R=20, risk="concave")
    kw["lo"], kw["hi"] = np.array([0.0, -5.0, 10.0]), np.array([100.0, 5.0, 20.0])
    kw["position"] = kw["lo"] + kw["position"] * (kw["hi"] - kw["lo"])
    kw["status_quo"] = kw["lo"] + kw["status_quo"] * (kw["hi"] - kw["lo"])
    for rule in (nash_outcome, egalitarian_outcome):
        sol = rule(**kw)
        u = utility(sol.x, kw["position"], kw["weight"], kw["risk"], kw["lo"], kw["hi"])
        np.testing.assert_allclose(sol.utility[sol.feasible], u[sol.feasible], atol=1e-12)


# =============================================================================================
# Spatial outcome spaces: the fast solvers against the slow reference


@pytest.mark.parametrize(
    ("risk", "n", "K", "seed"),
    [
        ("neutral", 2, 2, 11),
        ("neutral", 3, 2, 12),
        ("neutral", 4, 3, 13),
        ("concave", 2, 2, 14),
        ("concave", 3, 3, 15),
    ],
)
def test_spatial_nash_agrees_with_the_reference(risk, n, K, seed):
    """The objective reached is within 1e-6 of SLSQP's best, and certified within 1e-6."""
    kw, tau = spatial_case(seed, n, K, R=8, risk=risk)
    sol = nash_outcome(**kw, power=tau)
    assert sol.feasible.all()
    fast = nash_value(sol, kw["disagreement"], tau)
    for b in range(8):
        ref = ref_nash(
            kw["position"][b], kw["weight"][b], kw["risk"][b], kw["disagreement"][b], tau[b]
        )
        assert fast[b] >= ref - 1e-6
    assert np.all(sol.gap < 1e-6)


@pytest.mark.parametrize(("n", "K", "seed"), [(2, 2, 21), (3, 2, 22), (4, 3, 23)])
def test_spatial_ks_and_egalitarian_agree_with_linear_programs(n, K, seed):
    """Risk-neutral utilities: the levels t agree with exact LPs (ideal points by LP too); the
    Lagrangian certificate is looser (multipliers from a barrier), below 1e-5."""
    kw, _ = spatial_case(seed, n, K, R=8)
    ks, eg = kalai_smorodinsky_outcome(**kw), egalitarian_outcome(**kw)
    for b in range(8):
        q, w, d = kw["position"][b], kw["weight"][b], kw["disagreement"][b]
        t_eg, _ = ref_level_lp(q, w, d, np.ones(n))
        t_ks, _ = ref_level_lp(q, w, d, ref_ideal_lp(q, w, d) - d)
        assert eg.level[b] == pytest.approx(t_eg, abs=1e-8)
        assert ks.level[b] == pytest.approx(t_ks, abs=1e-8)
    assert np.all(ks.gap < 1e-5) and np.all(eg.gap < 1e-5)


@pytest.mark.parametrize(("n", "K", "seed"), [(2, 2, 41), (3, 2, 42), (4, 3, 43)])
def test_spatial_proportional_agrees_with_linear_programs_for_spread_proportions(n, K, seed):
    """Kalai's (1977) proportional solution with proportions spanning four orders of magnitude:
    the level agrees with the exact LP. Such proportions once sent the barrier path from a poor
    start off its scale, and feasible problems were reported infeasible."""
    kw, _ = spatial_case(seed, n, K, R=8)
    c = 10.0 ** np.random.default_rng(seed).uniform(-4.0, 0.0, (8, n))
    sol = proportional_outcome(**kw, proportions=c)
    for b in range(8):
        q, w, d = kw["position"][b], kw["weight"][b], kw["disagreement"][b]
        t_ref, _ = ref_level_lp(q, w, d, c[b])
        if t_ref > 1e-9:
            assert sol.feasible[b]
            assert sol.level[b] == pytest.approx(t_ref, rel=1e-6, abs=1e-8)


def test_spatial_egalitarian_agrees_with_the_reference_on_concave_utilities():
    """Risk-averse utilities: the level t is SLSQP's max-min value within 1e-6."""
    kw, _ = spatial_case(31, 3, 2, R=8, risk="concave")
    eg = egalitarian_outcome(**kw)
    for b in range(8):
        q, w, r, d = kw["position"][b], kw["weight"][b], kw["risk"][b], kw["disagreement"][b]
        starts = (np.full(2, 0.5), np.array([0.2, 0.8]), np.array([0.9, 0.1]))
        best = max(ref_maxmin(q, w, r, d, np.ones(3), z0)[0] for z0 in starts)
        assert eg.level[b] == pytest.approx(best, abs=1e-6)
        assert eg.gap[b] < 1e-5


# =============================================================================================
# Spatial outcome spaces: disagreement, vetoes, indifference


def test_no_individually_rational_outcome_keeps_the_status_quo():
    """Two actors at opposite ends of one issue both demanding 0.6: no agreement."""
    sol = nash_outcome(
        position=np.array([[[1.0], [0.0]]]),
        weight=np.ones((1, 2, 1)),
        risk=np.ones((1, 2)),
        lo=np.zeros(1),
        hi=np.ones(1),
        disagreement=np.array([[0.6, 0.6]]),
        status_quo=np.array([[0.3]]),
    )
    assert not sol.feasible[0]
    np.testing.assert_array_equal(sol.x, [[0.3]])
    np.testing.assert_array_equal(sol.utility, [[0.6, 0.6]])
    assert np.isnan(sol.gap[0])
    for rule in (kalai_smorodinsky_outcome, egalitarian_outcome):
        assert not rule(**{**LINEAR_ADDITIVE, "disagreement": np.array([[0.8, 0.8]])}).feasible[0]


def test_indifferent_actor_blocks_only_when_it_demands_something():
    """An actor with zero salience everywhere has utility 0: with d = 0 it does not bargain;
    with d > 0 nothing can satisfy it."""
    base = dict(
        position=np.array([[[1.0], [0.0], [0.5]]]),
        weight=np.array([[[1.0], [1.0], [0.0]]]),
        risk=np.ones((1, 3)),
        lo=np.zeros(1),
        hi=np.ones(1),
        status_quo=np.array([[0.2]]),
    )
    sol = nash_outcome(**base, disagreement=np.zeros((1, 3)))
    np.testing.assert_allclose(sol.x, [[0.5]], atol=1e-12)
    assert sol.feasible[0] and sol.utility[0, 2] == 0.0
    assert not nash_outcome(**base, disagreement=np.array([[0.0, 0.0, 0.1]])).feasible[0]


def test_actor_at_its_ideal_status_quo_vetoes_moves_on_its_issues():
    """d_3 = 1 (the status quo is actor 3's ideal on the only issue it weighs): issue 1 stays
    at 0.3, and issue 2 is bargained over by actors 1 and 2 (at 1 and 0, weights 1/2):
    max (0.15 + x/2)(0.85 - x/2) gives x = 0.7 (by hand)."""
    sol = nash_outcome(
        position=np.array([[[1.0, 1.0], [0.0, 0.0], [0.3, 0.5]]]),
        weight=np.array([[[0.5, 0.5], [0.5, 0.5], [1.0, 0.0]]]),
        risk=np.ones((1, 3)),
        lo=np.zeros(2),
        hi=np.ones(2),
        disagreement=np.array([[0.0, 0.0, 1.0]]),
        status_quo=np.array([[0.3, 0.9]]),
    )
    assert sol.feasible[0]
    np.testing.assert_allclose(sol.x, [[0.3, 0.7]], atol=1e-12)


def test_inessential_problem_keeps_the_status_quo():
    """d = u(status quo) with the status quo on the Pareto frontier (one issue, actors at its
    ends): nobody can gain without a loss, so the status quo stands (Roth 1979)."""
    sol = nash_outcome(
        position=np.array([[[1.0], [0.0]]]),
        weight=np.ones((1, 2, 1)),
        risk=np.ones((1, 2)),
        lo=np.zeros(1),
        hi=np.ones(1),
        disagreement=np.array([[0.3, 0.7]]),
        status_quo=np.array([[0.3]]),
    )
    assert sol.feasible[0]
    np.testing.assert_allclose(sol.x, [[0.3]], atol=1e-12)
    np.testing.assert_allclose(sol.utility, [[0.3, 0.7]], atol=1e-12)


def test_nobody_bargaining_keeps_the_status_quo():
    """Every actor indifferent with d = 0: any outcome will do, and the status quo stands."""
    kw = dict(
        position=np.array([[[0.2], [0.9]]]),
        weight=np.zeros((1, 2, 1)),
        risk=np.ones((1, 2)),
        lo=np.zeros(1),
        hi=np.ones(1),
        disagreement=np.zeros((1, 2)),
        status_quo=np.array([[0.4]]),
    )
    for rule in (nash_outcome, kalai_smorodinsky_outcome, egalitarian_outcome):
        sol = rule(**kw)
        assert sol.feasible[0]
        np.testing.assert_array_equal(sol.x, [[0.4]])


@pytest.mark.parametrize("risk", ["neutral", "concave"])
def test_nash_is_certified_on_larger_problems_with_status_quo_disagreement(risk):
    """Six actors, four issues, d = u(status quo): the status quo is individually rational, so
    every run agrees, nobody loses, and every solved run carries a gap below 1e-6."""
    kw, tau = spatial_case(41, 6, 4, R=60, risk=risk, d_scale=(1.0, 1.0))
    sol = nash_outcome(**kw, power=tau)
    assert sol.feasible.all()
    assert np.all(sol.utility >= kw["disagreement"] - 1e-9)
    solved = ~np.isnan(sol.gap)
    assert solved.mean() > 0.75  # the rest are inessential: the status quo itself stands
    assert np.all(sol.gap[solved] < 1e-6)
    np.testing.assert_array_equal(sol.x[~solved], kw["status_quo"][~solved])


def test_inputs_are_validated():
    """Shapes, scales and bargaining powers are checked."""
    kw, _ = spatial_case(0, 2, 2)
    with pytest.raises(ValueError, match="weight"):
        nash_outcome(**{**kw, "weight": kw["weight"][:, :1]})
    with pytest.raises(ValueError, match="hi > lo"):
        nash_outcome(**{**kw, "hi": np.zeros(2)})
    with pytest.raises(ValueError, match="power"):
        nash_outcome(**kw, power=np.array([[1.0, 0.0]]))


def test_runs_are_solved_independently():
    """A run's solution does not depend on the other runs in the batch (vectorisation)."""
    kw, tau = spatial_case(5, 4, 3, R=30, risk="concave")
    whole = nash_outcome(**kw, power=tau)
    for b in (0, 7, 29):
        one = nash_outcome(
            **{k: (v[b : b + 1] if np.ndim(v) > 1 else v) for k, v in kw.items()},
            power=tau[b : b + 1],
        )
        np.testing.assert_allclose(one.utility[0], whole.utility[b], atol=1e-9)


# =============================================================================================
# Spatial outcome spaces: invariants (theory.md, section 8)


def _beaten_by_random_outcomes(kw, sol, tol=1e-9):
    """Does some outcome (random, or a perturbation of the solution) beat the solution for every
    actor? Returns the runs where one does."""
    rng = np.random.default_rng(0)
    R, K = sol.x.shape
    width = kw["hi"] - kw["lo"]
    cand = np.concatenate(
        [
            kw["lo"] + rng.random((R, 1500, K)) * width,
            np.clip(
                sol.x[:, None, :] + rng.normal(0.0, 0.02, (R, 1500, K)) * width, kw["lo"], kw["hi"]
            ),
        ],
        axis=1,
    )
    u = utility(cand, kw["position"], kw["weight"], kw["risk"], kw["lo"], kw["hi"])
    return np.any(np.all(u > sol.utility[:, None, :] + tol, axis=2), axis=1) & sol.feasible


@FAST
@given(cases, st.sampled_from(["neutral", "concave"]))
def test_spatial_solutions_are_individually_rational_and_pareto(case, risk):
    """Every agreement gives each actor at least d, and no outcome beats it for everyone."""
    seed, n, K = case
    kw, tau = spatial_case(seed, n, K, R=3, risk=risk, d_scale=(0.3, 1.0))
    for rule, extra in ((nash_outcome, {"power": tau}), (egalitarian_outcome, {})):
        sol = rule(**kw, **extra)
        assert np.all(sol.utility >= kw["disagreement"] - 1e-9)
        assert not _beaten_by_random_outcomes(kw, sol).any()


@SLOW
@given(cases)
def test_spatial_ks_is_individually_rational_and_pareto(case):
    """Kalai-Smorodinsky agreements give each actor at least d and are Pareto optimal."""
    seed, n, K = case
    kw, _ = spatial_case(seed, n, K, R=2, d_scale=(0.3, 1.0))
    sol = kalai_smorodinsky_outcome(**kw)
    assert np.all(sol.utility >= kw["disagreement"] - 1e-9)
    assert not _beaten_by_random_outcomes(kw, sol).any()


@SLOW
@given(cases, st.randoms(use_true_random=False))
def test_relabelling_actors_relabels_utilities(case, rnd):
    """Permuting the actors permutes their utilities and leaves the outcome unchanged."""
    seed, n, K = case
    kw, tau = spatial_case(seed, n, K, R=2, risk="concave")
    perm = list(range(n))
    rnd.shuffle(perm)
    moved = {
        k: (v[:, perm] if k in ("position", "weight", "risk", "disagreement") else v)
        for k, v in kw.items()
    }
    for rule, a, b in (
        (nash_outcome, {"power": tau}, {"power": tau[:, perm]}),
        (egalitarian_outcome, {}, {}),
    ):
        base, other = rule(**kw, **a), rule(**moved, **b)
        np.testing.assert_allclose(other.utility, base.utility[:, perm], atol=1e-7)
        np.testing.assert_allclose(other.x, base.x, atol=1e-5)


@FAST
@given(cases, st.randoms(use_true_random=False))
def test_relabelling_issues_relabels_the_outcome(case, rnd):
    """Permuting the issues permutes the outcome and leaves the utilities unchanged."""
    seed, n, K = case
    kw, tau = spatial_case(seed, n, K, R=2, risk="concave")
    perm = list(range(K))
    rnd.shuffle(perm)
    moved = dict(
        kw,
        position=kw["position"][:, :, perm],
        weight=kw["weight"][:, :, perm],
        status_quo=kw["status_quo"][:, perm],
    )
    base, other = nash_outcome(**kw, power=tau), nash_outcome(**moved, power=tau)
    np.testing.assert_allclose(other.utility, base.utility, atol=1e-7)
    np.testing.assert_allclose(other.x, base.x[:, perm], atol=1e-5)


@SLOW
@given(cases, st.sampled_from(["neutral", "concave"]))
def test_mirror_image_actors_are_treated_alike(case, risk):
    """Two actors whose positions mirror each other on every issue, with equal weights, risk
    and d: every solution gives them equal utilities (symmetry)."""
    seed, _, K = case
    kw, _ = spatial_case(seed, 2, K, R=2, risk=risk)
    pos = kw["position"].copy()
    pos[:, 1] = 1.0 - pos[:, 0]
    w = np.repeat(kw["weight"][:, :1], 2, axis=1)
    r = np.repeat(kw["risk"][:, :1], 2, axis=1)
    d = np.repeat(kw["disagreement"].min(axis=1, keepdims=True), 2, axis=1) * 0.5
    sym = dict(kw, position=pos, weight=w, risk=r, disagreement=d)
    for rule in (nash_outcome, kalai_smorodinsky_outcome, egalitarian_outcome):
        u = rule(**sym).utility
        np.testing.assert_allclose(u[:, 0], u[:, 1], atol=1e-8)


@FAST
@given(cases, st.integers(0, 3), st.floats(0.05, 0.5))
def test_spatial_nash_share_rises_with_bargaining_power(case, who, more):
    """Raising tau_i (the others scaled down in proportion) never lowers u_i."""
    seed, n, K = case
    who %= n
    kw, tau = spatial_case(seed, n, K, R=2, risk="concave")
    up = tau.copy()
    up[:, who] += more
    up /= up.sum(axis=1, keepdims=True)
    base, raised = nash_outcome(**kw, power=tau), nash_outcome(**kw, power=up)
    assert np.all(raised.utility[:, who] >= base.utility[:, who] - 1e-8)


@FAST
@given(
    st.integers(0, 2**32 - 1),
    st.integers(1, 3),
    st.floats(0.1, 0.9),
    st.sampled_from(["neutral", "concave"]),
)
def test_spatial_nash_share_rises_with_disagreement_value(seed, K, push, risk):
    """Two actors: raising d_1 towards what actor 1 gets never lowers what it gets."""
    kw, tau = spatial_case(seed, 2, K, R=2, risk=risk)
    base = nash_outcome(**kw, power=tau)
    d = kw["disagreement"].copy()
    d[:, 0] += push * (base.utility[:, 0] - d[:, 0])
    raised = nash_outcome(**{**kw, "disagreement": d}, power=tau)
    assert np.all(raised.utility[:, 0] >= base.utility[:, 0] - 1e-8)


# =============================================================================================
# Regressions: cases the thorough profile found in the rescaling and monotonicity properties


def _one_issue_nash_by_scipy(q, w, r, d, tau):
    """Reference: the one-issue Nash point by bounded scalar minimisation on the IR interval."""
    grid = np.linspace(0.0, 1.0, 200_001)
    u = (w[:, None] * (1.0 - np.abs(grid[None, :] - q[:, None]) ** r[:, None]))
    ir = grid[(u > d[:, None]).all(axis=0)]

    def f(z):
        return -(tau * np.log(w * (1.0 - np.abs(z - q) ** r) - d)).sum()

    res = optimize.minimize_scalar(f, bounds=(ir.min(), ir.max()), method="bounded",
                                   options={"xatol": 1e-13})
    return res.x


def test_ks_ideal_point_at_a_cusp_of_the_actors_own_position():
    """Two actors, one issue, 1 < r < 2: the barrier path for actor 0's ideal point stalled
    short of the cusp at its own position, which is individually rational, and the level came
    out 0.927 instead of 0.863 (found by the rescaling property with scales (1, 2))."""
    kw, _ = spatial_case(8543, 2, 1, R=2, risk="concave")
    sol = kalai_smorodinsky_outcome(**kw)
    q, w, r, d = kw["position"][0, :, 0], kw["weight"][0, :, 0], kw["risk"][0], \
        kw["disagreement"][0]
    z = np.linspace(0.0, 1.0, 2_000_001)
    u = w[:, None] * (1.0 - np.abs(z[None, :] - q[:, None]) ** r[:, None])
    ir = (u >= d[:, None]).all(axis=0)
    ideal = u[:, ir].max(axis=1)
    level = ((u[:, ir] - d[:, None]) / (ideal - d)[:, None]).min(axis=0).max()
    assert abs(sol.level[0] - level) < 1e-6
    moved = kalai_smorodinsky_outcome(**{**kw, "weight": kw["weight"] * np.array([1.0, 2.0])[
        None, :, None], "disagreement": kw["disagreement"] * [1.0, 2.0]})
    np.testing.assert_allclose(moved.level, sol.level, atol=1e-9)


def test_nash_point_is_exact_after_a_pause_on_a_cusp():
    """Three actors, one issue, curved utilities: the start sat on a cusp (a tiny Newton
    decrement), which made the quadratic phase that followed look stagnant; the solver stopped
    a step short, 4e-8 off in x (found by the rescaling property with scales (1, 3, 1))."""
    kw, tau = spatial_case(61751156, 3, 1, R=2, risk="concave")
    a = np.array([1.0, 3.0, 1.0])
    for args in (kw, {**kw, "weight": kw["weight"] * a[None, :, None],
                      "disagreement": kw["disagreement"] * a}):
        sol = nash_outcome(**args, power=tau)
        x = _one_issue_nash_by_scipy(args["position"][0, :, 0], args["weight"][0, :, 0],
                                     args["risk"][0], args["disagreement"][0], tau[0])
        assert abs(sol.x[0, 0] - x) < 1e-9


def test_nash_with_very_unequal_powers_from_a_start_outside_the_ir_set():
    """Two actors, one issue, powers 0.992 and 0.008, d raised towards actor 0's share so that
    no start is individually rational: the shifted problem, solved with the powers, left the
    weak actor's slack tiny and crept to feasibility by 1e-3 a step until the budget ran out,
    and the feasible problem was called infeasible (found by the monotonicity-in-d property)."""
    kw, tau = spatial_case(68397, 2, 1, R=2, risk="neutral")
    base = nash_outcome(**kw, power=tau)
    d = kw["disagreement"].copy()
    d[:, 0] += 0.75 * (base.utility[:, 0] - d[:, 0])
    raised = nash_outcome(**{**kw, "disagreement": d}, power=tau)
    assert raised.feasible.all()
    # in closed form: actor 1 sits at 1 and actor 0 below the point, u_0 = 1 + q_0 - x and
    # u_1 = x, so tau_0 / (1 + q_0 - d_0 - x) = tau_1 / (x - d_1)
    q0, (t0, t1) = kw["position"][0, 0, 0], tau[0]
    assert kw["position"][0, 1, 0] == 1.0 and q0 < raised.x[0, 0]
    x = (t1 * (1.0 + q0 - d[0, 0]) + t0 * d[0, 1]) / (t0 + t1)
    assert abs(raised.x[0, 0] - x) < 1e-12
    assert np.all(raised.utility[:, 0] >= base.utility[:, 0] - 1e-12)


# =============================================================================================
# Regressions: cases the engine contract suite found (tests/test_contract.py)


def test_an_offset_below_the_smallest_normal_float_raises_no_warning():
    """A position 1e-309 from the status quo (a subnormal offset, whose reciprocal overflows)
    with a curved utility: no overflow warning, and the free issue goes to its only claimant."""
    sol = nash_outcome(
        position=np.array([[[0.0, 1.0], [0.0, 1e-309]]]),
        weight=np.array([[[1.0, 0.0], [0.5, 0.5]]]),
        risk=np.array([[1.0, 2.0]]),
        lo=np.zeros(2),
        hi=np.ones(2),
        disagreement=np.zeros((1, 2)),
        status_quo=np.array([[1.0, 0.0]]),
    )
    assert sol.feasible[0] and np.isfinite(sol.x).all()
    np.testing.assert_allclose(sol.x, [[0.0, 1e-309]], atol=1e-12)


def test_a_status_quo_individually_rational_only_by_rounding_is_no_solution():
    """d = u(status quo), which the solver's own arithmetic put 1e-17 above d: the status quo
    was taken for a strictly feasible start and, Newton unable to move, certified as the
    optimum. By hand: issue 3 (only actor 1 cares) goes to actor 1's position 0; on issue 0,
    with z = x_0 / 100 in [0.511, 0.75], (u_0 - d_0)(u_1 - d_1) = (z - 0.511)(0.9945 - z / 2)
    rises up to actor 0's position, x_0 = 75; issues nobody weighs stay at the status quo."""
    sq = np.array([[98.90185506929289, 0.0, 0.0, 100.0]])
    kw = dict(
        position=np.array([[[75.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]]]),
        weight=np.array([[[1.0, 0.0, 0.0, 0.0], [0.5, 0.0, 0.0, 0.5]]]),
        risk=np.ones((1, 2)),
        lo=np.zeros(4),
        hi=np.full(4, 100.0),
        status_quo=sq,
    )
    d = utility(sq, kw["position"], kw["weight"], kw["risk"], kw["lo"], kw["hi"])
    sol = nash_outcome(**kw, disagreement=d)
    np.testing.assert_allclose(sol.x, [[75.0, 0.0, 0.0, 0.0]], atol=1e-9)
    np.testing.assert_allclose(sol.utility, [[1.0, 0.625]], atol=1e-12)
    assert sol.gap[0] < 1e-9


def test_nash_on_a_segment_ends_at_the_kink():
    """One issue on [0, 100], status quo 0; actor 0 at 14.5 with d its status-quo utility 0.855,
    actor 1 at 26 with d = 0: on [14.5, 26] the product (0.29 - z)(0.74 + z) falls
    (z = x / 100), below 14.5 both gain moving up, so x = 14.5 (by hand), which no outcome
    improves for both (a Pareto counterexample the contract suite once found)."""
    sol = nash_outcome(
        position=np.array([[[14.5], [26.0]]]),
        weight=np.ones((1, 2, 1)),
        risk=np.ones((1, 2)),
        lo=np.zeros(1),
        hi=np.full(1, 100.0),
        disagreement=np.array([[0.855, 0.0]]),
        status_quo=np.zeros((1, 1)),
    )
    np.testing.assert_allclose(sol.x, [[14.5]], atol=1e-10)
    np.testing.assert_allclose(sol.utility, [[1.0, 0.885]], atol=1e-12)


# Three actors on four issues, actor 0 risk averse: actors 0 and 2 can gain together at most
# about 1e-13 over d (issue 0 trades one's gain against the other's), actor 1 could gain 0.5
# on issue 2 alone. The solver crawled (Newton doubles a tiny slack per step) until its budget
# ran out, and returned points that depended on the order of the actors and issues.
NEARLY_INESSENTIAL = dict(
    position=np.array(
        [[[50.0, 0.0, 100.0, 0.0], [0.0, 1e-13, 0.0, 0.0], [0.0, 0.0, 100.0, 1e-10]]]
    ),
    weight=np.array([[[0.5, 0.5, 0.0, 0.0], [0.5, 0.0, 0.5, 0.0], [0.4, 0.4, 0.0, 0.2]]]),
    risk=np.array([[2.0, 1.0, 1.0]]),
    lo=np.zeros(4),
    hi=np.full(4, 100.0),
    disagreement=np.array([[0.96875, 0.375, 0.8999999999997997]]),
    status_quo=np.array([[25.0, 1e-13, 100.0, 0.0]]),
)


def test_a_nearly_inessential_problem_keeps_the_status_quo_in_any_order():
    """No outcome gives every actor more than about 1e-13 over d: the problem is inessential
    (to the solver's 1e-9) and the status quo, individually rational, stands, whatever the
    order of the actors and issues."""
    sol = nash_outcome(**NEARLY_INESSENTIAL)
    assert sol.feasible[0] and np.isnan(sol.gap[0])
    np.testing.assert_array_equal(sol.x, NEARLY_INESSENTIAL["status_quo"])
    a, k = [2, 0, 1], [3, 1, 0, 2]
    moved = dict(
        NEARLY_INESSENTIAL,
        position=NEARLY_INESSENTIAL["position"][:, a][:, :, k],
        weight=NEARLY_INESSENTIAL["weight"][:, a][:, :, k],
        risk=NEARLY_INESSENTIAL["risk"][:, a],
        disagreement=NEARLY_INESSENTIAL["disagreement"][:, a],
        status_quo=NEARLY_INESSENTIAL["status_quo"][:, k],
    )
    other = nash_outcome(**moved)
    np.testing.assert_array_equal(other.x, sol.x[:, k])


def test_a_flat_frontier_gives_the_same_terms_in_any_order():
    """Two issues that trade off alike for both actors (the optimum is a segment, x_0 + x_2 =
    50): rounding errors, divided by a zero curvature along it, used to move the point by
    1e-3 differently for each order of the actors and issues (now below 1e-6). Issue 1,
    weighed only by actor 0, goes to it; d = u(status quo) = (2/3, 0) and (1/3 - S/3) S/2
    peaks at S = 1/2."""
    pos = np.array([[[0.0, 0.0, 0.0], [100.0, 50.0, 100.0]]])
    w = np.array([[[1 / 3, 1 / 3, 1 / 3], [0.5, 0.0, 0.5]]])
    kw = dict(risk=np.ones((1, 2)), lo=np.zeros(3), hi=np.full(3, 100.0),
              disagreement=np.array([[2 / 3, 0.0]]), status_quo=np.array([[0.0, 100.0, 0.0]]))
    outcomes = []
    for a in ([0, 1], [1, 0]):
        for k in ([0, 1, 2], [2, 1, 0], [1, 2, 0]):
            sol = nash_outcome(position=pos[:, a][:, :, k], weight=w[:, a][:, :, k],
                               **{**kw, "disagreement": kw["disagreement"][:, a],
                                  "status_quo": kw["status_quo"][:, k]})
            back = np.empty(3)
            back[k] = sol.x[0]
            outcomes.append(back)
            np.testing.assert_allclose(sol.utility[0][np.argsort(a)], [5 / 6, 1 / 4], atol=1e-12)
    np.testing.assert_allclose(np.array(outcomes) - outcomes[0], 0.0, atol=1e-6)
    np.testing.assert_allclose(outcomes[0][[0, 2]].sum(), 50.0, atol=1e-9)
    assert outcomes[0][1] == 0.0


# =============================================================================================
# Spatial outcome spaces: more invariants of theory.md, section 8


def _with_fixed_issue(kw, k, value):
    """``kw`` plus an actor who weighs only issue ``k``, sits at ``value`` and has d = 1 (its
    best): it vetoes any other value, so the feasible set becomes the slice ``x_k = value``."""
    R, n, K = kw["position"].shape
    pos = np.concatenate([kw["position"], np.zeros((R, 1, K))], axis=1)
    pos[:, n, k] = value
    w = np.concatenate([kw["weight"], np.zeros((R, 1, K))], axis=1)
    w[:, n, k] = 1.0
    return dict(
        kw,
        position=pos,
        weight=w,
        risk=np.concatenate([kw["risk"], np.ones((R, 1))], axis=1),
        disagreement=np.concatenate([kw["disagreement"], np.ones((R, 1))], axis=1),
    )


@FAST
@given(cases, st.sampled_from(["neutral", "concave"]), st.lists(st.floats(0.2, 5.0), min_size=4,
                                                                max_size=4))
def test_spatial_nash_is_covariant_under_rescaling_each_utility(case, risk, scale):
    """Multiplying u_i and d_i by a_i > 0 multiplies the Nash utilities by a_i and leaves the
    outcome (Nash 1950; a shift u_i + b_i leaves u_i - d_i, hence the solution, unchanged)."""
    seed, n, K = case
    kw, tau = spatial_case(seed, n, K, R=2, risk=risk)
    a = np.array(scale[:n])
    base = nash_outcome(**kw, power=tau)
    moved = nash_outcome(**{**kw, "weight": kw["weight"] * a[None, :, None],
                            "disagreement": kw["disagreement"] * a}, power=tau)
    np.testing.assert_allclose(moved.utility, base.utility * a, atol=1e-8)
    np.testing.assert_allclose(moved.x, base.x, atol=1e-6)


@SLOW
@given(cases, st.sampled_from(["neutral", "concave"]), st.integers(0, 3))
def test_spatial_nash_is_independent_of_irrelevant_alternatives(case, risk, k):
    """Cutting the outcome space down to the slice x_k = x*_k through the Nash point x* leaves
    the Nash utilities unchanged (IIA, Nash 1950)."""
    seed, n, K = case
    k %= K
    kw, tau = spatial_case(seed, n, K, R=2, risk=risk)
    base = nash_outcome(**kw, power=tau)
    cut = _with_fixed_issue(kw, k, base.x[:, k])
    power = np.concatenate([tau, np.ones((2, 1))], axis=1)  # the vetoing actor does not bargain
    sliced = nash_outcome(**cut, power=power)
    assert sliced.feasible.all()
    np.testing.assert_allclose(sliced.x[:, k], base.x[:, k], atol=1e-12)
    np.testing.assert_allclose(sliced.utility[:, :n], base.utility, atol=1e-8)


@FAST
@given(cases, st.integers(0, 3), st.floats(0.1, 0.9), st.sampled_from(["neutral", "concave"]))
def test_spatial_nash_share_rises_with_disagreement_value_for_any_number(case, who, push, risk):
    """Raising d_i (towards what i gets) never lowers u_i, for any number of actors: adding the
    optimality conditions of the two problems gives (u'_i - u_i)(d'_i - d_i) >= 0."""
    seed, n, K = case
    who %= n
    kw, tau = spatial_case(seed, n, K, R=2, risk=risk)
    base = nash_outcome(**kw, power=tau)
    d = kw["disagreement"].copy()
    d[:, who] += push * (base.utility[:, who] - d[:, who])
    raised = nash_outcome(**{**kw, "disagreement": d}, power=tau)
    assert np.all(raised.utility[:, who] >= base.utility[:, who] - 1e-8)


@SLOW
@given(cases, st.sampled_from(["neutral", "concave"]), st.lists(st.floats(0.2, 5.0), min_size=4,
                                                                max_size=4))
def test_spatial_ks_is_covariant_under_rescaling_each_utility(case, risk, scale):
    """Multiplying u_i and d_i by a_i > 0 multiplies the ideal point's gains, hence the
    Kalai-Smorodinsky utilities, by a_i; the level t is unchanged (Kalai & Smorodinsky 1975)."""
    seed, n, K = case
    kw, _ = spatial_case(seed, n, K, R=2, risk=risk)
    a = np.array(scale[:n])
    base = kalai_smorodinsky_outcome(**kw)
    moved = kalai_smorodinsky_outcome(**{**kw, "weight": kw["weight"] * a[None, :, None],
                                         "disagreement": kw["disagreement"] * a})
    np.testing.assert_allclose(moved.level, base.level, atol=1e-7)
    np.testing.assert_allclose(moved.utility, base.utility * a, atol=1e-6)


@SLOW
@given(st.integers(0, 2**32 - 1), st.integers(2, 3), st.integers(0, 2))
def test_spatial_ks_is_individually_monotone(seed, K, k):
    """Two actors, risk-neutral. S is T cut down to a slice x_k = c through a point where actor
    1 reaches its ideal a_1(T) (found by linear programming): a_1(S) = a_1(T) and S is inside T,
    so actor 0 gets no less in T than in S (Kalai & Smorodinsky 1975)."""
    k %= K
    kw, _ = spatial_case(seed, 2, K, R=1)
    q, w, d = kw["position"][0], kw["weight"][0], kw["disagreement"][0]
    _, z1 = ref_level_lp(q, w, np.array([d[0], 0.0]), np.array([0.0, 1.0]))
    whole = kalai_smorodinsky_outcome(**kw)
    cut = kalai_smorodinsky_outcome(**_with_fixed_issue(kw, k, np.array([z1[k]])))
    assert whole.feasible[0] and cut.feasible[0]
    assert whole.utility[0, 0] >= cut.utility[0, 0] - 1e-8


@SLOW
@given(cases, st.sampled_from(["neutral", "concave"]), st.integers(0, 3), st.floats(0.0, 1.0))
def test_spatial_egalitarian_is_strongly_monotone(case, risk, k, value):
    """T is S with issue k free instead of fixed at a value: nobody gets less than the equal
    gain it had in S, the level t can only rise (strong monotonicity, Kalai 1977)."""
    seed, n, K = case
    k %= K
    kw, _ = spatial_case(seed, n, K, R=2, risk=risk)
    small = egalitarian_outcome(**_with_fixed_issue(kw, k, np.full(2, value)))
    large = egalitarian_outcome(**kw)
    ok = small.feasible
    assert large.feasible[ok].all()
    assert np.all(large.level[ok] >= small.level[ok] - 1e-8)
    assert np.all(large.utility[ok] >= kw["disagreement"][ok] + small.level[ok, None] - 1e-8)


def test_ks_where_a_constraint_binds_at_its_worst():
    """Actor 0 (at the top of issue 0) has d = 0, its worst utility; actor 1 sits near 0 on
    issue 0 (weight 0.8) and at 0 on issue 1 (weight 0.2) with d = 0.8. Ideal points (by hand):
    a_0 = 0.25 (u_1 = 1 - 0.8 z_0 >= 0.8), a_1 = 1 (at z = 0, where u_0 = d_0 = 0 exactly, so
    the slack of actor 0's constraint vanishes along the barrier path and was divided by).
    KS: u_0 = 0.25 t = z_0 and u_1 = 1 - 0.8 z_0 = 0.8 + 0.2 t give t = 1/2, z = (0.125, 0)."""
    sol = kalai_smorodinsky_outcome(
        position=np.array([[[1.0, 0.0], [1.2319205009677948e-77, 0.0]]]),
        weight=np.array([[[1.0, 0.0], [0.8, 0.2]]]),
        risk=np.ones((1, 2)),
        lo=np.zeros(2),
        hi=np.ones(2),
        disagreement=np.array([[0.0, 0.8]]),
        status_quo=np.array([[0.0, 1.0]]),
    )
    np.testing.assert_allclose(sol.level, [0.5], atol=1e-8)
    np.testing.assert_allclose(sol.x, [[0.125, 0.0]], atol=1e-8)


def test_nash_at_a_kink_with_tiny_gains_is_not_mistaken_for_the_status_quo():
    """Found by the contract suite (thorough profile): one issue on [-1, 1], status quo -1,
    actor 1's ideal at -0.99998, actor 0's far above. Both gain by moving to actor 1's ideal and
    the Nash product peaks there, at a kink, where Newton stalls with a gap it cannot certify
    below 1e-8; that used to be reported as inessential, and the status quo (worse for both)
    stood. The product ((x+1)/4) * (1e-5 - |x - x1|/2), x1 = -0.99998, rises up to x1 and falls
    after it, so x = x1."""
    pos = np.array([[[-0.09330158339069183, 0.0], [-0.99998, 0.0]]])
    w = np.array([[[1.0, 0.0], [1.0, 0.0]]])
    lo, hi, sq = np.array([-1.0, 0.0]), np.array([1.0, 100.0]), np.array([[-1.0, 0.0]])
    risk = np.ones((1, 2))
    d = utility(sq, pos, w, risk, lo, hi)
    sol = nash_outcome(pos, w, risk, lo, hi, d, sq)
    assert sol.feasible[0]
    assert sol.x[0, 0] == pytest.approx(-0.99998, abs=1e-9)
    assert np.all(sol.utility[0] > d[0])


def test_an_inessential_problem_on_a_flat_face_keeps_the_status_quo_for_maxmin_solutions():
    """Found by the contract suite (thorough profile): actor 0 wants issues 0 and 1 at 0,
    actor 1 wants them at 100 and has issue 2 where it wants it; from the status quo (0, 100, 0)
    raising issue 0 by s and lowering issue 1 by t changes the gains by ((t - s)/200,
    (s - t)/300): no outcome lets both gain. The solutions' optimal set is the whole segment
    s = t, on which the point reached moved by 2e-6 with the order of the issues; the status
    quo stands instead."""
    pos = np.array([[[0.0, 0.0, 0.0], [100.0, 100.0, 0.0]]])
    w = np.array([[[0.5, 0.5, 0.0], [1 / 3, 1 / 3, 1 / 3]]])
    risk, lo, hi = np.ones((1, 2)), np.zeros(3), np.full(3, 100.0)
    sq = np.array([[0.0, 100.0, 0.0]])
    d = utility(sq, pos, w, risk, lo, hi)
    for solve in (egalitarian_outcome, kalai_smorodinsky_outcome):
        sol = solve(pos, w, risk, lo, hi, d, sq)
        assert sol.x[0].tolist() == [0.0, 100.0, 0.0]
        assert sol.utility[0] == pytest.approx(d[0], abs=1e-12)


def test_a_position_a_subnormal_away_from_a_bound_does_not_stall_nash():
    """Found by the contract suite (thorough profile): actor 2's position 8.6e-219 on issue 0,
    beside the others' 0, made a cell of that width in which Newton stalled, at issue 1 = 40
    in one order of the actors and 11 in another. Everyone wants issue 0 at 0; on issue 1 the
    product of gains is proportional to (s - 0.375)(s^2 - y^2) with s = 1 - issue 0 / 100 and
    y = issue 1 / 100, greatest at s = 1, y = 0."""
    pos = np.array([[[0.0, 0.0, 0.0], [0.0, 0.0, 0.0], [8.571238043958987e-219, 100.0, 0.0]]])
    w = issue_weights(np.array([[[1.0, 0, 0], [1.0, 1.0, 0], [1.0, 1.0, 1.0]]]))
    risk, lo, hi = np.ones((1, 3)), np.zeros(3), np.full(3, 100.0)
    sq = np.array([[100.0, 0.0, 0.0]])
    d = utility(sq, pos, w, risk, lo, hi)
    d[0, 0] = 0.375
    for order in ([0, 1, 2], [1, 0, 2], [2, 1, 0]):
        sol = nash_outcome(pos[:, order], w[:, order], risk, lo, hi, d[:, order], sq)
        assert sol.x[0] == pytest.approx([0.0, 0.0, 0.0], abs=1e-9)
        assert sol.gap[0] < 1e-6

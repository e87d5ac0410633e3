"""Axiomatic solutions of abstract bargaining problems (private; see :mod:`negsim.axiomatic`).

Two representations of ``S``:

- *points*: ``S`` is the comprehensive convex hull of the rows ``p_j`` of ``P``,
  ``{u : u <= P^T lambda, lambda in the simplex}``. Every "largest ``t`` with ``lower + t c`` in
  ``S``" question (ideal point, Kalai-Smorodinsky, egalitarian, membership) is a linear program.
  Nash: for two players the Pareto frontier is a polyline and the maximum of a concave function
  on each edge has a closed form; for more players the concave program is solved through its
  Lagrangian dual ``min_{y > 0} max_j y . (p_j - d) - sum_i tau_i log y_i`` (``n`` variables, the
  max written with an epigraph variable), by a log-barrier Newton method, and
  ``u = d + tau / y``, exact to about ``1e-12``.
- *frontier*: two players, ``S = {u : u_1 <= a_1, u_2 <= F(u_1)}`` with
  ``F(u_1) = f(min(max(u_1, 0), a_1))``, ``f`` concave non-increasing; every solution is a scalar
  root or a one-dimensional concave maximisation.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
Frontier = Callable[[FloatArray], FloatArray]

_LP_OPTIONS = {"primal_feasibility_tolerance": 1e-10, "dual_feasibility_tolerance": 1e-10}
_XTOL = 1e-15


# ---------------------------------------------------------------------------------------------
# Point sets


def hull_level(P: FloatArray, lower: FloatArray, c: FloatArray) -> float | None:
    """``max t`` with ``lower + t c`` in the comprehensive hull of the rows of ``P`` (an LP).

    ``None`` if no ``t`` works. With ``c = 0`` this tests membership of ``lower`` (0 or None),
    allowing ``1e-9`` for rounding.
    """
    from scipy import optimize  # here, so that importing negsim skips scipy
    m = P.shape[0]
    has_t = bool(np.any(c != 0.0))
    nv = m + has_t
    A_ub = np.hstack([-P.T, c[:, None]]) if has_t else -P.T
    cost = np.zeros(nv)
    A_eq = np.ones((1, nv))
    if has_t:
        cost[-1], A_eq[0, -1] = -1.0, 0.0
    bounds = [(0.0, None)] * m + [(None, None)] * has_t
    slack = 0.0 if has_t else 1e-9
    res = optimize.linprog(
        cost,
        A_ub=A_ub,
        b_ub=-lower + slack,
        A_eq=A_eq,
        b_eq=[1.0],
        bounds=bounds,
        method="highs",
        options=_LP_OPTIONS,
    )
    if res.status == 2:
        return None
    if res.status != 0:
        raise RuntimeError(f"linear program failed: {res.message}")
    return float(res.x[-1]) if has_t else 0.0


def ideal_points(P: FloatArray, d: FloatArray) -> FloatArray:
    """``a_i = max{u_i : u in S, u >= d}``, one LP per player."""
    n = d.size
    out = np.empty(n)
    for i in range(n):
        lower = np.where(np.arange(n) == i, 0.0, d)  # u_i >= t, u_j >= d_j
        t = hull_level(P, lower, np.eye(n)[i])
        assert t is not None, "d must lie in S"
        out[i] = t
    return out


def pareto_hull_2d(P: FloatArray) -> FloatArray:
    """Vertices of the Pareto frontier of the comprehensive hull of 2-D points, ``u_1`` rising."""
    order = np.lexsort((P[:, 1], P[:, 0]))
    hull: list[FloatArray] = []
    for p in P[order]:  # upper hull, Andrew's monotone chain
        while len(hull) >= 2:
            o, a = hull[-2], hull[-1]
            if (a[0] - o[0]) * (p[1] - o[1]) - (a[1] - o[1]) * (p[0] - o[0]) >= 0.0:
                hull.pop()
            else:
                break
        hull.append(p)
    H = np.array(hull)
    top = int(np.flatnonzero(H[:, 1] == H[:, 1].max()).max())
    return H[top:]


def nash_points(P: FloatArray, d: FloatArray, tau: FloatArray) -> FloatArray:
    """Generalised Nash solution on a point set; ValueError if the problem is inessential."""
    t = hull_level(P, d, np.ones(d.size))
    if t is None or t <= 1e-12:
        raise ValueError("no point of S gives every player strictly more than d")
    if d.size == 2:
        return _nash_2d(P, d, tau)
    return _nash_dual(P, d, tau)


def _nash_2d(P: FloatArray, d: FloatArray, tau: FloatArray) -> FloatArray:
    """Exact: the best vertex or edge point of the Pareto polyline.

    On the edge ``p + s (q - p)`` the stationarity of ``sum tau_i log(u_i - d_i)`` is linear in
    ``s``: ``tau_1 D_1 (p_2 - d_2 + s D_2) + tau_2 D_2 (p_1 - d_1 + s D_1) = 0``.
    """
    V = pareto_hull_2d(P)
    cands = [V]
    for p, q in pairwise(V):
        D = q - p
        den = (tau[0] + tau[1]) * D[0] * D[1]
        if den != 0.0:
            s = -(tau[0] * D[0] * (p[1] - d[1]) + tau[1] * D[1] * (p[0] - d[0])) / den
            cands.append((p + np.clip(s, 0.0, 1.0) * D)[None, :])
    C = np.vstack(cands)
    gain = C - d
    ok = np.all(gain > 0.0, axis=1)
    val = np.where(ok, (tau * np.log(np.where(gain > 0.0, gain, 1.0))).sum(1), -np.inf)
    return C[int(np.argmax(val))].copy()


def _nash_dual(
    P: FloatArray, d: FloatArray, tau: FloatArray, mu_final: float = 1e-12
) -> FloatArray:
    """Nash through its dual, ``min theta - sum tau log y`` s.t. ``theta >= y . (p_j - d)``.

    Log barrier on the ``m`` constraints, ``mu`` from 1 down to ``mu_final`` by twentieths, damped
    Newton with a fraction-to-the-boundary rule; at the optimum ``y_i (u_i - d_i) = tau_i``.
    """
    A = P - d
    n = A.shape[1]
    y = tau / np.maximum(A.max(axis=0), 1e-3)
    theta = float((A @ y).max()) + 1.0

    def barrier(y: FloatArray, theta: float, mu: float) -> float:
        s = theta - A @ y
        if np.any(y <= 0.0) or np.any(s <= 0.0):
            return np.inf
        return theta - tau @ np.log(y) - mu * np.log(s).sum()

    mu = 1.0
    while True:
        for _ in range(100):
            inv = 1.0 / (theta - A @ y)
            W = mu * inv * inv
            g = np.append(-tau / y + mu * (A.T @ inv), 1.0 - mu * inv.sum())
            H = np.empty((n + 1, n + 1))
            H[:n, :n] = np.diag(tau / (y * y)) + (A.T * W) @ A
            H[:n, n] = H[n, :n] = -(A.T @ W)
            H[n, n] = W.sum()
            step = np.linalg.solve(H + 1e-14 * np.diag(np.diag(H)), -g)
            dec = float(-g @ step)
            dy, dt = step[:n], step[n]
            ds = dt - A @ dy
            lim = np.concatenate(
                [-y[dy < 0.0] / dy[dy < 0.0], -(1.0 / inv)[ds < 0.0] / ds[ds < 0.0]]
            )
            a = min(1.0, 0.99 * lim.min()) if lim.size else 1.0
            f0 = barrier(y, theta, mu)
            while (
                barrier(y + a * dy, float(theta + a * dt), mu) > f0 - 1e-4 * a * dec and a > 1e-12
            ):
                a *= 0.5
            y, theta = y + a * dy, float(theta + a * dt)
            if dec < (1e-16 * mu if mu <= mu_final else 0.1 * mu) or a <= 1e-12:
                break
        if mu <= mu_final:
            break
        mu = max(mu * 0.05, mu_final)
    return _polish(P, d, tau, d + tau / y, theta - A @ y)


def _polish(
    P: FloatArray, d: FloatArray, tau: FloatArray, u: FloatArray, slack: FloatArray
) -> FloatArray:
    """Where the optimum is a vertex or on an edge while other points are weakly active, the
    central path converges only like ``sqrt(mu)``: compare with the best vertex and edge point
    among the most nearly active points, each exact, and keep the best of all."""

    def value(v: FloatArray) -> float:
        gain = v - d
        return float(tau @ np.log(gain)) if np.all(gain > 0.0) else -np.inf

    near = np.argsort(slack)[: min(slack.size, d.size + 2)]
    cands = [P[j] for j in near]
    for a, i in enumerate(near):
        for j in near[a + 1 :]:
            cands.append(_edge_max(P[i], P[j], d, tau))
    best, best_val = u, value(u) - 1e-12  # u may sit outside S by rounding: prefer exact points
    for c in cands:
        val = value(c)
        if val > best_val + 1e-15 * abs(best_val):
            best, best_val = c, val
    return np.array(best, dtype=float)


def _edge_max(p: FloatArray, q: FloatArray, d: FloatArray, tau: FloatArray) -> FloatArray:
    """``argmax sum tau_i log(u_i - d_i)`` on the segment ``[p, q]``, to rounding: the
    derivative ``sum tau_i D_i / (p_i - d_i + s D_i)`` falls with ``s``, so its root is found
    by bracketing on the part of the segment where every gain is positive."""
    from scipy import optimize  # here, so that importing negsim skips scipy
    D, g = q - p, p - d
    if np.any((D == 0.0) & (g <= 0.0)):
        return p  # some player never gains on this edge
    moving = D != 0.0
    bound = -g[moving] / D[moving]  # where each moving gain crosses zero
    lo = max([0.0, *bound[(D[moving] > 0.0) & (g[moving] <= 0.0)]])
    hi = min([1.0, *bound[D[moving] < 0.0]])
    if not lo < hi:
        return p

    def slope(s: float) -> float:
        with np.errstate(divide="ignore", invalid="ignore"):
            return float(np.clip(np.nan_to_num(np.sum(tau * D / (g + s * D))), -1e300, 1e300))

    eps = 1e-13 * (hi - lo)
    if slope(hi - eps) >= 0.0:
        return p + hi * D
    if slope(lo + eps) <= 0.0:
        return p + lo * D
    return p + optimize.brentq(slope, lo + eps, hi - eps, xtol=1e-16, rtol=1e-15) * D


# ---------------------------------------------------------------------------------------------
# Two-player frontiers


def frontier_at(f: Frontier, end: float, u1: float) -> float:
    """``F(u1)``: the largest ``u2`` with ``(u1, u2)`` in ``S`` (``-inf`` beyond ``end``)."""
    if u1 > end * (1.0 + 1e-14) + 1e-300:
        return -np.inf
    return float(np.asarray(f(np.asarray(min(max(u1, 0.0), end)))))


def frontier_reach(f: Frontier, end: float, level2: float) -> float:
    """Largest ``u1`` with ``F(u1) >= level2``."""
    from scipy import optimize  # here, so that importing negsim skips scipy
    if frontier_at(f, end, end) >= level2:
        return end
    if frontier_at(f, end, 0.0) < level2:
        return 0.0
    return float(
        optimize.brentq(lambda v: frontier_at(f, end, v) - level2, 0.0, end, xtol=_XTOL, rtol=1e-15)
    )


def frontier_ideal(f: Frontier, end: float, d: FloatArray) -> FloatArray:
    """Ideal point of a frontier problem."""
    return np.array([frontier_reach(f, end, d[1]), frontier_at(f, end, max(d[0], 0.0))])


def frontier_segment_point(f: Frontier, end: float, d: FloatArray, c: FloatArray) -> FloatArray:
    """``d + t c`` with the largest ``t`` keeping it in ``S`` (``c >= 0``, not zero)."""
    from scipy import optimize  # here, so that importing negsim skips scipy

    def slack(t: float) -> float:
        return frontier_at(f, end, d[0] + t * c[0]) - (d[1] + t * c[1])

    t_max = (end - d[0]) / c[0] if c[0] > 0.0 else np.inf
    if np.isfinite(t_max) and slack(t_max) >= 0.0:
        return d + t_max * c
    hi = t_max if np.isfinite(t_max) else 1.0
    while slack(hi) > 0.0:
        hi *= 2.0
    t = float(optimize.brentq(slack, 0.0, hi, xtol=_XTOL, rtol=1e-15)) if slack(0.0) > 0.0 else 0.0
    return d + t * c


def frontier_nash(f: Frontier, end: float, d: FloatArray, tau: FloatArray) -> FloatArray:
    """Generalised Nash on a frontier: a bounded concave maximisation in ``u1``."""
    from scipy import optimize  # here, so that importing negsim skips scipy
    lo = max(d[0], 0.0)
    hi = frontier_reach(f, end, d[1])
    if not hi > lo or not frontier_at(f, end, lo) > d[1]:
        raise ValueError("no point of S gives both players strictly more than d")

    def minus(u1: float) -> float:
        gain2 = frontier_at(f, end, u1) - d[1]
        if u1 <= d[0] or gain2 <= 0.0:
            return 1e300
        return -(tau[0] * np.log(u1 - d[0]) + tau[1] * np.log(gain2))

    res = optimize.minimize_scalar(
        minus, bounds=(lo, hi), method="bounded", options={"xatol": 1e-14}
    )
    u1 = float(res.x)
    return np.array([u1, frontier_at(f, end, u1)])

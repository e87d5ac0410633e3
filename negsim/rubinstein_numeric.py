"""Numeric subgame perfect equilibrium of multi-issue alternating offers, vectorised over runs.

Two actors, A (index 0, who proposes first) and B (index 1), bargain over ``K`` issues with the
spatial utilities of :func:`negsim.utility.utility`, alternating offers without end as in
Rubinstein (1982). Agreement ``x`` in period ``t`` is worth ``d_i + delta_i**t (u_i(x) - d_i)``
to actor ``i``, with ``d_i`` its disagreement utility (perpetual disagreement pays ``d``).

Equilibrium
    The stationary SPE (Rubinstein 1982; for a general frontier Binmore 1987 and Muthoo 1999,
    ch. 3) has each proposer offer the best outcome for itself that leaves the responder
    indifferent between accepting and proposing next period:

    .. math::

        x_A = \\arg\\max_x u_A(x) \\ \\text{s.t.}\\ u_B(x) \\ge v_B, \\qquad
        v_B = \\delta_B u_B(x_B) + (1 - \\delta_B) d_B,

        x_B = \\arg\\max_x u_B(x) \\ \\text{s.t.}\\ u_A(x) \\ge v_A, \\qquad
        v_A = \\delta_A u_A(x_A) + (1 - \\delta_A) d_A.

    A's proposal is accepted at once, so the outcome is ``x_A``. With ``f(v) = max{u_A : u_B >=
    v}`` and ``g(v) = max{u_B : u_A >= v}`` the frontier, the responder values solve the fixed
    point ``v_B = phi(v_B) = delta_B g(delta_A f(v_B) + (1 - delta_A) d_A) + (1 - delta_B) d_B``.
    ``phi`` is non-decreasing, ``phi(d_B) >= d_B`` and ``phi(max u_B) <= max u_B``, so the root
    of ``phi(v) - v`` is bracketed; ``method="bisect"`` (default) halves that bracket to
    ``tol``, ``method="iterate"`` runs the plain fixed-point iteration ``v <- phi(v)`` from
    ``d_B`` (monotone, but contracting only at about ``delta_A delta_B`` per step: some 1,400
    steps to 1e-12 when both discount factors are 0.99). On one issue with ``u_A = x``,
    ``u_B = 1 - x`` and ``d = 0`` this is the closed form ``u_A = (1 - delta_B) / (1 - delta_A
    delta_B)``.

Frontier
    Pareto-optimal outcomes lie issue by issue between the two ideals, ``x_k = p_Ak + t_k (p_Bk
    - p_Ak)``. Every frontier point maximises ``cos(theta) u_A + sin(theta) u_B`` for some
    angle ``theta`` in ``[0, pi/2]``; since utilities are additive, each ``t_k`` solves its own
    first-order condition, in closed form for risk ``r = 1`` (``t_k`` jumps from 0 to 1 at the
    issue's critical angle ``arctan(s_Ak / s_Bk)``) and ``r_A = r_B``, and otherwise by Newton's
    method on ``logit(t_k)``, in which the condition is increasing and convex or concave. The
    ends ``theta = 0, pi/2`` give each actor its ideal, with the issues it does not care about
    handed to the other. The frontier is sampled at ``n_frontier`` angles plus the midpoints
    between critical angles, and interpolated linearly (in outcomes and utilities). With
    linear-additive utilities (both risks 1) the frontier is the polygon through those vertices
    and the result is exact. With risk above 1 utilities are strictly concave, the utility set
    is convex and the chords lie inside it; the sampling is refined ``refine`` times around the
    two proposals, and ``frontier_error`` bounds how far the true frontier can be from the chord
    used there (via the supporting lines at the chord's ends). With the defaults (257 angles,
    two refinements) that bound is typically below 1e-11, and the hand-solved concave case of
    the tests is matched to 1e-14. Risk below 1 (risk acceptance) makes the utility set
    non-convex and is rejected.

References
----------
Binmore, K. (1987). Perfect equilibria in bargaining models. In Binmore, K. & Dasgupta, P.
(eds.), The Economics of Bargaining, 77-105. Blackwell.
Muthoo, A. (1999). Bargaining Theory with Applications. Cambridge University Press.
Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. Econometrica 50(1), 97-109.
"""

from __future__ import annotations

from typing import Literal

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from negsim.utility import utility

__all__ = ["RubinsteinResult", "rubinstein_equilibrium"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
_HALF_PI = np.pi / 2


@attrs.frozen(eq=False)
class RubinsteinResult:
    """The stationary SPE of :func:`rubinstein_equilibrium`, for every run.

    Attributes
    ----------
    outcome : ndarray, shape (n_runs, n_issues)
        The agreement, A's proposal (accepted at once); NaN where no agreement is feasible.
    utility : ndarray, shape (n_runs, 2)
        Utilities of the outcome (``d`` where infeasible).
    proposals : ndarray, shape (n_runs, 2, n_issues)
        ``x_A`` and ``x_B``.
    proposal_utility : ndarray, shape (n_runs, 2, 2)
        ``[i, j]``: utility of actor ``j`` for the proposal of actor ``i``.
    feasible : ndarray of bool, shape (n_runs,)
        Whether some outcome gives both at least ``d``.
    converged : ndarray of bool, shape (n_runs,)
        Whether the fixed point was found to ``tol``.
    frontier_error : ndarray, shape (n_runs,)
        Bound on the distance between the interpolated and the true frontier at the proposals
        (0 for linear-additive utilities).
    """

    outcome: FloatArray
    utility: FloatArray
    proposals: FloatArray
    proposal_utility: FloatArray
    feasible: BoolArray
    converged: BoolArray
    frontier_error: FloatArray


def _logit_root(c: FloatArray, ra: FloatArray, rb: FloatArray) -> FloatArray:
    """Solve ``(r_A - 1) log t - (r_B - 1) log(1 - t) = c`` for ``t`` in ``[0, 1]``.

    ``c = log(sin(theta) s_B r_B D**r_B) - log(cos(theta) s_A r_A D**r_A)`` is the first-order
    condition of one issue; the left side increases in ``t``. All arrays share one shape.
    """
    c = np.clip(c, -1e4, 1e4).ravel()
    a, b = (ra - 1.0).ravel(), (rb - 1.0).ravel()
    s = c / np.maximum(0.5 * (a + b), 1e-300)  # the logit of t; exact when r_A = r_B
    todo = np.flatnonzero((a > 0) & (b > 0) & (a != b))
    for _ in range(100):  # Newton on the logit: monotone and convex or concave, so it converges
        if todo.size == 0:
            break
        st, at, bt = s[todo], a[todo], b[todo]
        e = np.exp(-np.abs(st))
        soft = np.log1p(e)
        log_t = -(np.maximum(-st, 0.0) + soft)
        log_1t = -(np.maximum(st, 0.0) + soft)
        t, one_t = np.exp(log_t), np.exp(log_1t)
        step = (at * log_t - bt * log_1t - c[todo]) / (at * one_t + bt * t)
        s[todo] = st - step
        todo = todo[np.abs(step) > 1e-14 * np.maximum(1.0, np.abs(st))]
    t = np.exp(-np.logaddexp(0.0, -s))
    # One risk-neutral side: (r - 1) log of the other share = c has a closed form.
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        only_b = (a == 0) & (b > 0)  # -(r_B - 1) log(1 - t) = c
        t = np.where(only_b, np.where(c > 0, -np.expm1(-c / np.where(b > 0, b, 1.0)), 0.0), t)
        only_a = (a > 0) & (b == 0)  # (r_A - 1) log t = c
        t = np.where(only_a, np.where(c < 0, np.exp(c / np.where(a > 0, a, 1.0)), 1.0), t)
    t = np.where((a == 0) & (b == 0), (c > 0).astype(float), t)
    return t.reshape(ra.shape)


def _shares(
    theta: FloatArray, weight: FloatArray, risk: FloatArray, dist: FloatArray
) -> FloatArray:
    """Frontier fractions ``t`` (R, F, K) of the way from A's ideal to B's at angles (R, F).

    Angles must lie strictly inside ``(0, pi/2)``; :func:`_ends` gives the two ends.
    """
    wa, wb = weight[:, 0, None, :], weight[:, 1, None, :]
    ra, rb = risk[:, 0, None, None], risk[:, 1, None, None]
    with np.errstate(divide="ignore", invalid="ignore"):
        log_d = np.log(dist)[:, None, :]
        c = (np.log(np.sin(theta))[..., None] + np.log(wb * rb) + rb * log_d) - (
            np.log(np.cos(theta))[..., None] + np.log(wa * ra) + ra * log_d
        )
    shape = np.broadcast_shapes(c.shape, ra.shape)
    c = np.where(np.isnan(c), -np.inf, c)  # both indifferent: stay at A's ideal
    t = _logit_root(c, np.broadcast_to(ra, shape), np.broadcast_to(rb, shape))
    return np.where(dist[:, None, :] > 0, t, 0.0)


def _ends(weight: FloatArray, dist: FloatArray) -> FloatArray:
    """``t`` (R, 2, K) at ``theta = 0`` and ``pi/2``: each actor's ideal, with the issues it does
    not care about given to the other."""
    moves = dist > 0
    return np.stack([(weight[:, 0] == 0) & moves, moves & (weight[:, 1] > 0)], axis=1).astype(float)


@attrs.frozen(eq=False)
class _Frontier:
    theta: FloatArray  # (R, F), increasing from 0 to pi/2
    x: FloatArray  # (R, F, K)
    a: FloatArray  # (R, F), non-increasing
    b: FloatArray  # (R, F), non-decreasing


def _points(
    theta: FloatArray,
    t: FloatArray | None,
    position: FloatArray,
    weight: FloatArray,
    risk: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Frontier points at angles ``theta`` (R, F): angles, outcomes (R, F, K), utilities."""
    if t is None:
        dist = np.abs(position[:, 1] - position[:, 0]) / (hi - lo)
        t = _shares(theta, weight, risk, dist)
    x = position[:, 0, None, :] + t * (position[:, 1, None, :] - position[:, 0, None, :])
    return theta, x, utility(x, position, weight, risk, lo, hi)


def _frontier(*parts: tuple[FloatArray, FloatArray, FloatArray]) -> _Frontier:
    """Merge sets of frontier points into one frontier in angle order."""
    theta = np.concatenate([p[0] for p in parts], axis=1)
    x = np.concatenate([p[1] for p in parts], axis=1)
    u = np.concatenate([p[2] for p in parts], axis=1)
    order = np.argsort(theta, axis=1, kind="stable")
    theta = np.take_along_axis(theta, order, axis=1)
    x = np.take_along_axis(x, order[..., None], axis=1)
    u = np.take_along_axis(u, order[..., None], axis=1)
    # Monotone envelopes guard against rounding noise in the sampled utilities.
    a = np.minimum.accumulate(u[..., 0], axis=1)
    b = np.maximum.accumulate(u[..., 1], axis=1)
    return _Frontier(theta, x, a, b)


def _prefix(values: FloatArray, v: FloatArray, below: bool) -> np.ndarray:
    """Per row, the length of the leading run of ``values < v`` (``below``) or ``values >= v``.

    Rows are monotone, so that run is a prefix; a vectorised binary search finds its end.
    """
    R, F = values.shape
    rows = np.arange(R)
    lo, hi = np.zeros(R, dtype=np.int64), np.full(R, F, dtype=np.int64)
    while np.any(lo < hi):
        mid = (lo + hi) // 2
        x = values[rows, np.minimum(mid, F - 1)]
        inside = (x < v) if below else (x >= v)
        open_ = lo < hi
        lo = np.where(open_ & inside, mid + 1, lo)
        hi = np.where(open_ & ~inside, mid, hi)
    return lo


def _best_a(fr: _Frontier, v: FloatArray) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """``f(v) = max u_A s.t. u_B >= v`` (R,), its outcome (R, K) and the segment index."""
    rows = np.arange(v.size)
    i = _prefix(fr.b, v, below=True)  # first point with u_B >= v
    F = fr.b.shape[1]
    lo_i, hi_i = np.clip(i - 1, 0, F - 1), np.clip(i, 0, F - 1)
    b0, b1 = fr.b[rows, lo_i], fr.b[rows, hi_i]
    lam = np.where(b1 > b0, (v - b0) / np.where(b1 > b0, b1 - b0, 1.0), 1.0)
    lam = np.where(i == 0, 1.0, np.clip(lam, 0.0, 1.0))
    a = fr.a[rows, lo_i] + lam * (fr.a[rows, hi_i] - fr.a[rows, lo_i])
    x = fr.x[rows, lo_i] + lam[:, None] * (fr.x[rows, hi_i] - fr.x[rows, lo_i])
    return np.where(i < F, a, np.nan), x, hi_i


def _best_b(fr: _Frontier, v: FloatArray) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """``g(v) = max u_B s.t. u_A >= v`` (R,), its outcome (R, K) and the segment index."""
    rows = np.arange(v.size)
    j = _prefix(fr.a, v, below=False)  # points 0 .. j - 1 give A at least v
    F = fr.a.shape[1]
    lo_j, hi_j = np.clip(j - 1, 0, F - 1), np.clip(j, 0, F - 1)
    a0, a1 = fr.a[rows, lo_j], fr.a[rows, hi_j]
    lam = np.where(a0 > a1, (a0 - v) / np.where(a0 > a1, a0 - a1, 1.0), 0.0)
    lam = np.where(j == F, 0.0, np.clip(lam, 0.0, 1.0))
    b = fr.b[rows, lo_j] + lam * (fr.b[rows, hi_j] - fr.b[rows, lo_j])
    x = fr.x[rows, lo_j] + lam[:, None] * (fr.x[rows, hi_j] - fr.x[rows, lo_j])
    return np.where(j > 0, b, np.nan), x, hi_j


def _solve(
    fr: _Frontier,
    delta: FloatArray,
    d: FloatArray,
    feasible: BoolArray,
    method: str,
    tol: float,
    max_iter: int,
) -> tuple[FloatArray, BoolArray]:
    """Responder value ``v_B`` (R,) at the fixed point of ``phi``, and convergence flags."""

    def phi(v: FloatArray) -> FloatArray:
        v_a = delta[:, 0] * _best_a(fr, v)[0] + (1 - delta[:, 0]) * d[:, 0]
        return delta[:, 1] * _best_b(fr, v_a)[0] + (1 - delta[:, 1]) * d[:, 1]

    lo = np.where(feasible, d[:, 1], 0.0)
    hi = np.where(feasible, fr.b[:, -1], 0.0)
    if method == "iterate":
        v = lo.copy()
        done = ~feasible
        for _ in range(max_iter):
            new = np.where(done, v, phi(v))
            done |= np.abs(new - v) <= tol
            v = new
            if done.all():
                break
        return v, done
    for _ in range(max_iter):
        mid = 0.5 * (lo + hi)
        up = phi(mid) >= mid
        lo, hi = np.where(up, mid, lo), np.where(up, hi, mid)
        if np.all(hi - lo <= tol):
            break
    return lo, hi - lo <= tol


def _chord_error(fr: _Frontier, k: np.ndarray) -> FloatArray:
    """Distance from the chord ending at point ``k`` to the frontier, at most.

    The frontier between two sampled points lies in the triangle of the chord and the two
    supporting lines there (normals at angles ``theta_0 < theta_1``), whose height over the chord
    is ``L sin(alpha_0) sin(alpha_1) / sin(theta_1 - theta_0)``, ``alpha_i`` the angles between
    the chord (length ``L``) and the supporting lines, ``sin(alpha_i) = |n_i . e| / L``.
    """
    rows = np.arange(k.size)
    j = np.maximum(k - 1, 0)
    t0, t1 = fr.theta[rows, j], fr.theta[rows, k]
    ea, eb = fr.a[rows, k] - fr.a[rows, j], fr.b[rows, k] - fr.b[rows, j]
    length = np.hypot(ea, eb)
    sin0 = np.maximum(-(np.cos(t0) * ea + np.sin(t0) * eb), 0.0)  # L sin(alpha_0)
    sin1 = np.maximum(np.cos(t1) * ea + np.sin(t1) * eb, 0.0)  # L sin(alpha_1)
    ok = (length > 0) & (t1 > t0)
    spread = np.where(ok, np.sin(t1 - t0) * length, 1.0)
    return np.where(ok, sin0 * sin1 / spread, 0.0)


def rubinstein_equilibrium(
    position: ArrayLike,
    weight: ArrayLike,
    risk: ArrayLike,
    lo: ArrayLike,
    hi: ArrayLike,
    discount: ArrayLike,
    disagreement: ArrayLike = 0.0,
    *,
    n_frontier: int = 257,
    refine: int = 2,
    method: Literal["bisect", "iterate"] = "bisect",
    tol: float = 1e-13,
    max_iter: int = 10_000,
) -> RubinsteinResult:
    """Stationary SPE of two-actor, multi-issue alternating offers (A proposes first).

    Parameters
    ----------
    position : ndarray, shape (n_runs, 2, n_issues)
        Ideal points of A and B.
    weight : ndarray, shape (n_runs, 2, n_issues)
        Issue weights (:func:`negsim.utility.issue_weights`).
    risk : ndarray, shape (n_runs, 2)
        Risk exponents, ``>= 1`` (concave utilities).
    lo, hi : ndarray, shape (n_issues,)
        Issue scales.
    discount : ndarray, shape (n_runs, 2)
        Discount factors ``delta`` in ``(0, 1)``.
    disagreement : ndarray, shape (n_runs, 2)
        Disagreement utilities ``d``; default 0.
    n_frontier : int
        Frontier sampling angles; each refinement replaces the previous one's extra angles by
        ``n_frontier`` new ones around each of the two proposals.
    refine : int
        Refinement rounds around the proposals.
    method : {"bisect", "iterate"}
        Bracketing bisection of the fixed point (default) or plain fixed-point iteration.
    tol : float
        Tolerance on the responder value ``v_B``.
    max_iter : int
        Iteration cap of either method.

    Returns
    -------
    RubinsteinResult

    Examples
    --------
    A unit pie (A wants 1, B wants 0) with ``delta = (0.9, 0.8)``: A gets ``0.2 / 0.28 = 5/7``.

    >>> res = rubinstein_equilibrium([[[1.0], [0.0]]], [[[1.0], [1.0]]], [[1.0, 1.0]],
    ...                              [0.0], [1.0], [[0.9, 0.8]])
    >>> round(float(res.utility[0, 0]), 10) == round(5 / 7, 10)
    True
    """
    position = np.asarray(position, dtype=float)
    if position.ndim != 3 or position.shape[1] != 2:
        raise ValueError(f"position: expected shape (n_runs, 2, n_issues), got {position.shape}")
    R, _, K = position.shape
    weight = np.array(np.broadcast_to(np.asarray(weight, dtype=float), (R, 2, K)))
    risk = np.array(np.broadcast_to(np.asarray(risk, dtype=float), (R, 2)))
    delta = np.array(np.broadcast_to(np.asarray(discount, dtype=float), (R, 2)))
    d = np.array(np.broadcast_to(np.asarray(disagreement, dtype=float), (R, 2)))
    lo_, hi_ = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    if np.any(risk < 1):
        raise ValueError(f"risk: must be >= 1 (concave utilities), got min {risk.min()}")
    if np.any(delta <= 0) or np.any(delta >= 1):
        raise ValueError("discount: must lie in (0, 1)")
    if np.any(weight < 0) or not np.all(hi_ > lo_):
        raise ValueError("weight must be >= 0 and hi > lo")
    if method not in ("bisect", "iterate"):
        raise ValueError(f"method: expected 'bisect' or 'iterate', got {method!r}")
    args = (position, weight, risk, lo_, hi_)

    # Angles: a uniform grid, plus midpoints between the critical angles of linear issues.
    grid = (np.arange(n_frontier) + 0.5) / n_frontier * _HALF_PI
    critical = np.sort(np.arctan2(weight[:, 0], weight[:, 1]), axis=1)
    ends = np.concatenate([np.zeros((R, 1)), critical, np.full((R, 1), _HALF_PI)], axis=1)
    mids = np.clip(0.5 * (ends[:, 1:] + ends[:, :-1]), 1e-300, np.nextafter(_HALF_PI, 0.0))
    coarse = _points(np.concatenate([np.broadcast_to(grid, (R, n_frontier)), mids], 1), None, *args)
    dist = np.abs(position[:, 1] - position[:, 0]) / (hi_ - lo_)
    edge = _points(np.tile([0.0, _HALF_PI], (R, 1)), _ends(weight, dist), *args)
    fr = _frontier(edge, coarse)
    fine = np.linspace(0.0, 1.0, n_frontier)
    for step in range(refine + 1):
        feasible = _best_a(fr, d[:, 1])[0] >= d[:, 0]
        v_b, converged = _solve(fr, delta, d, feasible, method, tol, max_iter)
        a_star, x_a, k_a = _best_a(fr, v_b)
        v_a = delta[:, 0] * a_star + (1 - delta[:, 0]) * d[:, 0]
        _, x_b, k_b = _best_b(fr, np.where(feasible, v_a, d[:, 0]))
        if step == refine:
            break
        F = fr.theta.shape[1]
        brackets = []
        for k in (k_a, k_b):  # sample densely between the neighbours of the segment used
            left = fr.theta[np.arange(R), np.clip(k - 2, 0, F - 1)]
            right = fr.theta[np.arange(R), np.clip(k + 1, 0, F - 1)]
            brackets.append(left[:, None] + fine * (right - left)[:, None])
        inside = np.clip(np.concatenate(brackets, axis=1), 1e-300, np.nextafter(_HALF_PI, 0.0))
        fr = _frontier(edge, coarse, _points(inside, None, *args))

    linear = (risk == 1).all(axis=1)
    error = np.maximum(_chord_error(fr, k_a), _chord_error(fr, k_b))
    error = np.where(linear | ~feasible, 0.0, error)
    x_a = np.where(feasible[:, None], x_a, np.nan)
    x_b = np.where(feasible[:, None], x_b, np.nan)
    proposals = np.stack([x_a, x_b], axis=1)
    pu = utility(np.where(np.isnan(proposals), 0.0, proposals), position, weight, risk, lo_, hi_)
    pu = np.where(feasible[:, None, None], pu, d[:, None, :])
    return RubinsteinResult(
        outcome=x_a,
        utility=pu[:, 0].copy(),
        proposals=proposals,
        proposal_utility=pu,
        feasible=feasible,
        converged=converged | ~feasible,
        frontier_error=error,
    )

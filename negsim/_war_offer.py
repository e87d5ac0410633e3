"""The proposer's problem in the war engine: its best package that every required ratifier accepts.

For a proposer ``P`` and a set ``S`` of ratifiers with acceptance levels ``T_j``, solve, for every
run at once,

.. math:: \\max_z\\; u_P(z) \\quad\\text{s.t.}\\quad u_j(z) \\ge T_j \\;(j \\in S),
          \\qquad u_j(z) = \\sum_k w_{jk} (1 - |z_k - q_{jk}|^{r_j})

over the unit box (normalised issue units). Utilities are separable across issues and concave
for ``r >= 1``, so the problem is convex and its Lagrangian

.. math:: L(z, \\lambda) = u_P(z) + \\sum_{j \\in S} \\lambda_j (u_j(z) - T_j)

is maximised issue by issue: at a weighted median of the ideal points (weights ``lambda_j w_jk``,
``w_Pk`` for the proposer) when every exponent is 1, else where the derivative changes sign
(bisection). The dual ``min_{lambda >= 0} max_z L`` is approached by projected subgradient
steps from a warm start; every primal iterate that satisfies all constraints is a candidate, the
best is kept, and a last bisection along the segment from it towards the final Lagrangian
maximiser moves as far as feasibility allows.

Guarantees. With a single ratifier besides the proposer the exact contract-curve solver of
:mod:`negsim._bilateral` is used: the offer is optimal (checked against multi-start SLSQP in
``tests/test_war_engine.py``). With several, every offer returned satisfies all constraints
(to ``1e-12``), but the subgradient path is a heuristic: it can miss the optimum by a visible
margin, and can miss a feasible package altogether (the war then goes on for that round). A
bounded-gap multilateral solver is still to be written.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from negsim._bilateral import best_subject_to

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_TOL = 1e-12
STEP = 4.0  # scale of the subgradient steps on the multipliers


def utilities(z: FloatArray, q: FloatArray, w: FloatArray, r: FloatArray,
              linear: bool = False) -> FloatArray:
    """Every actor's utility of packages ``z`` (R, K): shape (R, n).

    ``linear=True`` promises that every exponent is 1 (skips the power).
    """
    d = np.abs(z[:, None, :] - q)
    if not linear:
        d = d ** r[:, :, None]
    return (w * (1.0 - d)).sum(axis=2)


def _maximiser(c: FloatArray, q: FloatArray, w: FloatArray, r: FloatArray, fixed: FloatArray,
               linear: bool, order: NDArray[np.intp] | None,
               sorted_q: FloatArray | None = None, sorted_w: FloatArray | None = None
               ) -> FloatArray:
    """Per issue, argmax of sum_j c_j w_jk (-|z - q_jk|^r_j): shape (R, K)."""
    weight = c[:, :, None] * w  # (R, n, K)
    total = weight.sum(axis=1)  # (R, K)
    if linear:
        assert order is not None and sorted_q is not None and sorted_w is not None
        sq = sorted_q
        sw = np.take_along_axis(c, order.reshape(order.shape[0], -1), axis=1).reshape(
            order.shape) * sorted_w
        cum = np.cumsum(sw, axis=1)
        idx = np.argmax(cum >= 0.5 * total[:, None, :] - 1e-15, axis=1)  # (R, K)
        z = np.take_along_axis(sq, idx[:, None, :], axis=1)[:, 0, :]
    else:
        lo, hi = np.zeros_like(total), np.ones_like(total)
        rr = r[:, :, None]
        for _ in range(40):
            mid = 0.5 * (lo + hi)
            gap = q - mid[:, None, :]
            slope = (weight * rr * np.abs(gap) ** (rr - 1.0) * np.sign(gap)).sum(axis=1)
            up = slope > 0.0
            lo = np.where(up, mid, lo)
            hi = np.where(up, hi, mid)
        z = 0.5 * (lo + hi)
    return np.where(total > 0.0, z, fixed)


def best_offer(q: FloatArray, w: FloatArray, r: FloatArray, floor: FloatArray, need: BoolArray,
               proposer: NDArray[np.intp], fixed: FloatArray, *, iters: int = 60,
               lam: FloatArray | None = None, polish: int = 16
               ) -> tuple[FloatArray, BoolArray, FloatArray]:
    """The proposer's best package that every required ratifier accepts, for every run.

    Parameters
    ----------
    q, w : ndarray, shape (R, n, K)
        Normalised ideal points and issue weights.
    r : ndarray, shape (R, n)
        Risk exponents, ``>= 1``.
    floor : ndarray, shape (R, n)
        Acceptance levels ``T_j``.
    need : ndarray of bool, shape (R, n)
        Whose acceptance the package needs (the proposer's own entry is ignored).
    proposer : ndarray of int, shape (R,)
    fixed : ndarray, shape (R, K)
        Value of an issue nobody weighs (the status quo).
    iters : int
        Dual iterations (multilateral path).
    lam : ndarray, shape (R, n), optional
        Warm start for the multipliers.
    polish : int
        Bisection steps of the last line search.

    Returns
    -------
    z : ndarray, shape (R, K)
        The package (the proposer's ideal where none is feasible).
    feasible : ndarray of bool, shape (R,)
    lam : ndarray, shape (R, n)
        The final multipliers (a warm start for the next call).
    """
    R, n, K = q.shape
    rows = np.arange(R)
    need = need.copy()
    need[rows, proposer] = False
    qp, wp, rp = q[rows, proposer], w[rows, proposer], r[rows, proposer]
    count = need.sum(axis=1)
    lam = np.zeros((R, n)) if lam is None else np.where(need, lam, 0.0)
    if R == 0:
        return np.zeros((0, K)), np.zeros(0, dtype=bool), lam
    z_ideal = np.where(wp > 0.0, qp, fixed)
    if (count <= 1).all():
        other = np.argmax(need, axis=1)
        lvl = np.where(count == 1, floor[rows, other], -np.inf)
        z, ok = best_subject_to(qp, wp, rp, q[rows, other], w[rows, other], r[rows, other],
                                lvl, fixed)
        z = np.where((count == 0)[:, None], z_ideal, z)
        u = utilities(z, q, w, r)
        ok = ok & ((u >= floor - 1e-9) | ~need).all(axis=1)
        return z, ok, lam

    linear = bool((r == 1.0).all())
    order = np.argsort(q, axis=1, kind="stable") if linear else None
    sorted_q = np.take_along_axis(q, order, axis=1) if order is not None else None
    sorted_w = np.take_along_axis(w, order, axis=1) if order is not None else None
    best_z = z_ideal.copy()
    best_u = np.full(R, -np.inf)
    z = z_ideal
    for t in range(iters):
        c = lam.copy()
        c[rows, proposer] = 1.0
        z = _maximiser(c, q, w, r, fixed, linear, order, sorted_q, sorted_w)
        u = utilities(z, q, w, r, linear)
        viol = np.where(need, floor - u, 0.0)
        ok = (viol <= _TOL).all(axis=1)
        better = ok & (u[rows, proposer] > best_u)
        best_z = np.where(better[:, None], z, best_z)
        best_u = np.where(better, u[rows, proposer], best_u)
        step = STEP / np.sqrt(t + 1.0)
        lam = np.where(need, np.maximum(0.0, lam + step * viol), 0.0)
    found = np.isfinite(best_u)
    # polish: from the best feasible point towards the last Lagrangian maximiser
    base = best_z.copy()
    lo, hi = np.zeros(R), np.ones(R)
    for _ in range(polish):
        mid = 0.5 * (lo + hi)
        u = utilities(base + mid[:, None] * (z - base), q, w, r, linear)
        ok = (np.where(need, floor - u, 0.0) <= _TOL).all(axis=1)
        lo = np.where(ok, mid, lo)
        hi = np.where(ok, hi, mid)
    zz = base + lo[:, None] * (z - base)
    u = utilities(zz, q, w, r)
    ok = (np.where(need, floor - u, 0.0) <= _TOL).all(axis=1)
    better = found & ok & (u[rows, proposer] > best_u)
    best_z = np.where(better[:, None], zz, best_z)
    return np.where(found[:, None], best_z, z_ideal), found, lam

"""The proposer's problem in the war engine: its best package that every required ratifier accepts.

For a proposer ``P`` and a set ``S`` of ratifiers with acceptance levels ``T_j``, solve, for every
run at once,

.. math:: \\max_z\\; u_P(z) \\quad\\text{s.t.}\\quad u_j(z) \\ge T_j \\;(j \\in S),
          \\qquad u_j(z) = \\sum_k w_{jk} (1 - |z_k - q_{jk}|^{r_j})

over the unit box (normalised issue units). Utilities are separable across issues and concave
for ``r >= 1``, so the problem is convex.

- With a single ratifier besides the proposer, the contract-curve solver of
  :mod:`negsim._bilateral` is exact to rounding (checked against multi-start SLSQP in
  ``tests/test_war_engine.py``).
- With several, :func:`exact_offer` solves two convex problems with the log-barrier max-min
  solver of :mod:`negsim._spatial_bargaining`: first the largest common margin by which every
  required ratifier can beat its level (a negative upper bound proves that no package is
  acceptable: the war goes on), then, from the strictly feasible point that gives, the
  proposer's maximum along the central path. The Lagrangian bound at the end certifies the gap
  (typically ``1e-10`` in utility, always below ``1e-5`` in the tests; checked against
  multi-start SLSQP on random cases).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from negsim._bilateral import best_subject_to

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]



def utilities(z: FloatArray, q: FloatArray, w: FloatArray, r: FloatArray,
              linear: bool = False) -> FloatArray:
    """Every actor's utility of packages ``z`` (R, K): shape (R, n).

    ``linear=True`` promises that every exponent is 1 (skips the power).
    """
    d = np.abs(z[:, None, :] - q)
    if not linear:
        d = d ** r[:, :, None]
    return (w * (1.0 - d)).sum(axis=2)


def best_offer(q: FloatArray, w: FloatArray, r: FloatArray, floor: FloatArray, need: BoolArray,
               proposer: NDArray[np.intp], fixed: FloatArray
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

    Returns
    -------
    z : ndarray, shape (R, K)
        The package (the proposer's ideal where none is feasible).
    feasible : ndarray of bool, shape (R,)
    gap : ndarray, shape (R,)
        A certified bound on how far the proposer's utility is below its optimum: 0 where the
        bilateral solver (exact to rounding) or the proposer's own ideal applies, NaN where no
        package is feasible.
    """
    R = q.shape[0]
    rows = np.arange(R)
    need = need.copy()
    need[rows, proposer] = False
    count = need.sum(axis=1)
    z = np.where(w[rows, proposer] > 0.0, q[rows, proposer], fixed)
    feasible = count == 0
    gap = np.where(feasible, 0.0, np.nan)
    one = np.flatnonzero(count == 1)
    if one.size:
        other = np.argmax(need[one], axis=1)
        pr = proposer[one]
        zo, ok = best_subject_to(q[one, pr], w[one, pr], r[one, pr], q[one, other],
                                 w[one, other], r[one, other], floor[one, other], fixed[one])
        u = utilities(zo, q[one], w[one], r[one])
        ok &= ((u >= floor[one] - 1e-9) | ~need[one]).all(axis=1)
        z[one], feasible[one], gap[one] = zo, ok, np.where(ok, 0.0, np.nan)
    many = np.flatnonzero(count >= 2)
    if many.size:
        zm, ok, gm = exact_offer(q[many], w[many], r[many], floor[many], need[many],
                                 proposer[many], fixed[many])
        z[many], feasible[many], gap[many] = zm, ok, gm
    return z, feasible, gap


def exact_offer(q: FloatArray, w: FloatArray, r: FloatArray, floor: FloatArray,
                need: BoolArray, proposer: NDArray[np.intp], fixed: FloatArray,
                start: FloatArray | None = None
                ) -> tuple[FloatArray, BoolArray, FloatArray]:
    """The proposer's best package under several acceptance constraints, with a certified gap.

    Two convex problems solved by the log-barrier max-min solver of
    :mod:`negsim._spatial_bargaining` (the one behind the Kalai-Smorodinsky ideal points):

    1. ``max t`` s.t. ``u_j(z) >= T_j + t`` for the required ratifiers: a negative upper bound
       on ``t`` proves that no package is acceptable; a positive ``t`` gives a point strictly
       inside every constraint;
    2. from that point, ``max u_P(z)`` s.t. ``u_j(z) >= T_j``, along the central path, whose
       Lagrangian bound certifies the gap to the optimum (``upper - u_P``).

    Parameters are those of :func:`best_offer`; ``start`` is an optional first point for
    step 1. Returns the packages, a feasibility mask (``t* > 1e-9``: acceptable with a margin
    of rounding), and the certified gaps (NaN where infeasible).
    """
    from negsim import _spatial_bargaining as _sb, _spatial_kernel as _sk

    R, n, _ = q.shape
    rows = np.arange(R)
    need = need.copy()
    need[rows, proposer] = False
    include = need.copy()
    include[rows, proposer] = True
    weighed = (np.where(include[:, :, None], w, 0.0) > 0.0).any(axis=1)  # (R, K)
    b_lo = np.where(weighed, 0.0, fixed)
    b_hi = np.where(weighed, 1.0, fixed)
    sp = _sk.Space(q, w, r, b_lo, b_hi)
    if start is None:
        wi = np.where(include[:, :, None], w, 0.0)
        tot = wi.sum(axis=1)
        start = np.where(tot > 0.0, (wi * q).sum(axis=1) / np.where(tot > 0.0, tot, 1.0),
                         fixed)
    # step 1 stops at the first point inside every constraint by 1e-6; where no such point
    # exists it runs to the optimum, so "infeasible" is decided on the certified value
    z1, t1, _, _ = _sb.maxmin(sp, floor, need.astype(float), need, np.clip(start, b_lo, b_hi),
                              stop_above=1e-6)
    feasible = t1 > 1e-9
    z = np.where(weighed, q[rows, proposer], fixed)
    gap = np.full(R, np.nan)
    ok = np.flatnonzero(feasible)
    if ok.size:
        e = np.where(need, floor, 0.0)[ok]
        c = np.zeros((ok.size, n))
        c[np.arange(ok.size), proposer[ok]] = 1.0
        z2, t2, up2, _ = _sb.maxmin(sp.take(ok), e, c, include[ok], z1[ok])
        z[ok] = z2
        gap[ok] = up2 - t2
    return z, feasible, gap


"""The best deal one party can get subject to another's floor, exactly, for two parties (private).

For two actors ``A`` and ``B`` with the spatial utilities of :mod:`negsim.utility` over the
outcome box, :func:`best_subject_to` solves

.. math:: \\max_x\\; u_A(x) \\quad \\text{s.t.}\\quad u_B(x) \\ge v

for every run at once: the take-it-or-leave-it offer of ``A`` to a ``B`` whose acceptance level is
``v``. With concave utilities (every risk exponent ``r >= 1``) the solution is a point of the
contract curve, ``x(theta) = argmax (1 - theta) u_A + theta u_B``, which is separable over issues:
on each issue the maximiser lies between the two ideal points, where the one-dimensional objective
is concave, and is found by bisection on its derivative (closed form when both are risk neutral:
the issue goes to whoever weighs it more). ``u_B(x(theta))`` rises with ``theta``; a bisection on
``theta`` brackets the level ``v``, and a last bisection along the segment between the two
bracketing points lands on ``u_B = v`` exactly. With linear utilities (``r = 1``) the optimum of
this linear programme lies on that segment, so the answer is exact to rounding, not only to the
bisection tolerance; with curved utilities the two bracketing points coincide to ``1e-15``.

Everything is in normalised units ``z = (x - lo) / (hi - lo)``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

_STEPS = 64


def _distance(theta: FloatArray, a: FloatArray, b: FloatArray, ra: FloatArray, rb: FloatArray,
              span: FloatArray, lo: FloatArray, hi: FloatArray, steps: int) -> FloatArray:
    """Per issue, how far from A's ideal towards B's the contract curve lies at ``theta``.

    The maximiser of ``(1-theta) a (1-|z-qa|^ra) + theta b (1-|z-qb|^rb)`` lies at distance ``x``
    from ``qa`` solving ``wa ra x^(ra-1) = wb rb (D - x)^(rb-1)``, ``D = |qb - qa|`` (concave for
    ``r >= 1``): in closed form when both exponents are 1 or 2, otherwise by ``steps`` bisections
    inside the bracket ``[lo, hi]`` (callers narrow it as ``theta`` converges, since ``x`` rises
    with ``theta``). All arrays have shape (R, K) except ``theta`` (R,).
    """
    wa = (1.0 - theta)[:, None] * a
    wb = theta[:, None] * b
    x = np.zeros_like(a)
    with np.errstate(divide="ignore", invalid="ignore"):
        one_one = (ra == 1.0) & (rb == 1.0)
        x = np.where(one_one & (wb > wa), span, x)
        two_two = (ra == 2.0) & (rb == 2.0)
        x = np.where(two_two, wb * span / (wa + wb), x)
        one_two = (ra == 1.0) & (rb == 2.0)
        x = np.where(one_two, span - wa / (2.0 * wb), x)
        two_one = (ra == 2.0) & (rb == 1.0)
        x = np.where(two_one, wb / (2.0 * wa), x)
    other = ~(one_one | two_two | one_two | two_one) & (wa > 0.0) & (wb > 0.0) & (span > 0.0)
    if other.any():
        i = np.nonzero(other)
        sa, sb, d, pa, pb = wa[i], wb[i], span[i], ra[i], rb[i]
        left, right = lo[i].copy(), hi[i].copy()
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            for _ in range(steps):
                mid = 0.5 * (left + right)
                ga = np.where(mid > 0.0, sa * pa * mid ** (pa - 1.0), np.where(pa < 1.0, np.inf,
                                                                                0.0))
                db = d - mid
                gb = np.where(db > 0.0, sb * pb * db ** (pb - 1.0), np.where(pb < 1.0, np.inf,
                                                                              0.0))
                rising = gb > ga
                left = np.where(rising, mid, left)
                right = np.where(rising, right, mid)
        x[i] = 0.5 * (left + right)
    return np.where(wb <= 0.0, 0.0, np.where(wa <= 0.0, span, np.clip(np.nan_to_num(x), 0.0,
                                                                       span)))


def _utility(z: FloatArray, q: FloatArray, w: FloatArray, r: FloatArray) -> FloatArray:
    return (w * (1.0 - np.abs(z - q) ** r[:, None])).sum(axis=1)


def best_subject_to(qa: FloatArray, wa: FloatArray, ra: FloatArray, qb: FloatArray,
                    wb: FloatArray, rb: FloatArray, floor: FloatArray, fixed: FloatArray
                    ) -> tuple[FloatArray, NDArray[np.bool_]]:
    """``argmax u_A(z) s.t. u_B(z) >= floor`` over the unit box, for every run.

    Parameters
    ----------
    qa, wa, qb, wb : ndarray, shape (R, K)
        Normalised ideal points and issue weights of A and B.
    ra, rb : ndarray, shape (R,)
        Risk exponents (the result is exact for ``r >= 1``).
    floor : ndarray, shape (R,)
        B's acceptance level.
    fixed : ndarray, shape (R, K)
        Where neither weighs an issue, its value (the status quo).

    Returns
    -------
    z : ndarray, shape (R, K)
    feasible : ndarray of bool, shape (R,)
        False where no outcome gives B its floor (``z`` is then B's ideal).
    """
    nobody = (wa <= 0.0) & (wb <= 0.0)
    R, K = qa.shape
    ra_, rb_ = np.broadcast_to(ra[:, None], (R, K)), np.broadcast_to(rb[:, None], (R, K))
    span = np.abs(qb - qa)
    sign = np.where(qb >= qa, 1.0, -1.0)

    def point(x: FloatArray) -> FloatArray:
        return np.where(nobody, fixed, qa + sign * x)

    # the ends of the contract curve: A's ideal (B's where A does not care) and B's ideal
    x_lo = np.where(wa > 0.0, 0.0, span)
    x_hi = np.where(wb > 0.0, span, 0.0)
    z_lo, z_hi = point(x_lo), point(x_hi)
    u_lo, u_hi = _utility(z_lo, qb, wb, rb), _utility(z_hi, qb, wb, rb)
    feasible = u_hi >= floor - 1e-13
    done = u_lo >= floor
    th_lo, th_hi = np.zeros(R), np.ones(R)
    for step in range(_STEPS):
        mid = 0.5 * (th_lo + th_hi)
        x = _distance(mid, wa, wb, ra_, rb_, span, x_lo, x_hi, _STEPS if step == 0 else 32)
        ok = _utility(point(x), qb, wb, rb) >= floor
        th_hi = np.where(ok, mid, th_hi)
        th_lo = np.where(ok, th_lo, mid)
        x_hi = np.where(ok[:, None], x, x_hi)
        x_lo = np.where(ok[:, None], x_lo, x)
    z_lo, z_hi = point(x_lo), point(x_hi)
    # along the segment between the bracketing points u_B rises: land on the floor
    s_lo, s_hi = np.zeros(R), np.ones(R)
    for _ in range(_STEPS):
        mid = 0.5 * (s_lo + s_hi)
        z = z_lo + mid[:, None] * (z_hi - z_lo)
        ok = _utility(z, qb, wb, rb) >= floor
        s_hi = np.where(ok, mid, s_hi)
        s_lo = np.where(ok, s_lo, mid)
    z = z_lo + s_hi[:, None] * (z_hi - z_lo)
    z = np.where(done[:, None], point(np.where(wa > 0.0, 0.0, span)),
                 np.where(feasible[:, None], z, qb))
    return np.where(nobody, fixed, z), feasible

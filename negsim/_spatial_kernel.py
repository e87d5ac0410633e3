"""The spatial outcome space as arrays, and bounds on optimality (private).

Shared by the vectorised solvers of :mod:`negsim._spatial_bargaining`. A batch of problems lives
in normalised units ``z_k = (x_k - lo_k) / (hi_k - lo_k)`` with the run axis first: positions
``q`` and weights ``w`` of shape (B, n, K), risk exponents ``r`` (B, n), per-run bounds
``lo, hi`` (B, K) (equal where a coordinate is fixed), and utilities

.. math::

    u_j(z) = \\sum_k w_{jk} \\bigl(1 - |z_k - q_{jk}|^{r_j}\\bigr).

**Certificates.** For multipliers ``y_j >= 0``, concavity of ``log`` gives, for every ``z'``,
``Phi(z') <= Phi(z) + sum_k [psi_k(z'_k) - psi_k(z_k)]`` with
``psi_k(zeta) = sum_j y_j w_jk (1 - |zeta - q_jk|^{r_j})`` concave in one variable when every
``r_j >= 1`` (:func:`certificate`). Its rise is bounded first from the one-sided derivatives at
``z_k`` and, where that is not tight, exactly (piecewise linear) or by the tangents at the ends
of a shrinking bracket (curved). :func:`duality_gap` turns it into a bound on the distance to the
optimal Nash objective, second order when ``y`` comes from the slacks a Newton step predicts.
"""

from __future__ import annotations

from functools import reduce
from typing import Any

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
Cache = tuple  # (t, P, u): offsets z - q, losses |z - q|^r (None when every r = 1), utilities

_DENSE = 256  # linear slopes of at least this many runs: kinks marked densely, not listed
_BIG = 1e12  # stand-in for an infinite slope or curvature at an actor's own position
_TINY = 1e-60


# Reductions along the short second axis of a (B, m) array: numpy's own reduce an axis of a few
# elements slowly, an elementwise operation per column is several times faster on many rows
# (and gives the same result; sums are left to numpy, whose order of summation differs)
_COLUMNS = 24
_ROWS = 64


def _by_columns(a: NDArray[np.generic]) -> bool:
    return a.shape[0] >= _ROWS and 1 < a.shape[1] <= _COLUMNS


def row_min(a: FloatArray) -> FloatArray:
    """``a.min(axis=1)`` of a 2-D array."""
    return reduce(np.minimum, a.T) if _by_columns(a) else a.min(axis=1)


def row_max(a: FloatArray) -> FloatArray:
    """``a.max(axis=1)`` of a 2-D array."""
    return reduce(np.maximum, a.T) if _by_columns(a) else a.max(axis=1)


def row_any(a: BoolArray) -> BoolArray:
    """``a.any(axis=1)`` of a 2-D array."""
    return reduce(np.logical_or, a.T) if _by_columns(a) else a.any(axis=1)


def row_all(a: BoolArray) -> BoolArray:
    """``a.all(axis=1)`` of a 2-D array."""
    return reduce(np.logical_and, a.T) if _by_columns(a) else a.all(axis=1)


class Space:
    """A batch of spatial problems in normalised units (run axis first).

    Parameters
    ----------
    q : ndarray, shape (B, n, K)
        Positions in ``[0, 1]``.
    w : ndarray, shape (B, n, K)
        Issue weights.
    r : ndarray, shape (B, n)
        Risk exponents.
    lo, hi : ndarray, shape (B, K)
        Per-run bounds of each coordinate (equal where a coordinate is fixed).
    """

    __slots__ = ("_arrays", "_base", "_rows", "has_cells", "linear")

    def __init__(self, q: FloatArray, w: FloatArray, r: FloatArray, lo: FloatArray, hi: FloatArray):
        # C order throughout, so that sub-batches (take) and compiled steps copy nothing more
        q, w = np.ascontiguousarray(q), np.ascontiguousarray(w)
        self._base: Space | None = None
        self._rows: NDArray[np.intp] | None = None
        self.linear = bool(np.all(r == 1.0))
        low, high = lo[:, None, :], hi[:, None, :]
        cell = (w > 0.0) & (r < 2.0)[:, :, None] & (q > low) & (q < high)
        self.has_cells = bool(cell.any())
        # cell boundaries of each issue, sorted along the first axis, padded with at least one
        # level of +inf: shape (m, B, K), m <= n + 1
        B, n, K = q.shape
        bounds = np.full((B, K, n + 1), np.inf)
        bounds[:, :, :n] = np.where(cell, q, np.inf).transpose(0, 2, 1)
        bounds.sort(axis=2)
        m = int(np.count_nonzero(cell, axis=1).max(initial=0)) + 1
        self._arrays: dict[str, NDArray[Any]] = {
            "q": q, "w": w, "r": r, "lo": lo, "hi": hi, "wsum": w.sum(axis=-1),
            "kink": cell & (r <= 1.0)[:, :, None],
            "cells": np.ascontiguousarray(bounds[:, :, :m].transpose(2, 0, 1)),
        }

    def _get(self, name: str) -> NDArray[Any]:
        a = self._arrays.get(name)
        if a is None:  # a view's rows of its base, copied on first use
            assert self._base is not None and self._rows is not None
            base = self._base._arrays[name]
            a = np.take(base, self._rows, axis=1) if name == "cells" else base[self._rows]
            self._arrays[name] = a
        return a

    q = property(lambda self: self._get("q"), doc="Positions (B, n, K).")
    w = property(lambda self: self._get("w"), doc="Weights (B, n, K).")
    r = property(lambda self: self._get("r"), doc="Risk exponents (B, n).")
    lo = property(lambda self: self._get("lo"), doc="Lower bounds (B, K).")
    hi = property(lambda self: self._get("hi"), doc="Upper bounds (B, K).")
    wsum = property(lambda self: self._get("wsum"), doc="Total weight of each actor (B, n).")
    kink = property(lambda self: self._get("kink"), doc="Kinks at the positions (B, n, K).")
    cells = property(lambda self: self._get("cells"),
                     doc="Cell boundaries of each issue, sorted, +inf padded (m, B, K).")

    def take(self, idx: NDArray[np.intp]) -> Space:
        """The sub-batch of runs ``idx``."""
        out = object.__new__(Space)
        out._base, out._rows = None, None
        base, rows = self.base_rows()
        out._arrays = {}
        for name in ("q", "w", "r", "lo", "hi", "wsum", "kink", "cells"):
            # from the base's arrays where this space's are not copied out yet
            own = self._arrays.get(name)
            a, at = (own, idx) if own is not None or rows is None else (
                base._arrays[name], rows[idx])
            if a is None:
                a = base._arrays[name]
            # C-contiguous, unlike cells[:, idx]
            out._arrays[name] = np.take(a, at, axis=1) if name == "cells" else a[at]
        out.linear = self.linear
        out.has_cells = self.has_cells
        return out

    def view(self, idx: NDArray[np.intp]) -> Space:
        """The sub-batch of runs ``idx``, its arrays copied only when read (a compiled step
        reads the base's arrays through :meth:`base_rows` instead)."""
        out = object.__new__(Space)
        base, rows = self.base_rows()
        out._base = base
        out._rows = idx if rows is None else rows[idx]
        out._arrays = {}
        out.linear = self.linear
        out.has_cells = self.has_cells
        return out

    def base_rows(self) -> tuple[Space, NDArray[np.intp] | None]:
        """The space whose arrays hold this one's runs, and which of its runs they are (None:
        this space itself, all of its runs)."""
        if self._base is None:
            return self, None
        return self._base, self._rows


def evaluate(sp: Space, z: FloatArray, rows: NDArray[np.intp] | None = None) -> Cache:
    """Utilities at ``z`` (B, K), with the pieces the derivatives reuse; ``rows`` evaluates a
    subset of the runs (``z`` then has one row per entry of ``rows``)."""
    if rows is None:
        q, w, wsum, r = sp.q, sp.w, sp.wsum, sp.r
    else:
        q, w, wsum, r = sp.q[rows], sp.w[rows], sp.wsum[rows], sp.r[rows]
    t = z[:, None, :] - q
    P = np.abs(t)
    if sp.linear:  # the losses are |t|, which nothing reads again: no need to keep them
        u = wsum - np.einsum("bnk,bnk->bn", w, P)
        return t, None, u
    P **= r[:, :, None]
    u = wsum - np.einsum("bnk,bnk->bn", w, P)
    return t, P, u


def utilities(sp: Space, z: FloatArray) -> FloatArray:
    """Utilities at ``z`` (B, K) only, shape (B, n)."""
    P = z[:, None, :] - sp.q
    np.abs(P, out=P)
    if not sp.linear:
        P **= sp.r[:, :, None]
    return sp.wsum - np.einsum("bnk,bnk->bn", sp.w, P)


def rows_of(cache: Cache, idx: NDArray[np.intp]) -> Cache:
    """The rows ``idx`` of a cache."""
    return tuple(None if a is None else a[idx] for a in cache)


class Slopes:
    """Derivatives of the losses ``|z_k - q_jk|^r_j`` in ``z_k`` at a point.

    ``ms`` is the derivative where ``z_k != q_jk``; at the (few) offsets that are exactly zero
    (indices ``zb, zj, zk``) it is 0 and ``kick`` holds the one-sided magnitude (1 when
    ``r = 1``, 0 when ``r > 1``): the loss rises at that rate on both sides. ``d2`` is the
    curvature clipped to ``[0, BIG]`` (``None``: zero everywhere). When every ``r = 1``
    (``linear``) on a large batch (``dense``), the zero offsets are instead marked by ``zero``
    (B, n, K), and ``zb, zj, zk, kick`` are not set.
    """

    __slots__ = ("d2", "dense", "kick", "linear", "ms", "zb", "zero", "zj", "zk")

    def __init__(self, sp: Space, cache: Cache):
        t, P, _ = cache
        self.linear = sp.linear
        self.dense = sp.linear and t.shape[0] >= _DENSE
        if sp.linear:
            self.ms, self.d2 = np.sign(t), None
            if self.dense:
                self.zero = t == 0.0
            else:
                self.zb, self.zj, self.zk = np.nonzero(t == 0.0)
                self.kick = np.ones(self.zb.size)
            return
        self.zb, self.zj, self.zk = np.nonzero(np.abs(t) <= _TINY)  # 1 / t would overflow
        r = sp.r[:, :, None]
        # offsets within _TINY of 0 (zero or subnormal: 1 / t overflows) are overwritten below
        with np.errstate(divide="ignore", over="ignore", invalid="ignore"):
            inv = 1.0 / t  # signed: d|t|^r/dt = r |t|^r / t
            ms = r * P
            ms *= inv
            d2 = (r - 1.0) * ms
            d2 *= inv
        rz = sp.r[self.zb, self.zj]
        ms[self.zb, self.zj, self.zk] = 0.0
        d2[self.zb, self.zj, self.zk] = np.where(
            rz == 2.0, 2.0, np.where((rz > 1.0) & (rz < 2.0), _BIG, 0.0)
        )
        self.ms, self.d2 = ms, np.clip(d2, 0.0, _BIG, out=d2)
        self.kick = np.where(rz == 1.0, 1.0, np.where(rz < 1.0, _BIG, 0.0))

    def directional(self, wy: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Slopes of ``sum_j wy_jk (1 - loss_jk)`` moving up from ``z_k`` and arriving from
        below, shape (B, K) each."""
        B, n, K = wy.shape
        mid = -np.einsum("bnk,bnk->bk", wy, self.ms)
        if self.dense:
            # the kinks' weights summed actor by actor, in order (as bincount would)
            mass = np.zeros((B, K))
            for j in range(n):
                mass += wy[:, j, :] * self.zero[:, j, :]
            return mid - mass, mid + mass
        mass = np.bincount(
            self.zb * K + self.zk,
            weights=wy[self.zb, self.zj, self.zk] * self.kick,
            minlength=B * K,
        ).reshape(B, K)
        return mid - mass, mid + mass

    def directional_linear(
        self, w: FloatArray, y: FloatArray
    ) -> tuple[FloatArray, FloatArray, FloatArray]:
        """``dense`` only: :meth:`directional` of ``wy = w y`` (the same numbers, without
        forming ``wy``), and ``ms w``."""
        B, n, K = w.shape
        msw = self.ms * w
        mid = -np.einsum("bnk,bn->bk", msw, y)
        mass = np.zeros((B, K))
        for j in range(n):
            kink = w[:, j, :] * y[:, j, None]
            kink *= self.zero[:, j, :]
            mass += kink
        return mid - mass, mid + mass, msw


def neighbours(sp: Space, z: FloatArray) -> tuple[FloatArray, FloatArray, BoolArray]:
    """Nearest cell boundary strictly above and strictly below each ``z_k``, and whether
    ``z_k`` sits on one (B, K each)."""
    cells = sp.cells
    _, B, K = cells.shape
    # boundaries <= z and < z: the indices of the first above z and of the first at or above
    n_le = np.zeros((B, K), dtype=np.intp)
    n_lt = np.zeros((B, K), dtype=np.intp)
    for level in cells[:-1]:  # the last level is +inf
        n_le += level <= z
        n_lt += level < z
    base = np.arange(B * K).reshape(B, K)
    flat = cells.reshape(-1)
    above = flat[base + n_le * (B * K)]
    below = flat[base + np.maximum(n_lt - 1, 0) * (B * K)]
    below = np.where(n_lt > 0, below, -np.inf)
    return above, below, n_le > n_lt


def objective(
    u: FloatArray, tv: FloatArray, e: FloatArray, c: FloatArray, beta: FloatArray, alpha: float
) -> FloatArray:
    """``alpha t + sum_j beta_j log(u_j - e_j - t c_j)``; ``-inf`` outside the domain. (B,)"""
    s = u - e - tv[:, None] * c
    act = beta > 0.0
    pos = s > 0.0
    ok = row_all(pos | ~act)
    logs = np.log(np.where(act & pos, s, 1.0))
    return np.where(ok, (beta * logs).sum(axis=1) + alpha * tv, -np.inf)


class Problem:
    """Parameters ``e, c, beta, alpha`` of one instance of the family, batched, and the relative
    damping of the diagonal of its Newton systems."""

    __slots__ = ("alpha", "beta", "c", "damping", "e", "with_t")

    def __init__(self, e: FloatArray, c: FloatArray, beta: FloatArray, alpha: float, with_t: bool,
                 damping: float | FloatArray = 1e-12):
        self.e, self.c, self.beta, self.alpha, self.with_t = e, c, beta, alpha, with_t
        self.damping = damping


def _max_rise(
    q: FloatArray,
    c: FloatArray,
    r: FloatArray,
    z0: FloatArray,
    a: FloatArray,
    b: FloatArray,
    iterations: int = 20,
) -> FloatArray:
    """Upper bound on ``max_{x in [a, b]} psi(x) - psi(z0)``, ``psi(x) = -sum_j c_j |x - q_j|^r_j``
    concave, per row (q, c, r: (P, n); the rest (P,)), the maximum lying in ``[a, b]``.

    The bracket shrinks by the intersection of the tangents at its ends (regula falsi on the
    derivative, with bisection every third step); by concavity ``psi`` lies below both tangents,
    so their intersection bounds the maximum whatever the bracket's width.
    """
    loss0 = (c * np.abs(z0[:, None] - q) ** r).sum(axis=1)

    def at(x: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
        t = x[:, None] - q
        d = np.abs(t)
        p = d**r
        pos = d > _TINY
        mag = np.where(
            pos,
            r * p / np.where(pos, d, 1.0),
            np.where(r == 1.0, 1.0, np.where(r < 1.0, _BIG, 0.0)),
        )
        right = -(c * np.where(t >= 0.0, mag, -mag)).sum(axis=1)  # psi'(x+)
        left = -(c * np.where(t > 0.0, mag, -mag)).sum(axis=1)  # psi'(x-)
        return loss0 - (c * p).sum(axis=1), right, left

    fa, sa, _ = at(a)
    fb, _, sb = at(b)
    for i in range(iterations):
        with np.errstate(divide="ignore", invalid="ignore"):
            x = (fb - fa + sa * a - sb * b) / (sa - sb)
        x = np.where(np.isfinite(x) & (i % 3 != 2), np.clip(x, a, b), 0.5 * (a + b))
        fx, sr, sl = at(x)
        rising, falling = sr > 0.0, sl < 0.0
        a, fa, sa = np.where(rising, x, a), np.where(rising, fx, fa), np.where(rising, sr, sa)
        b, fb, sb = np.where(falling, x, b), np.where(falling, fx, fb), np.where(falling, sl, sb)
        top = ~rising & ~falling  # x is a maximiser
        a, fa, sa = np.where(top, x, a), np.where(top, fx, fa), np.where(top, 0.0, sa)
        b, fb, sb = np.where(top, x, b), np.where(top, fx, fb), np.where(top, 0.0, sb)
    with np.errstate(divide="ignore", invalid="ignore"):
        x = (fb - fa + sa * a - sb * b) / (sa - sb)
    tangent = fa + sa * (np.clip(x, a, b) - a)
    # b rising (the maximum at the bracket's top end) or a flat bracket: the larger end value
    return np.where(
        (sb >= 0.0) | ~np.isfinite(x), np.maximum(fa, fb), np.maximum(tangent, np.maximum(fa, fb))
    )


def certificate(
    sp: Space, z: FloatArray, cache: Cache, y: FloatArray, floor: float = 1e-14
) -> FloatArray:
    """Upper bound on ``max_{z'} sum_j y_j (u_j(z') - u_j(z))`` over the box, shape (B,).

    Per issue, the one-sided derivatives of ``psi_k`` at ``z_k`` bound its rise linearly. Where
    that bound exceeds ``floor`` the maximum of ``psi_k`` is found exactly: at a position or a
    bound when every utility is piecewise linear, otherwise bounded by :func:`_max_rise`.
    """
    wy = sp.w * y[:, :, None]
    g_up, g_down = Slopes(sp, cache).directional(wy)
    rise_up = np.maximum(g_up, 0.0) * (sp.hi - z)
    rise_down = np.maximum(-g_down, 0.0) * (z - sp.lo)
    bound = rise_up + rise_down
    rows, cols = np.nonzero(bound > floor)
    if rows.size and sp.linear:  # piecewise linear: the maximum is at a position or a bound
        q = sp.q[rows, :, cols]
        c = wy[rows, :, cols]
        z0 = z[rows, cols]
        lo, hi = sp.lo[rows, cols], sp.hi[rows, cols]
        cand = np.clip(
            np.concatenate([q, lo[:, None], hi[:, None]], axis=1), lo[:, None], hi[:, None]
        )
        dist0 = np.abs(z0[:, None] - q)
        rise = (c[:, None, :] * (dist0[:, None, :] - np.abs(cand[:, :, None] - q[:, None, :]))).sum(
            2
        )
        bound[rows, cols] = np.minimum(bound[rows, cols], np.maximum(rise.max(axis=1), 0.0))
    elif rows.size:
        up = rise_up[rows, cols] > 0.0
        lo, hi = sp.lo[rows, cols], sp.hi[rows, cols]
        z0 = z[rows, cols]
        refined = _max_rise(
            sp.q[rows, :, cols],
            wy[rows, :, cols],
            sp.r[rows],
            z0,
            np.where(up, z0, lo),
            np.where(up, hi, z0),
        )
        bound[rows, cols] = np.minimum(bound[rows, cols], np.maximum(refined, 0.0))
    return bound.sum(axis=1)


def duality_gap(
    sp: Space,
    z: FloatArray,
    cache: Cache,
    tau: FloatArray,
    d: FloatArray,
    s_pred: FloatArray,
    floor: float = 1e-14,
) -> FloatArray:
    """Bound on ``max_{z'} Phi(z') - Phi(z)`` for ``Phi = sum_j tau_j log(u_j - d_j)`` (B,).

    Lagrangian duality gives, for any ``y > 0``,
    ``max Phi <= max_{z'} sum_j y_j (u_j(z') - d_j) - sum_j tau_j log(y_j / tau_j) - 1``, so with
    ``v = u(z) - d`` and ``rho_j = y_j v_j / tau_j`` the gap is at most
    ``C(y) + sum_j tau_j (rho_j - 1 - log rho_j)``, ``C`` the bound of :func:`certificate`. With
    ``y = tau / v`` this is the first-order (Frank-Wolfe) bound; this function takes
    ``y = tau / s_pred`` from the slacks predicted by the Newton step, which makes it second
    order, and matters when the log is strongly curved (some actor barely above its
    disagreement utility). ``inf`` where the prediction leaves the domain.
    """
    act = tau > 0.0
    v = cache[-1] - d
    ok = act & (v > 0.0)
    usable = np.where(act, s_pred > 0.0, True).all(axis=1) & np.where(act, ok, True).all(axis=1)
    y = np.where(act & (s_pred > 0.0), tau / np.where(s_pred > 0.0, s_pred, 1.0), 0.0)
    rho = np.where(ok & (y > 0.0), y * v / np.where(act, tau, 1.0), 1.0)
    penalty = np.where(act, tau * (rho - 1.0 - np.log(rho)), 0.0).sum(axis=1)
    return np.where(usable, certificate(sp, z, cache, y, floor) + penalty, np.inf)

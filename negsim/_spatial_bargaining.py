"""Vectorised solvers for axiomatic bargaining over a spatial outcome space (private).

The public entry points are :func:`negsim.axiomatic.nash_outcome`,
:func:`negsim.axiomatic.kalai_smorodinsky_outcome` and :func:`negsim.axiomatic.egalitarian_outcome`;
this module holds the solvers behind them (the arrays and bounds they work on are in
:mod:`negsim._spatial_kernel`). It works in normalised units ``z_k = (x_k - lo_k) / (hi_k -
lo_k)``, keeps the run axis first and never loops over runs, only over iterations; runs that
have converged leave the working batch.

**Problems.** All three solutions are instances of one family of concave programs over the box
(plus, for the max-min problems, one scalar ``t``):

.. math::

    \\max_{z, t}\\; \\alpha t + \\sum_j \\beta_j \\log s_j, \\qquad
    s_j = u_j(z) - e_j - t c_j, \\qquad
    u_j(z) = \\sum_k w_{jk} \\bigl(1 - |z_k - q_{jk}|^{r_j}\\bigr),

concave when every ``r_j >= 1``. Nash is ``alpha = 0``, ``t = 0``, ``beta = tau``, ``e = d``; the
max-min problems ``max t s.t. u_j >= e_j + t c_j`` (ideal point, Kalai-Smorodinsky, egalitarian)
are solved by the log-barrier method, ``alpha = 1``, ``beta = mu -> 0`` (Boyd & Vandenberghe
2004, ch. 11).

**Newton on cells.** With ``r_j = 1`` each ``u_j`` has a kink at ``z_k = q_jk``, and with
``1 < r_j < 2`` an infinite curvature there. Between consecutive such points (a *cell*) every
``u_j`` is smooth in ``z_k``, so each step is a projected Newton step (Bertsekas 1982) whose model
is exact inside the current cell. A coordinate on a kink moves into the neighbouring cell its
one-sided derivative points to, or is held when both one-sided derivatives point inward; one
whose Newton component points the other way is held and the system solved again. Since the
objective is a smooth function of utilities that are separable over issues, its directional
derivative is separable too, ``D(z; delta) = sum_k D_k(delta_k)``: a point that no single
coordinate can improve is optimal, so this local rule finds the global optimum of the concave
problem. The step is cut at the next kink in each coordinate's direction; if the true objective
does not then rise enough (Armijo), the whole step is shortened to reach the first kink along
it (a ratio test, as in the simplex method) and then halved, per run with masks. Kinks are
therefore landed on exactly, and on linear-additive problems (no kinks inside the box) the
method is Newton's with bounds, which converges to rounding.

**Certificates** come from :mod:`negsim._spatial_kernel`: for Nash, a bound on the distance
to the optimal objective; for the max-min problems the barrier multipliers give a Lagrangian
upper bound on ``t*``; with a shifted disagreement point, a proof that no outcome is
individually rational. All are valid only for concave utilities (every ``r_j >= 1``).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
from numpy.typing import NDArray

from negsim._spatial_kernel import (
    BoolArray,
    Cache,
    FloatArray,
    Problem,
    Slopes,
    Space,
    certificate,
    duality_gap,
    evaluate,
    neighbours,
    objective,
    row_all,
    row_any,
    row_max,
    row_min,
    rows_of,
    utilities,
)

_ARMIJO = 1e-4
_HALVINGS = 40
_SNAP = 1e-13
_PILOT_MIN = 256  # batches at least this large are first solved on a few pilot runs
# Nash: Levenberg-Marquardt damping of the Newton systems, relative to their diagonal. Where the
# optimum is not unique (two issues that trade off alike), rounding errors in the gradient
# would otherwise be divided by a curvature of about 0 and throw the point along the flat
# direction, differently for each order of the actors or issues.
_DAMPING = 1e-8
_MARGIN = 1e-9  # a point this far inside every constraint is clear of rounding errors
_SHIFT_MIN = 1e-10  # a shift this small that is still needed: the problem is inessential
_STALLED_GAP = 1e-8
# largest gap at the last point before a final, negligible Newton step
_AHEAD_GAP = 1e-10


def newton_step(
    sp: Space, pr: Problem, z: FloatArray, tv: FloatArray, cache: Cache
) -> tuple[
    FloatArray, FloatArray, Cache, FloatArray, FloatArray, FloatArray, FloatArray, BoolArray
]:
    """One projected Newton step on cells with Armijo backtracking, for every run of the batch.

    Returns the new ``z``, ``t`` and cache, and, *at the old point*, the box gap, the Newton
    decrement ``g . delta``, the multipliers ``y = beta / s`` and the slacks ``s`` predicted by
    the linear model after the full Newton step; and whether the whole Newton step was taken
    (no kink in its way, first trial accepted).
    """
    B, _, K = sp.q.shape
    t, _, u = cache
    s = u - pr.e - tv[:, None] * pr.c
    live = (pr.beta > 0.0) & (s > 0.0)
    s_safe = np.where(live, s, 1.0)
    y = np.where(live, pr.beta / s_safe, 0.0)
    sl = Slopes(sp, cache)
    # slopes of sum_j y_j u_j moving up / arriving from below
    if sl.dense:
        g_up, g_down, msw = sl.directional_linear(sp.w, y)
    else:
        wy = sp.w * y[:, :, None]
        g_up, g_down = sl.directional(wy)
    d2 = sl.d2
    gap = (np.maximum(g_up, 0.0) * (sp.hi - z) + np.maximum(-g_down, 0.0) * (z - sp.lo)).sum(1)
    right = (g_up > 0.0) & (z < sp.hi)
    left = ~right & (g_down < 0.0) & (z > sp.lo)
    if sp.has_cells:
        above, below, on_cell = neighbours(sp, z)
        at_kink = on_cell if sp.linear else (sp.kink & (t == 0.0)).any(axis=1)
    else:
        at_kink = np.zeros((B, K), dtype=bool)
    free = right | left | (~at_kink & (z > sp.lo) & (z < sp.hi))
    pinned = at_kink | (z <= sp.lo) | (z >= sp.hi)
    # d s_j / d z_k on the side moved to is minus this (negated below, with the scaling)
    if sl.dense:  # at a kink, the side moved to: -w for left, else w (actor by actor)
        jac = msw
        side = 1.0 - 2.0 * left
        for j in range(jac.shape[1]):
            kink = sp.w[:, j, :] * sl.zero[:, j, :]
            kink *= side
            jac[:, j, :] += kink
    else:
        jac = sl.ms * sp.w
        zb, zj, zk = sl.zb, sl.zj, sl.zk
        jac[zb, zj, zk] = np.where(left[zb, zk], -1.0, 1.0) * sl.kick * sp.w[zb, zj, zk]
    g_z = np.where(left, g_down, g_up)
    if pr.with_t:
        jac = np.concatenate([jac, pr.c[:, :, None]], axis=2)
        grad = np.concatenate([g_z, (pr.alpha - (y * pr.c).sum(1))[:, None]], axis=1)
        col = np.zeros((B, 1), dtype=bool)
        free = np.concatenate([free, ~col], axis=1)
        pinned = np.concatenate([pinned, col], axis=1)
        right = np.concatenate([right, col], axis=1)
        left = np.concatenate([left, col], axis=1)
    else:
        grad = g_z
    K1 = grad.shape[1]
    root = np.sqrt(y / s_safe)
    jac *= -root[:, :, None]  # now d s_j / d z_k, scaled
    M0 = np.matmul(jac.transpose(0, 2, 1), jac)
    diag0 = np.einsum("bkk->bk", M0).copy()
    if d2 is not None:
        diag0[:, :K] += np.einsum("bnk,bnk->bk", wy, d2)
    diag0 = diag0 * (1.0 + pr.damping) + 1e-300
    eye = np.arange(K1)
    grad = np.where(free, grad, 0.0)
    # a coordinate on a kink or bound may only move to the side its model describes
    wrong_way_up, wrong_way_down = pinned & left, pinned & right
    rows = None  # every row, at first
    fr, M, g, dg = free, M0, grad, diag0
    for _ in range(K1):
        M = M * (fr[:, :, None] & fr[:, None, :])
        M[:, eye, eye] = np.where(fr, dg, 1.0)
        g = np.where(fr, g, 0.0)
        dr = np.linalg.solve(M, g[:, :, None])[:, :, 0]
        if rows is None:
            delta, grad = dr, g
        else:
            delta[rows], grad[rows] = dr, g
        sub = slice(None) if rows is None else rows
        wrong = fr & ((wrong_way_up[sub] & (dr > 0.0)) | (wrong_way_down[sub] & (dr < 0.0)))
        bad = np.flatnonzero(row_any(wrong))
        if bad.size == 0:
            break
        rows = bad if rows is None else rows[bad]
        fr = fr[bad] & ~wrong[bad]
        M, g, dg = M0[rows], g[bad], diag0[rows]
    ds = np.einsum("bnk,bk->bn", jac, delta) / np.where(root > 0.0, root, 1.0)
    s_pred = s + ds
    decrement = (grad * delta).sum(axis=1)
    cap = np.maximum(1.0, row_max(np.abs(delta)))[:, None]
    delta /= cap
    ds /= cap
    dz = delta[:, :K]
    phi0 = objective(u, tv, pr.e, pr.c, pr.beta, pr.alpha)
    pending = np.flatnonzero(decrement > 0.0)
    z_new, tv_new = z, tv
    new_cache = cache
    if sp.has_cells:
        cell_hi = np.where(dz > 0.0, np.minimum(above, sp.hi), z)
        cell_lo = np.where(dz < 0.0, np.maximum(below, sp.lo), z)
    else:
        cell_hi, cell_lo = sp.hi, sp.lo
    step = np.ones(B)
    # the longest step along delta that stays in the current cells (a ratio test)
    with np.errstate(divide="ignore", invalid="ignore"):
        room = np.where(
            dz > 0.0, (cell_hi - z) / dz, np.where(dz < 0.0, (cell_lo - z) / dz, np.inf)
        )
    reach = row_min(room)
    first = np.minimum(1.0, reach)
    # the first trial: the step cut coordinate-wise at kinks; or, where the whole step stays in
    # the current cells and the utilities are linear in them (every r_j = 1), the exact
    # maximum along the Newton direction up to the first kink, which can be a longer step
    # (Newton's quadratic model of the log only doubles a small slack)
    alpha0 = np.ones(B)
    if sp.linear:
        # worth it where some slack would grow by half or more (else alpha is nearly 1)
        grows = row_max(np.where(pr.beta > 0.0, ds / s_safe, 0.0)) >= 0.5
        ext = np.flatnonzero((reach > 1.0) & (decrement > 0.0) & grows)
        if ext.size:
            lin = pr.alpha * delta[ext, K] if pr.with_t else np.zeros(ext.size)
            alpha0[ext] = _ray_max(s[ext], ds[ext], pr.beta[ext], lin, reach[ext])

    def attempt(idx: NDArray[np.intp] | slice, zt: FloatArray, tt: FloatArray,
                beyond: FloatArray | float = 1.0) -> tuple[Cache, BoolArray]:
        """Evaluate a trial point and apply the Armijo test (with a rounding allowance); a
        step ``beyond`` times the Newton step need only do as well as the Newton step should.
        ``idx``: the rows, or a slice of all of them."""
        ct = evaluate(sp, zt, None if isinstance(idx, slice) else idx)
        phi = objective(ct[-1], tt, pr.e[idx], pr.c[idx], pr.beta[idx], pr.alpha)
        pred = (g_z[idx] * (zt - z[idx])).sum(axis=1)
        if pr.with_t:
            pred += grad[idx, K] * (tt - tv[idx])
        pred /= beyond
        slack = 1e-15 * (np.abs(phi0[idx]) + 1.0)
        return ct, phi >= phi0[idx] + _ARMIJO * pred - slack

    full = np.zeros(B, dtype=bool)
    if pending.size:  # the first trial, on the whole batch (cheaper than picking rows)
        move = decrement > 0.0
        zt = np.where(move[:, None], np.clip(z + alpha0[:, None] * dz, cell_lo, cell_hi), z)
        tt = np.where(move, tv + alpha0 * delta[:, K], tv) if pr.with_t else tv
        new_cache, ok = attempt(slice(None), zt, tt, alpha0)
        ok &= move
        full = ok & (reach >= 1.0)
        z_new = np.where(ok[:, None], zt, z)
        if pr.with_t:
            tv_new = np.where(ok, tt, tv)
        rej = np.flatnonzero(~ok)
        for arr, old in zip(new_cache, cache, strict=True):
            if arr is not None:
                arr[rej] = old[rej]
        pending = pending[~ok[pending]]
        # the longer step failed: the Newton step; the step cut at kinks: the first kink
        # and no further than most of the way to where the linear model puts a slack at 0
        with np.errstate(divide="ignore", invalid="ignore"):
            edge = np.where((pr.beta[pending] > 0.0) & (ds[pending] < 0.0),
                            -s[pending] / ds[pending], np.inf).min(axis=1)
        step[pending] = np.minimum(
            np.where(alpha0[pending] > 1.0, 1.0,
                     np.where(first[pending] < 1.0, first[pending], 0.5)), 0.9 * edge)
    for _ in range(_HALVINGS):
        if pending.size == 0:
            break
        zp = z[pending] + step[pending, None] * dz[pending]
        zt = np.clip(zp, cell_lo[pending], cell_hi[pending])
        tt = tv[pending] + step[pending] * delta[pending, K] if pr.with_t else tv[pending]
        ct, ok = attempt(pending, zt, tt)
        acc = pending[ok]
        z_new[acc] = zt[ok]
        if pr.with_t:
            tv_new[acc] = tt[ok]
        for arr, part in zip(new_cache, ct, strict=True):
            if arr is not None:
                arr[acc] = part[ok]
        pending = pending[~ok]
        step[pending] *= 0.5
    if sp.has_cells and sp.linear:  # land exactly on kinks that a step stopped a hair short of
        snap = np.where(
            np.abs(z_new - above) < _SNAP,
            above,
            np.where(np.abs(z_new - below) < _SNAP, below, z_new),
        )
        moved = np.flatnonzero(row_any(snap != z_new))
        if moved.size:
            if z_new is z:
                z_new = z.copy()
            if new_cache is cache:
                new_cache = tuple(None if a is None else a.copy() for a in cache)
            z_new[moved] = snap[moved]
            part = evaluate(sp, z_new[moved], moved)
            for arr, p_ in zip(new_cache, part, strict=True):
                if arr is not None:
                    arr[moved] = p_
    return z_new, tv_new, new_cache, gap, decrement, y, s_pred, full


def _ray_max(
    s: FloatArray, b: FloatArray, beta: FloatArray, lin: FloatArray, hi: FloatArray
) -> FloatArray:
    """``argmax`` over ``alpha`` in ``[1, hi]`` of ``lin alpha + sum_j beta_j log(s_j + alpha
    b_j)``, a concave function, per row (``s > 0`` where ``beta > 0``): ``hi`` where it still
    rises there, else the root of its derivative, by safeguarded Newton steps."""
    beta = np.where(s > 0.0, beta, 0.0)
    s = np.where(beta > 0.0, s, 1.0)
    b = np.where(beta > 0.0, b, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        edge = np.where(b < 0.0, -s / b, np.inf).min(axis=1)  # where a slack reaches 0
    top = np.minimum(hi, edge)

    def slope(a, s, b, beta, lin):
        # a step that lands a slack on 0 by rounding (s + a b == 0) gives an infinite slope,
        # which the comparisons below read correctly (falling: stop short of it)
        with np.errstate(divide="ignore", invalid="ignore"):
            q = b / (s + a[:, None] * b)
        return lin + (beta * q).sum(axis=1), -(beta * q * q).sum(axis=1)

    out = np.ones(s.shape[0])
    g_one, _ = slope(out, s, b, beta, lin)
    at_top = top < edge  # the first kink comes before any slack reaches 0
    g_top, _ = slope(np.where(at_top, top, 1.0), s, b, beta, lin)
    whole = at_top & (g_top >= 0.0)  # still rising at the first kink: go there
    out[whole] = top[whole]
    rows = np.flatnonzero((g_one > 0.0) & ~whole)
    s, b, beta, lin = s[rows], b[rows], beta[rows], lin[rows]
    a, lo_a, hi_a = out[rows], out[rows], top[rows]
    for _ in range(60):
        if rows.size == 0:
            break
        g, h = slope(a, s, b, beta, lin)
        lo_a = np.where(g > 0.0, a, lo_a)
        hi_a = np.where(g > 0.0, hi_a, a)
        with np.errstate(divide="ignore", invalid="ignore"):
            nxt = a - g / h
        inside = np.isfinite(nxt) & (nxt > lo_a) & (nxt < hi_a)
        nxt = np.where(inside, nxt, 0.5 * (lo_a + np.minimum(hi_a, 2.0 * lo_a + 1.0)))
        out[rows] = nxt
        keep = np.abs(nxt - a) > 1e-12 * a
        if not keep.all():
            rows, s, b, beta, lin = rows[keep], s[keep], b[keep], beta[keep], lin[keep]
            nxt, lo_a, hi_a = nxt[keep], lo_a[keep], hi_a[keep]
        a = nxt
    return out


# ---------------------------------------------------------------------------------------------
# Nash


def nash(
    sp: Space,
    d: FloatArray,
    tau: FloatArray,
    starts: tuple[FloatArray, ...],
    *,
    tol: float = 1e-13,
    max_iter: int = 60,
    pilots: int = 8,
) -> tuple[FloatArray, NDArray[np.int8], FloatArray]:
    """Generalised Nash solution of every run: ``max sum_j tau_j log(u_j(z) - d_j)``.

    Each run starts from whichever of ``starts`` leaves the worst-off actor best placed. If that
    point is not strictly individually rational, the disagreement point is lowered by a shift
    ``sigma`` that makes it so, by ``1e-2`` (a status quo whose utilities are ``d`` needs no
    more). The shift drops to 0 as soon as an iterate gives every actor strictly more than
    ``d``, and otherwise its excess over what the worst-off actor needs shrinks tenfold each time
    Newton has roughly re-centred (decrement below ``1e-2``). A run is
    solved when the certified gap is below ``tol (1 + sum_j y_j)`` and the last Newton step was
    below ``1e-12`` (so that ``z``, not only the objective, is accurate to rounding). With
    ``y_j = tau_j / (u_j - d_j + sigma)`` and the bound ``C`` of :func:`certificate` (here its
    first-order part), every outcome ``z'`` has
    ``sum_j y_j (u_j(z') - d_j) <= 1 - sigma sum_j y_j + C``. When that is negative no outcome
    is individually rational; when it is below ``1e-10 sum_j y_j`` no outcome gives every actor
    more than ``1e-10`` above ``d`` (the problem is *inessential*, Roth 1979).

    Actors with ``tau_j = 0`` are ignored.

    Returns
    -------
    z : (B, K)
    status : (B,) int8
        1 solved; 0 inessential (``z`` is the point reached); -1 no individually rational
        outcome; 2 no certified optimum: the iteration budget ran out, or Newton stalled (at a
        kink, say) with a gap above ``1e-8`` (``z`` is the best point reached).
    gap : (B,)
        For solved runs, a certified bound on the objective's distance to the optimum.
    """
    B = sp.q.shape[0]
    d, tau = np.ascontiguousarray(d), np.ascontiguousarray(tau)
    act = tau > 0.0
    piecewise = np.all((sp.r == 1.0) | (sp.wsum == 0.0), axis=1)
    if pilots and B >= _PILOT_MIN:
        # Monte Carlo runs are mostly variations on one problem: solve a few of them first
        # and offer their solutions to every run as starts
        few = (np.arange(pilots) * B) // pilots
        z_few, _, _ = nash(sp.take(few), d[few], tau[few], tuple(zs[few] for zs in starts),
                           tol=tol, max_iter=max_iter, pilots=0)
        starts = (*starts, *(np.broadcast_to(zp, (B, zp.size)) for zp in z_few))
    z, best_m = _pick_start(sp, d, tau, starts)
    cache = evaluate(sp, z)
    # a start only a rounding error inside (or on) the boundary is no start for the barrier
    shift = np.where(best_m > _MARGIN, 0.0, np.maximum(-best_m, 0.0) + 1e-2)
    out_z = z.copy()
    status = np.full(B, 2, dtype=np.int8)
    gap_out = np.full(B, np.nan)
    work = np.arange(B)
    zero_t = np.zeros(B)
    last_dec = np.full(B, np.inf)
    for _ in range(max_iter):
        nb = work.size
        if nb == 0:
            break
        # while the disagreement point is shifted (no strictly individually rational point yet)
        # every bargainer weighs alike: with very unequal powers the shifted optimum leaves the
        # weak bargainer's slack tiny, and the point crept towards its constraint by a
        # thousandth a step until the budget ran out (the problem then called infeasible)
        beta = np.where((shift > 0.0)[:, None], act / np.maximum(act.sum(1), 1)[:, None], tau)
        pr = Problem(d - shift[:, None], np.zeros_like(d), beta, 0.0, False, _DAMPING)
        z_new, _, c_new, gap, dec, y, s_pred, full = _nash_step(sp, pr, z, zero_t[:nb], cache)
        scale = 1.0 + y.sum(axis=1)
        stalled = row_all(z_new == z) | (dec <= (1e-15 * scale) ** 2)
        # the gap bounds the objective; ask for a negligible Newton step too, so that z is
        # accurate to rounding rather than to the square root of the gap
        converged = (gap <= tol * scale) & (row_max(np.abs(z_new - z)) <= 1e-12)
        # or: a point this close that a whole Newton step of this size leaves to rounding
        # (convergence is quadratic; the gap still bounds the new point, which is no worse)
        ahead = ~converged & full & (gap <= _AHEAD_GAP * scale) & (dec <= 1e-20 * scale)
        converged |= ahead
        # with curved utilities Newton may crawl next to an actor's position (infinite
        # curvature): there accept a second-order (duality) bound on the objective instead
        # (judged against the last step, not the smallest so far: a start that paused on a
        # cusp had a tiny decrement there, and made the quadratic phase that followed look
        # stagnant, stopping it one step short, 4e-8 off in z)
        stagnant = (dec <= 1e-9 * scale) & (dec >= 0.01 * last_dec)  # e.g. cycling by a cusp
        last_dec = dec
        check = np.flatnonzero(~converged & (stalled | (~piecewise & stagnant)))
        if check.size:
            sub = sp.take(check)
            sc = _offsets(sub, z[check], rows_of(cache, check))
            bound2 = duality_gap(
                sub,
                z[check],
                sc,
                beta[check],
                d[check] - shift[check, None],
                s_pred[check],
                floor=0.1 * tol,
            )
            gap[check] = np.minimum(gap[check], bound2)
            converged[check] = (bound2 <= tol * scale[check]) | stalled[check]
        shifted = shift > 0.0
        infeasible = np.zeros(nb, dtype=bool)
        inessential = np.zeros(nb, dtype=bool)
        probe = np.flatnonzero(shifted & (converged | (dec <= 1e-2)))
        if probe.size:  # roughly centred for the shift: can any outcome beat d at all?
            sub = sp.take(probe)
            lack = _blocking_bound(sub, z[probe], _offsets(sub, z[probe], rows_of(cache, probe)),
                                   beta[probe], d[probe], shift[probe], s_pred[probe])
            infeasible[probe] = lack < 0.0
            inessential[probe] = (lack >= 0.0) & (lack <= 1e-10)
        # still no point well inside after shrinking the shift this far: numerically inessential
        inessential |= shifted & ~infeasible & (shift < _SHIFT_MIN)
        # a stalled Newton step is the end of the road: solved only if the gap is small too
        # (not one that stopped ahead: its gap, up to _AHEAD_GAP * scale at the point before
        # a negligible last step, was seen at 1.5e-8 with a scale of 150 and called stuck)
        stuck = ~shifted & converged & ~ahead & (gap > _STALLED_GAP)
        solved = ~shifted & converged & ~stuck
        stop = solved | infeasible | inessential | stuck
        # carry on from the new point
        keep_old = (stop & ~ahead) | (shifted & converged)
        z_next, cache_next = z_new, c_new
        ko = np.flatnonzero(keep_old)
        if ko.size:
            z_next[ko] = z[ko]
            for fresh, old in zip(cache_next, cache, strict=True):
                if fresh is not old and fresh is not None:
                    fresh[ko] = old[ko]
        m = np.minimum(row_min(np.where(act, cache_next[-1] - d, np.inf)), 1e300)
        # drop the shift once the point is well inside (by a tenth of the shift, and more than
        # rounding); when re-centred (roughly) for the current shift, shrink its excess over
        # max(-m, 0) tenfold
        inside = shifted & (m > np.maximum(_MARGIN, 0.1 * shift))
        shrink = shifted & ~stop & ~inside & (converged | (dec <= 1e-2))
        floor = np.maximum(-m, 0.0)
        shift = np.where(inside, 0.0, np.where(shrink, floor + 0.1 * (shift - floor), shift))
        if stop.any():
            fi = np.flatnonzero(stop)
            out_z[work[fi]] = z_next[fi]
            status[work[fi]] = np.where(solved[fi], 1, np.where(
                infeasible[fi], -1, np.where(stuck[fi], 2, 0)))
            gap_out[work[fi]] = gap[fi]
            keep = np.flatnonzero(~stop)
            # the compiled step reads a view's runs from its base; numpy's needs them copied
            work = work[keep]
            sp = sp.view(keep) if _uses_compiled_step(sp) else sp.take(keep)
            d, tau, act, shift = d[keep], tau[keep], act[keep], shift[keep]
            piecewise, last_dec = piecewise[keep], last_dec[keep]
            z, cache = z_next[keep], rows_of(cache_next, keep)
        else:
            z, cache = z_next, cache_next
    out_z[work] = z
    status[work[shift > 0.0]] = 0  # the budget ran out before any point was well inside
    return out_z, status, np.where(status == 1, gap_out, np.nan)


_JIT: Any = None  # the compiled Newton step: None before the first try, False without numba


def _compiled_step() -> Any:
    """:func:`negsim._nash_jit.newton_step_linear`, or None without numba or with
    ``NEGSIM_JIT=0`` in the environment (read at every call, so it can be switched)."""
    global _JIT
    if os.environ.get("NEGSIM_JIT", "1") == "0":
        return None
    if _JIT is None:
        try:
            from negsim._nash_jit import newton_step_linear
        except ImportError:
            _JIT = False
        else:
            _JIT = newton_step_linear
    return _JIT or None


def _uses_compiled_step(sp: Space) -> bool:
    return sp.linear and _compiled_step() is not None


def _nash_step(
    sp: Space, pr: Problem, z: FloatArray, tv: FloatArray, cache: Cache
) -> tuple[
    FloatArray, FloatArray, Cache, FloatArray, FloatArray, FloatArray, FloatArray, BoolArray
]:
    """:func:`newton_step` for the Nash problem; compiled, run by run, when every utility is
    linear and numba is installed (the same rules, the same points up to rounding)."""
    step = _compiled_step() if sp.linear and not pr.with_t else None
    if step is None:
        return newton_step(sp, pr, z, tv, _offsets(sp, z, cache))
    B, n, K = sp.q.shape
    z_new = np.empty((B, K))
    u_new, y, s_pred = np.empty((B, n)), np.empty((B, n)), np.empty((B, n))
    gap, dec, full = np.empty(B), np.empty(B), np.empty(B, dtype=bool)
    c = np.ascontiguousarray
    base, rows = sp.base_rows()  # a view's runs are read from its base: nothing copied
    bad = step(c(base.q), c(base.w), c(base.wsum), c(base.lo), c(base.hi), c(base.cells),
               np.arange(B) if rows is None else rows, sp.has_cells, c(pr.e), c(pr.beta),
               float(pr.damping), c(z), z_new, u_new, gap, dec, y, s_pred, full)
    if bad >= 0:
        raise np.linalg.LinAlgError(f"Singular matrix in the Newton system of run {bad}")
    # the offsets z - q, which only the numpy code reads, are left to _offsets
    return z_new, tv, (None, None, u_new), gap, dec, y, s_pred, full


def _offsets(sp: Space, z: FloatArray, cache: Cache) -> Cache:
    """The cache with its offsets ``z - q`` filled in if the compiled step left them out."""
    if cache[0] is not None:
        return cache
    return (z[:, None, :] - sp.q, *cache[1:])


def _pick_start(
    sp: Space, d: FloatArray, tau: FloatArray, starts: tuple[FloatArray, ...]
) -> tuple[FloatArray, FloatArray]:
    """Per run, the best of ``starts``: the highest Nash objective among those clear of every
    constraint by ``_MARGIN``, else the one whose worst-off actor is best placed. Returns the
    point and that actor's gain over ``d``."""
    B = sp.q.shape[0]
    if sp.linear and _compiled_step() is not None:
        shared = [zs.strides[0] == 0 for zs in starts]
        if shared == sorted(shared):  # the runs' own starts first, then the shared ones
            from negsim._nash_jit import pick_start_linear

            K = sp.q.shape[2]
            per_run = np.stack([zs for zs, sh in zip(starts, shared, strict=True) if not sh]
                               ) if not all(shared) else np.zeros((0, B, K))
            common = np.stack([zs[0] for zs, sh in zip(starts, shared, strict=True) if sh]
                              ) if any(shared) else np.zeros((0, K))
            z, m = np.empty((B, K)), np.empty(B)
            c = np.ascontiguousarray
            pick_start_linear(c(sp.q), c(sp.w), c(sp.wsum), c(sp.lo), c(sp.hi), c(d), c(tau),
                              _MARGIN, per_run, common, z, m)
            return z, m
    act = tau > 0.0
    best_v, best_m = np.full(B, -np.inf), np.full(B, -np.inf)
    z = np.empty((B, sp.q.shape[2]))
    for zs in starts:
        zs = np.clip(zs, sp.lo, sp.hi)
        gain = utilities(sp, zs) - d
        m = row_min(np.where(act, gain, np.inf))
        clear = m > _MARGIN
        v = np.where(
            clear, (tau * np.log(np.where(act & (gain > 0.0), gain, 1.0))).sum(axis=1), -np.inf
        )
        better = (v > best_v) | ((v == -np.inf) & (best_v == -np.inf) & (m > best_m))
        z[better], best_v[better], best_m[better] = zs[better], v[better], m[better]
    return z, best_m


def _blocking_bound(
    sp: Space,
    z: FloatArray,
    cache: Cache,
    tau: FloatArray,
    d: FloatArray,
    shift: FloatArray,
    s_pred: FloatArray,
) -> FloatArray:
    """An upper bound on ``max_{z'} min_j (u_j(z') - d_j)`` from a point of the shifted problem.

    Multipliers ``lambda_j >= 0`` summing to 1 give ``min_j (u_j(z') - d_j) <= sum_j lambda_j
    (u_j(z') - d_j)``, bounded for every ``z'`` with :func:`certificate`. They are taken
    proportional to ``tau_j / s_j``, ``s`` the slacks ``u - d + shift`` that the Newton step
    predicts (the multipliers of the shifted problem, to second order), on two supports: every
    actor, and only those that gain at most the shift (leaving out actors with gains to make
    elsewhere, whose multipliers are small but not small enough).
    """
    u = cache[-1]
    act = tau > 0.0
    s = np.where(act & (s_pred > 0.0), s_pred, np.inf)
    best = np.full(z.shape[0], np.inf)
    for support in (act, act & (u - d <= shift[:, None])):
        lam = np.where(support, tau / s, 0.0)
        total = lam.sum(axis=1)
        lam /= np.where(total > 0.0, total, 1.0)[:, None]
        bound = (lam * (u - d)).sum(axis=1) + certificate(sp, z, cache, lam)
        best = np.minimum(best, np.where(total > 0.0, bound, np.inf))
    return best


# ---------------------------------------------------------------------------------------------
# Max-min problems


def maxmin(
    sp: Space,
    e: FloatArray,
    c: FloatArray,
    include: BoolArray,
    z0: FloatArray,
    *,
    mu0: float = 1e-2,
    mu_final: float = 1e-11,
    factor: float = 1e-3,
    centre: float = 1e-3,
    max_iter: int = 400,
    stop_above: float | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``max t`` subject to ``u_j(z) >= e_j + t c_j`` for the included actors, by log barrier.

    With ``stop_above``, a run stops as soon as its point reaches a level above it (a search
    for a strictly feasible point, not for the optimum; its ``upper`` is then no bound).

    ``c >= 0``; constraints with ``c_j = 0`` must hold strictly at ``z0``. Each run follows the
    central path of ``t + mu sum_j log(u_j - e_j - t c_j)``, lowering its own ``mu`` by ``factor``
    whenever Newton has re-centred (decrement below ``1e-3 mu``). The path ends at the analytic
    centre of the optimal set, where no actor's surplus over its constraint can be raised
    without lowering another's: the point is Pareto optimal, not only weakly. At each centred
    point, multipliers ``lambda_j = mu / s_j`` normalised to ``sum_j lambda_j c_j = 1`` give the
    Lagrangian bound ``t* <= sum_j lambda_j (u_j(z') - e_j)`` for every ``z'``, itself bounded with
    :func:`certificate`; the best bound over the path is kept (a smaller ``mu`` shrinks its bias
    but the slacks, of order ``mu``, lose relative precision).

    Returns
    -------
    z : (B, K), t : (B,), upper : (B,), u : (B, n)
        The point, the level it achieves (``min_j (u_j - e_j) / c_j`` over ``c_j > 0``), an upper
        bound on the optimal level, and the utilities.
    """
    B = sp.q.shape[0]
    lead = include & (c > 0.0)

    def level(u: FloatArray, lead: BoolArray, e: FloatArray, c: FloatArray) -> FloatArray:
        return np.where(lead, (u - e) / np.where(lead, c, 1.0), np.inf).min(axis=1)

    e_all, c_all, lead_all = e, c, lead
    z = np.clip(z0, sp.lo, sp.hi)
    cache = evaluate(sp, z)
    t0 = level(cache[-1], lead, e, c)
    # about where the central path for mu0 has t: each constraint's slack near n mu0
    tv = t0 - mu0 * np.maximum(include.sum(axis=1), 1)
    mu = np.full(B, mu0)
    upper = np.full(B, np.inf)
    out_z, out_u = z.copy(), cache[-1].copy()
    out_upper = np.full(B, np.inf)
    work = np.arange(B)
    for _ in range(max_iter):
        if work.size == 0:
            break
        # damping as for Nash, and as small as the barrier's own curvature allows when mu is
        # small (large curvature along the constraints would otherwise hold back the rest)
        pr = Problem(e, c, np.where(include, mu[:, None], 0.0), 1.0, True,
                     np.maximum(1e-12, 1e-6 * mu)[:, None])
        z_old, tv_old = z, tv
        z, tv, cache, _, dec, _, _, _ = newton_step(sp, pr, z, tv, cache)
        last = mu <= mu_final
        stalled = (np.abs(z - z_old).max(axis=1) <= 1e-12) & (np.abs(tv - tv_old) <= 1e-12)
        centred = (dec <= np.where(last, 1e-12, centre) * mu) | (last & stalled)
        done = centred & last
        if stop_above is not None:
            done |= level(cache[-1], lead, e, c) > stop_above
        if centred.any():
            ci = np.flatnonzero(centred)
            sub = sp.take(ci)
            sc = rows_of(cache, ci)
            s = sc[-1] - e[ci] - tv[ci, None] * c[ci]
            # a slack lost to cancellation (u_j is computed as a difference) gives no bound
            usable = np.where(include[ci], s > 0.0, True).all(axis=1)
            lam = np.where(include[ci] & (s > 0.0), mu[ci, None] / np.where(s > 0.0, s, 1.0), 0.0)
            norm = (lam * c[ci]).sum(axis=1)
            lam = lam / np.where(norm > 0.0, norm, 1.0)[:, None]
            bound = (lam * (sc[-1] - e[ci])).sum(axis=1) + certificate(sub, z[ci], sc, lam)
            upper[ci] = np.minimum(upper[ci], np.where(usable, bound, np.inf))
            mu[ci] = np.where(last[ci], mu[ci], np.maximum(mu[ci] * factor, mu_final))
        if done.any():
            fi = np.flatnonzero(done)
            out_z[work[fi]], out_u[work[fi]], out_upper[work[fi]] = z[fi], cache[-1][fi], upper[fi]
            keep = np.flatnonzero(~done)
            # the compiled step reads a view's runs from its base; numpy's needs them copied
            work = work[keep]
            sp = sp.view(keep) if _uses_compiled_step(sp) else sp.take(keep)
            e, c, include, lead = e[keep], c[keep], include[keep], lead[keep]
            z, tv, mu, upper = z[keep], tv[keep], mu[keep], upper[keep]
            cache = rows_of(cache, keep)
    if work.size:
        out_z[work], out_u[work], out_upper[work] = z, cache[-1], upper
    return out_z, level(out_u, lead_all, e_all, c_all), out_upper, out_u

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
)

_ARMIJO = 1e-4
_HALVINGS = 40
_SNAP = 1e-13


def newton_step(
    sp: Space, pr: Problem, z: FloatArray, tv: FloatArray, cache: Cache
) -> tuple[FloatArray, FloatArray, Cache, FloatArray, FloatArray, FloatArray, FloatArray]:
    """One projected Newton step on cells with Armijo backtracking, for every run of the batch.

    Returns the new ``z``, ``t`` and cache, and, *at the old point*, the box gap, the Newton
    decrement ``g . delta``, the multipliers ``y = beta / s`` and the slacks ``s`` predicted by
    the linear model after the full Newton step.
    """
    B, _, K = sp.q.shape
    t, _, u = cache
    s = u - pr.e - tv[:, None] * pr.c
    live = (pr.beta > 0.0) & (s > 0.0)
    s_safe = np.where(live, s, 1.0)
    y = np.where(live, pr.beta / s_safe, 0.0)
    wy = sp.w * y[:, :, None]
    sl = Slopes(sp, cache)
    g_up, g_down = sl.directional(wy)  # slopes of sum_j y_j u_j moving up / arriving from below
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
    jac = sl.ms * sp.w  # minus d s_j / d z_k, on the side moved to
    zb, zj, zk = sl.zb, sl.zj, sl.zk
    jac[zb, zj, zk] = np.where(left[zb, zk], -1.0, 1.0) * sl.kick * sp.w[zb, zj, zk]
    np.negative(jac, out=jac)
    g_z = np.where(left, g_down, g_up)
    if pr.with_t:
        jac = np.concatenate([jac, -pr.c[:, :, None]], axis=2)
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
    jac *= root[:, :, None]
    M0 = np.matmul(jac.transpose(0, 2, 1), jac)
    diag0 = np.einsum("bkk->bk", M0).copy()
    if d2 is not None:
        diag0[:, :K] += np.einsum("bnk,bnk->bk", wy, d2)
    diag0 = diag0 * (1.0 + 1e-12) + 1e-300
    eye = np.arange(K1)
    grad = np.where(free, grad, 0.0)
    delta = np.zeros((B, K1))
    rows = np.arange(B)
    for _ in range(K1):
        fr = free[rows]
        M = M0[rows]
        some = np.flatnonzero(~fr.all(axis=1))
        M[some] *= fr[some, :, None] & fr[some, None, :]
        M[:, eye, eye] = np.where(fr, diag0[rows], 1.0)
        grad[rows] = np.where(fr, grad[rows], 0.0)
        delta[rows] = np.linalg.solve(M, grad[rows][:, :, None])[:, :, 0]
        # a coordinate on a kink or bound may only move to the side its model describes
        dr = delta[rows]
        wrong = fr & pinned[rows] & ((right[rows] & (dr < 0.0)) | (left[rows] & (dr > 0.0)))
        bad = wrong.any(axis=1)
        if not bad.any():
            break
        rows = rows[bad]
        free[rows] &= ~wrong[bad]
    s_pred = s + np.einsum("bnk,bk->bn", jac, delta) / np.where(root > 0.0, root, 1.0)
    decrement = (grad * delta).sum(axis=1)
    delta /= np.maximum(1.0, np.abs(delta).max(axis=1, keepdims=True))
    dz = delta[:, :K]
    phi0 = objective(u, tv, pr.e, pr.c, pr.beta, pr.alpha)
    pending = np.flatnonzero(decrement > 0.0)
    z_new, tv_new = z.copy(), tv.copy()
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
    first = np.minimum(1.0, room.min(axis=1))

    def attempt(idx: NDArray[np.intp], zt: FloatArray, tt: FloatArray) -> tuple[Cache, BoolArray]:
        """Evaluate a trial point and apply the Armijo test (with a rounding allowance)."""
        ct = evaluate(sp, zt, None if idx.size == B else idx)
        phi = objective(ct[-1], tt, pr.e[idx], pr.c[idx], pr.beta[idx], pr.alpha)
        pred = (g_z[idx] * (zt - z[idx])).sum(axis=1)
        if pr.with_t:
            pred += grad[idx, K] * (tt - tv[idx])
        slack = 1e-15 * (np.abs(phi0[idx]) + 1.0)
        return ct, phi >= phi0[idx] + _ARMIJO * pred - slack

    for trial in range(_HALVINGS):
        if pending.size == 0:
            break
        zp = z[pending] + step[pending, None] * dz[pending]
        zt = np.clip(zp, cell_lo[pending], cell_hi[pending])
        tt = tv[pending] + step[pending] * delta[pending, K] if pr.with_t else tv[pending]
        ct, ok = attempt(pending, zt, tt)
        acc = pending[ok]
        z_new[acc], tv_new[acc] = zt[ok], tt[ok]
        if new_cache is cache and pending.size == B:  # first trial: start from its values
            new_cache = ct
            rej = np.flatnonzero(~ok)
            for arr, old in zip(new_cache, cache, strict=True):
                arr[rej] = old[rej]
        else:
            if new_cache is cache:
                new_cache = tuple(a.copy() for a in cache)
            for arr, part in zip(new_cache, ct, strict=True):
                arr[acc] = part[ok]
        pending = pending[~ok]
        if trial == 0:  # the step cut coordinate-wise at kinks failed: stop at the first kink
            step[pending] = np.where(first[pending] < 1.0, first[pending], 0.5)
        else:
            step[pending] *= 0.5
    if sp.has_cells and sp.linear:  # land exactly on kinks that a step stopped a hair short of
        snap = np.where(
            np.abs(z_new - above) < _SNAP,
            above,
            np.where(np.abs(z_new - below) < _SNAP, below, z_new),
        )
        moved = np.flatnonzero((snap != z_new).any(axis=1))
        if moved.size:
            z_new[moved] = snap[moved]
            part = evaluate(sp, z_new[moved], moved)
            if new_cache is cache:
                new_cache = tuple(a.copy() for a in cache)
            for arr, p_ in zip(new_cache, part, strict=True):
                arr[moved] = p_
    return z_new, tv_new, new_cache, gap, decrement, y, s_pred


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
        outcome; 2 iteration budget exhausted.
    gap : (B,)
        For solved runs, a certified bound on the objective's distance to the optimum.
    """
    B = sp.q.shape[0]
    act = tau > 0.0
    piecewise = np.all((sp.r == 1.0) | (sp.wsum == 0.0), axis=1)
    best_m = np.full(B, -np.inf)
    z = np.empty(starts[0].shape)
    for zs in starts:
        zs = np.clip(zs, sp.lo, sp.hi)
        m = np.where(act, evaluate(sp, zs)[-1] - d, np.inf).min(axis=1)
        better = m > best_m
        z[better], best_m[better] = zs[better], m[better]
    cache = evaluate(sp, z)
    shift = np.where(best_m > 0.0, 0.0, -best_m + 1e-2)
    out_z = z.copy()
    status = np.full(B, 2, dtype=np.int8)
    gap_out = np.full(B, np.nan)
    work = np.arange(B)
    zero_t = np.zeros(B)
    best_dec = np.full(B, np.inf)
    for _ in range(max_iter):
        nb = work.size
        if nb == 0:
            break
        pr = Problem(d - shift[:, None], np.zeros_like(d), tau, 0.0, False)
        z_new, _, c_new, gap, dec, y, s_pred = newton_step(sp, pr, z, zero_t[:nb], cache)
        scale = 1.0 + y.sum(axis=1)
        bound = 1.0 - shift * y.sum(axis=1) + gap  # uses the first-order bound, valid for any y
        stalled = np.all(z_new == z, axis=1) | (dec <= (1e-15 * scale) ** 2)
        # the gap bounds the objective; ask for a negligible Newton step too, so that z is
        # accurate to rounding rather than to the square root of the gap
        converged = (gap <= tol * scale) & (np.abs(z_new - z).max(axis=1) <= 1e-12)
        # with curved utilities Newton may crawl next to an actor's position (infinite
        # curvature): there accept a second-order (duality) bound on the objective instead
        stagnant = (dec <= 1e-9 * scale) & (dec >= 0.01 * best_dec)  # e.g. cycling by a cusp
        best_dec = np.minimum(best_dec, dec)
        check = np.flatnonzero(~converged & (stalled | (~piecewise & stagnant)))
        if check.size:
            sub = sp.take(check)
            sc = tuple(a[check] for a in cache)
            bound2 = duality_gap(
                sub,
                z[check],
                sc,
                tau[check],
                d[check] - shift[check, None],
                s_pred[check],
                floor=0.1 * tol,
            )
            gap[check] = np.minimum(gap[check], bound2)
            converged[check] = (bound2 <= tol * scale[check]) | stalled[check]
        shifted = shift > 0.0
        infeasible = shifted & converged & (bound < 0.0)
        inessential = shifted & converged & ~infeasible & (bound <= 1e-10 * y.sum(axis=1))
        solved = ~shifted & converged
        stop = solved | infeasible | inessential
        # carry on from the new point
        keep_old = stop | (shifted & converged)
        z_next, cache_next = z_new, c_new
        ko = np.flatnonzero(keep_old)
        if ko.size:
            z_next[ko] = z[ko]
            for fresh, old in zip(cache_next, cache, strict=True):
                if fresh is not old:
                    fresh[ko] = old[ko]
        m = np.minimum(np.where(act, cache_next[-1] - d, np.inf).min(axis=1), 1e300)
        # re-centred (roughly) for the current shift: shrink its excess over -m tenfold
        shrink = shifted & ~stop & (m <= 0.0) & (converged | (dec <= 1e-2))
        shift = np.where(shifted & (m > 0.0), 0.0, np.where(shrink, -m + 0.1 * (shift + m), shift))
        if stop.any():
            fi = np.flatnonzero(stop)
            out_z[work[fi]] = z_next[fi]
            status[work[fi]] = np.where(solved[fi], 1, np.where(infeasible[fi], -1, 0))
            gap_out[work[fi]] = gap[fi]
            keep = np.flatnonzero(~stop)
            work, sp = work[keep], sp.take(keep)
            d, tau, act, shift = d[keep], tau[keep], act[keep], shift[keep]
            piecewise, best_dec = piecewise[keep], best_dec[keep]
            z, cache = z_next[keep], tuple(a[keep] for a in cache_next)
        else:
            z, cache = z_next, cache_next
    out_z[work] = z
    return out_z, status, np.where(status == 1, gap_out, np.nan)


# ---------------------------------------------------------------------------------------------
# Max-min problems


def maxmin(
    sp: Space,
    e: FloatArray,
    c: FloatArray,
    include: BoolArray,
    z0: FloatArray,
    *,
    mu0: float = 1e-1,
    mu_final: float = 1e-13,
    factor: float = 0.01,
    max_iter: int = 400,
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """``max t`` subject to ``u_j(z) >= e_j + t c_j`` for the included actors, by log barrier.

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
    tv = t0 - 0.1 * np.maximum(1.0, np.abs(t0))
    mu = np.full(B, mu0)
    upper = np.full(B, np.inf)
    out_z, out_u = z.copy(), cache[-1].copy()
    out_upper = np.full(B, np.inf)
    work = np.arange(B)
    for _ in range(max_iter):
        if work.size == 0:
            break
        pr = Problem(e, c, np.where(include, mu[:, None], 0.0), 1.0, True)
        z_old, tv_old = z, tv
        z, tv, cache, _, dec, _, _ = newton_step(sp, pr, z, tv, cache)
        last = mu <= mu_final
        stalled = (np.abs(z - z_old).max(axis=1) <= 1e-12) & (np.abs(tv - tv_old) <= 1e-12)
        centred = (dec <= np.where(last, 1e-12, 1e-3) * mu) | (last & stalled)
        done = centred & last
        if centred.any():
            ci = np.flatnonzero(centred)
            sub = sp.take(ci)
            sc = tuple(a[ci] for a in cache)
            s = sc[-1] - e[ci] - tv[ci, None] * c[ci]
            lam = np.where(include[ci], mu[ci, None] / np.where(include[ci], s, 1.0), 0.0)
            norm = (lam * c[ci]).sum(axis=1)
            lam = lam / np.where(norm > 0.0, norm, 1.0)[:, None]
            bound = (lam * (sc[-1] - e[ci])).sum(axis=1) + certificate(sub, z[ci], sc, lam)
            upper[ci] = np.minimum(upper[ci], bound)
            mu[ci] = np.where(last[ci], mu[ci], np.maximum(mu[ci] * factor, mu_final))
        if done.any():
            fi = np.flatnonzero(done)
            out_z[work[fi]], out_u[work[fi]], out_upper[work[fi]] = z[fi], cache[-1][fi], upper[fi]
            keep = np.flatnonzero(~done)
            work, sp = work[keep], sp.take(keep)
            e, c, include, lead = e[keep], c[keep], include[keep], lead[keep]
            z, tv, mu, upper = z[keep], tv[keep], mu[keep], upper[keep]
            cache = tuple(a[keep] for a in cache)
    if work.size:
        out_z[work], out_u[work], out_upper[work] = z, cache[-1], upper
    return out_z, level(out_u, lead_all, e_all, c_all), out_upper, out_u

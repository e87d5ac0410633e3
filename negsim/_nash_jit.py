"""A compiled Newton step for Nash bargaining over linear utilities (private; needs numba).

:func:`newton_step_linear` does, run by run in compiled loops, what
:func:`negsim._spatial_bargaining.newton_step` does with whole-batch numpy operations, for the
Nash problem (no level variable ``t``) when every utility is linear in each coordinate
(``r_j = 1``, kinks at the actors' positions): the projected Newton step on cells, the
re-solve without coordinates that would move the wrong way off a kink or bound, the ratio test,
the exact maximum along the ray for a longer first trial, Armijo backtracking and the snap onto
kinks a step stopped a hair short of. The rules and their order are the numpy function's, so the
two reach the same points up to rounding: the sums run in another order (the numpy code's
``einsum`` and ``matmul`` pair terms their own way) and the Newton systems are solved by
Gaussian elimination with partial pivoting here, by LAPACK's ``gesv`` there. The test suite
checks that the solutions agree to 1e-9 and that both are certified by the same numpy
certificates, which the Nash driver computes from the points whichever step produced them.

Importing this module imports numba; :mod:`negsim._spatial_bargaining` does so only when numba
is installed and the compiled step is not switched off (``NEGSIM_JIT=0``).
"""

from __future__ import annotations

import numba
import numpy as np

__all__ = ["newton_step_linear"]

_ARMIJO = 1e-4
_HALVINGS = 40
_SNAP = 1e-13

_jit = numba.njit(cache=True, nogil=True, error_model="numpy")


@_jit
def _utilities(q, w, wsum, b, zt, u):
    """Utilities of run ``b`` (a row of the base arrays) at ``zt``."""
    n, K = q.shape[1], q.shape[2]
    for j in range(n):
        acc = 0.0
        for k in range(K):
            acc += w[b, j, k] * abs(zt[k] - q[b, j, k])
        u[j] = wsum[b, j] - acc


@_jit
def _objective(u, e, beta, b):
    """``sum_j beta_j log(u_j - e_j)``, ``-inf`` outside the domain."""
    total = 0.0
    for j in range(u.shape[0]):
        s = u[j] - e[b, j]
        if beta[b, j] > 0.0:
            if s > 0.0:
                total += beta[b, j] * np.log(s)
            else:
                return -np.inf
    return total


@_jit
def _ray_max(s, ds, beta, b, hi):
    """``argmax`` over ``alpha`` in ``[1, hi]`` of ``sum_j beta_j log(s_j + alpha ds_j)`` (see
    :func:`negsim._spatial_bargaining._ray_max`, of which this is the one-row form)."""
    n = s.shape[0]
    edge = np.inf
    for j in range(n):
        bj = beta[b, j] if s[j] > 0.0 else 0.0
        if bj > 0.0 and ds[j] < 0.0:
            edge = min(edge, -s[j] / ds[j])
    top = min(hi, edge)

    def slope(a):
        g = 0.0
        h = 0.0
        for j in range(n):
            bj = beta[b, j] if s[j] > 0.0 else 0.0
            if bj > 0.0:
                qj = ds[j] / (s[j] + a * ds[j])
                g += bj * qj
                h += bj * qj * qj
        return g, -h

    g_one, _ = slope(1.0)
    at_top = top < edge
    g_top, _ = slope(top if at_top else 1.0)
    if at_top and g_top >= 0.0:
        return top
    if not g_one > 0.0:
        return 1.0
    a, lo_a, hi_a, out = 1.0, 1.0, top, 1.0
    for _ in range(60):
        g, h = slope(a)
        if g > 0.0:
            lo_a = a
        else:
            hi_a = a
        nxt = a - g / h
        if not (np.isfinite(nxt) and nxt > lo_a and nxt < hi_a):
            nxt = 0.5 * (lo_a + min(hi_a, 2.0 * lo_a + 1.0))
        out = nxt
        if not abs(nxt - a) > 1e-12 * a:
            break
        a = nxt
    return out


@_jit
def _solve(A, g, x):
    """Solve ``A x = g`` in place (A and g are overwritten) by Gaussian elimination with partial
    pivoting; False if a column has no non-zero pivot (the matrix is singular)."""
    K = A.shape[0]
    for col in range(K):
        p = col
        best = abs(A[col, col])
        nonzero = A[col, col] != 0.0
        for r in range(col + 1, K):
            v = abs(A[r, col])
            if A[r, col] != 0.0:
                nonzero = True
            if v > best:
                best = v
                p = r
        if not nonzero:
            return False
        if p != col:
            for c in range(col, K):
                A[col, c], A[p, c] = A[p, c], A[col, c]
            g[col], g[p] = g[p], g[col]
        for r in range(col + 1, K):
            f = A[r, col] / A[col, col]
            if f != 0.0:
                for c in range(col + 1, K):
                    A[r, c] -= f * A[col, c]
                g[r] -= f * g[col]
    for r in range(K - 1, -1, -1):
        acc = g[r]
        for c in range(r + 1, K):
            acc -= A[r, c] * x[c]
        x[r] = acc / A[r, r]
    return True


@_jit
def newton_step_linear(q, w, wsum, lo, hi, cells, rows, has_cells, e, beta, damping, z,
                       z_new, u_new, gap, dec, y, s_pred, full):
    """One Newton step for every run of the batch; writes the new point and its utilities,
    and, at the old point, the box gap, the decrement, the
    multipliers and the predicted slacks, and whether the whole step was taken (the outputs of
    :func:`negsim._spatial_bargaining.newton_step`). Run ``b`` of the batch is row
    ``rows[b]`` of the space's arrays (``q`` ... ``cells``) and row ``b`` of every other array.
    Returns -1, or the first run whose Newton system is singular."""
    B = rows.shape[0]
    n, K = q.shape[1], q.shape[2]
    m = cells.shape[0]
    u0 = np.empty(n)
    ut = np.empty(n)
    s = np.empty(n)
    ss = np.empty(n)
    root = np.empty(n)
    ds = np.empty(n)
    J = np.empty((n, K))
    M0 = np.empty((K, K))
    M = np.empty((K, K))
    diag0 = np.empty(K)
    g_up = np.empty(K)
    g_down = np.empty(K)
    g_z = np.empty(K)
    grad = np.empty(K)
    g = np.empty(K)
    gf = np.empty(K)
    dr = np.empty(K)
    delta = np.zeros(K)
    above = np.empty(K)
    below = np.empty(K)
    cell_lo = np.empty(K)
    cell_hi = np.empty(K)
    zt = np.empty(K)
    zn = np.empty(K)
    right = np.empty(K, dtype=np.bool_)
    left = np.empty(K, dtype=np.bool_)
    free = np.empty(K, dtype=np.bool_)
    pinned = np.empty(K, dtype=np.bool_)
    fr = np.empty(K, dtype=np.bool_)
    for b in range(B):
        rb = rows[b]
        zb = z[b]
        _utilities(q, w, wsum, rb, zb, u0)
        for j in range(n):
            s[j] = u0[j] - e[b, j]
            live = beta[b, j] > 0.0 and s[j] > 0.0
            ss[j] = s[j] if live else 1.0
            y[b, j] = beta[b, j] / ss[j] if live else 0.0
        # one-sided slopes of sum_j y_j u_j, and the box gap
        gp = 0.0
        for k in range(K):
            mid = 0.0
            mass = 0.0
            for j in range(n):
                t = zb[k] - q[rb, j, k]
                wy = w[rb, j, k] * y[b, j]
                if t > 0.0:
                    mid -= wy
                elif t < 0.0:
                    mid += wy
                else:
                    mass += wy
            g_up[k] = mid - mass
            g_down[k] = mid + mass
            gp += (max(g_up[k], 0.0) * (hi[rb, k] - zb[k])
                   + max(-g_down[k], 0.0) * (zb[k] - lo[rb, k]))
        gap[b] = gp
        for k in range(K):
            right[k] = g_up[k] > 0.0 and zb[k] < hi[rb, k]
            left[k] = (not right[k]) and g_down[k] < 0.0 and zb[k] > lo[rb, k]
            on_cell = False
            if has_cells:
                a_k, b_k = np.inf, -np.inf
                for lv in range(m):
                    c = cells[lv, rb, k]
                    if c > zb[k]:
                        a_k = min(a_k, c)
                    elif c < zb[k]:
                        b_k = max(b_k, c)
                    else:
                        on_cell = True
                above[k], below[k] = a_k, b_k
            free[k] = right[k] or left[k] or (
                (not on_cell) and zb[k] > lo[rb, k] and zb[k] < hi[rb, k])
            pinned[k] = on_cell or zb[k] <= lo[rb, k] or zb[k] >= hi[rb, k]
            g_z[k] = g_down[k] if left[k] else g_up[k]
            grad[k] = g_z[k] if free[k] else 0.0
        # d s_j / d z_k on the side moved to, scaled by sqrt(y_j / s_j)
        for j in range(n):
            root[j] = np.sqrt(y[b, j] / ss[j])
            for k in range(K):
                t = zb[k] - q[rb, j, k]
                if t > 0.0:
                    sgn = 1.0
                elif t < 0.0:
                    sgn = -1.0
                else:
                    sgn = -1.0 if left[k] else 1.0
                J[j, k] = -(sgn * w[rb, j, k]) * root[j]
        for a in range(K):
            for c in range(a, K):
                acc = 0.0
                for j in range(n):
                    acc += J[j, a] * J[j, c]
                M0[a, c] = acc
                M0[c, a] = acc
            diag0[a] = M0[a, a] * (1.0 + damping) + 1e-300
        for k in range(K):
            fr[k] = free[k]
            g[k] = grad[k]
        for _ in range(K):
            for a in range(K):
                for c in range(K):
                    M[a, c] = M0[a, c] if (fr[a] and fr[c]) else 0.0
                M[a, a] = diag0[a] if fr[a] else 1.0
                if not fr[a]:
                    g[a] = 0.0
                gf[a] = g[a]
            if not _solve(M, g, dr):
                return b
            for k in range(K):
                delta[k] = dr[k]
                g[k] = gf[k]
            wrong = False
            for k in range(K):
                if fr[k] and pinned[k] and ((left[k] and dr[k] > 0.0)
                                            or (right[k] and dr[k] < 0.0)):
                    fr[k] = False
                    wrong = True
            if not wrong:
                break
        decrement = 0.0
        for k in range(K):
            decrement += gf[k] * delta[k]
        dec[b] = decrement
        for j in range(n):
            acc = 0.0
            for k in range(K):
                acc += J[j, k] * delta[k]
            ds[j] = acc / (root[j] if root[j] > 0.0 else 1.0)
            s_pred[b, j] = s[j] + ds[j]
        cap = 1.0
        for k in range(K):
            cap = max(cap, abs(delta[k]))
        for k in range(K):
            delta[k] /= cap
        for j in range(n):
            ds[j] /= cap
        phi0 = _objective(u0, e, beta, b)
        reach = np.inf
        for k in range(K):
            dz = delta[k]
            if has_cells:
                cell_hi[k] = min(above[k], hi[rb, k]) if dz > 0.0 else zb[k]
                cell_lo[k] = max(below[k], lo[rb, k]) if dz < 0.0 else zb[k]
            else:
                cell_hi[k], cell_lo[k] = hi[rb, k], lo[rb, k]
            if dz > 0.0:
                room = (cell_hi[k] - zb[k]) / dz
            elif dz < 0.0:
                room = (cell_lo[k] - zb[k]) / dz
            else:
                room = np.inf
            reach = min(reach, room)
        first = min(1.0, reach)
        alpha0 = 1.0
        grows = -np.inf
        for j in range(n):
            grows = max(grows, ds[j] / ss[j] if beta[b, j] > 0.0 else 0.0)
        if reach > 1.0 and decrement > 0.0 and grows >= 0.5:
            alpha0 = _ray_max(s, ds, beta, b, reach)
        slack = 1e-15 * (abs(phi0) + 1.0)
        full[b] = False
        for k in range(K):
            zn[k] = zb[k]
        for j in range(n):
            u_new[b, j] = u0[j]
        if decrement > 0.0:
            step = 1.0
            for trial in range(_HALVINGS + 1):
                mult = alpha0 if trial == 0 else step
                pred = 0.0
                for k in range(K):
                    zt[k] = min(max(zb[k] + mult * delta[k], cell_lo[k]), cell_hi[k])
                    pred += g_z[k] * (zt[k] - zb[k])
                if trial == 0:
                    pred /= alpha0
                _utilities(q, w, wsum, rb, zt, ut)
                phi = _objective(ut, e, beta, b)
                if phi >= phi0 + _ARMIJO * pred - slack:
                    for k in range(K):
                        zn[k] = zt[k]
                    for j in range(n):
                        u_new[b, j] = ut[j]
                    full[b] = trial == 0 and reach >= 1.0
                    break
                if trial == 0:
                    # the longer step failed: the Newton step; the step cut at kinks: the first
                    # kink; and no further than most of the way to where a slack reaches 0
                    edge = np.inf
                    for j in range(n):
                        if beta[b, j] > 0.0 and ds[j] < 0.0:
                            edge = min(edge, -s[j] / ds[j])
                    step = min(1.0 if alpha0 > 1.0 else (first if first < 1.0 else 0.5),
                               0.9 * edge)
                else:
                    step *= 0.5
        if has_cells:  # land exactly on kinks that a step stopped a hair short of
            snapped = False
            for k in range(K):
                if abs(zn[k] - above[k]) < _SNAP:
                    snapped = snapped or zn[k] != above[k]
                    zn[k] = above[k]
                elif abs(zn[k] - below[k]) < _SNAP:
                    snapped = snapped or zn[k] != below[k]
                    zn[k] = below[k]
            if snapped:
                _utilities(q, w, wsum, rb, zn, ut)
                for j in range(n):
                    u_new[b, j] = ut[j]
        for k in range(K):
            z_new[b, k] = zn[k]
    return -1


@_jit
def pick_start_linear(q, w, wsum, lo, hi, d, tau, margin, per_run, shared, z_out, m_out):
    """Per run, the best start (see :func:`negsim._spatial_bargaining._pick_start`): the
    highest Nash objective among the starts clear of every constraint by ``margin``, else the
    one whose worst-off actor is best placed. ``per_run`` (S, B, K) are tried first, then
    ``shared`` (P, K), the same for every run. Writes the point and that actor's gain."""
    B, n, K = q.shape
    n_run, n_shared = per_run.shape[0], shared.shape[0]
    zs = np.empty(K)
    u = np.empty(n)
    for b in range(B):
        best_v, best_m = -np.inf, -np.inf
        for k in range(K):
            z_out[b, k] = min(max(per_run[0, b, k] if n_run else shared[0, k], lo[b, k]),
                              hi[b, k])
        for i in range(n_run + n_shared):
            for k in range(K):
                x = per_run[i, b, k] if i < n_run else shared[i - n_run, k]
                zs[k] = min(max(x, lo[b, k]), hi[b, k])
            _utilities(q, w, wsum, b, zs, u)
            m = np.inf
            v = 0.0
            for j in range(n):
                if tau[b, j] > 0.0:
                    gain = u[j] - d[b, j]
                    m = min(m, gain)
                    if gain > 0.0:
                        v += tau[b, j] * np.log(gain)
            if not m > margin:
                v = -np.inf
            if v > best_v or (v == -np.inf and best_v == -np.inf and m > best_m):
                best_v, best_m = v, m
                for k in range(K):
                    z_out[b, k] = zs[k]
        m_out[b] = best_m

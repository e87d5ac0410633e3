"""The compiled (numba) kernel of :func:`negsim.discrete_offers.discrete_offers` (private).

Importing this module imports numba; :func:`solve` is compiled on its first call (a few
seconds), or loaded from numba's cache: ``__pycache__`` next to this file, else numba's
user-wide cache directory, else (neither writable) compiled in memory in every process.

One negotiation at a time, round by round, to the first acceptance, without sorting the outcome
space and visiting, per agent, only the outcomes above its threshold in the last round played:

* Each agent's thresholds ``theta(r)`` come from the concession powers ``tau_r ** (1 / e)``,
  computed by numpy (so that both backends start from the very same bits), by numpy's own
  operations; ``M(r) = min_{s <= r} theta(s)`` is their running minimum (``theta`` itself,
  unless rounding in the powers makes it rise somewhere).
* The offer of round ``r`` is the least (utility, outcome number) among the outcomes with
  ``u >= theta(r)``: the least of those that first clear ``M`` in round ``r`` if there are any
  (each of them is worth less than any outcome eligible before), else the offer of round
  ``r - 1``. (A round whose threshold rose above the running minimum gets an enumeration of its
  own: :func:`_enumerate`.)
* The outcomes are enumerated lazily, with additive utilities: each issue's terms ``w_k v_k[x]``
  are sorted in decreasing order, and a prefix of the issues (its partial sums, in issue order as
  numpy adds them) is an entry that waits, in a list per round, for the first round whose level
  its next value can reach: an inner entry for the round whose level, less a rounding margin far
  above any rounding error, its best completion clears; an entry of all issues but the last for
  the round in which its next outcome clears the threshold. In round ``r`` the entries listed
  there resume; every outcome is visited once, when it first becomes eligible, and every
  comparison with a threshold is exact.
* Finding the round in which a value clears the threshold starts from a table of the inverse of
  the powers (``_GRID`` steps per round) and walks to the exact round.

An agent whose reserve exceeds its best utility (no outcome ever clears its threshold) offers its
best outcome, the last in (utility, outcome number) order, in every round.

The hot loops call no helper that takes arrays: such code is written out where it is used (a
helper's array arguments, even inlined, can leave reference counting in the loops, which cost
several times the rest of the work there).
"""

from __future__ import annotations

from typing import Any

import numba
import numpy as np

__all__ = ["solve"]

_EPS = 2.220446049250313e-16
# steps per round of the tables that invert the concession powers: finer for up to _SHARED
# distinct exponents (tables made once per call), coarser for more (made per negotiation)
_GRID = 16
_GRID_EACH = 4
_SHARED = 64


def _jit(fn: Any) -> Any:
    """``numba.njit`` with the GIL released, cached on disk when a cache directory is usable."""
    options: dict[str, Any] = {"nogil": True, "error_model": "numpy"}
    try:
        return numba.njit(cache=True, **options)(fn)
    except RuntimeError:  # numba finds no writable cache directory: compile in memory
        return numba.njit(**options)(fn)


def _enumerate_py(sv: Any, si: Any, wo: Any, rem: Any, pw: Any, start: float, margin: float,
                  level: float, maximise: bool, j: Any, s: Any, so: Any,
                  nn: Any) -> tuple[float, float, int]:
    """The least outcome by (utility, number) among those with ``u >= level``, or with
    ``maximise`` the greatest: its utility, the other's, its number (there must be one).

    ``sv``, ``si``: the agent's terms of each issue sorted in decreasing order, and their value
    indices; ``wo``: the other agent's terms (by value index); ``rem[d]``: the largest sum of the
    terms of issues ``d, d + 1, ...``; ``pw[d] = m ** d``; ``j``, ``s``, ``so``, ``nn``: room
    for the loops' state. Nested loops over the sorted values, cut where no completion reaches
    the level (with ``margin`` for rounding; the utilities themselves are compared exactly).
    """
    k, m = sv.shape
    last = k - 1
    d = 0
    j[0] = 0
    s[0] = start
    so[0] = start
    nn[0] = 0
    found = False
    bu = 0.0
    bo = 0.0
    bn = 0
    cut = level - margin
    while True:
        jd = j[d]
        if jd < m:
            t = s[d] + sv[d, jd]
            if d == last:
                if t >= level:
                    j[d] = jd + 1
                    x = si[d, jd]
                    num = nn[d] + x * pw[d]
                    if maximise:
                        better = t > bu or (t == bu and num > bn)
                    else:
                        better = t < bu or (t == bu and num < bn)
                    if not found or better:
                        bu = t
                        bo = so[d] + wo[d, x]
                        bn = num
                        found = True
                    continue
            elif t + rem[d + 1] >= cut:
                x = si[d, jd]
                j[d] = jd + 1
                s[d + 1] = t
                so[d + 1] = so[d] + wo[d, x]
                nn[d + 1] = nn[d] + x * pw[d]
                d += 1
                j[d] = 0
                continue
        # this value and every later one fall short: back to the previous issue
        if d == 0:
            return bu, bo, bn
        d -= 1


_enumerate = _jit(_enumerate_py)


def _invert_py(powers: Any, lut: Any) -> None:
    """``lut[c]``: the first round whose power is at least ``c / G``, or the number of rounds."""
    g = lut.shape[0] - 1
    rounds = powers.shape[0]
    r = 0
    for c in range(g + 1):
        q = c / g
        while r < rounds and powers[r] < q:
            r += 1
        lut[c] = r


_invert = _jit(_invert_py)


def _cell_py(top: float, scale: float, value: float, g: int) -> int:
    """The step of the inverse table in which ``value`` falls (scalars only: inlined freely)."""
    c = (top - value) * scale
    if c <= 0.0:
        return 0
    if c >= g:
        return g
    return int(c)


_cell = numba.njit(inline="always", nogil=True, error_model="numpy")(_cell_py)


def _solve_py(w: Any, v: Any, res: Any, table: Any, inv: Any, tol: float, move: Any,
              proposer: Any, outcome: Any, utility: Any, th_out: Any) -> None:
    """Solve every negotiation of the arrays: writes ``move`` (the accepting move, from 1, or
    -1), ``proposer``, ``outcome`` (the outcome number, or -1) and ``utility`` (both agents').

    ``w`` (n, 2, K), ``v`` (n, 2, K, m), ``res`` (n, 2): the problems; ``table[inv[2 n + i]]``:
    the powers ``tau_r ** (1 / e)`` of agent ``i`` of run ``n``; ``th_out``: shape (n, 2, T)
    to receive the thresholds (for tests), else (0, 2, T).
    """
    n, _, k, m = v.shape
    rounds = table.shape[1]
    last = k - 1
    shared = table.shape[0] <= _SHARED
    g = (_GRID if shared else _GRID_EACH) * rounds
    pw = np.empty(k, dtype=np.int64)
    pw[0] = 1
    size = 1  # prefixes of 0, ..., K - 1 issues: the entries of the enumeration
    for kk in range(1, k):
        pw[kk] = pw[kk - 1] * m
        size += pw[kk]
    start = 0.0 if k == 1 else -0.0  # numpy adds the one issue's terms to zeros
    wv = np.empty((2, k, m))
    sv = np.empty((2, k, m))
    si = np.empty((2, k, m), dtype=np.int64)
    rem = np.empty((2, k + 1))
    th = np.empty((2, rounds))
    mins = np.empty((2, rounds))
    cuts = np.empty((2, rounds))
    heads = np.empty((2, rounds), dtype=np.int64)
    depth = np.empty((2, size), dtype=np.int64)
    at = np.empty((2, size), dtype=np.int64)
    ps = np.empty((2, size))
    pso = np.empty((2, size))
    pnn = np.empty((2, size), dtype=np.int64)
    nxt = np.empty((2, size), dtype=np.int64)
    count = np.empty(2, dtype=np.int64)
    # the inverse tables: one per distinct exponent, or one per agent, made when it changes
    lut = np.empty((table.shape[0] if shared else 2, g + 1), dtype=np.int64)
    lut_row = np.full(2, -1, dtype=np.int64)
    lut_of = np.empty(2, dtype=np.int64)
    if shared:
        for row in range(table.shape[0]):
            _invert(table[row], lut[row])
    j = np.empty(k, dtype=np.int64)
    s = np.empty(k + 1)
    so = np.empty(k + 1)
    nn = np.empty(k + 1, dtype=np.int64)
    margin = np.empty(2)
    best = np.empty(2)
    top = np.empty(2)
    scale = np.empty(2)
    degenerate = np.zeros(2, dtype=np.bool_)
    cur_u = np.empty(2)  # each agent's current offer: its utility, the other's, its number
    cur_o = np.empty(2)
    cur_n = np.empty(2, dtype=np.int64)
    reg_u = np.empty(2)  # the least outcome above the running minimum of the thresholds
    reg_o = np.empty(2)
    reg_n = np.empty(2, dtype=np.int64)
    for run in range(n):
        for i in range(2):
            hi = 0.0
            low = 0.0
            total = 0.0
            for kk in range(k):
                mx = -np.inf
                mn = np.inf
                big = 0.0
                for x in range(m):
                    a = w[run, i, kk] * v[run, i, kk, x]
                    wv[i, kk, x] = a
                    mx = max(mx, a)
                    mn = min(mn, a)
                    big = max(big, abs(a))
                if kk == 0:  # the extremes summed in issue order, as the utilities: exact
                    hi, low = mx, mn
                else:
                    hi, low = hi + mx, low + mn
                total += big
                # the terms in decreasing order, by rank (no branches to mispredict)
                for x in range(m):
                    a = wv[i, kk, x]
                    rank = 0
                    for y in range(m):
                        b = wv[i, kk, y]
                        rank += (b > a) | ((b == a) & (y < x))
                    sv[i, kk, rank] = a
                    si[i, kk, rank] = x
            rem[i, k] = 0.0
            for kk in range(k - 1, -1, -1):
                rem[i, kk] = rem[i, kk + 1] + sv[i, kk, 0]
            # far above the rounding error of any sum of the terms (at most 2K + 1 units)
            margin[i] = 8.0 * (k + 1) * _EPS * total
            lo = low if low >= res[run, i] else res[run, i]
            span = hi - lo
            best[i] = hi
            degenerate[i] = lo > hi
            row = inv[2 * run + i]
            if shared:
                lut_of[i] = row
            else:
                lut_of[i] = i
                if lut_row[i] != row:
                    _invert(table[row], lut[i])
                    lut_row[i] = row
            top[i] = hi - tol
            scale[i] = g / span if span > 0 else 0.0
            mn = np.inf
            for r in range(rounds):  # numpy's operations, in numpy's order
                t = hi - span * table[row, r]
                t = t - tol
                t = lo if lo >= t else t
                th[i, r] = t
                mn = min(mn, t)
                mins[i, r] = mn
                cuts[i, r] = mn - margin[i]
                heads[i, r] = -1
            if th_out.shape[0]:
                for r in range(rounds):
                    th_out[run, i, r] = th[i, r]
        for i in range(2):  # (once both agents' terms are known)
            if degenerate[i]:  # nothing clears the threshold: the best outcome, every round
                cur_u[i], cur_o[i], cur_n[i] = _enumerate(sv[i], si[i], wv[1 - i], rem[i], pw,
                                                          start, margin[i], best[i], True, j,
                                                          s, so, nn)
            else:  # the empty prefix, resumed in round 0
                depth[i, 0] = 0
                at[i, 0] = 0
                ps[i, 0] = start
                pso[i, 0] = start
                pnn[i, 0] = 0
                nxt[i, 0] = -1
                heads[i, 0] = 0
                count[i] = 1
        done = False
        for r in range(rounds):
            for i in range(2):
                if r > 0 or i == 1:  # answer the other's standing offer
                    other = 1 - i
                    if cur_o[other] >= th[i, r]:
                        move[run] = 2 * r + i
                        proposer[run] = other
                        outcome[run] = cur_n[other]
                        utility[run, i] = cur_o[other]
                        utility[run, other] = cur_u[other]
                        done = True
                        break
                if degenerate[i]:
                    continue
                # resume the entries listed for round r
                level = mins[i, r]
                cut = cuts[i, r]
                ti = top[i]
                sc = scale[i]
                li = lut_of[i]
                found = False  # the least outcome that first clears round r
                fu = 0.0
                fo = 0.0
                fn = 0
                e = heads[i, r]
                heads[i, r] = -1
                while e >= 0:
                    after = nxt[i, e]
                    d = depth[i, e]
                    jj = at[i, e]
                    s0 = ps[i, e]
                    so0 = pso[i, e]
                    nn0 = pnn[i, e]
                    if d == last:  # its outcomes that clear the level, to the first that not
                        t = 0.0
                        while jj < m:
                            t = s0 + sv[i, d, jj]
                            if t < level:
                                break
                            x = si[i, d, jj]
                            num = nn0 + x * pw[d]
                            # the least so far, without branches to mispredict
                            better = (not found) | (t < fu) | ((t == fu) & (num < fn))
                            uo = so0 + wv[1 - i, d, x]
                            fu = t if better else fu
                            fo = uo if better else fo
                            fn = num if better else fn
                            found = True
                            jj += 1
                        # (this search for the round, and the one below over cuts, are
                        # written out: as a shared helper they cost 10-18% of the kernel)
                        if jj < m and mins[i, rounds - 1] <= t:  # wait for its round
                            b = min(max(lut[li, _cell(ti, sc, t, g)], r + 1), rounds - 1)
                            while b > r + 1 and mins[i, b - 1] <= t:
                                b -= 1
                            while mins[i, b] > t:
                                b += 1
                            at[i, e] = jj
                            nxt[i, e] = heads[i, b]
                            heads[i, b] = e
                    else:  # its next values whose best completions reach the level
                        bound = 0.0
                        while jj < m:
                            t = s0 + sv[i, d, jj]
                            bound = t + rem[i, d + 1]
                            if bound < cut:
                                break
                            x = si[i, d, jj]
                            c = count[i]
                            count[i] = c + 1
                            depth[i, c] = d + 1
                            at[i, c] = 0
                            ps[i, c] = t
                            pso[i, c] = so0 + wv[1 - i, d, x]
                            pnn[i, c] = nn0 + x * pw[d]
                            nxt[i, c] = after  # resumed in this round, next
                            after = c
                            jj += 1
                        if jj < m and cuts[i, rounds - 1] <= bound:  # wait for its round
                            b = min(max(lut[li, _cell(ti, sc, bound, g)], r + 1),
                                    rounds - 1)
                            while b > r + 1 and cuts[i, b - 1] <= bound:
                                b -= 1
                            while cuts[i, b] > bound:
                                b += 1
                            at[i, e] = jj
                            nxt[i, e] = heads[i, b]
                            heads[i, b] = e
                    e = after
                if found:
                    reg_u[i], reg_o[i], reg_n[i] = fu, fo, fn
                if th[i, r] <= mins[i, r]:
                    cur_u[i], cur_o[i], cur_n[i] = reg_u[i], reg_o[i], reg_n[i]
                else:  # the threshold rose (rounding in the powers): an offer of its own
                    cur_u[i], cur_o[i], cur_n[i] = _enumerate(sv[i], si[i], wv[1 - i], rem[i],
                                                              pw, start, margin[i], th[i, r],
                                                              False, j, s, so, nn)
            if done:
                break
        if not done:
            move[run] = -1
            proposer[run] = -1
            outcome[run] = -1
            utility[run, 0] = res[run, 0]
            utility[run, 1] = res[run, 1]


solve = _jit(_solve_py)

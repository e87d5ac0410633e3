"""Bilateral alternating offers on a discrete outcome space, vectorised over negotiations.

Two agents bargain over ``K`` issues with ``m`` values each, so ``N = m**K`` outcomes; outcome
``(x_0, ..., x_{K-1})`` (value indices) has the number ``sum_k x_k m**k`` (the first issue varies
fastest), which serves only to break ties. Agent ``i`` of negotiation ``n`` has the
linear-additive utility

    u_i(x) = sum_k w_ik v_ik[x_k]        (the sum taken in issue order)

with weights ``w`` and value utilities ``v`` given per negotiation (:func:`random_problems` draws
them normalised, so that every ``u_i`` spans ``[0, 1]`` over the outcome space).

Time and concession
    Rounds ``r = 0, ..., T - 1``; in each round agent 0 moves, then agent 1. The relative time
    of round ``r`` is ``tau_r = (r + 1) / (T + 1)``. Agent ``i`` concedes by time only
    (Faratin, Sierra and Jennings 1998), from its best utility ``hi_i = max_x u_i(x)`` towards
    ``lo_i = max(min_x u_i(x), reserve_i)``::

        a_i(r) = hi_i - (hi_i - lo_i) * tau_r ** (1 / e_i)
        theta_i(r) = max(lo_i, a_i(r) - tol)

    ``e < 1`` is Boulware (holds out, concedes late), ``e = 1`` linear, ``e > 1`` conceder. With
    normalised utilities ``a_i = 1 - (1 - reserve_i) * tau_r ** (1 / e_i)``.
Offers
    On its move in round ``r``, agent ``i`` offers, among the outcomes ``x`` with
    ``u_i(x) >= theta_i(r)``, the one it likes least (the lowest ``u_i``; among equal utilities,
    the lowest outcome number); if there is none (only when ``reserve_i > hi_i``), the last in
    that order, its best (which the other may accept, as in NegMAS).
Acceptance
    Before offering, the mover answers the standing offer (the other agent's last offer): it
    accepts when the offer's utility to it is at least its *current* threshold,
    ``u_i(offer) >= theta_i(r)``, not when it is at least the utility of the offer it would make
    next (which is ``>= theta_i(r)``, so this rule accepts a little more readily). Agent 0's
    first offer in round 0 opens the negotiation; agent 1's offer in the last round is never
    answered, and the negotiation ends without agreement (each agent gets its reserve).

These are the rules of NegMAS's time-based conceding negotiators (``TimeBasedConcedingNegotiator``
and its ``BoulwareTBNegotiator``, ``LinearTBNegotiator`` and ``ConcederTBNegotiator`` with
``stochastic=False``), as its API documentation describes them: an aspiration curve
``1 - t ** x`` (``x = 4`` for "boulware") scaled to the utility range above the reserve, the
worst outcome within the aspiration range offered, an offer accepted when it falls within the
accepting curve's range (the offering curve by default), under ``SAOMechanism(n_steps=T)``,
whose relative time is ``(step + 1) / (n_steps + 1)``. NegMAS widens the range by its inverter's
tolerance ``eps = 1e-4``: pass ``tol=1e-4`` to match it. :mod:`negsim.bench_negmas` does, and
counts how often the two libraries reach the same agreement in the same round: on every one of
200 random negotiations with NegMAS 0.16.0. Nothing of NegMAS is used here.

Computation. Two backends compute the same results, bit for bit (``backend=``; the default,
``"auto"``, takes numba's when numba is installed, ``pip install negsim[fast]``). Both start
from the same concession powers ``tau_r ** (1 / e)``, computed by numpy once per distinct
exponent (:func:`_powers`), and sum every utility in issue order, so their thresholds and
utilities are the same numbers.

The numpy backend (the reference) uses that the strategies depend on time only: every offer of
every round is known before the negotiation starts, and they are computed for all rounds at
once, without a loop over rounds. For each agent the ``C = 256`` outcomes it likes best are
taken by partition and sorted by (utility, outcome number): this is the per-row sorted utility
table. The first round in which each of them clears the threshold follows in closed form; one
``bincount`` of those rounds and a cumulative sum give, for every round, the position in the
table of the outcome offered (the number of entries below the threshold, what a
``searchsorted`` per round would return), and each position is then checked against the
thresholds themselves and corrected where rounding put it off, so that every comparison is
exact. The acceptance tests are one gather and one comparison per round and agent, and the
agreement is the first accepted move. A round whose threshold is not above every outcome left
out of the table is flagged; the negotiations (about one in eight here) that reach such a round
before agreeing are solved again with ``C = 512``, then, if need be, with all ``N`` outcomes.
Negotiations are processed in blocks of ``block`` runs (small blocks stay in cache), which bounds
memory at about ``50 * block * N`` bytes.

The numba backend (:mod:`negsim._discrete_kernel`) plays one negotiation at a time, move by
move, and stops at the first acceptance; it sorts neither the outcome space nor the utilities.
As thresholds fall, the offer of round ``r`` is the least (utility, number) of the outcomes that
first clear the threshold in round ``r``, if any, else the offer of round ``r - 1``; these
outcomes are enumerated lazily, as prefixes of value choices over each issue's values sorted
best first, each waiting for the first round whose threshold its best completion can reach (a
small table inverts the powers, exact comparisons settle the round), so that an agent only ever
visits the outcomes above its threshold in the last round played (about 100 of the 1,000 on the
benchmark). A round whose threshold rose above an earlier one (rounding in the powers could do
it) is solved by an enumeration of its own. Its memory, per thread, is an entry per prefix of
at most ``K - 1`` issues (about ``N / (m - 1)``) and a few arrays of ``T``: it does not depend on
``block``; ``workers`` threads run in parallel (the kernel releases the GIL). On the benchmark
problem of :mod:`negsim.bench_negmas` (1,000 outcomes, 100 rounds, Boulware agents) it is about
nine times faster than the numpy backend: 6 us against 58 us per negotiation on one core (medians
of three runs on the machine it was measured on, where NegMAS took 22 ms).

References
----------
Faratin, P., Sierra, C. and Jennings, N. R. (1998). Negotiation decision functions for
autonomous agents. Robotics and Autonomous Systems 24(3-4), 159-182.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import TypeVar

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["DiscreteOffersResult", "DiscreteProblems", "discrete_offers", "random_problems"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]
_T = TypeVar("_T")

# outcomes per agent sorted in each stage (all of them in a last stage, if a run needs it)
_CANDIDATES = (256, 512)
_BACKENDS = ("auto", "numba", "numpy")


@attrs.frozen(eq=False)
class DiscreteProblems:
    """Many bilateral negotiations over the same discrete outcome space.

    Attributes
    ----------
    weights : ndarray, shape (n_runs, 2, n_issues)
        Issue weights ``w_ik`` of each agent.
    values : ndarray, shape (n_runs, 2, n_issues, n_values)
        Value utilities ``v_ik[x]``.
    reserve : ndarray, shape (n_runs, 2)
        Reservation utilities (what each agent gets without agreement).
    """

    weights: FloatArray
    values: FloatArray
    reserve: FloatArray


@attrs.frozen(eq=False)
class DiscreteOffersResult:
    """Outcome of :func:`discrete_offers`, one entry per negotiation.

    Attributes
    ----------
    agreement : ndarray of bool, shape (n_runs,)
        Whether the negotiation ended in agreement before the deadline.
    round : ndarray of int, shape (n_runs,)
        The round (from 0) in which the accepted offer was accepted; -1 without agreement.
        NegMAS's ``SAOMechanism`` reports ``state.step == round + 1`` after such a run.
    proposer : ndarray of int, shape (n_runs,)
        The agent (0 or 1) whose offer was accepted; -1 without agreement.
    outcome : ndarray of int, shape (n_runs, n_issues)
        The value index agreed on each issue; -1 without agreement.
    utility : ndarray, shape (n_runs, 2)
        Each agent's utility of the agreement, or its reserve without agreement.
    """

    agreement: BoolArray
    round: IntArray
    proposer: IntArray
    outcome: IntArray
    utility: FloatArray


def random_problems(
    n_runs: int,
    *,
    issues: int = 3,
    values: int = 10,
    reserve: tuple[float, float] = (0.0, 0.5),
    rng: int | np.random.Generator | None = None,
) -> DiscreteProblems:
    """Draw ``n_runs`` random negotiations with utilities normalised to ``[0, 1]``.

    Weights are uniform on the simplex (Dirichlet(1, ..., 1)); each issue's value utilities are
    uniform draws rescaled so that the worst value is worth 0 and the best 1, so every agent's
    utility spans ``[0, 1]`` over the outcome space (up to rounding in the sum of the weights).
    Reserves are uniform on ``reserve``.

    Parameters
    ----------
    n_runs : int
        Number of negotiations.
    issues, values : int
        ``K`` issues with ``m`` values each (``m >= 2``).
    reserve : (float, float)
        Range of the reservation utilities.
    rng : int, numpy.random.Generator or None
        Seed or generator.

    Returns
    -------
    DiscreteProblems

    Examples
    --------
    >>> p = random_problems(4, rng=1)
    >>> p.weights.shape, p.values.shape, p.reserve.shape
    ((4, 2, 3), (4, 2, 3, 10), (4, 2))
    >>> bool(np.allclose(p.weights.sum(-1), 1.0))
    True
    """
    if n_runs < 0 or issues < 1 or values < 2:
        raise ValueError(f"need n_runs >= 0, issues >= 1 and values >= 2, got {n_runs}, "
                         f"{issues}, {values}")
    gen = np.random.default_rng(rng)
    weights = gen.dirichlet(np.ones(issues), size=(n_runs, 2))
    raw = gen.random((n_runs, 2, issues, values))
    low = raw.min(axis=-1, keepdims=True)
    span = raw.max(axis=-1, keepdims=True) - low
    vals = (raw - low) / np.where(span > 0, span, 1.0)
    res = gen.uniform(reserve[0], reserve[1], (n_runs, 2))
    return DiscreteProblems(weights=weights, values=vals, reserve=res)


def _as(name: str, x: ArrayLike, shape: tuple[int, ...]) -> FloatArray:
    arr = np.asarray(x, dtype=np.float64)
    try:
        arr = np.broadcast_to(arr, shape)
    except ValueError:
        raise ValueError(f"{name}: expected an array broadcastable to {shape}, got shape "
                         f"{np.shape(x)}") from None
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name}: expected finite numbers, got non-finite values")
    return arr


def _utilities(wv: FloatArray) -> FloatArray:
    """Utilities of every outcome, shape (B, 2, N), summed in issue order.

    Outcome ``sum_k x_k m**k`` (the first issue varies fastest, which keeps numpy's inner loops
    long).
    """
    b, _, k, _ = wv.shape
    u = wv[:, :, 0, :]
    for j in range(1, k):
        u = (wv[:, :, j, :, None] + u[:, :, None, :]).reshape(b, 2, -1)
    return u


def _sorted_candidates(vals: FloatArray, ids: IntArray) -> tuple[FloatArray, IntArray]:
    """Candidates of each row sorted by (utility, outcome number): values, outcome numbers."""
    m, c = vals.shape
    order = np.argsort(vals, axis=1) + (np.arange(m) * c)[:, None]
    sv = np.take(vals, order)
    si = np.take(ids, order)
    tied = (sv[:, 1:] == sv[:, :-1]).any(axis=1)
    if tied.any():  # the fast sort leaves equal utilities in any order: redo those rows
        rows = np.flatnonzero(tied)
        sub_v, sub_i = sv[rows], si[rows]
        o = np.lexsort((sub_i, sub_v), axis=-1)
        si[rows] = np.take_along_axis(sub_i, o, axis=-1)
    return sv, si


def _positions(sv: FloatArray, th: FloatArray, hi: FloatArray, span: FloatArray,
               e: FloatArray, tol: float) -> IntArray:
    """For each row and round, how many sorted utilities lie below the threshold.

    That is the position, in the sorted table, of the outcome offered. Estimated from the
    closed-form first round of each utility, ``(T + 1) * ((hi - tol - s) / span) ** e``, counted
    with one ``bincount``; then checked against the thresholds themselves and corrected where
    rounding put it off by one, so that it is exact.
    """
    m, c = sv.shape
    rounds = th.shape[1]
    q = (hi - tol)[:, None] - sv  # in place from here: fewer temporaries
    np.maximum(q, 0.0, out=q)
    with np.errstate(over="ignore"):  # a huge estimate is capped at T just below
        np.divide(q, np.where(span > 0, span, 1.0)[:, None], out=q)
        if np.all(e == e[0]) and e[0] in (0.25, 0.5, 1.0):  # only an estimate: cheaper roots
            for _ in range({1.0: 0, 0.5: 1, 0.25: 2}[float(e[0])]):
                np.sqrt(q, out=q)
        else:
            np.power(q, e[:, None], out=q)
        np.multiply(q, rounds + 1, out=q)
    np.minimum(q, rounds, out=q)
    first = q.astype(np.intp)
    first += (np.arange(m) * (rounds + 1))[:, None]
    counts = np.bincount(first.reshape(-1), minlength=m * (rounds + 1))
    pos = c - np.cumsum(counts.reshape(m, rounds + 1)[:, :rounds], axis=1)
    # exact iff s[pos - 1] < theta <= s[pos], with s[-1] = -inf and s[c] = +inf
    ext = np.empty((m, c + 2))
    ext[:, 0], ext[:, -1], ext[:, 1:-1] = -np.inf, np.inf, sv
    flat = ext.reshape(-1)
    at = pos + (np.arange(m) * (c + 2))[:, None]
    wrong = np.flatnonzero((flat[at] >= th) | (flat[at + 1] < th))
    at, pos, t = at.reshape(-1), pos.reshape(-1), th.reshape(-1)
    while wrong.size:  # each pass moves every wrong position one step towards the right one
        down = flat[at[wrong]] >= t[wrong]
        up = flat[at[wrong] + 1] < t[wrong]
        at[wrong] += up.astype(np.intp) - down
        pos[wrong] += up.astype(np.intp) - down
        wrong = wrong[up | down]
    return pos.reshape(m, rounds)


def _utility_of(pre: FloatArray, last: FloatArray, rows: IntArray, o: IntArray) -> FloatArray:
    """Utility of outcomes ``o`` (any shape, first axis the rows) to the agents of ``rows``.

    ``pre`` holds the utilities of every value combination of the first ``K - 1`` issues, and
    ``last`` the last issue's terms: ``u = pre + last`` adds in issue order, as the full table.
    """
    n_pre, m = pre.shape[1], last.shape[1]
    shape = (-1,) + (1,) * (o.ndim - 1)
    return (np.take(pre, o % n_pre + (rows * n_pre).reshape(shape))
            + np.take(last, o // n_pre + (rows * m).reshape(shape)))


def _stage(vals: FloatArray, ids: IntArray, cut: FloatArray | None, th: FloatArray,
           hi: FloatArray, span: FloatArray, e: FloatArray, tol: float, pre: FloatArray,
           last: FloatArray) -> tuple[BoolArray, IntArray, IntArray, IntArray]:
    """Solve runs from each agent's candidates: (resolved, move, proposer, outcome number).

    Rows are agent 0 and agent 1 of each run in turn. ``vals`` and ``ids`` are the candidates'
    utilities and outcome numbers, in any order; every other outcome of the row is worth at most
    ``cut`` (``None``: there is none). A round's offer is certain only if its threshold is above
    ``cut``; a run is resolved unless it reaches an uncertain offer before it ends.
    """
    m, c = vals.shape
    b = m // 2
    rounds = th.shape[1]
    sv, si = _sorted_candidates(vals, ids)
    pos = _positions(sv, th, hi, span, e, tol)
    offer = np.take(si, np.minimum(pos, c - 1) + (np.arange(m) * c)[:, None])  # (m, T)
    # utility of each offer to the other agent of the run (rows 2j and 2j + 1 swap)
    u_other = _utility_of(pre, last, np.arange(m) ^ 1, offer).reshape(b, 2, rounds)
    th3 = th.reshape(b, 2, rounds)
    # move j (from 1): odd j = 2r + 1, agent 1 answers agent 0's round-r offer at theta_1(r);
    # even j = 2r + 2, agent 0 answers agent 1's round-r offer at theta_0(r + 1).
    event = np.empty((b, 2 * rounds - 1), dtype=bool)
    event[:, 0::2] = u_other[:, 0] >= th3[:, 1]
    event[:, 1::2] = u_other[:, 1, :-1] >= th3[:, 0, 1:]
    ok = None
    if cut is not None:
        valid = (th > cut[:, None]).reshape(b, 2, rounds)
        ok = np.empty((b, 2 * rounds - 1), dtype=bool)
        ok[:, 0::2] = valid[:, 0]
        ok[:, 1::2] = valid[:, 1, :-1]
        event |= ~ok
    has: BoolArray = np.any(event, axis=1)
    first: IntArray = np.argmax(event, axis=1)
    rows = np.arange(b)
    accepted: BoolArray = has if ok is None else has & ok[rows, first]
    resolved: BoolArray = ~has | accepted
    move: IntArray = np.where(accepted, first + 1, -1)
    proposer: IntArray = np.where(accepted, first % 2, -1)
    agreed = offer.reshape(b, 2, rounds)[rows, np.maximum(proposer, 0), first // 2]
    outcome: IntArray = np.where(accepted, agreed, -1)
    return resolved, move, proposer, outcome


def _powers(ex: FloatArray, rounds: int) -> tuple[FloatArray, IntArray]:
    """The concession powers ``tau_r ** (1 / e)``: a table, one row per distinct exponent, shape
    (U, T), and the row of each agent of each run, shape (2 n_runs,).

    Both backends use this table, so they compare the same thresholds. numpy's ``power`` gives
    results that depend, in the last bit, on the layout of its operands (a scalar exponent of
    0.5 takes a square root; contiguous operands may take a SIMD routine, strided ones the C
    library's ``pow``): with both operands materialised contiguous, each entry depends on
    ``tau_r`` and the exponent only, whatever the blocks or the other exponents.
    """
    with np.errstate(over="ignore"):  # e so small that 1 / e is infinite: never concedes
        x = 1.0 / ex.reshape(-1)
    if x.size and np.all(x == x[0]):
        ux, inv = x[:1], np.zeros(x.size, dtype=np.int64)
    else:
        ux, inv = np.unique(x, return_inverse=True)
    tau = np.arange(1, rounds + 1) / (rounds + 1)
    u = ux.size
    table = np.power(np.broadcast_to(tau, (u, rounds)).copy(),
                     np.repeat(ux, rounds).reshape(u, rounds))
    return table, inv.astype(np.int64).reshape(-1)


def _thresholds(wv: FloatArray, res: FloatArray, table: FloatArray, inv: IntArray,
                tol: float) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Each agent's best utility ``hi``, ``span = hi - lo`` (rows: agent 0 and agent 1 of each
    run in turn) and thresholds ``theta(r)``, shape (2 B, T), from the terms ``wv = w * v``
    (B, 2, K, m) and the powers ``table[inv]`` (:func:`_powers`)."""
    b, _, k, _ = wv.shape
    hi = wv[:, :, 0].max(axis=-1)
    low = wv[:, :, 0].min(axis=-1)
    for j in range(1, k):  # the same order of additions as the utilities: exact extremes
        hi = hi + wv[:, :, j].max(axis=-1)
        low = low + wv[:, :, j].min(axis=-1)
    lo = np.maximum(low, res)
    hi, span = hi.reshape(-1), (hi - lo).reshape(-1)
    if table.shape[0] == 1:
        powers = np.broadcast_to(table[0], (2 * b, table.shape[1]))
    else:
        powers = table[inv]
    th = np.maximum(lo.reshape(-1, 1), hi[:, None] - span[:, None] * powers - tol)
    return hi, span, th


def _block(w: FloatArray, v: FloatArray, res: FloatArray, ex: FloatArray, table: FloatArray,
           inv: IntArray, tol: float) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """Solve one block of runs: (accepting move or -1, proposer, outcome number, utilities).

    ``table[inv[2 j + i]]`` are the powers ``tau_r ** (1 / e)`` of agent ``i`` of run ``j``
    (:func:`_powers`)."""
    b, _, k, m = v.shape
    n = m**k
    wv = w[:, :, :, None] * v
    if k > 1:
        pre = _utilities(wv[:, :, :-1]).reshape(2 * b, -1)
    else:
        pre = np.zeros((2 * b, 1))
    last = wv[:, :, -1].reshape(2 * b, m)
    hi, span, th = _thresholds(wv, res, table, inv, tol)
    e2 = ex.reshape(-1)
    move = np.full(b, -1, dtype=np.int64)
    prop = np.full(b, -1, dtype=np.int64)
    out = np.full(b, -1, dtype=np.int64)
    todo = np.arange(b)
    u2 = (last[:, :, None] + pre[:, None, :]).reshape(2 * b, n)  # the order of _utilities
    for stage in (*(c for c in _CANDIDATES if c < n), "all"):
        r2 = (2 * todo[:, None] + np.arange(2)).reshape(-1)
        sub = u2 if todo.size == b else u2[r2]
        if stage == "all":
            vals, ids, cut = sub, np.broadcast_to(np.arange(n), sub.shape), None
        else:
            ids = np.argpartition(sub, n - stage, axis=1)[:, n - stage:]
            vals = np.take(sub, ids + (np.arange(r2.size) * n)[:, None])
            cut = vals.min(axis=1)
        done, mv, pr, oc = _stage(vals, ids, cut, th[r2], hi[r2], span[r2], e2[r2], tol,
                                  pre[r2], last[r2])
        fin = todo[done]
        move[fin], prop[fin], out[fin] = mv[done], pr[done], oc[done]
        todo = todo[~done]
        if not todo.size:
            break
    utility = np.array(res, dtype=np.float64)
    rows = np.flatnonzero(move > 0)
    o = np.repeat(out[rows], 2).reshape(-1, 2)
    r2 = (2 * rows[:, None] + np.arange(2))
    utility[rows] = _utility_of(pre, last, r2.reshape(-1), o.reshape(-1)).reshape(-1, 2)
    return move, prop, out, utility


@functools.cache
def _kernel() -> ModuleType | None:
    """The compiled kernel's module, or ``None`` without numba (imported on first use only)."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return None
    from negsim import _discrete_kernel

    return _discrete_kernel


def _map(solve: Callable[[int], _T], starts: range, workers: int) -> list[_T]:
    """``solve`` of every start, on ``workers`` threads."""
    if workers > 1 and len(starts) > 1:
        with ThreadPoolExecutor(max_workers=workers) as pool:  # the GIL is released
            return list(pool.map(solve, starts))
    return [solve(start) for start in starts]


def _vectorised(w: FloatArray, v: FloatArray, res: FloatArray, ex: FloatArray,
                table: FloatArray, inv: IntArray, tol: float, block: int | None,
                workers: int) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """The numpy backend: blocks of runs solved by :func:`_block`."""
    n_runs = len(res)
    if block is None:
        block = 128 if workers == 1 else 512

    def solve(start: int) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
        sl = slice(start, min(start + block, n_runs))
        return _block(w[sl], v[sl], res[sl], ex[sl], table, inv[2 * start:2 * sl.stop], tol)

    parts = _map(solve, range(0, n_runs, block), workers)
    if not parts:
        return (np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64),
                np.zeros(0, dtype=np.int64), np.zeros((0, 2)))
    move, proposer, outcome_no, utility = (np.concatenate(x) for x in zip(*parts, strict=True))
    return move, proposer, outcome_no, utility


def _compiled(kernel: ModuleType, w: FloatArray, v: FloatArray, res: FloatArray,
              table: FloatArray, inv: IntArray, tol: float, block: int | None,
              workers: int) -> tuple[IntArray, IntArray, IntArray, FloatArray]:
    """The numba backend: :func:`negsim._discrete_kernel.solve` on blocks of runs."""
    n_runs = len(res)
    w, v, res = (np.ascontiguousarray(a, dtype=np.float64) for a in (w, v, res))
    move = np.empty(n_runs, dtype=np.int64)
    proposer = np.empty(n_runs, dtype=np.int64)
    outcome_no = np.empty(n_runs, dtype=np.int64)
    utility = np.empty((n_runs, 2))
    if block is None:
        block = n_runs if workers == 1 else -(-n_runs // (4 * workers))
    block = max(block, 1)

    no_thresholds = np.empty((0, 2, table.shape[1]))

    def solve(start: int) -> None:
        sl = slice(start, min(start + block, n_runs))
        kernel.solve(w[sl], v[sl], res[sl], table, inv[2 * start:2 * sl.stop], tol,
                     move[sl], proposer[sl], outcome_no[sl], utility[sl], no_thresholds)

    _map(solve, range(0, n_runs, block), workers)
    return move, proposer, outcome_no, utility


def discrete_offers(
    weights: ArrayLike,
    values: ArrayLike,
    reserve: ArrayLike = 0.0,
    e: ArrayLike = 0.25,
    *,
    rounds: int = 100,
    tol: float = 0.0,
    block: int | None = None,
    workers: int = 1,
    backend: str = "auto",
) -> DiscreteOffersResult:
    """Run many bilateral alternating-offers negotiations between time-based agents.

    The protocol, the concession curve and the offer and acceptance rules are in the module
    docstring.

    Parameters
    ----------
    weights : array_like, shape (n_runs, 2, n_issues)
        Issue weights of agents 0 and 1 in each negotiation.
    values : array_like, shape (n_runs, 2, n_issues, n_values)
        Value utilities; an agent's utility of an outcome is the weighted sum over issues.
    reserve : array_like, broadcastable to (n_runs, 2)
        Reservation utilities: an agent concedes no lower, and gets this without agreement.
    e : array_like, broadcastable to (n_runs, 2)
        Concession exponents, ``> 0``: ``e < 1`` Boulware, ``1`` linear, ``> 1`` conceder.
        NegMAS's exponent ``x`` ("boulware" 4, "linear" 1, "conceder" 0.25) is ``1 / e``.
    rounds : int
        Deadline ``T``: rounds in which both agents move.
    tol : float
        Slack ``>= 0`` below the aspiration level (NegMAS's is ``1e-4``).
    block : int, optional
        Negotiations solved at once. numpy backend: default 128, or 512 with several workers;
        memory grows as about ``50 * block * n_values**n_issues`` bytes per worker. numba
        backend: default all of them on one worker, else a quarter of each worker's share;
        its memory does not grow with the block.
    workers : int
        Threads solving blocks at the same time (numpy releases the GIL in the heavy steps,
        the compiled kernel all the time); the results do not depend on it.
    backend : {"auto", "numba", "numpy"}
        ``"numba"``: the compiled kernel (needs numba: ``pip install negsim[fast]``), about
        nine times faster; ``"numpy"``: the vectorised numpy code; ``"auto"`` (default):
        numba if it can be imported and ``NEGSIM_JIT=0`` is not set, else numpy. Both give
        the same results, bit for bit.

    Returns
    -------
    DiscreteOffersResult

    Examples
    --------
    Two agents who want opposite things on one issue of three values (outcomes 0, 1, 2): agent
    0 prefers low values, agent 1 high ones, and the middle is worth 0.6 to both.

    >>> w = [[[1.0], [1.0]]]
    >>> v = [[[[1.0, 0.6, 0.0]], [[0.0, 0.6, 1.0]]]]
    >>> r = discrete_offers(w, v, reserve=0.5, e=1.0, rounds=10)
    >>> bool(r.agreement[0]), r.outcome[0].tolist(), r.utility[0].tolist()
    (True, [1], [0.6, 0.6])

    Agent 0 concedes to 0.6 when ``1 - 0.5 * tau <= 0.6``, at ``tau = 9/11`` (round 8); it
    offers the middle then, and agent 1, whose threshold is as low, accepts at once:

    >>> int(r.round[0]), int(r.proposer[0])
    (8, 0)

    Many random negotiations at once:

    >>> p = random_problems(1000, rng=7)
    >>> res = discrete_offers(p.weights, p.values, p.reserve, e=0.25)
    >>> bool(np.all(res.utility[res.agreement] >= p.reserve[res.agreement]))
    True
    """
    w = np.asarray(weights, dtype=np.float64)
    v = np.asarray(values, dtype=np.float64)
    if v.ndim != 4 or v.shape[1] != 2:
        raise ValueError(f"values: expected shape (n_runs, 2, n_issues, n_values), got {v.shape}")
    n_runs, _, k, m = v.shape
    w = _as("weights", w, (n_runs, 2, k))
    v = _as("values", v, v.shape)
    res = _as("reserve", reserve, (n_runs, 2))
    ex = _as("e", e, (n_runs, 2))
    if np.any(ex <= 0):
        raise ValueError("e: expected concession exponents > 0")
    if not (isinstance(rounds, int | np.integer) and rounds >= 1):
        raise ValueError(f"rounds: expected an integer >= 1, got {rounds!r}")
    if not (np.isfinite(tol) and tol >= 0):
        raise ValueError(f"tol: expected a number >= 0, got {tol!r}")
    if workers < 1:
        raise ValueError(f"workers: expected an integer >= 1, got {workers!r}")
    if block is not None and block < 1:
        raise ValueError(f"block: expected an integer >= 1, got {block!r}")
    if backend not in _BACKENDS:
        raise ValueError(f"backend: expected one of {', '.join(map(repr, _BACKENDS))}, got "
                         f"{backend!r}")
    off = backend == "numpy" or (backend == "auto" and os.environ.get("NEGSIM_JIT", "1") == "0")
    kernel = None if off else _kernel()
    if backend == "numba" and kernel is None:
        raise ImportError("discrete_offers(backend='numba') needs numba, which could not be "
                          "imported: pip install negsim[fast]")
    table, inv = _powers(ex, int(rounds))
    if kernel is not None:
        move, proposer, outcome_no, utility = _compiled(kernel, w, v, res, table, inv,
                                                        float(tol), block, workers)
    else:
        move, proposer, outcome_no, utility = _vectorised(w, v, res, ex, table, inv,
                                                          float(tol), block, workers)
    agreement = move > 0
    rnd = np.where(agreement, move // 2, -1)
    digits = np.zeros((n_runs, k), dtype=np.int64)
    rest = np.where(agreement, outcome_no, 0)
    for j in range(k):
        digits[:, j] = rest % m
        rest //= m
    digits[~agreement] = -1
    return DiscreteOffersResult(agreement=agreement, round=rnd, proposer=proposer,
                                outcome=digits, utility=utility)

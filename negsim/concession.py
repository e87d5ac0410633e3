"""Multilateral alternating offers between concession strategies, vectorised over runs.

The agent-based view of negotiation: ``n`` actors with spatial utilities
(:func:`negsim.utility.utility`) over ``K`` issues take turns to propose an outcome, and each
follows a concession *strategy* (Faratin, Sierra & Jennings 1998) rather than an equilibrium
one. Every array carries the run axis first, and the whole protocol runs for ``R`` Monte Carlo
runs at once: Python loops over rounds only.

Protocol
    Rounds ``t = 0, ..., T - 1`` (``T`` the deadline). The proposer of round ``t`` is
    ``order[t mod L]``. It makes one offer ``o_t``, which every actor answers at once; the
    offer is agreed iff every *ratifier* accepts it (the proposer too, by the same rule, when it
    is a ratifier). A run stops at its first agreement; with none by the deadline the outcome is
    the status quo and every actor gets its reservation value ``d_i``. This is the synchronous
    form of the stacked alternating offers protocol, SAOP (Aydoğan et al. 2017): in SAOP the
    parties answer the standing offer one turn after another and the first to reject replaces it,
    here all answer the round's offer together. For two actors both are the alternating offers
    of Rubinstein (1982), with concession strategies in place of equilibrium play.

Payoffs
    An agreement ``x`` in round ``t`` is worth ``v_i(x, t) = delta_i**t u_i(x) - c_i t`` to
    actor ``i`` (discount factor ``delta_i`` in ``(0, 1]``, cost per round ``c_i >= 0``).
    Nobody accepts, and a proposer never asks for, less than its reservation value: in utility
    terms the floor is ``rho_i(t) = (d_i + c_i t) / delta_i**t``, so ``v_i >= d_i`` iff
    ``u_i >= rho_i(t)``. Discounting and costs change what an agreement is worth and which
    agreements are individually rational; they do not change the concession schedules below.

Strategies (aspiration ``a_i(t)``, in undiscounted utility; ``u_i^max = u_i(p_i)``)
    * time-based, ``BOULWARE``, ``LINEAR``, ``CONCEDER`` (Faratin et al. 1998, polynomial
      family): ``a_i(t) = u_i^max - (u_i^max - d_i) tau_t**(1 / e_i)`` with ``tau_t = t / (T - 1)``
      (``tau = 1`` when ``T = 1``), so the aspiration reaches ``d_i`` in the last round.
      ``e < 1`` is Boulware (holds out, concedes late), ``e = 1`` linear, ``e > 1`` conceder.
      The three codes only choose the default exponent (0.2, 1, 5); an explicit ``exponent``
      overrides it for every time-based actor.
    * ``TIT_FOR_TAT`` (Axelrod 1984; in negotiation Faratin et al. 1998's absolute imitative
      tactic in utility terms, Baarslag, Hindriks & Jonker 2013): starts at ``u_i^max`` and
      concedes, in its own utility, exactly what the others concede to it. With ``b_i(t)`` the
      best utility ``i`` has been offered by another proposer up to round ``t``, the cumulative
      reciprocated concession is ``C_i(t) = b_i(t) - b_i(t_0)`` (``t_0`` the first offer it
      received; retractions are not punished) and ``a_i(t) = max(d_i, u_i^max - C_i(t))``. The
      update happens on receiving an offer and before answering it (the acceptance condition
      "next" of Baarslag et al. 2014), so, facing one opponent and above its floor, a
      tit-for-tat responder accepts once the best offer it has received has come half the way
      from the first one to its ideal. Two tit-for-tat actors with opposed ideals never move.
    * ``HARDLINER``: ``a_i(t) = u_i^max``, never concedes.

    The threshold is ``theta_i(t) = max(a_i(t), rho_i(t))``. Actor ``j`` accepts ``o_t`` iff
    ``u_j(o_t) >= theta_j(t) - tol`` and ``v_j(o_t, t) >= d_j`` (exactly, so agreements are
    individually rational), ``tol = 1e-9``.

Offers (:mod:`negsim.concession_offers`)
    The proposer ``p`` offers, among candidate outcomes it values at least ``theta_p(t) - tol``,
    the one that maximises the welfare of the *other* ratifiers: their utilitarian sum, or (the
    default) the Nash product of their gains over ``d`` after the number of them left below
    ``d``; with no such candidate, its ideal. The candidates are the vertices of ``p``'s logroll
    path towards the salience-weighted mean of the other ratifiers' positions, the points on
    that path and on the straight segment to the same mean where ``u_p`` meets the threshold
    exactly, every actor's ideal, the salience-weighted mean of all ratifiers (the status quo
    on issues no ratifier cares about), the status quo, ``candidates`` given by the caller and
    ``n_random`` points drawn uniformly in the issue box from ``rng`` (the only chance in the
    protocol). For two actors with linear-additive utilities the logroll path is the Pareto
    frontier, so offers are efficient.

Complexity: ``O(R n^2 (K + M))`` time and memory once, then ``O(R (n K + M))`` time per round,
``M`` the number of fixed candidates; runs that have agreed are dropped from the arrays as they
thin out.

References
----------
Axelrod, R. (1984). The Evolution of Cooperation. Basic Books.
Aydoğan, R., Festen, D., Hindriks, K. V. & Jonker, C. M. (2017). Alternating offers protocols
for multilateral negotiation. In Modern Approaches to Agent-based Complex Automated
Negotiation, Studies in Computational Intelligence 674, 153-167. Springer.
Baarslag, T., Hindriks, K. & Jonker, C. (2013). A tit for tat negotiation strategy for real-time
bilateral negotiations. In Complex Automated Negotiations, Studies in Computational
Intelligence 435, 229-233. Springer.
Baarslag, T., Hindriks, K. & Jonker, C. (2014). Effective acceptance conditions in real-time
automated negotiation. Decision Support Systems 60, 68-77.
Faratin, P., Sierra, C. & Jennings, N. R. (1998). Negotiation decision functions for
autonomous agents. Robotics and Autonomous Systems 24(3-4), 159-182.
Raiffa, H. (1982). The Art and Science of Negotiation. Harvard University Press.
Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. Econometrica 50(1), 97-109.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Literal

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from negsim.concession_offers import TOL, OfferTables, offer_tables, propose
from negsim.utility import utility

__all__ = [
    "BOULWARE",
    "CONCEDER",
    "HARDLINER",
    "LINEAR",
    "STRATEGIES",
    "TIT_FOR_TAT",
    "ConcessionResult",
    "ConcessionRound",
    "concession_rounds",
    "simulate_concession",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

BOULWARE, LINEAR, CONCEDER, TIT_FOR_TAT, HARDLINER = range(5)
#: Strategy names accepted in ``strategy``, and their codes.
STRATEGIES: dict[str, int] = {
    "boulware": BOULWARE,
    "linear": LINEAR,
    "conceder": CONCEDER,
    "tit_for_tat": TIT_FOR_TAT,
    "hardliner": HARDLINER,
}
_DEFAULT_EXPONENT = np.array([0.2, 1.0, 5.0, 1.0, 1.0])  # by code; unused for codes 3 and 4


@attrs.frozen(eq=False)
class ConcessionResult:
    """Outcome of :func:`simulate_concession` for every run.

    Attributes
    ----------
    agreement : ndarray of bool, shape (n_runs,)
        Whether the ratifiers agreed before the deadline.
    round : ndarray of int, shape (n_runs,)
        Round of agreement (0-based), ``-1`` without one.
    outcome : ndarray, shape (n_runs, n_issues)
        The agreement, or the status quo.
    utility : ndarray, shape (n_runs, n_actors)
        Realised values ``delta**t u(x) - c t`` of the agreement, or the reservation values.
    offers : ndarray, shape (n_runs, deadline, n_issues), or None
        With ``record=True``, the offer of every round played (NaN after the run stopped).
    seed : int or None
        Entropy of the seed sequence that drove chance (None when a Generator was passed).
    """

    agreement: BoolArray
    round: IntArray
    outcome: FloatArray
    utility: FloatArray
    offers: FloatArray | None = None
    seed: int | None = None


@attrs.frozen(eq=False)
class ConcessionRound:
    """What happened in one round, as yielded by :func:`concession_rounds`.

    Attributes
    ----------
    t : int
        The round (0-based).
    active : ndarray of bool, shape (n_runs,)
        Runs still negotiating when the round began; elsewhere the arrays below hold -1, NaN or
        False.
    proposer : ndarray of int, shape (n_runs,)
        Who proposed.
    offer : ndarray, shape (n_runs, n_issues)
        The offer.
    offer_utility : ndarray, shape (n_runs, n_actors)
        Undiscounted utility of the offer to every actor.
    threshold : ndarray, shape (n_runs, n_actors)
        Each actor's threshold ``theta_i(t)`` when answering.
    accept : ndarray of bool, shape (n_runs, n_actors)
        Who accepted.
    agreed : ndarray of bool, shape (n_runs,)
        Runs that agreed in this round.
    """

    t: int
    active: BoolArray
    proposer: IntArray
    offer: FloatArray
    offer_utility: FloatArray
    threshold: FloatArray
    accept: BoolArray
    agreed: BoolArray


_PER_RUN = (
    "position", "weight", "risk", "status_quo", "reservation", "code", "exponent", "ratifier",
    "order", "discount", "cost", "u_max",
)  # fmt: skip


@attrs.frozen(eq=False)
class _Game:
    """The validated arrays of one call (run axis first), plus the offer tables."""

    position: FloatArray  # (R, n, K)
    weight: FloatArray  # (R, n, K)
    risk: FloatArray  # (R, n)
    status_quo: FloatArray  # (R, K)
    reservation: FloatArray  # (R, n)
    code: IntArray  # (R, n)
    exponent: FloatArray  # (R, n)
    ratifier: BoolArray  # (R, n)
    order: IntArray  # (R, L)
    discount: FloatArray  # (R, n)
    cost: FloatArray  # (R, n)
    u_max: FloatArray  # (R, n)
    tables: OfferTables
    lo: FloatArray  # (K,)
    hi: FloatArray  # (K,)
    deadline: int
    objective: str
    seed: int | None

    def take(self, keep: IntArray) -> _Game:
        """The game restricted to the runs ``keep``."""
        arrays = {f: getattr(self, f)[keep] for f in _PER_RUN}
        return attrs.evolve(self, tables=self.tables.take(keep), **arrays)


def _array(name: str, value: ArrayLike, shape: tuple[int, ...], dtype: type = float) -> NDArray:
    arr: NDArray = np.asarray(value, dtype=dtype)
    try:
        return np.array(np.broadcast_to(arr, shape))
    except ValueError:
        raise ValueError(
            f"{name}: expected shape {shape} (or broadcastable), got {arr.shape}"
        ) from None


def _codes(strategy: ArrayLike, shape: tuple[int, int]) -> IntArray:
    raw = np.asarray(strategy)
    if raw.dtype.kind in "UO":
        unknown = sorted({str(s) for s in raw.ravel()} - STRATEGIES.keys())
        if unknown:
            raise ValueError(f"strategy: unknown names {unknown}, expected {list(STRATEGIES)}")
        raw = np.vectorize(STRATEGIES.__getitem__, otypes=[np.int64])(raw)
    code = _array("strategy", raw, shape, np.int64)
    if code.min() < 0 or code.max() > HARDLINER:
        raise ValueError(f"strategy: codes must be in 0..4, got {np.unique(code).tolist()}")
    return code


def _compile(
    position: ArrayLike,
    weight: ArrayLike,
    risk: ArrayLike,
    lo: ArrayLike,
    hi: ArrayLike,
    status_quo: ArrayLike,
    strategy: ArrayLike,
    exponent: ArrayLike | None,
    reservation: ArrayLike | None,
    deadline: int,
    ratifier: ArrayLike | None,
    order: ArrayLike | None,
    discount: ArrayLike,
    cost: ArrayLike,
    objective: str,
    n_random: int,
    candidates: ArrayLike | None,
    rng: int | np.random.Generator | None,
) -> _Game:
    position = np.asarray(position, dtype=float)
    if position.ndim != 3:
        raise ValueError(f"position: expected (n_runs, n_actors, n_issues), got {position.shape}")
    R, n, K = position.shape
    weight = _array("weight", weight, (R, n, K))
    risk = _array("risk", risk, (R, n))
    lo, hi = _array("lo", lo, (K,)), _array("hi", hi, (K,))
    status_quo = _array("status_quo", status_quo, (R, K))
    if not np.all(hi > lo):
        raise ValueError(f"hi must exceed lo on every issue, got lo={lo}, hi={hi}")
    if np.any(risk <= 0) or np.any(weight < 0):
        raise ValueError("risk must be > 0 and weight >= 0")
    if not isinstance(deadline, int | np.integer) or deadline < 1:
        raise ValueError(f"deadline: expected an integer >= 1, got {deadline!r}")
    if not isinstance(n_random, int | np.integer) or n_random < 0:
        raise ValueError(f"n_random: expected an integer >= 0, got {n_random!r}")
    if objective not in ("sum", "nash"):
        raise ValueError(f"objective: expected 'sum' or 'nash', got {objective!r}")
    code = _codes(strategy, (R, n))
    if exponent is None:
        exponent = _DEFAULT_EXPONENT[code]
    exponent = _array("exponent", exponent, (R, n))
    if np.any(exponent[code <= CONCEDER] <= 0):
        raise ValueError("exponent: must be > 0 for time-based actors")
    exponent = np.where(code <= CONCEDER, exponent, 1.0)
    if reservation is None:
        reservation = utility(status_quo, position, weight, risk, lo, hi)
    reservation = _array("reservation", reservation, (R, n))
    ratifier = _array("ratifier", True if ratifier is None else ratifier, (R, n), bool)
    if not ratifier.any(axis=1).all():
        raise ValueError("ratifier: every run needs at least one ratifier")
    order = np.arange(n) if order is None else np.asarray(order)
    if order.ndim == 1:
        order = order[None, :]
    order = _array("order", order, (R, order.shape[-1]), np.int64)
    if order.shape[1] == 0 or order.min() < 0 or order.max() >= n:
        raise ValueError(f"order: expected actor indices in 0..{n - 1}, got {order[0].tolist()}")
    discount = _array("discount", discount, (R, n))
    cost = _array("cost", cost, (R, n))
    if np.any(discount <= 0) or np.any(discount > 1) or np.any(cost < 0):
        raise ValueError("discount must be in (0, 1] and cost >= 0")

    # Chance: only the random candidates.
    if isinstance(rng, np.random.Generator):
        gen, seed = rng, None
    else:
        seq = np.random.SeedSequence(rng)
        gen, seed = np.random.default_rng(seq), int(seq.entropy)  # type: ignore[arg-type]
    mean = _compromise(position, weight, ratifier, status_quo)
    fixed = [mean[:, None, :], status_quo[:, None, :]]
    if candidates is not None:
        extra = np.asarray(candidates, dtype=float)
        if extra.ndim not in (2, 3) or extra.shape[-1] != K:
            raise ValueError(f"candidates: expected (M, {K}) or ({R}, M, {K}), got {extra.shape}")
        fixed.append(_array("candidates", extra, (R, *extra.shape[-2:])))
    if n_random:
        fixed.append(lo + (hi - lo) * gen.random((R, n_random, K)))
    extra_x = np.concatenate(fixed, axis=1)
    tables = offer_tables(position, weight, risk, lo, hi, ratifier, reservation, extra_x, objective)
    return _Game(
        position, weight, risk, status_quo, reservation, code, exponent, ratifier, order, discount,
        cost, tables.u_max, tables, lo, hi, int(deadline), objective, seed,
    )  # fmt: skip


def _compromise(
    position: FloatArray, weight: FloatArray, mask: BoolArray, fallback: FloatArray
) -> FloatArray:
    """Salience-weighted mean position of the actors in ``mask``, shape (R, K)."""
    w = weight * mask[:, :, None]
    total = w.sum(axis=1)
    mean = (w * position).sum(axis=1) / np.where(total > 0, total, 1.0)
    return np.where(total > 0, mean, fallback)


def _schedule(g: _Game, t: int, tau: float) -> tuple[FloatArray, FloatArray]:
    """Thresholds ``theta(t)`` of time-based actors and hardliners, and floors ``rho(t)``."""
    d, u_max = g.reservation, g.u_max
    timed = u_max - (u_max - d) * tau ** (1.0 / g.exponent)
    with np.errstate(over="ignore", divide="ignore"):
        floor = (d + g.cost * t) / g.discount**t
    return np.maximum(np.where(g.code <= CONCEDER, timed, u_max), floor), floor


def _with_tit_for_tat(
    g: _Game, theta: FloatArray, floor: FloatArray, conceded: FloatArray
) -> FloatArray:
    """``theta`` with the tit-for-tat actors' thresholds, ``max(d, u_max - C, rho)``."""
    tft = np.maximum(np.maximum(g.reservation, g.u_max - conceded), floor)
    return np.where(g.code == TIT_FOR_TAT, tft, theta)


def _rounds(g: _Game) -> Iterator[ConcessionRound]:
    R, n, _ = g.position.shape
    T = g.deadline
    live = np.arange(R)  # the original index of each run (row) of ``g``
    alive = np.ones(R, dtype=bool)  # rows still negotiating
    best = np.full((R, n), -np.inf)  # best utility each actor was offered by someone else
    conceded = np.zeros((R, n))  # tit-for-tat: what the others have conceded to each actor
    for t in range(T):
        if not alive.any():
            return
        if alive.sum() <= alive.size // 2:  # drop the agreed runs once they are half the rows
            keep = np.flatnonzero(alive)
            g, live, best, conceded = g.take(keep), live[keep], best[keep], conceded[keep]
            alive = alive[keep]
        rows = np.arange(alive.size)
        tau = t / (T - 1) if T > 1 else 1.0
        p = g.order[rows, t % g.order.shape[1]]
        base, floor = _schedule(g, t, tau)
        theta = _with_tit_for_tat(g, base, floor, conceded)
        offer, u = propose(
            g.tables, g.position, g.weight, g.risk, g.lo, g.hi, g.ratifier, g.reservation, p,
            theta[rows, p], g.objective,
        )  # fmt: skip
        # Tit-for-tat bookkeeping: responders see the offer before answering it.
        received = np.arange(n)[None, :] != p[:, None]
        gained = np.where(received & np.isfinite(best), np.maximum(u - best, 0.0), 0.0)
        conceded = conceded + gained
        best = np.where(received, np.maximum(best, u), best)
        theta = _with_tit_for_tat(g, base, floor, conceded)
        value = g.discount**t * u - g.cost * t
        accept = (u >= theta - TOL) & (value >= g.reservation)
        agreed = alive & (accept | ~g.ratifier).all(axis=1)
        a = alive
        yield _scatter(R, t, live[a], p[a], offer[a], u[a], theta[a], accept[a], agreed[a])
        alive = alive & ~agreed


def _scatter(
    R: int,
    t: int,
    live: IntArray,
    p: IntArray,
    offer: FloatArray,
    u: FloatArray,
    theta: FloatArray,
    accept: BoolArray,
    agreed: BoolArray,
) -> ConcessionRound:
    """A round's record with the run axis of the original call."""

    def full(x: NDArray, fill: float | bool | int) -> NDArray:
        out = np.full((R, *x.shape[1:]), fill, dtype=x.dtype)
        out[live] = x
        return out

    active = np.zeros(R, dtype=bool)
    active[live] = True
    return ConcessionRound(
        t, active, full(p, -1), full(offer, np.nan), full(u, np.nan), full(theta, np.nan),
        full(accept, False), full(agreed, False),
    )  # fmt: skip


def concession_rounds(
    position: ArrayLike,
    weight: ArrayLike,
    risk: ArrayLike,
    lo: ArrayLike,
    hi: ArrayLike,
    status_quo: ArrayLike,
    strategy: ArrayLike,
    *,
    exponent: ArrayLike | None = None,
    reservation: ArrayLike | None = None,
    deadline: int = 100,
    ratifier: ArrayLike | None = None,
    order: ArrayLike | None = None,
    discount: ArrayLike = 1.0,
    cost: ArrayLike = 0.0,
    objective: Literal["sum", "nash"] = "nash",
    n_random: int = 0,
    candidates: ArrayLike | None = None,
    rng: int | np.random.Generator | None = None,
) -> Iterator[ConcessionRound]:
    """Play the protocol round by round, yielding a :class:`ConcessionRound` after each.

    Takes the parameters of :func:`simulate_concession` (except ``record``) and stops when every
    run has agreed or at the deadline. Meant for notebooks and animations; the arrays of a round
    are fresh, so they may be kept.
    """
    game = _compile(
        position, weight, risk, lo, hi, status_quo, strategy, exponent, reservation, deadline,
        ratifier, order, discount, cost, objective, n_random, candidates, rng,
    )  # fmt: skip
    return _rounds(game)


def simulate_concession(
    position: ArrayLike,
    weight: ArrayLike,
    risk: ArrayLike,
    lo: ArrayLike,
    hi: ArrayLike,
    status_quo: ArrayLike,
    strategy: ArrayLike,
    *,
    exponent: ArrayLike | None = None,
    reservation: ArrayLike | None = None,
    deadline: int = 100,
    ratifier: ArrayLike | None = None,
    order: ArrayLike | None = None,
    discount: ArrayLike = 1.0,
    cost: ArrayLike = 0.0,
    objective: Literal["sum", "nash"] = "nash",
    n_random: int = 0,
    candidates: ArrayLike | None = None,
    rng: int | np.random.Generator | None = None,
    record: bool = False,
) -> ConcessionResult:
    """Run the multilateral alternating-offers protocol for many runs at once.

    Parameters
    ----------
    position : ndarray, shape (n_runs, n_actors, n_issues)
        Ideal points, in issue units.
    weight : ndarray, shape (n_runs, n_actors, n_issues)
        Issue weights (:func:`negsim.utility.issue_weights`).
    risk : ndarray, shape (n_runs, n_actors)
        Risk exponents of the utility.
    lo, hi : ndarray, shape (n_issues,)
        Issue scales.
    status_quo : ndarray, shape (n_runs, n_issues)
        Outcome without agreement.
    strategy : array_like of int or str, shape (n_actors,) or (n_runs, n_actors)
        Codes ``BOULWARE`` ... ``HARDLINER`` or names from :data:`STRATEGIES`.
    exponent : ndarray, shape (n_runs, n_actors), optional
        Concession exponent ``e > 0`` of time-based actors; default 0.2 (Boulware), 1
        (linear), 5 (conceder) by strategy.
    reservation : ndarray, shape (n_runs, n_actors), optional
        Walk-away values ``d``; default the utility of the status quo.
    deadline : int
        Number of rounds ``T``.
    ratifier : array_like of bool, shape (n_actors,) or (n_runs, n_actors), optional
        Whose acceptance an agreement needs; default everyone.
    order : array_like of int, shape (L,) or (n_runs, L), optional
        Proposers in turn, repeated cyclically; default ``0, 1, ..., n_actors - 1``.
    discount, cost : array_like, shape (n_runs, n_actors)
        Discount factors in ``(0, 1]`` and costs per round ``>= 0``; default 1 and 0.
    objective : {"nash", "sum"}
        How a proposer scores candidates for the other ratifiers.
    n_random : int
        Random candidate outcomes per run (uniform in the issue box), drawn once from ``rng``.
    candidates : ndarray, shape (M, n_issues) or (n_runs, M, n_issues), optional
        Further candidate outcomes.
    rng : int, numpy.random.Generator or None
        Seed or generator for the random candidates (the only chance in the protocol).
    record : bool
        Keep every round's offer.

    Returns
    -------
    ConcessionResult
        Agreement flags, rounds, outcomes, realised utilities (and offers).

    Examples
    --------
    Two linear conceders split a unit pie (ideals at 1 and 0, reservation 0.2, 101 rounds):
    offers cross once ``2 (1 - 0.8 tau) <= 1``, i.e. in round 63, and actor 1, the proposer of
    round 63, keeps its aspiration ``1 - 0.8 * 0.63``.

    >>> import numpy as np
    >>> res = simulate_concession(
    ...     [[[1.0], [0.0]]], np.ones((1, 2, 1)), np.ones((1, 2)), [0.0], [1.0], [[0.5]],
    ...     ["linear", "linear"], reservation=0.2, deadline=101)
    >>> int(res.round[0]), np.round(res.utility, 6)
    (63, array([[0.504, 0.496]]))
    """
    game = _compile(
        position, weight, risk, lo, hi, status_quo, strategy, exponent, reservation, deadline,
        ratifier, order, discount, cost, objective, n_random, candidates, rng,
    )  # fmt: skip
    R, _, K = game.position.shape
    agreement = np.zeros(R, dtype=bool)
    when = np.full(R, -1, dtype=np.int64)
    outcome = game.status_quo.copy()
    value = game.reservation.copy()
    offers = np.full((R, game.deadline, K), np.nan) if record else None
    for rnd in _rounds(game):
        if offers is not None:
            offers[rnd.active, rnd.t] = rnd.offer[rnd.active]
        a = rnd.agreed
        agreement |= a
        when[a] = rnd.t
        outcome[a] = rnd.offer[a]
        value[a] = game.discount[a] ** rnd.t * rnd.offer_utility[a] - game.cost[a] * rnd.t
    return ConcessionResult(agreement, when, outcome, value, offers, game.seed)

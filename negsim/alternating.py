"""Closed forms of bilateral alternating-offers bargaining (Rubinstein 1982 and variants).

Two players, A (player 1) and B (player 2), divide a pie of size 1. Unless a function says
otherwise, A proposes first (in round ``t = 1``, or at time 0), offers alternate, a rejected
offer is followed by the responder's counter-offer one period later, and a player with discount
factor ``delta_i`` values a share ``x`` agreed ``t`` periods from now at ``delta_i**t * x``.
Every share returned is A's share of the pie *when A proposes*; B's share when B proposes
follows by relabelling (swap the arguments).

Infinite horizon (Rubinstein 1982)
    The unique subgame perfect equilibrium (SPE) has immediate agreement, A's share

    .. math:: x^* = \\frac{1 - \\delta_2}{1 - \\delta_1 \\delta_2},

    from the indifference conditions ``1 - x = delta_2 * y`` and ``1 - y = delta_1 * x``.

Finite horizon (Stahl 1972)
    ``T`` rounds; A proposes in odd rounds, B in even rounds; if the offer of round ``T`` is
    rejected both get 0. Backward induction: the proposer of the last round takes everything,
    and the proposer of round ``t`` offers the responder the discounted value of being the
    proposer in round ``t + 1``. With ``delta_1 = delta_2 = d`` this gives
    ``(1 - (-d)**T) / (1 + d)``.

Fixed bargaining costs (Rubinstein 1982, section 5)
    Payoff ``x - c_i t`` instead of discounting: the less costly player takes everything when it
    proposes first (``c_1 < c_2``: share 1); the more costly one gets only ``c_2`` (``c_1 > c_2``);
    equal costs support a continuum of SPE shares ``[min(c, 1), 1]``.

Outside options (Shaked & Sutton 1984; Binmore, Shaked & Sutton 1989)
    After rejecting, the responder may opt out and get ``w_i``. With ``x`` A's share when A
    proposes and ``y`` B's share when B proposes, the unique SPE solves

    .. math:: x = 1 - \\max(w_B, \\delta_B y), \\qquad y = 1 - \\max(w_A, \\delta_A x).

    An option below the discounted continuation value is irrelevant (outside-option principle).

Risk of breakdown (Binmore, Rubinstein & Wolinsky 1986)
    After each rejection talks break down with probability ``p``, paying ``(b_A, b_B)``.
    Without discounting ``x_A = (1 - b_B + (1 - p) b_A) / (2 - p)``, which tends to the Nash
    solution with disagreement point ``b`` as ``p -> 0``.

Patience is power (Binmore, Rubinstein & Wolinsky 1986)
    With period length ``D`` and ``delta_i = exp(-r_i D)``, A's share tends to
    ``r_B / (r_A + r_B)`` as ``D -> 0``: the asymmetric Nash solution with
    ``tau_A = r_B / (r_A + r_B)``.

Random proposers (Britz, Herings & Predtetchinski 2010)
    Each round player ``i`` is recognised with probability ``rho_i``; after a rejection talks
    break down with probability ``epsilon``. Stationary payoffs converge to the weighted Nash
    solution with weights ``rho`` as ``epsilon -> 0`` (for a divisible pie they equal it).

All functions are pure and broadcast over numpy arrays (e.g. a leading run axis); 0-d results
are returned as numpy scalars. Invalid inputs raise ``ValueError`` naming the argument and the
offending value.

References
----------
Binmore, K., Rubinstein, A. & Wolinsky, A. (1986). The Nash bargaining solution in economic
modelling. RAND Journal of Economics 17(2), 176-188.
Binmore, K., Shaked, A. & Sutton, J. (1989). An outside option experiment. Quarterly Journal of
Economics 104(4), 753-770.
Britz, V., Herings, P. J.-J. & Predtetchinski, A. (2010). Non-cooperative support for the
asymmetric Nash bargaining solution. Journal of Economic Theory 145(5), 1951-1967
(working paper 2008).
Muthoo, A. (1999). Bargaining Theory with Applications. Cambridge University Press, ch. 3-5.
Rubinstein, A. (1982). Perfect equilibrium in a bargaining model. Econometrica 50(1), 97-109.
Shaked, A. & Sutton, J. (1984). Involuntary unemployment as a perfect equilibrium in a
bargaining model. Econometrica 52(6), 1351-1364.
Stahl, I. (1972). Bargaining Theory. Stockholm School of Economics.
"""

from __future__ import annotations

from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "breakdown_share",
    "continuous_time_share",
    "finite_horizon_share",
    "fixed_cost_range",
    "fixed_cost_share",
    "outside_option_shares",
    "period_length_share",
    "random_proposer_values",
    "rubinstein_share",
]

from negsim._validation import (
    check as _check,
    half_open_unit as _half_open_unit,
    open_unit as _open_unit,
    positive as _positive,
    scalarise as _scalarise,
    unit as _unit,
)

FloatArray = NDArray[np.float64]


# --------------------------------------------------------------------------- Rubinstein


def rubinstein_share(delta_1: ArrayLike, delta_2: ArrayLike) -> Any:
    """Proposer's share in the infinite-horizon Rubinstein (1982) game.

    Parameters
    ----------
    delta_1, delta_2 : float or ndarray, broadcastable, values in (0, 1)
        Discount factors of the first proposer (A) and of the responder (B).

    Returns
    -------
    float or ndarray, broadcast shape
        ``(1 - delta_2) / (1 - delta_1 * delta_2)``, A's share in the unique SPE (agreed at
        once). B receives the rest.

    Examples
    --------
    >>> float(round(rubinstein_share(0.9, 0.9), 4))
    0.5263
    >>> float(round(rubinstein_share(0.9, 0.8), 10)) == round(5 / 7, 10)
    True
    """
    d1 = _open_unit("delta_1", delta_1)
    d2 = _open_unit("delta_2", delta_2)
    return _scalarise((1.0 - d2) / (1.0 - d1 * d2))


def finite_horizon_share(delta_1: ArrayLike, delta_2: ArrayLike, T: ArrayLike) -> Any:
    """First proposer's share with a horizon of ``T`` rounds, by backward induction (Stahl 1972).

    A proposes in rounds 1, 3, 5, ...; B in rounds 2, 4, .... A rejected offer in round ``t < T``
    moves play to round ``t + 1``, one period later; a rejection in round ``T`` ends the game with
    payoff 0 for both. Writing ``u_n`` (``w_n``) for A's (B's) share as proposer with ``n``
    rounds left: ``u_1 = w_1 = 1``, ``u_n = 1 - delta_2 w_{n-1}``, ``w_n = 1 - delta_1 u_{n-1}``;
    the result is ``u_T``. With equal ``d`` this is ``(1 - (-d)**T) / (1 + d)``, and for any
    discount factors it converges to :func:`rubinstein_share` as ``T -> inf``, from above for odd
    ``T`` and from below for even ``T``.

    Parameters
    ----------
    delta_1, delta_2 : float or ndarray, values in (0, 1)
        Discount factors of A (first proposer) and B.
    T : int or ndarray of int, values >= 1
        Number of rounds. All three arguments broadcast together.

    Returns
    -------
    float or ndarray, broadcast shape
        A's share in the unique SPE (agreed in round 1).

    Examples
    --------
    >>> float(round(finite_horizon_share(0.9, 0.9, 3), 10))
    0.91
    >>> float(finite_horizon_share(0.5, 0.5, 1))
    1.0
    """
    d1 = _open_unit("delta_1", delta_1)
    d2 = _open_unit("delta_2", delta_2)
    t_arr = np.asarray(T)
    t_float = t_arr.astype(float)
    _check("T", t_float, (t_float >= 1) & (np.floor(t_float) == t_float), "an integer >= 1")
    rounds = t_float.astype(np.int64)
    d1, d2, rounds = np.broadcast_arrays(d1, d2, rounds)
    u = np.ones(d1.shape)  # A's share as proposer with n rounds left
    w = np.ones(d1.shape)  # B's share as proposer with n rounds left
    result = np.where(rounds == 1, u, 0.0)
    for n in range(2, int(rounds.max(initial=1)) + 1):
        u, w = 1.0 - d2 * w, 1.0 - d1 * u
        result = np.where(rounds == n, u, result)
    return _scalarise(result)


# --------------------------------------------------------------------------- fixed costs


def fixed_cost_range(c1: ArrayLike, c2: ArrayLike) -> tuple[Any, Any]:
    """Range of the first proposer's SPE shares with fixed per-round costs (Rubinstein 1982).

    Player ``i`` values share ``x`` agreed after ``t`` rejections at ``x - c_i t``. Stationary
    SPE shares solve ``x = 1 - max(0, y - c_2)`` and ``y = 1 - max(0, x - c_1)`` (``x``: A's share
    when A proposes; ``y``: B's share when B proposes), and Rubinstein proves these are all the
    SPE:

    * ``c1 < c2``: unique, ``x = 1`` (and B, when proposing, keeps only ``min(c1, 1)``);
    * ``c1 > c2``: unique, ``x = min(c2, 1)``;
    * ``c1 == c2 = c``: every ``x`` in ``[min(c, 1), 1]`` is an SPE share (multiplicity).

    Parameters
    ----------
    c1, c2 : float or ndarray, broadcastable, values > 0
        Per-round costs of A (first proposer) and B.

    Returns
    -------
    low, high : float or ndarray, broadcast shape
        Smallest and largest SPE share of A; equal unless ``c1 == c2``.
    """
    a = _positive("c1", c1)
    b = _positive("c2", c2)
    a, b = np.broadcast_arrays(a, b)
    low = np.where(a < b, 1.0, np.minimum(b, 1.0))
    high = np.where(a > b, np.minimum(b, 1.0), 1.0)
    return _scalarise(low), _scalarise(high)


def fixed_cost_share(
    c1: ArrayLike,
    c2: ArrayLike,
    *,
    tie: Literal["symmetric", "low", "high"] = "symmetric",
) -> Any:
    """First proposer's SPE share with fixed per-round costs (Rubinstein 1982).

    ``c1 < c2`` gives A everything (1); ``c1 > c2`` gives A only ``min(c2, 1)``. With equal costs
    ``c`` the SPE shares form the interval ``[min(c, 1), 1]`` (see :func:`fixed_cost_range`) and
    ``tie`` selects one.

    Parameters
    ----------
    c1, c2 : float or ndarray, broadcastable, values > 0
        Per-round costs of A (first proposer) and B.
    tie : {"symmetric", "low", "high"}, default "symmetric"
        Selection when ``c1 == c2``: "symmetric" is the midpoint ``(1 + min(c, 1)) / 2``, the
        stationary SPE in which each player gets the same share when proposing; "low" and
        "high" are the ends of the interval.

    Returns
    -------
    float or ndarray, broadcast shape
        A's share.

    Examples
    --------
    >>> float(fixed_cost_share(0.1, 0.2)), float(fixed_cost_share(0.2, 0.1))
    (1.0, 0.1)
    >>> float(fixed_cost_share(0.2, 0.2))
    0.6
    """
    if tie not in ("symmetric", "low", "high"):
        raise ValueError(f"tie must be 'symmetric', 'low' or 'high', got {tie!r}")
    low, high = (np.asarray(v) for v in fixed_cost_range(c1, c2))
    if tie == "low":
        return _scalarise(low)
    if tie == "high":
        return _scalarise(high)
    return _scalarise(0.5 * (low + high))


# --------------------------------------------------------------------------- outside options


def outside_option_shares(
    delta_a: ArrayLike, delta_b: ArrayLike, w_a: ArrayLike, w_b: ArrayLike
) -> tuple[Any, Any]:
    """SPE shares with outside options for the responder (Shaked-Sutton; Binmore-Shaked-Sutton).

    After rejecting an offer the responder may opt out, getting its outside option ``w_i``
    (so that opting out pays ``(w_A, w_B)``), or make the counter-offer one period later. The
    unique SPE (agreement at once; Muthoo 1999, ch. 5) has

    .. math:: x = 1 - \\max(w_B, \\delta_B y), \\qquad y = 1 - \\max(w_A, \\delta_A x),

    with ``x`` A's share when A proposes and ``y`` B's share when B proposes. The map
    ``x -> 1 - max(w_B, delta_B (1 - max(w_A, delta_A x)))`` is a contraction (slope 0 or
    ``delta_A delta_B``), so the fixed point is unique; it is one of three closed forms:

    * no option binds: ``x = (1 - d_B) / (1 - d_A d_B)`` (Rubinstein);
    * B's option binds (alone or with A's): ``x = 1 - w_B``;
    * only A's option binds: ``y = 1 - w_A``, ``x = 1 - d_B (1 - w_A)``;

    and this function returns the candidate that solves the equations. An option below the
    discounted continuation value (``w_B <= d_B y``) is irrelevant: the outside-option principle.

    Parameters
    ----------
    delta_a, delta_b : float or ndarray, values in (0, 1)
        Discount factors.
    w_a, w_b : float or ndarray, values in [0, 1] with ``w_a + w_b <= 1``
        Outside options (so that there are gains from agreement). All arguments broadcast.

    Returns
    -------
    x, y : float or ndarray, broadcast shape
        A's share when A proposes; B's share when B proposes.

    Examples
    --------
    >>> x, y = outside_option_shares(0.9, 0.9, 0.0, 0.6)
    >>> float(round(x, 10)), float(round(y, 10))
    (0.4, 0.64)
    """
    da = _open_unit("delta_a", delta_a)
    db = _open_unit("delta_b", delta_b)
    wa = _unit("w_a", w_a)
    wb = _unit("w_b", w_b)
    total = wa + wb
    _check("w_a + w_b", total, total <= 1.0 + 1e-12, "<= 1 (gains from agreement)")
    da, db, wa, wb = np.broadcast_arrays(da, db, wa, wb)
    candidates = np.stack([(1.0 - db) / (1.0 - da * db), 1.0 - wb, 1.0 - db * (1.0 - wa)], axis=0)

    def step(x: FloatArray) -> FloatArray:
        y = 1.0 - np.maximum(wa, da * x)
        return 1.0 - np.maximum(wb, db * y)

    residual = np.abs(step(candidates) - candidates)
    best = np.argmin(residual, axis=0)
    x = np.take_along_axis(candidates, best[np.newaxis], axis=0)[0]
    x = step(x)  # one contraction step: removes rounding, changes nothing at the fixed point
    y = 1.0 - np.maximum(wa, da * x)
    return _scalarise(x), _scalarise(y)


# --------------------------------------------------------------------------- risk of breakdown


def breakdown_share(
    p: ArrayLike,
    b_a: ArrayLike,
    b_b: ArrayLike,
    delta_a: ArrayLike = 1.0,
    delta_b: ArrayLike = 1.0,
) -> Any:
    """First proposer's share with an exogenous risk of breakdown (Binmore-Rubinstein-Wolinsky).

    After each rejection the talks break down with probability ``p``, paying ``(b_A, b_B)``;
    otherwise the responder proposes one period later. With ``x`` (``y``) the share of A (B) as
    proposer, each responder is held to its expected continuation value:

    .. math::

        1 - x = p b_B + (1 - p)\\delta_B y, \\qquad 1 - y = p b_A + (1 - p)\\delta_A x,

    so with ``a_i = (1 - p) delta_i``

    .. math:: x = \\frac{1 - a_B - p b_B + a_B p b_A}{1 - a_A a_B}.

    Without discounting (``delta = 1``) this is ``(1 - b_B + (1 - p) b_A) / (2 - p)``, which
    tends to the Nash solution ``b_A + (1 - b_A - b_B) / 2`` as ``p -> 0``; with ``p = 0`` it is
    :func:`rubinstein_share`. B's share when B proposes is ``breakdown_share(p, b_b, b_a,
    delta_b, delta_a)``.

    Parameters
    ----------
    p : float or ndarray, values in [0, 1]
        Breakdown probability after each rejection.
    b_a, b_b : float or ndarray, values in [0, 1] with ``b_a + b_b <= 1``
        Breakdown payoffs.
    delta_a, delta_b : float or ndarray, values in (0, 1], default 1 (no discounting)
        Discount factors. ``p = 0`` needs ``delta_a * delta_b < 1``. All arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        A's share (agreed at once).

    Examples
    --------
    >>> float(round(breakdown_share(0.5, 0.2, 0.1), 10))  # (1 - 0.1 + 0.5 * 0.2) / 1.5
    0.6666666667
    """
    p = _unit("p", p)
    ba = _unit("b_a", b_a)
    bb = _unit("b_b", b_b)
    total = ba + bb
    _check("b_a + b_b", total, total <= 1.0 + 1e-12, "<= 1 (gains from agreement)")
    da = _half_open_unit("delta_a", delta_a)
    db = _half_open_unit("delta_b", delta_b)
    aa = (1.0 - p) * da
    ab = (1.0 - p) * db
    denom = 1.0 - aa * ab
    _check("p", p * np.ones_like(denom), denom > 0.0, "> 0 when delta_a = delta_b = 1")
    return _scalarise((1.0 - ab - p * bb + ab * p * ba) / denom)


# --------------------------------------------------------------------------- continuous time


def continuous_time_share(r_a: ArrayLike, r_b: ArrayLike) -> Any:
    """A's share in the limit of vanishing period length (Binmore-Rubinstein-Wolinsky 1986).

    Parameters
    ----------
    r_a, r_b : float or ndarray, broadcastable, values > 0
        Discount rates (impatience) of A and B.

    Returns
    -------
    float or ndarray, broadcast shape
        ``r_b / (r_a + r_b)``: the asymmetric Nash share with ``tau_A = r_B / (r_A + r_B)``.
        The first-mover advantage vanishes; patience is power.

    Examples
    --------
    >>> float(continuous_time_share(1.0, 3.0))
    0.75
    """
    ra = _positive("r_a", r_a)
    rb = _positive("r_b", r_b)
    return _scalarise(rb / (ra + rb))


def period_length_share(r_a: ArrayLike, r_b: ArrayLike, period: ArrayLike) -> Any:
    """A's Rubinstein share when one round lasts ``period`` and ``delta_i = exp(-r_i period)``.

    Equal to ``(1 - exp(-r_B D)) / (1 - exp(-(r_A + r_B) D))``. To first order in ``D`` it is
    ``r_B / (r_A + r_B) + r_A r_B D / (2 (r_A + r_B))``, so it converges to
    :func:`continuous_time_share` as ``period -> 0``.

    Parameters
    ----------
    r_a, r_b : float or ndarray, values > 0
        Discount rates of A (first proposer) and B.
    period : float or ndarray, values > 0
        Length ``D`` of one bargaining round. All arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        A's share.
    """
    ra = _positive("r_a", r_a)
    rb = _positive("r_b", r_b)
    d = _positive("period", period)
    # expm1 keeps full precision for tiny periods
    return _scalarise(np.expm1(-rb * d) / np.expm1(-(ra + rb) * d))


# --------------------------------------------------------------------------- random proposers


def random_proposer_values(
    recognition: ArrayLike,
    breakdown: ArrayLike,
    disagreement: ArrayLike | None = None,
    *,
    delta: ArrayLike = 1.0,
) -> Any:
    """Stationary SPE payoffs with random proposers and breakdown risk (Britz et al. 2010).

    ``n`` players divide a pie of size 1. Each round player ``i`` is recognised as proposer with
    probability ``rho_i``; an offer needs unanimous acceptance; after a rejection the talks break
    down with probability ``epsilon`` (payoffs ``d``) and otherwise continue next round
    (discount factor ``delta``). In a stationary SPE each proposer pays every other player ``j``
    exactly its continuation value ``c_j = epsilon d_j + (1 - epsilon) delta v_j`` and keeps
    ``1 - sum_{j != i} c_j``, so ``v_i = rho_i (1 - C) + c_i`` with ``C = sum_j c_j``. Summing
    gives ``sum_i v_i = 1`` and

    .. math::

        v_i = \\frac{\\epsilon d_i + \\rho_i (1 - \\epsilon D - (1 - \\epsilon)\\delta)}
                   {1 - (1 - \\epsilon)\\delta}, \\qquad D = \\sum_j d_j.

    With ``delta = 1`` (breakdown the only friction, as in Britz, Herings & Predtetchinski) this
    is ``d_i + rho_i (1 - D)``, the weighted Nash solution with weights ``rho``, for every
    ``epsilon > 0``: with a divisible pie their limit result holds exactly. In general

    .. math::

        v = (1 - \\lambda)\\,\\rho + \\lambda\\,(d + \\rho (1 - D)), \\qquad
        \\lambda = \\frac{\\epsilon}{\\epsilon + (1 - \\epsilon)(1 - \\delta)},

    a mixture of the weighted Nash solutions with disagreement point 0 (the friction of
    discounting) and ``d`` (the friction of breakdown), weighted by the relative size of the two
    frictions, as in Binmore, Rubinstein & Wolinsky (1986).

    Parameters
    ----------
    recognition : array_like, shape (..., n_players)
        Recognition probabilities, non-negative, summing to 1 along the last axis.
    breakdown : float or ndarray, shape broadcastable to (...), values in [0, 1]
        Breakdown probability ``epsilon`` after a rejection. ``epsilon = 0`` needs ``delta < 1``.
    disagreement : array_like, shape (..., n_players), optional
        Breakdown payoffs ``d``, non-negative with ``sum(d) <= 1``. Default all 0.
    delta : float or ndarray, shape broadcastable to (...), values in (0, 1], default 1
        Common discount factor.

    Returns
    -------
    ndarray, shape (..., n_players)
        Stationary expected payoffs ``v`` (before the proposer is drawn); they sum to 1.

    Examples
    --------
    >>> random_proposer_values([0.7, 0.3], 0.1, [0.2, 0.0]).round(10)
    array([0.76, 0.24])
    """
    rho = _unit("recognition", recognition)
    if rho.ndim == 0:
        raise ValueError("recognition must have a players axis, got a scalar")
    rho_sum = rho.sum(axis=-1)
    _check("sum(recognition)", rho_sum, np.abs(rho_sum - 1.0) <= 1e-9, "1 along the last axis")
    d = np.zeros_like(rho) if disagreement is None else _unit("disagreement", disagreement)
    d_sum = d.sum(axis=-1)
    _check("sum(disagreement)", d_sum, d_sum <= 1.0 + 1e-12, "<= 1")
    eps = _unit("breakdown", breakdown)[..., np.newaxis]
    dl = _half_open_unit("delta", delta)[..., np.newaxis]
    denom = 1.0 - (1.0 - eps) * dl
    _check(
        "breakdown",
        eps * np.ones_like(denom),
        denom > 0.0,
        "> 0 when delta = 1 (no friction, no unique stationary outcome)",
    )
    d_total = d_sum[..., np.newaxis]
    return (eps * d + rho * (1.0 - eps * d_total - (1.0 - eps) * dl)) / denom

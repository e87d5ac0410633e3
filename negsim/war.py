"""Closed forms of the bargaining model of war.

Two states, A and B, divide a good of size 1; ``x`` is A's share. War is a costly lottery:
A wins everything with probability ``p`` and the states pay costs ``c_A, c_B >= 0`` (in units
of the good), so war is worth ``p - c_A`` to A and ``1 - p - c_B`` to B (both risk neutral).

Bargaining range (Fearon 1995)
    A prefers ``x`` to war iff ``x >= p - c_A``; B iff ``1 - x >= 1 - p - c_B``, i.e.
    ``x <= p + c_B``. The range ``[p - c_A, p + c_B]`` has width ``c_A + c_B`` and contains ``p``.

Private information: the risk-return trade-off (Fearon 1995; Powell 1999)
    A makes a take-it-or-leave-it offer ``x``; B's cost ``c`` is private, uniform on
    ``[0, cbar]``. B accepts iff ``1 - x >= 1 - p - c``, i.e. ``c >= x - p``, so for
    ``x in [p, p + cbar]`` the offer is accepted with probability ``1 - (x - p) / cbar`` and A's
    expected payoff is

    .. math::

        U_A(x) = \\left(1 - \\frac{x - p}{\\bar c}\\right) x
                 + \\frac{x - p}{\\bar c} (p - c_A).

    ``U_A`` is strictly concave (``U_A'' = -2 / cbar``) with ``U_A'(x) = 0`` at
    ``x = p + (cbar - c_A) / 2``. Offers below ``p`` are accepted by every type, so the optimum
    is ``x* = p + max(0, (cbar - c_A) / 2)``, capped at 1 (a share cannot exceed the good), and
    ``Pr(war) = (x* - p) / cbar = max(0, (cbar - c_A) / (2 cbar))`` whenever ``x* < 1``: it falls
    in ``c_A``, rises in ``cbar``, and does not depend on ``p``.

Commitment problem (Powell 2006)
    See :func:`preventive_war`: a large, rapid shift of power causes war even though a range of
    peaceful divisions exists in every period, because the rising state cannot commit not to
    exploit its future power.

Contest success function (Tullock 1980; Hirshleifer 1989)
    ``p = C_A^m / (C_A^m + C_B^m)`` (ratio form) or ``1 / (1 + exp(k (C_B - C_A)))`` (difference
    form); ``m`` (``k``) is the decisiveness of fighting.

Learning from battles (Slantchev 2003; Powell 2004; Filson & Werner 2002)
    B is strong with prior probability ``mu``; a strong (weak) B wins each battle independently
    with probability ``q_s`` (``q_w``). After ``w`` wins and ``l`` losses of B, Bayes' rule gives
    ``mu' = mu L_s / (mu L_s + (1 - mu) L_w)`` with ``L = q^w (1 - q)^l``.

All functions are pure and broadcast over numpy arrays (e.g. a leading run axis); 0-d results
are returned as numpy scalars. Invalid inputs raise ``ValueError`` naming the argument and value.

References
----------
Fearon, J. D. (1995). Rationalist explanations for war. International Organization 49(3),
379-414.
Filson, D. & Werner, S. (2002). A bargaining model of war and peace. American Journal of
Political Science 46(4), 819-837.
Hirshleifer, J. (1989). Conflict and rent-seeking success functions: ratio vs. difference models
of relative success. Public Choice 63(2), 101-112.
Powell, R. (1999). In the Shadow of Power. Princeton University Press, ch. 3.
Powell, R. (2004). Bargaining and learning while fighting. American Journal of Political
Science 48(2), 344-361.
Powell, R. (2006). War as a commitment problem. International Organization 60(1), 169-203.
Slantchev, B. L. (2003). The principle of convergence in wartime negotiations. American
Political Science Review 97(4), 621-632.
Tullock, G. (1980). Efficient rent seeking. In Buchanan, Tollison & Tullock (eds.), Toward a
Theory of the Rent-Seeking Society, 97-112.
"""

from __future__ import annotations

from typing import Any, Literal, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "PreventiveWar",
    "bargaining_range",
    "bayes_update",
    "contest_success",
    "contest_success_difference",
    "offer_payoff",
    "optimal_offer",
    "preventive_war",
    "war_probability",
]

from negsim._validation import (
    check as _check,
    nonneg as _nonneg,
    positive as _positive,
    scalarise as _scalarise,
    unit as _unit,
)

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]


def _logistic(z: FloatArray) -> FloatArray:
    """``1 / (1 + exp(-z))`` without overflow warnings; exact at ``z = +-inf``."""
    return 0.5 * (1.0 + np.tanh(0.5 * z))


# --------------------------------------------------------------------------- Fearon range


def bargaining_range(
    p: ArrayLike, c_a: ArrayLike, c_b: ArrayLike, *, clip: bool = True
) -> tuple[Any, Any]:
    """Divisions both states weakly prefer to war (Fearon 1995).

    Parameters
    ----------
    p : float or ndarray, values in [0, 1]
        Probability that A wins a war.
    c_a, c_b : float or ndarray, values >= 0
        Costs of war to A and B, in units of the good. All arguments broadcast.
    clip : bool, default True
        Intersect the range with the feasible shares ``[0, 1]``. The clipped range is never
        empty and always contains ``p``; unclipped it is ``[p - c_a, p + c_b]``, of width
        ``c_a + c_b``.

    Returns
    -------
    low, high : float or ndarray, broadcast shape
        A's lowest acceptable share ``p - c_a`` (its war payoff) and highest share B accepts
        ``p + c_b``. Every ``x`` strictly inside is strictly preferred to war by both.

    Examples
    --------
    >>> low, high = bargaining_range(0.6, 0.1, 0.15)
    >>> float(round(low, 10)), float(round(high, 10))
    (0.5, 0.75)
    """
    p = _unit("p", p)
    ca = _nonneg("c_a", c_a)
    cb = _nonneg("c_b", c_b)
    low = p - ca
    high = p + cb
    if clip:
        low = np.maximum(low, 0.0)
        high = np.minimum(high, 1.0)
    return _scalarise(low), _scalarise(high)


# --------------------------------------------------------------------------- contest success


def contest_success(cap_a: ArrayLike, cap_b: ArrayLike, m: ArrayLike = 1.0) -> Any:
    """Probability that A wins, ratio-form contest success function (Tullock; Hirshleifer).

    ``p = C_A^m / (C_A^m + C_B^m)``, computed as ``logistic(m (ln C_A - ln C_B))`` so that large
    ``m`` does not overflow. Conventions at the boundary, following ``0**0 = 1``: ``m = 0``
    gives 1/2 (fighting is a coin toss, whatever the capabilities); with ``m > 0`` a side with
    zero capability against a positive one loses for sure, and two zero capabilities give 1/2.

    Parameters
    ----------
    cap_a, cap_b : float or ndarray, values >= 0
        Military capabilities.
    m : float or ndarray, values >= 0, default 1
        Decisiveness of fighting. All arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``p`` in [0, 1]; ``contest_success(a, b, m) + contest_success(b, a, m) == 1``.

    Examples
    --------
    >>> float(contest_success(3.0, 1.0, 2.0))
    0.9
    """
    ca = _nonneg("cap_a", cap_a)
    cb = _nonneg("cap_b", cap_b)
    m = _nonneg("m", m)
    ca, cb, m = np.broadcast_arrays(ca, cb, m)
    both_zero = (ca == 0.0) & (cb == 0.0)
    # log(0) = -inf and the masked-out entries (0 * inf, inf - inf) are handled by np.where
    with np.errstate(divide="ignore", invalid="ignore"):
        gap = np.where(both_zero, 0.0, np.log(ca) - np.log(cb))
        z = np.where(m == 0.0, 0.0, m * gap)
    return _scalarise(_logistic(z))


def contest_success_difference(cap_a: ArrayLike, cap_b: ArrayLike, k: ArrayLike = 1.0) -> Any:
    """Probability that A wins, difference-form (logistic) contest success (Hirshleifer 1989).

    Parameters
    ----------
    cap_a, cap_b : float or ndarray
        Military capabilities (any real numbers; only the difference matters).
    k : float or ndarray, values >= 0, default 1
        Decisiveness of fighting. All arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``1 / (1 + exp(k (C_B - C_A)))``.
    """
    ca = np.asarray(cap_a, dtype=float)
    cb = np.asarray(cap_b, dtype=float)
    _check("cap_a", ca, np.isfinite(ca), "finite")
    _check("cap_b", cb, np.isfinite(cb), "finite")
    k = _nonneg("k", k)
    return _scalarise(_logistic(k * (ca - cb)))


# --------------------------------------------------------------------------- learning


def bayes_update(
    mu: ArrayLike, q_s: ArrayLike, q_w: ArrayLike, wins: ArrayLike = 1, losses: ArrayLike = 0
) -> Any:
    """Posterior that B is strong after B wins ``wins`` battles and loses ``losses``.

    Battles are independent given B's type, so only the counts matter:

    .. math::

        \\mu' = \\frac{\\mu\\, q_s^w (1 - q_s)^l}{\\mu\\, q_s^w (1 - q_s)^l
                + (1 - \\mu)\\, q_w^w (1 - q_w)^l}.

    Computed in log-odds, so long campaigns do not underflow.

    Parameters
    ----------
    mu : float or ndarray, values in [0, 1]
        Prior probability that B is strong.
    q_s, q_w : float or ndarray, values in [0, 1]
        Probability that a strong (weak) B wins one battle.
    wins, losses : int or ndarray of int, values >= 0
        Numbers of battles B won and lost. All arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        Posterior probability that B is strong.

    Raises
    ------
    ValueError
        If the record has probability 0 under the prior (e.g. a win when ``q_s = q_w = 0``).

    Examples
    --------
    >>> float(round(bayes_update(0.5, 0.7, 0.3), 10))
    0.7
    >>> float(round(bayes_update(0.5, 0.7, 0.3, wins=2), 4))
    0.8448
    """
    mu = _unit("mu", mu)
    qs = _unit("q_s", q_s)
    qw = _unit("q_w", q_w)
    w = _nonneg("wins", wins)
    ls = _nonneg("losses", losses)
    _check("wins", w, np.floor(w) == w, "an integer")
    _check("losses", ls, np.floor(ls) == ls, "an integer")
    mu, qs, qw, w, ls = np.broadcast_arrays(mu, qs, qw, w, ls)

    def xlogy(n: FloatArray, q: FloatArray) -> FloatArray:
        # 0 * log(0) is taken as 0: no battle of that kind, no evidence
        with np.errstate(divide="ignore", invalid="ignore"):
            return np.where(n == 0.0, 0.0, n * np.log(q))

    with np.errstate(divide="ignore"):
        log_strong = np.log(mu) + xlogy(w, qs) + xlogy(ls, 1.0 - qs)
        log_weak = np.log1p(-mu) + xlogy(w, qw) + xlogy(ls, 1.0 - qw)
    impossible = np.isneginf(log_strong) & np.isneginf(log_weak)
    if impossible.any():
        i = np.flatnonzero(impossible)[0]
        raise ValueError(
            "the battle record has probability 0 under the prior, got "
            f"wins={w.flat[i]:g}, losses={ls.flat[i]:g}, mu={mu.flat[i]:g}, "
            f"q_s={qs.flat[i]:g}, q_w={qw.flat[i]:g}"
        )
    z = np.where(
        np.isneginf(log_weak),
        np.inf,
        np.where(np.isneginf(log_strong), -np.inf, log_strong - log_weak),
    )
    return _scalarise(_logistic(z))


# --------------------------------------------------------------------------- private information


def offer_payoff(x: ArrayLike, p: ArrayLike, c_a: ArrayLike, cbar: ArrayLike) -> Any:
    """A's expected payoff from the take-it-or-leave-it offer ``x`` (B's cost uniform on [0, cbar]).

    B accepts iff its cost ``c >= x - p``; A gets ``x`` on acceptance and ``p - c_a`` in war.

    Parameters
    ----------
    x : float or ndarray, values in [0, 1]
        A's demanded share.
    p : float or ndarray, values in [0, 1]
        Probability that A wins a war.
    c_a : float or ndarray, values >= 0
        A's cost of war.
    cbar : float or ndarray, values > 0
        Upper bound of B's cost. All arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``a x + (1 - a)(p - c_a)`` with acceptance probability ``a = clip(1 - (x-p)/cbar, 0, 1)``.
    """
    x = _unit("x", x)
    p = _unit("p", p)
    ca = _nonneg("c_a", c_a)
    cb = _positive("cbar", cbar)
    accept = np.clip(1.0 - (x - p) / cb, 0.0, 1.0)
    return _scalarise(accept * x + (1.0 - accept) * (p - ca))


def optimal_offer(p: ArrayLike, c_a: ArrayLike, cbar: ArrayLike) -> Any:
    """A's optimal take-it-or-leave-it demand when B's cost is private (risk-return trade-off).

    Setup: A demands the share ``x`` (B keeps ``1 - x``); B's cost of war ``c`` is uniform on
    ``[0, cbar]`` and known only to B, who accepts iff ``1 - x >= 1 - p - c``. Maximising the
    concave ``U_A`` of the module docstring gives ``x* = p + max(0, (cbar - c_a) / 2)``, and
    ``x*`` is capped at 1; when the cap binds the offer is accepted with probability
    ``1 - (1 - p) / cbar``.

    Parameters
    ----------
    p : float or ndarray, values in [0, 1]
        Probability that A wins a war.
    c_a : float or ndarray, values >= 0
        A's cost of war.
    cbar : float or ndarray, values > 0
        Upper bound of B's cost. All arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``min(1, p + max(0, (cbar - c_a) / 2))``. With ``c_a >= cbar`` A buys peace for sure
        by demanding ``p``, the share that even B's most resolved type accepts.

    Examples
    --------
    >>> float(round(optimal_offer(0.5, 0.1, 0.3), 10))
    0.6
    """
    p = _unit("p", p)
    ca = _nonneg("c_a", c_a)
    cb = _positive("cbar", cbar)
    return _scalarise(np.minimum(1.0, p + np.maximum(0.0, 0.5 * (cb - ca))))


def war_probability(c_a: ArrayLike, cbar: ArrayLike, p: ArrayLike | None = None) -> Any:
    """Probability of war when A makes the optimal offer of :func:`optimal_offer`.

    B fights iff its cost is below ``x* - p``, so ``Pr(war) = (x* - p) / cbar``. For an interior
    offer this is ``max(0, (cbar - c_a) / (2 cbar))``: it falls in ``c_a``, rises in ``cbar`` and
    is independent of ``p``. If ``p`` is given, the cap ``x* <= 1`` is applied, which gives
    ``min(max(0, (cbar - c_a) / (2 cbar)), (1 - p) / cbar)``.

    Parameters
    ----------
    c_a : float or ndarray, values >= 0
        A's cost of war.
    cbar : float or ndarray, values > 0
        Upper bound of B's cost.
    p : float or ndarray, values in [0, 1], optional
        A's probability of victory; only needed for the cap ``x* <= 1``.

    Returns
    -------
    float or ndarray, broadcast shape
        Probability in [0, 1/2].

    Examples
    --------
    >>> float(round(war_probability(0.1, 0.3), 10))
    0.3333333333
    """
    ca = _nonneg("c_a", c_a)
    cb = _positive("cbar", cbar)
    prob = np.maximum(0.0, (cb - ca) / (2.0 * cb))
    if p is not None:
        pa = _unit("p", p)
        prob = np.minimum(prob, (1.0 - pa) / cb)
    return _scalarise(prob)


# --------------------------------------------------------------------------- commitment problem


class PreventiveWar(NamedTuple):
    """Outcome of :func:`preventive_war`; every field has the broadcast shape of the inputs."""

    war: Any
    """bool: war is fought today in the subgame perfect equilibrium."""
    b_attacks: Any
    """bool: B, declining because A rises (``p_future > p_now``), fights a preventive war."""
    a_attacks: Any
    """bool: A, declining because B rises (``p_future < p_now``), fights a preventive war."""
    threshold: Any
    """float: smallest shift ``|p_future - p_now|`` in the direction of the actual shift that
    causes war (it may exceed the largest feasible shift: then war is impossible)."""


def preventive_war(
    p_now: ArrayLike,
    p_future: ArrayLike,
    c_a: ArrayLike,
    c_b: ArrayLike,
    delta: ArrayLike,
    *,
    proposer: Literal["declining", "rising"] = "declining",
) -> PreventiveWar:
    """Whether a shift of power causes war: the commitment problem of Powell (2006).

    Model. Periods ``t = 0, 1, 2, ...``; each period the states divide a flow of size 1, and
    both discount by ``delta``. A's probability of winning a war is ``p_now`` (``p_0``) at
    ``t = 0`` and ``p_future`` (``p_f``) from ``t = 1`` on: a one-time shift. War at ``t`` ends
    the game and is worth ``M_A(t) = (p_t - c_A) / (1 - delta)`` to A and
    ``M_B(t) = (1 - p_t - c_B) / (1 - delta)`` to B; the costs are per-period equivalents, in the
    units of the Fearon range (with lump-sum costs ``C_i`` use ``c_i = (1 - delta) C_i``). Each
    period one state (``proposer``) offers a division of that period's flow; the other accepts
    or fights. Nobody can commit to future divisions. Write A for the rising state
    (``p_f > p_0``); the other case follows by relabelling.

    ``proposer="declining"`` (Powell's inefficiency condition). From ``t = 1`` on power is
    constant; B proposes and holds A to its war value ``M_A(1)``, which is the most any peaceful
    continuation can credibly promise B: ``1 / (1 - delta) - M_A(1)``. Today B can keep at most
    the whole flow as well, so its best peaceful stream is
    ``1 + delta (1 - p_f + c_A) / (1 - delta)``, and B fights iff this falls short of
    ``M_B(0)``:

    .. math::

        \\delta M_A(1) - M_A(0) > \\frac{c_A + c_B}{1 - \\delta}
        \\iff \\delta p_f - p_0 > c_B + \\delta c_A,

    the rising state's war payoff grows by more than the surplus that peace saves. (If instead
    ``M_A(0) > delta M_A(1)``, B must pay A something today and keeps exactly
    ``1/(1 - delta) - M_A(0) >= M_B(0)``: peace.) No peaceful path exists at all when the
    condition holds, so war is then fought in every equilibrium of every offer protocol; when
    it fails, this protocol keeps the peace.

    ``proposer="rising"``. A proposes and from ``t = 1`` on holds B to ``M_B(1)``. Today A can
    buy B off iff ``1 + delta M_B(1) >= M_B(0)``, so B fights iff
    ``delta p_f - p_0 > (1 - delta) c_B``: a smaller shift suffices.

    In both cases war needs a shift against the declining state and occurs for more parameter
    values the larger the shift: B fights iff ``p_f - p_0`` exceeds

    * ``(c_B + delta c_A + (1 - delta) p_0) / delta`` (declining proposer), which tends to
      ``c_A + c_B``, the width of the bargaining range, as ``delta -> 1``;
    * ``(1 - delta)(c_B + p_0) / delta`` (rising proposer), which tends to 0.

    When B rises, swap the roles: A fights iff ``delta (1 - p_f) - (1 - p_0)`` exceeds
    ``c_A + delta c_B`` (declining proposer) or ``(1 - delta) c_A`` (rising proposer).

    Parameters
    ----------
    p_now, p_future : float or ndarray, values in [0, 1]
        A's probability of winning a war today and after the shift.
    c_a, c_b : float or ndarray, values >= 0
        Per-period costs of war.
    delta : float or ndarray, values in (0, 1)
        Common discount factor. All arguments broadcast.
    proposer : {"declining", "rising"}, default "declining"
        Which state makes the offers. "declining" gives Powell's protocol-free condition.

    Returns
    -------
    PreventiveWar
        ``(war, b_attacks, a_attacks, threshold)``, numpy scalars or arrays.

    Examples
    --------
    >>> out = preventive_war(0.3, 0.9, 0.1, 0.1, 0.9)
    >>> bool(out.war), bool(out.b_attacks), float(round(out.threshold, 10))
    (True, True, 0.2444444444)
    """
    if proposer not in ("declining", "rising"):
        raise ValueError(f"proposer must be 'declining' or 'rising', got {proposer!r}")
    p0 = _unit("p_now", p_now)
    pf = _unit("p_future", p_future)
    ca = _nonneg("c_a", c_a)
    cb = _nonneg("c_b", c_b)
    d = np.asarray(delta, dtype=float)
    _check("delta", d, (d > 0.0) & (d < 1.0), "in the open interval (0, 1)")
    p0, pf, ca, cb, d = np.broadcast_arrays(p0, pf, ca, cb, d)
    if proposer == "declining":
        slack_b = cb + d * ca  # B fights iff d p_f - p_0 exceeds this
        slack_a = ca + d * cb  # A fights iff d (1 - p_f) - (1 - p_0) exceeds this
    else:
        slack_b = (1.0 - d) * cb
        slack_a = (1.0 - d) * ca
    b_attacks = d * pf - p0 > slack_b
    a_attacks = d * (1.0 - pf) - (1.0 - p0) > slack_a
    up = (slack_b + (1.0 - d) * p0) / d
    down = (slack_a + (1.0 - d) * (1.0 - p0)) / d
    threshold = np.where(pf >= p0, up, down)
    return PreventiveWar(
        war=_scalarise(b_attacks | a_attacks),
        b_attacks=_scalarise(b_attacks),
        a_attacks=_scalarise(a_attacks),
        threshold=_scalarise(threshold),
    )

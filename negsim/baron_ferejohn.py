"""Baron-Ferejohn multilateral bargaining: closed rule, stationary equilibrium.

``n`` members divide a pie of 1. Each round nature recognises member ``k`` with probability
``p_k``; ``k`` proposes a division, which passes if ``k`` and the members who accept it form a
winning coalition of the voting rule. Otherwise the status quo (0 for everyone) holds for the
round and play starts again, payoffs discounted by the common factor ``delta`` (Baron &
Ferejohn 1989).

In a stationary subgame-perfect equilibrium member ``i`` has a continuation value ``v_i``.
Member ``j`` accepts an offer iff it pays at least ``delta v_j``, so proposer ``k`` buys the
cheapest winning coalition containing ``k``, pays each partner exactly ``delta v_j`` and keeps

.. math::

    s_k = 1 - \\delta c_k(v), \\qquad
    c_k(v) = \\min_{S \\in \\mathcal{W},\\, k \\in S} \\sum_{j \\in S \\setminus \\{k\\}} v_j .

With ``pi_kj`` the probability that proposer ``k`` includes partner ``j`` (``pi_kk = 0``), a
mixture over ``k``'s cheapest coalitions so that ``sum_j pi_kj v_j = c_k(v)``, the values
solve the stationary equations

.. math::

    v_i = p_i \\Big(1 - \\delta \\sum_j \\pi_{ij} v_j\\Big)
          + \\delta v_i \\sum_{k \\ne i} p_k \\pi_{ki},

and sum to 1 (agreement is immediate). For ``delta < 1`` the values are unique for quota
rules and any recognition probabilities (Eraslan 2002) and for general voting rules, weighted
and qualified-majority games included (Eraslan & McLennan 2013); the mixing need not be.
Mixing is generic, not a tie-breaking nicety: under majority rule with ``p = (0.5, 0.3, 0.2)``
and ``delta = 0.9`` the two weaker members both end at ``10/31`` and the strongest randomises
between them, so values are not proportional to ``p``. At ``delta = 1`` the values can be
indeterminate (under unanimity any division solves the equations); the limit from
``delta < 1`` is returned.

Closed forms (Baron & Ferejohn 1989). Equal recognition ``p_i = 1/n`` and a quota of ``q``
votes: ``v_i = 1/n``, the proposer keeps ``1 - (q - 1) delta / n`` and ``q - 1`` partners get
``delta / n``. Unanimity: ``v_i = p_i``; proposer ``i`` keeps ``1 - delta (1 - p_i)``.

Computation. :func:`stationary_values` follows the logit-smoothed equilibrium (proposers mix
over coalitions with weights ``exp(-cost / tau)``; for quota rules the same smoothing on
inclusion probabilities) as ``tau`` falls from 0.05, by Newton's method. At each small ``tau``
it reads off the (nearly) tied cheapest coalitions, solves the exact equations for that
pattern of ties (ties and mixing directions span dual subspaces, so the system is square),
recovers the mixing from a linear programme, and returns the result only if it passes an
independent check: every proposer's coalitions are cheapest and the stationary equations hold
within ``1e-10``. Quota rules use order statistics, for any ``n``; weighted and general rules
enumerate the ``2**n`` coalitions, so ``n <= MAX_ENUMERATED_MEMBERS`` (20).

References
----------
Baron, D. P., & Ferejohn, J. A. (1989). Bargaining in legislatures. *American Political
Science Review*, 83(4), 1181-1206.

Eraslan, H. (2002). Uniqueness of stationary equilibrium payoffs in the Baron-Ferejohn model.
*Journal of Economic Theory*, 103(1), 11-30.

Eraslan, H., & McLennan, A. (2013). Uniqueness of stationary equilibrium payoffs in
coalitional bargaining. *Journal of Economic Theory*, 148(6), 2195-2222.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "MAX_ENUMERATED_MEMBERS",
    "StationaryEquilibrium",
    "WeightedQuota",
    "equal_recognition_values",
    "stationary_values",
    "unanimity_values",
]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
# A proposer's nearly cheapest coalitions: inclusion = fixed + columns @ z, 0 <= z <= 1,
# sum(z) = count; guess is a starting z.
_Pattern = tuple[FloatArray, FloatArray, int, FloatArray]
_Equations = Callable[[FloatArray], tuple[FloatArray, FloatArray]]  # x -> residual, Jacobian

#: Largest assembly for which weighted and general voting rules are solved (by enumerating
#: all ``2**n`` coalitions). Quota rules have no such limit.
MAX_ENUMERATED_MEMBERS = 20

_CHECK_TOL = 1e-10  # equilibrium conditions must hold to this accuracy
_TAUS = 0.05 * 0.25 ** np.arange(18)  # smoothing schedule, 5e-2 down to about 3e-12


@attrs.frozen(eq=False)
class StationaryEquilibrium:
    """Stationary equilibrium of the Baron-Ferejohn game (arrays are read-only).

    Attributes
    ----------
    values : ndarray, shape (n,)
        Continuation values ``v``; they sum to 1.
    proposer_share : ndarray, shape (n,)
        What member ``k`` keeps when recognised, ``1 - delta * sum_j inclusion[k, j] * v_j``.
    inclusion : ndarray, shape (n, n)
        ``inclusion[k, j]``: probability that proposer ``k`` buys ``j``'s vote; zero diagonal.
    payments : ndarray, shape (n, n)
        Expected payment from proposer ``k`` to ``j``, ``delta * v_j * inclusion[k, j]``.
    residual : float
        Largest violation of the equilibrium conditions (stationary equations, cheapest
        coalitions, values summing to 1) at the returned point.
    """

    values: FloatArray
    proposer_share: FloatArray
    inclusion: FloatArray
    payments: FloatArray
    residual: float


@attrs.frozen
class WeightedQuota:
    """Weighted voting rule ``[quota; weights]``.

    A proposal passes if the proposer and the accepting members hold weight of at least
    ``quota`` (relative tolerance ``1e-12``, so shares such as ``0.65`` behave as written).

    Parameters
    ----------
    weights : sequence of float, length n
        Non-negative voting weights.
    quota : float
        Positive weight needed to pass a proposal.
    """

    weights: tuple[float, ...] = attrs.field(converter=lambda w: tuple(float(x) for x in w))
    quota: float = attrs.field(converter=float)

    def __attrs_post_init__(self) -> None:
        if not self.weights or not all(np.isfinite(w) and w >= 0.0 for w in self.weights):
            raise ValueError(f"weights: expected finite non-negative numbers, got {self.weights}")
        if not (np.isfinite(self.quota) and self.quota > 0.0):
            raise ValueError(f"quota: expected a positive number, got {self.quota!r}")

    def is_winning(self, masks: ArrayLike) -> BoolArray:
        """Whether each coalition, a bool mask in a row of ``masks`` (m, n), wins: (m,)."""
        weight = np.asarray(masks, dtype=float) @ np.asarray(self.weights)
        return weight >= self.quota * (1.0 - 1e-12)


def stationary_values(p: ArrayLike, delta: float, rule: Any = "majority") -> StationaryEquilibrium:
    """Stationary equilibrium of the closed-rule Baron-Ferejohn game (Baron & Ferejohn 1989).

    Parameters
    ----------
    p : array_like, shape (n,)
        Recognition probabilities: non-negative, summing to 1 (within ``1e-9``).
    delta : float
        Common discount factor in ``[0, 1]``.
    rule : int, str, WeightedQuota, object with ``is_winning``, or callable
        Voting rule, counting the proposer's own vote:

        - ``int`` ``q``: a quota of ``q`` votes, ``1 <= q <= n``;
        - ``"majority"`` (the smallest ``q > n/2``) or ``"unanimity"`` (``q = n``);
        - :class:`WeightedQuota`, or any object with a vectorised method
          ``is_winning(masks: bool ndarray (m, n)) -> bool ndarray (m,)`` (for instance a
          qualified-majority ``VotingGame``);
        - a callable taking one bool mask, shape ``(n,)``, and returning a bool.

        The last three enumerate coalitions, so need ``n <= MAX_ENUMERATED_MEMBERS``. Every
        member with ``p_k > 0`` must belong to a winning coalition.

    Returns
    -------
    StationaryEquilibrium
        Values ``(n,)``, proposer shares ``(n,)``, inclusion probabilities ``(n, n)`` and
        expected payments ``(n, n)``. Values are unique for ``delta < 1`` (Eraslan 2002;
        Eraslan & McLennan 2013); the mixing is one equilibrium choice. At ``delta = 1`` the
        limit of the ``delta < 1`` values (veto players split the pie in proportion to
        ``p``; unanimity gives ``v = p``).

    Raises
    ------
    ValueError
        For an invalid ``p``, ``delta`` or ``rule``.
    RuntimeError
        If no equilibrium passing the ``1e-10`` check is found (near-degenerate input).

    Examples
    --------
    >>> eq = stationary_values([0.5, 0.3, 0.2], 0.9, "majority")
    >>> (eq.values * 31).round(9).tolist()
    [11.0, 10.0, 10.0]
    """
    p = _check_recognition(p)
    delta = _check_delta(delta)
    game = _resolve_rule(rule, p)
    if delta == 0.0:  # nothing to pay: every proposer keeps the whole pie
        inclusion = np.array([game.cheapest(p, k) for k in range(p.size)])
        return _result(delta, p, inclusion, _violation(p, delta, game, p, inclusion))
    found = _solve(p, delta, game) if delta < 1.0 else _solve_at_one(p, game)
    if found is None:
        raise RuntimeError(
            f"stationary_values: no equilibrium passed the {_CHECK_TOL:g} check for "
            f"p={p.tolist()}, delta={delta}, rule={rule!r} (near-degenerate input?)"
        )
    return found


def equal_recognition_values(
    n: int, delta: float, q: int | str = "majority"
) -> StationaryEquilibrium:
    """Closed form for equal recognition probabilities ``1/n`` (Baron & Ferejohn 1989).

    Every value is ``1/n``; the proposer keeps ``1 - (q - 1) delta / n`` and buys ``q - 1``
    partners at ``delta / n`` each, uniformly at random: ``inclusion[k, j] = (q-1)/(n-1)``.
    Majority (odd ``n``): ``1 - delta (n - 1) / (2n)``; unanimity: ``1 - delta (n - 1) / n``.

    Parameters
    ----------
    n : int
        Number of members, at least 1.
    delta : float
        Discount factor in ``[0, 1]``.
    q : int or {"majority", "unanimity"}
        Votes needed, the proposer's included.

    Returns
    -------
    StationaryEquilibrium

    Examples
    --------
    >>> round(float(equal_recognition_values(5, 0.8, "majority").proposer_share[0]), 12)
    0.68
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"n: expected an integer >= 1, got {n!r}")
    n, delta = int(n), _check_delta(delta)
    q = _check_quota(q, n)
    inclusion = np.full((n, n), (q - 1) / max(n - 1, 1))
    np.fill_diagonal(inclusion, 0.0)
    share = np.full(n, 1.0 - (q - 1) * delta / n)
    return _result(delta, np.full(n, 1.0 / n), inclusion, 0.0, share)


def unanimity_values(p: ArrayLike, delta: float) -> StationaryEquilibrium:
    """Closed form under unanimity, any recognition probabilities (Baron & Ferejohn 1989).

    ``v_i = p_i``; proposer ``i`` keeps ``1 - delta (1 - p_i)`` and pays each ``j``
    ``delta p_j``.

    Parameters
    ----------
    p : array_like, shape (n,)
        Recognition probabilities.
    delta : float
        Discount factor in ``[0, 1]``.

    Returns
    -------
    StationaryEquilibrium
    """
    p, delta = _check_recognition(p), _check_delta(delta)
    return _result(delta, p, 1.0 - np.eye(p.size), 0.0, 1.0 - delta * (1.0 - p))


# -- validation -----------------------------------------------------------------------------


def _check_delta(delta: Any) -> float:
    if isinstance(delta, numbers.Real) and not isinstance(delta, bool) and 0 <= float(delta) <= 1:
        return float(delta)
    raise ValueError(f"delta: expected a number in [0, 1], got {delta!r}")


def _check_recognition(p: ArrayLike) -> FloatArray:
    try:
        arr = np.asarray(p, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(f"p: expected a 1-d array of probabilities, got {p!r}") from None
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"p: expected a non-empty 1-d array, got shape {arr.shape}")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0.0):
        raise ValueError(f"p: expected finite non-negative probabilities, got {arr.tolist()}")
    if abs(arr.sum() - 1.0) > 1e-9:
        raise ValueError(f"p: expected probabilities summing to 1, got sum {arr.sum()!r}")
    return arr / arr.sum()


def _check_quota(q: Any, n: int, name: str = "q") -> int:
    if isinstance(q, str) and q in ("majority", "unanimity"):
        return n // 2 + 1 if q == "majority" else n
    if isinstance(q, bool) or not isinstance(q, numbers.Integral) or not 1 <= int(q) <= n:
        raise ValueError(
            f"{name}: expected 'majority', 'unanimity' or an integer in 1..{n}, got {q!r}"
        )
    return int(q)


def _resolve_rule(rule: Any, p: FloatArray) -> _Quota | _Enumerated:
    n = p.size
    if isinstance(rule, str | numbers.Integral) and not isinstance(rule, bool):
        return _Quota(_check_quota(rule, n, "rule"), n)
    if isinstance(rule, WeightedQuota) and len(rule.weights) != n:
        raise ValueError(f"rule: weights have length {len(rule.weights)}, but p has length {n}")
    if hasattr(rule, "is_winning"):
        predicate = rule.is_winning
    elif callable(rule):

        def predicate(masks: BoolArray) -> BoolArray:
            return np.fromiter((bool(rule(m)) for m in masks), dtype=bool, count=len(masks))

    else:
        raise ValueError(
            "rule: expected a quota, 'majority', 'unanimity', an object with is_winning "
            f"or a callable, got {rule!r}"
        )
    if n > MAX_ENUMERATED_MEMBERS:
        raise ValueError(
            "rule: weighted and general voting rules are solved by enumerating all 2**n "
            f"coalitions, which needs n <= {MAX_ENUMERATED_MEMBERS}; got n={n}"
        )
    return _Enumerated(n, predicate, p)


# -- voting-rule backends --------------------------------------------------------------------
# ``smoothed(v, tau)`` returns the smoothed inclusion matrix (n, n), its derivative
# d[k, j, l] = d inclusion[k, j] / d v_l, and a state; ``active(v, eps, state, k)`` returns
# proposer k's _Pattern of coalitions within eps of the cheapest; ``cheapest(v, k)`` an even
# mixture over k's cheapest coalitions; ``veto`` marks members of every winning coalition.


class _Quota:
    """``q`` votes out of ``n``: the cheapest partners are the ``q - 1`` lowest values."""

    def __init__(self, q: int, n: int) -> None:
        self.q = q
        self.veto = np.full(n, q == n)

    def min_cost(self, v: FloatArray) -> FloatArray:
        others = np.where(np.eye(v.size, dtype=bool), np.inf, v[None, :])
        return np.sort(others, axis=1)[:, : self.q - 1].sum(axis=1)

    def smoothed(self, v: FloatArray, tau: float) -> tuple[FloatArray, FloatArray, Any]:
        from scipy.special import expit  # here, so that importing negsim skips scipy

        n, need = v.size, self.q - 1
        off = ~np.eye(n, dtype=bool)
        if need in (0, n - 1):  # nothing to choose: no partners, or all of them
            return off * float(need > 0), np.zeros((n, n, n)), None
        # y_kj = expit((lam_k - v_j) / tau), lam_k set by sum_j y_kj = q - 1: Newton's method
        # with bisection as a safeguard
        lo, hi = np.full(n, v.min() - 50.0 * tau), np.full(n, v.max() + 50.0 * tau)
        ranked = np.sort(np.where(off, v[None, :], np.inf), axis=1)
        lam = 0.5 * (ranked[:, need - 1] + ranked[:, need])
        for _ in range(200):
            y = expit((lam[:, None] - v[None, :]) / tau) * off
            gap = y.sum(axis=1) - need
            slope = (y * (1.0 - y)).sum(axis=1) / tau
            if np.all((np.abs(gap) <= 1e-13 + 1e-15 * slope) | (hi - lo < 1e-15)):
                break  # converged to the resolution of lam
            lo, hi = np.where(gap < 0.0, lam, lo), np.where(gap < 0.0, hi, lam)
            step = lam - gap / np.where(slope > 0.0, slope, np.inf)
            lam = np.where((step > lo) & (step < hi), step, 0.5 * (lo + hi))
        s = y * (1.0 - y) / tau  # d y_kj / d v_l = s_kj (s_kl / sum_j s_kj - [j = l])
        total = s.sum(axis=1)
        inv = np.divide(1.0, total, out=np.zeros(n), where=total > 0.0)
        deriv = s[:, :, None] * s[:, None, :] * inv[:, None, None]
        deriv -= s[:, :, None] * np.eye(n)[None, :, :]
        return y, deriv, y

    def active(self, v: FloatArray, eps: float, state: Any, k: int) -> _Pattern:
        n, need = v.size, self.q - 1
        order = np.argsort(v, kind="stable")
        level = np.concatenate([[0], np.cumsum(np.diff(v[order]) > eps)])  # tie groups
        fixed, count = np.zeros(n), 0
        for g in range(level[-1] + 1):
            if count == need:
                break
            group = [j for j in order[level == g] if j != k]
            if count + len(group) <= need:
                fixed[group] = 1.0
                count += len(group)
            else:  # k mixes over this group
                guess = state[k, group] if state is not None else np.zeros(len(group))
                return fixed, np.eye(n)[:, group], need - count, guess
        return fixed, np.zeros((n, 0)), 0, np.zeros(0)

    def cheapest(self, v: FloatArray, k: int) -> FloatArray:
        fixed, cols, count, _ = self.active(v, 1e-12, None, k)
        return fixed + cols.sum(axis=1) * count / max(cols.shape[1], 1)


class _Enumerated:
    """Any voting rule, by enumerating the coalitions that can be a proposer's cheapest.

    Proposer ``k`` need only consider coalitions ``S`` containing ``k`` from which no partner
    can be dropped without losing: dropping a partner never costs more.
    """

    def __init__(self, n: int, predicate: Callable[[BoolArray], Any], p: FloatArray) -> None:
        codes = np.arange(2**n)
        masks = ((codes[:, None] >> np.arange(n)) & 1).astype(bool)
        win = np.asarray(predicate(masks))
        if win.shape != (2**n,):
            raise ValueError(
                f"rule: is_winning must return one bool per coalition, shape ({2**n},); "
                f"got shape {win.shape}"
            )
        win = win.astype(bool)
        self.veto = masks[win].all(axis=0)
        droppable = np.zeros_like(masks)
        for j in range(n):
            droppable[:, j] = masks[:, j] & win[codes ^ (1 << j)]
        n_droppable = droppable.sum(axis=1)
        valid = win[:, None] & masks & (n_droppable[:, None] - droppable == 0)
        keep = valid.any(axis=1)
        self.members, self.valid = masks[keep].astype(float), valid[keep]
        lacking = [k for k in range(n) if p[k] > 0.0 and not self.valid[:, k].any()]
        if lacking:
            raise ValueError(f"rule: members {lacking} belong to no winning coalition")

    def _costs(self, v: FloatArray) -> FloatArray:
        return np.where(self.valid, (self.members @ v)[:, None] - v[None, :], np.inf)

    def min_cost(self, v: FloatArray) -> FloatArray:
        return self._costs(v).min(axis=0)

    def smoothed(self, v: FloatArray, tau: float) -> tuple[FloatArray, FloatArray, Any]:
        n = v.size
        costs = self._costs(v)
        weight = np.exp(-(costs - costs.min(axis=0)) / tau)  # exp(-inf) = 0 off the valid set
        weight /= weight.sum(axis=0)
        mean = weight.T @ self.members  # row k: expected coalition of proposer k, k included
        deriv = np.zeros((n, n, n))  # minus the covariance of the coalition, over tau
        for k in range(n):
            rows = weight[:, k] > 1e-18
            m = self.members[rows]
            second = m.T @ (m * weight[rows, k][:, None])
            deriv[k] = -(second - np.outer(mean[k], mean[k])) / tau
        return mean - np.eye(n), deriv, weight

    def active(self, v: FloatArray, eps: float, state: Any, k: int) -> _Pattern:
        costs = self._costs(v)[:, k]
        rows = np.flatnonzero(costs <= costs.min() + eps)
        rows = rows[np.argsort(costs[rows], kind="stable")]
        cols = (self.members[rows] - np.eye(v.size)[k]).T
        guess = state[rows, k] if state is not None else np.zeros(rows.size)
        return np.zeros(v.size), cols, 1, guess

    def cheapest(self, v: FloatArray, k: int) -> FloatArray:
        return self.active(v, 1e-12, None, k)[1].mean(axis=1)


# -- solver ----------------------------------------------------------------------------------


def _solve(p: FloatArray, delta: float, game: _Quota | _Enumerated) -> StationaryEquilibrium | None:
    """Follow the smoothed equilibrium towards ``tau = 0``, polishing once ``tau`` is small."""
    v = p.copy()
    for tau in _TAUS:
        smooth = _smoothed_solve(p, delta, game, v, tau)
        v = smooth[0]
        if tau > 0.01:
            continue
        for eps in sorted({20.0 * tau, 0.1 * np.sqrt(tau)}):  # tie tolerances to try
            found = _polish(p, delta, game, smooth, eps)
            if found is not None:
                return found
    return None


def _solve_at_one(p: FloatArray, game: _Quota | _Enumerated) -> StationaryEquilibrium | None:
    """``delta = 1``: the limit of the unique ``delta < 1`` values.

    With veto players (members of every winning coalition) any split of the pie among them
    solves the ``delta = 1`` equations; the ``delta -> 1`` limit splits it in proportion to
    ``p`` and gives the others 0. A member with ``p_i = 0`` whom every proposer buys can also
    hold any value; ``_polish`` pins it at its ``delta < 1`` value, 0.
    """
    veto = game.veto
    if veto.any() and p[veto].sum() > 0.0:
        v = np.where(veto, p, 0.0) / p[veto].sum()
        inclusion = np.array([game.cheapest(v, k) for k in range(p.size)])
        residual = _violation(p, 1.0, game, v, inclusion)
        return _result(1.0, v, inclusion, residual) if residual <= _CHECK_TOL else None
    return _solve(p, 1.0, game)


def _newton(equations: _Equations, x: FloatArray, tol: float, max_iter: int = 60) -> FloatArray:
    """Newton's method (least-squares steps, backtracking on the residual norm)."""
    resid, jac = equations(x)
    norm = np.linalg.norm(resid)
    for _ in range(max_iter):
        step = np.linalg.lstsq(jac, -resid, rcond=None)[0]
        if norm <= tol or np.abs(step).max() < 1e-15:
            break
        t, floor = 1.0, (1e-1 if norm < 1e-11 else 1e-8)  # near 0, failures are rounding
        while t >= floor:
            trial_resid, trial_jac = equations(x + t * step)
            trial_norm = np.linalg.norm(trial_resid)
            if trial_norm <= (1.0 - 1e-4 * t) * norm:
                break
            t *= 0.5
        else:
            break  # no progress
        x, resid, jac, norm = x + t * step, trial_resid, trial_jac, trial_norm
    return x


def _smoothed_solve(
    p: FloatArray, delta: float, game: _Quota | _Enumerated, v0: FloatArray, tau: float
) -> tuple[FloatArray, FloatArray, Any]:
    """Values, inclusion and backend state of the equilibrium smoothed at ``tau``."""
    # v_i enters row i with a factor of at least 1 - delta + delta p_i; dividing by it keeps
    # rarely recognised members visible to the line search when delta is near 1
    floor = 1.0 - delta + delta * p
    row = 1.0 / np.where(floor > 0.0, floor, 1.0)

    def equations(v: FloatArray) -> tuple[FloatArray, FloatArray]:
        incl, deriv, _ = game.smoothed(v, tau)
        reach = p @ incl
        d_cost = incl + np.einsum("j,kjl->kl", v, deriv)  # d (incl @ v)_k / d v_l
        resid = v - p * (1.0 - delta * (incl @ v)) - delta * v * reach
        jac = np.eye(v.size) + delta * p[:, None] * d_cost - delta * np.diag(reach)
        jac -= delta * v[:, None] * np.einsum("k,kjl->jl", p, deriv)
        return resid * row, jac * row[:, None]

    v = _newton(equations, v0, 1e-13)
    incl, _, state = game.smoothed(v, tau)
    return v, incl, state


def _polish(
    p: FloatArray, delta: float, game: _Quota | _Enumerated, smooth: tuple[Any, ...], eps: float
) -> StationaryEquilibrium | None:
    """Exact equations for the ties (within ``eps``) of the smoothed solution; None unless
    the result passes the equilibrium check."""
    n, (v_guess, incl_guess, state) = p.size, smooth
    pattern = {k: game.active(v_guess, eps, state, k) for k in range(n) if p[k] > 0.0}
    base = np.zeros((n, n))  # one cheapest coalition per proposer
    directions = [np.zeros((n, 0))]
    for k, (fixed, cols, count, _) in pattern.items():
        base[k] = fixed + cols[:, :count].sum(axis=1)
        directions.append(cols[:, 1:] - cols[:, :1])
    diffs = np.hstack(directions)
    # Ties make v orthogonal to the mixing directions B, and the inclusion vector x moves
    # only along them: unknowns (v, mu) with x = x0 + B mu and B^T v = 0. Members never
    # recognised are pinned at 0 (forced for delta < 1; the limit at delta = 1).
    eigval, eigvec = np.linalg.eigh(diffs @ diffs.T)
    basis = eigvec[:, eigval > 1e-9 * max(1.0, eigval.max(initial=0.0))]
    constraints = np.hstack([basis, np.eye(n)[:, p == 0.0]])
    x0, lin = p @ base, delta * p[:, None] * base
    jac = np.zeros((n + constraints.shape[1], n + basis.shape[1]))
    jac[n:, :n] = constraints.T

    def equations(z: FloatArray) -> tuple[FloatArray, FloatArray]:
        v, x = z[:n], x0 + basis @ z[n:]
        jac[:n, :n] = np.eye(n) + lin - delta * np.diag(x)
        jac[:n, n:] = -delta * v[:, None] * basis
        resid = np.concatenate([v - p + lin @ v - delta * v * x, constraints.T @ v])
        return resid, jac.copy()

    start = np.concatenate([v_guess, basis.T @ (p @ incl_guess - x0)])
    solution = _newton(equations, start, 0.0, max_iter=30)
    v = solution[:n]
    cheap = (base @ v - game.min_cost(v))[p > 0.0].max()  # the pattern's coalitions cheapest?
    if np.abs(equations(solution)[0]).max() > 1e-12 or v.min() < -1e-12 or cheap > 1e-12:
        return None
    v = np.maximum(v, 0.0)
    inclusion = _mixing(p, delta, v, base @ v, pattern)
    if inclusion is None:
        return None
    for k in range(n):
        if p[k] == 0.0:
            inclusion[k] = game.cheapest(v, k)
    residual = _violation(p, delta, game, v, inclusion)
    return _result(delta, v, inclusion, residual) if residual <= _CHECK_TOL else None


def _mixing(
    p: FloatArray, delta: float, v: FloatArray, cost: FloatArray, pattern: dict[int, _Pattern]
) -> FloatArray | None:
    """Mixing over the proposers' cheapest coalitions that solves the stationary equations.

    Unknowns ``z`` (a block per proposer, ``0 <= z <= 1``, block sums fixed); the stationary
    equations, row ``i`` divided by ``max(delta v_i, 1e-3)``. First the least change to the
    smoothed guess (it keeps symmetric members symmetric), then a linear programme.
    """
    n, blocks = p.size, list(pattern.items())
    starts = np.cumsum([0] + [cols.shape[1] for _, (_, cols, _, _) in blocks])
    scale = np.maximum(delta * v, 1e-3)  # rows of tiny-value members stay tiny
    a_eq = np.zeros((len(blocks) + n, starts[-1]))
    b_eq = np.zeros(len(blocks) + n)
    reach = np.zeros(n)
    for b, (k, (fixed, cols, count, _)) in enumerate(blocks):
        a_eq[b, starts[b] : starts[b + 1]] = 1.0
        b_eq[b] = count
        a_eq[len(blocks) :, starts[b] : starts[b + 1]] = p[k] * cols * (delta * v / scale)[:, None]
        reach += p[k] * fixed
    b_eq[len(blocks) :] = (v - p * (1.0 - delta * cost) - delta * v * reach) / scale
    guess = np.concatenate([np.zeros(0)] + [g for _, (_, _, _, g) in blocks])
    z = guess + np.linalg.lstsq(a_eq, b_eq - a_eq @ guess, rcond=None)[0]
    if z.size and (z.min() < -1e-12 or z.max() > 1.0 + 1e-12):
        from scipy.optimize import linprog  # here, so that importing negsim skips scipy

        tol = {"primal_feasibility_tolerance": 1e-10}
        lp = linprog(np.zeros(z.size), A_eq=a_eq, b_eq=b_eq, bounds=(0.0, 1.0), options=tol)
        if lp.status != 0:
            return None
        z = lp.x
        inner = (z > 1e-12) & (z < 1.0 - 1e-12)  # re-solve the basic variables exactly
        z[~inner] = np.round(z[~inner])
        rhs = b_eq - a_eq[:, ~inner] @ z[~inner]
        z[inner] = np.linalg.lstsq(a_eq[:, inner], rhs, rcond=None)[0]
    z = np.clip(z, 0.0, 1.0)
    if np.abs(a_eq[: len(blocks)] @ z - b_eq[: len(blocks)]).max(initial=0.0) > 1e-12:
        return None  # not a mixture over the coalitions
    inclusion = np.zeros((n, n))
    for b, (k, (fixed, cols, _, _)) in enumerate(blocks):
        inclusion[k] = fixed + cols @ z[starts[b] : starts[b + 1]]
    return inclusion


def _violation(
    p: FloatArray, delta: float, game: _Quota | _Enumerated, v: FloatArray, inclusion: FloatArray
) -> float:
    """Largest violation of the equilibrium conditions at ``(v, inclusion)``."""
    cost = inclusion @ v
    stationary = v - p * (1.0 - delta * cost) - delta * v * (p @ inclusion)
    excess = np.where(p > 0.0, cost - game.min_cost(v), 0.0)  # paying above the cheapest
    return float(max(np.abs(stationary).max(), excess.max(), abs(v.sum() - 1.0)))


def _result(
    delta: float, v: FloatArray, inclusion: FloatArray, residual: float, share: Any = None
) -> StationaryEquilibrium:
    share = 1.0 - delta * (inclusion @ v) if share is None else share
    payments = delta * inclusion * v[None, :]
    values, share, inclusion, payments = (
        np.array(a, dtype=float) for a in (v, share, inclusion, payments)
    )
    for a in (values, share, inclusion, payments):
        a.setflags(write=False)
    return StationaryEquilibrium(values, share, inclusion, payments, float(residual))

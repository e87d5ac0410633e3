"""Axiomatic bargaining solutions: Nash, generalised Nash, Kalai-Smorodinsky, egalitarian.

A bargaining problem ``(S, d)`` is a compact, convex, comprehensive set ``S`` of utility vectors
and a disagreement point ``d`` in ``S``. For ``u`` in ``S`` with ``u >= d``:

- **Nash** (Nash 1950): ``argmax prod_i (u_i - d_i)``. Pareto, symmetric, covariant under a
  positive affine rescaling of each player's utility, independent of irrelevant alternatives.
- **Generalised (asymmetric) Nash** (Harsanyi & Selten 1972; Roth 1979):
  ``argmax prod_i (u_i - d_i)^{tau_i}`` with bargaining powers ``tau_i > 0``, ``sum tau = 1``.
  Splitting a pie of size 1 it gives ``u_i = d_i + tau_i (1 - sum_j d_j)``.
- **Kalai-Smorodinsky** (Kalai & Smorodinsky 1975): the maximal point of ``S`` on the segment from
  ``d`` to the ideal point ``a``, ``a_i = max{u_i : u in S, u >= d}``, i.e. ``d + t*(a - d)`` with
  ``t*`` the largest ``t`` keeping it in ``S``. Individually monotone; not IIA.
- **Egalitarian** (Kalai 1977): ``d + t* (1, ..., 1)`` with ``t*`` maximal. Weakly Pareto,
  strongly monotone, not scale invariant.

Two layers.

*Abstract problems* (:class:`BargainingProblem`): ``S`` is the comprehensive convex hull of a
finite set of utility vectors, or, for two players, the region under a concave non-increasing
frontier ``u_2 = f(u_1)`` on ``[0, a_1]``. :func:`nash`, :func:`kalai_smorodinsky`,
:func:`egalitarian` and :func:`ideal_point` return utility vectors. On point sets the max-``t``
problems are linear programs (``scipy.optimize.linprog``, HiGHS), exact to about ``1e-10``;
Nash is exact for two players (maximised in closed form on each edge of the Pareto hull) and,
for more, solved through its Lagrangian dual by a log-barrier Newton method, then compared with
the exact optimum on the nearby vertices and edges (where the barrier path converges slowly).
On frontiers all three are scalar root-finding or concave maximisation problems solved to
machine precision (:mod:`negsim._frontier`).

*Spatial outcome spaces*, vectorised over Monte Carlo runs (:func:`nash_outcome`,
:func:`kalai_smorodinsky_outcome`, :func:`egalitarian_outcome`): outcomes are points ``x`` of
the box ``prod_k [lo_k, hi_k]`` and utilities are those of :mod:`negsim.utility`,
``u_i(x) = sum_k w_ik (1 - (|x_k - p_ik| / (hi_k - lo_k))^{r_i})``, concave in ``x`` when
``r_i >= 1`` and linear-additive when ``r_i = 1`` and every position is at an end of its scale
(the logrolling case, in which the two-actor Pareto frontier concedes whole issues in the order
of the weight ratios and the Nash point splits at most one issue). The solutions maximise over
``x`` directly, all runs at once, by a projected Newton method on the cells between the actors'
positions (exact on piecewise-linear utilities, kinks landed on exactly), the max-min ones
along a log-barrier path, and each run is returned with a certificate of optimality: see
:mod:`negsim._spatial_bargaining` and :mod:`negsim._spatial_kernel`.
"""

from __future__ import annotations

from collections.abc import Callable

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from negsim import _frontier as _fr, _spatial_bargaining as _sb, _spatial_kernel as _sk

__all__ = [
    "BargainingProblem",
    "SpatialSolution",
    "egalitarian",
    "egalitarian_outcome",
    "ideal_point",
    "kalai_smorodinsky",
    "kalai_smorodinsky_outcome",
    "nash",
    "nash_outcome",
    "proportional_outcome",
]

FloatArray = NDArray[np.float64]
Frontier = Callable[[FloatArray], FloatArray]

# =============================================================================================
# Abstract problems


def _float_tuple(value: object) -> tuple[float, ...]:
    return tuple(float(v) for v in np.asarray(value, dtype=float).ravel())


def _points_tuple(value: object) -> tuple[tuple[float, ...], ...] | None:
    if value is None:
        return None
    arr = np.asarray(value, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"points must have shape (m, n_players), got shape {arr.shape}")
    return tuple(tuple(float(v) for v in row) for row in arr)


@attrs.frozen
class BargainingProblem:
    """A bargaining problem ``(S, d)``; build it with :meth:`from_points` or :meth:`from_frontier`.

    Parameters
    ----------
    disagreement : tuple of float, length n_players
        The disagreement point ``d``; must lie in ``S``.
    points : tuple of tuples, shape (m, n_players), optional
        ``S`` is the comprehensive convex hull of these utility vectors:
        ``{u : u <= sum_j lambda_j p_j, lambda in the simplex}``.
    frontier : callable, optional
        For two players: ``S = {u : u_1 <= a_1, u_2 <= f(max(u_1, 0))}`` with ``f`` concave and
        non-increasing on ``[0, a_1]``; ``f`` maps an array of ``u_1`` to an array of ``u_2``.
    frontier_end : float, optional
        ``a_1 > 0``, the right end of the frontier's domain.
    """

    disagreement: tuple[float, ...] = attrs.field(converter=_float_tuple)
    points: tuple[tuple[float, ...], ...] | None = attrs.field(
        default=None, converter=_points_tuple
    )
    frontier: Frontier | None = attrs.field(default=None, eq=False)
    frontier_end: float | None = None

    @classmethod
    def from_points(cls, points: ArrayLike, disagreement: ArrayLike) -> BargainingProblem:
        """``S`` = comprehensive convex hull of ``points`` (shape (m, n_players)).

        Examples
        --------
        >>> pie = BargainingProblem.from_points([[1.0, 0.0], [0.0, 1.0]], [0.4, 0.0])
        >>> nash(pie).round(12)
        array([0.7, 0.3])
        """
        return cls(disagreement=disagreement, points=points)

    @classmethod
    def from_frontier(
        cls, frontier: Frontier, end: float, disagreement: ArrayLike = (0.0, 0.0)
    ) -> BargainingProblem:
        """Two players: ``S`` lies under a concave frontier ``u_2 = f(u_1)``, ``u_1 <= end``.

        Examples
        --------
        >>> p = BargainingProblem.from_frontier(lambda u1: 2.0 * (1.0 - u1**2), 1.0)
        >>> nash(p).round(6)
        array([0.57735 , 1.333333])
        """
        return cls(disagreement=disagreement, frontier=frontier, frontier_end=float(end))

    @property
    def n_players(self) -> int:
        """Number of players."""
        return len(self.disagreement)

    @property
    def points_array(self) -> FloatArray:
        """The points as an array, shape (m, n_players) (point sets only)."""
        if self.points is None:
            raise ValueError("this problem is given by a frontier, not by points")
        return np.array(self.points, dtype=float)

    def __attrs_post_init__(self) -> None:
        d = np.array(self.disagreement)
        if not np.all(np.isfinite(d)):
            raise ValueError(f"disagreement must be finite, got {self.disagreement}")
        if (self.points is None) == (self.frontier is None):
            raise ValueError("give exactly one of points and frontier")
        if self.points is not None:
            P = self.points_array
            if P.shape[0] == 0 or P.shape[1] != d.size or not np.all(np.isfinite(P)):
                raise ValueError(
                    f"points must be a finite (m >= 1, {d.size}) array, got shape {P.shape}"
                )
            if _fr.hull_level(P, d, np.zeros(d.size)) is None:
                raise ValueError(f"disagreement {self.disagreement} is not in S")
            return
        if d.size != 2:
            raise ValueError(
                f"a frontier problem has 2 players, got disagreement {self.disagreement}"
            )
        end = self.frontier_end
        if end is None or not end > 0.0:
            raise ValueError(f"frontier_end must be > 0, got {end}")
        if not (d[0] <= end and d[1] <= _fr.frontier_at(*_curve(self), d[0])):
            raise ValueError(f"disagreement {self.disagreement} is not in S")


def _curve(problem: BargainingProblem) -> tuple[Frontier, float]:
    """The frontier and its end (frontier problems only)."""
    assert problem.frontier is not None and problem.frontier_end is not None
    return problem.frontier, problem.frontier_end


def _weights(weights: ArrayLike | None, n: int) -> FloatArray:
    tau = np.full(n, 1.0 / n) if weights is None else np.asarray(weights, dtype=float).ravel()
    if tau.shape != (n,) or not np.all(tau > 0.0) or not np.all(np.isfinite(tau)):
        raise ValueError(f"weights must be {n} positive numbers, got {weights!r}")
    return tau / tau.sum()


def ideal_point(problem: BargainingProblem) -> FloatArray:
    """Ideal (utopia) point ``a_i = max{u_i : u in S, u >= d}``.

    Returns
    -------
    ndarray, shape (n_players,)

    Examples
    --------
    >>> ideal_point(BargainingProblem.from_points([[1.0, 0.0], [0.0, 1.0]], [0.4, 0.0]))
    array([1. , 0.6])
    """
    d = np.array(problem.disagreement)
    if problem.points is None:
        return _fr.frontier_ideal(*_curve(problem), d)
    return _fr.ideal_points(problem.points_array, d)


def nash(problem: BargainingProblem, weights: ArrayLike | None = None) -> FloatArray:
    """Nash (1950) or, with ``weights``, generalised Nash solution (Harsanyi-Selten 1972).

    Parameters
    ----------
    problem : BargainingProblem
    weights : array_like, shape (n_players,), optional
        Bargaining powers ``tau_i > 0`` (normalised to sum to 1); equal by default.

    Returns
    -------
    ndarray, shape (n_players,)
        ``argmax_{u in S, u > d} sum_i tau_i log(u_i - d_i)``.

    Raises
    ------
    ValueError
        If no point of ``S`` gives every player strictly more than ``d`` (an inessential
        problem: the product is 0 on all of ``S`` and the solution undefined).

    Examples
    --------
    >>> pie = BargainingProblem.from_points([[1.0, 0.0], [0.0, 1.0]], [0.4, 0.0])
    >>> float(nash(pie, weights=[0.7, 0.3])[0])
    0.82
    """
    tau = _weights(weights, problem.n_players)
    d = np.array(problem.disagreement)
    if problem.points is None:
        return _fr.frontier_nash(*_curve(problem), d, tau)
    return _fr.nash_points(problem.points_array, d, tau)


def kalai_smorodinsky(problem: BargainingProblem) -> FloatArray:
    """Kalai-Smorodinsky (1975) solution: the maximal point of ``S`` on the segment ``[d, a]``.

    Returns
    -------
    ndarray, shape (n_players,)
        ``d + t* (a - d)`` with ``a`` the :func:`ideal_point` and ``t*`` maximal.

    Examples
    --------
    >>> p = BargainingProblem.from_frontier(lambda u1: 2.0 * (1.0 - u1**2), 1.0)
    >>> round(float(kalai_smorodinsky(p)[0]), 12) == round((5**0.5 - 1) / 2, 12)
    True
    """
    d = np.array(problem.disagreement)
    return _segment_point(problem, d, ideal_point(problem) - d)


def egalitarian(problem: BargainingProblem) -> FloatArray:
    """Egalitarian solution (Kalai 1977): ``d + t* (1, ..., 1)`` with ``t*`` maximal.

    Returns
    -------
    ndarray, shape (n_players,)
        Weakly Pareto optimal, as the definition is.

    Examples
    --------
    >>> p = BargainingProblem.from_frontier(lambda u1: 2.0 * (1.0 - u1**2), 1.0)
    >>> round(float(egalitarian(p)[0]), 12) == round((17**0.5 - 1) / 4, 12)
    True
    """
    d = np.array(problem.disagreement)
    return _segment_point(problem, d, np.ones(d.size))


def _segment_point(problem: BargainingProblem, d: FloatArray, c: FloatArray) -> FloatArray:
    if problem.points is None:
        return _fr.frontier_segment_point(*_curve(problem), d, c)
    t = _fr.hull_level(problem.points_array, d, c)
    assert t is not None, "d must lie in S"
    return d + t * c


# =============================================================================================
# Spatial outcome spaces, vectorised over runs


@attrs.frozen(eq=False)
class SpatialSolution:
    """An axiomatic solution on a spatial outcome space, for every run.

    Attributes
    ----------
    x : ndarray, shape (n_runs, n_issues)
        The agreed outcome in issue units; the status quo where ``feasible`` is false.
    utility : ndarray, shape (n_runs, n_actors)
        Each actor's utility for ``x``; the disagreement point where ``feasible`` is false.
    feasible : ndarray of bool, shape (n_runs,)
        Whether some outcome gives every actor at least its disagreement utility.
    gap : ndarray, shape (n_runs,)
        Certificate: an upper bound on how far the solution's objective is from the optimum
        (Nash: ``sum tau_i log(u_i - d_i)``; Kalai-Smorodinsky and egalitarian: the level
        ``t``), valid when every ``risk >= 1``. NaN where there is nothing to certify: no
        agreement, an inessential problem (no outcome gives every actor more than ``d``), or
        an iteration budget exhausted.
    level : ndarray, shape (n_runs,)
        Kalai-Smorodinsky and egalitarian: the ``t`` reached; NaN for Nash.
    """

    x: FloatArray
    utility: FloatArray
    feasible: NDArray[np.bool_]
    gap: FloatArray
    level: FloatArray


def _checked(position, weight, risk, lo, hi, disagreement, status_quo):
    """The inputs as float arrays, their shapes and values checked."""
    position = np.asarray(position, dtype=float)
    weight = np.asarray(weight, dtype=float)
    risk = np.asarray(risk, dtype=float)
    lo, hi = np.asarray(lo, dtype=float), np.asarray(hi, dtype=float)
    d = np.asarray(disagreement, dtype=float)
    sq = np.asarray(status_quo, dtype=float)
    if position.ndim != 3:
        raise ValueError(
            f"position must have shape (n_runs, n_actors, n_issues), got {position.shape}"
        )
    R, n, K = position.shape
    expect = {
        "weight": (weight, (R, n, K)),
        "risk": (risk, (R, n)),
        "lo": (lo, (K,)),
        "hi": (hi, (K,)),
        "disagreement": (d, (R, n)),
        "status_quo": (sq, (R, K)),
    }
    for name, (arr, shape) in expect.items():
        if arr.shape != shape:
            raise ValueError(f"{name} must have shape {shape}, got {arr.shape}")
    if not np.all(hi > lo):
        raise ValueError(f"every issue needs hi > lo, got lo={lo}, hi={hi}")
    if np.any(weight < 0.0) or np.any(risk <= 0.0):
        raise ValueError("weights must be >= 0 and risk exponents > 0")
    return position, weight, risk, lo, hi, d, sq


_PER_RUN = (0, 1, 2, 5, 6)  # the checked inputs with a run axis: position ... status_quo


def _unique_runs(arrays: list[FloatArray]) -> tuple[NDArray[np.intp], NDArray[np.intp]] | None:
    """Runs whose inputs repeat an earlier run's: ``(first, inverse)`` with ``first`` the
    first run of each distinct input, in run order, and ``inverse`` mapping every run to its
    entry of ``first``; None if the runs are all distinct."""
    R = arrays[0].shape[0]
    if R < 2:
        return None
    # group the rows by a fixed linear hash (sorting whole rows is slow), computed array by
    # array (copying them into one table first cost most of the time); equal rows hash alike,
    # so distinct hashes are distinct rows (were a sum taken in another order for some rows,
    # a repeat would only be solved again)
    hashed = np.zeros(R)
    at = 0
    for a in arrays:
        a = a.reshape(R, -1) if a.flags.c_contiguous else a
        size = int(np.prod(a.shape[1:]))
        coef = np.cos(np.arange(at, at + size) * 0.7548776662466927).reshape(a.shape[1:])
        hashed += np.tensordot(a, coef, axes=a.ndim - 1)
        at += size
    _, first, inverse = np.unique(hashed, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    if first.size == R:
        return None
    flat = np.concatenate([np.ascontiguousarray(a).reshape(R, -1) for a in arrays], axis=1)
    if (flat == flat[:1]).all():
        return np.zeros(1, dtype=np.intp), np.zeros(R, dtype=np.intp)
    if not (flat == flat[first[inverse]]).all():  # a collision: sort the rows after all
        _, first, inverse = np.unique(flat, axis=0, return_index=True, return_inverse=True)
        inverse = inverse.ravel()
    if first.size == R:
        return None
    order = np.argsort(first)
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    return first[order], rank[inverse]


def _once_per_distinct_run(solve, arrays, *per_run) -> SpatialSolution:
    """``solve(*arrays, *per_run)`` on the distinct runs only, its solution copied to repeats
    (Monte Carlo runs often differ only in parameters a solution does not read)."""
    uniq = _unique_runs([arrays[i] for i in _PER_RUN] + [a for a in per_run if a is not None])
    if uniq is None:
        return solve(*arrays, *per_run)
    first, inverse = uniq
    sol = solve(*(a[first] if i in _PER_RUN else a for i, a in enumerate(arrays)),
                *(None if a is None else a[first] for a in per_run))
    return SpatialSolution(x=sol.x[inverse], utility=sol.utility[inverse],
                           feasible=sol.feasible[inverse], gap=sol.gap[inverse],
                           level=sol.level[inverse])


_TINY = 2.0**-40


def _lower(position, weight, risk, lo, hi, d, sq):
    """Lower checked inputs to normalised units.

    Returns the :class:`~negsim._spatial_kernel.Space` (with indifferent and vetoing actors'
    effects applied as fixed coordinates), ``d``, which actors bargain (n_runs, n_actors), which
    runs are blocked outright, the status quo in normalised units, and ``lo``, ``hi - lo``.
    """
    width = hi - lo
    # positions within 2^-40 (about 1e-12) of a scale's low end are put on it: only there
    # can floating point hold kinks so close (a position of 1e-219 beside one of 0) that the
    # cell between them is too thin for Newton; no utility moves by more than 1e-12
    q = np.clip((position - lo) / width, 0.0, 1.0)
    q = np.where(q < _TINY, 0.0, q)
    z_sq = np.clip((sq - lo) / width, 0.0, 1.0)
    wsum = weight.sum(-1)
    cares = wsum > 0.0
    # an actor whose disagreement utility is its best possible one vetoes any move on its issues
    veto = cares & (d >= wsum - 1e-12)
    blocked = _sk.row_any((~cares & (d > 0.0)) | (veto & (d > wsum + 1e-12)))
    R, _, K = weight.shape
    if veto.any():
        vw = veto[:, :, None] & (weight > 0.0)
        fix_lo = np.where(vw, q, np.inf).min(1)
        fix_hi = np.where(vw, q, -np.inf).max(1)
        fixed = vw.any(1)
        blocked |= _sk.row_any(fixed & (fix_hi - fix_lo > 1e-12))
    else:
        fix_lo, fixed = np.full((R, K), np.inf), np.zeros((R, K), dtype=bool)
    bargainer = cares & ~veto & ~blocked[:, None]
    # weights are >= 0: a positive sum is a positive weight
    cared = np.einsum("rn,rnk->rk", bargainer.astype(float), weight) > 0.0
    free = cared & ~fixed & ~blocked[:, None]
    b_lo = np.where(free, 0.0, np.where(fixed & ~blocked[:, None], fix_lo, z_sq))
    b_hi = np.where(free, 1.0, np.where(fixed & ~blocked[:, None], fix_lo, z_sq))
    space = _sk.Space(q, weight, risk, b_lo, b_hi)
    return space, d, bargainer, blocked, z_sq, lo, width


def _start(space: _sk.Space, tau: FloatArray, z_sq: FloatArray) -> FloatArray:
    """Weighted mean of the bargainers' positions (status quo on issues nobody weighs)."""
    wt = space.w * tau[:, :, None]
    tot = wt.sum(1)
    mean = (wt * space.q).sum(1) / np.where(tot > 0.0, tot, 1.0)
    return np.clip(np.where(tot > 0.0, mean, z_sq), space.lo, space.hi)


def _finish(x_norm, u, feasible, gap, level, d, sq, lo, width) -> SpatialSolution:
    x = np.where(feasible[:, None], lo + x_norm * width, sq)
    utility = np.where(feasible[:, None], u, d)
    gap = np.where(feasible, gap, np.nan)
    return SpatialSolution(x=x, utility=utility, feasible=feasible, gap=gap, level=level)


_SPATIAL_PARAMS = """
    Parameters
    ----------
    position : ndarray, shape (n_runs, n_actors, n_issues)
        Ideal points in issue units.
    weight : ndarray, shape (n_runs, n_actors, n_issues)
        Issue weights, from :func:`negsim.utility.issue_weights` (rows sum to 1, or are all 0
        for an indifferent actor).
    risk : ndarray, shape (n_runs, n_actors)
        Risk exponents ``r_i > 0``; the guarantees need ``r_i >= 1`` (concave utilities). With
        ``r_i < 1`` the result is a point no single issue can improve, not a certified optimum.
    lo, hi : ndarray, shape (n_issues,)
        Scale bounds of each issue.
    disagreement : ndarray, shape (n_runs, n_actors)
        Disagreement utilities ``d`` (for instance the utility of the status quo, or of war).
    status_quo : ndarray, shape (n_runs, n_issues)
        Returned as ``x`` where no outcome is individually rational; issues that no bargaining
        actor weighs stay at it.
"""

_SPATIAL_NOTES = """
    Indifferent actors (zero weight everywhere, utility 0 at every outcome) do not bargain; one
    with ``d > 0`` makes its run infeasible. An actor whose ``d`` is its best utility (the
    status quo is its ideal) vetoes any move on the issues it weighs: they are fixed at its
    position. Where ``x`` is not unique (flat parts of the frontier) the utilities still are and
    ``x`` is the one the solver reaches, deterministically.
"""


def nash_outcome(
    position: FloatArray,
    weight: FloatArray,
    risk: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    disagreement: FloatArray,
    status_quo: FloatArray,
    power: FloatArray | None = None,
) -> SpatialSolution:
    """Generalised Nash solution over the outcome box, for every run at once.

    Maximises ``sum_i tau_i log(u_i(x) - d_i)`` over ``prod_k [lo_k, hi_k]`` (Nash 1950;
    Harsanyi & Selten 1972; Roth 1979). The result is exact on linear-additive utilities (to
    rounding, in ``x`` too) and its objective is certified within ``gap`` of the optimum when
    utilities are concave; ``gap`` is typically below ``1e-12``.
    {params}
    power : ndarray, shape (n_runs, n_actors), optional
        Bargaining powers ``tau_i > 0``, normalised to sum to 1 in each run; equal by default
        (symmetric Nash).

    Returns
    -------
    SpatialSolution
        With ``level`` all NaN.

    Notes
    -----
    {notes}
    If no outcome gives every bargaining actor more than ``1e-10`` above ``d`` (an inessential
    problem, Roth 1979: the Nash product is 0 on every agreement) the status quo stands when it
    is individually rational, and otherwise the individually rational outcome reached is
    returned; ``gap`` is then NaN. So it is for the rare run whose 60-iteration budget runs
    out (a few in ten thousand on twelve actors and eight issues).

    Examples
    --------
    Two issues, linear-additive (theory.md, section 1): actor 0 sits at the top of both scales
    and actor 1 at the bottom; the Nash point gives issue 0 to actor 0 and issue 1 to actor 1.

    >>> import numpy as np
    >>> sol = nash_outcome(
    ...     position=np.array([[[1.0, 1.0], [0.0, 0.0]]]),
    ...     weight=np.array([[[0.5, 0.5], [0.4, 0.6]]]),
    ...     risk=np.ones((1, 2)), lo=np.zeros(2), hi=np.ones(2),
    ...     disagreement=np.zeros((1, 2)), status_quo=np.full((1, 2), 0.5))
    >>> sol.x.round(9), sol.utility.round(9)
    (array([[1., 0.]]), array([[0.5, 0.6]]))
    """
    arrays = _checked(position, weight, risk, lo, hi, disagreement, status_quo)
    if power is not None:
        R, n, _ = arrays[0].shape
        power = np.asarray(power, dtype=float)
        if power.shape != (R, n) or not np.all(power > 0.0):
            raise ValueError(f"power must be positive with shape {(R, n)}, got shape {power.shape}")
    return _once_per_distinct_run(_nash, arrays, power)


def _status_quo(space, z_sq, d, bargainer):
    """The status quo in the box, its utilities, and whether it is individually rational."""
    z_keep = np.clip(z_sq, space.lo, space.hi)
    u_sq = _sk.utilities(space, z_keep)
    return z_keep, u_sq, np.where(bargainer, u_sq - d, 0.0).min(axis=1) >= -1e-12


def _nash(position, weight, risk, lo, hi, disagreement, status_quo, power) -> SpatialSolution:
    space, d, bargainer, blocked, z_sq, lo_, width = _lower(
        position, weight, risk, lo, hi, disagreement, status_quo
    )
    R, n, _ = space.q.shape
    tau = np.full((R, n), 1.0 / n) if power is None else power
    tau = np.where(bargainer, tau, 0.0)
    tau = tau / np.where(tau.sum(1) > 0.0, tau.sum(1), 1.0)[:, None]
    z, status, gap = _sb.nash(space, d, tau, (_start(space, tau, z_sq), z_sq))
    u = _sk.utilities(space, z)
    # inessential problems (no outcome strictly better for every bargainer), and runs whose
    # iteration budget ran out short of one: the status quo stands if individually rational
    z_keep, sq_u, sq_ok = _status_quo(space, z_sq, d, bargainer)
    near_ir = np.where(bargainer, u - d, 0.0).min(axis=1) >= -1e-9
    keep_sq = ((status == 0) | ((status == 2) & ~near_ir)) & sq_ok
    z = np.where(keep_sq[:, None], z_keep, z)
    u = np.where(keep_sq[:, None], sq_u, u)
    near_ir |= keep_sq
    feasible = ~blocked & ((status == 1) | ((status != -1) & near_ir))
    return _finish(z, u, feasible, gap, np.full(R, np.nan), d, status_quo, lo_, width)


def _maxmin_outcome(position, weight, risk, lo, hi, disagreement, status_quo, ks: bool,
                    proportions=None):
    arrays = _checked(position, weight, risk, lo, hi, disagreement, status_quo)
    if proportions is not None:
        R, n, _ = arrays[0].shape
        proportions = np.asarray(proportions, dtype=float)
        if proportions.shape != (R, n) or not np.all(proportions > 0.0) \
                or not np.isfinite(proportions).all():
            raise ValueError(f"proportions must be positive and finite with shape {(R, n)}, "
                             f"got shape {proportions.shape}")

    def solve(*args):
        return _maxmin(*args, ks=ks)

    return _once_per_distinct_run(solve, arrays, proportions)


def _maxmin(position, weight, risk, lo, hi, disagreement, status_quo, proportions, *, ks: bool):
    space, d, bargainer, blocked, z_sq, lo_, width = _lower(
        position, weight, risk, lo, hi, disagreement, status_quo
    )
    R, n = d.shape
    equal = bargainer.astype(float)
    z = _start(space, equal, z_sq)
    u = _sk.utilities(space, z)
    level, gap = np.zeros(R), np.zeros(R)  # runs without bargainers: nothing to agree on
    some = bargainer.any(axis=1)
    rows = np.flatnonzero(some)
    if proportions is None:
        ones = equal
    else:
        ones = np.where(bargainer, proportions, 0.0)
        if rows.size:
            # proportions spanning orders of magnitude send the barrier path from a poor start
            # far off its scale: start instead from the egalitarian point, where every
            # bargainer already gains (whenever any outcome lets all of them gain)
            z[rows] = _sb.maxmin(space.take(rows), d[rows], equal[rows], bargainer[rows],
                                 z[rows])[0]
    if rows.size:
        zr, lev, up, ur = _sb.maxmin(
            space.take(rows), d[rows], ones[rows], bargainer[rows], z[rows]
        )
        z[rows], level[rows], u[rows], gap[rows] = zr, lev, ur, up - lev
    feasible = ~blocked & (level >= -1e-9)
    interior = feasible & some & (level > 1e-9)
    if ks and interior.any():
        # ideal points: max u_i s.t. u_j >= d_j, one problem per (run, bargaining actor)
        runs, actors = np.nonzero(bargainer & interior[:, None])
        pick = np.arange(runs.size)
        e = d[runs].copy()
        e[pick, actors] = 0.0
        c = np.zeros((runs.size, n))
        c[pick, actors] = 1.0
        sub = space.take(runs)
        _, best, _, _ = _sb.maxmin(sub, e, c, bargainer[runs], z[runs])
        # u_i is greatest at the actor's own position (clipped to the box), where for
        # 1 < r < 2 it has a cusp that the barrier path may stall short of (a level 7% low was
        # seen): when that point is individually rational it is the ideal point exactly
        z_own = np.clip(sub.q[pick, actors], sub.lo, sub.hi)
        u_own = _sk.utilities(sub, z_own)
        own_ir = np.where(bargainer[runs], u_own >= d[runs], True).all(axis=1)
        best = np.where(own_ir, np.maximum(best, u_own[pick, actors]), best)
        ideal = d.copy()
        ideal[runs, actors] = best
        rows = np.flatnonzero(interior)
        c_ks = np.where(bargainer, ideal - d, 0.0)[rows]
        z_k, lev_k, up_k, u_k = _sb.maxmin(
            space.take(rows), d[rows], c_ks, bargainer[rows], z[rows]
        )
        z[rows], level[rows], u[rows], gap[rows] = z_k, lev_k, u_k, up_k - lev_k
    # an inessential problem (no outcome gives every bargainer more than d): the optimal set
    # is every individually rational outcome with gains of 0, often a flat face on which the
    # point reached depends on rounding; the status quo stands where it is individually
    # rational, as for the Nash solution
    flat = feasible & some & ~interior
    if flat.any():
        z_keep, u_sq, sq_ok = _status_quo(space, z_sq, d, bargainer)
        sq_ok &= flat
        z = np.where(sq_ok[:, None], z_keep, z)
        u = np.where(sq_ok[:, None], u_sq, u)
    gap = np.where(interior | (feasible & ~some), gap, np.nan)
    level = np.where(feasible, level, np.nan)
    return _finish(z, u, feasible, gap, level, d, status_quo, lo_, width)


def kalai_smorodinsky_outcome(
    position: FloatArray,
    weight: FloatArray,
    risk: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    disagreement: FloatArray,
    status_quo: FloatArray,
) -> SpatialSolution:
    """Kalai-Smorodinsky (1975) solution over the outcome box, for every run at once.

    With ideal points ``a_i = max{{u_i(x) : u_j(x) >= d_j for all j}}``, finds the largest ``t``
    such that some ``x`` has ``u_i(x) >= d_i + t (a_i - d_i)`` for every actor. Among the ``x``
    reaching it, returns the analytic centre (the end of the log-barrier central path), which
    is Pareto optimal: ``utility`` can exceed ``d + t (a - d)`` where the frontier is flat.
    {params}
    Returns
    -------
    SpatialSolution
        ``level`` is ``t``; ``gap`` bounds ``t* - t`` given the ideal points.

    Notes
    -----
    {notes}
    Where no outcome gives every bargaining actor strictly more than ``d`` (but some give at
    least ``d``), the egalitarian outcome is returned.
    """
    return _maxmin_outcome(position, weight, risk, lo, hi, disagreement, status_quo, ks=True)


def egalitarian_outcome(
    position: FloatArray,
    weight: FloatArray,
    risk: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    disagreement: FloatArray,
    status_quo: FloatArray,
) -> SpatialSolution:
    """Egalitarian solution (Kalai 1977) over the outcome box, for every run at once.

    Finds the largest ``t`` such that some ``x`` has ``u_i(x) >= d_i + t`` for every actor and,
    among those ``x``, returns the analytic centre (Pareto optimal, see
    :func:`kalai_smorodinsky_outcome`).
    {params}
    Returns
    -------
    SpatialSolution
        ``level`` is ``t``; ``gap`` bounds ``t* - t``.

    Notes
    -----
    {notes}
    """
    return _maxmin_outcome(position, weight, risk, lo, hi, disagreement, status_quo, ks=False)


def proportional_outcome(
    position: FloatArray,
    weight: FloatArray,
    risk: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    disagreement: FloatArray,
    status_quo: FloatArray,
    proportions: FloatArray,
) -> SpatialSolution:
    """Proportional solution (Kalai 1977) over the outcome box, for every run at once.

    Finds the largest ``t`` such that some ``x`` has ``u_i(x) >= d_i + t c_i`` for every actor,
    with given proportions ``c_i > 0``, and among those ``x`` returns the analytic centre. The
    egalitarian solution is the case ``c = 1``; Kalai-Smorodinsky the case ``c = a - d``.
    {params}
    proportions : ndarray, shape (n_runs, n_actors)
        The ratios ``c_i > 0`` in which gains over ``d`` are shared.

    Returns
    -------
    SpatialSolution
        ``level`` is ``t``; ``gap`` bounds ``t* - t``.

    Notes
    -----
    {notes}
    """
    return _maxmin_outcome(position, weight, risk, lo, hi, disagreement, status_quo, ks=False,
                           proportions=proportions)


for _f in (nash_outcome, kalai_smorodinsky_outcome, egalitarian_outcome, proportional_outcome):
    _f.__doc__ = (_f.__doc__ or "").format(params=_SPATIAL_PARAMS, notes=_SPATIAL_NOTES)

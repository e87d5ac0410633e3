"""Offer generation for the concession protocol of :mod:`negsim.concession`, vectorised over runs.

A proposer ``p`` with threshold ``theta`` offers the candidate outcome ``x`` that maximises the
welfare ``W_p(x)`` of the *other* ratifiers among the candidates it can live with,
``u_p(x) >= theta - tol``; if there is none it offers its ideal. The welfare is

* ``objective="sum"``: ``W_p(x) = sum_{j in S, j != p} u_j(x)`` (utilitarian), or
* ``objective="nash"`` (default): lexicographically, first as few others as possible pushed
  below their reservation values ``d_j`` (a proposer does not knowingly offer a ratifier less
  than it can walk away with), then the largest Nash (1950) product of the others' gains,
  ``W_p(x) = sum_j [log(eps + (u_j - d_j)^+) - 1000 [u_j < d_j - tol]] + 1e-9 sum_j u_j`` over
  ``j in S, j != p``, with ``eps = 1e-12``; the last term breaks ties (all gains zero).

Candidates (per run; ``S`` the ratifiers, ``s_jk`` saliences, ``p_jk`` ideal points):

Logroll path
    The target ``c_{-p}`` is the salience-weighted mean of the other ratifiers' positions,
    ``c_{-p,k} = sum_{j in S - p} s_jk p_jk / sum_{j in S - p} s_jk`` (``p_pk`` where no other
    ratifier cares about issue ``k``). Moving issue ``k`` from ``p_pk`` to ``c_{-p,k}`` gains the
    others ``g_k`` in total and costs ``p`` ``l_k``; the path moves the issues one at a time, fully,
    in decreasing order of ``g_k / l_k`` (free issues with ``g_k >= 0`` first, ties by issue
    index), the logic of logrolling (Raiffa 1982). Candidates: its ``K + 1`` vertices, and the
    point where ``u_p`` equals the aim ``theta + 1e-10`` exactly: past the last vertex ``p``
    can afford, issue ``k`` moves a fraction ``lambda = (slack / l_k)**(1 / r_p)`` of the way, since
    ``p``'s loss on an issue grows as ``lambda**r_p``.
Segment
    The point ``p + lambda (c_{-p} - p)`` with ``u_p`` equal to the aim: every issue moves the
    same fraction, ``lambda = ((u_p^max - aim) / sum_k l_k)**(1 / r_p)`` clipped to ``[0, 1]``;
    with concave utilities (``r > 1``) splitting concessions across issues is often better.
Fixed
    Every actor's ideal point, the salience-weighted mean of all ratifiers, the status quo, and
    any caller's or random outcomes (chosen in :mod:`negsim.concession`).

For two actors with linear-additive utilities (risk 1, ideals at the scale ends, so
``c_{-p}`` is the other's ideal) the logroll path is the Pareto frontier: every offer is
efficient. Everything that does not depend on the round (path, vertices and their welfare,
welfare of the fixed candidates) is computed once per proposer; a round then evaluates one
point per run in full (the segment point) and one issue of another (the path point).

References
----------
Nash, J. F. (1950). The bargaining problem. Econometrica 18(2), 155-162.
Raiffa, H. (1982). The Art and Science of Negotiation. Harvard University Press.
"""

from __future__ import annotations

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim.utility import utility

__all__ = ["OfferTables", "offer_tables", "propose", "welfare"]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
BoolArray = NDArray[np.bool_]

TOL = 1e-9  # slack of aspiration comparisons
_MARGIN = 1e-10  # a proposer aims this far above its threshold, so rounding never undercuts it
_EPS = 1e-12
_SHORTFALL = 1000.0  # Nash welfare: penalty per other ratifier left below its reservation value


def welfare(
    u: FloatArray,
    others: BoolArray,
    reservation: FloatArray,
    objective: str,
) -> FloatArray:
    """Welfare ``W`` of the actors in ``others`` at one or many outcomes.

    Parameters
    ----------
    u : ndarray, shape (n_runs, ..., n_actors)
        Utilities of the outcomes.
    others : ndarray of bool, shape (n_runs, n_actors)
        Whose welfare counts.
    reservation : ndarray, shape (n_runs, n_actors)
        Reservation values ``d`` (used by ``"nash"``).
    objective : {"sum", "nash"}
        Utilitarian sum, or log Nash product of gains after the number of others left below
        their reservation values (see the module docstring).

    Returns
    -------
    ndarray, shape (n_runs, ...)
    """
    flat = u.reshape(u.shape[0], -1, u.shape[-1])
    mask = others.astype(float)
    total = np.einsum("rmn,rn->rm", flat, mask)
    if objective == "nash":
        gain = flat - reservation[:, None, :]
        score = np.log(_EPS + np.maximum(gain, 0.0)) - _SHORTFALL * (gain < -TOL)
        total = np.einsum("rmn,rn->rm", score, mask) + 1e-9 * total
    return total.reshape(u.shape[:-1])


def _issue_terms(
    x: FloatArray, position: FloatArray, weight: FloatArray, risk: FloatArray, width: FloatArray
) -> FloatArray:
    """Per-issue terms of :func:`~negsim.utility.utility`: ``x`` (R, P, K) -> (R, P, n, K)."""
    dist = np.abs(x[:, :, None, :] - position[:, None, :, :]) / width
    return weight[:, None] * (1.0 - dist ** risk[:, None, :, None])


_PER_RUN = (
    "u_max",
    "target",
    "path",
    "rank",
    "loss",
    "reach",
    "vertex_u",
    "vertex_score",
    "fixed_x",
    "fixed_u",
)


@attrs.frozen(eq=False)
class OfferTables:
    """What a proposer's offer depends on that does not change from round to round.

    Attributes
    ----------
    u_max : ndarray, shape (n_runs, n_actors)
        Every actor's utility at its ideal.
    target : ndarray, shape (n_runs, n_actors, n_issues)
        ``c_{-p}`` for each proposer ``p``.
    path : ndarray of int, shape (n_runs, n_actors, n_issues)
        The issues in the order proposer ``p`` concedes them; ``rank`` is its inverse.
    rank : ndarray of int, shape (n_runs, n_actors, n_issues)
    loss : ndarray, shape (n_runs, n_actors, n_issues)
        ``l_k`` of proposer ``p``, in path order.
    reach : ndarray, shape (n_runs, n_actors, n_issues + 1)
        ``p``'s utility at the vertices of its path (non-increasing).
    vertex_u : ndarray, shape (n_runs, n_actors, n_issues + 1, n_actors)
        Every actor's utility at the vertices of ``p``'s path.
    vertex_score : ndarray, shape (n_runs, n_actors, n_issues + 1)
        The others' welfare at the vertices.
    fixed_x : ndarray, shape (n_runs, n_fixed, n_issues)
        Fixed candidates.
    fixed_u : ndarray, shape (n_runs, n_fixed, n_actors)
        Their utilities.
    fixed_score : ndarray, shape (n_runs, n_actors, n_fixed)
        Their welfare for the others of each proposer.
    """

    u_max: FloatArray
    target: FloatArray
    path: IntArray
    rank: IntArray
    loss: FloatArray
    reach: FloatArray
    vertex_u: FloatArray
    vertex_score: FloatArray
    fixed_x: FloatArray
    fixed_u: FloatArray
    fixed_score: FloatArray

    def take(self, keep: IntArray | BoolArray) -> OfferTables:
        """The tables of the runs ``keep`` only."""
        return attrs.evolve(self, **{f: getattr(self, f)[keep] for f in (*_PER_RUN, "fixed_score")})


def offer_tables(
    position: FloatArray,
    weight: FloatArray,
    risk: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    ratifier: BoolArray,
    reservation: FloatArray,
    extra_x: FloatArray,
    objective: str,
) -> OfferTables:
    """Precompute every proposer's logroll path and the welfare of the fixed candidates.

    Parameters
    ----------
    position, weight : ndarray, shape (n_runs, n_actors, n_issues)
    risk : ndarray, shape (n_runs, n_actors)
    lo, hi : ndarray, shape (n_issues,)
        The arguments of :func:`negsim.utility.utility`.
    ratifier : ndarray of bool, shape (n_runs, n_actors)
        Whose acceptance an agreement needs (whose welfare a proposer weighs).
    reservation : ndarray, shape (n_runs, n_actors)
        Reservation values.
    extra_x : ndarray, shape (n_runs, n_extra, n_issues)
        Candidates offered in every round besides the actors' ideals.
    objective : {"sum", "nash"}
        The welfare a proposer maximises for the others.

    Returns
    -------
    OfferTables
        Its fixed candidates are the ideals (in actor order), then ``extra_x``.
    """
    R, n, _ = position.shape
    width = hi - lo
    at_ideals = _issue_terms(position, position, weight, risk, width)  # (R, n points, n, K)
    ideal_u = at_ideals.sum(axis=-1)
    u_max = np.diagonal(ideal_u, axis1=1, axis2=2).copy()
    fixed_x = np.concatenate([position, extra_x], axis=1)
    fixed_u = np.concatenate([ideal_u, utility(extra_x, position, weight, risk, lo, hi)], axis=1)
    tables: dict[str, list[NDArray]] = {k: [] for k in (*_PER_RUN[1:-2], "fixed_score")}
    for p in range(n):  # a loop over actors, to bound memory; every step is over all runs
        others = ratifier.copy()
        others[:, p] = False
        w = weight * others[:, :, None]
        total = w.sum(axis=1)
        mean = (w * position).sum(axis=1) / np.where(total > 0, total, 1.0)
        target = np.where(total > 0, mean, position[:, p])
        at_target = _issue_terms(target[:, None, :], position, weight, risk, width)[:, 0]
        change = at_target - at_ideals[:, p]  # (R, n, K): each actor's change, issue by issue
        gain = (change * others[:, :, None]).sum(axis=1)
        loss = -change[:, p]
        free = np.where(gain >= 0, np.inf, -np.inf)
        key = np.where(loss > 0, gain / np.where(loss > 0, loss, 1.0), free)
        path = np.argsort(-key, axis=-1, kind="stable")
        step = np.take_along_axis(change, path[:, None, :], axis=-1)
        vertex_u = ideal_u[:, p, None, :] + np.concatenate(
            [np.zeros((R, 1, n)), np.cumsum(step, axis=-1).transpose(0, 2, 1)], axis=1
        )  # (R, K + 1, n)
        loss = np.take_along_axis(loss, path, axis=-1)
        reach = u_max[:, p, None] - np.concatenate([np.zeros((R, 1)), np.cumsum(loss, -1)], axis=1)
        for name, value in (
            ("target", target),
            ("path", path),
            ("rank", np.argsort(path, axis=-1)),
            ("loss", loss),
            ("reach", reach),
            ("vertex_u", vertex_u),
            ("vertex_score", welfare(vertex_u, others, reservation, objective)),
            ("fixed_score", welfare(fixed_u, others, reservation, objective)),
        ):
            tables[name].append(value)
    stacked = {k: np.stack(v, axis=1) for k, v in tables.items()}
    return OfferTables(u_max=u_max, fixed_x=fixed_x, fixed_u=fixed_u, **stacked)


def propose(
    tables: OfferTables,
    position: FloatArray,
    weight: FloatArray,
    risk: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
    ratifier: BoolArray,
    reservation: FloatArray,
    proposer: IntArray,
    theta: FloatArray,
    objective: str,
) -> tuple[FloatArray, FloatArray]:
    """Each run's proposer picks its offer.

    Parameters
    ----------
    tables : OfferTables
        From :func:`offer_tables` (same runs).
    position, weight, risk, lo, hi, ratifier, reservation
        As for :func:`offer_tables`.
    proposer : ndarray of int, shape (n_runs,)
        Who proposes in each run.
    theta : ndarray, shape (n_runs,)
        The proposer's threshold: it offers nothing it values below ``theta - tol``.
    objective : {"sum", "nash"}

    Returns
    -------
    offer : ndarray, shape (n_runs, n_issues)
        The offers.
    offer_utility : ndarray, shape (n_runs, n_actors)
        Every actor's utility of its run's offer (sums of per-issue terms, so equal to
        :func:`negsim.utility.utility` up to rounding).
    """
    R, n, K = position.shape
    rows = np.arange(R)
    p = proposer
    if R and (p == p[0]).all():  # one proposer everywhere (a shared order): views, not copies

        def pick(a: NDArray) -> NDArray:
            return a[:, p[0]]

    else:

        def pick(a: NDArray) -> NDArray:
            return a[rows, p]

    width = hi - lo

    def issue_terms(offset: FloatArray, k: IntArray) -> FloatArray:
        """Every actor's utility term on issue ``k`` (R,) at ``p``'s ideal plus ``offset``."""
        x = position[rows, p, k] + offset
        dist = np.abs(x[:, None] - position[rows, :, k]) / width[k][:, None]
        return weight[rows, :, k] * (1.0 - dist**risk)

    ideal, target, r = pick(position), pick(tables.target), pick(risk)
    path, rank = pick(tables.path), pick(tables.rank)
    loss, reach = pick(tables.loss), pick(tables.reach)
    aim = theta + _MARGIN
    # The path point: the last vertex p can afford, then part of the next issue.
    s = np.clip((reach >= aim[:, None]).sum(axis=-1) - 1, 0, K)
    partial = s < K
    j = np.minimum(s, K - 1)
    cut = np.where(partial, loss[rows, j], 0.0)
    slack = np.maximum(reach[rows, s] - aim, 0.0)
    lam = np.where(cut > 0, slack / np.where(cut > 0, cut, 1.0), 0.0) ** (1.0 / r)
    k = path[rows, j]
    on_path = np.where(rank < s[:, None], target, ideal)
    on_path[rows, k] += lam * (target[rows, k] - ideal[rows, k])
    # The segment point: every issue moves the fraction lam of the way.
    total = reach[:, 0] - reach[:, K]
    ratio = np.maximum(reach[:, 0] - aim, 0.0) / np.where(total > 0, total, 1.0)
    lam_seg = np.where(total > 0, np.minimum(ratio ** (1.0 / r), 1.0), 1.0)
    on_segment = ideal + lam_seg[:, None] * (target - ideal)
    # Utilities: the path point differs from vertex s in issue k only; the segment is evaluated.
    moved = issue_terms(on_path[rows, k] - ideal[rows, k], k) - issue_terms(np.zeros(R), k)
    on_path_u = pick(tables.vertex_u)[rows, s] + np.where(partial[:, None], moved, 0.0)
    on_segment_u = utility(on_segment, position, weight, risk, lo, hi)
    u2 = np.stack([on_path_u, on_segment_u], axis=1)  # (R, 2, n)
    others = ratifier & (np.arange(n)[None, :] != p[:, None])
    own = np.concatenate([reach, u2[rows, :, p], pick(tables.fixed_u.transpose(0, 2, 1))], axis=1)
    fresh = welfare(u2, others, reservation, objective)
    score = np.concatenate([pick(tables.vertex_score), fresh, pick(tables.fixed_score)], axis=1)
    feasible = own >= theta[:, None] - TOL
    best = np.argmax(np.where(feasible, score, -np.inf), axis=1)
    best = np.where(feasible.any(axis=1), best, 0)  # vertex 0 is p's ideal
    vertex = np.where(rank < np.minimum(best, K)[:, None], target, ideal)
    fixed = np.maximum(best - K - 3, 0)
    kind = np.minimum(np.maximum(best - K, 0), 3)[:, None]  # 0 vertex, 1 path, 2 segment, 3 fixed
    offer = np.choose(kind, [vertex, on_path, on_segment, tables.fixed_x[rows, fixed]])
    offer_u = np.choose(
        kind,
        [
            pick(tables.vertex_u)[rows, np.minimum(best, K)],
            on_path_u,
            on_segment_u,
            tables.fixed_u[rows, fixed],
        ],
    )
    return offer, offer_u

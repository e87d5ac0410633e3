"""Forecast baselines per issue: the compromise model and the weighted median.

Compromise (the capability-salience weighted mean; van den Bos 1991, Achen 2006, Thomson et al.
2006 ch. 10): on each issue ``k`` the forecast is

.. math:: x_k = \\frac{\\sum_i c_i s_{ik} p_{ik}}{\\sum_i c_i s_{ik}}

with capabilities ``c``, saliences ``s`` and positions ``p`` over the actors with a position on
the issue; with ``capability = false`` every ``c_i = 1`` (the salience-weighted mean). It is the
point that minimises the weighted sum of squared distances to the actors' positions, and the
benchmark that more complex models of EU decision-making have not beaten on the DEU data.

Weighted median (Black 1948): the position that beats every other in pairwise votes when each
actor votes with weight ``c_i s_ik`` for the alternative nearer its position. In one dimension it
is the weighted median of the positions; where the cumulative weight reaches exactly one half the
winners form an interval and the forecast is its midpoint.

By default both count every actor with a position: they forecast what a group of actors settles
on, not who signs. With ``scope = "ratifiers"`` an issue counts only the actors whose consent a
deal on it needs (the table's per-issue ratifiers, coalitions expanded into their members), so
that outsiders do not weigh on, say, the EU's own accession decisions. Issues on which no counted
actor has salience stay at the status quo.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim.compiled import Compiled
from negsim.engines.base import Engine, EngineInfo, Outcome

__all__ = ["ForecastParams", "compromise", "weighted_median"]


@attrs.frozen(kw_only=True)
class ForecastParams:
    """Parameters of the forecast baselines.

    Parameters
    ----------
    capability : bool
        Weight each actor by its capability times its salience (True, the compromise model) or
        by its salience alone (False).
    scope : {"all", "ratifiers"}
        Count every actor with a position (``"all"``), or on each issue only the actors whose
        consent a deal on it needs (``"ratifiers"``).
    """

    capability: bool = True
    scope: str = attrs.field(default="all", validator=attrs.validators.in_(("all", "ratifiers")))


def _weights(c: Compiled, p: ForecastParams) -> NDArray[np.float64]:
    w = c.salience * (c.capability[:, :, None] if p.capability else 1.0)
    if p.scope == "ratifiers":
        w = w * c.issue_ratifier[None, :, :]
    return np.asarray(w, dtype=float)


def compromise_outcome(position: NDArray[np.float64], weight: NDArray[np.float64],
                       status_quo: NDArray[np.float64]) -> NDArray[np.float64]:
    """The weighted mean of positions per issue.

    Parameters
    ----------
    position, weight : ndarray, shape (R, n, K)
    status_quo : ndarray, shape (R, K)
        Returned on issues where the weights sum to 0.

    Returns
    -------
    ndarray, shape (R, K)
    """
    total = weight.sum(axis=1)
    safe = np.where(total > 0, total, 1.0)
    return np.where(total > 0, (weight * position).sum(axis=1) / safe, status_quo)


def weighted_median_outcome(position: NDArray[np.float64], weight: NDArray[np.float64],
                            status_quo: NDArray[np.float64]) -> NDArray[np.float64]:
    """The weighted median of positions per issue (midpoint of the median interval on ties).

    Parameters
    ----------
    position, weight : ndarray, shape (R, n, K)
    status_quo : ndarray, shape (R, K)
        Returned on issues where the weights sum to 0.

    Returns
    -------
    ndarray, shape (R, K)
    """
    order = np.argsort(position, axis=1, kind="stable")
    p = np.take_along_axis(position, order, axis=1)
    w = np.take_along_axis(weight, order, axis=1)
    cum = np.cumsum(w, axis=1)
    total = cum[:, -1:, :]
    half = 0.5 * total
    tol = 1e-12 * np.maximum(total, 1.0)
    lo_idx = np.argmax(cum >= half - tol, axis=1)
    hi_idx = np.argmax(cum > half + tol, axis=1)
    lo = np.take_along_axis(p, lo_idx[:, None, :], axis=1)[:, 0, :]
    hi = np.take_along_axis(p, hi_idx[:, None, :], axis=1)[:, 0, :]
    med = 0.5 * (lo + hi)
    return np.where(total[:, 0, :] > 0, med, status_quo)


def _solve_with(rule: Any) -> Any:
    def solve(c: Compiled, params: ForecastParams, rng: np.random.Generator) -> Outcome:
        x = rule(c.position, _weights(c, params), c.status_quo)
        R = c.n_runs
        return Outcome(outcome=x, agreement=np.ones(R, dtype=bool),
                       round=np.zeros(R, dtype=np.int64), utility=c.utility(x))

    return solve


_FACTS: dict[str, Any] = dict(
    family="forecast",
    guarantees={"feasible", "deterministic", "symmetric", "relabelling_covariant"},
    assumptions=("the outcome on each issue depends only on positions, saliences and "
                 "capabilities on that issue; no actor can refuse it",),
)

compromise = Engine(
    info=EngineInfo(
        name="compromise",
        summary="capability x salience weighted mean of positions, per issue",
        references=("van den Bos (1991) Dutch EC Policy Making",
                    "Achen (2006) in Thomson et al. (eds.) The European Union Decides, ch. 10"),
        **_FACTS,
    ),
    params=ForecastParams,
    solve=_solve_with(compromise_outcome),
)

weighted_median = Engine(
    info=EngineInfo(
        name="weighted_median",
        summary="capability x salience weighted median (pairwise-vote winner), per issue",
        references=("Black (1948) On the rationale of group decision-making, JPE 56",),
        **_FACTS,
    ),
    params=ForecastParams,
    solve=_solve_with(weighted_median_outcome),
)

from negsim.engines import register  # noqa: E402

register(compromise)
register(weighted_median)

"""Plots of a scenario: positions and saliences per issue, power inside a coalition."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from negsim.result import Result
from negsim.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from negsim.plots._common import _MARKERS, OKABE_ITO, _axes, _issue_rows

__all__ = [
    "positions",
    "positions_data",
    "power",
    "power_data",
]




def positions_data(scenario: Scenario, result: Result | None = None, *,
                   run: int | None = None) -> dict[str, Any]:
    """Per issue, each actor's position and salience, the status quo, and the outcome.

    Positions are rescaled to ``[0, 1]`` of each issue's scale, so issues on different scales
    share one axis; the ends' labels are returned to annotate it.

    Parameters
    ----------
    scenario : Scenario
    result : Result, optional
        A result on this scenario: its outcome (one run, or the mean over runs, with the 5th
        and 95th percentiles) is included.
    run : int, optional
        Show this run instead of the mean.

    Returns
    -------
    dict
        ``issues`` (labels), ``low``/``high`` (end labels), ``actors`` (names), ``position``
        (n_actors, n_issues; NaN where an actor takes no position), ``salience`` (same shape),
        ``status_quo`` (n_issues,), and with a result ``outcome``, ``outcome_lo``,
        ``outcome_hi`` (n_issues,), all on the rescaled ``[0, 1]`` axis.
    """
    lo = np.array([i.scale[0] for i in scenario.issues])
    width = np.array([i.scale[1] - i.scale[0] for i in scenario.issues])
    ids = scenario.issue_ids
    position = np.array([[(a.position[k] - lo[j]) / width[j] if k in a.position else np.nan
                          for j, k in enumerate(ids)] for a in scenario.actors])
    salience = np.array([[a.salience.get(k, 0.0) if k in a.position else np.nan for k in ids]
                         for a in scenario.actors])
    out: dict[str, Any] = {
        "issues": [i.label for i in scenario.issues],
        "low": [i.low_label for i in scenario.issues],
        "high": [i.high_label for i in scenario.issues],
        "actors": [a.name for a in scenario.actors],
        "position": position, "salience": salience,
        "status_quo": (np.array([i.status_quo for i in scenario.issues]) - lo) / width,
    }
    if result is not None:
        if tuple(result.issue_ids) != ids:
            raise ValueError("the result's issues are not this scenario's: "
                             f"{result.issue_ids} against {ids}")
        x = (np.asarray(result.outcome) - lo) / width
        if run is not None:
            out["outcome"] = out["outcome_lo"] = out["outcome_hi"] = x[run]
        else:
            out["outcome"] = x.mean(axis=0)
            out["outcome_lo"], out["outcome_hi"] = np.quantile(x, [0.05, 0.95], axis=0)
    return out


def positions(scenario: Scenario, result: Result | None = None, *, run: int | None = None,
              ax: Axes | None = None) -> Axes:
    """Actors' positions on every issue (marker size = salience), the status quo and the
    outcome; one row per issue, each issue's scale from its low to its high end."""
    d = positions_data(scenario, result, run=run)
    n_issues = len(d["issues"])
    ax = _axes(ax, (11.0, 1.6 + 0.85 * n_issues))
    rows = np.arange(n_issues)[::-1]
    for a, name in enumerate(d["actors"]):
        xs, sal = d["position"][a], d["salience"][a]
        keep = ~np.isnan(xs)
        ax.scatter(xs[keep], rows[keep], s=30 + 170 * sal[keep],
                   color=OKABE_ITO[1 + a % 7], marker=_MARKERS[a % len(_MARKERS)],
                   alpha=0.8, edgecolors="white", linewidths=0.5, label=name, zorder=3)
    ax.scatter(d["status_quo"], rows, marker="|", s=400, color="#555555", zorder=2,
               label="status quo")
    if "outcome" in d:
        ax.hlines(rows, d["outcome_lo"], d["outcome_hi"], color=OKABE_ITO[0], linewidth=2,
                  zorder=4)
        ax.scatter(d["outcome"], rows, marker="*", s=260, color=OKABE_ITO[0], zorder=5,
                   label=f"outcome ({result.engine})" if result is not None else "outcome")
    _issue_rows(ax, d, rows, "position on each issue's scale (marker size: salience)")
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=3, fontsize=8,
              frameon=False, markerscale=0.6)
    ax.set_title(scenario.title, fontsize=10, loc="left")
    return ax


def power_data(scenario: Scenario, coalition: str, *, issue: str | None = None
               ) -> dict[str, NDArray[Any]]:
    """Shapley-Shubik and Banzhaf indices of a coalition's members under its rule.

    Returns
    -------
    dict
        ``members`` (names), ``shapley_shubik`` and ``banzhaf`` (normalised, summing to 1).
    """
    from negsim.coalitions import coalition_power

    c = scenario.coalition(coalition)
    names = np.array([scenario.actor(m).name for m in c.members])
    return {"members": names,
            "shapley_shubik": np.array(coalition_power(c, issue, "shapley_shubik")),
            "banzhaf": np.array(coalition_power(c, issue, "banzhaf"))}


def power(scenario: Scenario, coalition: str, *, issue: str | None = None,
          ax: Axes | None = None) -> Axes:
    """Members' power indices inside a coalition, Shapley-Shubik beside Banzhaf."""
    d = power_data(scenario, coalition, issue=issue)
    n = len(d["members"])
    ax = _axes(ax, (7.0, 0.8 + 0.35 * n))
    order = np.argsort(d["shapley_shubik"])
    y = np.arange(n)
    ax.barh(y + 0.2, d["shapley_shubik"][order], height=0.4, color=OKABE_ITO[5],
            label="Shapley-Shubik")
    ax.barh(y - 0.2, d["banzhaf"][order], height=0.4, color=OKABE_ITO[1], hatch="//",
            label="Banzhaf (normalised)")
    ax.set_yticks(y, d["members"][order])
    ax.set_xlabel("share of decisive power (indices sum to 1)")
    c = scenario.coalition(coalition)
    rule = c.issue_rules.get(issue, c.rule) if issue else c.rule
    ax.set_title(f"{c.name}: power under {rule.replace('_', ' ')}"
                 + (f" on {issue}" if issue else ""), fontsize=10, loc="left")
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    return ax

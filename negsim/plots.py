"""Plots, one call each; matplotlib only, imported when a plot is drawn.

Every plot function takes ``ax=None`` (a new figure when None) and returns the Axes. The numbers
behind each plot come from a separate ``*_data`` function returning plain arrays, tested on its
own, so a user can restyle a plot or feed the data to another library. Colours come from the
Okabe-Ito palette, which readers with the common forms of colour blindness can tell apart;
markers differ too, so the plots also survive printing in grey.

- a scenario: :func:`positions` (with an outcome), :func:`power` (inside a coalition);
- one ``war``-engine run, round by round: :func:`offers` (values of fighting on, acceptance
  levels, the package agreed, the front), :func:`bargaining_range`, :func:`levers`;
- an ensemble: :func:`outcomes` (per issue), :func:`agreement` (a survival curve);
- sensitivity: :func:`tornado`, :func:`sobol` (SALib's layout), :func:`heatmap` (a 2-D sweep,
  also from an ``xarray.DataArray``).

>>> import negsim
>>> from negsim.plots import positions_data
>>> s = negsim.load("scenarios/eu-russia-2026.toml")
>>> d = positions_data(s, negsim.run(s, "compromise", rng=0))
>>> d["position"].shape == (len(s.actors), len(s.issues))
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from negsim.result import Result
from negsim.scenario import Scenario
from negsim.stepping import date_label, rounds_played, war_extras

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["OKABE_ITO", "agreement", "agreement_data", "bargaining_range",
           "bargaining_range_data", "heatmap", "heatmap_data", "levers", "levers_data", "offers",
           "offers_data", "outcomes", "outcomes_data", "positions", "positions_data", "power",
           "power_data", "sobol", "sobol_data", "tornado", "tornado_data"]

#: Okabe & Ito (2008), "Color universal design": black first, then the eight hues.
OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
             "#CC79A7")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
_LINES = ("-", "--", ":", "-.")
_GRID = "#eeeeee"


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def _issue_rows(ax: Axes, d: dict[str, Any], rows: NDArray[Any], xlabel: str) -> None:
    """One row per issue on the rescaled [0, 1] axis, each end's anchor written under it."""
    ax.set_yticks(rows, d["issues"])
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xticks([0.0, 0.5, 1.0], ["low end", "midpoint", "high end"])
    ax.set_xlabel(xlabel)
    for r, lo_label, hi_label in zip(rows, d["low"], d["high"], strict=True):
        if lo_label:
            ax.annotate(_short(lo_label), (0.0, r), xytext=(0, -12),
                        textcoords="offset points", fontsize=7, color="#555555", va="top")
        if hi_label:
            ax.annotate(_short(hi_label), (1.0, r), xytext=(0, -12),
                        textcoords="offset points", fontsize=7, color="#555555", va="top",
                        ha="right")
    ax.grid(axis="x", color=_GRID, zorder=0)


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


# --------------------------------------------------------------------------- one war run


def _war(result: Result, scenario: Scenario, run: int) -> tuple[Any, int, list[str], Any]:
    """The war records, rounds played, date labels and the war (sides, front) of a run."""
    from negsim.model import War

    e = war_extras(result, scenario)
    if not 0 <= run < result.n_runs:
        raise IndexError(f"run {run} out of range for {result.n_runs} run(s)")
    n = rounds_played(result, run)
    dates = [date_label(scenario.time.start, scenario.time.step, t) for t in range(n)]
    war = scenario.war
    if war is None:  # the engine's default: the first two belligerents at the table
        bell = [result.actor_ids[int(i)] for i in e["belligerents"][run]]
        war = War(side_a=(bell[0],), side_b=(bell[-1],))  # type: ignore[arg-type]  # converter
    return e, n, dates, war


def _leaders(result: Result, war: Any) -> list[int]:
    return [result.actor_ids.index(war.side_a[0]), result.actor_ids.index(war.side_b[0])]


def _front_label(result: Result, war: Any) -> str:
    lo, hi = war.front_scale
    a = result.actor_names[result.actor_ids.index(war.side_a[0])]
    return f"front ({lo:g}-{hi:g}; higher = {a} gains ground)"


def _time_axis(ax: Axes, dates: list[str], scenario: Scenario) -> None:
    n = len(dates)
    every = max(1, int(np.ceil(n / 12)))
    ticks = np.arange(0, n, every)
    ax.set_xticks(ticks, [dates[t] for t in ticks], rotation=30 if n > 6 else 0,
                  ha="right" if n > 6 else "center")
    ax.set_xlabel(f"round (one {scenario.time.step} each)")
    ax.set_xlim(-0.5, max(n - 0.5, 0.5))
    ax.grid(color=_GRID)
    ax.set_axisbelow(True)


def offers_data(result: Result, scenario: Scenario, run: int = 0, *,
                actors: tuple[str, ...] | list[str] | None = None) -> dict[str, Any]:
    """Round by round in one war-engine run: the package tabled, each actor's believed value
    of fighting on (walk-away value) and acceptance level, and the front.

    The engine records a package only where the proposer found one that every party whose
    consent is needed prefers to fighting on (it is then agreed); other rounds have NaN.

    Parameters
    ----------
    result : Result
        A result of the ``war`` engine on ``scenario``.
    scenario : Scenario
    run : int
    actors : sequence of str, optional
        Actor ids to report; default the leaders of the two sides.

    Returns
    -------
    dict
        ``round`` (n,), ``date`` (labels), ``actors`` (names), ``walk_away``,
        ``acceptance_level`` and ``offer_utility`` (n, m; utility per round, 0-1), ``offer``
        (n, K; issue units), ``issues`` (labels), ``tabled``, ``accepted`` (n,), ``proposer``
        (names), ``front`` (n,; end of round), ``front_start``, ``front_scale``, ``front_label``.
    """
    e, n, dates, war = _war(result, scenario, run)
    who = (_leaders(result, war) if actors is None
           else [result.actor_ids.index(a) for a in actors])
    tabled = np.asarray(e["offer_feasible"][run, :n], dtype=bool)

    def pick(key: str) -> NDArray[np.float64]:
        return np.asarray(e[key][run, :n], dtype=float)[:, who]

    return {
        "round": np.arange(n), "date": dates, "actors": [result.actor_names[i] for i in who],
        "walk_away": pick("walk_away_path"), "acceptance_level": pick("acceptance_level"),
        "offer_utility": np.where(tabled[:, None], pick("offer_utility"), np.nan),
        "offer": np.where(tabled[:, None], np.asarray(e["offer"][run, :n], dtype=float), np.nan),
        "issues": list(result.issue_labels), "tabled": tabled,
        "accepted": np.asarray(e["accepted"][run, :n], dtype=bool),
        "proposer": [result.actor_names[int(i)] for i in e["proposer"][run, :n]],
        "front": np.asarray(e["front"][run, :n], dtype=float),
        "front_start": float(war.front_start), "front_scale": tuple(war.front_scale),
        "front_label": _front_label(result, war),
    }


def _actor_colour(j: int) -> str:
    return OKABE_ITO[(6, 5, 3, 1, 7, 2)[j % 6]]


def offers(result: Result, scenario: Scenario, run: int = 0, *,
           actors: tuple[str, ...] | list[str] | None = None, ax: Axes | None = None) -> Axes:
    """One war-engine run over time: each side's value of fighting on and the level it would
    accept (left axis, utility), the package's utility where one was tabled, and the front
    (right axis)."""
    d = offers_data(result, scenario, run, actors=actors)
    ax = _axes(ax, (10.0, 6.0))
    t = d["round"]
    for j, name in enumerate(d["actors"]):
        col = _actor_colour(j)
        ax.plot(t, d["walk_away"][:, j], color=col, marker=_MARKERS[j % 10], ms=4,
                label=f"{name}: value of fighting on")
        level = d["acceptance_level"][:, j]
        ax.plot(t, np.where(np.isfinite(level), level, np.nan), color=col, ls="--",
                label=f"{name}: least it would accept")
        if np.isfinite(d["offer_utility"][:, j]).any():
            ax.scatter(t, d["offer_utility"][:, j], color=col, marker="*", s=260, zorder=5,
                       edgecolors="black", linewidths=0.6,
                       label=f"{name}: utility of the package agreed")
    none = ~d["tabled"]
    if none.any():
        ax.scatter(t[none], np.full(none.sum(), 0.02), transform=ax.get_xaxis_transform(),
                   marker="x", color="#555555", s=25, label="no package all needed parties "
                   "prefer to fighting on", clip_on=False)
    ax.set_ylabel("utility per round\n(0 = worst, 1 = ideal on every issue)")
    right = ax.twinx()
    right.plot(t, d["front"], color="#777777", lw=2.5, alpha=0.6, label="front, end of round "
               "(right axis)")
    right.axhline(d["front_start"], color="#777777", ls=":", lw=1,
                  label=f"front at the start ({d['front_start']:g})")
    right.set_ylabel(d["front_label"])
    _time_axis(ax, d["date"], scenario)
    h1, l1 = ax.get_legend_handles_labels()
    h2, l2 = right.get_legend_handles_labels()
    ax.legend(h1 + h2, l1 + l2, loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=3,
              fontsize=7.5, frameon=False)
    end = ("agreed" if d["accepted"].any() else "no agreement") + f" after {len(t)} round(s)"
    ax.set_title(f"{result.scenario_title}\nrun {run}: {end}", fontsize=10, loc="left")
    return ax


def bargaining_range_data(result: Result, scenario: Scenario, run: int = 0) -> dict[str, Any]:
    """Per round, the deals both sides' leaders prefer to fighting on, in side A's utility.

    Fearon's (1995) range between the two leaders over all issues at once is the set of
    packages ``x`` with ``u_A(x) >= W_A(t)`` and ``u_B(x) >= W_B(t)``, each ``W`` the leader's
    believed value of fighting on as the engine recorded it. On A's utility it is the interval
    ``[W_A, U_A]``, ``U_A`` the most A can get from a package that leaves B at least ``W_B``
    (``max u_A s.t. u_B >= W_B``, solved exactly by the engine's two-party solver); it is empty
    where ``U_A < W_A``, as mutual optimism can make it. The same with the acceptance levels
    ``T`` (raised by the commitment problem and by bargaining on) gives the deals both would
    sign. Other parties whose consent the table needs are left out. Utilities use the
    scenario's values, without any per-run overrides the result was run with.

    Returns
    -------
    dict
        ``round``, ``date``, ``actors`` (the two leaders' names), ``lower`` and ``upper``
        (n,; ``W_A`` and ``U_A``, utility per round), ``accept_lower`` and ``accept_upper``
        (the same from ``T``), ``package`` and ``accept_package`` (n, K; the package at
        ``U_A``, issue units; NaN where B's level is out of reach), ``agreed`` (n,; A's utility
        of the package agreed, NaN in other rounds).
    """
    from negsim._bilateral import best_subject_to
    from negsim.compiled import compile_scenario

    e, n, dates, war = _war(result, scenario, run)
    a, b = _leaders(result, war)
    c = compile_scenario(scenario)
    width = c.hi - c.lo
    q = np.clip((c.position[0] - c.lo) / width, 0.0, 1.0)  # (actors, K)
    w, r = c.weight[0], c.risk[0]
    zsq = np.clip((c.status_quo[0] - c.lo) / width, 0.0, 1.0)

    def tile(v: NDArray[Any]) -> NDArray[Any]:
        return np.broadcast_to(v, (n, *np.shape(v))).copy()

    out: dict[str, Any] = {"round": np.arange(n), "date": dates,
                           "actors": [result.actor_names[a], result.actor_names[b]]}
    for key, name in (("walk_away_path", ""), ("acceptance_level", "accept_")):
        level = np.asarray(e[key][run, :n], dtype=float)
        z, ok = best_subject_to(tile(q[a]), tile(w[a]), tile(r[a]), tile(q[b]), tile(w[b]),
                                tile(r[b]), np.nan_to_num(level[:, b], posinf=2.0), tile(zsq))
        u_a = (w[a] * (1.0 - np.abs(z - q[a]) ** r[a])).sum(axis=1)
        out[name + "lower"] = level[:, a]
        out[name + "upper"] = np.where(ok, u_a, np.nan)
        out[name + "package"] = np.where(ok[:, None], c.lo + z * width, np.nan)
    accepted = np.asarray(e["accepted"][run, :n], dtype=bool)
    out["agreed"] = np.where(accepted, np.asarray(e["offer_utility"][run, :n, a], float), np.nan)
    return out


def bargaining_range(result: Result, scenario: Scenario, run: int = 0, *,
                     ax: Axes | None = None) -> Axes:
    """The bargaining range between the two sides over one war-engine run, on side A's
    utility (see :func:`bargaining_range_data`), with the gap where there is none."""
    d = bargaining_range_data(result, scenario, run)
    ax = _axes(ax, (10.0, 6.0))
    t = d["round"]
    a, b = d["actors"]
    lo, hi = d["lower"], np.nan_to_num(d["upper"], nan=-np.inf)
    ax.fill_between(t, lo, hi, where=hi >= lo, color=OKABE_ITO[2], alpha=0.5, interpolate=True,
                    linewidth=0, label="deals both prefer to fighting on (Fearon's range)")
    ax.fill_between(t, np.maximum(hi, np.nanmin(lo) - 0.1), lo, where=hi < lo, interpolate=True,
                    facecolor="none", edgecolor=OKABE_ITO[6], hatch="xx", linewidth=0,
                    label="gap: no such deal")
    ax.plot(t, lo, color=OKABE_ITO[6], marker="o", ms=4,
            label=f"{a}'s value of fighting on (the least it prefers to it)")
    ax.plot(t, d["upper"], color=OKABE_ITO[5], marker="s", ms=4,
            label=f"the most {a} can get while {b} still prefers the deal to fighting on")
    ax.plot(t, d["accept_lower"], color=OKABE_ITO[6], ls="--", lw=1,
            label=f"{a}: least it would accept")
    ax.plot(t, d["accept_upper"], color=OKABE_ITO[5], ls="--", lw=1,
            label=f"the most {a} can get while {b} gets what it would accept")
    if np.isfinite(d["agreed"]).any():
        ax.scatter(t, d["agreed"], marker="*", s=280, color=OKABE_ITO[3], edgecolors="black",
                   linewidths=0.6, zorder=5, label="the deal agreed")
    ax.set_ylabel(f"{a}'s utility per round\n(0 = worst, 1 = ideal on every issue)")
    _time_axis(ax, d["date"], scenario)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.25), ncol=2, fontsize=7.5,
              frameon=False)
    ax.set_title(f"{result.scenario_title}\nrun {run}: the bargaining range between {a} and {b}",
                 fontsize=10, loc="left")
    return ax


def levers_data(result: Result, scenario: Scenario, run: int = 0) -> dict[str, Any]:
    """Each lever's level and its owner's cumulative cost, round by round, in one war run.

    Returns
    -------
    dict
        ``round``, ``date``, ``ids``, ``labels``, ``units``, ``range`` (L, 2), ``level`` (n, L;
        the lever's unit), ``share`` (n, L; the level as a share of the lever's range),
        ``cost`` (n, L; cumulative cost to the owner, utility units), ``total_cost`` (n,).
    """
    e, n, dates, _ = _war(result, scenario, run)
    levers_ = scenario.levers
    rng_ = np.array([lv.range for lv in levers_], dtype=float).reshape(-1, 2)
    level = np.asarray(e["lever_level"][run, :n], dtype=float)
    width = rng_[:, 1] - rng_[:, 0]
    cost = np.asarray(e["lever_cost"][run, :n], dtype=float)
    return {"round": np.arange(n), "date": dates, "ids": [lv.id for lv in levers_],
            "labels": [lv.label or lv.id for lv in levers_], "units": [lv.unit for lv in levers_],
            "range": rng_, "level": level,
            "share": (level - rng_[:, 0]) / np.where(width > 0, width, 1.0),
            "cost": cost, "total_cost": cost.sum(axis=1)}


def levers(result: Result, scenario: Scenario, run: int = 0, *,
           only: tuple[str, ...] | list[str] | None = None, ax: Axes | None = None) -> Axes:
    """Lever levels and cumulative costs over one war-engine run, a lane per lever (``only``
    picks levers): the level from the bottom to the top of the lever's range, its value in the
    lever's unit where it changes, and the cumulative cost to the owner as a grey area."""
    d = levers_data(result, scenario, run)
    keep = [j for j, lid in enumerate(d["ids"]) if only is None or lid in only]
    ax = _axes(ax, (10.0, 1.8 + 0.55 * len(keep)))
    t = d["round"]
    top = max(float(np.nanmax(d["cost"][:, keep], initial=0.0)), 1e-12)
    rows = np.arange(len(keep))[::-1]
    labels = []
    for r, j in zip(rows, keep, strict=True):
        base = r - 0.4
        ax.fill_between(t, base, base + 0.8 * d["cost"][:, j] / top, color="#cccccc",
                        linewidth=0, step="mid", label=None if r != rows[0] else
                        f"cumulative cost to the owner (a full lane = {top:.3g} utility units)")
        col = _actor_colour(j)
        ax.plot(t, base + 0.8 * d["share"][:, j], color=col, marker="o", ms=3,
                drawstyle="steps-mid", label=None if r != rows[0] else
                "level, from the bottom to the top of the lever's range")
        level = d["level"][:, j]
        for i in np.flatnonzero(np.r_[True, level[1:] != level[:-1]]):
            ax.annotate(f"{level[i]:g}", (t[i], base + 0.8 * d["share"][i, j]), fontsize=7,
                        xytext=(2, 3), textcoords="offset points", color=col)
        ax.annotate(f"{d['cost'][-1, j]:.3f}" if len(t) else "", (1.005, r), va="center",
                    xycoords=ax.get_yaxis_transform(), fontsize=7, color="#555555")
        lo, hi = d["range"][j]
        unit = f" {_short(d['units'][j], 36)}" if d["units"][j] else ""
        labels.append(f"{_short(d['labels'][j], 40)}\n{lo:g}-{hi:g}{unit}")
        ax.axhline(r + 0.5, color=_GRID, lw=0.8)
    ax.set_yticks(rows, labels, fontsize=7.5)
    ax.set_ylim(-0.55, len(keep) - 0.45)
    _time_axis(ax, d["date"], scenario)
    ax.grid(axis="y", visible=False)
    if keep:
        ax.annotate("cost so far", (1.005, len(keep) - 0.45), xycoords=ax.get_yaxis_transform(),
                    fontsize=7, color="#555555", va="bottom")
        ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=2, fontsize=8,
                  frameon=False)
    else:
        ax.text(0.5, 0.5, "no levers", transform=ax.transAxes, ha="center", color="#555555")
    ax.set_title(f"{result.scenario_title}\nrun {run}: levers", fontsize=10, loc="left")
    return ax


# --------------------------------------------------------------------------- ensembles


def outcomes_data(scenario: Scenario, result: Result, *, bins: int = 40) -> dict[str, Any]:
    """The distribution of an ensemble's outcome on every issue.

    Returns
    -------
    dict
        ``issues``, ``low``, ``high`` (labels), ``values`` (R, K; issue units), ``scaled``
        (R, K; rescaled to ``[0, 1]`` of each issue's scale), ``edges`` (bins + 1,) and
        ``counts`` (K, bins): a histogram of ``scaled`` per issue; ``median``, ``p05``,
        ``p95``, ``status_quo`` (K,; rescaled), ``agreement`` (share of runs agreed).
    """
    if tuple(result.issue_ids) != scenario.issue_ids:
        raise ValueError("the result's issues are not this scenario's: "
                         f"{result.issue_ids} against {scenario.issue_ids}")
    lo = np.array([i.scale[0] for i in scenario.issues])
    width = np.array([i.scale[1] - i.scale[0] for i in scenario.issues])
    values = np.asarray(result.outcome, dtype=float)
    x = (values - lo) / width
    edges = np.linspace(0.0, 1.0, bins + 1)
    p05, median, p95 = np.quantile(x, [0.05, 0.5, 0.95], axis=0)
    return {"issues": [i.label for i in scenario.issues],
            "low": [i.low_label for i in scenario.issues],
            "high": [i.high_label for i in scenario.issues],
            "values": values, "scaled": x, "edges": edges,
            "counts": np.stack([np.histogram(np.clip(x[:, k], 0.0, 1.0), bins=edges)[0]
                                for k in range(x.shape[1])]),
            "median": median, "p05": p05, "p95": p95,
            "status_quo": (np.array([i.status_quo for i in scenario.issues]) - lo) / width,
            "agreement": float(np.mean(result.agreement))}


def outcomes(scenario: Scenario, result: Result, *, bins: int = 40,
             ax: Axes | None = None) -> Axes:
    """An ensemble's outcome per issue: a histogram over each issue's scale, with the median,
    the 5-95% range and the status quo."""
    d = outcomes_data(scenario, result, bins=bins)
    n_issues = len(d["issues"])
    ax = _axes(ax, (11.0, 1.6 + 0.85 * n_issues))
    rows = np.arange(n_issues)[::-1]
    centres = 0.5 * (d["edges"][1:] + d["edges"][:-1])
    for k, r in enumerate(rows):
        h = d["counts"][k] / max(d["counts"][k].max(), 1) * 0.45
        ax.bar(centres, h, width=np.diff(d["edges"]), bottom=r, color=OKABE_ITO[5],
               alpha=0.75, linewidth=0, label="share of runs (histogram)" if k == 0 else None)
    ax.vlines(d["status_quo"], rows - 0.05, rows + 0.5, color="#555555", ls="--", lw=1.2,
              label="status quo")
    ax.hlines(rows - 0.05, d["p05"], d["p95"], color=OKABE_ITO[0], lw=2, label="5-95% of runs")
    ax.scatter(d["median"], rows - 0.05, marker="D", s=40, color=OKABE_ITO[6], zorder=4,
               edgecolors="black", linewidths=0.5, label="median")
    _issue_rows(ax, d, rows, "outcome on each issue's scale")
    ax.set_ylim(-0.6, n_issues - 0.4)
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.12), ncol=4, fontsize=8,
              frameon=False)
    ax.set_title(f"{scenario.title}\n{result.engine}: {result.n_runs:,} runs, agreement in "
                 f"{d['agreement']:.0%}", fontsize=10, loc="left")
    return ax


def agreement_data(result: Result, *, horizon: int | None = None) -> dict[str, Any]:
    """The share of runs agreed after each number of rounds, and its complement, the share
    still without agreement (a survival curve), from ``result.round`` (-1: no agreement).

    Every run is followed to the horizon, so the shares are plain proportions (no censoring
    before it); the band is the Wilson 95% interval for a binomial proportion.

    Parameters
    ----------
    result : Result
    horizon : int, optional
        Rounds in a run; default the war engine's record length, else the last round of
        agreement plus one.

    Returns
    -------
    dict
        ``elapsed`` (H + 1,; rounds elapsed, 0 to H), ``agreed`` (share agreed within that
        many rounds), ``survival`` (``1 - agreed``), ``agreed_lo``, ``agreed_hi`` (Wilson 95%),
        ``runs``, ``horizon``.
    """
    r = np.asarray(result.round)
    if horizon is None:
        front = result.extras.get("front")
        horizon = int(np.shape(front)[1]) if front is not None else max(int(r.max()) + 1, 1)
    elapsed = np.arange(horizon + 1)
    n = r.size
    agreed = ((r[:, None] >= 0) & (r[:, None] < elapsed[None, :])).mean(axis=0)
    z = 1.959963984540054
    centre = (agreed + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(agreed * (1 - agreed) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return {"elapsed": elapsed, "agreed": agreed, "survival": 1.0 - agreed,
            "agreed_lo": np.clip(centre - half, 0.0, 1.0),
            "agreed_hi": np.clip(centre + half, 0.0, 1.0), "runs": n, "horizon": horizon}


def _complement(y: Any) -> Any:
    return 1.0 - np.asarray(y)


def agreement(result: Result, *, scenario: Scenario | None = None, horizon: int | None = None,
              ax: Axes | None = None) -> Axes:
    """The share of runs still without agreement after each round (left axis), read the other
    way as the probability of agreement by then (right axis); ``scenario`` names the time
    step and supplies the horizon."""
    if horizon is None and scenario is not None:
        horizon = scenario.time.horizon
    d = agreement_data(result, horizon=horizon)
    ax = _axes(ax, (8.0, 4.5))
    m = d["elapsed"]
    ax.fill_between(m, 1 - d["agreed_hi"], 1 - d["agreed_lo"], step="post", color=OKABE_ITO[2],
                    alpha=0.35, linewidth=0, label="95% interval (Wilson)")
    ax.step(m, d["survival"], where="post", color=OKABE_ITO[5], lw=2,
            label="no agreement yet (survival)")
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlim(0, d["horizon"])
    ax.set_ylabel("share of runs without agreement")
    right = ax.secondary_yaxis("right", functions=(_complement, _complement))
    right.set_ylabel("probability of agreement by then")
    if scenario is not None:
        start = f" from {scenario.time.start}" if scenario.time.start else ""
        ax.set_xlabel(f"{scenario.time.step}s elapsed{start}")
    else:
        ax.set_xlabel("rounds elapsed")
    ax.grid(color=_GRID)
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, frameon=False, loc="upper right")
    ax.set_title(f"{result.scenario_title}\n{result.engine}: {d['runs']:,} runs, agreement "
                 f"within the horizon in {d['agreed'][-1]:.0%}", fontsize=10, loc="left")
    return ax


# --------------------------------------------------------------------------- sensitivity


def tornado_data(rows: Any, base: float) -> dict[str, Any]:
    """Tornado rows sorted by swing, widest first.

    Parameters
    ----------
    rows : sequence of (label, value_at_low, value_at_high)
        The output with each parameter at the low and at the high end of its range, the others
        at their base values.
    base : float
        The output with every parameter at its base value.

    Returns
    -------
    dict
        ``labels``, ``low``, ``high``, ``swing`` (``|high - low|``, descending), ``base``.
    """
    rows = list(rows)
    labels = [str(r[0]) for r in rows]
    low = np.array([float(r[1]) for r in rows])
    high = np.array([float(r[2]) for r in rows])
    order = np.argsort(-np.abs(high - low), kind="stable")
    return {"labels": [labels[i] for i in order], "low": low[order], "high": high[order],
            "swing": np.abs(high - low)[order], "base": float(base)}


def tornado(rows: Any, base: float, ax: Axes | None = None, *,
            xlabel: str = "output") -> Axes:
    """Tornado bars: per parameter, the output at the low and at the high end of its range,
    as bars from the base value; widest swing on top. ``xlabel`` names the output (with its
    unit)."""
    d = tornado_data(rows, base)
    n = len(d["labels"])
    ax = _axes(ax, (8.0, 1.6 + 0.4 * n))
    y = np.arange(n)[::-1]
    b = d["base"]
    low = ax.barh(y, d["low"] - b, left=b, height=0.6, color=OKABE_ITO[5],
                  label="parameter at the low end")
    high = ax.barh(y, d["high"] - b, left=b, height=0.6, color=OKABE_ITO[1], hatch="//",
                   edgecolor="white", label="parameter at the high end")
    for lo_bar, hi_bar, v_lo, v_hi in zip(low, high, d["low"], d["high"], strict=True):
        # where both ends move the output the same way, the shorter bar goes in front
        (lo_bar if abs(v_lo - b) < abs(v_hi - b) else hi_bar).set_zorder(3)
    ax.axvline(b, color=OKABE_ITO[0], lw=1.2, label=f"base value ({b:.4g})")
    for values in (d["low"], d["high"]):
        for yi, v in zip(y, values, strict=True):
            ax.annotate(f"{v:.3g}", (v, yi), xytext=(3 if v >= b else -3, 0), fontsize=7,
                        textcoords="offset points", va="center", ha="left" if v >= b else "right",
                        zorder=4, bbox={"boxstyle": "square,pad=0.1", "fc": "white", "lw": 0})
    ax.margins(x=0.08)
    ax.set_yticks(y, [_short(s, 40) for s in d["labels"]])
    ax.set_xlabel(xlabel)
    ax.grid(axis="x", color=_GRID)
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3)
    return ax


def sobol_data(names: Any, S1: Any, ST: Any, S1_conf: Any = None, ST_conf: Any = None
               ) -> dict[str, Any]:
    """Sobol indices in SALib's layout, sorted by total effect, largest first.

    Returns
    -------
    dict
        ``names``, ``S1``, ``ST``, ``S1_conf``, ``ST_conf`` (NaN where not given).
    """
    names = [str(x) for x in names]
    s1, st = np.asarray(S1, dtype=float), np.asarray(ST, dtype=float)
    c1 = np.full(len(names), np.nan) if S1_conf is None else np.asarray(S1_conf, dtype=float)
    ct = np.full(len(names), np.nan) if ST_conf is None else np.asarray(ST_conf, dtype=float)
    if not len(names) == s1.size == st.size == c1.size == ct.size:
        raise ValueError(f"names and indices differ in length: {len(names)} names, "
                         f"{s1.size} S1, {st.size} ST, {c1.size} S1_conf, {ct.size} ST_conf")
    order = np.argsort(-st, kind="stable")
    return {"names": [names[i] for i in order], "S1": s1[order], "ST": st[order],
            "S1_conf": c1[order], "ST_conf": ct[order]}


def sobol(names: Any, S1: Any, ST: Any, S1_conf: Any = None, ST_conf: Any = None,
          ax: Axes | None = None) -> Axes:
    """Sobol bars: each parameter's first-order (alone) and total (with interactions) share
    of the output's variance, with their confidence intervals; largest total on top."""
    d = sobol_data(names, S1, ST, S1_conf, ST_conf)
    n = len(d["names"])
    ax = _axes(ax, (8.0, 1.2 + 0.45 * n))
    y = np.arange(n)[::-1]

    def err(c: NDArray[np.float64]) -> NDArray[np.float64] | None:
        return None if np.isnan(c).all() else np.nan_to_num(c)

    ax.barh(y + 0.2, d["ST"], height=0.4, color=OKABE_ITO[5], xerr=err(d["ST_conf"]),
            capsize=3, label="total effect (ST)")
    ax.barh(y - 0.2, d["S1"], height=0.4, color=OKABE_ITO[1], hatch="//", edgecolor="white",
            xerr=err(d["S1_conf"]), capsize=3, label="first-order effect (S1)")
    ax.axvline(0.0, color=OKABE_ITO[0], lw=0.8)
    ax.set_yticks(y, [_short(s, 40) for s in d["names"]])
    ax.set_xlabel("share of the output's variance (Sobol index; bars: 95% confidence)")
    ax.grid(axis="x", color=_GRID)
    ax.set_axisbelow(True)
    ax.legend(fontsize=8, frameon=False, loc="lower right")
    return ax


def _edges(centres: NDArray[np.float64]) -> NDArray[np.float64]:
    if centres.size == 1:
        return np.array([centres[0] - 0.5, centres[0] + 0.5])
    mid = 0.5 * (centres[1:] + centres[:-1])
    return np.concatenate([[2 * centres[0] - mid[0]], mid, [2 * centres[-1] - mid[-1]]])


def heatmap_data(z: Any, x_values: Any = None, y_values: Any = None, x_label: str | None = None,
                 y_label: str | None = None, *, z_label: str | None = None) -> dict[str, Any]:
    """A 2-D sweep as arrays: ``z`` has one row per ``y`` value and one column per ``x`` value.

    ``z`` may be an ``xarray.DataArray`` with two dimensions (``y`` first): its coordinates,
    dimension names (with a ``units`` attribute) and name fill what is not given.

    Returns
    -------
    dict
        ``z`` (ny, nx), ``x``, ``y`` (the values; numbers, or labels for categories),
        ``x_edges``, ``y_edges`` (cell edges in plot coordinates: the values for numbers,
        positions 0, 1, ... for categories), ``x_ticks``/``y_ticks`` (None for numbers),
        ``x_label``, ``y_label``, ``z_label``.
    """
    if type(z).__module__.split(".")[0] == "xarray":
        import xarray as xr

        if isinstance(z, xr.DataArray):
            if z.ndim != 2:
                raise ValueError(f"a heatmap needs a 2-D DataArray, got dims {z.dims}")
            y_dim, x_dim = z.dims

            def named(dim: Any) -> str:
                unit = z[dim].attrs.get("units") if dim in z.coords else None
                return f"{dim} ({unit})" if unit else str(dim)

            x_values = z[x_dim].values if x_values is None else x_values
            y_values = z[y_dim].values if y_values is None else y_values
            x_label = named(x_dim) if x_label is None else x_label
            y_label = named(y_dim) if y_label is None else y_label
            if z_label is None and z.name is not None:
                unit = z.attrs.get("units")
                z_label = f"{z.name} ({unit})" if unit else str(z.name)
            z = z.values
    arr = np.asarray(z, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"a heatmap needs a 2-D array, got shape {arr.shape}")
    ny, nx = arr.shape
    out: dict[str, Any] = {"z": arr, "x_label": x_label or "", "y_label": y_label or "",
                           "z_label": z_label or ""}
    for axis, values, size in (("x", x_values, nx), ("y", y_values, ny)):
        values = np.arange(size) if values is None else np.asarray(values)
        if values.shape != (size,):
            raise ValueError(f"{axis}_values has shape {values.shape}, z has {size} "
                             f"{'columns' if axis == 'x' else 'rows'}")
        if np.issubdtype(values.dtype, np.number):
            out[axis], out[f"{axis}_ticks"] = values.astype(float), None
            out[f"{axis}_edges"] = _edges(values.astype(float))
        else:
            out[axis], out[f"{axis}_ticks"] = values, np.arange(size, dtype=float)
            out[f"{axis}_edges"] = _edges(np.arange(size, dtype=float))
    return out


def heatmap(z: Any, x_values: Any = None, y_values: Any = None, x_label: str | None = None,
            y_label: str | None = None, ax: Axes | None = None, *,
            z_label: str | None = None, annotate: bool | None = None) -> Axes:
    """A 2-D parameter sweep as coloured cells (the colour-blind-safe *cividis* map), with a
    colour bar; the values are written in the cells of small grids (``annotate``)."""
    d = heatmap_data(z, x_values, y_values, x_label, y_label, z_label=z_label)
    ax = _axes(ax, (7.5, 5.5))
    mesh = ax.pcolormesh(d["x_edges"], d["y_edges"], d["z"], cmap="cividis", shading="flat")
    ax.figure.colorbar(mesh, ax=ax, label=d["z_label"])
    for axis in ("x", "y"):
        if d[f"{axis}_ticks"] is not None:
            getattr(ax, f"set_{axis}ticks")(d[f"{axis}_ticks"], [str(v) for v in d[axis]])
    ax.set_xlabel(d["x_label"])
    ax.set_ylabel(d["y_label"])
    ny, nx = d["z"].shape
    if annotate if annotate is not None else nx * ny <= 144:
        xc = d["x_ticks"] if d["x_ticks"] is not None else d["x"]
        yc = d["y_ticks"] if d["y_ticks"] is not None else d["y"]
        lo, hi = np.nanmin(d["z"]), np.nanmax(d["z"])
        for i in range(ny):
            for j in range(nx):
                v = d["z"][i, j]
                if np.isfinite(v):
                    light = (v - lo) / (hi - lo) > 0.6 if hi > lo else True
                    ax.text(xc[j], yc[i], f"{v:.3g}", ha="center", va="center", fontsize=7,
                            color="black" if light else "white")
    return ax

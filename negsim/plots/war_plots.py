"""Plots of one ``war``-engine run, round by round: offers, the bargaining range, levers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from negsim.result import Result
from negsim.scenario import Scenario
from negsim.stepping import date_label, rounds_played, war_extras

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from negsim.plots._common import _GRID, _MARKERS, OKABE_ITO, _axes, _short

__all__ = [
    "bargaining_range",
    "bargaining_range_data",
    "levers",
    "levers_data",
    "offers",
    "offers_data",
]


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

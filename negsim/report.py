"""A self-contained report of a scenario: ``negsim report FILE --out DIR``.

:func:`write_report` runs an engine on a scenario's baseline (its uncertainties drawn once, as in
:func:`negsim.compare.compare`) and on its variants, and writes ``report.md`` with PNG figures
beside it in one directory, which can be read as it is, zipped or converted to HTML. Sections:

1. the scenario and its sources: the digests it cites, and how many of its numbers rest on an
   assumption (:func:`negsim.provenance.summary_counts`);
2. outcomes per issue over the runs;
3. timelines: the probability of agreement after each round and, for the ``war`` engine, the
   front across runs;
4. lever effects (``war`` engine): each lever's level and its cumulative cost to its owner;
5. the variant comparison (:class:`negsim.compare.Comparison`), with its figures.

Figures are drawn on :class:`matplotlib.figure.Figure` objects created directly, so writing a
report needs no pyplot and touches no global backend state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from negsim.compare import Comparison, compare, draw, draw_uncertainties, plot_data, run_variant
from negsim.errors import NegsimError
from negsim.result import Result
from negsim.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["front_data", "lever_table", "write_report"]

FloatArray = NDArray[np.float64]


# --------------------------------------------------------------------------- data


def front_data(result: Result) -> dict[str, Any]:
    """The war engine's front across runs, round by round, among the runs still fighting.

    Returns
    -------
    dict
        ``round`` (H,), ``fighting`` (H,; share of runs with a front recorded in that round),
        ``median``, ``p05``, ``p95`` (H,; NaN where no run was fighting).

    Raises
    ------
    NegsimError
        If the result has no front (not a ``war`` engine result).
    """
    if "front" not in result.extras:
        raise NegsimError(f"report: the front needs a 'war' engine result, got {result.engine!r}")
    f = np.asarray(result.extras["front"], dtype=float)  # (R, H)
    ok = np.isfinite(f)
    H = f.shape[1]
    med, p05, p95 = (np.full(H, np.nan) for _ in range(3))
    for t in np.flatnonzero(ok.any(axis=0)):
        col = f[ok[:, t], t]
        p05[t], med[t], p95[t] = np.quantile(col, [0.05, 0.5, 0.95])
    return {"round": np.arange(H), "fighting": ok.mean(axis=0), "median": med, "p05": p05,
            "p95": p95}


def lever_table(result: Result, scenario: Scenario) -> list[dict[str, Any]]:
    """Per lever, over the runs of a ``war`` engine result: its level in the first round (after
    its conditions), its mean level over the rounds played, the share of runs in which it was
    ever active (level above 0), and its mean cumulative cost to its owner at the end of a run.
    """
    level = np.asarray(result.extras["lever_level"], dtype=float)  # (R, H, L)
    cost = np.asarray(result.extras["lever_cost"], dtype=float)    # (R, H, L)
    played = np.isfinite(level[:, :, 0]) if level.shape[2] else np.zeros(level.shape[:2], bool)
    n_played = played.sum(axis=1)                                   # (R,)
    last = np.maximum(n_played - 1, 0)
    rows = []
    for j, lv in enumerate(scenario.levers):
        lev = level[:, :, j]
        mean_level = float(np.mean([lev[r, : n_played[r]].mean() for r in range(lev.shape[0])
                                    if n_played[r] > 0])) if n_played.any() else math.nan
        rows.append({
            "id": lv.id, "label": lv.label or lv.id, "owner": lv.owner, "unit": lv.unit,
            "first_round_level": float(np.nanmean(lev[:, 0])) if played[:, 0].any() else math.nan,
            "mean_level": mean_level,
            "active_share": float(np.mean(np.nan_to_num(lev, nan=0.0).max(axis=1) > 0)),
            "final_cost": float(np.mean(cost[np.arange(cost.shape[0]), last, j])),
            "effects": "; ".join(f"{e.amount:+g} {e.on} to {e.target}"
                                 + (f" (for {e.beneficiary})" if e.beneficiary else "")
                                 for e in lv.effects) or "none",
        })
    return rows


# --------------------------------------------------------------------------- markdown


def _cell(x: Any) -> str:
    if isinstance(x, float | np.floating):
        x = float(x)
        if not math.isfinite(x):
            return "n/a"
        if abs(x) >= 1:
            return f"{x:,.1f}"
        return f"{x:.3f}" if abs(x) >= 0.01 or x == 0 else f"{x:.2g}"
    return str(x).replace("|", "\\|").replace("\n", " ")


def _numeric(x: Any) -> bool:
    if isinstance(x, float | int | np.floating | np.integer):
        return True
    return isinstance(x, str) and x[:1] in "+-0123456789[" and x not in ("", "-")


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    right = [bool(rows) and all(_numeric(r[i]) for r in rows) for i in range(len(header))]
    out = ["| " + " | ".join(header) + " |",
           "|" + "|".join("---:" if r else "---" for r in right) + "|"]
    out += ["| " + " | ".join(_cell(c) for c in r) + " |" for r in rows]
    return [*out, ""]


def _signed(x: float, ci: Any, digits: int) -> str:
    lo, hi = float(ci[0]), float(ci[1])
    if not math.isfinite(x):
        return "n/a"
    star = "*" if math.isfinite(lo) and (lo > 0 or hi < 0) else ""
    if not math.isfinite(lo):
        return f"{x:+.{digits}f}"
    return f"{x:+.{digits}f}{star} [{lo:+.{digits}f}, {hi:+.{digits}f}]"


def _para(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- figures


def _figure(size: tuple[float, float]) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=size, layout="constrained")


def _save(fig: Figure, out: Path, name: str) -> str:
    fig.savefig(out / name, dpi=110)
    return name


def _front_figure(result: Result, scenario: Scenario, out: Path) -> str:
    from negsim import plots

    d = front_data(result)
    fig = _figure((9.0, 7.0))
    top, bottom = fig.subplots(2, 1)
    has = np.isfinite(d["median"])
    t = d["round"]
    top.fill_between(t[has], d["p05"][has], d["p95"][has], color=plots.OKABE_ITO[2], alpha=0.4,
                     linewidth=0, label="5-95% of the runs still fighting")
    top.plot(t[has], d["median"][has], color=plots.OKABE_ITO[5], marker="o", ms=3, lw=2,
             label="median")
    war = scenario.war
    if war is not None:
        top.axhline(war.front_start, color="#888888", ls="--", lw=1, label="start")
        lo, hi = war.front_scale
        a = war.side_a[0]
        name = next((x.name for x in scenario.actors if x.id == a), a)
        top.set_ylabel(f"front ({lo:g}-{hi:g}; higher = {name} gains)")
    top.set_xlim(-0.5, max(scenario.time.horizon - 0.5, 0.5))
    top.set_xlabel(f"round ({scenario.time.step}s from {scenario.time.start or 'the start'})")
    top.grid(color="#eeeeee")
    top.legend(fontsize=8, frameon=False)
    top.set_title(f"The front across runs ({result.n_runs:,} runs; a run leaves the band when "
                  "it ends)", fontsize=10, loc="left")
    plots.agreement(result, scenario=scenario, ax=bottom)
    return _save(fig, out, "timeline.png")


def _comparison_figures(c: Comparison, out: Path) -> dict[str, str]:
    files = {}
    fig = _figure((10.0, 1.6 + 0.3 * len(c.names)))
    left, right = fig.subplots(1, 2, sharey=True)
    draw(left, plot_data(c, "agreement"))
    draw(right, plot_data(c, "median_round"), labels=False)
    fig.legend(*left.get_legend_handles_labels(), loc="outside lower center", ncol=2,
               fontsize=8, frameon=False)
    fig.suptitle(f"Agreement per variant ({c.engine}, {c.runs:,} runs each, 95% intervals)",
                 fontsize=10)
    files["agreement"] = _save(fig, out, "compare_agreement.png")
    for key, ids, what in (("terms", c.issue_ids, "expected terms per issue"),
                           ("gain", c.actor_ids, "expected gain over the walk-away value")):
        cols = 4
        rows = math.ceil(len(ids) / cols)
        fig = _figure((12.0, rows * (1.3 + 0.26 * len(c.names))))
        axes = np.atleast_2d(fig.subplots(rows, cols, sharey=True, squeeze=False))
        for j, ax in enumerate(axes.flat):
            if j >= len(ids):
                ax.set_visible(False)
                continue
            draw(ax, plot_data(c, f"{key}.{ids[j]}", difference=True), labels=j % cols == 0)
            ax.set_xlabel("")
            label = c.issue_labels[j] if key == "terms" else c.actor_names[j]
            ax.set_title(label if len(label) <= 34 else label[:33] + "\N{HORIZONTAL ELLIPSIS}",
                         fontsize=8.5, loc="left")
        fig.suptitle(f"Difference from the baseline in the {what} ({c.engine}, 95% paired "
                     "intervals; dashed line: no change)", fontsize=10)
        files[key] = _save(fig, out, f"compare_{key}.png")
    return files


# --------------------------------------------------------------------------- the report


def write_report(scenario: Scenario, out_dir: str | Path, engine: str | None = None,
                 runs: int = 1000, seed: int = 0, variants: Sequence[str] | None = None,
                 *, source: str = "") -> Path:
    """Write ``report.md`` and its PNG figures into ``out_dir`` (created if needed).

    Parameters
    ----------
    scenario : Scenario
    out_dir : str or Path
    engine : str, optional
        Default the scenario's own.
    runs, seed : int
        Runs per variant and the seed (see :func:`negsim.compare.compare`).
    variants : sequence of str, optional
        Variants to compare; default all. An empty sequence skips the comparison.
    source : str
        Where the scenario came from (a file name), for the report's header.

    Returns
    -------
    Path
        The Markdown file.

    Raises
    ------
    ScenarioError, EngineError
        As :func:`negsim.compare.compare`.
    NegsimError
        If ``out_dir`` exists and is not a directory.
    """
    from negsim import plots
    from negsim.digests import library
    from negsim.provenance import provenance_report, summary_counts

    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise NegsimError(f"report: {out} exists and is not a directory")
    chosen = [v.id for v in scenario.variants] if variants is None else list(variants)
    comparison = compare(scenario, chosen, engine, runs=runs, seed=seed) if chosen else None
    out.mkdir(parents=True, exist_ok=True)
    draws = draw_uncertainties(scenario, runs, seed)
    result = run_variant(scenario, None, engine, runs, seed, draws)
    is_war = "front" in result.extras and "lever_level" in result.extras
    counts = summary_counts(provenance_report(scenario))
    lib = library()

    md: list[str] = [f"# {scenario.title}", ""]
    facts = [f"engine **{result.engine}**", f"{runs:,} runs", f"seed {seed}",
             f"scenario hash `{scenario.hash[:12]}`",
             f"horizon {scenario.time.horizon} {scenario.time.step}s"
             + (f" from {scenario.time.start}" if scenario.time.start else "")]
    if source:
        facts.insert(0, f"file `{source}`")
    md += [" · ".join(facts), ""]
    if scenario.description:
        md += [_para(scenario.description), ""]

    # 1. sources --------------------------------------------------------------------------
    md += ["## The scenario and its sources", ""]
    md += [f"{len(scenario.actors)} actors, {len(scenario.issues)} issues, "
           f"{len(scenario.coalitions)} coalitions, {len(scenario.levers)} levers, "
           f"{len(scenario.uncertainties)} uncertainties, {len(scenario.variants)} variants.", ""]
    rows: list[list[Any]] = []
    for d_id in scenario.sources:
        d = lib.get(d_id)
        rows.append([f"`{d_id}`", d.title or "(untitled)", d.outlet, d.date or "undated"]
                    if d else [f"`{d_id}`", "(digest not found)", "", ""])
    md += _table(["digest", "title", "outlet", "date"], rows)
    md += [f"**Assumption share: {counts['assumption_share']:.0%}** of the "
           f"{counts['parameters']} numeric parameters rest at least in part on an assumption "
           f"({counts['sourced']} sourced, {counts['sourced+assumption']} sourced with an "
           f"assumption for the exact value, {counts['assumption']} on an assumption alone, "
           f"{counts['unsourced']} unsourced; on assumptions alone: "
           f"{counts['assumption_only_share']:.0%}). `negsim sources FILE` lists each number "
           "with its source.", ""]
    if scenario.uncertainties:
        md += ["Uncertainties drawn once per run and shared by every variant:", ""]
        md += _table(["parameter", "distribution"],
                     [[f"`{u.path}`", u.distribution] for u in scenario.uncertainties])

    # 2. outcomes -------------------------------------------------------------------------
    md += ["## Outcomes per issue", ""]
    share = float(result.agreement.mean())
    md += [f"Agreement within the horizon in **{share:.0%}** of runs"
           + (f"; median round of agreement {np.median(result.round[result.agreement]):g} "
              "(0 = the first)" if result.agreement.any() else "") + ".", ""]
    rows = []
    for k, issue in enumerate(scenario.issues):
        col = result.outcome[:, k]
        p05, med, p95 = np.quantile(col, [0.05, 0.5, 0.95])
        rows.append([issue.label, float(issue.status_quo), float(col.mean()), float(p05),
                     float(med), float(p95), f"{issue.low_label} / {issue.high_label}"])
    md += _table(["issue", "status quo", "mean", "5%", "median", "95%", "scale"], rows)
    fig = _figure((11.0, 1.6 + 0.85 * len(scenario.issues)))
    plots.outcomes(scenario, result, ax=fig.subplots())
    md += [f"![Outcomes per issue]({_save(fig, out, 'outcomes.png')})", ""]
    rows = [[a.name, f"{result.utility[:, i].mean():.3f}", f"{result.walk_away[:, i].mean():.3f}",
             f"{(result.utility[:, i] - result.walk_away[:, i]).mean():+.3f}"]
            for i, a in enumerate(scenario.actors)]
    md += _table(["actor", "utility", "walk-away value", "gain"], rows)

    # 3. timelines ------------------------------------------------------------------------
    md += ["## Timelines", ""]
    if is_war:
        md += ["The front across runs (median and 5-95% band of the runs still fighting), then "
               "the share of runs still without agreement after each round and, read the other "
               "way, the probability of agreement by then (Wilson 95% band).", "",
               f"![Timeline]({_front_figure(result, scenario, out)})", ""]
    else:
        fig = _figure((8.0, 4.5))
        plots.agreement(result, scenario=scenario, ax=fig.subplots())
        md += [f"The {result.engine} engine settles in one step and records no front; run the "
               "`war` engine for the fighting round by round.", "",
               f"![Agreement over time]({_save(fig, out, 'timeline.png')})", ""]

    # 4. levers ---------------------------------------------------------------------------
    md += ["## Lever effects", ""]
    if is_war:
        md += ["Each lever's level once its conditions are checked (its unit), averaged over "
               "runs; the share of runs in which it was ever active; its cumulative cost to its "
               "owner by the end of a run (utility units); and its effects per round and unit "
               "of level.", ""]
        md += _table(["lever", "owner", "level, round 0", "mean level", "active in",
                      "cost to owner", "effects"],
                     [[r["label"], r["owner"], r["first_round_level"], r["mean_level"],
                       f"{r['active_share']:.0%}", r["final_cost"], r["effects"]]
                      for r in lever_table(result, scenario)])
        played = np.asarray(result.extras["proposer"]) >= 0
        run = int(np.argmax(played.sum(axis=1)))  # the longest run shows the most rounds
        fig = _figure((10.0, 6.0))
        plots.levers(result, scenario, run, ax=fig.subplots())
        md += [f"The levers round by round in run {run}, the longest "
               f"({int(played[run].sum())} round(s)):", "",
               f"![Levers in run {run}]({_save(fig, out, 'levers.png')})", ""]
    else:
        md += [f"The {result.engine} engine does not apply levers round by round; run the `war` "
               "engine to see their levels and costs.", ""]

    # 5. comparison -----------------------------------------------------------------------
    md += ["## Variant comparison", ""]
    if comparison is None:
        md += ["No variants were compared.", ""]
    else:
        md += _comparison_section(scenario, comparison, out)
    path = out / "report.md"
    path.write_text("\n".join(md).rstrip() + "\n", encoding="utf-8")
    return path


def _comparison_section(scenario: Scenario, c: Comparison, out: Path) -> list[str]:
    md = [_para(f"Each variant is run with the same {c.runs:,} draws of the uncertainties as the "
                "baseline (common random numbers), except for parameters the variant sets "
                "itself, so a difference is the variant's own effect. Intervals are 95%: "
                "Wilson for the probability of agreement, a seeded bootstrap "
                f"({c.bootstrap} resamples) for the median round, the normal approximation of "
                "the mean for terms and gains; differences are paired run by run. `*` marks a "
                "difference whose interval excludes 0."), ""]
    md += ["### The variants", ""]
    for name in c.names[1:]:
        v = scenario.variant(name)
        md += [f"**`{name}`: {v.label}.** {_para(v.description)}", ""]
        md += ["- sets: " + ", ".join(f"`{k}` = {_value(x)}" for k, x in v.set.items())]
        if v.sources:
            md += ["- sources: " + ", ".join(f"`{s}`" for s in v.sources)]
        if v.assumption:
            md += [f"- assumption: {_para(v.assumption)}"]
        if c.dropped.get(name):
            md += ["- replaces the uncertainty draws of: "
                   + ", ".join(f"`{p}`" for p in c.dropped[name])]
        md += [""]
    files = _comparison_figures(c, out)
    md += ["### Agreement", ""]
    md += _table(["variant", "P(agreement)", "95% interval", "difference", "median round",
                  "difference"],
                 [[f"`{n}`", f"{c.agreement[v]:.3f}",
                   f"[{c.agreement_ci[v, 0]:.3f}, {c.agreement_ci[v, 1]:.3f}]",
                   _signed(c.agreement_diff[v], c.agreement_diff_ci[v], 3),
                   f"{c.median_round[v]:g}" if np.isfinite(c.median_round[v]) else "n/a",
                   _signed(c.median_round_diff[v], c.median_round_diff_ci[v], 1)]
                  for v, n in enumerate(c.names)])
    md += [f"![Agreement per variant]({files['agreement']})", ""]
    md += ["### Terms per issue", "", "Baseline: expected outcome; variants: difference from "
           "the baseline.", ""]
    md += _against_baseline(c.names, c.issue_labels, c.terms, c.terms_diff, c.terms_diff_ci, 1)
    md += [f"![Terms per variant]({files['terms']})", ""]
    md += ["### Gains over the walk-away value", "", "Baseline: expected utility minus "
           "walk-away value; variants: difference from the baseline.", ""]
    md += _against_baseline(c.names, c.actor_names, c.gain, c.gain_diff, c.gain_diff_ci, 3)
    md += [f"![Gains per variant]({files['gain']})", ""]
    return md


def _value(x: Any) -> str:
    if isinstance(x, tuple):
        return "[" + ", ".join(_value(v) for v in x) + "]"
    return f"`{x!r}`" if isinstance(x, str) else f"{x:g}" if isinstance(x, float) else str(x)


# --------------------------------------------------------------------------- command line


def cli_report(args: Any) -> int:
    """``negsim report``: write the report and print where it is."""
    from negsim._resources import reference_scenario
    from negsim.io import load

    path = args.file or str(reference_scenario())
    s = load(path)
    md = write_report(s, args.out, args.engine, runs=args.runs, seed=args.seed,
                      variants=args.variants, source=Path(path).name)
    figures = sorted(p.name for p in md.parent.glob("*.png"))
    print(f"wrote {md} and {len(figures)} figures: {', '.join(figures)}")
    return 0


def _against_baseline(names: Any, columns: Any, base: Any, diff: Any, diff_ci: Any,
                      digits: int) -> list[str]:
    """A Markdown table: the baseline's values in the first row, then each variant's
    difference from it (starred where its interval excludes 0)."""
    return _table(["variant", *columns],
                  [[f"`{n}`", *(f"{base[0, k]:.{digits}f}" if v == 0 else
                                _signed(diff[v, k], diff_ci[v, k], digits).split(" ")[0]
                                for k in range(len(columns)))]
                   for v, n in enumerate(names)])

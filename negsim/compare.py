"""What-if comparison: every variant of a scenario against its baseline, on common random numbers.

:func:`compare` draws the scenario's uncertainties once and runs one engine on the baseline and
on each variant with the *same* draws (common random numbers, CRN), so the difference between a
variant and the baseline is the variant's own effect, not sampling noise. A variant that sets a
parameter an uncertainty would draw keeps its own value for it: that draw is dropped for that
variant (and listed in :attr:`Comparison.dropped`).

For each variant it reports, over ``R`` runs:

* the probability of agreement within the horizon, ``P = mean(agreement)``, with the Wilson
  score 95% interval for a binomial proportion;
* the median round of agreement among the agreeing runs (0 = the first round; NaN when no run
  agrees), with a 95% percentile interval from ``B`` bootstrap resamples of the runs, drawn
  from an explicit, seeded generator;
* the expected terms per issue (the mean outcome, status quo where no deal is struck) and each
  actor's expected gain over its walk-away value, ``mean(utility - walk_away)``, each with the
  normal-approximation 95% interval of the mean, ``m +/- z s / sqrt(R)`` (``s`` the sample
  standard deviation, ``z = 1.96``);
* the difference from the baseline of each of these, with a *paired* interval: the normal
  approximation applied to the run-by-run differences (for the means and the probability of
  agreement), or the same bootstrap resamples of run indices applied to both (for the median).
  Comparing the baseline with itself gives differences of exactly 0.

Seeding: the uncertainties are drawn from ``default_rng(SeedSequence(seed, spawn_key=(0,)))``
(:func:`draw_uncertainties`), the bootstrap from ``spawn_key=(1,)``, and every engine run gets
``rng=seed``, so one seed fixes everything and streams never overlap.

>>> import negsim
>>> from negsim.compare import compare
>>> s = negsim.load("scenarios/eu-russia-2026.toml")
>>> c = compare(s, ["eu_at_table"], engine="compromise", runs=16, seed=0)
>>> c.names
('baseline', 'eu_at_table')
>>> float(c.agreement_diff[0])
0.0
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim._intervals import mean_ci, wilson
from negsim.errors import NegsimError, Problem, ScenarioError
from negsim.result import Result
from negsim.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["BASELINE", "Comparison", "compare", "draw_uncertainties", "overrides_for",
           "plot_data", "run_variant"]

#: The name under which the unchanged scenario appears in a comparison.
BASELINE = "baseline"
BOOTSTRAP = 1000

FloatArray = NDArray[np.float64]


def draw_uncertainties(scenario: Scenario, runs: int, seed: int) -> dict[str, FloatArray]:
    """One draw of every uncertainty per run: ``{path: array of shape (runs,)}``.

    The draws come from ``default_rng(SeedSequence(seed, spawn_key=(0,)))``, in the order the
    scenario lists its uncertainties, a stream apart from the engine's (seeded with ``seed``).
    """
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    return {u.path: np.asarray(u.sample(rng, runs), dtype=float) for u in scenario.uncertainties}


def _overlaps(a: str, b: str) -> bool:
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def overrides_for(scenario: Scenario, variant: str | None, draws: Mapping[str, FloatArray]
                  ) -> tuple[dict[str, FloatArray], tuple[str, ...]]:
    """The draws a variant runs with, and the uncertainty paths it drops because it sets them.

    ``variant`` None is the baseline, which keeps every draw.
    """
    if variant is None:
        return dict(draws), ()
    sets = tuple(scenario.variant(variant).set)
    dropped = tuple(p for p in draws if any(_overlaps(p, s) for s in sets))
    return {p: v for p, v in draws.items() if p not in dropped}, dropped


def run_variant(scenario: Scenario, variant: str | None, engine: str | None, runs: int,
                seed: int, draws: Mapping[str, FloatArray] | None = None) -> Result:
    """Run ``engine`` on the baseline (``variant`` None) or on one variant with the common draws.

    ``draws`` defaults to :func:`draw_uncertainties` ``(scenario, runs, seed)``.
    """
    from negsim.runner import run

    if draws is None:
        draws = draw_uncertainties(scenario, runs, seed)
    s = scenario if variant is None else scenario.with_variant(variant)
    overrides, _ = overrides_for(scenario, variant, draws)
    return run(s, engine, rng=seed, n_runs=runs, overrides=overrides or None)


# --------------------------------------------------------------------------- statistics


def _row_medians(values: FloatArray, mask: NDArray[np.bool_]) -> FloatArray:
    """The median of ``values[i][mask[i]]`` for each row ``i``; NaN for an empty row.

    Written out (sort, then pick the middle) so that empty rows raise no warning.
    """
    s = np.sort(np.where(mask, values, np.inf), axis=-1)
    k = mask.sum(axis=-1)
    lo = np.take_along_axis(s, np.maximum((k - 1) // 2, 0)[..., None], axis=-1)[..., 0]
    hi = np.take_along_axis(s, np.maximum(k // 2, 0)[..., None], axis=-1)[..., 0]
    return np.where(k > 0, 0.5 * (lo + hi), np.nan)


def _percentile_ci(reps: FloatArray) -> tuple[float, float]:
    ok = reps[np.isfinite(reps)]
    if ok.size == 0:
        return math.nan, math.nan
    lo, hi = np.quantile(ok, [0.025, 0.975])
    return float(lo), float(hi)


# --------------------------------------------------------------------------- the comparison


@attrs.frozen(eq=False, kw_only=True)
class Comparison:
    """Variants against the baseline: estimates, 95% intervals and paired differences.

    Row ``v`` of every array is ``names[v]``; row 0 is the baseline. Intervals have a last axis
    of 2 (low, high). Differences are variant minus baseline (row 0: exactly 0).

    Attributes
    ----------
    names, labels : tuple of str, length V
        ``"baseline"`` then the variant ids; their labels.
    agreement : ndarray, shape (V,)
        Probability of agreement within the horizon; ``agreement_ci`` (V, 2) Wilson 95%.
    median_round : ndarray, shape (V,)
        Median round of agreement among agreeing runs (0 = first; NaN if none agree);
        ``median_round_ci`` (V, 2): bootstrap percentile 95%.
    terms : ndarray, shape (V, K)
        Expected outcome per issue; ``terms_ci`` (V, K, 2): normal approximation.
    gain : ndarray, shape (V, n)
        Expected utility minus walk-away value per actor; ``gain_ci`` (V, n, 2).
    agreement_diff, median_round_diff, terms_diff, gain_diff : ndarray
        Differences from the baseline, with ``*_diff_ci`` paired 95% intervals.
    agreed_runs : ndarray of int, shape (V,)
    dropped : dict of str to tuple of str
        Per variant, the uncertainty paths it sets itself (their draws are not used).
    """

    scenario_title: str
    scenario_hash: str
    engine: str
    runs: int
    seed: int
    horizon: int
    step: str
    bootstrap: int
    names: tuple[str, ...]
    labels: tuple[str, ...]
    issue_ids: tuple[str, ...]
    issue_labels: tuple[str, ...]
    actor_ids: tuple[str, ...]
    actor_names: tuple[str, ...]
    uncertainties: tuple[str, ...]
    dropped: dict[str, tuple[str, ...]]
    agreed_runs: NDArray[np.int64]
    agreement: FloatArray
    agreement_ci: FloatArray
    agreement_diff: FloatArray
    agreement_diff_ci: FloatArray
    median_round: FloatArray
    median_round_ci: FloatArray
    median_round_diff: FloatArray
    median_round_diff_ci: FloatArray
    terms: FloatArray
    terms_ci: FloatArray
    terms_diff: FloatArray
    terms_diff_ci: FloatArray
    gain: FloatArray
    gain_ci: FloatArray
    gain_diff: FloatArray
    gain_diff_ci: FloatArray

    # ------------------------------------------------------------------ data

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dictionary (NaN becomes None): the settings, then one entry per variant.

        Each estimate is ``{"value", "low", "high", "diff", "diff_low", "diff_high"}``.
        """
        def est(v: Any, ci: Any, d: Any, dci: Any) -> dict[str, float | None]:
            return {"value": _num(v), "low": _num(ci[0]), "high": _num(ci[1]),
                    "diff": _num(d), "diff_low": _num(dci[0]), "diff_high": _num(dci[1])}

        variants = []
        for v, name in enumerate(self.names):
            variants.append({
                "name": name, "label": self.labels[v], "agreed_runs": int(self.agreed_runs[v]),
                "dropped_uncertainties": list(self.dropped.get(name, ())),
                "agreement": est(self.agreement[v], self.agreement_ci[v],
                                 self.agreement_diff[v], self.agreement_diff_ci[v]),
                "median_round": est(self.median_round[v], self.median_round_ci[v],
                                    self.median_round_diff[v], self.median_round_diff_ci[v]),
                "terms": {k: est(self.terms[v, i], self.terms_ci[v, i], self.terms_diff[v, i],
                                 self.terms_diff_ci[v, i])
                          for i, k in enumerate(self.issue_ids)},
                "gain": {a: est(self.gain[v, i], self.gain_ci[v, i], self.gain_diff[v, i],
                                self.gain_diff_ci[v, i])
                         for i, a in enumerate(self.actor_ids)},
            })
        return {
            "scenario": {"title": self.scenario_title, "hash": self.scenario_hash},
            "engine": self.engine, "runs": self.runs, "seed": self.seed,
            "horizon": self.horizon, "step": self.step,
            "uncertainties": list(self.uncertainties),
            "intervals": {
                "level": 0.95,
                "agreement": "Wilson score interval",
                "median_round": f"percentile interval, {self.bootstrap} bootstrap resamples of "
                                "the runs (seeded)",
                "terms_and_gain": "normal approximation of the mean",
                "differences": "paired over common random numbers: normal approximation of the "
                               "run-by-run differences; the same bootstrap resamples for the "
                               "median",
            },
            "variants": variants,
        }

    def __repr__(self) -> str:
        return (f"<Comparison {self.engine!r} on {self.scenario_title!r} "
                f"[{self.scenario_hash[:12]}]: {len(self.names) - 1} variant(s) against the "
                f"baseline, {self.runs:,} runs each, seed {self.seed}>")

    # ------------------------------------------------------------------ text

    def summary(self) -> str:
        """A readable table: agreement and timing, then terms and gains, each against the
        baseline (``*``: the paired 95% interval of the difference excludes 0)."""
        width = max(len(n) for n in self.names)
        lines = [f"{self.scenario_title}  [scenario {self.scenario_hash[:12]}]",
                 f"engine: {self.engine}  runs: {self.runs:,} per variant  seed: {self.seed}  "
                 f"horizon: {self.horizon} {self.step}s",
                 "95% intervals: agreement Wilson; median round bootstrap "
                 f"({self.bootstrap} resamples); means normal approximation; differences "
                 "paired (common random numbers).", ""]
        lines.append("Agreement within the horizon, and the median round of agreement (0 = first)")
        lines.append(f"  {'variant':<{width}}  {'P(agree)':>8}  {'95% interval':>14}  "
                     f"{'diff':>7}  {'median':>6}  {'95% interval':>14}  {'diff':>6}")
        for v, name in enumerate(self.names):
            lo, hi = self.agreement_ci[v]
            mlo, mhi = self.median_round_ci[v]
            lines.append(
                f"  {name:<{width}}  {self.agreement[v]:8.3f}  [{lo:5.3f}, {hi:5.3f}]  "
                f"{_signed(self.agreement_diff[v], self.agreement_diff_ci[v], 3):>7}  "
                f"{_plain(self.median_round[v]):>6}  [{_plain(mlo):>5}, {_plain(mhi):>5}]  "
                f"{_signed(self.median_round_diff[v], self.median_round_diff_ci[v], 1):>6}")
        lines.append("")
        lines.append("Expected terms per issue: baseline, then each variant's difference from it")
        lines += self._matrix(self.issue_ids, self.terms, self.terms_diff, self.terms_diff_ci,
                              1, width)
        lines.append("")
        lines.append("Expected gain over the walk-away value per actor: baseline, then differences")
        lines += self._matrix(self.actor_ids, self.gain, self.gain_diff, self.gain_diff_ci,
                              3, width)
        dropped = {k: v for k, v in self.dropped.items() if v}
        if dropped:
            lines.append("")
            lines.append("Uncertainties a variant sets itself (its own value replaces the draws)")
            for k, paths in dropped.items():
                lines.append(f"  {k}: {', '.join(paths)}")
        return "\n".join(lines)

    def _matrix(self, cols: tuple[str, ...], base: FloatArray, diff: FloatArray,
                diff_ci: FloatArray, digits: int, width: int) -> list[str]:
        out = []
        cw = min(13, max(9, max(len(c) for c in cols) + 1))  # longer ids are cut
        for start in range(0, len(cols), 6):
            block = range(start, min(start + 6, len(cols)))
            out.append(f"  {'':<{width}}" + "".join(f"{cols[j][:cw - 1]:>{cw}}" for j in block))
            for v, name in enumerate(self.names):
                cells = (f"{base[0, j]:.{digits}f}" if v == 0
                         else _signed(diff[v, j], diff_ci[v, j], digits) for j in block)
                out.append(f"  {name:<{width}}" + "".join(f"{c:>{cw}}" for c in cells))
        return out

    def _repr_html_(self) -> str:
        """Notebook display: the settings, then agreement, terms and gains per variant."""
        from negsim.display import html_block, html_table

        def cell(x: float) -> Any:
            return float(x) if np.isfinite(x) else "n/a"

        agree = html_table(
            ["variant", "P(agree)", "low", "high", "diff", "diff low", "diff high",
             "median round", "diff"],
            ([name, cell(self.agreement[v]), cell(self.agreement_ci[v, 0]),
              cell(self.agreement_ci[v, 1]), cell(self.agreement_diff[v]),
              cell(self.agreement_diff_ci[v, 0]), cell(self.agreement_diff_ci[v, 1]),
              cell(self.median_round[v]), cell(self.median_round_diff[v])]
             for v, name in enumerate(self.names)),
            caption="Agreement within the horizon (95% intervals; differences paired)")
        terms = html_table(
            ["variant", *self.issue_labels],
            ([name, *(cell(self.terms[v, k]) for k in range(len(self.issue_ids)))]
             for v, name in enumerate(self.names)),
            caption="Expected terms per issue")
        gains = html_table(
            ["variant", *self.actor_names],
            ([name, *(cell(self.gain[v, i]) for i in range(len(self.actor_ids)))]
             for v, name in enumerate(self.names)),
            caption="Expected gain over the walk-away value per actor")
        facts = [("engine", self.engine), ("runs", self.runs), ("seed", self.seed),
                 ("variants", len(self.names) - 1), ("scenario", self.scenario_hash[:12])]
        return html_block(f"Variant comparison: {self.scenario_title}", facts,
                          [agree, terms, gains])

    # ------------------------------------------------------------------ plot

    def plot(self, metric: str = "agreement", *, difference: bool = False,
             ax: Axes | None = None) -> Axes:
        """A dot-and-whisker chart of ``metric`` per variant (see :func:`plot_data`)."""
        d = plot_data(self, metric, difference=difference)
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots(figsize=(7.0, 1.2 + 0.32 * len(d["names"])),
                                 layout="constrained")
        draw(ax, d)
        return ax


def _num(x: Any) -> float | None:
    x = float(x)
    return x if math.isfinite(x) else None


def _plain(x: float) -> str:
    return f"{x:g}" if np.isfinite(x) else "n/a"


def _signed(x: float, ci: Any, digits: int) -> str:
    if not np.isfinite(x):
        return "n/a"
    star = "*" if np.isfinite(ci[0]) and (ci[0] > 0 or ci[1] < 0) else ""
    text = f"{x:+.{digits}f}" if round(x, digits) != 0 else f"{0:.{digits}f}"
    return text + star


# --------------------------------------------------------------------------- plot data


def plot_data(comparison: Comparison, metric: str = "agreement", *,
              difference: bool = False) -> dict[str, Any]:
    """The numbers behind :meth:`Comparison.plot`.

    Parameters
    ----------
    comparison : Comparison
    metric : str
        ``"agreement"``, ``"median_round"``, ``"terms.<issue id>"`` or ``"gain.<actor id>"``.
    difference : bool
        Plot the paired difference from the baseline instead of the value.

    Returns
    -------
    dict
        ``names``, ``labels`` (V,), ``value``, ``low``, ``high`` (V,), ``reference`` (the
        baseline's value, or 0 for differences), ``xlabel``, ``title``.

    Raises
    ------
    NegsimError
        If the metric is unknown.
    """
    c = comparison
    kind, _, which = metric.partition(".")
    suffix = "_diff" if difference else ""
    if kind in ("agreement", "median_round") and not which:
        value = getattr(c, kind + suffix)
        ci = getattr(c, kind + suffix + "_ci")
        xlabel = ("probability of agreement within the horizon" if kind == "agreement"
                  else f"median round of agreement (0 = first {c.step})")
    elif kind in ("terms", "gain") and which:
        ids = c.issue_ids if kind == "terms" else c.actor_ids
        if which not in ids:
            raise NegsimError(f"plot: no {'issue' if kind == 'terms' else 'actor'} {which!r} "
                              f"in the comparison (known: {', '.join(ids)})")
        j = ids.index(which)
        value = getattr(c, kind + suffix)[:, j]
        ci = getattr(c, kind + suffix + "_ci")[:, j]
        if kind == "terms":
            xlabel = f"expected terms: {c.issue_labels[j]}"
        else:
            xlabel = f"expected gain over walk-away: {c.actor_names[j]}"
    else:
        raise NegsimError(f"plot: unknown metric {metric!r}; expected agreement, median_round, "
                          "terms.<issue id> or gain.<actor id>")
    if difference:
        xlabel = "difference from the baseline in " + xlabel
    value = np.asarray(value, dtype=float)
    return {"names": list(c.names), "labels": list(c.labels), "value": value,
            "low": np.asarray(ci[:, 0], dtype=float), "high": np.asarray(ci[:, 1], dtype=float),
            "reference": 0.0 if difference else float(value[0]), "xlabel": xlabel,
            "title": f"{c.engine}: {c.runs:,} runs per variant, 95% intervals"}


def draw(ax: Axes, d: Mapping[str, Any], *, labels: bool = True) -> Axes:
    """Draw :func:`plot_data` output on ``ax``: a row per variant, the baseline on top."""
    from negsim.plots import OKABE_ITO

    n = len(d["names"])
    y = np.arange(n)[::-1]
    value, low, high = d["value"], d["low"], d["high"]
    ok = np.isfinite(value)
    has_ci = ok & np.isfinite(low) & np.isfinite(high)
    ax.axvline(d["reference"], color="#888888", lw=1, ls="--", zorder=1)
    ax.hlines(y[has_ci], low[has_ci], high[has_ci], color=OKABE_ITO[0], lw=2, zorder=2)
    base = np.zeros(n, dtype=bool)
    base[0] = True
    ax.scatter(value[ok & ~base], y[ok & ~base], marker="o", s=42, color=OKABE_ITO[5],
               edgecolors="black", linewidths=0.5, zorder=3, label="variant")
    ax.scatter(value[ok & base], y[ok & base], marker="D", s=48, color=OKABE_ITO[6],
               edgecolors="black", linewidths=0.5, zorder=3, label="baseline")
    for yy in y[~ok]:
        ax.annotate("n/a", (d["reference"], yy), ha="center", va="center", fontsize=7,
                    color="#555555")
    if labels:
        ax.set_yticks(y, d["names"])
    else:  # leave the (possibly shared) tick labels alone; hide them on this Axes only
        ax.set_yticks(y)
        ax.tick_params(labelleft=False)
    ax.set_ylim(-0.7, n - 0.3)
    ax.set_xlabel(d["xlabel"], fontsize=8)
    ax.grid(axis="x", color="#eeeeee")
    ax.set_axisbelow(True)
    ax.tick_params(labelsize=8)
    ax.locator_params(axis="x", nbins=5)
    return ax


# --------------------------------------------------------------------------- compare


def compare(scenario: Scenario, variants: Sequence[str] | None = None, engine: str | None = None,
            runs: int = 1000, seed: int = 0, *, bootstrap: int = BOOTSTRAP) -> Comparison:
    """Run the baseline and each variant on common random numbers and compare them.

    Parameters
    ----------
    scenario : Scenario
    variants : sequence of str, optional
        Variant ids; default all of the scenario's, in file order.
    engine : str, optional
        Default the scenario's own.
    runs : int
        Runs per variant (the same draws for each).
    seed : int
        Fixes the draws, the engine's randomness and the bootstrap (see the module docstring).
    bootstrap : int
        Resamples for the median round's intervals.

    Returns
    -------
    Comparison

    Raises
    ------
    ScenarioError
        If a variant is unknown or invalid, or ``runs``, ``seed`` or ``bootstrap`` is not a
        positive (non-negative for the seed) integer.
    EngineError
        If the engine cannot run the scenario or a variant.
    """
    problems = []
    for name, value, least in (("runs", runs, 1), ("seed", seed, 0), ("bootstrap", bootstrap, 1)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < least:
            problems.append(Problem(f"{name} must be an integer >= {least}, got {value!r}",
                                    f"compare.{name}"))
    known = [v.id for v in scenario.variants]
    chosen = list(known) if variants is None else list(variants)
    for i, v in enumerate(chosen):
        if v not in known:
            problems.append(Problem(f"unknown variant {v!r} (known: {', '.join(known) or 'none'})",
                                    f"compare.variants.{i}"))
    if len(set(chosen)) != len(chosen):
        problems.append(Problem("a variant is named twice", "compare.variants"))
    if problems:
        raise ScenarioError(problems, f"compare on {scenario.title!r}")
    runs, seed = int(runs), int(seed)
    draws = draw_uncertainties(scenario, runs, seed)
    names: list[str | None] = [None, *chosen]
    results: list[Result] = []
    dropped: dict[str, tuple[str, ...]] = {}
    for vid in names:
        results.append(run_variant(scenario, vid, engine, runs, seed, draws))
        if vid is not None:
            dropped[vid] = overrides_for(scenario, vid, draws)[1]
    return _assemble(scenario, names, results, dropped, runs, seed, bootstrap)


def _assemble(scenario: Scenario, names: list[str | None], results: list[Result],
              dropped: dict[str, tuple[str, ...]], runs: int, seed: int,
              bootstrap: int) -> Comparison:
    agree = np.stack([r.agreement.astype(bool) for r in results])          # (V, R)
    rounds = np.stack([r.round.astype(float) for r in results])           # (V, R)
    outcome = np.stack([np.asarray(r.outcome, dtype=float) for r in results])   # (V, R, K)
    gain = np.stack([np.asarray(r.utility - r.walk_away, dtype=float) for r in results])
    V = len(names)
    # probability of agreement: Wilson; paired differences: normal approximation
    p = agree.mean(axis=1)
    p_ci = np.array([wilson(float(x), runs) for x in p])
    da = agree.astype(float) - agree[:1].astype(float)
    p_diff, p_diff_ci = mean_ci(np.moveaxis(da, 1, 0))
    # means of terms and gains, and their paired differences
    t_mean, t_ci = mean_ci(np.moveaxis(outcome, 1, 0))
    t_diff, t_diff_ci = mean_ci(np.moveaxis(outcome - outcome[:1], 1, 0))
    g_mean, g_ci = mean_ci(np.moveaxis(gain, 1, 0))
    g_diff, g_diff_ci = mean_ci(np.moveaxis(gain - gain[:1], 1, 0))
    # median round among agreeing runs: bootstrap resamples of run indices, shared by variants
    med = _row_medians(rounds, agree)
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(1,)))
    idx = rng.integers(0, runs, size=(bootstrap, runs))
    reps = np.stack([_row_medians(rounds[v][idx], agree[v][idx]) for v in range(V)])  # (V, B)
    med_ci = np.array([_percentile_ci(reps[v]) for v in range(V)])
    med_diff = med - med[0]
    med_diff_ci = np.array([_percentile_ci(reps[v] - reps[0]) for v in range(V)])
    if V:  # the baseline against itself: exactly 0, whatever the bootstrap saw
        med_diff_ci[0] = (0.0, 0.0) if np.isfinite(med[0]) else (math.nan, math.nan)
    first = results[0]
    labels = tuple(BASELINE.capitalize() + " (the scenario as written)" if v is None
                   else scenario.variant(v).label for v in names)
    return Comparison(
        scenario_title=scenario.title, scenario_hash=first.scenario_hash, engine=first.engine,
        runs=runs, seed=seed, horizon=scenario.time.horizon, step=scenario.time.step,
        bootstrap=bootstrap, names=tuple(BASELINE if v is None else v for v in names),
        labels=labels, issue_ids=tuple(first.issue_ids), issue_labels=tuple(first.issue_labels),
        actor_ids=tuple(first.actor_ids), actor_names=tuple(first.actor_names),
        uncertainties=tuple(u.path for u in scenario.uncertainties), dropped=dropped,
        agreed_runs=agree.sum(axis=1).astype(np.int64),
        agreement=p, agreement_ci=p_ci, agreement_diff=p_diff, agreement_diff_ci=p_diff_ci,
        median_round=med, median_round_ci=med_ci, median_round_diff=med_diff,
        median_round_diff_ci=med_diff_ci,
        terms=t_mean, terms_ci=t_ci, terms_diff=t_diff, terms_diff_ci=t_diff_ci,
        gain=g_mean, gain_ci=g_ci, gain_diff=g_diff, gain_diff_ci=g_diff_ci)


# --------------------------------------------------------------------------- command line


def cli_compare(args: Any) -> int:
    """``negsim compare``: print the comparison table (or JSON) for a scenario file."""
    import json

    from negsim._resources import reference_scenario
    from negsim.io import load

    s = load(args.file or str(reference_scenario()))
    c = compare(s, args.variants, args.engine, runs=args.runs, seed=args.seed)
    if args.json:
        print(json.dumps(c.to_dict(), indent=2))
    else:
        print(c.summary())
    return 0

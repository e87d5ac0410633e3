"""Plots of many runs and of sensitivity analyses: outcome distributions, the survival
curve of agreement, tornado and Sobol bars, a 2-D sweep heatmap."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from negsim.result import Result
from negsim.scenario import Scenario

if TYPE_CHECKING:
    from matplotlib.axes import Axes

from negsim.plots._common import _GRID, OKABE_ITO, _axes, _issue_rows, _short

__all__ = [
    "agreement",
    "agreement_data",
    "heatmap",
    "heatmap_data",
    "outcomes",
    "outcomes_data",
    "sobol",
    "sobol_data",
    "tornado",
    "tornado_data",
]


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

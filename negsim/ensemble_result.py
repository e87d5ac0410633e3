"""The result of an ensemble or a sweep: the design and the outputs, aligned on the run axis.

:class:`EnsembleResult` is what :func:`negsim.ensemble.run_ensemble` and
:func:`negsim.ensemble.run_sweep` return: numpy arrays with the run axis first, summaries with
intervals, conversions to pandas, xarray and EMA Workbench's layout, and files (``.npz`` or
netCDF) that carry the scenario's hash and the seed. pandas and xarray are imported only by the
methods that need them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim._intervals import mean_ci, wilson
from negsim.errors import NegsimError

__all__ = ["OUTPUTS", "EnsembleResult"]

#: The per-run arrays an ensemble can keep.
OUTPUTS = ("outcome", "agreement", "round", "utility", "walk_away")

@attrs.frozen(eq=False, kw_only=True)
class EnsembleResult:
    """Many runs of one engine: the design and the outputs aligned on the run axis.

    The run axis is variant-major: runs ``v * n : (v + 1) * n`` belong to ``variants[v]``,
    and within a variant runs follow the design (C order over ``shape``, named ``dims``).

    Attributes
    ----------
    engine, params, seed, block, sampler
        What produced it (``sampler`` is ``"monte_carlo"``, ``"latin_hypercube"`` or
        ``"design"``).
    scenario_hash, scenario_title : str
    variants : tuple of str
        ``"baseline"`` for the scenario as it is.
    variant_hashes : tuple of str
    issue_ids, actor_ids, issue_labels, actor_names : tuple of str
    horizon : int
    shape, dims : tuple
        The runs of one variant as an N-dimensional array, and the axes' names.
    coords : dict of str to ndarray
        Values along named axes (a grid's levels).
    design : dict of str to ndarray, shape (R,)
        Each varied parameter's value per run.
    outcome : ndarray, shape (R, K), or None if not kept
    agreement : ndarray of bool, shape (R,), or None
    round : ndarray of int, shape (R,), or None
        Round of agreement, -1 where none.
    utility, walk_away : ndarray, shape (R, n), or None
    extras : dict of str to ndarray
    failed : ndarray of bool, shape (R,)
    error : ndarray of int32, shape (R,)
        Index into ``errors`` for failed runs, else -1.
    errors : tuple of str
    """

    engine: str
    params: dict[str, Any]
    seed: int
    block: int
    sampler: str
    scenario_hash: str
    scenario_title: str
    variants: tuple[str, ...]
    variant_hashes: tuple[str, ...]
    issue_ids: tuple[str, ...]
    actor_ids: tuple[str, ...]
    issue_labels: tuple[str, ...]
    actor_names: tuple[str, ...]
    horizon: int
    shape: tuple[int, ...]
    dims: tuple[str, ...]
    coords: dict[str, NDArray[np.float64]]
    design: dict[str, NDArray[np.float64]]
    outcome: NDArray[np.float64] | None
    agreement: NDArray[np.bool_] | None
    round: NDArray[np.int64] | None
    utility: NDArray[np.float64] | None
    walk_away: NDArray[np.float64] | None
    extras: dict[str, NDArray[Any]]
    failed: NDArray[np.bool_]
    error: NDArray[np.int32]
    errors: tuple[str, ...]

    # ---- shape and access

    @property
    def n_runs(self) -> int:
        """Runs in all, over every variant."""
        return int(self.failed.shape[0])

    @property
    def runs_per_variant(self) -> int:
        return self.n_runs // max(len(self.variants), 1)

    def __len__(self) -> int:
        return self.n_runs

    def names(self) -> list[str]:
        """Every per-run quantity :meth:`values` knows, e.g. ``outcome.donbas``."""
        out = []
        if self.agreement is not None:
            out.append("agreement")
        if self.round is not None:
            out.append("round")
        if self.outcome is not None:
            out += [f"outcome.{i}" for i in self.issue_ids]
        if self.utility is not None:
            out += [f"utility.{a}" for a in self.actor_ids]
            if self.walk_away is not None:
                out += [f"gain.{a}" for a in self.actor_ids]
        if self.walk_away is not None:
            out += [f"walk_away.{a}" for a in self.actor_ids]
        out += [f"extras.{k}" for k, v in self.extras.items() if v.ndim == 1]
        out += list(self.design)
        return out

    def values(self, name: str, variant: str | None = None) -> NDArray[Any]:
        """One quantity per run: ``agreement``, ``agreed_by.<round>`` (agreement by that
        round, counting from 0), ``round``, ``outcome.<issue>``,
        ``utility.<actor>``, ``gain.<actor>`` (utility less walk-away value),
        ``walk_away.<actor>``, ``extras.<name>`` or a design path; optionally one variant's.
        """
        v = self._values(name)
        if variant is None:
            return v
        j = self._variant_index(variant)
        n = self.runs_per_variant
        return v[j * n:(j + 1) * n]

    def _variant_index(self, variant: str) -> int:
        if variant not in self.variants:
            raise NegsimError(f"no variant {variant!r} in this ensemble ({list(self.variants)})")
        return self.variants.index(variant)

    def _values(self, name: str) -> NDArray[Any]:
        def need(a: NDArray[Any] | None, what: str) -> NDArray[Any]:
            if a is None:
                raise NegsimError(f"{name!r} needs the {what!r} output, which this ensemble "
                                  f"did not store")
            return a

        head, _, tail = name.partition(".")
        if name == "agreement":
            return need(self.agreement, "agreement")
        if name == "round":
            return need(self.round, "round")
        if head == "outcome" and tail in self.issue_ids:
            return need(self.outcome, "outcome")[:, self.issue_ids.index(tail)]
        if head in ("utility", "gain", "walk_away") and tail in self.actor_ids:
            i = self.actor_ids.index(tail)
            if head == "utility":
                return need(self.utility, "utility")[:, i]
            if head == "walk_away":
                return need(self.walk_away, "walk_away")[:, i]
            return need(self.utility, "utility")[:, i] - need(self.walk_away, "walk_away")[:, i]
        if head == "agreed_by" and tail.lstrip("-").isdigit():
            r = need(self.round, "round")
            return (r >= 0) & (r <= int(tail))
        if head == "extras" and tail in self.extras:
            return self.extras[tail]
        if name in self.design:
            return self.design[name]
        from negsim._checks import did_you_mean

        raise NegsimError(f"no quantity {name!r}{did_you_mean(name, self.names())}; "
                          f"known: {', '.join(self.names()[:12])}...")

    # ---- summaries

    def summary_table(self, names: Sequence[str] | None = None) -> list[dict[str, Any]]:
        """Per variant and quantity, over the runs that did not fail: the mean with a 95%
        interval for it (normal approximation; Wilson's for a share such as agreement), the
        5th, 50th and 95th percentiles, and the number of runs."""
        names = list(names) if names is not None else [
            x for x in self.names() if x not in self.design]
        rows = []
        for variant in self.variants:
            ok = ~self._slice(self.failed, variant)
            for name in names:
                x = np.asarray(self.values(name, variant), dtype=np.float64)[ok]
                rows.append({"variant": variant, "quantity": name, **_stats(
                    x, share=name == "agreement")})
        return rows

    def agreement_probability(self, variant: str | None = None,
                              within: int | None = None) -> dict[str, float]:
        """The share of (non-failed) runs agreeing, by round ``within`` if given, with a
        Wilson 95% interval."""
        ok = ~self._slice(self.failed, variant)
        if within is None:
            hit = self._slice(self.values("agreement"), variant)[ok]
        else:
            r = self._slice(self.values("round"), variant)[ok]
            hit = (r >= 0) & (r <= within)
        return _stats(hit.astype(np.float64), share=True)

    def _slice(self, a: NDArray[Any], variant: str | None) -> NDArray[Any]:
        if variant is None:
            return a
        j = self._variant_index(variant)
        n = self.runs_per_variant
        return a[j * n:(j + 1) * n]

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: what produced the ensemble and, per variant, each
        quantity's statistics (:meth:`summary_table`)."""
        table = self.summary_table()
        per: dict[str, dict[str, Any]] = {}
        for row in table:
            stats = {k: v for k, v in row.items() if k not in ("variant", "quantity")}
            per.setdefault(row["variant"], {})[row["quantity"]] = stats
        for v in self.variants:
            per[v]["failed"] = int(self._slice(self.failed, v).sum())
        return {"scenario": {"title": self.scenario_title, "hash": self.scenario_hash},
                "engine": self.engine, "parameters": self.params, "seed": self.seed,
                "block": self.block, "sampler": self.sampler, "runs": self.n_runs,
                "design": {"dims": list(self.dims), "shape": list(self.shape),
                           "paths": list(self.design)},
                "errors": list(self.errors), "variants": per}

    def summary(self) -> str:
        """A readable summary per variant: agreement, round, outcomes and gains, with 95%
        intervals for the means and the 5-95% spread over runs."""
        lines = [f"{self.scenario_title}  [scenario {self.scenario_hash[:12]}]",
                 f"engine: {self.engine}  runs: {self.n_runs:,}  seed: {self.seed}  "
                 f"sampler: {self.sampler}  block: {self.block}"]
        if self.params:
            lines.append("parameters: " + ", ".join(f"{k}={v}" for k, v in self.params.items()))
        if self.design:
            lines.append("varied: " + ", ".join(self.design))
        labels = dict(zip(self.issue_ids, self.issue_labels, strict=True))
        names = dict(zip(self.actor_ids, self.actor_names, strict=True))
        for variant in self.variants:
            ok = ~self._slice(self.failed, variant)
            lines += ["", f"== {variant}  ({int(ok.sum()):,} runs"
                      + (f", {int((~ok).sum()):,} failed)" if (~ok).any() else ")")]
            if self.agreement is not None:
                a = self.agreement_probability(variant)
                lines.append(f"  agreement: {a['mean']:.1%}  [95% CI {a['lo']:.1%} - "
                             f"{a['hi']:.1%}]")
            if self.round is not None:
                r = self._slice(self.round, variant)[ok]
                r = r[r >= 0]
                if r.size:
                    lines.append(f"  round of agreement: median {np.median(r):g}, "
                                 f"5-95% {np.quantile(r, 0.05):g} - {np.quantile(r, 0.95):g}")
            header = f"  {'':<34} {'mean':>8} {'95% CI':>17} {'5%':>8} {'95%':>8}"
            if self.outcome is not None:
                lines += ["  Outcome per issue", header]
                for i in self.issue_ids:
                    lines.append(_line(labels[i], self.values(f"outcome.{i}", variant)[ok]))
            if self.utility is not None and self.walk_away is not None:
                lines += ["  Gain over the walk-away value per actor", header]
                for x in self.actor_ids:
                    lines.append(_line(names[x], self.values(f"gain.{x}", variant)[ok]))
        if self.errors:
            lines += ["", "Errors"] + [f"  {e}" for e in self.errors]
        return "\n".join(lines)

    def __repr__(self) -> str:
        share = ""
        if self.agreement is not None and (~self.failed).any():
            share = f", agreement in {float(self.agreement[~self.failed].mean()):.0%}"
        return (f"<EnsembleResult {self.engine!r} on {self.scenario_title!r} "
                f"[{self.scenario_hash[:12]}]: {self.n_runs:,} runs over "
                f"{len(self.variants)} variant(s), dims {self.dims} {self.shape}, seed "
                f"{self.seed}{share}, {int(self.failed.sum())} failed>")

    def _repr_html_(self) -> str:
        from negsim.display import html_block, html_table

        rows = [[r["variant"], r["quantity"], r["mean"], r["lo"], r["hi"], r["p05"], r["p95"]]
                for r in self.summary_table()]
        table = html_table(["variant", "quantity", "mean", "95% CI low", "95% CI high", "5%",
                            "95%"], rows, caption="Per variant: means with 95% intervals, "
                            "and the spread over runs")
        facts = [("engine", self.engine), ("runs", f"{self.n_runs:,}"), ("seed", self.seed),
                 ("scenario", self.scenario_hash[:12]), ("sampler", self.sampler),
                 ("dims", " x ".join(f"{d}={s}" for d, s in zip(self.dims, self.shape,
                                                              strict=True))),
                 ("failed", int(self.failed.sum()))]
        return html_block(self.scenario_title, facts, [table])

    # ---- conversions

    def to_result(self, variant: str | None = None) -> Any:
        """The runs (of one variant, default all) as a :class:`negsim.result.Result`, for the
        functions that take one (plots); needs every output stored; failed runs dropped."""
        from negsim.result import Result

        missing = [o for o in OUTPUTS if getattr(self, o) is None]
        if missing:
            raise NegsimError(f"to_result needs every output; this ensemble lacks {missing}")
        ok = ~self._slice(self.failed, variant)

        def cut(a: NDArray[Any]) -> NDArray[Any]:
            return self._slice(a, variant)[ok]

        return Result(engine=self.engine, params=self.params, seed=self.seed,
                      scenario_hash=self.scenario_hash, scenario_title=self.scenario_title,
                      issue_ids=self.issue_ids, actor_ids=self.actor_ids,
                      issue_labels=self.issue_labels, actor_names=self.actor_names,
                      outcome=cut(self.outcome), agreement=cut(self.agreement),
                      round=cut(self.round), utility=cut(self.utility),
                      walk_away=cut(self.walk_away),
                      extras={k: cut(v) for k, v in self.extras.items()})

    def _columns(self) -> dict[str, NDArray[Any]]:
        cols: dict[str, NDArray[Any]] = {}
        if len(self.variants) > 1 or self.variants != ("baseline",):
            cols["variant"] = np.repeat(np.array(self.variants), self.runs_per_variant)
        cols |= dict(self.design)
        for name in self.names():
            if name not in self.design:
                cols[name] = self.values(name)
        cols["failed"] = self.failed
        cols["error"] = np.array([self.errors[e] if e >= 0 else "" for e in self.error],
                                 dtype=object) if self.errors else np.full(self.n_runs, "",
                                                                            dtype=object)
        return cols

    def to_pandas(self) -> Any:
        """A pandas DataFrame, one row per run: the variant, the design's paths, every
        quantity of :meth:`names`, ``failed`` and ``error`` (needs pandas)."""
        pd = _optional("pandas")
        return pd.DataFrame(self._columns())

    def to_xarray(self) -> Any:
        """An xarray Dataset with the runs on named dimensions (``variant`` if there are
        several, then the design's ``dims``, e.g. one per grid path and ``sample``), plus
        ``issue`` and ``actor``; a grid's levels are coordinates (needs xarray)."""
        xr = _optional("xarray")
        lead: tuple[str, ...] = self.dims
        shape: tuple[int, ...] = self.shape
        coords: dict[str, Any] = {d: self.coords[d] for d in self.dims if d in self.coords}
        if len(self.variants) > 1 or self.variants != ("baseline",):
            lead = ("variant", *lead)
            shape = (len(self.variants), *shape)
            coords["variant"] = list(self.variants)
        coords["issue"] = list(self.issue_ids)
        coords["actor"] = list(self.actor_ids)
        coords["issue_label"] = ("issue", list(self.issue_labels))
        coords["actor_name"] = ("actor", list(self.actor_names))

        def nd(a: NDArray[Any], tail: tuple[str, ...] = ()) -> tuple[tuple[str, ...], Any]:
            return (*lead, *tail), a.reshape(*shape, *a.shape[1:])

        data: dict[str, Any] = {}
        for name in ("outcome",):
            if self.outcome is not None:
                data[name] = nd(self.outcome, ("issue",))
        for name in ("utility", "walk_away"):
            a = getattr(self, name)
            if a is not None:
                data[name] = nd(a, ("actor",))
        if self.utility is not None and self.walk_away is not None:
            data["gain"] = nd(self.utility - self.walk_away, ("actor",))
        for name in ("agreement", "round"):
            a = getattr(self, name)
            if a is not None:
                data[name] = nd(a)
        data["failed"] = nd(self.failed)
        for k, v in self.extras.items():
            data[f"extras.{k}"] = nd(v, tuple(f"{k}_{j}" for j in range(v.ndim - 1)))
        for path, v in self.design.items():
            if path not in coords:
                data[path] = nd(v)
        return xr.Dataset(data, coords=coords, attrs=self._meta_attrs())

    def to_ema(self) -> tuple[Any, dict[str, NDArray[Any]]]:
        """EMA Workbench's ``(experiments, outcomes)``: a DataFrame with one column per varied
        parameter plus ``scenario`` (the design row), ``policy`` (the variant) and ``model``
        (the engine), and a dict of 1-D outcome arrays, so that its scenario-discovery tools
        (``prim.Prim(experiments, outcomes["agreement"] ...)``) work on negsim's output."""
        pd = _optional("pandas")
        n = self.runs_per_variant
        exp = pd.DataFrame(dict(self.design))
        exp["scenario"] = np.tile(np.arange(n), len(self.variants))
        exp["policy"] = pd.Categorical(np.repeat(np.array(self.variants), n))
        exp["model"] = self.engine
        outcomes = {name: np.asarray(self.values(name)) for name in self.names()
                    if name not in self.design}
        return exp, outcomes

    # ---- files

    def _meta(self) -> dict[str, Any]:
        return {"format": "negsim.EnsembleResult", "version": 1, "engine": self.engine,
                "params": self.params, "seed": self.seed, "block": self.block,
                "sampler": self.sampler, "scenario_hash": self.scenario_hash,
                "scenario_title": self.scenario_title, "variants": list(self.variants),
                "variant_hashes": list(self.variant_hashes),
                "issue_ids": list(self.issue_ids), "actor_ids": list(self.actor_ids),
                "issue_labels": list(self.issue_labels),
                "actor_names": list(self.actor_names), "horizon": self.horizon,
                "shape": list(self.shape), "dims": list(self.dims),
                "design": list(self.design), "extras": list(self.extras),
                "errors": list(self.errors)}

    def _meta_attrs(self) -> dict[str, Any]:
        return {"negsim": json.dumps(self._meta(), default=_jsonable),
                "scenario_hash": self.scenario_hash, "seed": self.seed}

    def _flat_arrays(self) -> dict[str, NDArray[Any]]:
        arrays: dict[str, NDArray[Any]] = {"failed": self.failed, "error": self.error}
        for name in OUTPUTS:
            a = getattr(self, name)
            if a is not None:
                arrays[name] = a
        for i, v in enumerate(self.design.values()):
            arrays[f"design_{i}"] = v
        for i, d in enumerate(self.dims):
            if d in self.coords:
                arrays[f"coord_{i}"] = self.coords[d]
        for i, v in enumerate(self.extras.values()):
            arrays[f"extra_{i}"] = v
        return arrays

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the ensemble: ``.npz`` (numpy only) or ``.nc`` (netCDF through xarray). The
        file carries the scenario's hash, the seed and block, and everything :meth:`load`
        needs; no pickle."""
        path = Path(path)
        if path.suffix not in (".npz", ".nc", ".netcdf"):
            raise NegsimError(f"{path}: save as .npz or .nc (netCDF), not {path.suffix!r}")
        final, path = path, path.with_name(f".{path.stem}.partial{path.suffix}")
        try:
            self._write(path)
            os.replace(path, final)  # never a half-written file under the final name
        finally:
            path.unlink(missing_ok=True)
        return final

    def _write(self, path: Path) -> None:
        if path.suffix == ".npz":
            np.savez_compressed(path, __meta__=np.array(json.dumps(self._meta(),
                                                                   default=_jsonable)),
                                **self._flat_arrays())
        elif path.suffix in (".nc", ".netcdf"):
            xr = _optional("xarray")
            arrays = self._flat_arrays()
            data = {k: (("run", *[f"{k}_{j}" for j in range(v.ndim - 1)]), v)
                    for k, v in arrays.items() if not k.startswith("coord_")}
            coords = {f"coord_{i}": (f"coord_{i}", v) for i, v in enumerate(
                arrays[k] for k in arrays if k.startswith("coord_"))}
            engine = "h5netcdf" if _importable("h5netcdf") else None
            xr.Dataset(data, coords=coords, attrs=self._meta_attrs()).to_netcdf(
                path, engine=engine)

    @classmethod
    def load(cls, path: str | os.PathLike[str]) -> EnsembleResult:
        """Read an ensemble written by :meth:`save`."""
        path = Path(path)
        if path.suffix == ".npz":
            with np.load(path, allow_pickle=False) as z:
                meta = json.loads(str(z["__meta__"]))
                arrays = {k: z[k] for k in z.files if k != "__meta__"}
        elif path.suffix in (".nc", ".netcdf"):
            xr = _optional("xarray")
            with xr.open_dataset(path) as ds:
                meta = json.loads(ds.attrs["negsim"])
                arrays = {k: ds[k].values for k in [*ds.data_vars, *ds.coords]}
        else:
            raise NegsimError(f"{path}: not an ensemble file (.npz or .nc)")
        if meta.get("format") != "negsim.EnsembleResult":
            raise NegsimError(f"{path}: not a negsim ensemble file")
        coord_keys = sorted((k for k in arrays if k.startswith("coord_")),
                            key=lambda k: int(k.split("_")[1]))
        dims = tuple(meta["dims"])
        coords = {dims[int(key.split("_")[1])]: arrays[key] for key in coord_keys}
        return cls(
            engine=meta["engine"], params=meta["params"], seed=meta["seed"],
            block=meta["block"], sampler=meta["sampler"], scenario_hash=meta["scenario_hash"],
            scenario_title=meta["scenario_title"], variants=tuple(meta["variants"]),
            variant_hashes=tuple(meta["variant_hashes"]), issue_ids=tuple(meta["issue_ids"]),
            actor_ids=tuple(meta["actor_ids"]), issue_labels=tuple(meta["issue_labels"]),
            actor_names=tuple(meta["actor_names"]), horizon=meta["horizon"],
            shape=tuple(meta["shape"]), dims=dims, coords=coords,
            design={p: arrays[f"design_{i}"] for i, p in enumerate(meta["design"])},
            outcome=arrays.get("outcome"), agreement=arrays.get("agreement"),
            round=arrays.get("round"), utility=arrays.get("utility"),
            walk_away=arrays.get("walk_away"),
            extras={k: arrays[f"extra_{i}"] for i, k in enumerate(meta["extras"])},
            failed=arrays["failed"].astype(np.bool_), error=arrays["error"].astype(np.int32),
            errors=tuple(meta["errors"]))


def _jsonable(x: Any) -> Any:
    if isinstance(x, np.generic):
        return x.item()
    if isinstance(x, np.ndarray):
        return x.tolist()
    if isinstance(x, tuple | set | frozenset):
        return list(x)
    return str(x)


def _importable(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def _optional(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        raise NegsimError(f"this needs {module}, an optional dependency: "
                          f"pip install 'negsim[data]'") from None


def _stats(x: NDArray[np.float64], share: bool = False) -> dict[str, float]:
    n = int(x.size)
    nan = float("nan")
    if n == 0:
        return {"n": 0, "mean": nan, "lo": nan, "hi": nan, "p05": nan, "p50": nan, "p95": nan}
    mean = float(x.mean())
    if share:
        lo, hi = wilson(mean, n)
    else:
        _, (lo, hi) = mean_ci(x)
        lo, hi = float(lo), float(hi)
    p05, p50, p95 = (float(q) for q in np.quantile(x, [0.05, 0.5, 0.95]))
    return {"n": n, "mean": mean, "lo": lo, "hi": hi, "p05": p05, "p50": p50, "p95": p95}


def _line(label: str, x: NDArray[Any]) -> str:
    s = _stats(np.asarray(x, dtype=np.float64))
    return (f"  {label[:34]:<34} {s['mean']:8.3g} [{s['lo']:7.3g}, {s['hi']:7.3g}] "
            f"{s['p05']:8.3g} {s['p95']:8.3g}")

"""Benchmarks: ``python -m negsim.bench [--quick] [--runs N] [--repeat K] [--json]``.

Measures runs per second of every registered engine on the bundled reference scenario (each
engine that fits it), with the scenario's uncertain parameters drawn afresh for every run (so
no two runs are alike and no engine can share work between them), and the time of the exact
EU-27 power indices. Timings are medians of
``--repeat`` repetitions on whatever machine runs it, with the compromise engine's time as the
baseline measured in the same run, so the ratios are comparable across noisy shared machines.
Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import functools
import json
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = ["bench_engines", "bench_power", "main"]


def _median_seconds(fn: Callable[[], Any], repeat: int) -> float:
    fn()  # warm-up: imports, caches
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def bench_engines(runs: int = 10_000, repeat: int = 5,
                  engines: list[str] | None = None) -> list[dict[str, Any]]:
    """Median seconds and runs per second of each engine (or those named) on the reference
    scenario; the compromise engine is always measured, as the baseline."""
    import negsim
    from negsim._resources import reference_scenario
    from negsim.engines import available

    scenario = negsim.load(reference_scenario())
    rng = np.random.default_rng(20261122)
    overrides = {u.path: u.sample(rng, runs) for u in scenario.uncertainties}
    rows: list[dict[str, Any]] = []
    chosen = [e for e in available()
              if engines is None or e.name in engines or e.name == "compromise"]
    for engine in chosen:
        try:
            negsim.run(scenario, engine.name, rng=0, n_runs=2)
        except negsim.EngineError as exc:
            rows.append({"engine": engine.name, "skipped": str(exc)})
            continue
        secs = _median_seconds(functools.partial(
            negsim.run, scenario, engine.name, rng=0, n_runs=runs, overrides=overrides), repeat)
        rows.append({"engine": engine.name, "runs": runs, "seconds": secs,
                     "runs_per_second": runs / secs})
    base = next((r["seconds"] for r in rows if r["engine"] == "compromise"), None)
    for r in rows:
        if base and "seconds" in r:
            r["ratio_to_compromise"] = r["seconds"] / base
    return rows


def bench_power(repeat: int = 7) -> dict[str, Any]:
    """Median seconds for exact Shapley-Shubik and Banzhaf indices of the EU-27 QMV rule."""
    from negsim.power import EU27_POPULATION_2025, VotingGame, banzhaf, shapley_shubik

    shares = np.array([share for _, share in EU27_POPULATION_2025])

    def both() -> None:
        game = VotingGame.eu_qmv(shares)
        shapley_shubik(game)
        banzhaf(game)

    return {"what": "EU-27 QMV, Shapley-Shubik + Banzhaf, exact", "seconds": _median_seconds(
        both, repeat)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m negsim.bench", description=__doc__)
    parser.add_argument("--runs", type=int, default=10_000, help="runs per engine call")
    parser.add_argument("--repeat", type=int, default=5, help="repetitions (median reported)")
    parser.add_argument("--engines", nargs="+", metavar="NAME",
                        help="only these engines (and the compromise baseline)")
    parser.add_argument("--quick", action="store_true",
                        help="fewer runs and engines: a few minutes instead of most of an hour")
    parser.add_argument("--no-ensembles", action="store_true",
                        help="skip the ensemble sections (sizes, workers, targets)")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    if args.quick:
        args.runs, args.repeat = min(args.runs, 2_000), min(args.repeat, 3)
        args.engines = args.engines or ["compromise", "nash", "war"]
    if args.engines:
        from negsim.engines import get
        from negsim.errors import EngineError

        for name in args.engines:
            try:
                get(name)
            except EngineError as exc:
                parser.error(str(exc))
    out: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "processor": platform.machine(),
                    "numpy": np.__version__},
        "engines": bench_engines(args.runs, args.repeat, args.engines),
        "power": bench_power(),
    }
    if not args.no_ensembles:
        from negsim import bench_ensemble

        out["ensembles"] = bench_ensemble.run_all(args.quick)
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"negsim benchmarks: reference scenario, {args.runs} runs (uncertain parameters "
          f"drawn per run), median of {args.repeat}")
    for r in out["engines"]:
        if "skipped" in r:
            print(f"  {r['engine']:<22} skipped: {r['skipped']}")
        else:
            print(f"  {r['engine']:<22} {r['seconds']:9.4f} s  {r['runs_per_second']:14,.0f} "
                  f"runs/s  x{r.get('ratio_to_compromise', float('nan')):.1f} compromise")
    p = out["power"]
    print(f"  {p['what']}: {p['seconds'] * 1000:.1f} ms")
    if "ensembles" in out:
        from negsim import bench_ensemble

        print()
        bench_ensemble.print_all(out["ensembles"])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

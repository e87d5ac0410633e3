"""Ensemble benchmarks: throughput and peak memory by engine and size, and workers' speed-up.

Run through ``python -m negsim.bench`` (or ``python -m negsim.bench_ensemble``). Every figure
comes from :func:`negsim.ensemble.run_ensemble` on the bundled reference scenario, its
uncertain parameters drawn per run, each measurement in a fresh Python process so that its peak
resident memory (``ru_maxrss`` of the process, and of its largest worker) is its own. Times
exclude imports and starting the workers (a warm-up ensemble runs first). Nothing here asserts a
speed: the machines are shared and noisy, so read ratios measured in the same run.

On Dask, the LocalCluster here clears ``distributed.nanny.pre-spawn-environ``: by default
Dask's nanny starts workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which turns off glibc's
adaptive mmap threshold, so every large numpy temporary is mapped and unmapped afresh; the war
engine then runs about 1.5 times slower in a Dask worker than in a plain process. negsim never
changes a user's Dask configuration; set the same on your own cluster for these workloads.

BLAS runs on one thread while a worker solves its blocks (:mod:`negsim._threads`): with
OpenBLAS's default threads, two worker processes on two cores ran the Nash ensemble only 1.26
times faster than one. The Nash engine takes a compiled Newton step when numba is installed
(``pip install negsim[fast]``); the targets are measured with it, and once more with the numpy
step (``NEGSIM_JIT=0``), in the same run, for the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from typing import Any

__all__ = ["acceptance", "main", "measure", "scaling", "speedup"]

_SCRIPT = r"""
import json, resource, sys, time
import negsim
from negsim._resources import reference_scenario
from negsim.ensemble import run_ensemble

engine, runs, workers, kind, repeat = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), \
    sys.argv[4], int(sys.argv[5])
s = negsim.load(reference_scenario())
executor, closer = None, None
if workers > 1 and kind == "process":
    import concurrent.futures as cf
    executor = cf.ProcessPoolExecutor(workers)
    closer = executor.shutdown
elif workers > 1 and kind == "dask":
    import dask
    from distributed import Client, LocalCluster
    # the nanny's default MALLOC_TRIM_THRESHOLD_ makes every large numpy temporary a fresh
    # mmap: about 1.5x slower on these engines (see the module docstring)
    dask.config.set({"distributed.nanny.pre-spawn-environ": {}})
    cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                           host="127.0.0.1", dashboard_address=None)
    client = Client(cluster)
    executor = client.get_executor()
    def closer():
        client.close(); cluster.close()
run_ensemble(s, min(runs, 64 * max(workers, 1)), engine, seed=0, executor=executor,
             progress=False, block=64)  # warm-up: imports in the workers, caches
times = []
for _ in range(repeat):
    t = time.perf_counter()
    e = run_ensemble(s, runs, engine, seed=1, executor=executor, progress=False)
    times.append(time.perf_counter() - t)
failed = int(e.failed.sum())
del e
if closer is not None:
    closer()
times.sort()
print(json.dumps({"seconds": times[len(times) // 2], "times": times, "failed": failed,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_peak_mb":
                      resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measure(engine: str, runs: int, workers: int = 1, kind: str = "process",
            repeat: int = 1, timeout: float = 1800,
            env: dict[str, str] | None = None) -> dict[str, Any]:
    """One ensemble of ``runs`` in a fresh process: median seconds of ``repeat``, runs per
    second, peak resident memory of the process and of its largest worker (MB). ``env`` adds
    to the process's environment (``{"NEGSIM_JIT": "0"}``: the numpy Newton step)."""
    done = subprocess.run([sys.executable, "-c", _SCRIPT, engine, str(runs), str(workers),
                           kind, str(repeat)], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, **(env or {})})
    if done.returncode != 0:
        return {"engine": engine, "runs": runs, "workers": workers, "executor": kind,
                "error": done.stderr.strip().splitlines()[-1] if done.stderr else "failed"}
    out = json.loads(done.stdout.strip().splitlines()[-1])
    return {"engine": engine, "runs": runs, "workers": workers,
            "executor": kind if workers > 1 else "sequential", **out,
            "runs_per_second": runs / out["seconds"]}


def scaling(engines: list[str], sizes: list[int], budget: float = 120.0) -> list[dict[str, Any]]:
    """Runs per second and peak memory of each engine at each size, sequentially; a size is
    skipped when the previous one predicts more than ``budget`` seconds."""
    rows = []
    for engine in engines:
        last: dict[str, Any] | None = None
        for n in sizes:
            if last is not None and "seconds" in last:
                predicted = last["seconds"] * n / last["runs"]
                if predicted > budget:
                    rows.append({"engine": engine, "runs": n, "skipped":
                                 f"about {predicted:.0f} s predicted, over the {budget:.0f} s "
                                 "budget"})
                    continue
            last = measure(engine, n, repeat=3 if n <= 10_000 else 1)
            rows.append(last)
            if "error" in last:
                break
    return rows


def speedup(engine: str, runs: int, workers: int = 2) -> list[dict[str, Any]]:
    """The same ensemble sequentially, on a process pool and on a Dask LocalCluster."""
    base = measure(engine, runs)
    rows = [base]
    for kind in ("process", "dask"):
        row = measure(engine, runs, workers, kind)
        if "seconds" in row and "seconds" in base:
            row["speedup"] = base["seconds"] / row["seconds"]
        rows.append(row)
    return rows


def acceptance(workers: int = 2) -> list[dict[str, Any]]:
    """The issue's targets: war 100,000 runs (36 rounds) under 60 s and 2 GB; compromise and
    Nash 1,000,000 runs under 10 s; all on ``workers`` processes."""
    targets: list[tuple[str, int, float, dict[str, str] | None]] = [
        ("war", 100_000, 60.0, None), ("compromise", 1_000_000, 10.0, None),
        ("nash", 1_000_000, 10.0, None)]
    if compiled_nash():
        targets.append(("nash", 1_000_000, 10.0, {"NEGSIM_JIT": "0"}))
    rows = []
    for engine, runs, limit, env in targets:
        row = measure(engine, runs, workers, "process", env=env)
        if env:
            row["note"] = "numpy Newton step (NEGSIM_JIT=0)"
        row["target_seconds"] = limit
        if "seconds" in row:
            row["total_peak_mb"] = row["peak_mb"] + workers * row["worker_peak_mb"]
        rows.append(row)
    return rows


def compiled_nash() -> bool:
    """Whether the Nash engine takes its compiled Newton step here (numba installed and not
    switched off)."""
    from negsim._spatial_bargaining import _compiled_step

    return _compiled_step() is not None


def report(section: str, rows: list[dict[str, Any]]) -> None:
    print(section)
    for r in rows:
        head = f"  {r['engine']:<20} {r['runs']:>10,} runs"
        if "skipped" in r:
            print(f"{head}  skipped: {r['skipped']}")
        elif "error" in r:
            print(f"{head}  error: {r['error']}")
        else:
            extra = ""
            if "speedup" in r:
                extra += f"  x{r['speedup']:.2f} vs sequential"
            if "target_seconds" in r:
                extra += (f"  (target {r['target_seconds']:.0f} s; peak "
                          f"{r['total_peak_mb']:,.0f} MB in all)")
            if "note" in r:
                extra += f"  [{r['note']}]"
            print(f"{head}  {r['executor']:>10} x{r['workers']}  {r['seconds']:8.2f} s  "
                  f"{r['runs_per_second']:10,.0f} runs/s  peak {r['peak_mb']:,.0f} MB "
                  f"(worker {r['worker_peak_mb']:,.0f} MB){extra}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m negsim.bench_ensemble",
                                     description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller sizes, fewer engines")
    parser.add_argument("--json", action="store_true", help="machine-readable output")
    args = parser.parse_args(argv)
    out = run_all(args.quick)
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        print_all(out)
    return 0


def run_all(quick: bool) -> dict[str, Any]:
    engines = ["compromise", "nash", "war"] if quick else [
        "compromise", "weighted_median", "nash", "egalitarian", "alternating_offers",
        "baron_ferejohn", "war", "expected_utility"]
    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    out: dict[str, Any] = {"scaling": scaling(engines, sizes, budget=60.0 if quick else 150.0)}
    # several 4,096-run blocks, so that two workers have something to share
    out["speedup"] = speedup("war", 16_384 if quick else 40_960)
    out["compiled_nash"] = compiled_nash()
    if not quick:
        out["acceptance"] = acceptance()
    return out


def print_all(out: dict[str, Any]) -> None:
    report("Throughput and peak memory by engine and size (sequential; median of 3 up to "
           "10,000 runs, else one run)", out["scaling"])
    report("Two workers against one, the same war ensemble", out["speedup"])
    if "acceptance" in out:
        report("Targets (2 worker processes; Nash with the "
               f"{'compiled' if out.get('compiled_nash') else 'numpy'} Newton step unless "
               "noted)", out["acceptance"])


if __name__ == "__main__":
    raise SystemExit(main())

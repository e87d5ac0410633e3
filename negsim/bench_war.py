"""Benchmark of the war engine: ``python -m negsim.bench_war``.

Runs the reference scenario (``scenarios/eu-russia-2026.toml``, 36 monthly rounds) under the
``war`` engine with 10,000 runs vectorised along the run axis, the scenario's uncertain
parameters drawn afresh for every run (seed 20261205; ``--fixed`` keeps them at their values),
so that no two runs pose the same problem, and reports runs per second (the
median of ``--repeats`` timings), peak memory of one vectorised solve (``tracemalloc``, numpy
allocations included) and the process's peak resident memory, and the speed-up over a plain
per-run loop of the same model: the same engine called once per run (run axis of length 1, a
fresh seed per run) in a Python loop over a few hundred runs, scaled to the same number of runs.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import time
import tracemalloc
from pathlib import Path

import numpy as np

import negsim

__all__ = ["main"]



def main(argv: list[str] | None = None) -> dict[str, float]:
    """Run the benchmark and print its figures; returns them as a dict."""
    ap = argparse.ArgumentParser(prog="python -m negsim.bench_war", description=__doc__)
    ap.add_argument("--runs", type=int, default=10_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--loop-runs", type=int, default=200)
    ap.add_argument("--scenario", default=None, help="default: the bundled reference")
    ap.add_argument("--fixed", action="store_true",
                    help="keep the uncertain parameters at their values (identical runs)")
    a = ap.parse_args(argv)
    from negsim._resources import reference_scenario

    a.scenario = a.scenario or str(reference_scenario())
    s = negsim.Scenario.from_toml(a.scenario)
    gen = np.random.default_rng(20261205)
    draws = {} if a.fixed else {u.path: u.sample(gen, a.runs) for u in s.uncertainties}
    negsim.run(s, "war", rng=0, n_runs=10,
               overrides={k: v[:10] for k, v in draws.items()})  # warm up imports and caches

    times = []
    for rep in range(a.repeats):
        t0 = time.perf_counter()
        r = negsim.run(s, "war", rng=rep, n_runs=a.runs, overrides=draws)
        times.append(time.perf_counter() - t0)
    median = statistics.median(times)

    tracemalloc.start()
    negsim.run(s, "war", rng=0, n_runs=a.runs, overrides=draws)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # kB -> MB on Linux

    t0 = time.perf_counter()
    for i in range(a.loop_runs):
        negsim.run(s, "war", rng=i, n_runs=1,
                   overrides={k: v[i:i + 1] for k, v in draws.items()})
    loop = (time.perf_counter() - t0) / a.loop_runs * a.runs

    out = {"runs": float(a.runs), "seconds_median": median, "runs_per_second": a.runs / median,
           "peak_traced_mb": peak / 2**20, "peak_rss_mb": rss,
           "loop_seconds_scaled": loop, "speedup_over_loop": loop / median,
           "agreement_share": float(np.mean(r.agreement))}
    print(f"war engine on {Path(a.scenario).name}: {a.runs:,} runs x {s.time.horizon} rounds, "
          + ("identical runs" if a.fixed else "uncertain parameters drawn per run"))
    print(f"  vectorised: {median:.2f} s (median of {a.repeats}: "
          + ", ".join(f"{t:.2f}" for t in times) + f"), {out['runs_per_second']:,.0f} runs/s")
    print(f"  peak memory: {out['peak_traced_mb']:.0f} MB traced in one solve, "
          f"{rss:.0f} MB resident (process peak)")
    print(f"  per-run loop: {a.loop_runs} runs, scaled to {a.runs:,}: {loop:.1f} s "
          f"-> vectorised is {out['speedup_over_loop']:.0f}x faster")
    print(f"  agreement within the horizon in {out['agreement_share']:.0%} of runs")
    return out


if __name__ == "__main__":
    main()

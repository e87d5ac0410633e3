"""negsim against NegMAS on the same negotiations, measured in one run.

``python -m negsim.bench_negmas [--quick] [--json] [--negmas-python PATH]``

The problem (issue 6): bilateral alternating offers over 3 issues with 10 values each (1,000
outcomes), a deadline of 100 rounds, two time-based conceding agents (Boulware, NegMAS's
exponent 4, ``e = 0.25`` here) with linear-additive utilities normalised to ``[0, 1]`` and
reservation values uniform on ``[0, 0.5]``, all drawn per negotiation from one seed
(:func:`negsim.discrete_offers.random_problems`).

negsim runs all ``--runs`` negotiations at once with :func:`negsim.discrete_offers.discrete_offers`
(``tol=1e-4``, NegMAS's tolerance), with each of its backends in the same run, on one thread:
``numpy`` (the vectorised code) and, if numba is installed, ``numba`` (the compiled kernel), and
then with the fastest on ``--workers`` threads; the script checks that both backends give the
same results, bit for bit. NegMAS runs the first ``--negmas-runs`` of the *same*
negotiations (the same weights, value utilities and reserves, passed as JSON through a
temporary file) one by one, each in its own ``SAOMechanism(n_steps=100)`` with two
``BoulwareTBNegotiator`` (``TimeBasedConcedingNegotiator`` for other exponents) and
``LinearAdditiveUtilityFunction`` built from ``TableFun`` value tables. Both timings include
building the utility functions from the arrays, not starting Python or importing; one-off costs
are left out: each negsim configuration is called once before it is timed (which compiles the
numba kernel, or loads it from numba's cache), and NegMAS's first negotiation is timed with the
rest but is one of hundreds. The figures are negotiations per second (and microseconds per
negotiation), medians over ``--repeat`` repeats, and their ratios to NegMAS's; the headline
ratio is the compiled backend's on one thread (the numpy backend's without numba). The script
also reports how often the two libraries reach the same agreement in the same round. The
rules of :mod:`negsim.discrete_offers` are NegMAS's, as its documentation states them, so they
should agree on (nearly) every negotiation; a mismatch would come from equal utilities or
rounding at a threshold, where the libraries may break ties differently.

NegMAS is not a dependency of negsim, and is AGPL-licensed: nothing of it is copied here. It
is only called, in a subprocess of a Python interpreter of its own, given by
``--negmas-python`` or the environment variable ``NEGSIM_NEGMAS_PYTHON``. To set it up::

    python3 -m venv /tmp/negmas-env && /tmp/negmas-env/bin/pip install negmas
    python -m negsim.bench_negmas --negmas-python /tmp/negmas-env/bin/python

Without it the script reports negsim's figures alone, says how to set NegMAS up, and exits 0.

``--workers K`` (default: the number of CPUs) also times negsim's fastest backend on ``K``
threads; the ratio that compares like with like is the single-threaded one, NegMAS running on one
core. This replaces an
earlier comparison of negsim's continuous ``alternating_offers`` engine with NegMAS on a
different problem, which measured the cost of the protocols rather than of the same numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import Any

import numpy as np

from negsim.discrete_offers import (
    DiscreteOffersResult,
    DiscreteProblems,
    discrete_offers,
    random_problems,
)

__all__ = ["bench_negmas", "bench_negsim", "main", "problems"]

ISSUES, VALUES, ROUNDS = 3, 10, 100
E = 0.25  # Boulware: NegMAS's exponent 4
TOL = 1e-4  # NegMAS's utility inverter widens the aspiration range by this much
RESERVE = (0.0, 0.5)
SEED = 20261205
SETUP = ("python3 -m venv /tmp/negmas-env && /tmp/negmas-env/bin/pip install negmas\n"
         "python -m negsim.bench_negmas --negmas-python /tmp/negmas-env/bin/python")

# Run by NegMAS's own interpreter: reads the problems, runs them one by one, writes the
# timings and agreements. Only NegMAS's public API is called.
_WORKER = textwrap.dedent('''
    import json, sys, time, warnings
    warnings.filterwarnings("ignore")
    import negmas
    from negmas import SAOMechanism, make_issue
    from negmas.preferences import LinearAdditiveUtilityFunction
    from negmas.preferences.value_fun import TableFun
    from negmas.sao import (BoulwareTBNegotiator, ConcederTBNegotiator, LinearTBNegotiator,
                            TimeBasedConcedingNegotiator)

    spec = json.load(open(sys.argv[1]))
    weights, values, reserve, ex = spec["weights"], spec["values"], spec["reserve"], spec["e"]
    rounds, n_values = spec["rounds"], len(values[0][0][0])
    named = {4.0: BoulwareTBNegotiator, 1.0: LinearTBNegotiator, 0.25: ConcederTBNegotiator}

    def negotiator(x, name):
        if x in named:
            return named[x](name=name)
        return TimeBasedConcedingNegotiator(name=name, offering_curve=x)

    def one(n):
        issues = [make_issue(name=f"i{k}", values=n_values) for k in range(len(weights[n][0]))]
        mech = SAOMechanism(issues=issues, n_steps=rounds)
        for i in range(2):
            ufun = LinearAdditiveUtilityFunction(
                values=[TableFun(dict(enumerate(v))) for v in values[n][i]],
                weights=weights[n][i], outcome_space=mech.outcome_space,
                reserved_value=reserve[n][i])
            mech.add(negotiator(1.0 / ex[n][i], f"a{i}"), ufun=ufun)
        state = mech.run()
        agreed = None if state.agreement is None else [int(x) for x in state.agreement]
        return agreed, int(state.step)

    seconds, cpu, results = [], [], []
    for rep in range(spec["repeat"]):
        t0, c0 = time.perf_counter(), time.process_time()
        out = [one(n) for n in range(len(weights))]
        seconds.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
        results = results or out
    json.dump({"version": negmas.__version__, "python": sys.version.split()[0],
               "seconds": seconds, "cpu_seconds": cpu, "results": results},
              open(sys.argv[2], "w"))
''')


def problems(runs: int, seed: int = SEED) -> DiscreteProblems:
    """The benchmark's ``runs`` random negotiations."""
    return random_problems(runs, issues=ISSUES, values=VALUES, reserve=RESERVE, rng=seed)


def backends() -> list[str]:
    """negsim's backends that can run here: ``numpy``, and ``numba`` if it is installed."""
    try:
        import numba  # noqa: F401
    except ImportError:
        return ["numpy"]
    return ["numpy", "numba"]


def bench_negsim(p: DiscreteProblems, repeat: int = 5, workers: int = 1,
                 backend: str = "auto") -> dict[str, Any]:
    """Negotiations per second for negsim on all of ``p`` at once (median of ``repeat``, after
    one call left out of the timing: numba's compilation or cache load, first touches of
    memory), with the results of the last repeat."""
    runs = len(p.reserve)

    def once() -> DiscreteOffersResult:
        return discrete_offers(p.weights, p.values, p.reserve, E, rounds=ROUNDS, tol=TOL,
                               workers=workers, backend=backend)

    once()  # warm-up, not timed
    times, cpu = [], []
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = once()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    secs = statistics.median(times)
    return {"library": "negsim", "backend": backend, "negotiations": runs, "repeat": repeat,
            "workers": workers, "seconds_median": secs, "per_second": runs / secs,
            "microseconds_each": 1e6 * secs / max(runs, 1),
            "per_cpu_second": runs / statistics.median(cpu),
            "agreement_share": float(np.mean(result.agreement)),
            "mean_round": float(np.mean(result.round[result.agreement])),
            "_result": result}


def bench_negmas(python: str | None, p: DiscreteProblems, repeat: int = 3,
                 timeout: float = 3600.0) -> dict[str, Any]:
    """Negotiations per second for NegMAS on the problems ``p``, run one by one by ``python``
    (an interpreter with NegMAS; median of ``repeat``), or why it did not run."""
    if not python:
        return {"library": "negmas", "skipped": "no Python with NegMAS given (--negmas-python "
                "or NEGSIM_NEGMAS_PYTHON)"}
    runs = len(p.reserve)
    spec = {"weights": p.weights.tolist(), "values": p.values.tolist(),
            "reserve": p.reserve.tolist(), "e": np.full((runs, 2), E).tolist(),
            "rounds": ROUNDS, "repeat": repeat}
    with tempfile.TemporaryDirectory(prefix="negsim-negmas-") as tmp:
        src, dst, script = (Path(tmp) / name for name in ("in.json", "out.json", "worker.py"))
        src.write_text(json.dumps(spec))
        script.write_text(_WORKER)
        try:
            proc = subprocess.run([python, str(script), str(src), str(dst)], capture_output=True,
                                  text=True, timeout=timeout, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return {"library": "negmas", "skipped": f"could not run {python}: {exc}"}
        if proc.returncode != 0 or not dst.exists():
            last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
            return {"library": "negmas", "skipped": f"{python} failed: {last}"}
        out = json.loads(dst.read_text())
    secs = statistics.median(out["seconds"])
    return {"library": f"negmas {out['version']}", "python": out["python"],
            "negotiations": runs, "repeat": repeat, "seconds_median": secs,
            "per_second": runs / secs,
            "per_cpu_second": runs / statistics.median(out["cpu_seconds"]),
            "_results": out["results"]}


def _identical(a: DiscreteOffersResult, b: DiscreteOffersResult) -> bool:
    """Whether two results are the same arrays, the utilities to the bit."""
    return all(np.array_equal(getattr(a, f), getattr(b, f))
               for f in ("agreement", "round", "proposer", "outcome")) and np.array_equal(
        a.utility.view(np.int64), b.utility.view(np.int64))


def _public(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if not k.startswith("_")}


def _compare(ours: Any, theirs: list[Any]) -> dict[str, Any]:
    """How often both libraries end the same way: same agreement (or none), same round."""
    n = len(theirs)
    same_outcome = same_round = 0
    for i, (agreed, step) in enumerate(theirs):
        if agreed is None:
            ok = not ours.agreement[i]
            same_outcome += ok
            same_round += ok
        elif ours.agreement[i]:
            # NegMAS numbers values in issue order too: its outcome tuple is our value indices
            ok = list(ours.outcome[i]) == agreed
            same_outcome += ok
            same_round += ok and int(ours.round[i]) + 1 == step
    return {"compared": n, "same_outcome": same_outcome, "same_outcome_and_round": same_round,
            "agreement_share_negmas": sum(a is not None for a, _ in theirs) / max(n, 1)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m negsim.bench_negmas",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="10,000 negsim and 30 NegMAS negotiations, fewer repeats")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--negmas-python", default=os.environ.get("NEGSIM_NEGMAS_PYTHON"),
                        help="a Python interpreter with NegMAS installed "
                             "(default: $NEGSIM_NEGMAS_PYTHON)")
    parser.add_argument("--runs", type=int, help="negsim negotiations (default 100,000)")
    parser.add_argument("--negmas-runs", type=int, help="NegMAS negotiations (default 200)")
    parser.add_argument("--repeat", type=int, help="repeats; the median is reported")
    parser.add_argument("--seed", type=int, default=SEED)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1,
                        help="also time negsim's fastest backend with this many threads "
                             "(default: the CPUs)")
    args = parser.parse_args(argv)
    runs = args.runs or (10_000 if args.quick else 100_000)
    negmas_runs = min(args.negmas_runs or (30 if args.quick else 200), runs)
    repeat = args.repeat or (3 if args.quick else 5)

    p = problems(runs, args.seed)
    single = {name: bench_negsim(p, repeat, 1, name) for name in backends()}
    fastest = "numba" if "numba" in single else "numpy"
    ours = single[fastest]
    threaded = (bench_negsim(p, repeat, args.workers, fastest) if args.workers > 1 else None)
    first = DiscreteProblems(weights=p.weights[:negmas_runs], values=p.values[:negmas_runs],
                             reserve=p.reserve[:negmas_runs])
    theirs = bench_negmas(args.negmas_python, first, max(1, min(repeat, 3)))
    out: dict[str, Any] = {
        "problem": {"issues": ISSUES, "values": VALUES, "outcomes": VALUES**ISSUES,
                    "rounds": ROUNDS, "e": E, "negmas_exponent": 1 / E, "tol": TOL,
                    "reserve": list(RESERVE), "seed": args.seed},
        "machine": {"python": platform.python_version(), "numpy": np.__version__,
                    "cpus": os.cpu_count()},
        "negsim": {name: _public(row) for name, row in single.items()},
        "negmas": _public(theirs),
    }
    if len(single) > 1:
        out["backends_identical"] = _identical(single["numpy"]["_result"],
                                               single["numba"]["_result"])
    if threaded is not None:
        out["negsim_threads"] = _public(threaded)
    if "per_second" in theirs:
        out["ratio"] = ours["per_second"] / theirs["per_second"]
        out["ratio_cpu"] = ours["per_cpu_second"] / theirs["per_cpu_second"]
        out["ratios"] = {name: row["per_second"] / theirs["per_second"]
                         for name, row in single.items()}
        if threaded is not None:
            out["ratio_threads"] = threaded["per_second"] / theirs["per_second"]
        out["agreement"] = _compare(ours["_result"], theirs["_results"])
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"{ISSUES} issues x {VALUES} values ({VALUES**ISSUES} outcomes), {ROUNDS} rounds, "
          f"two Boulware agents (e = {E}, NegMAS exponent {1 / E:g}), seed {args.seed}")
    for name, row in single.items():
        print(f"  negsim {name:<8} {row['per_second']:>12,.0f} negotiations/s  "
              f"({row['microseconds_each']:.2f} us each; {runs:,} at once, 1 thread, median of "
              f"{repeat}; {row['per_cpu_second']:,.0f} per CPU second)")
    if threaded is not None:
        print(f"  negsim {fastest:<8} {threaded['per_second']:>12,.0f} negotiations/s  "
              f"({threaded['microseconds_each']:.2f} us each; {args.workers} threads)")
    print(f"  negsim          agreement {ours['agreement_share']:.1%}, mean round "
          f"{ours['mean_round']:.1f}"
          + ("" if len(single) < 2 else "; the backends' results are "
             + ("identical" if out["backends_identical"] else "NOT identical")))
    if "numba" not in single:
        print("  (numba is not installed: pip install negsim[fast] for the compiled backend)")
    if "skipped" in theirs:
        print(f"  NegMAS          skipped: {theirs['skipped']}")
        print("  To measure against NegMAS, install it in an environment of its own:")
        print(textwrap.indent(SETUP, "    "))
        return 0
    agree = out["agreement"]
    print(f"  {theirs['library']:<15} {theirs['per_second']:>12,.1f} negotiations/s  "
          f"({1e3 / theirs['per_second']:.1f} ms each; {negmas_runs:,} one by one, median of "
          f"{theirs['repeat']}; {theirs['per_cpu_second']:,.1f} per CPU second)")
    others = [f"{name} x{out['ratios'][name]:,.0f}" for name in single if name != fastest]
    if threaded is not None:
        others.append(f"{fastest} on {args.workers} threads x{out['ratio_threads']:,.0f}")
    print(f"  ratio           x{out['ratio']:,.0f} ({fastest}, 1 thread; per CPU second "
          f"x{out['ratio_cpu']:,.0f}" + "".join(f"; {o}" for o in others) + ")")
    print(f"  same agreement  {agree['same_outcome']}/{agree['compared']} negotiations "
          f"({agree['same_outcome_and_round']} also in the same round)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Forecasting benchmarks: ``python -m negsim.bench_forecast [eu] [deu] [smp] [--repeat K]
[--draws N] [--json]``.

- ``eu``: ``--draws`` (default 10,000) Monte Carlo draws of the expected-utility model
  (:mod:`negsim.expected_utility`, the :data:`~negsim.expected_utility.GOLDEN` options) on the
  1994 emissions case, 10 actors x 8 rounds, every draw with its own inputs: positions
  jittered by a normal of sd 1 year (clipped to 0-12), capabilities and saliences scaled by
  lognormal factors (sd 0.2). Acceptance: under 1 s.
- ``deu``: every forecasting predictor of :mod:`negsim.validation` on all 322 DEU II issues
  (forecasts only, no bootstrap or calibration), each timed alone, and their total.
  Acceptance: the total under 5 s.
- ``smp``: the spatial model of politics (:mod:`negsim.smp`, default options: up to 50 turns) on
  each of KTAB's example inputs in ``tests/data/ktab`` (when run from a checkout).

Timings are medians of ``--repeat`` repetitions after a warm-up, on whatever machine runs it.
Not a test: nothing here asserts a speed.
"""

from __future__ import annotations

import argparse
import json
import platform
from pathlib import Path
from typing import Any

import numpy as np

from negsim.bench import _median_seconds

__all__ = ["bench_deu", "bench_eu", "bench_smp", "main"]

_KTAB = Path(__file__).resolve().parent.parent / "tests" / "data" / "ktab"


def eu_draws(draws: int, seed: int = 20261205) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Capabilities, positions and saliences of ``draws`` perturbed emissions cases, each of
    shape (draws, 10)."""
    from negsim.datasets import load_bdm1994_emissions

    case = load_bdm1994_emissions()
    rng = np.random.default_rng(seed)
    shape = (draws, case.positions.size)
    pos = np.clip(case.positions + rng.normal(0.0, 1.0, shape), 0.0, 12.0)
    cap = case.capabilities * rng.lognormal(0.0, 0.2, shape)
    sal = np.clip(case.saliences * rng.lognormal(0.0, 0.2, shape), 0.0, 1.0)
    return cap, pos, sal


def bench_eu(draws: int = 10_000, repeat: int = 5) -> dict[str, Any]:
    """Median seconds for ``draws`` Monte Carlo draws of the expected-utility model."""
    from negsim import expected_utility as eu

    cap, pos, sal = eu_draws(draws)
    secs = _median_seconds(lambda: eu.simulate(cap, pos, sal, 8, **eu.GOLDEN), repeat)
    return {"draws": draws, "actors": pos.shape[1], "rounds": 8, "seconds": secs,
            "draws_per_second": draws / secs}


def bench_deu(repeat: int = 5) -> list[dict[str, Any]]:
    """Median seconds of each DEU predictor on all sample issues, and a ``total`` row."""
    from negsim import validation as v
    from negsim.datasets import load_deu

    d = v.deu_sample(load_deu())
    rows = []
    for name, fn in v.PREDICTORS.items():
        rows.append({"predictor": name, "issues": d.n_issues,
                     "seconds": _median_seconds(lambda fn=fn: fn(d), repeat)})
    rows.append({"predictor": "total", "issues": d.n_issues,
                 "seconds": sum(r["seconds"] for r in rows)})
    return rows


def bench_smp(repeat: int = 3) -> list[dict[str, Any]]:
    """Median seconds and forecasts of the SMP (default options) on KTAB's example inputs."""
    from negsim import smp
    from negsim.compiled import compile_scenario
    from negsim.importers import load_ktab

    rows: list[dict[str, Any]] = []
    if not _KTAB.is_dir():
        return rows
    for path in sorted(p for p in _KTAB.iterdir() if p.suffix in {".csv", ".xml"}):
        c = compile_scenario(load_ktab(path))
        args = (c.capability, c.position, c.salience, c.lo, c.hi)
        secs = _median_seconds(lambda args=args: smp.simulate(*args), repeat)
        r = smp.simulate(*args)
        w = c.capability[:, :, None] * c.salience
        comp = (w * c.position).sum(1) / w.sum(1)
        rows.append({"file": path.name, "actors": c.n_actors, "dimensions": c.n_issues,
                     "seconds": secs, "turns": int(r.turns[0]),
                     "initial_forecast": r.forecast[0, 0].round(2).tolist(),
                     "forecast": r.forecast[0, -1].round(2).tolist(),
                     "compromise": comp[0].round(2).tolist()})
    return rows


def main(argv: list[str] | None = None) -> int:
    """Run the chosen sections (all by default) and print a table or JSON."""
    ap = argparse.ArgumentParser(prog="python -m negsim.bench_forecast")
    ap.add_argument("sections", nargs="*", metavar="{eu,deu,smp}",
                    help="sections to run (default: all)")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--draws", type=int, default=10_000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    unknown = sorted(set(args.sections) - {"eu", "deu", "smp"})
    if unknown:
        ap.error(f"unknown section(s) {', '.join(unknown)}; choose from eu, deu, smp")
    sections = args.sections or ["eu", "deu", "smp"]
    out: dict[str, Any] = {"machine": platform.platform(), "repeat": args.repeat}
    if "eu" in sections:
        out["eu"] = bench_eu(args.draws, args.repeat)
    if "deu" in sections:
        out["deu"] = bench_deu(args.repeat)
    if "smp" in sections:
        out["smp"] = bench_smp(max(1, min(args.repeat, 3)))
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"machine: {out['machine']}; medians of {args.repeat}")
    if "eu" in out:
        e = out["eu"]
        print(f"\nexpected utility, emissions case: {e['draws']:,} draws x {e['actors']} actors x "
              f"{e['rounds']} rounds: {e['seconds']:.3f} s ({e['draws_per_second']:,.0f} "
              "draws/s; acceptance < 1 s)")
    if "deu" in out:
        print("\nDEU II, all issues, forecasts only (acceptance: total < 5 s)")
        for r in out["deu"]:
            print(f"  {r['predictor']:16} {r['issues']:4} issues  {r['seconds']:8.3f} s")
    if out.get("smp"):
        print("\nSMP on KTAB's example inputs (default options)")
        for r in out["smp"]:
            print(f"  {r['file']:22} {r['actors']:3} actors x {r['dimensions']} dims  "
                  f"{r['seconds']:6.3f} s  turns {r['turns']:2}  initial {r['initial_forecast']}"
                  f"  final {r['forecast']}  compromise {r['compromise']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The ``negsim`` command line: validate, run, sweep, sources, engines, benchmark.

Exit status: 0 on success, 1 when an input is invalid (every problem is listed, never a
traceback), 2 when the command is used wrongly.
"""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from negsim._resources import reference_scenario
from negsim._version import __version__
from negsim.errors import NegsimError

__all__ = ["main"]


def _load(path: str) -> Any:
    from negsim.io import load

    return load(path)


def cmd_validate(args: argparse.Namespace) -> int:
    from negsim.provenance import provenance_report, summary_counts

    status = 0
    for path in args.files:
        try:
            s = _load(path)
        except NegsimError as exc:
            print(exc, file=sys.stderr)
            status = 1
            continue
        counts = summary_counts(provenance_report(s))
        note = ""
        if counts["unsourced"]:
            note = f"; {counts['unsourced']} parameters without source or assumption"
            if args.strict:
                status = 1
        print(f"ok: {path}: {len(s.actors)} actors, {len(s.issues)} issues, "
              f"{len(s.coalitions)} coalitions, {len(s.levers)} levers, "
              f"{len(s.uncertainties)} uncertainties, {len(s.variants)} variants; "
              f"hash {s.hash[:12]}{note}")
    return status


def _executor(workers: int | None) -> Any:
    if workers is None or workers <= 1:
        return None
    import concurrent.futures

    return concurrent.futures.ProcessPoolExecutor(workers)


def _seed(seed: int | None) -> int:
    if seed is not None:
        return seed
    import numpy as np

    entropy = np.random.SeedSequence().entropy  # recorded in the output, so it can be replayed
    assert isinstance(entropy, int)
    return entropy


def cmd_run(args: argparse.Namespace) -> int:
    from negsim.runner import run

    path = args.file or str(reference_scenario())
    s = _load(path)
    if args.runs is not None:
        return _run_ensemble(args, s)
    if args.workers is not None:
        raise NegsimError("--workers needs --runs (an ensemble)")
    if args.variant:
        s = s.with_variant(args.variant)
    result = run(s, args.engine, rng=args.seed)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2))
    else:
        print(result.summary())
        if result.engine == "war":
            from negsim.engines.war_engine import narrate

            print("\nWhat happened")
            for line in narrate(result, 0, scenario=s):
                print("  " + line)
    return 0


def _run_ensemble(args: argparse.Namespace, s: Any) -> int:
    from negsim.ensemble import run_ensemble

    if args.runs < 1:
        raise NegsimError(f"--runs must be at least 1, got {args.runs}")
    executor = _executor(args.workers)
    try:
        ens = run_ensemble(s, args.runs, args.engine, seed=_seed(args.seed),
                           variants=[args.variant] if args.variant else None,
                           executor=executor, progress=None if not args.json else False)
    finally:
        if executor is not None:
            executor.shutdown()
    if args.json:
        print(json.dumps(ens.to_dict(), indent=2, default=float))
    else:
        print(ens.summary())
    return 0


def _parse_vary(items: Sequence[str]) -> dict[str, list[float]]:
    levels: dict[str, list[float]] = {}
    for item in items:
        path, sep, values = item.partition("=")
        if not sep or not path.strip() or not values.strip():
            raise NegsimError(f"--vary {item!r}: expected PATH=v1,v2,... (for example "
                              f"levers.eu_sanctions.level=0,0.5,1)")
        try:
            nums = [float(v) for v in values.split(",")]
        except ValueError:
            raise NegsimError(f"--vary {item!r}: the levels must be numbers separated by "
                              f"commas") from None
        if path.strip() in levels:
            raise NegsimError(f"--vary names {path.strip()!r} twice")
        levels[path.strip()] = nums
    return levels


def cmd_sweep(args: argparse.Namespace) -> int:
    import numpy as np

    from negsim.design import cross, grid, monte_carlo
    from negsim.ensemble import run_sweep

    s = _load(args.file or str(reference_scenario()))
    out = Path(args.out)
    if out.suffix not in (".npz", ".nc", ".csv"):
        raise NegsimError(f"--out {args.out}: write .npz, .nc (netCDF) or .csv")
    if not out.parent.is_dir():
        raise NegsimError(f"--out {args.out}: no directory {str(out.parent)!r}")
    design = grid(_parse_vary(args.vary))
    seed = _seed(args.seed)
    if args.runs is not None:
        if args.runs < 1:
            raise NegsimError(f"--runs must be at least 1, got {args.runs}")
        gen = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(2**63,)))
        design = cross(design, monte_carlo(s.uncertainties, args.runs, rng=gen))
    executor = _executor(args.workers)
    try:
        ens = run_sweep(s, design, args.engine, seed=seed,
                        variants=args.variants or None, executor=executor,
                        progress=None if not args.json else False)
    finally:
        if executor is not None:
            executor.shutdown()
    if out.suffix == ".csv":
        import os

        tmp = out.with_name(out.name + ".partial")
        ens.to_pandas().to_csv(tmp, index=False)
        os.replace(tmp, out)
    else:
        ens.save(out)
    if args.json:
        print(json.dumps({"out": str(out), **ens.to_dict()}, indent=2, default=float))
    else:
        print(ens.summary())
        print(f"\nwrote {ens.n_runs:,} runs to {out}")
    return 0


def cmd_sources(args: argparse.Namespace) -> int:
    from negsim.digests import library
    from negsim.provenance import provenance_report, summary_counts

    s = _load(args.file)
    rows = provenance_report(s)
    counts = summary_counts(rows)
    if args.json:
        print(json.dumps({"summary": counts, "parameters": [
            {"path": r.path, "value": r.value, "status": r.status, "sources": list(r.sources),
             "assumption": r.assumption} for r in rows]}, indent=2))
        return 0
    lib = library((Path(args.file).resolve().parent.parent / "seeds",))
    for r in rows:
        print(f"{r.path} = {r.value:g}   [{r.status}]")
        for src in r.sources:
            doc, _, fact = src.partition("#")
            text = lib[doc].facts[fact].text if doc in lib and fact in lib[doc].facts else ""
            print(textwrap.fill(f"source {src}: {text}", 100, initial_indent="    ",
                                subsequent_indent="      "))
        if r.assumption:
            print(textwrap.fill(f"assumption: {r.assumption}", 100, initial_indent="    ",
                                subsequent_indent="      "))
    print()
    print(f"{counts['parameters']} parameters: {counts['sourced']} sourced, "
          f"{counts['sourced+assumption']} sourced with an assumption for the exact value, "
          f"{counts['assumption']} resting on an assumption alone, "
          f"{counts['unsourced']} unsourced.")
    print(f"Share resting on assumptions: {counts['assumption_share']:.0%} "
          f"(on assumptions alone: {counts['assumption_only_share']:.0%}).")
    return 0


def cmd_engines(args: argparse.Namespace) -> int:
    from negsim.engines import available

    engines = available()
    width = max(len(e.name) for e in engines)
    for e in engines:
        print(f"{e.name:<{width}}  {e.info.summary}")
    return 0


def cmd_benchmark(args: argparse.Namespace) -> int:
    from negsim import validation

    argv = [args.dataset, "--seed", str(args.seed), "--splits", str(args.splits)]
    if args.engines:
        argv += ["--engines", *args.engines]
    if args.json:
        argv.append("--json")
    return validation.main(argv)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="negsim",
        description="Simulate negotiations between political actors from scenario files.",
    )
    parser.add_argument("--version", action="version", version=f"negsim {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("validate", help="check scenario files and list every problem",
                       description="Check scenario files; exit 1 listing every problem.")
    p.add_argument("files", nargs="+", metavar="FILE")
    p.add_argument("--strict", action="store_true",
                   help="also fail when a parameter has neither a source nor an assumption")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("run", help="run an engine on a scenario",
                       description="Run an engine on a scenario (default: the bundled "
                                   "reference scenario, eu-russia-2026).")
    p.add_argument("file", nargs="?", metavar="FILE",
                   help="scenario file (default: the bundled reference scenario)")
    p.add_argument("--engine", metavar="NAME", help="engine (default: the scenario's own)")
    p.add_argument("--seed", type=int, metavar="N", help="random seed (recorded in the result)")
    p.add_argument("--variant", metavar="ID", help="apply one of the scenario's variants")
    p.add_argument("--runs", type=int, metavar="N",
                   help="run an ensemble of N runs, drawing the scenario's uncertainties for "
                        "each, and print its summary with intervals")
    p.add_argument("--workers", type=int, metavar="K",
                   help="run the ensemble on K worker processes (same results as one)")
    p.add_argument("--json", action="store_true", help="print a machine-readable result")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("sweep", help="run a grid of parameter values and write the results",
                       description="Run every combination of the --vary levels (crossed with "
                                   "--runs uncertainty samples if given) and write one row "
                                   "per run to --out (.npz, .nc or .csv).")
    p.add_argument("file", nargs="?", metavar="FILE",
                   help="scenario file (default: the bundled reference scenario)")
    p.add_argument("--vary", action="append", required=True, metavar="PATH=v1,v2,...",
                   help="a parameter path and its levels; repeat for a grid over several")
    p.add_argument("--runs", type=int, metavar="N",
                   help="uncertainty samples per grid point (default: none, the scenario's "
                        "values)")
    p.add_argument("--out", required=True, metavar="FILE", help="results file")
    p.add_argument("--engine", metavar="NAME", help="engine (default: the scenario's own)")
    p.add_argument("--variants", nargs="+", metavar="ID",
                   help="run the sweep under each of these variants ('baseline' for none)")
    p.add_argument("--seed", type=int, metavar="N", help="random seed (recorded)")
    p.add_argument("--workers", type=int, metavar="K", help="worker processes")
    p.add_argument("--json", action="store_true", help="print a machine-readable summary")
    p.set_defaults(func=cmd_sweep)

    p = sub.add_parser("sources", help="list every parameter with its source or assumption",
                       description="List every parameter of a scenario with its source or "
                                   "assumption, and the share resting on assumptions.")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--json", action="store_true", help="print machine-readable output")
    p.set_defaults(func=cmd_sources)

    p = sub.add_parser("engines", help="list the registered engines",
                       description="List the registered engines, one line each.")
    p.set_defaults(func=cmd_engines)

    from negsim.validation import PREDICTORS

    p = sub.add_parser("benchmark", help="score forecasts on real negotiations (DEU II)",
                       description="Score forecasting models on the DEU II data (Thomson et "
                                   "al. 2012): MAE, median error, RMSE, shares within 10 and "
                                   "20 points, paired-bootstrap intervals against the "
                                   "compromise model, and held-out scores from proposal "
                                   "splits.")
    p.add_argument("dataset", choices=["deu"])
    p.add_argument("--engines", nargs="+", choices=sorted(PREDICTORS), metavar="NAME",
                   help=f"predictors to score (default all: {', '.join(sorted(PREDICTORS))})")
    p.add_argument("--seed", type=int, default=0, help="seed of the bootstrap and the splits")
    p.add_argument("--splits", type=int, default=5, help="random proposal splits to average")
    p.add_argument("--json", action="store_true", help="print machine-readable output")
    p.set_defaults(func=cmd_benchmark)

    def cmd_compare(args: argparse.Namespace) -> int:  # imported on use: keeps startup fast
        from negsim.compare import cli_compare

        return cli_compare(args)

    def cmd_report(args: argparse.Namespace) -> int:
        from negsim.report import cli_report

        return cli_report(args)

    for name, func, text in (
            ("compare", cmd_compare, "Compare a scenario's variants with its baseline on common "
                                     "random numbers: the probability of agreement within the "
                                     "horizon, the median round of agreement, the expected "
                                     "terms per issue and each actor's gain over its walk-away "
                                     "value, with 95% intervals and paired differences."),
            ("report", cmd_report, "Write a self-contained Markdown report with PNG figures: "
                                   "the scenario and its sources, outcomes, timelines, lever "
                                   "effects and the variant comparison.")):
        p = sub.add_parser(name, help=text.split(":")[0].lower(), description=text)
        p.add_argument("file", nargs="?", metavar="FILE",
                       help="scenario file (default: the bundled reference scenario)")
        if name == "report":
            p.add_argument("--out", required=True, metavar="DIR",
                           help="directory for report.md and its figures (created if needed)")
        p.add_argument("--variants", nargs="+", metavar="ID",
                       help="variants to compare (default: all of the scenario's)")
        p.add_argument("--engine", metavar="NAME", help="engine (default: the scenario's own)")
        p.add_argument("--runs", type=int, default=1000, metavar="N",
                       help="runs per variant, on the same draws (default 1000)")
        p.add_argument("--seed", type=int, default=0, metavar="S",
                       help="seed of the draws, the engine and the bootstrap (default 0)")
        if name == "compare":
            p.add_argument("--json", action="store_true", help="print machine-readable output")
        p.set_defaults(func=func)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``negsim`` command; returns the exit status."""
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except NegsimError as exc:
        print(f"negsim {args.command}: {exc}", file=sys.stderr)
        return 1
    except KeyError as exc:  # an unknown variant id and the like
        print(f"negsim {args.command}: {exc.args[0]}", file=sys.stderr)
        return 1
    except BrokenPipeError:  # output piped into `head` and the like: not an error
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())

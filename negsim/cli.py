"""The ``negsim`` command line: validate, run, sources, engines.

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


def cmd_run(args: argparse.Namespace) -> int:
    from negsim.runner import run

    path = args.file or str(reference_scenario())
    s = _load(path)
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
    p.add_argument("--json", action="store_true", help="print a machine-readable result")
    p.set_defaults(func=cmd_run)

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

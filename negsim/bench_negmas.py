"""Agent-based alternating offers: negsim against NegMAS, measured in the same script.

``python -m negsim.bench_negmas [--agents N] [--issues K] [--rounds T] [--runs R] [--json]``

Both sides run the same kind of negotiation: ``N`` agents with linear-additive utilities over
``K`` issues, time-based Boulware concession, a proposer that rotates, agreement when every
other agent accepts, a deadline of ``T`` rounds. NegMAS (``SAOMechanism`` with
``BoulwareTBNegotiator``; issues with 11 values each, its usual discrete form) runs one
negotiation at a time, with random utility functions; negsim's ``alternating_offers`` engine
runs ``R`` negotiations at once on continuous issues, the actors' positions and saliences drawn
afresh for each run. The figure reported is the ratio of the time per negotiation. The models
are alike, not identical (discrete against continuous issues, each library's own Boulware
curve and acceptance rule), so the ratio measures the cost of running the protocol, not of
computing the same numbers.

NegMAS is not a dependency of negsim (and is AGPL-licensed: nothing of it is copied here; it is
only called). Install it in the environment to measure against it
(``pip install negmas``); without it the script reports negsim's figures alone.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from typing import Any

import numpy as np

import negsim
from negsim import Actor, Issue, Scenario, Table

__all__ = ["bench_negmas", "bench_negsim", "main"]


def _scenario(n: int, k: int, rounds: int) -> Scenario:
    issues = tuple(Issue(id=f"i{j}", label=f"Issue {j}", status_quo=50.0,
                         assumption="benchmark") for j in range(k))
    actors = tuple(Actor(id=f"a{i}", name=f"Agent {i}", kind="state", capability=1.0,
                         position={f"i{j}": 0.0 for j in range(k)},
                         salience={f"i{j}": 1.0 for j in range(k)},
                         walk_away=0.0, assumption="benchmark") for i in range(n))
    return Scenario(title="negotiation benchmark", issues=issues, actors=actors,
                    table=Table(negotiators=tuple(a.id for a in actors)),
                    time=negsim.model.Time(horizon=rounds, assumption="benchmark"))


def bench_negsim(n: int, k: int, rounds: int, runs: int, repeat: int = 5,
                 seed: int = 20261205) -> dict[str, Any]:
    """Seconds per negotiation for negsim's vectorised agents (median of ``repeat``)."""
    s = _scenario(n, k, rounds)
    rng = np.random.default_rng(seed)
    overrides = {}
    for i in range(n):
        for j in range(k):
            overrides[f"actors.a{i}.position.i{j}"] = rng.uniform(0.0, 100.0, runs)
            overrides[f"actors.a{i}.salience.i{j}"] = rng.uniform(0.05, 1.0, runs)
    params = {"strategy": "boulware"}

    def once() -> negsim.Result:
        return negsim.run(s, "alternating_offers", params=params, rng=0, n_runs=runs,
                          overrides=overrides)

    result = once()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        once()
        times.append(time.perf_counter() - t0)
    secs = statistics.median(times)
    return {"library": "negsim", "negotiations": runs, "seconds": secs,
            "seconds_per_negotiation": secs / runs,
            "agreement_share": float(np.mean(result.agreement))}


def bench_negmas(n: int, k: int, rounds: int, runs: int, seed: int = 20261205) -> dict[str, Any]:
    """Seconds per negotiation for NegMAS, one negotiation at a time (or why it did not run)."""
    try:
        from negmas import SAOMechanism, make_issue
        from negmas.preferences import LinearAdditiveUtilityFunction
        from negmas.sao import BoulwareTBNegotiator
    except ImportError as exc:
        return {"library": "negmas", "skipped": f"NegMAS is not installed ({exc})"}
    import random

    random.seed(seed)  # NegMAS draws its random utility functions from the global state
    issues = [make_issue(name=f"i{j}", values=11) for j in range(k)]
    agreed = 0
    t0 = time.perf_counter()
    for _ in range(runs):
        mechanism = SAOMechanism(issues=issues, n_steps=rounds)
        for i in range(n):
            ufun = LinearAdditiveUtilityFunction.random(outcome_space=mechanism.outcome_space,
                                                        reserved_value=0.0)
            mechanism.add(BoulwareTBNegotiator(name=f"a{i}"), ufun=ufun)
        agreed += mechanism.run().agreement is not None
    secs = time.perf_counter() - t0
    import negmas

    return {"library": f"negmas {negmas.__version__}", "negotiations": runs, "seconds": secs,
            "seconds_per_negotiation": secs / runs, "agreement_share": agreed / runs}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m negsim.bench_negmas",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--agents", type=int, default=3)
    parser.add_argument("--issues", type=int, default=3)
    parser.add_argument("--rounds", type=int, default=36)
    parser.add_argument("--runs", type=int, default=10_000, help="negsim negotiations per call")
    parser.add_argument("--negmas-runs", type=int, default=200,
                        help="NegMAS negotiations (run one by one)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    ours = bench_negsim(args.agents, args.issues, args.rounds, args.runs)
    theirs = bench_negmas(args.agents, args.issues, args.rounds, args.negmas_runs)
    out: dict[str, Any] = {"agents": args.agents, "issues": args.issues, "rounds": args.rounds,
                           "negsim": ours, "negmas": theirs}
    if "seconds_per_negotiation" in theirs:
        out["speedup"] = theirs["seconds_per_negotiation"] / ours["seconds_per_negotiation"]
    if args.json:
        print(json.dumps(out, indent=2))
        return 0
    print(f"{args.agents} agents, {args.issues} issues, {args.rounds} rounds, Boulware")
    for r in (ours, theirs):
        if "skipped" in r:
            print(f"  {r['library']:<14} skipped: {r['skipped']}")
        else:
            print(f"  {r['library']:<14} {r['seconds_per_negotiation'] * 1e6:12.1f} us per "
                  f"negotiation ({r['negotiations']:,} run, agreement "
                  f"{r['agreement_share']:.0%})")
    if "speedup" in out:
        print(f"  negsim is x{out['speedup']:,.0f} faster per negotiation")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

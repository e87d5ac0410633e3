"""Running an engine on a scenario: ``negsim.run``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim.compiled import Compiled, compile_scenario
from negsim.engines import get
from negsim.engines.base import parse_params
from negsim.errors import EngineError
from negsim.result import Result
from negsim.scenario import Scenario

__all__ = ["make_rng", "run"]


def make_rng(rng: int | np.random.Generator | None) -> tuple[np.random.Generator, int | None]:
    """A Generator from ``rng`` (SPEC 7), and the seed to record for replaying it.

    An int seeds a new generator and is recorded; ``None`` draws fresh entropy and records it;
    a Generator is used as is (its seed is unknown to negsim and recorded as None).
    """
    if isinstance(rng, np.random.Generator):
        return rng, None
    if rng is None:
        entropy = np.random.SeedSequence().entropy
        assert isinstance(entropy, int)
        return np.random.default_rng(entropy), entropy
    if isinstance(rng, int | np.integer) and not isinstance(rng, bool) and rng >= 0:
        return np.random.default_rng(int(rng)), int(rng)
    raise TypeError(f"rng must be a non-negative int, a numpy Generator or None, got {rng!r}")


def run(
    scenario: Scenario,
    engine: str | None = None,
    *,
    params: Mapping[str, Any] | Any | None = None,
    rng: int | np.random.Generator | None = None,
    n_runs: int = 1,
    overrides: Mapping[str, NDArray[np.floating]] | None = None,
) -> Result:
    """Run an engine on a scenario.

    Parameters
    ----------
    scenario : Scenario
    engine : str, optional
        Registry name; default the scenario's ``[engine] kind``.
    params : mapping or the engine's parameter object, optional
        Default the scenario's ``[engine] params`` when the engine is the scenario's own.
    rng : int, numpy.random.Generator or None
        Seed or generator; the seed is recorded in the result.
    n_runs : int
        Length of the run axis.
    overrides : mapping of path to ndarray, shape (n_runs,)
        Per-run parameter values (see :func:`negsim.compiled.compile_scenario`).

    Returns
    -------
    Result

    Raises
    ------
    EngineError
        If the engine is unknown or cannot run this scenario (it says why).
    ScenarioError
        If the parameters are invalid.
    """
    name = engine or scenario.engine.kind
    eng = get(name)
    if params is None:
        params = scenario.engine.params if name == scenario.engine.kind else {}
    p = parse_params(eng.params, params)
    if eng.check is not None:
        reasons = eng.check(scenario)
        if reasons:
            raise EngineError(f"engine {name!r} cannot run scenario {scenario.title!r}: "
                              + "; ".join(reasons))
    generator, seed = make_rng(rng)
    compiled = compile_scenario(scenario, n_runs, overrides)
    return _result(scenario, compiled, eng.name, p, seed, eng.solve(compiled, p, generator))


def _result(s: Scenario, c: Compiled, name: str, p: Any, seed: int | None, out: Any) -> Result:
    from negsim.coalitions import coalition_power

    extras = dict(out.extras)
    for coalition in s.coalitions:  # members' Shapley-Shubik power under the default rule
        power = coalition_power(coalition)
        extras[f"power.{coalition.id}"] = np.broadcast_to(power, (c.n_runs, power.size))
    return Result(
        engine=name,
        params=attrs.asdict(p),
        seed=seed,
        scenario_hash=c.scenario_hash,
        scenario_title=s.title,
        issue_ids=c.issue_ids,
        actor_ids=c.actor_ids,
        issue_labels=tuple(i.label for i in s.issues),
        actor_names=tuple(a.name for a in s.actors),
        outcome=out.outcome,
        agreement=out.agreement,
        round=out.round,
        utility=out.utility,
        walk_away=np.asarray(c.walk_away if out.walk_away is None else out.walk_away),
        extras=extras,
    )

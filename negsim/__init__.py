"""negsim: simulate negotiations between political actors.

Describe a negotiation in a scenario file (issues, actors, coalitions, levers, the table), load
it, and run bargaining engines that reproduce the theory they implement::

    import negsim
    scenario = negsim.load("scenarios/eu-russia-2026.toml")
    result = negsim.run(scenario, "compromise", rng=0)
    print(result.summary())
"""

from negsim._version import __version__
from negsim.ensemble import EnsembleResult, run_ensemble, run_sweep
from negsim.errors import EngineError, NegsimError, Problem, ScenarioError
from negsim.io import dump, dumps, load, loads
from negsim.levers import Condition, Effect, Lever, Step
from negsim.model import Actor, Citation, Coalition, EngineSettings, Issue, Table, Time
from negsim.result import Result
from negsim.runner import run
from negsim.scenario import Scenario, Uncertainty, Variant
from negsim.stepping import steps

__all__ = [
    "Actor",
    "Citation",
    "Coalition",
    "Condition",
    "Effect",
    "EngineError",
    "EngineSettings",
    "EnsembleResult",
    "Issue",
    "Lever",
    "NegsimError",
    "Problem",
    "Result",
    "Scenario",
    "ScenarioError",
    "Step",
    "Table",
    "Time",
    "Uncertainty",
    "Variant",
    "__version__",
    "dump",
    "dumps",
    "load",
    "loads",
    "run",
    "run_ensemble",
    "run_sweep",
    "steps",
]

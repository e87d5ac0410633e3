"""Strategic protocols as engines: alternating offers, numerically and as concession agents.

``rubinstein``: the stationary subgame-perfect equilibrium of two-party, multi-issue alternating
offers (Rubinstein 1982; :func:`negsim.rubinstein_numeric.rubinstein_equilibrium`). The first
negotiator at the table proposes first; each discounts by its ``discount`` per round; the
disagreement point is each party's walk-away value. It needs a bilateral table: exactly two
negotiating actors who are also exactly the ratifiers, with discount factors below 1 and risk
exponents of at least 1 (concave utilities).

``alternating_offers``: the agent-based view (:func:`negsim.concession.simulate_concession`):
the negotiators propose in turn in table order until every ratifier accepts or the scenario's
horizon passes, each following a concession strategy (Faratin, Sierra & Jennings 1998) against
its walk-away value. Results report each actor's utility of the agreed outcome (its walk-away
value without agreement); the discounted, cost-adjusted values actually realised are in
``extras["realised_value"]``.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np

from negsim.compiled import Compiled
from negsim.concession import STRATEGIES, simulate_concession
from negsim.engines.base import Engine, EngineInfo, Outcome
from negsim.errors import Problem, ScenarioError
from negsim.rubinstein_numeric import rubinstein_equilibrium
from negsim.scenario import Scenario

__all__ = ["AlternatingOffersParams", "RubinsteinParams"]


def _strategy_overrides(_: Any, attribute: Any, value: str) -> None:
    for i, item in enumerate(filter(None, (x.strip() for x in value.split(",")))):
        actor, sep, name = item.partition("=")
        if not sep or not actor.strip() or name.strip() not in STRATEGIES:
            raise ScenarioError([Problem(
                f"overrides must read 'actor=strategy, ...' with strategies from "
                f"{', '.join(STRATEGIES)}; got {item!r}", f"{attribute.name}.{i}")])


@attrs.frozen(kw_only=True)
class AlternatingOffersParams:
    """Parameters of the agent-based alternating-offers engine.

    Parameters
    ----------
    strategy : str
        Every actor's concession strategy: boulware, linear, conceder, tit_for_tat, hardliner.
    overrides : str
        Per-actor strategies, ``"russia=hardliner, ukraine=linear"``.
    exponent : float
        Concession exponent of the time-based strategies; 0 keeps each strategy's default
        (boulware 0.2, linear 1, conceder 5).
    deadline : int
        Rounds; 0 means the scenario's horizon.
    objective : {"nash", "sum"}
        What a proposer maximises for the other ratifiers among offers it can live with.
    n_random : int
        Random candidate offers per proposer and round (the only chance in the protocol).
    """

    strategy: str = attrs.field(default="boulware", validator=attrs.validators.in_(STRATEGIES))
    overrides: str = attrs.field(default="", validator=_strategy_overrides)
    exponent: float = attrs.field(default=0.0, validator=attrs.validators.ge(0.0))
    deadline: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    objective: str = attrs.field(default="nash", validator=attrs.validators.in_(("nash", "sum")))
    n_random: int = attrs.field(default=0, validator=attrs.validators.ge(0))


def _order(c: Compiled) -> np.ndarray:
    return np.flatnonzero(c.negotiator)


def _solve_alternating(c: Compiled, p: AlternatingOffersParams,
                       rng: np.random.Generator) -> Outcome:
    codes = np.full(c.n_actors, STRATEGIES[p.strategy], dtype=np.int64)
    for item in filter(None, (x.strip() for x in p.overrides.split(","))):
        actor, _, name = item.partition("=")
        if actor.strip() not in c.actor_ids:
            raise ScenarioError([Problem(f"unknown actor {actor.strip()!r} in overrides",
                                         "engine.params.overrides")])
        codes[c.actor_ids.index(actor.strip())] = STRATEGIES[name.strip()]
    res = simulate_concession(
        c.position, c.weight, c.risk, c.lo, c.hi, c.status_quo, codes,
        exponent=None if p.exponent == 0 else np.full((c.n_runs, c.n_actors), p.exponent),
        reservation=c.walk_away, deadline=p.deadline or c.horizon, ratifier=c.ratifier,
        order=_order(c), discount=c.discount, cost=c.cost, objective=p.objective,  # type: ignore[arg-type]
        n_random=p.n_random, rng=rng,
    )
    utility = np.where(res.agreement[:, None], c.utility(res.outcome), c.walk_away)
    return Outcome(outcome=res.outcome, agreement=res.agreement, round=res.round,
                   utility=utility, extras={"realised_value": res.utility})


@attrs.frozen(kw_only=True)
class RubinsteinParams:
    """Parameters of the multi-issue Rubinstein engine.

    Parameters
    ----------
    frontier_points : int
        Angles at which the Pareto frontier is sampled (refined twice around the proposals).
    """

    frontier_points: int = attrs.field(default=257, validator=attrs.validators.ge(17))


def _check_bilateral(s: Scenario) -> list[str]:
    from negsim.compiled import compile_scenario

    c = compile_scenario(s)
    why = []
    if c.negotiator.sum() != 2:
        why.append(f"it is bilateral, but the table seats {int(c.negotiator.sum())} negotiating "
                   "actors")
    elif (c.ratifier != c.negotiator).any():
        why.append("the two negotiators must be exactly the parties whose consent the deal "
                   "needs (ratifiers: " + ", ".join(
                       a for a, r in zip(c.actor_ids, c.ratifier, strict=True) if r) + ")")
    neg = c.negotiator
    if (c.discount[:, neg] >= 1.0).any():
        why.append("each negotiator needs a discount factor below 1 (patience is what gives "
                   "the proposer its edge)")
    if (c.risk[:, neg] < 1.0).any():
        why.append("risk exponents below 1 make the frontier non-convex")
    return why


def _solve_rubinstein(c: Compiled, p: RubinsteinParams, rng: np.random.Generator) -> Outcome:
    idx = _order(c)
    res = rubinstein_equilibrium(
        c.position[:, idx], c.weight[:, idx], c.risk[:, idx], c.lo, c.hi, c.discount[:, idx],
        c.walk_away[:, idx], n_frontier=p.frontier_points)
    agree = np.asarray(res.feasible, dtype=bool)
    x = np.where(agree[:, None], res.outcome, c.status_quo)
    utility = np.where(agree[:, None], c.utility(x), c.walk_away)
    return Outcome(outcome=x, agreement=agree, round=np.where(agree, 0, -1).astype(np.int64),
                   utility=utility, extras={"frontier_error": np.asarray(res.frontier_error)})


alternating_offers = Engine(
    info=EngineInfo(
        name="alternating_offers",
        summary="agent-based multilateral alternating offers with concession strategies",
        family="agent-based",
        guarantees={"feasible", "individually_rational"},
        assumptions=("negotiators propose in table order; every ratifier must accept",
                     "agents follow concession strategies, not equilibrium play"),
        references=("Faratin, Sierra & Jennings (1998) Robotics and Autonomous Systems 24",
                    "Aydogan et al. (2017) Alternating offers protocols for multilateral "
                    "negotiation", "Baarslag, Hindriks & Jonker (2013) tit for tat"),
    ),
    params=AlternatingOffersParams,
    solve=_solve_alternating,
)

rubinstein = Engine(
    info=EngineInfo(
        name="rubinstein",
        summary="stationary SPE of bilateral multi-issue alternating offers (Rubinstein 1982)",
        family="strategic",
        guarantees={"feasible", "individually_rational", "deterministic", "pareto"},
        assumptions=("two negotiators who are the only ratifiers", "complete information",
                     "discount factors below 1; concave utilities (risk >= 1)"),
        references=("Rubinstein (1982) Perfect equilibrium in a bargaining model, "
                    "Econometrica 50",),
    ),
    params=RubinsteinParams,
    solve=_solve_rubinstein,
    check=_check_bilateral,
)

from negsim.engines import register  # noqa: E402

register(alternating_offers)
register(rubinstein)

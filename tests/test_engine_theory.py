"""Section 8 of theory.md through the registry: the Nash engine's comparative statics on scenarios.

The axiomatic functions are checked on abstract and spatial problems in test_axiomatic.py; here
the same properties are checked end to end, through scenario objects and ``negsim.run``, on
hypothesis-generated scenarios with concave utilities (the shape the engine accepts):

- the Nash solution's terms for a bargainer rise with its disagreement value ``d_i`` (its
  walk-away value), whatever the number of bargainers (Roth 1979, ch. 1);
- the generalised Nash solution's terms for a bargainer rise with its bargaining power
  ``tau_i`` (Harsanyi & Selten 1972).

Kalai-Smorodinsky's individual monotonicity and the egalitarian solution's strong monotonicity
compare two feasible sets, one inside the other; scenarios offer no such pair without changing
the utilities themselves, so they are checked on spatial problems in test_axiomatic.py.
"""

from __future__ import annotations

import numpy as np
from hypothesis import assume, given, reject, strategies as st

import negsim
from negsim.compiled import compile_scenario
from negsim.strategies import scenarios

CONCAVE = scenarios(max_actors=4, max_issues=3, max_uncertainties=0, min_risk=1.0)


def _bargainers(s: negsim.Scenario) -> list[int]:
    c = compile_scenario(s)
    cares = c.salience[0].sum(axis=1) > 0.0
    return [int(i) for i in np.flatnonzero(c.ratifier & cares)]


def _run(s: negsim.Scenario, engine: str, **kw) -> negsim.Result:
    try:
        return negsim.run(s, engine, rng=0, **kw)
    except negsim.EngineError:
        reject()
        raise  # unreachable: reject() raises


@given(s=CONCAVE, pick=st.integers(0, 10), lo=st.floats(0.0, 1.0), hi=st.floats(0.0, 1.0))
def test_nash_terms_rise_with_the_disagreement_value(s, pick, lo, hi):
    who = _bargainers(s)
    assume(who)
    i = who[pick % len(who)]
    lo, hi = sorted((lo, hi))
    # two runs, the bargainer's walk-away value at lo and then at hi (a fraction of the best
    # it could get, its ideal point's utility 1)
    r = _run(s, "nash", n_runs=2,
             overrides={f"actors.{s.actors[i].id}.walk_away": np.array([lo, hi])})
    assert r.utility[1, i] >= r.utility[0, i] - 1e-6


@given(s=CONCAVE, pick=st.integers(0, 10), low=st.floats(0.1, 1.0), more=st.floats(0.01, 4.0))
def test_generalised_nash_terms_rise_with_bargaining_power(s, pick, low, more):
    who = _bargainers(s)
    assume(len(who) >= 2)
    i = who[pick % len(who)]
    ids = [s.actors[j].id for j in who]

    def weights(tau_i: float) -> str:
        return ", ".join(f"{a}={tau_i if j == i else 1.0}" for j, a in zip(who, ids, strict=True))

    weak = _run(s, "nash", params={"power": "given", "weights": weights(low)})
    strong = _run(s, "nash", params={"power": "given", "weights": weights(low + more)})
    assert strong.utility[0, i] >= weak.utility[0, i] - 1e-6

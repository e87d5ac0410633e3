"""The Baron-Ferejohn engine on scenario objects (theory.md, sections 3, 7 and 8).

Expected values come from the closed forms of Baron & Ferejohn (1989) or are derived by hand in
each test's docstring; the mapping onto the issues is Kalai's (1977) proportional solution.
"""

from __future__ import annotations

import itertools
import time

import attrs
import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

import negsim
import negsim.engines.legislative  # registers the engine (until negsim.engines imports it)
from negsim import Actor, Coalition, EngineError, Issue, Scenario, ScenarioError, Table
from negsim.axiomatic import egalitarian_outcome
from negsim.baron_ferejohn import stationary_values
from negsim.coalitions import table_rule
from negsim.compiled import compile_scenario
from negsim.engines import get
from negsim.engines.legislative import BaronFerejohnParams
from negsim.invariants import check_feasible, check_individually_rational
from negsim.power import veto_players
from negsim.strategies import scenarios

ENGINE = "baron_ferejohn"


def legislature(n: int = 5, delta: float = 0.8, rule: str = "majority",
                negotiators: tuple[str, ...] | None = None,
                walk_away: float = 0.0) -> Scenario:
    """``n`` actors ``a0..`` on one issue, every one a negotiator, deciding in a coalition."""
    ids = [f"a{i}" for i in range(n)]
    actors = tuple(
        Actor(id=a, name=a.upper(), kind="state", capability=1.0 + i,
              position={"pie": 100.0 * i / max(n - 1, 1)}, salience={"pie": 1.0},
              discount=delta, walk_away=walk_away)
        for i, a in enumerate(ids))
    house = Coalition(id="house", name="House", members=tuple(ids), rule=rule)
    return Scenario(title=f"{rule} of {n}", issues=(Issue(id="pie", label="Pie",
                                                          status_quo=50.0),),
                    actors=actors, coalitions=(house,),
                    table=Table(negotiators=negotiators or tuple(ids), ratifiers=("house",)))


def run(s: Scenario, n_runs: int = 1, **params: object) -> negsim.Result:
    return negsim.run(s, ENGINE, params=params, rng=0, n_runs=n_runs)


# -- stationary values against the closed forms -----------------------------------------------


def test_majority_equal_recognition_closed_form() -> None:
    """n = 5, d = 0.8, majority (q = 3): values 1/5; the proposer keeps
    1 - d (n - 1) / (2n) = 0.68 and pays two partners d/n = 0.16 (theory.md, section 3)."""
    r = run(legislature(5, 0.8))
    np.testing.assert_allclose(r.extras["value"], np.full((1, 5), 0.2), atol=1e-9)
    np.testing.assert_allclose(r.extras["proposer_share"], np.full((1, 5), 0.68), atol=1e-9)
    np.testing.assert_allclose(r.extras["delta"], [0.8])


def test_unanimity_equal_recognition_closed_form() -> None:
    """n = 5, d = 0.8, unanimity: the proposer keeps 1 - d (n - 1) / n = 0.36."""
    r = run(legislature(5, 0.8, rule="unanimity"))
    np.testing.assert_allclose(r.extras["value"], np.full((1, 5), 0.2), atol=1e-12)
    np.testing.assert_allclose(r.extras["proposer_share"], np.full((1, 5), 0.36), atol=1e-12)


def test_unanimity_unequal_recognition_values_are_p() -> None:
    """Unanimity with p = (0.5, 0.3, 0.2): v = p, and proposer i keeps 1 - d (1 - p_i)."""
    r = run(legislature(3, 0.9, rule="unanimity"), recognition="given",
            weights="a0=5, a1=3, a2=2")
    np.testing.assert_allclose(r.extras["value"][0], [0.5, 0.3, 0.2], atol=1e-12)
    np.testing.assert_allclose(r.extras["proposer_share"][0],
                               [1 - 0.9 * 0.5, 1 - 0.9 * 0.7, 1 - 0.9 * 0.8], atol=1e-12)


def test_majority_unequal_recognition_by_hand() -> None:
    """Majority of 3, p = (0.5, 0.3, 0.2), d = 0.9: v = (11, 10, 10)/31. By hand: a0 buys a
    weak member at 0.9 * 10/31 = 9/31 and keeps 22/31, so v0 = 0.5 * 22/31; a1 and a2 buy each
    other; a0 mixing 16/45 on a1 and 29/45 on a2 makes v1 = 0.3 * 22/31 + (9/31) (0.2 + 0.5 *
    16/45) = 10/31 and v2 = 0.2 * 22/31 + (9/31) (0.3 + 0.5 * 29/45) = 10/31."""
    r = run(legislature(3, 0.9), recognition="given", weights="a0=0.5, a1=0.3, a2=0.2")
    np.testing.assert_allclose(r.extras["value"][0] * 31, [11, 10, 10], atol=1e-8)
    np.testing.assert_allclose(r.extras["proposer_share"][0, 0], 22 / 31, atol=1e-8)


def test_unequal_recognition_under_majority_matches_stationary_values() -> None:
    """Five members, majority, unequal p: the engine's values are those of the solver."""
    p = np.array([0.35, 0.25, 0.2, 0.12, 0.08])
    weights = ", ".join(f"a{i}={x}" for i, x in enumerate(p))
    r = run(legislature(5, 0.85), recognition="given", weights=weights)
    eq = stationary_values(p, 0.85, "majority")
    np.testing.assert_allclose(r.extras["value"][0], eq.values, atol=1e-9)
    np.testing.assert_allclose(r.extras["proposer_share"][0], eq.proposer_share, atol=1e-9)


def test_capability_recognition_per_run() -> None:
    """recognition = 'capability' under unanimity: v = the capability shares of each run."""
    s = legislature(3, 0.9, rule="unanimity")
    caps = np.array([[1.0, 2.0, 3.0], [4.0, 4.0, 2.0], [1.0, 2.0, 3.0]])
    overrides = {f"actors.a{i}.capability": caps[:, i] for i in range(3)}
    r = negsim.run(s, ENGINE, params={"recognition": "capability"}, rng=0, n_runs=3,
                   overrides=overrides)
    np.testing.assert_allclose(r.extras["value"], caps / caps.sum(axis=1, keepdims=True),
                               atol=1e-12)
    np.testing.assert_allclose(r.extras["recognition"], r.extras["value"], atol=1e-12)


@pytest.mark.parametrize("q_rule", ["majority", "unanimity"])
def test_proposer_share_falls_in_delta(q_rule: str) -> None:
    """The proposer's share falls as the discount factor rises (theory.md, section 8)."""
    s = legislature(5, 0.9, rule=q_rule)
    shares = [run(s, delta=d).extras["proposer_share"][0, 0] for d in (0.2, 0.5, 0.8, 0.99)]
    assert all(a > b for a, b in itertools.pairwise(shares))


def test_default_delta_is_the_negotiators_mean_discount() -> None:
    """Without a delta the engine uses the mean discount factor of the negotiators."""
    s = legislature(3, 0.9)
    s = attrs.evolve(s, actors=(attrs.evolve(s.actors[0], discount=0.6), *s.actors[1:]))
    np.testing.assert_allclose(run(s).extras["delta"], [(0.6 + 0.9 + 0.9) / 3])
    s = attrs.evolve(s, table=attrs.evolve(s.table, negotiators=("a1", "a2")))
    np.testing.assert_allclose(run(s).extras["delta"], [0.9])


def test_proposer_without_a_vote_earns_agenda_rent() -> None:
    """Voters a0, a1 (each a veto player) and a proposer m without a vote, p = 1/3 each.
    By symmetry v0 = v1 = v with v = (1/3)(1 - d v) + d v (2/3), so v = 1/(3 - d) and m gets
    1 - 2v = (1 - d)/(3 - d); at d = 0.9: 1/2.1 and 0.1/2.1."""
    s = legislature(3, 0.9, rule="unanimity")
    s = attrs.evolve(s, coalitions=(), table=Table(negotiators=("a0", "a1", "a2"),
                                                   ratifiers=("a0", "a1")))
    r = run(s)
    np.testing.assert_allclose(r.extras["value"][0], [1 / 2.1, 1 / 2.1, 0.1 / 2.1], atol=1e-9)


# -- the decision rule -------------------------------------------------------------------------


def test_reference_rule_is_unanimity_of_the_ratifiers(reference: Scenario) -> None:
    """The EU Council decides sanctions, energy and accession by unanimity, so a package over
    every issue needs every member; with the coalition of the willing (unanimous) and the three
    states at the table every ratifier is a veto player. China and the EU's own representative
    have no vote."""
    game = table_rule(reference)
    n = game.n_players
    masks = ((np.arange(2**n)[:, None] >> np.arange(n)) & 1).astype(bool)
    wins = game.is_winning(masks)
    swings = [(wins & ~game.is_winning(masks & ~np.eye(n, dtype=bool)[i])).any()
              for i in range(n)]
    veto = dict(zip(reference.actor_ids, veto_players(game), strict=True))
    null = dict(zip(reference.actor_ids, np.logical_not(swings), strict=True))
    voters = {"russia", "ukraine", "usa", "uk", "france", "germany", "hungary", "slovakia",
              "outreach13", "eu_rest"}
    assert {a for a, v in veto.items() if v} == voters
    assert {a for a, v in null.items() if v} == {"china", "eu"}


def _chamber(ratifies: str) -> Scenario:
    """Five members deciding by majority, except unanimously on issue 'y'; the coalition
    ratifies ``ratifies`` only, the two states at the table everything."""
    s = legislature(5, 0.9)
    issues = (Issue(id="x", label="X", status_quo=50.0), Issue(id="y", label="Y",
                                                               status_quo=50.0))
    actors = tuple(attrs.evolve(a, position={"x": 20.0 * i, "y": 80.0 - 20.0 * i},
                                salience={"x": 1.0, "y": 0.5})
                   for i, a in enumerate(s.actors))
    house = attrs.evolve(s.coalitions[0], issue_rules={"y": "unanimity"})
    table = Table(negotiators=("a0", "a1"), ratifiers=("a0", "a1"),
                  issue_ratifiers={ratifies: ("a0", "a1", "house")})
    return attrs.evolve(s, issues=issues, actors=actors, coalitions=(house,), table=table)


def test_coalition_rules_are_anded_over_the_issues_it_ratifies() -> None:
    """A coalition that must consent on an issue it decides unanimously is unanimous on the
    package; one that consents only on a majority issue decides by majority (3 of 5)."""
    assert veto_players(table_rule(_chamber("y"))).all()
    game = table_rule(_chamber("x"))
    assert veto_players(game).tolist() == [True, True, False, False, False]
    masks = np.array([[1, 1, 1, 0, 0], [1, 1, 0, 0, 0], [1, 0, 1, 1, 0]], dtype=bool)
    assert game.is_winning(masks).tolist() == [True, False, False]


# -- the outcome on the issues ---------------------------------------------------------------


def _pie(weights: str) -> negsim.Result:
    s = legislature(2, 0.9, rule="unanimity", walk_away=0.2)
    return run(s, recognition="given", weights=weights)


def test_gains_are_shared_in_the_ratio_of_the_values() -> None:
    """a0 wants 0, a1 wants 100 (linear); walk-away 0.2 each, so at x the gains are
    0.8 - x/100 and x/100 - 0.2, 0.6 in all. Unanimity with p = (0.75, 0.25) gives v = p, and
    gains in the ratio 3:1 put x at 35: utilities 0.65 and 0.35."""
    r = _pie("a0=3, a1=1")
    np.testing.assert_allclose(r.outcome, [[35.0]], atol=1e-6)
    np.testing.assert_allclose(r.utility, [[0.65, 0.35]], atol=1e-8)
    assert r.agreement.all() and (r.round == 0).all()


def test_equal_values_give_equal_gains() -> None:
    """Equal recognition, equal values: the egalitarian split, x = 50."""
    np.testing.assert_allclose(_pie("a0=1, a1=1").outcome, [[50.0]], atol=1e-6)


def test_a_ratifier_with_no_value_gains_only_a_token() -> None:
    """a0 (ideal 0) and a1 (ideal 10) propose; a2 (ideal 100) votes but is never recognised,
    so under unanimity v = (1/2, 1/2, 0). Walk-away 0.2 each: a2 accepts only x >= 20, and
    the proposers, who would meet at 5, are held at about 20; a2 gets its walk-away value and
    a token gain (of the order of 1% of a0's)."""
    s = legislature(3, 0.9, rule="unanimity", walk_away=0.2)
    positions = (0.0, 10.0, 100.0)
    s = attrs.evolve(s, actors=tuple(attrs.evolve(a, position={"pie": x})
                                     for a, x in zip(s.actors, positions, strict=True)),
                     table=attrs.evolve(s.table, negotiators=("a0", "a1")))
    r = run(s)
    np.testing.assert_allclose(r.extras["value"][0], [0.5, 0.5, 0.0], atol=1e-12)
    assert 20.0 <= r.outcome[0, 0] <= 21.0
    gain = r.utility[0] - r.walk_away[0]
    assert (gain >= -1e-9).all()
    assert gain[2] <= 0.02 * gain[0]


def test_no_agreement_leaves_the_status_quo() -> None:
    """Walk-away values that no outcome meets for both: no deal, the status quo stands."""
    r = run(legislature(2, 0.9, rule="unanimity", walk_away=0.8))
    assert not r.agreement.any() and (r.round == -1).all()
    np.testing.assert_allclose(r.outcome, [[50.0]])
    np.testing.assert_allclose(r.utility, r.walk_away)


# -- the reference scenario --------------------------------------------------------------------


def test_reference_scenario_ten_thousand_runs(reference: Scenario) -> None:
    """10,000 runs: finite, on the scales, individually rational; values are p = 1/3 for the
    three states at the table and 0 for everyone else (unanimity, theory.md section 3)."""
    t0 = time.perf_counter()
    r = negsim.run(reference, ENGINE, rng=0, n_runs=10_000)
    elapsed = time.perf_counter() - t0
    assert np.isfinite(r.outcome).all() and np.isfinite(r.utility).all()
    check_feasible(r, reference)
    check_individually_rational(r, reference)
    assert r.agreement.all()
    value = np.zeros(len(reference.actors))
    value[[reference.actor_ids.index(a) for a in ("russia", "ukraine", "usa")]] = 1 / 3
    np.testing.assert_allclose(r.extras["value"], np.broadcast_to(value, (10_000, value.size)),
                               atol=1e-12)
    assert elapsed < 120.0  # generous: typically well under a second


def test_reference_relabelled(reference: Scenario) -> None:
    """Listing the actors and issues in reverse changes nothing but the order."""
    flipped = attrs.evolve(reference, actors=reference.actors[::-1], issues=reference.issues[::-1])
    a, b = run(reference), run(flipped)
    np.testing.assert_allclose(b.outcome[:, ::-1], a.outcome, atol=1e-6)
    np.testing.assert_allclose(b.utility[:, ::-1], a.utility, atol=1e-6)
    np.testing.assert_allclose(b.extras["value"][:, ::-1], a.extras["value"], atol=1e-9)


def test_reference_variant_with_the_eu_at_the_table(reference: Scenario) -> None:
    """With the EU's representative proposing too (no vote of its own), each of the four is
    recognised with 1/4 and the EU earns agenda rent; the voters' values still sum with it to 1."""
    r = run(reference.with_variant("eu_at_table"))
    v = dict(zip(reference.actor_ids, r.extras["value"][0], strict=True))
    assert v["eu"] > 0.01 and v["china"] == 0 and abs(v["hungary"]) < 1e-12
    np.testing.assert_allclose(sum(v.values()), 1.0, atol=1e-9)


# -- properties over generated scenarios --------------------------------------------------------


def _maybe_run(s: Scenario, **params: object) -> negsim.Result | None:
    try:
        return negsim.run(s, ENGINE, params=params, rng=0, n_runs=1)
    except EngineError as exc:
        assert str(exc)
        return None


@given(scenarios(max_uncertainties=0), st.sampled_from(["equal", "capability"]))
def test_values_sum_to_one(s: Scenario, how: str) -> None:
    """Stationary values are non-negative and sum to 1 in every run."""
    r = _maybe_run(s, recognition=how)
    assume(r is not None)
    assert r is not None
    assert (r.extras["value"] >= -1e-12).all()
    np.testing.assert_allclose(r.extras["value"].sum(axis=1), 1.0, atol=1e-9)


@given(scenarios(min_risk=1.0, max_uncertainties=0))
def test_agrees_wherever_the_egalitarian_solution_does(s: Scenario) -> None:
    """Whether some outcome gives every ratifier its walk-away value does not depend on the
    proportions, so the engine agrees wherever the egalitarian solution (Kalai 1977) does."""
    r = _maybe_run(s)
    assume(r is not None)
    assert r is not None
    c = compile_scenario(s)
    i = c.ratifier
    eg = egalitarian_outcome(c.position[:, i], c.weight[:, i], c.risk[:, i], c.lo, c.hi,
                             c.walk_away[:, i], c.status_quo)
    assert r.agreement[0] or not eg.feasible[0]


# -- refusals and parameters -------------------------------------------------------------------


def test_refuses_too_many_players_in_a_weighted_rule() -> None:
    """21 members of a weighted-threshold coalition cannot be enumerated: it says so."""
    n = 21
    s = legislature(n, 0.9)
    house = Coalition(id="house", name="House", members=s.actor_ids, rule="threshold",
                      quota=0.5, weights={a: 1.0 + i for i, a in enumerate(s.actor_ids)})
    with pytest.raises(EngineError, match="2\\*\\*m coalitions, which needs m <= 20"):
        run(attrs.evolve(s, coalitions=(house,)))


def test_a_quota_rule_has_no_size_limit() -> None:
    """25 members deciding by majority: a quota rule, solved for any size (v = 1/25)."""
    r = run(legislature(25, 0.9))
    np.testing.assert_allclose(r.extras["value"], np.full((1, 25), 1 / 25), atol=1e-9)


def test_refuses_a_scenario_with_no_surplus() -> None:
    """Every ratifier already has its best utility when walking away: nothing to divide."""
    with pytest.raises(EngineError, match="no surplus"):
        run(legislature(3, 0.9, walk_away=1.0))


def test_refuses_capability_recognition_without_capability() -> None:
    s = legislature(3, 0.9)
    s = attrs.evolve(s, actors=tuple(attrs.evolve(a, capability=0.0) for a in s.actors))
    with pytest.raises(EngineError, match="positive capability"):
        run(s, recognition="capability")


@pytest.mark.parametrize(("params", "message"), [
    ({"recognition": "random"}, "recognition"),
    ({"delta": 1.5}, "delta must be a number in \\[0, 1\\]"),
    ({"delta": "high"}, "delta must be a number"),
    ({"recognition": "given"}, "needs weights"),
    ({"weights": "a0=1"}, "only read with recognition = 'given'"),
    ({"recognition": "given", "weights": "a0=-1"}, "positive number"),
    ({"recognition": "given", "weights": "zz=1"}, "not in the scenario: zz"),
    ({"recgonition": "equal"}, "did you mean"),
])
def test_bad_parameters_say_why(params: dict[str, object], message: str) -> None:
    with pytest.raises(ScenarioError, match=message):
        run(legislature(3, 0.9), **params)


def test_parameters_have_documented_defaults() -> None:
    p = BaronFerejohnParams()
    assert (p.recognition, p.weights, p.delta) == ("equal", "", None)
    assert get(ENGINE).params is BaronFerejohnParams and BaronFerejohnParams.__doc__


def test_solve_works_on_the_compiled_form_alone() -> None:
    """The compiled form carries the table's rule: solve needs no scenario object."""
    s = legislature(4, 0.77)
    direct = get(ENGINE).solve(compile_scenario(s), BaronFerejohnParams(),
                               np.random.default_rng(0))
    np.testing.assert_array_equal(direct.outcome, run(s).outcome)

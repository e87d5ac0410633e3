"""The dynamic war-bargaining engine (``war``) against theory: Baron-Ferejohn / Rubinstein terms
and Fearon's range, learning from battles (Slantchev 2003; Powell 2004), the commitment problem
(Powell 2006), monotonicity, and the proposer's optimisation against a slow reference solver."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import attrs
import numpy as np
import pytest

import negsim
from negsim import invariants
from negsim._war_offer import best_offer, utilities
from negsim.baron_ferejohn import unanimity_values
from negsim.engines.war_engine import narrate
from negsim.levers import Condition, Effect, Lever, Step
from negsim.model import Actor, Issue, Table, Time, War
from negsim.war import bargaining_range, preventive_war

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "scenarios" / "eu-russia-2026.toml"


def duel(*, delta: float = 0.8, cost: float = 0.3, cap_a: float = 50.0, cap_b: float = 50.0,
         horizon: int = 12, levers: tuple[Lever, ...] = (), **war: object) -> negsim.Scenario:
    """Two belligerents dividing one issue (A's ideal 100, B's 0), status quo 50."""
    actors = [Actor(id=i, name=i.upper(), kind="state", capability=cap, position={"land": pos},
                    salience={"land": 1.0}, discount=delta, cost=cost, walk_away="war")
              for i, cap, pos in (("a", cap_a, 100.0), ("b", cap_b, 0.0))]
    return negsim.Scenario(
        title="duel", issues=(Issue(id="land", label="Land", status_quo=50.0),),
        actors=tuple(actors), table=Table(negotiators=("a", "b")),
        time=Time(horizon=horizon), levers=levers,
        war=War(side_a=("a",), side_b=("b",), **war))  # type: ignore[arg-type]


def test_two_actors_one_issue_agree_at_once_on_baron_ferejohn_terms() -> None:
    """With no levers and no uncertainty, the recognised proposer keeps 1 - delta (1 - 1/2)
    (Baron & Ferejohn 1989, unanimity; Rubinstein with random proposers), at once, inside
    Fearon's range."""
    s = duel(delta=0.8, prior_sd=1e-3)
    r = negsim.run(s, "war", rng=3, n_runs=40, params={"fixed_point": 200})
    assert r.agreement.all() and (r.round == 0).all()
    keep = unanimity_values([0.5, 0.5], 0.8).proposer_share[0]  # 0.6
    share_a = r.outcome[:, 0] / 100.0
    proposer = r.extras["proposer"][:, 0]
    expected = np.where(proposer == 0, keep, 1.0 - keep)
    np.testing.assert_allclose(share_a, expected, atol=1e-6)
    # Fearon: A's share lies between its war value and 1 minus B's
    w = r.walk_away
    low, high = bargaining_range(0.5, 0.5 - w[:, 0], 0.5 - w[:, 1])
    assert (share_a >= low - 1e-9).all() and (share_a <= high + 1e-9).all()


def test_mutual_optimism_delays_and_more_battles_shorten_the_delay() -> None:
    """Optimistic belligerents fight until battles bring their beliefs together; more battles
    per round carry more evidence and shorten the delay (Slantchev 2003; Powell 2004)."""
    base = dict(delta=0.9, cost=0.01, horizon=36, optimism={"a": 1.0, "b": 1.0}, prior_sd=0.5)
    # the same expected movement of the front per round, from fewer or more battles
    few = negsim.run(duel(battles=1, advance=4.0, **base), "war", rng=7,  # type: ignore[arg-type]
                     n_runs=300)
    many = negsim.run(duel(battles=16, advance=0.25, **base), "war", rng=7,  # type: ignore[arg-type]
                      n_runs=300)
    calm = negsim.run(duel(battles=1, advance=4.0, **{**base, "optimism": {}}),  # type: ignore[arg-type]
                      "war", rng=7, n_runs=300)

    def delay(r: negsim.Result) -> float:
        return float(np.where(r.agreement, r.round, 36).mean())

    assert delay(calm) == 0.0
    assert delay(few) > 1.0
    assert delay(many) < delay(few)
    # beliefs converge: the gap between the two sides' beliefs shrinks over the rounds
    b = many.extras["belief"]
    first = np.abs(b[:, 0, 0] - b[:, 0, 1])
    assert np.nanmean(np.abs(b[:, 2, 0] - b[:, 2, 1])) < np.nanmean(first)


def _shift(size: float) -> negsim.Scenario:
    aid = Lever(id="aid", owner="a", kind="military_aid", level=0.0,
                schedule=(Step(at=0, level=1.0), Step(at=1, level=0.0)),
                effects=(Effect(target="a", on="capability", amount=size),))
    # a decisive war: one engagement settles it (Powell's war is a costly lottery)
    return duel(delta=0.9, cost=0.02, cap_a=30.0, cap_b=70.0, horizon=30, levers=(aid,),
                prior_sd=1e-3, advance=20.0, battles=1, front_start=50.0,
                capitulation=(45.0, 55.0))


def test_commitment_problem_war_above_the_threshold_peace_below() -> None:
    """A large anticipated rise of A's power makes B fight now although a range exists today;
    a small one keeps the peace (Powell 2006)."""
    p_now = 30.0 / 100.0
    small, large = 5.0, 400.0
    assert not preventive_war(p_now, 35.0 / 105.0, 0.02, 0.02, 0.9).war
    assert preventive_war(p_now, 430.0 / 500.0, 0.02, 0.02, 0.9).war
    peace = negsim.run(_shift(small), "war", rng=0, n_runs=20)
    war_ = negsim.run(_shift(large), "war", rng=0, n_runs=20)
    assert peace.extras["accepted"][:, 0].all()
    assert not war_.extras["accepted"][:, 0].any()
    assert (war_.extras["capitulation"] > 0).all()  # the war is fought (and decided at once)


@pytest.mark.parametrize("low, high", [(0.01, 0.2)])
def test_raising_a_belligerents_cost_never_improves_its_terms(low: float, high: float) -> None:
    """Raising a belligerent's cost of war never improves its terms."""
    def scen(c: float) -> negsim.Scenario:
        s = duel(delta=0.9, cost=0.05, horizon=24, cap_a=60.0, cap_b=40.0, prior_sd=1e-3)
        return attrs.evolve(s, actors=(attrs.evolve(s.actors[0], cost=c), s.actors[1]))
    lo, hi = (negsim.run(scen(c), "war", rng=5, n_runs=200) for c in (low, high))
    invariants.check_monotone(lo, hi, "a", direction="decreasing", parameter="cost")


def test_a_lever_that_only_hurts_the_target_never_improves_its_terms() -> None:
    """Sanctions that only cost the target never improve the target's terms."""
    def scen(level: float) -> negsim.Scenario:
        sanctions = Lever(id="sanctions", owner="b", kind="sanctions", level=level,
                          effects=(Effect(target="a", on="payoff", amount=-0.1),))
        return duel(delta=0.9, cost=0.05, horizon=24, levers=(sanctions,), prior_sd=1e-3)
    lo, hi = (negsim.run(scen(v), "war", rng=2, n_runs=100) for v in (0.0, 1.0))
    invariants.check_monotone(lo, hi, "a", direction="decreasing",
                                     parameter="sanctions level")


def test_adding_a_veto_player_never_enlarges_the_acceptable_set() -> None:
    """A package acceptable with an extra veto player is acceptable without it, and the
    proposer's offer is feasible for every required ratifier."""
    rng = np.random.default_rng(0)
    R, n, K = 400, 4, 3
    q, w = rng.random((R, n, K)), rng.dirichlet(np.ones(K), (R, n))
    r = np.ones((R, n))
    floor = rng.uniform(0.3, 0.8, (R, n))
    fixed = np.full((R, K), 0.5)
    two = np.broadcast_to(np.array([True, True, True, False]), (R, n))
    three = np.broadcast_to(np.ones(n, dtype=bool), (R, n))
    z = rng.random((R, 50, K))
    u = np.stack([utilities(z[:, m], q, w, r) for m in range(50)], axis=1)  # (R, 50, n)
    ok2 = ((u >= floor[:, None]) | ~two[:, None]).all(axis=2)
    ok3 = ((u >= floor[:, None]) | ~three[:, None]).all(axis=2)
    assert not (ok3 & ~ok2).any()
    for need in (two, three):
        zz, ok, _ = best_offer(q, w, r, floor, need, np.zeros(R, dtype=np.intp), fixed)
        uu = utilities(zz, q, w, r)
        others = need.copy()
        others[:, 0] = False  # the proposer's own level is not a constraint of its offer
        assert ((uu[ok] >= floor[ok] - 1e-9) | ~others[ok]).all()


def test_conditional_relief_never_pays_out_before_its_condition_holds() -> None:
    """A lever gated on the front pays nothing until the condition has held long enough."""
    relief = Lever(id="relief", owner="b", kind="sanctions_relief", level=1.0,
                   effects=(Effect(target="a", on="payoff", amount=0.01),),
                   conditions=(Condition(variable="front", op="<=", value=45.0,
                                         verified_for=3),))
    s = duel(delta=0.9, cost=0.0, cap_a=30.0, cap_b=70.0, horizon=24, levers=(relief,),
             optimism={"a": 2.0, "b": 2.0}, advance=1.0)
    r = negsim.run(s, "war", rng=1, n_runs=200)
    level = r.extras["lever_level"][:, :, 0]
    front = r.extras["front"]
    for run in range(200):
        held = 0
        for t in range(level.shape[1]):
            if np.isnan(level[run, t]):
                break
            before = front[run, t - 1] if t else 50.0  # the front at the start of round t
            held = held + 1 if before <= 45.0 else 0
            if held < 3:
                assert level[run, t] == 0.0


def test_the_proposers_offer_matches_a_slow_reference_solver() -> None:
    """With one ratifier besides the proposer the offer is the optimum of a multi-start SLSQP
    reference (exact path)."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(11)
    R, n, K = 30, 3, 2
    q, w = rng.random((R, n, K)), rng.dirichlet(np.ones(K), (R, n))
    r = np.ones((R, n))
    floor = rng.uniform(0.3, 0.7, (R, n))
    need = np.broadcast_to(np.array([True, True, False]), (R, n))
    prop = np.zeros(R, dtype=np.intp)
    z, ok, _ = best_offer(q, w, r, floor, need, prop, np.full((R, K), 0.5))
    u = utilities(z, q, w, r)
    for i in range(R):
        def uj(x: np.ndarray, j: int, i: int = i) -> float:
            return float((w[i, j] * (1 - np.abs(x - q[i, j]))).sum())
        cons = [{"type": "ineq", "fun": lambda x, i=i: uj(x, 1) - floor[i, 1]}]
        best = -np.inf
        for start in np.random.default_rng(i).random((30, K)):
            res = minimize(lambda x: -uj(x, 0), start, method="SLSQP", bounds=[(0, 1)] * K,
                           constraints=cons)
            if res.success and cons[0]["fun"](res.x) >= -1e-7:
                best = max(best, -res.fun)
        assert ok[i] == np.isfinite(best), f"case {i}"
        if ok[i]:
            assert abs(u[i, 0] - best) <= 1e-6, f"case {i}: {u[i, 0]} vs {best}"
            assert u[i, 1] >= floor[i, 1] - 1e-9


@pytest.mark.parametrize("risk", [1.0, 2.0])
def test_the_multilateral_offer_matches_a_slow_reference_solver(risk: float) -> None:
    """With three ratifiers besides the proposer (four actors, three issues): the offer is the
    optimum of a multi-start SLSQP reference within 1e-6, its certified gap is below 1e-5, and
    it is reported infeasible exactly when SLSQP finds no acceptable package."""
    from scipy.optimize import minimize

    rng = np.random.default_rng(12 + int(risk))
    R, n, K = 24, 4, 3
    q, w = rng.random((R, n, K)), rng.dirichlet(np.ones(K), (R, n))
    r = np.full((R, n), risk)
    sq = rng.random((R, K))
    # levels near each ratifier's utility of the status quo: some runs have no deal
    floor = utilities(sq, q, w, r) + rng.uniform(-0.08, 0.04, (R, n))
    need = np.ones((R, n), dtype=bool)
    prop = rng.integers(0, n, R)
    z, ok, gap = best_offer(q, w, r, floor, need, prop, sq)
    u = utilities(z, q, w, r)
    for i in range(R):
        p = int(prop[i])

        def ui(x: np.ndarray, j: int, i: int = i) -> float:
            return float(utilities(x[None], q[i:i + 1], w[i:i + 1], r[i:i + 1])[0, j])

        cons = [{"type": "ineq", "fun": lambda x, j=j, i=i: ui(x, j, i) - floor[i, j]}
                for j in range(n) if j != p]
        best = -np.inf
        for start in np.random.default_rng(100 + i).random((30, K)):
            res = minimize(lambda x, i=i, p=p: -ui(x, p, i), start, method="SLSQP",
                           bounds=[(0, 1)] * K, constraints=cons,
                           options={"ftol": 1e-12, "maxiter": 500})
            if all(cn["fun"](res.x) >= -1e-9 for cn in cons):
                best = max(best, -res.fun)
        assert ok[i] == np.isfinite(best), f"case {i}"
        if ok[i]:
            assert u[i, p] == pytest.approx(best, abs=1e-6), f"case {i}"
            assert gap[i] < 1e-5
            assert all(u[i, j] >= floor[i, j] - 1e-9 for j in range(n) if j != p)


def test_same_seed_bit_identical() -> None:
    """The same seed gives bit-identical results."""
    s = duel(delta=0.9, cost=0.05, optimism={"a": 1.0, "b": 1.0})
    a, b = (negsim.run(s, "war", rng=9, n_runs=50) for _ in range(2))
    np.testing.assert_array_equal(a.outcome, b.outcome)
    np.testing.assert_array_equal(a.round, b.round)
    np.testing.assert_array_equal(a.extras["front"], b.extras["front"])


def test_reference_scenario_runs_and_reads_sensibly() -> None:
    """The reference scenario runs from the library and its log names actors and numbers."""
    s = negsim.Scenario.from_toml(REFERENCE)
    r = negsim.run(s, "war", rng=1, n_runs=50)
    invariants.check_well_formed(r)
    invariants.check_feasible(r, s)
    lines = narrate(r, 0, scenario=s)
    text = "\n".join(lines)
    assert "2026-03 (month 1)" in text
    assert "Russia" in text and "Ukraine" in text
    assert any(ch.isdigit() for ch in text)
    assert "fighting on" in text


def test_reference_scenario_runs_from_the_cli() -> None:
    """``negsim run scenarios/eu-russia-2026.toml --engine war`` succeeds."""
    out = subprocess.run([sys.executable, "-m", "negsim.cli", "run", str(REFERENCE), "--engine",
                          "war"], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.returncode == 0, out.stderr
    assert "war" in out.stdout

"""Tests of the multilateral alternating-offers protocol with concession strategies.

Expected values come from hand derivations (in the docstrings) or from a plain per-run
reference implementation written here, never from the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from negsim.concession import (
    BOULWARE,
    CONCEDER,
    HARDLINER,
    LINEAR,
    STRATEGIES,
    TIT_FOR_TAT,
    concession_rounds,
    simulate_concession,
)
from negsim.utility import issue_weights, utility

SEEDS = st.integers(0, 2**32 - 1)


def pie(strategy, *, runs=1, deadline=101, reservation=0.0, **kw):
    """Two actors split a unit pie: actor 0 wants x = 1, actor 1 wants x = 0, risk neutral."""
    position = np.broadcast_to([[1.0], [0.0]], (runs, 2, 1))
    return simulate_concession(
        position, np.ones((runs, 2, 1)), np.ones((runs, 2)), [0.0], [1.0],
        np.full((runs, 1), 0.5), strategy, reservation=reservation, deadline=deadline, **kw,
    )  # fmt: skip


def instance(seed, runs=20, actors=3, issues=3):
    """A random problem, keyword arguments for :func:`simulate_concession`."""
    rng = np.random.default_rng(seed)
    lo, hi = np.zeros(issues), np.full(issues, 10.0)
    position = rng.uniform(0, 10, (runs, actors, issues))
    weight = issue_weights(rng.uniform(0.05, 1, (runs, actors, issues)))
    risk = rng.choice([0.7, 1.0, 1.5, 2.0], (runs, actors))
    status_quo = rng.uniform(0, 10, (runs, issues))
    d = utility(status_quo, position, weight, risk, lo, hi) - rng.uniform(0, 0.2, (runs, actors))
    ratifier = rng.random((runs, actors)) < 0.8
    ratifier[np.arange(runs), rng.integers(actors, size=runs)] = True  # at least one
    return dict(
        position=position, weight=weight, risk=risk, lo=lo, hi=hi, status_quo=status_quo,
        strategy=rng.choice(5, (runs, actors), p=[0.25, 0.25, 0.25, 0.15, 0.1]),
        exponent=np.exp(rng.uniform(np.log(0.2), np.log(5.0), (runs, actors))),
        reservation=d, deadline=int(rng.integers(5, 40)),
        ratifier=ratifier,
        order=rng.permutation(actors), discount=rng.uniform(0.9, 1.0, (runs, actors)),
        cost=rng.uniform(0, 0.005, (runs, actors)),
        objective=["sum", "nash"][int(rng.integers(2))],
        candidates=rng.uniform(0, 10, (runs, 4, issues)),
    )  # fmt: skip


def fields(res):
    return (res.agreement, res.round, res.outcome, res.utility)


# --- hand-derived bilateral cases ---------------------------------------------------------


def test_linear_conceders_meet_where_aspirations_cross():
    """a(t) = 1 - 0.8 t/100: offers cross when 2 a(t) <= 1, first at t = 63 (proposer 1)."""
    res = pie(["linear", "linear"], reservation=0.2)
    assert res.agreement[0] and res.round[0] == 63
    np.testing.assert_allclose(res.outcome, [[0.504]], atol=1e-8)
    np.testing.assert_allclose(res.utility, [[0.504, 0.496]], atol=1e-8)


def test_the_proposer_of_the_crossing_round_keeps_its_aspiration():
    """Reversing the order makes actor 0 the proposer of round 63: the shares swap."""
    res = pie(["linear", "linear"], reservation=0.2, order=[1, 0])
    assert res.round[0] == 63
    np.testing.assert_allclose(res.utility, [[0.496, 0.504]], atol=1e-8)


def test_boulware_pair_agrees_later_than_conceder_pair():
    """Symmetric pie, d = 0, T = 100: agreement once 2 (1 - tau**(1/e)) <= 1, i.e.
    tau >= 0.5**e: Boulware (e = 0.2) at t = ceil(99 * 0.5**0.2) = 87, conceders (e = 5) at
    t = ceil(99 * 0.5**5) = 4."""
    boulware = pie(["boulware", "boulware"], deadline=100)
    conceder = pie(["conceder", "conceder"], deadline=100)
    assert boulware.round[0] == math.ceil(99 * 0.5**0.2) == 87
    assert conceder.round[0] == math.ceil(99 * 0.5**5) == 4


def test_boulware_ends_with_more_than_the_conceder():
    """Boulware (e = 0.2) against a conceder (e = 5), d = 0, T = 100: agreement in the first
    round with tau**5 + tau**0.2 >= 1, and the proposer keeps its aspiration."""
    t = next(t for t in range(100) if (t / 99) ** 5 + (t / 99) ** 0.2 >= 1 + 1e-6)
    tau = t / 99
    for order in ([0, 1], [1, 0]):
        res = pie(["boulware", "conceder"], deadline=100, order=order)
        proposer = order[t % 2]
        boulware = 1 - tau**5 if proposer == 0 else tau**0.2
        assert res.round[0] == t
        np.testing.assert_allclose(res.utility[0], [boulware, 1 - boulware], atol=1e-8)
        assert res.utility[0, 0] > 0.85 > 0.15 > res.utility[0, 1]


def mirrored(seed, runs=200, issues=3):
    """Symmetric two-actor problems: B's ideal mirrors A's, same weights, risk and d."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(0, 10, (runs, issues))
    weight = np.repeat(issue_weights(rng.uniform(0.1, 1, (runs, 1, issues))), 2, axis=1)
    return dict(
        position=np.stack([a, 10 - a], axis=1), weight=weight,
        risk=np.repeat(rng.choice([1.0, 1.5, 2.0], (runs, 1)), 2, axis=1), lo=np.zeros(issues),
        hi=np.full(issues, 10.0), status_quo=np.full((runs, issues), 5.0),
        reservation=np.repeat(rng.uniform(0, 0.4, (runs, 1)), 2, axis=1), deadline=100,
    )  # fmt: skip


@settings(max_examples=10, deadline=None)
@given(SEEDS)
def test_boulware_beats_conceder_in_symmetric_problems(seed):
    """Whoever proposes first, the Boulware actor ends with more than the conceder."""
    kw = mirrored(seed)
    for order in ([0, 1], [1, 0]):
        res = simulate_concession(**kw, strategy=["boulware", "conceder"], order=order)
        assert res.agreement.all() and np.all(res.utility[:, 0] > res.utility[:, 1])


@settings(max_examples=10, deadline=None)
@given(SEEDS)
def test_boulware_pairs_settle_later_than_conceder_pairs(seed):
    """In the same symmetric problems two Boulware actors agree later than two conceders."""
    kw = mirrored(seed)
    boulware = simulate_concession(**kw, strategy=["boulware", "boulware"])
    conceder = simulate_concession(**kw, strategy=["conceder", "conceder"])
    assert boulware.agreement.all() and conceder.agreement.all()
    assert np.all(boulware.round > conceder.round)


def test_tit_for_tat_mirrors_a_linear_concession():
    """Linear actor 0 offers tit-for-tat actor 1 the share t/100 in even rounds; tit-for-tat
    concedes as much, so it accepts once t/100 >= 1 - t/100: round 50, shares (0.5, 0.5)."""
    res = pie(["linear", "tit_for_tat"])
    assert res.round[0] == 50
    np.testing.assert_allclose(res.utility, [[0.5, 0.5]], atol=1e-8)


def test_tit_for_tat_pair_never_moves():
    """Neither side concedes first, so neither reciprocates."""
    res = pie(["tit_for_tat", "tit_for_tat"], reservation=[[0.1, 0.2]])
    assert not res.agreement[0] and res.round[0] == -1
    np.testing.assert_array_equal(res.utility, [[0.1, 0.2]])
    np.testing.assert_array_equal(res.outcome, [[0.5]])


def test_hardliners_with_opposed_ideals_never_agree():
    """Each hardliner asks for its ideal, which gives the other its minimum."""
    res = pie([HARDLINER, HARDLINER], deadline=50, reservation=[[0.3, 0.1]], record=True)
    assert not res.agreement[0] and res.round[0] == -1
    np.testing.assert_array_equal(res.utility, [[0.3, 0.1]])
    np.testing.assert_array_equal(res.offers[0, :, 0], np.tile([1.0, 0.0], 25))


def test_hardliners_with_the_same_ideal_agree_at_once():
    """Where ideals coincide the first offer gives both their maximum."""
    res = simulate_concession(
        [[[3.0, 7.0], [3.0, 7.0]]], np.full((1, 2, 2), 0.5), np.ones((1, 2)), [0, 0], [10, 10],
        [[0.0, 0.0]], [HARDLINER, HARDLINER],
    )  # fmt: skip
    assert res.agreement[0] and res.round[0] == 0
    np.testing.assert_allclose(res.outcome, [[3.0, 7.0]])
    np.testing.assert_allclose(res.utility, [[1.0, 1.0]])


def test_hardliner_concedes_issues_it_does_not_care_about():
    """A hardliner indifferent on issue 1 offers the other's ideal there (free logroll)."""
    res = simulate_concession(
        [[[10.0, 10.0], [0.0, 0.0]]], [[[1.0, 0.0], [0.5, 0.5]]], np.ones((1, 2)), [0, 0],
        [10, 10], [[5.0, 5.0]], [HARDLINER, LINEAR], deadline=11,
    )  # fmt: skip
    # Actor 1 (linear, d = u(status quo) = 0.5) gets 0.5 from (10, 0) and accepts when its
    # aspiration has come down to 0.5, in the last round, which the hardliner proposes.
    assert res.round[0] == 10
    np.testing.assert_allclose(res.outcome, [[10.0, 0.0]])


# --- discounting and costs ---------------------------------------------------------------


def test_realised_utility_is_discounted_and_charged():
    """The round-63 agreement of two linear conceders is worth delta**63 u - 63 c."""
    delta, cost = np.array([[0.99, 0.995]]), np.array([[0.001, 0.0]])
    res = pie(["linear", "linear"], reservation=0.2, discount=delta, cost=cost)
    assert res.round[0] == 63  # rho(63) = (0.2 + 0.063) / 0.99**63 = 0.495 < a(63) = 0.496
    expected = delta[0] ** 63 * np.array([0.504, 0.496]) - cost[0] * 63
    np.testing.assert_allclose(res.utility[0], expected, atol=1e-8)


def test_discounting_can_close_the_zone_of_agreement():
    """d = 0.45 and delta = 0.9: from round 1 on each needs u > 0.45 / 0.9 = 0.5, and in round 0
    each aspires to 1, so no split of the pie is acceptable to both."""
    res = pie(["conceder", "conceder"], reservation=0.45, discount=0.9)
    assert not res.agreement[0]
    np.testing.assert_array_equal(res.utility, [[0.45, 0.45]])


# --- ratification --------------------------------------------------------------------------


def test_only_ratifiers_can_block():
    """A hardliner that must not ratify cannot block two conceders; one that must, can."""
    position = [[[1.0], [0.0], [1.0]]]
    args = (position, np.ones((1, 3, 1)), np.ones((1, 3)), [0.0], [1.0], [[0.5]])
    strategy = ["linear", "linear", "hardliner"]
    free = simulate_concession(*args, strategy, reservation=0.0, ratifier=[True, True, False])
    blocked = simulate_concession(*args, strategy, reservation=0.0)
    assert free.agreement[0] and not blocked.agreement[0]


def test_strategy_names_and_codes_are_interchangeable():
    names = pie(["boulware", "tit_for_tat"], deadline=40)
    codes = pie([BOULWARE, TIT_FOR_TAT], deadline=40)
    for a, b in zip(fields(names), fields(codes), strict=True):
        np.testing.assert_array_equal(a, b)
    assert STRATEGIES["linear"] == LINEAR and STRATEGIES["conceder"] == CONCEDER


# --- invariants --------------------------------------------------------------------------


@settings(max_examples=25, deadline=None)
@given(SEEDS)
def test_agreements_are_individually_rational(seed):
    """No ratifier's realised utility of an agreement is below its reservation value."""
    kw = instance(seed)
    res = simulate_concession(**kw)
    ratifier = kw["ratifier"]
    d = kw["reservation"]
    agreed = res.agreement[:, None] & ratifier
    assert np.all(res.utility[agreed] >= d[agreed])


@settings(max_examples=25, deadline=None)
@given(SEEDS)
def test_disagreement_pays_reservation_and_keeps_the_status_quo(seed):
    """Runs without agreement end at the status quo, every actor at its reservation value."""
    kw = instance(seed)
    res = simulate_concession(**kw)
    none = ~res.agreement
    np.testing.assert_array_equal(res.outcome[none], kw["status_quo"][none])
    np.testing.assert_array_equal(res.utility[none], kw["reservation"][none])
    assert np.all(res.round[none] == -1)
    assert np.all((res.round[~none] >= 0) & (res.round[~none] < kw["deadline"]))


@settings(max_examples=20, deadline=None)
@given(SEEDS)
def test_linear_conceders_agree_by_the_deadline(seed):
    """With the status quo on the table at the reservation values (d = u(status quo)), two
    linear conceders settle by the last round, where each asks no more than d."""
    kw = instance(seed, runs=30, actors=2)
    kw.update(strategy=[LINEAR, LINEAR], exponent=None, reservation=None, ratifier=None)
    kw.update(discount=1.0, cost=0.0)
    assert simulate_concession(**kw).agreement.all()


def test_same_seed_same_result_and_chance_matters():
    """Random candidates come from ``rng`` only: one seed, one result; seeds may differ."""
    kw = instance(7, runs=40, actors=5, issues=4)
    kw.update(n_random=8, record=True)
    a, b = simulate_concession(**kw, rng=3), simulate_concession(**kw, rng=3)
    for x, y in zip((*fields(a), a.offers), (*fields(b), b.offers), strict=True):
        np.testing.assert_array_equal(x, y)
    assert a.seed == b.seed == 3
    c = simulate_concession(**kw, rng=4)
    assert not np.array_equal(a.offers, c.offers, equal_nan=True)
    fresh = simulate_concession(**kw)  # fresh entropy, recorded so that the run can be replayed
    replay = simulate_concession(**kw, rng=fresh.seed)
    np.testing.assert_array_equal(fresh.offers, replay.offers)


def test_record_keeps_the_offers_up_to_agreement():
    res = pie(["linear", "linear"], reservation=0.2, record=True)
    offers = res.offers[0, :, 0]
    assert np.isnan(offers[64:]).all() and not np.isnan(offers[:64]).any()
    assert offers[63] == res.outcome[0, 0]
    # Each proposer asks for its aspiration 1 - 0.8 t / 100 (actor 0 wants x, actor 1 1 - x).
    np.testing.assert_allclose(offers[:4], [1.0, 0.008, 0.984, 0.024], atol=1e-8)


def test_rounds_generator_matches_the_simulation():
    kw = instance(11, runs=25)
    res = simulate_concession(**kw)
    round_of = np.full(25, -1)
    for rnd in concession_rounds(**kw):
        round_of[rnd.agreed] = rnd.t
        np.testing.assert_array_equal(rnd.offer[rnd.agreed], res.outcome[rnd.agreed])
        assert np.isnan(rnd.offer[~rnd.active]).all()
    np.testing.assert_array_equal(round_of, res.round)


@settings(max_examples=20, deadline=None)
@given(SEEDS, st.data())
def test_relabelling_actors_permutes_the_results(seed, data):
    """Permuting the actors (and the proposer order with them) permutes the utilities and
    leaves agreement, round and outcome unchanged."""
    kw = instance(seed, actors=4)
    perm = np.array(data.draw(st.permutations(range(4))))  # new actor i is old actor perm[i]
    inverse = np.argsort(perm)
    moved = dict(kw)
    for key in ("position", "weight", "risk", "strategy", "exponent", "reservation",
                "ratifier", "discount", "cost"):  # fmt: skip
        moved[key] = kw[key][:, perm]
    moved["order"] = inverse[kw["order"]]
    a, b = simulate_concession(**kw), simulate_concession(**moved)
    np.testing.assert_array_equal(a.agreement, b.agreement)
    np.testing.assert_array_equal(a.round, b.round)
    np.testing.assert_allclose(a.outcome, b.outcome, atol=1e-9)
    np.testing.assert_allclose(a.utility[:, perm], b.utility, atol=1e-9)


# --- vectorisation: a plain per-run reference -----------------------------------------------


def reference(kw, r):
    """Run ``r`` of ``kw`` alone, with scalar Python following the module docstrings."""
    pos, w, risk = kw["position"][r], kw["weight"][r], kw["risk"][r]
    lo, hi, sq = kw["lo"], kw["hi"], kw["status_quo"][r]
    n, K = pos.shape
    code, d, T = kw["strategy"][r], kw["reservation"][r], kw["deadline"]
    e = [kw["exponent"][r][i] if code[i] <= CONCEDER else 1.0 for i in range(n)]
    rat, order = kw["ratifier"][r], list(kw["order"])
    delta, cost, nash = kw["discount"][r], kw["cost"][r], kw["objective"] == "nash"

    def term(i, k, x):
        return w[i][k] * (1 - (abs(x - pos[i][k]) / (hi[k] - lo[k])) ** risk[i])

    def u(i, x):
        return sum(term(i, k, x[k]) for k in range(K))

    def mean(actors, fallback):
        out = []
        for k in range(K):
            total = sum(w[j][k] for j in actors)
            weighted = sum(w[j][k] * pos[j][k] for j in actors)
            out.append(weighted / total if total > 0 else fallback[k])
        return out

    def welfare(p, x):
        others = [j for j in range(n) if rat[j] and j != p]
        total = sum(u(j, x) for j in others)
        if not nash:
            return total
        score = 0.0
        for j in others:
            gain = u(j, x) - d[j]
            score += math.log(1e-12 + max(gain, 0.0)) - (1000.0 if gain < -1e-9 else 0.0)
        return score + 1e-9 * total

    ratifiers = [j for j in range(n) if rat[j]]
    fixed = [list(pos[i]) for i in range(n)] + [mean(ratifiers, sq), list(sq)]
    fixed += [list(x) for x in kw["candidates"][r]]
    u_max = [u(i, pos[i]) for i in range(n)]
    best, conceded = [-math.inf] * n, [0.0] * n

    def theta(i, t):
        tau = t / (T - 1) if T > 1 else 1.0
        if code[i] <= CONCEDER:
            a = u_max[i] - (u_max[i] - d[i]) * tau ** (1 / e[i])
        elif code[i] == TIT_FOR_TAT:
            a = max(d[i], u_max[i] - conceded[i])
        else:
            a = u_max[i]
        return max(a, (d[i] + cost[i] * t) / delta[i] ** t)

    for t in range(T):
        p = order[t % len(order)]
        aim = theta(p, t) + 1e-10
        target = mean([j for j in range(n) if rat[j] and j != p], pos[p])
        gain = [sum(term(j, k, target[k]) - term(j, k, pos[p][k])
                    for j in range(n) if rat[j] and j != p) for k in range(K)]  # fmt: skip
        loss = [term(p, k, pos[p][k]) - term(p, k, target[k]) for k in range(K)]
        key = [gain[k] / loss[k] if loss[k] > 0 else (math.inf if gain[k] >= 0 else -math.inf)
               for k in range(K)]  # fmt: skip
        path = sorted(range(K), key=lambda k: -key[k])
        vertices, reach, x = [], [], list(pos[p])
        level = u_max[p]
        for s in range(K + 1):
            vertices.append(list(x))
            reach.append(level)
            if s < K:
                x[path[s]] = target[path[s]]
                level -= loss[path[s]]
        s = max(0, min(K, sum(v >= aim for v in reach) - 1))
        on_path = list(vertices[s])
        if s < K and loss[path[s]] > 0:
            lam = (max(reach[s] - aim, 0.0) / loss[path[s]]) ** (1 / risk[p])
            k = path[s]
            on_path[k] += lam * (target[k] - pos[p][k])
        total = reach[0] - reach[K]
        lam = min((max(reach[0] - aim, 0.0) / total) ** (1 / risk[p]), 1.0) if total > 0 else 1.0
        on_segment = [pos[p][k] + lam * (target[k] - pos[p][k]) for k in range(K)]
        candidates = [*vertices, on_path, on_segment, *fixed]
        own = [*reach, *(u(p, c) for c in candidates[K + 1 :])]
        offer, top = vertices[0], -math.inf
        for c, mine in zip(candidates, own, strict=True):
            if mine >= theta(p, t) - 1e-9 and welfare(p, c) > top:
                offer, top = c, welfare(p, c)
        values = [u(i, offer) for i in range(n)]
        for i in range(n):
            if i != p:
                if best[i] > -math.inf:
                    conceded[i] += max(values[i] - best[i], 0.0)
                best[i] = max(best[i], values[i])
        realised = [delta[i] ** t * values[i] - cost[i] * t for i in range(n)]
        if all(values[i] >= theta(i, t) - 1e-9 and realised[i] >= d[i] for i in ratifiers):
            return True, t, offer, realised
    return False, -1, list(sq), list(d)


@settings(max_examples=15, deadline=None)
@given(SEEDS)
def test_vectorised_runs_match_the_per_run_reference(seed):
    """Every run of a batch equals the same run played alone by plain per-run Python."""
    kw = instance(seed, runs=12)
    res = simulate_concession(**kw)
    for r in range(12):
        agreed, when, outcome, value = reference(kw, r)
        assert res.agreement[r] == agreed and res.round[r] == when
        np.testing.assert_allclose(res.outcome[r], outcome, atol=1e-9)
        np.testing.assert_allclose(res.utility[r], value, atol=1e-9)


@settings(max_examples=10, deadline=None)
@given(SEEDS)
def test_batch_equals_runs_one_at_a_time(seed):
    """Slicing out one run and simulating it alone gives that run's batch result exactly."""
    kw = instance(seed, runs=10, actors=4)
    batch = simulate_concession(**kw)
    for r in range(10):
        alone = dict(kw)
        for key, value in kw.items():
            if isinstance(value, np.ndarray) and key not in ("lo", "hi", "order"):
                alone[key] = value[r : r + 1]
        single = simulate_concession(**alone)
        for a, b in zip(fields(batch), fields(single), strict=True):
            np.testing.assert_array_equal(a[r], b[0])


# --- efficiency and validation -------------------------------------------------------------


def test_bilateral_linear_offers_are_pareto_efficient():
    """Risk-neutral actors at opposite ends of three issues: the logroll path is the Pareto
    frontier, so the agreement is undominated by any point of a fine grid."""
    rng = np.random.default_rng(5)
    runs = 30
    position = np.broadcast_to([[10.0, 10.0, 10.0], [0.0, 0.0, 0.0]], (runs, 2, 3))
    weight = issue_weights(rng.uniform(0.1, 1, (runs, 2, 3)))
    res = simulate_concession(
        position, weight, np.ones((runs, 2)), np.zeros(3), np.full(3, 10.0),
        np.full((runs, 3), 5.0), rng.choice([0, 1, 2], (runs, 2)), reservation=0.1, deadline=30,
    )  # fmt: skip
    assert res.agreement.all()
    grid = np.stack(np.meshgrid(*[np.linspace(0, 10, 41)] * 3), -1).reshape(-1, 3)
    u_grid = utility(np.broadcast_to(grid, (runs, *grid.shape)), position, weight,
                     np.ones((runs, 2)), np.zeros(3), np.full(3, 10.0))  # fmt: skip
    u_deal = res.utility[:, None, :]
    dominated = (u_grid >= u_deal + 1e-9).all(-1)
    assert not dominated.any()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"strategy": ["linear", "stubborn"]}, "unknown names"),
        ({"strategy": [0, 7]}, "codes must be in 0..4"),
        ({"weight": np.ones((1, 3, 1))}, "weight: expected shape"),
        ({"deadline": 0}, "deadline"),
        ({"order": [0, 2]}, "order"),
        ({"discount": 1.5}, "discount"),
        ({"ratifier": [False, False]}, "at least one ratifier"),
        ({"objective": "max"}, "objective"),
        ({"n_random": -1}, "n_random"),
        ({"exponent": [[1.0, 0.0]]}, "exponent"),
    ],
)
def test_bad_arguments_are_named(change, message):
    kw = dict(
        position=[[[1.0], [0.0]]], weight=np.ones((1, 2, 1)), risk=np.ones((1, 2)), lo=[0.0],
        hi=[1.0], status_quo=[[0.5]], strategy=["linear", "linear"],
    )  # fmt: skip
    kw.update(change)
    with pytest.raises(ValueError, match=message):
        simulate_concession(**kw)

"""The vectorised discrete alternating-offers protocol against a plain scalar implementation."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from negsim.discrete_offers import discrete_offers, random_problems


def scalar_negotiation(weights, values, reserve, e, rounds, tol):
    """One negotiation, move by move, written as directly as the rules read.

    Returns ``None`` without agreement, else ``(round, proposer, outcome)``.
    """
    n_issues, n_values = len(values[0]), len(values[0][0])
    outcomes = list(itertools.product(range(n_values), repeat=n_issues))

    def u(i, o):
        total = 0.0
        for k in range(n_issues):
            total += weights[i][k] * values[i][k][o[k]]
        return total

    table = [[u(i, o) for o in outcomes] for i in range(2)]
    hi = [max(t) for t in table]
    lo = [max(min(t), reserve[i]) for i, t in enumerate(table)]

    def threshold(i, r):
        tau = (r + 1) / (rounds + 1)
        return max(lo[i], hi[i] - (hi[i] - lo[i]) * tau ** (1.0 / e[i]) - tol)

    def number(j):  # the first issue varies fastest
        return sum(x * n_values**k for k, x in enumerate(outcomes[j]))

    def offer(i, r):
        th = threshold(i, r)
        fits = [j for j in range(len(outcomes)) if table[i][j] >= th]
        if not fits:  # nothing clears the threshold: the best outcome
            return max(range(len(outcomes)), key=lambda j: (table[i][j], number(j)))
        return min(fits, key=lambda j: (table[i][j], number(j)))

    standing = None
    for r in range(rounds):
        for i in (0, 1):
            if standing is not None and table[i][standing] >= threshold(i, r):
                return r, 1 - i, outcomes[standing]
            standing = offer(i, r)
    return None


def check_against_scalar(w, v, res, e, rounds, tol, block=4096):
    out = discrete_offers(w, v, res, e, rounds=rounds, tol=tol, block=block)
    e = np.broadcast_to(e, res.shape)
    for n in range(len(res)):
        ref = scalar_negotiation(w[n].tolist(), v[n].tolist(), res[n].tolist(), e[n].tolist(),
                                 rounds, tol)
        if ref is None:
            assert not out.agreement[n]
            assert out.round[n] == -1 and out.proposer[n] == -1
            assert out.outcome[n].tolist() == [-1] * w.shape[2]
            assert out.utility[n].tolist() == res[n].tolist()
        else:
            assert out.agreement[n], n
            assert (out.round[n], out.proposer[n], tuple(out.outcome[n].tolist())) == ref, n


def test_matches_scalar_reference_on_random_negotiations():
    """Fifty random Boulware negotiations: the same agreements, rounds and outcomes."""
    p = random_problems(50, rng=np.random.default_rng(11))
    check_against_scalar(p.weights, p.values, p.reserve, 0.25, 100, 1e-4)


def test_matches_scalar_reference_with_mixed_exponents_and_small_blocks():
    """Per-agent exponents (Boulware to conceder), no tolerance, blocks of 7 runs."""
    gen = np.random.default_rng(12)
    p = random_problems(40, issues=2, values=6, reserve=(0.0, 0.9), rng=gen)
    e = gen.choice([0.25, 0.5, 1.0, 2.0, 4.0], size=(40, 2))
    check_against_scalar(p.weights, p.values, p.reserve, e, 30, 0.0, block=7)


def test_matches_scalar_reference_with_ties():
    """Equal weights and value utilities on a coarse grid make many outcomes tie (216
    outcomes: more than the first stage's candidates, so ties at its boundary count too)."""
    gen = np.random.default_rng(13)
    n = 30
    w = np.full((n, 2, 3), 1.0 / 3.0)
    v = gen.integers(0, 3, size=(n, 2, 3, 6)) / 2.0
    res = gen.choice([0.0, 0.25, 0.5], size=(n, 2))
    e = gen.choice([0.25, 1.0], size=(n, 2))
    check_against_scalar(w, v, res, e, 20, 0.0)


def test_matches_scalar_reference_on_many_outcomes():
    """A space larger than the fast path's candidate sets, so that every stage is used."""
    gen = np.random.default_rng(14)
    p = random_problems(12, issues=4, values=6, reserve=(0.0, 0.3), rng=gen)
    e = gen.choice([0.25, 1.0, 3.0], size=(12, 2))
    check_against_scalar(p.weights, p.values, p.reserve, e, 40, 1e-4)


def test_matches_scalar_reference_when_a_reserve_exceeds_the_best_outcome():
    """An agent asking for more than any outcome offers its best and never accepts."""
    gen = np.random.default_rng(20)
    p = random_problems(20, issues=2, values=12, reserve=(0.0, 1.3), rng=gen)
    check_against_scalar(p.weights, p.values, p.reserve, 1.0, 25, 0.0)
    out = discrete_offers(p.weights, p.values, p.reserve, 1.0, rounds=25)
    for n in np.flatnonzero(out.agreement):
        assert p.reserve[n, 1 - out.proposer[n]] <= 1.0


def test_agreements_give_each_agent_at_least_its_reserve():
    """An agreement is worth at least its reserve to each agent (it never concedes lower)."""
    gen = np.random.default_rng(15)
    p = random_problems(3000, reserve=(0.0, 0.8), rng=gen)
    e = gen.uniform(0.2, 3.0, size=(3000, 2))
    out = discrete_offers(p.weights, p.values, p.reserve, e, rounds=50)
    assert 0 < out.agreement.sum() < 3000
    assert np.all(out.utility[out.agreement] >= p.reserve[out.agreement])
    assert np.all(out.utility[~out.agreement] == p.reserve[~out.agreement])


def test_agreed_utilities_are_the_utilities_of_the_agreed_outcome():
    """The reported utilities are the weighted sums at the reported outcome."""
    p = random_problems(500, rng=np.random.default_rng(16))
    out = discrete_offers(p.weights, p.values, p.reserve)
    n = np.flatnonzero(out.agreement)
    picked = np.take_along_axis(p.values[n], out.outcome[n][:, None, :, None], axis=-1)[..., 0]
    np.testing.assert_allclose(out.utility[n], (p.weights[n] * picked).sum(-1), rtol=0,
                               atol=1e-12)


def test_accepted_offer_meets_both_thresholds():
    """The acceptor's utility clears its threshold in the round it accepts, the proposer's its
    own in the round it offered."""
    p = random_problems(300, rng=np.random.default_rng(17))
    rounds, e = 60, 0.5
    out = discrete_offers(p.weights, p.values, p.reserve, e, rounds=rounds)
    for n in np.flatnonzero(out.agreement):
        r, prop = out.round[n], out.proposer[n]
        acc = 1 - prop
        offered = r if prop == 0 else r - 1

        def theta(i, rr, n=n):
            return 1 - (1 - p.reserve[n, i]) * ((rr + 1) / (rounds + 1)) ** (1 / e)

        assert out.utility[n, acc] >= theta(acc, r) - 1e-12
        assert out.utility[n, prop] >= theta(prop, offered) - 1e-12


def test_boulware_holds_out_longer_than_conceder():
    """Slower concession on both sides means later agreements, on average."""
    p = random_problems(2000, rng=np.random.default_rng(18))
    late = discrete_offers(p.weights, p.values, p.reserve, 0.25)
    early = discrete_offers(p.weights, p.values, p.reserve, 4.0)
    assert late.round[late.agreement].mean() > early.round[early.agreement].mean() + 10


def test_results_do_not_depend_on_the_block_size():
    """Blocks bound memory only: any block size gives the same arrays."""
    p = random_problems(700, rng=np.random.default_rng(19))
    a = discrete_offers(p.weights, p.values, p.reserve, tol=1e-4, block=4096)
    b = discrete_offers(p.weights, p.values, p.reserve, tol=1e-4, block=33)
    for name in ("agreement", "round", "proposer", "outcome", "utility"):
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_no_negotiations():
    """Zero runs give empty results of the right shapes."""
    p = random_problems(0, rng=0)
    out = discrete_offers(p.weights, p.values, p.reserve)
    assert out.agreement.shape == (0,) and out.outcome.shape == (0, 3)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"e": 0.0}, "e: expected"),
        ({"rounds": 0}, "rounds: expected"),
        ({"tol": -1.0}, "tol: expected"),
        ({"reserve": np.zeros(3)}, "reserve: expected"),
        ({"block": 0}, "block: expected"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    """Each bad argument is named in the error."""
    p = random_problems(2, rng=0)
    args = {"reserve": p.reserve, **kwargs}
    with pytest.raises(ValueError, match=match):
        discrete_offers(p.weights, p.values, **args)

"""The discrete alternating-offers protocol against a plain scalar implementation, and its two
backends (numpy, numba) against each other."""

from __future__ import annotations

import itertools
import subprocess
import sys

import numpy as np
import pytest

import negsim.discrete_offers as mod
from negsim.discrete_offers import discrete_offers, random_problems

FIELDS = ("agreement", "round", "proposer", "outcome", "utility")


@pytest.fixture(params=["numpy", "numba"])
def backend(request):
    """Each backend in turn; the compiled one only where numba is installed."""
    if request.param == "numba":
        pytest.importorskip("numba")
    return request.param


@pytest.fixture
def kernel():
    """The compiled kernel's module (skips without numba)."""
    pytest.importorskip("numba")
    from negsim import _discrete_kernel

    return _discrete_kernel


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


def check_against_scalar(w, v, res, e, rounds, tol, block=4096, backend="numpy"):
    out = discrete_offers(w, v, res, e, rounds=rounds, tol=tol, block=block, backend=backend)
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


def test_matches_scalar_reference_on_random_negotiations(backend):
    """Fifty random Boulware negotiations: the same agreements, rounds and outcomes."""
    p = random_problems(50, rng=np.random.default_rng(11))
    check_against_scalar(p.weights, p.values, p.reserve, 0.25, 100, 1e-4, backend=backend)


def test_matches_scalar_reference_with_mixed_exponents_and_small_blocks(backend):
    """Per-agent exponents (Boulware to conceder), no tolerance, blocks of 7 runs."""
    gen = np.random.default_rng(12)
    p = random_problems(40, issues=2, values=6, reserve=(0.0, 0.9), rng=gen)
    e = gen.choice([0.25, 0.5, 1.0, 2.0, 4.0], size=(40, 2))
    check_against_scalar(p.weights, p.values, p.reserve, e, 30, 0.0, block=7, backend=backend)


def test_matches_scalar_reference_with_ties(backend):
    """Equal weights and value utilities on a coarse grid make many outcomes tie (216
    outcomes: more than the first stage's candidates, so ties at its boundary count too)."""
    gen = np.random.default_rng(13)
    n = 30
    w = np.full((n, 2, 3), 1.0 / 3.0)
    v = gen.integers(0, 3, size=(n, 2, 3, 6)) / 2.0
    res = gen.choice([0.0, 0.25, 0.5], size=(n, 2))
    e = gen.choice([0.25, 1.0], size=(n, 2))
    check_against_scalar(w, v, res, e, 20, 0.0, backend=backend)


def test_matches_scalar_reference_on_many_outcomes(backend):
    """A space larger than the fast path's candidate sets, so that every stage is used."""
    gen = np.random.default_rng(14)
    p = random_problems(12, issues=4, values=6, reserve=(0.0, 0.3), rng=gen)
    e = gen.choice([0.25, 1.0, 3.0], size=(12, 2))
    check_against_scalar(p.weights, p.values, p.reserve, e, 40, 1e-4, backend=backend)


def test_matches_scalar_reference_when_a_reserve_exceeds_the_best_outcome(backend):
    """An agent asking for more than any outcome offers its best and never accepts."""
    gen = np.random.default_rng(20)
    p = random_problems(20, issues=2, values=12, reserve=(0.0, 1.3), rng=gen)
    check_against_scalar(p.weights, p.values, p.reserve, 1.0, 25, 0.0, backend=backend)
    out = discrete_offers(p.weights, p.values, p.reserve, 1.0, rounds=25, backend=backend)
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


def test_results_do_not_depend_on_the_block_size(backend):
    """Blocks bound memory only: any block size gives the same arrays, also with exponents
    that differ between blocks (the powers do not depend on the other exponents)."""
    gen = np.random.default_rng(19)
    p = random_problems(700, rng=gen)
    e = np.where(np.arange(700)[:, None] < 350, 2.0, gen.choice([0.5, 2.0, 3.0], (700, 2)))
    a = discrete_offers(p.weights, p.values, p.reserve, e, tol=1e-4, block=4096,
                        backend=backend)
    b = discrete_offers(p.weights, p.values, p.reserve, e, tol=1e-4, block=33,
                        backend=backend)
    for name in FIELDS:
        np.testing.assert_array_equal(getattr(a, name), getattr(b, name))


def test_no_negotiations(backend):
    """Zero runs give empty results of the right shapes."""
    p = random_problems(0, rng=0)
    out = discrete_offers(p.weights, p.values, p.reserve, backend=backend, workers=2)
    assert out.agreement.shape == (0,) and out.outcome.shape == (0, 3)
    assert out.utility.shape == (0, 2)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"e": 0.0}, "e: expected"),
        ({"rounds": 0}, "rounds: expected"),
        ({"tol": -1.0}, "tol: expected"),
        ({"reserve": np.zeros(3)}, "reserve: expected"),
        ({"block": 0}, "block: expected"),
        ({"backend": "cuda"}, "backend: expected one of 'auto', 'numba', 'numpy', got 'cuda'"),
        ({"backend": None}, "backend: expected"),
    ],
)
def test_bad_arguments_are_named(kwargs, match):
    """Each bad argument is named in the error."""
    p = random_problems(2, rng=0)
    args = {"reserve": p.reserve, **kwargs}
    with pytest.raises(ValueError, match=match):
        discrete_offers(p.weights, p.values, **args)


# --- the two backends, bit for bit ---------------------------------------------------------


def assert_same(a, b):
    """Every field equal; utilities to the bit (the sign of a zero included)."""
    for name in FIELDS:
        x, y = getattr(a, name), getattr(b, name)
        assert x.dtype == y.dtype and x.shape == y.shape, name
        if name == "utility":
            x, y = x.view(np.int64), y.view(np.int64)
        assert np.array_equal(x, y), (name, np.flatnonzero((x != y).reshape(len(x), -1)
                                                           .any(axis=1))[:10])


def mixed_problems(gen, issues, values, n=40):
    """Random problems of three kinds at once: random utilities with exponents mixed per agent
    (Boulware to conceder), ties (weights and values on a coarse grid, so that many outcomes are
    worth the same, reserves on the same grid), and reserves above the best outcome."""
    p = random_problems(n, issues=issues, values=values, reserve=(0.0, 0.9), rng=gen)
    tie_w = np.full((n, 2, issues), 1.0 / issues)
    tie_w[: n // 2] = gen.choice([0.5, 1.0, 2.0], size=(n // 2, 2, issues))
    tie_v = gen.integers(0, 3, size=(n, 2, issues, values)) / 2.0
    tie_res = gen.choice([0.0, 0.25, 0.5, 1.0], size=(n, 2))
    q = random_problems(n, issues=issues, values=values, reserve=(0.5, 1.4), rng=gen)
    w = np.concatenate([p.weights, tie_w, q.weights])
    v = np.concatenate([p.values, tie_v, q.values])
    res = np.concatenate([p.reserve, tie_res, q.reserve])
    e = gen.choice([0.1, 0.25, 0.5, 1.0, 2.0, 4.0, 7.5], size=(3 * n, 2))
    return w, v, res, e


@pytest.mark.parametrize("tol", [0.0, 1e-4])
@pytest.mark.parametrize("rounds", [1, 2, 100])
@pytest.mark.parametrize(("issues", "values"), [(1, 2), (1, 7), (4, 2), (4, 7)])
def test_numba_and_numpy_backends_agree_exactly(kernel, issues, values, rounds, tol):
    """The same agreements, rounds, proposers, outcomes and utilities to the bit, on mixed
    exponents, ties, reserves above the best outcome, any block size and two workers."""
    gen = np.random.default_rng([issues, values, rounds, int(tol > 0)])
    w, v, res, e = mixed_problems(gen, issues, values)
    ref = discrete_offers(w, v, res, e, rounds=rounds, tol=tol, backend="numpy")
    assert_same(ref, discrete_offers(w, v, res, e, rounds=rounds, tol=tol, backend="numba"))
    assert_same(ref, discrete_offers(w, v, res, e, rounds=rounds, tol=tol, backend="numba",
                                     block=7, workers=2))
    assert_same(ref, discrete_offers(w, v, res, e, rounds=rounds, tol=tol, backend="numpy",
                                     block=5, workers=2))
    # one exponent for all: the benchmark's case
    assert_same(discrete_offers(w, v, res, 0.25, rounds=rounds, tol=tol, backend="numpy"),
                discrete_offers(w, v, res, 0.25, rounds=rounds, tol=tol, backend="numba"))


def test_numba_and_numpy_backends_agree_with_an_exponent_per_agent(kernel):
    """Exponents drawn from a continuum (a power table per agent, not shared), on 2 to 3
    issues, small blocks."""
    gen = np.random.default_rng(24)
    for issues, values, rounds in [(2, 7, 100), (3, 4, 13)]:
        w, v, res, _ = mixed_problems(gen, issues, values, n=50)
        e = gen.uniform(0.05, 8.0, size=res.shape)
        assert len(np.unique(e)) > 100
        ref = discrete_offers(w, v, res, e, rounds=rounds, tol=1e-4, backend="numpy")
        assert_same(ref, discrete_offers(w, v, res, e, rounds=rounds, tol=1e-4,
                                         backend="numba", block=16))


def test_numba_and_numpy_backends_agree_on_the_benchmark_problem(kernel):
    """3 issues of 10 values, 100 rounds, Boulware agents, NegMAS's tolerance."""
    p = random_problems(400, rng=np.random.default_rng(21))
    ref = discrete_offers(p.weights, p.values, p.reserve, 0.25, tol=1e-4, backend="numpy")
    assert_same(ref, discrete_offers(p.weights, p.values, p.reserve, 0.25, tol=1e-4,
                                     backend="numba", workers=2))
    assert 0.9 < ref.agreement.mean() and ref.round[ref.agreement].mean() > 40


def test_the_kernel_computes_numpy_thresholds(kernel):
    """The kernel's thresholds are numpy's, bit for bit (the powers are numpy's; the rest is
    the same operations in the same order)."""
    gen = np.random.default_rng(22)
    w, v, res, e = mixed_problems(gen, 3, 5)
    w = w * gen.uniform(0.5, 3.0, size=w.shape)  # utilities not normalised
    n, rounds, tol = len(res), 37, 1e-4
    table, inv = mod._powers(e, rounds)
    _, _, th = mod._thresholds(w[..., None] * v, res, table, inv, tol)
    out = np.empty((n, 2, rounds))
    move, prop, oc = (np.empty(n, dtype=np.int64) for _ in range(3))
    kernel.solve(w, v, res, table, inv, tol, move, prop, oc, np.empty((n, 2)), out)
    assert np.array_equal(out.reshape(2 * n, rounds).view(np.int64), th.view(np.int64))


def test_backends_agree_when_a_threshold_rises(kernel):
    """Thresholds that rise somewhere (rounding in the powers could do it): both backends
    still offer the least outcome above each round's own threshold."""
    gen = np.random.default_rng(23)
    for issues, values, rounds in [(1, 6, 9), (2, 4, 30), (3, 5, 12)]:
        w, v, res, e = mixed_problems(gen, issues, values, n=30)
        n = len(res)
        table = np.sort(gen.random((3, rounds)), axis=1)
        table = np.clip(table + gen.normal(0.0, 0.05, table.shape)
                        * (gen.random(table.shape) < 0.3), 0.0, 1.0)
        assert np.any(np.diff(table, axis=1) < 0)
        inv = gen.integers(0, 3, 2 * n)
        for tol in (0.0, 1e-4):
            move, prop, oc, util = mod._block(w, v, res, e, table, inv, tol)
            got = [np.empty(n, dtype=np.int64) for _ in range(3)] + [np.empty((n, 2))]
            kernel.solve(w, v, res, table, inv, tol, *got, np.empty((0, 2, rounds)))
            assert np.array_equal(got[0], move) and np.array_equal(got[1], prop)
            assert np.array_equal(got[2], oc) and np.array_equal(got[3], util)


def test_powers_do_not_depend_on_the_other_exponents():
    """Each exponent's powers are the same bits alone or among others (numpy's power may take
    other routines for other layouts): the numpy backend's results do not depend on which runs
    share a block."""
    x = np.array([2.0, 0.5, 0.25, 1.0, 0.3])
    table, inv = mod._powers(x, 100)
    for j, ex in enumerate(x):
        alone, _ = mod._powers(np.full(3, ex), 100)
        assert np.array_equal(alone[0].view(np.int64), table[inv[j]].view(np.int64))


def test_auto_backend_without_numba_is_numpy(monkeypatch):
    """Without numba, "auto" runs the numpy code and "numba" says what to install."""
    p = random_problems(30, rng=0)
    ref = discrete_offers(p.weights, p.values, p.reserve, backend="numpy")
    monkeypatch.setattr(mod, "_kernel", lambda: None)
    assert_same(ref, discrete_offers(p.weights, p.values, p.reserve))
    with pytest.raises(ImportError, match=r"pip install negsim\[fast\]"):
        discrete_offers(p.weights, p.values, p.reserve, backend="numba")


def test_importing_negsim_does_not_import_numba():
    """numba is imported on the compiled backend's first use only."""
    code = ("import sys, negsim, negsim.discrete_offers, negsim.bench_negmas; "
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"


def test_kernel_compiles_in_memory_without_a_writable_cache(kernel, monkeypatch):
    """Where numba finds no cache directory it can write, the kernel is compiled in memory
    (numba raises at decoration time then, rather than warning)."""
    import numba.core.caching

    def unwritable(self):
        raise PermissionError("read-only")

    monkeypatch.setattr(numba.core.caching._CacheLocator, "ensure_cache_path", unwritable)
    with pytest.raises(RuntimeError, match="cannot cache"):
        numba.njit(cache=True)(lambda x: x + 1)

    def twice(x):
        return 2 * x

    assert kernel._jit(twice)(21) == 42

"""The compiled Newton step for Nash bargaining (negsim._nash_jit) against the numpy one.

The numpy step (:func:`negsim._spatial_bargaining.newton_step`) is the reference: the compiled
step follows the same rules run by run, so from the same point it must give the same step up to
rounding, and whole solutions must agree in utilities and be certified alike. Also here: the
BLAS thread limit around ensemble blocks, and the scenario hash remembered per object.
"""

from __future__ import annotations

import importlib.util
import threading

import attrs
import numpy as np
import pytest

import negsim
from negsim import _spatial_bargaining as sb, _spatial_kernel as sk, axiomatic as ax
from negsim.axiomatic import nash_outcome
from negsim.io import scenario_hash
from negsim.utility import issue_weights, utility

needs_numba = pytest.mark.skipif(importlib.util.find_spec("numba") is None,
                                 reason="numba is not installed (pip install negsim[fast])")


def _problem(seed, R, n, K, at_ends=0.3, ties=False):
    rng = np.random.default_rng(seed)
    pos = rng.random((R, n, K))
    if ties:  # positions on a coarse grid: kinks shared by several actors
        pos = np.round(pos * 4) / 4
    pos = np.where(rng.random((R, n, K)) < at_ends, np.round(pos), pos)
    w = issue_weights(rng.random((R, n, K)) * (rng.random((R, n, K)) > 0.2) + 1e-3)
    sq = rng.random((R, K))
    lo, hi = np.zeros(K), np.ones(K)
    r = np.ones((R, n))
    d = utility(sq, pos, w, r, lo, hi) * rng.uniform(0.2, 0.95, (R, 1))
    tau = rng.dirichlet(np.ones(n), R)
    return dict(position=pos, weight=w, risk=r, lo=lo, hi=hi, disagreement=d,
                status_quo=sq), tau


@pytest.fixture
def numpy_only(monkeypatch):
    def switch(on: bool) -> None:
        monkeypatch.setenv("NEGSIM_JIT", "0" if on else "1")
    return switch


@needs_numba
@pytest.mark.parametrize(("seed", "n", "K", "ties"), [
    (1, 2, 1, False), (2, 3, 2, False), (3, 5, 4, False), (4, 10, 8, False),
    (5, 4, 3, True), (6, 7, 6, True), (7, 5, 2, True),
])
def test_one_step_matches_the_numpy_step(numpy_only, seed, n, K, ties):
    """From the same random points (some on kinks, some on bounds), the same step.

    With at least as many actors as issues: with fewer, the Newton matrix has rank n < K and
    only the damping (1e-8 of the diagonal) fixes the step along its null space, where the
    two solvers' rounding errors are amplified beyond any useful tolerance (the solutions are
    compared below, whatever n and K)."""
    args, tau = _problem(seed, 400, n, K, ties=ties)
    rng = np.random.default_rng(seed + 100)
    sp = ax._lower(args["position"], args["weight"], args["risk"], args["lo"], args["hi"],
                   args["disagreement"], args["status_quo"])[0]
    z = rng.random((400, K))
    on_kink = rng.random((400, K)) < 0.3
    z = np.where(on_kink, sp.q[np.arange(400), rng.integers(0, n, 400)], z)
    z = np.where(rng.random((400, K)) < 0.1, np.round(z), z)
    z = np.clip(z, sp.lo, sp.hi)
    cache = sk.evaluate(sp, z)
    numpy_only(False)
    # a disagreement point below every start's utilities, as the Nash driver's shift makes it
    d = np.minimum(args["disagreement"], cache[-1] - 1e-3)
    pr = sk.Problem(d, np.zeros_like(d), tau, 0.0, False, sb._DAMPING)
    ref = sb.newton_step(sp, pr, z, np.zeros(400), cache)
    got = sb._nash_step(sp, pr, z, np.zeros(400), cache)
    # the slopes, the gap and the multipliers come before any solve: equal up to the order of
    # summation; the step solves a Newton system damped by only 1e-8 of its diagonal, whose
    # rounding errors may reach 1e-8 of its solution where it is ill-conditioned
    for name, i, tol in (("gap", 3, 1e-12), ("y", 5, 1e-12), ("z", 0, 1e-7),
                         ("decrement", 4, 1e-6), ("s_pred", 6, 1e-6)):
        np.testing.assert_allclose(got[i], ref[i], rtol=tol, atol=tol * 1e-2, err_msg=name)
    np.testing.assert_allclose(got[2][-1], ref[2][-1], rtol=1e-7, atol=1e-9)  # u at the new z
    assert np.array_equal(got[7], ref[7])


@pytest.mark.parametrize(("seed", "R", "n", "K", "ties"), [
    (11, 300, 2, 1, False), (12, 300, 3, 3, False), (13, 300, 6, 5, True),
    (14, 600, 10, 8, False), (15, 300, 4, 2, True),
])
@needs_numba
def test_solutions_match_the_numpy_solver(numpy_only, seed, R, n, K, ties):
    args, tau = _problem(seed, R, n, K, ties=ties)
    numpy_only(True)
    ref = nash_outcome(**args, power=tau)
    numpy_only(False)
    got = nash_outcome(**args, power=tau)
    assert np.array_equal(got.feasible, ref.feasible)
    np.testing.assert_allclose(got.utility, ref.utility, rtol=0, atol=1e-9)
    ok = ref.feasible
    d = args["disagreement"]
    value = lambda s: (tau[ok] * np.log(s.utility[ok] - d[ok])).sum(1)  # noqa: E731
    np.testing.assert_allclose(value(got), value(ref), rtol=0, atol=1e-11)
    # both certified to the solver's tolerance where the numpy one is
    certified = ok & np.isfinite(ref.gap)
    assert np.all(np.isfinite(got.gap[certified]))


@needs_numba
def test_the_reference_ensemble_matches_the_numpy_solver(numpy_only, reference):
    from negsim.ensemble import run_ensemble

    numpy_only(True)
    ref = run_ensemble(reference, 600, "nash", seed=3, progress=False)
    numpy_only(False)
    got = run_ensemble(reference, 600, "nash", seed=3, progress=False)
    assert np.array_equal(got.agreement, ref.agreement)
    lo, hi = (np.array([i.scale[k] for i in reference.issues]) for k in (0, 1))
    # terms to 1e-9 of each issue's scale, utilities to 1e-11
    assert np.all(np.abs(got.outcome - ref.outcome) <= 1e-9 * (hi - lo))
    np.testing.assert_allclose(got.utility, ref.utility, rtol=0, atol=1e-11)


@needs_numba
def test_the_compiled_step_is_deterministic(reference):
    from negsim.ensemble import run_ensemble

    a = run_ensemble(reference, 300, "nash", seed=5, progress=False)
    b = run_ensemble(reference, 300, "nash", seed=5, progress=False)
    assert np.array_equal(a.outcome, b.outcome) and np.array_equal(a.utility, b.utility)


# ---------------------------------------------------------------------------------------------
# BLAS threads


def _blas_threads() -> list[int]:
    from threadpoolctl import threadpool_info

    return [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]


def test_single_blas_limits_and_restores():
    from negsim._threads import single_blas

    before = _blas_threads()
    if not before:
        pytest.skip("no BLAS library that threadpoolctl knows")
    with single_blas():
        assert set(_blas_threads()) == {1}
        with single_blas():  # nested
            assert set(_blas_threads()) == {1}
        assert set(_blas_threads()) == {1}
    assert _blas_threads() == before


def test_single_blas_restores_only_when_the_last_thread_leaves():
    from negsim._threads import single_blas

    before = _blas_threads()
    if not before:
        pytest.skip("no BLAS library that threadpoolctl knows")
    inside, release = threading.Barrier(4), threading.Event()

    def work():
        with single_blas():
            inside.wait(10)
            release.wait(10)

    with single_blas():
        threads = [threading.Thread(target=work) for _ in range(3)]
        for t in threads:
            t.start()
        inside.wait(10)  # every thread is inside
        release.set()
        for t in threads:
            t.join(10)
        assert set(_blas_threads()) == {1}  # the others left; this thread is still inside
    assert _blas_threads() == before


# ---------------------------------------------------------------------------------------------
# the scenario hash, remembered per object


def test_hash_is_the_canonical_hash_and_is_remembered(reference):
    h = reference.hash
    assert h == scenario_hash(reference)
    assert reference.hash is h  # the remembered string
    other = attrs.evolve(reference, title=reference.title + " (changed)")
    assert other.hash == scenario_hash(other) != h


def test_hash_of_a_new_object_at_a_reused_address_is_its_own(reference_path):
    hashes = set()
    for k in range(20):  # objects die and their ids are reused
        s = negsim.load(reference_path)
        s = attrs.evolve(s, title=f"copy {k}")
        hashes.add((s.title, s.hash))
        assert s.hash == scenario_hash(s)
        del s
    assert len({h for _, h in hashes}) == 20

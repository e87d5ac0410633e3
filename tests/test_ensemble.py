"""Ensembles and sweeps (negsim.ensemble): seeding independent of executors and chunking,
failed runs as data, memory refusal, results as data (pandas, xarray, EMA, files)."""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import subprocess
import sys

import attrs
import numpy as np
import pytest

import negsim
from negsim._resources import reference_scenario
from negsim.design import cross, grid, monte_carlo
from negsim.engines import Engine, EngineInfo, NoParams, get, register, unregister
from negsim.ensemble import EnsembleResult, run_ensemble, run_sweep
from negsim.errors import NegsimError
from negsim.scenario import Uncertainty


@pytest.fixture(scope="module")
def reference():
    return negsim.load(reference_scenario())


def _sweep_design(s, samples=40):
    levers = grid({"levers.eu_sanctions.level": [0.0, 0.5, 1.0],
                   "levers.us_military_aid.level": [0.0, 1.0]})
    return cross(levers, monte_carlo(s.uncertainties, samples, rng=7))


def _arrays(e: EnsembleResult) -> dict[str, np.ndarray]:
    out = {"outcome": e.outcome, "agreement": e.agreement, "round": e.round,
           "utility": e.utility, "walk_away": e.walk_away, "failed": e.failed}
    out |= {f"design.{k}": v for k, v in e.design.items()}
    out |= {f"extras.{k}": v for k, v in e.extras.items()}
    return out


def _assert_identical(a: EnsembleResult, b: EnsembleResult) -> None:
    xa, xb = _arrays(a), _arrays(b)
    assert xa.keys() == xb.keys()
    for k in xa:
        assert xa[k].dtype == xb[k].dtype, k
        assert np.array_equal(xa[k], xb[k], equal_nan=xa[k].dtype.kind == "f"), k


@pytest.fixture(scope="session")
def dask_client():
    """One LocalCluster for the test session: 2 worker processes, loopback only, no
    dashboard."""
    distributed = pytest.importorskip("distributed")
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       host="127.0.0.1", dashboard_address=None)
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_same_sweep_on_every_executor_gives_identical_arrays(reference, dask_client):
    """Sequential, thread pool, process pool and Dask: bit-identical results. The war engine
    draws battles from its generator, so this checks the seeding, not just determinism."""
    design = _sweep_design(reference, samples=6)  # 36 runs, 3 blocks of 16
    kw = dict(seed=11, progress=False, block=16, extras=("capitulation",))
    base = run_sweep(reference, design, "war", **kw)
    assert base.n_runs == 36 and not base.failed.any()
    with cf.ThreadPoolExecutor(2) as pool:
        _assert_identical(base, run_sweep(reference, design, "war", executor=pool, **kw))
    ctx = multiprocessing.get_context("spawn")  # this test's pool only: no global setting
    with cf.ProcessPoolExecutor(2, mp_context=ctx) as pool:
        _assert_identical(base, run_sweep(reference, design, "war", executor=pool,
                                          chunksize=16, **kw))
    _assert_identical(base, run_sweep(reference, design, "war",
                                      executor=dask_client.get_executor(), **kw))


def test_stochastic_engine_draws_depend_on_seed_not_on_chunks(reference):
    """Chunk size never changes the results; the seed does; the same seed repeats them."""
    design = _sweep_design(reference, samples=5)
    kw = dict(seed=3, progress=False, block=8)
    a = run_sweep(reference, design, "war", **kw)
    with cf.ThreadPoolExecutor(3) as pool:
        for chunk in (8, 16, 1000):
            _assert_identical(a, run_sweep(reference, design, "war", executor=pool,
                                           chunksize=chunk, **kw))
    _assert_identical(a, run_sweep(reference, design, "war", **kw))
    other = run_sweep(reference, design, "war", **{**kw, "seed": 4})
    assert not np.array_equal(other.outcome, a.outcome)  # the proposer is drawn at random


def test_monte_carlo_draws_per_block_are_the_seeded_streams(reference):
    """run_ensemble draws block b's uncertainties from SeedSequence(seed, spawn_key=(b,))'s
    first child, as documented: recompute them independently."""
    e = run_ensemble(reference, 50, "compromise", seed=5, block=20, progress=False)
    for b, (start, stop) in enumerate(((0, 20), (20, 40), (40, 50))):
        root = np.random.SeedSequence(5, spawn_key=(b,))
        gen = np.random.default_rng(np.random.SeedSequence(root.entropy, spawn_key=(b, 0)))
        for u in reference.uncertainties:
            assert np.array_equal(e.design[u.path][start:stop], u.sample(gen, stop - start))


def test_ensemble_outputs_equal_direct_runs(reference):
    """A deterministic engine's ensemble equals negsim.run on the same drawn values, block
    by block (the solver iterates until every run of a batch converges, so a batch of other
    runs may differ in the last digits)."""
    e = run_ensemble(reference, 300, "nash", seed=2, block=128, progress=False)
    for a, b in ((0, 128), (128, 256), (256, 300)):
        direct = negsim.run(reference, "nash", n_runs=b - a,
                            overrides={p: v[a:b] for p, v in e.design.items()}, rng=0)
        np.testing.assert_array_equal(e.outcome[a:b], direct.outcome)
        np.testing.assert_array_equal(e.utility[a:b], direct.utility)
        np.testing.assert_array_equal(e.agreement[a:b], direct.agreement)


def _failing_engine() -> Engine:
    """Compromise, except that it raises when any run's Russian capability exceeds 80."""
    inner = get("compromise")

    def solve(c, p, rng):
        if (c.capability[:, 0] > 80).any():
            raise ValueError("capability above 80")
        return inner.solve(c, inner.params(), rng)

    return Engine(info=EngineInfo(name="test_fails_above_80", summary="test",
                                  family="forecast", guarantees=()),
                  params=NoParams, solve=solve)


def test_failed_runs_are_isolated_and_recorded(reference):
    """Exactly the offending runs fail, with their message; the others are the engine's
    results for their own parameters; summaries leave failures out."""
    engine = register(_failing_engine())
    try:
        e = run_ensemble(reference, 200, engine.name, seed=9, block=64, progress=False)
    finally:
        unregister(engine.name)
    cap = e.design["actors.russia.capability"]
    assert reference.actors[0].id == "russia"
    np.testing.assert_array_equal(e.failed, cap > 80)
    assert 0 < e.failed.sum() < 200
    assert e.errors == ("ValueError: capability above 80",)
    assert set(e.error[e.failed].tolist()) == {0} and set(e.error[~e.failed].tolist()) == {-1}
    assert np.isnan(e.outcome[e.failed]).all() and not e.agreement[e.failed].any()
    ok = ~e.failed
    direct = negsim.run(reference, "compromise", n_runs=int(ok.sum()),
                        overrides={p: v[ok] for p, v in e.design.items()})
    np.testing.assert_allclose(e.outcome[ok], direct.outcome, rtol=0, atol=1e-12)
    row = next(r for r in e.summary_table(["outcome.donbas"]))
    assert row["n"] == int(ok.sum())
    assert row["mean"] == pytest.approx(direct.outcome[:, 0].mean())


def test_memory_refusal_names_the_size_and_the_way_out(reference):
    with pytest.raises(NegsimError, match=r"GiB of results.*store=\('agreement', 'round'\)"):
        run_ensemble(reference, 10_000_000, "compromise", max_memory=1 << 30, progress=False)
    # keeping two outputs fits in the same budget: the check passes (run a small one)
    e = run_ensemble(reference, 1000, "compromise", store=("agreement", "round"),
                     max_memory=1 << 20, progress=False)
    assert e.outcome is None and e.agreement.shape == (1000,)
    with pytest.raises(NegsimError, match="did not store"):
        e.values("outcome.donbas")


def test_bad_arguments_are_named(reference):
    with pytest.raises(NegsimError, match="no variant 'nope'"):
        run_ensemble(reference, 10, "compromise", variants=["nope"], progress=False)
    with pytest.raises(NegsimError, match="unknown outputs"):
        run_ensemble(reference, 10, "compromise", store=("outcomes",), progress=False)
    with pytest.raises(NegsimError, match="sampler"):
        run_ensemble(reference, 10, "compromise", sampler="sobol", progress=False)
    with pytest.raises(NegsimError, match="chunksize"):
        run_ensemble(reference, 10, "compromise", chunksize=0, executor=cf.ThreadPoolExecutor(1),
                     progress=False)
    with pytest.raises(TypeError, match="int seed"):
        run_ensemble(reference, 10, "compromise", seed=np.random.default_rng(0),
                     progress=False)
    e = run_ensemble(reference, 10, "compromise", progress=False)
    with pytest.raises(NegsimError, match=r"no quantity 'outcome.donbass'.*outcome.donbas"):
        e.values("outcome.donbass")


def test_variants_share_seeds_and_yield_uncertainties_they_set(reference):
    """Variants run on the same draws (common random numbers); an uncertainty over a path a
    variant sets yields to the variant."""
    extra = Uncertainty(id="channel", path="levers.eu_channel.level", distribution="uniform",
                        low=0.0, high=1.0, assumption="test")
    s = attrs.evolve(reference, uncertainties=(*reference.uncertainties, extra))
    e = run_ensemble(s, 64, "nash", seed=1, variants=["baseline", "eu_at_table"],
                     progress=False)
    assert e.variants == ("baseline", "eu_at_table") and e.n_runs == 128
    base_draw = e.values("actors.russia.capability", "baseline")
    np.testing.assert_array_equal(base_draw, e.values("actors.russia.capability",
                                                      "eu_at_table"))
    assert np.isnan(e.values("levers.eu_channel.level", "eu_at_table")).all()
    v = s.with_variant("eu_at_table")
    over = {p: x for p, x in e.design.items() if p != "levers.eu_channel.level"}
    direct = negsim.run(v, "nash", n_runs=64, overrides={p: x[64:] for p, x in over.items()})
    np.testing.assert_array_equal(e.outcome[64:], direct.outcome)


def test_sweep_of_two_levers_by_five_levels_by_1000_samples_is_a_named_dataset(reference):
    """The issue's acceptance case: 2 levers x 5 levels x 1,000 uncertainty samples."""
    xr = pytest.importorskip("xarray")
    levels = np.linspace(0.0, 1.0, 5)
    design = cross(grid({"levers.eu_sanctions.level": levels,
                         "levers.energy_purchases.level": levels}),
                   monte_carlo(reference.uncertainties, 1000, rng=1))
    e = run_sweep(reference, design, "compromise", seed=0, progress=False)
    ds = e.to_xarray()
    assert isinstance(ds, xr.Dataset)
    assert ds["outcome"].dims == ("levers.eu_sanctions.level", "levers.energy_purchases.level",
                                  "sample", "issue")
    assert ds.sizes == {"levers.eu_sanctions.level": 5, "levers.energy_purchases.level": 5,
                        "sample": 1000, "issue": 8, "actor": 12}
    np.testing.assert_array_equal(ds["levers.eu_sanctions.level"].values, levels)
    # the N-D layout is the run axis in C order: spot-check one cell against the flat arrays
    i, j, k = 3, 1, 777
    flat = (i * 5 + j) * 1000 + k
    np.testing.assert_array_equal(ds["outcome"].values[i, j, k], e.outcome[flat])
    assert e.design["levers.eu_sanctions.level"][flat] == levels[i]
    assert e.design["levers.energy_purchases.level"][flat] == levels[j]
    assert ds["actors.russia.capability"].values[i, j, k] == e.design[
        "actors.russia.capability"][flat]


def test_pandas_and_ema_shapes(reference):
    pytest.importorskip("pandas")
    e = run_ensemble(reference, 100, "compromise", seed=1, variants=["baseline", "us_disengages"],
                     progress=False)
    df = e.to_pandas()
    assert len(df) == 200 and set(df["variant"]) == {"baseline", "us_disengages"}
    np.testing.assert_array_equal(df["outcome.donbas"].to_numpy(), e.outcome[:, 0])
    gain = e.utility[:, 1] - e.walk_away[:, 1]
    np.testing.assert_array_equal(df["gain.ukraine"].to_numpy(), gain)
    exp, outcomes = e.to_ema()
    assert len(exp) == 200
    assert {"scenario", "policy", "model", "actors.russia.capability"} <= set(exp.columns)
    assert list(exp["policy"].cat.categories) == ["baseline", "us_disengages"]
    assert exp["scenario"].tolist() == list(range(100)) * 2
    assert all(v.shape == (200,) for v in outcomes.values())
    np.testing.assert_array_equal(outcomes["agreement"], e.agreement)


@pytest.mark.parametrize("suffix", [".npz", ".nc"])
def test_save_and_load_round_trip(reference, tmp_path, suffix):
    if suffix == ".nc":
        pytest.importorskip("xarray")
        pytest.importorskip("h5netcdf")
    design = cross(grid({"levers.eu_sanctions.level": [0.0, 1.0]}),
                   monte_carlo(reference.uncertainties, 30, rng=2))
    e = run_sweep(reference, design, "war", seed=4, variants=[None, "us_disengages"],
                  extras=("capitulation",), progress=False)
    back = EnsembleResult.load(e.save(tmp_path / f"ens{suffix}"))
    _assert_identical(e, back)
    for f in ("engine", "params", "seed", "block", "sampler", "scenario_hash", "variants",
              "variant_hashes", "issue_ids", "actor_ids", "shape", "dims", "errors"):
        assert getattr(back, f) == getattr(e, f), f
    np.testing.assert_array_equal(back.coords["levers.eu_sanctions.level"], [0.0, 1.0])
    with pytest.raises(NegsimError, match=r"\.npz or \.nc"):
        e.save(tmp_path / "ens.csv")


def test_summaries_have_intervals(reference):
    e = run_ensemble(reference, 400, "nash", seed=1, progress=False)
    x = e.values("outcome.donbas")
    row = next(r for r in e.summary_table() if r["quantity"] == "outcome.donbas")
    se = x.std(ddof=1) / np.sqrt(x.size)
    assert row["mean"] == pytest.approx(x.mean())
    assert row["lo"] == pytest.approx(x.mean() - 1.959964 * se)
    assert row["p95"] == pytest.approx(np.quantile(x, 0.95))
    a = e.agreement_probability()
    assert a["mean"] == 1.0 and a["hi"] == pytest.approx(1.0) and a["lo"] < 1.0
    text = e.summary()
    assert "Rest of Donetsk and Luhansk" in text and "95% CI" in text
    d = e.to_dict()
    assert d["variants"]["baseline"]["outcome.donbas"]["mean"] == pytest.approx(x.mean())
    assert "<table" in e._repr_html_() and "EnsembleResult" in repr(e)


def test_progress_bar_auto_and_forced(reference, monkeypatch, capsys):
    from negsim.ensemble import _progress_on

    monkeypatch.setenv("TQDM_DISABLE", "1")
    assert _progress_on(None) is False
    monkeypatch.delenv("TQDM_DISABLE")
    assert _progress_on(None) is False  # pytest's stderr is not a terminal
    assert _progress_on(True) is True
    run_ensemble(reference, 50, "compromise", progress=True, block=10)
    assert "run" in capsys.readouterr().err


def test_importing_negsim_imports_no_optional_library():
    code = ("import sys, negsim, negsim.ensemble, negsim.sensitivity, negsim.design; "
            "bad = [m for m in sys.modules if m.split('.')[0] in "
            "('dask', 'distributed', 'pandas', 'xarray', 'SALib', 'tqdm', 'numba', "
            "'threadpoolctl')]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_latin_hypercube_ensemble_stratifies_each_uncertainty(reference):
    e = run_ensemble(reference, 50, "compromise", sampler="latin_hypercube", seed=3,
                     progress=False)
    for u in reference.uncertainties:
        if u.distribution == "uniform":
            x = e.design[u.path]
            strata = np.floor((x - u.low) / (u.high - u.low) * 50).astype(int)
            assert sorted(strata.tolist()) == list(range(50))

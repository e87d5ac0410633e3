"""The DEU harness reproduces the published baselines (SOURCES.md) and its statistics are sound."""

import json

import numpy as np
import pytest

from negsim import validation as v
from negsim.datasets import load_deu

# Published MAEs from SOURCES.md (Thomson et al.; Achen 2006), not from this code.
PUBLISHED = {
    "compromise": (24.6, 322),
    "salience_mean": (23.7, 322),
    "weighted_median": (30.3, 322),
    "midpoint": (28.2, 322),
    "commission": (38.1, 317),
    "reference": (51.5, 235),
}


@pytest.fixture(scope="module")
def sample():
    return v.deu_sample(load_deu())


def test_sample_is_322_issues(sample):
    """The sample is the 322 issues with an outcome and at least 3 actors with a position."""
    assert sample.n_issues == 322


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_baseline_reproduces_published_mae(sample, name):
    """Each baseline's MAE is within 0.1 of the published figure."""
    s = v.score(v.PREDICTORS[name](sample), sample.outcome)
    assert s["mae"] == pytest.approx(PUBLISHED[name][0], abs=0.1)
    assert s["n"] == PUBLISHED[name][1]


def test_weighted_median_matches_plain_loop():
    """The vectorised weighted median equals a per-issue loop."""
    rng = np.random.default_rng(1)
    p = rng.integers(0, 101, size=(200, 7)).astype(float)
    w = rng.integers(0, 5, size=(200, 7)).astype(float)
    p[rng.random(p.shape) < 0.2] = np.nan
    got = v.weighted_median(p, w)
    for i in range(200):
        ok = np.isfinite(p[i]) & (w[i] > 0)
        if not ok.any():
            assert np.isnan(got[i])
            continue
        pts = sorted(zip(p[i][ok], w[i][ok], strict=True))
        tot, c = sum(x[1] for x in pts), 0.0
        for pos, wt in pts:
            c += wt
            if c >= tot / 2:
                assert got[i] == pos
                break


def test_weighted_mean_is_invariant_to_weight_scale():
    """Scaling every weight by a constant leaves the weighted mean unchanged."""
    rng = np.random.default_rng(2)
    p, w = rng.random((50, 6)) * 100, rng.random((50, 6))
    np.testing.assert_allclose(v.weighted_mean(p, w), v.weighted_mean(p, 7 * w))


def test_bootstrap_is_reproducible_and_brackets_the_point(sample):
    """Same seed, same interval; the interval contains the point difference."""
    a = v.PREDICTORS["midpoint"](sample)
    b = v.PREDICTORS["compromise"](sample)
    r1 = v.bootstrap_difference(a, b, sample.outcome, np.random.default_rng(5), 500)
    r2 = v.bootstrap_difference(a, b, sample.outcome, np.random.default_rng(5), 500)
    assert r1 == r2
    assert r1["lo"] <= r1["diff"] <= r1["hi"]
    assert r1["diff"] == pytest.approx(28.155 - 24.609, abs=0.01)


def test_split_is_by_proposal(sample):
    """No proposal has issues in both halves of a split."""
    train, test = v.split_proposals(sample, np.random.default_rng(3))
    assert not set(sample.proposal[train]) & set(sample.proposal[test])
    assert train.any() and test.any()


def test_calibration_finds_the_training_optimum(sample):
    """Calibrated options score no worse on the training half than any grid point."""
    train, _ = v.split_proposals(sample, np.random.default_rng(4))
    opts = v.calibrate(sample, "compromise", train)
    dt = sample.subset(train)
    best = v.score(v.compromise(dt, **opts), dt.outcome)["mae"]
    assert best <= v.score(v.compromise(dt), dt.outcome)["mae"]


def test_main_json(capsys):
    """``benchmark deu --json`` prints a table with every requested predictor."""
    assert v.main(["deu", "--engines", "compromise", "midpoint", "--json"]) == 0
    table = json.loads(capsys.readouterr().out)
    assert set(table) == {"compromise", "midpoint"}
    assert table["midpoint"]["mae"] == pytest.approx(28.2, abs=0.1)


def test_expected_utility_forecasts_every_issue_on_scale(sample):
    """The expected-utility predictor forecasts all 322 issues, each within [0, 100]."""
    x = v.PREDICTORS["expected_utility"](sample)
    assert x.shape == (322,) and np.isfinite(x).all()
    assert x.min() >= 0 and x.max() <= 100


def test_split_sample_reports_held_out_scores_only(sample):
    """Split-sample results carry tuned options, held-out scores and a paired interval."""
    out = v.split_sample(sample, ["compromise", "midpoint"], np.random.default_rng(6))
    held = out["compromise"]["held_out"]
    assert 0 < held["n"] < 322
    vs = out["midpoint"]["held_out_vs_compromise"]
    assert vs["lo"] <= vs["diff"] <= vs["hi"]

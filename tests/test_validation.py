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


def _two_actor_issue(sample, pos_a, pos_b, weight_a, weight_b, reference=np.nan, third=None):
    """One DEU issue rebuilt with two member states (and optionally a third at ``third``)."""
    import attrs

    one = sample.subset(np.arange(sample.n_issues) == 0)
    n = len(one.actors)
    pos, sal, w = np.full((1, n), np.nan), np.full((1, n), np.nan), np.zeros((1, n))
    a, b, c = one.actors.index("de"), one.actors.index("fr"), one.actors.index("it")
    pos[0, [a, b]], sal[0, [a, b]], w[0, [a, b]] = (pos_a, pos_b), (50.0, 50.0), (weight_a,
                                                                                  weight_b)
    if third is not None:
        pos[0, c], sal[0, c], w[0, c] = third, 50.0, 1.0
    return attrs.evolve(one, positions=pos, saliences=sal, weights=w,
                        reference=np.array([reference]))


@pytest.mark.parametrize(("wa", "wb", "expect"), [(1.0, 1.0, 50.0), (7.0, 3.0, 30.0)])
def test_nash_splits_the_pie_by_bargaining_power(sample, wa, wb, expect):
    """Two actors at 0 and 100 whose disagreement is their worst outcome (utility 0) split the
    scale as the generalised Nash solution of a unit pie does (theory.md section 1:
    x_i = d_i + tau_i (1 - sum d)): 50 with equal power, 30 when actor 0 holds 0.7."""
    d = _two_actor_issue(sample, 0.0, 100.0, wa, wb)
    assert v.nash(d, disagreement="worst")[0] == pytest.approx(expect, abs=1e-6)


def test_nash_fallback_for_an_actor_at_the_disagreement_point(sample):
    """A third actor sits on the reference point (0); the others sit at 30 and 100.

    'veto': the reference point stands. 'drop': the third actor is left out and, by hand, with
    d_a = u_a(0) = 0.7 and d_b = u_b(0) = 0, the gains on [30, 100] are 0.6 - x/100 and x/100
    (product largest at x = 30) and below 30 both are x/100 (increasing): the Nash point is 30.
    """
    d = _two_actor_issue(sample, 30.0, 100.0, 1.0, 1.0, reference=0.0, third=0.0)
    assert v.nash(d, at_disagreement="veto")[0] == pytest.approx(0.0, abs=1e-6)
    assert v.nash(d, at_disagreement="drop")[0] == pytest.approx(30.0, abs=1e-6)


def test_nash_keeps_the_reference_point_when_there_is_nothing_to_share(sample):
    """Actors at 0 and 100 with the reference point at 20 between them: u_a + u_b = 1 on the
    whole scale, so no outcome gives both more than at 20 and the reference point stands."""
    d = _two_actor_issue(sample, 0.0, 100.0, 1.0, 1.0, reference=20.0)
    assert v.nash(d)[0] == pytest.approx(20.0, abs=1e-6)


def test_nash_forecasts_every_issue_within_the_positions(sample):
    """With linear utilities each issue's Nash point lies within the bargainers' positions."""
    x = v.nash(sample, disagreement="worst")
    ok = np.isfinite(sample.positions) & np.isfinite(sample.saliences) & (sample.weights > 0)
    lo = np.where(ok, sample.positions, np.inf).min(1)
    hi = np.where(ok, sample.positions, -np.inf).max(1)
    assert x.shape == (322,) and np.all((x >= lo - 1e-6) & (x <= hi + 1e-6))


def test_smp_forecasts_every_issue_within_the_positions(sample):
    """The SMP predictor's forecast (an average of positions weighted by their chances in a
    probabilistic Condorcet election) lies within the weighted actors' positions on each issue."""
    x = v.PREDICTORS["smp"](sample)
    ok = np.isfinite(sample.positions) & np.isfinite(sample.saliences) & (sample.weights > 0)
    ok &= sample.saliences > 0
    lo = np.where(ok, sample.positions, np.inf).min(1)
    hi = np.where(ok, sample.positions, -np.inf).max(1)
    assert x.shape == (322,) and np.all((x >= lo - 1e-6) & (x <= hi + 1e-6))


def test_nash_bad_option_names_the_option(sample):
    """An unknown fallback is refused, naming the option and the values it takes."""
    from negsim.errors import ScenarioError

    with pytest.raises(ScenarioError, match=r"validation\.nash\.at_disagreement"):
        v.nash(sample, at_disagreement="ignore")

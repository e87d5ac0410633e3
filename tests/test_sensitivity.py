"""Sensitivity analysis (negsim.sensitivity) and quantile functions, against closed forms.

The test problem: two equally weighted actors on one issue under the compromise engine, whose
forecast is the mean of their positions, x = (a + b) / 2. With a ~ U(0, 100) and
b ~ U(0, 50) independent, Var x = (100^2 + 50^2) / 48, so the Sobol indices are
S1 = ST = (0.8, 0.2); Morris's elementary effects per unit of probability are 50 and 25; and at
the 5th and 95th percentiles the tornado's values follow by hand.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.stats as st

import negsim
from negsim import Actor, Issue, Scenario, Table, Uncertainty, sensitivity as sa
from negsim.errors import NegsimError


def _two_actor_scenario() -> Scenario:
    issue = Issue(id="x", label="The issue", status_quo=50.0, assumption="test")
    actors = tuple(Actor(id=i, name=i.upper(), kind="state", capability=1.0,
                         position={"x": p}, salience={"x": 1.0}, assumption="test")
                   for i, p in (("a", 50.0), ("b", 25.0)))
    us = (Uncertainty(id="ua", path="actors.a.position.x", distribution="uniform", low=0.0,
                      high=100.0, assumption="test"),
          Uncertainty(id="ub", path="actors.b.position.x", distribution="uniform", low=0.0,
                      high=50.0, assumption="test"))
    return Scenario(title="two actors", issues=(issue,), actors=actors,
                    table=Table(negotiators=("a", "b")), uncertainties=us)


def test_compromise_of_two_is_their_mean():
    """The premise of the closed forms below."""
    r = negsim.run(_two_actor_scenario(), "compromise")
    assert r.outcome[0, 0] == pytest.approx(37.5)


def test_sobol_indices_match_the_closed_form():
    pytest.importorskip("SALib")
    s = _two_actor_scenario()
    si = sa.sobol(s, "compromise", "outcome.x", n=2048, seed=1, progress=False)
    assert si.names == ("actors.a.position.x", "actors.b.position.x")
    np.testing.assert_allclose(si.S1, [0.8, 0.2], atol=0.04)
    np.testing.assert_allclose(si.ST, [0.8, 0.2], atol=0.04)
    assert si.variance == pytest.approx((100**2 + 50**2) / 48, rel=0.05)
    assert si.n_runs == 2048 * 4
    again = sa.sobol(s, "compromise", "outcome.x", n=2048, seed=1, progress=False)
    np.testing.assert_array_equal(si.S1, again.S1)  # the sample and bootstrap are seeded


def test_morris_effects_match_the_closed_form():
    pytest.importorskip("SALib")
    m = sa.morris(_two_actor_scenario(), "compromise", "outcome.x", trajectories=20, seed=2,
                  progress=False)
    np.testing.assert_allclose(m.mu_star, [50.0, 25.0], rtol=1e-6)
    np.testing.assert_allclose(m.mu, [50.0, 25.0], rtol=1e-6)
    np.testing.assert_allclose(m.sigma, [0.0, 0.0], atol=1e-5)


def test_tornado_matches_hand_computation():
    t = sa.tornado(_two_actor_scenario(), "compromise", "outcome.x", progress=False)
    assert t.base == pytest.approx(37.5)
    assert t.labels == ("actors.a.position.x", "actors.b.position.x")  # widest swing first
    np.testing.assert_allclose(t.low_values, [5.0, 2.5])
    np.testing.assert_allclose(t.high_values, [95.0, 47.5])
    np.testing.assert_allclose(t.at_low, [(5 + 25) / 2, (50 + 2.5) / 2])
    np.testing.assert_allclose(t.at_high, [(95 + 25) / 2, (50 + 47.5) / 2])
    assert t.rows()[0] == ("actors.a.position.x", pytest.approx(15.0), pytest.approx(60.0))


def test_sobol_of_the_reference_scenarios_agreement_runs_end_to_end():
    """The reference calibration agrees in every run under the war engine: the analysis
    runs and says there is no variance to apportion rather than dividing by zero."""
    pytest.importorskip("SALib")
    from negsim._resources import reference_scenario

    s = negsim.load(reference_scenario())
    si = sa.sobol(s, "war", "agreement", n=8, seed=0, progress=False)
    assert si.n_runs == 8 * (len(s.uncertainties) + 2)
    assert si.mean == 1.0 and si.variance == 0.0 and "no variance" in si.note
    assert np.all(si.S1 == 0) and np.all(si.ST == 0)
    # an outcome that does vary gets proper indices, each within [0, 1] up to sampling error
    si = sa.sobol(s, "nash", "outcome.donbas", n=256, seed=0, progress=False)
    assert si.variance > 0 and np.all(si.ST > -0.1) and np.all(si.ST < 1.3)
    assert si.names[int(np.argmax(si.ST))] == "actors.usa.position.donbas"


def test_salib_adapters_validate():
    s = _two_actor_scenario()
    assert sa.salib_problem(s)["bounds"] == [[0.0, 1.0], [0.0, 1.0]]
    d = sa.design_from_unit(s, np.array([[0.0, 0.5], [1.0, 0.25]]))
    np.testing.assert_allclose(d.columns["actors.a.position.x"], [0.0, 100.0], atol=1e-6)
    np.testing.assert_allclose(d.columns["actors.b.position.x"], [25.0, 12.5])
    with pytest.raises(NegsimError, match=r"shape \(N, 2\)"):
        sa.design_from_unit(s, np.zeros((3, 3)))
    with pytest.raises(NegsimError, match=r"\[0, 1\]"):
        sa.design_from_unit(s, np.full((3, 2), 1.5))
    with pytest.raises(NegsimError, match="power of 2"):
        sa.sobol(s, "compromise", "outcome.x", n=100, progress=False)
    with pytest.raises(NegsimError, match="quantiles"):
        sa.tornado(s, "compromise", quantiles=(0.9, 0.1), progress=False)


@pytest.mark.parametrize(("kwargs", "reference"), [
    (dict(distribution="uniform", low=2.0, high=5.0), st.uniform(2.0, 3.0)),
    (dict(distribution="triangular", low=0.7, mode=1.0, high=1.0),
     st.triang(1.0, loc=0.7, scale=0.3)),
    (dict(distribution="triangular", low=40, mode=70, high=90),
     st.triang(0.6, loc=40, scale=50)),
    (dict(distribution="normal", mean=3.0, sd=2.0), st.norm(3.0, 2.0)),
    (dict(distribution="truncnormal", mean=1.0, sd=2.0, low=0.0, high=4.0),
     st.truncnorm(-0.5, 1.5, loc=1.0, scale=2.0)),
    (dict(distribution="beta", alpha=2.0, beta=5.0, low=10.0, high=20.0),
     st.beta(2.0, 5.0, loc=10.0, scale=10.0)),
    (dict(distribution="lognormal", mean=0.5, sigma=0.3), st.lognorm(0.3, scale=np.exp(0.5))),
])
def test_ppf_matches_scipy(kwargs, reference):
    u = Uncertainty(id="u", path="actors.a.capability", assumption="test", **kwargs)
    q = np.linspace(0.01, 0.99, 41)
    np.testing.assert_allclose(u.ppf(q), reference.ppf(q), rtol=1e-9, atol=1e-9)


def test_ppf_of_a_discrete_choice_follows_its_weights():
    u = Uncertainty(id="u", path="actors.a.capability", distribution="choice",
                    values=(1.0, 2.0, 3.0), weights=(1.0, 1.0, 2.0), assumption="test")
    np.testing.assert_array_equal(u.ppf(np.array([0.0, 0.24, 0.26, 0.49, 0.51, 0.99, 1.0])),
                                  [1, 1, 2, 2, 3, 3, 3])


def test_correlated_draws_validate():
    from negsim.design import monte_carlo

    us = list(_two_actor_scenario().uncertainties)
    with pytest.raises(NegsimError, match="2 x 2"):
        monte_carlo(us, 10, rng=0, correlation=np.eye(3))
    with pytest.raises(NegsimError, match="positive definite"):
        monte_carlo(us, 10, rng=0, correlation=[[1.0, 1.5], [1.5, 1.0]])
    d = monte_carlo(us, 20_000, rng=0, correlation=[[1.0, -0.6], [-0.6, 1.0]])
    a, b = d.columns["actors.a.position.x"], d.columns["actors.b.position.x"]
    assert a.min() >= 0 and a.max() <= 100 and b.max() <= 50  # the marginals are kept
    rho = st.spearmanr(a, b).statistic
    assert rho == pytest.approx(6 / np.pi * np.arcsin(-0.6 / 2), abs=0.02)  # Gaussian copula

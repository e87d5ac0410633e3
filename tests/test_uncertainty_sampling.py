"""Drawing a scenario's uncertain parameters: each distribution against scipy.stats."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from negsim.scenario import Uncertainty

N = 200_000

CASES = [
    (dict(distribution="uniform", low=2.0, high=5.0), stats.uniform(2.0, 3.0)),
    (dict(distribution="triangular", low=0.0, mode=1.0, high=4.0),
     stats.triang(0.25, loc=0.0, scale=4.0)),
    (dict(distribution="normal", mean=1.0, sd=2.0), stats.norm(1.0, 2.0)),
    (dict(distribution="truncnormal", mean=0.0, sd=1.0, low=-0.5, high=2.0),
     stats.truncnorm(-0.5, 2.0)),
    (dict(distribution="beta", alpha=2.0, beta=5.0, low=10.0, high=20.0),
     stats.beta(2.0, 5.0, loc=10.0, scale=10.0)),
    (dict(distribution="lognormal", mean=0.0, sigma=0.5), stats.lognorm(0.5)),
]


@pytest.mark.parametrize(("kw", "ref"), CASES, ids=[c[0]["distribution"] for c in CASES])
def test_draws_follow_the_distribution(kw: dict, ref: stats.rv_continuous) -> None:
    """Mean and standard deviation within 5 standard errors of scipy's; a KS test does not
    reject at the 0.1% level; every draw lies in the support."""
    x = Uncertainty(id="u", path="actors.a.capability", **kw).sample(np.random.default_rng(7), N)
    assert x.shape == (N,)
    se = ref.std() / np.sqrt(N)
    assert abs(x.mean() - ref.mean()) < 5 * se
    assert abs(x.std() - ref.std()) < 0.02 * ref.std()
    lo, hi = ref.support()
    assert (x >= lo).all() and (x <= hi).all()
    assert stats.kstest(x[:20_000], ref.cdf).pvalue > 1e-3


def test_choice_uses_the_weights() -> None:
    u = Uncertainty(id="u", path="actors.a.capability", distribution="choice",
                    values=(1.0, 2.0, 3.0), weights=(1.0, 1.0, 2.0))
    x = u.sample(np.random.default_rng(3), N)
    shares = np.array([(x == v).mean() for v in (1.0, 2.0, 3.0)])
    np.testing.assert_allclose(shares, [0.25, 0.25, 0.5], atol=0.005)


def test_the_same_seed_gives_the_same_draws() -> None:
    u = Uncertainty(id="u", path="actors.a.capability", distribution="beta", alpha=2, beta=2)
    a = u.sample(np.random.default_rng(11), 100)
    b = u.sample(np.random.default_rng(11), 100)
    np.testing.assert_array_equal(a, b)


def test_a_seed_is_not_a_generator() -> None:
    u = Uncertainty(id="u", path="actors.a.capability", distribution="uniform", low=0, high=1)
    with pytest.raises(TypeError, match="Generator"):
        u.sample(0, 10)  # type: ignore[arg-type]

import numpy as np
import pytest

from negsim.design import grid, latin_hypercube_unit, replicates
from negsim.errors import NegsimError


@pytest.mark.parametrize(("n", "d"), [(1, 1), (7, 3), (100, 5)])
def test_lhs_hits_each_bin_once_per_dimension(n, d):
    """Each 1/n bin of each dimension holds exactly one point."""
    u = latin_hypercube_unit(n, d, rng=np.random.default_rng(3))
    bins = np.floor(u * n).astype(int)
    for j in range(d):
        assert sorted(bins[:, j].tolist()) == list(range(n))


def test_lhs_same_seed_identical():
    """The same seed gives bit-identical samples."""
    assert np.array_equal(latin_hypercube_unit(9, 2, rng=5), latin_hypercube_unit(9, 2, rng=5))


def test_grid_shape_and_replicates():
    """A grid has one row per level combination; replicates repeat rows."""
    d = grid({"a": [1, 2], "b": [1, 2, 3], "c": [0.5]})
    assert d.shape == (2, 3, 1) and d.n_runs == 6
    r = replicates(d, 4)
    assert r.n_runs == 24 and r.columns["a"][:4].tolist() == [1.0] * 4
    with pytest.raises(NegsimError):
        grid({"a": []})


def test_monte_carlo_from_reference_scenario_compiles():
    """Monte Carlo columns of the reference scenario feed compile_scenario's overrides."""
    from negsim.compiled import compile_scenario
    from negsim.design import monte_carlo
    from negsim.io import load

    sc = load("scenarios/eu-russia-2026.toml")
    a = monte_carlo(sc.uncertainties, 16, rng=11)
    b = monte_carlo(sc.uncertainties, 16, rng=11)
    assert a.n_runs == (16 if sc.uncertainties else 0)
    for p in a.columns:
        assert np.array_equal(a.columns[p], b.columns[p])
    compile_scenario(sc, 16, a.columns)

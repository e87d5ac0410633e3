"""The shipped data are the published files, byte for byte, and parse to the documented shapes."""

import hashlib
from importlib import resources

import numpy as np
import pytest

from negsim.datasets import DatasetError, _loaders, load_bdm1994_emissions, load_deu

# Pinned from ../shared/data/negotiation_outcomes/SOURCES.md, not from the code.
PINNED = {
    "DEU2.csv": "5059807df43b4b11662b101412ffa06a926443bc72b25806e13e9eed6617ecc8",
    "Codebook_DEUII.csv": "59efc6bf50519857d6bcd4f5d36c69270b042dbabb07d9b579638e4f41fb6e9a",
    "council_weights_EU15.csv": "03c5755b73d7b0226c587de037fd947a540a32fab4051e63301f281db1ff1df7",
    "council_weights_EU27.csv": "f4e23ef9547284c52d7c65fb7c5998017b65eda5ffa7044980228e56053283d2",
    "ExampleActors_emissions.csv": (
        "9ca42e4ebe219434263d3d2d6f745c015983b8c16f693c05cd6b2efd217b37a2"
    ),
}


@pytest.mark.parametrize("name", sorted(PINNED))
def test_shipped_file_matches_published_checksum(name):
    """Each shipped file hashes to the SHA-256 pinned in SOURCES.md."""
    data = resources.files("negsim.datasets").joinpath("data", name).read_bytes()
    assert hashlib.sha256(data).hexdigest() == PINNED[name]


def test_citation_ships_with_the_data():
    """The data folder carries the citations of Thomson et al. 2012 and Scholz et al. 2011."""
    text = resources.files("negsim.datasets").joinpath("data", "README.md").read_text()
    assert "Thomson" in text and "Scholz" in text and "MIT" in text


def test_deu_counts_match_sources():
    """331 issues in 125 proposals, 324 with an outcome, 236 of them with a reference point.

    (241 issues have a reference point in all; SOURCES.md's 236 counts those with an outcome.)
    """
    d = load_deu()
    assert d.positions.shape == d.saliences.shape == (331, 29)
    assert np.unique(d.proposal).size == 125
    assert int(np.isfinite(d.outcome).sum()) == 324
    assert int((np.isfinite(d.reference) & np.isfinite(d.outcome)).sum()) == 236


def test_deu_values_on_scale_and_read_only():
    """Positions, saliences and outcomes lie in [0, 100] and the arrays cannot be written."""
    d = load_deu()
    for a in (d.positions, d.saliences, d.outcome, d.reference):
        f = a[np.isfinite(a)]
        assert f.min() >= 0 and f.max() <= 100
        assert not a.flags.writeable


def test_council_weights_are_the_treaty_votes():
    """EU-15 totals 87 votes (pre-Nice), EU-27 345 (Nice); Commission and EP get none."""
    d = load_deu()
    assert d.weights_eu15.sum() == 87 and d.weights_eu27.sum() == 345
    assert d.weights_eu15[d.actors.index("de")] == 10
    assert d.weights_eu27[d.actors.index("de")] == 29
    assert d.weights_eu27[d.actors.index("com")] == 0
    assert np.array_equal(d.weights[~d.post2004], np.broadcast_to(
        d.weights_eu15, d.weights[~d.post2004].shape))


def test_new_members_only_after_2004():
    """No new member state has a position on a pre-2004 proposal."""
    d = load_deu()
    new = [d.actors.index(a) for a in ("cz", "pl", "hu", "bu", "ro")]
    assert not np.isfinite(d.positions[~d.post2004][:, new]).any()


def test_bad_checksum_raises(monkeypatch):
    """A file that does not hash to its pin is refused with a message naming it."""
    monkeypatch.setitem(_loaders.SHA256, "DEU2.csv", "0" * 64)
    with pytest.raises(DatasetError, match=r"DEU2\.csv"):
        load_deu()


def test_emissions_case_is_table_1():
    """Scholz et al. (2011) Table 1: 10 states, capabilities summing to 1, UK at 10 years."""
    c = load_bdm1994_emissions()
    assert len(c.actors) == 10
    assert c.capabilities.sum() == pytest.approx(1.01, abs=0.02)
    assert c.positions[c.actors.index("UK")] == 10
    assert c.outcome == pytest.approx(8.833)

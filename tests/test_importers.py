"""KTAB importers on KTAB's own example inputs (tests/data/ktab, copied with their citation).

Expected values are read from the files here by plain string splitting, independently of the
importer, and the capability-salience compromise (Achen 2006) is computed from them by hand.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import pytest

import negsim
from negsim import ScenarioError
from negsim.importers import from_ktab_csv, from_ktab_xml, load_ktab
from negsim.io import dumps, loads

DATA = Path(__file__).parent / "data" / "ktab"
CHECKSUMS = {
    "SOE-Competitive.csv": "3e58be05f77fb0ca6220fd7a7d0eba54b9843ae1a74938e7e4c03990e347fae0",
    "SOE-Pol-Comp.csv": "dfaeb352d7b8425bfc1ac494287dd468c79543446e6a3611001ad03ea053ed03",
    "SOE-Policy.csv": "25e5dc35328c7600a6bb66632ac825ac90faf599450a110a2e9ce4161b5fe7c0",
    "dummyData-a040.csv": "5208efd597d07517f5600dac77eed93877f8734e8c8fa5dbebf04db73c6e86e8",
    "dummyData_3Dim.csv": "72ddffaf4be8a69a43b587681fa6902e6db0612baeb8094b8b8c86dea72fcc75",
    "smpExample.xml": "7c5a0a9b23a3d1525fdda33a4186e7a6c69fe66cf4f9de391e41b09e51e4d653",
}
CSVS = sorted(k for k in CHECKSUMS if k.endswith(".csv"))


@pytest.mark.parametrize("name", sorted(CHECKSUMS))
def test_the_example_files_are_the_published_ones(name: str) -> None:
    assert hashlib.sha256((DATA / name).read_bytes()).hexdigest() == CHECKSUMS[name]


def raw_csv(name: str) -> tuple[int, int, np.ndarray]:
    """(actors, dimensions, numbers): influence then position, salience per dimension."""
    lines = [ln for ln in (DATA / name).read_text().splitlines() if ln.strip()]
    head = [c.strip() for c in lines[0].split(",") if c.strip()]
    n, k = int(head[-2]), int(head[-1])
    rows = [[c.strip() for c in ln.split(",") if c.strip()] for ln in lines[2:]]
    return n, k, np.array([[float(c) for c in r[-(1 + 2 * k):]] for r in rows])


@pytest.mark.parametrize("name", CSVS)
def test_csv_examples_load_with_every_actor_and_dimension(name: str) -> None:
    n, k, nums = raw_csv(name)
    s = load_ktab(DATA / name)
    assert (len(s.actors), len(s.issues)) == (n, k) == nums[:, 1:].reshape(n, k, 2).shape[:2]
    assert [a.capability for a in s.actors] == list(nums[:, 0])
    for a, row in zip(s.actors, nums, strict=True):
        for j, issue in enumerate(s.issues):
            assert a.position[issue.id] == row[1 + 2 * j]
            assert a.salience[issue.id] == pytest.approx(row[2 + 2 * j] / 100)


@pytest.mark.parametrize("name", CSVS)
def test_csv_examples_run_and_the_compromise_is_the_weighted_mean(name: str) -> None:
    _, _, nums = raw_csv(name)
    cap, pos, sal = nums[:, 0], nums[:, 1::2], nums[:, 2::2]
    expected = (cap[:, None] * sal * pos).sum(0) / (cap[:, None] * sal).sum(0)
    s = load_ktab(DATA / name)
    assert negsim.run(s, "compromise", rng=0).outcome[0] == pytest.approx(expected, abs=1e-9)
    for engine in ("weighted_median", "nash"):
        r = negsim.run(s, engine, rng=0)
        assert np.isfinite(r.outcome).all() and np.isfinite(r.utility).all()


def test_soe_policy_competitive_names_and_numbers() -> None:
    """Spot checks against the file's text: Xi Jinping's row of SOE-Pol-Comp.csv."""
    s = load_ktab(DATA / "SOE-Pol-Comp.csv")
    xi = s.actor("xj")
    assert (xi.name, xi.description, xi.capability) == ("XJ", "Xi Jinping", 100.0)
    assert [i.label for i in s.issues] == ["Policy", "Competitive"]
    assert dict(xi.position) == {"policy": 30.0, "competitive": 20.0}
    assert dict(xi.salience) == pytest.approx({"policy": 0.24, "competitive": 0.48})


def test_xml_example_loads_with_its_gap_and_notes() -> None:
    s = load_ktab(DATA / "smpExample.xml")
    assert [a.name for a in s.actors] == ["Alice", "Bob", "Carol", "David", "Ellie"]
    assert [i.label for i in s.issues] == ["FirstDim", "SecondDim", "YADN"]
    alice = s.actor("alice")
    assert "firstdim" not in alice.position and "firstdim" not in alice.salience
    assert dict(alice.position) == {"seconddim": 39.8, "yadn": 39.6}
    assert s.actor("david").capability == 135.4
    # what negsim does not model is kept, not dropped
    assert "VotingRule=PropCbc" in s.description
    assert "Bob toward Alice 0.07" in s.description


def test_xml_example_compromise_leaves_out_the_actor_without_a_position() -> None:
    cap = np.array([117.7, 93.2, 61.4, 135.4, 63.8])
    pos1 = np.array([np.nan, 15.9, 61.1, 26.3, 73.3])
    sal1 = np.array([32.3, 25.2, 28.8, 15.6, 39.7])
    w = np.where(np.isnan(pos1), 0.0, cap * sal1)
    expected = (w * np.nan_to_num(pos1)).sum() / w.sum()
    r = negsim.run(load_ktab(DATA / "smpExample.xml"), "compromise", rng=0)
    assert r.outcome[0, 0] == pytest.approx(expected, abs=1e-9)


def test_imported_scenarios_round_trip_through_toml() -> None:
    for name in CHECKSUMS:
        s = load_ktab(DATA / name)
        assert loads(dumps(s), check_sources=False) == s


def test_status_quo_is_an_argument_and_an_assumption() -> None:
    s = load_ktab(DATA / "SOE-Policy.csv", status_quo=20.0)
    assert s.issues[0].status_quo == 20.0
    assert "no status quo" in s.issues[0].assumption


GOOD_CSV = "T,desc,2,1\nActor,Description,Influence,A Position,A Salience\n" \
           "x,X,1,10,50\ny,Y,2,90,50\n"


@pytest.mark.parametrize(("text", "where", "what"), [
    ("T,desc\n", "line 1", "title line"),
    ("T,desc,2,1\nActor,Description,Influence,A Position\nx,X,1,10\ny,Y,2,9\n", "line 2",
     "header"),
    ("T,desc,3,1\nActor,Description,Influence,A Position,A Salience\nx,X,1,10,50\n"
     "y,Y,2,90,50\n", "line 1", "announces 3 actors"),
    (GOOD_CSV.replace("x,X,1,10,50", "x,X,1,ten,50"), "line 3, A position", "ten"),
    (GOOD_CSV.replace("y,Y,2,90,50", "y,Y,2,190,50"), "line 4, A position", "outside"),
    (GOOD_CSV.replace("y,Y,2,90,50", "y,Y,2,90"), "line 4", "columns"),
])
def test_malformed_csv_names_the_line(text: str, where: str, what: str) -> None:
    with pytest.raises(ScenarioError) as info:
        from_ktab_csv(text, "bad.csv")
    assert where in info.value.paths[0] and what in str(info.value)
    assert "bad.csv" in str(info.value)


@pytest.mark.parametrize(("text", "where", "what"), [
    ("<Scenario><name>x</name>", "line 1", "well-formed"),
    ("<Other/>", "/", "<Scenario>"),
    ("<Scenario><Dimensions/></Scenario>", "/Scenario/Dimensions", "dName"),
    ("<Scenario><Dimensions><dName>a</dName></Dimensions><Actors><Actor><name>z</name>"
     "<capability>1</capability><Position><dCoord>5</dCoord><dCoord>6</dCoord></Position>"
     "<Salience><dSal>5</dSal></Salience></Actor></Actors></Scenario>",
     "Actor[1] (z)", "2 positions"),
])
def test_malformed_xml_names_the_element(text: str, where: str, what: str) -> None:
    with pytest.raises(ScenarioError) as info:
        from_ktab_xml(text, "bad.xml")
    assert where in info.value.paths[0] and what in str(info.value)


def test_unknown_suffix_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text(GOOD_CSV)
    with pytest.raises(ScenarioError, match="unknown KTAB file type"):
        load_ktab(tmp_path / "x.txt")
    with pytest.raises(ScenarioError, match="cannot read"):
        load_ktab(tmp_path / "missing.csv")


# ---- DEU layout


def test_every_deu_proposal_imports_and_its_compromise_matches_the_harness():
    """Each of the 125 DEU II proposals becomes a scenario whose compromise forecast equals the
    validation harness's capability-salience mean (QMV weights) computed from the raw arrays."""
    import numpy as np

    import negsim
    from negsim.datasets import load_deu
    from negsim.importers import deu_proposals, from_deu
    from negsim.validation import compromise

    d = load_deu()
    expected = compromise(d, "qmv")
    proposals = deu_proposals(d)
    assert len(proposals) == 125
    checked = 0
    for p in proposals:
        s = from_deu(p, d)
        rows = np.flatnonzero(d.proposal == p)
        assert [i.id for i in s.issues] == [d.issue_id[i].lower() for i in rows]
        for issue, i in zip(s.issues, rows, strict=True):
            if np.isfinite(d.reference[i]):
                assert issue.status_quo == d.reference[i]
        out = negsim.run(s, "compromise").outcome[0]
        ok = np.isfinite(expected[rows])
        np.testing.assert_allclose(out[ok], expected[rows][ok], rtol=0, atol=1e-9)
        checked += int(ok.sum())
    assert checked >= 322  # every issue the harness scores


def test_a_deu_scenario_runs_under_other_engines():
    import numpy as np

    import negsim
    from negsim.importers import from_deu

    s = from_deu(1)
    for engine in ("nash", "weighted_median", "expected_utility"):
        r = negsim.run(s, engine, rng=0)
        assert np.isfinite(r.outcome).all() and ((r.outcome >= 0) & (r.outcome <= 100)).all()


def test_an_unknown_deu_proposal_is_named():
    from negsim.importers import from_deu

    with pytest.raises(ScenarioError, match=r"no proposal 999 .*@ proposal"):
        from_deu(999)

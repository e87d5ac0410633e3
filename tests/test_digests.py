"""Seed digests: one per source article, well formed, all cited by the reference scenario."""

from __future__ import annotations

from pathlib import Path

import negsim
from negsim.digests import citations, library

ARTICLE_IDS = {"000_4a5c7e1697d326d5", "001_2c8abda6f011f619", "002_59c14a0598c1b3c7",
               "003_a0d6c164d2748176", "004_abe1802305ab12b9"}


def test_five_digests() -> None:
    """Each of the five source articles has a digest with facts, named by its file stem."""
    lib = library()
    assert set(lib) == ARTICLE_IDS
    for d in lib.values():
        assert Path(d.path).stem == d.id
        assert len(d.facts) >= 10
        assert all(f.actors for f in d.facts.values())


def test_required_facts_exist() -> None:
    """The facts the issue names are in the digests, with their figures."""
    lib = library()
    loan = lib["000_4a5c7e1697d326d5"].fact("eur-90bn-loan")
    assert loan.figure == (90.0, loan.figure[1]) and "EUR" in loan.figure[1]
    letter = lib["004_abe1802305ab12b9"].fact("fifteen-state-letter")
    assert letter.figure is not None and letter.figure[0] == 15.0
    assert "austria" in lib["004_abe1802305ab12b9"].fact("austria-led").actors
    assert lib["003_a0d6c164d2748176"].fact("energy-offer")
    assert lib["001_2c8abda6f011f619"].fact("russia-territorial-conditions")


def test_reference_scenario_cites_every_digest(reference: negsim.Scenario) -> None:
    """The reference scenario cites at least one fact of each of the five digests."""
    cited = {c.partition("#")[0] for _, c in citations(reference)}
    assert ARTICLE_IDS <= cited
    assert set(reference.sources) == ARTICLE_IDS


def test_coverage_lists_every_modelled_kind_with_the_places_citing_it() -> None:
    from negsim.digests import MODELLED_KINDS, coverage

    s = negsim.load("scenarios/eu-russia-2026.toml")
    rows = coverage(s)
    lib = library()
    expected = {(d.id, f.id) for d in lib.values() for f in d.facts.values()
                if f.kind in MODELLED_KINDS}
    assert {(r.digest, r.fact) for r in rows} == expected
    places: dict[str, set[str]] = {}
    for place, cited in citations(s):
        places.setdefault(cited, set()).add(place)
    for r in rows:
        assert set(r.cited_at) == places.get(f"{r.digest}#{r.fact}", set())
    # variants count: the EU-at-the-table variant cites the negotiating-mandate proposal
    mandate = next(r for r in rows if r.fact == "negotiation-mandate")
    assert any(p.startswith("variants.") for p in mandate.cited_at)


def test_a_fact_can_say_why_it_is_not_modelled(tmp_path: Path) -> None:
    from negsim.digests import load_digest

    text = Path(library()["000_4a5c7e1697d326d5"].path).read_text(encoding="utf-8")
    (tmp_path / "000_4a5c7e1697d326d5.toml").write_text(
        text + '\n[facts.extra]\nkind = "actor"\ntext = "x"\nactors = ["eu"]\n'
        'not_modelled = "folded into the EU council"\n', encoding="utf-8")
    d = load_digest(tmp_path / "000_4a5c7e1697d326d5.toml")
    assert d.fact("extra").not_modelled == "folded into the EU council"

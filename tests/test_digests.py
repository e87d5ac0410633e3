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

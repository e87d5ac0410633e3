"""Coalitions' decision rules as voting games, through the public scenario API."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest

import negsim
from negsim import Coalition
from negsim.coalitions import coalition_power, voting_game
from negsim.power import winning_share

# theory.md section 7: 2025 population shares, % of 451,028,881 (Eurostat)
EU27 = {"de": 18.49, "fr": 15.17, "it": 13.23, "es": 10.78, "pl": 8.33, "ro": 4.23, "nl": 4.01,
        "be": 2.62, "cz": 2.42, "pt": 2.36, "se": 2.34, "el": 2.31, "hu": 2.13, "at": 2.02,
        "bg": 1.43, "dk": 1.32, "fi": 1.25, "sk": 1.21, "ie": 1.19, "hr": 0.86, "lt": 0.64,
        "si": 0.47, "lv": 0.42, "ee": 0.30, "cy": 0.21, "lu": 0.15, "mt": 0.12}


def test_eu27_qmv_from_a_coalition() -> None:
    """A scenario coalition of the 27 states under "qmv" is the treaty rule: 13.2% of all
    coalitions win (Petroczy & Csato, via theory.md section 7); Germany is the most powerful."""
    eu = Coalition(id="eu", name="EU", members=tuple(EU27), rule="qmv", weights=EU27)
    assert winning_share(voting_game(eu)) == pytest.approx(0.132, abs=5e-4)
    ss = coalition_power(eu)
    assert ss.sum() == pytest.approx(1.0) and ss.argmax() == 0
    # the 24-state clause: 24 smallest states win, 23 do not
    game = voting_game(eu)
    smallest = np.argsort(list(EU27.values()))
    mask = np.zeros((2, 27), dtype=bool)
    mask[0, smallest[:24]] = True
    mask[1, smallest[:23]] = True
    assert game.is_winning(mask).tolist() == [True, False]


def test_threshold_rule_reproduces_banzhaf() -> None:
    """[6; 4,3,2,1] as a threshold coalition (quota 0.6 of 10): Banzhaf (5/12, 1/4, 1/4, 1/12)."""
    c = Coalition(id="c", name="C", members=("a", "b", "d", "e"), rule="threshold",
                  weights={"a": 4, "b": 3, "d": 2, "e": 1}, quota=0.6)
    expected = [float(Fraction(5, 12)), 0.25, 0.25, float(Fraction(1, 12))]
    np.testing.assert_allclose(coalition_power(c, index="banzhaf"), expected, atol=1e-12)


def test_unanimity_on_an_issue_makes_every_member_a_veto_player() -> None:
    """Under an issue rule of unanimity (CFSP sanctions) every member has equal power 1/n."""
    eu = Coalition(id="eu", name="EU", members=tuple(EU27), rule="qmv", weights=EU27,
                   issue_rules={"sanctions": "unanimity"})
    np.testing.assert_allclose(coalition_power(eu, "sanctions"), np.full(27, 1 / 27))


def test_blocs_count_as_their_states() -> None:
    """A bloc standing for 24 states carries a QMV decision alone (the 24-state clause)."""
    c = Coalition(id="eu", name="EU", members=("big", "rest"), rule="qmv",
                  weights={"big": 40.0, "rest": 60.0}, counts={"big": 24, "rest": 3})
    np.testing.assert_allclose(coalition_power(c), [1.0, 0.0])


def test_results_report_coalition_power(reference: negsim.Scenario) -> None:
    """Every result carries each coalition's power indices, one per member."""
    r = negsim.run(reference, rng=0, n_runs=3)
    for c in reference.coalitions:
        v = r.extras[f"power.{c.id}"]
        assert v.shape == (3, len(c.members))
        np.testing.assert_allclose(v.sum(axis=1), 1.0)
    assert "Shapley-Shubik power" in r.summary()

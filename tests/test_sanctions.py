"""Tests of negsim.sanctions against theory.md section 6.

Expected values come from the papers or from hand derivations; the differential tests compare
the closed forms with a plain backward induction over the game tree written in this file.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import assume, given, strategies as st

from negsim.sanctions import (
    ACQUIESCE,
    BACK_DOWN,
    SANCTIONS,
    equilibrium_demand,
    max_acceptable_demand,
    sanctions_outcome,
    threat_credible,
)

TOL = 1e-4
EXACT = 1e-12
cost = st.floats(min_value=0.0, max_value=2.0)
beta_st = st.floats(min_value=0.0, max_value=1.0)


def reference_outcome(demand: float, c_t: float, c_s: float, beta: float) -> int:
    """Backward induction on Drezner's (1998) tree with U_i = beta P_i + (1 - beta)(P_i - P_j);
    ties: an indifferent sender sanctions, an indifferent target acquiesces."""

    def utils(p_s: float, p_t: float) -> tuple[float, float]:
        return (
            beta * p_s + (1 - beta) * (p_s - p_t),
            beta * p_t + (1 - beta) * (p_t - p_s),
        )

    acquiesce = utils(demand, -demand)
    back_down = utils(0.0, 0.0)
    sanction = utils(-c_s, -c_t)
    sender_sanctions = sanction[0] >= back_down[0]
    stand_firm = sanction if sender_sanctions else back_down
    if acquiesce[1] >= stand_firm[1]:
        return ACQUIESCE
    return SANCTIONS if sender_sanctions else BACK_DOWN


# --------------------------------------------------------------------------- worked numbers


def test_drezner_max_demand() -> None:
    """Drezner (1998): c_t = 0.5, c_s = 0.2, beta = 0.5 gives D* = (0.5 - 0.1)/1.5 = 0.2667."""
    assert max_acceptable_demand(0.5, 0.2, 0.5) == pytest.approx(0.2667, abs=TOL)
    assert max_acceptable_demand(0.5, 0.2, 0.5) == pytest.approx(4 / 15, abs=EXACT)


def test_drezner_credible() -> None:
    """Drezner (1998): c_t = 0.5, c_s = 0.2, beta = 0.5 is credible, (1 - 0.5) 0.5 = 0.25 >= 0.2."""
    assert bool(threat_credible(0.5, 0.2, 0.5))


def test_drezner_not_credible_by_hand() -> None:
    """Drezner (1998): c_s = 0.3 > (1 - 0.5) 0.5 makes sanctioning cost the sender utility
    (0.25 - 0.3 < 0), so it backs down and the target refuses any positive demand."""
    assert not bool(threat_credible(0.5, 0.3, 0.5))
    out = sanctions_outcome(0.01, 0.5, 0.3, 0.5)
    assert int(out.outcome) == BACK_DOWN
    assert (out.sender_payoff, out.target_payoff) == (0.0, 0.0)
    assert equilibrium_demand(0.5, 0.3, 0.5) == 0.0


def test_drezner_outcomes_along_the_demand() -> None:
    """Drezner (1998), c_t = 0.5, c_s = 0.2, beta = 0.5: demands up to 4/15 are met; above it
    the target stands firm and suffers sanctions, payoffs (-0.2, -0.5) and utilities
    U_s = -0.2 + 0.5 * 0.5 = 0.05, U_t = -0.5 + 0.5 * 0.2 = -0.4."""
    out = sanctions_outcome(np.array([0.0, 0.2, 4 / 15, 0.3]), 0.5, 0.2, 0.5)
    np.testing.assert_array_equal(out.outcome, [ACQUIESCE, ACQUIESCE, ACQUIESCE, SANCTIONS])
    np.testing.assert_allclose(out.sender_payoff, [0.0, 0.2, 4 / 15, -0.2])
    np.testing.assert_allclose(out.target_payoff, [0.0, -0.2, -4 / 15, -0.5])
    assert out.sender_utility[3] == pytest.approx(0.05, abs=EXACT)
    assert out.target_utility[3] == pytest.approx(-0.4, abs=EXACT)
    # acquiescing to 0.2 is worth -(2 - 0.5) 0.2 = -0.3 to the target
    assert out.target_utility[1] == pytest.approx(-0.3, abs=EXACT)


def test_pure_absolute_gains_never_credible_with_costs() -> None:
    """Drezner (1998): with beta = 1 (no conflict expectations) sanctioning at a cost c_s > 0
    only hurts the sender, so the threat is never credible."""
    assert not bool(threat_credible(10.0, 0.01, 1.0))


def test_pure_relative_gains_by_hand() -> None:
    """Drezner (1998) with beta = 0: D* = (c_t - c_s)/2; c_t = 0.5, c_s = 0.2 gives 0.15 and the
    threat is credible (0.5 >= 0.2)."""
    assert max_acceptable_demand(0.5, 0.2, 0.0) == pytest.approx(0.15, abs=EXACT)
    assert bool(threat_credible(0.5, 0.2, 0.0))


# --------------------------------------------------------------------------- derivations


@given(st.floats(0.0, 2.0), cost, cost, beta_st)
def test_outcome_matches_backward_induction(d: float, ct: float, cs: float, b: float) -> None:
    """Drezner (1998): the closed-form outcome equals backward induction on the game tree."""
    d_star = (ct - (1 - b) * cs) / (2 - b)
    assume(abs(d - d_star) > 1e-9 and abs((1 - b) * ct - cs) > 1e-9)
    assert int(sanctions_outcome(d, ct, cs, b).outcome) == reference_outcome(d, ct, cs, b)


@given(cost, cost, beta_st)
def test_equilibrium_demand_is_optimal(ct: float, cs: float, b: float) -> None:
    """Drezner (1998): no demand on a grid gives the sender more utility than the equilibrium
    demand, and at that demand the threat is not carried out (Eaton & Engers 1992)."""
    d_eq = equilibrium_demand(ct, cs, b)
    best = sanctions_outcome(d_eq, ct, cs, b)
    grid = sanctions_outcome(np.linspace(0.0, 3.0, 3001), ct, cs, b)
    assert best.sender_utility >= grid.sender_utility.max() - 1e-9
    assert int(best.outcome) == ACQUIESCE


@given(cost, cost, beta_st)
def test_credible_demand_at_least_beta_ct(ct: float, cs: float, b: float) -> None:
    """Drezner (1998), by hand: if (1 - beta) c_t >= c_s then
    D* >= (c_t - (1 - beta)^2 c_t)/(2 - beta) = beta c_t >= 0."""
    if threat_credible(ct, cs, b):
        assert max_acceptable_demand(ct, cs, b) >= b * ct - 1e-12


# ------------------------------------------------------------------------- invariants (theory.md 8)


@given(cost, cost, cost, beta_st)
def test_compliance_rises_with_target_cost(c1: float, c2: float, cs: float, b: float) -> None:
    """Eaton & Engers (1992): compliance rises with the cost imposed on the target
    (dD*/dc_t = 1/(2 - beta) > 0), and so does credibility."""
    lo, hi = sorted((c1, c2))
    assert max_acceptable_demand(hi, cs, b) >= max_acceptable_demand(lo, cs, b) - 1e-12
    assert equilibrium_demand(hi, cs, b) >= equilibrium_demand(lo, cs, b) - 1e-12
    if threat_credible(lo, cs, b):
        assert threat_credible(hi, cs, b)


@given(cost, cost, cost, beta_st)
def test_compliance_falls_with_sender_cost(ct: float, c1: float, c2: float, b: float) -> None:
    """Eaton & Engers (1992): compliance falls with the cost to the sender
    (dD*/dc_s = -(1 - beta)/(2 - beta) <= 0), and so does credibility."""
    lo, hi = sorted((c1, c2))
    assert max_acceptable_demand(ct, hi, b) <= max_acceptable_demand(ct, lo, b) + 1e-12
    assert equilibrium_demand(ct, hi, b) <= equilibrium_demand(ct, lo, b) + 1e-12
    if threat_credible(ct, hi, b):
        assert threat_credible(ct, lo, b)


@given(cost, cost, beta_st, beta_st)
def test_allies_concede_more(ct: float, cs: float, b1: float, b2: float) -> None:
    """Drezner (1998), sanctions paradox, derived: dD*/dbeta = (c_t + c_s)/(2 - beta)^2 >= 0,
    so D* rises with beta (allies concede more), while credibility, (1 - beta) c_t >= c_s,
    can only be lost as beta rises (adversaries sanction more readily)."""
    lo, hi = sorted((b1, b2))
    assert max_acceptable_demand(ct, cs, hi) >= max_acceptable_demand(ct, cs, lo) - 1e-12
    if threat_credible(ct, cs, hi):
        assert threat_credible(ct, cs, lo)


@given(cost, cost, cost, beta_st)
def test_lever_hurting_target_never_helps_target(c1: float, c2: float, cs: float, b: float) -> None:
    """theory.md 8: a lever that only hurts the target (a larger c_t) never improves the
    target's equilibrium terms (its material payoff and its utility)."""
    lo, hi = sorted((c1, c2))
    out_lo = sanctions_outcome(equilibrium_demand(lo, cs, b), lo, cs, b)
    out_hi = sanctions_outcome(equilibrium_demand(hi, cs, b), hi, cs, b)
    assert out_hi.target_payoff <= out_lo.target_payoff + 1e-12
    assert out_hi.target_utility <= out_lo.target_utility + 1e-12


@given(st.floats(0.0, 2.0), cost, cost, beta_st)
def test_target_individually_rational(d: float, ct: float, cs: float, b: float) -> None:
    """theory.md 8, individual rationality: the target never acquiesces to terms it values
    below standing firm."""
    out = sanctions_outcome(d, ct, cs, b)
    stand_firm = -ct + (1 - b) * cs if threat_credible(ct, cs, b) else 0.0
    if int(out.outcome) == ACQUIESCE:
        assert out.target_utility >= stand_firm - 1e-12


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: max_acceptable_demand(-0.5, 0.2, 0.5), r"c_t .*>= 0.*-0\.5"),
        (lambda: threat_credible(0.5, 0.2, 1.5), r"beta .*\[0, 1\].*1\.5"),
        (lambda: sanctions_outcome(-1.0, 0.5, 0.2, 0.5), r"demand .*-1\.0"),
        (lambda: equilibrium_demand(0.5, np.array([0.1, np.inf]), 0.5), r"c_s .*inf"),
    ],
)
def test_invalid_inputs_name_argument_and_value(call, match: str) -> None:
    """Bad inputs raise ValueError naming the argument and the offending value."""
    with pytest.raises(ValueError, match=match):
        call()

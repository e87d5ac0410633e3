"""Tests of the numeric multi-issue Rubinstein solver against closed forms and theory."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from negsim.rubinstein_numeric import rubinstein_equilibrium
from negsim.utility import issue_weights, utility


def pie(discount, disagreement=0.0, risk=1.0, **kw):
    """A wants x = 1, B wants x = 0 on one issue in [0, 1]: with risk 1, u_A = x, u_B = 1 - x."""
    discount = np.atleast_2d(discount)
    runs = discount.shape[0]
    return rubinstein_equilibrium(
        np.broadcast_to([[1.0], [0.0]], (runs, 2, 1)), np.ones((runs, 2, 1)),
        np.full((runs, 2), risk), [0.0], [1.0], discount, disagreement, **kw,
    )  # fmt: skip


def problem(seed, runs=40, issues=3, risks=(1.0, 1.5, 2.0, 3.0)):
    """Random two-actor problems with ideals on opposite sides of every issue."""
    rng = np.random.default_rng(seed)
    position = np.stack(
        [rng.uniform(0, 4, (runs, issues)), rng.uniform(6, 10, (runs, issues))], axis=1
    )
    return dict(
        position=position, weight=issue_weights(rng.uniform(0.05, 1, (runs, 2, issues))),
        risk=rng.choice(risks, (runs, 2)), lo=np.zeros(issues), hi=np.full(issues, 10.0),
        discount=rng.uniform(0.5, 0.99, (runs, 2)), disagreement=rng.uniform(0, 0.3, (runs, 2)),
    )  # fmt: skip


@pytest.mark.parametrize(
    ("delta_a", "delta_b", "share"),
    [(0.9, 0.9, 0.1 / 0.19), (0.9, 0.8, 5 / 7), (0.5, 0.5, 2 / 3), (0.99, 0.9, 0.1 / 0.109)],
)
def test_one_issue_matches_rubinstein(delta_a, delta_b, share):
    """A's share is (1 - delta_B) / (1 - delta_A delta_B) (Rubinstein 1982)."""
    res = pie([delta_a, delta_b])
    assert abs(res.utility[0, 0] - share) < 1e-6
    assert abs(res.utility[0, 0] - share) < 1e-12  # linear: the frontier is exact
    np.testing.assert_allclose(res.utility[0], [share, 1 - share], atol=1e-12)
    np.testing.assert_allclose(res.outcome, [[share]], atol=1e-12)
    # B's proposal gives B (1 - delta_A) / (1 - delta_A delta_B), by symmetry.
    b_share = (1 - delta_a) / (1 - delta_a * delta_b)
    np.testing.assert_allclose(res.proposal_utility[0, 1], [1 - b_share, b_share], atol=1e-12)
    assert res.converged[0] and res.feasible[0] and res.frontier_error[0] == 0


def test_closed_form_over_a_grid_of_discount_factors():
    grid = np.linspace(0.05, 0.995, 25)
    da, db = (x.ravel() for x in np.meshgrid(grid, grid))
    res = pie(np.stack([da, db], axis=1))
    np.testing.assert_allclose(res.utility[:, 0], (1 - db) / (1 - da * db), atol=1e-10)


def test_disagreement_point_shifts_the_split_of_the_surplus():
    """With d, the players split the surplus 1 - d_A - d_B as Rubinstein's pie:
    u_A = d_A + (1 - d_A - d_B) (1 - delta_B) / (1 - delta_A delta_B)."""
    d = np.array([[0.2, 0.1], [0.0, 0.5], [0.3, 0.3]])
    delta = np.array([[0.9, 0.8], [0.7, 0.95], [0.6, 0.6]])
    res = pie(delta, d)
    surplus = 1 - d.sum(axis=1)
    expected = d[:, 0] + surplus * (1 - delta[:, 1]) / (1 - delta[:, 0] * delta[:, 1])
    np.testing.assert_allclose(res.utility[:, 0], expected, atol=1e-10)


def test_concave_one_issue_matches_the_hand_solution():
    """u_A = 1 - (1 - x)**2, u_B = 1 - x**2, equal delta: by symmetry x_B = 1 - x_A, and
    u_B(x_A) = delta u_A(x_A) gives (1 - delta) x**2 + 2 delta x - 1 = 0."""
    delta = np.array([0.5, 0.8, 0.9, 0.97])
    res = pie(np.stack([delta, delta], axis=1), risk=2.0)
    x = (-delta + np.sqrt(delta**2 - delta + 1)) / (1 - delta)
    np.testing.assert_allclose(res.outcome[:, 0], x, atol=1e-9)
    np.testing.assert_allclose(res.proposals[:, 1, 0], 1 - x, atol=1e-9)
    assert np.all(res.frontier_error < 1e-9)


def test_iteration_and_bisection_agree():
    kw = problem(3)
    a = rubinstein_equilibrium(**kw)
    b = rubinstein_equilibrium(**kw, method="iterate")
    assert a.converged.all() and b.converged.all()
    np.testing.assert_allclose(a.utility, b.utility, atol=1e-9)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_proposals_leave_the_responder_indifferent_or_give_the_proposer_its_ideal(seed):
    """u_B(x_A) >= v_B = delta_B u_B(x_B) + (1 - delta_B) d_B, with equality unless x_A gives A
    its maximum; the same for B's proposal."""
    kw = problem(seed)
    res = rubinstein_equilibrium(**kw)
    u, delta, d = res.proposal_utility, kw["discount"], kw["disagreement"]
    top = utility(kw["position"], kw["position"], kw["weight"], kw["risk"], kw["lo"], kw["hi"])
    for me, you in ((0, 1), (1, 0)):
        value = delta[:, you] * u[:, you, you] + (1 - delta[:, you]) * d[:, you]
        slack = u[:, me, you] - value
        assert np.all(slack >= -1e-9)
        ideal = u[:, me, me] >= top[:, me, me] - 1e-9
        assert np.all((slack <= 1e-9) | ideal)


def test_share_rises_with_own_patience_and_falls_with_the_opponents():
    """Two concave issues, ideals at opposite corners: A's equilibrium utility increases in
    delta_A and decreases in delta_B (B's the other way round)."""
    grid = np.linspace(0.3, 0.98, 12)
    runs = grid.size
    kw = dict(
        position=np.broadcast_to([[10.0, 10.0], [0.0, 0.0]], (runs, 2, 2)),
        weight=np.broadcast_to([[0.7, 0.3], [0.4, 0.6]], (runs, 2, 2)),
        risk=np.full((runs, 2), 2.0), lo=np.zeros(2), hi=np.full(2, 10.0),
    )  # fmt: skip
    fixed = np.full(runs, 0.8)
    own = rubinstein_equilibrium(**kw, discount=np.stack([grid, fixed], 1))
    other = rubinstein_equilibrium(**kw, discount=np.stack([fixed, grid], 1))
    assert np.all(np.diff(own.utility[:, 0]) > 0) and np.all(np.diff(own.utility[:, 1]) < 0)
    assert np.all(np.diff(other.utility[:, 0]) < 0) and np.all(np.diff(other.utility[:, 1]) > 0)


@settings(max_examples=10, deadline=None)
@given(st.integers(0, 2**32 - 1))
def test_more_patience_never_hurts(seed):
    """Raising delta_A never lowers A's equilibrium utility (weakly: corners are flat)."""
    kw = problem(seed, runs=20)
    more = kw["discount"].copy()
    more[:, 0] = 1 - (1 - more[:, 0]) / 2
    base, patient = rubinstein_equilibrium(**kw), rubinstein_equilibrium(**{**kw, "discount": more})
    assert np.all(patient.utility[:, 0] >= base.utility[:, 0] - 1e-9)


def test_two_linear_issues_give_a_pareto_efficient_outcome():
    """Linear-additive utilities on two issues: no point of a fine grid dominates the SPE."""
    kw = problem(4, runs=30, issues=2, risks=(1.0,))
    res = rubinstein_equilibrium(**kw)
    axis = np.linspace(0, 10, 201)
    grid = np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2)
    u_grid = utility(
        np.broadcast_to(grid, (30, *grid.shape)), kw["position"], kw["weight"], kw["risk"],
        kw["lo"], kw["hi"],
    )  # fmt: skip
    dominates = (u_grid >= res.utility[:, None, :] - 1e-12).all(-1) & (
        u_grid > res.utility[:, None, :] + 1e-9
    ).any(-1)
    assert not dominates.any()


def test_patient_players_approach_the_nash_bargaining_solution():
    """As delta -> 1 with equal discounting the SPE tends to the Nash solution (Binmore,
    Rubinstein & Wolinsky 1986): maximise (u_A - d_A)(u_B - d_B) over a fine grid."""
    kw = problem(6, runs=8, issues=2, risks=(1.5, 2.0))
    kw["discount"] = np.full((8, 2), 0.9999)
    res = rubinstein_equilibrium(**kw)
    axis = np.linspace(0, 10, 401)
    grid = np.stack(np.meshgrid(axis, axis), -1).reshape(-1, 2)
    u_grid = utility(
        np.broadcast_to(grid, (8, *grid.shape)), kw["position"], kw["weight"], kw["risk"],
        kw["lo"], kw["hi"],
    )  # fmt: skip
    gain = np.maximum(u_grid - kw["disagreement"][:, None, :], 0).prod(-1)
    nash = u_grid[np.arange(8), gain.argmax(axis=1)]
    np.testing.assert_allclose(res.utility, nash, atol=2e-3)


def test_swapping_the_actors_swaps_the_proposals():
    """Relabelling: with B proposing first, the proposals are the same pair, swapped."""
    kw = problem(8)
    swapped = {k: v[:, ::-1] if k != "lo" and k != "hi" else v for k, v in kw.items()}
    a, b = rubinstein_equilibrium(**kw), rubinstein_equilibrium(**swapped)
    np.testing.assert_allclose(a.proposals[:, ::-1], b.proposals, atol=1e-9)
    np.testing.assert_allclose(a.proposal_utility[:, ::-1, ::-1], b.proposal_utility, atol=1e-9)


def test_runs_are_independent():
    """Each run of a batch equals the same run solved alone."""
    kw = problem(2, runs=6)
    batch = rubinstein_equilibrium(**kw)
    for r in range(6):
        alone = {k: v[r : r + 1] if k not in ("lo", "hi") else v for k, v in kw.items()}
        single = rubinstein_equilibrium(**alone)
        np.testing.assert_allclose(batch.outcome[r], single.outcome[0], rtol=0, atol=1e-12)
        np.testing.assert_allclose(batch.utility[r], single.utility[0], rtol=0, atol=1e-12)


def test_no_agreement_when_disagreement_beats_every_outcome():
    res = pie([[0.9, 0.9], [0.9, 0.9]], [[0.6, 0.6], [0.5, 0.5]])
    assert list(res.feasible) == [False, True]
    assert np.isnan(res.outcome[0]).all()
    np.testing.assert_array_equal(res.utility[0], [0.6, 0.6])
    np.testing.assert_allclose(res.utility[1], [0.5, 0.5], atol=1e-12)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"risk": 0.5}, "risk"),
        ({"discount": [[1.0, 0.9]]}, "discount"),
        ({"method": "x"}, "method"),
    ],
)
def test_bad_arguments_are_named(change, message):
    kw = dict(position=[[[1.0], [0.0]]], weight=np.ones((1, 2, 1)), risk=1.0, lo=[0.0], hi=[1.0])
    kw["discount"] = [[0.9, 0.9]]
    kw.update(change)
    with pytest.raises(ValueError, match=message):
        rubinstein_equilibrium(**kw)

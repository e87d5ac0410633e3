"""Tests of negsim.power: worked values from theory.md section 7, the power-index invariants of
section 8 as properties, and a differential test against brute-force enumeration."""

from __future__ import annotations

import math
from fractions import Fraction
from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from negsim.power import (
    EU27_POPULATION_2025,
    Criterion,
    VotingGame,
    banzhaf,
    core_nonempty,
    shapley_shubik,
    swing_counts,
    veto_players,
    winning_share,
)

EU_CODES = [code for code, _ in EU27_POPULATION_2025]
EU_SHARES = [share for _, share in EU27_POPULATION_2025]

# A game spec is the plain data behind a game: a list of blocks (OR), each a list of
# (integer weights, integer quota) criteria (AND). The brute force reads only the spec.
Spec = list[list[tuple[list[int], int]]]


# --- brute-force reference (n <= 10) ------------------------------------------------------------


def _brute_force_wins(spec: Spec, coalition: frozenset[int]) -> bool:
    return any(all(sum(w[i] for i in coalition) >= q for w, q in block) for block in spec)


def _brute_force_indices(n: int, spec: Spec) -> dict:
    """Enumerate all 2^n coalitions: swings by size, exact SS, winning count, veto players."""
    assert n <= 10
    by_size = np.zeros((n, n), dtype=np.int64)
    ss = [Fraction(0)] * n
    n_winning = 0
    for r in range(n + 1):
        for members in combinations(range(n), r):
            s = frozenset(members)
            if _brute_force_wins(spec, s):
                n_winning += 1
                continue
            for i in set(range(n)) - s:
                if _brute_force_wins(spec, s | {i}):
                    by_size[i, r] += 1
                    ss[i] += Fraction(
                        math.factorial(r) * math.factorial(n - r - 1), math.factorial(n)
                    )
    grand = frozenset(range(n))
    veto = [not _brute_force_wins(spec, grand - {i}) for i in range(n)]
    return {"by_size": by_size, "ss": ss, "n_winning": n_winning, "veto": veto}


def _game(spec: Spec) -> VotingGame:
    return VotingGame.from_criteria([[(np.array(w), q) for w, q in block] for block in spec])


# --- strategies ---------------------------------------------------------------------------------


@st.composite
def game_specs(draw, max_n: int = 9, max_blocks: int = 3, max_criteria: int = 3) -> Spec:
    """Multi-criteria specs as scenario rules state them: each criterion weighs players by a
    count (all ones) or by one of at most two weight vectors (populations, say), each with its
    own quota; quotas outside [1, total] included. Few distinct vectors keep the table small."""
    n = draw(st.integers(1, max_n))
    vectors = st.lists(st.integers(0, 12), min_size=n, max_size=n)
    pool = [[1] * n, *draw(st.lists(vectors, min_size=1, max_size=2))]
    spec: Spec = []
    for _ in range(draw(st.integers(1, max_blocks))):
        block = []
        for _ in range(draw(st.integers(1, max_criteria))):
            w = draw(st.sampled_from(pool))
            block.append((w, draw(st.integers(-1, sum(w) + 1))))
        spec.append(block)
    return spec


@st.composite
def weighted_specs(draw, max_n: int = 8) -> tuple[list[int], int]:
    """Proper weighted games [q; w]: 1 <= q <= sum(w), so N wins and the empty set loses."""
    w = draw(st.lists(st.integers(0, 15), max_size=max_n - 1))
    w.insert(draw(st.integers(0, len(w))), draw(st.integers(1, 15)))  # so that sum(w) >= 1
    return w, draw(st.integers(1, sum(w)))


# --- worked values from theory.md section 7 -----------------------------------------------------


def test_un_security_council_shapley_shubik():
    """UN Security Council [39; 7 x 5, 1 x 10]: SS 421/2145 and 4/2145 (theory.md section 7)."""
    phi = shapley_shubik(VotingGame.weighted([7] * 5 + [1] * 10, quota=39))
    np.testing.assert_allclose(phi[:5], 421 / 2145, rtol=0, atol=1e-12)
    np.testing.assert_allclose(phi[5:], 4 / 2145, rtol=0, atol=1e-12)


def test_banzhaf_6_4321():
    """[6; 4, 3, 2, 1]: Banzhaf (5/12, 1/4, 1/4, 1/12) (theory.md section 7)."""
    beta = banzhaf(VotingGame.weighted([4, 3, 2, 1], quota=6))
    np.testing.assert_allclose(beta, [5 / 12, 1 / 4, 1 / 4, 1 / 12], rtol=0, atol=1e-12)


def test_banzhaf_raw_swings_6_4321():
    """[6; 4, 3, 2, 1] raw swings (5, 3, 3, 1), by hand: 5/12 etc. times 12 total swings."""
    game = VotingGame.weighted([4, 3, 2, 1], quota=6)
    assert swing_counts(game).tolist() == [5, 3, 3, 1]
    np.testing.assert_allclose(banzhaf(game, normalized=False), np.array([5, 3, 3, 1]) / 8)


def test_eec_1958_luxembourg_is_null():
    """EEC 1958 [12; 4,4,4,2,2,1]: Luxembourg gets 0 (theory.md section 7).

    By hand: the others' weights are even, so Luxembourg's 1 never lifts an even sum to 12."""
    game = VotingGame.weighted([4, 4, 4, 2, 2, 1], quota=12)
    assert shapley_shubik(game)[5] == 0.0
    assert banzhaf(game)[5] == 0.0
    assert (shapley_shubik(game)[:5] > 0).all()


def test_glove_game_shapley_and_core():
    """Glove game, two right gloves and one left: Shapley (1/6, 1/6, 2/3), core {(0,0,1)}
    (theory.md section 7); the left glove is the veto player. An AND of two criteria."""
    game = VotingGame.from_criteria([[([1, 1, 0], 1), ([0, 0, 1], 1)]])
    np.testing.assert_allclose(shapley_shubik(game), [1 / 6, 1 / 6, 2 / 3], rtol=0, atol=1e-12)
    assert veto_players(game).tolist() == [False, False, True]
    assert core_nonempty(game)


def test_eu27_constant_matches_theory():
    """The 27 shares of theory.md section 7 (Eurostat, 1 January 2025), largest first."""
    assert len(EU27_POPULATION_2025) == 27 and len(set(EU_CODES)) == 27
    assert EU_CODES[:3] == ["DE", "FR", "IT"] and EU_CODES[-1] == "MT"
    assert sum(EU_SHARES) == pytest.approx(100.01, abs=1e-9)


def test_eu27_qmv_winning_share():
    """EU-27 QMV: 13.2% of the 2^27 coalitions win (Petroczy & Csato, theory.md section 7)."""
    assert winning_share(VotingGame.eu_qmv(EU_SHARES)) == pytest.approx(0.132, abs=0.0005)


def test_eu27_qmv_indices():
    """EU-27 QMV: SS and Banzhaf sum to 1, Germany's is largest, all positive (theory.md 7-8)."""
    game = VotingGame.eu_qmv(EU_SHARES)
    for index in (shapley_shubik(game), banzhaf(game)):
        assert index.sum() == pytest.approx(1.0, abs=1e-12)
        assert EU_CODES[int(np.argmax(index))] == "DE"
        assert (index > 0).all()
        assert (np.diff(index) <= 0).all()  # shares are listed in decreasing order: monotone


def test_eu27_qmv_rule_on_named_coalitions():
    """Art. 16(4) TEU with theory.md's shares, by hand: without the three largest states
    (46.89%) 24 states pass, so three cannot block; without the four largest (57.67%), 23
    states with 42.34% fail; the 15 largest (91.87%) pass; the 15 smallest (13.72%) and Germany
    with the 14 smallest (18.49 + 11.59 = 30.08%) fail."""
    game = VotingGame.eu_qmv(EU_SHARES)
    rank = np.arange(27)
    assert game.is_winning(rank >= 3)
    assert not game.is_winning(rank >= 4)
    assert game.is_winning(rank < 15)
    assert not game.is_winning(rank >= 12)
    assert not game.is_winning((rank == 0) | (rank >= 13))


def test_eu27_reinforced_qmv():
    """Reinforced QMV (Art. 238(2) TFEU): 20 of 27 states and 65%, so the 19 largest (96.84%
    by hand from theory.md's shares) fail, and every reinforced-winning coalition wins QMV."""
    reinforced = VotingGame.eu_qmv(EU_SHARES, reinforced=True)
    assert not reinforced.is_winning(np.arange(27) < 19)
    assert reinforced.is_winning(np.arange(27) < 20)
    assert winning_share(reinforced) < winning_share(VotingGame.eu_qmv(EU_SHARES))
    assert shapley_shubik(reinforced).sum() == pytest.approx(1.0, abs=1e-12)


def test_eu_qmv_scale_free():
    """Only the population ratios matter: shares as integer counts (x 100 x 37, reduced by their
    gcd) give exactly the same indices (Art. 16(4) TEU takes 65% of the total)."""
    counts = np.rint(np.array(EU_SHARES) * 100).astype(np.int64) * 37
    a, b = VotingGame.eu_qmv(EU_SHARES), VotingGame.eu_qmv(counts)
    np.testing.assert_array_equal(shapley_shubik(a), shapley_shubik(b))
    np.testing.assert_array_equal(swing_counts(a), swing_counts(b))


def test_eu_qmv_population_counts_need_resolution():
    """Counts in persons would need a 4.5e8-wide table: refused unless rounded explicitly; at 1e4
    persons (0.002%) the 2025 shares' ordering of Germany first survives."""
    counts = np.rint(np.array(EU_SHARES) * 4_510_288.81).astype(np.int64) + 1
    with pytest.raises(ValueError, match="coarser resolution"):
        shapley_shubik(VotingGame.eu_qmv(counts))
    game = VotingGame.eu_qmv(counts, resolution=1e4)
    assert EU_CODES[int(np.argmax(shapley_shubik(game)))] == "DE"


def test_unanimity_every_member_veto():
    """Unanimity: every member is a veto player, SS = 1/n each, core nonempty (theory.md 7)."""
    for n in (1, 2, 5, 27):
        game = VotingGame.unanimity(n)
        assert veto_players(game).all()
        np.testing.assert_allclose(shapley_shubik(game), 1 / n, rtol=0, atol=1e-12)
        assert core_nonempty(game)
        assert winning_share(game) == 2.0**-n


def test_majority_has_no_veto_and_empty_core():
    """Simple majority of 27 (14 states): no veto player, so an empty core (theory.md 7);
    by symmetry SS = 1/27 each."""
    game = VotingGame.majority(27)
    assert not veto_players(game).any() and not core_nonempty(game)
    np.testing.assert_allclose(shapley_shubik(game), 1 / 27, rtol=0, atol=1e-12)
    assert game.is_winning(np.arange(27) < 14) and not game.is_winning(np.arange(27) < 13)


def test_real_weights_are_exact():
    """[0.3; 0.1, 0.2]: {0, 1} weighs exactly 0.3 and wins (float addition gives 0.30000000000000004
    but the rule is on the reals), so player 0 swings: Banzhaf (1/2, 1/2) by hand."""
    game = VotingGame.weighted([0.1, 0.2], quota=0.3)
    assert game.blocks[0][0] == Criterion((1, 2), 3)
    np.testing.assert_allclose(banzhaf(game), [0.5, 0.5])


def test_explicit_resolution_rounds():
    """With resolution=0.5, [2; 0.9, 1.1, 0.3] rounds to [4; 2, 2, 1] in half units."""
    game = VotingGame.weighted([0.9, 1.1, 0.3], quota=2, resolution=0.5)
    assert game.blocks[0][0] == Criterion((2, 2, 1), 4)


def test_weights_too_fine_are_refused():
    """Weights that are not multiples of 1e-6 need an explicit resolution."""
    with pytest.raises(ValueError, match="resolution"):
        VotingGame.weighted([1 / 3, 2 / 3], quota=0.5)


@pytest.mark.parametrize(
    ("blocks", "match"),
    [
        ([[([1, -1], 1)]], "non-negative"),
        ([[([1, 1], 1), ([1, 1, 1], 1)]], "3 weights|2 weights"),
        ([[]], "non-empty"),
    ],
)
def test_invalid_games_are_refused(blocks, match):
    """Negative weights, ragged criteria and empty blocks name the offending field."""
    with pytest.raises(ValueError, match=match):
        VotingGame.from_criteria(blocks)


def test_is_winning_shapes():
    """is_winning maps (..., n) masks to (...) results."""
    game = VotingGame.weighted([4, 3, 2, 1], quota=6)
    masks = np.array([[1, 1, 0, 0], [0, 1, 1, 1], [0, 0, 1, 1]], dtype=bool)
    assert game.is_winning(masks).tolist() == [True, True, False]
    assert game.is_winning(masks[0]).shape == ()
    with pytest.raises(ValueError, match="shape"):
        game.is_winning(np.ones((2, 3), dtype=bool))


# --- invariants of theory.md section 8 ----------------------------------------------------------


@given(weighted_specs())
def test_indices_sum_to_one(spec):
    """In a proper weighted game the SS and normalised Banzhaf indices sum to 1."""
    game = VotingGame.weighted(spec[0], spec[1])
    assert shapley_shubik(game).sum() == pytest.approx(1.0, abs=1e-12)
    assert banzhaf(game).sum() == pytest.approx(1.0, abs=1e-12)


@given(st.lists(st.integers(0, 10), max_size=7), st.integers(0, 10), st.data())
def test_dictator_gets_one(others, extra, data):
    """A player whose weight alone meets the quota, while all others together fall short, gets 1."""
    quota = sum(others) + 1 + extra
    weights = list(others)
    d = data.draw(st.integers(0, len(others)))
    weights.insert(d, quota + data.draw(st.integers(0, 5)))
    game = VotingGame.weighted(weights, quota)
    expected = np.eye(len(weights))[d]
    np.testing.assert_array_equal(shapley_shubik(game), expected)
    np.testing.assert_array_equal(banzhaf(game), expected)


@given(game_specs())
def test_null_player_gets_zero(spec):
    """A player with weight 0 in every criterion is null and gets 0 in both indices."""
    n = len(spec[0][0][0])
    null = [i for i in range(n) if all(w[i] == 0 for block in spec for w, _ in block)]
    game = _game(spec)
    assert (shapley_shubik(game)[null] == 0).all() and (banzhaf(game)[null] == 0).all()


@given(game_specs())
def test_symmetric_players_equal(spec):
    """Players with equal weights in every criterion get equal indices."""
    game = _game(spec)
    phi, beta = shapley_shubik(game), banzhaf(game)
    n = game.n_players
    for i, j in combinations(range(n), 2):
        if all(w[i] == w[j] for block in spec for w, _ in block):
            assert phi[i] == phi[j] and beta[i] == beta[j]


@given(game_specs())
def test_weight_monotone(spec):
    """A player weighing at least as much as another in every criterion has at least its index."""
    game = _game(spec)
    phi, beta = shapley_shubik(game), banzhaf(game)
    for i in range(game.n_players):
        for j in range(game.n_players):
            if all(w[i] >= w[j] for block in spec for w, _ in block):
                assert phi[i] >= phi[j] - 1e-15 and beta[i] >= beta[j] - 1e-15


@given(game_specs(max_n=7), st.randoms(use_true_random=False))
def test_relabelling_covariance(spec, random):
    """Permuting the players permutes their indices."""
    n = len(spec[0][0][0])
    perm = list(range(n))
    random.shuffle(perm)
    permuted = [[([w[p] for p in perm], q) for w, q in block] for block in spec]
    np.testing.assert_array_equal(
        shapley_shubik(_game(permuted)), shapley_shubik(_game(spec))[perm]
    )
    np.testing.assert_array_equal(banzhaf(_game(permuted)), banzhaf(_game(spec))[perm])


@given(game_specs())
def test_core_nonempty_iff_veto_player(spec):
    """A simple game's core is nonempty iff it has a veto player (theory.md section 7)."""
    game = _game(spec)
    assert core_nonempty(game) == bool(veto_players(game).any())


# --- differential tests against brute-force enumeration -----------------------------------------


@settings(deadline=None)
@given(game_specs())
def test_matches_brute_force(spec):
    """Swings by size, SS, Banzhaf, winning share and veto players agree with enumerating all
    2^n coalitions, for weighted, AND and OR games with n <= 9."""
    n = len(spec[0][0][0])
    ref = _brute_force_indices(n, spec)
    game = _game(spec)
    np.testing.assert_array_equal(swing_counts(game, by_size=True), ref["by_size"])
    np.testing.assert_allclose(shapley_shubik(game), [float(x) for x in ref["ss"]], atol=1e-12)
    swings = ref["by_size"].sum(axis=1)
    if swings.sum():
        np.testing.assert_allclose(banzhaf(game), swings / swings.sum(), atol=1e-12)
    np.testing.assert_allclose(banzhaf(game, normalized=False), swings / 2 ** (n - 1))
    assert winning_share(game) == ref["n_winning"] / 2**n
    assert veto_players(game).tolist() == ref["veto"]


@settings(deadline=None)
@given(game_specs(max_n=8))
def test_is_winning_matches_brute_force(spec):
    """is_winning agrees with the spec on every coalition."""
    n = len(spec[0][0][0])
    masks = (np.arange(2**n)[:, None] >> np.arange(n) & 1).astype(bool)
    expected = [_brute_force_wins(spec, frozenset(np.flatnonzero(m).tolist())) for m in masks]
    assert _game(spec).is_winning(masks).tolist() == expected


@settings(deadline=None)
@given(game_specs(max_n=7, max_blocks=2, max_criteria=2), game_specs(max_blocks=2))
def test_and_or_combinators_match_brute_force(a, b):
    """(a & b) wins iff both do; (a | b) iff either does, checked on every coalition.

    ``b`` reuses ``a``'s weight vectors (real rules combine criteria over the same populations
    and counts); the exact count grows with the number of distinct vectors and refuses, by
    design, tables beyond its cell limit."""
    n = len(a[0][0][0])
    pool = list({tuple(w) for block in a for w, _ in block})
    b = [[(list(pool[i % len(pool)]), q) for i, (_, q) in enumerate(block)] for block in b]
    ga, gb = _game(a), _game(b)
    masks = (np.arange(2**n)[:, None] >> np.arange(n) & 1).astype(bool)
    wa, wb = ga.is_winning(masks), gb.is_winning(masks)
    assert ((ga & gb).is_winning(masks) == (wa & wb)).all()
    assert ((ga | gb).is_winning(masks) == (wa | wb)).all()
    ref = _brute_force_indices(n, [x + y for x in a for y in b])
    np.testing.assert_array_equal(swing_counts(ga & gb, by_size=True), ref["by_size"])


@settings(deadline=None)
@given(game_specs(max_n=8, max_blocks=2))
def test_two_decimal_weights_are_exact(spec):
    """Weights in hundredths (k / 100) give the same game as the integers k."""
    scaled = [[([x / 100 for x in w], q / 100) for w, q in block] for block in spec]
    game = VotingGame.from_criteria(scaled)
    np.testing.assert_array_equal(
        swing_counts(game, by_size=True), swing_counts(_game(spec), by_size=True)
    )
    assert winning_share(game) == winning_share(_game(spec))

"""Power indices of simple voting games, computed exactly by generating functions.

A *simple game* on players ``N = {0, ..., n-1}`` says which coalitions ``S ⊆ N`` win
(``v(S) = 1``) and which lose (``v(S) = 0``). The games here are built from *weighted criteria*
``[q; w_1, ..., w_n]`` (``S`` meets the criterion iff ``sum_{i in S} w_i >= q``, with
``w_i >= 0``), combined by AND into *blocks* and by OR across blocks:

.. math::

    v(S) = \\bigvee_b \\bigwedge_{c \\in b} \\Big[ \\sum_{i \\in S} w^{c}_i \\ge q^{c} \\Big].

This covers weighted majority games, unanimity, simple majority and the multi-criteria rules of
the EU Council (Art. 16(4) TEU, Art. 238(2) TFEU): under qualified majority (QMV) a proposal
passes iff (at least 55% of the states AND at least 65% of the population) OR all but at most
three states vote yes (a blocking minority needs four members); reinforced QMV needs 72% of the
states and 65% of the population. Every such game is monotone, since weights are non-negative.

Player ``i`` is a *swing* in ``S`` (``i ∉ S``) when ``S`` loses and ``S ∪ {i}`` wins. The
Shapley-Shubik index (Shapley & Shubik 1954) and the Banzhaf index (Penrose 1946, Banzhaf 1965)
are

.. math::

    \\phi_i = \\sum_{S \\text{ swing for } i} \\frac{|S|!\\,(n-|S|-1)!}{n!}, \\qquad
    \\beta_i = \\frac{\\eta_i}{\\sum_j \\eta_j}, \\qquad
    \\beta'_i = \\frac{\\eta_i}{2^{n-1}},

with ``eta_i`` the number of swings of ``i`` (``beta`` normalised, ``beta'`` the absolute or
Penrose-Banzhaf measure). Nothing here enumerates the ``2^n`` coalitions. Each criterion's
weights are scaled to integers and divided by their gcd; the criteria that weigh every player
equally are counts and live on the coalition-size axis, and each other distinct weight vector
gets an axis of its own. The number of coalitions with size ``s`` and weights ``a`` is the
coefficient of ``x^s y^a`` in the generating function (Mann & Shapley 1962; Brams & Affuso
1976; Bilbao et al. 2000; for several criteria Algaba et al. 2003)

.. math::

    C(x, y) = \\prod_{j \\in N} \\big(1 + x\\,y^{w_j}\\big),

built by shifted array additions and truncated, exactly, to the box of cells where a swing can
occur (and the cells below it). The coalitions of the others, ``C_{-i} = C / (1 + x y^{w_i})``,
follow by exact integer deconvolution in ``s`` (once per distinct weight vector: equal weights
mean symmetric players), and ``i``'s swings of size ``s`` are the ``C_{-i}[s, a]`` where ``v``
jumps from ``(s, a)`` to ``(s + 1, a + w_i)``. Counts are exact int64 (``n <= 62``); the
Shapley-Shubik sum is taken in Python integers and rounded once. The table is dense: its size is
``n + 1`` times the product of the axes' total weights, so keep distinct weight vectors few.

Exactness and resolution: real weights (population shares, say) are scaled to integers. By
default the coarsest decimal resolution ``10^-d`` (``d = 0, ..., 6``) of which every weight of a
criterion is an integer multiple is used, so shares to two decimals are exact; with an explicit
``resolution`` weights are rounded to multiples of it, and results are exact for the rounded
game (so exact whenever the weights already are such multiples). The quota is never rounded: a
coalition of integer weight ``k`` meets quota ``q`` iff ``k >= ceil(q / resolution)``.

References
----------
Algaba, E., Bilbao, J. M., Fernández García, J. R. & López, J. J. (2003). Computing power indices
in weighted multiple majority games. *Mathematical Social Sciences* 46(1), 63-80.
Banzhaf, J. F. (1965). Weighted voting doesn't work: a mathematical analysis. *Rutgers Law
Review* 19, 317-343.
Bilbao, J. M., Fernández, J. R., Jiménez Losada, A. & López, J. J. (2000). Generating functions
for computing power indices efficiently. *TOP* 8(2), 191-213.
Brams, S. J. & Affuso, P. J. (1976). Power and size: a new paradox. *Theory and Decision* 7,
29-56.
Coleman, J. S. (1971). Control of collectivities and the power of a collectivity to act. In
B. Lieberman (ed.), *Social Choice*, 269-300. Gordon and Breach.
Mann, I. & Shapley, L. S. (1962). Values of large games VI: evaluating the Electoral College
exactly. RAND Memorandum RM-3158-PR.
Osborne, M. J. & Rubinstein, A. (1994). *A Course in Game Theory*, ch. 13. MIT Press.
Penrose, L. S. (1946). The elementary statistics of majority voting. *Journal of the Royal
Statistical Society* 109(1), 53-57.
Shapley, L. S. & Shubik, M. (1954). A method for evaluating the distribution of power in a
committee system. *American Political Science Review* 48(3), 787-792.

Examples
--------
>>> game = VotingGame.weighted([4, 3, 2, 1], quota=6)
>>> banzhaf(game).round(4).tolist()
[0.4167, 0.25, 0.25, 0.0833]
>>> qmv = VotingGame.eu_qmv([share for _, share in EU27_POPULATION_2025])
>>> round(winning_share(qmv), 3)
0.132
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "EU27_POPULATION_2025",
    "Criterion",
    "VotingGame",
    "banzhaf",
    "core_nonempty",
    "shapley_shubik",
    "swing_counts",
    "veto_players",
    "winning_share",
]

# Share (%) of the EU-27 population on 1 January 2025 (Eurostat; total 451,028,881), as listed in
# theory.md section 7. The rounded shares sum to 100.01, not 100.
EU27_POPULATION_2025: tuple[tuple[str, float], ...] = (
    ("DE", 18.49), ("FR", 15.17), ("IT", 13.23), ("ES", 10.78), ("PL", 8.33), ("RO", 4.23),
    ("NL", 4.01), ("BE", 2.62), ("CZ", 2.42), ("PT", 2.36), ("SE", 2.34), ("EL", 2.31),
    ("HU", 2.13), ("AT", 2.02), ("BG", 1.43), ("DK", 1.32), ("FI", 1.25), ("SK", 1.21),
    ("IE", 1.19), ("HR", 0.86), ("LT", 0.64), ("SI", 0.47), ("LV", 0.42), ("EE", 0.30),
    ("CY", 0.21), ("LU", 0.15), ("MT", 0.12),
)  # fmt: skip

_MAX_PLAYERS = 62  # int64 counts of coalitions (at most 2^n) stay exact up to here
_MAX_CELLS = 20_000_000  # bound on the size of the counting table (160 MB of int64)
_TOL = 1e-6  # slack, in units of the resolution, for floating-point noise in scaled weights


def _check_weights(_instance: object, _attribute: object, value: tuple[int, ...]) -> None:
    if any(w < 0 for w in value):
        raise ValueError(f"Criterion.weights: expected non-negative integers, got {value}")


@attrs.frozen
class Criterion:
    """One weighted criterion ``[quota; weights]`` in integer units.

    A coalition ``S`` meets it iff ``sum(weights[i] for i in S) >= quota``. A quota ``<= 0`` is
    always met; a quota above ``sum(weights)`` never is.

    Parameters
    ----------
    weights : tuple of int, length n
        Non-negative integer weights.
    quota : int
        Integer quota.
    """

    weights: tuple[int, ...] = attrs.field(
        converter=lambda values: tuple(int(v) for v in values), validator=_check_weights
    )
    quota: int = attrs.field(converter=int)

    @classmethod
    def scaled(cls, weights: ArrayLike, quota: float, resolution: float | None = None) -> Criterion:
        """Scale real weights and quota to an equivalent integer criterion.

        Parameters
        ----------
        weights : array_like, shape (n,)
            Non-negative weights. Integer arrays are used as they are.
        quota : float
            Quota in the units of ``weights``.
        resolution : float, optional
            Unit of the integer weights: ``weights`` are rounded to multiples of it. By default
            the coarsest of ``1, 0.1, ..., 1e-6`` of which every weight is a multiple (exact);
            ``ValueError`` if there is none.

        Returns
        -------
        Criterion
            Met by exactly the coalitions that meet ``[quota; weights]`` when the weights are
            multiples of ``resolution``.
        """
        w = np.asarray(weights)
        if w.ndim != 1:
            raise ValueError(f"weights: expected a 1-d array, got shape {w.shape}")
        if np.issubdtype(w.dtype, np.integer) and resolution is None:
            return cls(w.tolist(), math.ceil(Fraction(quota)))
        w = w.astype(float)
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError(f"weights: expected finite non-negative numbers, got {w.tolist()}")
        if resolution is None:
            for digits in range(7):
                scaled = w * 10**digits
                ints = np.rint(scaled)
                if np.all(np.abs(scaled - ints) <= _TOL):
                    break
            else:
                raise ValueError(
                    "weights: not multiples of 1e-6; pass resolution= to round them explicitly"
                )
            q = float(quota) * 10**digits
        else:
            if not resolution > 0:
                raise ValueError(f"resolution: expected a positive number, got {resolution}")
            ints = np.rint(w / resolution)
            q = float(quota) / resolution
        q_int = round(q) if abs(q - round(q)) <= _TOL else math.ceil(q)
        return cls(ints.astype(np.int64).tolist(), q_int)


def _check_blocks(instance: VotingGame, _attribute: object, value: tuple) -> None:
    if not value or any(not block for block in value):
        raise ValueError("VotingGame.blocks: expected at least one block, each non-empty")
    n = instance.n_players
    if not 1 <= n <= _MAX_PLAYERS:
        raise ValueError(f"VotingGame.n_players: expected 1 to {_MAX_PLAYERS}, got {n}")
    for b, block in enumerate(value):
        for c, crit in enumerate(block):
            if not isinstance(crit, Criterion) or len(crit.weights) != n:
                raise ValueError(
                    f"VotingGame.blocks[{b}][{c}]: expected a Criterion with {n} weights, "
                    f"got {crit!r}"
                )


def _blocks_tuple(blocks: Sequence[Sequence[Criterion]]) -> tuple[tuple[Criterion, ...], ...]:
    return tuple(tuple(block) for block in blocks)


@attrs.frozen
class VotingGame:
    """A simple voting game: an OR of blocks, each an AND of weighted criteria.

    Parameters
    ----------
    n_players : int
        Number of players, ``1 <= n_players <= 62``.
    blocks : tuple of tuple of Criterion
        ``S`` wins iff it meets every criterion of at least one block.

    Notes
    -----
    Build games with the named constructors; combine them with ``&`` (both rules must pass)
    and ``|`` (either suffices). ``a & b`` distributes the blocks, so its number of blocks is
    the product of the operands'.
    """

    n_players: int = attrs.field(converter=int)
    blocks: tuple[tuple[Criterion, ...], ...] = attrs.field(
        converter=_blocks_tuple, validator=_check_blocks
    )

    @classmethod
    def weighted(
        cls, weights: ArrayLike, quota: float, *, resolution: float | None = None
    ) -> VotingGame:
        """Weighted majority game ``[quota; weights]`` (see :meth:`Criterion.scaled`)."""
        crit = Criterion.scaled(weights, quota, resolution)
        return cls(len(crit.weights), ((crit,),))

    @classmethod
    def from_criteria(
        cls,
        blocks: Sequence[Sequence[tuple[ArrayLike, float]]],
        *,
        resolution: float | None = None,
    ) -> VotingGame:
        """Multi-criteria game from ``(weights, quota)`` pairs: AND within a block, OR across.

        Parameters
        ----------
        blocks : sequence of sequence of (array_like shape (n,), float)
            ``[[(w1, q1), (w2, q2)], [(w3, q3)]]`` is ``([q1; w1] AND [q2; w2]) OR [q3; w3]``.
        resolution : float, optional
            Passed to :meth:`Criterion.scaled` for every criterion; by default each criterion
            finds its own exact resolution.
        """
        crits = [[Criterion.scaled(w, q, resolution) for w, q in block] for block in blocks]
        n = len(crits[0][0].weights) if crits and crits[0] else 0
        return cls(n, crits)

    @classmethod
    def unanimity(cls, n: int) -> VotingGame:
        """Only the grand coalition wins: every member is a veto player (e.g. CFSP decisions)."""
        return cls.weighted(np.ones(n, dtype=np.int64), n)

    @classmethod
    def majority(cls, n: int) -> VotingGame:
        """Simple majority of members: ``S`` wins iff ``|S| > n/2`` (``|S| >= 14`` of 27)."""
        return cls.weighted(np.ones(n, dtype=np.int64), n // 2 + 1)

    @classmethod
    def eu_qmv(
        cls,
        population: ArrayLike,
        *,
        reinforced: bool = False,
        resolution: float | None = None,
    ) -> VotingGame:
        """EU Council qualified majority (Art. 16(4) TEU) or reinforced QMV (Art. 238(2) TFEU).

        Standard: ``(|S| >= ceil(0.55 n) AND pop(S) >= 0.65 pop(N)) OR |S| >= n - 3``; for the
        EU-27, 15 states and 65% of the population, or 24 states (a blocking minority needs four
        members). Reinforced: ``|S| >= ceil(0.72 n) AND pop(S) >= 0.65 pop(N)`` (20 of 27).

        Parameters
        ----------
        population : array_like, shape (n,)
            Population shares or counts; 65% is taken of their sum, so shares need not sum to
            exactly 100.
        reinforced : bool
            Reinforced rather than standard QMV.
        resolution : float, optional
            Unit to which populations are rounded (see :meth:`Criterion.scaled`). Counts in
            persons need a coarser one (e.g. ``1e4``) to keep the counting table small.

        Returns
        -------
        VotingGame
        """
        pop = Criterion.scaled(population, 0.0, resolution).weights
        n = len(pop)
        if n < 4:
            raise ValueError(f"population: expected at least 4 members, got {n}")
        pop_crit = Criterion(pop, -(-65 * sum(pop) // 100))  # ceil(0.65 * total), exactly
        ones = (1,) * n
        if reinforced:
            return cls(n, ((Criterion(ones, -(-72 * n // 100)), pop_crit),))
        states = Criterion(ones, -(-55 * n // 100))
        return cls(n, ((states, pop_crit), (Criterion(ones, n - 3),)))

    def __and__(self, other: object) -> VotingGame:
        if not isinstance(other, VotingGame):
            return NotImplemented
        return VotingGame(self._same_n(other), [a + b for a in self.blocks for b in other.blocks])

    def __or__(self, other: object) -> VotingGame:
        if not isinstance(other, VotingGame):
            return NotImplemented
        return VotingGame(self._same_n(other), self.blocks + other.blocks)

    def _same_n(self, other: VotingGame) -> int:
        if other.n_players != self.n_players:
            raise ValueError(f"expected {self.n_players} players, got {other.n_players}")
        return self.n_players

    def is_winning(self, coalitions: ArrayLike) -> NDArray[np.bool_]:
        """Whether each coalition wins.

        Parameters
        ----------
        coalitions : array_like of bool, shape (..., n_players)
            Membership masks, e.g. shape (m, n) for m coalitions.

        Returns
        -------
        ndarray of bool, shape (...)
        """
        masks = np.asarray(coalitions, dtype=bool)
        if masks.shape[-1:] != (self.n_players,):
            raise ValueError(
                f"coalitions: expected shape (..., {self.n_players}), got {masks.shape}"
            )
        x = masks.astype(np.int64)
        result = np.zeros(masks.shape[:-1], dtype=bool)
        for block in self.blocks:
            met = np.ones(masks.shape[:-1], dtype=bool)
            for crit in block:
                met &= x @ np.asarray(crit.weights, dtype=np.int64) >= crit.quota
            result |= met
        return result


# --- the counting kernel ------------------------------------------------------------------------


@attrs.frozen
class _Grid:
    """A game lowered to a grid over (coalition size, weight on each axis).

    ``weights``: int64, shape (n_axes, n), one row per weight axis (the size axis excluded).
    ``totals``: shape (n_axes,), the grand coalition's weight on each axis. ``wins``: bool,
    shape (n + 1, totals[0] + 1 + pad, ...): ``v`` as a function of size and weights, padded by
    ``pad`` (the largest weight on each axis) so that adding any player stays on the grid.
    """

    weights: NDArray[np.int64]
    totals: tuple[int, ...]
    wins: NDArray[np.bool_]


def _lower(game: VotingGame) -> _Grid:
    n = game.n_players
    axes: dict[tuple[int, ...], int] = {}  # gcd-reduced weight vector -> axis (1-based)
    blocks: list[list[tuple[int, int]]] = []  # (axis, quota), axis 0 = size
    for block in game.blocks:
        conds: list[tuple[int, int]] = []
        for crit in block:
            g = math.gcd(*crit.weights)
            if g == 0:  # all weights zero: met iff quota <= 0
                conds.append((0, 0 if crit.quota <= 0 else n + 1))
                continue
            w = tuple(x // g for x in crit.weights)
            q = -(-crit.quota // g)
            if all(x == 1 for x in w):
                conds.append((0, q))
            else:
                conds.append((axes.setdefault(w, len(axes) + 1), q))
        blocks.append(conds)
    weights = np.array(list(axes), dtype=np.int64).reshape(len(axes), n)
    totals = tuple(int(t) for t in weights.sum(axis=1))
    shape = (n + 1, *(t + 1 + int(row.max()) for t, row in zip(totals, weights, strict=True)))
    if math.prod(shape) > _MAX_CELLS:
        raise ValueError(
            f"game too fine to count: a table of shape {shape} exceeds {_MAX_CELLS} cells; "
            "use a coarser resolution"
        )
    wins = np.zeros(shape, dtype=bool)
    for conds in blocks:
        met = np.ones(shape, dtype=bool)
        for ax, q in conds:
            met &= (np.arange(shape[ax]) >= q).reshape(
                [-1 if d == ax else 1 for d in range(len(shape))]
            )
        wins |= met
    return _Grid(weights, totals, wins)


def _box(lo: Sequence[int], hi: Sequence[int]) -> tuple[slice, ...]:
    return tuple(slice(a, b) for a, b in zip(lo, hi, strict=True))


def _count(weights: NDArray[np.int64], shape: tuple[int, ...]) -> NDArray[np.int64]:
    """Coefficients of ``prod_j (1 + x y^w_j)`` for sizes and weights below ``shape``.

    Truncating the generating function is exact: a cell depends only on cells below it.
    """
    counts = np.zeros(shape, dtype=np.int64)
    counts[(0,) * len(shape)] = 1
    for j in range(weights.shape[1]):  # multiply by (1 + x y^w_j); numpy buffers the overlap
        w = weights[:, j].tolist()
        top = min(j + 1, shape[0] - 1)
        if top < 1 or any(d >= k for d, k in zip(w, shape[1:], strict=True)):
            continue
        src = _box([0] * len(w), [k - d for d, k in zip(w, shape[1:], strict=True)])
        dst = _box(w, shape[1:])
        counts[(slice(1, top + 1), *dst)] += counts[(slice(0, top), *src)]
    return counts


def _swings_by_size(game: VotingGame) -> NDArray[np.int64]:
    n = game.n_players
    grid = _lower(game)
    out = np.zeros((n, n), dtype=np.int64)
    # Swings lie where S loses but S plus the heaviest conceivable player wins: bound that region.
    inner = (slice(0, n), *(slice(0, t + 1) for t in grid.totals))
    pad = grid.weights.max(axis=1).tolist() if grid.weights.size else []
    shifted = (
        slice(1, n + 1),
        *(slice(p, p + t + 1) for p, t in zip(pad, grid.totals, strict=True)),
    )
    region = ~grid.wins[inner] & grid.wins[shifted]
    if not region.any():
        return out
    hits = np.nonzero(region)
    lo = [int(h.min()) for h in hits]
    hi = [int(h.max()) + 1 for h in hits]
    counts = _count(grid.weights, tuple(hi))  # only coalitions inside the box matter
    box = _box(lo, hi)
    groups: dict[tuple[int, ...], list[int]] = {}  # players with equal weights are symmetric
    for i in range(n):
        groups.setdefault(tuple(grid.weights[:, i].tolist()), []).append(i)
    others = np.empty_like(counts)
    for w, members in groups.items():
        # coalitions of the others: divide the generating function by (1 + x y^w)
        others[...] = counts
        if all(d < k for d, k in zip(w, hi[1:], strict=True)):  # else no shift lands in the box
            src = _box([0] * len(w), [k - d for d, k in zip(w, hi[1:], strict=True)])
            dst = _box(w, hi[1:])
            for s in range(1, hi[0]):  # in increasing s: row s - 1 is already final
                row: tuple[Any, ...] = (s, *dst)  # a scalar cell when there are no axes
                below: tuple[Any, ...] = (s - 1, *src)
                others[row] -= others[below]
        lo_w = [lo[0] + 1, *(a + d for a, d in zip(lo[1:], w, strict=True))]
        moved = _box(lo_w, [hi[0] + 1, *(b + d for b, d in zip(hi[1:], w, strict=True))])
        jump = grid.wins[moved] & ~grid.wins[box]
        swings = np.where(jump, others[box], 0)
        out[members, lo[0] : hi[0]] = swings.reshape(hi[0] - lo[0], -1).sum(axis=1)
    return out


# --- public indices -----------------------------------------------------------------------------


def swing_counts(game: VotingGame, *, by_size: bool = False) -> NDArray[np.int64]:
    """Raw swing counts: coalitions ``S`` not containing ``i`` that lose but win with ``i``.

    Parameters
    ----------
    game : VotingGame
    by_size : bool
        Also split the counts by ``|S|``.

    Returns
    -------
    ndarray of int64, shape (n,) or, with ``by_size``, (n, n)
        ``eta_i`` or ``eta[i, s]`` = the swings of ``i`` in coalitions of size ``s``.
    """
    by = _swings_by_size(game)
    return by if by_size else by.sum(axis=1)


def shapley_shubik(game: VotingGame) -> NDArray[np.float64]:
    """Shapley-Shubik index (Shapley & Shubik 1954), exact and correctly rounded.

    Parameters
    ----------
    game : VotingGame

    Returns
    -------
    ndarray, shape (n,)
        ``phi_i = sum_s eta[i, s] s! (n-s-1)! / n!``; sums to 1 when the grand coalition wins
        and the empty one loses, else every entry is 0.

    Examples
    --------
    >>> unsc = VotingGame.weighted([7] * 5 + [1] * 10, quota=39)
    >>> float(shapley_shubik(unsc)[0] * 2145)
    421.0
    """
    n = game.n_players
    by = _swings_by_size(game)
    coef = [math.factorial(s) * math.factorial(n - 1 - s) for s in range(n)]
    total = math.factorial(n)
    numer = [sum(int(x) * c for x, c in zip(row, coef, strict=True)) for row in by]
    return np.array([float(Fraction(k, total)) for k in numer])


def banzhaf(game: VotingGame, *, normalized: bool = True) -> NDArray[np.float64]:
    """Banzhaf index (Banzhaf 1965), normalised, or the absolute Penrose-Banzhaf measure.

    Parameters
    ----------
    game : VotingGame
    normalized : bool
        ``eta_i / sum_j eta_j`` (sums to 1; all zeros if nobody ever swings) or, if False,
        ``eta_i / 2^(n-1)``, the probability that ``i`` swings when every other player votes
        yes or no with probability 1/2 (Penrose 1946). Raw counts: :func:`swing_counts`.

    Returns
    -------
    ndarray, shape (n,)

    Examples
    --------
    >>> (banzhaf(VotingGame.weighted([4, 3, 2, 1], quota=6)) * 12).round(9).tolist()
    [5.0, 3.0, 3.0, 1.0]
    """
    eta = [int(x) for x in swing_counts(game)]
    denom = sum(eta) if normalized else 2 ** (game.n_players - 1)
    if denom == 0:
        return np.zeros(game.n_players)
    return np.array([float(Fraction(k, denom)) for k in eta])


def winning_share(game: VotingGame) -> float:
    """Fraction of all ``2^n`` coalitions that win (Coleman's power of the collectivity to act).

    Parameters
    ----------
    game : VotingGame

    Returns
    -------
    float
        ``#{S : v(S) = 1} / 2^n``, correctly rounded.
    """
    grid = _lower(game)
    counts = _count(grid.weights, (game.n_players + 1, *(t + 1 for t in grid.totals)))
    n_winning = int(counts[grid.wins[_box([0] * counts.ndim, counts.shape)]].sum())
    return float(Fraction(n_winning, 2**game.n_players))


def veto_players(game: VotingGame) -> NDArray[np.bool_]:
    """Players in every winning coalition (``N \\ {i}`` loses, as the games are monotone).

    Parameters
    ----------
    game : VotingGame

    Returns
    -------
    ndarray of bool, shape (n,)
        True for veto players. If no coalition wins, every player is (vacuously) a veto player.
    """
    return ~game.is_winning(~np.eye(game.n_players, dtype=bool))


def core_nonempty(game: VotingGame) -> bool:
    """Whether the core of the simple game is nonempty: iff it has a veto player.

    The core is ``{x >= 0 : sum x = v(N), x(S) >= v(S) for all S}``; with a veto set ``V``
    it is the set of payoff vectors shared among ``V`` alone, and it is empty without one
    (e.g. Osborne & Rubinstein 1994, ch. 13).

    Parameters
    ----------
    game : VotingGame

    Returns
    -------
    bool
    """
    return bool(veto_players(game).any())

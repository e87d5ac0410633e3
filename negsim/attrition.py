"""The war of attrition: closed forms and a seeded, vectorised simulator.

Two players contest a prize; each pays a cost per unit of time while the contest lasts, and the
first to concede gives the prize to the other. Conceding is worth 0.

Symmetric, continuous time (Maynard Smith 1974; Bishop & Cannings 1978)
    Prize ``V``, cost ``c`` per unit time. The evolutionarily stable strategy is a random
    persistence time, exponential with mean ``V / c`` (concession hazard ``c / V``): at that
    hazard staying for ``dt`` costs ``c dt`` and wins ``V (c / V) dt``, so every persistence time
    is equally good and the expected payoff is 0 (the rent is fully dissipated). The contest
    lasts ``min(T_1, T_2)``, exponential with rate ``2c / V``, so its expected length is
    ``V / (2c)``.

Asymmetric, complete information (Hendricks, Weiss & Wilson 1988)
    Player ``i`` values the prize at ``V_i`` and pays ``c_i`` per unit time. In the stationary
    mixed equilibrium without atoms each player concedes at the hazard that keeps the *other*
    indifferent: ``lambda_i = c_j / V_j``. The contest lasts ``1 / (lambda_A + lambda_B)`` in
    expectation and A wins (B concedes first) with probability
    ``lambda_B / (lambda_A + lambda_B)``. (The game also has equilibria in which one player
    concedes at once with positive probability; they are not returned here.)

Discrete time
    Rounds ``1, 2, ...``; in each round both players simultaneously stay or concede. A player who
    stays while the other concedes wins ``V``; if both stay, each pays ``c`` and the contest
    goes on; if both concede, nobody wins. In the stationary symmetric mixed equilibrium the
    concession probability ``q`` makes staying worth 0: ``q V - (1 - q) c = 0``, so
    ``q = c / (V + c)`` (asymmetric: ``q_i = c_j / (V_j + c_j)``). The contest ends in a round
    with probability ``1 - (1 - q)^2``, so the round in which it ends has expectation
    ``1 / (1 - (1 - q)^2) = (V + c)^2 / (c (2V + c))``. With rounds of length ``dt`` and cost
    ``c dt`` per round, ``dt`` times this tends to ``V / (2c)`` as ``dt -> 0``.

Functions are pure and broadcast over numpy arrays; 0-d results are numpy scalars. The
simulator takes ``rng: int | numpy.random.Generator | None`` and never touches global state.

References
----------
Bishop, D. T. & Cannings, C. (1978). A generalized war of attrition. Journal of Theoretical
Biology 70(1), 85-124.
Hendricks, K., Weiss, A. & Wilson, C. (1988). The war of attrition in continuous time with
complete information. International Economic Review 29(4), 663-680.
Maynard Smith, J. (1974). The theory of games and the evolution of animal conflicts. Journal of
Theoretical Biology 47(1), 209-221.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "AttritionSample",
    "asymmetric_duration",
    "concession_hazards",
    "discrete_concession_probability",
    "discrete_expected_duration",
    "expected_duration",
    "persistence_mean",
    "persistence_survival",
    "simulate_attrition",
    "win_probability",
]

from negsim._validation import (
    check as _check,
    positive as _positive,
    scalarise as _scalarise,
)

FloatArray = NDArray[np.float64]

#: Winner codes of :func:`simulate_attrition`.
A_WINS, B_WINS, NO_WINNER, CENSORED = 0, 1, -1, -2


# --------------------------------------------------------------------------- continuous time


def persistence_mean(V: ArrayLike, c: ArrayLike) -> Any:
    """Mean persistence time ``V / c`` of the symmetric ESS (Maynard Smith 1974).

    Parameters
    ----------
    V : float or ndarray, values > 0
        Value of the prize.
    c : float or ndarray, values > 0
        Cost per unit time. Arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``V / c``; the persistence time is exponential with this mean.

    Examples
    --------
    >>> float(persistence_mean(10.0, 1.0))
    10.0
    """
    return _scalarise(_positive("V", V) / _positive("c", c))


def persistence_survival(t: ArrayLike, V: ArrayLike, c: ArrayLike) -> Any:
    """Probability that a player of the symmetric ESS is still in the contest at time ``t``.

    Parameters
    ----------
    t : float or ndarray, values >= 0
        Time.
    V, c : float or ndarray, values > 0
        Prize and cost per unit time. Arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``exp(-c t / V)``.
    """
    t = np.asarray(t, dtype=float)
    _check("t", t, t >= 0.0, ">= 0")
    return _scalarise(np.exp(-_positive("c", c) * t / _positive("V", V)))


def expected_duration(V: ArrayLike, c: ArrayLike) -> Any:
    """Expected length ``V / (2c)`` of a symmetric war of attrition (Maynard Smith 1974).

    Parameters
    ----------
    V : float or ndarray, values > 0
        Value of the prize.
    c : float or ndarray, values > 0
        Cost per unit time. Arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``V / (2c)``, the mean of the minimum of two independent persistence times.

    Examples
    --------
    >>> float(expected_duration(10.0, 1.0))
    5.0
    """
    return _scalarise(_positive("V", V) / (2.0 * _positive("c", c)))


def concession_hazards(
    V_a: ArrayLike, V_b: ArrayLike, c_a: ArrayLike, c_b: ArrayLike
) -> tuple[Any, Any]:
    """Equilibrium concession hazards with complete information (Hendricks-Weiss-Wilson 1988).

    Parameters
    ----------
    V_a, V_b : float or ndarray, values > 0
        Values of the prize to A and B.
    c_a, c_b : float or ndarray, values > 0
        Costs per unit time of A and B. Arguments broadcast.

    Returns
    -------
    hazard_a, hazard_b : float or ndarray, broadcast shape
        ``c_b / V_b`` and ``c_a / V_a``: each player concedes at the rate that makes the other
        indifferent between staying and conceding.

    Examples
    --------
    >>> tuple(float(h) for h in concession_hazards(10.0, 4.0, 1.0, 2.0))
    (0.5, 0.1)
    """
    va = _positive("V_a", V_a)
    vb = _positive("V_b", V_b)
    ca = _positive("c_a", c_a)
    cb = _positive("c_b", c_b)
    return _scalarise(cb / vb), _scalarise(ca / va)


def asymmetric_duration(V_a: ArrayLike, V_b: ArrayLike, c_a: ArrayLike, c_b: ArrayLike) -> Any:
    """Expected length of the asymmetric war of attrition (stationary mixed equilibrium).

    Parameters
    ----------
    V_a, V_b : float or ndarray, values > 0
        Values of the prize to A and B.
    c_a, c_b : float or ndarray, values > 0
        Costs per unit time. Arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``1 / (c_b / V_b + c_a / V_a)``; equal to :func:`expected_duration` when symmetric.
    """
    ha, hb = concession_hazards(V_a, V_b, c_a, c_b)
    return _scalarise(1.0 / (np.asarray(ha) + np.asarray(hb)))


def win_probability(V_a: ArrayLike, V_b: ArrayLike, c_a: ArrayLike, c_b: ArrayLike) -> Any:
    """Probability that A wins the asymmetric war of attrition (B concedes first).

    Parameters
    ----------
    V_a, V_b : float or ndarray, values > 0
        Values of the prize to A and B.
    c_a, c_b : float or ndarray, values > 0
        Costs per unit time. Arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``h_b / (h_a + h_b)`` with ``(h_a, h_b)`` from :func:`concession_hazards`. As usual
        in mixed equilibria the comparative static is inverted: a higher ``c_a / V_a`` makes B
        concede faster (B must keep A indifferent), so A wins more often.
    """
    ha, hb = (np.asarray(h) for h in concession_hazards(V_a, V_b, c_a, c_b))
    return _scalarise(hb / (ha + hb))


# --------------------------------------------------------------------------- discrete time


def discrete_concession_probability(V: ArrayLike, c: ArrayLike) -> Any:
    """Per-round concession probability ``c / (V + c)`` of the symmetric discrete-time game.

    Parameters
    ----------
    V : float or ndarray, values > 0
        Value of the prize.
    c : float or ndarray, values > 0
        Cost of one more round. Arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        The ``q`` that solves ``q V = (1 - q) c``.

    Examples
    --------
    >>> float(discrete_concession_probability(10.0, 1.0)) == 1 / 11
    True
    """
    v = _positive("V", V)
    cost = _positive("c", c)
    return _scalarise(cost / (v + cost))


def discrete_expected_duration(V: ArrayLike, c: ArrayLike) -> Any:
    """Expected round in which the symmetric discrete-time war of attrition ends.

    Rounds are counted from 1 and include the round of the (first) concession; the expected
    number of rounds in which both stayed and paid ``c`` is this value minus 1.

    Parameters
    ----------
    V : float or ndarray, values > 0
        Value of the prize.
    c : float or ndarray, values > 0
        Cost of one more round. Arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``1 / (1 - (1 - q)^2) = (V + c)^2 / (c (2V + c))`` with ``q = c / (V + c)``.

    Examples
    --------
    >>> float(discrete_expected_duration(10.0, 1.0)) == 121 / 21
    True
    """
    v = _positive("V", V)
    cost = _positive("c", c)
    return _scalarise((v + cost) ** 2 / (cost * (2.0 * v + cost)))


# --------------------------------------------------------------------------- simulation


class AttritionSample(NamedTuple):
    """Simulated contests from :func:`simulate_attrition`, one entry per run."""

    duration: FloatArray
    """ndarray, shape (n_runs,): contest length (time, or the round of the first concession)."""
    winner: NDArray[np.int64]
    """ndarray, shape (n_runs,): 0 if A won, 1 if B won, -1 if both conceded in the same round,
    -2 if the run was censored at ``max_rounds``."""


def simulate_attrition(
    V: ArrayLike,
    c: ArrayLike,
    n_runs: int,
    rng: int | np.random.Generator | None = None,
    *,
    discrete: bool = False,
    max_rounds: int | None = None,
) -> AttritionSample:
    """Simulate wars of attrition with the equilibrium strategies, vectorised over runs.

    Continuous time: each player's persistence time is exponential with the equilibrium hazard
    (A: ``c_B / V_B``; B: ``c_A / V_A``); all ``2 n_runs`` times are drawn in one call, the
    contest lasts the smaller one and the other player wins. Discrete time: each round every
    still-running contest draws both players' stay-or-concede decisions in one call, with
    concession probabilities ``q_A = c_B / (V_B + c_B)`` and ``q_B = c_A / (V_A + c_A)``; the
    loop runs over rounds, never over runs.

    Parameters
    ----------
    V, c : float or array_like, broadcastable to shape (n_runs, 2)
        Prize values and costs per unit time (per round); a scalar is the symmetric game, a
        length-2 array gives ``(A, B)``, and a leading run axis lets parameters vary by run
        (shape ``(n_runs, 1)`` for a symmetric game per run).
    n_runs : int, >= 1
        Number of independent contests.
    rng : int, numpy.random.Generator or None
        Seed or generator (``numpy.random.default_rng`` semantics); same seed, same sample.
    discrete : bool, default False
        Simulate the discrete-time game instead of the continuous one.
    max_rounds : int, optional
        Discrete time only: stop after this many rounds and mark unfinished runs as censored
        (winner -2, duration ``max_rounds``). Default: run until every contest has ended.

    Returns
    -------
    AttritionSample
        ``duration`` and ``winner``, each of shape (n_runs,).

    Examples
    --------
    >>> sample = simulate_attrition(10.0, 1.0, 20_000, rng=1)
    >>> bool(abs(sample.duration.mean() - 5.0) < 0.2)
    True
    """
    if isinstance(n_runs, bool) or not isinstance(n_runs, int | np.integer) or n_runs < 1:
        raise ValueError(f"n_runs must be an integer >= 1, got {n_runs!r}")
    if max_rounds is not None and (not isinstance(max_rounds, int | np.integer) or max_rounds < 1):
        raise ValueError(f"max_rounds must be an integer >= 1, got {max_rounds!r}")
    v = _positive("V", V)
    cost = _positive("c", c)
    try:
        v = np.broadcast_to(v, (n_runs, 2))
        cost = np.broadcast_to(cost, (n_runs, 2))
    except ValueError:
        raise ValueError(
            f"V and c must broadcast to shape (n_runs, 2) = ({n_runs}, 2), "
            f"got shapes {np.shape(V)} and {np.shape(c)}"
        ) from None
    gen = np.random.default_rng(rng)
    # column 0 is A, column 1 is B; each concedes at the rate that keeps the other indifferent
    if not discrete:
        hazard = (cost / v)[:, ::-1]
        times = gen.exponential(size=(n_runs, 2)) / hazard
        duration = times.min(axis=1)
        winner = np.where(times[:, 0] > times[:, 1], A_WINS, B_WINS).astype(np.int64)
        return AttritionSample(duration=duration, winner=winner)

    q = (cost / (v + cost))[:, ::-1]
    duration = np.zeros(n_runs)
    winner = np.full(n_runs, CENSORED, dtype=np.int64)
    active = np.arange(n_runs)
    rnd = 0
    while active.size and (max_rounds is None or rnd < max_rounds):
        rnd += 1
        concede = gen.random((active.size, 2)) < q[active]
        ended = concede.any(axis=1)
        done = active[ended]
        a_quits, b_quits = concede[ended, 0], concede[ended, 1]
        winner[done] = np.where(a_quits & b_quits, NO_WINNER, np.where(b_quits, A_WINS, B_WINS))
        duration[done] = rnd
        active = active[~ended]
    duration[active] = rnd
    return AttritionSample(duration=duration, winner=winner)

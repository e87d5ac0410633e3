"""A spatial model of politics (SMP) in the spirit of KTAB's: probabilistic Condorcet elections
over the actors' positions, challenges and bargains, vectorised over runs.

This is negsim's own formulation of the ideas of the KAPSARC Toolkit for Behavioral Analysis
(KTAB, MIT-licensed; applied in Efird, Lester & Wise 2016, *Journal of East Asian Studies* 16),
written from the published description, not from KTAB's code. Actors ``k`` have a
capability ``c_k``, and on each dimension ``d`` a position ``p_kd`` and a salience ``s_kd``
(dimensions rescaled to [0, 1]). With ``S_k = sum_d s_kd`` and ``w_kd = s_kd / S_k``:

* **utility** of a point ``y``: ``u_k(y) = 1 - sum_d w_kd |y_d - p_kd|``;
* **votes** of ``k`` for ``a`` over ``b``: ``v_k(a, b) = c_k S_k f(u_k(a) - u_k(b))`` with ``f``
  the voting rule (option ``voting``): ``"proportional"`` ``f(t) = t``, ``"cubic"`` ``t^3``,
  ``"binary"`` ``sign(t)``;
* **coalition strength** of ``a`` against ``b``: ``chi(a, b) = sum_k max(v_k(a, b), 0)``, and
  the **victory probability** ``P(a, b) = chi(a, b)^e / (chi(a, b)^e + chi(b, a)^e)`` (1/2 if
  nobody cares), ``e`` = 1, 2 or 4 (option ``victory``: ``"linear"``, ``"square"``,
  ``"quartic"``);
* a **probabilistic Condorcet election** (PCE) over options ``a`` (the positions held) gives each
  a probability of being the outcome (option ``pce``): ``"conditional"``, ``pi_a`` proportional to
  ``prod_{b != a} P(a, b)`` (``a`` must beat every rival); ``"markov"``, the stationary
  distribution of the chain in which a rival drawn uniformly challenges the standing option and
  replaces it with probability ``P(b, a)``. The **forecast** of a state is
  ``sum_a pi_a x_a`` (option ``forecast="expected"``) or the most probable position
  (``"mode"``), and actor ``k`` values a state at ``EU_k = sum_a pi_a u_k(x_a)``;
* **challenges and bargains**, each turn: a challenge of ``i`` to ``j`` is a contest between
  their positions that ``i`` wins with ``q_ij = P(x_i, x_j)``, all actors voting. Instead of
  fighting, the two can settle on the contest's expected result,
  ``z_ij = q_ij x_i + (1 - q_ij) x_j``: the target moves there (option ``bargain="target"``) or
  both do (``"both"``). Each initiator proposes the bargain that most raises its own ``EU`` over
  the current state (none if none does). Each target chooses among the bargains proposed to it
  (option ``selection``): the one best for itself (``"target"``), or the winner of a
  PCE among them with every actor voting on its ``EU`` (``"election"``). All chosen bargains
  are applied at once; an initiator that is also the target of a chosen bargain takes that
  one. Turns repeat until no position moves by more than ``tol`` or ``turns`` are played.

With two actors the first turn's forecast is the capability x salience weighted mean (the
compromise model), ``P = c_a s_a / (c_a s_a + c_b s_b)`` under proportional voting and linear
victory. In one dimension the weighted median of positions (the Condorcet winner) beats every
other position with probability above 1/2 under each voting rule. Both facts are tested
against independent computations.

Ties between equally good bargains (common once actors share positions) are broken by actor
order, so the engine declares no relabelling covariance. Bargains interpolate, so moves shrink
turn by turn. On KTAB's six example inputs, three are stable within 19 to 30 turns. The three
with 26 to 40 actors still move some position by 0.1 to 0.25 points at turn 50, while their
forecasts change by under 0.01 points a turn over the last five.

An actor with no capability or no salience (``c_k S_k = 0``) is inactive: it casts no votes,
its position is no option, and it neither challenges nor is challenged.

Shapes: ``R`` runs, ``n`` actors, ``K`` dimensions; every function takes the run axis first.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim.errors import Problem, ScenarioError

__all__ = ["SMPOptions", "SMPResult", "election", "pce", "simulate", "victory_probability"]

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

_VOTING = ("proportional", "cubic", "binary")
_VICTORY = {"linear": 1.0, "square": 2.0, "quartic": 4.0}
_PCE = ("conditional", "markov")
_BARGAIN = ("both", "target")
_SELECTION = ("target", "election")
_FORECAST = ("expected", "mode")


def _choice(name: str, value: Any, allowed: Any) -> None:
    if value not in allowed:
        raise ScenarioError([Problem(
            f"expected one of {', '.join(repr(a) for a in allowed)}, got {value!r}",
            f"smp.{name}")])


@attrs.frozen(kw_only=True)
class SMPOptions:
    """The model's readings, each a named option (see the module docstring).

    Parameters
    ----------
    voting : {"proportional", "cubic", "binary"}
    victory : {"linear", "square", "quartic"}
    pce : {"conditional", "markov"}
    bargain : {"both", "target"}
    selection : {"target", "election"}
    forecast : {"expected", "mode"}
    turns : int
        Largest number of turns of challenges and bargains.
    tol : float
        A state is stable when no position moves by more than ``tol`` (on the [0, 1] scale;
        1e-4 is 0.01 points on a 0-100 scale).

    Raises
    ------
    ScenarioError
        Naming each bad option (``voting``, ``turns``, ...) and what it expects.
    """

    voting: str = "proportional"
    victory: str = "linear"
    pce: str = "conditional"
    bargain: str = "both"
    selection: str = "target"
    forecast: str = "expected"
    turns: int = 50
    tol: float = 1e-4

    def __attrs_post_init__(self) -> None:
        problems = []
        for name, allowed in (("voting", _VOTING), ("victory", tuple(_VICTORY)), ("pce", _PCE),
                              ("bargain", _BARGAIN), ("selection", _SELECTION),
                              ("forecast", _FORECAST)):
            value = getattr(self, name)
            if value not in allowed:
                problems.append(Problem(
                    f"expected one of {', '.join(repr(a) for a in allowed)}, got {value!r}",
                    name))
        if not (isinstance(self.turns, int) and self.turns >= 0):
            problems.append(Problem(f"expected an integer >= 0, got {self.turns!r}", "turns"))
        if not self.tol >= 0:
            problems.append(Problem(f"expected a number >= 0, got {self.tol!r}", "tol"))
        if problems:
            raise ScenarioError(problems)


@attrs.frozen(kw_only=True)
class SMPResult:
    """What :func:`simulate` returns.

    Attributes
    ----------
    positions : ndarray, shape (R, T + 1, n, K)
        Positions by turn on the input scale, the initial ones first; after a run is stable its
        positions are repeated.
    forecast : ndarray, shape (R, T + 1, K)
        The PCE forecast of each turn's state (NaN if no actor is active).
    probability : ndarray, shape (R, T + 1, n)
        Each actor's position's probability of being the outcome, by turn.
    turns : ndarray of int, shape (R,)
        Turns played before the run was stable (``T`` if it never was).
    """

    positions: FloatArray
    forecast: FloatArray
    probability: FloatArray
    turns: NDArray[np.int64]


def _f(t: FloatArray, voting: str) -> FloatArray:
    if voting == "proportional":
        return t
    if voting == "cubic":
        return t * t * t
    return np.sign(t)


def victory_probability(chi_ab: FloatArray, chi_ba: FloatArray, victory: str = "linear"
                        ) -> FloatArray:
    """``P(a, b) = chi_ab^e / (chi_ab^e + chi_ba^e)``, 1/2 where both strengths are 0.

    >>> float(victory_probability(np.array(3.0), np.array(1.0)))
    0.75
    >>> round(float(victory_probability(np.array(3.0), np.array(1.0), "square")), 9)
    0.9
    """
    _choice("victory", victory, _VICTORY)
    e = _VICTORY[victory]
    a = np.maximum(chi_ab, 0.0)
    b = np.maximum(chi_ba, 0.0)
    if e != 1.0:
        top = np.maximum(a, b)
        scale = np.where(top > 0, top, 1.0)
        a, b = (a / scale) ** e, (b / scale) ** e
    den = a + b
    return np.divide(a, den, out=np.full(np.shape(den), 0.5), where=den > 0)


def _strength(du: FloatArray, g: FloatArray, voting: str) -> FloatArray:
    """``sum_k g_k max(f(du_k), 0)`` over the last axis (the voters)."""
    return np.einsum("...k,...k->...", np.maximum(_f(du, voting), 0.0), g)


def election(u: FloatArray, g: FloatArray, voting: str = "proportional",
             victory: str = "linear") -> FloatArray:
    """Victory probabilities ``P[..., a, b]`` between options from voters' utilities.

    Parameters
    ----------
    u : ndarray, shape (..., n_voters, m)
        Each voter's utility of each option.
    g : ndarray, shape (..., n_voters)
        Vote weights ``c_k S_k``.

    Returns
    -------
    ndarray, shape (..., m, m)
    """
    _choice("voting", voting, _VOTING)
    ut = np.swapaxes(u, -1, -2)  # (..., m, n_voters)
    du = ut[..., :, None, :] - ut[..., None, :, :]  # du[..., a, b, k] = u_ka - u_kb
    chi = _strength(du, g[..., None, None, :], voting)  # strength of a over b
    return victory_probability(chi, np.swapaxes(chi, -1, -2), victory)


def pce(p: FloatArray, option: BoolArray | None = None, model: str = "conditional"
        ) -> FloatArray:
    """Probabilistic Condorcet election: each option's probability of being the outcome.

    Parameters
    ----------
    p : ndarray, shape (..., m, m)
        Victory probabilities ``P[a, b]`` with ``P[a, b] + P[b, a] = 1``.
    option : ndarray of bool, shape (..., m), optional
        Which entries are options; the others get probability 0.
    model : {"conditional", "markov"}

    Returns
    -------
    ndarray, shape (..., m)
        Sums to 1 where any entry is an option, else all 0.

    >>> pce(np.array([[0.5, 0.8], [0.2, 0.5]])).round(3)
    array([0.8, 0.2])
    """
    _choice("pce", model, _PCE)
    m = p.shape[-1]
    opt = np.ones(p.shape[:-1], dtype=bool) if option is None else np.asarray(option, bool)
    pair = opt[..., :, None] & opt[..., None, :] & ~np.eye(m, dtype=bool)
    if model == "conditional":
        nonzero = pair & (p > 0.0)
        logs = np.log(np.where(nonzero, p, 1.0)).sum(-1)
        zeros = (pair & ~nonzero).sum(-1)
        return _softmax_counted(logs, zeros, opt)
    # Markov chain over the options: a rival b, drawn uniformly among the m_opt - 1 others,
    # replaces the standing option a with probability P[b, a]. A little teleportation (1e-9)
    # makes the chain irreducible; the stationary law solves pi (T - I) = 0, sum pi = 1.
    n_opt = opt.sum(-1, keepdims=True)[..., None]
    move = np.where(pair, np.swapaxes(p, -1, -2), 0.0) / np.maximum(n_opt - 1, 1)
    move = move + np.eye(m) * (1.0 - move.sum(-1, keepdims=True))
    eps = 1e-9
    tele = opt[..., None, :] / np.maximum(n_opt, 1)
    move = (1 - eps) * move + eps * tele
    move = np.where(opt[..., :, None], move, tele)
    a = np.swapaxes(move, -1, -2) - np.eye(m)
    a[..., -1, :] = 1.0
    rhs = np.zeros(p.shape[:-1])
    rhs[..., -1] = 1.0
    pi = np.linalg.solve(a, rhs[..., None])[..., 0]
    pi = np.where(opt, np.maximum(pi, 0.0), 0.0)
    tot = pi.sum(-1, keepdims=True)
    return np.divide(pi, tot, out=np.zeros_like(pi), where=(tot > 0) & (n_opt[..., 0] > 0))


def _softmax_counted(logs: FloatArray, zeros: NDArray[np.integer], opt: BoolArray
                     ) -> FloatArray:
    """``pi_a`` proportional to ``prod_b P(a, b)``, each product held as the sum of the logs of
    its nonzero factors and the count of its zero factors: options with a zero factor get 0,
    unless every option has one, when the options are taken as equally likely."""
    live = opt & (zeros == 0)
    any_live = live.any(-1, keepdims=True)
    live = np.where(any_live, live, opt)
    s = np.where(live, logs, -np.inf)
    top = s.max(-1, keepdims=True)
    top = np.where(np.isfinite(top), top, 0.0)
    w = np.where(live, np.exp(np.where(live, s - top, 0.0)), 0.0)
    w = np.where(any_live, w, live.astype(float))
    tot = w.sum(-1, keepdims=True)
    return np.divide(w, tot, out=np.zeros_like(w), where=tot > 0)


def _utilities(points: FloatArray, position: FloatArray, weight: FloatArray) -> FloatArray:
    """``u[..., k, a] = 1 - sum_d w_kd |points_ad - p_kd|``; points (..., m, K)."""
    dist = np.abs(points[..., None, :, :] - position[..., :, None, :])
    return 1.0 - np.einsum("...kad,...kd->...ka", dist, weight)


def _state(x: FloatArray, pos: FloatArray, w: FloatArray, g: FloatArray, act: BoolArray,
           o: SMPOptions) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Utilities ``u[r, k, a]``, victory probabilities ``P[r, a, b]`` and the PCE ``pi[r, a]``
    of the state whose options are the positions ``x``."""
    u = _utilities(x, pos, w)
    p = election(u, g, o.voting, o.victory)
    return u, p, pce(p, act, o.pce)


def _conditional_eu(i: int, pz: FloatArray, u: FloatArray, uz: FloatArray, logs: FloatArray,
                    zeros: NDArray[np.integer], act: BoolArray, both: bool) -> FloatArray:
    """Every actor's EU of each bargain of initiator ``i`` under the conditional PCE, updating
    the current state's products instead of recomputing them (a differential test checks it
    against the full computation).

    ``pz[r, j, b] = P(z_ij, x_b)``; ``logs[r, a, b]``, ``zeros[r, a, b]``: the log of
    ``P(a, b)`` where positive (else 0) and whether it is 0, over pairs of options. Returns
    ``EU[r, j, k]``.
    """
    n = act.shape[1]
    idx = np.arange(n)
    pair = act[:, None, :] & ~np.eye(n, dtype=bool)  # [r, j, a]: a an option other than j
    pzr = 1.0 - pz  # [r, j, a] = P(x_a, z_j)
    lz = np.where(pair & (pz > 0), np.log(np.where(pz > 0, pz, 1.0)), 0.0)
    zz = (pair & (pz <= 0)).astype(np.int64)
    lzr = np.where(pair & (pzr > 0), np.log(np.where(pzr > 0, pzr, 1.0)), 0.0)
    zzr = (pair & (pzr <= 0)).astype(np.int64)
    s_logs, s_zeros = logs.sum(-1), zeros.sum(-1)  # (R, a)
    lt, zt = np.swapaxes(logs, 1, 2), np.swapaxes(zeros, 1, 2)  # [r, j, a] = (a, j) entries
    s2 = s_logs[:, None, :] - lt + lzr
    z2 = s_zeros[:, None, :] - zt + zzr
    if both:
        s2 += lzr - logs[:, :, i][:, None, :]
        z2 += zzr - zeros[:, :, i][:, None, :]
        keep = pair & (idx != i)[None, None, :]  # b outside {i, j}
        sj = np.where(keep, lz, 0.0).sum(-1) + np.log(0.5)
        zj = np.where(keep, zz, 0).sum(-1)
        s2[:, :, i], z2[:, :, i] = sj, zj
    else:
        sj, zj = lz.sum(-1), zz.sum(-1)
    s2[:, idx, idx], z2[:, idx, idx] = sj, zj
    pi2 = _softmax_counted(s2, z2, np.broadcast_to(act[:, None, :], s2.shape))
    uzt, ut = np.swapaxes(uz, 1, 2), np.swapaxes(u, 1, 2)  # [r, j, k]: u_k(z_j), u_k(x_j)
    eu = np.einsum("rja,rka->rjk", pi2, u) + pi2[:, idx, idx][:, :, None] * (uzt - ut)
    if both:
        eu += pi2[:, :, i][:, :, None] * (uzt - u[:, :, i][:, None, :])
    return eu


def _first_best(v: FloatArray, axis: int) -> NDArray[np.intp]:
    """The first index whose value is within 1e-12 of the largest: ties (common once actors
    share positions) are broken by order, never by rounding."""
    top = np.max(v, axis=axis, keepdims=True)
    return np.argmax(v >= top - 1e-12, axis=axis)


def _turn(x: FloatArray, pos: FloatArray, w: FloatArray, g: FloatArray, act: BoolArray,
          o: SMPOptions, fast: bool = True) -> FloatArray:
    """One turn of challenges and bargains; returns the new positions (R, n, K).

    ``fast``: under the conditional PCE, update the current products for each bargain instead
    of running a full election (same result, about n times less work).
    """
    R, n, K = x.shape
    u, p, pi = _state(x, pos, w, g, act, o)
    eu0 = np.einsum("ra,rka->rk", pi, u)
    idx = np.arange(n)
    fast = fast and o.pce == "conditional"
    if fast:
        pair = act[:, :, None] & act[:, None, :] & ~np.eye(n, dtype=bool)
        nonzero = pair & (p > 0.0)
        logs = np.where(nonzero, np.log(np.where(nonzero, p, 1.0)), 0.0)
        zeros = (pair & ~nonzero).astype(np.int64)
    eu_new = np.full((R, n, n, n), -np.inf)  # [r, i, j, k]: k's EU if i and j settle
    z_all = np.empty((R, n, n, K))
    for i in range(n):
        q = p[:, i, :]  # (R, n_j): i's chance against each j
        z = q[:, :, None] * x[:, i:i + 1, :] + (1 - q[:, :, None]) * x  # (R, n_j, K)
        z_all[:, i] = z
        uz = _utilities(z, pos, w)  # (R, k, j)
        # strengths of z against every option b: du[r, j, b, k]
        du = np.swapaxes(uz, 1, 2)[:, :, None, :] - np.swapaxes(u, 1, 2)[:, None, :, :]
        chi = _strength(du, g[:, None, None, :], o.voting)
        if o.voting == "proportional":  # chi(z, b) - chi(b, z) = sum_k g_k du_k
            net = np.einsum("rkj,rk->rj", uz, g)[:, :, None] - np.einsum("rkb,rk->rb", u, g)[
                :, None, :]
        else:
            net = np.einsum("rjbk,rk->rjb", _f(du, o.voting), g)
        pz = victory_probability(chi, chi - net, o.victory)
        if fast:
            eu_new[:, i] = _conditional_eu(i, pz, u, uz, logs, zeros, act, o.bargain == "both")
            continue
        p2 = np.broadcast_to(p[:, None], (R, n, n, n)).copy()  # [r, j, a, b]
        p2[:, idx, idx, :] = pz
        p2[:, idx, :, idx] = np.moveaxis(1.0 - pz, 1, 0)
        if o.bargain == "both":
            p2[:, :, i, :] = pz
            p2[:, :, :, i] = 1.0 - pz
            p2[:, idx, i, idx] = 0.5
            p2[:, idx, idx, i] = 0.5
        p2[:, idx, idx, idx] = 0.5
        pi2 = pce(p2, act[:, None, :], o.pce)  # (R, j, a)
        # EU[k] = sum_a pi2_a u_ka, with the moved options valued at z
        uu = np.broadcast_to(u[:, None], (R, n, n, n)).copy()  # [r, j, k, a]
        uu[:, idx, :, idx] = np.moveaxis(uz, 2, 0)
        if o.bargain == "both":
            uu[:, :, :, i] = np.swapaxes(uz, 1, 2)
        eu_new[:, i] = np.einsum("rja,rjka->rjk", pi2, uu)
    moved = np.abs(x[:, :, None, :] - x[:, None, :, :]).max(-1) > o.tol  # i, j apart
    allowed = moved & act[:, :, None] & act[:, None, :] & ~np.eye(n, dtype=bool)
    gain = np.where(allowed, eu_new[:, idx, :, idx].transpose(1, 0, 2) - eu0[:, :, None], -np.inf)
    best_j = _first_best(gain, axis=2)  # (R, i)
    proposes = np.take_along_axis(gain, best_j[:, :, None], 2)[:, :, 0] > 1e-12
    offered = proposes[:, :, None] & (best_j[:, :, None] == idx)  # [r, i, j]
    if o.selection == "target":
        key = np.where(offered, eu_new[:, :, idx, idx], -np.inf)  # [r, i, j]: j's own EU
        chosen = _first_best(key, axis=1)  # (R, j)
    else:
        chosen = np.zeros((R, n), dtype=np.int64)
        for j in range(n):
            # the proposals to j as options, every actor voting on its EU of each
            e = np.swapaxes(eu_new[:, :, j, :], 1, 2)  # (R, k, i)
            e = np.where(offered[:, None, :, j], e, 0.0)
            pij = election(e, g, o.voting, o.victory)
            chosen[:, j] = _first_best(pce(pij, offered[:, :, j], o.pce), axis=1)
    got = offered.any(1)  # (R, j): j accepts a bargain
    z_take = z_all[np.arange(R)[:, None], chosen, idx[None, :]]  # (R, j, K)
    new = np.where(got[:, :, None], z_take, x)
    if o.bargain == "both":
        # an initiator whose bargain was chosen moves too, unless it is a chosen target itself
        won = got[:, None, :] & (chosen[:, None, :] == idx[None, :, None])  # [r, i, j]
        mover = won.any(2) & ~got
        j_of = np.argmax(won, axis=2)
        z_i = z_all[np.arange(R)[:, None], idx[None, :], j_of]
        new = np.where(mover[:, :, None], z_i, new)
    return new


def simulate(capability: Any, position: Any, salience: Any, lo: Any = 0.0, hi: Any = 100.0,
             options: SMPOptions | None = None, **kw: Any) -> SMPResult:
    """Run the spatial model of politics.

    Parameters
    ----------
    capability : array_like, shape (R, n) or (n,)
    position : array_like, shape (R, n, K) or (n, K)
        Ideal points on scales ``[lo, hi]``.
    salience : array_like, shape (R, n, K) or (n, K)
        Saliences, >= 0 (KTAB's percentages / 100, summing to at most 1 per actor).
    lo, hi : float or array_like, shape (K,)
        Scale bounds.
    options : SMPOptions, optional
        Or give the options as keywords.

    Returns
    -------
    SMPResult

    >>> r = simulate([1.0, 3.0], [[0.0], [100.0]], [[1.0], [1.0]], turns=0)
    >>> round(float(r.forecast[0, 0, 0]), 9)
    75.0
    """
    o = options if options is not None else SMPOptions(**kw)
    pos = np.asarray(position, float)
    if pos.ndim == 2:
        pos = pos[None]
    if pos.ndim != 3:
        raise ScenarioError([Problem(
            f"expected shape (R, n, K) or (n, K), got {pos.shape}", "smp.position")])
    R, n, K = pos.shape
    shaped = {}
    for name, value, shape in (("salience", salience, (R, n, K)),
                               ("capability", capability, (R, n)),
                               ("lo", lo, (K,)), ("hi", hi, (K,))):
        try:
            shaped[name] = np.broadcast_to(np.asarray(value, float), shape)
        except ValueError:
            raise ScenarioError([Problem(
                f"expected shape {shape} (or one that broadcasts to it), got "
                f"{np.shape(value)}", f"smp.{name}")]) from None
    sal, cap, lo_, hi_ = shaped["salience"], shaped["capability"], shaped["lo"], shaped["hi"]
    problems = []
    for name, arr in (("capability", cap), ("position", pos), ("salience", sal)):
        if not np.all(np.isfinite(arr)):
            problems.append(Problem("must be finite", f"smp.{name}"))
    if np.any(cap < 0) or np.any(sal < 0):
        problems.append(Problem("capabilities and saliences must be >= 0",
                                "smp.capability" if np.any(cap < 0) else "smp.salience"))
    if not np.all(hi_ > lo_):
        problems.append(Problem(f"every dimension needs hi > lo, got lo={lo_}, hi={hi_}",
                                "smp.hi"))
    if problems:
        raise ScenarioError(problems)
    width = hi_ - lo_
    p0 = np.clip((pos - lo_) / width, 0.0, 1.0)
    tot = sal.sum(-1)
    w = np.divide(sal, tot[..., None], out=np.zeros_like(sal), where=tot[..., None] > 0)
    g = cap * tot
    act = g > 0
    x = p0.copy()
    xs, fs, ps = [], [], []
    turns = np.full(R, o.turns, dtype=np.int64)
    live = np.ones(R, dtype=bool)
    for t in range(o.turns + 1):
        _, _, pi = _state(x, p0, w, g, act, o)
        xs.append(x)
        ps.append(pi)
        if o.forecast == "expected":
            f = np.einsum("ra,rad->rd", pi, x)
        else:
            f = x[np.arange(R), _first_best(pi, -1)]
        fs.append(np.where(act.any(-1, keepdims=True), f, np.nan))
        if t == o.turns:
            break
        if not live.any():  # every run is stable: the rest of the series repeats
            xs += [x] * (o.turns - t)
            ps += [pi] * (o.turns - t)
            fs += [fs[-1]] * (o.turns - t)
            break
        new = x.copy()
        if live.any():
            new[live] = _turn(x[live], p0[live], w[live], g[live], act[live], o)
        still = np.abs(new - x).max(axis=(1, 2)) <= o.tol
        turns = np.where(live & still, t, turns)
        live &= ~still
        x = np.where(live[:, None, None], new, x)
    positions = lo_ + np.stack(xs, 1) * width
    forecast = lo_ + np.stack(fs, 1) * width
    return SMPResult(positions=positions, forecast=forecast, probability=np.stack(ps, 1),
                     turns=turns)

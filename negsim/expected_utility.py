"""Bueno de Mesquita's expected-utility group decision model, as reconstructed by Scholz,
Calbert & Smith (2011), "Unravelling Bueno de Mesquita's group decision model", *Journal of
Theoretical Politics* 23(4). Pure array functions, the Monte Carlo run axis first.

Positions are rescaled to [0, 1] by the range of the initial positions. For actors ``i``
(challenger) and ``j`` (target), with capability ``c``, salience ``s``, risk exponent ``r``
and the weighted (Condorcet) median ``mu``:

* votes of ``k`` for ``i`` over ``j``: ``v_k = c_k s_k (|x_k - x_j| - |x_k - x_i|)``;
* probability of success ``P = sum_{v_k > 0} v_k / sum_k |v_k|`` (option ``p_denominator``:
  ``"all"``; or ``"pair"``: ``c_i s_i / (c_i s_i + c_j s_j)``);
* ``U_s = 2 - 4 (0.5 - 0.5 d_ij)^r``, ``U_f = 2 - 4 (0.5 + 0.5 d_ij)^r``,
  ``U_b = 2 - 4 (0.5 - 0.25 (d_imu + d_ij))^r``, ``U_w = 2 - 4 (0.5 + 0.25 (d_imu + d_ij))^r``,
  ``U_sq = 2 - 4 (0.5)^r``;
* ``EU_i(ij) = s (P U_s + (1 - P) U_f) + (1 - s) U_s - Q U_sq - (1 - Q)(T U_b + (1 - T) U_w)``
  where ``s`` is the target's salience (option ``salience_of="target"``) or the challenger's
  (``"challenger"``), ``Q`` the status-quo probability (option ``q``) and ``T = 1`` when the
  target is further from the median than the challenger (else 0);
* offers: if both expect to gain, the one with the larger EU wins (conflict: the loser moves to
  the winner's position); if ``i`` gains and ``j`` loses less than ``i`` gains, ``j``
  compromises (option ``compromise``: ``"ratio"`` moves ``j`` by the share
  ``|EU_j / EU_i|`` of the distance; ``"half"`` halfway); if ``j`` loses more, it capitulates;
* each actor accepts one offer (option ``offer_selection``: ``"closest"`` to its position,
  or ``"max_eu"`` the offer from the challenger with the largest EU);
* risk (option ``risk_update``): ``R_i = (2 sum_j EU_i(ij) - max - min) / (max - min)`` over
  ``i``'s challenges, ``r_i = (1 - R_i / 3) / (1 + R_i / 3)``; ``"none"`` keeps ``r = 1``.

The published series (Scholz et al. 2011, Table 2: mean 7.4 7.5 7.6 7.3 7.3 7.4 7.5 7.6; median
8.4 9.9 9.9 9.9 9.9 7.4 8.8 9.6) is not reproduced. Closest mean over the 64 option sets:
``q=1, p_denominator="all", salience_of="target", compromise="ratio",
offer_selection="closest", risk_update="update"``: 7.39 7.72 7.44 7.41 7.38 7.34 7.30 7.26
(max error 0.34), but its capability x salience weighted median stays at 7.0. The published
round-1 median, 8.4, is no actor's position (all sit at 4, 7 or 10), so the paper's "median" is
not the weighted median of positions used here; that definition is the open question.
"""

from __future__ import annotations

import numpy as np


def weighted_median(x: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Weighted median along the last axis (lower median); shapes (n_runs, n) -> (n_runs,).

    >>> float(weighted_median(np.array([[4.0, 7.0, 10.0]]), np.array([[1.0, 1.0, 1.0]]))[0])
    7.0
    """
    o = np.argsort(x, axis=-1, kind="stable")
    xs = np.take_along_axis(x, o, -1)
    cum = np.cumsum(np.take_along_axis(w, o, -1), -1)
    k = np.argmax(cum >= cum[..., -1:] / 2.0 - 1e-12, axis=-1)
    return np.take_along_axis(xs, k[..., None], -1)[..., 0]


def _u(base: np.ndarray, r: np.ndarray, linear: bool) -> np.ndarray:
    b = np.clip(base, 0.0, None)
    return 2.0 - 4.0 * (b if linear else b**r)


def expected_utilities(
    x: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    r: np.ndarray,
    q: float = 0.5,
    p_denominator: str = "all",
    salience_of: str = "target",
    p: np.ndarray | None = None,
) -> np.ndarray:
    """``EU[run, i, j]``: challenger ``i``'s expected utility of challenging ``j``.

    All inputs have shape (n_runs, n_actors), positions ``x`` in [0, 1].
    """
    d = np.abs(x[:, :, None] - x[:, None, :])  # d[i, j]
    cs = c * s
    p = success_probability(x, cs, p_denominator) if p is None else p
    mu = weighted_median(x, cs)
    dm = np.abs(x - mu[:, None])
    rr = r[:, :, None]
    lin = bool(np.all(r == 1.0))
    us = _u(0.5 - 0.5 * d, rr, lin)
    uf = _u(0.5 + 0.5 * d, rr, lin)
    ub = _u(0.5 - 0.25 * (dm[:, :, None] + d), rr, lin)
    uw = _u(0.5 + 0.25 * (dm[:, :, None] + d), rr, lin)
    usq = _u(np.full_like(rr, 0.5), rr, lin)
    t = (dm[:, None, :] > dm[:, :, None]).astype(float)
    if salience_of == "target":
        sal = np.broadcast_to(s[:, None, :], d.shape)
    elif salience_of == "challenger":
        sal = np.broadcast_to(s[:, :, None], d.shape)
    else:
        raise ValueError(f"salience_of: expected 'target' or 'challenger', got {salience_of!r}")
    eu = sal * (p * us + (1 - p) * uf) + (1 - sal) * us
    eu -= q * usq + (1 - q) * (t * ub + (1 - t) * uw)
    idx = np.arange(x.shape[1])
    eu[:, idx, idx] = 0.0
    return eu


def success_probability(x: np.ndarray, cs: np.ndarray, p_denominator: str = "all") -> np.ndarray:
    """``P[run, i, j]``: probability that ``i`` prevails over ``j``; x, cs shape (n_runs, n).

    ``"all"``: share of all actors' votes ``v_k = cs_k (|x_k - x_j| - |x_k - x_i|)`` that favour
    ``i``, computed as ``(sum_k v_k + sum_k |v_k|) / (2 sum_k |v_k|)``; ``"pair"``:
    ``cs_i / (cs_i + cs_j)``.

    >>> p = success_probability(np.array([[0.0, 1.0]]), np.array([[3.0, 1.0]]))
    >>> float(p[0, 0, 1])
    0.75
    """
    if p_denominator == "all":
        d = np.abs(x[:, :, None] - x[:, None, :])
        diff = d[:, :, None, :] - d[:, :, :, None]  # [run, k, i, j] = d_kj - d_ki
        net = np.einsum("rk,rkij->rij", cs, diff)
        np.abs(diff, out=diff)
        den = np.einsum("rk,rkij->rij", cs, diff)
        return np.divide(net + den, 2 * den, out=np.full(den.shape, 0.5), where=den > 0)
    if p_denominator == "pair":
        tot = cs[:, :, None] + cs[:, None, :]
        return np.divide(np.broadcast_to(cs[:, :, None], tot.shape), tot,
                         out=np.full(tot.shape, 0.5), where=tot > 0)
    raise ValueError(f"p_denominator: expected 'all' or 'pair', got {p_denominator!r}")


def risk_exponent(eu: np.ndarray) -> np.ndarray:
    """``r_i = (1 - R_i/3) / (1 + R_i/3)`` from ``EU[run, i, j]``; shape (n_runs, n_actors)."""
    n = eu.shape[-1]
    off = ~np.eye(n, dtype=bool)
    e = np.where(off, eu, np.nan)
    mx, mn = np.nanmax(e, -1), np.nanmin(e, -1)
    tot = np.nansum(e, -1)
    rng_ = mx - mn
    big_r = np.divide(2 * tot - mx - mn, rng_, out=np.zeros_like(tot), where=rng_ > 0)
    big_r = np.clip(big_r, -1.0, 1.0)
    return (1 - big_r / 3) / (1 + big_r / 3)


def step(
    x: np.ndarray,
    c: np.ndarray,
    s: np.ndarray,
    r: np.ndarray,
    *,
    q: float = 0.5,
    p_denominator: str = "all",
    salience_of: str = "target",
    compromise: str = "ratio",
    offer_selection: str = "closest",
    p: np.ndarray | None = None,
    active: np.ndarray | None = None,
) -> np.ndarray:
    """One round of offers; returns the new positions, shape (n_runs, n_actors).

    ``active`` (bool, shape (n_runs, n_actors)), if given, marks the actors that take part:
    the others neither make nor receive offers.
    """
    eu = expected_utilities(x, c, s, r, q, p_denominator, salience_of, p)
    eu_ij = eu  # i's utility of challenging j
    eu_ji = np.swapaxes(eu, 1, 2)  # j's utility of challenging i
    xi = np.broadcast_to(x[:, :, None], eu.shape)
    xj = np.broadcast_to(x[:, None, :], eu.shape)
    conflict = (eu_ij > 0) & (eu_ji > 0) & (eu_ij > eu_ji)
    weak = (eu_ij > 0) & (eu_ji <= 0)
    capit = weak & (np.abs(eu_ji) >= np.abs(eu_ij))
    comp = weak & ~capit
    if compromise == "ratio":
        share = np.divide(np.abs(eu_ji), np.abs(eu_ij), out=np.zeros_like(eu), where=eu_ij != 0)
    elif compromise == "half":
        share = np.full_like(eu, 0.5)
    else:
        raise ValueError(f"compromise: expected 'ratio' or 'half', got {compromise!r}")
    offer = np.where(conflict | capit, xi, np.where(comp, xj + share * (xi - xj), np.nan))
    has = np.isfinite(offer)
    if active is not None:
        has &= active[:, :, None] & active[:, None, :]
        offer = np.where(has, offer, np.nan)
    if offer_selection == "closest":
        key = np.where(has, np.abs(offer - xj), np.inf)
    elif offer_selection == "max_eu":
        key = np.where(has, -eu_ij, np.inf)
    else:
        raise ValueError(
            f"offer_selection: expected 'closest' or 'max_eu', got {offer_selection!r}"
        )
    best = np.argmin(key, axis=1)  # over challengers i, per target j
    chosen = np.take_along_axis(offer, best[:, None, :], 1)[:, 0, :]
    return np.where(np.isfinite(chosen), chosen, x)


def simulate(
    capabilities: np.ndarray,
    positions: np.ndarray,
    saliences: np.ndarray,
    rounds: int = 8,
    *,
    q: float = 0.5,
    p_denominator: str = "all",
    salience_of: str = "target",
    compromise: str = "ratio",
    offer_selection: str = "closest",
    risk_update: str = "update",
) -> np.ndarray:
    """Positions by round on the original scale, shape (n_runs, rounds, n_actors).

    Round 1 holds the initial positions. Inputs have shape (n_runs, n_actors) or (n_actors,).
    An actor with a NaN position or zero capability x salience takes no part (it casts no
    votes, makes and receives no offers); its series stays NaN.

    >>> out = simulate(np.array([1.0, 1.0, 1.0]), np.array([0.0, 5.0, 10.0]),
    ...                np.array([1.0, 1.0, 1.0]), rounds=3)
    >>> out.shape
    (1, 3, 3)
    """
    c, p0, s = (np.atleast_2d(np.asarray(a, float)) for a in (capabilities, positions, saliences))
    active = np.isfinite(p0) & (c * s > 0)
    if not active.all():
        cs_ok = np.isfinite(c * s)
        c = np.where(active & cs_ok, c, 0.0)
        s = np.where(active & cs_ok, s, 0.0)
    pa = np.where(active, p0, np.nan)
    any_active = active.any(-1, keepdims=True)
    lo = np.where(any_active, np.min(np.where(active, p0, np.inf), -1, keepdims=True), 0.0)
    hi = np.where(any_active, np.max(np.where(active, p0, -np.inf), -1, keepdims=True), 1.0)
    span = np.where(hi > lo, hi - lo, 1.0)
    x = np.where(active, (np.where(active, pa, lo) - lo) / span, 0.0)
    mask = None if active.all() else active
    r = np.ones_like(x)
    out = [x]
    for _ in range(rounds - 1):
        p = success_probability(x, c * s, p_denominator)
        if risk_update == "update":
            r = risk_exponent(expected_utilities(x, c, s, np.ones_like(x), q, p_denominator,
                                                 salience_of, p))
        elif risk_update != "none":
            raise ValueError(f"risk_update: expected 'update' or 'none', got {risk_update!r}")
        x = step(x, c, s, r, q=q, p_denominator=p_denominator, salience_of=salience_of,
                 compromise=compromise, offer_selection=offer_selection, p=p, active=mask)
        out.append(x)
    series = lo[:, None, :] + np.stack(out, axis=1) * span[:, None, :]
    return np.where(active[:, None, :], series, np.nan)


def summary(
    capabilities: np.ndarray, saliences: np.ndarray, series: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(weighted median, capability x salience weighted mean) by round, shape (n_runs, rounds).

    Actors without a position (NaN) or with zero weight are left out.
    """
    cs = np.nan_to_num(np.asarray(capabilities, float) * np.asarray(saliences, float))
    w = np.broadcast_to(cs[..., None, :] if cs.ndim > 1 else cs, series.shape)
    w = np.where(np.isfinite(series), w, 0.0)
    x = np.where(w > 0, series, 0.0)
    tot = w.sum(-1)
    mean = np.divide((x * w).sum(-1), tot, out=np.full(tot.shape, np.nan), where=tot > 0)
    med = np.where(tot > 0, weighted_median(np.where(w > 0, series, np.inf), w), np.nan)
    return med, mean

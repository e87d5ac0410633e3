"""Dynamic war bargaining: levers, fighting, learning and offers, round by round (engine ``war``).

Two sides fight over a front while a recognised proposer offers packages over every issue. Each
round ``t = 0, ..., H - 1`` (the scenario's ``[time] horizon``) runs, for all runs at once:

1. **Levers.** Lever ``l`` is at its scheduled level ``a_l(t)`` (its ``level`` until the first
   step), gated to 0 until each of its conditions has held for ``verified_for`` consecutive
   rounds. Effects are linear in the level: per-round payoff ``pi_i(t) = sum_l a_l e^pay_li -
   sum_l a_l k_l [i owns l]`` (sanctions hurt the target and cost the owner, energy purchases
   fund the seller; Drezner 2003), capability ``C_i(t+1) = C_i(t) + sum_l a_l e^cap_li``
   (military aid, loans, the frozen assets) and support ``s_ji(t+1) = s_ji(t) + sum_l a_l
   e^sup_lji`` (outreach to a belligerent's partners).
2. **Bargaining.** A proposer is drawn among the negotiators (equal chances or in proportion to
   capability; Baron & Ferejohn 1989). It offers the package
   ``x* = argmax u_P(x) s.t. u_j(x) >= T_j`` for every ratifier ``j`` the table's decision rule
   requires (its veto players; all ratifiers if they do not form a winning coalition), with
   ``u`` the spatial utility of :mod:`negsim.utility` (solver: :mod:`negsim._war_offer`,
   exact for two parties; with more, always feasible but heuristic). Deals are accepted iff every
   required ratifier, the proposer included, gets at least ``T_j``; otherwise the war goes on.
3. **Fighting.** Effective capabilities ``E_i = C_i + sum_j s_ji C_j`` add up per side; the
   probability that side A wins a battle is the contest success function
   ``p = E_A^m / (E_A^m + E_B^m)`` (Tullock 1980; Hirshleifer 1989). Side A wins
   ``w ~ Binomial(B, p)`` of ``B`` battles and the front moves by ``advance (2w - B)``, clipped
   to its scale. A side whose front crosses its capitulation threshold gives in: the other
   side's leader's ideal is imposed on the front issues (reported as a settlement).
4. **Beliefs.** The balance has a latent log-odds ``theta`` (truly 0): battles are won with
   probability ``sigma(g_t + theta)``, ``g_t = m ln(E_A / E_B)``. Each belligerent holds a grid
   posterior over ``theta`` from a normal prior centred on its ``optimism`` in its own favour
   (spread ``prior_sd``) and updates it exactly by Bayes' rule from the binomial battle counts,
   so mutual optimism shrinks as evidence accrues, faster with more battles per round
   (Slantchev 2003; Powell 2004; Filson & Werner 2002).

**Values.** Actor ``i``'s believed value of fighting on, in the per-round utility units of a
settlement (a deal ``x`` is worth ``u_i(x)`` each round for ever), is

.. math:: W_i(t) = (1 - \\delta_i) \\sum_{s=0}^{S-1} \\delta_i^s
          \\big(u_i(x(\\hat f_s)) + \\pi_i(t) - c_i\\big) + \\delta_i^S u_i(x(\\hat f_S)),
          \\qquad S = H - t,

where the front path ``hat f`` is projected from ``i``'s believed ``p`` (third parties use the
truth) and capabilities projected with the levers' scheduled levels times their credibility,
``x(f)`` is the outcome the front stands for (front issues linear in ``f`` from side B's
leader's ideal through the status quo at ``front_start`` to side A's leader's ideal; other
issues at the status quo), ``c_i`` the actor's per-round ``cost``. Fearon's (1995) range is
``{x : u_A(x) >= W_A, u_B(x) >= W_B}``.

**Acceptance levels.** ``T_j = W_j``, except: with exactly two required parties, ``T_j =
max(W_j, delta_j V_j)`` with ``V_j`` the stationary value of random-proposer bargaining
(outside-option principle; Rubinstein 1982, Binmore, Shaked & Sutton 1989), iterated to a fixed
point in round 0 and once per round after; and (``commitment = true``) a deal cannot bind the
other side's future demands (Powell 2006): if ``ubar_j``, the most belligerent leader ``j`` can
get next round while the other leader gets its next-round war value, falls below ``W_j``, a
deal ``x`` is worth only ``(1 - delta_j) u_j(x) + delta_j ubar_j`` to ``j``, so ``T_j =
(W_j - delta_j ubar_j) / (1 - delta_j)``. A large anticipated shift of power thus causes war
although a range exists today (:func:`negsim.war.preventive_war` gives the threshold).

**Stop** at agreement, at capitulation, or at the horizon (no agreement: status quo terms,
each actor's last walk-away value; the terms the front stands for are in ``extras``).

References: Fearon (1995) International Organization 49; Powell (2004) AJPS 48; Powell (2006)
International Organization 60; Slantchev (2003) APSR 97; Filson & Werner (2002) AJPS 46;
Tullock (1980); Hirshleifer (1989) Public Choice 63; Baron & Ferejohn (1989) APSR 83;
Rubinstein (1982) Econometrica 50; Drezner (2003) International Organization 57.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim._bilateral import best_subject_to
from negsim._war_offer import best_offer, utilities
from negsim.compiled import Compiled
from negsim.engines.base import Engine, EngineInfo, Outcome
from negsim.model import War
from negsim.scenario import Scenario

__all__ = ["WarParams", "narrate", "war"]

FloatArray = NDArray[np.float64]


@attrs.frozen(kw_only=True)
class WarParams:
    """Parameters of the war-bargaining engine.

    Parameters
    ----------
    grid : int
        Points of each belligerent's belief grid over the latent balance.
    fixed_point : int
        Iterations of the two-party stationary bargaining values in round 0.
    commitment : bool
        Whether deals must be renegotiation-proof for the belligerent leaders (Powell 2006).
    """

    grid: int = attrs.field(default=41, validator=attrs.validators.ge(3))
    fixed_point: int = attrs.field(default=8, validator=attrs.validators.ge(1))
    commitment: bool = True


def _sigmoid(z: FloatArray) -> FloatArray:
    return 0.5 * (1.0 + np.tanh(0.5 * z))


def _log_sigmoid(z: FloatArray) -> FloatArray:
    return -np.logaddexp(0.0, -z)


def default_war(c: Compiled) -> War | None:
    """The scenario's war, or one between the first two belligerents at the table."""
    if c.war is not None:
        return c.war
    fighters = [a for i, a in enumerate(c.actor_ids) if c.walk_away_is_war[i] and c.negotiator[i]]
    if len(fighters) < 2:
        return None
    return War(side_a=(fighters[0],), side_b=(fighters[1],))


def _check(s: Scenario) -> list[str]:
    from negsim.compiled import compile_scenario

    c = compile_scenario(s)
    war_ = default_war(c)
    why = []
    if war_ is None:
        why.append("it needs a [war] section or two negotiators with walk_away = 'war'")
    if (c.risk < 1.0).any():
        why.append("it needs concave utilities (every risk exponent >= 1)")
    if c.decision_rule is None:
        why.append("it needs a table rule negsim can build (at most 62 actors)")
    if not c.negotiator.any():
        why.append("it needs a negotiator at the table")
    return why


class _Setup:
    """Static arrays of one solve (shapes: R runs, n actors, K issues, L levers)."""

    def __init__(self, c: Compiled, p: WarParams) -> None:
        war_ = default_war(c)
        assert war_ is not None
        self.war = war_
        R, n, K, L = c.n_runs, c.n_actors, c.n_issues, len(c.lever_ids)
        aid = c.actor_ids
        self.side = np.full(n, -1)
        self.side[[aid.index(a) for a in war_.side_a]] = 0
        self.side[[aid.index(a) for a in war_.side_b]] = 1
        self.bell = np.flatnonzero(self.side >= 0)
        self.la, self.lb = aid.index(war_.side_a[0]), aid.index(war_.side_b[0])
        width = c.hi - c.lo
        self.q = np.clip((c.position - c.lo) / width, 0.0, 1.0)
        self.zsq = np.clip((c.status_quo - c.lo) / width, 0.0, 1.0)
        front = (np.isin(c.issue_ids, war_.front_issues) if war_.front_issues
                 else np.ones(K, dtype=bool))
        self.front_k = np.flatnonzero(front)
        self.lo_f, self.hi_f = (float(v) for v in war_.front_scale)
        self.start = float(war_.front_start)
        self.cap_lo, self.cap_hi = war_.surrender
        # utility of the issues the front does not decide, at the status quo
        d = np.abs(self.zsq[:, None, :] - self.q) ** c.risk[:, :, None]
        self.base = (c.weight * (1.0 - d) * ~front).sum(axis=2)  # (R, n)
        # who must accept
        veto = ~c.decision_rule.is_winning(~np.eye(n, dtype=bool)) if c.decision_rule else None
        if veto is not None and veto.any() and bool(c.decision_rule.is_winning(veto)):
            need = veto
        else:
            need = c.ratifier.copy()
        self.need = need
        self.bilateral = int(need.sum()) == 2 and bool((c.negotiator == need).all())
        self.neg = np.flatnonzero(c.negotiator)
        # levers: per-round scheduled levels, effects as matrices
        H = c.horizon
        sched = np.repeat(c.lever_level[:, None, :], H, axis=1).copy()  # (R, H, L)
        for li, lv in enumerate(c.levers):
            for step in lv.schedule:
                if step.at < H:
                    sched[:, step.at:, li] = step.level
        self.sched = sched
        pay = np.zeros((L, n))
        capm = np.zeros((L, n))
        supm = np.zeros((L, n, n))
        for li, lv in enumerate(c.levers):
            for e in lv.effects:
                for t in self.members(c, e.target):
                    if e.on == "payoff":
                        pay[li, t] += e.amount
                    elif e.on == "capability":
                        capm[li, t] += e.amount
                    else:
                        for b in self.members(c, e.beneficiary or ""):
                            supm[li, t, b] += e.amount
        owner = (c.lever_owner if c.lever_owner is not None
                 else np.zeros((L, n), dtype=bool)).astype(float)
        self.pay, self.capm, self.supm, self.owner = pay, capm, supm, owner
        self.conds = [(li, cd) for li, lv in enumerate(c.levers) for cd in lv.conditions]
        # expected capability drift from the schedules, credibility-weighted: (R, H + 1, n)
        drift = np.einsum("rtl,ln->rtn", sched * c.lever_credibility[:, None, :], capm)
        self.cum_drift = np.concatenate([np.zeros((R, 1, n)), np.cumsum(drift, axis=1)], axis=1)
        self.zgrid = np.linspace(-4.0, 4.0, p.grid)
        self.powers = c.discount[:, :, None] ** np.arange(H + 1)  # (R, n, H + 1)

    @staticmethod
    def members(c: Compiled, party: str) -> list[int]:
        if party in c.actor_ids:
            return [c.actor_ids.index(party)]
        return [c.actor_ids.index(m) for m in c.coalition_members.get(party, ())
                if m in c.actor_ids]

    def front_terms(self, f: FloatArray, q: FloatArray | None = None,
                    zsq: FloatArray | None = None) -> FloatArray:
        """Normalised values of the front issues the front ``f`` stands for: f.shape + (Kf,).

        ``f`` has the run axis first; capitulation is absorbing at the thresholds. ``q`` and
        ``zsq`` restrict positions and status quo to the same runs (default all).
        """
        q = self.q if q is None else q
        zsq = self.zsq if zsq is None else zsq
        f = np.where(f >= self.cap_hi, self.hi_f, np.where(f <= self.cap_lo, self.lo_f, f))
        up = np.clip((f - self.start) / max(self.hi_f - self.start, 1e-300), 0.0, 1.0)
        down = np.clip((self.start - f) / max(self.start - self.lo_f, 1e-300), 0.0, 1.0)
        ks = self.front_k
        za, zb, zs = q[:, self.la, ks], q[:, self.lb, ks], zsq[:, ks]
        extra = (1,) * (f.ndim - 1)
        sh = (za.shape[0], *extra, ks.size)
        return (zs.reshape(sh) + up[..., None] * (za - zs).reshape(sh)
                + down[..., None] * (zb - zs).reshape(sh))


def _war_values(st: _Setup, sub: _Sub, H: int, t: int, front: FloatArray,
                eff_side: FloatArray, zhat: FloatArray, pay: FloatArray, m: float, battles: int,
                advance: float) -> tuple[FloatArray, FloatArray]:
    """Each actor's believed value of fighting on now and from next round: two (R, n) arrays.

    ``zhat`` (R, n) is each actor's believed log-odds shift of the balance (0 for the truth).
    """
    R = pay.shape[0]
    S = H - t
    dd = sub.cum_drift[:, t:t + S + 1, :] - sub.cum_drift[:, t:t + 1, :]  # (R, S+1, n)
    # drift projected on the belligerents' own capability (support shares held fixed)
    dA = dd[:, :, st.side == 0].sum(axis=2)
    dB = dd[:, :, st.side == 1].sum(axis=2)
    EA = np.maximum(eff_side[:, 0:1] + dA, 1e-12)
    EB = np.maximum(eff_side[:, 1:2] + dB, 1e-12)
    g = m * (np.log(EA) - np.log(EB))  # (R, S+1)
    views, view_of = np.unique(zhat, axis=1, return_inverse=True)  # few distinct beliefs
    view_of = view_of.reshape(-1)
    nv = views.shape[1]
    prob = _sigmoid(g[:, None, :] + views[:, :, None])  # (R, V, S+1)
    stepf = advance * battles * (2.0 * prob - 1.0)
    path = front[:, None, None] + np.concatenate(
        [np.zeros((R, nv, 1)), np.cumsum(stepf[:, :, :-1], axis=2)], axis=2)
    hit_hi = np.maximum.accumulate(path >= st.cap_hi, axis=2)
    hit_lo = np.maximum.accumulate(path <= st.cap_lo, axis=2)
    first_hi = np.where(hit_hi.any(axis=2), hit_hi.argmax(axis=2), S + 1)
    first_lo = np.where(hit_lo.any(axis=2), hit_lo.argmax(axis=2), S + 1)
    s_idx = np.arange(S + 1)
    path = np.where((first_hi[..., None] <= s_idx) & (first_hi <= first_lo)[..., None],
                    st.hi_f, path)
    path = np.where((first_lo[..., None] <= s_idx) & (first_lo < first_hi)[..., None],
                    st.lo_f, path)
    path = np.clip(path, st.lo_f, st.hi_f)
    xv = st.front_terms(path, sub.q, sub.zsq)  # (R, V, S+1, Kf)
    u = np.repeat(sub.base[:, :, None], S + 1, axis=2)
    for v in range(nv):
        who = np.flatnonzero(view_of == v)
        for j, k in enumerate(st.front_k):
            d = np.abs(xv[:, v, None, :, j] - sub.q[:, who, k, None])  # (R, n_v, S+1)
            if not sub.linear:
                d = d ** sub.r[:, who, None]
            u[:, who] += sub.w[:, who, k, None] * (1.0 - d)
    delta = sub.delta
    powers = sub.powers[:, :, :S + 1]  # delta ** s
    flow = u[:, :, :S] + (pay - sub.cost)[:, :, None]
    now = (1.0 - delta) * (powers[:, :, :S] * flow).sum(axis=2) + powers[:, :, S] * u[:, :, S]
    nxt = ((1.0 - delta) * (powers[:, :, :S - 1] * flow[:, :, 1:]).sum(axis=2)
           + powers[:, :, S - 1] * u[:, :, S])
    return now, nxt


def _solve(c: Compiled, p: WarParams, rng: np.random.Generator) -> Outcome:
    st = _Setup(c, p)
    w_ = st.war
    R, n, K, L, H = c.n_runs, c.n_actors, c.n_issues, len(c.lever_ids), c.horizon
    rows = np.arange(R)
    m, B, adv = float(w_.decisiveness), int(w_.battles), float(w_.advance)
    cap = c.capability.copy()
    support = c.support.copy()
    front = np.full(R, st.start)
    alive = np.ones(R, dtype=bool)
    agreed = np.zeros(R, dtype=bool)
    rnd = np.full(R, -1, dtype=np.int64)
    outcome = c.status_quo.copy()
    util = np.zeros((R, n))
    walk = np.zeros((R, n))
    surrender = np.zeros(R, dtype=np.int64)
    counters = np.zeros((R, len(st.conds)), dtype=np.int64)
    cum_cost = np.zeros((R, L))
    # beliefs: log posterior over the grid for each belligerent
    zg = st.zgrid
    sign = np.where(st.side[st.bell] == 0, 1.0, -1.0)
    opt = np.array([w_.optimism.get(c.actor_ids[i], 0.0) for i in st.bell])
    logpost = np.broadcast_to(-0.5 * ((zg[None, :] - (sign * opt)[:, None]) / w_.prior_sd) ** 2,
                              (R, st.bell.size, zg.size)).copy()
    V = None
    post = np.exp(logpost - logpost.max(axis=2, keepdims=True))
    post /= post.sum(axis=2, keepdims=True)
    zmean = post @ zg  # (R, nb): each belligerent's believed log-odds shift
    # records
    nanf = np.full
    rec_front = nanf((R, H), np.nan)
    rec_p = nanf((R, H), np.nan)
    rec_belief = nanf((R, H, st.bell.size), np.nan)
    rec_walk = nanf((R, H, n), np.nan, dtype=np.float32)
    rec_floor = nanf((R, H, n), np.nan, dtype=np.float32)
    rec_offer = nanf((R, H, K), np.nan, dtype=np.float32)
    rec_uoffer = nanf((R, H, n), np.nan, dtype=np.float32)
    rec_prop = np.full((R, H), -1, dtype=np.int64)
    rec_feasible = np.zeros((R, H), dtype=bool)
    rec_accept = np.zeros((R, H), dtype=bool)
    rec_wins = np.full((R, H), -1, dtype=np.int64)
    rec_level = nanf((R, H, L), np.nan)
    rec_cost = nanf((R, H, L), np.nan)
    width = c.hi - c.lo
    for t in range(H):
        idx = np.flatnonzero(alive)
        if idx.size == 0:
            break
        # 1. levers ------------------------------------------------------------------------
        level = st.sched[:, t, :].copy()
        if st.conds:
            xf = st.front_terms(front)
            cur_issue = st.zsq.copy()
            cur_issue[:, st.front_k] = xf
            cur_issue = c.lo + cur_issue * width
            gate = np.ones((R, L), dtype=bool)
            for ci, (li, cd) in enumerate(st.conds):
                value = _variable(cd.variable, t, front, cur_issue, level, cap, c)
                holds = np.asarray(cd.holds(value), dtype=bool)
                counters[:, ci] = np.where(holds, counters[:, ci] + 1, 0)
                gate[:, li] &= holds & (counters[:, ci] >= max(1, cd.verified_for))
            level = np.where(gate, level, 0.0)
        pay = level @ st.pay - (level * c.lever_cost) @ st.owner  # (R, n)
        cum_cost += np.where(alive[:, None], level * c.lever_cost, 0.0)
        rec_level[idx, t] = level[idx]
        rec_cost[idx, t] = cum_cost[idx]
        # 2. values and bargaining -----------------------------------------------------------
        eff = cap + np.einsum("rj,rji->ri", cap, support)
        eff_side = np.stack([(eff * (st.side == 0)).sum(axis=1),
                             (eff * (st.side == 1)).sum(axis=1)], axis=1)
        zhat = np.zeros((R, n))
        zhat[:, st.bell] = zmean
        sub = _Sub(st, c, idx)
        W, W_next = _war_values(st, sub, H, t, front[idx], eff_side[idx], zhat[idx], pay[idx],
                                m, B, adv)
        floor = W.copy()
        if p.commitment and st.need[st.la] and st.need[st.lb]:
            # the anticipated shift of power from the levers over the next round
            step_cap = sub.cum_drift[:, t + 1, :] - sub.cum_drift[:, t, :]
            ea, eb = eff_side[idx, 0], eff_side[idx, 1]
            da = step_cap[:, st.side == 0].sum(axis=1)
            db = step_cap[:, st.side == 1].sum(axis=1)
            shift = (np.log(np.maximum(ea + da, 1e-12)) - np.log(np.maximum(eb + db, 1e-12))
                     - np.log(np.maximum(ea, 1e-12)) + np.log(np.maximum(eb, 1e-12)))
            moving = np.flatnonzero(np.abs(shift) > 1e-12) if t + 1 < H else np.zeros(0, int)
            if moving.size:
                # war next round instead of now: the same front, next round's capabilities
                ahead = eff_side[idx[moving]] + np.stack([da, db], axis=1)[moving]
                W_next = W_next.copy()
                W_next[moving] = _war_values(st, _Sub(st, c, idx[moving]), H, t + 1,
                                             front[idx[moving]], ahead, zhat[idx[moving]],
                                             pay[idx[moving]], m, B, adv)[0]
            floor = _renegotiation_proof(sub, floor, W, W_next, st.la, st.lb, shift)
        if st.bilateral:
            V, floor = _stationary(sub, floor, V, p.fixed_point if t == 0 else 1, c, idx)
        proposer = _draw_proposer(rng, st, cap, w_.recognition)
        z, ok, _ = best_offer(sub.q, sub.w, sub.r, floor, np.broadcast_to(
            st.need, (idx.size, n)), proposer[idx], sub.zsq)
        u = utilities(z, sub.q, sub.w, sub.r)
        pr = proposer[idx]
        own = np.arange(idx.size), pr
        ok &= ~st.need[pr] | (u[own] >= floor[own] - 1e-9)  # the proposer prefers it to war
        accept = ok & ((u >= floor - 1e-9) | ~st.need).all(axis=1)
        x = c.lo + z * width
        rec_prop[idx, t] = pr
        rec_feasible[idx, t] = ok
        rec_accept[idx, t] = accept
        rec_offer[idx, t] = x
        rec_uoffer[idx, t] = u
        rec_walk[idx, t] = W
        rec_floor[idx, t] = floor
        walk[idx] = W
        done = idx[accept]
        agreed[done] = True
        rnd[done] = t
        outcome[done] = x[accept]
        util[done] = u[accept]
        alive[done] = False
        # 3. fighting -------------------------------------------------------------------------
        g = m * (np.log(np.maximum(eff_side[:, 0], 1e-12)) - np.log(np.maximum(eff_side[:, 1],
                                                                                1e-12)))
        p_true = _sigmoid(g)
        wins = rng.binomial(B, p_true)
        fight = alive.copy()
        front = np.where(fight, np.clip(front + adv * (2 * wins - B), st.lo_f, st.hi_f), front)
        rec_front[idx, t] = front[idx]
        rec_p[idx, t] = p_true[idx]
        rec_wins[fight, t] = wins[fight]
        # 4. beliefs -----------------------------------------------------------------------------
        lg = g[:, None] + zg[None, :]
        loglik = wins[:, None] * _log_sigmoid(lg) + (B - wins)[:, None] * _log_sigmoid(-lg)
        logpost = np.where(fight[:, None, None], logpost + loglik[:, None, :], logpost)
        post = np.exp(logpost - logpost.max(axis=2, keepdims=True))
        post /= post.sum(axis=2, keepdims=True)
        belief_p = (post * _sigmoid(lg)[:, None, :]).sum(axis=2)  # P(A wins a battle)
        zmean = post @ zg
        rec_belief[idx, t] = belief_p[idx]
        # capability, support for next round
        cap = np.maximum(cap + level @ st.capm, 0.0)
        if L:
            support = np.clip(support + np.einsum("rl,lij->rij", level, st.supm), 0.0, 1.0)
        # capitulation
        gives = fight & ((front >= st.cap_hi) | (front <= st.cap_lo))
        if gives.any():
            a_wins = front >= st.cap_hi
            imposed = c.status_quo.copy()
            winner = np.where(a_wins, st.la, st.lb)
            imposed[:, st.front_k] = c.position[rows, winner][:, st.front_k]
            gi = np.flatnonzero(gives)
            outcome[gi] = imposed[gi]
            agreed[gi] = True
            rnd[gi] = t
            surrender[gi] = np.where(a_wins[gi], 2, 1)
            util[gi] = c.utility(imposed)[gi]
            alive[gi] = False
    util = np.where(agreed[:, None], util, walk)
    extras: dict[str, Any] = {
        "front": rec_front, "p_battle": rec_p, "belief": rec_belief,
        "walk_away_path": rec_walk, "acceptance_level": rec_floor, "offer": rec_offer,
        "offer_utility": rec_uoffer, "proposer": rec_prop, "offer_feasible": rec_feasible,
        "accepted": rec_accept, "battles_won_by_a": rec_wins, "lever_level": rec_level,
        "lever_cost": rec_cost, "capitulation": surrender,
        "belligerents": np.broadcast_to(st.bell, (R, st.bell.size)),
        "needed": np.broadcast_to(st.need, (R, n)),
        "battles": np.full(R, B),
        "front_terms": _front_outcome(st, c, front),
    }
    return Outcome(outcome=outcome, agreement=agreed, round=rnd, utility=util, walk_away=walk,
                   extras=extras)


def _front_outcome(st: _Setup, c: Compiled, front: FloatArray) -> FloatArray:
    z = st.zsq.copy()
    z[:, st.front_k] = st.front_terms(front)
    return c.lo + z * (c.hi - c.lo)


class _Sub:
    """The static arrays restricted to the runs still fighting."""

    def __init__(self, st: _Setup, c: Compiled, idx: NDArray[np.intp]) -> None:
        self.q, self.w, self.r = st.q[idx], c.weight[idx], c.risk[idx]
        self.zsq, self.delta = st.zsq[idx], c.discount[idx]
        self.cost, self.base, self.cum_drift = c.cost[idx], st.base[idx], st.cum_drift[idx]
        self.linear = bool((self.r == 1.0).all())
        self.powers = st.powers[idx]


def _variable(name: str, t: int, front: FloatArray, issue: FloatArray, level: FloatArray,
              cap: FloatArray, c: Compiled) -> Any:
    if name == "round":
        return np.full(front.shape, float(t))
    if name == "front":
        return front
    if name == "agreement":
        return np.zeros(front.shape)
    kind, _, rest = name.partition(".")
    if kind == "issue":
        return issue[:, c.issue_ids.index(rest)]
    if kind == "lever":
        return level[:, c.lever_ids.index(rest)]
    return cap[:, c.actor_ids.index(rest.split(".")[0])]


def _draw_proposer(rng: np.random.Generator, st: _Setup, cap: FloatArray, rule: str
                   ) -> NDArray[np.intp]:
    R = cap.shape[0]
    u = rng.random(R)
    if rule == "capability":
        weight = cap[:, st.neg]
        total = weight.sum(axis=1, keepdims=True)
        weight = np.where(total > 0, weight / np.where(total > 0, total, 1.0), 1.0 / st.neg.size)
    else:
        weight = np.full((R, st.neg.size), 1.0 / st.neg.size)
    cum = np.cumsum(weight, axis=1)
    pick = np.minimum((u[:, None] >= cum).sum(axis=1), st.neg.size - 1)
    return st.neg[pick]


def _renegotiation_proof(sub: _Sub, floor: FloatArray, W: FloatArray, W_next: FloatArray,
                         a: int, b: int, shift: FloatArray) -> FloatArray:
    """Raise a leader's acceptance level where a deal cannot bind the other's future demands.

    Only where the levers shift power towards the other side next round (``shift``: the change
    in ``ln(E_A / E_B)``), and the other's war value rises: otherwise, if a deal is possible
    today, the declining side can be held to no less tomorrow.
    """
    floor = floor.copy()
    for me, other, rising in ((a, b, shift < -1e-12), (b, a, shift > 1e-12)):
        ix = np.flatnonzero(rising & (W_next[:, other] > W[:, other] + 1e-12))
        ix = ix[~_segment_clears(sub, ix, me, other, W_next[ix, other], W[ix, me])]
        if ix.size == 0:
            continue
        q, w, r = sub.q[ix], sub.w[ix], sub.r[ix]
        z, ok = best_subject_to(q[:, me], w[:, me], r[:, me], q[:, other], w[:, other],
                                r[:, other], W_next[ix, other], sub.zsq[ix])
        ubar = np.where(ok, utilities(z, q, w, r)[:, me], -np.inf)
        d = sub.delta[ix, me]
        short = W[ix, me] > ubar
        with np.errstate(divide="ignore", invalid="ignore"):
            need = np.where(d < 1.0, (W[ix, me] - d * np.maximum(ubar, -1e9)) / (1.0 - d),
                            np.inf)
        floor[ix, me] = np.where(short, np.maximum(floor[ix, me], need), floor[ix, me])
    return floor


def _segment_clears(sub: _Sub, ix: NDArray[np.intp], me: int, other: int, floor_other: FloatArray,
                    floor_me: FloatArray) -> NDArray[np.bool_]:
    """A cheap sufficient test that ``me`` can get ``floor_me`` while ``other`` gets its floor:
    some point on the segment between their ideals satisfies both (u_other rises along it)."""
    q, w, r = sub.q[ix], sub.w[ix], sub.r[ix]
    care = (w[:, me] > 0) | (w[:, other] > 0)
    a = np.where(care, q[:, me], sub.zsq[ix])
    b = np.where(care, q[:, other], sub.zsq[ix])
    lo, hi = np.zeros(ix.size), np.ones(ix.size)
    for _ in range(30):
        mid = 0.5 * (lo + hi)
        u = utilities(a + mid[:, None] * (b - a), q[:, [me, other]], w[:, [me, other]],
                      r[:, [me, other]])
        ok = u[:, 1] >= floor_other
        hi = np.where(ok, mid, hi)
        lo = np.where(ok, lo, mid)
    u = utilities(a + hi[:, None] * (b - a), q[:, [me, other]], w[:, [me, other]],
                  r[:, [me, other]])
    return (u[:, 1] >= floor_other) & (u[:, 0] >= floor_me)


def _stationary(sub: _Sub, floor: FloatArray, V: FloatArray | None, iters: int, c: Compiled,
                idx: NDArray[np.intp]) -> tuple[FloatArray, FloatArray]:
    """Two-party random-proposer bargaining: acceptance ``max(T, delta V)`` at a fixed point."""
    R, n = floor.shape
    need = np.flatnonzero(c.negotiator)
    Vi = floor.copy() if V is None else V[idx]
    base = floor
    T = base
    for _ in range(iters):
        T = np.maximum(base, sub.delta * Vi)
        value = np.zeros((R, n))
        for k in need:
            z, ok, _ = best_offer(sub.q, sub.w, sub.r, T, np.broadcast_to(c.negotiator, (R, n)),
                                  np.full(R, k), sub.zsq)
            u = utilities(z, sub.q, sub.w, sub.r)
            ok = ok & (u[:, k] >= T[:, k] - 1e-12)
            value += np.where(ok[:, None], u, base) / need.size
        converged = bool(np.all(np.abs(value - Vi) <= 1e-13))
        Vi = value
        if converged:
            break
    full = np.zeros((c.n_runs, n)) if V is None else V.copy()
    full[idx] = Vi
    return full, np.maximum(base, sub.delta * Vi)


# --------------------------------------------------------------------------- narrative


def _calendar(start: str, step: str, t: int) -> str:
    if step == "month" and len(start) >= 7 and start[4] == "-":
        y, mo = int(start[:4]), int(start[5:7]) - 1 + t
        return f"{y + mo // 12}-{mo % 12 + 1:02d} (month {t + 1})"
    return f"{step} {t + 1}"


def narrate(result: Any, run: int = 0, *, scenario: Scenario | None = None,
            start: str = "", step: str = "month", max_rounds: int | None = None) -> list[str]:
    """The war engine's event log for one run, as readable lines.

    Parameters
    ----------
    result : Result
        A result of the ``war`` engine.
    run : int
    scenario : Scenario, optional
        Supplies the calendar (``[time] start`` and ``step``) and the issues' status quo.
    start, step : str
        The calendar, if no scenario is given.
    max_rounds : int, optional
        Stop after this many rounds.
    """
    e = result.extras
    if "proposer" not in e:
        raise ValueError("narrate needs a result of the 'war' engine")
    if scenario is not None:
        start, step = scenario.time.start, scenario.time.step
    names = result.actor_names
    bell = [int(i) for i in e["belligerents"][run]]
    lines = []
    T = e["proposer"].shape[1]
    for t in range(T if max_rounds is None else min(T, max_rounds)):
        pr = int(e["proposer"][run, t])
        if pr < 0:
            break
        when = _calendar(start, step, t)
        floor = e["acceptance_level"][run, t]
        walk = e["walk_away_path"][run, t]
        u = e["offer_utility"][run, t]
        if not e["offer_feasible"][run, t]:
            values = ", ".join(f"{names[i]} at {walk[i]:.3f}" for i in bell)
            lines.append(f"{when}: {names[pr]} sees no package that it and every party whose "
                         f"consent is needed would prefer to fighting on (each belligerent's "
                         f"believed value of fighting on: {values})")
        else:
            terms = ", ".join(f"{k} {v:.0f}" for k, v in zip(result.issue_ids,
                                                             e["offer"][run, t], strict=True))
            lines.append(f"{when}: {names[pr]} proposes {terms}")
            if e["accepted"][run, t]:
                lines.append(f"  every party whose consent is needed accepts; the deal is "
                             f"agreed ({_gains(names, u, walk, bell)})")
                break
            no = [i for i in range(len(names))
                  if e["needed"][run, i] and i != pr and u[i] < floor[i] - 1e-9]
            for i in no[:3]:
                why = (f"its believed value of fighting on is {walk[i]:.3f} against "
                       f"{u[i]:.3f} offered")
                if floor[i] > walk[i] + 1e-6:
                    why += (f"; it holds out for {floor[i]:.3f}, since a deal now would not stop "
                            "the other side pressing for more once it is stronger"
                            if i in bell and floor[i] > walk[i] + 0.05 else
                            f"; it expects {floor[i]:.3f} from bargaining on")
                lines.append(f"  {names[i]} rejects: {why}")
            if len(no) > 3:
                lines.append(f"  ... and {len(no) - 3} more reject it")
        wins = int(e["battles_won_by_a"][run, t])
        if wins >= 0:
            a, b = names[bell[0]], names[bell[-1]]
            belief = e["belief"][run, t]
            lines.append(f"  fighting: {a} wins {wins} of {_n_battles(e, run, t, wins)} "
                         f"engagements; the front stands at {e['front'][run, t]:.1f}; "
                         f"{a} now puts its own chance of winning an engagement at "
                         f"{belief[0]:.2f}, {b} puts {a}'s at {belief[-1]:.2f}")
    if not result.agreement[run]:
        lines.append(f"No agreement by the horizon: the front stands at "
                     f"{_last(e['front'][run]):.1f}.")
    elif e["capitulation"][run]:
        loser = bell[0] if e["capitulation"][run] == 1 else bell[-1]
        lines.append(f"{names[loser]} gives in: the other side's terms on the front issues are "
                     "imposed.")
    return lines


def _n_battles(e: dict[str, Any], run: int, t: int, wins: int) -> int:
    return int(e["battles"][run]) if "battles" in e else wins


def _last(series: FloatArray) -> float:
    ok = series[np.isfinite(series)]
    return float(ok[-1]) if ok.size else float("nan")


def _gains(names: tuple[str, ...], u: FloatArray, walk: FloatArray, bell: list[int]) -> str:
    return ", ".join(f"{names[i]} {u[i]:.3f} against {walk[i]:.3f} for fighting on"
                     for i in bell)


war = Engine(
    info=EngineInfo(
        name="war",
        summary="dynamic war bargaining: levers, battles, learning and offers round by round",
        family="dynamic",
        guarantees={"feasible"},
        assumptions=("two sides fight over a front that maps to the front issues",
                     "a recognised proposer makes the best offer every required ratifier "
                     "prefers to fighting on",
                     "belligerents learn the balance from battles by Bayes' rule"),
        references=("Fearon (1995) International Organization 49",
                    "Powell (2004) American Journal of Political Science 48",
                    "Powell (2006) International Organization 60",
                    "Slantchev (2003) American Political Science Review 97",
                    "Filson & Werner (2002) American Journal of Political Science 46",
                    "Hirshleifer (1989) Public Choice 63",
                    "Baron & Ferejohn (1989) American Political Science Review 83",
                    "Rubinstein (1982) Econometrica 50",
                    "Drezner (2003) International Organization 57"),
    ),
    params=WarParams, solve=_solve, check=_check)

from negsim.engines import register  # noqa: E402

register(war)

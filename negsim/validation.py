"""Score forecasting predictors on real EU outcomes (DEU II, Thomson et al. 2012).

The sample is the 322 DEU II issues with a coded outcome and at least 3 actors with a position
(SOURCES.md). Predictors are array functions of a :class:`negsim.datasets.DEUData` returning one
forecast per issue (shape (n_issues,)), vectorised over the issue axis; NaN means "no forecast"
(e.g. no reference point) and that issue is left out of that predictor's scores, as in the
published figures.

Readings that reproduce the published MAEs (all to 0.01):

* ``compromise``: member states only, Council QMV votes (EU-15 for proposals of 1995-2000,
  EU-27 Nice votes for those of 2003-2008) x salience; an actor with a position but no
  salience is dropped: 24.61 (published 24.6).
* ``salience_mean``: every actor with a position and salience, Commission and Parliament
  included, equal capability: 23.68 (23.7).
* ``weighted_median``: weighted median (lower median on ties) with the compromise weights:
  30.28 (30.3).
* ``midpoint``: 50 everywhere: 28.16 (28.2).
* ``commission``: the Commission's initial position, on the 317 issues where it has one: 38.12
  (38.1).
* ``reference``: the reference point, on the 235 sample issues that have one: 51.54 (51.5).

"Before 2004" is read as proposals dated 1995-2000 (EU-15 votes); the 2003-2008 proposals get
the EU-27 votes. Giving the eight 2003 issues EU-15 votes instead changes the compromise MAE
only to 24.62. ``expected_utility`` (no published DEU figure) runs
:mod:`negsim.expected_utility` with the issues as its run axis. ``nash`` (no published figure)
is the generalised Nash bargaining solution over each proposal's issues as one package
(:func:`nash`, with its stated fallback for an actor at the disagreement point). ``smp`` is
the spatial model of politics' probabilistic Condorcet election on each issue (:func:`smp`).

>>> from negsim.datasets import load_deu
>>> d = deu_sample(load_deu())
>>> d.n_issues
322
>>> round(float(score(PREDICTORS["compromise"](d), d.outcome)["mae"]), 1)
24.6
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Callable, Mapping, Sequence

import numpy as np

from negsim.datasets import DEUData, load_deu

Predictor = Callable[..., np.ndarray]

#: Published MAEs (SOURCES.md) on the 322-issue sample.
PUBLISHED_MAE = {
    "compromise": 24.6,
    "salience_mean": 23.7,
    "weighted_median": 30.3,
    "midpoint": 28.2,
    "commission": 38.1,
    "reference": 51.5,
}


def deu_sample(data: DEUData, min_actors: int = 3) -> DEUData:
    """The issues with a coded outcome and at least ``min_actors`` actors with a position."""
    n = np.isfinite(data.positions).sum(axis=1)
    return data.subset(np.isfinite(data.outcome) & (n >= min_actors))


def _usable(p: np.ndarray, w: np.ndarray) -> np.ndarray:
    return np.isfinite(p) & np.isfinite(w) & (w > 0)


def weighted_mean(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per-issue weighted mean over actors with a position and a positive weight.

    Parameters
    ----------
    positions, weights : ndarray, shape (n_issues, n_actors)
        NaN marks a missing value.

    Returns
    -------
    ndarray, shape (n_issues,)
        NaN where no actor is usable.

    >>> weighted_mean(np.array([[0.0, 100.0, np.nan]]), np.array([[1.0, 3.0, 5.0]]))
    array([75.])
    """
    ok = _usable(positions, weights)
    w = np.where(ok, weights, 0.0)
    tot = w.sum(axis=1)
    num = (np.where(ok, positions, 0.0) * w).sum(axis=1)
    return np.divide(num, tot, out=np.full(tot.shape, np.nan), where=tot > 0)


def weighted_median(positions: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Per-issue weighted median (the position whose cumulative weight first reaches half).

    The position of the lower median on ties; vectorised by sorting along the actor axis.

    >>> weighted_median(np.array([[0.0, 50.0, 100.0]]), np.array([[1.0, 1.0, 3.0]]))
    array([100.])
    """
    ok = _usable(positions, weights)
    p = np.where(ok, positions, np.inf)
    order = np.argsort(p, axis=1, kind="stable")
    ps = np.take_along_axis(p, order, axis=1)
    ws = np.take_along_axis(np.where(ok, weights, 0.0), order, axis=1)
    cum = np.cumsum(ws, axis=1)
    half = cum[:, -1:] / 2.0
    k = np.argmax(cum >= half - 1e-12 * cum[:, -1:], axis=1)
    med = ps[np.arange(len(ps)), k]
    return np.where(cum[:, -1] > 0, med, np.nan)


def _member_weights(d: DEUData, capability: str) -> np.ndarray:
    if capability == "qmv":
        return d.weights
    if capability == "equal_states":
        return (d.weights > 0).astype(float)
    if capability == "equal_all":
        return np.ones_like(d.weights)
    from negsim.errors import Problem, ScenarioError

    raise ScenarioError([Problem(
        f"expected 'qmv', 'equal_states' or 'equal_all', got {capability!r}",
        "validation.capability")])


def compromise(d: DEUData, capability: str = "qmv", salience_power: float = 1.0) -> np.ndarray:
    """Capability x salience weighted mean (the compromise model).

    ``capability``: ``"qmv"`` (Council votes, member states only), ``"equal_states"`` or
    ``"equal_all"`` (Commission and Parliament included); salience enters as
    ``salience ** salience_power``.
    """
    return weighted_mean(d.positions, _member_weights(d, capability) * d.saliences**salience_power)


def salience_mean(d: DEUData) -> np.ndarray:
    """Salience-weighted mean over all actors with equal capability."""
    return compromise(d, capability="equal_all")


def median(d: DEUData, capability: str = "qmv", salience_power: float = 1.0) -> np.ndarray:
    """Capability x salience weighted median (the Condorcet winner in one dimension)."""
    return weighted_median(
        d.positions, _member_weights(d, capability) * d.saliences**salience_power
    )


def midpoint(d: DEUData) -> np.ndarray:
    """50 on every issue."""
    return np.full(d.n_issues, 50.0)


def commission(d: DEUData) -> np.ndarray:
    """The Commission's initial position (NaN where it has none)."""
    return np.array(d.positions[:, d.actors.index("com")], dtype=float)


def reference(d: DEUData) -> np.ndarray:
    """The reference point (status quo), NaN where not coded."""
    return np.array(d.reference, dtype=float)


def expected_utility(
    d: DEUData,
    capability: str = "qmv",
    forecast: str = "median",
    rounds: int = 8,
    **options: object,
) -> np.ndarray:
    """Bueno de Mesquita's expected-utility model (:mod:`negsim.expected_utility`) per issue.

    Issues are the model's run axis. Actors weighted as in :func:`compromise` (``capability``);
    saliences rescaled to [0, 1]; the forecast is the weighted median (``"median"``) or mean
    (``"mean"``) of the last round. ``options`` go to :func:`negsim.expected_utility.simulate`,
    by default :data:`negsim.expected_utility.GOLDEN`.
    """
    from negsim import expected_utility as eu

    w = _member_weights(d, capability)
    sal = np.where(np.isfinite(d.saliences), d.saliences / 100.0, 0.0)
    opts = {**eu.GOLDEN, **options}
    series = eu.simulate(w, d.positions, sal, rounds, **opts)  # type: ignore[arg-type]
    med, mean = eu.summary(w, sal, series)
    return (med if forecast == "median" else mean)[:, -1]


def _packages(d: DEUData) -> tuple[np.ndarray, np.ndarray, int]:
    """Each issue's proposal (as a run index) and slot within it, and the most slots used."""
    _, run = np.unique(d.proposal, return_inverse=True)
    run = run.ravel()
    slot = np.zeros(d.n_issues, dtype=np.intp)
    seen: dict[int, int] = {}
    for i, r in enumerate(run):
        slot[i] = seen.get(int(r), 0)
        seen[int(r)] = slot[i] + 1
    return run, slot, int(slot.max()) + 1 if d.n_issues else 1


def nash(
    d: DEUData,
    capability: str = "qmv",
    disagreement: str = "reference",
    at_disagreement: str = "drop",
    power: str = "capability",
) -> np.ndarray:
    """Generalised Nash bargaining over each proposal's issues as one package.

    Each proposal is a bargaining problem (:func:`negsim.axiomatic.nash_outcome`) over its
    issues, on 0-100 scales. An actor weighted as in :func:`compromise` (``capability``) with a
    position and salience on an issue has there the weight ``s_ik / sum_k s_ik`` (its saliences
    over the proposal's issues) and linear-additive utility
    ``u_i(x) = 1 - sum_k w_ik |x_k - p_ik| / 100``. Bargaining power ``tau_i`` is its capability
    (``power="capability"``: Council votes, or 1 with ``capability="equal_all"``) or equal.

    ``disagreement``: ``"reference"``, the utility of the coded reference point, issue by issue,
    and where an issue has none the actor's worst outcome on it (the scale end furthest from its
    position); ``"worst"``, every actor's worst outcome on every issue (so ``d_i`` is its
    least possible utility, and an agreement always exists).

    ``at_disagreement`` is the stated fallback when an actor sits at the disagreement point
    (its position is the reference point on every issue it cares about, so ``d_i`` is its best
    utility and it gains from no move; the Nash product is then 0 on every other outcome):
    ``"veto"``, the axiomatic solution's own rule, fixes those issues at its position (the
    reference point stands on them); ``"drop"`` leaves it out of the product, since it has
    nothing to gain from the bargain; ``"worst"`` gives it its worst outcome as disagreement
    point instead. Issues nobody bargains over stay at the reference point (50 where none).
    """
    from negsim.axiomatic import nash_outcome
    from negsim.errors import Problem, ScenarioError

    problems = [
        Problem(f"expected one of {', '.join(map(repr, allowed))}, got {value!r}",
                f"validation.nash.{name}")
        for name, value, allowed in (("disagreement", disagreement, ("reference", "worst")),
                                     ("at_disagreement", at_disagreement,
                                      ("veto", "drop", "worst")),
                                     ("power", power, ("capability", "equal")))
        if value not in allowed]
    if problems:
        raise ScenarioError(problems)
    run, slot, K = _packages(d)
    R, n = int(run.max()) + 1 if d.n_issues else 0, len(d.actors)
    cap = _member_weights(d, capability)
    ok = _usable(d.positions, d.saliences) & (cap > 0)
    pos = np.full((R, n, K), 50.0)
    sal = np.zeros((R, n, K))
    ref = np.full((R, K), np.nan)
    pos[run, :, slot] = np.where(ok, d.positions, 50.0)
    sal[run, :, slot] = np.where(ok, d.saliences, 0.0)
    ref[run, slot] = d.reference
    tot = sal.sum(-1, keepdims=True)
    w = np.divide(sal, tot, out=np.zeros_like(sal), where=tot > 0)
    worst = np.maximum(pos, 100.0 - pos) / 100.0
    has_ref = np.isfinite(ref)[:, None, :] & (disagreement == "reference")
    delta = np.where(has_ref, np.abs(np.nan_to_num(ref)[:, None, :] - pos) / 100.0, worst)
    dis = 1.0 - (w * delta).sum(-1)
    cares = tot[..., 0] > 0
    at_d = cares & (dis >= 1.0 - 1e-12)
    if at_disagreement == "drop":
        w = np.where(at_d[..., None], 0.0, w)
        dis = np.where(at_d, 0.0, dis)
    elif at_disagreement == "worst":
        dis = np.where(at_d, 1.0 - (w * worst).sum(-1), dis)
    dis = np.where(w.sum(-1) > 0, dis, 0.0)
    cap_run = np.zeros((R, n))
    np.maximum.at(cap_run, run, np.where(ok, cap, 0.0))  # an actor's votes on its proposal
    tau = np.where(cap_run > 0, cap_run, 1.0) if power == "capability" else np.ones((R, n))
    sq = np.where(np.isfinite(ref), ref, 50.0)
    sol = nash_outcome(pos, w, np.ones((R, n)), np.zeros(K), np.full(K, 100.0), dis, sq,
                       power=tau)
    return np.asarray(sol.x[run, slot], dtype=float)


def smp(d: DEUData, capability: str = "qmv", turns: int = 0, **options: object) -> np.ndarray:
    """The spatial model of politics (:mod:`negsim.smp`) on each issue, issues as runs.

    Actors weighted as in :func:`compromise` (``capability``), saliences / 100; each issue is
    a one-dimensional SMP on 0-100. By default ``turns=0``: the forecast of the probabilistic
    Condorcet election over the initial positions. Ten turns of challenges and bargains take
    about 20 s on all 322 issues, too slow for the benchmark's calibration grid. Measured once:
    MAE 28.06 with Council votes (+3.45 [+1.77, +5.34] vs the compromise model) and 27.10 with
    equal capabilities (+2.49 [+0.46, +4.51]). ``options`` go to
    :class:`negsim.smp.SMPOptions`.
    """
    from negsim import smp as smp_model

    w = _member_weights(d, capability)
    ok = _usable(d.positions, d.saliences) & (w > 0)
    pos = np.where(ok, d.positions, 50.0)[:, :, None]
    sal = np.where(ok, d.saliences / 100.0, 0.0)[:, :, None]
    r = smp_model.simulate(np.where(ok, w, 0.0), pos, sal, 0.0, 100.0, turns=turns,
                           **options)
    return np.asarray(r.forecast[:, -1, 0], dtype=float)


PREDICTORS: dict[str, Predictor] = {
    "compromise": compromise,
    "salience_mean": salience_mean,
    "weighted_median": median,
    "midpoint": midpoint,
    "commission": commission,
    "reference": reference,
    "expected_utility": expected_utility,
    "nash": nash,
    "smp": smp,
}

#: Option grids searched by :func:`calibrate` (empty grid: nothing to tune).
GRIDS: dict[str, dict[str, Sequence[object]]] = {
    "compromise": {
        "capability": ("qmv", "equal_states", "equal_all"),
        "salience_power": (0.0, 0.5, 1.0, 2.0, 4.0),
    },
    "weighted_median": {
        "capability": ("qmv", "equal_states", "equal_all"),
        "salience_power": (0.0, 1.0, 2.0),
    },
    "expected_utility": {
        "capability": ("qmv", "equal_all"),
        "forecast": ("median", "mean"),
        "ties": ("both", "neither"),
    },
    "nash": {
        "capability": ("qmv", "equal_all"),
        "disagreement": ("reference", "worst"),
        "at_disagreement": ("veto", "drop", "worst"),
    },
    "smp": {
        "capability": ("qmv", "equal_all"),
        "pce": ("conditional", "markov"),
        "voting": ("proportional", "binary"),
    },
}


def score(pred: np.ndarray, outcome: np.ndarray) -> dict[str, float]:
    """MAE, median absolute error, RMSE, share within 10 and 20 points, and n scored.

    Issues where ``pred`` is NaN are left out.

    >>> s = score(np.array([0.0, 10.0, np.nan]), np.array([5.0, 40.0, 1.0]))
    >>> s["mae"], s["n"], s["within10"]
    (17.5, 2, 0.5)
    """
    e = np.abs(np.asarray(pred, float) - np.asarray(outcome, float))
    e = e[np.isfinite(e)]
    return {
        "mae": float(e.mean()),
        "median_ae": float(np.median(e)),
        "rmse": float(np.sqrt((e**2).mean())),
        "within10": float((e <= 10).mean()),
        "within20": float((e <= 20).mean()),
        "n": int(e.size),
    }


def bootstrap_difference(
    pred: np.ndarray,
    base: np.ndarray,
    outcome: np.ndarray,
    rng: np.random.Generator,
    n_boot: int = 2000,
    level: float = 0.95,
) -> dict[str, float]:
    """Paired bootstrap of MAE(pred) - MAE(base) over issues both forecast.

    Issues are resampled with replacement (same resample for both predictors); negative means
    ``pred`` is more accurate. Returns the point difference and the percentile interval.
    """
    ok = np.isfinite(pred) & np.isfinite(base) & np.isfinite(outcome)
    diff = np.abs(pred[ok] - outcome[ok]) - np.abs(base[ok] - outcome[ok])
    idx = rng.integers(0, diff.size, size=(n_boot, diff.size))
    boots = diff[idx].mean(axis=1)
    a = (1.0 - level) / 2.0
    lo, hi = np.quantile(boots, [a, 1.0 - a])
    return {"diff": float(diff.mean()), "lo": float(lo), "hi": float(hi), "n": int(diff.size)}


def split_proposals(d: DEUData, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A random half of the proposals for training, the rest for testing (bool masks)."""
    props = np.unique(d.proposal)
    train_props = rng.permutation(props)[: props.size // 2]
    train = np.isin(d.proposal, train_props)
    return train, ~train


def calibrate(
    d: DEUData,
    name: str,
    train: np.ndarray,
    grid: Mapping[str, Sequence[object]] | None = None,
) -> dict[str, object]:
    """Grid-search predictor ``name``'s options for the lowest MAE on the ``train`` issues."""
    grid = GRIDS.get(name, {}) if grid is None else grid
    fn = PREDICTORS[name]
    dt = d.subset(train)
    keys = list(grid)
    best: tuple[float, dict[str, object]] | None = None
    for values in itertools.product(*(grid[k] for k in keys)):
        opts = dict(zip(keys, values, strict=True))
        m = score(fn(dt, **opts), dt.outcome)["mae"]
        if best is None or m < best[0]:
            best = (m, opts)
    assert best is not None
    return best[1]


def split_sample(
    d: DEUData, names: Sequence[str], rng: np.random.Generator, n_splits: int = 1
) -> dict[str, dict[str, object]]:
    """Tune each predictor on half the proposals, score it on the other half (held out only).

    With ``n_splits > 1`` the held-out scores are averaged over independent splits, and the
    options of the last split are reported. ``held_out_vs_compromise`` is the paired bootstrap
    of the tuned predictor's MAE minus the untuned compromise model's on the first split's
    held-out half.
    """
    acc: dict[str, list[dict[str, float]]] = {n: [] for n in names}
    opts_of: dict[str, dict[str, object]] = {}
    held_pred: dict[str, list[np.ndarray]] = {n: [] for n in names}
    held_base: list[np.ndarray] = []
    held_out: list[np.ndarray] = []
    for _ in range(n_splits):
        train, test = split_proposals(d, rng)
        dtest = d.subset(test)
        held_base.append(PREDICTORS["compromise"](dtest))
        held_out.append(np.asarray(dtest.outcome))
        for n in names:
            opts = calibrate(d, n, train)
            opts_of[n] = opts
            pred = PREDICTORS[n](dtest, **opts)
            held_pred[n].append(pred)
            acc[n].append(score(pred, dtest.outcome))
    out: dict[str, dict[str, object]] = {}
    base, outc = held_base[0], held_out[0]
    for n in names:
        mean = {k: float(np.mean([s[k] for s in acc[n]])) for k in acc[n][0]}
        # Tuned predictor vs the untuned compromise model on the first split's held-out half.
        vs = bootstrap_difference(held_pred[n][0], base, outc, rng)
        out[n] = {"options": opts_of[n], "held_out": mean, "held_out_vs_compromise": vs}
    return out


def benchmark(
    names: Sequence[str] | None = None,
    rng: np.random.Generator | int | None = 0,
    n_boot: int = 2000,
    n_splits: int = 5,
) -> dict[str, dict[str, object]]:
    """The full table: scores, bootstrap difference from the compromise model, split sample."""
    rng = np.random.default_rng(rng)
    d = deu_sample(load_deu())
    names = list(PREDICTORS) if names is None else list(names)
    base = PREDICTORS["compromise"](d)
    preds = {n: PREDICTORS[n](d) for n in names}
    boot_rng, split_rng = rng.spawn(2)
    split = split_sample(d, names, split_rng, n_splits=n_splits)
    table: dict[str, dict[str, object]] = {}
    for n in names:
        table[n] = {
            **score(preds[n], d.outcome),
            "published_mae": PUBLISHED_MAE.get(n),
            "vs_compromise": bootstrap_difference(preds[n], base, d.outcome, boot_rng, n_boot),
            "split": split[n],
        }
    return table


def main(argv: Sequence[str] | None = None) -> int:
    """``benchmark deu [--engines ...] [--json] [--seed N]``; returns the exit status."""
    ap = argparse.ArgumentParser(prog="negsim benchmark")
    ap.add_argument("dataset", choices=["deu"])
    ap.add_argument("--engines", nargs="+", choices=sorted(PREDICTORS), default=None)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--splits", type=int, default=5, help="random proposal splits to average")
    args = ap.parse_args(list(argv) if argv is not None else None)
    table = benchmark(args.engines, rng=args.seed, n_splits=args.splits)
    if args.json:
        print(json.dumps(table, indent=2))
        return 0
    print(
        f"{'predictor':16} {'n':>4} {'MAE':>6} {'pub':>5} {'MedAE':>6} {'RMSE':>6} {'<=10':>5} "
        f"{'<=20':>5}  {'dMAE vs compromise [95% CI]':>28}  {'held-out MAE':>12}  "
        f"{'held-out dMAE [95% CI]':>24}"
    )
    for n, r in table.items():
        v = r["vs_compromise"]
        pub = r["published_mae"]
        held = r["split"]["held_out"]["mae"]  # type: ignore[index]
        hv = r["split"]["held_out_vs_compromise"]  # type: ignore[index]
        print(
            f"{n:16} {r['n']:>4} {r['mae']:6.2f} {pub if pub is not None else '':>5} "
            f"{r['median_ae']:6.2f} {r['rmse']:6.2f} {r['within10']:5.2f} {r['within20']:5.2f}  "
            f"{v['diff']:+7.2f} [{v['lo']:+6.2f}, {v['hi']:+6.2f}]      {held:12.2f}  "  # type: ignore[index]
            f"{hv['diff']:+7.2f} [{hv['lo']:+6.2f}, {hv['hi']:+6.2f}]"
        )
    return 0

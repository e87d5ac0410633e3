"""Results of a run: arrays with the run axis first, and what produced them.

A :class:`Result` carries the engine's name, its parameters, the seed and the scenario's hash, so
any result can be traced and replayed.
"""

from __future__ import annotations

from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

__all__ = ["Result"]


@attrs.frozen(eq=False, kw_only=True)
class Result:
    """The outcome of running one engine on one scenario, for ``R`` runs.

    Attributes
    ----------
    engine : str
    params : dict
        The engine's parameters, as plain values.
    seed : int or None
        The seed the run's generator was built from (None when the caller passed a Generator).
    scenario_hash : str
    scenario_title : str
    issue_ids, actor_ids : tuple of str
    issue_labels, actor_names : tuple of str
    outcome : ndarray, shape (R, K)
    agreement : ndarray of bool, shape (R,)
    round : ndarray of int, shape (R,)
        Round of agreement, -1 where none.
    utility : ndarray, shape (R, n)
    walk_away : ndarray, shape (R, n)
        Each actor's utility of no agreement, as the engine saw it.
    extras : dict of str to ndarray
    """

    engine: str
    params: dict[str, Any]
    seed: int | None
    scenario_hash: str
    scenario_title: str
    issue_ids: tuple[str, ...]
    actor_ids: tuple[str, ...]
    issue_labels: tuple[str, ...]
    actor_names: tuple[str, ...]
    outcome: NDArray[np.float64]
    agreement: NDArray[np.bool_]
    round: NDArray[np.int64]
    utility: NDArray[np.float64]
    walk_away: NDArray[np.float64]
    extras: dict[str, NDArray[Any]] = attrs.field(factory=dict)

    @property
    def n_runs(self) -> int:
        return int(self.outcome.shape[0])

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary: per-issue outcome and per-actor utility (run means if R > 1).

        With one run the values are that run's; with several, each entry has the mean and the
        5th and 95th percentiles across runs.
        """

        def stat(a: NDArray[Any]) -> Any:
            if self.n_runs == 1:
                return float(a[0])
            return {"mean": float(np.mean(a)), "p05": float(np.quantile(a, 0.05)),
                    "p95": float(np.quantile(a, 0.95))}

        return {
            "scenario": {"title": self.scenario_title, "hash": self.scenario_hash},
            "engine": self.engine,
            "parameters": self.params,
            "seed": self.seed,
            "runs": self.n_runs,
            "agreement": stat(self.agreement.astype(float)),
            "round": stat(self.round.astype(float)),
            "outcome": {k: stat(self.outcome[:, i]) for i, k in enumerate(self.issue_ids)},
            "utility": {a: stat(self.utility[:, i]) for i, a in enumerate(self.actor_ids)},
            "walk_away": {a: stat(self.walk_away[:, i]) for i, a in enumerate(self.actor_ids)},
            **({"extras": {k: np.asarray(v).mean(axis=0).tolist() for k, v in self.extras.items()}}
               if self.extras else {}),
        }

    def __repr__(self) -> str:
        share = float(self.agreement.mean()) if self.n_runs else float("nan")
        return (f"<Result {self.engine!r} on {self.scenario_title!r} "
                f"[{self.scenario_hash[:12]}]: {self.n_runs:,} run(s), seed {self.seed}, "
                f"agreement in {share:.0%}>")

    def _repr_html_(self) -> str:
        """Notebook display: the facts, then the outcome per issue and the terms per actor."""
        from negsim.display import html_block, html_table

        many = self.n_runs > 1

        def cols(a: NDArray[Any]) -> list[Any]:
            if not many:
                return [float(a[0])]
            return [float(np.mean(a)), float(np.quantile(a, 0.05)), float(np.quantile(a, 0.95))]

        spread = ["mean", "5%", "95%"] if many else ["value"]
        issues = html_table(["issue", *spread], (
            [label, *cols(self.outcome[:, i])] for i, label in enumerate(self.issue_labels)),
            caption="Outcome per issue")
        actors = html_table(["actor", "utility", "walk-away value", "gain"], (
            [name, float(self.utility[:, i].mean()), float(self.walk_away[:, i].mean()),
             float((self.utility[:, i] - self.walk_away[:, i]).mean())]
            for i, name in enumerate(self.actor_names)),
            caption="Terms per actor" + (" (means over runs)" if many else ""))
        facts = [("engine", self.engine), ("runs", self.n_runs), ("seed", self.seed),
                 ("scenario", self.scenario_hash[:12]),
                 ("agreement", f"{float(self.agreement.mean()):.0%}")]
        if self.params:
            facts.append(("parameters", ", ".join(f"{k}={v}" for k, v in self.params.items())))
        return html_block(self.scenario_title, facts, [issues, actors])

    def summary(self) -> str:
        """A readable summary with issue labels (run means if R > 1)."""
        lines = [f"{self.scenario_title}  [scenario {self.scenario_hash[:12]}]",
                 f"engine: {self.engine}  runs: {self.n_runs}  seed: {self.seed}"]
        if self.params:
            lines.append("parameters: " + ", ".join(f"{k}={v}" for k, v in self.params.items()))
        share = float(self.agreement.mean())
        lines.append(f"agreement: {share:.0%} of runs")
        lines.append("")
        lines.append("Outcome per issue")
        width = max(len(s) for s in self.issue_labels)
        for i, label in enumerate(self.issue_labels):
            col = self.outcome[:, i]
            spread = (f"   (5-95%: {np.quantile(col, 0.05):6.1f} - {np.quantile(col, 0.95):6.1f})"
                      if self.n_runs > 1 else "")
            lines.append(f"  {label:<{width}}  {col.mean():6.1f}{spread}")
        lines.append("")
        lines.append("Utility per actor (walk-away value in brackets)")
        width = max(len(s) for s in self.actor_names)
        for i, name in enumerate(self.actor_names):
            lines.append(f"  {name:<{width}}  {self.utility[:, i].mean():.3f}  "
                         f"[{self.walk_away[:, i].mean():.3f}]")
        powers = {k[len("power."):]: v for k, v in self.extras.items() if k.startswith("power.")}
        if powers:
            lines.append("")
            lines.append("Shapley-Shubik power inside each coalition")
            for cid, v in powers.items():
                lines.append(f"  {cid}: " + ", ".join(f"{x:.3f}" for x in np.asarray(v)[0]))
        return "\n".join(lines)

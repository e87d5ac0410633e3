"""Where each number of a scenario comes from: ``negsim sources``.

Every numeric parameter (:func:`negsim.paths.numeric_parameters`) is traced to its citation: the
most specific ``cite`` entry of the object that holds it (``position.donbas`` before
``position``), else the object's own ``sources`` and ``assumption``. Each parameter is then
*sourced* (cited facts, no assumption), *sourced with an assumption* (facts support it, a stated
judgement sets the number), *assumption* (a stated reason, no facts) or *unsourced*.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

from negsim.paths import numeric_parameters, resolve
from negsim.scenario import Scenario

__all__ = ["STATUSES", "Provenance", "provenance_report", "summary_counts"]

STATUSES = ("sourced", "sourced+assumption", "assumption", "unsourced")


@attrs.frozen
class Provenance:
    """One parameter and where its value comes from."""

    path: str
    value: float
    sources: tuple[str, ...]
    assumption: str
    status: str


def _holder(s: Scenario, path: str) -> tuple[Any, str]:
    """The object carrying provenance for ``path`` and the path relative to it."""
    parts = path.split(".")
    if parts[0] in ("issues", "actors", "coalitions", "levers"):
        return resolve(s, ".".join(parts[:2])), ".".join(parts[2:])
    return resolve(s, parts[0]), ".".join(parts[1:])


def _citation(obj: Any, rel: str) -> tuple[tuple[str, ...], str]:
    parts = rel.split(".")
    for n in range(len(parts), 0, -1):
        key = ".".join(parts[:n])
        if key in obj.cite:
            c = obj.cite[key]
            return c.sources, c.assumption
    return obj.sources, obj.assumption


def provenance_report(scenario: Scenario) -> list[Provenance]:
    """Every numeric parameter of ``scenario`` with its sources, assumption and status."""
    rows = []
    for p in numeric_parameters(scenario):
        obj, rel = _holder(scenario, p.path)
        sources, assumption = _citation(obj, rel)
        assumption = assumption.strip()
        status = ("sourced+assumption" if sources and assumption else "sourced" if sources
                  else "assumption" if assumption else "unsourced")
        rows.append(Provenance(p.path, p.value, tuple(sources), assumption, status))
    return rows


def summary_counts(rows: list[Provenance]) -> dict[str, Any]:
    """Counts per status and the share of parameters that rest on an assumption."""
    counts = Counter(r.status for r in rows)
    total = len(rows)
    resting = counts["assumption"] + counts["sourced+assumption"] + counts["unsourced"]
    return {
        "parameters": total,
        **{s: counts[s] for s in STATUSES},
        "assumption_share": resting / total if total else 0.0,
        "assumption_only_share": (counts["assumption"] + counts["unsourced"]) / total
        if total else 0.0,
    }

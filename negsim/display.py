"""Rich display: compact HTML tables for notebooks, and the plain text beside them.

Jupyter shows an object's ``_repr_html_`` when it has one. negsim's objects build theirs from
the small helpers here: :func:`html_table` (escaped cells, numbers right-aligned) and
:func:`html_block` (a title, a line of facts, then tables). No styling beyond a few inline
rules, so the output reads the same in JupyterLab, VS Code and a static HTML export.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

__all__ = ["fmt", "html_block", "html_table", "scenario_html"]

_TABLE = "border-collapse:collapse;margin:0.3em 0"
_CELL = "padding:0.15em 0.6em;border-bottom:1px solid #ddd"


def fmt(value: Any, digits: int = 3) -> str:
    """A compact text form of a number (``digits`` significant), or ``str(value)``."""
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return f"{int(value):,}"
    if isinstance(value, float | np.floating):
        v = float(value)
        if not np.isfinite(v):
            return str(v)
        if v != 0.0 and (abs(v) >= 1e6 or abs(v) < 10.0 ** -(digits + 1)):
            return f"{v:.{digits}g}"
        return f"{v:.{digits}g}" if abs(v) < 1 else f"{v:,.{max(digits - 2, 1)}f}"
    return str(value)


def html_table(header: Sequence[str], rows: Iterable[Sequence[Any]],
               caption: str = "") -> str:
    """An HTML table; every cell is escaped, numbers are formatted and right-aligned."""
    def cell(tag: str, v: Any) -> str:
        numeric = isinstance(v, int | float | np.integer | np.floating) and not isinstance(
            v, bool | np.bool_)
        align = "right" if numeric else "left"
        return (f'<{tag} style="{_CELL};text-align:{align}">'
                f"{html.escape(fmt(v) if numeric else str(v))}</{tag}>")

    parts = [f'<table style="{_TABLE}">']
    if caption:
        parts.append(f'<caption style="text-align:left;font-weight:bold">'
                     f"{html.escape(caption)}</caption>")
    parts.append("<thead><tr>" + "".join(cell("th", h) for h in header) + "</tr></thead>")
    parts.append("<tbody>")
    for r in rows:
        parts.append("<tr>" + "".join(cell("td", v) for v in r) + "</tr>")
    parts.append("</tbody></table>")
    return "".join(parts)


def html_block(title: str, facts: Sequence[tuple[str, Any]], tables: Sequence[str]) -> str:
    """A titled block: the title, a line of ``name: value`` facts, then the tables."""
    line = " &middot; ".join(f"<b>{html.escape(k)}</b> {html.escape(fmt(v))}" for k, v in facts)
    return (f"<div><div style=\"font-weight:bold;font-size:1.1em\">{html.escape(title)}</div>"
            f"<div style=\"color:#555\">{line}</div>{''.join(tables)}</div>")


def scenario_html(scenario: Any) -> str:
    """Notebook display of a scenario: its facts, then tables of issues, actors and levers."""
    from negsim.provenance import provenance_report, summary_counts

    counts = summary_counts(provenance_report(scenario))
    facts: list[tuple[str, Any]] = [
        ("scenario", scenario.hash[:12]), ("issues", len(scenario.issues)),
        ("actors", len(scenario.actors)), ("coalitions", len(scenario.coalitions)),
        ("levers", len(scenario.levers)), ("variants", len(scenario.variants)),
        ("horizon", f"{scenario.time.horizon} {scenario.time.step}s")]
    if counts["parameters"]:
        facts.append(("parameters", f"{counts['parameters']}: {counts['sourced']} sourced, "
                      f"{counts['sourced+assumption']} sourced with an assumption, "
                      f"{counts['assumption']} assumption only, "
                      f"{counts['unsourced']} unsourced"))
    issue_ids = scenario.issue_ids
    issues = html_table(
        ["issue", "label", "status quo", "scale", "low end", "high end"],
        ([i.id, i.label, i.status_quo, f"{i.scale[0]:g}-{i.scale[1]:g}", i.low_label,
          i.high_label] for i in scenario.issues), caption="Issues")
    actors = html_table(
        ["actor", "name", "capability", *issue_ids],
        ([a.id, a.name, a.capability, *(
            f"{a.position[k]:g} ({a.salience.get(k, 0.0):.2g})" if k in a.position else ""
            for k in issue_ids)] for a in scenario.actors),
        caption="Actors: position (salience) per issue")
    tables = [issues, actors]
    if scenario.levers:
        tables.append(html_table(
            ["lever", "owner", "kind", "level", "range", "issue", "credibility"],
            ([lv.id, lv.owner, lv.kind, lv.level, f"{lv.range[0]:g}-{lv.range[1]:g}",
              lv.issue or "", lv.credibility] for lv in scenario.levers), caption="Levers"))
    return html_block(scenario.title, facts, tables)

"""Rich display of results: the HTML holds the tables a notebook user expects, escaped."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest

import negsim
from negsim.display import fmt, html_table


class Cells(HTMLParser):
    """The text of every table cell, row by row, per table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell))
            self._cell = None

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> list[list[list[str]]]:
    p = Cells()
    p.feed(html)
    return p.tables


@pytest.fixture(scope="module")
def reference() -> negsim.Scenario:
    return negsim.load("scenarios/eu-russia-2026.toml")


def test_result_html_has_the_outcome_and_the_terms(reference: negsim.Scenario) -> None:
    r = negsim.run(reference, "compromise", rng=7)
    html = r._repr_html_()
    outcome, terms = tables(html)
    assert [row[0] for row in outcome[1:]] == list(r.issue_labels)
    assert [float(row[1]) for row in outcome[1:]] == pytest.approx(
        r.outcome[0].tolist(), abs=0.06)  # shown to one decimal for values above 1
    assert [row[0] for row in terms[1:]] == list(r.actor_names)
    assert [float(row[1]) for row in terms[1:]] == pytest.approx(r.utility[0].tolist(), abs=6e-4)
    assert r.scenario_hash[:12] in html
    assert re.search(r"<b>seed</b> 7\b", html)


def test_result_html_with_many_runs_shows_the_spread(reference: negsim.Scenario) -> None:
    r = negsim.run(reference, "compromise", rng=0, n_runs=5,
                   overrides={"actors.russia.capability": np.linspace(0.2, 1.0, 5)})
    outcome, _ = tables(r._repr_html_())
    assert outcome[0] == ["issue", "mean", "5%", "95%"]
    for row, i in zip(outcome[1:], range(len(r.issue_ids)), strict=True):
        lo, hi = np.quantile(r.outcome[:, i], [0.05, 0.95])
        assert float(row[2]) == pytest.approx(lo, abs=0.06)
        assert float(row[3]) == pytest.approx(hi, abs=0.06)


def test_plain_repr_is_one_line(reference: negsim.Scenario) -> None:
    r = negsim.run(reference, "compromise", rng=3)
    text = repr(r)
    assert "\n" not in text and "compromise" in text and "seed 3" in text


def test_cells_are_escaped() -> None:
    html = html_table(["<b>", "n"], [["a & <script>", 1.5]])
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert tables(html) == [[["<b>", "n"], ["a & <script>", "1.5"]]]


@pytest.mark.parametrize(("value", "text"), [
    (0.123456, "0.123"), (12.3456, "12.3"), (1234.5, "1,234.5"), (2e7, "2e+07"),
    (1e-6, "1e-06"), (0.0, "0"), (7, "7"), (True, "yes"), (float("nan"), "nan"),
])
def test_numbers_are_compact(value: object, text: str) -> None:
    assert fmt(value) == text


def test_scenario_html_has_its_issues_actors_and_levers(reference: negsim.Scenario) -> None:
    from negsim.display import scenario_html

    html = scenario_html(reference)
    issues, actors, levers = tables(html)
    assert [row[0] for row in issues[1:]] == list(reference.issue_ids)
    assert [row[1] for row in issues[1:]] == [i.label for i in reference.issues]
    assert [row[0] for row in actors[1:]] == list(reference.actor_ids)
    russia = next(row for row in actors if row[0] == "russia")
    donbas = actors[0].index("donbas")
    a = reference.actor("russia")
    assert russia[donbas] == f"{a.position['donbas']:g} ({a.salience['donbas']:.2g})"
    assert [row[0] for row in levers[1:]] == [lv.id for lv in reference.levers]
    assert reference.hash[:12] in html


def test_a_scenario_displays_its_tables_in_a_notebook(reference: negsim.Scenario) -> None:
    from negsim.display import scenario_html

    assert reference._repr_html_() == scenario_html(reference)

"""``negsim report``: a Markdown report with PNG figures, checked end to end."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest

import negsim
from negsim.cli import main
from negsim.provenance import provenance_report, summary_counts
from negsim.report import front_data, lever_table, write_report

CHOSEN = ["eu_at_table", "ceasefire_dmz"]
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def war_report(tmp_path_factory) -> Path:
    """A report written by the command line: war engine, two variants, few runs."""
    out = tmp_path_factory.mktemp("report")
    assert main(["report", "--out", str(out), "--engine", "war", "--runs", "32",
                 "--seed", "1", "--variants", *CHOSEN]) == 0
    return out


def test_report_files_exist_and_pngs_are_images(war_report: Path) -> None:
    """report.md and every figure it shows are in the directory, each figure a non-empty PNG."""
    md = (war_report / "report.md").read_text(encoding="utf-8")
    shown = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", md)
    assert set(shown) >= {"outcomes.png", "timeline.png", "levers.png", "compare_agreement.png",
                          "compare_terms.png", "compare_gain.png"}
    for name in shown:
        data = (war_report / name).read_bytes()
        assert data[:8] == PNG and len(data) > 5_000, name


def test_report_mentions_variants_sources_and_assumption_share(war_report: Path,
                                                               reference) -> None:
    """The report names every compared variant with its sources, every digest, and the share
    of parameters resting on assumptions as negsim sources computes it."""
    md = (war_report / "report.md").read_text(encoding="utf-8")
    share = summary_counts(provenance_report(reference))["assumption_share"]
    assert f"Assumption share: {share:.0%}" in md
    for d in reference.sources:
        assert d in md
    for v in CHOSEN:
        assert f"`{v}`" in md
        for src in reference.variant(v).sources:
            assert src in md
    for section in ("## Outcomes per issue", "## Timelines", "## Lever effects",
                    "## Variant comparison"):
        assert section in md
    assert "nan" not in md.lower().replace("nano", "")


def test_report_numbers_are_those_of_the_run(war_report: Path, reference) -> None:
    """The outcome table's means are those of the baseline run on the same seed and draws."""
    md = (war_report / "report.md").read_text(encoding="utf-8")
    rng = np.random.default_rng(np.random.SeedSequence(1, spawn_key=(0,)))
    ov = {u.path: u.sample(rng, 32) for u in reference.uncertainties}
    r = negsim.run(reference, "war", rng=1, n_runs=32, overrides=ov)
    section = md[md.index("## Outcomes per issue"):md.index("## Timelines")]
    rows = {line.split(" | ")[0].lstrip("| "): line.split(" | ")
            for line in section.splitlines() if line.startswith("| ")}
    for k, issue in enumerate(reference.issues):
        mean = float(rows[issue.label][2].replace(",", ""))
        assert mean == pytest.approx(r.outcome[:, k].mean(), abs=0.051)
    assert f"Agreement within the horizon in **{r.agreement.mean():.0%}**" in md


def test_front_and_levers_data(reference) -> None:
    """The front starts where the scenario says; lever levels and costs follow the file: EU
    sanctions at 0.8 from round 0, costing 0.002 per unit and round; sanctions relief never
    active while the fighting goes on (it needs a deal in force)."""
    r = negsim.run(reference, "war", rng=0, n_runs=16)
    d = front_data(r)
    assert d["fighting"][0] == 1.0
    assert d["p05"][0] <= reference.war.front_start + 1.0  # one round's moves at most
    assert np.nanmax(d["p95"]) <= reference.war.front_scale[1]
    rows = {row["id"]: row for row in lever_table(r, reference)}
    assert rows["eu_sanctions"]["first_round_level"] == pytest.approx(0.8)
    played = np.where(r.agreement, r.round + 1, reference.time.horizon)
    assert rows["eu_sanctions"]["final_cost"] == pytest.approx(0.002 * 0.8 * played.mean())
    assert rows["sanctions_relief"]["active_share"] == 0.0
    with pytest.raises(negsim.NegsimError, match="'war' engine"):
        front_data(negsim.run(reference, "compromise", rng=0, n_runs=2))


def test_report_with_a_one_step_engine(tmp_path: Path, reference) -> None:
    """A non-war engine gives a report without front or lever records, saying why."""
    md_path = write_report(reference, tmp_path / "nash", engine="nash", runs=8, seed=0,
                           variants=["phased_accession"])
    md = md_path.read_text(encoding="utf-8")
    assert "records no front" in md and "does not apply levers" in md
    assert "`phased_accession`" in md
    assert not (tmp_path / "nash" / "levers.png").exists()
    assert (tmp_path / "nash" / "timeline.png").read_bytes()[:8] == PNG


def test_report_refuses_a_file_as_directory(tmp_path: Path, reference, capsys) -> None:
    """An output path that is a file is refused with the path named."""
    f = tmp_path / "taken"
    f.write_text("x")
    with pytest.raises(negsim.NegsimError, match="not a directory"):
        write_report(reference, f, engine="compromise", runs=2, variants=[])
    assert main(["report", "--out", str(f), "--engine", "compromise", "--runs", "2"]) == 1
    assert "not a directory" in capsys.readouterr().err

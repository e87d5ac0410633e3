"""`negsim run --runs` and `negsim sweep`: ensembles from the command line."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import negsim
from negsim._resources import reference_scenario
from negsim.cli import main
from negsim.ensemble import EnsembleResult, run_ensemble


def test_run_with_runs_prints_the_ensembles_statistics(capsys):
    assert main(["run", "--runs", "500", "--seed", "3", "--engine", "nash", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    e = run_ensemble(negsim.load(reference_scenario()), 500, "nash", seed=3, progress=False)
    stats = out["variants"]["baseline"]
    assert out["runs"] == 500 and out["seed"] == 3 and out["engine"] == "nash"
    assert stats["agreement"]["mean"] == pytest.approx(float(e.agreement.mean()))
    for i, issue in enumerate(e.issue_ids):
        x = e.outcome[:, i]
        assert stats[f"outcome.{issue}"]["mean"] == pytest.approx(float(x.mean()))
        assert stats[f"outcome.{issue}"]["p05"] == pytest.approx(float(np.quantile(x, 0.05)))
        assert np.isfinite(stats[f"outcome.{issue}"]["lo"])
    assert main(["run", "--runs", "300", "--seed", "3"]) == 0
    text = capsys.readouterr().out
    assert "agreement: 100.0%" in text and "95% CI" in text and "Rest of Donetsk" in text


def test_workers_do_not_change_the_numbers():
    """Two worker processes (the CLI's process pool, in a fresh interpreter) print exactly
    what one process prints."""
    def cli(*args):
        done = subprocess.run([sys.executable, "-m", "negsim.cli", *args], capture_output=True,
                              text=True, check=True)
        return json.loads(done.stdout)

    common = ["run", "--runs", "9000", "--seed", "8", "--engine", "war", "--json"]
    one, two = cli(*common), cli(*common, "--workers", "2")
    assert one == two


def test_sweep_writes_a_grid_crossed_with_samples(tmp_path, capsys):
    out = tmp_path / "sweep.npz"
    assert main(["sweep", "--vary", "levers.eu_sanctions.level=0,0.5,1",
                 "--vary", "levers.energy_purchases.level=0,1", "--runs", "20",
                 "--engine", "compromise", "--seed", "1", "--out", str(out)]) == 0
    assert f"wrote 120 runs to {out}" in capsys.readouterr().out
    e = EnsembleResult.load(out)
    assert e.dims == ("levers.eu_sanctions.level", "levers.energy_purchases.level", "sample")
    assert e.shape == (3, 2, 20) and e.seed == 1 and e.engine == "compromise"
    assert e.scenario_hash == negsim.load(reference_scenario()).hash
    np.testing.assert_array_equal(e.coords["levers.eu_sanctions.level"], [0.0, 0.5, 1.0])
    assert np.isfinite(e.outcome).all() and not e.failed.any()
    csv = tmp_path / "sweep.csv"
    assert main(["sweep", "--vary", "actors.russia.cost=0.01,0.02", "--engine", "nash",
                 "--out", str(csv), "--seed", "0"]) == 0
    lines = csv.read_text().splitlines()
    assert len(lines) == 3 and "actors.russia.cost" in lines[0] and "outcome.donbas" in lines[0]


@pytest.mark.parametrize(("args", "message"), [
    (["sweep", "--vary", "levers.eu_sanctions.level=a", "--out", "x.npz"], "must be numbers"),
    (["sweep", "--vary", "levers.eu_sanctions.level", "--out", "x.npz"], "PATH=v1,v2"),
    (["sweep", "--vary", "levers.nope.level=1", "--out", "x.npz"], "cannot vary"),
    (["sweep", "--vary", "actors.russia.cost=1", "--out", "x.txt"], ".npz, .nc"),
    (["sweep", "--vary", "actors.russia.cost=1", "--out", "no/such/dir/x.npz"],
     "no directory"),
    (["run", "--workers", "2"], "--workers needs --runs"),
    (["run", "--runs", "0"], "at least 1"),
])
def test_bad_ensemble_arguments_exit_1_naming_the_problem(args, message, capsys, tmp_path,
                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing half-written

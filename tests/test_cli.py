"""The negsim command line, run as a user would: exit codes, output, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from negsim.cli import main
from negsim.engines import available

BROKEN = Path(__file__).resolve().parent / "data" / "broken"


def negsim_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "negsim.cli", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    """--version prints the package version."""
    import negsim

    with pytest.raises(SystemExit) as info:
        main(["--version"])
    assert info.value.code == 0
    assert negsim.__version__ in capsys.readouterr().out


@pytest.mark.parametrize("command", ["validate", "run", "sweep", "sources", "engines"])
def test_help_on_every_command(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Every command has --help."""
    with pytest.raises(SystemExit) as info:
        main([command, "--help"])
    assert info.value.code == 0
    assert "usage: negsim" in capsys.readouterr().out


def test_validate_ok(reference_path: Path, toy_path: Path) -> None:
    """validate exits 0 on valid files and says so for each."""
    out = negsim_cli("validate", str(reference_path), str(toy_path))
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("ok: ") == 2


def test_validate_lists_every_error_without_traceback() -> None:
    """validate exits 1, lists each problem with its place, and never shows a traceback."""
    out = negsim_cli("validate", str(BROKEN / "ranges.toml"), str(BROKEN / "syntax.toml"))
    assert out.returncode == 1
    assert "Traceback" not in out.stderr
    assert "salience must be in [0, 1], got 1.5 @ actors.russia.salience.donbas" in out.stderr
    assert "(line 6, column 13)" in out.stderr


def test_strict_validate_fails_on_unsourced(toy_path: Path, tmp_path: Path) -> None:
    """--strict fails a file with a parameter that has neither source nor assumption."""
    text = toy_path.read_text().replace('[time]\nassumption = "hand-made test case"\n', "")
    path = tmp_path / "t.toml"
    path.write_text(text)
    assert negsim_cli("validate", str(path)).returncode == 0
    out = negsim_cli("validate", "--strict", str(path))
    assert out.returncode == 1 and "without source or assumption" in out.stdout


def test_run_default_is_the_bundled_reference(tmp_path: Path) -> None:
    """run with no file runs the bundled reference scenario, from any directory."""
    out = negsim_cli("run", "--seed", "1", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "engine: compromise" in out.stdout
    assert "Outcome per issue" in out.stdout


def test_run_json(reference) -> None:
    """--json prints hash, engine, parameters, seed, per-issue outcome and per-actor utility."""
    out = negsim_cli("run", "--json", "--seed", "7")
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["scenario"]["hash"] == reference.hash
    assert data["engine"] == "compromise" and data["seed"] == 7
    assert set(data["outcome"]) == set(reference.issue_ids)
    assert set(data["utility"]) == set(reference.actor_ids)
    assert all(0.0 <= v <= 1.0 for v in data["utility"].values())


def test_run_unknown_engine_exits_1(reference_path: Path) -> None:
    """An unknown engine is a clear error with exit 1."""
    out = negsim_cli("run", str(reference_path), "--engine", "nashh")
    assert out.returncode == 1
    assert "no engine 'nashh'" in out.stderr and "Traceback" not in out.stderr


def test_run_bad_file_exits_1() -> None:
    """run on a broken file lists the problems and exits 1."""
    out = negsim_cli("run", str(BROKEN / "dangling.toml"))
    assert out.returncode == 1 and "unknown issue 'crimea'" in out.stderr


def test_sources_accounts_for_every_parameter(reference_path: Path, reference) -> None:
    """sources lists every numeric parameter, none unsourced, and the assumption share."""
    from negsim.paths import numeric_parameters

    out = negsim_cli("sources", "--json", str(reference_path))
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    paths = [p["path"] for p in data["parameters"]]
    assert paths == [p.path for p in numeric_parameters(reference)]
    assert data["summary"]["unsourced"] == 0
    assert 0.0 < data["summary"]["assumption_share"] <= 1.0
    text = negsim_cli("sources", str(reference_path)).stdout
    assert "Share resting on assumptions" in text


def test_engines_lists_each_engine() -> None:
    """engines prints one line per registered engine."""
    out = negsim_cli("engines")
    assert out.returncode == 0
    assert len(out.stdout.strip().splitlines()) == len(available())


def test_import_is_light() -> None:
    """`import negsim` imports neither matplotlib nor hypothesis (nor scipy)."""
    code = ("import sys, negsim; heavy = [m for m in sys.modules if m.split('.')[0] in "
            "('matplotlib', 'hypothesis', 'scipy', 'dask', 'pandas', 'xarray')]; print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


@pytest.mark.parametrize("engine", [e.name for e in available()])
def test_every_engine_runs_on_the_reference_or_says_why(engine: str,
                                                        reference_path: Path) -> None:
    """`negsim run --engine NAME` on the reference scenario: a result, or exit 1 with a reason
    that names the engine and the scenario, never a traceback."""
    out = negsim_cli("run", str(reference_path), "--engine", engine, "--seed", "3", "--json")
    assert "Traceback" not in out.stderr
    if out.returncode == 0:
        data = json.loads(out.stdout)
        assert data["engine"] == engine
        assert all(np.isfinite(v) for v in data["outcome"].values())
    else:
        assert out.returncode == 1
        assert f"engine {engine!r} cannot run scenario" in out.stderr


def test_benchmark_deu_scores_the_published_baselines(capsys) -> None:
    """`negsim benchmark deu --json` reproduces SOURCES.md's MAE figures to within 0.1."""
    import json

    from negsim.cli import main

    assert main(["benchmark", "deu", "--engines", "compromise", "midpoint", "--json",
                 "--splits", "1"]) == 0
    table = json.loads(capsys.readouterr().out)
    assert abs(table["compromise"]["mae"] - 24.6) < 0.1
    assert abs(table["midpoint"]["mae"] - 28.2) < 0.1
    assert table["compromise"]["n"] == 322


def test_benchmark_refuses_an_unknown_predictor(capsys) -> None:
    import pytest

    from negsim.cli import main

    with pytest.raises(SystemExit) as info:
        main(["benchmark", "deu", "--engines", "oracle"])
    assert info.value.code != 0
    assert "oracle" in capsys.readouterr().err

"""Scenario files: round trips, located errors, golden messages."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest
from hypothesis import given

import negsim
from negsim import ScenarioError
from negsim.io import from_dict, loads, scenario_hash, to_dict
from negsim.strategies import invalid_documents, scenarios

BROKEN = Path(__file__).resolve().parent / "data" / "broken"


@given(scenarios())
def test_round_trip(s: negsim.Scenario) -> None:
    """Writing a valid scenario to TOML and reading it back gives an equal scenario."""
    assert loads(negsim.dumps(s), check_sources=False) == s


@given(scenarios())
def test_hash_is_a_function_of_content(s: negsim.Scenario) -> None:
    """The hash survives a round trip and changes when any number changes."""
    again = loads(negsim.dumps(s), check_sources=False)
    assert scenario_hash(again) == scenario_hash(s)
    a = s.actors[0]
    changed = attrs.evolve(s, actors=(attrs.evolve(a, capability=a.capability + 1.0),
                                      *s.actors[1:]))
    assert scenario_hash(changed) != scenario_hash(s)


def test_hash_is_stable_across_processes(toy_path: Path) -> None:
    """The hash is pinned: it does not depend on the process, the machine or dict order."""
    import subprocess
    import sys

    code = f"import negsim; print(negsim.load({str(toy_path)!r}).hash)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True, env={"PYTHONHASHSEED": "123"})
    assert out.stdout.strip() == negsim.load(toy_path).hash


@given(invalid_documents())
def test_invalid_documents_raise_scenario_error_at_the_place(case: tuple) -> None:
    """A malformed document raises ScenarioError, naming the broken place, and nothing else."""
    document, path, kind = case
    with pytest.raises(ScenarioError) as info:
        if isinstance(document, str):
            loads(document, check_sources=False)
        else:
            from_dict(document, check_sources=False)
    if path:
        assert path in info.value.paths, (kind, str(info.value))
    if kind in ("truncated", "duplicate_id"):
        assert info.value.problems[0].line is not None


@pytest.mark.parametrize("name", sorted(p.stem for p in BROKEN.glob("*.toml")))
def test_golden_messages(name: str) -> None:
    """Each broken file lists exactly the pinned problems, in order."""
    with pytest.raises(ScenarioError) as info:
        negsim.load(BROKEN / f"{name}.toml")
    lines = str(info.value).splitlines()
    expected = (BROKEN / f"{name}.expected").read_text(encoding="utf-8").splitlines()
    assert lines[1:] == expected


def test_unknown_key_names_the_nearest_valid_key() -> None:
    """A misspelt key is reported with the key that was probably meant."""
    with pytest.raises(ScenarioError) as info:
        negsim.load(BROKEN / "unknown_keys.toml")
    assert "unknown key 'salence' (did you mean 'salience'?)" in str(info.value)


def test_syntax_error_has_line_and_column() -> None:
    """TOML syntax errors carry the line and column of the fault."""
    with pytest.raises(ScenarioError) as info:
        negsim.load(BROKEN / "syntax.toml")
    (problem,) = info.value.problems
    assert (problem.line, problem.column) == (6, 13)


def test_missing_schema_version() -> None:
    """A document without the schema version is rejected, naming the key."""
    with pytest.raises(ScenarioError, match="schema"):
        loads('title = "x"\n')


def test_future_schema_version() -> None:
    """A document of a newer schema is refused rather than misread."""
    with pytest.raises(ScenarioError, match="unsupported schema version 2"):
        loads('schema = 2\ntitle = "x"\n')


def test_unreadable_file(tmp_path: Path) -> None:
    """A missing file is a ScenarioError naming the file, not an OSError."""
    with pytest.raises(ScenarioError, match="cannot read"):
        negsim.load(tmp_path / "nope.toml")


def test_evolve_revalidates(toy_path: Path) -> None:
    """attrs.evolve re-runs the validators: an out-of-range what-if is refused."""
    s = negsim.load(toy_path)
    a = s.actor("a")
    with pytest.raises(ScenarioError, match=r"salience must be in \[0, 1\]"):
        attrs.evolve(a, salience={"border": 2.0, "trade": 0.2})
    with pytest.raises(ScenarioError, match="unknown issue 'nowhere'"):
        moved = attrs.evolve(a, position={"nowhere": 1.0}, salience={})
        attrs.evolve(s, actors=(moved, *s.actors[1:]))


def test_scenarios_are_hashable_values(toy_path: Path) -> None:
    """Two loads of one file are equal and hash alike (usable as dict keys)."""
    a, b = negsim.load(toy_path), negsim.load(toy_path)
    assert a == b and hash(a) == hash(b)
    assert {a: 1}[b] == 1


def test_to_dict_is_toml_ready(toy_path: Path) -> None:
    """The document form holds only TOML types and keys tables by id."""
    doc = to_dict(negsim.load(toy_path))
    assert list(doc["actors"]) == ["a", "b", "c"]
    assert "id" not in doc["actors"]["a"]
    assert doc["schema"] == 1

"""The scenario model: values, variants, paths, coalitions, levers."""

from __future__ import annotations

from pathlib import Path

import pytest

import negsim
from negsim import Coalition, Condition, Lever, ScenarioError, Step
from negsim.paths import numeric_parameters, resolve


def test_variant_applies_and_revalidates(toy_path: Path) -> None:
    """A variant sets values at paths and the result is validated again."""
    s = negsim.load(toy_path)
    doc = negsim.io.to_dict(s)
    doc["variants"] = {
        "hawk": {"label": "A hardens", "set": {"actors.a.capability": 9.0,
                                               "table.negotiators": ["a", "b", "c"]}},
        "broken": {"label": "out of range", "set": {"actors.a.salience.border": 3.0}},
    }
    s2 = negsim.io.from_dict(doc)
    hawk = s2.with_variant("hawk")
    assert hawk.actor("a").capability == 9.0
    assert hawk.table.negotiators == ("a", "b", "c")
    with pytest.raises(ScenarioError, match=r"salience must be in \[0, 1\], got 3"):
        s2.with_variant("broken")
    with pytest.raises(KeyError, match="did you mean 'hawk'"):
        s2.with_variant("hwak")


def test_paths_resolve_like_the_file_reads(toy_path: Path) -> None:
    """Dotted paths walk tables by id, then fields and keys."""
    s = negsim.load(toy_path)
    assert resolve(s, "actors.b.salience.trade") == 0.6
    assert resolve(s, "issues.trade.scale") == (0.0, 10.0)
    with pytest.raises(KeyError, match="no id 'z'"):
        resolve(s, "actors.z.capability")


def test_numeric_parameters_know_their_bounds(toy_path: Path) -> None:
    """Each parameter carries the interval its validator allows."""
    params = {p.path: p for p in numeric_parameters(negsim.load(toy_path))}
    assert (params["actors.a.position.trade"].low, params["actors.a.position.trade"].high) == (
        0.0, 10.0)
    assert params["actors.a.salience.border"].high == 1.0
    assert params["time.horizon"].integer
    assert "issues.border.scale.0" not in params


def test_qmv_coalition_needs_weights() -> None:
    """A qualified-majority coalition must give every member a population weight."""
    with pytest.raises(ScenarioError, match="needs a weight for every member; missing b"):
        Coalition(id="eu", name="EU", members=("a", "b"), rule="qmv", weights={"a": 10.0})
    Coalition(id="eu", name="EU", members=("a", "b"), rule="qmv",
              weights={"a": 10.0, "b": 5.0}, issue_rules={"sanctions": "unanimity"})


def test_threshold_needs_quota() -> None:
    """A weighted-threshold coalition names its quota."""
    with pytest.raises(ScenarioError, match="needs a quota"):
        Coalition(id="c", name="C", members=("a",), rule="threshold", weights={"a": 1.0})


def test_lever_schedule_and_conditions() -> None:
    """Schedules are read by round; conditions compare state variables."""
    lever = Lever(id="aid", owner="eu", kind="military_aid", level=0.2,
                  schedule=(Step(at=3, level=0.8), Step(at=9, level=0.4)),
                  conditions=(Condition(variable="front", op="<=", value=10.0, verified_for=3),))
    assert [lever.level_at(t) for t in (0, 2, 3, 8, 9, 30)] == [0.2, 0.2, 0.8, 0.8, 0.4, 0.4]
    assert lever.conditions[0].holds(5.0) and not lever.conditions[0].holds(11.0)
    with pytest.raises(ScenarioError, match="increasing rounds"):
        Lever(id="x", owner="eu", kind="loan", level=0.0,
              schedule=(Step(at=3, level=0.1), Step(at=3, level=0.2)))
    with pytest.raises(ScenarioError, match="variable must be"):
        Condition(variable="mood", op="<=", value=1.0)


def test_table_ratifiers_per_issue(toy_path: Path) -> None:
    """A package needs every party named for any of its issues."""
    from negsim import Table

    t = Table(negotiators=("us", "ru", "ua"), issue_ratifiers={"sanctions": ("us", "ru", "eu")})
    assert t.ratifiers_for(("border",)) == ("us", "ru", "ua")
    assert t.ratifiers_for(("border", "sanctions")) == ("us", "ru", "ua", "eu")


def test_cite_keys_must_name_something(toy_path: Path) -> None:
    """A misspelt cite key is an error naming the field probably meant."""
    doc = negsim.io.to_dict(negsim.load(toy_path))
    doc["actors"]["a"]["cite"] = {"capabilty": {"assumption": "x"},
                                  "position.border": {"assumption": "ok"}}
    with pytest.raises(ScenarioError) as info:
        negsim.io.from_dict(doc)
    assert info.value.paths == ("actors.a.cite.capabilty",)
    assert "did you mean 'capability'" in str(info.value)

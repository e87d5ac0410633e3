"""Dotted paths to a scenario's parameters: resolve them, list them, know their bounds.

A path walks the scenario the way its TOML file reads: tables keyed by id, then fields, then
mapping keys or list positions, e.g. ``actors.russia.salience.donbas``,
``levers.eu_sanctions.effects.0.amount`` or ``table.negotiators``. Uncertainties, variants, error
messages and ``negsim sources`` all use this one notation.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from negsim._checks import is_number

__all__ = ["Parameter", "numeric_parameters", "resolve"]

_KEYED = ("issues", "actors", "coalitions", "levers", "uncertainties", "variants")
_INF = math.inf
# (collection, field) -> (low, high, integer); "scale" and "range" mean the object's own bounds
_BOUNDS: dict[tuple[str, str], tuple[Any, Any, bool]] = {
    ("issues", "status_quo"): ("scale", "scale", False),
    ("actors", "capability"): (0.0, _INF, False),
    ("actors", "position"): ("issue", "issue", False),
    ("actors", "salience"): (0.0, 1.0, False),
    ("actors", "discount"): (0.0, 1.0, False),
    ("actors", "cost"): (0.0, _INF, False),
    ("actors", "risk"): (0.0, _INF, False),
    ("actors", "walk_away"): (0.0, 1.0, False),
    ("actors", "support"): (0.0, 1.0, False),
    ("coalitions", "weights"): (0.0, _INF, False),
    ("coalitions", "quota"): (0.0, 1.0, False),
    ("coalitions", "counts"): (1, _INF, True),
    ("levers", "level"): ("range", "range", False),
    ("levers", "cost"): (0.0, _INF, False),
    ("levers", "concession_value"): (0.0, _INF, False),
    ("levers", "credibility"): (0.0, 1.0, False),
    ("levers", "schedule"): ("range", "range", False),
    ("levers", "effects"): (-_INF, _INF, False),
    ("levers", "conditions"): (-_INF, _INF, False),
    ("time", "horizon"): (1, _INF, True),
    ("engine", "params"): (-_INF, _INF, False),
}
# fields that hold numbers but are structure, not parameters
_STRUCTURAL = {"scale", "range", "schema", "at", "verified_for"}


@attrs.frozen
class Parameter:
    """One numeric parameter of a scenario: its path, value and allowed interval."""

    path: str
    value: float
    low: float
    high: float
    integer: bool = False


def resolve(obj: Any, path: str) -> Any:
    """The value at ``path`` inside a scenario object (or a scenario document).

    Raises
    ------
    KeyError
        Naming the first part of the path that does not exist.
    """
    current = obj
    done: list[str] = []
    for part in path.split("."):
        current = _step(current, part, ".".join(done))
        done.append(part)
    return current


def _step(current: Any, part: str, where: str) -> Any:
    here = where or "the scenario"
    if isinstance(current, Mapping):
        if part in current:
            return current[part]
        raise KeyError(f"{here} has no entry {part!r}")
    if isinstance(current, tuple | list):
        if current and all(hasattr(x, "id") for x in current):
            for x in current:
                if x.id == part:
                    return x
            raise KeyError(f"{here} has no id {part!r}")
        if part.isdigit() and int(part) < len(current):
            return current[int(part)]
        raise KeyError(f"{here} has no item {part!r}")
    if attrs.has(type(current)):
        names = {f.name for f in attrs.fields(type(current))}
        if part in names:
            return getattr(current, part)
        raise KeyError(f"{here} has no field {part!r}")
    raise KeyError(f"{here} is a value, not a table: cannot take {part!r}")


def numeric_parameters(scenario: Any) -> list[Parameter]:
    """Every numeric parameter of a scenario with its path and bounds, in document order.

    Ids, provenance, scales and the schema version are structure, not parameters, and are left
    out; so are the numbers inside uncertainties and variants (they describe other parameters).
    """
    return list(_walk_scenario(scenario))


def _walk_scenario(s: Any) -> Iterator[Parameter]:
    issue_scale = {i.id: i.scale for i in s.issues}
    for collection in ("issues", "actors", "coalitions", "levers"):
        for obj in getattr(s, collection):
            base = f"{collection}.{obj.id}"
            for f in attrs.fields(type(obj)):
                if f.name in _STRUCTURAL or f.name in ("cite",):
                    continue
                value = getattr(obj, f.name)
                key = (collection, f.name)
                if key not in _BOUNDS:
                    continue
                lo, hi, integer = _BOUNDS[key]
                for rel, v in _numbers(value, f.name):
                    if rel.endswith((".at", ".verified_for")):
                        continue
                    blo, bhi = _bounds(lo, hi, obj, rel, issue_scale)
                    yield Parameter(f"{base}.{rel}", float(v), blo, bhi, integer)
    yield Parameter("time.horizon", float(s.time.horizon), 1.0, _INF, True)
    for k, v in s.engine.params.items():
        if is_number(v):
            yield Parameter(f"engine.params.{k}", float(v), -_INF, _INF, isinstance(v, int))


def _numbers(value: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    if is_number(value):
        yield prefix, value
    elif isinstance(value, Mapping):
        for k, v in value.items():
            yield from _numbers(v, f"{prefix}.{k}")
    elif isinstance(value, tuple):
        for i, v in enumerate(value):
            yield from _numbers(v, f"{prefix}.{i}")
    elif attrs.has(type(value)):
        for f in attrs.fields(type(value)):
            if f.name not in _STRUCTURAL:
                yield from _numbers(getattr(value, f.name), f"{prefix}.{f.name}")


def _bounds(lo: Any, hi: Any, obj: Any, rel: str, issue_scale: dict[str, Any]) -> tuple[float,
                                                                                          float]:
    if lo == "scale":
        return obj.scale
    if lo == "range":
        return obj.range
    if lo == "issue":
        issue = rel.split(".", 1)[1]
        return issue_scale.get(issue, (-_INF, _INF))
    return float(lo), float(hi)

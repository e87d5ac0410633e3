"""Editing scenarios by path, for the invariants (private; re-exported by negsim.invariants).

:func:`with_values` sets parameters named by dotted paths, rebuilding each object on the way
with ``attrs.evolve`` so that every validator runs again; :func:`with_twin` adds an identical
copy of an actor with every role the original has.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import attrs
import numpy as np

from negsim._checks import FrozenMap
from negsim.errors import ScenarioError
from negsim.paths import numeric_parameters
from negsim.scenario import Scenario

__all__ = ["free_id", "parameter", "with_twin", "with_values"]


def with_values(scenario: Scenario, values: Mapping[str, Any]) -> Scenario:
    """The scenario with the parameters at these dotted paths set, validated again.

    Paths read as in the scenario file (``actors.russia.capability``,
    ``levers.eu_sanctions.effects.0.amount``); each object on the way is rebuilt with
    ``attrs.evolve``, so every validator runs again.

    >>> import negsim
    >>> s = negsim.load("scenarios/eu-russia-2026.toml")
    >>> with_values(s, {"actors.russia.capability": 60.0}).actor("russia").capability
    60.0

    Raises
    ------
    ScenarioError
        If a value is out of its range, naming the path.
    KeyError
        If a path names nothing.
    """
    fields: dict[str, Any] = {}
    try:
        for path, value in values.items():
            head, _, rest = path.partition(".")
            if not rest or head not in attrs.fields_dict(Scenario):
                raise KeyError(f"{path!r} is not a parameter of the scenario")
            fields[head] = _set(fields.get(head, getattr(scenario, head)), rest.split("."),
                                value.item() if isinstance(value, np.generic) else value, head)
        return attrs.evolve(scenario, **fields)
    except ScenarioError as exc:
        raise ScenarioError(exc.problems, f"{scenario.title} with {', '.join(values)} set"
                            ) from None


def _set(obj: Any, parts: list[str], value: Any, where: str) -> Any:
    """A copy of ``obj`` with the value at ``parts`` replaced (see :func:`with_values`)."""
    if not parts:
        return value
    part, rest = parts[0], parts[1:]
    here = f"{where}.{part}"
    if isinstance(obj, Mapping):
        if part not in obj and rest:
            raise KeyError(f"{where} has no entry {part!r}")
        return FrozenMap({**obj, part: _set(obj.get(part), rest, value, here)})
    if isinstance(obj, tuple):
        if obj and all(hasattr(x, "id") for x in obj):
            index = next((i for i, x in enumerate(obj) if x.id == part), None)
        else:
            index = int(part) if part.isdigit() and int(part) < len(obj) else None
        if index is None:
            raise KeyError(f"{where} has no item {part!r}")
        return (*obj[:index], _set(obj[index], rest, value, here), *obj[index + 1:])
    if attrs.has(type(obj)):
        if part not in attrs.fields_dict(type(obj)):
            raise KeyError(f"{where} has no field {part!r}")
        try:
            return attrs.evolve(obj, **{part: _set(getattr(obj, part), rest, value, here)})
        except ScenarioError as exc:  # locate the problems from the scenario's root
            raise ScenarioError([attrs.evolve(p, path=f"{where}.{p.path}" if p.path else where)
                                 for p in exc.problems]) from None
    raise KeyError(f"{where} is a value, not a table: cannot take {part!r}")


def parameter(scenario: Scenario, path: str) -> tuple[float, float, float, bool]:
    """The current value, bounds and integrality of the numeric parameter at ``path``."""
    for p in numeric_parameters(scenario):
        if p.path == path:
            return p.value, p.low, p.high, p.integer
    raise KeyError(f"{path!r} is not a numeric parameter of scenario {scenario.title!r}")


def free_id(s: Scenario, stem: str) -> str:
    taken = set(s.actor_ids) | {c.id for c in s.coalitions}
    out, k = stem, 1
    while out in taken:
        out, k = f"{stem}{k}", k + 1
    return out


def with_twin(s: Scenario, actor: str, twin: str = "twin") -> Scenario:
    """``s`` plus an identical copy of ``actor``, given every role the original has.

    The twin sits at the same tables, in the same coalitions with the same weight; no one
    lends either of them support, no lever acts on anyone, and there are no uncertainties, so
    that nothing tells the two apart but their ids and their places in lists.
    """
    a = s.actor(actor)
    copy = attrs.evolve(a, id=twin, name=f"Twin of {a.name}", support={})

    def add(ids: tuple[str, ...]) -> tuple[str, ...]:
        return (*ids, twin) if actor in ids else ids

    t = s.table
    seats: dict[str, Any] = dict(  # (typed loosely: the fields convert to tuples)
        negotiators=add(t.negotiators), ratifiers=add(t.ratifiers),
        issue_ratifiers={k: add(v) for k, v in t.issue_ratifiers.items()})
    coalitions = []
    for c in s.coalitions:
        roles: dict[str, Any] = dict(
            members=add(c.members),
            weights={**c.weights, **({twin: c.weights[actor]} if actor in c.weights else {})},
            counts={**c.counts, **({twin: c.counts[actor]} if actor in c.counts else {})})
        coalitions.append(attrs.evolve(c, **roles))
    parts: dict[str, Any] = dict(
        actors=[attrs.evolve(x, support={k: v for k, v in x.support.items() if k != actor})
                for x in s.actors] + [copy],
        table=attrs.evolve(t, **seats), coalitions=coalitions,
        levers=[attrs.evolve(lv, effects=()) for lv in s.levers], uncertainties=(),
        variants=())
    return attrs.evolve(s, **parts)

"""Cross-object checks of a scenario: ids exist, are unique, and paths point at parameters."""

from __future__ import annotations

from collections import Counter
from typing import Any

import attrs

from negsim._checks import did_you_mean, is_number
from negsim.errors import Problem
from negsim.paths import numeric_parameters, resolve


def check_references(s: Any) -> list[Problem]:
    """Every cross-reference problem in scenario ``s``, with its location."""
    problems: list[Problem] = []
    add = problems.append
    issues = {i.id for i in s.issues}
    actors = {a.id for a in s.actors}
    coalitions = {c.id for c in s.coalitions}
    levers = {lv.id for lv in s.levers}
    parties = actors | coalitions

    for name in ("issues", "actors", "coalitions", "levers", "uncertainties", "variants"):
        counts = Counter(x.id for x in getattr(s, name))
        for id_, n in counts.items():
            if n > 1:
                add(Problem(f"duplicate id {id_!r}: {n} {name} share it", f"{name}.{id_}"))
    for id_ in sorted(actors & coalitions):
        add(Problem(f"id {id_!r} names both an actor and a coalition", f"coalitions.{id_}"))
    if not s.issues:
        add(Problem("a scenario needs at least one issue", "issues"))
    if len(s.actors) < 2:
        add(Problem(f"a scenario needs at least two actors, got {len(s.actors)}", "actors"))

    def ref(value: str, known: set[str], what: str, where: str) -> None:
        if value not in known:
            hint = did_you_mean(value, known)
            add(Problem(f"unknown {what} {value!r}{hint}", where))

    scale = {i.id: i.scale for i in s.issues}
    for a in s.actors:
        for k, v in a.position.items():
            ref(k, issues, "issue", f"actors.{a.id}.position.{k}")
            if k in scale and is_number(v) and not scale[k][0] <= v <= scale[k][1]:
                add(Problem(f"position must be on the issue's scale [{scale[k][0]:g}, "
                            f"{scale[k][1]:g}], got {v:g}", f"actors.{a.id}.position.{k}"))
        for k in a.support:
            ref(k, actors, "actor", f"actors.{a.id}.support.{k}")
            if k == a.id:
                add(Problem("an actor cannot support itself", f"actors.{a.id}.support.{k}"))
    for c in s.coalitions:
        for i, m in enumerate(c.members):
            ref(m, actors, "actor", f"coalitions.{c.id}.members.{i}")
        if c.representative is not None:
            ref(c.representative, actors, "actor", f"coalitions.{c.id}.representative")
        for k in c.issue_rules:
            ref(k, issues, "issue", f"coalitions.{c.id}.issue_rules.{k}")
    for lv in s.levers:
        base = f"levers.{lv.id}"
        ref(lv.owner, parties, "actor or coalition", f"{base}.owner")
        if lv.issue is not None:
            ref(lv.issue, issues, "issue", f"{base}.issue")
        for i, e in enumerate(lv.effects):
            ref(e.target, actors, "actor", f"{base}.effects.{i}.target")
            if e.beneficiary is not None:
                ref(e.beneficiary, actors, "actor", f"{base}.effects.{i}.beneficiary")
        for i, cond in enumerate(lv.conditions):
            kind, _, rest = cond.variable.partition(".")
            where = f"{base}.conditions.{i}.variable"
            if kind == "issue":
                ref(rest, issues, "issue", where)
            elif kind == "lever":
                ref(rest, levers, "lever", where)
            elif kind == "actor":
                ref(rest.split(".")[0], actors, "actor", where)
    t = s.table
    for field_name in ("negotiators", "ratifiers"):
        for i, p in enumerate(getattr(t, field_name)):
            ref(p, parties, "actor or coalition", f"table.{field_name}.{i}")
    for k, ps in t.issue_ratifiers.items():
        ref(k, issues, "issue", f"table.issue_ratifiers.{k}")
        if not isinstance(ps, tuple) or not all(isinstance(p, str) for p in ps):
            add(Problem("issue_ratifiers entries must be arrays of ids",
                        f"table.issue_ratifiers.{k}"))
            continue
        for i, p in enumerate(ps):
            ref(p, parties, "actor or coalition", f"table.issue_ratifiers.{k}.{i}")

    if not problems:  # paths only make sense once the ids are sound
        problems += _check_paths(s)
        problems += _check_cite_keys(s)
    return problems


def _check_cite_keys(s: Any) -> list[Problem]:
    """A ``cite`` key must name a field of its object, or an entry or group inside one."""
    problems = []
    holders: list[tuple[str, Any]] = [("time", s.time), ("engine", s.engine), ("table", s.table)]
    for name in ("issues", "actors", "coalitions", "levers"):
        holders += [(f"{name}.{x.id}", x) for x in getattr(s, name)]
    for base, obj in holders:
        fields = [f.name for f in attrs.fields(type(obj)) if f.name not in ("cite", "sources",
                                                                           "assumption")]
        for key in obj.cite:
            try:
                resolve(obj, key)
            except KeyError:
                hint = did_you_mean(key.split(".")[0], fields)
                problems.append(Problem(
                    f"cite key {key!r} names nothing in this object{hint}", f"{base}.cite.{key}"))
    return problems


def _check_paths(s: Any) -> list[Problem]:
    problems: list[Problem] = []
    params = {p.path: p for p in numeric_parameters(s)}
    for u in s.uncertainties:
        where = f"uncertainties.{u.id}.path"
        if u.path not in params:
            hint = did_you_mean(u.path, params)
            problems.append(Problem(f"{u.path!r} is not a numeric parameter{hint}", where))
            continue
        p = params[u.path]
        lo, hi = u.support()
        if lo < p.low or hi > p.high:
            problems.append(Problem(
                f"the distribution's support [{lo:g}, {hi:g}] leaves the parameter's allowed "
                f"range [{p.low:g}, {p.high:g}]", f"uncertainties.{u.id}"))
    for v in s.variants:
        for path in v.set:
            try:
                resolve(s, path)
            except KeyError as exc:
                parent = path.rpartition(".")[0]
                try:  # a new key in an existing mapping is allowed
                    container = resolve(s, parent) if parent else None
                except KeyError:
                    container = None
                if not hasattr(container, "keys") or attrs.has(type(container)):
                    problems.append(Problem(f"no such parameter: {exc.args[0]}",
                                            f"variants.{v.id}.set.{path}"))
    return problems

"""Malformed scenario documents for :func:`negsim.strategies.invalid_documents` (private).

Each fault breaks a valid document one way and returns the dotted location that the loader's
:class:`~negsim.errors.ScenarioError` must name. Kept apart from :mod:`negsim.strategies` only
to keep modules short; like it, this module imports hypothesis and nothing else in negsim does.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from hypothesis import strategies as st

from negsim.scenario import Scenario

Draw = Callable[[st.SearchStrategy[Any]], Any]

DOCUMENT_FAULTS = ("wrong_type", "out_of_range", "non_finite", "dangling_reference",
                   "unknown_key", "missing_key", "bad_id", "duplicate_id", "truncated")


@st.composite
def broken_documents(draw: Draw, base: st.SearchStrategy[Scenario],
                      kinds: tuple[str, ...]) -> tuple[Any, str, str]:
    from negsim.io import to_dict

    doc = to_dict(draw(base))
    kind = draw(st.sampled_from(kinds))
    if kind in ("duplicate_id", "truncated"):
        return _break_text(draw, doc, kind)
    where, key = _break(draw, doc, kind)
    return doc, where if key is None else f"{where}.{key}", kind


def _break(draw: Draw, doc: dict[str, Any], kind: str) -> tuple[str, str | None]:
    """Break ``doc`` in place one way of ``kind``; returns the table and key that must be named."""
    actor = draw(st.sampled_from(sorted(doc["actors"])))
    a = doc["actors"][actor]
    at_a = f"actors.{actor}"
    issue = draw(st.sampled_from(sorted(doc["issues"])))
    i = doc["issues"][issue]
    at_i = f"issues.{issue}"
    lever = draw(st.sampled_from(sorted(doc["levers"]))) if doc.get("levers") else None
    coalition = (draw(st.sampled_from(sorted(doc["coalitions"])))
                 if doc.get("coalitions") else None)
    if kind == "wrong_type":
        choice = draw(st.sampled_from(["capability", "name", "risk", "salience", "kind",
                                       "discount", "status_quo", "label", "negotiators",
                                       "level", "members"]))
        bad = draw(st.sampled_from(["strong", True, [1.0], {"x": 1}]))
        if choice == "status_quo":
            i["status_quo"] = draw(st.sampled_from(["zero", [0.0], {"x": 1}]))
            return at_i, "status_quo"
        if choice == "label":
            i["label"] = draw(st.sampled_from([3, 1.5, [1]]))
            return at_i, "label"
        if choice == "negotiators":
            doc["table"]["negotiators"] = draw(st.sampled_from(["a0", 2, {"x": 1}]))
            return "table", "negotiators"
        if choice == "level" and lever:
            doc["levers"][lever]["level"] = draw(st.sampled_from(["high", [0.5]]))
            return f"levers.{lever}", "level"
        if choice == "members" and coalition:
            doc["coalitions"][coalition]["members"] = draw(st.sampled_from(["a0", 1, {"x": 1}]))
            return f"coalitions.{coalition}", "members"
        field = choice if choice in ("capability", "name", "risk", "salience", "kind",
                                     "discount") else "capability"
        a[field] = (3 if field == "name" and isinstance(bad, str) else
                    0.5 if field == "salience" else bad)
        return at_a, field
    if kind == "out_of_range":
        choice = draw(st.sampled_from(["salience", "capability", "discount", "position",
                                       "risk", "cost", "walk_away", "status_quo", "level",
                                       "credibility", "horizon"]))
        issue0 = next(iter(a["position"]))
        if choice == "salience":
            a["salience"][issue0] = draw(st.one_of(st.floats(1.0001, 10.0),
                                                   st.floats(-10.0, -0.0001)))
            return at_a, f"salience.{issue0}"
        if choice == "position":
            hi = doc["issues"][issue0].get("scale", [0.0, 100.0])[1]
            a["position"][issue0] = hi + draw(st.floats(0.001, 1e6))
            return at_a, f"position.{issue0}"
        if choice == "status_quo":
            lo = i.get("scale", [0.0, 100.0])[0]
            i["status_quo"] = lo - draw(st.floats(0.001, 1e6))
            return at_i, "status_quo"
        if choice in ("level", "credibility") and lever:
            lv = doc["levers"][lever]
            lv[choice] = (lv.get("range", [0.0, 1.0])[1] + draw(st.floats(0.001, 100.0))
                          if choice == "level" else draw(st.floats(1.001, 5.0)))
            return f"levers.{lever}", choice
        if choice == "horizon":
            doc.setdefault("time", {})["horizon"] = draw(st.integers(-5, 0))
            return "time", "horizon"
        bad_value = {"capability": st.floats(-100.0, -1e-6),
                     "discount": st.one_of(st.just(0.0), st.floats(1.0001, 5.0)),
                     "risk": st.floats(-5.0, 0.0), "cost": st.floats(-5.0, -1e-6),
                     "walk_away": st.floats(1.001, 5.0)}.get(choice, st.floats(-100.0, -1e-6))
        field = choice if choice in ("capability", "discount", "risk", "cost",
                                     "walk_away") else "capability"
        a[field] = draw(bad_value)
        return at_a, field
    if kind == "non_finite":
        value = draw(st.sampled_from([math.inf, -math.inf, math.nan]))
        choice = draw(st.sampled_from(["capability", "position", "status_quo", "cost"]))
        if choice == "position":
            issue0 = next(iter(a["position"]))
            a["position"][issue0] = value
            return at_a, f"position.{issue0}"
        if choice == "status_quo":
            i["status_quo"] = value
            return at_i, "status_quo"
        a[choice] = value
        return at_a, choice
    if kind == "dangling_reference":
        choice = draw(st.sampled_from(["position", "support", "negotiator", "ratifier",
                                       "member", "owner", "target", "path"]))
        if choice == "position":
            a["position"]["no_such_issue"] = 1.0
            return at_a, "position.no_such_issue"
        if choice == "support":
            a["support"] = {"no_such_actor": 0.5}
            return at_a, "support.no_such_actor"
        if choice == "member" and coalition:
            body = doc["coalitions"][coalition]
            body["members"].append("no_such_actor")
            members = body["members"]
            if "weights" in body:  # weighted rules need a weight for every member
                body["weights"]["no_such_actor"] = 1.0
            return f"coalitions.{coalition}", f"members.{len(members) - 1}"
        if choice == "owner" and lever:
            doc["levers"][lever]["owner"] = "no_such_party"
            return f"levers.{lever}", "owner"
        if choice == "target" and lever:
            effects = doc["levers"][lever].setdefault("effects", [])
            effects.append({"target": "no_such_actor", "on": "payoff", "amount": -0.1})
            return f"levers.{lever}", f"effects.{len(effects) - 1}.target"
        if choice == "path":
            doc.setdefault("uncertainties", {})["u_dangling"] = {
                "path": f"{at_a}.no_such_field", "distribution": "uniform", "low": 0.0,
                "high": 1.0}
            return "uncertainties.u_dangling", "path"
        field = "ratifiers" if choice == "ratifier" else "negotiators"
        listed = doc["table"].setdefault(field, [])
        listed.append("no_such_party")
        return "table", f"{field}.{len(listed) - 1}"
    if kind == "unknown_key":
        key = draw(st.sampled_from(["salince", "capabilty", "colour", "positions"]))
        where = draw(st.sampled_from(["actor", "issue", "table", "top", "lever"]))
        if where == "issue":
            i[key] = 1.0
            return at_i, key
        if where == "table":
            doc["table"][key] = 1.0
            return "table", key
        if where == "top":
            doc[key] = 1.0
            return key, None
        if where == "lever" and lever:
            doc["levers"][lever][key] = 1.0
            return f"levers.{lever}", key
        a[key] = 1.0
        return at_a, key
    if kind == "missing_key":
        choice = draw(st.sampled_from(["name", "kind", "capability", "label", "status_quo",
                                       "owner", "title", "negotiators"]))
        if choice in ("label", "status_quo"):
            del i[choice]
            return at_i, choice
        if choice == "owner" and lever:
            del doc["levers"][lever]["owner"]
            return f"levers.{lever}", "owner"
        if choice == "title":
            del doc["title"]
            return "title", None
        if choice == "negotiators":
            del doc["table"]["negotiators"]
            return "table", "negotiators"
        field = choice if choice in ("name", "kind", "capability") else "name"
        del a[field]
        return at_a, field
    assert kind == "bad_id", kind
    bad = draw(st.sampled_from(["Russia", "2nd", "the-eu", "eu council"]))
    doc["actors"][bad] = doc["actors"].pop(actor)
    return f"actors.{bad}", "id"


def _break_text(draw: Draw, doc: dict[str, Any], kind: str) -> tuple[str, str, str]:
    import tomli_w

    text = tomli_w.dumps(doc)
    if kind == "duplicate_id":
        table = draw(st.sampled_from(["actors", "issues"]))
        key = draw(st.sampled_from(sorted(doc[table])))
        return text + f'\n[{table}.{key}]\nname = "again"\n', f"{table}.{key}", kind
    # cut the text just after the "=" of some key/value line: always a TOML syntax error
    cuts = [i + 3 for i in range(len(text)) if text.startswith(" = ", i)]
    return text[: draw(st.sampled_from(cuts))], "", kind

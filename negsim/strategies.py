"""Hypothesis strategies for negsim's objects: valid scenarios, and malformed documents.

Following hypothesis's own API style: plural nouns, ``min_*``/``max_*`` bounds, arguments checked
eagerly (raising ``InvalidArgument``), valid by construction (sizes are drawn first, then the
parts are composed; nothing is filtered away), shrinking towards small, readable scenarios.

    >>> from hypothesis import given
    >>> from negsim.strategies import scenarios
    >>> @given(scenarios(max_actors=4))
    ... def test_compromise_is_on_the_scale(s): ...

This is the only negsim module that imports hypothesis.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from negsim.io import to_dict
from negsim.levers import LEVER_KINDS, Effect, Lever
from negsim.model import ACTOR_KINDS, Actor, Coalition, Issue, Table, Time
from negsim.scenario import Scenario, Uncertainty

__all__ = ["actors", "coalitions", "invalid_documents", "issues", "levers", "scenarios",
           "tables", "uncertainties"]


def _check_size(name_min: str, lo: int, name_max: str, hi: int | None, floor: int) -> None:
    if not isinstance(lo, int) or lo < floor:
        raise InvalidArgument(f"{name_min}={lo!r} must be an integer >= {floor}")
    if hi is not None and (not isinstance(hi, int) or hi < lo):
        raise InvalidArgument(f"{name_max}={hi!r} must be an integer >= {name_min}={lo}")


def _ids(prefix: str, n: int) -> list[str]:
    return [f"{prefix}{i}" for i in range(n)]


_unit = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)


def _on(lo: float, hi: float) -> st.SearchStrategy[float]:
    return st.floats(lo, hi, allow_nan=False, allow_subnormal=False)


@st.composite
def _issue(draw: Any, id: str) -> Issue:
    lo = draw(st.sampled_from([0.0, 0.0, -1.0, 10.0]))
    width = draw(st.sampled_from([100.0, 100.0, 1.0, 50.0]))
    return Issue(id=id, label=f"Issue {id}", status_quo=draw(_on(lo, lo + width)),
                 scale=(lo, lo + width), low_label="low end", high_label="high end")


def issues(*, min_size: int = 1, max_size: int = 4) -> st.SearchStrategy[tuple[Issue, ...]]:
    """Tuples of issues with distinct ids ``i0, i1, ...`` and varied scales."""
    _check_size("min_size", min_size, "max_size", max_size, 1)
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.tuples(*(_issue(k) for k in _ids("i", n))))


@st.composite
def _actor(draw: Any, id: str, issue_list: tuple[Issue, ...], others: list[str],
           risk: tuple[float, float], discount: tuple[float, float]) -> Actor:
    position, salience = {}, {}
    for issue in issue_list:
        if draw(st.booleans()) or issue is issue_list[0]:
            position[issue.id] = draw(_on(*issue.scale))
            salience[issue.id] = draw(_unit)
    support = {}
    if others and draw(st.integers(0, 4)) == 0:
        support[draw(st.sampled_from(others))] = draw(_unit)
    walk_away: float | str = draw(st.one_of(st.just("status_quo"), st.just("war"), _unit))
    return Actor(
        id=id, name=f"Actor {id}", kind=draw(st.sampled_from(ACTOR_KINDS)),
        capability=draw(_on(0.0, 10.0)), position=position, salience=salience,
        discount=draw(st.one_of(st.just(discount[1]), _on(*discount))),
        cost=draw(st.one_of(st.just(0.0), _on(0.0, 0.1))),
        risk=draw(st.one_of(st.just(min(max(1.0, risk[0]), risk[1])), _on(*risk))),
        walk_away=walk_away, support=support,
    )


def _check_range(name: str, lo: float, hi: float, floor: float, ceiling: float,
                 open_floor: bool) -> None:
    ok_lo = lo > floor if open_floor else lo >= floor
    if not (isinstance(lo, int | float) and isinstance(hi, int | float) and ok_lo
            and lo <= hi <= ceiling):
        raise InvalidArgument(
            f"need {floor} {'<' if open_floor else '<='} min_{name} <= max_{name} <= {ceiling}, "
            f"got min_{name}={lo!r}, max_{name}={hi!r}")


def actors(issue_list: tuple[Issue, ...], *, min_size: int = 2, max_size: int = 5,
           min_risk: float = 0.5, max_risk: float = 2.0, min_discount: float = 0.5,
           max_discount: float = 1.0) -> st.SearchStrategy[tuple[Actor, ...]]:
    """Tuples of actors ``a0, a1, ...`` with positions on (some of) ``issue_list``.

    Every actor has a position and salience on the first issue. Risk exponents lie in
    ``[min_risk, max_risk]`` (``min_risk = max_risk = 1`` gives linear utilities) and discount
    factors in ``[min_discount, max_discount]``.
    """
    _check_size("min_size", min_size, "max_size", max_size, 1)
    _check_range("risk", min_risk, max_risk, 0.0, 100.0, open_floor=True)
    _check_range("discount", min_discount, max_discount, 0.0, 1.0, open_floor=True)
    if not issue_list:
        raise InvalidArgument("actors() needs at least one issue")

    def build(n: int) -> st.SearchStrategy[tuple[Actor, ...]]:
        ids = _ids("a", n)
        return st.tuples(*(_actor(a, issue_list, [b for b in ids if b != a],
                                  (min_risk, max_risk), (min_discount, max_discount))
                           for a in ids))

    return st.integers(min_size, max_size).flatmap(build)


@st.composite
def _coalition(draw: Any, id: str, actor_ids: list[str]) -> Coalition:
    members = draw(st.lists(st.sampled_from(actor_ids), min_size=1, max_size=len(actor_ids),
                            unique=True))
    rule = draw(st.sampled_from(["unanimity", "majority", "qmv", "threshold"]))
    weights = ({m: draw(_on(0.01, 50.0)) for m in members}
               if rule in ("qmv", "threshold") else {})
    quota = draw(_on(0.05, 1.0)) if rule == "threshold" else None
    return Coalition(id=id, name=f"Coalition {id}", members=tuple(members), rule=rule,
                     weights=weights, quota=quota,
                     representative=draw(st.sampled_from(members)))


def coalitions(actor_ids: list[str], *, min_size: int = 0,
               max_size: int = 2) -> st.SearchStrategy[tuple[Coalition, ...]]:
    """Tuples of coalitions ``c0, ...`` over ``actor_ids`` with every decision rule."""
    _check_size("min_size", min_size, "max_size", max_size, 0)
    if not actor_ids:
        raise InvalidArgument("coalitions() needs actor ids")
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.tuples(*(_coalition(c, actor_ids) for c in _ids("c", n))))


@st.composite
def _lever(draw: Any, id: str, owners: list[str], actor_ids: list[str],
           issue_ids: list[str]) -> Lever:
    lo = draw(st.sampled_from([0.0, 0.0, -1.0]))
    hi = lo + draw(st.sampled_from([1.0, 10.0, 100.0]))
    effects: tuple[Effect, ...] = tuple(
        Effect(target=draw(st.sampled_from(actor_ids)), on="payoff",
               amount=draw(_on(-0.1, 0.1)))
        for _ in range(draw(st.integers(0, 2)))
    )
    return Lever(id=id, owner=draw(st.sampled_from(owners)),
                 kind=draw(st.sampled_from(LEVER_KINDS)), level=draw(_on(lo, hi)),
                 range=(lo, hi), cost=draw(_on(0.0, 0.05)), effects=effects,  # type: ignore[arg-type]  # converter=tuple
                 issue=draw(st.one_of(st.none(), st.sampled_from(issue_ids))),
                 credibility=draw(_unit))


def levers(owners: list[str], actor_ids: list[str], issue_ids: list[str], *, min_size: int = 0,
           max_size: int = 3) -> st.SearchStrategy[tuple[Lever, ...]]:
    """Tuples of levers ``l0, ...`` owned by ``owners`` with payoff effects on actors."""
    _check_size("min_size", min_size, "max_size", max_size, 0)
    if not owners or not actor_ids or not issue_ids:
        raise InvalidArgument("levers() needs owners, actor ids and issue ids")
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.tuples(*(_lever(x, owners, actor_ids, issue_ids) for x in _ids("l", n))))


@st.composite
def tables(draw: Any, parties: list[str], *, bilateral: bool = False) -> Table:
    """Tables whose negotiators (at least two) and ratifiers are drawn from ``parties``.

    ``bilateral=True`` seats exactly two actors of ``parties`` who are also the only ratifiers.
    """
    if len(parties) < 2:
        raise InvalidArgument("tables() needs at least two parties")
    if bilateral:
        pair = draw(st.lists(st.sampled_from(parties), min_size=2, max_size=2, unique=True))
        return Table(negotiators=tuple(pair))
    negotiators = draw(st.lists(st.sampled_from(parties), min_size=2, max_size=len(parties),
                                unique=True))
    ratifiers = draw(st.one_of(st.just([]), st.lists(st.sampled_from(parties), min_size=1,
                                                     max_size=len(parties), unique=True)))
    return Table(negotiators=tuple(negotiators), ratifiers=tuple(ratifiers))


@st.composite
def _uncertainty(draw: Any, id: str, actor_list: tuple[Actor, ...]) -> Uncertainty:
    a = draw(st.sampled_from(actor_list))
    kind = draw(st.sampled_from(["uniform", "triangular", "beta", "choice"]))
    path = f"actors.{a.id}.capability"
    if kind == "uniform":
        lo = draw(_on(0.0, 5.0))
        return Uncertainty(id=id, path=path, distribution=kind, low=lo, high=lo + 1.0)
    if kind == "triangular":
        return Uncertainty(id=id, path=path, distribution=kind, low=0.0, mode=draw(_on(0, 2)),
                           high=2.0)
    if kind == "beta":
        return Uncertainty(id=id, path=path, distribution=kind, alpha=draw(_on(0.5, 5)),
                           beta=draw(_on(0.5, 5)))
    return Uncertainty(id=id, path=path, distribution=kind,
                       values=tuple(draw(st.lists(_on(0, 5), min_size=1, max_size=4))))


def uncertainties(actor_list: tuple[Actor, ...], *, min_size: int = 0,
                  max_size: int = 2) -> st.SearchStrategy[tuple[Uncertainty, ...]]:
    """Tuples of uncertainties ``u0, ...`` over actors' capabilities, of every distribution."""
    _check_size("min_size", min_size, "max_size", max_size, 0)
    return st.integers(min_size, max_size).flatmap(
        lambda n: st.tuples(*(_uncertainty(u, actor_list) for u in _ids("u", n))))


@st.composite
def _scenario(draw: Any, min_actors: int, max_actors: int, min_issues: int, max_issues: int,
              max_coalitions: int, max_levers: int, max_uncertainties: int,
              actor_kw: dict[str, float], bilateral: bool) -> Scenario:
    issue_list = draw(issues(min_size=min_issues, max_size=max_issues))
    actor_list = draw(actors(issue_list, min_size=min_actors, max_size=max_actors, **actor_kw))
    actor_ids = [a.id for a in actor_list]
    coalition_list = draw(coalitions(actor_ids, max_size=max_coalitions))
    parties = actor_ids + [c.id for c in coalition_list]
    return Scenario(
        title="generated",
        issues=issue_list,
        actors=actor_list,
        coalitions=coalition_list,
        levers=draw(levers(parties, actor_ids, [i.id for i in issue_list],
                           max_size=max_levers)),
        table=draw(tables(actor_ids if bilateral else parties, bilateral=bilateral)),
        time=Time(horizon=draw(st.integers(1, 48))),
        uncertainties=draw(uncertainties(actor_list, max_size=max_uncertainties)),
    )


def scenarios(*, min_actors: int = 2, max_actors: int = 5, min_issues: int = 1,
              max_issues: int = 4, max_coalitions: int = 2, max_levers: int = 3,
              max_uncertainties: int = 2, min_risk: float = 0.5, max_risk: float = 2.0,
              min_discount: float = 0.5, max_discount: float = 1.0,
              bilateral: bool = False) -> st.SearchStrategy[Scenario]:
    """Valid scenarios, shrinking towards two actors on one issue with nothing else.

    ``min_risk``/``max_risk`` and ``min_discount``/``max_discount`` bound every actor's risk
    exponent and discount factor; ``bilateral=True`` seats exactly two actors, who are the only
    ratifiers (as two-party engines need).
    """
    _check_size("min_actors", min_actors, "max_actors", max_actors, 2)
    _check_size("min_issues", min_issues, "max_issues", max_issues, 1)
    for name, v in (("max_coalitions", max_coalitions), ("max_levers", max_levers),
                    ("max_uncertainties", max_uncertainties)):
        if not isinstance(v, int) or v < 0:
            raise InvalidArgument(f"{name}={v!r} must be an integer >= 0")
    kw = {"min_risk": min_risk, "max_risk": max_risk, "min_discount": min_discount,
          "max_discount": max_discount}
    _check_range("risk", min_risk, max_risk, 0.0, 100.0, open_floor=True)
    _check_range("discount", min_discount, max_discount, 0.0, 1.0, open_floor=True)
    return _scenario(min_actors, max_actors, min_issues, max_issues, max_coalitions,
                     max_levers, max_uncertainties, kw, bilateral)


# -- malformed documents ---------------------------------------------------------------------
_BREAKS = ("wrong_type", "out_of_range", "dangling_reference", "unknown_key", "missing_key",
           "duplicate_id", "truncated")


@st.composite
def invalid_documents(draw: Any, *, base: st.SearchStrategy[Scenario] | None = None,
                      kinds: tuple[str, ...] = _BREAKS) -> tuple[Any, str, str]:
    """Malformed scenario documents, with the location the loader's error must name.

    Draws a valid scenario, breaks it one way, and returns ``(document, path, kind)``:
    ``document`` is a dict (or TOML text for ``duplicate_id`` and ``truncated``), ``path`` the
    dotted location a :class:`~negsim.errors.ScenarioError` must report ("" for syntax errors,
    which carry a line and column instead), ``kind`` one of ``wrong_type``, ``out_of_range``,
    ``dangling_reference``, ``unknown_key``, ``missing_key``, ``duplicate_id``, ``truncated``.
    """
    unknown = set(kinds) - set(_BREAKS)
    if unknown or not kinds:
        raise InvalidArgument(f"kinds must be a non-empty subset of {_BREAKS}, got {kinds!r}")
    s = draw(base if base is not None else scenarios(max_actors=3, max_issues=2))
    doc = to_dict(s)
    kind = draw(st.sampled_from(kinds))
    actor = draw(st.sampled_from(sorted(doc["actors"])))
    a = doc["actors"][actor]
    issue = next(iter(a["position"]))
    if kind == "wrong_type":
        field, bad = draw(st.sampled_from([
            ("capability", "strong"), ("capability", True), ("name", 3), ("risk", [1.0]),
            ("salience", 0.5), ("kind", 1.5),
        ]))
        a[field] = bad
        return doc, f"actors.{actor}.{field}", kind
    if kind == "out_of_range":
        choice = draw(st.sampled_from(["salience", "capability", "discount", "position"]))
        if choice == "salience":
            a["salience"][issue] = draw(st.one_of(_on(1.0001, 10.0), _on(-10.0, -0.0001)))
            return doc, f"actors.{actor}.salience.{issue}", kind
        if choice == "capability":
            a["capability"] = draw(_on(-100.0, -1e-6))
            return doc, f"actors.{actor}.capability", kind
        if choice == "discount":
            a["discount"] = draw(st.one_of(st.just(0.0), _on(1.0001, 5.0)))
            return doc, f"actors.{actor}.discount", kind
        hi = doc["issues"][issue].get("scale", [0.0, 100.0])[1]
        a["position"][issue] = hi + draw(_on(0.001, 1e6))
        return doc, f"actors.{actor}.position.{issue}", kind
    if kind == "dangling_reference":
        choice = draw(st.sampled_from(["position", "negotiator", "support"]))
        if choice == "position":
            a["position"]["no_such_issue"] = 1.0
            return doc, f"actors.{actor}.position.no_such_issue", kind
        if choice == "support":
            a["support"] = {"no_such_actor": 0.5}
            return doc, f"actors.{actor}.support.no_such_actor", kind
        doc["table"]["negotiators"].append("no_such_party")
        i = len(doc["table"]["negotiators"]) - 1
        return doc, f"table.negotiators.{i}", kind
    if kind == "unknown_key":
        key = draw(st.sampled_from(["salince", "capabilty", "colour", "positions"]))
        a[key] = 1.0
        return doc, f"actors.{actor}.{key}", kind
    if kind == "missing_key":
        field = draw(st.sampled_from(["name", "kind", "capability"]))
        del a[field]
        return doc, f"actors.{actor}.{field}", kind
    import tomli_w

    text = tomli_w.dumps(doc)
    if kind == "duplicate_id":
        header = f"[actors.{actor}]"
        return text + f"\n{header}\nname = \"again\"\n", f"actors.{actor}", kind
    # cut the text just after the "=" of some key/value line: always a TOML syntax error
    cuts = [i + 3 for i in range(len(text)) if text.startswith(" = ", i)]
    return text[: draw(st.sampled_from(cuts))], "", kind

"""Hypothesis strategies for negsim's objects: valid scenarios, realisations, malformed documents.

They follow hypothesis's own API style. Names are plural nouns; sizes and numbers are bounded by
``min_*``/``max_*`` arguments, checked when the function is called (a bad argument raises
:class:`hypothesis.errors.InvalidArgument` at once, not at the first draw); where a part of a
scenario should vary, pass a strategy for it::

    scenarios(actors=actors(min_risk=1), issues=issues(max_size=2))

Everything drawn is valid by construction: each part is drawn to fit what is already there (ids,
scales, ranges), with no ``.filter()`` throwing draws away. Collections are drawn as lists of
whole objects, so that shrinking can drop any one of them, and draws shrink towards small,
readable scenarios: two actors ``a0`` and ``a1`` on one issue ``i0`` on a 0-100 scale, linear
utilities (risk 1), no discounting, no coalitions, levers or uncertainties.

The part strategies (:func:`actors`, :func:`coalitions`, :func:`levers`, :func:`tables`,
:func:`uncertainties`) work on their own, drawing whatever they refer to; given to
:func:`scenarios` without those references, they are fitted to the scenario being drawn.

    >>> from hypothesis import given
    >>> from negsim.strategies import actors, scenarios
    >>> @given(scenarios(actors=actors(min_risk=1.0), max_levers=0))
    ... def test_compromise_is_on_the_scale(s): ...

This is the only negsim module that imports hypothesis at import time.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from negsim._documents import DOCUMENT_FAULTS, broken_documents
from negsim._drawing import (
    BOOL,
    UNIT,
    Build,
    Context,
    Draw,
    Finish,
    Many,
    between,
    builder,
    check_bounds,
    check_ids,
    check_sizes,
    check_strategy,
    fixed_part,
    index,
    is_int,
    is_real,
    part,
    rare,
    subset,
    toward,
)
from negsim._edits import with_values
from negsim.levers import EFFECT_TARGETS, LEVER_KINDS, OPERATORS, Condition, Effect, Lever, Step
from negsim.model import ACTOR_KINDS, DECISION_RULES, Actor, Coalition, Issue, Table, Time
from negsim.paths import numeric_parameters
from negsim.scenario import Scenario, Uncertainty

__all__ = ["DOCUMENT_FAULTS", "actors", "coalitions", "invalid_documents", "issues", "levers",
           "realisations", "scenarios", "tables", "uncertainties"]

_SCALES = st.sampled_from(((0.0, 100.0), (0.0, 1.0), (-1.0, 1.0), (10.0, 60.0), (-100.0, 0.0)))
_KINDS = st.sampled_from(ACTOR_KINDS)
_WALK_AWAY = UNIT.map(lambda u: "status_quo" if u <= 0.4 else "war" if u <= 0.6
                      else (u - 0.6) / 0.4)  # one draw, shrinking to "status_quo"
_RULES = st.sampled_from(DECISION_RULES)
_LEVER_KINDS = st.sampled_from(LEVER_KINDS)
_RANGES = st.sampled_from(((0.0, 1.0), (0.0, 2.0), (0.0, 100.0), (-1.0, 1.0)))
_TARGETS = st.sampled_from(EFFECT_TARGETS)
_OPERATORS = st.sampled_from(OPERATORS)


# -- issues ----------------------------------------------------------------------------------
def _issue(draw: Draw, scales: st.SearchStrategy[tuple[float, float]]) -> Finish:
    low, high = draw(scales)
    status_quo = between(draw, low, high)
    return lambda k, n: Issue(id=f"i{k}", label=f"Issue i{k}", status_quo=status_quo,
                              scale=(low, high), low_label=f"{low:g} = low end",
                              high_label=f"{high:g} = high end")


def issues(*, min_size: int = 1, max_size: int = 4,
           scales: st.SearchStrategy[tuple[float, float]] | None = None
           ) -> st.SearchStrategy[tuple[Issue, ...]]:
    """Tuples of issues ``i0, i1, ...``, each with a status quo on its scale.

    Parameters
    ----------
    min_size, max_size : int
        How many issues (at least 1).
    scales : strategy of (low, high), optional
        Each issue's scale; default a few scales, shrinking to ``(0, 100)``.
    """
    check_sizes("min_size", min_size, "max_size", max_size, 1)
    check_strategy("scales", scales)
    chosen = _SCALES if scales is None else scales
    many = Many(min_size, max_size, lambda draw, _: _issue(draw, chosen))

    @st.composite
    def draw_issues(draw: Draw) -> tuple[Issue, ...]:
        return many(draw)

    return draw_issues()


# -- actors ----------------------------------------------------------------------------------
def _actors_build(min_size: int = 2, max_size: int = 5, min_capability: float = 0.0,
                  max_capability: float = 10.0, min_salience: float = 0.0,
                  max_salience: float = 1.0, min_risk: float = 0.5, max_risk: float = 2.0,
                  min_discount: float = 0.5, max_discount: float = 1.0, min_cost: float = 0.0,
                  max_cost: float = 0.1,
                  walk_away: st.SearchStrategy[float | str] | None = None) -> Build:
    check_sizes("min_size", min_size, "max_size", max_size, 2)
    check_bounds("capability", min_capability, max_capability, 0.0, 1e6)
    check_bounds("salience", min_salience, max_salience, 0.0, 1.0)
    check_bounds("risk", min_risk, max_risk, 0.0, 100.0, open_floor=True)
    check_bounds("discount", min_discount, max_discount, 0.0, 1.0, open_floor=True)
    check_bounds("cost", min_cost, max_cost, 0.0, 1e6)
    check_strategy("walk_away", walk_away)
    walk = _WALK_AWAY if walk_away is None else walk_away

    def one(draw: Draw, ctx: Context) -> Finish:
        n_issues = len(ctx.issues)
        position, salience = {}, {}
        # which issues beyond the first the actor cares about, as one bit mask
        mask = int(draw(st.integers(0, 2 ** (n_issues - 1) - 1))) if n_issues > 1 else 0
        for k, issue in enumerate(ctx.issues):
            if k == 0 or mask >> (k - 1) & 1:
                position[issue.id] = between(draw, *issue.scale)
                salience[issue.id] = toward(draw, max_salience, min_salience, max_salience)
        # support for another actor, named by its place among the others (known later)
        lent = (draw(UNIT), between(draw, 0.0, 1.0)) if rare(draw) else None
        values = dict(
            kind=draw(_KINDS), capability=toward(draw, 1.0, min_capability, max_capability),
            position=position, salience=salience,
            discount=toward(draw, max_discount, min_discount, max_discount),
            cost=toward(draw, min_cost, min_cost, max_cost),
            risk=toward(draw, 1.0, min_risk, max_risk), walk_away=draw(walk))

        def finish(i: int, n: int) -> Actor:
            support = {}
            if lent is not None:
                j = min(int(lent[0] * (n - 1)), n - 2)
                support[f"a{j if j < i else j + 1}"] = lent[1]
            return Actor(id=f"a{i}", name=f"Actor a{i}", support=support, **values)

        return finish

    return Many(min_size, max_size, one)


def actors(issue_list: tuple[Issue, ...] | st.SearchStrategy[tuple[Issue, ...]] | None = None,
           *, min_size: int = 2, max_size: int = 5, min_capability: float = 0.0,
           max_capability: float = 10.0, min_salience: float = 0.0, max_salience: float = 1.0,
           min_risk: float = 0.5, max_risk: float = 2.0, min_discount: float = 0.5,
           max_discount: float = 1.0, min_cost: float = 0.0, max_cost: float = 0.1,
           walk_away: st.SearchStrategy[float | str] | None = None,
           ) -> st.SearchStrategy[tuple[Actor, ...]]:
    """Tuples of actors ``a0, a1, ...`` with positions and saliences on some of the issues.

    Every actor has a position on the first issue, and a few lend part of their capability to
    another actor (``support``).

    Parameters
    ----------
    issue_list : tuple of Issue, or a strategy of them, optional
        The issues positions refer to; default :func:`issues`. Leave it out when passing this
        strategy to :func:`scenarios`, which supplies its own issues.
    min_size, max_size : int
        How many actors (at least 2).
    min_capability, max_capability, min_salience, max_salience, min_risk, max_risk, \
min_discount, max_discount, min_cost, max_cost : float
        Bounds on every actor's parameters: capability ``>= 0``, salience in ``[0, 1]``, risk
        exponent ``> 0`` (``min_risk = max_risk = 1``: linear utilities), discount factor in
        ``(0, 1]``, per-round cost ``>= 0``.
    walk_away : strategy, optional
        Each actor's walk-away value: a utility in ``[0, 1]``, ``"status_quo"`` or ``"war"``;
        default any of these, shrinking to ``"status_quo"``.
    """
    build = _actors_build(min_size, max_size, min_capability, max_capability, min_salience,
                          max_salience, min_risk, max_risk, min_discount, max_discount,
                          min_cost, max_cost, walk_away)
    if issue_list is None:
        return part("actors", build, lambda draw: Context(issues=draw(issues())))
    if isinstance(issue_list, st.SearchStrategy):
        fixed = issue_list
        return fixed_part("actors", lambda draw: build(draw, Context(issues=draw(fixed))))
    if not issue_list or not all(isinstance(i, Issue) for i in issue_list):
        raise InvalidArgument(f"issue_list must be a non-empty tuple of Issue objects or a "
                              f"strategy of them, got {issue_list!r}")
    given = tuple(issue_list)
    return fixed_part("actors", lambda draw: build(draw, Context(issues=given)))


def _standalone_actors(draw: Draw) -> Context:
    issue_list = draw(issues(max_size=2))
    return Context(issues=issue_list, actors=draw(actors(issue_list)))


# -- coalitions ------------------------------------------------------------------------------
def coalitions(actor_ids: Sequence[str] | None = None, *, min_size: int = 0, max_size: int = 2,
               rules: st.SearchStrategy[str] | None = None
               ) -> st.SearchStrategy[tuple[Coalition, ...]]:
    """Tuples of coalitions ``c0, c1, ...`` of actors, with a representative and a rule.

    Parameters
    ----------
    actor_ids : list of str, optional
        The actors members are drawn from; default the actors of a drawn scenario part.
    min_size, max_size : int
        How many coalitions.
    rules : strategy of str, optional
        Decision rules (default every rule in :data:`negsim.model.DECISION_RULES`, shrinking to
        unanimity); weighted rules get a positive weight per member, ``threshold`` a quota.
    """
    build = _coalitions_build(min_size, max_size, rules)
    if actor_ids is None:
        return part("coalitions", build, _standalone_actors)
    ids = check_ids("actor_ids", actor_ids, 1)
    return fixed_part("coalitions", lambda draw: build(draw, Context(actors=tuple(
        Actor(id=a, name=a, kind="state", capability=1.0) for a in ids))))


def _coalitions_build(min_size: int = 0, max_size: int = 2,
                      rules: st.SearchStrategy[str] | None = None) -> Build:
    check_sizes("min_size", min_size, "max_size", max_size, 0)
    check_strategy("rules", rules)
    rule_strategy = _RULES if rules is None else rules

    def one(draw: Draw, ctx: Context) -> Finish:
        ids = [a.id for a in ctx.actors]
        members = subset(draw, ids, 1, len(ids))
        rule = draw(rule_strategy)
        weighted = rule in ("qmv", "reinforced_qmv", "threshold")
        values = dict(
            members=tuple(members), rule=rule,
            weights={m: toward(draw, 1.0, 0.01, 50.0) for m in members} if weighted else {},
            quota=toward(draw, 0.5, 0.05, 1.0) if rule == "threshold" else None,
            representative=members[index(draw, len(members))])
        return lambda k, n: Coalition(id=f"c{k}", name=f"Coalition c{k}", **values)

    return Many(min_size, max_size, one)


# -- levers ----------------------------------------------------------------------------------
def levers(owners: Sequence[str] | None = None, actor_ids: Sequence[str] | None = None,
           issue_ids: Sequence[str] | None = None, *, min_size: int = 0, max_size: int = 3
           ) -> st.SearchStrategy[tuple[Lever, ...]]:
    """Tuples of levers ``l0, l1, ...``, with effects, and sometimes a schedule or conditions.

    Parameters
    ----------
    owners : list of str, optional
        Actor or coalition ids that may own a lever.
    actor_ids : list of str, optional
        Actors the effects act on.
    issue_ids : list of str, optional
        Issues a lever may be tied to.
    min_size, max_size : int
        How many levers.

    Give all three lists or none (then they come from a drawn scenario part).
    """
    build = _levers_build(min_size, max_size)
    lists = (owners, actor_ids, issue_ids)
    if all(x is None for x in lists):
        return part("levers", build, _standalone_actors)
    if any(x is None for x in lists):
        raise InvalidArgument("levers() needs owners, actor_ids and issue_ids together, or none")
    o, a, i = (check_ids(n, x, 1) for n, x in zip(
        ("owners", "actor_ids", "issue_ids"), lists, strict=True))
    many = Many(min_size, max_size, lambda draw, _: _draw_lever(draw, o, a, i))
    return fixed_part("levers", many)


def _levers_build(min_size: int = 0, max_size: int = 3) -> Build:
    check_sizes("min_size", min_size, "max_size", max_size, 0)

    def one(draw: Draw, ctx: Context) -> Finish:
        actor_list = [a.id for a in ctx.actors]
        owner_list = actor_list + [c.id for c in ctx.coalitions]
        return _draw_lever(draw, owner_list, actor_list, [i.id for i in ctx.issues])

    return Many(min_size, max_size, one)


def _draw_lever(draw: Draw, owners: list[str], actor_ids: list[str],
                issue_ids: list[str]) -> Finish:
    lo, hi = draw(_RANGES)
    effects = []
    for _ in range(int(draw(st.integers(0, 2)))):
        on = draw(_TARGETS)
        effects.append(Effect(
            target=actor_ids[index(draw, len(actor_ids))], on=on,
            amount=between(draw, -0.1, 0.1),
            beneficiary=actor_ids[index(draw, len(actor_ids))] if on == "support" else None))
    schedule = []
    if rare(draw):
        at = 0
        for _ in range(int(draw(st.integers(1, 2)))):
            at += int(draw(st.integers(1, 12)))
            schedule.append(Step(at=at, level=between(draw, lo, hi)))
    conditions = []
    if rare(draw):
        variable = draw(st.sampled_from(["round", "agreement"]
                                        + [f"issue.{k}" for k in issue_ids]))
        conditions.append(Condition(variable=variable, op=draw(_OPERATORS),
                                    value=between(draw, 0.0, 10.0),
                                    verified_for=int(draw(st.integers(0, 3)))))
    values = dict(
        owner=owners[index(draw, len(owners))], kind=draw(_LEVER_KINDS),
        level=between(draw, lo, hi), range=(lo, hi), cost=toward(draw, 0.0, 0.0, 0.05),
        effects=tuple(effects), schedule=tuple(schedule), conditions=tuple(conditions),
        issue=issue_ids[index(draw, len(issue_ids))] if draw(BOOL) else None,
        concession_value=toward(draw, 0.0, 0.0, 0.2),
        credibility=toward(draw, 1.0, 0.0, 1.0))
    return lambda k, n: Lever(id=f"l{k}", **values)


# -- tables ----------------------------------------------------------------------------------
def tables(parties: Sequence[str] | None = None, *, bilateral: bool = False,
           issue_ids: Sequence[str] | None = None) -> st.SearchStrategy[Table]:
    """Tables whose negotiators (at least two) and ratifiers are drawn from ``parties``.

    Parameters
    ----------
    parties : list of str, optional
        Actor and coalition ids; default those of a drawn scenario part.
    bilateral : bool
        Seat exactly two actors, who are also the only ratifiers (as two-party engines need).
    issue_ids : list of str, optional
        Issues that may get ratifiers of their own (``issue_ratifiers``); never with
        ``bilateral``.
    """
    build = _tables_build(bilateral)
    if parties is None:
        if issue_ids is not None:
            raise InvalidArgument("tables() takes issue_ids only with parties")
        return part("tables", build, _standalone_actors)
    party_list = check_ids("parties", parties, 2)
    issue_list = [] if issue_ids is None else check_ids("issue_ids", issue_ids, 1)
    if bilateral and issue_list:
        raise InvalidArgument("a bilateral table has no per-issue ratifiers; drop issue_ids")
    return fixed_part("tables", lambda draw: _draw_table(draw, party_list, bilateral,
                                                          issue_list))


def _tables_build(bilateral: bool = False) -> Build:
    if not isinstance(bilateral, bool):
        raise InvalidArgument(f"bilateral must be True or False, got {bilateral!r}")

    def build(draw: Draw, ctx: Context) -> Table:
        two = bilateral or ctx.bilateral
        actor_list = [a.id for a in ctx.actors]
        party_list = actor_list + [c.id for c in ctx.coalitions]
        return _draw_table(draw, actor_list if two else party_list, two,
                           [] if two else [i.id for i in ctx.issues])

    return build


def _draw_table(draw: Draw, parties: list[str], bilateral: bool, issue_ids: list[str]) -> Table:
    seats: dict[str, Any] = {}  # (typed loosely: the fields convert lists to tuples)
    if bilateral:
        seats["negotiators"] = subset(draw, parties, 2, 2)
        return Table(**seats)
    seats["negotiators"] = subset(draw, parties, 2, len(parties))
    seats["ratifiers"] = subset(draw, parties, 1, len(parties)) if draw(BOOL) else []
    if issue_ids and rare(draw):
        seats["issue_ratifiers"] = {issue_ids[index(draw, len(issue_ids))]: tuple(
            subset(draw, parties, 1, len(parties)))}
    return Table(**seats)


# -- uncertainties ---------------------------------------------------------------------------
def uncertainties(actor_list: tuple[Actor, ...] | None = None, *, min_size: int = 0,
                  max_size: int = 2) -> st.SearchStrategy[tuple[Uncertainty, ...]]:
    """Tuples of uncertainties ``u0, u1, ...`` of every distribution whose support fits.

    They range over actors' capabilities and saliences, and (inside :func:`scenarios`) over
    levers' levels and credibilities.

    Parameters
    ----------
    actor_list : tuple of Actor, optional
        The actors whose parameters are uncertain; default those of a drawn scenario part.
    min_size, max_size : int
        How many uncertainties.
    """
    build = _uncertainties_build(min_size, max_size)
    if actor_list is None:
        return part("uncertainties", build, _standalone_actors)
    if not actor_list or not all(isinstance(a, Actor) for a in actor_list):
        raise InvalidArgument(f"actor_list must be a non-empty tuple of Actor objects, got "
                              f"{actor_list!r}")
    fixed = Context(actors=tuple(actor_list))
    return fixed_part("uncertainties", lambda draw: build(draw, fixed))


def _uncertainties_build(min_size: int = 0, max_size: int = 2) -> Build:
    check_sizes("min_size", min_size, "max_size", max_size, 0)
    many = Many(min_size, max_size, lambda draw, targets: _draw_uncertainty(
        draw, *targets[index(draw, len(targets))]))

    def build(draw: Draw, ctx: Context) -> tuple[Uncertainty, ...]:
        targets: list[tuple[str, float, float]] = []  # path, and the support it must keep to
        for a in ctx.actors:
            targets.append((f"actors.{a.id}.capability", 0.0, math.inf))
            targets += [(f"actors.{a.id}.salience.{k}", 0.0, 1.0) for k in a.salience]
        for lv in ctx.levers:
            targets.append((f"levers.{lv.id}.level", *lv.range))
            targets.append((f"levers.{lv.id}.credibility", 0.0, 1.0))
        return many(draw, targets)

    return build


_DISTRIBUTIONS = st.sampled_from(("uniform", "triangular", "beta", "choice", "truncnormal",
                                  "lognormal"))


def _draw_uncertainty(draw: Draw, path: str, lo: float, hi: float) -> Finish:
    values = _uncertainty_values(draw, path, lo, hi)
    return lambda k, n: Uncertainty(id=f"u{k}", path=path, **values)


def _uncertainty_values(draw: Draw, path: str, lo: float, hi: float) -> dict[str, Any]:
    kind = draw(_DISTRIBUTIONS)
    top = hi if math.isfinite(hi) else lo + 10.0
    a = between(draw, lo, top)
    b = between(draw, lo, top)
    a, b = (a, b) if a < b else (lo, top)  # both distinct and ordered, or the whole range
    if kind == "uniform":
        return dict(distribution=kind, low=a, high=b)
    if kind == "triangular":
        return dict(distribution=kind, low=a, high=b, mode=between(draw, a, b))
    if kind == "beta":
        return dict(distribution=kind, alpha=toward(draw, 2, 0.5, 5),
                    beta=toward(draw, 2, 0.5, 5), low=a, high=b)
    if kind == "truncnormal":
        return dict(distribution=kind, mean=between(draw, a, b),
                    sd=toward(draw, 1.0, 0.01, 10.0), low=a, high=b)
    if kind == "lognormal" and not math.isfinite(hi):
        return dict(distribution=kind, mean=between(draw, -1, 1),
                    sigma=toward(draw, 0.5, 0.05, 2.0))
    values = tuple(between(draw, lo, top) for _ in range(int(draw(st.integers(1, 3)))))
    return dict(distribution="choice", values=values)


# -- scenarios -------------------------------------------------------------------------------
def scenarios(*, min_actors: int | None = None, max_actors: int | None = None,
              min_issues: int | None = None, max_issues: int | None = None,
              min_coalitions: int = 0, max_coalitions: int = 2, min_levers: int = 0,
              max_levers: int = 3, min_uncertainties: int = 0, max_uncertainties: int = 2,
              min_risk: float | None = None, max_risk: float | None = None,
              min_discount: float | None = None, max_discount: float | None = None,
              min_horizon: int = 1, max_horizon: int = 48, bilateral: bool = False,
              issues: st.SearchStrategy[tuple[Issue, ...]] | None = None,
              actors: st.SearchStrategy[tuple[Actor, ...]] | None = None,
              coalitions: st.SearchStrategy[tuple[Coalition, ...]] | None = None,
              levers: st.SearchStrategy[tuple[Lever, ...]] | None = None,
              tables: st.SearchStrategy[Table] | None = None,
              uncertainties: st.SearchStrategy[tuple[Uncertainty, ...]] | None = None,
              ) -> st.SearchStrategy[Scenario]:
    """Valid scenarios, shrinking towards two actors on one issue with nothing else.

    Parameters
    ----------
    min_actors, max_actors : int
        How many actors (default 2 to 5); not with ``actors``.
    min_issues, max_issues : int
        How many issues (default 1 to 4); not with ``issues``.
    min_coalitions, max_coalitions, min_levers, max_levers, min_uncertainties, \
max_uncertainties : int
        How many of each (ignored where the matching strategy is given).
    min_risk, max_risk, min_discount, max_discount : float
        Bounds on every actor's risk exponent (default 0.5 to 2) and discount factor (default
        0.5 to 1); not with ``actors``.
    min_horizon, max_horizon : int
        Rounds of the scenario's clock.
    bilateral : bool
        Seat exactly two actors, who are the only ratifiers (as two-party engines need).
    issues, actors, coalitions, levers, tables, uncertainties : strategy, optional
        Strategies for the parts. One from the function of the same name (called without ids
        or issues) is fitted to the scenario being drawn; any other strategy is drawn as is,
        and what it draws must fit the rest of the scenario.
    """
    for name, value in (("issues", issues), ("actors", actors), ("coalitions", coalitions),
                        ("levers", levers), ("tables", tables),
                        ("uncertainties", uncertainties)):
        check_strategy(name, value)
    if not isinstance(bilateral, bool):
        raise InvalidArgument(f"bilateral must be True or False, got {bilateral!r}")
    actor_bounds = {"min_size": min_actors, "max_size": max_actors, "min_risk": min_risk,
                    "max_risk": max_risk, "min_discount": min_discount,
                    "max_discount": max_discount}
    given = {k: v for k, v in actor_bounds.items() if v is not None}
    if actors is not None and given:
        raise InvalidArgument("give the actors' bounds to the actors() strategy passed as "
                              f"actors=, not to scenarios(): got {sorted(given)}")
    if issues is not None and (min_issues is not None or max_issues is not None):
        raise InvalidArgument("give min_size/max_size to the issues() strategy passed as "
                              "issues=, not min_issues/max_issues to scenarios()")
    lo_i, hi_i = _default_sizes(min_issues, max_issues, 1, 4)
    check_sizes("min_issues", lo_i, "max_issues", hi_i, 1)
    lo_a, hi_a = _default_sizes(min_actors, max_actors, 2, 5)
    check_sizes("min_actors", lo_a, "max_actors", hi_a, 2)
    issue_strategy = issues if issues is not None else _issues(min_size=lo_i, max_size=hi_i)
    actor_kw: dict[str, Any] = {"min_risk": 0.5, "max_risk": 2.0, "min_discount": 0.5,
                                "max_discount": 1.0, **given, "min_size": lo_a,
                                "max_size": hi_a}
    for name in ("risk", "discount"):  # one bound given: keep the other consistent
        low, high = f"min_{name}", f"max_{name}"
        if low in given and high not in given and is_real(given[low]):
            actor_kw[high] = max(actor_kw[high], given[low])
        if high in given and low not in given and is_real(given[high]):
            actor_kw[low] = min(actor_kw[low], given[high])
    for lo_name, lo, hi_name, hi in (("min_coalitions", min_coalitions, "max_coalitions",
                                      max_coalitions),
                                     ("min_levers", min_levers, "max_levers", max_levers),
                                     ("min_uncertainties", min_uncertainties,
                                      "max_uncertainties", max_uncertainties)):
        check_sizes(lo_name, lo, hi_name, hi, 0)
    check_sizes("min_horizon", min_horizon, "max_horizon", max_horizon, 1)
    plan = _Plan(
        issues=issue_strategy,
        actors=builder("actors", actors, _actors_build(**actor_kw)),
        coalitions=builder("coalitions", coalitions,
                            _coalitions_build(min_coalitions, max_coalitions)),
        levers=builder("levers", levers, _levers_build(min_levers, max_levers)),
        table=builder("tables", tables, _tables_build()),
        uncertainties=builder("uncertainties", uncertainties,
                               _uncertainties_build(min_uncertainties, max_uncertainties)),
        horizon=st.integers(min_horizon, max_horizon),
        bilateral=bilateral,
    )
    return _scenario(plan)


_issues = issues  # scenarios() has a parameter of this name


def _default_sizes(lo: Any, hi: Any, lo_default: int, hi_default: int) -> tuple[Any, Any]:
    """Fill in a missing bound so that it agrees with the one given."""
    if lo is None:
        lo = min(lo_default, hi) if is_int(hi) else lo_default
    if hi is None:
        hi = max(hi_default, lo) if is_int(lo) else hi_default
    return lo, hi


@attrs.frozen
class _Plan:
    issues: st.SearchStrategy[tuple[Issue, ...]]
    actors: Build
    coalitions: Build
    levers: Build
    table: Build
    uncertainties: Build
    horizon: st.SearchStrategy[int]
    bilateral: bool


@st.composite
def _scenario(draw: Draw, plan: _Plan) -> Scenario:
    ctx = Context(issues=draw(plan.issues), bilateral=plan.bilateral)
    ctx = attrs.evolve(ctx, actors=plan.actors(draw, ctx))
    ctx = attrs.evolve(ctx, coalitions=plan.coalitions(draw, ctx))
    ctx = attrs.evolve(ctx, levers=plan.levers(draw, ctx))
    parts: dict[str, Any] = dict(  # (typed loosely: the fields convert to tuples)
        issues=ctx.issues, actors=ctx.actors, coalitions=ctx.coalitions, levers=ctx.levers,
        table=plan.table(draw, ctx), time=Time(horizon=int(draw(plan.horizon))),
        uncertainties=plan.uncertainties(draw, ctx))
    return Scenario(title="generated", **parts)


# -- realisations of a scenario's uncertainties ----------------------------------------------
def realisations(scenario: Scenario, *, paths: Sequence[str] | None = None
                 ) -> st.SearchStrategy[Scenario]:
    """The scenario with each uncertain parameter set to a value its distribution can take.

    Values range over each uncertainty's support (for unbounded distributions, four standard
    deviations either side of the centre), clipped to the parameter's allowed range; every draw
    is validated again. Shrinks towards the low end of each support.

    Parameters
    ----------
    scenario : Scenario
        A scenario with at least one uncertainty.
    paths : list of str, optional
        Vary only the uncertainties over these parameters.
    """
    if not isinstance(scenario, Scenario):
        raise InvalidArgument(f"scenario must be a Scenario, got {type(scenario).__name__}")
    chosen = [u for u in scenario.uncertainties if paths is None or u.path in paths]
    if paths is not None:
        missing = sorted(set(check_ids("paths", paths, 1)) - {u.path for u in chosen})
        if missing:
            raise InvalidArgument(f"no uncertainty over {', '.join(missing)}")
    if not chosen:
        raise InvalidArgument("the scenario has no uncertainties to realise")
    params = {p.path: p for p in numeric_parameters(scenario)}
    ranges: list[tuple[str, st.SearchStrategy[float]]] = []
    for u in chosen:
        p = params[u.path]
        if u.distribution == "choice":
            ranges.append((u.path, st.sampled_from(u.values)))
            continue
        lo, hi = u.support()
        if u.distribution == "normal":
            assert u.mean is not None and u.sd is not None
            lo, hi = u.mean - 4 * u.sd, u.mean + 4 * u.sd
        elif u.distribution == "lognormal":
            assert u.mean is not None and u.sigma is not None
            lo, hi = math.exp(u.mean - 4 * u.sigma), math.exp(u.mean + 4 * u.sigma)
        lo, hi = max(lo, p.low), min(hi, p.high)
        ranges.append((u.path, st.integers(math.ceil(lo), math.floor(hi))
                       if p.integer else st.floats(lo, hi, allow_nan=False,
                                                   allow_subnormal=False)))

    @st.composite
    def draw_realisation(draw: Draw) -> Scenario:
        return with_values(scenario, {path: draw(values) for path, values in ranges})

    return draw_realisation()


# -- malformed documents ---------------------------------------------------------------------
def invalid_documents(*, base: st.SearchStrategy[Scenario] | None = None,
                      kinds: Sequence[str] = DOCUMENT_FAULTS
                      ) -> st.SearchStrategy[tuple[Any, str, str]]:
    """Malformed scenario documents, with the location the loader's error must name.

    Draws a valid scenario, breaks it one way, and returns ``(document, path, kind)``:
    ``document`` is a dict, or TOML text for ``duplicate_id`` and ``truncated``; ``path`` is
    the dotted location a :class:`~negsim.errors.ScenarioError` must report ("" for syntax
    errors, which carry a line and column instead); ``kind`` is one of
    :data:`DOCUMENT_FAULTS`: a value of the wrong type, out of range, infinite or NaN, a
    reference to nothing, an unknown key, a missing key, an id that is not a lowercase slug, a
    table declared twice, text cut short.

    Parameters
    ----------
    base : strategy of Scenario, optional
        The valid scenarios to break; default small ones from :func:`scenarios`.
    kinds : sequence of str
        The faults to draw from.
    """
    check_strategy("base", base)
    if isinstance(kinds, str) or not isinstance(kinds, Sequence) or not kinds \
            or not set(kinds) <= set(DOCUMENT_FAULTS):
        raise InvalidArgument(f"kinds must be a non-empty subset of {DOCUMENT_FAULTS}, got "
                              f"{kinds!r}")
    chosen = base if base is not None else scenarios(max_actors=3, max_issues=2)
    return broken_documents(chosen, tuple(kinds))

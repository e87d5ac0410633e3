"""The scenario model: issues, actors, coalitions, the table, time and engine settings.

Value objects only: frozen attrs classes with tuple and :class:`~negsim._checks.FrozenMap`
collections, so a scenario is hashable and a what-if is ``attrs.evolve(obj, ...)``, which re-runs
every validator. Field checks live in field validators; rules that span fields live in instance
validators; rules that span objects (unknown ids) live in :class:`negsim.scenario.Scenario`.
Nothing here knows about files: see :mod:`negsim.io`.

Provenance. Every object that carries numbers also carries where they come from: ``sources`` (fact
ids in the seed digests, ``"<digest id>#<fact id>"``) and/or an ``assumption`` (the reason for a
number no source gives), which cover all of the object's numbers, and ``cite``, a table from a
parameter's relative path (``"capability"``, ``"position.donbas"``, ``"salience"``) to a
:class:`Citation` for that parameter alone. The most specific entry wins.
"""

from __future__ import annotations

import math
import re
from typing import Any

import attrs
from attrs import field

from negsim._checks import (
    FrozenMap,
    frozen_map,
    identifier,
    identifiers,
    integer,
    is_number,
    number,
    number_map,
    one_of,
)
from negsim.errors import Problem, ScenarioError

__all__ = [
    "ACTOR_KINDS",
    "DECISION_RULES",
    "Actor",
    "Citation",
    "Coalition",
    "EngineSettings",
    "Issue",
    "Table",
    "Time",
    "War",
]

CITATION_PATTERN = re.compile(r"^[A-Za-z0-9_.-]+#[a-z0-9][a-z0-9-]*$")
ACTOR_KINDS = ("state", "organisation", "bloc")
DECISION_RULES = ("unanimity", "qmv", "reinforced_qmv", "majority", "threshold")
WALK_AWAY_RULES = ("status_quo", "war")


def _citations(_: Any, attribute: Any, value: tuple[str, ...]) -> None:
    bad = [
        Problem(
            f"a source must be '<digest id>#<fact id>', got {s!r}", f"{attribute.name}.{i}"
        )
        for i, s in enumerate(value)
        if not isinstance(s, str) or not CITATION_PATTERN.match(s)
    ]
    if bad:
        raise ScenarioError(bad)


def _text(_: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, str):
        raise ScenarioError(
            [Problem(f"{attribute.name} must be a string, got {type(value).__name__}",
                     attribute.name)]
        )


@attrs.frozen(kw_only=True)
class Citation:
    """Where one parameter's value comes from: cited facts, an assumption with its reason, or both.

    Parameters
    ----------
    sources : tuple of str
        Fact ids, ``"<digest id>#<fact id>"``.
    assumption : str
        Why the number is what it is where no source states it (or how it was derived from one).
    """

    sources: tuple[str, ...] = field(default=(), converter=tuple, validator=_citations)
    assumption: str = field(default="", validator=_text)

    def __attrs_post_init__(self) -> None:
        if not self.sources and not self.assumption.strip():
            raise ScenarioError([Problem("a citation needs sources or an assumption")])


def _cite_map(_: Any, attribute: Any, value: FrozenMap[Any]) -> None:
    bad = [
        Problem(f"cite entries must be citations, got {type(v).__name__}", f"cite.{k}")
        for k, v in value.items()
        if not isinstance(v, Citation)
    ]
    if bad:
        raise ScenarioError(bad)


def provenance() -> dict[str, Any]:
    """The three provenance fields every parameter-carrying class declares (see module doc)."""
    return {
        "sources": field(default=(), converter=tuple, validator=_citations),
        "assumption": field(default="", validator=_text),
        "cite": field(factory=FrozenMap, converter=frozen_map, validator=_cite_map),
    }


def _pair(_: Any, attribute: Any, value: Any) -> None:
    if (
        not isinstance(value, tuple)
        or len(value) != 2
        or not all(is_number(v) for v in value)
    ):
        raise ScenarioError(
            [Problem(f"{attribute.name} must be two numbers [low, high], got {value!r}",
                     attribute.name)]
        )
    if not value[0] < value[1]:
        raise ScenarioError(
            [Problem(f"{attribute.name} must have low < high, got {list(value)}", attribute.name)]
        )


@attrs.frozen(kw_only=True)
class Issue:
    """A negotiated dimension with a scale, labelled ends, and a status quo.

    Parameters
    ----------
    id : str
        Lowercase id (``donbas``).
    label : str
        Human-readable name.
    scale : (float, float)
        The ends of the scale, default ``(0, 100)``.
    low_label, high_label : str
        What the ends mean (``"0 = all of Donetsk under Ukrainian control"``).
    status_quo : float
        The outcome if no deal is struck, on the scale.
    unit : str
        Unit of the scale (``"% of the oblast held by Russia"``).
    """

    id: str = field(validator=identifier)
    label: str = field(validator=_text)
    status_quo: float = field(validator=number())
    scale: tuple[float, float] = field(default=(0.0, 100.0), converter=tuple, validator=_pair)
    low_label: str = field(default="", validator=_text)
    high_label: str = field(default="", validator=_text)
    unit: str = field(default="", validator=_text)
    description: str = field(default="", validator=_text)
    sources: tuple[str, ...] = provenance()["sources"]
    assumption: str = provenance()["assumption"]
    cite: FrozenMap[Citation] = provenance()["cite"]

    @status_quo.validator
    def _status_quo_on_scale(self, attribute: Any, value: float) -> None:
        scale = self.scale
        if not (isinstance(scale, tuple) and len(scale) == 2 and all(map(is_number, scale))):
            return  # the scale's own validator reports it
        lo, hi = scale
        if is_number(value) and not lo <= value <= hi:
            raise ScenarioError(
                [Problem(f"status_quo must be on the scale [{lo:g}, {hi:g}], got {value:g}",
                         "status_quo")]
            )


def _walk_away(_: Any, attribute: Any, value: Any) -> None:
    if isinstance(value, str):
        if value not in WALK_AWAY_RULES:
            raise ScenarioError([Problem(
                f"walk_away must be a utility in [0, 1] or one of {', '.join(WALK_AWAY_RULES)}; "
                f"got {value!r}", "walk_away")])
    elif not is_number(value) or not 0.0 <= value <= 1.0:
        raise ScenarioError([Problem(
            f"walk_away must be a utility in [0, 1] or one of {', '.join(WALK_AWAY_RULES)}; "
            f"got {value!r}", "walk_away")])


@attrs.frozen(kw_only=True)
class Actor:
    """A state, organisation or bloc with positions, saliences, patience and a walk-away value.

    Parameters
    ----------
    id, name : str
        Lowercase id and display name.
    kind : {"state", "organisation", "bloc"}
        A bloc stands for several states acting as one (e.g. a group of member states).
    capability : float
        Relative power to shape outcomes (any non-negative scale; engines normalise).
    position : FrozenMap of float
        Ideal point per issue id, on the issue's scale.
    salience : FrozenMap of float
        Importance per issue id, in ``[0, 1]``; issues without an entry have salience 0.
    discount : float
        Per-round discount factor in ``(0, 1]`` (patience).
    cost : float
        Per-round cost of having no agreement, in utility units, ``>= 0``.
    risk : float
        Risk exponent ``r > 0`` of the spatial utility (1 neutral, >1 averse, <1 acceptant).
    walk_away : float or {"status_quo", "war"}
        Utility of no agreement: a number in ``[0, 1]``, the utility of the status quo, or the
        believed value of fighting on (derived by engines that model war).
    support : FrozenMap of float
        Share of this actor's capability lent to other actors (third-party support), in [0, 1].
    """

    id: str = field(validator=identifier)
    name: str = field(validator=_text)
    kind: str = field(validator=one_of(*ACTOR_KINDS))
    capability: float = field(validator=number(0.0))
    position: FrozenMap[float] = field(factory=FrozenMap, converter=frozen_map,
                                       validator=number_map())
    salience: FrozenMap[float] = field(factory=FrozenMap, converter=frozen_map,
                                       validator=number_map(0.0, 1.0))
    discount: float = field(default=1.0, validator=number(0.0, 1.0, lo_open=True))
    cost: float = field(default=0.0, validator=number(0.0))
    risk: float = field(default=1.0, validator=number(0.0, lo_open=True))
    walk_away: float | str = field(default="status_quo", validator=_walk_away)
    support: FrozenMap[float] = field(factory=FrozenMap, converter=frozen_map,
                                      validator=number_map(0.0, 1.0))
    description: str = field(default="", validator=_text)
    sources: tuple[str, ...] = provenance()["sources"]
    assumption: str = provenance()["assumption"]
    cite: FrozenMap[Citation] = provenance()["cite"]

    @salience.validator
    def _salience_has_position(self, attribute: Any, value: FrozenMap[float]) -> None:
        missing = [k for k in value if k not in self.position]
        if missing:
            raise ScenarioError([
                Problem(f"salience given for issue {k!r} without a position", f"salience.{k}")
                for k in missing
            ])


@attrs.frozen(kw_only=True)
class Coalition:
    """Actors acting together under a decision rule.

    Parameters
    ----------
    id, name : str
    members : tuple of str
        Actor ids.
    rule : {"unanimity", "qmv", "reinforced_qmv", "majority", "threshold"}
        How the coalition decides. ``qmv`` is the EU Council's qualified majority (Art. 16(4)
        TEU): at least 55% of the member states representing at least 65% of the population, or
        all but at most three states (a blocking minority needs four); ``reinforced_qmv`` needs
        72% of the states and 65% of the population; ``majority`` more than half the states;
        ``threshold`` a share ``quota`` of the total ``weights``.
    weights : FrozenMap of float
        Per member: its population share (``qmv``) or votes (``threshold``).
    counts : FrozenMap of int
        Per member: how many states it stands for (a bloc of 13 counts 13); default 1 each.
    quota : float or None
        Share of the total weight needed under ``threshold``, in (0, 1].
    representative : str or None
        The actor who speaks for the coalition at the table (may be outside ``members``).
    issue_rules : FrozenMap of str
        Per issue, a rule that replaces ``rule`` on that issue (``sanctions = "unanimity"``).
    """

    id: str = field(validator=identifier)
    name: str = field(validator=_text)
    members: tuple[str, ...] = field(converter=tuple, validator=identifiers)
    rule: str = field(default="unanimity", validator=one_of(*DECISION_RULES))
    weights: FrozenMap[float] = field(factory=FrozenMap, converter=frozen_map,
                                      validator=number_map(0.0, lo_open=True))
    counts: FrozenMap[int] = field(factory=FrozenMap, converter=frozen_map)
    quota: float | None = field(default=None)
    representative: str | None = field(default=None)
    issue_rules: FrozenMap[str] = field(factory=FrozenMap, converter=frozen_map)
    description: str = field(default="", validator=_text)
    sources: tuple[str, ...] = provenance()["sources"]
    assumption: str = provenance()["assumption"]
    cite: FrozenMap[Citation] = provenance()["cite"]

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not self.members:
            problems.append(Problem("a coalition needs at least one member", "members"))
        for k, v in self.counts.items():
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                problems.append(Problem(f"counts must be integers >= 1, got {v!r}", f"counts.{k}"))
        for table in ("weights", "counts"):
            for k in getattr(self, table):
                if k not in self.members:
                    problems.append(Problem(f"{table} names {k!r}, which is not a member",
                                            f"{table}.{k}"))
        rules = {"rule": self.rule, **{f"issue_rules.{k}": v for k, v in self.issue_rules.items()}}
        for where, rule in rules.items():
            if rule not in DECISION_RULES:
                problems.append(Problem(
                    f"rule must be one of {', '.join(DECISION_RULES)}; got {rule!r}", where))
            elif rule in ("qmv", "reinforced_qmv", "threshold"):
                missing = [m for m in self.members if m not in self.weights]
                if missing:
                    problems.append(Problem(
                        f"rule {rule!r} needs a weight for every member; missing "
                        f"{', '.join(missing)}", "weights"))
        uses_threshold = "threshold" in rules.values()
        if self.quota is not None and (
            not is_number(self.quota) or not 0.0 < self.quota <= 1.0
        ):
            problems.append(Problem(f"quota must be in (0, 1], got {self.quota!r}", "quota"))
        elif uses_threshold and self.quota is None:
            problems.append(Problem("rule 'threshold' needs a quota in (0, 1]", "quota"))
        if self.representative is not None and not isinstance(self.representative, str):
            problems.append(Problem("representative must be an actor id", "representative"))
        if problems:
            raise ScenarioError(problems)

    def count(self, member: str) -> int:
        """How many states ``member`` stands for under the coalition's rule."""
        return int(self.counts.get(member, 1))


@attrs.frozen(kw_only=True)
class Table:
    """Who negotiates, and whose consent a deal needs.

    Parameters
    ----------
    negotiators : tuple of str
        Actor or coalition ids at the table (a coalition speaks through its representative).
    ratifiers : tuple of str
        Actor or coalition ids whose consent any deal needs; empty means the negotiators.
    issue_ratifiers : FrozenMap of tuple of str
        Per issue, the parties whose consent a deal touching that issue needs, replacing
        ``ratifiers`` for it (e.g. the EU for sanctions and the frozen assets). A package deal
        needs the consent of every party named for any of its issues.
    """

    negotiators: tuple[str, ...] = field(converter=tuple, validator=identifiers)
    ratifiers: tuple[str, ...] = field(default=(), converter=tuple, validator=identifiers)
    issue_ratifiers: FrozenMap[tuple[str, ...]] = field(factory=FrozenMap, converter=frozen_map)
    sources: tuple[str, ...] = provenance()["sources"]
    assumption: str = provenance()["assumption"]
    cite: FrozenMap[Citation] = provenance()["cite"]

    def __attrs_post_init__(self) -> None:
        if len(self.negotiators) < 2:
            raise ScenarioError([Problem(
                f"a table needs at least two negotiators, got {len(self.negotiators)}",
                "negotiators")])

    def effective_ratifiers(self) -> tuple[str, ...]:
        """The default ratifiers (the negotiators when none are named)."""
        return self.ratifiers or self.negotiators

    def ratifiers_for(self, issues: tuple[str, ...]) -> tuple[str, ...]:
        """Every party whose consent a package over ``issues`` needs, in first-named order."""
        out: dict[str, None] = {}
        for k in issues:
            for party in self.issue_ratifiers.get(k, self.effective_ratifiers()):
                out[party] = None
        return tuple(out)


@attrs.frozen(kw_only=True)
class Time:
    """The clock of dynamic engines: one round per ``step``, for ``horizon`` rounds."""

    step: str = field(default="month", validator=one_of("day", "week", "month", "quarter", "year"))
    horizon: int = field(default=36, validator=integer(1))
    start: str = field(default="", validator=_text)
    sources: tuple[str, ...] = provenance()["sources"]
    assumption: str = provenance()["assumption"]
    cite: FrozenMap[Citation] = provenance()["cite"]


def _param_values(_: Any, attribute: Any, value: FrozenMap[Any]) -> None:
    bad = [
        Problem(f"engine parameters must be numbers, strings or booleans, got {type(v).__name__}",
                f"params.{k}")
        for k, v in value.items()
        if not isinstance(v, bool | int | float | str)
    ]
    if bad:
        raise ScenarioError(bad)


@attrs.frozen(kw_only=True)
class EngineSettings:
    """Which engine runs the scenario by default, with its parameters (checked by the engine)."""

    kind: str = field(default="compromise", validator=identifier)
    params: FrozenMap[Any] = field(factory=FrozenMap, converter=frozen_map,
                                   validator=_param_values)
    sources: tuple[str, ...] = provenance()["sources"]
    assumption: str = provenance()["assumption"]
    cite: FrozenMap[Citation] = provenance()["cite"]


RECOGNITION_RULES = ("equal", "capability")


@attrs.frozen(kw_only=True)
class War:
    """The war that the dynamic war-bargaining engine (``war``) plays out between two sides.

    Parameters
    ----------
    side_a, side_b : tuple of str
        The belligerent actors of each side (the first named leads it). Side A's battle wins
        move the front up, side B's down.
    front_issues : tuple of str
        The issues the front decides: with no deal they take the value the front maps to
        (see ``front_start``); empty means every issue (the winner imposes its ideal on all).
    front_scale : (float, float)
        The front's scale, default ``(0, 100)``: the share of the contested land side A holds.
    front_start : float
        The front in round 0, on ``front_scale``. There the front issues stand at their status
        quo; at the top of the scale at side A's leader's ideal, at the bottom at side B's
        (linearly in between).
    capitulation : (float, float) or None
        Side A gives in when the front falls to the first value or below, side B when it rises
        to the second or above; default the ends of ``front_scale``.
    decisiveness : float
        Exponent ``m >= 0`` of the contest success function.
    battles : int
        Battles per round (more battles: more evidence per round).
    advance : float
        How far the front moves per battle won net of battles lost, in front units.
    optimism : FrozenMap of float
        Per belligerent, how far its prior over the balance is shifted in its own favour, in
        log-odds of winning a battle (0 = unbiased).
    prior_sd : float
        Spread of every belligerent's prior over the log-odds of the balance.
    recognition : {"equal", "capability"}
        How the proposer is chosen each round among the negotiators.
    """

    side_a: tuple[str, ...] = field(converter=tuple, validator=identifiers)
    side_b: tuple[str, ...] = field(converter=tuple, validator=identifiers)
    front_issues: tuple[str, ...] = field(default=(), converter=tuple, validator=identifiers)
    front_scale: tuple[float, float] = field(default=(0.0, 100.0), converter=tuple,
                                             validator=_pair)
    front_start: float = field(default=50.0, validator=number())
    capitulation: tuple[float, float] | None = field(
        default=None, converter=attrs.converters.optional(tuple))
    decisiveness: float = field(default=1.0, validator=number(0.0))
    battles: int = field(default=4, validator=integer(1))
    advance: float = field(default=1.0, validator=number(0.0))
    optimism: FrozenMap[float] = field(factory=FrozenMap, converter=frozen_map,
                                       validator=number_map(-5.0, 5.0))
    prior_sd: float = field(default=0.5, validator=number(0.0, 5.0, lo_open=True))
    recognition: str = field(default="equal", validator=one_of(*RECOGNITION_RULES))
    description: str = field(default="", validator=_text)
    sources: tuple[str, ...] = provenance()["sources"]
    assumption: str = provenance()["assumption"]
    cite: FrozenMap[Citation] = provenance()["cite"]

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        if not self.side_a:
            problems.append(Problem("side_a needs at least one actor", "side_a"))
        if not self.side_b:
            problems.append(Problem("side_b needs at least one actor", "side_b"))
        both = set(self.side_a) & set(self.side_b)
        if both:
            problems.append(Problem(f"an actor cannot fight on both sides: {sorted(both)}",
                                    "side_b"))
        lo, hi = self.front_scale if _is_pair(self.front_scale) else (-math.inf, math.inf)
        if is_number(self.front_start) and not lo <= self.front_start <= hi:
            problems.append(Problem(
                f"front_start must be on the front_scale [{lo:g}, {hi:g}], got "
                f"{self.front_start:g}", "front_start"))
        cap = self.capitulation
        if cap is not None:
            if not _is_pair(cap):
                problems.append(Problem(
                    f"capitulation must be two numbers [low, high], got {cap!r}", "capitulation"))
            elif not lo <= cap[0] < cap[1] <= hi:
                problems.append(Problem(
                    f"capitulation must satisfy {lo:g} <= low < high <= {hi:g}, got {list(cap)}",
                    "capitulation"))
        for k in self.optimism:
            if k not in self.side_a and k not in self.side_b:
                problems.append(Problem(f"optimism names {k!r}, which is not a belligerent",
                                        f"optimism.{k}"))
        if problems:
            raise ScenarioError(problems)

    @property
    def surrender(self) -> tuple[float, float]:
        """The capitulation thresholds (default: the ends of the front's scale)."""
        return (self.front_scale if self.capitulation is None
                else (float(self.capitulation[0]), float(self.capitulation[1])))


def _is_pair(value: Any) -> bool:
    return (isinstance(value, tuple) and len(value) == 2 and all(is_number(v) for v in value)
            and math.isfinite(value[0]) and math.isfinite(value[1]))

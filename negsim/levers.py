"""Levers: instruments an actor or coalition controls, and what they do while applied.

A lever (sanctions, sanctions relief, the frozen assets, energy purchases, military aid, a loan,
security guarantees, an accession step, a diplomatic channel, outreach to third countries) has a
level within a range, a schedule of levels over rounds, a per-round cost to its owner, effects on
named actors while applied, a value when conceded inside a deal, conditions that must hold before
it applies or pays out, and a credibility. Dynamic engines apply levers round by round; the
static engines read them through the issue they are tied to.

Effects are linear in the lever's level: an effect of ``amount`` on ``target`` changes, per
round and per unit of level,

- ``on = "payoff"``: the target's per-round payoff (negative hurts: sanctions on Russia);
- ``on = "capability"``: the target's capability (military aid, funding from the frozen assets);
- ``on = "support"``: the target's support for ``beneficiary`` (outreach lowering China's support
  for Russia).

A condition compares a state variable with a value: ``round``, ``front``, ``agreement`` (1 once a
deal is in force), ``issue.<id>`` (the agreed or current value of an issue), ``lever.<id>`` (a
lever's level) or ``actor.<id>.capability``; it must have held for ``verified_for`` consecutive
rounds ("relief only after verified withdrawal").
"""

from __future__ import annotations

import re
from typing import Any

import attrs
from attrs import field

from negsim._checks import (
    FrozenMap,
    identifier,
    instances_of,
    integer,
    is_number,
    number,
    one_of,
)
from negsim.errors import Problem, ScenarioError
from negsim.model import Citation, _pair, _text, provenance

__all__ = ["LEVER_KINDS", "Condition", "Effect", "Lever", "Step"]

LEVER_KINDS = (
    "sanctions",
    "sanctions_relief",
    "frozen_assets",
    "energy_purchases",
    "military_aid",
    "loan",
    "security_guarantee",
    "accession_step",
    "diplomatic_channel",
    "outreach",
    "other",
)
EFFECT_TARGETS = ("payoff", "capability", "support")
OPERATORS = ("<", "<=", ">", ">=", "==")
VARIABLE_PATTERN = re.compile(
    r"^(round|front|agreement|issue\.[a-z][a-z0-9_]*|lever\.[a-z][a-z0-9_]*"
    r"|actor\.[a-z][a-z0-9_]*\.capability)$"
)


@attrs.frozen(kw_only=True)
class Effect:
    """What a lever does to one actor per round and per unit of its level."""

    target: str = field(validator=identifier)
    on: str = field(validator=one_of(*EFFECT_TARGETS))
    amount: float = field(validator=number())
    beneficiary: str | None = field(default=None)

    def __attrs_post_init__(self) -> None:
        if self.on == "support" and self.beneficiary is None:
            raise ScenarioError([Problem(
                "an effect on 'support' needs a beneficiary (whose support changes)",
                "beneficiary")])
        if self.on != "support" and self.beneficiary is not None:
            raise ScenarioError([Problem(
                f"beneficiary only applies to effects on 'support', not on {self.on!r}",
                "beneficiary")])


@attrs.frozen(kw_only=True)
class Step:
    """From round ``at`` on, the lever is at ``level`` (until the next step)."""

    at: int = field(validator=integer(0))
    level: float = field(validator=number())


def _variable(_: Any, attribute: Any, value: Any) -> None:
    if not isinstance(value, str) or not VARIABLE_PATTERN.match(value):
        raise ScenarioError([Problem(
            "variable must be round, front, agreement, issue.<id>, lever.<id> or "
            f"actor.<id>.capability; got {value!r}", "variable")])


@attrs.frozen(kw_only=True)
class Condition:
    """A state variable compared with a value, held for ``verified_for`` rounds."""

    variable: str = field(validator=_variable)
    op: str = field(validator=one_of(*OPERATORS))
    value: float = field(validator=number())
    verified_for: int = field(default=0, validator=integer(0))
    description: str = field(default="", validator=_text)

    def holds(self, x: Any) -> Any:
        """Whether the condition holds for value(s) ``x`` (works on numpy arrays)."""
        if self.op == "<":
            return x < self.value
        if self.op == "<=":
            return x <= self.value
        if self.op == ">":
            return x > self.value
        if self.op == ">=":
            return x >= self.value
        return x == self.value



@attrs.frozen(kw_only=True)
class Lever:
    """An instrument an actor or coalition controls (see the module docstring).

    Parameters
    ----------
    id : str
    owner : str
        The actor or coalition that controls the lever.
    kind : str
        One of :data:`LEVER_KINDS`.
    level : float
        Current level, inside ``range``.
    range : (float, float)
        Allowed levels.
    schedule : tuple of Step
        Planned levels over rounds (the level holds until the first step).
    cost : float
        Per-round cost to the owner per unit of level, in utility units, ``>= 0``.
    effects : tuple of Effect
        Effects on named actors while applied.
    issue : str or None
        The issue whose agreed value sets the lever after a deal (sanctions level, say).
    concession_value : float
        Utility the lever's targets gain, once, when it is given up inside a deal, ``>= 0``.
    conditions : tuple of Condition
        All must hold before the lever applies or pays out.
    credibility : float
        Probability, in ``[0, 1]``, that the others expect the lever to be used as announced.
    """

    id: str = field(validator=identifier)
    owner: str = field(validator=identifier)
    kind: str = field(validator=one_of(*LEVER_KINDS))
    level: float = field(validator=number())
    range: tuple[float, float] = field(default=(0.0, 1.0), converter=tuple, validator=_pair)
    label: str = field(default="", validator=_text)
    unit: str = field(default="", validator=_text)
    schedule: tuple[Step, ...] = field(default=(), converter=tuple, validator=instances_of(Step))
    cost: float = field(default=0.0, validator=number(0.0))
    effects: tuple[Effect, ...] = field(default=(), converter=tuple,
                                        validator=instances_of(Effect))
    issue: str | None = field(default=None)
    concession_value: float = field(default=0.0, validator=number(0.0))
    conditions: tuple[Condition, ...] = field(default=(), converter=tuple,
                                              validator=instances_of(Condition))
    credibility: float = field(default=1.0, validator=number(0.0, 1.0))
    description: str = field(default="", validator=_text)
    sources: tuple[str, ...] = provenance()["sources"]
    assumption: str = provenance()["assumption"]
    cite: FrozenMap[Citation] = provenance()["cite"]

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        lo, hi = self.range
        if is_number(self.level) and not lo <= self.level <= hi:
            problems.append(Problem(
                f"level must be within range [{lo:g}, {hi:g}], got {self.level:g}", "level"))
        last = -1
        for i, step in enumerate(self.schedule):
            if not lo <= step.level <= hi:
                problems.append(Problem(
                    f"level must be within range [{lo:g}, {hi:g}], got {step.level:g}",
                    f"schedule.{i}.level"))
            if step.at <= last:
                problems.append(Problem(
                    f"schedule steps must be in increasing rounds; round {step.at} follows "
                    f"round {last}", f"schedule.{i}.at"))
            last = step.at
        if problems:
            raise ScenarioError(problems)

    def level_at(self, round_: int) -> float:
        """The scheduled level in round ``round_`` (before conditions and deals)."""
        level = self.level
        for step in self.schedule:
            if step.at <= round_:
                level = step.level
        return level

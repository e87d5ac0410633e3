"""What an engine is: its facts, its parameters, and a pure solve function over arrays.

An engine (OpenSpiel's ``GameType`` is the model) declares a frozen :class:`EngineInfo` (what it
assumes, what it guarantees) and a typed, documented parameter class with defaults, and provides
``solve(compiled, params, rng) -> Outcome``, a pure function of the compiled arrays. Engines are
registered by name (:func:`negsim.engines.register`); ``[engine] kind = "nash"`` in a scenario
file names one.
"""

from __future__ import annotations

import typing
from collections.abc import Callable, Mapping
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim._checks import describe, did_you_mean, is_number
from negsim.compiled import Compiled
from negsim.errors import Problem, ScenarioError

__all__ = ["GUARANTEES", "Engine", "EngineInfo", "NoParams", "Outcome", "parse_params"]

GUARANTEES = (
    "feasible",  # the outcome lies on every issue's scale
    "individually_rational",  # no ratifier gets less than its walk-away value in an agreement
    "pareto",  # no feasible outcome makes every ratifier better off
    "deterministic",  # no chance: the seed does not matter
    "symmetric",  # identical actors are treated identically
    "relabelling_covariant",  # permuting actors or issues permutes the outputs
)


def _frozen_strings(items: typing.Iterable[str]) -> frozenset[str]:
    return frozenset(items)


@attrs.frozen(kw_only=True)
class EngineInfo:
    """The facts an engine declares about itself.

    Parameters
    ----------
    name : str
        Registry name (``"nash"``).
    summary : str
        One line for ``negsim engines``.
    family : str
        ``"forecast"``, ``"axiomatic"``, ``"strategic"``, ``"agent-based"`` or ``"dynamic"``.
    guarantees : frozenset of str
        Properties of every outcome (:data:`GUARANTEES`); contract tests check exactly these.
    assumptions : tuple of str
        What the engine assumes of a scenario, in plain words.
    references : tuple of str
        The papers it implements.
    """

    name: str
    summary: str
    family: str
    guarantees: frozenset[str] = attrs.field(converter=_frozen_strings)
    assumptions: tuple[str, ...] = ()
    references: tuple[str, ...] = ()

    @guarantees.validator
    def _known(self, attribute: Any, value: frozenset[str]) -> None:
        unknown = value - set(GUARANTEES)
        if unknown:
            raise ValueError(f"unknown guarantees {sorted(unknown)}; known: {GUARANTEES}")


@attrs.frozen(kw_only=True)
class Outcome:
    """What ``solve`` returns: per-run arrays (``R`` runs, ``n`` actors, ``K`` issues).

    Attributes
    ----------
    outcome : ndarray, shape (R, K)
        Terms per issue (the status quo where there is no agreement).
    agreement : ndarray of bool, shape (R,)
    round : ndarray of int, shape (R,)
        Round of agreement (0 for one-shot engines), -1 where there is none.
    utility : ndarray, shape (R, n)
        Each actor's utility of the result (its walk-away value where there is no agreement).
    extras : dict of str to ndarray
        Engine-specific arrays with the run axis first (e.g. ``"power"``).
    walk_away : ndarray, shape (R, n), optional
        The disagreement values the engine used, where it derives them itself (the value of
        war); otherwise the scenario's walk-away values are reported.
    """

    outcome: NDArray[np.float64]
    agreement: NDArray[np.bool_]
    round: NDArray[np.int64]
    utility: NDArray[np.float64]
    extras: dict[str, NDArray[Any]] = attrs.field(factory=dict)
    walk_away: NDArray[np.float64] | None = None  # if the engine derives its own (war values)


@attrs.frozen
class NoParams:
    """Parameters of an engine that takes none."""


@attrs.frozen(kw_only=True)
class Engine:
    """A registered engine: facts, parameter class, and ``solve``."""

    info: EngineInfo
    params: type
    solve: Callable[[Compiled, Any, np.random.Generator], Outcome]
    check: Callable[[Any], list[str]] | None = None  # why a scenario does not fit, if it doesn't

    @property
    def name(self) -> str:
        return self.info.name


def parse_params(cls: type, values: Mapping[str, Any], where: str = "engine.params") -> Any:
    """Build an engine's parameter object from a mapping, reporting every problem with its place.

    Raises
    ------
    ScenarioError
        Unknown keys (with the nearest valid key), wrong types, values the validators reject.
    """
    if isinstance(values, cls):
        return values
    fields = {f.name: f for f in attrs.fields(cls)}
    hints = typing.get_type_hints(cls)
    problems: list[Problem] = []
    kwargs: dict[str, Any] = {}
    for key, value in values.items():
        if key not in fields:
            known = ", ".join(fields) or "none"
            problems.append(Problem(
                f"unknown parameter {key!r}{did_you_mean(key, fields)} (this engine takes: "
                f"{known})", f"{where}.{key}"))
            continue
        tp = hints[key]
        ok = {
            float: is_number(value),
            int: isinstance(value, int) and not isinstance(value, bool),
            bool: isinstance(value, bool),
            str: isinstance(value, str),
        }.get(tp, True)
        if not ok:
            problems.append(Problem(f"{key} must be a {getattr(tp, '__name__', tp)}, got "
                                    f"{describe(value)}", f"{where}.{key}"))
            continue
        kwargs[key] = float(value) if tp is float else value
    if problems:
        raise ScenarioError(problems)
    try:
        return cls(**kwargs)
    except ScenarioError as exc:
        raise ScenarioError([attrs.evolve(p, path=f"{where}.{p.path}") for p in exc.problems]
                            ) from None
    except (ValueError, TypeError) as exc:
        raise ScenarioError([Problem(str(exc), where)]) from None

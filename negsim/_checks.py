"""Field validators for the model classes, and the immutable mapping they store.

Each validator raises :class:`~negsim.errors.ScenarioError` whose problems carry a path relative
to the object being built (the field name, then a key for mapping entries), so that the file
loader can prefix the object's own location and report ``... @ actors.russia.salience.donbas``.
Validators never look at other fields: cross-field rules live in instance validators.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from negsim.errors import Problem, ScenarioError

V = TypeVar("V")

ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")


class FrozenMap(Mapping[str, V], Generic[V]):
    """An immutable, hashable mapping from string keys, preserving insertion order.

    Used for per-issue positions and saliences and similar keyed data, so that scenarios stay
    hashable value objects.
    """

    __slots__ = ("_items",)
    _items: tuple[tuple[str, V], ...]

    def __init__(self, items: Mapping[str, V] | Any = ()) -> None:
        pairs = tuple(items.items()) if isinstance(items, Mapping) else tuple(items)
        object.__setattr__(self, "_items", pairs)

    def __getitem__(self, key: str) -> V:
        for k, v in self._items:
            if k == key:
                return v
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (k for k, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __hash__(self) -> int:
        return hash(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._items) == dict(other.items())
        return NotImplemented

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("FrozenMap is immutable")

    def __reduce__(self) -> tuple[Any, ...]:  # pickling, e.g. to send a scenario to a worker
        return (FrozenMap, (self._items,))

    def __repr__(self) -> str:
        return f"FrozenMap({dict(self._items)!r})"


def frozen_map(value: Any) -> FrozenMap[Any]:
    """Converter: build a :class:`FrozenMap` from a mapping (tuples inside are kept)."""
    if isinstance(value, FrozenMap):
        return value
    if isinstance(value, Mapping):
        return FrozenMap({k: _freeze(v) for k, v in value.items()})
    raise ScenarioError([Problem(f"expected a table, got {describe(value)}")])


def _freeze(v: Any) -> Any:
    if isinstance(v, list):
        return tuple(_freeze(x) for x in v)
    if isinstance(v, Mapping) and not isinstance(v, FrozenMap):
        return frozen_map(v)
    return v


def describe(value: Any) -> str:
    """Short description of a value for messages: its type and, if short, its text."""
    kind = {bool: "boolean", int: "integer", float: "number", str: "string"}.get(
        type(value), type(value).__name__
    )
    if isinstance(value, dict):
        kind = "table"
    elif isinstance(value, list | tuple):
        kind = "array"
    text = repr(value)
    return f"{kind} {text}" if len(text) <= 40 else kind


def _fail(attribute: Any, message: str, key: str | None = None) -> ScenarioError:
    path = attribute.name if key is None else f"{attribute.name}.{key}"
    return ScenarioError([Problem(message, path)])


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _interval_text(lo: float, hi: float, lo_open: bool, hi_open: bool) -> str:
    def fmt(v: float) -> str:
        return "inf" if math.isinf(v) else f"{v:g}"

    return f"{'(' if lo_open else '['}{fmt(lo)}, {fmt(hi)}{')' if hi_open else ']'}"


def _check_number(
    name: str, value: Any, lo: float, hi: float, lo_open: bool, hi_open: bool
) -> str | None:
    if not is_number(value):
        return f"{name} must be a number, got {describe(value)}"
    if math.isnan(value):
        return f"{name} must be a number, got NaN"
    below = value <= lo if lo_open else value < lo
    above = value >= hi if hi_open else value > hi
    if below or above:
        return f"{name} must be in {_interval_text(lo, hi, lo_open, hi_open)}, got {value:g}"
    return None


def number(
    lo: float = -math.inf, hi: float = math.inf, *, lo_open: bool = False, hi_open: bool = False
) -> Callable[[Any, Any, Any], None]:
    """Validator: a finite number in an interval (open or closed at either end)."""
    lo_open = lo_open or math.isinf(lo)
    hi_open = hi_open or math.isinf(hi)

    def check(_: Any, attribute: Any, value: Any) -> None:
        msg = _check_number(attribute.name, value, lo, hi, lo_open, hi_open)
        if msg:
            raise _fail(attribute, msg)

    return check


def number_map(
    lo: float = -math.inf, hi: float = math.inf, *, lo_open: bool = False, hi_open: bool = False
) -> Callable[[Any, Any, Any], None]:
    """Validator: every value of a mapping is a number in the interval; reports each bad entry."""
    lo_open = lo_open or math.isinf(lo)
    hi_open = hi_open or math.isinf(hi)

    def check(_: Any, attribute: Any, value: Any) -> None:
        problems = []
        for key, v in value.items():
            msg = _check_number(attribute.name, v, lo, hi, lo_open, hi_open)
            if msg:
                problems.append(Problem(msg, f"{attribute.name}.{key}"))
        if problems:
            raise ScenarioError(problems)

    return check


def integer(lo: int = 0) -> Callable[[Any, Any, Any], None]:
    """Validator: an integer (not a boolean) at least ``lo``."""

    def check(_: Any, attribute: Any, value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool):
            raise _fail(attribute, f"{attribute.name} must be an integer, got {describe(value)}")
        if value < lo:
            raise _fail(attribute, f"{attribute.name} must be at least {lo}, got {value}")

    return check


def identifier(_: Any, attribute: Any, value: Any) -> None:
    """Validator: an id is a lowercase slug (letters, digits, underscores; a letter first)."""
    if not isinstance(value, str) or not ID_PATTERN.match(value):
        raise _fail(
            attribute,
            f"{attribute.name} must be a lowercase id (a-z, 0-9, _; starting with a letter), "
            f"got {describe(value)}",
        )


def identifiers(_: Any, attribute: Any, value: Any) -> None:
    """Validator: a tuple of distinct ids."""
    problems = []
    seen: set[str] = set()
    for i, v in enumerate(value):
        if not isinstance(v, str) or not ID_PATTERN.match(v):
            problems.append(Problem(f"{attribute.name} must hold ids, got {describe(v)}",
                                    f"{attribute.name}.{i}"))
        elif v in seen:
            problems.append(Problem(f"duplicate id {v!r} in {attribute.name}",
                                    f"{attribute.name}.{i}"))
        seen.add(v)
    if problems:
        raise ScenarioError(problems)


def one_of(*choices: str) -> Callable[[Any, Any, Any], None]:
    """Validator: one of a fixed set of strings; names the nearest choice when it is a typo."""

    def check(_: Any, attribute: Any, value: Any) -> None:
        if value not in choices:
            hint = did_you_mean(value, choices) if isinstance(value, str) else ""
            raise _fail(
                attribute,
                f"{attribute.name} must be one of {', '.join(choices)}; "
                f"got {describe(value)}{hint}",
            )

    return check


def instances_of(cls: type) -> Callable[[Any, Any, Any], None]:
    """Validator: a tuple whose items are all ``cls`` objects; reports each item that is not."""

    def check(_: Any, attribute: Any, value: Any) -> None:
        bad = [Problem(f"{attribute.name} must hold {cls.__name__} objects, got "
                       f"{type(v).__name__}", f"{attribute.name}.{i}")
               for i, v in enumerate(value) if not isinstance(v, cls)]
        if bad:
            raise ScenarioError(bad)

    return check


def did_you_mean(word: str, choices: Any) -> str:
    """A ``" (did you mean 'x'?)"`` suffix naming the closest choice, or an empty string."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""

"""Machinery behind :mod:`negsim.strategies` (private): argument checks and drawing helpers.

Values are composed from a few cached strategies (building strategies is slow); collections are
drawn as lists of drafts so that shrinking can drop any one object; a part strategy remembers how
to fit itself into a scenario being drawn. Like :mod:`negsim.strategies`, this module imports
hypothesis, and only the strategies import it.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from negsim.levers import Lever
from negsim.model import Actor, Coalition, Issue

Draw = Callable[[st.SearchStrategy[Any]], Any]
Build = Callable[[Draw, "Context"], Any]


# -- argument checks (eager) -----------------------------------------------------------------
def is_int(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def is_real(v: Any) -> bool:
    return isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)


def check_sizes(lo_name: str, lo: Any, hi_name: str, hi: Any, floor: int) -> None:
    if not is_int(lo) or lo < floor:
        raise InvalidArgument(f"{lo_name}={lo!r} must be an integer >= {floor}")
    if not is_int(hi) or hi < lo:
        raise InvalidArgument(f"{hi_name}={hi!r} must be an integer >= {lo_name}={lo!r}")


def check_bounds(name: str, lo: Any, hi: Any, floor: float, ceiling: float,
                  open_floor: bool = False) -> None:
    ok = (is_real(lo) and is_real(hi) and (lo > floor if open_floor else lo >= floor)
          and lo <= hi <= ceiling)
    if not ok:
        raise InvalidArgument(
            f"need {floor:g} {'<' if open_floor else '<='} min_{name} <= max_{name} <= "
            f"{ceiling:g}, got min_{name}={lo!r}, max_{name}={hi!r}")


def check_strategy(name: str, value: Any) -> None:
    if value is not None and not isinstance(value, st.SearchStrategy):
        raise InvalidArgument(f"{name} must be a hypothesis strategy (wrap a fixed value in "
                              f"st.just), got {type(value).__name__} {value!r}")


def check_ids(name: str, value: Any, at_least: int) -> list[str]:
    if isinstance(value, str) or not isinstance(value, Sequence) \
            or not all(isinstance(v, str) for v in value):
        raise InvalidArgument(f"{name} must be a list of ids, got {value!r}")
    if len(value) < at_least or len(set(value)) != len(value):
        raise InvalidArgument(f"{name} must hold at least {at_least} distinct ids, got {value!r}")
    return list(value)


# -- drawing helpers: cached strategies, values composed from them ---------------------------
BOOL = st.booleans()
UNIT = st.floats(0.0, 1.0, allow_nan=False, allow_subnormal=False)
ONE_IN_FOUR = st.integers(0, 3)




def between(draw: Draw, lo: float, hi: float) -> float:
    """A float in [lo, hi], shrinking to lo."""
    if lo >= hi:
        return float(lo)
    return float(min(hi, max(lo, lo + draw(UNIT) * (hi - lo))))


def toward(draw: Draw, default: float, lo: float, hi: float) -> float:
    """A float in [lo, hi], ``default`` (clamped) about half of the time and when shrunk."""
    u = draw(UNIT) if lo < hi else 0.0
    if u <= 0.5:
        return float(min(hi, max(lo, default)))
    return float(min(hi, max(lo, lo + (2.0 * u - 1.0) * (hi - lo))))


def index(draw: Draw, n: int) -> int:
    return int(draw(st.integers(0, n - 1))) if n > 1 else 0


def subset(draw: Draw, items: Sequence[str], lo: int, hi: int) -> list[str]:
    """Between lo and hi distinct items, shrinking to the first ``lo`` of them."""
    pool = list(items)
    k = int(draw(st.integers(lo, min(hi, len(pool)))))
    return [pool.pop(index(draw, len(pool))) for _ in range(k)]


def rare(draw: Draw) -> bool:
    """True one time in four (shrinks to False)."""
    return bool(draw(ONE_IN_FOUR) == 3)


Finish = Callable[[int, int], Any]  # (index, count) -> the finished object


@st.composite
def draft(draw: Draw, make: Callable[[Draw], Finish]) -> Finish:
    return make(draw)


class Many:
    """Between lo and hi objects, drawn as a list of drafts so that shrinking can drop any one.

    ``make(draw, context)`` draws one object's parameters and returns how to finish it once its
    index and the number of objects are known (its id, references to its siblings). The list
    strategy is built once (building strategies is slow); the context of the draw in progress
    reaches ``make`` through a stack.
    """

    def __init__(self, lo: int, hi: int, make: Callable[[Draw, Any], Finish]) -> None:
        self._make = make
        self._context: list[Any] = []
        self._strategy = st.lists(draft(self._one), min_size=lo, max_size=hi)

    def _one(self, draw: Draw) -> Finish:
        return self._make(draw, self._context[-1])

    def __call__(self, draw: Draw, context: Any = None) -> tuple[Any, ...]:
        self._context.append(context)
        try:
            drafts = draw(self._strategy)
        finally:
            self._context.pop()
        return tuple(finish(k, len(drafts)) for k, finish in enumerate(drafts))


# -- parts that a scenario fits to itself ----------------------------------------------------
@attrs.frozen
class Context:
    """What the parts drawn so far leave for the next part to refer to."""

    issues: tuple[Issue, ...] = ()
    actors: tuple[Actor, ...] = ()
    coalitions: tuple[Coalition, ...] = ()
    levers: tuple[Lever, ...] = ()
    bilateral: bool = False


# strategy -> (part, how to draw it inside a scenario; None if it was given fixed references)
PARTS: weakref.WeakKeyDictionary[st.SearchStrategy[Any], tuple[str, Build | None]] = (
    weakref.WeakKeyDictionary())


def part(kind: str, build: Build, standalone: Callable[[Draw], Context] | None
          ) -> st.SearchStrategy[Any]:
    """A strategy for one part: on its own it draws its references with ``standalone``."""

    @st.composite
    def draw_part(draw: Draw) -> Any:
        return build(draw, standalone(draw) if standalone else Context())

    strategy = draw_part()
    PARTS[strategy] = (kind, build)
    return strategy


def fixed_part(kind: str, build: Callable[[Draw], Any]) -> st.SearchStrategy[Any]:
    @st.composite
    def draw_part(draw: Draw) -> Any:
        return build(draw)

    strategy = draw_part()
    PARTS[strategy] = (kind, None)
    return strategy


def builder(kind: str, value: st.SearchStrategy[Any] | None, default: Build) -> Build:
    """How ``scenarios`` draws a part: the default, a fitted part, or any other strategy."""
    if value is None:
        return default
    entry = PARTS.get(value)
    if entry is None:
        return lambda draw, ctx: draw(value)
    part, build = entry
    if part != kind:
        raise InvalidArgument(f"{kind}= takes a strategy from {kind}(), got one from {part}()")
    if build is None:
        raise InvalidArgument(
            f"the {kind}() given to scenarios() must not name its own references (issues, "
            "actor ids, owners, parties): scenarios() fits it to the scenario it draws")
    return build

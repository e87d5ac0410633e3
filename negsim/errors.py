"""Exceptions raised by negsim.

Every problem found in a scenario is reported at once, each with the place it concerns, written
as a dotted path through the scenario document using ids rather than list positions, e.g.
``salience must be in [0, 1], got 1.5 @ actors.russia.salience.donbas``.
"""

from __future__ import annotations

from collections.abc import Iterable

import attrs

__all__ = ["EngineError", "NegsimError", "Problem", "ScenarioError"]


class NegsimError(Exception):
    """Base class of every error negsim raises on purpose."""


@attrs.frozen
class Problem:
    """One problem in a scenario: what is wrong, and where.

    Parameters
    ----------
    message : str
        What is wrong, naming the expected and the actual value.
    path : str
        Dotted location in the scenario document (``actors.russia.capability``); empty for the
        document as a whole.
    line, column : int or None
        Position in the source file, when known (TOML syntax errors).
    """

    message: str
    path: str = ""
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        where = self.path or "(document)"
        if self.line is not None:
            where += f" (line {self.line}, column {self.column})"
        return f"{self.message} @ {where}"


class ScenarioError(NegsimError, ValueError):
    """A scenario (file, document or object) is invalid; lists every problem found.

    Attributes
    ----------
    problems : tuple of Problem
        Every problem, in document order.
    source : str
        The file or object the problems were found in (may be empty).
    """

    def __init__(self, problems: Iterable[Problem], source: str = "") -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        self.source = source
        super().__init__(self._render())

    def _render(self) -> str:
        head = f"{self.source}: " if self.source else ""
        n = len(self.problems)
        lines = [f"{head}{n} problem{'s' if n != 1 else ''} in scenario"]
        lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines)

    def __reduce__(self):  # keep the problems when an executor ships the error between processes
        return (type(self), (self.problems, self.source))

    @property
    def paths(self) -> tuple[str, ...]:
        """The location of each problem."""
        return tuple(p.path for p in self.problems)


class EngineError(NegsimError):
    """An engine cannot run on the scenario given (it says why), or was asked for wrongly."""

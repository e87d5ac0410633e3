"""Invariants of bargaining results, as named checks for tests (reference/theory.md, section 8).

Two layers. The ``check_*`` functions look at results you already have, one result or a pair,
and raise :class:`InvariantViolation` (an ``AssertionError``) naming the invariant, the engine,
the run, and the actor or issue at fault:

- :func:`check_well_formed`: every array has its documented shape and only finite numbers, and
  a round is reported exactly where there is agreement;
- :func:`check_feasible`: the terms lie on every issue's scale (the status quo where there is no
  agreement); an agreement's utilities lie in [0, 1]; without one, each actor gets its
  walk-away value (which an engine that models war may put below 0);
- :func:`check_individually_rational`: in an agreement no ratifier gets less than its
  walk-away value;
- :func:`check_pareto`: no sampled outcome makes every ratifier strictly better off than an
  agreement;
- :func:`check_reproducible` and :func:`check_deterministic`: two runs with one seed are
  identical; an engine without chance gives identical results for any two seeds;
- :func:`check_relabelling_covariant`: listing actors or issues in another order permutes the
  results and changes nothing else;
- :func:`check_symmetric`: two identical actors get identical terms;
- :func:`check_monotone`: an actor's terms move one way as a parameter rises.

The second layer, :class:`Invariant`, runs an engine on a scenario (twice, on a relabelled copy,
with a twin actor, at two values of a parameter, as the invariant needs) and applies the
checks. The built-in invariants carry the names of the guarantees engines declare
(:data:`negsim.engines.base.GUARANTEES`), so ``inv.applies_to(engine)`` says whether an engine
promises it. :func:`invariant_test` turns an invariant and a hypothesis strategy into a test::

    from negsim.invariants import invariant_test, monotone
    from negsim.strategies import realisations

    test_sanctions_never_help_russia = invariant_test(
        monotone("levers.eu_sanctions.level", "russia", "decreasing"),
        realisations(negsim.load("scenarios/eu-russia-2026.toml")), engine="compromise")

This module imports hypothesis only inside the functions that draw.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs
import numpy as np

from negsim._edits import free_id, parameter, with_twin, with_values
from negsim.compiled import Compiled, compile_scenario
from negsim.result import Result
from negsim.scenario import Scenario

__all__ = [
    "Invariant",
    "InvariantViolation",
    "check_deterministic",
    "check_feasible",
    "check_individually_rational",
    "check_monotone",
    "check_pareto",
    "check_relabelling_covariant",
    "check_reproducible",
    "check_symmetric",
    "check_well_formed",
    "deterministic",
    "feasible",
    "individually_rational",
    "invariant_test",
    "monotone",
    "pareto",
    "relabelling_covariant",
    "reproducible",
    "symmetric",
    "well_formed",
    "with_twin",
    "with_values",
]

Draw = Callable[[Any], Any]


class InvariantViolation(AssertionError):
    """An invariant does not hold; says which, for which engine, run, actor or issue.

    Attributes
    ----------
    invariant : str
    engine : str
    run : int or None
    actor, issue : str or None
    detail : str
        What was found, with the numbers.
    """

    def __init__(self, invariant: str, detail: str, *, result: Result | None = None,
                 run: int | None = None, actor: str | None = None,
                 issue: str | None = None) -> None:
        self.invariant = invariant
        self.engine = result.engine if result is not None else ""
        self.run = run
        self.actor = actor
        self.issue = issue
        self.detail = detail
        where = [f"engine {self.engine!r}"] if self.engine else []
        if result is not None:
            where.append(f"scenario {result.scenario_title!r} "
                         f"[{result.scenario_hash[:12]}], seed {result.seed}")
        if run is not None:
            where.append(f"run {run}")
        if actor is not None:
            where.append(f"actor {actor!r}")
        if issue is not None:
            where.append(f"issue {issue!r}")
        super().__init__(f"invariant {invariant!r} violated ({', '.join(where)}): {detail}")


# -- checks on results -----------------------------------------------------------------------
def _compiled(scenario: Scenario | Compiled, result: Result) -> Compiled:
    if isinstance(scenario, Compiled):
        return scenario
    return compile_scenario(scenario, result.n_runs)


def check_well_formed(result: Result) -> None:
    """Arrays have their documented shapes and finite values; rounds match agreements.

    Parameters
    ----------
    result : Result
        ``outcome (R, K)``, ``agreement (R,)``, ``round (R,)``, ``utility (R, n)`` and
        ``walk_away (R, n)``; ``round >= 0`` exactly where there is agreement. ``extras``
        are the engine's own and may use NaN for "does not apply"; they are not checked.
    """
    R, n, K = result.n_runs, len(result.actor_ids), len(result.issue_ids)
    shapes = {"outcome": (R, K), "agreement": (R,), "round": (R,), "utility": (R, n),
              "walk_away": (R, n)}
    for name, shape in shapes.items():
        got = np.shape(getattr(result, name))
        if got != shape:
            raise InvariantViolation("well_formed", f"{name} has shape {got}, expected {shape}",
                                     result=result)
    for name, labels in (("outcome", result.issue_ids), ("utility", result.actor_ids),
                         ("walk_away", result.actor_ids)):
        values = np.asarray(getattr(result, name), dtype=float)
        bad = np.argwhere(~np.isfinite(values))
        if bad.size:
            r, j = (int(v) for v in bad[0])
            raise InvariantViolation(
                "well_formed", f"{name} is {values[r, j]!r}, not a finite number",
                result=result, run=r, **{"issue" if name == "outcome" else "actor": labels[j]})
    agreed = np.asarray(result.agreement, dtype=bool)
    mismatch = np.flatnonzero((np.asarray(result.round) >= 0) != agreed)
    if mismatch.size:
        r = int(mismatch[0])
        raise InvariantViolation(
            "well_formed", f"round is {int(result.round[r])} but agreement is "
            f"{bool(agreed[r])} (a round >= 0 goes with an agreement, -1 with none)",
            result=result, run=r)


def check_feasible(result: Result, scenario: Scenario | Compiled, *, atol: float = 1e-9) -> None:
    """Terms on every issue's scale; an agreement's utilities in [0, 1]; else the walk-away.

    Parameters
    ----------
    result : Result
    scenario : Scenario or Compiled
        What was run; pass the compiled form if the run had per-run overrides.
    atol : float
        Tolerance for rounding.
    """
    c = _compiled(scenario, result)
    x = np.asarray(result.outcome, dtype=float)
    agreed = np.asarray(result.agreement, dtype=bool)
    off = (x < c.lo - atol) | (x > c.hi + atol)
    if off.any():
        r, k = (int(v) for v in np.argwhere(off)[0])
        raise InvariantViolation(
            "feasible", f"term {x[r, k]:g} is off the scale [{c.lo[k]:g}, {c.hi[k]:g}]",
            result=result, run=r, issue=result.issue_ids[k])
    moved = ~agreed[:, None] & (np.abs(x - c.status_quo) > atol * (1.0 + np.abs(c.status_quo)))
    if moved.any():
        r, k = (int(v) for v in np.argwhere(moved)[0])
        raise InvariantViolation(
            "feasible", f"without agreement the term is {x[r, k]:g}, not the status quo "
            f"{c.status_quo[r, k]:g}", result=result, run=r, issue=result.issue_ids[k])
    u, w = np.asarray(result.utility, dtype=float), np.asarray(result.walk_away, dtype=float)
    out = agreed[:, None] & ((u < -atol) | (u > 1.0 + atol))
    if out.any():
        r, i = (int(v) for v in np.argwhere(out)[0])
        raise InvariantViolation("feasible", f"utility {u[r, i]:g} of the agreement is outside "
                                 "[0, 1]", result=result, run=r, actor=result.actor_ids[i])
    differs = ~agreed[:, None] & (np.abs(u - w) > atol)
    if differs.any():
        r, i = (int(v) for v in np.argwhere(differs)[0])
        raise InvariantViolation(
            "feasible", f"without agreement the utility is {u[r, i]:g}, not the walk-away value "
            f"{w[r, i]:g}", result=result, run=r, actor=result.actor_ids[i])


def check_individually_rational(result: Result, scenario: Scenario | Compiled, *,
                                atol: float = 1e-6) -> None:
    """In an agreement no ratifier gets less than its walk-away value (``result.walk_away``)."""
    c = _compiled(scenario, result)
    gap = np.asarray(result.utility) - np.asarray(result.walk_away)
    short = np.asarray(result.agreement, dtype=bool)[:, None] & c.ratifier[None, :] & (gap < -atol)
    if short.any():
        r, i = (int(v) for v in np.argwhere(short)[0])
        raise InvariantViolation(
            "individually_rational", f"the ratifier gets {result.utility[r, i]:.6g}, below its "
            f"walk-away value {result.walk_away[r, i]:.6g}", result=result, run=r,
            actor=result.actor_ids[i])


def check_pareto(result: Result, scenario: Scenario | Compiled, *, samples: int = 2000,
                 rng: int | np.random.Generator = 0, atol: float = 1e-6) -> None:
    """No sampled outcome makes every ratifier strictly better off than an agreement.

    The candidates are ``samples`` outcomes drawn uniformly on the issue scales, every actor's
    ideal point, and the midpoints between pairs of ratifiers' ideal points.
    """
    c = _compiled(scenario, result)
    agreed = np.flatnonzero(np.asarray(result.agreement, dtype=bool))
    if not agreed.size or not c.ratifier.any():
        return
    gen = np.random.default_rng(rng)
    x = c.lo + (c.hi - c.lo) * gen.random((c.n_runs, samples, c.n_issues))
    ideal = c.position[:, c.ratifier]
    pairs = 0.5 * (ideal[:, :, None, :] + ideal[:, None, :, :])
    candidates = np.concatenate(
        [x, c.position, pairs.reshape(c.n_runs, -1, c.n_issues)], axis=1)
    u_candidates = c.utility(candidates)[:, :, c.ratifier]  # (R, M, ratifiers)
    u_agreed = c.utility(np.asarray(result.outcome, dtype=float))[:, c.ratifier]
    better = np.asarray((u_candidates > u_agreed[:, None, :] + atol).all(axis=2))  # (R, M)
    for r in agreed:
        if better[r].any():
            m = int(np.argmax(better[r]))
            terms = ", ".join(f"{k}={v:.6g}" for k, v in zip(
                result.issue_ids, candidates[r, m], strict=True))
            raise InvariantViolation(
                "pareto", f"the outcome ({terms}) gives every ratifier more: "
                f"{np.round(u_candidates[r, m], 6).tolist()} against "
                f"{np.round(u_agreed[r], 6).tolist()}", result=result, run=int(r))


_ARRAYS = ("outcome", "agreement", "round", "utility", "walk_away")


def _same(name: str, a: Result, b: Result, what: str) -> None:
    for field in _ARRAYS:
        x, y = np.asarray(getattr(a, field)), np.asarray(getattr(b, field))
        if x.shape != y.shape or not np.array_equal(x, y, equal_nan=True):
            runs = (np.flatnonzero((x != y).reshape(x.shape[0], -1).any(axis=1))
                    if x.shape == y.shape else np.array([0]))
            raise InvariantViolation(name, f"{field} differs {what}", result=a,
                                     run=int(runs[0]) if runs.size else None)
    for key in sorted(set(a.extras) | set(b.extras)):
        if key not in a.extras or key not in b.extras or not np.array_equal(
                np.asarray(a.extras[key]), np.asarray(b.extras[key]), equal_nan=True):
            raise InvariantViolation(name, f"extras[{key!r}] differs {what}", result=a)


def check_reproducible(a: Result, b: Result) -> None:
    """Two runs with the same seed are bit-identical and record that seed."""
    if a.seed != b.seed:
        raise InvariantViolation("reproducible", f"the runs record seeds {a.seed} and {b.seed}",
                                 result=a)
    _same("reproducible", a, b, f"between two runs with seed {a.seed}")


def check_deterministic(a: Result, b: Result) -> None:
    """An engine without chance gives identical results whatever the seed."""
    _same("deterministic", a, b, f"between seeds {a.seed} and {b.seed}")


def check_relabelling_covariant(a: Result, b: Result, *, atol: float = 1e-6,
                                widths: Sequence[float] | None = None) -> None:
    """``b`` ran on ``a``'s scenario with actors or issues listed in another order.

    Matched by id, the terms, agreements, rounds, utilities and walk-away values must agree:
    utilities to ``atol``; terms to ``atol`` times the width of each issue's scale
    (``widths``, in ``a``'s order of issues), or, without widths, times their size. Where the
    optimal terms form a flat face of equally good outcomes, a solver's point on it is fixed
    only to its tolerance on the scale.
    """
    if set(a.actor_ids) != set(b.actor_ids) or set(a.issue_ids) != set(b.issue_ids):
        raise InvariantViolation("relabelling_covariant", "the two results have different "
                                 "actors or issues", result=a)
    ia = [b.actor_ids.index(x) for x in a.actor_ids]
    ik = [b.issue_ids.index(x) for x in a.issue_ids]
    for field, ids, cols in (("outcome", a.issue_ids, ik), ("utility", a.actor_ids, ia),
                             ("walk_away", a.actor_ids, ia)):
        x, y = np.asarray(getattr(a, field)), np.asarray(getattr(b, field))[:, cols]
        if field != "outcome":
            tol: Any = atol
        elif widths is not None:
            tol = atol * np.asarray(widths, dtype=float)
        else:
            tol = atol * np.maximum(1.0, np.maximum(np.abs(x), np.abs(y)))
        off = np.abs(x - y) > tol
        if off.any():
            r, j = (int(v) for v in np.argwhere(off)[0])
            raise InvariantViolation(
                "relabelling_covariant", f"{field} is {x[r, j]:.10g} in one order and "
                f"{y[r, j]:.10g} in the other", result=a, run=r,
                **{"issue" if field == "outcome" else "actor": ids[j]})
    for field in ("agreement", "round"):
        x, y = np.asarray(getattr(a, field)), np.asarray(getattr(b, field))
        if not np.array_equal(x, y):
            r = int(np.flatnonzero(x != y)[0])
            raise InvariantViolation("relabelling_covariant", f"{field} is {x[r]} in one order "
                                     f"and {y[r]} in the other", result=a, run=r)


def check_symmetric(result: Result, actor: str, twin: str, *, atol: float = 1e-6) -> None:
    """Two actors with identical parameters and roles get identical utilities."""
    i, j = result.actor_ids.index(actor), result.actor_ids.index(twin)
    u = np.asarray(result.utility)
    off = np.abs(u[:, i] - u[:, j]) > atol
    if off.any():
        r = int(np.flatnonzero(off)[0])
        raise InvariantViolation("symmetric", f"it gets {u[r, i]:.6g}, its twin {twin!r} gets "
                                 f"{u[r, j]:.6g}", result=result, run=r, actor=actor)


def check_monotone(low: Result, high: Result, actor: str, *, direction: str = "increasing",
                   parameter: str = "the parameter", atol: float = 1e-6) -> None:
    """An actor's terms (its utility) move weakly one way as a parameter rises.

    Parameters
    ----------
    low, high : Result
        Runs at the lower and at the higher value of the parameter (same seed and run count).
    actor : str
    direction : {"increasing", "decreasing"}
        ``"decreasing"``: the higher value never improves the actor's terms.
    parameter : str
        Named in the message.
    """
    if direction not in ("increasing", "decreasing"):
        raise ValueError(f"direction must be 'increasing' or 'decreasing', got {direction!r}")
    i = low.actor_ids.index(actor)
    u0, u1 = np.asarray(low.utility)[:, i], np.asarray(high.utility)[:, i]
    wrong = (u1 < u0 - atol) if direction == "increasing" else (u1 > u0 + atol)
    if wrong.any():
        r = int(np.flatnonzero(wrong)[0])
        verb = "falls" if direction == "increasing" else "rises"
        raise InvariantViolation(
            "monotone", f"its utility {verb} from {u0[r]:.6g} to {u1[r]:.6g} as {parameter} "
            f"rises (it should be {direction})", result=high, run=r, actor=actor)


# -- invariants that run engines -------------------------------------------------------------
@attrs.frozen
class Invariant:
    """A named property of an engine's results, checked by running the engine on a scenario.

    Call it as ``inv(scenario, engine)``; it runs the engine as often as it needs and raises
    :class:`InvariantViolation` if the property fails (or the engine's ``EngineError`` if the
    engine refuses the scenario).

    Parameters
    ----------
    name : str
    summary : str
        The property in one sentence.
    check : callable
        ``check(scenario, engine, run, choose)``: ``run(scenario, seed=0, n_runs=2)`` returns
        a :class:`Result`; ``choose(make_strategy, default)`` draws from the hypothesis strategy
        ``make_strategy()`` inside a test, else returns ``default``.
    guarantee : str or None
        The engine guarantee (``EngineInfo.guarantees``) the property rests on; None if every
        engine must satisfy it, or if it is the user's own claim.
    """

    name: str
    summary: str
    check: Callable[..., None] = attrs.field(repr=False)
    guarantee: str | None = None

    def applies_to(self, engine: str) -> bool:
        """Whether ``engine`` promises this invariant (always, if it rests on no guarantee)."""
        from negsim.engines import get

        return self.guarantee is None or self.guarantee in get(engine).info.guarantees

    def __call__(self, scenario: Scenario, engine: str | None = None, *,
                 params: Mapping[str, Any] | None = None, seed: int = 0,
                 draw: Draw | None = None) -> None:
        """Check the invariant for ``engine`` (default the scenario's own) on ``scenario``.

        ``draw`` (hypothesis's ``data.draw``) lets the invariant draw what it varies: seeds,
        orders, parameter values. Without it, fixed choices are used.
        """
        import negsim

        name = engine or scenario.engine.kind

        def run(s: Scenario, seed: int = seed, n_runs: int = 2) -> Result:
            result = negsim.run(s, name, params=params, rng=seed, n_runs=n_runs)
            check_well_formed(result)
            return result

        def choose(make: Callable[[], Any], default: Any) -> Any:
            return default if draw is None else draw(make())

        self.check(scenario, name, run, choose)


def _st() -> Any:
    from hypothesis import strategies

    return strategies


def _well_formed(s: Scenario, engine: str, run: Callable[..., Result], choose: Any) -> None:
    run(s)


def _feasible(s: Scenario, engine: str, run: Callable[..., Result], choose: Any) -> None:
    check_feasible(run(s), s)


def _individually_rational(s: Scenario, engine: str, run: Callable[..., Result],
                           choose: Any) -> None:
    check_individually_rational(run(s), s)


def _pareto(s: Scenario, engine: str, run: Callable[..., Result], choose: Any) -> None:
    check_pareto(run(s), s, rng=choose(lambda: _st().integers(0, 2**32 - 1), 0))


def _reproducible(s: Scenario, engine: str, run: Callable[..., Result], choose: Any) -> None:
    seed = choose(lambda: _st().integers(0, 2**32 - 1), 0)
    check_reproducible(run(s, seed), run(s, seed))


def _deterministic(s: Scenario, engine: str, run: Callable[..., Result], choose: Any) -> None:
    seeds = choose(lambda: _st().lists(_st().integers(0, 2**32 - 1), min_size=2, max_size=2,
                                       unique=True), [1, 2])
    check_deterministic(run(s, seeds[0]), run(s, seeds[1]))


def _relabelling(s: Scenario, engine: str, run: Callable[..., Result], choose: Any) -> None:
    actors = choose(lambda: _st().permutations(range(len(s.actors))),
                    list(reversed(range(len(s.actors)))))
    issues = choose(lambda: _st().permutations(range(len(s.issues))),
                    list(reversed(range(len(s.issues)))))
    relabelled = attrs.evolve(s, actors=tuple(s.actors[i] for i in actors),
                              issues=tuple(s.issues[k] for k in issues))
    check_relabelling_covariant(run(s), run(relabelled),
                                widths=[i.scale[1] - i.scale[0] for i in s.issues])


def _symmetric(s: Scenario, engine: str, run: Callable[..., Result], choose: Any) -> None:
    actor = s.actors[choose(lambda: _st().integers(0, len(s.actors) - 1), 0)].id
    twin = free_id(s, f"{actor}_twin")
    check_symmetric(run(with_twin(s, actor, twin)), actor, twin)


well_formed = Invariant(
    "well_formed", "Every result has its documented shapes, only finite numbers, and a round "
    "exactly where there is agreement.", _well_formed)
feasible = Invariant(
    "feasible", "The terms lie on every issue's scale; an agreement's utilities lie in [0, 1]; "
    "without agreement the status quo stands and each actor gets its walk-away value.",
    _feasible, "feasible")
individually_rational = Invariant(
    "individually_rational", "In an agreement no ratifier gets less than its walk-away value.",
    _individually_rational, "individually_rational")
pareto = Invariant(
    "pareto", "No sampled outcome makes every ratifier strictly better off than an agreement.",
    _pareto, "pareto")
reproducible = Invariant(
    "reproducible", "Two runs with the same seed give bit-identical results.", _reproducible)
deterministic = Invariant(
    "deterministic", "An engine without chance gives the same result for any seed.",
    _deterministic, "deterministic")
relabelling_covariant = Invariant(
    "relabelling_covariant", "Listing the actors and issues in another order permutes the "
    "results and changes nothing else.", _relabelling, "relabelling_covariant")
symmetric = Invariant(
    "symmetric", "Two identical actors with identical roles get identical terms.", _symmetric,
    "symmetric")


def monotone(path: str, actor: str, direction: str = "increasing", *,
             values: Sequence[float] | None = None) -> Invariant:
    """The invariant that ``actor``'s terms move weakly one way as the parameter at ``path`` rises.

    Parameters
    ----------
    path : str
        A numeric parameter (``"actors.russia.cost"``, ``"levers.eu_sanctions.level"``).
    actor : str
    direction : {"increasing", "decreasing"}
        ``"decreasing"``: a higher value never improves the actor's terms.
    values : (low, high), optional
        The two values to compare; default two drawn from the parameter's range inside a test
        (for an unbounded parameter, up to twice its value plus 1), else its value and the
        midpoint between it and the top of the range.
    """
    if not isinstance(path, str) or not isinstance(actor, str):
        raise TypeError("path and actor must be strings")
    if direction not in ("increasing", "decreasing"):
        raise ValueError(f"direction must be 'increasing' or 'decreasing', got {direction!r}")
    if values is not None and not (len(values) == 2 and all(
            isinstance(v, int | float) and math.isfinite(v) for v in values)
            and values[0] < values[1]):
        raise ValueError(f"values must be two finite numbers, low < high; got {values!r}")

    def check(s: Scenario, engine: str, run: Callable[..., Result], choose: Any) -> None:
        s.actor(actor)  # a KeyError naming the known actors, if there is no such actor
        value, lo, hi, integer = parameter(s, path)
        hi = hi if math.isfinite(hi) else 2.0 * abs(value) + 1.0
        lo = lo if math.isfinite(lo) else -hi
        if values is not None:
            pair = sorted(values)
        else:
            def make() -> Any:  # the lower end excluded: some ranges are open there
                st = _st()
                one = st.integers(math.ceil(lo), math.floor(hi)) if integer \
                    else st.floats(lo, hi, exclude_min=True, allow_subnormal=False)
                return st.tuples(one, one)

            other = value + (hi - value) / 2 if value < hi else (lo + value) / 2
            pair = sorted(choose(make, (value, other)))
        low, high = (with_values(s, {path: int(v) if integer else float(v)}) for v in pair)
        check_monotone(run(low), run(high), actor, direction=direction,
                       parameter=f"{path} ({pair[0]:g} -> {pair[1]:g})")

    return Invariant(f"monotone: {actor}'s terms {direction} in {path}",
                     f"{actor}'s terms are weakly {direction} in {path}.", check)


# -- from an invariant to a hypothesis test --------------------------------------------------
def invariant_test(invariant: Invariant | Callable[[Scenario, str], None], scenarios: Any, *,
                   engine: str | None = None, params: Mapping[str, Any] | None = None,
                   allow_refusal: bool = True, settings: Any = None) -> Callable[..., None]:
    """A hypothesis test that checks ``invariant`` on every scenario ``scenarios`` draws.

    Assign it to a ``test_*`` name in a test module and pytest collects it.

    Parameters
    ----------
    invariant : Invariant, or a callable ``check(scenario, engine)``
    scenarios : hypothesis strategy of Scenario
    engine : str, optional
        Registry name; default each scenario's own engine.
    params : mapping, optional
        The engine's parameters.
    allow_refusal : bool
        Treat an engine's refusal (``EngineError``) as an invalid example rather than a
        failure.
    settings : hypothesis.settings, optional
        Applied to the test (default: the active profile).

    Raises
    ------
    hypothesis.errors.InvalidArgument
        At once, if ``scenarios`` is not a strategy, or the engine is unknown or does not
        promise the invariant's guarantee.
    """
    from hypothesis import given, reject, strategies as st
    from hypothesis.errors import InvalidArgument

    import negsim
    from negsim.engines import get

    if not isinstance(scenarios, st.SearchStrategy):
        raise InvalidArgument(f"scenarios must be a hypothesis strategy, got {scenarios!r}")
    if not callable(invariant):
        raise InvalidArgument(f"invariant must be an Invariant or a callable, got {invariant!r}")
    if engine is not None:
        try:
            get(engine)
        except negsim.EngineError as exc:
            raise InvalidArgument(str(exc)) from None
        if isinstance(invariant, Invariant) and not invariant.applies_to(engine):
            raise InvalidArgument(
                f"engine {engine!r} does not declare the guarantee {invariant.guarantee!r}, so "
                f"the invariant {invariant.name!r} need not hold for it")
    name = invariant.name if isinstance(invariant, Invariant) else getattr(
        invariant, "__name__", "invariant")

    @given(data=st.data())
    def test(data: Any) -> None:
        scenario = data.draw(scenarios, label="scenario")
        try:
            if isinstance(invariant, Invariant):
                invariant(scenario, engine, params=params, draw=data.draw)
            else:
                invariant(scenario, engine or scenario.engine.kind)
        except negsim.EngineError:
            if not allow_refusal:
                raise
            reject()

    test.__name__ = test.__qualname__ = "test_" + re.sub(r"\W+", "_", name).strip("_")
    # Every test made here shares one body, so hypothesis would give them one database key and
    # one derandomised seed; tell them apart by where they were made, as hypothesis's pytest
    # plugin does for parametrised tests.
    caller = sys._getframe(1)
    test.hypothesis.inner_test._hypothesis_internal_add_digest = (  # type: ignore[attr-defined]
        f"{caller.f_code.co_filename}:{caller.f_lineno}:{name}:{engine}".encode())
    test.__doc__ = invariant.summary if isinstance(invariant, Invariant) else invariant.__doc__
    return settings(test) if settings is not None else test

"""The scenario: everything an engine needs to simulate one negotiation, checked as a whole.

A :class:`Scenario` holds issues, actors, coalitions, levers, the table, time and engine
settings, uncertainties (distributions over named numeric parameters) and variants (named
patches). Its instance validator checks what no single object can: that every id it mentions
exists, that ids are unique, that uncertainties and variants point at real parameters.
Parsing lives in :mod:`negsim.io`; ``Scenario.from_toml`` and ``Scenario.from_dict`` delegate.
"""

from __future__ import annotations

import math
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import attrs
import numpy as np
from attrs import field
from numpy.typing import NDArray

from negsim._checks import (
    FrozenMap,
    frozen_map,
    identifier,
    instances_of,
    integer,
    is_number,
    one_of,
)
from negsim.errors import Problem, ScenarioError
from negsim.levers import Lever
from negsim.model import (
    Actor,
    Citation,
    Coalition,
    EngineSettings,
    Issue,
    Table,
    Time,
    War,
    _text,
    provenance,
)

__all__ = ["DISTRIBUTIONS", "SCHEMA_VERSION", "Scenario", "Uncertainty", "Variant"]

SCHEMA_VERSION = 1

# distribution -> (required parameters, optional parameters)
DISTRIBUTIONS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "uniform": (("low", "high"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "normal": (("mean", "sd"), ()),
    "truncnormal": (("mean", "sd", "low", "high"), ()),
    "beta": (("alpha", "beta"), ("low", "high")),
    "lognormal": (("mean", "sigma"), ()),
    "choice": (("values",), ("weights",)),
}
# Scenario.hash of each live scenario object, by id (with a weak reference to tell a reused id)
_HASHES: dict[int, tuple[weakref.ref[Any], str]] = {}


def _forget_hash(key: int) -> Callable[[weakref.ref[Any]], None]:
    def forget(ref: weakref.ref[Any]) -> None:
        entry = _HASHES.get(key)
        if entry is not None and entry[0] is ref:
            del _HASHES[key]
    return forget


_NUMERIC_PARAMS = ("low", "high", "mode", "mean", "sd", "alpha", "beta", "sigma")


@attrs.frozen(kw_only=True)
class Uncertainty:
    """A distribution over one numeric parameter of the scenario, named by its path.

    Parameters
    ----------
    id : str
    path : str
        Dotted path of a numeric parameter (``actors.russia.capability``).
    distribution : str
        One of :data:`DISTRIBUTIONS`; its parameters below (``lognormal``'s ``mean`` and
        ``sigma`` are those of the underlying normal).
    """

    id: str = field(validator=identifier)
    path: str = field(validator=_text)
    distribution: str = field(validator=one_of(*DISTRIBUTIONS))
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None
    alpha: float | None = None
    beta: float | None = None
    sigma: float | None = None
    values: tuple[float, ...] = field(default=(), converter=tuple)
    weights: tuple[float, ...] = field(default=(), converter=tuple)
    sources: tuple[str, ...] = provenance()["sources"]
    assumption: str = provenance()["assumption"]
    cite: FrozenMap[Citation] = provenance()["cite"]

    def __attrs_post_init__(self) -> None:
        problems: list[Problem] = []
        required, optional = DISTRIBUTIONS[self.distribution]
        given = {p for p in (*_NUMERIC_PARAMS, "values", "weights") if self._given(p)}
        for p in required:
            if p not in given:
                problems.append(Problem(f"distribution {self.distribution!r} needs {p}", p))
        for p in sorted(given - set(required) - set(optional)):
            problems.append(Problem(
                f"{p} does not apply to distribution {self.distribution!r} (it takes "
                f"{', '.join(required + optional)})", p))
        for p in _NUMERIC_PARAMS:
            v = getattr(self, p)
            if v is not None and (not is_number(v) or not math.isfinite(v)):
                problems.append(Problem(f"{p} must be a finite number, got {v!r}", p))
        for p in ("values", "weights"):
            for i, v in enumerate(getattr(self, p)):
                if not is_number(v) or not math.isfinite(v):
                    problems.append(Problem(f"{p} must hold finite numbers, got {v!r}",
                                            f"{p}.{i}"))
        if problems:
            raise ScenarioError(problems)
        problems = self._check_shape()
        if problems:
            raise ScenarioError(problems)

    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]:
        """``size`` independent draws of the parameter, shape ``(size,)``.

        ``truncnormal`` is drawn by inverting the normal distribution function on
        ``[low, high]``; ``beta`` is rescaled to ``[low, high]`` (default ``[0, 1]``);
        ``choice`` uses ``weights`` normalised to sum to 1 (equal by default).

        Examples
        --------
        >>> u = Uncertainty(id="cap", path="actors.a.capability", distribution="uniform",
        ...                 low=1.0, high=2.0)
        >>> x = u.sample(np.random.default_rng(0), 1000)
        >>> bool((x >= 1).all() and (x < 2).all())
        True
        """
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        d = self.distribution
        if d == "uniform":
            return rng.uniform(self.low, self.high, size)
        if d == "triangular":
            return rng.triangular(self.low, self.mode, self.high, size)
        if d == "normal":
            return rng.normal(self.mean, self.sd, size)
        if d == "truncnormal":
            from scipy.special import ndtr, ndtri  # here, so that importing negsim skips scipy

            assert self.low is not None and self.high is not None and self.sd is not None
            a, b = ndtr((self.low - self.mean) / self.sd), ndtr((self.high - self.mean) / self.sd)
            draw = self.mean + self.sd * ndtri(a + (b - a) * rng.random(size))
            return np.asarray(np.clip(draw, self.low, self.high), dtype=float)
        if d == "beta":
            lo = 0.0 if self.low is None else self.low
            hi = 1.0 if self.high is None else self.high
            return lo + (hi - lo) * rng.beta(self.alpha, self.beta, size)
        if d == "lognormal":
            return rng.lognormal(self.mean, self.sigma, size)
        weights = np.asarray(self.weights or [1.0] * len(self.values), dtype=float)
        return rng.choice(np.asarray(self.values, dtype=float), size, p=weights / weights.sum())

    def ppf(self, u: NDArray[np.float64] | float) -> NDArray[np.float64]:
        """The quantile function: the parameter's value at cumulative probability ``u``.

        Maps points of the unit interval (Latin hypercube, Sobol or copula draws) onto the
        distribution; ``ppf(rng.random(n))`` is a valid sample. ``u`` is clipped to
        ``[0, 1]``; at 0 and 1 unbounded distributions give -inf or inf. ``choice`` returns
        ``values[i]`` for the first ``i`` whose cumulative weight exceeds ``u``.

        Examples
        --------
        >>> u = Uncertainty(id="x", path="actors.a.capability", distribution="triangular",
        ...                 low=0.0, mode=0.0, high=1.0)
        >>> float(u.ppf(0.75))  # F(x) = 1 - (1 - x)**2
        0.5
        """
        from scipy.special import betaincinv, ndtr, ndtri  # scipy only when asked

        q = np.clip(np.asarray(u, dtype=np.float64), 0.0, 1.0)
        d = self.distribution
        if d == "uniform":
            assert self.low is not None and self.high is not None
            return self.low + q * (self.high - self.low)
        if d == "triangular":
            assert self.low is not None and self.high is not None and self.mode is not None
            lo, mo, hi = self.low, self.mode, self.high
            cut = (mo - lo) / (hi - lo)
            left = lo + np.sqrt(q * (hi - lo) * (mo - lo))
            right = hi - np.sqrt((1.0 - q) * (hi - lo) * (hi - mo))
            return np.where(q < cut, left, right)
        if d == "normal":
            assert self.mean is not None and self.sd is not None
            return self.mean + self.sd * ndtri(q)
        if d == "truncnormal":
            assert self.low is not None and self.high is not None and self.sd is not None
            assert self.mean is not None
            a, b = ndtr((self.low - self.mean) / self.sd), ndtr((self.high - self.mean) / self.sd)
            x = self.mean + self.sd * ndtri(a + (b - a) * q)
            return np.asarray(np.clip(x, self.low, self.high), dtype=np.float64)
        if d == "beta":
            lo = 0.0 if self.low is None else self.low
            hi = 1.0 if self.high is None else self.high
            return lo + (hi - lo) * betaincinv(self.alpha, self.beta, q)
        if d == "lognormal":
            assert self.mean is not None and self.sigma is not None
            return np.exp(self.mean + self.sigma * ndtri(q))
        values = np.asarray(self.values, dtype=np.float64)
        weights = np.asarray(self.weights or [1.0] * len(values), dtype=np.float64)
        cum = np.cumsum(weights / weights.sum())
        idx = np.minimum(np.searchsorted(cum, q, side="right"), len(values) - 1)
        return values[idx]

    def _given(self, p: str) -> bool:
        v = getattr(self, p)
        return bool(v) if p in ("values", "weights") else v is not None

    def _check_shape(self) -> list[Problem]:
        d, out = self.distribution, []
        if self.low is not None and self.high is not None and not self.low < self.high:
            out.append(Problem(f"low must be below high, got {self.low:g} and {self.high:g}",
                               "high"))
        if d == "triangular" and self.low is not None and self.high is not None:
            assert self.mode is not None
            if not self.low <= self.mode <= self.high:
                out.append(Problem(f"mode must be within [low, high], got {self.mode:g}", "mode"))
        for p in ("sd", "sigma", "alpha", "beta"):
            v = getattr(self, p)
            if v is not None and v <= 0:
                out.append(Problem(f"{p} must be positive, got {v:g}", p))
        if d == "choice":
            if self.weights and len(self.weights) != len(self.values):
                out.append(Problem(
                    f"weights must match values in length ({len(self.values)}), got "
                    f"{len(self.weights)}", "weights"))
            elif self.weights and (min(self.weights) < 0 or sum(self.weights) <= 0):
                out.append(Problem("weights must be non-negative with a positive sum",
                                   "weights"))
        return out

    def support(self) -> tuple[float, float]:
        """The smallest interval holding every value the distribution can take."""
        d = self.distribution
        if d == "choice":
            return (min(self.values), max(self.values))
        if d == "beta":
            return (self.low if self.low is not None else 0.0,
                    self.high if self.high is not None else 1.0)
        if d in ("uniform", "triangular", "truncnormal"):
            assert self.low is not None and self.high is not None
            return (self.low, self.high)
        if d == "lognormal":
            return (0.0, math.inf)
        return (-math.inf, math.inf)


def _patch_values(_: Any, attribute: Any, value: FrozenMap[Any]) -> None:
    ok = (bool, int, float, str)
    bad = [
        Problem(f"a variant sets numbers, strings, booleans or arrays of them; got "
                f"{type(v).__name__}", f"set.{k}")
        for k, v in value.items()
        if not (isinstance(v, ok) or (isinstance(v, tuple) and all(isinstance(x, ok) for x in v)))
    ]
    if bad:
        raise ScenarioError(bad)


@attrs.frozen(kw_only=True)
class Variant:
    """A named what-if: values to set at paths of the scenario document.

    ``set`` maps a dotted path (``levers.eu_sanctions.level``, ``table.negotiators``) to its new
    value; applying a variant re-validates the whole scenario (:func:`negsim.io.apply_variant`).
    """

    id: str = field(validator=identifier)
    label: str = field(validator=_text)
    description: str = field(default="", validator=_text)
    set: FrozenMap[Any] = field(factory=FrozenMap, converter=frozen_map, validator=_patch_values)
    sources: tuple[str, ...] = provenance()["sources"]
    assumption: str = provenance()["assumption"]
    cite: FrozenMap[Citation] = provenance()["cite"]



@attrs.frozen(kw_only=True)
class Scenario:
    """A complete negotiation scenario (see the module docstring).

    Build one from a file with :meth:`from_toml`, from a parsed document with :meth:`from_dict`,
    or directly from model objects; vary it with ``attrs.evolve`` or a :class:`Variant`.
    """

    schema: int = field(default=SCHEMA_VERSION, validator=integer(1))
    title: str = field(validator=_text)
    issues: tuple[Issue, ...] = field(converter=tuple, validator=instances_of(Issue))
    actors: tuple[Actor, ...] = field(converter=tuple, validator=instances_of(Actor))
    table: Table = field(validator=attrs.validators.instance_of(Table))
    description: str = field(default="", validator=_text)
    date: str = field(default="", validator=_text)
    authors: tuple[str, ...] = field(default=(), converter=tuple)
    time: Time = field(factory=Time, validator=attrs.validators.instance_of(Time))
    coalitions: tuple[Coalition, ...] = field(default=(), converter=tuple,
                                              validator=instances_of(Coalition))
    levers: tuple[Lever, ...] = field(default=(), converter=tuple, validator=instances_of(Lever))
    engine: EngineSettings = field(factory=EngineSettings,
                                   validator=attrs.validators.instance_of(EngineSettings))
    uncertainties: tuple[Uncertainty, ...] = field(default=(), converter=tuple,
                                                   validator=instances_of(Uncertainty))
    variants: tuple[Variant, ...] = field(default=(), converter=tuple,
                                          validator=instances_of(Variant))
    sources: tuple[str, ...] = field(default=(), converter=tuple)
    cite: FrozenMap[Citation] = field(factory=FrozenMap, converter=frozen_map)
    war: War | None = field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(War)))

    def __attrs_post_init__(self) -> None:
        from negsim._references import check_references

        problems = check_references(self) + self._war_references()
        if problems:
            raise ScenarioError(problems)

    def _war_references(self) -> list[Problem]:
        """Problems with the ids the ``[war]`` section names (unknown actors or issues)."""
        if self.war is None:
            return []
        from negsim._checks import did_you_mean

        out = []
        actors, issues = self.actor_ids, self.issue_ids
        for side in ("side_a", "side_b"):
            for i, a in enumerate(getattr(self.war, side)):
                if a not in actors:
                    out.append(Problem(f"unknown actor {a!r}{did_you_mean(a, actors)}",
                                       f"war.{side}.{i}"))
        for i, k in enumerate(self.war.front_issues):
            if k not in issues:
                out.append(Problem(f"unknown issue {k!r}{did_you_mean(k, issues)}",
                                   f"war.front_issues.{i}"))
        return out

    # -- look-ups ---------------------------------------------------------------------------
    @property
    def issue_ids(self) -> tuple[str, ...]:
        return tuple(i.id for i in self.issues)

    @property
    def actor_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.actors)

    def issue(self, id: str) -> Issue:
        return _find(self.issues, id, "issue")

    def actor(self, id: str) -> Actor:
        return _find(self.actors, id, "actor")

    def coalition(self, id: str) -> Coalition:
        return _find(self.coalitions, id, "coalition")

    def lever(self, id: str) -> Lever:
        return _find(self.levers, id, "lever")

    def variant(self, id: str) -> Variant:
        return _find(self.variants, id, "variant")

    def party_members(self, party: str) -> tuple[str, ...]:
        """The actors a party stands for: itself, or a coalition's members."""
        for c in self.coalitions:
            if c.id == party:
                return c.members
        return (party,)

    # -- files ------------------------------------------------------------------------------
    @classmethod
    def from_toml(cls, path: str | Path) -> Scenario:
        """Load and validate a scenario file (see :func:`negsim.io.load`)."""
        from negsim.io import load

        return load(path)

    @classmethod
    def from_dict(cls, document: dict[str, Any], source: str = "") -> Scenario:
        """Validate a parsed scenario document (see :func:`negsim.io.from_dict`)."""
        from negsim.io import from_dict

        return from_dict(document, source=source)

    def to_toml(self) -> str:
        """The scenario as TOML text (see :func:`negsim.io.dumps`)."""
        from negsim.io import dumps

        return dumps(self)

    @property
    def hash(self) -> str:
        """A SHA-256 of the scenario's canonical form, stable across processes and machines.

        Computed once per scenario object (the object is immutable) and remembered while it
        lives.
        """
        key = id(self)
        known = _HASHES.get(key)
        if known is not None and known[0]() is self:
            return known[1]
        from negsim.io import scenario_hash

        value = scenario_hash(self)
        _HASHES[key] = (weakref.ref(self, _forget_hash(key)), value)
        return value

    def _repr_html_(self) -> str:
        """Notebook display: tables of the issues, actors and levers (negsim.display)."""
        from negsim.display import scenario_html

        return scenario_html(self)

    def with_variant(self, id: str) -> Scenario:
        """This scenario with variant ``id`` applied (validated again)."""
        from negsim.io import apply_variant

        return apply_variant(self, id)


def _find(items: Iterable[Any], id: str, what: str) -> Any:
    ids = []
    for item in items:
        if item.id == id:
            return item
        ids.append(item.id)
    from negsim._checks import did_you_mean

    raise KeyError(f"no {what} {id!r}{did_you_mean(id, ids)}; known: {', '.join(ids)}")

"""Scenario files: TOML in, TOML out, every problem reported with its place.

One private cattrs converter (``cattrs.preconf.tomllib``, unknown keys forbidden) structures a
parsed TOML document into the model, and unstructures a scenario back into a document that
tomli-w writes. Tables of issues, actors, coalitions, levers, uncertainties and variants are keyed
by id in the file (``[actors.russia]``) and are tuples of objects in the model.

Structuring collects problems instead of stopping at the first: a wrong type, a value out of
range, a missing field, an unknown key (named with the nearest valid key), a dangling id. They are
raised together as one :class:`~negsim.errors.ScenarioError`, each located by a dotted path of ids
(``actors.russia.salience.donbas``); TOML syntax errors carry line and column. Cited facts are
checked against the seed digests (:mod:`negsim.digests`).

``load(dump(s)) == s`` for every valid scenario ``s``.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import attrs
import tomli_w
from cattrs.preconf.tomllib import make_converter

from negsim._checks import FrozenMap, describe, did_you_mean, is_number
from negsim.errors import Problem, ScenarioError
from negsim.levers import Condition, Effect, Lever, Step
from negsim.model import Actor, Citation, Coalition, EngineSettings, Issue, Table, Time, War
from negsim.scenario import Scenario, Uncertainty, Variant

__all__ = [
    "apply_variant",
    "dump",
    "dumps",
    "from_dict",
    "load",
    "loads",
    "scenario_hash",
    "to_dict",
]

_MODEL = (Scenario, Issue, Actor, Coalition, Table, Time, EngineSettings, Citation, Lever,
          Effect, Step, Condition, Uncertainty, Variant, War)
_KEYED = {"issues": Issue, "actors": Actor, "coalitions": Coalition, "levers": Lever,
          "uncertainties": Uncertainty, "variants": Variant}


class _Invalid(Exception):
    """Problems found below some node, with paths relative to it (internal)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(problems)
        self.problems = problems


def _prefix(problems: list[Problem], prefix: str) -> list[Problem]:
    return [attrs.evolve(p, path=f"{prefix}.{p.path}" if p.path else prefix) for p in problems]


# -- structuring: leaves -------------------------------------------------------------------------
def _leaf(value: Any, tp: Any) -> Any:
    if tp is float:
        if is_number(value):
            return float(value)
        raise _Invalid([Problem(f"expected a number, got {describe(value)}")])
    if tp is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
        raise _Invalid([Problem(f"expected an integer, got {describe(value)}")])
    if tp is str:
        if isinstance(value, str):
            return value
        raise _Invalid([Problem(f"expected a string, got {describe(value)}")])
    if tp is bool:
        if isinstance(value, bool):
            return value
        raise _Invalid([Problem(f"expected true or false, got {describe(value)}")])
    if tp is Any:
        if isinstance(value, bool | int | float | str):
            return value
        if isinstance(value, list):
            return tuple(_leaf(v, Any) for v in value)
        raise _Invalid([Problem(f"expected a number, string, boolean or array, got "
                                f"{describe(value)}")])
    raise TypeError(f"no leaf rule for {tp!r}")  # a bug in negsim, not in the file


def _structure(value: Any, tp: Any) -> Any:
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if attrs.has(tp):
        return _converter.structure(value, tp)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) == 1:
            return _structure(value, options[0])
        for a in options:  # float | str: take the first that fits
            try:
                return _structure(value, a)
            except _Invalid:
                continue
        names = " or ".join({float: "a number", str: "a string"}.get(a, str(a)) for a in options)
        raise _Invalid([Problem(f"expected {names}, got {describe(value)}")])
    if origin is tuple:
        if not isinstance(value, list):
            raise _Invalid([Problem(f"expected an array, got {describe(value)}")])
        item_types = [args[0]] * len(value) if (len(args) == 2 and args[1] is Ellipsis) else args
        if len(item_types) != len(value):
            raise _Invalid([Problem(f"expected an array of {len(args)} items, got "
                                    f"{len(value)}")])
        out, problems = [], []
        for i, (v, t) in enumerate(zip(value, item_types, strict=True)):
            try:
                out.append(_structure(v, t))
            except _Invalid as exc:
                problems += _prefix(exc.problems, str(i))
        if problems:
            raise _Invalid(problems)
        return tuple(out)
    if origin is FrozenMap:
        if not isinstance(value, Mapping):
            raise _Invalid([Problem(f"expected a table, got {describe(value)}")])
        out_map, problems = {}, []
        for k, v in value.items():
            try:
                out_map[k] = _structure(v, args[0])
            except _Invalid as exc:
                problems += _prefix(exc.problems, k)
        if problems:
            raise _Invalid(problems)
        return FrozenMap(out_map)
    return _leaf(value, tp)


# -- structuring: model classes ------------------------------------------------------------------
def _make_structure_hook(cls: type) -> Any:
    fields = attrs.fields(cls)
    names = [f.name for f in fields]
    hints = typing.get_type_hints(cls)

    def hook(value: Any, _: Any) -> Any:
        if not isinstance(value, Mapping):
            raise _Invalid([Problem(f"expected a table, got {describe(value)}")])
        problems: list[Problem] = []
        for key in value:
            if key not in names:
                problems.append(Problem(f"unknown key {key!r}{did_you_mean(key, names)}", key))
        kwargs: dict[str, Any] = {}
        for f in fields:
            if f.name not in value:
                if f.default is attrs.NOTHING:
                    problems.append(Problem(f"missing required key {f.name!r}", f.name))
                continue
            raw = value[f.name]
            try:
                if cls is Scenario and f.name in _KEYED:
                    kwargs[f.name] = _structure_keyed(raw, _KEYED[f.name])
                else:
                    kwargs[f.name] = _structure(raw, hints[f.name])
            except _Invalid as exc:
                problems += _prefix(exc.problems, f.name)
        problems += _run_field_validators(cls, kwargs)
        if problems:
            raise _Invalid(problems)
        try:
            return cls(**kwargs)
        except ScenarioError as exc:
            raise _Invalid(list(exc.problems)) from None

    return hook


def _default(f: Any) -> Any:
    """A field's default value (calling its factory if it has one)."""
    factory = getattr(f.default, "factory", None)
    return factory() if factory is not None else f.default


def _run_field_validators(cls: type, kwargs: dict[str, Any]) -> list[Problem]:
    """Run every field validator on its own, so one object reports all its bad fields at once."""
    problems: list[Problem] = []
    probe = types.SimpleNamespace(**{
        f.name: kwargs.get(f.name, _default(f)) for f in attrs.fields(cls)
    })
    for f in attrs.fields(cls):
        if f.validator is None or f.name not in kwargs:
            continue
        value = f.converter(kwargs[f.name]) if callable(f.converter) else kwargs[f.name]
        try:
            f.validator(probe, f, value)
        except ScenarioError as exc:
            problems += list(exc.problems)
    return problems


def _structure_keyed(raw: Any, cls: type) -> tuple[Any, ...]:
    if not isinstance(raw, Mapping):
        raise _Invalid([Problem(f"expected a table of {cls.__name__.lower()}s keyed by id, got "
                                f"{describe(raw)}")])
    out: list[Any] = []
    problems: list[Problem] = []
    for key, body in raw.items():
        if isinstance(body, Mapping) and "id" in body:
            problems.append(Problem("the id is the table's key; remove the 'id' entry",
                                    f"{key}.id"))
            continue
        if not isinstance(body, Mapping):
            problems.append(Problem(f"expected a table, got {describe(body)}", key))
            continue
        try:
            out.append(_converter.structure({"id": key, **body}, cls))
        except _Invalid as exc:
            problems += _prefix(exc.problems, key)
    if problems:
        raise _Invalid(problems)
    return tuple(out)


# -- unstructuring -------------------------------------------------------------------------------
def _plain(value: Any) -> Any:
    if attrs.has(type(value)):
        return _converter.unstructure(value)
    if isinstance(value, Mapping):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


def _make_unstructure_hook(cls: type) -> Any:
    fields = attrs.fields(cls)

    def hook(obj: Any) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for f in fields:
            v = getattr(obj, f.name)
            if v is None:
                continue
            if f.default is not attrs.NOTHING:
                if f.name != "schema" and v == _default(f):
                    continue
            if cls is Scenario and f.name in _KEYED:
                out[f.name] = {x.id: {k: w for k, w in _plain(x).items() if k != "id"} for x in v}
            else:
                out[f.name] = _plain(v)
        return out

    return hook


_converter = make_converter(forbid_extra_keys=True)
for _cls in _MODEL:
    _converter.register_structure_hook(_cls, _make_structure_hook(_cls))
    _converter.register_unstructure_hook(_cls, _make_unstructure_hook(_cls))


# -- public API ----------------------------------------------------------------------------------
def to_dict(scenario: Scenario) -> dict[str, Any]:
    """The scenario as a TOML-ready document (plain dicts, lists and scalars)."""
    doc: dict[str, Any] = _converter.unstructure(scenario)
    return doc


def from_dict(document: Mapping[str, Any], source: str = "", *, check_sources: bool = True,
              digest_dirs: tuple[Path, ...] = ()) -> Scenario:
    """Validate a parsed scenario document and build the :class:`Scenario`.

    Parameters
    ----------
    document : mapping
        As parsed from TOML.
    source : str
        Where the document came from, for messages.
    check_sources : bool
        Check that every cited fact exists in the seed digests.
    digest_dirs : tuple of Path
        Extra folders of digests, searched besides the bundled ones.

    Raises
    ------
    ScenarioError
        Listing every problem.
    """
    problems: list[Problem] = []
    schema = document.get("schema") if isinstance(document, Mapping) else None
    if isinstance(document, Mapping) and "schema" not in document:
        problems.append(Problem("missing required key 'schema' (the schema version, 1)", "schema"))
    elif schema is not None and schema != 1:
        problems.append(Problem(f"unsupported schema version {schema!r}; this negsim reads 1",
                                "schema"))
    if problems:
        raise ScenarioError(problems, source)
    try:
        scenario: Scenario = _converter.structure(document, Scenario)
    except _Invalid as exc:
        raise ScenarioError(exc.problems, source) from None
    if check_sources:
        from negsim.digests import check_citations

        problems = check_citations(scenario, digest_dirs)
        if problems:
            raise ScenarioError(problems, source)
    return scenario


_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def loads(text: str, source: str = "<string>", **kwargs: Any) -> Scenario:
    """Parse and validate scenario TOML text (see :func:`from_dict` for the options)."""
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        m = _TOML_POSITION.search(message)
        if m:
            line, col = int(m.group(1)), int(m.group(2))
        else:  # "at end of document"
            line, col = text.count("\n") + 1, len(text.rsplit("\n", 1)[-1]) + 1
        message = _TOML_POSITION.sub("", message).replace("(at end of document)", "").strip()
        path = ""
        twice = re.match(r"Cannot declare \((.*)\) twice", message)
        if twice:
            path = ".".join(k.strip().strip("'\"") for k in twice.group(1).split(",") if k.strip())
            message = f"duplicate table [{path}]: ids and keys must be unique"
        elif "overwrite" in message:
            message = f"{message}: a key is given twice"
        raise ScenarioError([Problem(f"TOML syntax error: {message}", path, line, col)],
                            source) from None
    return from_dict(document, source, **kwargs)


def load(path: str | Path, **kwargs: Any) -> Scenario:
    """Load and validate a scenario file.

    Digests in a ``seeds/`` folder beside the file or beside its folder are searched too.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(f"cannot read the file: {exc}")], str(path)) from None
    extra = tuple(d for d in (path.parent / "seeds", path.parent.parent / "seeds") if d.is_dir())
    kwargs.setdefault("digest_dirs", extra)
    return loads(text, str(path), **kwargs)


def dumps(scenario: Scenario) -> str:
    """The scenario as TOML text."""
    return tomli_w.dumps(to_dict(scenario))


def dump(scenario: Scenario, path: str | Path) -> None:
    """Write the scenario to a TOML file."""
    Path(path).write_text(dumps(scenario), encoding="utf-8")


def scenario_hash(scenario: Scenario) -> str:
    """SHA-256 (hex) of the scenario's canonical JSON: stable across processes and machines."""
    canonical = json.dumps(to_dict(scenario), sort_keys=True, separators=(",", ":"),
                           ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def apply_variant(scenario: Scenario, variant_id: str) -> Scenario:
    """The scenario with one of its variants applied; everything is validated again.

    Raises
    ------
    KeyError
        If there is no such variant.
    ScenarioError
        If the patched scenario is invalid (the source names the variant).
    """
    variant = scenario.variant(variant_id)
    doc = to_dict(scenario)
    for path, value in variant.set.items():
        _set_path(doc, path, _plain(value))
    return from_dict(doc, f"variant {variant_id!r}", check_sources=False)


def _set_path(doc: dict[str, Any], path: str, value: Any) -> None:
    parts = path.split(".")
    node: Any = doc
    for part in parts[:-1]:
        if isinstance(node, list):
            node = node[int(part)]
        else:
            node = node.setdefault(part, {})
    if isinstance(node, list):
        node[int(parts[-1])] = value
    else:
        node[parts[-1]] = value

"""Seed digests: our structured, paraphrased summaries of the source articles.

Each digest is a TOML file in ``seeds/`` named after the article it summarises, holding the
article's metadata and numbered facts (``[facts.<fact id>]`` with ``kind``, ``text``, ``actors``
and, for numbers, ``figure``). Scenario files cite facts as ``"<digest id>#<fact id>"``; the
loader checks that each cited fact exists. negsim ships the digests of its reference scenarios;
a user's own digests in a ``seeds/`` folder beside a scenario are searched too.
"""

from __future__ import annotations

import functools
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import attrs

from negsim._checks import FrozenMap
from negsim._resources import bundled
from negsim.errors import Problem, ScenarioError

__all__ = ["FACT_KINDS", "MODELLED_KINDS", "Coverage", "Digest", "Fact", "check_citations",
           "citations", "coverage", "library", "load_digest"]

FACT_KINDS = ("stance", "condition", "proposal", "lever", "figure", "event", "assessment", "actor")


@attrs.frozen
class Fact:
    """One fact of a digest, in our own words, naming the actors it concerns."""

    id: str
    kind: str
    text: str
    actors: tuple[str, ...]
    figure: tuple[float, str] | None = None  # (value, unit)
    not_modelled: str = ""  # why no scenario uses it, where that is a choice


@attrs.frozen
class Digest:
    """A structured digest of one source article."""

    id: str
    title: str
    outlet: str
    author: str
    date: str
    summary: str
    facts: FrozenMap[Fact]
    path: str = attrs.field(eq=False, default="")

    def fact(self, fact_id: str) -> Fact:
        return self.facts[fact_id]


def load_digest(path: str | Path) -> Digest:
    """Read and check one digest file.

    Raises
    ------
    ScenarioError
        Listing every problem in the file.
    """
    path = Path(path)
    try:
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ScenarioError([Problem(f"cannot read digest: {exc}")], str(path)) from None
    problems: list[Problem] = []
    for key in ("id", "title", "outlet", "author", "date", "summary"):
        if not isinstance(doc.get(key), str):
            problems.append(Problem(f"missing or non-string {key!r}", key))
    if doc.get("id") != path.stem:
        problems.append(Problem(f"id must equal the file name {path.stem!r}", "id"))
    facts: dict[str, Fact] = {}
    raw_facts = doc.get("facts")
    if not isinstance(raw_facts, dict) or not raw_facts:
        problems.append(Problem("a digest needs a [facts] table", "facts"))
        raw_facts = {}
    for fid, body in raw_facts.items():
        where = f"facts.{fid}"
        if not isinstance(body, dict):
            problems.append(Problem("expected a table", where))
            continue
        if body.get("kind") not in FACT_KINDS:
            problems.append(Problem(f"kind must be one of {', '.join(FACT_KINDS)}",
                                    f"{where}.kind"))
        if not isinstance(body.get("text"), str) or not body["text"].strip():
            problems.append(Problem("a fact needs text", f"{where}.text"))
        actors = body.get("actors")
        if not isinstance(actors, list) or not actors or not all(isinstance(a, str)
                                                                 for a in actors):
            problems.append(Problem("a fact names at least one actor id", f"{where}.actors"))
            actors = []
        figure = None
        if "figure" in body:
            fig = body["figure"]
            if (not isinstance(fig, dict) or not isinstance(fig.get("value"), int | float)
                    or not isinstance(fig.get("unit"), str)):
                problems.append(Problem("figure must be {value = number, unit = string}",
                                        f"{where}.figure"))
            else:
                figure = (float(fig["value"]), fig["unit"])
        why = body.get("not_modelled", "")
        if not isinstance(why, str):
            problems.append(Problem("not_modelled must be a string (why the fact is not "
                                    "modelled)", f"{where}.not_modelled"))
            why = ""
        facts[fid] = Fact(fid, str(body.get("kind")), str(body.get("text")), tuple(actors),
                          figure, why.strip())
    if problems:
        raise ScenarioError(problems, str(path))
    return Digest(doc["id"], doc["title"], doc["outlet"], doc["author"], doc["date"],
                  doc["summary"], FrozenMap(facts), str(path))


@functools.cache
def _load_dir(folder: Path) -> tuple[Digest, ...]:
    return tuple(load_digest(p) for p in sorted(folder.glob("*.toml")))


def library(extra_dirs: tuple[Path, ...] = ()) -> dict[str, Digest]:
    """Every digest negsim knows: the bundled ones, then those in ``extra_dirs``, by id."""
    out: dict[str, Digest] = {}
    for folder in (bundled("seeds"), *extra_dirs):
        if folder.is_dir():
            for d in _load_dir(folder.resolve()):
                out.setdefault(d.id, d)
    return out


def citations(scenario: Any) -> Iterator[tuple[str, str]]:
    """Every (location, citation) pair in a scenario, in document order."""
    def walk(obj: Any, where: str) -> Iterator[tuple[str, str]]:
        if not attrs.has(type(obj)):
            return
        for f in attrs.fields(type(obj)):
            value = getattr(obj, f.name)
            here = f"{where}.{f.name}" if where else f.name
            if f.name == "sources" and type(obj).__name__ != "Scenario":
                for i, s in enumerate(value):
                    yield f"{here}.{i}", s
            elif f.name == "cite":
                for k, c in value.items():
                    for i, s in enumerate(c.sources):
                        yield f"{here}.{k}.sources.{i}", s
            elif isinstance(value, tuple) and value and attrs.has(type(value[0])):
                for i, item in enumerate(value):
                    key = getattr(item, "id", str(i))
                    yield from walk(item, f"{here}.{key}")
            elif attrs.has(type(value)):
                yield from walk(value, here)

    yield from walk(scenario, "")


def check_citations(scenario: Any, extra_dirs: tuple[Path, ...] = ()) -> list[Problem]:
    """Problems with the scenario's citations: unknown digests or facts."""
    lib = library(extra_dirs)
    problems = [
        Problem(f"unknown digest {d!r} (known: {', '.join(sorted(lib)) or 'none'})",
                f"sources.{i}")
        for i, d in enumerate(scenario.sources)
        if d not in lib
    ]
    for where, cite in citations(scenario):
        doc_id, _, fact_id = cite.partition("#")
        if doc_id not in lib:
            problems.append(Problem(f"cites unknown digest {doc_id!r}", where))
        elif fact_id not in lib[doc_id].facts:
            from negsim._checks import did_you_mean

            hint = did_you_mean(fact_id, lib[doc_id].facts)
            problems.append(Problem(f"digest {doc_id!r} has no fact {fact_id!r}{hint}", where))
    return problems


#: The kinds of fact a reference scenario must model (or say why not): who acts, with what,
#: on which conditions, proposing what.
MODELLED_KINDS = ("actor", "lever", "condition", "proposal")


@attrs.frozen
class Coverage:
    """Where a scenario (or one of its variants) uses a digest's fact, or why it does not."""

    digest: str
    fact: str
    kind: str
    text: str
    cited_at: tuple[str, ...]
    not_modelled: str

    @property
    def covered(self) -> bool:
        return bool(self.cited_at or self.not_modelled)


def coverage(scenario: Any, kinds: tuple[str, ...] = MODELLED_KINDS,
             extra_dirs: tuple[Path, ...] = ()) -> list[Coverage]:
    """Every fact of ``kinds`` in the digests the scenario cites, with the places citing it.

    A fact counts as modelled when any place in the scenario cites it (a parameter's
    ``sources`` or ``cite``, a variant's sources); otherwise the digest's ``not_modelled``
    says why, or the fact is a gap.
    """
    lib = library(extra_dirs)
    where: dict[str, list[str]] = {}
    for place, citation in citations(scenario):
        where.setdefault(citation, []).append(place)
    out = []
    for d_id in dict.fromkeys(scenario.sources):
        digest = lib.get(d_id)
        if digest is None:
            continue
        for f in digest.facts.values():
            if f.kind in kinds:
                out.append(Coverage(d_id, f.id, f.kind, f.text,
                                    tuple(where.get(f"{d_id}#{f.id}", ())), f.not_modelled))
    return out


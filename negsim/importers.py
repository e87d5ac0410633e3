"""Scenarios from formats users already have: KTAB's spatial-model CSV and XML, and the DEU
data layout (Thomson et al. 2012), one scenario per legislative proposal.

KTAB (KAPSARC Toolkit for Behavioral Analysis, MIT-licensed) describes a Spatial Model of
Politics problem as actors with an influence (capability), and per dimension a position and a
salience on 0-100 scales. Two input forms exist:

- **CSV**: a first line ``name, description, n_actors, n_dimensions``; a header line
  ``Actor, Description, <influence>, <dim> Position, <dim> Salience, ...``; then a line per
  actor. Trailing commas and padding spaces are common and accepted.
- **XML**: ``<Scenario>`` with ``<name>``, ``<desc>``, ``<ModelParameters>``, ``<Dimensions>``
  (``<dName>`` each) and ``<Actors>`` (``<Actor>`` with ``<name>``, ``<description>``,
  ``<capability>``, ``<Position>`` of ``<dCoord>`` and ``<Salience>`` of ``<dSal>``), and
  optionally ``<IdealAdjustment>``. An empty ``<dCoord>`` means the actor takes no position on
  that dimension; negsim then gives it no salience there either.

What maps onto negsim: each dimension becomes an issue on 0-100, each actor an actor with
``capability`` = influence, ``position`` = its position, ``salience`` = its salience / 100
(KTAB's saliences are percentages of an actor's attention). What does not: KTAB has no status
quo, so every issue's status quo is the argument ``status_quo`` (default the midpoint, 50,
recorded as an assumption); KTAB's model parameters (victory-probability model, voting rule,
bargaining model) and ideal-point adjustments belong to its own SMP and are kept in the
scenario's description, not modelled. Every actor sits at the table and ratifies; the engine is
the capability-salience compromise model (the forecast baseline), changeable as for any
scenario.

Errors name the file, the line (CSV) or element (XML), and the problem, as
:class:`~negsim.errors.ScenarioError`.

DEU: :func:`from_deu` turns one proposal of the DEU II data (:func:`negsim.datasets.load_deu`,
or any :class:`~negsim.datasets.DEUData` in that layout) into a scenario. Each controversial
issue becomes an issue on 0-100 with the coded reference point as its status quo (the
midpoint, stated as an assumption, where DEU codes none); each actor with a position and a
salience on at least one issue becomes an actor, its salience the DEU salience / 100. The
capability is the actor's Council votes under the weighting in force for the proposal (EU-15
before 2003, Nice EU-27 from 2003), so the Commission and the Parliament have none, as in the
compromise model the DEU literature scores; the coded outcomes go into the description, not
into the model. Every actor takes part; the engine is the compromise model.
"""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from negsim.errors import Problem, ScenarioError
from negsim.io import from_dict
from negsim.scenario import Scenario

__all__ = ["deu_proposals", "from_deu", "from_ktab_csv", "from_ktab_xml", "ktab_document",
           "load_ktab"]

_CITE = ("imported from KTAB input {file!r} (KAPSARC Toolkit for Behavioral Analysis, Spatial "
         "Model of Politics format)")


def slug(text: str, taken: set[str]) -> str:
    """A negsim id from a KTAB name: lowercase, non-alphanumerics to ``_``, a letter first,
    made unique against ``taken`` (which it extends)."""
    base = re.sub(r"[^a-z0-9]+", "_", text.strip().lower()).strip("_") or "x"
    if not base[0].isalpha():
        base = "a_" + base
    out, k = base, 2
    while out in taken:
        out, k = f"{base}_{k}", k + 1
    taken.add(out)
    return out


def _number(text: str, where: str, source: str, *, lo: float = 0.0, hi: float = 100.0) -> float:
    try:
        v = float(text)
    except ValueError:
        raise ScenarioError([Problem(f"expected a number, got {text.strip()!r}", where)],
                            source) from None
    if not lo <= v <= hi or v != v:
        raise ScenarioError([Problem(f"{v:g} is outside [{lo:g}, {hi:g}]", where)], source)
    return v


def ktab_document(title: str, description: str, dimensions: list[str],
                  actors: list[dict[str, Any]], *, source: str,
                  status_quo: float = 50.0) -> dict[str, Any]:
    """A negsim scenario document (as parsed from TOML) from KTAB's parts.

    ``actors`` hold ``name``, ``description``, ``capability`` and per-dimension lists
    ``position`` and ``salience`` (0-100, ``None`` for no position).
    """
    file = Path(source).name
    cite = _CITE.format(file=file)
    taken: set[str] = set()
    issue_ids = [slug(d, taken) for d in dimensions]
    issues = {
        iid: {"label": d.strip(), "status_quo": float(status_quo), "scale": [0.0, 100.0],
              "assumption": f"{cite}; KTAB states no status quo: {status_quo:g} assumed"}
        for iid, d in zip(issue_ids, dimensions, strict=True)}
    taken = set()
    doc_actors: dict[str, Any] = {}
    for a in actors:
        aid = slug(a["name"], taken)
        position = {iid: p for iid, p in zip(issue_ids, a["position"], strict=True)
                    if p is not None}
        salience = {iid: s / 100.0 for iid, s, p in
                    zip(issue_ids, a["salience"], a["position"], strict=True) if p is not None}
        doc_actors[aid] = {
            "name": a["name"].strip(), "kind": "organisation", "capability": a["capability"],
            "position": position, "salience": salience,
            "description": a.get("description", "").strip(),
            "assumption": f"{cite}; salience = KTAB salience / 100; kind: KTAB states "
                          "none (organisation assumed)"}
    return {
        "schema": 1, "title": title.strip() or file, "description": description.strip(),
        "issues": issues, "actors": doc_actors,
        "table": {"negotiators": list(doc_actors),
                  "assumption": f"{cite}: KTAB has no table; every actor takes part"},
        "engine": {"kind": "compromise", "assumption": "the forecast baseline"},
    }


def _csv_rows(text: str) -> list[list[str]]:
    rows = [[c.strip() for c in row] for row in csv.reader(io.StringIO(text))]
    out = []
    for row in rows:
        while row and row[-1] == "":
            row.pop()
        out.append(row)
    return out


def from_ktab_csv(text: str, source: str = "<ktab csv>", *, status_quo: float = 50.0
                  ) -> Scenario:
    """A scenario from the text of a KTAB SMP CSV file (see the module docstring)."""
    rows = _csv_rows(text.lstrip("\ufeff"))
    if len(rows) < 3:
        raise ScenarioError([Problem("a KTAB CSV needs a title line, a header line and at "
                                     "least one actor", "line 1")], source)
    head = rows[0]
    if len(head) < 4:
        raise ScenarioError([Problem("the first line must be: name, description, number of "
                                     "actors, number of dimensions", "line 1")], source)
    n_actors = int(_number(head[-2], "line 1, number of actors", source, lo=1, hi=1e6))
    n_dims = int(_number(head[-1], "line 1, number of dimensions", source, lo=1, hi=1e4))
    title, description = head[0], ", ".join(head[1:-2])
    header = rows[1]
    if len(header) != 3 + 2 * n_dims:
        raise ScenarioError([Problem(
            f"the header has {len(header)} columns; {n_dims} dimensions need "
            f"{3 + 2 * n_dims} (actor, description, influence, then position and salience "
            "per dimension)", "line 2")], source)
    dims = [re.sub(r"\s*position\s*$", "", header[3 + 2 * d], flags=re.I) or f"dim{d + 1}"
            for d in range(n_dims)]
    body = [r for r in rows[2:] if any(r)]
    if len(body) != n_actors:
        raise ScenarioError([Problem(f"line 1 announces {n_actors} actors, the file has "
                                     f"{len(body)}", "line 1")], source)
    actors = []
    for i, r in enumerate(body):
        line = f"line {i + 3}"
        if len(r) != 3 + 2 * n_dims:
            raise ScenarioError([Problem(f"{len(r)} columns, expected {3 + 2 * n_dims}", line)],
                                source)
        actors.append({
            "name": r[0], "description": r[1],
            "capability": _number(r[2], f"{line}, influence", source, hi=float("inf")),
            "position": [_number(r[3 + 2 * d], f"{line}, {dims[d]} position", source)
                         for d in range(n_dims)],
            "salience": [_number(r[4 + 2 * d], f"{line}, {dims[d]} salience", source)
                         for d in range(n_dims)]})
    doc = ktab_document(title, description, dims, actors, source=source, status_quo=status_quo)
    return from_dict(doc, source, check_sources=False)


def _text(el: ET.Element | None) -> str:
    return (el.text or "").strip() if el is not None else ""


def from_ktab_xml(text: str, source: str = "<ktab xml>", *, status_quo: float = 50.0
                  ) -> Scenario:
    """A scenario from the text of a KTAB SMP XML file (see the module docstring)."""
    try:
        root = ET.fromstring(text.lstrip("\ufeff"))
    except ET.ParseError as exc:
        line, col = exc.position
        raise ScenarioError([Problem(f"not well-formed XML: {exc}", f"line {line}, "
                                     f"column {col}")], source) from None
    if root.tag != "Scenario":
        raise ScenarioError([Problem(f"the root element is <{root.tag}>, expected <Scenario>",
                                     "/")], source)
    dims = [_text(d) for d in root.findall("./Dimensions/dName")]
    if not dims:
        raise ScenarioError([Problem("no <dName> in <Dimensions>", "/Scenario/Dimensions")],
                            source)
    actors = []
    for i, el in enumerate(root.findall("./Actors/Actor")):
        name = _text(el.find("name")) or f"actor {i + 1}"
        where = f"/Scenario/Actors/Actor[{i + 1}] ({name})"
        coords = [_text(c) for c in el.findall("./Position/dCoord")]
        sals = [_text(s) for s in el.findall("./Salience/dSal")]
        if len(coords) != len(dims) or len(sals) != len(dims):
            raise ScenarioError([Problem(
                f"{len(coords)} positions and {len(sals)} saliences for {len(dims)} "
                "dimensions", where)], source)
        actors.append({
            "name": name, "description": _text(el.find("description")),
            "capability": _number(_text(el.find("capability")), f"{where}/capability", source,
                                  hi=float("inf")),
            "position": [None if c == "" else _number(c, f"{where}/Position/dCoord[{d + 1}]",
                                                       source)
                         for d, c in enumerate(coords)],
            "salience": [0.0 if s == "" else _number(s, f"{where}/Salience/dSal[{d + 1}]",
                                                      source)
                         for d, s in enumerate(sals)]})
    if not actors:
        raise ScenarioError([Problem("no <Actor> in <Actors>", "/Scenario/Actors")], source)
    notes = []
    params = root.find("ModelParameters")
    if params is not None and len(params):
        notes.append("KTAB model parameters (not modelled by negsim): " + ", ".join(
            f"{p.tag}={_text(p)}" for p in params))
    pairs = root.findall("./IdealAdjustment/iaPair")
    if pairs:
        notes.append("KTAB ideal-point adjustments (not modelled by negsim): " + "; ".join(
            f"{_text(p.find('adjustingIdeal'))} toward {_text(p.find('referencePos'))} "
            f"{_text(p.find('adjust'))}" for p in pairs))
    description = " ".join(t if t.endswith(".") else t + "." for t in
                           [_text(root.find("desc")), *notes] if t)
    doc = ktab_document(_text(root.find("name")), description, dims, actors, source=source,
                        status_quo=status_quo)
    return from_dict(doc, source, check_sources=False)


def load_ktab(path: str | Path, *, status_quo: float = 50.0) -> Scenario:
    """A scenario from a KTAB SMP input file, CSV or XML by its suffix."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise ScenarioError([Problem(f"cannot read the file: {exc.strerror}", "")],
                            str(p)) from None
    if p.suffix.lower() == ".xml":
        return from_ktab_xml(text, str(p), status_quo=status_quo)
    if p.suffix.lower() == ".csv":
        return from_ktab_csv(text, str(p), status_quo=status_quo)
    raise ScenarioError([Problem(f"unknown KTAB file type {p.suffix!r}; expected .csv or .xml",
                                 "")], str(p))


_DEU_NAMES = {
    "com": "European Commission", "ep": "European Parliament", "at": "Austria",
    "be": "Belgium", "bu": "Bulgaria", "cy": "Cyprus", "cz": "Czech Republic", "dk": "Denmark",
    "ee": "Estonia", "fi": "Finland", "fr": "France", "de": "Germany", "el": "Greece",
    "hu": "Hungary", "ie": "Ireland", "it": "Italy", "lv": "Latvia", "lt": "Lithuania",
    "lu": "Luxembourg", "mt": "Malta", "nl": "Netherlands", "pl": "Poland", "pt": "Portugal",
    "ro": "Romania", "si": "Slovenia", "sk": "Slovakia", "es": "Spain", "se": "Sweden",
    "uk": "United Kingdom"}
_DEU_CITE = ("DEU II, Thomson, Arregui, Leuffen, Costello, Cross, Hertz, Jensen (2012), "
             "'A new dataset on decision-making in the European Union before and after the "
             "2004 and 2007 enlargements (DEUII)', European Union Politics 13(4)")


def deu_proposals(data: Any = None) -> list[int]:
    """The proposal numbers in DEU data (default: the DEU II data shipped with negsim)."""
    from negsim.datasets import load_deu

    d = load_deu() if data is None else data
    return sorted({int(p) for p in d.proposal})


def from_deu(proposal: int, data: Any = None) -> Scenario:
    """The scenario of one DEU proposal (see the module docstring for what maps onto what).

    Parameters
    ----------
    proposal : int
        The proposal number (``prnrnmc``, 1-125 in DEU II; :func:`deu_proposals`).
    data : negsim.datasets.DEUData, optional
        Default the DEU II data shipped with negsim.

    Raises
    ------
    ScenarioError
        If there is no such proposal, or no actor takes a position on it.

    Examples
    --------
    >>> s = from_deu(1)
    >>> s.title
    'DEU II proposal 1: 2000/0032(COD)'
    >>> [i.id for i in s.issues]
    ['d00032i1', 'd00032i2', 'd00032i3', 'd00032i4']
    """
    import math

    from negsim.datasets import load_deu

    d = load_deu() if data is None else data
    source = f"DEU proposal {proposal}"
    rows = [i for i, p in enumerate(d.proposal) if int(p) == int(proposal)]
    if not rows:
        raise ScenarioError([Problem(f"no proposal {proposal} in the data (proposals "
                                     f"{min(d.proposal)}-{max(d.proposal)})", "proposal")],
                            source)
    procedure = d.procedure[rows[0]]
    taken: set[str] = set()
    issues: dict[str, Any] = {}
    ids = []
    for i in rows:
        iid = slug(d.issue_id[i], taken)
        ids.append(iid)
        rp = float(d.reference[i])
        coded = "" if math.isnan(d.outcome[i]) else f"; coded outcome {d.outcome[i]:g}"
        if math.isnan(rp):
            sq, note = 50.0, (f"{_DEU_CITE}; DEU codes no reference point for this issue: the "
                              f"midpoint, 50, assumed{coded}")
        else:
            sq, note = rp, f"{_DEU_CITE}: the coded reference point{coded}"
        issues[iid] = {"label": f"{procedure}, issue {d.issue_id[i]}", "status_quo": sq,
                       "scale": [0.0, 100.0], "assumption": note}
    actors: dict[str, Any] = {}
    for j, code in enumerate(d.actors):
        position, salience = {}, {}
        for iid, i in zip(ids, rows, strict=True):
            p, w = float(d.positions[i, j]), float(d.saliences[i, j])
            if not (math.isnan(p) or math.isnan(w)):
                position[iid], salience[iid] = p, w / 100.0
        if not position:
            continue
        votes = float(d.weights[rows[0], j])
        actors[str(code)] = {
            "name": _DEU_NAMES.get(str(code), str(code)),
            "kind": "organisation" if code in ("com", "ep") else "state",
            "capability": votes, "position": position, "salience": salience,
            "assumption": f"{_DEU_CITE}; salience = DEU salience / 100; capability = Council "
                          f"votes ({'Nice EU-27' if d.post2004[rows[0]] else 'EU-15'} "
                          "weighting; none for the Commission and the Parliament)"}
    if not actors:
        raise ScenarioError([Problem("no actor takes a position with a salience on this "
                                     "proposal", "positions")], source)
    outcomes = ", ".join(f"{iid} {d.outcome[i]:g}" for iid, i in zip(ids, rows, strict=True)
                         if not math.isnan(d.outcome[i]))
    doc = {
        "schema": 1, "title": f"DEU II proposal {proposal}: {procedure}",
        "description": f"Imported from {_DEU_CITE}. Coded outcomes (not used by the model): "
                       f"{outcomes or 'none'}.",
        "issues": issues, "actors": actors,
        "table": {"negotiators": list(actors),
                  "assumption": "every actor with a position takes part"},
        "engine": {"kind": "compromise", "assumption": "the forecast baseline scored on DEU"},
    }
    return from_dict(doc, source)

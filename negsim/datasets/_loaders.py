"""Parsing and checksum verification for the shipped data files (see ``data/README.md``)."""

from __future__ import annotations

import csv
import hashlib
import io
from importlib import resources
from typing import Any

import attrs
import numpy as np

from negsim.errors import NegsimError

SHA256 = {
    "DEU2.csv": "5059807df43b4b11662b101412ffa06a926443bc72b25806e13e9eed6617ecc8",
    "Codebook_DEUII.csv": "59efc6bf50519857d6bcd4f5d36c69270b042dbabb07d9b579638e4f41fb6e9a",
    "council_weights_EU15.csv": "03c5755b73d7b0226c587de037fd947a540a32fab4051e63301f281db1ff1df7",
    "council_weights_EU27.csv": "f4e23ef9547284c52d7c65fb7c5998017b65eda5ffa7044980228e56053283d2",
    "ExampleActors_emissions.csv": (
        "9ca42e4ebe219434263d3d2d6f745c015983b8c16f693c05cd6b2efd217b37a2"
    ),
}

#: Actor codes of DEU II in column order: Commission, Parliament, then the member states.
DEU_ACTORS = (
    "com", "ep", "at", "be", "bu", "cy", "cz", "dk", "ee", "fi", "fr", "de", "el", "hu", "ie",
    "it", "lv", "lt", "lu", "mt", "nl", "pl", "pt", "ro", "si", "sk", "es", "se", "uk",
)  # fmt: skip


class DatasetError(NegsimError):
    """A shipped data file is missing or does not match its pinned checksum."""


def _read_bytes(name: str) -> bytes:
    data = resources.files("negsim.datasets").joinpath("data", name).read_bytes()
    got = hashlib.sha256(data).hexdigest()
    if got != SHA256[name]:
        raise DatasetError(f"data file {name}: expected SHA-256 {SHA256[name]}, got {got}")
    return data


def _rows(name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_read_bytes(name).decode("utf-8"))))


def _ro(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@attrs.frozen(eq=False)
class DEUData:
    """DEU II as arrays, issues first; missing values are NaN.

    Attributes
    ----------
    actors : tuple of str
        Actor codes (``DEU_ACTORS``): ``com``, ``ep``, then member states.
    positions, saliences : ndarray, shape (n_issues, n_actors)
        Initial positions and saliences on the 0-100 scale.
    reference, outcome : ndarray, shape (n_issues,)
        Reference point (status quo) and coded decision outcome.
    proposal : ndarray of int, shape (n_issues,)
        Proposal number 1-125 (``prnrnmc``).
    procedure : tuple of str
        Interinstitutional code per issue, e.g. ``2000/0032(COD)``.
    post2004 : ndarray of bool, shape (n_issues,)
        True for proposals introduced in 2003 or later (the DEU II enlargement sample, coded
        with the EU-27 actors); False for the EU-15 proposals of 1995-2000.
    weights_eu15, weights_eu27 : ndarray, shape (n_actors,)
        Council QMV votes per actor (0 for Commission, Parliament and non-members).
    weights : ndarray, shape (n_issues, n_actors)
        The Council votes in force for each issue: EU-15 before 2004, EU-27 after.
    """

    actors: tuple[str, ...]
    positions: np.ndarray
    saliences: np.ndarray
    reference: np.ndarray
    outcome: np.ndarray
    proposal: np.ndarray
    procedure: tuple[str, ...]
    issue_id: tuple[str, ...]
    post2004: np.ndarray
    weights_eu15: np.ndarray
    weights_eu27: np.ndarray
    weights: np.ndarray

    @property
    def n_issues(self) -> int:
        return int(self.positions.shape[0])

    def subset(self, mask: np.ndarray) -> DEUData:
        """The issues where ``mask`` (bool, shape (n_issues,)) is true."""
        idx = np.flatnonzero(mask)
        arr: dict[str, Any] = {
            k: _ro(np.asarray(getattr(self, k))[idx].copy())
            for k in ("positions", "saliences", "reference", "outcome", "proposal", "post2004",
                      "weights")
        }
        return attrs.evolve(
            self,
            procedure=tuple(self.procedure[i] for i in idx),
            issue_id=tuple(self.issue_id[i] for i in idx),
            **arr,
        )


def _num(s: str) -> float:
    s = s.strip()
    return float(s) if s not in ("", "NA", ".") else np.nan


def _weights(name: str) -> np.ndarray:
    w = {r["abbr"].strip(): float(r["weights"]) for r in _rows(name)}
    return _ro(np.array([w.get(a, 0.0) for a in DEU_ACTORS]))


def load_deu() -> DEUData:
    """Load DEU II (331 issues, 29 actors), verifying the files' SHA-256 checksums.

    >>> d = load_deu()
    >>> d.positions.shape, int(np.isfinite(d.outcome).sum())
    ((331, 29), 324)
    """
    rows = _rows("DEU2.csv")
    pos = np.array([[_num(r["p" + a]) for a in DEU_ACTORS] for r in rows])
    sal = np.array([[_num(r["s" + a]) for a in DEU_ACTORS] for r in rows])
    procedure = tuple(r["cod"] for r in rows)
    year = np.array([int(c[:4]) for c in procedure])
    post = year >= 2003
    w15, w27 = _weights("council_weights_EU15.csv"), _weights("council_weights_EU27.csv")
    return DEUData(
        actors=DEU_ACTORS,
        positions=_ro(pos),
        saliences=_ro(sal),
        reference=_ro(np.array([_num(r["rp"]) for r in rows])),
        outcome=_ro(np.array([_num(r["out"]) for r in rows])),
        proposal=_ro(np.array([int(r["prnrnmc"]) for r in rows])),
        procedure=procedure,
        issue_id=tuple(r["isnr"] for r in rows),
        post2004=_ro(post),
        weights_eu15=w15,
        weights_eu27=w27,
        weights=_ro(np.where(post[:, None], w27[None, :], w15[None, :])),
    )


@attrs.frozen(eq=False)
class BDMCase:
    """Bueno de Mesquita's (1994) EC car-emission-standards case (Scholz et al. 2011, Table 1).

    ``capabilities``, ``positions`` (years of delay) and ``saliences`` have shape (n_actors,);
    ``outcome`` is the actual decision, 8.833 years.
    """

    actors: tuple[str, ...]
    capabilities: np.ndarray
    positions: np.ndarray
    saliences: np.ndarray
    outcome: float = 8.833


def load_bdm1994_emissions() -> BDMCase:
    """Load the 10-actor emissions case, verifying its SHA-256 checksum.

    >>> c = load_bdm1994_emissions()
    >>> c.actors[0], float(c.positions[0]), len(c.actors)
    ('Netherlands', 4.0, 10)
    """
    rows = _rows("ExampleActors_emissions.csv")
    return BDMCase(
        actors=tuple(r["Actor"] for r in rows),
        capabilities=_ro(np.array([float(r["Capability"]) for r in rows])),
        positions=_ro(np.array([float(r["Position"]) for r in rows])),
        saliences=_ro(np.array([float(r["Salience"]) for r in rows])),
    )

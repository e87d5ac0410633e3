"""Where the bundled seed digests and scenarios are, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled(name: str) -> Path:
    """The folder ``name`` (``"seeds"`` or ``"scenarios"``) shipped with negsim.

    A wheel carries it inside the package (``negsim/_bundled``); an editable install or a
    checkout reads it from the repository root, where it is maintained.
    """
    inside = _PACKAGE / "_bundled" / name
    if inside.is_dir():
        return inside
    return _PACKAGE.parent / name


def reference_scenario() -> Path:
    """The bundled reference scenario, ``eu-russia-2026.toml``."""
    return bundled("scenarios") / "eu-russia-2026.toml"

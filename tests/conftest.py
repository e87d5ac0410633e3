"""Shared test configuration: hypothesis profiles and fixtures.

Profiles (choose with NEGSIM_PROFILE, default "dev"; CI sets "ci"):
- dev: quick local runs;
- ci: the budget that keeps the whole suite well inside CI's time, derandomised so a CI run is
  reproducible;
- thorough: many more examples, for a long run before a release.

A few acceptance tests count what they check rather than examples; their budgets per profile are
in ``BUDGETS`` (the ``budget`` fixture): engine runs per registered engine on generated scenarios,
and malformed documents fed to the loader.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

settings.register_profile("dev", max_examples=50, deadline=None)
settings.register_profile("ci", max_examples=100, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow], print_blob=True)
settings.register_profile("thorough", max_examples=2000, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
PROFILE = os.environ.get("NEGSIM_PROFILE", "dev")
settings.load_profile(PROFILE)

BUDGETS = {
    "dev": {"engine_runs": 100, "documents": 1_000},
    "ci": {"engine_runs": 1_000, "documents": 10_000},
    "thorough": {"engine_runs": 5_000, "documents": 50_000},
}

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def budget() -> dict[str, int]:
    """What the counting acceptance tests must check under the active profile (``BUDGETS``)."""
    return BUDGETS.get(PROFILE, BUDGETS["dev"])


@pytest.fixture(scope="session")
def reference_path() -> Path:
    """The bundled reference scenario file."""
    return ROOT / "scenarios" / "eu-russia-2026.toml"


@pytest.fixture(scope="session")
def reference(reference_path: Path):
    """The reference scenario, loaded."""
    import negsim

    return negsim.load(reference_path)


@pytest.fixture(scope="session")
def toy_path() -> Path:
    """A small hand-written scenario with two actors and two issues."""
    return DATA / "toy.toml"

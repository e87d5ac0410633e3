"""The loader against generated malformed documents: a located ScenarioError, nothing else.

Each example draws a small valid scenario and breaks it several ways
(:func:`negsim.strategies.invalid_documents`); every broken document must raise ``ScenarioError``
whose problems name the broken place (or, for TOML syntax errors, carry a line and column). Any
other exception escaping the loader fails the test. The number of documents per CI run is in
``BUDGETS`` in ``conftest.py`` (10,000 under the ci profile).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from negsim import ScenarioError
from negsim.io import from_dict, loads
from negsim.strategies import DOCUMENT_FAULTS, invalid_documents, scenarios

PER_SCENARIO = 10  # broken documents drawn from each valid scenario


def load(document: Any) -> None:
    """Load a document as the CLI would: text through the TOML parser, a dict directly."""
    if isinstance(document, str):
        loads(document, check_sources=False)
    else:
        from_dict(document, check_sources=False)


def test_every_malformed_document_raises_a_located_scenario_error(
        budget: dict[str, int]) -> None:
    """Every malformed document raises ScenarioError naming the broken place, and nothing else."""
    seen: Counter[str] = Counter()

    @settings(max_examples=max(1, budget["documents"] // PER_SCENARIO),
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(base=scenarios(max_actors=3, max_issues=2), data=st.data())
    def break_and_load(base: Any, data: st.DataObject) -> None:
        for _ in range(PER_SCENARIO):
            document, path, kind = data.draw(invalid_documents(base=st.just(base)))
            with pytest.raises(ScenarioError) as info:
                load(document)
            if path:
                assert path in info.value.paths, (kind, path, str(info.value))
            else:
                assert info.value.problems[0].line is not None, str(info.value)
            seen[kind] += 1

    break_and_load()
    assert sum(seen.values()) >= budget["documents"]
    missing = set(DOCUMENT_FAULTS) - set(seen)
    assert not missing, f"faults never drawn: {missing}"

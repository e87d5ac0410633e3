"""Plots: the data behind each is right, and each draws a figure (headless, Agg)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

import negsim
from negsim import plots
from negsim.coalitions import voting_game
from negsim.power import banzhaf, shapley_shubik


@pytest.fixture(scope="module")
def reference() -> negsim.Scenario:
    return negsim.load("scenarios/eu-russia-2026.toml")


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")


def test_positions_data_rescales_each_issue_to_its_scale(reference) -> None:
    d = plots.positions_data(reference)
    for j, issue in enumerate(reference.issues):
        lo, hi = issue.scale
        assert d["status_quo"][j] == pytest.approx((issue.status_quo - lo) / (hi - lo))
        for a, actor in enumerate(reference.actors):
            if issue.id in actor.position:
                assert d["position"][a, j] == pytest.approx(
                    (actor.position[issue.id] - lo) / (hi - lo))
                assert d["salience"][a, j] == actor.salience.get(issue.id, 0.0)
            else:
                assert np.isnan(d["position"][a, j])
    assert d["issues"] == [i.label for i in reference.issues]


def test_positions_data_takes_the_mean_and_percentiles_of_the_outcome(reference) -> None:
    r = negsim.run(reference, "compromise", rng=0, n_runs=21,
                   overrides={"actors.russia.capability": np.linspace(0.1, 2.0, 21)})
    d = plots.positions_data(reference, r)
    lo = np.array([i.scale[0] for i in reference.issues])
    width = np.array([i.scale[1] - i.scale[0] for i in reference.issues])
    x = (r.outcome - lo) / width
    assert d["outcome"] == pytest.approx(x.mean(axis=0))
    assert d["outcome_lo"] == pytest.approx(np.quantile(x, 0.05, axis=0))
    assert plots.positions_data(reference, r, run=4)["outcome"] == pytest.approx(x[4])


def test_positions_data_refuses_a_result_of_another_scenario(reference) -> None:
    from negsim.importers import load_ktab

    other = load_ktab("tests/data/ktab/dummyData_3Dim.csv")
    with pytest.raises(ValueError, match="not this scenario"):
        plots.positions_data(reference, negsim.run(other, "compromise", rng=0))


def test_positions_plot_draws_every_actor_and_the_outcome(reference) -> None:
    r = negsim.run(reference, "compromise", rng=0)
    ax = plots.positions(reference, r)
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert labels == [i.label for i in reference.issues]
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert [a.name for a in reference.actors] == legend[: len(reference.actors)]
    assert "outcome (compromise)" in legend
    _, given = plt.subplots()
    assert plots.positions(reference, ax=given) is given


def test_power_data_are_the_indices_of_the_coalitions_rule(reference) -> None:
    d = plots.power_data(reference, "eu_council")
    game = voting_game(reference.coalition("eu_council"))
    assert d["shapley_shubik"] == pytest.approx(shapley_shubik(game))
    assert d["banzhaf"] == pytest.approx(banzhaf(game))
    assert d["shapley_shubik"].sum() == pytest.approx(1.0)
    unanimity = plots.power_data(reference, "eu_council", issue="sanctions")
    n = len(reference.coalition("eu_council").members)
    assert unanimity["shapley_shubik"] == pytest.approx(np.full(n, 1 / n))


def test_power_plot_has_a_bar_per_member_and_index(reference) -> None:
    ax = plots.power(reference, "eu_council")
    n = len(reference.coalition("eu_council").members)
    assert len(ax.patches) == 2 * n
    assert "qmv" in ax.get_title(loc="left")

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


# --------------------------------------------------------------------------- war-engine runs


def duel(*, delta: float = 0.9, cost: float = 0.01, cap_a: float = 50.0, cap_b: float = 50.0,
         horizon: int = 12, **war: object) -> negsim.Scenario:
    """Two belligerents dividing one issue (A's ideal 100, B's 0), status quo 50: with linear
    utilities ``u_A(x) = x / 100`` and ``u_B(x) = 1 - x / 100``."""
    from negsim.model import Actor, Issue, Table, Time, War

    actors = [Actor(id=i, name=i.upper(), kind="state", capability=cap, position={"land": pos},
                    salience={"land": 1.0}, discount=delta, cost=cost, walk_away="war")
              for i, cap, pos in (("a", cap_a, 100.0), ("b", cap_b, 0.0))]
    return negsim.Scenario(
        title="duel", issues=(Issue(id="land", label="Land", status_quo=50.0),),
        actors=tuple(actors), table=Table(negotiators=("a", "b")),
        time=Time(horizon=horizon, start="2026-11"),
        war=War(side_a=("a",), side_b=("b",), **war))  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def optimistic(reference) -> negsim.Scenario:
    """The reference scenario with both belligerents optimistic enough to fight for months."""
    import attrs

    return attrs.evolve(reference, war=attrs.evolve(
        reference.war, optimism={"russia": 2.0, "ukraine": 2.0}))


@pytest.fixture(scope="module")
def war_run(optimistic) -> negsim.Result:
    r = negsim.run(optimistic, "war", rng=0)
    assert r.agreement[0] and r.round[0] >= 3  # a run that lasts, as the tests below need
    return r


def test_offers_data_are_the_leaders_records_and_the_agreed_package(optimistic, war_run) -> None:
    d = plots.offers_data(war_run, optimistic)
    n = int(war_run.round[0]) + 1
    e = war_run.extras
    ru, ua = war_run.actor_ids.index("russia"), war_run.actor_ids.index("ukraine")
    assert d["actors"] == ["Russia", "Ukraine"]
    assert d["round"].tolist() == list(range(n))
    assert d["walk_away"] == pytest.approx(e["walk_away_path"][0, :n][:, [ru, ua]])
    assert d["front"] == pytest.approx(e["front"][0, :n])
    # only the agreed round has a package, and it is the result's outcome, worth to each
    # leader its utility, at least the level it would accept
    assert d["tabled"].tolist() == [False] * (n - 1) + [True]
    assert np.isnan(d["offer"][:-1]).all()
    assert d["offer"][-1] == pytest.approx(war_run.outcome[0], abs=1e-3)
    assert d["offer_utility"][-1] == pytest.approx(war_run.utility[0, [ru, ua]], abs=1e-6)
    assert (d["offer_utility"][-1] >= d["acceptance_level"][-1] - 1e-6).all()
    assert d["date"][:3] == ["2026-03", "2026-04", "2026-05"]


def test_war_plots_refuse_other_results_and_scenarios(reference, optimistic, war_run) -> None:
    with pytest.raises(ValueError, match="'war' engine"):
        plots.offers_data(negsim.run(reference, "compromise", rng=0), reference)
    with pytest.raises(ValueError, match="not run on this scenario"):
        plots.levers_data(war_run, reference)
    with pytest.raises(IndexError):
        plots.bargaining_range_data(war_run, optimistic, run=3)


def test_bargaining_range_of_a_duel_is_fearons_closed_form() -> None:
    """Dividing one issue with linear utilities, the range on A's utility is [W_A, 1 - W_B]."""
    s = duel(optimism={"a": 1.0, "b": 1.0})
    r = negsim.run(s, "war", rng=0, n_runs=3)
    for run in range(3):
        d = plots.bargaining_range_data(r, s, run)
        w = r.extras["walk_away_path"][run, : len(d["round"])].astype(float)  # float32 stored
        t = r.extras["acceptance_level"][run, : len(d["round"])].astype(float)
        assert d["lower"] == pytest.approx(w[:, 0])
        assert d["upper"] == pytest.approx(1.0 - w[:, 1], abs=1e-9)
        assert d["package"][:, 0] == pytest.approx(100.0 * (1.0 - w[:, 1]), abs=1e-6)
        assert d["accept_upper"] == pytest.approx(1.0 - t[:, 1], abs=1e-9)
        assert np.isnan(d["agreed"]).all()  # this duel never agrees


def test_bargaining_range_upper_end_is_the_best_deal_for_a_that_b_accepts(optimistic,
                                                                          war_run) -> None:
    """No package that leaves Ukraine its value of fighting on gives Russia more than the
    range's upper end, and the package reported attains it (checked by random search)."""
    from negsim.compiled import compile_scenario
    from negsim.utility import utility

    d = plots.bargaining_range_data(war_run, optimistic)
    c = compile_scenario(optimistic)
    ru, ua = war_run.actor_ids.index("russia"), war_run.actor_ids.index("ukraine")

    def u(x: np.ndarray) -> np.ndarray:
        return utility(x[None], c.position, c.weight, c.risk, c.lo, c.hi)[0]

    packages = np.random.default_rng(5).uniform(c.lo, c.hi, (20_000, len(c.lo)))
    values = u(packages)
    for t in range(len(d["round"])):
        w_b = war_run.extras["walk_away_path"][0, t, ua]
        ok = values[:, ua] >= w_b
        assert values[ok, ru].max() <= d["upper"][t] + 1e-9
        at = u(d["package"][t][None])[0]
        assert at[ru] == pytest.approx(d["upper"][t], abs=1e-9)
        assert at[ua] >= w_b - 1e-7
    assert d["agreed"][-1] == pytest.approx(war_run.utility[0, ru], abs=1e-6)


def test_levers_data_shares_and_cumulative_costs(optimistic, war_run) -> None:
    d = plots.levers_data(war_run, optimistic)
    n = int(war_run.round[0]) + 1
    levels = war_run.extras["lever_level"][0, :n]
    for j, lever in enumerate(optimistic.levers):
        lo, hi = lever.range
        assert d["share"][:, j] == pytest.approx((levels[:, j] - lo) / (hi - lo))
        assert d["cost"][:, j] == pytest.approx(np.cumsum(levels[:, j] * lever.cost))
    assert d["level"][0, d["ids"].index("eu_loan")] == 90.0
    assert d["total_cost"] == pytest.approx(d["cost"].sum(axis=1))


# --------------------------------------------------------------------------- ensembles


@pytest.fixture(scope="module")
def ensemble(optimistic) -> negsim.Result:
    return negsim.run(optimistic, "war", rng=1, n_runs=120)


def test_outcomes_data_histograms_every_issue(optimistic, ensemble) -> None:
    d = plots.outcomes_data(optimistic, ensemble, bins=20)
    for k, issue in enumerate(optimistic.issues):
        lo, hi = issue.scale
        x = (ensemble.outcome[:, k] - lo) / (hi - lo)
        counts, _ = np.histogram(x, bins=20, range=(0.0, 1.0))
        assert d["counts"][k].tolist() == counts.tolist()
        assert d["median"][k] == pytest.approx(np.median(x))
        assert d["status_quo"][k] == pytest.approx((issue.status_quo - lo) / (hi - lo))
    assert d["counts"].sum(axis=1).tolist() == [120] * len(optimistic.issues)
    assert d["agreement"] == pytest.approx(ensemble.agreement.mean())


def test_agreement_data_counts_runs_agreed_within_each_number_of_rounds(ensemble) -> None:
    d = plots.agreement_data(ensemble)
    assert d["horizon"] == 36
    for m in d["elapsed"]:
        within = sum(1 for r in ensemble.round if 0 <= r < m) / ensemble.n_runs
        assert d["agreed"][m] == pytest.approx(within)
    assert d["survival"] == pytest.approx(1.0 - d["agreed"])
    assert (np.diff(d["survival"]) <= 0).all()


def test_agreement_data_censors_no_agreement_and_gives_wilson_intervals(optimistic) -> None:
    import attrs

    r = attrs.evolve(negsim.run(optimistic, "war", rng=0, n_runs=4), round=np.array([-1, 0, 2, 2]))
    d = plots.agreement_data(r, horizon=4)
    assert d["agreed"] == pytest.approx([0.0, 0.25, 0.25, 0.75, 0.75])
    # Wilson's 95% interval for 3 of 4 is (0.3006, 0.9544)
    assert (d["agreed_lo"][3], d["agreed_hi"][3]) == pytest.approx((0.3006, 0.9544), abs=1e-4)
    assert d["agreed_lo"][0] == 0.0


# --------------------------------------------------------------------------- sensitivity


def test_tornado_data_sorts_by_swing() -> None:
    d = plots.tornado_data([("a", 1.0, 2.0), ("b", 5.0, -5.0), ("c", 0.0, 0.5)], base=1.5)
    assert d["labels"] == ["b", "a", "c"]
    assert d["swing"] == pytest.approx([10.0, 1.0, 0.5])
    assert d["low"] == pytest.approx([5.0, 1.0, 0.0])
    assert d["high"] == pytest.approx([-5.0, 2.0, 0.5])


def test_sobol_data_sorts_by_total_effect_and_checks_lengths() -> None:
    d = plots.sobol_data(["x", "y", "z"], [0.1, 0.5, 0.0], [0.2, 0.7, 0.05],
                         ST_conf=[0.01, 0.02, 0.03])
    assert d["names"] == ["y", "x", "z"]
    assert d["S1"] == pytest.approx([0.5, 0.1, 0.0])
    assert d["ST_conf"] == pytest.approx([0.02, 0.01, 0.03])
    assert np.isnan(d["S1_conf"]).all()
    with pytest.raises(ValueError, match="differ in length"):
        plots.sobol_data(["x"], [0.1, 0.2], [0.3, 0.4])


def test_heatmap_data_cells_from_arrays_and_dataarrays() -> None:
    z = np.arange(6.0).reshape(2, 3)
    d = plots.heatmap_data(z, [1.0, 2.0, 4.0], ["low", "high"], "x (units)", "y")
    assert d["x_edges"] == pytest.approx([0.5, 1.5, 3.0, 5.0])
    assert d["y_edges"] == pytest.approx([-0.5, 0.5, 1.5])
    assert list(d["y"]) == ["low", "high"] and d["y_ticks"] == pytest.approx([0.0, 1.0])
    with pytest.raises(ValueError, match="x_values"):
        plots.heatmap_data(z, [1.0, 2.0], [0.0, 1.0])
    xr = pytest.importorskip("xarray")
    da = xr.DataArray(z, dims=("cost", "advance"),
                      coords={"cost": [0.1, 0.2], "advance": ("advance", [1.0, 2.0, 3.0],
                                                               {"units": "points"})},
                      name="delay", attrs={"units": "months"})
    d = plots.heatmap_data(da)
    assert d["z"] == pytest.approx(z)
    assert (d["x_label"], d["y_label"], d["z_label"]) == ("advance (points)", "cost",
                                                           "delay (months)")
    assert d["y"] == pytest.approx([0.1, 0.2])


# --------------------------------------------------------------------------- figures


def test_every_plot_renders_to_a_png(reference, optimistic, war_run, ensemble, tmp_path) -> None:
    figures = {
        "positions": plots.positions(reference, war_run),
        "power": plots.power(reference, "eu_council"),
        "offers": plots.offers(war_run, optimistic),
        "bargaining_range": plots.bargaining_range(war_run, optimistic),
        "levers": plots.levers(war_run, optimistic),
        "outcomes": plots.outcomes(optimistic, ensemble),
        "agreement": plots.agreement(ensemble, scenario=optimistic),
        "tornado": plots.tornado([("capability", 40.0, 70.0), ("cost", 55.0, 50.0)], 57.0,
                                 xlabel="donbas (%)"),
        "sobol": plots.sobol(["a", "b"], [0.5, 0.1], [0.6, 0.3], [0.05, 0.04], [0.06, 0.05]),
        "heatmap": plots.heatmap(np.arange(12.0).reshape(3, 4), [1, 2, 3, 4], [0.1, 0.2, 0.3],
                                 "advance", "cost", z_label="mean delay (months)"),
    }
    for name, ax in figures.items():
        path = tmp_path / f"{name}.png"
        ax.figure.savefig(path, dpi=60)
        assert path.stat().st_size > 5_000, name


def test_war_plots_draw_what_their_data_say(optimistic, war_run) -> None:
    ax = plots.offers(war_run, optimistic)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "Russia: value of fighting on" in labels
    assert "Ukraine: utility of the package agreed" in labels
    assert ax.get_xticklabels()[0].get_text() == "2026-03"
    ax = plots.levers(war_run, optimistic, only=["eu_loan", "eu_military_aid"])
    assert len(ax.get_yticklabels()) == 2
    assert "0-150 EUR bn" in ax.get_yticklabels()[1].get_text()
    _, given = plt.subplots()
    assert plots.bargaining_range(war_run, optimistic, ax=given) is given


def test_sensitivity_plots_draw_a_bar_per_value() -> None:
    ax = plots.tornado([("a", 1.0, 2.0), ("b", 5.0, -5.0)], base=1.5)
    assert len(ax.patches) == 4
    ticks = dict(zip(ax.get_yticks(), (t.get_text() for t in ax.get_yticklabels()), strict=True))
    assert ticks[max(ticks)] == "b"  # the widest swing on top
    ax = plots.sobol(["x", "y", "z"], [0.1, 0.5, 0.0], [0.2, 0.7, 0.05])
    assert len(ax.patches) == 6
    ax = plots.heatmap(np.ones((2, 2)), [0, 1], [0, 1], "x", "y")
    assert len(ax.texts) == 4 and ax.get_xlabel() == "x"


def test_war_plots_of_a_duel_without_levers_or_agreement() -> None:
    s = duel(optimism={"a": 1.0, "b": 1.0})
    r = negsim.run(s, "war", rng=0)
    assert not r.agreement[0]
    d = plots.offers_data(r, s)
    assert len(d["round"]) == 12 and not d["tabled"].any()
    assert np.isnan(d["offer_utility"]).all()
    ax = plots.levers(r, s)
    assert [t.get_text() for t in ax.texts] == ["no levers"]
    assert plots.offers(r, s).get_title(loc="left").endswith("no agreement after 12 round(s)")

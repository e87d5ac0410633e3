"""Variants of the reference scenario, their coverage of the source articles, and
``negsim compare`` (common random numbers, intervals, the command line)."""

from __future__ import annotations

import json
import math

import attrs
import numpy as np
import pytest

import negsim
from negsim.cli import main
from negsim.compare import compare, plot_data
from negsim.digests import check_citations, coverage

Z = 1.959963984540054  # standard normal 97.5% quantile
RUNS = 48
SEED = 3
CHOSEN = ["eu_at_table", "security_first", "ceasefire_dmz"]
# The proposals the issue lists, each as a variant of the reference scenario.
EXPECTED_VARIANTS = {
    "eu_at_table", "us_disengages", "security_first", "energy_for_donbas",
    "conditions_on_russia", "frozen_assets_for_ukraine", "frozen_assets_returned",
    "pressure_before_winter", "phased_accession", "global_outreach", "hungary_slovakia_veto",
    "eu_peace_plan", "ceasefire_dmz",
}


def draws(scenario, runs: int, seed: int) -> dict[str, np.ndarray]:
    """The draws as documented: a SeedSequence child stream (spawn key 0) of ``seed``."""
    rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(0,)))
    return {u.path: u.sample(rng, runs) for u in scenario.uncertainties}


@pytest.fixture(scope="module")
def cli_war(reference) -> dict:
    """``negsim compare --engine war --json`` on the bundled scenario (output captured)."""
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        status = main(["compare", "--engine", "war", "--runs", str(RUNS), "--seed", str(SEED),
                       "--json", "--variants", *CHOSEN])
    assert status == 0
    return json.loads(out.getvalue())


# --------------------------------------------------------------------------- the variants


def test_the_issue_s_proposals_are_variants(reference) -> None:
    """Every proposal the issue lists is a variant of the reference scenario."""
    assert EXPECTED_VARIANTS <= {v.id for v in reference.variants}


def test_every_variant_cites_facts_and_states_its_assumption(reference) -> None:
    """Each variant cites at least one seed fact that exists, and explains its numbers."""
    assert check_citations(reference) == []
    for v in reference.variants:
        assert v.sources, v.id
        assert all("#" in s for s in v.sources), v.id
        assert v.assumption.strip(), v.id
        assert v.set, v.id


@pytest.mark.parametrize("engine", ["war", "nash", "compromise"])
def test_every_variant_runs(reference, engine: str) -> None:
    """Every variant runs under the war engine and two axiomatic/forecast engines, with finite
    outcomes inside each issue's scale."""
    lo = np.array([i.scale[0] for i in reference.issues])
    hi = np.array([i.scale[1] for i in reference.issues])
    for v in reference.variants:
        r = negsim.run(reference.with_variant(v.id), engine, rng=0, n_runs=4)
        assert np.isfinite(r.outcome).all() and np.isfinite(r.utility).all(), v.id
        assert ((r.outcome >= lo - 1e-9) & (r.outcome <= hi + 1e-9)).all(), v.id


def test_variants_set_only_existing_paths(reference) -> None:
    """A variant changes values the baseline already has; it never adds a key."""
    from negsim.io import to_dict

    doc = to_dict(reference)
    for v in reference.variants:
        for path in v.set:
            node = doc
            for part in path.split("."):
                node = node[int(part)] if isinstance(node, list) else node[part]


def test_coverage_is_complete(reference) -> None:
    """Every actor, lever, condition and proposal in the digests is used by the scenario or a
    variant, or its digest says why it is not modelled."""
    rows = coverage(reference)
    assert len(rows) >= 40
    gaps = [f"{r.digest}#{r.fact}" for r in rows if not r.covered]
    assert gaps == []
    # the facts that were gaps are now cited by a variant, or explained
    by_id = {f"{r.digest[:3]}#{r.fact}": r for r in rows}
    for fid in ("002#meister-eu-peace-plan", "002#rumer-rearmament",
                "003#contested-areas-formulas"):
        assert any(p.startswith("variants.") for p in by_id[fid].cited_at), fid
    for fid in ("003#europe-risk-reduction-channels", "003#kaliningrad-red-line",
                "004#brics-expansion"):
        assert by_id[fid].not_modelled, fid


# --------------------------------------------------------------------------- compare


def test_cli_numbers_match_independent_runs(reference, cli_war) -> None:
    """The JSON's baseline and variant figures are those of negsim.run on the same seed and
    the documented draws (a variant's own settings replacing the draws of the paths it sets)."""
    d = draws(reference, RUNS, SEED)
    by_name = {v["name"]: v for v in cli_war["variants"]}
    assert list(by_name) == ["baseline", *CHOSEN]
    for name in ["baseline", *CHOSEN]:
        s = reference if name == "baseline" else reference.with_variant(name)
        sets = () if name == "baseline" else tuple(reference.variant(name).set)
        ov = {p: x for p, x in d.items() if p not in sets}
        r = negsim.run(s, "war", rng=SEED, n_runs=RUNS, overrides=ov)
        got = by_name[name]
        assert got["agreement"]["value"] == pytest.approx(r.agreement.mean(), abs=1e-12)
        if r.agreement.any():
            assert got["median_round"]["value"] == np.median(r.round[r.agreement])
        for k, issue in enumerate(r.issue_ids):
            assert got["terms"][issue]["value"] == pytest.approx(r.outcome[:, k].mean())
        for i, actor in enumerate(r.actor_ids):
            assert got["gain"][actor]["value"] == pytest.approx(
                (r.utility[:, i] - r.walk_away[:, i]).mean())


def test_cli_intervals_are_finite_and_bracket_the_estimate(cli_war) -> None:
    """Every estimate has a finite 95% interval around it, and so does its difference."""
    for v in cli_war["variants"]:
        ests = [v["agreement"], *v["terms"].values(), *v["gain"].values()]
        for e in ests:
            for key in ("value", "low", "high", "diff", "diff_low", "diff_high"):
                assert e[key] is not None and math.isfinite(e[key])
            assert e["low"] - 1e-12 <= e["value"] <= e["high"] + 1e-12
            assert e["diff_low"] - 1e-12 <= e["diff"] <= e["diff_high"] + 1e-12


def test_wilson_interval_when_every_run_agrees(reference) -> None:
    """With all n runs agreeing, the Wilson lower bound is n / (n + z^2) and the upper is 1."""
    c = compare(reference, [], engine="compromise", runs=RUNS, seed=0)
    assert c.agreement[0] == 1.0
    assert c.agreement_ci[0, 0] == pytest.approx(RUNS / (RUNS + Z * Z))
    assert c.agreement_ci[0, 1] == pytest.approx(1.0)


def test_baseline_against_itself_is_exactly_zero(cli_war) -> None:
    """Comparing the baseline with itself gives differences of exactly 0, intervals too."""
    base = cli_war["variants"][0]
    for e in [base["agreement"], base["median_round"], *base["terms"].values(),
              *base["gain"].values()]:
        assert e["diff"] == 0.0 and e["diff_low"] == 0.0 and e["diff_high"] == 0.0


def test_common_random_numbers(reference) -> None:
    """A variant that restates a baseline value gives exactly the baseline's results under the
    stochastic war engine: the draws and the engine's randomness are shared."""
    same = negsim.Variant(id="restated", label="Baseline restated",
                          set={"levers.eu_channel.level": 0.0}, assumption="no change")
    s = attrs.evolve(reference, variants=(*reference.variants, same))
    c = compare(s, ["restated"], engine="war", runs=24, seed=5)
    assert c.agreement_diff[1] == 0.0
    assert (c.terms_diff[1] == 0.0).all() and (c.gain_diff[1] == 0.0).all()
    assert (c.terms_diff_ci[1] == 0.0).all()


def test_variant_setting_an_uncertain_parameter_drops_its_draws(reference) -> None:
    """security_first sets the guarantee's credibility, which the baseline draws: that draw is
    not used for the variant, and the comparison says so."""
    c = compare(reference, ["security_first"], engine="compromise", runs=8, seed=0)
    assert c.dropped == {"security_first": ("levers.security_guarantee.credibility",)}
    assert "levers.security_guarantee.credibility" in c.summary()


def test_same_seed_same_comparison(reference) -> None:
    """Same seed, bit-identical comparison; another seed draws other runs."""
    a = compare(reference, ["eu_at_table"], engine="war", runs=16, seed=1).to_dict()
    b = compare(reference, ["eu_at_table"], engine="war", runs=16, seed=1).to_dict()
    other = compare(reference, ["eu_at_table"], engine="war", runs=16, seed=2).to_dict()
    assert json.dumps(a) == json.dumps(b)
    assert json.dumps(a) != json.dumps(other)


def test_median_round_is_nan_safe_when_no_run_agrees(reference) -> None:
    """Where no run agrees the median round is missing (None in JSON), without a warning."""
    c = compare(reference, ["eu_at_table"], engine="alternating_offers", runs=8, seed=0)
    assert (c.agreed_runs == 0).all()
    assert np.isnan(c.median_round).all() and np.isnan(c.median_round_ci).all()
    d = c.to_dict()
    assert d["variants"][1]["median_round"]["value"] is None
    json.dumps(d, allow_nan=False)
    assert "n/a" in c.summary()


def test_bad_input_names_place_and_problem(reference, capsys) -> None:
    """Unknown variants and non-positive run counts raise one ScenarioError listing both; the
    command line reports it and exits 1."""
    with pytest.raises(negsim.ScenarioError) as info:
        compare(reference, ["no_such_variant"], runs=0)
    assert set(info.value.paths) == {"compare.runs", "compare.variants.0"}
    assert "no_such_variant" in str(info.value)
    assert main(["compare", "--variants", "nope", "--runs", "4"]) == 1
    assert "unknown variant 'nope'" in capsys.readouterr().err


def test_cli_text_table(capsys) -> None:
    """The text table names the engine, every variant and each issue, and shows no NaN."""
    assert main(["compare", "--engine", "compromise", "--runs", "16",
                 "--variants", "phased_accession", "ceasefire_dmz"]) == 0
    out = capsys.readouterr().out
    for word in ("compromise", "baseline", "phased_accession", "ceasefire_dmz", "donbas",
                 "P(agree)"):
        assert word in out
    assert "nan" not in out.lower()


def test_displays(reference) -> None:
    """repr, HTML and summary say what was compared."""
    c = compare(reference, ["eu_peace_plan"], engine="nash", runs=8, seed=0)
    assert "'nash'" in repr(c) and "1 variant" in repr(c)
    html = c._repr_html_()
    assert html.count("<table") == 3 and "eu_peace_plan" in html
    assert "eu_peace_plan" in c.summary()


def test_plot_data_and_plot(reference) -> None:
    """The plot's data are the comparison's numbers; the plot draws a row per variant."""
    from matplotlib.figure import Figure

    c = compare(reference, ["ceasefire_dmz", "energy_for_donbas"], engine="nash", runs=16,
                seed=0)
    d = plot_data(c, "terms.donbas", difference=True)
    np.testing.assert_array_equal(d["value"], c.terms_diff[:, 0])
    assert d["reference"] == 0.0 and d["names"] == ["baseline", "ceasefire_dmz",
                                                     "energy_for_donbas"]
    d = plot_data(c, "agreement")
    assert d["reference"] == c.agreement[0]
    with pytest.raises(negsim.NegsimError, match="no actor 'nato'"):
        plot_data(c, "gain.nato")
    with pytest.raises(negsim.NegsimError, match="unknown metric"):
        plot_data(c, "speed")
    ax = c.plot("gain.russia", ax=Figure().subplots())
    rows = sorted(((t.get_position()[1], t.get_text()) for t in ax.get_yticklabels()),
                  reverse=True)
    assert [name for _, name in rows] == list(c.names)  # the baseline on top

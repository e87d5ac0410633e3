"""Plots, one call each; matplotlib only, imported when a plot is drawn.

Every plot function takes ``ax=None`` (a new figure when None) and returns the Axes. The numbers
behind each plot come from a separate ``*_data`` function returning plain arrays, tested on its
own, so a user can restyle a plot or feed the data to another library. Colours come from the
Okabe-Ito palette, which readers with the common forms of colour blindness can tell apart;
markers differ too, so the plots also survive printing in grey.

- a scenario: :func:`positions` (with an outcome), :func:`power` (inside a coalition);
- one ``war``-engine run, round by round: :func:`offers` (values of fighting on, acceptance
  levels, the package agreed, the front), :func:`bargaining_range`, :func:`levers`;
- an ensemble: :func:`outcomes` (per issue), :func:`agreement` (a survival curve);
- sensitivity: :func:`tornado`, :func:`sobol` (SALib's layout), :func:`heatmap` (a 2-D sweep,
  also from an ``xarray.DataArray``).

>>> import negsim
>>> from negsim.plots import positions_data
>>> s = negsim.load("scenarios/eu-russia-2026.toml")
>>> d = positions_data(s, negsim.run(s, "compromise", rng=0))
>>> d["position"].shape == (len(s.actors), len(s.issues))
True
"""

from negsim.plots._common import OKABE_ITO
from negsim.plots.ensemble_plots import (
    agreement,
    agreement_data,
    heatmap,
    heatmap_data,
    outcomes,
    outcomes_data,
    sobol,
    sobol_data,
    tornado,
    tornado_data,
)
from negsim.plots.scenario_plots import (
    positions,
    positions_data,
    power,
    power_data,
)
from negsim.plots.war_plots import (
    bargaining_range,
    bargaining_range_data,
    levers,
    levers_data,
    offers,
    offers_data,
)

__all__ = ["OKABE_ITO", "agreement", "agreement_data", "bargaining_range",
           "bargaining_range_data", "heatmap", "heatmap_data", "levers", "levers_data", "offers",
           "offers_data", "outcomes", "outcomes_data", "positions", "positions_data", "power",
           "power_data", "sobol", "sobol_data", "tornado", "tornado_data"]

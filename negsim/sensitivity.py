"""Which assumptions drive the answer: one-at-a-time tornado (core), Sobol and Morris (SALib).

The scenario's uncertainties span the input space. SALib works on the unit cube here: its
samples are mapped onto each uncertainty through its quantile function
(:meth:`~negsim.scenario.Uncertainty.ppf`), so any distribution (beta, triangular, truncated
normal, discrete choices) enters Sobol's and Morris's methods with its own weight. Morris's
elementary effects are therefore per unit of probability, not per unit of the parameter.

Outputs are named as :meth:`negsim.ensemble.EnsembleResult.values` names them
(``agreement``, ``agreed_by.<round>``, ``outcome.<issue>``, ``gain.<actor>``...), or given as a
function of an :class:`~negsim.ensemble.EnsembleResult` returning one value per run.

SALib is an optional dependency (``pip install 'negsim[sensitivity]'``); the tornado is not.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim.design import Design
from negsim.errors import NegsimError
from negsim.scenario import Scenario, Uncertainty

__all__ = ["MorrisIndices", "SobolIndices", "Tornado", "design_from_unit", "morris",
           "salib_problem", "sobol", "tornado"]

Output = str | Callable[[Any], NDArray[Any]]

# SALib's Sobol sequence starts at the cube's corner: keep the quantile functions finite
_EPS = 1e-9


def _uncertainties(source: Scenario | Sequence[Uncertainty]) -> list[Uncertainty]:
    us = list(source.uncertainties) if isinstance(source, Scenario) else list(source)
    if not us:
        raise NegsimError("a sensitivity analysis needs uncertainties; the scenario has none")
    paths = [u.path for u in us]
    if len(set(paths)) != len(paths):
        raise NegsimError(f"two uncertainties vary the same path: {paths}")
    return us


def salib_problem(source: Scenario | Sequence[Uncertainty]) -> dict[str, Any]:
    """A SALib problem over the uncertainties: one unit interval per uncertainty, named by
    its path (map samples back with :func:`design_from_unit`).

    >>> from negsim.scenario import Uncertainty
    >>> u = Uncertainty(id="c", path="actors.a.capability", distribution="uniform",
    ...                 low=1.0, high=2.0)
    >>> salib_problem([u])
    {'num_vars': 1, 'names': ['actors.a.capability'], 'bounds': [[0.0, 1.0]]}
    """
    us = _uncertainties(source)
    return {"num_vars": len(us), "names": [u.path for u in us],
            "bounds": [[0.0, 1.0] for _ in us]}


def design_from_unit(source: Scenario | Sequence[Uncertainty],
                     unit: NDArray[np.float64]) -> Design:
    """A negsim design from points of the unit cube (a SALib sample of
    :func:`salib_problem`), one column per uncertainty, through its quantile function."""
    us = _uncertainties(source)
    x = np.asarray(unit, dtype=np.float64)
    if x.ndim != 2 or x.shape[1] != len(us):
        raise NegsimError(f"a unit-cube sample for {len(us)} uncertainties must have shape "
                          f"(N, {len(us)}), got {x.shape}")
    if not np.all((x >= 0) & (x <= 1)):
        raise NegsimError("a unit-cube sample must lie in [0, 1]")
    q = np.clip(x, _EPS, 1 - _EPS)
    return Design({u.path: np.asarray(u.ppf(q[:, j]), dtype=np.float64)
                   for j, u in enumerate(us)}, shape=(len(x),), dims=("sample",))


def _evaluate(ens: Any, output: Output) -> NDArray[np.float64]:
    y = output(ens) if callable(output) else ens.values(output)
    y = np.asarray(y, dtype=np.float64)
    if y.shape != (ens.n_runs,):
        raise NegsimError(f"output must give one value per run ({ens.n_runs}), got shape "
                          f"{y.shape}")
    if ens.failed.any():
        raise NegsimError(f"{int(ens.failed.sum())} runs failed ({ens.errors[0]}...): a "
                          "variance decomposition needs every run")
    return y


def _label(output: Output) -> str:
    return output if isinstance(output, str) else getattr(output, "__name__", "output")


def _salib(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(f"SALib.{module}")
    except ImportError:
        raise NegsimError("Sobol and Morris indices need SALib, an optional dependency: "
                          "pip install 'negsim[sensitivity]'") from None


@attrs.frozen(eq=False)
class SobolIndices:
    """First-order (``S1``) and total (``ST``) Sobol indices with 95% bootstrap half-widths.

    When the output does not vary over the sample (``variance == 0``) every index is 0 and
    ``note`` says so: no input can explain variance that is not there.
    """

    names: tuple[str, ...]
    S1: NDArray[np.float64]
    S1_conf: NDArray[np.float64]
    ST: NDArray[np.float64]
    ST_conf: NDArray[np.float64]
    output: str
    n_runs: int
    mean: float
    variance: float
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"output": self.output, "runs": self.n_runs, "mean": self.mean,
                "variance": self.variance, "note": self.note,
                "indices": {n: {"S1": float(a), "S1_conf": float(b), "ST": float(c),
                                "ST_conf": float(d)} for n, a, b, c, d in zip(
                    self.names, self.S1, self.S1_conf, self.ST, self.ST_conf, strict=True)}}

    def plot(self, ax: Any = None) -> Any:
        """Bars of S1 and ST per input (:func:`negsim.plots.sobol`)."""
        from negsim import plots

        return plots.sobol(list(self.names), self.S1, self.ST, S1_conf=self.S1_conf,
                           ST_conf=self.ST_conf, ax=ax)


def sobol(scenario: Scenario, engine: str | None = None, output: Output = "agreement", *,
          n: int = 1024, seed: int = 0, variant: str | None = None,
          params: Any = None, **run_options: Any) -> SobolIndices:
    """Sobol indices of an output over the scenario's uncertainties (Saltelli's scheme
    through SALib: ``n * (d + 2)`` runs for ``d`` uncertainties; ``n`` a power of 2).

    ``run_options`` go to :func:`negsim.ensemble.run_sweep` (``executor``, ``progress``...).
    The sample and the bootstrap intervals are seeded from ``seed``.
    """
    from negsim.ensemble import run_sweep

    sample, analyze = _salib("sample.sobol"), _salib("analyze.sobol")
    problem = salib_problem(scenario)
    if n < 2 or n & (n - 1):
        raise NegsimError(f"n must be a power of 2 for Sobol sequences, got {n}")
    unit = sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed)
    design = design_from_unit(scenario, unit)
    ens = run_sweep(scenario, design, engine, seed=seed, params=params,
                    variants=None if variant is None else [variant], **run_options)
    y = _evaluate(ens, output)
    d = problem["num_vars"]
    var = float(np.var(y))
    if var == 0.0:
        zeros = np.zeros(d)
        return SobolIndices(tuple(problem["names"]), zeros, zeros, zeros, zeros, _label(output),
                            len(y), float(y.mean()), 0.0,
                            note=f"{_label(output)} is {y[0]:g} in every run: no variance to "
                                 "apportion")
    si = analyze.analyze(problem, y, calc_second_order=False, conf_level=0.95,
                         print_to_console=False, seed=seed)
    return SobolIndices(tuple(problem["names"]), np.asarray(si["S1"]),
                        np.asarray(si["S1_conf"]), np.asarray(si["ST"]),
                        np.asarray(si["ST_conf"]), _label(output), len(y), float(y.mean()),
                        var)


@attrs.frozen(eq=False)
class MorrisIndices:
    """Morris screening: ``mu_star`` (mean absolute elementary effect, per unit of
    probability), its 95% half-width, ``sigma`` (spread: interactions or non-linearity)."""

    names: tuple[str, ...]
    mu: NDArray[np.float64]
    mu_star: NDArray[np.float64]
    mu_star_conf: NDArray[np.float64]
    sigma: NDArray[np.float64]
    output: str
    n_runs: int

    def to_dict(self) -> dict[str, Any]:
        return {"output": self.output, "runs": self.n_runs,
                "indices": {n: {"mu": float(a), "mu_star": float(b), "mu_star_conf": float(c),
                                "sigma": float(d)} for n, a, b, c, d in zip(
                    self.names, self.mu, self.mu_star, self.mu_star_conf, self.sigma,
                    strict=True)}}


def morris(scenario: Scenario, engine: str | None = None, output: Output = "agreement", *,
           trajectories: int = 50, levels: int = 4, seed: int = 0, variant: str | None = None,
           params: Any = None, **run_options: Any) -> MorrisIndices:
    """Morris elementary effects of an output over the scenario's uncertainties (through
    SALib: ``trajectories * (d + 1)`` runs)."""
    from negsim.ensemble import run_sweep

    sample, analyze = _salib("sample.morris"), _salib("analyze.morris")
    problem = salib_problem(scenario)
    unit = sample.sample(problem, trajectories, num_levels=levels, seed=seed)
    design = design_from_unit(scenario, unit)
    ens = run_sweep(scenario, design, engine, seed=seed, params=params,
                    variants=None if variant is None else [variant], **run_options)
    y = _evaluate(ens, output)
    si = analyze.analyze(problem, unit, y, conf_level=0.95, print_to_console=False,
                         num_levels=levels, seed=seed)
    return MorrisIndices(tuple(problem["names"]), np.asarray(si["mu"]),
                         np.asarray(si["mu_star"]), np.asarray(si["mu_star_conf"]),
                         np.asarray(si["sigma"]), _label(output), len(y))


@attrs.frozen(eq=False)
class Tornado:
    """One-at-a-time swings: the output's mean with each uncertainty at its low and its high
    quantile, the others at the scenario's values; rows sorted by swing, widest first."""

    output: str
    base: float
    labels: tuple[str, ...]
    low_values: NDArray[np.float64]  # the parameter at its low quantile
    high_values: NDArray[np.float64]
    at_low: NDArray[np.float64]  # the output there
    at_high: NDArray[np.float64]
    quantiles: tuple[float, float]
    runs: int

    @property
    def swing(self) -> NDArray[np.float64]:
        return np.abs(self.at_high - self.at_low)

    def rows(self) -> list[tuple[str, float, float]]:
        """(label, output at low, output at high) per uncertainty, widest swing first."""
        return [(lab, float(a), float(b)) for lab, a, b in zip(
            self.labels, self.at_low, self.at_high, strict=True)]

    def to_dict(self) -> dict[str, Any]:
        return {"output": self.output, "base": self.base, "quantiles": list(self.quantiles),
                "runs": self.runs, "rows": [
                    {"path": lab, "low": float(lo), "high": float(hi), "at_low": float(a),
                     "at_high": float(b)} for lab, lo, hi, a, b in zip(
                        self.labels, self.low_values, self.high_values, self.at_low,
                        self.at_high, strict=True)]}

    def plot(self, ax: Any = None) -> Any:
        """Horizontal bars around the base value (:func:`negsim.plots.tornado`)."""
        from negsim import plots

        return plots.tornado(self.rows(), self.base, ax=ax, xlabel=self.output)


def tornado(scenario: Scenario, engine: str | None = None, output: Output = "agreement", *,
            quantiles: tuple[float, float] = (0.05, 0.95), runs: int = 1, seed: int = 0,
            variant: str | None = None, params: Any = None,
            **run_options: Any) -> Tornado:
    """One-at-a-time sensitivity of an output to each uncertainty (no SALib needed).

    Each uncertainty in turn is set to its ``quantiles`` (default the 5th and 95th
    percentiles) while every other parameter keeps the scenario's value; the output is
    averaged over ``runs`` runs, all on the same seeds (common random numbers), so the
    swings compare like with like.
    """
    from negsim.ensemble import run_sweep
    from negsim.paths import resolve

    us = _uncertainties(scenario)
    lo_q, hi_q = quantiles
    if not 0.0 <= lo_q < hi_q <= 1.0:
        raise NegsimError(f"quantiles must satisfy 0 <= low < high <= 1, got {quantiles}")
    base_scn = scenario.with_variant(variant) if variant is not None else scenario
    base_vals = {u.path: float(resolve(base_scn, u.path)) for u in us}

    def mean_at(path: str | None, value: float | None) -> float:
        cols = {p: np.full(runs, v) for p, v in base_vals.items()}
        if path is not None:
            cols[path] = np.full(runs, value)
        ens = run_sweep(scenario, Design(cols), engine, seed=seed, params=params,
                        variants=None if variant is None else [variant], **run_options)
        return float(np.mean(_evaluate(ens, output)))

    base = mean_at(None, None)
    lows = np.array([float(u.ppf(lo_q)) for u in us])
    highs = np.array([float(u.ppf(hi_q)) for u in us])
    at_lo = np.array([mean_at(u.path, v) for u, v in zip(us, lows, strict=True)])
    at_hi = np.array([mean_at(u.path, v) for u, v in zip(us, highs, strict=True)])
    order = np.argsort(-np.abs(at_hi - at_lo), kind="stable")
    return Tornado(_label(output), base, tuple(us[i].path for i in order), lows[order],
                   highs[order], at_lo[order], at_hi[order], (lo_q, hi_q), runs)

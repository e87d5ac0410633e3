"""Experimental designs: tables of per-run parameter values, aligned on the run axis.

A design maps parameter paths (as :func:`negsim.compiled.compile_scenario` accepts them in
``overrides``) to arrays of shape ``(n_runs,)``. Every sampler takes an explicit ``rng``.

>>> import numpy as np
>>> d = grid({"a": [0.0, 1.0], "b": [10.0, 20.0, 30.0]})
>>> d.n_runs, d.shape
(6, (2, 3))
>>> d.columns["b"].tolist()
[10.0, 20.0, 30.0, 10.0, 20.0, 30.0]
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence

import attrs
import numpy as np
from numpy.typing import ArrayLike, NDArray

from negsim.errors import NegsimError

__all__ = ["Design", "cross", "grid", "latin_hypercube", "latin_hypercube_unit", "monte_carlo",
           "replicates"]


@attrs.frozen(eq=False)
class Design:
    """A design table: ``columns[path]`` has shape ``(n_runs,)``.

    Parameters
    ----------
    columns : mapping of str to ndarray, shape (n_runs,)
    shape : tuple of int or None
        The runs as an N-dimensional array (C order), e.g. the levels per path of a
        full-factorial grid; None for a flat table (one ``run`` dimension).
    dims : tuple of str or None
        A name for each axis of ``shape`` (a grid's paths, ``sample``, ``replicate``).
    coords : mapping of str to ndarray
        The values along named axes, e.g. a grid path's levels.
    """

    columns: Mapping[str, NDArray[np.float64]]
    shape: tuple[int, ...] | None = None
    dims: tuple[str, ...] | None = None
    coords: Mapping[str, NDArray[np.float64]] = attrs.field(factory=dict)

    def __attrs_post_init__(self) -> None:
        lengths = {np.shape(v) for v in self.columns.values()}
        if len(lengths) > 1:
            raise NegsimError(f"design columns differ in shape: {sorted(lengths)}")
        for length in lengths:
            if len(length) != 1:
                raise NegsimError(f"design columns must be 1-D, got shape {length}")
        if self.dims is not None and (self.shape is None or len(self.dims) != len(self.shape)):
            raise NegsimError(f"design dims {self.dims} do not match its shape {self.shape}")
        if self.shape is not None and self.columns and math.prod(self.shape) != self.n_runs:
            raise NegsimError(f"design shape {self.shape} does not hold {self.n_runs} runs")

    @property
    def n_runs(self) -> int:
        """Number of runs (rows) in the design."""
        for v in self.columns.values():
            return len(v)
        return math.prod(self.shape) if self.shape is not None else 0

    @property
    def run_shape(self) -> tuple[int, ...]:
        """``shape``, or ``(n_runs,)`` for a flat table."""
        return self.shape if self.shape is not None else (self.n_runs,)

    @property
    def run_dims(self) -> tuple[str, ...]:
        """``dims``, or ``("run",)`` for a flat table (``dim_0``... for unnamed axes)."""
        if self.dims is not None:
            return self.dims
        if self.shape is None:
            return ("run",)
        return tuple(f"dim_{i}" for i in range(len(self.shape)))

    def rows(self, start: int, stop: int) -> dict[str, NDArray[np.float64]]:
        """Columns sliced to runs ``start:stop``."""
        return {p: np.asarray(v[start:stop]) for p, v in self.columns.items()}


def _rng(rng: int | np.random.Generator | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def monte_carlo(uncertainties: Iterable, n: int,
                rng: int | np.random.Generator | None = None,
                correlation: ArrayLike | None = None) -> Design:
    """Random draws of each uncertainty, ``n`` runs along a ``sample`` dimension.

    Parameters
    ----------
    uncertainties : iterable of negsim.scenario.Uncertainty
    n : int
        Number of runs.
    rng : int, Generator or None
    correlation : array_like, shape (d, d), optional
        Rank correlation between the uncertainties, drawn by a Gaussian copula: correlated
        standard normals ``z``, then ``u.ppf(Phi(z))`` for each uncertainty ``u``. Without it
        the draws are independent (``u.sample``).

    Examples
    --------
    >>> from negsim.scenario import Uncertainty
    >>> us = [Uncertainty(id=f"u{i}", path=f"actors.a{i}.capability", distribution="normal",
    ...                   mean=0.0, sd=1.0) for i in range(2)]
    >>> d = monte_carlo(us, 20_000, rng=1, correlation=[[1.0, 0.8], [0.8, 1.0]])
    >>> x = d.columns["actors.a0.capability"]; y = d.columns["actors.a1.capability"]
    >>> bool(abs(np.corrcoef(x, y)[0, 1] - 0.8) < 0.02)
    True
    """
    us = list(uncertainties)
    gen = _rng(rng)
    if n < 0:
        raise NegsimError(f"monte_carlo needs n >= 0, got {n}")
    if correlation is None:
        cols = {u.path: np.asarray(u.sample(gen, n), dtype=np.float64) for u in us}
    else:
        from scipy.special import ndtr

        corr = np.asarray(correlation, dtype=np.float64)
        if corr.shape != (len(us), len(us)):
            raise NegsimError(f"correlation must be {len(us)} x {len(us)} (one row per "
                              f"uncertainty), got shape {corr.shape}")
        if not np.allclose(corr, corr.T) or not np.allclose(np.diag(corr), 1.0):
            raise NegsimError("correlation must be symmetric with ones on the diagonal")
        try:
            chol = np.linalg.cholesky(corr)
        except np.linalg.LinAlgError:
            raise NegsimError("correlation must be positive definite") from None
        z = gen.standard_normal((n, len(us))) @ chol.T
        q = ndtr(z)
        cols = {u.path: np.asarray(u.ppf(q[:, j]), dtype=np.float64) for j, u in enumerate(us)}
    return Design(cols, shape=(n,), dims=("sample",))


def latin_hypercube(uncertainties: Iterable, n: int,
                    rng: int | np.random.Generator | None = None) -> Design:
    """A Latin hypercube over the uncertainties: each of ``n`` equal-probability strata of
    each one is drawn exactly once (through :meth:`~negsim.scenario.Uncertainty.ppf`).

    >>> from negsim.scenario import Uncertainty
    >>> u = Uncertainty(id="u", path="actors.a.capability", distribution="uniform",
    ...                 low=0.0, high=10.0)
    >>> d = latin_hypercube([u], 5, rng=0)
    >>> sorted(np.floor(d.columns["actors.a.capability"] / 2).astype(int).tolist())
    [0, 1, 2, 3, 4]
    """
    us = list(uncertainties)
    unit = latin_hypercube_unit(n, len(us), rng)
    return Design({u.path: np.asarray(u.ppf(unit[:, j]), dtype=np.float64)
                   for j, u in enumerate(us)}, shape=(n,), dims=("sample",))


def latin_hypercube_unit(n: int, d: int,
                         rng: int | np.random.Generator | None = None) -> NDArray[np.float64]:
    """Latin hypercube on the unit cube: each of the ``n`` bins of each dimension hit once.

    Returns
    -------
    ndarray, shape (n, d)

    >>> u = latin_hypercube_unit(5, 2, rng=0)
    >>> sorted(np.floor(u[:, 0] * 5).astype(int).tolist())
    [0, 1, 2, 3, 4]
    """
    if n < 1 or d < 0:
        raise NegsimError(f"latin_hypercube_unit needs n >= 1 and d >= 0, got n={n}, d={d}")
    gen = _rng(rng)
    jitter = gen.random((n, d))
    perms = np.argsort(gen.random((n, d)), axis=0)
    return (perms + jitter) / n


def grid(levels: Mapping[str, Sequence[float]]) -> Design:
    """Full-factorial grid over ``levels`` (C order: the last path varies fastest); each
    path is a dimension, its levels the coordinates."""
    keys = list(levels)
    values = [np.asarray(levels[k], dtype=np.float64) for k in keys]
    for k, v in zip(keys, values, strict=True):
        if v.ndim != 1 or v.size == 0:
            raise NegsimError(f"grid levels for {k!r} must be a non-empty list of numbers")
    if len(set(keys)) != len(keys):
        raise NegsimError("grid paths must be distinct")
    rows = np.array(list(itertools.product(*values)), dtype=np.float64).reshape(-1, len(keys))
    return Design({k: rows[:, i].copy() for i, k in enumerate(keys)},
                  shape=tuple(v.size for v in values), dims=tuple(keys),
                  coords=dict(zip(keys, values, strict=True)))


def cross(outer: Design, inner: Design) -> Design:
    """Every row of ``outer`` with every row of ``inner`` (``inner`` varies fastest), e.g. a
    grid of policy levels crossed with uncertainty samples. Dimensions are concatenated.

    >>> g = grid({"levers.a.level": [0.0, 1.0]})
    >>> d = cross(g, Design({"actors.b.capability": np.array([5.0, 6.0, 7.0])}))
    >>> d.shape, d.run_dims
    ((2, 3), ('levers.a.level', 'run'))
    >>> d.columns["actors.b.capability"].tolist()
    [5.0, 6.0, 7.0, 5.0, 6.0, 7.0]
    """
    clash = set(outer.columns) & set(inner.columns)
    if clash:
        raise NegsimError(f"cannot cross designs that both set {sorted(clash)}")
    dims = outer.run_dims + inner.run_dims
    if len(set(dims)) != len(dims):
        raise NegsimError(f"crossed designs repeat a dimension name: {dims}")
    n_out, n_in = outer.n_runs, inner.n_runs
    cols = {p: np.repeat(v, n_in) for p, v in outer.columns.items()}
    cols |= {p: np.tile(v, n_out) for p, v in inner.columns.items()}
    return Design(cols, shape=outer.run_shape + inner.run_shape, dims=dims,
                  coords={**outer.coords, **inner.coords})


def replicates(design: Design, k: int) -> Design:
    """Repeat each row of ``design`` ``k`` times (consecutively), e.g. for stochastic engines;
    adds a trailing ``replicate`` dimension."""
    if k < 1:
        raise NegsimError(f"replicates needs k >= 1, got {k}")
    return Design({p: np.repeat(v, k) for p, v in design.columns.items()},
                  shape=(*design.run_shape, k), dims=(*design.run_dims, "replicate"),
                  coords=design.coords)

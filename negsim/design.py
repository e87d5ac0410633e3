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
from collections.abc import Iterable, Mapping, Sequence

import attrs
import numpy as np
from numpy.typing import NDArray

from negsim.errors import NegsimError

__all__ = ["Design", "grid", "latin_hypercube_unit", "monte_carlo", "replicates"]


@attrs.frozen(eq=False)
class Design:
    """A design table: ``columns[path]`` has shape ``(n_runs,)``.

    Parameters
    ----------
    columns : mapping of str to ndarray, shape (n_runs,)
    shape : tuple of int or None
        Levels per column for a full-factorial grid (C order over ``columns``), else None.
    """

    columns: Mapping[str, NDArray[np.float64]]
    shape: tuple[int, ...] | None = None

    def __attrs_post_init__(self) -> None:
        lengths = {np.shape(v) for v in self.columns.values()}
        if len(lengths) > 1:
            raise NegsimError(f"design columns differ in shape: {sorted(lengths)}")
        for length in lengths:
            if len(length) != 1:
                raise NegsimError(f"design columns must be 1-D, got shape {length}")

    @property
    def n_runs(self) -> int:
        """Number of runs (rows) in the design."""
        for v in self.columns.values():
            return len(v)
        return 0


def _rng(rng: int | np.random.Generator | None) -> np.random.Generator:
    return rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)


def monte_carlo(uncertainties: Iterable, n: int,
                rng: int | np.random.Generator | None = None) -> Design:
    """Independent draws of each uncertainty (objects with ``path`` and ``sample(rng, size)``).

    Parameters
    ----------
    uncertainties : iterable of negsim.scenario.Uncertainty
    n : int
        Number of runs.
    rng : int, Generator or None
    """
    gen = _rng(rng)
    cols = {u.path: np.asarray(u.sample(gen, n), dtype=np.float64) for u in uncertainties}
    return Design(cols)


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
    """Full-factorial grid over ``levels`` (C order: the last path varies fastest)."""
    keys = list(levels)
    values = [np.asarray(levels[k], dtype=np.float64) for k in keys]
    for k, v in zip(keys, values, strict=True):
        if v.ndim != 1 or v.size == 0:
            raise NegsimError(f"grid levels for {k!r} must be a non-empty list of numbers")
    rows = np.array(list(itertools.product(*values)), dtype=np.float64).reshape(-1, len(keys))
    return Design({k: rows[:, i].copy() for i, k in enumerate(keys)},
                  shape=tuple(v.size for v in values))


def replicates(design: Design, k: int) -> Design:
    """Repeat each row of ``design`` ``k`` times (consecutively), e.g. for stochastic engines."""
    if k < 1:
        raise NegsimError(f"replicates needs k >= 1, got {k}")
    return Design({p: np.repeat(v, k) for p, v in design.columns.items()})

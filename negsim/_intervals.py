"""95% intervals shared by ensembles and comparisons (private)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

Z95 = 1.959963984540054  # the standard normal's 97.5% quantile


def mean_ci(x: NDArray[np.float64]) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Means over axis 0 and their normal-approximation 95% intervals, shape (..., 2); the
    interval is NaN with fewer than two values."""
    m = x.mean(axis=0)
    r = x.shape[0]
    if r < 2:
        half = np.full(np.shape(m), np.nan)
    else:
        half = Z95 * x.std(axis=0, ddof=1) / math.sqrt(r)
    return m, np.stack([m - half, m + half], axis=-1)


def wilson(p: float, n: int) -> tuple[float, float]:
    """Wilson's 95% score interval for a share ``p`` of ``n`` trials."""
    z2 = Z95 * Z95
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n)) / (1 + z2 / n)
    return max(centre - half, 0.0), min(centre + half, 1.0)

"""Argument checks shared by the closed-form modules: broadcastable arrays, named errors."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

FloatArray = NDArray[np.float64]


def check(name: str, value: ArrayLike, ok: Any, expected: str) -> None:
    """Raise ``ValueError`` naming ``name`` and its first value where ``ok`` is false."""
    arr = np.asarray(value, dtype=float)
    ok = np.broadcast_to(np.asarray(ok, dtype=bool), arr.shape)
    if not ok.all():
        bad = float(arr[~ok].flat[0])
        raise ValueError(f"{name} must be {expected}, got {bad!r}")


def open_unit(name: str, value: ArrayLike) -> FloatArray:
    arr = np.asarray(value, dtype=float)
    check(name, arr, (arr > 0.0) & (arr < 1.0), "in the open interval (0, 1)")
    return arr


def half_open_unit(name: str, value: ArrayLike) -> FloatArray:
    arr = np.asarray(value, dtype=float)
    check(name, arr, (arr > 0.0) & (arr <= 1.0), "in (0, 1]")
    return arr


def unit(name: str, value: ArrayLike) -> FloatArray:
    arr = np.asarray(value, dtype=float)
    check(name, arr, (arr >= 0.0) & (arr <= 1.0), "in [0, 1]")
    return arr


def nonneg(name: str, value: ArrayLike) -> FloatArray:
    arr = np.asarray(value, dtype=float)
    check(name, arr, (arr >= 0.0) & np.isfinite(arr), "finite and >= 0")
    return arr


def positive(name: str, value: ArrayLike) -> FloatArray:
    arr = np.asarray(value, dtype=float)
    check(name, arr, (arr > 0.0) & np.isfinite(arr), "finite and > 0")
    return arr


def scalarise(arr: NDArray[Any]) -> Any:
    """Return 0-d arrays as numpy scalars, anything else unchanged."""
    return arr[()] if arr.ndim == 0 else arr

"""Shared by the plots: the Okabe-Ito palette, markers, a new Axes when none is given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from numpy.typing import NDArray

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = ["OKABE_ITO"]


#: Okabe & Ito (2008), "Color universal design": black first, then the eight hues.
OKABE_ITO = ("#000000", "#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00",
             "#CC79A7")
_MARKERS = ("o", "s", "^", "D", "v", "P", "X", "<", ">", "h")
_LINES = ("-", "--", ":", "-.")
_GRID = "#eeeeee"


def _axes(ax: Axes | None, size: tuple[float, float]) -> Axes:
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, new = plt.subplots(figsize=size, layout="constrained")
    return new


def _short(text: str, n: int = 48) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def _issue_rows(ax: Axes, d: dict[str, Any], rows: NDArray[Any], xlabel: str) -> None:
    """One row per issue on the rescaled [0, 1] axis, each end's anchor written under it."""
    ax.set_yticks(rows, d["issues"])
    ax.set_xlim(-0.03, 1.03)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_xticks([0.0, 0.5, 1.0], ["low end", "midpoint", "high end"])
    ax.set_xlabel(xlabel)
    for r, lo_label, hi_label in zip(rows, d["low"], d["high"], strict=True):
        if lo_label:
            ax.annotate(_short(lo_label), (0.0, r), xytext=(0, -12),
                        textcoords="offset points", fontsize=7, color="#555555", va="top")
        if hi_label:
            ax.annotate(_short(hi_label), (1.0, r), xytext=(0, -12),
                        textcoords="offset points", fontsize=7, color="#555555", va="top",
                        ha="right")
    ax.grid(axis="x", color=_GRID, zorder=0)

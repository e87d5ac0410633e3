"""Spatial utilities over a multi-issue outcome space.

Every engine that needs a utility over outcomes uses the one defined here, so that engines are
comparable. For actor ``i`` with positions ``p_ik``, saliences ``s_ik`` and risk exponent ``r_i``,
the utility of an outcome ``x`` (one point per issue, in issue units) is

.. math::

    u_i(x) = \\sum_k w_{ik} \\left(1 - \\left(
             \\frac{|x_k - p_{ik}|}{h_k - l_k}\\right)^{r_i}\\right),
    \\qquad w_{ik} = \\frac{s_{ik}}{\\sum_j s_{ij}}

with ``[l_k, h_k]`` the issue's scale. Utilities lie in ``[0, 1]``: 1 at the actor's ideal point,
0 at the far end of every scale. ``r_i = 1`` is risk neutral (utility linear in distance, so
linear in ``x`` when the actor sits at an end of the scale: the linear-additive case of the
logrolling literature); ``r_i > 1`` is risk averse (utility strictly concave in ``x``);
``r_i < 1`` is risk acceptant. This is the distance-based utility of the spatial model of
politics (Enelow & Hinich 1984) with the risk exponent of Bueno de Mesquita (1985); an actor
with zero salience everywhere is indifferent (utility 0 at every outcome).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["issue_weights", "utility"]

FloatArray = NDArray[np.float64]


def issue_weights(salience: FloatArray) -> FloatArray:
    """Normalise saliences into per-actor issue weights that sum to 1 (or 0 if all zero).

    Parameters
    ----------
    salience : ndarray, shape (..., n_actors, n_issues)
        Non-negative saliences.

    Returns
    -------
    ndarray, same shape
        ``salience / salience.sum(-1)``, with rows of zeros left at zero.
    """
    salience = np.asarray(salience, dtype=float)
    total = salience.sum(axis=-1, keepdims=True)
    some = total > 0.0
    if some.all():
        return salience / total
    return np.where(some, salience / np.where(some, total, 1.0), 0.0)


def utility(
    x: FloatArray,
    position: FloatArray,
    weight: FloatArray,
    risk: FloatArray,
    lo: FloatArray,
    hi: FloatArray,
) -> FloatArray:
    """Utility of each actor for one or many outcomes, vectorised over runs.

    Parameters
    ----------
    x : ndarray, shape (n_runs, n_issues) or (n_runs, n_points, n_issues)
        Outcomes, in issue units.
    position : ndarray, shape (n_runs, n_actors, n_issues)
        Ideal points.
    weight : ndarray, shape (n_runs, n_actors, n_issues)
        Issue weights from :func:`issue_weights` (rows sum to 1 or are all 0).
    risk : ndarray, shape (n_runs, n_actors)
        Risk exponents ``r_i > 0``.
    lo, hi : ndarray, shape (n_issues,)
        Scale bounds of each issue.

    Returns
    -------
    ndarray, shape (n_runs, n_actors) or (n_runs, n_points, n_actors)
        Utilities in ``[0, 1]``.

    Examples
    --------
    >>> import numpy as np
    >>> pos = np.array([[[0.0], [100.0]]])
    >>> w = np.ones((1, 2, 1))
    >>> utility(np.array([[25.0]]), pos, w, np.ones((1, 2)), np.array([0.0]), np.array([100.0]))
    array([[0.75, 0.25]])
    """
    x = np.asarray(x, dtype=float)
    width = np.asarray(hi, dtype=float) - np.asarray(lo, dtype=float)
    if x.ndim == 2:
        # in place, and with no power where every r = 1 (d ** 1 == d): the same numbers, faster
        dist = x[:, None, :] - position  # (R, n, K)
        np.abs(dist, out=dist)
        dist /= width
        risk = np.asarray(risk, dtype=float)
        if not np.all(risk == 1.0):
            dist = dist ** risk[:, :, None]
        np.subtract(1.0, dist, out=dist)
        weight = np.asarray(weight, dtype=float)
        dist = np.multiply(dist, weight, out=dist if weight.shape == dist.shape else None)
        return dist.sum(axis=-1)
    if x.ndim == 3:
        dist = np.abs(x[:, :, None, :] - position[:, None, :, :]) / width  # (R, M, n, K)
        loss = dist ** risk[:, None, :, None]
        return (weight[:, None, :, :] * (1.0 - loss)).sum(axis=-1)
    raise ValueError(f"x must have 2 or 3 dimensions (runs, [points,] issues), got shape {x.shape}")

"""Economic coercion: Drezner's (1998) conflict-expectations model of sanctions.

Game (perfect information). A sender demands ``D >= 0`` of a target. The target either
acquiesces, with material payoffs ``(P_s, P_t) = (D, -D)``, or stands firm; the sender then
backs down, ``(0, 0)``, or imposes sanctions, ``(-c_s, -c_t)``. Each state cares about its own
payoff and, through its conflict expectations, about relative gains:

.. math:: U_i = \\beta P_i + (1 - \\beta)(P_i - P_j) = P_i - (1 - \\beta) P_j,
          \\qquad \\beta \\in [0, 1].

``beta = 1``: absolute gains only (allies, low conflict expectations); ``beta = 0``: relative
gains only (adversaries expecting future conflict). Utilities of the three outcomes:

=============  ==========================  ==========================
outcome        sender ``U_s``              target ``U_t``
=============  ==========================  ==========================
acquiesce      ``(2 - beta) D``            ``-(2 - beta) D``
back down      ``0``                       ``0``
sanctions      ``(1 - beta) c_t - c_s``    ``(1 - beta) c_s - c_t``
=============  ==========================  ==========================

Backward induction.

* After the target stands firm, the sender imposes sanctions iff ``(1 - beta) c_t >= c_s`` (the
  threat is *credible*; at equality the sender is indifferent and is taken to carry it out).
* If the threat is credible, the target acquiesces iff ``-(2 - beta) D >= (1 - beta) c_s - c_t``,

  .. math:: D \\le D^* = \\frac{c_t - (1 - \\beta) c_s}{2 - \\beta};

  a larger demand is refused and sanctions are imposed. When the threat is credible,
  ``D* >= beta c_t >= 0``.
* If the threat is not credible, the target stands firm against any ``D > 0`` and the sender
  backs down; a zero demand is met (the target is indifferent and complies).
* A sender who chooses ``D`` demands ``D*`` when the threat is credible: since
  ``(2 - beta) D* - ((1 - beta) c_t - c_s) = beta (c_t + c_s) >= 0``, getting ``D*`` beats
  imposing sanctions. Under complete information sanctions are threatened, not imposed
  (Eaton & Engers 1992).

Comparative statics (Eaton & Engers 1992; Drezner 1998), all read off the closed forms:
compliance ``D*`` rises with the cost to the target (``dD*/dc_t = 1 / (2 - beta) > 0``) and
falls with the cost to the sender (``dD*/dc_s = -(1 - beta) / (2 - beta) <= 0``); credibility
rises with ``c_t`` and falls with ``c_s``. In ``beta``, ``dD*/dbeta = (c_t + c_s) / (2 - beta)^2
> 0``: allies concede more, while the threat is credible for *fewer* parameter values as
``beta`` rises (``(1 - beta) c_t`` falls) -- Drezner's sanctions paradox: adversaries sanction
more readily but extract less.

Functions are pure and broadcast over numpy arrays; 0-d results are numpy scalars. Invalid
inputs raise ``ValueError`` naming the argument and the value.

References
----------
Drezner, D. W. (1998). Conflict expectations and the paradox of economic coercion.
International Studies Quarterly 42(4), 709-731.
Drezner, D. W. (1999). The Sanctions Paradox. Cambridge University Press.
Eaton, J. & Engers, M. (1992). Sanctions. Journal of Political Economy 100(5), 899-928.
"""

from __future__ import annotations

from typing import Any, NamedTuple

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "ACQUIESCE",
    "BACK_DOWN",
    "SANCTIONS",
    "SanctionsOutcome",
    "equilibrium_demand",
    "max_acceptable_demand",
    "sanctions_outcome",
    "threat_credible",
]

from negsim._validation import (
    check as _check,
    nonneg as _nonneg,
    scalarise as _scalarise,
)

FloatArray = NDArray[np.float64]

#: Outcome codes of :func:`sanctions_outcome`.
ACQUIESCE, SANCTIONS, BACK_DOWN = 0, 1, 2


def _beta(value: ArrayLike) -> FloatArray:
    arr = np.asarray(value, dtype=float)
    _check("beta", arr, (arr >= 0.0) & (arr <= 1.0), "in [0, 1]")
    return arr


# --------------------------------------------------------------------------- closed forms


def max_acceptable_demand(c_t: ArrayLike, c_s: ArrayLike, beta: ArrayLike) -> Any:
    """Largest demand the target accepts under a credible threat (Drezner 1998).

    Parameters
    ----------
    c_t : float or ndarray, values >= 0
        Material cost of sanctions to the target.
    c_s : float or ndarray, values >= 0
        Material cost of sanctions to the sender.
    beta : float or ndarray, values in [0, 1]
        Weight on absolute gains (``1 - beta`` on relative gains). Arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``D* = (c_t - (1 - beta) c_s) / (2 - beta)``. Only meaningful when the threat is
        credible (then ``D* >= beta c_t >= 0``); without a credible threat the target refuses
        every positive demand, whatever ``D*`` says.

    Examples
    --------
    >>> float(round(max_acceptable_demand(0.5, 0.2, 0.5), 4))
    0.2667
    """
    ct = _nonneg("c_t", c_t)
    cs = _nonneg("c_s", c_s)
    b = _beta(beta)
    return _scalarise((ct - (1.0 - b) * cs) / (2.0 - b))


def threat_credible(c_t: ArrayLike, c_s: ArrayLike, beta: ArrayLike) -> Any:
    """Whether the sender imposes sanctions once the target stands firm (Drezner 1998).

    Parameters
    ----------
    c_t, c_s : float or ndarray, values >= 0
        Costs of sanctions to the target and to the sender.
    beta : float or ndarray, values in [0, 1]
        Weight on absolute gains. Arguments broadcast.

    Returns
    -------
    bool or ndarray of bool, broadcast shape
        ``(1 - beta) c_t >= c_s``: the relative gain from hurting the target covers the
        sender's own cost. A sender caring only about absolute gains (``beta = 1``) is credible
        only if sanctions cost it nothing.

    Examples
    --------
    >>> bool(threat_credible(0.5, 0.2, 0.5))
    True
    """
    ct = _nonneg("c_t", c_t)
    cs = _nonneg("c_s", c_s)
    b = _beta(beta)
    return _scalarise((1.0 - b) * ct >= cs)


class SanctionsOutcome(NamedTuple):
    """Equilibrium path of the sanctions game; every field has the broadcast input shape."""

    outcome: Any
    """int: ``ACQUIESCE`` (0), ``SANCTIONS`` (1, target stood firm and sanctions were imposed)
    or ``BACK_DOWN`` (2, target stood firm and the sender backed down)."""
    sender_payoff: Any
    """float: sender's material payoff ``P_s``."""
    target_payoff: Any
    """float: target's material payoff ``P_t``."""
    sender_utility: Any
    """float: ``U_s = P_s - (1 - beta) P_t``."""
    target_utility: Any
    """float: ``U_t = P_t - (1 - beta) P_s``."""


def sanctions_outcome(
    demand: ArrayLike, c_t: ArrayLike, c_s: ArrayLike, beta: ArrayLike
) -> SanctionsOutcome:
    """Subgame perfect outcome of the sanctions game for a given demand (Drezner 1998).

    The target acquiesces iff the threat is credible and ``demand <= D*`` (or the demand is
    zero); otherwise it stands firm, and the sender imposes sanctions iff the threat is
    credible. Ties follow the module docstring: an indifferent sender sanctions, an indifferent
    target acquiesces.

    Parameters
    ----------
    demand : float or ndarray, values >= 0
        The sender's demand ``D`` (a transfer from target to sender).
    c_t, c_s : float or ndarray, values >= 0
        Costs of sanctions to the target and to the sender.
    beta : float or ndarray, values in [0, 1]
        Weight on absolute gains. All arguments broadcast.

    Returns
    -------
    SanctionsOutcome
        Outcome code, material payoffs and utilities.

    Examples
    --------
    >>> [int(sanctions_outcome(d, 0.5, 0.2, 0.5).outcome) for d in (0.2, 0.3)]
    [0, 1]
    >>> int(sanctions_outcome(0.2, 0.5, 0.3, 0.5).outcome)  # not credible: sender backs down
    2
    """
    d = _nonneg("demand", demand)
    ct = _nonneg("c_t", c_t)
    cs = _nonneg("c_s", c_s)
    b = _beta(beta)
    d, ct, cs, b = np.broadcast_arrays(d, ct, cs, b)
    credible = (1.0 - b) * ct >= cs
    d_star = (ct - (1.0 - b) * cs) / (2.0 - b)
    comply = (d == 0.0) | (credible & (d <= d_star))
    outcome = np.where(comply, ACQUIESCE, np.where(credible, SANCTIONS, BACK_DOWN))
    p_s = np.select([outcome == ACQUIESCE, outcome == SANCTIONS], [d, -cs], 0.0)
    p_t = np.select([outcome == ACQUIESCE, outcome == SANCTIONS], [-d, -ct], 0.0)
    return SanctionsOutcome(
        outcome=_scalarise(outcome.astype(np.int64)),
        sender_payoff=_scalarise(p_s),
        target_payoff=_scalarise(p_t),
        sender_utility=_scalarise(p_s - (1.0 - b) * p_t),
        target_utility=_scalarise(p_t - (1.0 - b) * p_s),
    )


def equilibrium_demand(c_t: ArrayLike, c_s: ArrayLike, beta: ArrayLike) -> Any:
    """The sender's optimal demand when it chooses ``D`` first (complete information).

    Parameters
    ----------
    c_t, c_s : float or ndarray, values >= 0
        Costs of sanctions to the target and to the sender.
    beta : float or ndarray, values in [0, 1]
        Weight on absolute gains. Arguments broadcast.

    Returns
    -------
    float or ndarray, broadcast shape
        ``D*`` if the threat is credible (the target acquiesces; sanctions are threatened, not
        imposed), else 0 (no demand can be enforced).

    Examples
    --------
    >>> float(round(equilibrium_demand(0.5, 0.2, 0.5), 4))
    0.2667
    """
    ct = _nonneg("c_t", c_t)
    cs = _nonneg("c_s", c_s)
    b = _beta(beta)
    credible = (1.0 - b) * ct >= cs
    return _scalarise(np.where(credible, (ct - (1.0 - b) * cs) / (2.0 - b), 0.0))

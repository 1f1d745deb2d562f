"""Poisson pseudo-maximum likelihood with high-dimensional fixed effects, on arrays.

The randomization inference of the difference in differences (:mod:`hubspoke.inference.gravity`)
fits the same model a few hundred times, on the same flows and fixed effects, with one
treatment column changed each time. ``pyfixest.fepois`` builds its model matrix from a formula
and a data frame on every call, which took most of those fits' time. This module fits the model
as ``fepois`` does, on arrays prepared once per panel:

- iteratively reweighted least squares from ``fepois``' starting values (or given fitted
  values), with ``fepois``' convergence criterion (the relative change of the deviance);
- in each iteration the working variable and the regressors are demeaned by weighted
  alternating projections with pyfixest's own demeaner (``pyfixest.core.demean``);
- after the first demeaning, regressors collinear with the fixed effects or with each other
  are found by pyfixest's check (``pyfixest.core.find_collinear_variables``).

Flows that carry no information on the regressors are dropped once per panel (:func:`design`):
those alone in a fixed-effect group, and those in a group whose flows are all zero (its effect
goes to minus infinity); ``fepois`` drops them too. ``tests/test_ppml.py`` checks the estimates
against ``fepois`` and statsmodels.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.linalg
from pyfixest.core import demean, find_collinear_variables

# fepois' defaults (iwls_tol, iwls_maxiter, MapDemeaner's fixef_tol) and collinearity tolerance
DEFAULT = {"tol": 1e-8, "maxiter": 25, "fixef_tol": 1e-6}
COLLINEARITY_TOL = 1e-9
FIXEF_MAXITER = 10_000


class NotConverged(RuntimeError):
    """The iterations stopped before the deviance settled."""


@dataclass(frozen=True)
class Design:
    """The flows a fit uses: ``rows`` of the panel, their values ``y`` and fixed-effect codes
    ``fe`` (one column per set of fixed effects, codes ``0..levels-1``)."""

    rows: np.ndarray
    y: np.ndarray
    fe: np.ndarray


def design(y, fixed_effects) -> Design:
    """The flows of ``y`` (one per row) that inform the regressors, given the fixed-effect
    codes ``fixed_effects`` ``(rows, sets)``: rows alone in a group or in a group whose flows
    are all zero are dropped, again until none is."""
    y = np.asarray(y, dtype=np.float64)
    fe = np.asarray(fixed_effects)
    rows = np.arange(len(y))
    while True:
        coded = [np.unique(codes, return_inverse=True)[1] for codes in fe[rows].T]
        drop = np.zeros(len(rows), dtype=bool)
        for codes in coded:
            drop |= np.bincount(codes)[codes] < 2
            drop |= np.bincount(codes, weights=y[rows])[codes] == 0
        if not drop.any():
            break
        rows = rows[~drop]
    return Design(rows=rows, y=y[rows], fe=np.asfortranarray(np.column_stack(coded), np.uintp))


def _deviance(y: np.ndarray, mu: np.ndarray) -> float:
    with np.errstate(divide="ignore", invalid="ignore"):
        log_ratio = np.where(y > 0, y * np.log(y / mu), 0.0)
    return float(2 * np.sum(log_ratio - (y - mu)))


def fit(
    d: Design,
    X,
    *,
    start: np.ndarray | None = None,
    tol: float = DEFAULT["tol"],
    maxiter: int = DEFAULT["maxiter"],
    fixef_tol: float = DEFAULT["fixef_tol"],
) -> tuple[np.ndarray | None, np.ndarray]:
    """``(coefficients, fitted)`` of ``E[y] = exp(fixed effects + X b)`` on the flows of ``d``.

    ``X``: the regressors ``(panel rows, k)``, of every row of the panel. ``start``: fitted
    values to start from (of ``d``'s flows, e.g. those of a related fit); by default
    ``fepois``' start. The coefficients are None when a regressor is collinear with the fixed
    effects or the other regressors (not identified)."""
    y = d.y
    X = np.asarray(X, dtype=np.float64)[d.rows]
    mu = (y + y.mean()) / 2 if start is None else start
    eta = np.log(mu)
    last = _deviance(y, mu)
    for i in range(maxiter):
        z = eta + y / mu - 1
        demeaned, converged = demean(
            np.column_stack([z, X]), d.fe, mu, tol=fixef_tol, maxiter=FIXEF_MAXITER
        )
        if not converged:
            raise NotConverged(f"demeaning did not converge in {FIXEF_MAXITER} iterations")
        z_resid, X_resid = demeaned[:, 0], demeaned[:, 1:]
        if i == 0 and find_collinear_variables(X_resid.T @ X_resid, COLLINEARITY_TOL)[1]:
            return None, mu
        root = np.sqrt(mu)
        weighted = X_resid * root[:, None]
        b = scipy.linalg.solve(weighted.T @ weighted, weighted.T @ (root * z_resid), assume_a="pos")
        eta = z - (z_resid - X_resid @ b)
        mu = np.exp(eta)
        deviance = _deviance(y, mu)
        if abs(deviance - last) / (0.1 + abs(last)) < tol:
            return b, mu
        last = deviance
    raise NotConverged(f"the deviance did not settle in {maxiter} iterations")

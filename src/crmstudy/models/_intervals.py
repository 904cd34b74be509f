"""Intervals for anything a fitted model predicts: parameter draws and their quantiles.

Two ways to draw parameter sets that express the uncertainty of the estimates
(:func:`param_draws`, also ``model.param_draws``):

* ``"asymptotic"``: the large-sample normal distribution of the maximum-likelihood estimates, on
  the scale the model is fitted on. crmstudy maximises over the *logs* of the (positive)
  parameters, so the draws are ``exp(N(log theta_hat, J C J))`` with ``C`` the covariance of the
  estimates (``cov_params()``, inverse Hessian on the natural scale) and ``J = diag(1/theta)``
  (the delta method). Every draw is positive; nothing is refitted; cheap.
* ``"bootstrap"``: resample the customers with replacement (with weighted rows, a multinomial
  draw on the weights: the same thing for rows that count customers), refit from the estimate,
  and keep each refit's parameters. Seeded, and parallel over ``n_jobs`` processes (a draw's
  resample depends on the seed only, not on ``n_jobs``). A refit that fails (a ConvergenceError,
  a boundary estimate or a fit without a positive definite Hessian) is counted in
  ``attrs["n_failed"]``, never dropped silently.

:func:`interval_from_draws` evaluates ``fn(model_at_draw)`` for each draw and returns the
estimate (``fn`` at the MLE) with the lower and upper quantiles of the draws: an equal-tailed
interval for the *model-implied quantity*. It covers parameter uncertainty only: what the
customers would do is the quantity's expectation under the model, not a customer's own
randomness (see ``purchase_count_interval`` on the purchase models for that).
"""

from __future__ import annotations

import copy
import os
import warnings
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pandas as pd

from crmstudy._checks import as_generator
from crmstudy.errors import ConvergenceError, CrmstudyError, ParameterError

__all__ = ["interval_from_draws", "model_at", "param_draws", "INTERVAL_METHODS"]

INTERVAL_METHODS = ("asymptotic", "bootstrap")




def _check_draw_args(method, n_draws, n_jobs) -> None:
    if method not in INTERVAL_METHODS:
        raise ParameterError(
            f"method={method!r} is not an interval method; choices: {', '.join(INTERVAL_METHODS)}"
        )
    if not isinstance(n_draws, int | np.integer) or n_draws < 2:
        raise ParameterError(f"n_draws must be a whole number >= 2, got {n_draws!r}")
    if not isinstance(n_jobs, int | np.integer) or n_jobs == 0 or n_jobs < -1:
        raise ParameterError(
            f"n_jobs must be a positive whole number or -1 (all cores), got {n_jobs!r}"
        )


def model_at(model, params) -> object:
    """A copy of ``model`` with ``params`` (array in ``param_names`` order) in place of its own.

    The copy shares the fit's data and period (so it predicts like the model would at those
    parameters) but not its standard errors: it is a point on the parameter space, not a fit.
    """
    out = copy.copy(model)
    out.__dict__.pop("_distinct_cache", None)
    out.params = pd.Series(np.asarray(params, dtype=float), index=model.params.index, copy=False)
    return out


def param_draws(
    model, n_draws: int = 1000, *, method: str = "asymptotic", seed=None, n_jobs: int = 1
) -> pd.DataFrame:
    """``n_draws`` parameter sets expressing the uncertainty of ``model``'s estimates.

    Returns a DataFrame with one column per parameter (``param_names``) and one row per
    successful draw; ``attrs``: ``method``, ``n_requested``, ``n_failed`` (bootstrap refits that
    failed; always 0 for the asymptotic method). See the module docstring for both methods.
    ``seed`` is an int or a numpy Generator (``None``: fresh entropy, not reproducible).
    """
    _check_draw_args(method, n_draws, n_jobs)
    if method == "asymptotic":
        model._needs_data("param_draws(method='asymptotic')")
        draws, n_failed = _asymptotic(model, int(n_draws), as_generator(seed)), 0
    else:
        model._needs_data("param_draws(method='bootstrap')")
        if model._fit_data is None:
            raise ParameterError(
                f"{type(model).__name__}: the bootstrap needs the data the model was fitted on, "
                "and this model does not hold them; refit it with .fit(...)"
            )
        draws, n_failed = _bootstrap(model, int(n_draws), as_generator(seed), int(n_jobs))
    frame = pd.DataFrame(draws, columns=list(model.param_names))
    frame.attrs.update(method=method, n_requested=int(n_draws), n_failed=int(n_failed))
    return frame


def _asymptotic(model, n_draws: int, rng: np.random.Generator) -> np.ndarray:
    est = model.params.to_numpy(dtype=float)
    cov = model.cov_params().to_numpy(dtype=float)
    if not np.all(np.isfinite(cov)) or not model._hessian_pd:
        raise ConvergenceError(
            f"{type(model).__name__}: the covariance of the estimates is not available (the "
            "Hessian at the optimum is not positive definite), so there is no asymptotic "
            "distribution to draw from; use method='bootstrap' or check the fit (summary())"
        )
    cov_log = cov / np.outer(est, est)
    cov_log = 0.5 * (cov_log + cov_log.T)
    chol = np.linalg.cholesky(cov_log)
    z = rng.standard_normal((n_draws, len(est)))
    return np.exp(np.log(est) + z @ chol.T)


def _refit_one(model, data, weights):
    """Refit ``model``'s class on resampled rows; the parameters, or ``None`` if the fit failed."""
    fresh = type(model)()
    fresh.period = model.period
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fresh._fit_mle(data, weights, initial_params=model.params.to_numpy(), compress=False)
            fresh._after_fit()
    except CrmstudyError:
        return None
    if not fresh._converged:
        return None
    return fresh.params.to_numpy(dtype=float)


def _refit_chunk(model, data, counts):
    return [_refit_one(model, data, c.astype(float)) for c in counts]


def _bootstrap(model, n_draws: int, rng: np.random.Generator, n_jobs: int):
    data, w = model._fit_data
    n = int(round(float(w.sum())))
    share = w / w.sum()
    # Every draw's resample comes from the one generator, in draw order: the same draws
    # whatever n_jobs is.
    counts = rng.multinomial(n, share, size=n_draws)
    jobs = (os.cpu_count() or 1) if n_jobs == -1 else n_jobs
    if jobs <= 1:
        results = _refit_chunk(model, data, counts)
    else:
        chunks = np.array_split(counts, min(jobs * 4, n_draws))
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            parts = pool.map(_refit_chunk, [model] * len(chunks), [data] * len(chunks), chunks)
            results = [r for part in parts for r in part]
    good = [r for r in results if r is not None]
    n_failed = n_draws - len(good)
    if not good:
        raise ConvergenceError(
            f"{type(model).__name__}: every one of the {n_draws} bootstrap refits failed; the "
            "data do not support a bootstrap interval (use method='asymptotic' or more data)"
        )
    return np.array(good), n_failed


def interval_from_draws(
    model,
    fn: Callable[[object], object],
    *,
    interval: float = 0.9,
    method: str = "asymptotic",
    n_draws: int = 1000,
    seed=None,
    n_jobs: int = 1,
    draws: pd.DataFrame | None = None,
):
    """Estimate and equal-tailed ``interval`` of ``fn(model)`` from parameter draws.

    ``fn`` takes a model (``model`` itself for the estimate, then :func:`model_at` each draw) and
    returns a number, an array or a Series (one value per customer, say). Returns, for a number,
    a Series with ``estimate``, ``lower``, ``upper``; otherwise a DataFrame with those columns
    (indexed like ``fn``'s Series, or 0..n-1). ``attrs``: ``interval``, ``method``,
    ``n_requested``, ``n_draws`` (draws used), ``n_failed`` (refits that failed plus draws at which
    ``fn`` raised a crmstudy error or was not finite: counted, reported in ``attrs`` and by a
    RuntimeWarning, never dropped silently),
    and ``covers`` (what the interval covers). Pass ``draws`` (from :func:`param_draws`) to reuse
    one set of draws for several quantities.
    """
    if not (isinstance(interval, int | float) and 0 < interval < 1):
        raise ParameterError(f"interval must be a level in (0, 1) such as 0.9, got {interval!r}")
    estimate = fn(model)
    if draws is None:
        draws = param_draws(model, n_draws, method=method, seed=seed, n_jobs=n_jobs)
    index = estimate.index if isinstance(estimate, pd.Series) else None
    est = np.asarray(estimate, dtype=float)
    values = []
    n_bad = 0
    for row in draws.to_numpy(dtype=float):
        try:
            v = np.asarray(fn(model_at(model, row)), dtype=float)
        except CrmstudyError:
            n_bad += 1
            continue
        if not np.all(np.isfinite(v)):
            n_bad += 1
            continue
        values.append(v)
    n_failed = int(draws.attrs.get("n_failed", 0)) + n_bad
    n_requested = int(draws.attrs.get("n_requested", len(draws)))
    if len(values) < 2:
        raise ConvergenceError(
            f"only {len(values)} of {n_requested} parameter draws gave a value; no interval"
        )
    if n_failed:
        warnings.warn(
            f"{n_failed} of {n_requested} parameter draws failed ({method}: refits that did not "
            "converge, or draws where the quantity is undefined); the interval uses the other "
            f"{len(values)}",
            RuntimeWarning,
            stacklevel=2,
        )
    stack = np.stack(values)
    tail = (1.0 - interval) / 2.0
    lower = np.quantile(stack, tail, axis=0)
    upper = np.quantile(stack, 1.0 - tail, axis=0)
    attrs = {
        "interval": float(interval),
        "method": draws.attrs.get("method", method),
        "n_requested": n_requested,
        "n_draws": len(values),
        "n_failed": n_failed,
        "covers": "parameter uncertainty of the estimates (not a customer's own randomness)",
    }
    if est.ndim == 0:
        out = pd.Series(
            [float(est), float(lower), float(upper)], index=["estimate", "lower", "upper"]
        )
    else:
        out = pd.DataFrame(
            {"estimate": est.ravel(), "lower": lower.ravel(), "upper": upper.ravel()},
            index=index,
        )
    out.attrs.update(attrs)
    return out

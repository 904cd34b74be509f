"""The shared base of every crmstudy model: maximum likelihood, standard errors, summary().

A model subclass declares its parameter names and implements one method,
``_loglik_rows(params, data)``, that returns the log-likelihood of each data row on the *paper's*
scale (time in the unit the data were summarised in, never rescaled). The base then:

* maximises the weighted sum over the rows, on the log scale of the (positive) parameters, with
  L-BFGS-B; a failed run falls back to Nelder-Mead and a tight L-BFGS-B polish;
* takes standard errors from the inverse of the Hessian of the negative log-likelihood at the
  optimum, on the natural parameter scale;
* reports ``params`` (a named Series), ``bse``, ``loglik``, ``aic``, ``bic``, ``nobs`` and a
  statsmodels-style ``summary()``.

A model may also implement ``_loglik_grad_rows(params, data)``, the gradient of each row's
log-likelihood on the natural scale (shape ``(n_rows, k)``), or ``_loglik_and_grad_rows`` to share
work between the two. L-BFGS-B then uses it (``jac=``, mapped to the log scale by the chain rule
d/d log theta = theta d/d theta), and the Hessian is taken from central differences of the
gradient (2k gradients). Without it, gradients are numerical and the Hessian comes from second
differences of the likelihood (``statsmodels.tools.numdiff.approx_hess3``).

A model may go further and implement ``_loglik_grad_hess_total(params, data, weights, order)``:
the weighted totals of the log-likelihood, its gradient and its exact Hessian in one pass. The
base then maximises by Newton's method on the log parameters (:meth:`_maximise_newton`), which
converges quadratically, in a handful of passes, and takes the covariance from the Hessian of the
last one; a Newton run that fails falls back to the L-BFGS-B path above.

Rows are compressed by :func:`compress_rows`: customers with identical (frequency, recency, T) share
one row with a weight, so a fit costs the number of distinct rows, not the number of customers.
A model whose evaluations cost less per row than the grouping does (``compress_fit_rows =
False``: BG/NBD and MBG/NBD) fits every row instead.
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence
from typing import ClassVar

import numpy as np
import pandas as pd
from scipy import optimize, stats

from crmstudy.errors import ConvergenceError, DataError, ParameterError
from crmstudy.formatting import format_number

__all__ = ["LikelihoodModel", "compress_rows", "as_weights", "invert_hessian", "standard_errors"]


def compress_rows(
    data: Mapping[str, np.ndarray], weights: np.ndarray | None = None
) -> tuple[dict[str, np.ndarray], np.ndarray]:
    """Group identical rows of ``data`` and sum their weights.

    ``data`` maps column names to equal-length 1-d arrays. Returns the distinct rows (same keys),
    in lexicographic order of the columns, and the weight of each (the number of customers, or
    the sum of the given weights).
    """
    names = list(data)
    columns = [np.asarray(data[n], dtype=float) for n in names]
    n = len(columns[0])
    w = as_weights(weights, n)
    if n == 0:
        return {k: c for k, c in zip(names, columns, strict=True)}, w
    member, inverse = _row_groups(columns)
    summed = np.bincount(inverse, weights=w, minlength=len(member))
    return {k: c[member] for k, c in zip(names, columns, strict=True)}, summed


def _row_groups(columns: Sequence[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """A row of each distinct row of ``columns`` (lexicographic order) and each row's group.

    Each column is coded by the rank of its value (a hash-based factorisation, far cheaper than
    sorting the rows as records: 0.1 s instead of 3-6 s for 10^6 customers), and the codes are
    combined into one integer key whose order is the rows' lexicographic order.
    """
    key = None
    size = 1
    for col in columns:
        codes, uniques = pd.factorize(col, sort=True)
        m = len(uniques)
        if key is None:
            key, size = codes.astype(np.int64), m
            continue
        if size * m >= 2**62:
            # Re-rank the key so far (at most n distinct values) before it could overflow.
            key = pd.factorize(key, sort=True)[0].astype(np.int64)
            size = int(key.max()) + 1
        key = key * m + codes
        size *= m
    inverse, distinct = pd.factorize(key, sort=True)
    # Rows of a group are identical, so any member represents it.
    member = np.empty(len(distinct), dtype=np.int64)
    member[inverse] = np.arange(len(key))
    return member, inverse


def _same_frozen(cached: np.ndarray, column: np.ndarray) -> bool:
    """Whether ``column`` is the very read-only memory ``cached`` was taken from.

    The fit freezes its data arrays (``_fit_mle``), so the optimiser's repeated calls are
    recognised by the data pointer instead of comparing every element (0.24 s per 10^6-customer
    fit); any other array is compared element by element.
    """
    return (
        not cached.flags.writeable
        and not column.flags.writeable
        and cached.shape == column.shape
        and cached.__array_interface__["data"][0] == column.__array_interface__["data"][0]
        and cached.strides == column.strides
    )


def as_weights(weights, n: int) -> np.ndarray:
    """Validate optional row weights (counts of customers); ``None`` means one customer per row."""
    if weights is None:
        return np.ones(n)
    w = np.asarray(weights, dtype=float)
    if w.shape != (n,):
        raise DataError(f"weights has shape {w.shape}, expected ({n},): one weight per row")
    bad = ~np.isfinite(w) | (w < 0)
    if bad.any():
        row = int(np.flatnonzero(bad)[0])
        raise DataError(f"weights must be finite and >= 0; row {row} has {w[row]!r}")
    return w


def invert_hessian(hess: np.ndarray) -> tuple[np.ndarray, bool]:
    """The covariance of the estimates from the Hessian of -LL at the optimum.

    Returns ``(cov, positive_definite)``: the inverse of ``hess`` (all NaN when it is singular)
    and whether ``hess`` is positive definite (a Cholesky factor exists), i.e. whether the
    optimum is a proper maximum with an asymptotic normal distribution to draw from.
    """
    try:
        np.linalg.cholesky(hess)
        positive_definite = True
    except np.linalg.LinAlgError:
        positive_definite = False
    try:
        cov = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        cov = np.full_like(hess, np.nan)
    return cov, positive_definite


def standard_errors(cov: np.ndarray) -> np.ndarray:
    """Square roots of the covariance's diagonal; NaN where a variance is not positive."""
    diag = np.diag(cov)
    return np.where(diag > 0, np.sqrt(np.abs(diag)), np.nan)


class _CovParams:
    """What ``model.cov_params`` returns: call it for the covariance matrix (statsmodels' word).

    Until crmstudy 0.3 ``cov_params`` was a DataFrame attribute; attribute-style use
    (``model.cov_params.loc[...]``, ``np.asarray(model.cov_params)``) still works for one release
    and warns with a DeprecationWarning naming ``model.cov_params()``.
    """

    __slots__ = ("_model",)

    def __init__(self, model: LikelihoodModel) -> None:
        self._model = model

    def __call__(self) -> pd.DataFrame:
        """Covariance matrix of the estimates (natural scale), from the inverse Hessian."""
        self._model._needs_data("cov_params()")
        return self._model._cov.copy()

    def _legacy(self) -> pd.DataFrame:
        warnings.warn(
            "model.cov_params is a method: call model.cov_params() (the attribute form is "
            "deprecated and goes in the next release)",
            DeprecationWarning,
            stacklevel=3,
        )
        self._model._needs_data("cov_params")
        return self._model._cov

    def __getattr__(self, name):
        return getattr(self._legacy(), name)

    def __getitem__(self, key):
        return self._legacy()[key]

    def __array__(self, dtype=None, copy=None):
        return np.asarray(self._legacy(), dtype=dtype)

    def __repr__(self) -> str:
        return f"<bound method cov_params of {self._model!r}>"


class LikelihoodModel:
    """Base class: maximum-likelihood fitting and the statsmodels-style results interface.

    Subclasses set ``param_names`` and implement ``_loglik_rows``; their ``fit`` validates the
    data, then calls :meth:`_fit_mle`. A fitted model is the estimator itself (``fit`` returns
    ``self``), carrying ``params``, ``bse``, ``llf``, ``cov_params()``, ``conf_int()``, ``aic``,
    ``bic``, ``converged``, ``nobs`` and ``summary()``. A model made by :meth:`from_params` has
    ``params`` and ``period`` only: everything that needs the data raises a
    :class:`~crmstudy.errors.ParameterError` that says so.
    """

    #: Names of the parameters, in the order ``_loglik_rows`` takes them.
    param_names: ClassVar[tuple[str, ...]] = ()
    #: A one-line name for summaries, with its source.
    model_name: ClassVar[str] = "model"
    #: Whether the model's quantities have a time unit (``period`` required by from_params).
    needs_period: ClassVar[bool] = True
    #: Whether a fit compresses identical rows into one with a weight (:func:`compress_rows`).
    #: Worth it when an evaluation costs far more per row than grouping does (the grouping
    #: factorises every column: about 0.4 s for 10^6 customers); a model whose one-pass totals
    #: cost a few nanoseconds per row (BG/NBD) fits every row instead.
    compress_fit_rows: ClassVar[bool] = True
    #: What to try when a fit fails; appended to every ConvergenceError of the model.
    convergence_advice: ClassVar[str] = (
        "Try initial_params=, and check that the data's time unit is the one you meant (a rate "
        "per day fitted on weeks looks degenerate)."
    )

    def __init__(self) -> None:
        self.params: pd.Series | None = None
        self.period: str | None = None
        self.nobs: float | None = None
        # Rows the likelihood was evaluated on: the distinct rows if the fit compressed them
        # (compress_fit_rows), every row with a positive weight otherwise.
        self.n_distinct_rows: int | None = None
        self._bse: pd.Series | None = None
        self._cov: pd.DataFrame | None = None
        self._llf: float | None = None
        self._converged: bool | None = None
        self._boundary: str = ""
        self._held_data: tuple[dict[str, np.ndarray], np.ndarray, bool] | None = None
        self._optimizer_message: str = ""
        self._hessian_pd: bool = False
        self._failure: str = ""

    @property
    def _fit_data(self) -> tuple[dict[str, np.ndarray], np.ndarray] | None:
        """The rows and weights the fit is resampled from (bootstrap): distinct rows, weighted.

        A model that fits every row (``compress_fit_rows`` False) has them compressed here, on
        first use only: the bootstrap's resamples are drawn over the same distinct rows as
        before that model stopped compressing, so a seed gives the same draws.
        """
        if self._held_data is None:
            return None
        data, w, compress = self._held_data
        if compress:
            data, w = self._fit_rows(data, w, True)
            self._held_data = (data, w, False)
        return data, w

    @_fit_data.setter
    def _fit_data(self, value) -> None:
        self._held_data = None if value is None else (*value, False)

    # --- construction from known parameters --------------------------------------------------
    @classmethod
    def from_params(cls, params=None, *, period: str | None, **named):
        """A model with given parameters (e.g. published estimates), without fitting.

        ``params`` is a mapping or Series naming every parameter of ``param_names``, or a
        sequence in that order; or give them by name (``BGNBD.from_params(r=0.243, alpha=4.414,
        a=0.793, b=2.426, period="W")``). ``period`` is the time unit the rates are in (required
        for every model with time in it; Gamma-Gamma takes ``period=None``). Predictions work as
        after ``fit``; ``bse``, ``llf``, ``aic``, ``bic``, ``converged``, ``cov_params()``,
        ``conf_int()`` and ``summary()`` need the data and raise a ParameterError saying so.
        """
        from crmstudy.units import check_period

        names = list(cls.param_names)
        if params is not None and named:
            raise ParameterError(
                f"{cls.__name__}.from_params: give the parameters either as params= or by name "
                f"({', '.join(names)}), not both"
            )
        if params is None:
            params = named
        if isinstance(params, pd.Series):
            params = params.to_dict()
        if isinstance(params, Mapping):
            extra = [k for k in params if k not in names]
            missing = [k for k in names if k not in params]
            if extra or missing:
                raise ParameterError(
                    f"{cls.__name__}.from_params needs exactly {', '.join(names)}; "
                    + (f"missing {missing}" if missing else "")
                    + ("; " if extra and missing else "")
                    + (f"unknown {extra}" if extra else "")
                )
            values = [params[k] for k in names]
        else:
            values = list(np.asarray(params, dtype=float).ravel())
            if len(values) != len(names):
                raise ParameterError(
                    f"{cls.__name__}.from_params needs {len(names)} values ({', '.join(names)}), "
                    f"got {len(values)}"
                )
        out = []
        for name, value in zip(names, values, strict=True):
            try:
                v = float(value)
            except (TypeError, ValueError):
                raise ParameterError(
                    f"{cls.__name__}.from_params: {name}={value!r} is not a number"
                ) from None
            if not (np.isfinite(v) and v > 0):
                raise ParameterError(
                    f"{cls.__name__}.from_params: {name}={value!r} must be a finite number > 0"
                )
            out.append(v)
        if period is None and cls.needs_period:
            raise ParameterError(
                f"{cls.__name__}.from_params needs period= (the time unit its rates are in: "
                "'D', 'W', 'M', 'Q' or 'Y')"
            )
        model = cls()
        model.params = pd.Series(out, index=names, name="estimate")
        model.period = check_period(period) if period is not None else None
        return model

    # --- results that need the data ------------------------------------------------------------
    def _needs_data(self, what: str) -> None:
        """Raise a clear error when ``what`` is asked of a model that has no data behind it."""
        self._check_fitted(allow_failed=True)
        if self._llf is None:
            raise ParameterError(
                f"{type(self).__name__}.{what} needs the data the model is fitted on: this one "
                "was built with from_params (parameters only, no likelihood, standard errors or "
                f"covariance). Fit it with {type(self).__name__}().fit(...) to get {what}"
            )

    @property
    def bse(self) -> pd.Series:
        """Standard errors of the estimates (natural scale), from the inverse Hessian."""
        self._needs_data("bse")
        return self._bse

    @bse.setter
    def bse(self, value) -> None:
        self._bse = value

    @property
    def llf(self) -> float:
        """The maximised log-likelihood, on the paper's scale (comparable with published LLs)."""
        self._needs_data("llf")
        return self._llf

    @property
    def loglik(self) -> float:
        """Alias of :attr:`llf` (crmstudy's earlier name; kept, no warning)."""
        return self.llf

    @property
    def converged(self) -> bool:
        """Whether the fit reached a proper interior maximum (positive definite Hessian)."""
        self._needs_data("converged")
        return self._converged

    @converged.setter
    def converged(self, value) -> None:
        self._converged = value

    @property
    def cov_params(self) -> _CovParams:
        """Call ``model.cov_params()`` for the covariance matrix of the estimates."""
        return _CovParams(self)

    @property
    def has_data(self) -> bool:
        """Whether the model was fitted on data (False for :meth:`from_params`)."""
        return self.params is not None and self._llf is not None

    # --- to implement -----------------------------------------------------------------------
    def _loglik_rows(self, params: np.ndarray, data: Mapping[str, np.ndarray]) -> np.ndarray:
        """Log-likelihood of each row of ``data`` at ``params`` (natural scale)."""
        raise NotImplementedError

    def _loglik_grad_rows(self, params: np.ndarray, data: Mapping[str, np.ndarray]) -> np.ndarray:
        """Optional: gradient of each row's log-likelihood, shape ``(n_rows, k)`` (natural scale).

        A model that implements it is fitted with the analytic gradient (L-BFGS-B with ``jac=``
        on the log scale) and its Hessian is taken from differences of the gradient.
        """
        raise NotImplementedError

    def _loglik_and_grad_rows(self, params: np.ndarray, data: Mapping[str, np.ndarray]):
        """``(_loglik_rows, _loglik_grad_rows)``; override to share work between the two."""
        return self._loglik_rows(params, data), self._loglik_grad_rows(params, data)

    def _loglik_grad_hess_total(self, params: np.ndarray, data, weights, order: int = 2):
        """Optional: ``(sum w ll, sum w grad, sum w hess)`` at ``params``, natural scale.

        The Hessian is that of the log-likelihood (k x k); ``order`` 0 may return ``None`` for
        the gradient and the Hessian, 1 for the Hessian. A model that implements it is fitted by
        Newton's method (:meth:`_maximise_newton`) and its covariance is the inverse of this
        Hessian at the optimum.
        """
        raise NotImplementedError

    def _initial_params(self, data: Mapping[str, np.ndarray], weights: np.ndarray) -> np.ndarray:
        """A starting point for the optimiser (natural scale). Subclasses may do better."""
        return np.ones(len(self.param_names))

    def _distinct(self, key: str, *columns):
        """Distinct rows of ``columns`` (one array each) and each row's index into them.

        Likelihood terms that depend on a few columns only (x alone; x and t_x) take far fewer
        distinct values than there are rows, so they are evaluated once per distinct value. The
        decomposition is cached under ``key`` and reused while the optimiser calls again with
        the same data.
        """
        columns = [np.asarray(c, dtype=float).ravel() for c in columns]

        def build():
            if len(columns) == 1:
                values, inverse = np.unique(columns[0], return_inverse=True)
                return (values,), inverse.ravel()
            member, inverse = _row_groups(columns)
            return tuple(c[member] for c in columns), inverse.ravel()

        return self._cached(f"distinct:{key}", columns, build)

    def _cached(self, key: str, arrays: Sequence[np.ndarray], build):
        """``build()``, computed once per ``key`` while ``arrays`` stay the same.

        What a likelihood derives from the data alone (distinct values, rows arranged for a
        fast pass) is reused across the optimiser's calls. The fit's arrays are frozen, so they
        are recognised by their memory (:func:`_same_frozen`); any other array is compared
        element by element (and copied if it could change in place).
        """
        cache = self.__dict__.setdefault("_distinct_cache", {})
        hit = cache.get(key)
        if hit is not None and all(
            _same_frozen(a, c) or (a.shape == c.shape and np.array_equal(a, c))
            for a, c in zip(hit[1], arrays, strict=True)
        ):
            return hit[0]
        value = build()
        cache[key] = (value, [c if not c.flags.writeable else c.copy() for c in arrays])
        return value

    # --- fitting ----------------------------------------------------------------------------
    def _negloglik(self, params: np.ndarray, data, weights) -> float:
        with np.errstate(all="ignore"):
            ll = self._loglik_rows(params, data)
        total = float(np.dot(weights, ll))
        return -total if np.isfinite(total) else np.inf

    def _fit_mle(
        self,
        data: Mapping[str, np.ndarray],
        weights: np.ndarray | None = None,
        *,
        initial_params: Sequence[float] | None = None,
        compress: bool | None = None,
        maxiter: int = 10_000,
    ):
        """Maximise the likelihood and store the results on ``self``; returns ``self``.

        ``compress``: fit the distinct rows with weights (:func:`compress_rows`) or every row;
        ``None`` takes the model's :attr:`compress_fit_rows`.
        """
        from crmstudy.models._threads import single_blas_thread

        with single_blas_thread():
            return self._fit_mle_inner(data, weights, initial_params, compress, maxiter)

    def _fit_mle_inner(self, data, weights, initial_params, compress, maxiter):
        raw = {k: np.asarray(v, dtype=float) for k, v in data.items()}
        raw_w = as_weights(weights, len(next(iter(raw.values()))))
        # Every fit compressed its rows before Newton's method came; the fallback below still
        # does, unless the caller said otherwise.
        compress_before = True if compress is None else compress
        if compress is None:
            compress = self.compress_fit_rows
        data, w = self._fit_rows(raw, raw_w, compress)
        if initial_params is not None:
            given = np.asarray(initial_params, dtype=float)
            if (
                given.shape != (len(self.param_names),)
                or np.any(given <= 0)
                or not np.all(np.isfinite(given))
            ):
                raise ParameterError(
                    f"initial_params must be {len(self.param_names)} positive numbers "
                    f"({', '.join(self.param_names)}), got {initial_params!r}"
                )

        def start_point():
            if initial_params is None:
                return np.asarray(self._initial_params(data, w), dtype=float)
            return given

        x0 = start_point()
        if self._has_hessian():
            newton = self._fit_newton(np.log(x0), data, w)
            if newton is not None:
                self._store_fit(newton, data, w, compress_later=compress_before and not compress)
                if not self._identification_problem():
                    self._failure = ""
                    return self
            # Newton failed, or found a maximum the data do not identify (far along a flat
            # ridge, e.g. a Beta mixing distribution degenerating to a point mass). Such a fit
            # is decided as before Newton's method was added: L-BFGS-B on the rows as they were
            # then, from the start computed from them. It stops earlier on the ridge, at a point
            # that depends on the rounding of the sums, and the checks accept or refuse that
            # point as they did.
            if compress_before != compress:
                data, w = self._fit_rows(raw, raw_w, compress_before)
                x0 = start_point()

        def objective(log_params: np.ndarray) -> float:
            return self._negloglik(np.exp(log_params), data, w)

        if not np.isfinite(objective(np.log(x0))):
            raise ConvergenceError(
                f"{self.model_name}: the log-likelihood is not finite at the starting point "
                f"{ {k: float(v) for k, v in zip(self.param_names, x0, strict=True)} }; pass "
                f"initial_params= closer to plausible values. {self.convergence_advice}"
            )
        self._store_fit(self._maximise_quasi_newton(objective, x0, data, w, maxiter), data, w)
        self._failure = ""
        self._check_identified()
        return self

    @staticmethod
    def _fit_rows(data, w, compress: bool):
        """The rows a fit sees (compressed or not, zero weights dropped), frozen, and weights.

        Always copies: the fit freezes its arrays (the likelihood caches recognise them by
        their memory), and they must not be the caller's.
        """
        if compress:
            data, w = compress_rows(data, w)
        keep = w > 0
        if keep.all():
            data = {k: v.copy() for k, v in data.items()}
            w = w.copy()
        else:
            data = {k: v[keep] for k, v in data.items()}
            w = w[keep]
        for v in (*data.values(), w):
            v.setflags(write=False)
        if w.sum() <= 0:
            raise DataError("there are no observations to fit (all weights are zero)")
        return data, w

    def _maximise_quasi_newton(self, objective, x0, data, w, maxiter):
        """L-BFGS-B (analytic or numerical gradient), Nelder-Mead if that fails; a result."""
        try:
            best = None
            if self._has_gradient():
                best = self._maximise_with_gradient(np.log(x0), data, w, maxiter)
            if best is None:
                best = self._maximise_numerically(objective, np.log(x0), maxiter)
        except (ValueError, ZeroDivisionError, FloatingPointError) as exc:
            # A trial point so far out that a special function refuses it (scipy's quad:
            # "The input is invalid"): the fit has run away, which is a convergence failure.
            raise ConvergenceError(
                f"{self.model_name}: maximum likelihood did not converge: the optimiser tried "
                f"parameters where the likelihood cannot be evaluated ({type(exc).__name__}: "
                f"{exc}). {self.convergence_advice}"
            ) from exc
        return best

    def _store_fit(self, best, data, w, compress_later: bool = False) -> None:
        """Estimates, log-likelihood, covariance and data of an optimiser's result on ``self``.

        ``compress_later``: the rows are every customer's, uncompressed, where every fit
        before Newton's method kept compressed rows; :attr:`_fit_data` compresses them when the
        bootstrap first asks (so that its resamples, and the intervals, stay as they were).
        """
        if not np.isfinite(best.fun) or np.any(np.abs(best.x) > 30):
            raise ConvergenceError(
                f"{self.model_name}: maximum likelihood did not converge (a parameter ran towards 0 "
                f"or infinity: log-params {np.round(best.x, 2).tolist()}; optimiser says "
                f"{best.message!r}). {self.convergence_advice}"
            )
        estimate = np.exp(best.x)
        self.params = pd.Series(estimate, index=list(self.param_names), name="estimate")
        newton_hit = getattr(best, "totals", None)
        if newton_hit is not None:
            # Newton's last pass was at the estimate: its log-likelihood and Hessian are exact.
            self._llf = float(newton_hit[0])
        else:
            self._llf = -float(self._negloglik(estimate, data, w))
        self.nobs = float(w.sum())
        self.n_distinct_rows = int(len(w))
        self._optimizer_message = str(best.message)
        self._set_covariance(data, w, None if newton_hit is None else -newton_hit[2])
        # Converged means a proper interior maximum: finite standard errors from a positive
        # definite Hessian. A degenerate optimum (a parameter drifting off to a boundary along a
        # flat ridge) fails this and shows as "Converged: False" in summary().
        self._converged = bool(np.all(np.isfinite(self._bse.to_numpy())) and self._hessian_pd)
        # The fit keeps its data: the bootstrap of param_draws resamples it.
        self._held_data = (data, w, compress_later)

    #: A parameter whose standard error on the log scale exceeds this is not identified: its
    #: 90% interval would span a factor of exp(2 * 1.645 * 10), about 10^14. Published fits
    #: have 0.04-0.6 (CDNOW BG/NBD, Pareto/NBD, Gamma-Gamma; donations BG/BB).
    max_log_se: ClassVar[float] = 10.0
    #: Estimates outside [low, high] are at the edge of the parameter space.
    boundary: ClassVar[tuple[float, float]] = (1e-6, 1e6)

    def _check_identified(self) -> None:
        """Refuse a fit that is not a proper interior maximum; raise ConvergenceError saying why.

        Three ways a fit fails: the Hessian at the optimum is not positive definite (a flat or
        rising direction: no maximum there), an estimate ran to the edge of the parameter space
        (below 1e-6 or above 1e6), or a parameter's standard error on the log scale exceeds
        ``max_log_se`` (the optimiser stopped somewhere along a ridge towards a boundary: a Beta
        or Gamma mixing distribution degenerating to a point mass, typically). The model keeps
        its estimates for inspection (``params``, ``bse``, ``summary()``), ``converged`` is
        False, and every prediction from it raises the same error.
        """
        problem = self._identification_problem()
        if problem:
            self._converged = False
            self._failure = f"{self.model_name}: {problem}"
            raise ConvergenceError(f"{self._failure}. {self.convergence_advice}")

    def _identification_problem(self) -> str:
        """Why the stored fit is not a proper interior maximum (see _check_identified); or ''."""
        names = list(self.param_names)
        est = self.params.to_numpy()
        low, high = self.boundary
        edge = [(n, v) for n, v in zip(names, est, strict=True) if v < low or v > high]
        log_se = self._bse.to_numpy() / est
        loose = [
            (n, v, s)
            for n, v, s in zip(names, est, log_se, strict=True)
            if np.isfinite(s) and s > self.max_log_se
        ]
        if edge:
            # Written without an exponent (format_number): the message reaches report pages.
            found = ", ".join(f"{n}={format_number(v)}" for n, v in edge)
            return f"the fit ran to a boundary ({found}): the data do not identify the model"
        if not self._hessian_pd or not np.all(np.isfinite(log_se)):
            return (
                "the fit did not converge to a maximum: the Hessian of the log-likelihood at "
                "the optimiser's last point is not negative definite (a flat direction)"
            )
        if loose:
            found = ", ".join(
                f"{n}={format_number(v)} (log-scale std err {format_number(s)})"
                for n, v, s in loose
            )
            return (
                f"the fit ran towards a boundary along a flat ridge ({found}): the data do not "
                "identify these parameters"
            )
        return ""

    def _has_gradient(self) -> bool:
        """Whether the model implements the analytic gradient ``_loglik_grad_rows``."""
        return type(self)._loglik_grad_rows is not LikelihoodModel._loglik_grad_rows

    def _has_hessian(self) -> bool:
        """Whether the model implements the exact totals ``_loglik_grad_hess_total``."""
        return type(self)._loglik_grad_hess_total is not LikelihoodModel._loglik_grad_hess_total

    #: Newton's method stops when its next step changes no log parameter by more than this
    #: (a relative change of the parameter): the estimate is then that close to the optimum,
    #: 10^-4 of a standard error even at 10^6 customers, and three digits below the fourth
    #: significant one. (Steps fall like 1e-2, 1e-4, 1e-8, 1e-15: quadratic convergence.)
    newton_step_tol: ClassVar[float] = 1e-7
    #: Iterations before Newton's method gives up (and the L-BFGS-B path takes over).
    newton_maxiter: ClassVar[int] = 100

    #: Above this many rows, Newton's method starts from the optimum of a systematic subsample
    #: (every k-th row, about this many rows): it costs ~1/k of a pass per iteration and saves
    #: the full-data passes of the first iterations (7 passes become 4 on 10^6 customers).
    newton_subsample_rows: ClassVar[int] = 65_536

    def _fit_newton(self, start: np.ndarray, data, w):
        """:meth:`_maximise_newton` on all rows, from a subsample's optimum when there are many.

        The subsample only moves the starting point: the result is the full data's optimum
        (to ``newton_step_tol``) either way. If the subsample's fit fails, the full fit starts
        from ``start``.
        """
        n_rows = len(w)
        if n_rows > 4 * self.newton_subsample_rows:
            k = n_rows // self.newton_subsample_rows
            sub = self._maximise_newton(start, {c: v[::k] for c, v in data.items()}, w[::k])
            if sub is not None:
                start = sub.x
        return self._maximise_newton(start, data, w)

    def _maximise_newton(self, start: np.ndarray, data, w):
        """Newton's method on the log parameters with the exact Hessian; ``None`` if it failed.

        Minimises f(phi) = -LL(e^phi) / n (n: customers), whose gradient and Hessian follow from
        the natural-scale ones by the chain rule: ``g_phi = theta g`` and ``H_phi = D H D +
        diag(theta g)`` with ``D = diag(theta)``. Far from the optimum the Hessian may be
        indefinite: its eigenvalues are then taken in absolute value (bounded away from zero),
        which keeps the step a descent direction; a step moves no log parameter by more than 1
        (a factor e), and is halved until f decreases (Armijo). Converged when the Hessian is
        positive definite and the next Newton step is below ``newton_step_tol`` in every log
        parameter (quadratic convergence: 4-7 passes from a moderate start). The returned
        result carries ``totals``, the last pass (at the estimate): (LL, gradient, Hessian),
        natural scale. ``None`` (the caller falls back to L-BFGS-B) if a pass is not finite at
        the start, a log parameter leaves (-30, 30), or the iterations run out.
        """
        n = float(w.sum())

        def evaluate(phi):
            theta = np.exp(phi)
            with np.errstate(all="ignore"):
                ll, grad, hess = self._loglik_grad_hess_total(theta, data, w, 2)
            if not (np.isfinite(ll) and np.all(np.isfinite(grad)) and np.all(np.isfinite(hess))):
                return None
            g_phi = -(theta * grad) / n
            h_phi = -(theta[:, None] * hess * theta[None, :] + np.diag(theta * grad)) / n
            return -ll / n, g_phi, 0.5 * (h_phi + h_phi.T), (ll, grad, hess)

        phi = np.asarray(start, dtype=float)
        current = evaluate(phi)
        if current is None:
            return None
        for iteration in range(1, self.newton_maxiter + 1):
            f, g, h, totals = current
            eig, vec = np.linalg.eigh(h)
            definite = bool(eig[0] > 0)
            floor = 1e-8 * max(float(np.abs(eig).max()), 1e-300)
            step = -vec @ ((vec.T @ g) / np.maximum(np.abs(eig), floor))
            size = float(np.abs(step).max())
            if definite and size <= self.newton_step_tol:
                return optimize.OptimizeResult(
                    x=phi,
                    fun=f * n,
                    jac=g * n,
                    nit=iteration,
                    success=True,
                    message="Newton: the next step is below newton_step_tol",
                    totals=totals,
                )
            if size > 1.0:
                step = step / size
            slope = float(g @ step)
            t = 1.0
            while True:
                trial_phi = phi + t * step
                trial = evaluate(trial_phi) if np.all(np.abs(trial_phi) < 30) else None
                # Near the optimum the decrease is below the rounding of f (1e-16 relative):
                # a full step of a definite Newton iteration is then taken on the gradient alone.
                noise = definite and t == 1.0 and -slope <= 1e-13 * max(abs(f), 1.0)
                if trial is not None and (
                    trial[0] <= f + 1e-4 * t * slope
                    or (noise and np.abs(trial[1]).max() < np.abs(g).max())
                ):
                    break
                t *= 0.5
                if t < 1e-10:
                    return None
            phi, current = trial_phi, trial
        return None

    #: Distinct rows above which a model's grouped ``_loglik_and_grad_total`` is used.
    grouped_sum_rows: ClassVar[int] = 50_000

    def _negloglik_and_grad(self, params: np.ndarray, data, weights):
        """Negative log-likelihood and its gradient (natural scale); ``(inf, None)`` if not finite.

        A model may implement ``_loglik_and_grad_total(params, data, weights)`` returning the
        weighted sums directly (cheaper than the row-wise arrays); it is used above
        ``grouped_sum_rows`` distinct rows. The two agree to ~1e-13, but the optimiser stops
        where the gradient first falls below its tolerance, so a different rounding moves the
        estimate within that tolerance (~1e-7 relative on CDNOW): below the threshold (every
        published fit, every report) the row sums are kept so that no reported number moves.
        """
        with np.errstate(all="ignore"):
            total_fn = getattr(self, "_loglik_and_grad_total", None)
            if total_fn is not None and len(weights) > self.grouped_sum_rows:
                total, g = total_fn(params, data, weights)
            else:
                ll, grad = self._loglik_and_grad_rows(params, data)
                total, g = float(np.dot(weights, ll)), weights @ grad
        if not (np.isfinite(total) and np.all(np.isfinite(g))):
            return np.inf, None
        return -total, -g

    def _maximise_numerically(self, objective, start: np.ndarray, maxiter: int):
        """L-BFGS-B with numerical gradients, Nelder-Mead if that fails, then a tight polish.

        The polish is needed here: the first pass stops on a relative reduction of the objective
        that, for 10^5-10^6 customers, leaves the last reported digits unsettled. (A single tight
        pass instead was tried and lands elsewhere on the flat ridge of the Pareto/NBD optimum,
        e.g. beta = 11.6679 instead of 11.6687 on CDNOW, both within the numerical gradient's
        noise: not adopted, so that results stay as they were.)
        """
        best = None
        x_start = start
        for method in ("L-BFGS-B", "Nelder-Mead"):
            options = {"maxiter": maxiter}
            if method == "Nelder-Mead":
                options.update(xatol=1e-10, fatol=1e-10, maxfev=maxiter * 4)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = optimize.minimize(objective, x_start, method=method, options=options)
            if best is None or (np.isfinite(res.fun) and res.fun <= best.fun):
                best = res
            x_start = best.x
            if res.success and np.all(np.abs(res.x) < 30):
                break
        # Polish: a final L-BFGS-B pass from the best point tightens the optimum.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            polish = optimize.minimize(
                objective,
                best.x,
                method="L-BFGS-B",
                options={"maxiter": maxiter, "ftol": 1e-15, "gtol": 1e-9},
            )
        if np.isfinite(polish.fun) and polish.fun <= best.fun:
            best = polish
        return best

    def _maximise_with_gradient(self, start: np.ndarray, data, w, maxiter: int):
        """L-BFGS-B on the log parameters with the analytic gradient; ``None`` if it failed.

        By the chain rule, d(-LL)/d log(theta) = theta * d(-LL)/d theta. The fit counts as clean
        when every component of that gradient is below ``1e-6`` per customer: a Newton step of
        at most ~1e-6 (relative) in each parameter, far below any reported digit. Otherwise the
        caller falls back to the derivative-free path (Nelder-Mead and a polish).
        """

        def fun(log_params):
            theta = np.exp(log_params)
            value, grad = self._negloglik_and_grad(theta, data, w)
            if grad is None:
                return np.inf, np.zeros_like(theta)
            return value, grad * theta

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            res = optimize.minimize(
                fun,
                start,
                jac=True,
                method="L-BFGS-B",
                options={"maxiter": maxiter, "ftol": 1e-15, "gtol": 1e-10 * float(w.sum())},
            )
        clean = (
            np.isfinite(res.fun)
            and np.all(np.abs(res.x) < 30)
            and res.jac is not None
            and np.max(np.abs(res.jac)) <= 1e-6 * float(w.sum())
        )
        return res if clean else None

    def _set_covariance(self, data, w, hess: np.ndarray | None = None) -> None:
        """Covariance and standard errors from ``hess``, the Hessian of -LL at the estimate.

        Without ``hess`` (a fit by L-BFGS-B), it is taken from differences of the analytic
        gradient, or of the likelihood when the model has no gradient.
        """
        est = self.params.to_numpy()
        names = list(self.param_names)
        if hess is None and self._has_gradient():
            hess = self._hessian_from_gradient(est, data, w)
        if hess is None:
            hess = self._hessian_numerical(est, data, w)
        cov, self._hessian_pd = invert_hessian(hess)
        self._cov = pd.DataFrame(cov, index=names, columns=names)
        self._bse = pd.Series(standard_errors(cov), index=names, name="std_err")

    def _hessian_numerical(self, est: np.ndarray, data, w) -> np.ndarray:
        """Hessian of -LL (natural scale) from second differences of the likelihood."""
        from statsmodels.tools.numdiff import approx_hess3

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            # Differentiate on the log scale (steps relative to each parameter's size), then map
            # to the natural scale with the delta method: d theta = theta * d log theta.
            hess_log = approx_hess3(np.log(est), lambda lp: self._negloglik(np.exp(lp), data, w))
        jac = np.diag(1.0 / est)
        # The gradient is zero at the optimum, so H_natural = J^T H_log J with J = d log / d theta.
        return jac.T @ hess_log @ jac

    def _hessian_from_gradient(self, est: np.ndarray, data, w) -> np.ndarray | None:
        """Hessian of -LL (natural scale) by central differences of the analytic gradient.

        Steps are relative, ``h_i = theta_i * eps^(1/3)`` (truncation and rounding error both
        ~1e-10 relative); 2k gradient evaluations instead of the ~2k^2 likelihood evaluations of
        second differences. Returns ``None`` if a gradient is not finite there.
        """
        k = len(est)
        hess = np.empty((k, k))
        for i in range(k):
            h = est[i] * np.finfo(float).eps ** (1 / 3)
            up, down = est.copy(), est.copy()
            up[i] += h
            down[i] -= h
            _, g_up = self._negloglik_and_grad(up, data, w)
            _, g_down = self._negloglik_and_grad(down, data, w)
            if g_up is None or g_down is None:
                return None
            hess[:, i] = (g_up - g_down) / (up[i] - down[i])
        return 0.5 * (hess + hess.T)

    def _after_fit(self) -> None:
        """Checks a subclass runs on its estimates after ``_fit_mle`` (e.g. boundary estimates)."""

    # --- uncertainty ----------------------------------------------------------------------------
    def param_draws(
        self, n_draws: int = 1000, *, method: str = "asymptotic", seed=None, n_jobs: int = 1
    ) -> pd.DataFrame:
        """Parameter sets drawn to express the estimates' uncertainty (one row per draw).

        ``method="asymptotic"``: the normal approximation on the log scale the model is fitted
        on, transformed back; ``"bootstrap"``: customers resampled and the model refitted
        (``n_jobs`` processes; failed refits counted in ``attrs["n_failed"]``). Columns are
        ``param_names``; ``attrs``: ``method``, ``n_requested``, ``n_failed``. See
        :mod:`crmstudy.models._intervals`.
        """
        from crmstudy.models._intervals import param_draws

        return param_draws(self, n_draws, method=method, seed=seed, n_jobs=n_jobs)

    # --- results ----------------------------------------------------------------------------
    def _check_fitted(self, allow_failed: bool = False) -> None:
        if self.params is None:
            raise ParameterError(f"{type(self).__name__} is not fitted yet: call .fit(...) first")
        if self._failure and not allow_failed:
            raise ConvergenceError(
                f"{type(self).__name__} cannot predict: its fit failed ({self._failure}). Its "
                "estimates are kept for inspection (params, bse, summary()); fit it again on "
                "data that identify the model"
            )

    def _params_array(self) -> np.ndarray:
        self._check_fitted()
        return self.params.to_numpy()

    @property
    def k_params(self) -> int:
        return len(self.param_names)

    @property
    def aic(self) -> float:
        """Akaike's information criterion, ``2 k - 2 llf``."""
        self._needs_data("aic")
        return 2 * self.k_params - 2 * self._llf

    @property
    def bic(self) -> float:
        """Schwarz's criterion, ``k log(nobs) - 2 llf`` (nobs: customers, not distinct rows)."""
        self._needs_data("bic")
        return self.k_params * np.log(self.nobs) - 2 * self._llf

    def conf_int(self, alpha: float = 0.05) -> pd.DataFrame:
        """Wald confidence intervals on the natural scale (estimate +- z * std err)."""
        self._needs_data("conf_int()")
        if not (isinstance(alpha, int | float) and 0 < alpha < 1):
            raise ParameterError(f"alpha must be in (0, 1), got {alpha!r}")
        z = stats.norm.ppf(1 - alpha / 2)
        return pd.DataFrame(
            {
                f"[{alpha / 2:g}": self.params - z * self.bse,
                f"{1 - alpha / 2:g}]": self.params + z * self.bse,
            }
        )

    def summary_frame(self) -> pd.DataFrame:
        """The coefficient table of :meth:`summary` as a DataFrame."""
        self._needs_data("summary_frame()")
        table = pd.DataFrame({"coef": self.params, "std err": self.bse})
        return table.join(self.conf_int())

    def summary(self):
        """A statsmodels ``Summary``: header facts and the coefficient table, paste-ready."""
        from statsmodels.iolib.summary import Summary
        from statsmodels.iolib.table import SimpleTable

        self._needs_data("summary()")
        unit = self.period or "as given"
        top = [
            ("Model:", self.model_name),
            ("Method:", "Maximum likelihood"),
            ("Time unit:", unit),
            ("Converged:", str(self.converged)),
        ]
        right = [
            ("No. observations:", f"{self.nobs:,.0f}"),
            ("Rows fitted:", f"{self.n_distinct_rows:,}"),
            ("Log-likelihood:", f"{self.llf:,.4f}"),
            ("AIC:", f"{self.aic:,.4f}"),
            ("BIC:", f"{self.bic:,.4f}"),
        ]
        while len(top) < len(right):
            top.append(("", ""))
        rows = [[a, b, c, d] for (a, b), (c, d) in zip(top, right, strict=True)]
        smry = Summary()
        smry.tables.append(SimpleTable(rows, title=f"{type(self).__name__} results"))
        frame = self.summary_frame()
        body = [[name] + [f"{v:.4f}" for v in frame.loc[name]] for name in frame.index]
        smry.tables.append(SimpleTable(body, headers=["", *frame.columns]))
        return smry

    def __repr__(self) -> str:
        if self.params is None:
            return f"{type(self).__name__}(not fitted)"
        inner = ", ".join(f"{k}={v:.4g}" for k, v in self.params.items())
        fit = f"llf={self._llf:.4f}" if self._llf is not None else "from_params"
        return f"{type(self).__name__}({inner}; {fit}, period={self.period!r})"

"""Static covariates in the BG/NBD, Pareto/NBD and sBG models, at the level of the latent parameters.

A time-invariant covariate vector ``x_i`` of customer (or cohort) ``i`` shifts the parameters of the
heterogeneity distributions, each through its own coefficient vector and a log link:

* BG/NBD: ``alpha_i = alpha exp(-x_i' g_alpha)``, ``a_i = a exp(x_i' g_a)``, ``b_i = b exp(x_i' g_b)``;
  since the mean purchase rate is ``r / alpha_i``, a positive ``g_alpha`` raises the purchase rate.
* Pareto/NBD: ``alpha_i = alpha exp(-x_i' g_alpha)``, ``beta_i = beta exp(-x_i' g_beta)``: positive
  coefficients raise the mean purchase rate ``r / alpha_i`` and the mean drop-out rate
  ``s / beta_i`` (the specification of Fader & Hardie's note on incorporating time-invariant
  covariates into the Pareto/NBD and BG/NBD models, 2007, and of CLVTools' ``pnbd`` with static
  covariates).
* sBG: ``alpha_i = alpha exp(x_i' g_alpha)``, ``beta_i = beta exp(x_i' g_beta)``; the mean churn
  probability of cohort i is ``alpha_i / (alpha_i + beta_i)``.

Given ``x_i`` the customer's likelihood is the model's own (the base classes' ``_loglik_rows``,
evaluated with one parameter set per row), so with every coefficient at zero the log-likelihood is
the model without covariates. The fit maximises the log-likelihood, optionally minus an L2 penalty
``penalty / 2 * sum(g^2)`` on the coefficients (never on the base parameters), over the log of the
base parameters and the coefficients; standard errors come from the inverse Hessian (by the delta
method on the natural scale of the base parameters). :meth:`CovariateModel.lr_test` compares the
fit with the same model without covariates (likelihood-ratio test, chi-squared with one degree of
freedom per coefficient; only without a penalty, where the test is valid).

Covariates are taken as given: centre or scale continuous ones so that the base parameters describe
a typical customer, and code a categorical one as dummies (one level left out).
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import optimize, stats

from crmstudy._checks import as_generator, check_cohort_counts, check_number
from crmstudy.errors import ConvergenceError, DataError, ParameterError
from crmstudy.models._base import (
    LikelihoodModel,
    as_weights,
    compress_rows,
    invert_hessian,
    standard_errors,
)
from crmstudy.models.bgnbd import BGNBD
from crmstudy.models.paretonbd import ParetoNBD
from crmstudy.models.sbg import ShiftedBetaGeometric
from crmstudy.units import check_period

__all__ = [
    "log_first_purchase",
    "CovariateModel",
    "BGNBDCovariates",
    "ParetoNBDCovariates",
    "SBGCovariates",
    "sbg_cohort_rows",
]


#: Prefix of the covariate columns among the likelihood rows (kept apart from x, t_x, T, t).
_KEY = "covariate:"


def _per_row(model_class):
    """The model class with every row treated as distinct, so parameters may differ by row.

    The base models evaluate the terms that depend on a few columns once per distinct value
    (``_distinct``), with one parameter set. With one parameter set per row that sharing is
    wrong, so here each row is its own group; the formulas themselves are the base model's.
    """

    class PerRow(model_class):
        def _distinct(self, key, *columns):
            cols = tuple(np.asarray(c, dtype=float).ravel() for c in columns)
            return cols, np.arange(cols[0].size)

    PerRow.__name__ = f"{model_class.__name__}PerRow"
    return PerRow


def _check_covariates(covariates, index, what: str) -> pd.DataFrame:
    """Covariates as a float frame aligned with ``index`` (the rows of the data)."""
    if not isinstance(covariates, pd.DataFrame):
        raise DataError(
            f"covariates must be a DataFrame with one row per {what} (indexed like the data) and "
            f"one numeric column per covariate; got {type(covariates).__name__}"
        )
    if index is not None:
        missing = pd.Index(index).difference(covariates.index)
        if len(missing):
            raise DataError(
                f"covariates has no row for {len(missing)} {what}(s) of the data, first "
                f"{missing[0]!r}; index the covariates like the data"
            )
        covariates = covariates.loc[index]
    elif len(covariates) == 0:
        raise DataError("covariates has no rows")
    out = {}
    for col in covariates.columns:
        values = pd.to_numeric(covariates[col], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(values)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise DataError(
                f"covariate column {col!r} has {int(bad.sum())} value(s) that are not finite "
                f"numbers, first at row {covariates.index[i]!r}: {covariates[col].iloc[i]!r}; "
                "code categories as 0/1 dummies and fill or drop missing values"
            )
        out[str(col)] = values
    return pd.DataFrame(out, index=covariates.index)


def log_first_purchase(transactions, *, centre: bool = True) -> pd.Series:
    """Each customer's log first-purchase amount, a static covariate for the purchase models.

    ``log(1 + amount)`` of the customer's first purchase day (several purchases on that day are
    summed; the 1 keeps free first purchases, amount 0, such as CDNOW's 72, in the data), centred
    at the mean over customers when ``centre`` (so a model's base parameters describe a customer
    with a typical first purchase). For amounts well above 1, a difference of 1 is a factor of
    e = 2.7 in the amount, whatever the currency. Indexed by ``customer_id``;
    ``attrs["mean_log"]`` keeps the mean that was subtracted.
    """
    from crmstudy.transactions import validate_transactions

    log = validate_transactions(transactions)
    day = log["date"].dt.normalize()
    first_day = day.groupby(log["customer_id"]).transform("min")
    first = log.loc[day == first_day].groupby("customer_id")["amount"].sum().astype(float)
    bad = ~(first >= 0)
    if bad.any():
        raise DataError(
            f"{int(bad.sum())} customer(s) have a negative first-purchase amount (first "
            f"{first.index[bad][0]!r}: {float(first[bad].iloc[0])!r}); log(1 + amount) needs >= 0"
        )
    values = np.log1p(first)
    mean = float(values.mean())
    out = (values - mean) if centre else values
    out = out.rename("log_first_purchase")
    out.attrs["mean_log"] = mean
    return out


class CovariateModel(LikelihoodModel):
    """Shared machinery: which covariate enters which latent parameter, the fit, the LR test.

    Subclasses set ``base_class`` (the model without covariates), ``links`` (latent parameter ->
    sign of the exponent: +1 for ``p exp(x'g)``, -1 for ``p exp(-x'g)``) and implement ``fit``,
    which prepares the rows and calls :meth:`_fit_covariates`.

    Parameters
    ----------
    on : mapping of str to sequence of str, optional
        For each latent parameter (keys of ``links``), the covariate columns that enter it. Default:
        every covariate column on every parameter of ``links``. ``{}`` fits the model without
        covariates (the restricted model of the LR test).
    penalty : float
        L2 penalty on the coefficients, >= 0 (0 = plain maximum likelihood). With a penalty the
        standard errors are from the curvature of the penalised objective (a normal prior of
        variance 1/penalty on each coefficient), and the LR test is refused.
    """

    base_class: type[LikelihoodModel] = LikelihoodModel
    links: Mapping[str, int] = {}

    def __init__(self, on: Mapping[str, Sequence[str]] | None = None, penalty: float = 0.0):
        super().__init__()
        if on is not None:
            if not isinstance(on, Mapping):
                raise ParameterError(
                    f"on must map latent parameters ({', '.join(self.links)}) to lists of "
                    f"covariate columns; got {type(on).__name__}"
                )
            unknown = [k for k in on if k not in self.links]
            if unknown:
                raise ParameterError(
                    f"on names parameter(s) {unknown} that take no covariate in "
                    f"{self.base_class.__name__}; choices: {', '.join(self.links)}"
                )
            on = {k: [str(c) for c in ([v] if isinstance(v, str) else v)] for k, v in on.items()}
        self.on = on
        self.penalty = check_number(penalty, "penalty", low=0.0, what="L2 weight on coefficients")
        self.covariates: pd.DataFrame | None = None
        self._rows: dict[str, np.ndarray] | None = None
        self._weights: np.ndarray | None = None
        self._restricted: LikelihoodModel | None = None

    # --- layout -------------------------------------------------------------------------------
    @property
    def base_names(self) -> tuple[str, ...]:
        return tuple(self.base_class.param_names)

    def _layout(self, columns: Sequence[str]) -> None:
        on = {k: list(columns) for k in self.links} if self.on is None else self.on
        for param, cols in on.items():
            missing = [c for c in cols if c not in columns]
            if missing:
                raise DataError(
                    f"covariate(s) {missing} for {param!r} are not columns of covariates "
                    f"({', '.join(columns) or 'none'})"
                )
        self._terms = [(param, col) for param in self.links for col in on.get(param, [])]
        self.param_names = self.base_names + tuple(f"{p}:{c}" for p, c in self._terms)

    def _row_params(self, theta: np.ndarray, design: Mapping[str, np.ndarray]):
        """Per-row latent parameters for the natural-scale vector ``theta``."""
        k = len(self.base_names)
        base = dict(zip(self.base_names, theta[:k], strict=True))
        n = len(next(iter(design.values()))) if design else 1
        index = {p: np.zeros(n) for p in self.links}
        for (param, col), g in zip(self._terms, theta[k:], strict=True):
            index[param] = index[param] + g * design[_KEY + col]
        return tuple(
            base[name] * np.exp(self.links[name] * index[name]) if name in self.links else base[name]
            for name in self.base_names
        )

    # --- likelihood ---------------------------------------------------------------------------
    def _engine(self):
        engine = self.__dict__.get("_engine_instance")
        if engine is None:
            engine = _per_row(self.base_class)()
            self.__dict__["_engine_instance"] = engine
        return engine

    def _row_loglik(self, theta, rows) -> np.ndarray:
        params = self._row_params(theta, rows)
        with np.errstate(all="ignore"):
            return self._engine()._loglik_rows(params, rows)

    def _llf_at(self, theta, rows, weights) -> float:
        total = float(np.dot(weights, self._row_loglik(theta, rows)))
        return total if np.isfinite(total) else -np.inf

    def loglik_at(self, params) -> float:
        """Log-likelihood (unpenalised, papers' scale) of the fitted data at ``params``.

        ``params`` is a mapping or sequence in the order of ``param_names`` (base parameters,
        then coefficients). At the base model's estimates with every coefficient 0 it equals the
        base model's log-likelihood.
        """
        if self._rows is None:
            raise ParameterError("loglik_at needs the data: call fit(...) first")
        if isinstance(params, Mapping | pd.Series):
            theta = np.array([float(params[k]) for k in self.param_names])
        else:
            theta = np.asarray(params, dtype=float)
        if theta.shape != (len(self.param_names),):
            raise ParameterError(
                f"params must hold {len(self.param_names)} values ({', '.join(self.param_names)})"
            )
        return self._llf_at(theta, self._rows, self._weights)

    # --- fitting ------------------------------------------------------------------------------
    def _to_theta(self, z: np.ndarray) -> np.ndarray:
        k = len(self.base_names)
        return np.concatenate((np.exp(z[:k]), z[k:]))

    def _objective(self, z, rows, weights) -> float:
        theta = self._to_theta(z)
        llf = self._llf_at(theta, rows, weights)
        if not np.isfinite(llf):
            return np.inf
        coef = z[len(self.base_names):]
        return -llf + 0.5 * self.penalty * float(coef @ coef)

    def _fit_covariates(self, rows, weights, base_start, initial_params=None):
        """Maximise the (penalised) likelihood over log base parameters and coefficients."""
        packed, w = compress_rows(rows, weights)
        keep = w > 0
        packed = {key: v[keep] for key, v in packed.items()}
        w = w[keep]
        if w.sum() <= 0:
            raise DataError("there are no observations to fit (all weights are zero)")
        self._rows, self._weights = packed, w
        n_coef = len(self._terms)
        if initial_params is None:
            z0 = np.concatenate((np.log(base_start), np.zeros(n_coef)))
        else:
            start = np.asarray(initial_params, dtype=float)
            k = len(self.base_names)
            if start.shape != (len(self.param_names),) or np.any(start[:k] <= 0):
                raise ParameterError(
                    f"initial_params must be {len(self.param_names)} numbers "
                    f"({', '.join(self.param_names)}), the first {k} positive"
                )
            z0 = np.concatenate((np.log(start[:k]), start[k:]))
        if not np.isfinite(self._objective(z0, packed, w)):
            raise ConvergenceError(
                f"{self.model_name}: the log-likelihood is not finite at the starting point; pass "
                "initial_params="
            )
        best = None
        for method in ("L-BFGS-B", "Nelder-Mead", "L-BFGS-B"):
            options = {"maxiter": 20_000}
            if method == "Nelder-Mead":
                options.update(xatol=1e-9, fatol=1e-10, maxfev=40_000)
            else:
                options.update(ftol=1e-15, gtol=1e-8)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                res = optimize.minimize(
                    self._objective, z0 if best is None else best.x, args=(packed, w),
                    method=method, options=options,
                )
            if best is None or (np.isfinite(res.fun) and res.fun <= best.fun):
                best = res
            if method == "L-BFGS-B" and res.success and best is res:
                break
        k = len(self.base_names)
        if not np.isfinite(best.fun) or np.any(np.abs(best.x[:k]) > 30):
            raise ConvergenceError(
                f"{self.model_name}: maximum likelihood did not converge (optimiser says "
                f"{best.message!r}); try initial_params=, centre the covariates, or a penalty"
            )
        theta = self._to_theta(best.x)
        self.params = pd.Series(theta, index=list(self.param_names), name="estimate")
        self._llf = self._llf_at(theta, packed, w)
        self.nobs = float(w.sum())
        self.n_distinct_rows = int(len(w))
        self._set_covariance_z(best.x, packed, w)
        self.converged = bool(np.all(np.isfinite(self.bse.to_numpy())) and self._hessian_pd)
        self._restricted = None
        return self

    def _set_covariance_z(self, z, rows, w) -> None:
        from statsmodels.tools.numdiff import approx_hess3

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            hess = approx_hess3(z, lambda v: self._objective(v, rows, w))
        cov_z, self._hessian_pd = invert_hessian(hess)
        self._z_hat, self._cov_z = np.array(z, dtype=float), cov_z
        # Delta method: the base parameters were estimated on the log scale.
        k = len(self.base_names)
        jac = np.diag(np.concatenate((np.exp(z[:k]), np.ones(len(z) - k))))
        cov = jac @ cov_z @ jac.T
        names = list(self.param_names)
        self._store_covariance(pd.DataFrame(cov, index=names, columns=names))
        self.bse = pd.Series(standard_errors(cov), index=names, name="std_err")

    def _store_covariance(self, cov: pd.DataFrame) -> None:
        self._cov = cov

    # --- uncertainty ----------------------------------------------------------------------------
    def param_draws(
        self, n_draws: int = 1000, *, method: str = "asymptotic", seed=None, n_jobs: int = 1
    ) -> pd.DataFrame:
        """Parameter sets drawn from the asymptotic normal distribution of the estimates.

        On the scale the model is fitted on: the logs of the base parameters and the coefficients
        themselves (which may be negative), transformed back; one row per draw, columns
        ``param_names``. Pass them to :func:`crmstudy.models._intervals.interval_from_draws`
        (``draws=``) for an interval on anything computed from the model, e.g.
        ``lambda m: m.implied_params(rows)["a"]``. Only ``method="asymptotic"``: a bootstrap would
        refit the covariate model hundreds of times (``n_jobs`` is accepted for a uniform
        signature and unused).
        """
        self._needs_data("param_draws()")
        if method != "asymptotic":
            raise ParameterError(
                f"{type(self).__name__}.param_draws supports method='asymptotic' only, got "
                f"{method!r}"
            )
        if not (isinstance(n_draws, int | np.integer) and n_draws >= 2):
            raise ParameterError(f"n_draws must be a whole number >= 2, got {n_draws!r}")
        if not self._hessian_pd or not np.all(np.isfinite(self._cov_z)):
            raise ConvergenceError(
                f"{self.model_name}: the Hessian at the optimum is not positive definite, so "
                "there is no asymptotic distribution to draw from; check the fit (summary())"
            )
        rng = as_generator(seed)
        z = rng.multivariate_normal(self._z_hat, 0.5 * (self._cov_z + self._cov_z.T), int(n_draws))
        k = len(self.base_names)
        z[:, :k] = np.exp(z[:, :k])
        frame = pd.DataFrame(z, columns=list(self.param_names))
        frame.attrs.update(method="asymptotic", n_requested=int(n_draws), n_failed=0)
        return frame

    # --- results ------------------------------------------------------------------------------
    @property
    def coefficients(self) -> pd.DataFrame:
        """The covariate coefficients: ``parameter``, ``covariate``, ``coef``, ``std_err``, ``z``
        and ``p_value`` (two-sided Wald test of coef = 0)."""
        self._check_fitted()
        k = len(self.base_names)
        coef = self.params.iloc[k:]
        se = self.bse.iloc[k:]
        frame = pd.DataFrame(
            {
                "parameter": [p for p, _ in self._terms],
                "covariate": [c for _, c in self._terms],
                "coef": coef.to_numpy(),
                "std_err": se.to_numpy(),
            },
            index=coef.index,
        )
        frame["z"] = frame["coef"] / frame["std_err"]
        frame["p_value"] = 2 * stats.norm.sf(np.abs(frame["z"]))
        return frame

    def _restricted_model(self):
        """The same model without covariates, fitted on the same data (the LR test's null)."""
        raise NotImplementedError

    def lr_test(self) -> pd.Series:
        """Likelihood-ratio test of the covariates against the model without them.

        ``statistic`` = 2 (llf - llf_restricted), chi-squared with ``df`` = number of coefficients
        under the null that every coefficient is 0; also ``p_value``, ``llf`` and
        ``llf_restricted`` (both on the papers' scale). Refused with a penalty, where the
        penalised estimate does not maximise the likelihood and the statistic has no chi-squared
        distribution.
        """
        self._check_fitted()
        if self.penalty > 0:
            raise ParameterError(
                f"lr_test() needs an unpenalised fit (penalty=0); this one has penalty="
                f"{self.penalty:g}, for which the likelihood-ratio statistic is not chi-squared"
            )
        df = len(self._terms)
        if df == 0:
            raise ParameterError("lr_test(): this model has no covariates to test")
        if self._restricted is None:
            self._restricted = self._restricted_model()
        restricted = float(self._restricted.loglik)
        statistic = max(2.0 * (self.loglik - restricted), 0.0)
        return pd.Series(
            {
                "statistic": statistic,
                "df": df,
                "p_value": float(stats.chi2.sf(statistic, df)),
                "llf": float(self.loglik),
                "llf_restricted": restricted,
            },
            name="lr_test",
        )

    def implied_params(self, covariates: pd.DataFrame | None = None) -> pd.DataFrame:
        """The latent parameters of each row of ``covariates`` (default: the fitted rows).

        One row per row of ``covariates``, one column per base parameter (e.g. each customer's
        alpha_i, a_i, b_i). Feed a row to the base model (``model_for``) for predictions.
        """
        self._check_fitted()
        frame = self.covariates if covariates is None else _check_covariates(
            covariates, None, "row"
        )
        design = {_KEY + c: frame[c].to_numpy(dtype=float) for c in frame.columns}
        params = self._row_params(self.params.to_numpy(), design)
        n = len(frame)
        return pd.DataFrame(
            {name: np.broadcast_to(v, (n,)) for name, v in zip(self.base_names, params, strict=True)},
            index=frame.index,
        )

    def model_for(self, covariates: Mapping[str, float]):
        """The base model (without covariates) at the parameters implied by one covariate vector,
        e.g. ``model_for({"high_end": 1})`` for a segment; predictions then work as usual."""
        self._check_fitted()
        row = pd.DataFrame([dict(covariates)])
        missing = [c for c in {c for _, c in self._terms} if c not in row.columns]
        if missing:
            raise DataError(f"model_for needs a value for covariate(s) {sorted(missing)}")
        values = self.implied_params(row).iloc[0]
        model = self.base_class()
        model.params = pd.Series(values.to_numpy(), index=list(self.base_names), name="estimate")
        model.period = self.period
        return model


# --- BG/NBD and Pareto/NBD ---------------------------------------------------------------------
class _TransactionCovariates(CovariateModel):
    def fit(
        self,
        summary: pd.DataFrame,
        covariates: pd.DataFrame,
        *,
        weights=None,
        period: str | None = None,
        initial_params=None,
    ):
        """Fit by maximum likelihood; returns ``self``.

        Parameters
        ----------
        summary : DataFrame
            Customer summary: ``frequency``, ``recency``, ``T`` in the unit ``attrs["period"]``
            (or ``period=``), as for the model without covariates.
        covariates : DataFrame
            One row per customer, indexed like ``summary``; numeric, time-invariant columns.
        weights : array-like, optional
            Customers per row.
        initial_params : sequence, optional
            Starting values in the order of ``param_names`` (base parameters, then coefficients).
        """
        # The base model's one input path: the same checks and messages as its own fit.
        data = self.base_class()._customers(summary, {}, period=period, fitted=False)
        x, tx, tt = data["frequency"], data["recency"], data["T"]
        index, self.period = data.index, data.period
        self.covariates = _check_covariates(covariates, index, "customer")
        self._layout(list(self.covariates.columns))
        w = as_weights(weights, len(x))
        if not np.any((x > 0) & (w > 0)):
            raise ConvergenceError(
                f"{self.model_name}: no customer made a repeat purchase; the model is not "
                "identified"
            )
        rows = {"x": x, "t_x": tx, "T": tt}
        rows.update({_KEY + c: self.covariates[c].to_numpy() for c in self.covariates.columns})
        self._summary = (summary, w)
        start = None
        if initial_params is None:
            # The model without covariates is the starting point (and the LR test's null).
            self._restricted = self._restricted_model()
            start = self._restricted.params.to_numpy()
        restricted = self._restricted
        self._fit_covariates(rows, w, start, initial_params)
        self._restricted = restricted
        return self

    def _restricted_model(self):
        summary, w = self._summary
        return self.base_class().fit(summary, weights=w, period=self.period)


class BGNBDCovariates(_TransactionCovariates):
    """BG/NBD with static covariates: alpha_i = alpha e^(-x'g_alpha), a_i = a e^(x'g_a),
    b_i = b e^(x'g_b) (``r`` is shared). Parameters: ``r, alpha, a, b`` for a customer with
    x = 0, then ``alpha:<col>``, ``a:<col>``, ``b:<col>`` coefficients.
    """

    base_class = BGNBD
    links = {"alpha": -1, "a": 1, "b": 1}
    model_name = "BG/NBD with static covariates"

    def latent_means(self, covariates: pd.DataFrame | None = None) -> pd.DataFrame:
        """Mean purchase rate and mean drop-out probability implied by each covariate row.

        ``purchase_rate`` = r / alpha_i, the mean of the gamma(r, alpha_i) purchase rate, in
        purchases per period of the model (``self.period``); ``dropout_probability`` =
        a_i / (a_i + b_i), the mean of the beta(a_i, b_i) probability of dropping out after each
        repeat purchase (FHL 2005a, section 2). One row per row of ``covariates`` (default: the
        fitted customers).
        """
        p = self.implied_params(covariates)
        return pd.DataFrame(
            {
                "purchase_rate": p["r"] / p["alpha"],
                "dropout_probability": p["a"] / (p["a"] + p["b"]),
            },
            index=p.index,
        )


class ParetoNBDCovariates(_TransactionCovariates):
    """Pareto/NBD with static covariates: alpha_i = alpha e^(-x'g_alpha),
    beta_i = beta e^(-x'g_beta) (``r`` and ``s`` shared). Parameters: ``r, alpha, s, beta``
    for a customer with x = 0, then ``alpha:<col>`` and ``beta:<col>`` coefficients.
    """

    base_class = ParetoNBD
    links = {"alpha": -1, "beta": -1}
    model_name = "Pareto/NBD with static covariates"


# --- sBG ---------------------------------------------------------------------------------------
def sbg_cohort_rows(alive_by_cohort: Mapping[str, Sequence[int]]) -> pd.DataFrame:
    """The likelihood rows of several cohorts' survivor counts, for :class:`SBGCovariates`.

    ``alive_by_cohort`` maps a cohort label to its counts still active at t = 0..k (k >= 1; the
    cohorts may differ in length). Returns columns ``cohort``, ``t`` (periods), ``censored``
    (1 = still active at the cohort's last t) and ``count`` (customers): FH 2007 appendix B,
    one row per churn period and one censored row per cohort.
    """
    if not isinstance(alive_by_cohort, Mapping) or not alive_by_cohort:
        raise DataError(
            "alive_by_cohort must map each cohort label to its survivor counts (t = 0..k)"
        )
    frames = []
    for label, alive in alive_by_cohort.items():
        counts = check_cohort_counts(alive, f"alive[{label!r}]")
        if len(counts) < 2:
            raise DataError(f"alive[{label!r}] needs counts at t = 0 and at least t = 1")
        k = len(counts) - 1
        frames.append(
            pd.DataFrame(
                {
                    "cohort": label,
                    "t": np.concatenate((np.arange(1, k + 1), [k])).astype(float),
                    "censored": np.concatenate((np.zeros(k), [1.0])),
                    "count": np.concatenate((counts[:-1] - counts[1:], [counts[-1]])).astype(
                        float
                    ),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


class SBGCovariates(CovariateModel):
    """sBG with static cohort covariates: alpha_i = alpha e^(x'g_alpha), beta_i = beta e^(x'g_beta).

    Fitted on several cohorts at once (e.g. the Regular and High End segments of Fader & Hardie
    2007 with a High End dummy on both parameters: the two segments' separate fits in one model,
    whose log-likelihood is the sum of theirs). Parameters: ``alpha, beta`` of a cohort with x = 0,
    then ``alpha:<col>`` and ``beta:<col>``.
    """

    base_class = ShiftedBetaGeometric
    links = {"alpha": 1, "beta": 1}
    model_name = "Shifted-beta-geometric with static covariates"

    def fit(self, alive_by_cohort, covariates: pd.DataFrame, period: str = "Y", *,
            initial_params=None):
        """Fit alpha, beta and the coefficients to several cohorts' survivor counts.

        Parameters
        ----------
        alive_by_cohort : mapping of label to sequence of int
            Each cohort's customers still active at t = 0, 1, ..., k (counts, non-increasing).
        covariates : DataFrame
            One row per cohort label (its index), numeric columns.
        period : str
            The time unit of one step of t (default "Y").
        """
        rows_frame = sbg_cohort_rows(alive_by_cohort)
        self.period = check_period(period)
        labels = list(alive_by_cohort)
        self.covariates = _check_covariates(covariates, pd.Index(labels), "cohort")
        self._layout(list(self.covariates.columns))
        design = self.covariates.loc[rows_frame["cohort"]]
        rows = {"t": rows_frame["t"].to_numpy(), "censored": rows_frame["censored"].to_numpy()}
        rows.update({_KEY + c: design[c].to_numpy() for c in self.covariates.columns})
        w = rows_frame["count"].to_numpy()
        self._alive_by_cohort = {k: list(v) for k, v in alive_by_cohort.items()}
        start = None
        if initial_params is None:
            base = ShiftedBetaGeometric()
            start = base._initial_params(rows, w)
        return self._fit_covariates(rows, w, start, initial_params)

    def _restricted_model(self):
        restricted = SBGCovariates(on={})
        return restricted.fit(self._alive_by_cohort, self.covariates, self.period)

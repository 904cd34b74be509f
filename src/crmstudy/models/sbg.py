"""The shifted-beta-geometric (sBG) model of contract duration, for projecting retention.

Story (Fader & Hardie 2007, section "A probability model"): at the end of each period a customer
who is still under contract renews with probability ``1 - theta`` and cancels with probability
``theta``; ``theta`` is constant for each customer (no individual-level dynamics), and varies across
customers as a beta(alpha, beta) distribution. The cohort's retention rate nevertheless *rises*
with tenure, because the customers with high ``theta`` leave first (a sorting effect).

Time unit
---------
``t`` counts renewal opportunities in the period of the data the model was fitted on (``period``,
e.g. ``"Y"`` for Fader & Hardie's annual contracts). ``t = 0`` is acquisition; ``survival(t)`` is
the share of the cohort still active at ``t``. Discount rates passed to the lifetime methods are
*per that period*, unless ``discount_period=`` says otherwise (then they are converted by
compounding with :func:`crmstudy.units.convert_rate`).

Sources
-------
* Fader, P. S. and Hardie, B. G. S. (2007), "How to Project Customer Retention", Journal of
  Interactive Marketing 21(1), 76-90 (``FH 2007``): eqs. (5)-(8) and the likelihood of appendix B.
* Fader, P. S. and Hardie, B. G. S. (2010), "Customer-Base Valuation in a Contractual Setting: The
  Perils of Ignoring Heterogeneity", Marketing Science 29(1), 85-93 (``FH 2010``): discounted
  expected lifetime (DEL) and discounted expected residual lifetime (DERL) as Gauss hypergeometric
  functions, and retention elasticities (section 4).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import special, stats

from crmstudy._checks import (
    check_cohort_counts,
    check_number,
    check_whole,
    check_whole_array,
    scalar_or_array,
)
from crmstudy.errors import ConvergenceError, DataError, ParameterError
from crmstudy.models._base import LikelihoodModel
from crmstudy.models._special import log_hyp2f1_one
from crmstudy.units import check_period, convert_rate

__all__ = ["ShiftedBetaGeometric"]


def _hyp2f1_one(b: float, c: float, z: float) -> float:
    """2F1(1, b; c; z) for c > b > 0 and 0 <= z < 1: scipy's ``hyp2f1`` where it is accurate,
    the direct series near z = 1 (:func:`crmstudy.models._special.log_hyp2f1_one`). Scipy alone
    fails there: for (b, c) = (1.18, 2.18) it returns -30.5 at z = 1/1.001 (true value 7.85)."""
    return float(np.exp(log_hyp2f1_one(b, c, z)))


def _check_discount_rate(discount_rate) -> float:
    return check_number(
        discount_rate, "discount_rate", low=0.0, what="per period of the fitted data"
    )


def _as_periods(t, name: str, minimum: int) -> np.ndarray:
    """Validate integer period indices ``t >= minimum``; returns a float array (same shape)."""
    return check_whole_array(t, name, minimum=minimum, what="periods of the fitted data")


def _validate_alive(alive) -> np.ndarray:
    """Check the alive counts of a cohort, t = 0..k; returns them as an int array."""
    values = check_cohort_counts(alive, "alive")
    if len(values) < 3:
        raise DataError(
            f"alive has {len(values)} value(s); the sBG needs the cohort size at t = 0 and the "
            "survivors of at least two periods (t = 0, 1, 2) to estimate its two parameters"
        )
    if values[-1] == values[0]:
        raise DataError(
            "no customer of the cohort churned in the data (alive never falls), so churn "
            "probabilities cannot be estimated"
        )
    if values[1] == 0:
        raise DataError(
            "every customer churned in the first period (alive at t = 1 is 0): the churn "
            "probability is 1 for everyone and the sBG's beta distribution is degenerate"
        )
    return values.astype(np.int64)


class ShiftedBetaGeometric(LikelihoodModel):
    """Shifted-beta-geometric model of contract duration (Fader & Hardie 2007).

    Parameters after ``fit``: ``alpha`` and ``beta`` of the beta distribution of the per-period
    churn probability ``theta`` across customers (mean churn probability alpha / (alpha + beta)).

    Example
    -------
    >>> from crmstudy.datasets import fader_hardie_2007
    >>> table = fader_hardie_2007()
    >>> alive = table.query("segment == 'regular' and year <= 7")["alive"]
    >>> m = ShiftedBetaGeometric().fit(alive, period="Y")
    >>> m.params.round(3).tolist()
    [0.704, 1.182]
    """

    param_names = ("alpha", "beta")
    model_name = "Shifted-beta-geometric (Fader & Hardie 2007)"

    def __init__(self) -> None:
        super().__init__()
        self.alive: np.ndarray | None = None
        self.cohort_size: int | None = None

    @classmethod
    def from_params(
        cls,
        params=None,
        *positional,
        period: str = "Y",
        cohort_size: int | None = None,
        alive=None,
        **named,
    ) -> ShiftedBetaGeometric:
        """A model with given alpha and beta (e.g. published estimates), without fitting.

        As for every model (:meth:`LikelihoodModel.from_params`): ``params`` as a mapping, Series
        or sequence (alpha, beta), or ``alpha=``, ``beta=`` by name; ``period`` the time unit of
        one renewal (default "Y", FH 2007's annual contracts). Predictions (``survival``,
        ``retention_rate``, DEL, DERL, ...) work as after ``fit``. ``cohort_size`` (customers at
        t = 0) lets ``expected_alive`` and ``projection`` give counts; ``alive`` (observed counts
        at t = 0..k) adds the observed column to ``projection`` and sets ``cohort_size`` to
        ``alive[0]``. What needs the likelihood (``llf``, ``bse``, ``aic``, ``conf_int()``,
        ``summary()``, intervals) raises a ParameterError that says so.

        The form of crmstudy 0.2, ``from_params(alpha, beta[, period])``, still works and warns.
        """
        if positional:
            import warnings

            warnings.warn(
                "ShiftedBetaGeometric.from_params(alpha, beta, ...) with positional parameters "
                "is deprecated; use from_params(alpha=..., beta=..., period=...)",
                DeprecationWarning,
                stacklevel=2,
            )
            if len(positional) > 2:
                raise ParameterError(
                    "from_params takes alpha, beta and optionally period as positional values"
                )
            if len(positional) == 2:
                period = positional[1]
            params = (params, positional[0])
        model = super().from_params(params, period=period, **named)
        if alive is not None:
            model.alive = check_cohort_counts(alive, "alive").astype(np.int64)
            model.cohort_size = int(model.alive[0])
        if cohort_size is not None:
            size = check_whole(cohort_size, "cohort_size", minimum=1, what="customers at t = 0")
            if model.alive is not None and size != model.cohort_size:
                raise ParameterError(
                    f"cohort_size={size} contradicts alive[0]={model.cohort_size}: give one of them"
                )
            model.cohort_size = size
        return model

    # --- likelihood ---------------------------------------------------------------------------
    def _loglik_rows(self, params, data):
        """Per-row log-likelihood, FH 2007 appendix B.

        A row with ``censored == 0`` holds customers who churned in period ``t`` and contributes
        ln P(T = t) = ln B(alpha + 1, beta + t - 1) - ln B(alpha, beta) (FH 2007 eq. 5); the
        censored row holds the survivors at the last period k and contributes
        ln S(k) = ln B(alpha, beta + k) - ln B(alpha, beta) (eq. 6). The base class weights each
        row by its number of customers.
        """
        alpha, beta = params
        t = data["t"]
        censored = data["censored"] > 0
        log_norm = special.betaln(alpha, beta)
        churned = special.betaln(alpha + 1.0, beta + t - 1.0) - log_norm
        survived = special.betaln(alpha, beta + t) - log_norm
        return np.where(censored, survived, churned)

    def _initial_params(self, data, weights):
        # Match the first period's churn share alpha / (alpha + beta) with alpha + beta = 2.
        t1 = (data["t"] == 1) & (data["censored"] == 0)
        share = float(weights[t1].sum() / weights.sum())
        share = min(max(share, 0.05), 0.95)
        return np.array([2.0 * share, 2.0 * (1.0 - share)])

    def fit(self, alive, period: str = "Y", *, initial_params=None) -> ShiftedBetaGeometric:
        """Fit alpha and beta by maximum likelihood to one cohort's survivor counts.

        Parameters
        ----------
        alive : sequence of int
            Customers of one acquisition cohort still active at t = 0, 1, ..., k (t = 0 is the
            cohort size; k >= 2). Counts, not percentages; non-increasing.
        period : str
            The time unit of one step of ``t`` (a :mod:`crmstudy.units` code, default "Y":
            annual contracts as in FH 2007). Every later prediction is in this unit.
        initial_params : (alpha, beta), optional
            Starting point for the optimiser.

        The rows of the likelihood are the customers who churned in each period t = 1..k
        (weight n_t = alive[t-1] - alive[t]) and one right-censored row for the alive[k]
        survivors (FH 2007 appendix B). Returns ``self``.
        """
        counts = _validate_alive(alive)
        self.period = check_period(period)
        k = len(counts) - 1
        churned = counts[:-1] - counts[1:]
        t = np.concatenate((np.arange(1, k + 1), [k])).astype(float)
        censored = np.concatenate((np.zeros(k), [1.0]))
        weights = np.concatenate((churned, [counts[-1]])).astype(float)
        self.alive = counts
        self.cohort_size = int(counts[0])
        try:
            return self._fit_mle(
                {"t": t, "censored": censored}, weights, initial_params=initial_params
            )
        except ConvergenceError as err:
            raise ConvergenceError(
                f"{err} For the sBG a fit also fails when churn stops abruptly (e.g. half the cohort "
                "leaves in period 1 and nobody after), which pushes the beta distribution of "
                "churn probabilities to point masses at 0 and 1; fit more periods, or check that "
                "alive counts one cohort"
            ) from None

    def _discount_rate(self, discount_rate, discount_period) -> float:
        """The discount rate per period of the model (``discount_rate`` per ``discount_period``).

        Without ``discount_period`` the rate is taken to be per period of the fitted data;
        with it, it is converted by compounding (:func:`crmstudy.units.convert_rate`), e.g. an
        annual 10% for a monthly model is 1.1^(1/12) - 1 = 0.797% a month.
        """
        d = _check_discount_rate(discount_rate)
        if discount_period is None or discount_period == self.period:
            return d
        check_period(discount_period)
        if self.period is None:
            raise ParameterError(
                "discount_period needs the model's own period; build it with period= or fit it"
            )
        return convert_rate(d, discount_period, self.period)

    # --- intervals ----------------------------------------------------------------------------
    def _predict(self, fn, interval, method, n_draws, seed, index=None, index_name=None):
        """``fn(model)`` with an equal-tailed ``interval`` from parameter draws.

        ``method="asymptotic"`` (default) draws (alpha, beta) from the normal approximation of
        the estimates on the log scale the model is fitted on; ``"bootstrap"`` resamples the
        cohort's customers (their churn periods and the censored survivors, a multinomial draw on
        the counts) and refits, counting the refits that fail (``attrs["n_failed"]``). Both come
        from :mod:`crmstudy.models._intervals` and need a fitted model. The interval covers the
        uncertainty of the estimates: it is an interval for the cohort's *expected* survival,
        retention or lifetime, not for how many customers of a finite cohort happen to stay.
        """
        from crmstudy.models._intervals import interval_from_draws

        self._needs_data(f"an interval (interval={interval!r})")
        out = interval_from_draws(
            self, fn, interval=interval, method=method, n_draws=n_draws, seed=seed
        )
        if isinstance(out, pd.DataFrame) and index is not None:
            out.index = pd.Index(np.atleast_1d(np.asarray(index)).ravel(), name=index_name)
        elif isinstance(out, pd.Series) and index is not None:
            # A scalar t or renewals: one row, so that the result is a frame like for arrays.
            attrs = dict(out.attrs)
            out = pd.DataFrame(
                [out.to_numpy()], columns=out.index, index=pd.Index([index], name=index_name)
            )
            out.attrs.update(attrs)
        return out

    # --- predictions --------------------------------------------------------------------------
    def survival(
        self, t, *, interval: float | None = None, method: str = "asymptotic",
        n_draws: int = 1000, seed=None,
    ):
        """S(t): share of the cohort still active at t = 0, 1, 2, ... periods (FH 2007 eq. 6).

        S(t) = B(alpha, beta + t) / B(alpha, beta). ``t`` in periods of the fitted data; scalar in,
        scalar out; array in, array out. With ``interval`` (a level such as 0.9): a DataFrame
        indexed by ``t`` with columns ``estimate``, ``lower``, ``upper`` (see :meth:`_predict`).
        """
        if interval is not None:
            return self._predict(lambda m: m.survival(t), interval, method, n_draws, seed, t, "t")
        alpha, beta = self._params_array()
        tt = _as_periods(t, "t", 0)
        values = np.exp(special.betaln(alpha, beta + tt) - special.betaln(alpha, beta))
        return scalar_or_array(values)

    def expected_alive(self, t, cohort_size: int | None = None):
        """Expected number of the cohort still active at period t: cohort_size * S(t) (FH 2007
        eq. 6); ``t`` in periods of the fitted data.

        ``cohort_size`` defaults to the fitted cohort's size (alive at t = 0), or the one given to
        ``from_params``; a model without either needs it here.
        """
        size = self._cohort_size(cohort_size)
        return size * self.survival(t)

    def _cohort_size(self, cohort_size) -> int:
        if cohort_size is not None:
            return check_whole(cohort_size, "cohort_size", minimum=1, what="customers at t = 0")
        if self.cohort_size is None:
            raise ParameterError(
                "expected_alive needs the cohort size (customers at t = 0): pass cohort_size=, "
                "or build the model with from_params(..., cohort_size=) or fit(alive)"
            )
        return self.cohort_size

    def alive_count_interval(
        self,
        t,
        cohort_size: int | None = None,
        *,
        interval: float = 0.9,
        method: str = "asymptotic",
        n_draws: int = 1000,
        seed=None,
    ) -> pd.DataFrame:
        """Predictive interval for the number of a new cohort still active at period t.

        Given (alpha, beta), each of the ``cohort_size`` customers is still active at t with
        probability S(t), independently (their churn probabilities are independent draws from
        the beta distribution), so the count is Binomial(cohort_size, S(t)). Mixing that over
        parameter draws (``method``, as :meth:`_predict`) gives an interval that covers both the
        uncertainty of the estimates and the cohort's own randomness; it is wider than the
        interval of ``projection``'s expected count, which covers the estimates only. The count
        is discrete, so the interval covers at least ``interval``. Returns a DataFrame indexed by
        ``t`` with ``estimate`` (expected count, cohort_size * S(t)), ``lower``, ``upper``
        (customers); ``attrs``: ``interval``, ``method``, ``n_draws``, ``n_failed``, ``covers``.
        """
        from crmstudy._checks import as_generator
        from crmstudy.models._intervals import model_at

        self._needs_data(f"alive_count_interval(interval={interval!r})")
        if not (isinstance(interval, int | float) and 0 < interval < 1):
            raise ParameterError(f"interval must be a level in (0, 1) such as 0.9, got {interval!r}")
        size = self._cohort_size(cohort_size)
        tt = np.atleast_1d(_as_periods(t, "t", 0)).astype(int)
        draws = self.param_draws(n_draws, method=method, seed=seed)
        rng = as_generator(seed)
        survival = np.array(
            [np.atleast_1d(model_at(self, row).survival(tt)) for row in draws.to_numpy(float)]
        )
        counts = rng.binomial(size, np.clip(survival, 0.0, 1.0))
        tail = (1.0 - interval) / 2.0
        out = pd.DataFrame(
            {
                "estimate": size * np.atleast_1d(self.survival(tt)),
                "lower": np.quantile(counts, tail, axis=0, method="lower"),
                "upper": np.quantile(counts, 1.0 - tail, axis=0, method="higher"),
            },
            index=pd.Index(tt, name="t"),
        )
        out.attrs.update(
            interval=float(interval),
            method=draws.attrs.get("method", method),
            n_draws=len(draws),
            n_failed=int(draws.attrs.get("n_failed", 0)),
            covers="parameter uncertainty and the cohort's own randomness (binomial)",
        )
        return out

    def retention_rate(
        self, t, *, interval: float | None = None, method: str = "asymptotic",
        n_draws: int = 1000, seed=None,
    ):
        """r(t) = S(t) / S(t - 1) = (beta + t - 1) / (alpha + beta + t - 1), t >= 1 (FH 2007 eq. 8).

        The share of the customers active at t - 1 who renew at t. It rises with t even though
        every individual's retention probability 1 - theta is constant (the sorting effect).
        With ``interval``: a DataFrame indexed by ``t``, columns ``estimate``, ``lower``, ``upper``.
        """
        if interval is not None:
            return self._predict(
                lambda m: m.retention_rate(t), interval, method, n_draws, seed, t, "t"
            )
        alpha, beta = self._params_array()
        tt = _as_periods(t, "t", 1)
        return scalar_or_array((beta + tt - 1.0) / (alpha + beta + tt - 1.0))

    def churn_probability(self, t):
        """P(T = t): probability that a newly acquired customer churns in period t >= 1.

        P(T = t) = B(alpha + 1, beta + t - 1) / B(alpha, beta) (FH 2007 eq. 5; the recursion of
        eq. 7). This is the unconditional share of the cohort lost in period t; the conditional
        churn rate among those still active at t - 1 is ``1 - retention_rate(t)``.
        """
        alpha, beta = self._params_array()
        tt = _as_periods(t, "t", 1)
        values = np.exp(special.betaln(alpha + 1.0, beta + tt - 1.0) - special.betaln(alpha, beta))
        return scalar_or_array(values)

    def churn_density(self, theta, t: int = 0):
        """Density of the churn probability theta among the customers still active at period t.

        At acquisition theta ~ beta(alpha, beta) (FH 2007 eq. 4); by Bayes' rule the survivors
        of t renewals have theta ~ beta(alpha, beta + t), whose mean alpha / (alpha + beta + t)
        is 1 - r(t + 1). The mass moves towards 0 as t grows: the sorting effect behind the
        rising retention rate. ``theta`` in [0, 1] (churn probability per period).
        """
        alpha, beta = self._params_array()
        tt = float(_as_periods(t, "t", 0))
        values = stats.beta(alpha, beta + tt).pdf(np.asarray(theta, dtype=float))
        return scalar_or_array(values)

    def expected_lifetime(self, horizon: int | None = None) -> float:
        """Expected number of periods a newly acquired customer stays, E[T] = sum_{t>=0} S(t).

        Undiscounted: E[T] = (alpha + beta - 1) / (alpha - 1) for alpha > 1 (Gauss's theorem for
        2F1(1, beta; alpha + beta; 1), the DEL of FH 2010 at d = 0), and ``inf`` for
        alpha <= 1: with enough customers whose churn probability is near 0, the mean lifetime
        diverges (both segments of FH 2007 have alpha < 1). With ``horizon`` (periods), returns the
        expected number of periods active within the first ``horizon`` periods,
        sum_{t=0}^{horizon-1} S(t), which is always finite. In periods of the fitted data.
        """
        alpha, beta = self._params_array()
        if horizon is not None:
            h = int(_as_periods(horizon, "horizon", 1))
            return float(np.sum(self.survival(np.arange(h))))
        # Gauss's theorem: 2F1(1, beta; alpha + beta; 1) = (alpha + beta - 1) / (alpha - 1).
        return (alpha + beta - 1.0) / (alpha - 1.0) if alpha > 1.0 else math.inf

    def discounted_expected_lifetime(
        self, discount_rate: float, *, discount_period: str | None = None,
        interval: float | None = None, method: str = "asymptotic", n_draws: int = 1000, seed=None,
    ):
        """DEL: expected discounted number of periods a newly acquired customer pays for.

        DEL(d) = sum_{t>=0} S(t) / (1 + d)^t = 2F1(1, beta; alpha + beta; 1 / (1 + d)) (FH 2010,
        section 3). The first payment, at acquisition (t = 0), is undiscounted; multiply by the
        margin per period to get the expected CLV of a new customer. ``discount_rate`` d is per
        period of the fitted data. Infinite when d = 0 and alpha <= 1. With ``interval``: a Series
        ``estimate``, ``lower``, ``upper`` (see :meth:`_predict`).
        """
        if interval is not None:
            return self._predict(
                lambda m: m.discounted_expected_lifetime(
                    discount_rate, discount_period=discount_period
                ),
                interval, method, n_draws, seed,
            )
        alpha, beta = self._params_array()
        d = self._discount_rate(discount_rate, discount_period)
        if d == 0:
            return self.expected_lifetime()
        return _hyp2f1_one(beta, alpha + beta, 1.0 / (1.0 + d))

    def discounted_expected_residual_lifetime(
        self, discount_rate: float, renewals=0, *, discount_period: str | None = None,
        interval: float | None = None, method: str = "asymptotic", n_draws: int = 1000, seed=None,
    ):
        """DERL: expected discounted future periods of a customer who has made ``renewals`` renewals.

        The customer has been active for n = renewals + 1 periods and is about to decide on the
        next renewal; payments from that renewal on are counted, the first undiscounted:

            DERL(d | n - 1 renewals) = sum_{t>=n} S(t) / S(n - 1) / (1 + d)^(t - n)
                = (beta + n - 1) / (alpha + beta + n - 1) * 2F1(1, beta + n; alpha + beta + n; 1/(1+d))

        (FH 2010 eq. 6; the first factor is the renewal probability r(n), FH 2007 eq. 8).
        ``discount_rate`` per period of the fitted data, or per ``discount_period``; ``renewals``
        a whole number >= 0 or an array of them. Multiply by the margin per period for the residual value of a customer.
        Identity: DEL = 1 + DERL(renewals=0) / (1 + d). With ``interval``: a DataFrame indexed
        by ``renewals``, columns ``estimate``, ``lower``, ``upper`` (see :meth:`_predict`).
        """
        if interval is not None:
            return self._predict(
                lambda m: m.discounted_expected_residual_lifetime(
                    discount_rate, renewals, discount_period=discount_period
                ),
                interval, method, n_draws, seed, renewals, "renewals",
            )
        alpha, beta = self._params_array()
        d = self._discount_rate(discount_rate, discount_period)
        n = _as_periods(renewals, "renewals", 0) + 1.0
        z = 1.0 / (1.0 + d)
        values = np.array(
            [
                (beta + m - 1.0)
                / (alpha + beta + m - 1.0)
                * _hyp2f1_one(beta + m, alpha + beta + m, z)
                for m in np.atleast_1d(n).ravel()
            ]
        ).reshape(np.shape(n))
        return scalar_or_array(values)

    def residual_lifetime_elasticity(
        self, discount_rate: float, renewals=0, increase: float = 0.01, *,
        discount_period: str | None = None,
    ):
        """Percent change in DERL per percent increase in every customer's retention probability.

        Named apart from the package's two other retention elasticities: the textbook
        :func:`crmstudy.clv.simple_retention_elasticity` (one constant rate, no heterogeneity) and
        the elasticity of customer equity to retention of Gupta, Lehmann & Stuart (2004) in
        :mod:`crmstudy.clv`. This one is the elasticity of the sBG's residual lifetime (FH 2010).

        Each customer's renewal probability p = 1 - theta is multiplied by (1 + increase); the
        elasticity is the percent change of DERL divided by 100 * increase, for a customer who has
        made ``renewals`` renewals (the question of FH 2010 section 4; how much is a 1% increase
        in retention worth, with the sorting effect taken into account). Because
        E[(c p)^(j+1)] = c^(j+1) E[p^(j+1)], scaling p by c is the same as scaling the discount
        factor 1/(1+d) by c, so with z = 1/(1+d), b = beta + n, a = alpha + beta + n:

            DERL_c / DERL = c * 2F1(1, b; a; c z) / 2F1(1, b; a; z)

        which needs c z < 1. ``increase=0`` gives the point elasticity (the limit),
        1 + z (b / a) 2F1(2, b + 1; a + 1; z) / 2F1(1, b; a; z), which is the discount-weighted
        mean number of future payments (the "duration" of the customer, Pfeifer & Farris 2004).
        For a homogeneous cohort with retention r the point elasticity is 1 / (1 - r z).
        ``discount_rate`` per period of the fitted data; dimensionless result.
        """
        alpha, beta = self._params_array()
        d = self._discount_rate(discount_rate, discount_period)
        increase = check_number(increase, "increase", low=0.0, what="0.01 = 1%")
        z = 1.0 / (1.0 + d)
        c = 1.0 + increase
        if c * z >= 1.0:
            raise ParameterError(
                f"increase={increase!r} with discount_rate={d!r} makes the scaled discount factor "
                f"(1 + increase) / (1 + d) = {c * z:.4g} >= 1, so the residual lifetime is "
                "infinite; use a smaller increase or a larger discount_rate"
            )
        n = _as_periods(renewals, "renewals", 0) + 1.0
        out = []
        for m in np.atleast_1d(n).ravel():
            b, a = beta + m, alpha + beta + m
            base = _hyp2f1_one(b, a, z)
            if increase == 0:
                # z F'(z) = F(2, b; a; z) - F(1, b; a; z) and Gauss's contiguous relation
                # (a - 1) + (2 - a + (b - 1) z) F(1) + (z - 1) F(2) = 0 (A&S 15.2.10 with
                # 15.2.25) give the elasticity 1 + z F'/F = F(2, b; a; z) / F(1, b; a; z)
                # from F(1) alone.
                out.append(((a - 1.0) + (2.0 - a + (b - 1.0) * z) * base) / ((1.0 - z) * base))
            else:
                ratio = c * _hyp2f1_one(b, a, c * z) / base
                out.append((ratio - 1.0) / increase)
        return scalar_or_array(np.array(out).reshape(np.shape(n)))

    def retention_elasticity(self, discount_rate: float, renewals=0, increase: float = 0.01):
        """Deprecated name of :meth:`residual_lifetime_elasticity` (kept for one release)."""
        import warnings

        warnings.warn(
            "ShiftedBetaGeometric.retention_elasticity is deprecated; use "
            "residual_lifetime_elasticity (the elasticity of DERL to retention)",
            DeprecationWarning,
            stacklevel=2,
        )
        return self.residual_lifetime_elasticity(discount_rate, renewals, increase)

    def projection(
        self,
        horizon: int,
        cohort_size: int | None = None,
        *,
        interval: float | None = None,
        method: str = "asymptotic",
        n_draws: int = 1000,
        seed=None,
    ) -> pd.DataFrame:
        """Tidy projection for t = 0..horizon: survival, expected alive, retention rate, churn.

        Columns ``t`` (periods of the fitted data), ``survival`` (S(t)), ``retention_rate`` (r(t),
        NaN at t = 0, where it does not apply), ``churn_probability`` (P(T = t), NaN at t = 0),
        ``expected_alive`` (cohort_size * S(t); when the cohort size is known from ``fit``,
        ``from_params(cohort_size=)`` or the argument) and ``observed_alive`` (the fitted counts,
        NaN beyond them; only for a model that has its data). ``attrs["period"]``.

        With ``interval`` (e.g. 0.9), one set of parameter draws (see :meth:`_predict`) gives
        ``survival_lower``/``survival_upper``, ``retention_rate_lower``/``_upper`` and, with a
        cohort size, ``expected_alive_lower``/``_upper``; ``attrs`` adds ``interval``,
        ``method``, ``n_draws`` and ``n_failed``.
        """
        self._check_fitted()
        h = int(_as_periods(horizon, "horizon", 1))
        t = np.arange(h + 1)
        later = t[1:]
        frame = pd.DataFrame(
            {
                "t": t,
                "survival": self.survival(t),
                "retention_rate": np.concatenate(([np.nan], self.retention_rate(later))),
                "churn_probability": np.concatenate(([np.nan], self.churn_probability(later))),
            }
        )
        if cohort_size is not None or self.cohort_size is not None:
            frame.insert(2, "expected_alive", self.expected_alive(t, cohort_size))
        if self.alive is not None:
            observed = np.full(h + 1, np.nan)
            k = min(h + 1, len(self.alive))
            observed[:k] = self.alive[:k]
            frame["observed_alive"] = observed
        frame.attrs["period"] = self.period
        if interval is not None:
            from crmstudy.models._intervals import interval_from_draws

            self._needs_data(f"projection(interval={interval!r})")
            draws = self.param_draws(n_draws, method=method, seed=seed)

            def band(fn):
                return interval_from_draws(self, fn, interval=interval, draws=draws)

            surv = band(lambda m: m.survival(t))
            frame["survival_lower"] = surv["lower"].to_numpy()
            frame["survival_upper"] = surv["upper"].to_numpy()
            rate = band(lambda m: m.retention_rate(later))
            frame["retention_rate_lower"] = np.concatenate(([np.nan], rate["lower"].to_numpy()))
            frame["retention_rate_upper"] = np.concatenate(([np.nan], rate["upper"].to_numpy()))
            if "expected_alive" in frame:
                size = self._cohort_size(cohort_size)
                frame["expected_alive_lower"] = size * frame["survival_lower"]
                frame["expected_alive_upper"] = size * frame["survival_upper"]
            frame.attrs.update(
                interval=float(interval),
                method=surv.attrs["method"],
                n_draws=surv.attrs["n_draws"],
                n_failed=surv.attrs["n_failed"],
            )
        return frame

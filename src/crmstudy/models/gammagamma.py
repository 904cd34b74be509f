"""The Gamma-Gamma model of spend per transaction.

Fader, P. S., Hardie, B. G. S. and Lee, K. L. (2005b), "RFM and CLV: Using Iso-Value Curves for
Customer Base Analysis", J. Marketing Research 42(4), 415-430 (section "Adding monetary value"),
and Fader, P. S. and Hardie, B. G. S. (2013), "The Gamma-Gamma Model of Monetary Value"
(brucehardie.com/notes/025).

Each transaction of a customer is worth z ~ Gamma(p, nu) (shape p, rate nu); across customers
nu ~ Gamma(q, gamma). The data per customer are ``frequency`` x (the number of transactions the
mean is taken over: the repeat transactions of the calibration period) and ``monetary_value``
z-bar (their mean, in currency units). Customers with x = 0 carry no spend information and are
left out of the fit. On the 946 CDNOW-sample customers with repeat purchases, Fader & Hardie
(2013) report p = 6.25, q = 3.74, gamma = 15.44.

Log-likelihood scale: ``llf`` is the log density of each repeat buyer's *mean* spend z-bar (Fader
& Hardie 2013, eq. 3, with its factor x^(px)), -4055.92 at the CDNOW optimum, as in the note and
in CLVTools (-4055.9177). The density of the *total* spend x z-bar is lower by the parameter-free
constant sum(log x) (603.37 on CDNOW, giving -4659.30); the two differ by a Jacobian only, so
estimates, standard errors and likelihood-ratio tests are the same.

The model assumes spend is independent of the purchase process; check it with the correlation
of frequency and monetary value among repeat buyers (FHL 2005b report 0.11 on CDNOW).

``customer_lifetime_value`` (combining a purchase model with this one) lives in
:mod:`crmstudy.clv`; the old import from here still works for one release, with a warning.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from crmstudy._moved import moved
from crmstudy.errors import DataError, ParameterError
from crmstudy.models._base import as_weights
from crmstudy.models._data import CustomerModel, first_bad_row, read_customer_data

__all__ = ["GammaGamma"]


SPEND_COLUMNS = ("frequency", "monetary_value")


def _validate_spend(cols, index, require_positive: bool = False):
    """Check the spend columns; a repeat buyer's mean spend must be > 0 when fitting."""
    x, m = cols["frequency"], cols["monetary_value"]
    for name, col in (("frequency", x), ("monetary_value", m)):
        bad = ~np.isfinite(col) | (col < 0)
        if bad.any():
            i, where = first_bad_row(bad, index)
            raise DataError(f"column {name!r} must be finite and >= 0; {where}: {col[i]!r}")
    bad = x != np.round(x)
    if bad.any():
        i, where = first_bad_row(bad, index)
        raise DataError(f"column 'frequency' must be whole numbers; {where}: {x[i]!r}")
    bad = (x > 0) & (m <= 0)
    if require_positive and bad.any():
        i, where = first_bad_row(bad, index)
        raise DataError(
            "a customer with repeat transactions must have monetary_value > 0 (Gamma spend is "
            f"positive); {where}: {m[i]!r}. Remove returns and zero-value orders first, or fit "
            "with drop_zero_spend=True"
        )
    return {"frequency": x, "monetary_value": m}


class GammaGamma(CustomerModel):
    """Gamma-Gamma spend model, fitted by maximum likelihood on repeat buyers.

    Parameters after ``fit``: ``p`` (shape of spend per transaction), ``q`` and ``gamma`` (shape
    and rate of the Gamma heterogeneity of the transaction-level rate nu). The mean spend of a
    random customer's transaction is ``p * gamma / (q - 1)`` (finite for q > 1).
    """

    param_names = ("p", "q", "gamma")
    model_name = "Gamma-Gamma spend (Fader, Hardie & Lee 2005b)"
    needs_period = False
    data_columns = SPEND_COLUMNS
    _horizon_verbs = ()

    @staticmethod
    def _validate_columns(cols, index):
        return _validate_spend(cols, index)

    def __init__(self) -> None:
        super().__init__()
        self.currency: str | None = None
        self.n_dropped_zero_spend: int = 0

    def fit(
        self,
        summary: pd.DataFrame | None = None,
        *,
        frequency=None,
        monetary_value=None,
        weights=None,
        period: str | None = None,
        initial_params=None,
        drop_zero_spend: bool = False,
    ):
        """Fit on the customers with ``frequency > 0``; returns ``self``.

        ``summary`` has columns ``frequency`` (number of transactions averaged) and
        ``monetary_value`` (their mean, currency units); or pass them as arrays. ``weights``
        counts customers per row. ``period`` only labels the summary (spend has no time unit).
        A repeat buyer whose mean spend is 0 (e.g. free orders; one customer of the CDNOW master
        file) has no Gamma density: by default that raises :class:`DataError`; with
        ``drop_zero_spend=True`` such customers are left out of the fit and counted in
        ``self.n_dropped_zero_spend``.
        """
        data = read_customer_data(
            summary,
            {"frequency": frequency, "monetary_value": monetary_value},
            columns=SPEND_COLUMNS,
            validate=lambda c, i: _validate_spend(c, i, not drop_zero_spend),
            model_name=type(self).__name__,
            period=period,
        )
        x, m = data["frequency"], data["monetary_value"]
        self.period = data.period
        w = as_weights(weights, len(x))
        keep = (x > 0) & (m > 0)
        self.n_dropped_zero_spend = int(((x > 0) & (m <= 0)).sum())
        if not keep.any():
            raise DataError(
                "no customer has frequency > 0: Gamma-Gamma is fitted on repeat buyers only"
            )
        return self._fit_mle({"x": x[keep], "m": m[keep]}, w[keep], initial_params=initial_params)

    def _initial_params(self, data, weights):
        mean = float(np.average(data["m"], weights=weights))
        # p = 1, q = 2 makes the prior mean spend p gamma / (q - 1) = gamma: start at the data mean.
        return np.array([1.0, 2.0, mean])

    def _loglik_rows(self, params, data):
        """Density of the mean z-bar of x transactions (Fader & Hardie 2013, eq. 3).

        ``f(zbar | x) = Gamma(px+q) / (Gamma(px) Gamma(q)) gamma^q x^(px) zbar^(px-1) /
        (gamma + x zbar)^(px+q)``: the Gamma(px, x nu) density of the mean, mixed over nu.
        """
        p, q, g = params
        x, m = data["x"], data["m"]
        px = p * x
        return (
            special.gammaln(px + q)
            - special.gammaln(px)
            - special.gammaln(q)
            + q * np.log(g)
            + (px - 1.0) * np.log(m)
            + px * np.log(x)
            - (px + q) * np.log(g + x * m)
        )

    def _loglik_grad_rows(self, params, data):
        """Gradient of each row's log-likelihood in (p, q, gamma); see _loglik_and_grad_rows."""
        return self._loglik_and_grad_rows(params, data)[1]

    def _loglik_and_grad_rows(self, params, data):
        """Row log-likelihoods (Fader & Hardie 2013, eq. 3) and their gradient, ``(n_rows, 3)``.

        With ``psi`` the digamma function:

        * d/dp: ``x [psi(px+q) - psi(px) + log(zbar) + log(x) - log(gamma + x zbar)]``;
        * d/dq: ``psi(px+q) - psi(q) + log(gamma) - log(gamma + x zbar)``;
        * d/dgamma: ``q/gamma - (px+q)/(gamma + x zbar)``.

        The gamma and digamma terms depend on x alone, which takes few distinct values (about a
        hundred against 10^5 rows): they are evaluated once per value.
        """
        p, q, g = params
        x, m = data["x"], data["m"]
        (xs,), inverse = self._distinct("x", x)
        pxs = p * xs
        psi_pxq = special.digamma(pxs + q)
        log_xs = np.log(xs)
        by_x = (special.gammaln(pxs + q) - special.gammaln(pxs) + pxs * log_xs)[inverse]
        d_p = (xs * (psi_pxq - special.digamma(pxs) + log_xs))[inverse]
        d_q = psi_pxq[inverse]
        px = p * x
        log_m = np.log(m)
        g_xm = g + x * m
        log_gxm = np.log(g_xm)
        ll = by_x - special.gammaln(q) + q * np.log(g) + (px - 1.0) * log_m - (px + q) * log_gxm
        grad = np.empty((x.size, 3))
        grad[:, 0] = d_p + x * (log_m - log_gxm)
        grad[:, 1] = d_q - special.digamma(q) + np.log(g) - log_gxm
        grad[:, 2] = q / g - (px + q) / g_xm
        return ll, grad

    @staticmethod
    def _population_mean(params) -> float:
        p, q, g = params
        if q <= 1:
            raise ParameterError(
                f"q = {q:.4g} <= 1: the population mean spend is infinite; the Gamma-Gamma model "
                "does not suit these data (very heavy-tailed spend)"
            )
        return float(p * g / (q - 1.0))

    def expected_spend_new_customer(
        self, *, interval=None, method="asymptotic", n_draws=1000, seed=None
    ):
        """Mean spend per transaction of a random customer, ``p gamma / (q - 1)`` (FH 2013 eq. 4).

        A float; with ``interval``, a Series with ``estimate``, ``lower``, ``upper`` (parameter
        uncertainty; draws with q <= 1 have no finite mean and are counted as failed).
        """
        self._check_fitted()
        return self._predict_population(
            "expected_spend_new_customer",
            lambda m: m._population_mean(m._params_array()),
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )

    def _expected_spend(self, params, x, m):
        p, q, _ = params
        m = np.where(x > 0, m, 0.0)
        population = self._population_mean(params)
        return (q - 1.0) / (p * x + q - 1.0) * population + p * x / (p * x + q - 1.0) * m

    def expected_spend(
        self,
        summary=None,
        *args,
        frequency=None,
        monetary_value=None,
        interval=None,
        method="asymptotic",
        n_draws=1000,
        seed=None,
    ):
        """E[spend per transaction | x, z-bar] (Fader & Hardie 2013, eq. 5; FHL 2005b eq. 5).

        A weighted average of the population mean ``p gamma/(q-1)`` and the customer's own mean:
        ``(q-1)/(px+q-1) * p gamma/(q-1) + px/(px+q-1) * zbar``. Customers with x = 0 get the
        population mean. ``summary`` is a frame with ``frequency`` and ``monetary_value``
        (returns a Series indexed like it), or pass the arrays by keyword. With ``interval``,
        a DataFrame ``estimate``, ``lower``, ``upper`` over parameter draws.
        """
        data, _ = self._prediction_data(
            "expected_spend",
            summary,
            args,
            {"frequency": frequency, "monetary_value": monetary_value},
        )
        return self._predict(
            "expected_spend",
            data,
            self._expected_spend,
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )


__getattr__ = moved(
    __name__,
    {
        "customer_lifetime_value": "crmstudy.clv:customer_lifetime_value",
        "top_customer_overlap": "crmstudy.targeting:top_customer_overlap",
    },
)

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

The model assumes spend is independent of the purchase process; check it with the correlation
of frequency and monetary value among repeat buyers (FHL 2005b report 0.11 on CDNOW).

``customer_lifetime_value`` (combining a purchase model with this one) and
``top_customer_overlap`` live in :mod:`crmstudy.models._clv` and are re-exported here.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from crmstudy.errors import DataError, ParameterError
from crmstudy.models._base import LikelihoodModel, as_weights
from crmstudy.models._clv import customer_lifetime_value, top_customer_overlap
from crmstudy.units import check_period

__all__ = ["GammaGamma", "customer_lifetime_value", "top_customer_overlap"]


def _spend_columns(summary, frequency, monetary_value, require_positive: bool = True):
    index = None
    if summary is not None:
        missing = [c for c in ("frequency", "monetary_value") if c not in summary.columns]
        if missing:
            raise DataError(
                f"summary is missing column(s) {missing}; Gamma-Gamma needs frequency and "
                "monetary_value (see crmstudy.transactions.rfm_summary)"
            )
        frequency, monetary_value, index = (
            summary["frequency"],
            summary["monetary_value"],
            summary.index,
        )
    elif frequency is None or monetary_value is None:
        raise DataError("pass a summary DataFrame, or both frequency= and monetary_value=")
    x = np.asarray(frequency, dtype=float).ravel()
    m = np.asarray(monetary_value, dtype=float).ravel()
    if x.shape != m.shape:
        raise DataError(f"frequency and monetary_value differ in length: {x.size} vs {m.size}")
    for name, col in (("frequency", x), ("monetary_value", m)):
        bad = ~np.isfinite(col) | (col < 0)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            label = index[i] if index is not None else i
            raise DataError(
                f"column {name!r} must be finite and >= 0; {int(bad.sum())} rows, first at row "
                f"{label!r}: {col[i]!r}"
            )
    bad = x != np.round(x)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise DataError(f"column 'frequency' must be whole numbers; first bad value {x[i]!r}")
    bad = (x > 0) & (m <= 0)
    if require_positive and bad.any():
        i = int(np.flatnonzero(bad)[0])
        label = index[i] if index is not None else i
        raise DataError(
            "a customer with repeat transactions must have monetary_value > 0 (Gamma spend is "
            f"positive); {int(bad.sum())} rows, first at row {label!r}: {m[i]!r}. Remove returns "
            "and zero-value orders first, or fit with drop_zero_spend=True"
        )
    return x, m, index


class GammaGamma(LikelihoodModel):
    """Gamma-Gamma spend model, fitted by maximum likelihood on repeat buyers.

    Parameters after ``fit``: ``p`` (shape of spend per transaction), ``q`` and ``gamma`` (shape
    and rate of the Gamma heterogeneity of the transaction-level rate nu). The mean spend of a
    random customer's transaction is ``p * gamma / (q - 1)`` (finite for q > 1).
    """

    param_names = ("p", "q", "gamma")
    model_name = "Gamma-Gamma spend (Fader, Hardie & Lee 2005b)"

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
        x, m, _ = _spend_columns(summary, frequency, monetary_value, not drop_zero_spend)
        if period is None and summary is not None:
            period = summary.attrs.get("period")
        self.period = check_period(period) if period is not None else None
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

    def expected_spend_new_customer(self) -> float:
        """Mean spend per transaction of a random customer, ``p gamma / (q - 1)`` (FH 2013 eq. 4)."""
        p, q, g = self._params_array()
        if q <= 1:
            raise ParameterError(
                f"the fitted q = {q:.4g} <= 1: the population mean spend is infinite; the Gamma-"
                "Gamma model does not suit these data (very heavy-tailed spend)"
            )
        return float(p * g / (q - 1.0))

    def expected_spend(self, frequency, monetary_value=None):
        """E[spend per transaction | x, z-bar] (Fader & Hardie 2013, eq. 5; FHL 2005b eq. 5).

        A weighted average of the population mean ``p gamma/(q-1)`` and the customer's own mean:
        ``(q-1)/(px+q-1) * p gamma/(q-1) + px/(px+q-1) * zbar``. Customers with x = 0 get the
        population mean. ``frequency`` may be a summary DataFrame (returns a Series).
        """
        p, q, g = self._params_array()
        if isinstance(frequency, pd.DataFrame):
            x, m, index = _spend_columns(frequency, None, None, require_positive=False)
        else:
            x, m, index = _spend_columns(None, frequency, monetary_value, require_positive=False)
        m = np.where(x > 0, m, 0.0)
        population = self.expected_spend_new_customer()
        values = (q - 1.0) / (p * x + q - 1.0) * population + p * x / (p * x + q - 1.0) * m
        if index is None:
            return values if values.size != 1 else float(values[0])
        return pd.Series(values, index=index, name="expected_spend")

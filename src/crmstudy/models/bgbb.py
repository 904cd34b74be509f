"""The BG/BB model for discrete transaction opportunities: Fader, Hardie & Shang (2010).

Fader, P. S., Hardie, B. G. S. and Shang, J. (2010), "Customer-Base Analysis in a Discrete-Time
Noncontractual Setting", Marketing Science 29(6), 1086-1108.

At each of ``n`` discrete opportunities (e.g. a yearly fund-raising drive) a customer who is alive
transacts with probability p, and, at the start of each opportunity after the first, dies with
probability theta. Across customers p ~ Beta(alpha, beta) and theta ~ Beta(gamma, delta). The
data per customer are ``frequency`` x (transactions in the n opportunities), ``recency`` t_x (the
opportunity of the last one; 0 if none) and ``n_periods`` n; identical rows are usually given once
with a ``count``. On the donations panel (11,104 first-time supporters, 6 annual opportunities)
the paper reports alpha = 1.204, beta = 0.750, gamma = 0.657, delta = 2.783, LL = -33,225.6.

Horizons are numbers of opportunities (the data's period, e.g. "Y" for yearly drives).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

from crmstudy.errors import ConvergenceError, DataError, ParameterError
from crmstudy.models._base import as_weights
from crmstudy.models._data import CustomerModel, first_bad_row, warn_old_call

__all__ = ["BGBB"]


def _lbeta_ratio(a, b, a0, b0):
    return special.betaln(a, b) - special.betaln(a0, b0)


def _check_bgbb(frequency, recency, n_periods, index=None):
    cols = {
        "frequency": np.asarray(frequency, dtype=float).ravel(),
        "recency": np.asarray(recency, dtype=float).ravel(),
        "n_periods": np.asarray(n_periods, dtype=float).ravel(),
    }
    sizes = {len(v) for v in cols.values()}
    if len(sizes) != 1:
        raise DataError("frequency, recency and n_periods must have the same length")
    for name, col in cols.items():
        bad = ~np.isfinite(col) | (col < 0) | (col != np.round(col))
        if bad.any():
            i, where = first_bad_row(bad, index)
            raise DataError(
                f"column {name!r} counts opportunities and must be whole numbers >= 0; "
                f"{where}: {col[i]!r}"
            )
    x, tx, n = cols["frequency"], cols["recency"], cols["n_periods"]
    checks = [
        (tx > n, "recency (the opportunity of the last transaction) must not exceed n_periods"),
        (x > tx, "frequency must not exceed recency (x transactions need x opportunities)"),
        ((x == 0) & (tx > 0), "a customer with frequency 0 must have recency 0"),
    ]
    for bad, message in checks:
        if bad.any():
            i, where = first_bad_row(bad, index)
            raise DataError(
                f"{message}; {where}: frequency={x[i]:g}, recency={tx[i]:g}, n_periods={n[i]:g}"
            )
    return x, tx, n


BGBB_COLUMNS = ("frequency", "recency", "n_periods")


def _validate_bgbb_columns(cols, index):
    x, tx, n = _check_bgbb(cols["frequency"], cols["recency"], cols["n_periods"], index)
    return {"frequency": x, "recency": tx, "n_periods": n}


class BGBB(CustomerModel):
    """Beta-geometric / beta-Bernoulli model, fitted by maximum likelihood on aggregated rows.

    Parameters after ``fit``: ``alpha``, ``beta`` (Beta heterogeneity of the transaction
    probability p) and ``gamma``, ``delta`` (Beta heterogeneity of the drop-out probability theta).
    """

    param_names = ("alpha", "beta", "gamma", "delta")
    model_name = "BG/BB (Fader, Hardie & Shang 2010)"
    data_columns = BGBB_COLUMNS
    weight_column = "count"

    @staticmethod
    def _validate_columns(cols, index):
        return _validate_bgbb_columns(cols, index)

    def fit(
        self,
        summary: pd.DataFrame | None = None,
        *,
        frequency=None,
        recency=None,
        n_periods=None,
        weights=None,
        period: str | None = None,
        initial_params=None,
    ):
        """Fit on rows of (frequency, recency, n_periods); returns ``self``.

        ``summary`` has columns ``frequency``, ``recency``, ``n_periods`` and optionally
        ``count`` (customers with that row; used as weights unless ``weights`` is given), as
        returned by :func:`crmstudy.datasets.load_donations`. ``period`` names one opportunity
        (default: ``summary.attrs["period"]``).
        """
        data = self._customers(
            summary,
            {"frequency": frequency, "recency": recency, "n_periods": n_periods},
            period=period,
            fitted=False,
        )
        self.period = data.period
        if weights is None:
            weights = data.weights
        x, tx, n = data["frequency"], data["recency"], data["n_periods"]
        w = as_weights(weights, len(x))
        if not np.any((x > 0) & (w > 0)):
            raise ConvergenceError(
                f"{self.model_name}: no customer transacted in the {int(n.max())} opportunities, "
                "so the transaction and drop-out probabilities cannot be told apart and the "
                "maximum-likelihood estimate does not exist. Use more opportunities or a panel "
                "with repeat transactions"
            )
        return self._fit_mle({"x": x, "t_x": tx, "n": n}, w, initial_params=initial_params)

    def _log_branches(self, params, x, t_x, n):
        """Log of the alive-through-n term and of each 'died before opportunity t_x+i+1' term.

        FHS (2010) eq. 5. Returns (alive, dead) where ``dead`` has one column per i = 0..max(n-t_x)-1
        (-inf where i >= n - t_x).
        """
        a, b, g, d = params
        alive = _lbeta_ratio(a + x, b + n - x, a, b) + _lbeta_ratio(g, d + n, g, d)
        width = int(np.max(n - t_x)) if len(n) else 0
        i = np.arange(max(width, 1), dtype=float)[None, :]
        xx, tt = x[:, None], t_x[:, None]
        dead = _lbeta_ratio(a + xx, b + tt - xx + i, a, b) + _lbeta_ratio(g + 1.0, d + tt + i, g, d)
        dead = np.where(i < (n - t_x)[:, None], dead, -np.inf)
        return alive, dead

    def _log_likelihood(self, params, x, t_x, n):
        """log L(alpha, beta, gamma, delta | x, t_x, n) of each row, FHS (2010) eq. 5."""
        alive, dead = self._log_branches(params, x, t_x, n)
        return np.logaddexp(alive, special.logsumexp(dead, axis=1))

    def _loglik_rows(self, params, data):
        return self._log_likelihood(params, data["x"], data["t_x"], data["n"])

    # --- predictions --------------------------------------------------------------------------
    def _p_alive(self, params, x, tx, n):
        a, b, g, d = params
        total = self._log_likelihood(params, x, tx, n)
        log_next = _lbeta_ratio(a + x, b + n - x, a, b) + _lbeta_ratio(g, d + n + 1.0, g, d)
        return np.exp(log_next - total)

    def probability_alive(
        self,
        summary=None,
        *args,
        frequency=None,
        recency=None,
        n_periods=None,
        interval=None,
        method="asymptotic",
        n_draws=1000,
        seed=None,
    ):
        """P(alive at opportunity n+1 | x, t_x, n), FHS (2010) eq. 11.

        ``summary`` is a frame with ``frequency``, ``recency``, ``n_periods`` (returns a Series
        indexed like it); or pass the arrays by keyword. ``interval`` etc. as for the purchase
        models (parameter uncertainty; see :mod:`crmstudy.models._intervals`).
        """
        data, _ = self._prediction_data(
            "probability_alive",
            summary,
            args,
            {"frequency": frequency, "recency": recency, "n_periods": n_periods},
        )
        return self._predict(
            "probability_alive",
            data,
            self._p_alive,
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )

    def _expected(self, params, x, tx, n, n_future):
        a, b, _, _ = params
        log_l = self._log_likelihood(params, x, tx, n)
        log_front = _lbeta_ratio(a + x + 1.0, b + n - x, a, b)
        return np.exp(log_front - log_l) * self._survival_sum(n, n_future, params)

    def expected_purchases(
        self,
        summary=None,
        *args,
        t=None,
        frequency=None,
        recency=None,
        n_periods=None,
        interval=None,
        method="asymptotic",
        n_draws=1000,
        seed=None,
        n_future=None,
    ):
        """Expected transactions in the next ``t`` opportunities, FHS (2010) eq. 13.

        ``1/L * B(alpha+x+1, beta+n-x)/B(alpha,beta) * delta/(gamma-1) * Gamma(gamma+delta) /
        Gamma(1+delta) * [Gamma(1+delta+n)/Gamma(gamma+delta+n) -
        Gamma(1+delta+n+n*)/Gamma(gamma+delta+n+n*)]``; the last three factors are the summed
        survival of :meth:`_survival_sum`, which also covers gamma = 1. ``t`` counts
        opportunities (whole numbers; ``n_future=`` is its deprecated name).
        """
        t = self._renamed_horizon("expected_purchases", t, n_future)
        data, horizon = self._prediction_data(
            "expected_purchases",
            summary,
            args,
            {"frequency": frequency, "recency": recency, "n_periods": n_periods},
            horizon=t,
        )
        return self._predict(
            "expected_purchases",
            data,
            self._expected,
            horizon,
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )

    @staticmethod
    def _renamed_horizon(verb, t, n_future):
        if n_future is None:
            return t
        if t is not None:
            raise ParameterError(f"{verb}: give t= (n_future is its old name), not both")
        warn_old_call(f"{verb}(n_future=...)", f"{verb}(t=...)", stacklevel=4)
        return n_future

    def _survival_sum(self, n, n_future, params=None):
        """Sum of S(t) = B(gamma, delta+t)/B(gamma, delta) over t = n+1 .. n+n_future.

        Closed form (the telescoping sum behind FHS 2010 eqs. 8 and 13):
        ``delta/(gamma-1) * Gamma(gamma+delta)/Gamma(1+delta) * [Gamma(1+delta+n)/
        Gamma(gamma+delta+n) - Gamma(1+delta+n+n*)/Gamma(gamma+delta+n+n*)]``. It divides by
        gamma - 1, so within 1e-6 of gamma = 1 the terms are summed directly instead.
        """
        _, _, g, d = self._params_array() if params is None else params
        n, n_future = np.broadcast_arrays(np.asarray(n, dtype=float), np.asarray(n_future, float))
        if abs(g - 1.0) > 1e-6:
            # In logs, so that large gamma and delta (a parameter draw far out) do not overflow.
            front = special.gammaln(g + d) - special.gammaln(1.0 + d)
            first = np.exp(front + special.gammaln(1.0 + d + n) - special.gammaln(g + d + n))
            second = np.exp(
                front
                + special.gammaln(1.0 + d + n + n_future)
                - special.gammaln(g + d + n + n_future)
            )
            return d / (g - 1.0) * (first - second)
        out = np.empty(n.shape)
        for i, (start, k) in enumerate(zip(n.ravel(), n_future.ravel(), strict=True)):
            t = start + np.arange(1.0, k + 1.0)
            out.flat[i] = np.exp(_lbeta_ratio(g, d + t, g, d)).sum()
        return out

    @staticmethod
    def _check_horizon(n_future):
        arr = np.asarray(n_future, dtype=float)
        if np.any(arr < 0) or np.any(arr != np.round(arr)):
            raise ParameterError(
                f"the horizon counts opportunities and must be whole numbers >= 0, got {n_future!r}"
            )
        return arr

    def expected_purchases_new_customer(
        self, t=None, *, interval=None, method="asymptotic", n_draws=1000, seed=None, n_future=None
    ):
        """Expected transactions of a new customer in ``t`` opportunities, FHS eq. 8.

        A float (an array for an array ``t``); with ``interval``, a Series (a DataFrame indexed
        by ``t``) with ``estimate``, ``lower``, ``upper``. ``n_future=`` is the old name of ``t``.
        """
        self._check_fitted()
        t = self._renamed_horizon("expected_purchases_new_customer", t, n_future)
        if t is None:
            raise ParameterError("expected_purchases_new_customer needs the horizon t=")
        arr = self._check_horizon(t)

        def compute(model):
            a, b, _, _ = model._params_array()
            out = a / (a + b) * model._survival_sum(0.0, arr)
            return float(out) if np.ndim(out) == 0 else np.asarray(out, dtype=float)

        return self._predict_population(
            "expected_purchases_new_customer",
            compute,
            arr,
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )

    def purchase_count_pmf(self, x, t=None, *, n_future=None):
        """P(X(t) = x): transactions of a new customer in ``t`` opportunities, FHS (2010) eq. 7.

        ``n_future=`` is the old name of ``t``.
        """
        t = self._renamed_horizon("purchase_count_pmf", t, n_future)
        if t is None:
            raise ParameterError("purchase_count_pmf needs the horizon t= (opportunities)")
        xs = self._check_horizon(x)
        n = int(self._check_horizon(t))
        a, b, g, d = self._params_array()
        xs = np.atleast_1d(xs)
        out = np.zeros(xs.shape)
        for j, k in enumerate(xs):
            if k > n:
                continue
            terms = [
                special.gammaln(n + 1)
                - special.gammaln(k + 1)
                - special.gammaln(n - k + 1)
                + _lbeta_ratio(a + k, b + n - k, a, b)
                + _lbeta_ratio(g, d + n, g, d)
            ]
            for i in range(int(k), n):
                terms.append(
                    special.gammaln(i + 1)
                    - special.gammaln(k + 1)
                    - special.gammaln(i - k + 1)
                    + _lbeta_ratio(a + k, b + i - k, a, b)
                    + _lbeta_ratio(g + 1.0, d + i, g, d)
                )
            out[j] = np.exp(special.logsumexp(terms))
        return float(out[0]) if np.ndim(x) == 0 else out

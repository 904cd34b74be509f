"""What the continuous-time buy-till-you-die models share: data checks, ``fit``, prediction API.

:class:`TransactionModel` extends :class:`crmstudy.models._base.LikelihoodModel` with the input
conventions of crmstudy's customer summary (columns ``frequency``, ``recency``, ``T``, the time unit
in ``attrs["period"]``) and the prediction verbs every purchase model answers:
``probability_alive``, ``expected_purchases``, ``expected_purchases_new_customer``,
``purchase_count_pmf`` and ``expected_frequency_counts``. Subclasses (BG/NBD, MBG/NBD,
Pareto/NBD) implement the formulas; this module only moves data in and out.

Units: ``recency``, ``T`` and every horizon ``t`` are in the period the model was fitted in
(``model.period``, e.g. "W" for weeks). A summary in another unit is refused, not silently mixed.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from crmstudy._checks import as_generator, check_range
from crmstudy.errors import ConvergenceError, DataError, ParameterError
from crmstudy.models._base import _row_groups, as_weights
from crmstudy.models._data import CustomerModel, first_bad_row, read_customer_data

__all__ = ["TransactionModel", "check_summary_arrays", "summary_columns"]


def check_summary_arrays(frequency, recency, T, index=None):
    """Check a customer summary; return (frequency, recency, T) as float arrays.

    Raises :class:`DataError` naming the column, the first bad row and its value when a value is
    missing, negative or non-integer (frequency), when recency > T, or when a customer has
    repeat purchases but recency 0 (or no repeat purchase but recency > 0).
    """
    x = np.asarray(frequency, dtype=float).ravel()
    tx = np.asarray(recency, dtype=float).ravel()
    tt = np.asarray(T, dtype=float).ravel()
    if not (x.shape == tx.shape == tt.shape):
        raise DataError(
            f"frequency, recency and T must have the same length, got {x.size}, {tx.size}, "
            f"{tt.size}"
        )
    for name, col in (("frequency", x), ("recency", tx), ("T", tt)):
        bad = ~np.isfinite(col) | (col < 0)
        if bad.any():
            i, where = first_bad_row(bad, index)
            raise DataError(f"column {name!r} must be finite and >= 0; {where}: {col[i]!r}")
    bad = x != np.round(x)
    if bad.any():
        i, where = first_bad_row(bad, index)
        raise DataError(
            f"column 'frequency' counts repeat purchases and must be whole numbers; "
            f"{where}: {x[i]!r}"
        )
    # Recency and T are often rounded (Hardie's CDNOW summary keeps 2 decimals): allow 1e-9.
    bad = tx > tt + 1e-9
    if bad.any():
        i, where = first_bad_row(bad, index)
        raise DataError(
            f"recency must not exceed T (the last purchase cannot be after the end of "
            f"observation); {where}: recency={tx[i]!r}, T={tt[i]!r}"
        )
    bad = (x > 0) & (tx <= 0)
    if bad.any():
        i, where = first_bad_row(bad, index)
        raise DataError(
            "a customer with repeat purchases (frequency > 0) must have recency > 0 (time from "
            f"first to last purchase); {where}: frequency={x[i]:g}, recency=0. "
            "Same-day purchases count as one transaction: build the summary with "
            "crmstudy.transactions.rfm_summary"
        )
    bad = (x == 0) & (tx > 0)
    if bad.any():
        i, where = first_bad_row(bad, index)
        raise DataError(
            "a customer without repeat purchases (frequency 0) must have recency 0; "
            f"{where}: recency={tx[i]!r}"
        )
    return x, np.minimum(tx, tt), tt


PURCHASE_COLUMNS = ("frequency", "recency", "T")


def summary_columns(summary, frequency, recency, T, period, model_period=None):
    """(frequency, recency, T, index, period) from a summary frame or arrays, validated.

    A thin front of :func:`crmstudy.models._data.read_customer_data` (the one input path) for
    modules that need the arrays themselves (e.g. :mod:`crmstudy.models.covariates`).
    """
    data = read_customer_data(
        summary,
        {"frequency": frequency, "recency": recency, "T": T},
        columns=PURCHASE_COLUMNS,
        validate=_validate_purchase_columns,
        model_name="customer summary",
        period=period,
        model_period=model_period,
    )
    return data["frequency"], data["recency"], data["T"], data.index, data.period


def _validate_purchase_columns(cols, index):
    x, tx, tt = check_summary_arrays(cols["frequency"], cols["recency"], cols["T"], index)
    return {"frequency": x, "recency": tx, "T": tt}


class TransactionModel(CustomerModel):
    """A continuous-time model of repeat purchasing fitted on (frequency, recency, T).

    Every model here writes a customer's likelihood as the sum of two branches: alive at T, or
    dropped out unobserved after the last purchase. Subclasses implement ``_log_branches``
    (returning the log of each), from which the log-likelihood and P(alive) follow, and the
    formula hooks ``_conditional_expected``, ``_new_customer_expected`` and ``_pmf``.
    """

    data_columns = PURCHASE_COLUMNS

    @staticmethod
    def _validate_columns(cols, index):
        return _validate_purchase_columns(cols, index)

    def fit(
        self,
        summary: pd.DataFrame | None = None,
        *,
        frequency=None,
        recency=None,
        T=None,
        weights=None,
        period: str | None = None,
        initial_params=None,
    ):
        """Fit by maximum likelihood; returns ``self``.

        Parameters
        ----------
        summary : DataFrame, optional
            Columns ``frequency`` (repeat purchases), ``recency`` (time from first to last
            purchase) and ``T`` (time from first purchase to the end of calibration), in the unit
            ``summary.attrs["period"]``. Extra columns are ignored.
        frequency, recency, T : array-like, optional
            The same columns as arrays, instead of ``summary``.
        weights : array-like, optional
            Customers per row, for aggregated data (default: one per row).
        period : str, optional
            The time unit ("D", "W", "M", "Q", "Y") when it is not in ``summary.attrs``.
        initial_params : sequence, optional
            Starting values, in the order of ``param_names``.
        """
        data = self._customers(
            summary,
            {"frequency": frequency, "recency": recency, "T": T},
            period=period,
            fitted=False,
        )
        x, tx, tt = data["frequency"], data["recency"], data["T"]
        self.period = data.period
        w = as_weights(weights, len(x))
        if not np.any((x > 0) & (w > 0)):
            raise ConvergenceError(
                f"{self.model_name}: no customer made a repeat purchase, so the purchase and "
                "drop-out rates cannot be told apart and the maximum-likelihood estimate does not "
                "exist. Use a longer calibration period or a summary with repeat buyers"
            )
        self._fit_mle({"x": x, "t_x": tx, "T": tt}, w, initial_params=initial_params)
        self._after_fit()
        return self

    def _initial_params(self, data: Mapping[str, np.ndarray], weights: np.ndarray) -> np.ndarray:
        # Mean purchase rate ~ r / alpha: start with r = 1 and alpha = mean T / mean frequency.
        mean_x = max(float(np.average(data["x"], weights=weights)), 0.05)
        mean_t = max(float(np.average(data["T"], weights=weights)), 1e-3)
        start = dict.fromkeys(self.param_names, 1.0)
        start["alpha"] = mean_t / mean_x
        if "beta" in start:
            start["beta"] = mean_t
        return np.array([start[k] for k in self.param_names])

    # --- formula hooks ------------------------------------------------------------------------
    def _log_branches(self, params, x, t_x, T):
        """(log L of 'alive at T', log L of 'dropped out in (t_x, T]'), per row."""
        raise NotImplementedError

    def _loglik_rows(self, params, data):
        alive, dead = self._log_branches(params, data["x"], data["t_x"], data["T"])
        return np.logaddexp(alive, dead)

    def _log_p_alive(self, params, x, t_x, T):
        """log P(alive at T | x, t_x, T): the alive branch's share of the likelihood.

        FHL (2005a) eq. 11 for BG/NBD; FHL Pareto/NBD note eq. 21; Batislam et al. (2007) eq. 6.
        """
        alive, dead = self._log_branches(params, x, t_x, T)
        return alive - np.logaddexp(alive, dead)

    def _conditional_expected(self, params, t, x, t_x, T):
        raise NotImplementedError

    def _new_customer_expected(self, params, t):
        raise NotImplementedError

    def _pmf(self, params, n, t):
        raise NotImplementedError

    def _simulate_future_alive(self, params, x, t_x, T, t, rng):
        """Purchases in (T, T+t] of customers alive at T, one draw per row (params per row)."""
        raise NotImplementedError

    # --- predictions --------------------------------------------------------------------------
    @staticmethod
    def _check_horizon(t, name="t"):
        return check_range(t, name, low=0.0, what="a duration in the model's unit")

    def probability_alive(
        self,
        summary=None,
        *args,
        frequency=None,
        recency=None,
        T=None,
        interval=None,
        method="asymptotic",
        n_draws=1000,
        seed=None,
    ):
        """P(the customer is still alive at T | frequency, recency, T).

        Parameters
        ----------
        summary : DataFrame, optional
            Columns ``frequency``, ``recency``, ``T`` (model's period); returns a Series indexed
            like it.
        frequency, recency, T : array-like, optional
            The same as arrays, by keyword (returns an array, or a float for one customer).
        """
        data, _ = self._prediction_data(
            "probability_alive", summary, args, {"frequency": frequency, "recency": recency, "T": T}
        )
        return self._predict(
            "probability_alive",
            data,
            lambda p, x, tx, tt: np.exp(self._log_p_alive(p, x, tx, tt)),
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )

    def expected_purchases(
        self,
        summary=None,
        *args,
        t=None,
        frequency=None,
        recency=None,
        T=None,
        interval=None,
        method="asymptotic",
        n_draws=1000,
        seed=None,
    ):
        """Expected purchases in the next ``t`` periods (model's unit) given the customer's history.

        Parameters
        ----------
        summary : DataFrame, optional
            Columns ``frequency``, ``recency``, ``T``; returns a Series indexed like it.
        t : float or array
            The horizon in the model's period; an array is broadcast against the rows (one
            horizon per row), which is how a CLV evaluates many steps at once.
        frequency, recency, T : array-like, optional
            The customers as arrays, by keyword.
        """
        data, horizon = self._prediction_data(
            "expected_purchases",
            summary,
            args,
            {"frequency": frequency, "recency": recency, "T": T},
            horizon=t,
        )
        return self._predict(
            "expected_purchases",
            data,
            lambda p, x, tx, tt, h: self._conditional_expected(p, h, x, tx, tt),
            horizon,
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )

    def expected_purchases_new_customer(
        self, t=None, *, interval=None, method="asymptotic", n_draws=1000, seed=None
    ):
        """Expected repeat purchases in ``t`` periods (model's unit) of a just-acquired customer.

        Returns a float (an array for an array ``t``); with ``interval``, a Series (a DataFrame
        indexed by ``t`` for an array) with ``estimate``, ``lower``, ``upper``.
        """
        self._check_fitted()
        if t is None:
            raise ParameterError("expected_purchases_new_customer needs the horizon t=")
        arr = self._check_horizon(t)

        def compute(model):
            out = np.asarray(model._new_customer_expected(model._params_array(), arr), dtype=float)
            return float(out) if out.ndim == 0 else out

        return self._predict_population(
            "expected_purchases_new_customer",
            compute,
            arr,
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )

    def purchase_count_interval(
        self,
        summary=None,
        *,
        t=None,
        frequency=None,
        recency=None,
        T=None,
        interval=0.9,
        parameter_uncertainty=False,
        method="asymptotic",
        n_draws=1000,
        n_sims=4000,
        seed=None,
    ):
        """A predictive interval for each customer's number of purchases in the next ``t``.

        Unlike ``expected_purchases(..., interval=)`` (an interval for the *expected* number,
        parameter uncertainty only), this covers the customer's own randomness: whether they are
        still alive, their latent purchase and drop-out rates given their history, and the Poisson
        timing of their purchases. With ``parameter_uncertainty=True`` each simulated future
        also uses its own parameter draw (``method``, ``n_draws``), so the interval covers both.

        Method: Monte Carlo from the posterior of each customer's latent traits (``n_sims``
        futures per distinct row): alive at T with probability P(alive); then, for BG/NBD and
        MBG/NBD, ``lambda ~ Gamma(r+x, alpha+T)``, ``p ~ Beta(a, b+x[+1])`` and purchases until the
        geometric death; for Pareto/NBD ``lambda ~ Gamma(r+x, alpha+T)``, ``mu ~ Gamma(s,
        beta+T)`` and an exponential remaining lifetime. ``lower`` and ``upper`` are the
        ``(1-interval)/2`` and ``(1+interval)/2`` quantiles of the simulated counts (whole
        numbers; a discrete count covers at least ``interval``); ``estimate`` is the closed-form
        expected number (:meth:`expected_purchases`). Returns a DataFrame indexed like
        ``summary`` (0..n-1 for arrays).
        """
        data, horizon = self._prediction_data(
            "purchase_count_interval",
            summary,
            (),
            {"frequency": frequency, "recency": recency, "T": T},
            horizon=t,
        )
        if not (isinstance(interval, int | float) and 0 < interval < 1):
            raise ParameterError(
                f"interval must be a level in (0, 1) such as 0.9, got {interval!r}"
            )
        if not isinstance(n_sims, int | np.integer) or n_sims < 100:
            raise ParameterError(f"n_sims must be a whole number >= 100, got {n_sims!r}")
        rng = as_generator(seed)
        cols = [
            np.asarray(c, dtype=float).ravel()
            for c in np.broadcast_arrays(data["frequency"], data["recency"], data["T"], horizon)
        ]
        member, inverse = _row_groups(cols)
        x, tx, tt, h = (c[member] for c in cols)
        m = len(x)
        if parameter_uncertainty:
            draws = self.param_draws(n_draws, method=method, seed=rng).to_numpy(dtype=float)
        else:
            draws = self._params_array()[None, :]
        # P(alive) once per (draw, distinct row); each simulated future picks a draw.
        alive_table = np.stack([np.exp(self._log_p_alive(d, x, tx, tt)) for d in draws])
        pick = rng.integers(0, len(draws), size=m * n_sims)
        rows = np.repeat(np.arange(m), n_sims)
        alive = rng.uniform(size=rows.size) < alive_table[pick, rows]
        counts = np.zeros(rows.size)
        idx = np.flatnonzero(alive)
        per_row = [draws[pick[idx], j] for j in range(self.k_params)]
        counts[idx] = self._simulate_future_alive(
            per_row, x[rows[idx]], tx[rows[idx]], tt[rows[idx]], h[rows[idx]], rng
        )
        sims = counts.reshape(m, n_sims)
        tail = (1.0 - interval) / 2.0
        lower = np.quantile(sims, tail, axis=1, method="inverted_cdf")
        upper = np.quantile(sims, 1.0 - tail, axis=1, method="inverted_cdf")
        estimate = self._conditional_expected(self._params_array(), h, x, tx, tt)
        out = pd.DataFrame(
            {"estimate": estimate[inverse], "lower": lower[inverse], "upper": upper[inverse]},
            index=data.index,
        )
        out.attrs.update(
            interval=float(interval),
            quantity="purchase_count",
            period=self.period,
            n_sims=int(n_sims),
            covers=(
                "the customer's own randomness and parameter uncertainty"
                if parameter_uncertainty
                else "the customer's own randomness at the estimated parameters"
            ),
        )
        return out

    def probability_alive_path(
        self,
        purchase_times,
        T,
        *,
        n_grid: int = 200,
        interval=None,
        method="asymptotic",
        n_draws=1000,
        seed=None,
    ) -> pd.DataFrame:
        """One customer's P(alive) along their own history: just after each purchase and on a grid.

        ``purchase_times`` are the times of all the customer's purchases (the first included),
        strictly increasing, in the model's period on any clock; ``T`` is the end of observation
        on the same clock. At each time tau the customer's summary is what the firm knew then
        (repeat purchases up to tau, the time of the last one and tau minus the first purchase),
        and P(alive at tau) follows from the model. Returns a DataFrame sorted by ``t`` with
        columns ``t``, ``frequency``, ``recency``, ``T``, ``purchase`` (True on the row just after
        a purchase) and ``probability_alive``, or with ``interval`` the columns ``estimate``,
        ``lower``, ``upper`` instead (parameter uncertainty). The grid has ``n_grid`` points from
        the first purchase to ``T``.
        """
        self._check_fitted()
        try:
            times = np.asarray(purchase_times, dtype=float).ravel()
        except (TypeError, ValueError):
            raise DataError(f"purchase_times must be numbers, got {purchase_times!r}") from None
        if times.size == 0 or not np.all(np.isfinite(times)):
            raise DataError("purchase_times must hold at least the first purchase, all finite")
        steps = np.diff(times)
        if np.any(steps <= 0):
            i = int(np.flatnonzero(steps <= 0)[0]) + 1
            raise DataError(
                f"purchase_times must be strictly increasing (one purchase per time; merge "
                f"same-day purchases first); position {i} has {times[i]!r} after {times[i - 1]!r}"
            )
        end = float(T)
        if not np.isfinite(end) or end < times[-1]:
            raise DataError(
                f"T={T!r} (end of observation) must be at or after the last purchase "
                f"({times[-1]!r}), on the same clock as purchase_times"
            )
        if not isinstance(n_grid, int | np.integer) or n_grid < 2:
            raise ParameterError(f"n_grid must be a whole number >= 2, got {n_grid!r}")
        start = times[0]
        grid = np.linspace(start, end, int(n_grid))
        at = np.concatenate([times, grid])
        purchase = np.concatenate([np.ones(times.size, bool), np.zeros(grid.size, bool)])
        order = np.lexsort((~purchase, at))
        at, purchase = at[order], purchase[order]
        # Repeat purchases up to each time (a purchase at tau counts: "just after").
        k = np.searchsorted(times, at, side="right") - 1
        x = k.astype(float)
        recency = times[k] - start
        age = at - start
        frame = pd.DataFrame(
            {"t": at, "frequency": x, "recency": recency, "T": age, "purchase": purchase}
        )
        values = self.probability_alive(
            frequency=x,
            recency=recency,
            T=age,
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )
        if interval is None:
            frame["probability_alive"] = np.atleast_1d(values)
        else:
            values = values.to_frame().T if isinstance(values, pd.Series) else values
            for col in ("estimate", "lower", "upper"):
                frame[col] = values[col].to_numpy()
        frame.attrs.update(period=self.period, quantity="probability_alive")
        return frame

    def purchase_count_pmf(self, x, t):
        """P(X(t) = x): probability that a new customer makes ``x`` repeat purchases in ``t``.

        ``x`` is an integer or array of integers; ``t`` a duration in the model's unit.
        """
        self._check_fitted()
        n = np.asarray(x, dtype=float)
        if np.any(n < 0) or np.any(n != np.round(n)):
            raise ParameterError(f"x must be whole numbers >= 0, got {x!r}")
        tt = self._check_horizon(t)
        out = np.asarray(self._pmf(self._params_array(), n, tt), dtype=float)
        return float(out) if out.ndim == 0 else out

    def expected_frequency_counts(self, T, max_frequency: int = 7) -> pd.Series:
        """Expected number of customers with 0, 1, ..., ``max_frequency``+ repeat purchases.

        ``T`` holds each customer's observation time (model's unit): the model's counterpart of
        the histogram of observed frequencies (Fader, Hardie & Lee 2005a, Figure 1). The last
        entry collects ``max_frequency`` and more.
        """
        self._check_fitted()
        times = self._check_horizon(T, "T").ravel()
        # Customers sharing a T share the pmf: evaluate once per distinct T.
        distinct, counts = np.unique(times, return_counts=True)
        ks = np.arange(max_frequency)
        probs = self._pmf(self._params_array(), ks[:, None], distinct[None, :])
        expected = np.asarray(probs) @ counts
        tail = counts.sum() - expected.sum()
        values = np.append(expected, tail)
        labels = [str(k) for k in ks] + [f"{max_frequency}+"]
        return pd.Series(values, index=labels, name="expected_customers")

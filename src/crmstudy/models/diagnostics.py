"""Validation tables for the purchase models: what the diagnostic figures of FHL (2005a) show.

Fader, Hardie & Lee (2005a), "Counting your customers the easy way", Marketing Science 24(2),
275-284, judge a fitted BG/NBD or Pareto/NBD with four displays; each function here computes one of
them as a plain DataFrame (the figures in :mod:`crmstudy.plots.customer_base` only draw them):

* :func:`frequency_histogram`: customers by number of repeat purchases in calibration, actual
  vs model (their Figure 1);
* :func:`holdout_by_frequency`: mean holdout purchases by calibration frequency, actual vs the
  model's conditional expectation (Figure 4);
* :func:`tracking`: repeat transactions of the cohort per period, incremental and cumulative,
  actual vs model, through calibration and holdout (Figures 2-3);
* :func:`frequency_recency_grid`: P(alive) or expected purchases for each (frequency, recency)
  of a customer observed for T periods (the iso-value view of FHL 2005b).

All times are in the model's period (``model.period``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmstudy.errors import DataError, ParameterError
from crmstudy.units import DAYS_PER_PERIOD, check_period

__all__ = ["frequency_histogram", "holdout_by_frequency", "tracking", "frequency_recency_grid"]


def _bucket(values, max_frequency: int) -> np.ndarray:
    return np.minimum(np.asarray(values, dtype=int), max_frequency)


def _labels(max_frequency: int) -> list[str]:
    return [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]


def frequency_histogram(model, summary: pd.DataFrame, max_frequency: int = 7) -> pd.DataFrame:
    """Customers with 0, 1, ..., ``max_frequency``+ repeat purchases: actual and model.

    ``summary`` has ``frequency`` and ``T`` (model's period). Returns a frame indexed by the
    frequency label with columns ``actual`` and ``model`` (expected number of customers, from
    ``model.expected_frequency_counts`` given each customer's T).
    """
    if max_frequency < 1:
        raise ParameterError(f"max_frequency must be >= 1, got {max_frequency!r}")
    counts = np.bincount(_bucket(summary["frequency"], max_frequency), minlength=max_frequency + 1)
    expected = model.expected_frequency_counts(summary["T"].to_numpy(), max_frequency)
    return pd.DataFrame(
        {"actual": counts.astype(float), "model": expected.to_numpy()},
        index=pd.Index(_labels(max_frequency), name="frequency"),
    )


def holdout_by_frequency(
    model, calibration_holdout: pd.DataFrame, max_frequency: int = 7, holdout: float | None = None
) -> pd.DataFrame:
    """Mean holdout purchases per customer, by calibration frequency: actual and model.

    ``calibration_holdout`` is the frame of :func:`crmstudy.transactions.calibration_holdout`
    (``frequency``, ``recency``, ``T``, ``frequency_holdout``; ``attrs["holdout_duration"]`` in the
    model's period, or pass ``holdout=``). Returns columns ``customers``, ``actual`` and ``model``
    (mean of the conditional expectation over the holdout), indexed by frequency label.
    """
    frame = calibration_holdout
    if "frequency_holdout" not in frame:
        raise DataError("the frame needs a 'frequency_holdout' column (see calibration_holdout)")
    duration = holdout if holdout is not None else frame.attrs.get("holdout_duration")
    if duration is None:
        raise ParameterError("pass holdout= (the holdout length in the model's period)")
    predicted = np.asarray(model.expected_purchases(float(duration), frame), dtype=float)
    bucket = _bucket(frame["frequency"], max_frequency)
    table = (
        pd.DataFrame(
            {"bucket": bucket, "actual": frame["frequency_holdout"].to_numpy(), "model": predicted}
        )
        .groupby("bucket")
        .agg(customers=("actual", "size"), actual=("actual", "mean"), model=("model", "mean"))
        .reindex(range(max_frequency + 1))
    )
    table.index = pd.Index(_labels(max_frequency), name="frequency")
    table["customers"] = table["customers"].fillna(0).astype("int64")
    return table


def tracking(
    model,
    transactions: pd.DataFrame,
    calibration_end,
    observation_end,
    period: str | None = None,
) -> pd.DataFrame:
    """Repeat transactions of the cohort per period, actual and model (FHL 2005a, Figures 2-3).

    The cohort is every customer whose first purchase is on or before ``calibration_end``. A
    repeat transaction is a later purchase day (same-day purchases count once, as in
    ``rfm_summary``). Time runs in whole ``period`` steps from the cohort's first purchase date.
    The model's expectation for customer i at time t is ``E[X(t - b_i)]`` of a new customer
    acquired at b_i, summed over the cohort.

    Returns one row per step with ``end`` (date the step ends), ``time`` (its end, in periods
    since the start), ``actual``, ``model`` (incremental) and ``actual_cumulative``,
    ``model_cumulative``; ``attrs["calibration_time"]`` is the calibration end in periods.
    """
    period = check_period(period or model.period)
    if model.period is not None and period != model.period:
        raise ParameterError(f"period={period!r} differs from the model's {model.period!r}")
    for column in ("customer_id", "date"):
        if column not in transactions:
            raise DataError(f"transactions need a {column!r} column")
    cal_end = pd.Timestamp(calibration_end)
    obs_end = pd.Timestamp(observation_end)
    days = pd.DataFrame(
        {
            "customer_id": transactions["customer_id"].to_numpy(),
            "day": pd.to_datetime(transactions["date"]).dt.normalize().to_numpy(),
        }
    ).drop_duplicates()
    first = days.groupby("customer_id")["day"].min()
    cohort = first[first <= cal_end]
    if cohort.empty:
        raise DataError(f"no customer made a first purchase on or before {cal_end.date()}")
    start = cohort.min()
    length = DAYS_PER_PERIOD[period]
    n_steps = int(np.ceil((obs_end - start).days / length - 1e-9))
    ends_days = np.minimum(np.arange(1, n_steps + 1) * length, (obs_end - start).days)
    repeat = days[days["customer_id"].isin(cohort.index)]
    repeat = repeat[repeat["day"] > repeat["customer_id"].map(cohort)]
    repeat_days = (repeat["day"] - start).dt.days.to_numpy(dtype=float)
    actual = np.histogram(repeat_days, bins=np.concatenate([[0.0], ends_days + 0.5]))[0]
    # Model: sum over acquisition days of E[X(t - b)] for new customers, per step end.
    birth_days = (cohort - start).dt.days.to_numpy(dtype=float)
    births, counts = np.unique(birth_days, return_counts=True)
    ages = np.maximum(ends_days[:, None] - births[None, :], 0.0) / length
    expected = np.asarray(model.expected_purchases_new_customer(ages.ravel())).reshape(ages.shape)
    cumulative = expected @ counts
    table = pd.DataFrame(
        {
            "end": start + pd.to_timedelta(ends_days, unit="D"),
            "time": ends_days / length,
            "actual": actual.astype(float),
            "model": np.diff(cumulative, prepend=0.0),
            "actual_cumulative": np.cumsum(actual).astype(float),
            "model_cumulative": cumulative,
        }
    )
    table.attrs.update(period=period, calibration_time=(cal_end - start).days / length)
    return table


def frequency_recency_grid(
    model,
    T: float,
    quantity: str = "probability_alive",
    horizon: float | None = None,
    max_frequency: int = 15,
    n_recency: int = 14,
) -> pd.DataFrame:
    """``quantity`` for every (frequency, recency) of a customer observed for ``T`` periods.

    ``quantity`` is "probability_alive" or "expected_purchases" (then ``horizon`` is required, in
    the model's period). Rows: frequency 0..``max_frequency``; columns: ``n_recency`` recencies
    evenly from T / n_recency to T (and 0 for frequency 0). Impossible cells (frequency 0 with
    recency > 0, frequency > 0 with recency 0) are NaN.
    """
    if quantity not in ("probability_alive", "expected_purchases"):
        raise ParameterError(
            f"quantity must be 'probability_alive' or 'expected_purchases', got {quantity!r}"
        )
    if quantity == "expected_purchases" and horizon is None:
        raise ParameterError("expected_purchases needs horizon= (in the model's period)")
    recencies = np.concatenate([[0.0], np.linspace(T / n_recency, T, n_recency)])
    freq = np.arange(max_frequency + 1)
    xx, rr = np.meshgrid(freq, recencies, indexing="ij")
    valid = (xx > 0) == (rr > 0)
    x, r = xx[valid], rr[valid]
    tt = np.full(x.shape, float(T))
    if quantity == "probability_alive":
        values = model.probability_alive(x, r, tt)
    else:
        values = model.expected_purchases(horizon, x, r, tt)
    grid = np.full(xx.shape, np.nan)
    grid[valid] = values
    out = pd.DataFrame(
        grid,
        index=pd.Index(freq, name="frequency"),
        columns=pd.Index(np.round(recencies, 2), name="recency"),
    )
    out.attrs.update(quantity=quantity, T=float(T), horizon=horizon, period=model.period)
    return out

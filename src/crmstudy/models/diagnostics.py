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

Two totals put Figures 4 and 3 in numbers: :func:`holdout_totals` (holdout purchases summed
over customers, actual vs conditional expectation) and :func:`tracking_totals` (the tracking
curves at the end of calibration and of the holdout). :func:`spend_frequency_correlation` checks
the Gamma-Gamma model's assumption that spend per transaction is independent of frequency
(Fader, Hardie & Lee 2005b, "RFM and CLV: using iso-value curves for customer base analysis",
J. Marketing Research 42(4), 415-430).

All times are in the model's period (``model.period``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from crmstudy.errors import DataError, ParameterError
from crmstudy.units import DAYS_PER_PERIOD, check_period

__all__ = [
    "frequency_histogram",
    "holdout_by_frequency",
    "holdout_totals",
    "spend_frequency_correlation",
    "tracking",
    "tracking_totals",
    "frequency_recency_grid",
]


def _bucket(values, max_frequency: int) -> np.ndarray:
    return np.minimum(np.asarray(values, dtype=int), max_frequency)


def _labels(max_frequency: int) -> list[str]:
    return [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]


def _holdout_length(frame: pd.DataFrame, holdout: float | None) -> float:
    duration = holdout if holdout is not None else frame.attrs.get("holdout_duration")
    if duration is None:
        raise ParameterError(
            "holdout=None and the frame has no attrs['holdout_duration']: pass holdout= (the "
            "holdout length in the model's period)"
        )
    return float(duration)


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
    predicted = np.asarray(
        model.expected_purchases(frame, t=_holdout_length(frame, holdout)), dtype=float
    )
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


def holdout_totals(model, calibration_holdout: pd.DataFrame, holdout: float | None = None) -> dict:
    """Holdout repeat purchases summed over all customers: actual and the model's prediction.

    The prediction is the sum of each customer's conditional expectation over the holdout given
    their calibration history (for the BG/NBD, FHL 2005a eq. 10); it is the aggregate of their
    Figure 4. ``calibration_holdout`` is as for :func:`holdout_by_frequency`; ``holdout`` (in the
    model's period) defaults to ``attrs["holdout_duration"]``.

    Returns a dict: ``actual`` (purchases), ``predicted`` (expected purchases) and
    ``relative_error`` (predicted / actual - 1; negative means under-prediction; NaN if there
    were no holdout purchases).
    """
    frame = calibration_holdout
    if "frequency_holdout" not in frame:
        raise DataError("the frame needs a 'frequency_holdout' column (see calibration_holdout)")
    duration = _holdout_length(frame, holdout)
    actual = float(frame["frequency_holdout"].sum())
    predicted = float(np.sum(model.expected_purchases(frame, t=duration)))
    error = predicted / actual - 1.0 if actual > 0 else float("nan")
    return {"actual": actual, "predicted": predicted, "relative_error": error}


def spend_frequency_correlation(summary: pd.DataFrame) -> float:
    """Pearson correlation of ``frequency`` and ``monetary_value`` among repeat buyers.

    The Gamma-Gamma spend model (FHL 2005b; Fader & Hardie 2013, "The Gamma-Gamma model of
    monetary value") assumes that a customer's mean spend per transaction is independent of
    their number of transactions; a correlation near 0 is consistent with that (FHL 2005b report
    0.11 on the CDNOW sample). Customers with
    ``frequency`` 0 have no repeat spend and are left out. Raises DataError if fewer than two
    repeat buyers remain or either column is constant among them.
    """
    for column in ("frequency", "monetary_value"):
        if column not in summary:
            raise DataError(f"the summary needs a {column!r} column (see rfm_summary)")
    repeat = summary[summary["frequency"] > 0]
    x = repeat["frequency"].to_numpy(dtype=float)
    m = repeat["monetary_value"].to_numpy(dtype=float)
    if len(x) < 2 or np.ptp(x) == 0 or np.ptp(m) == 0:
        raise DataError(
            f"the correlation needs at least two repeat buyers with varying 'frequency' and "
            f"'monetary_value'; got {len(x)} repeat buyers"
        )
    return float(np.corrcoef(x, m)[0, 1])


def tracking_totals(table: pd.DataFrame) -> dict:
    """Cumulative repeat purchases of a :func:`tracking` table at two points: actual and model.

    Reads the last step ending on or before ``attrs["calibration_time"]`` (the calibration end
    usually falls inside a step, so this can be up to one period early) and the last step (end of
    the holdout). Returns ``time_calibration`` and ``time_end`` (the step ends read, in the
    table's period since the cohort's first purchase), ``actual_calibration``,
    ``model_calibration``, ``actual_end``, ``model_end`` and the increments between the two
    steps ``actual_holdout``, ``model_holdout`` (in purchases).
    """
    cal_time = table.attrs.get("calibration_time")
    if cal_time is None:
        raise DataError("the table needs attrs['calibration_time'] (use tracking())")
    calibration = table[table["time"] <= cal_time + 1e-9]
    if calibration.empty:
        raise DataError(f"no tracking step ends by the calibration time {cal_time:.3f}")
    cal, last = calibration.iloc[-1], table.iloc[-1]
    out = {
        "time_calibration": float(cal["time"]),
        "time_end": float(last["time"]),
        "actual_calibration": float(cal["actual_cumulative"]),
        "model_calibration": float(cal["model_cumulative"]),
        "actual_end": float(last["actual_cumulative"]),
        "model_end": float(last["model_cumulative"]),
    }
    out["actual_holdout"] = out["actual_end"] - out["actual_calibration"]
    out["model_holdout"] = out["model_end"] - out["model_calibration"]
    return out


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
        values = model.probability_alive(frequency=x, recency=r, T=tt)
    else:
        values = model.expected_purchases(t=horizon, frequency=x, recency=r, T=tt)
    grid = np.full(xx.shape, np.nan)
    grid[valid] = values
    out = pd.DataFrame(
        grid,
        index=pd.Index(freq, name="frequency"),
        columns=pd.Index(np.round(recencies, 2), name="recency"),
    )
    out.attrs.update(quantity=quantity, T=float(T), horizon=horizon, period=model.period)
    return out

"""Property-based tests of the transaction layer (hypothesis), on pandas, polars and DuckDB.

For random valid logs every engine returns the identical summary, and the summary agrees with a
brute-force computation in plain Python (a second derivation, written from the definitions of
Fader, Hardie & Lee 2005a, not from the code): 0 <= recency <= T, frequency = distinct purchase
days - 1, frequency x monetary_value = the amounts of the repeat purchase days, T = days from the
first purchase to the end. For random invalid logs the layer raises a crmstudy error, never any
other exception. Eager polars frames take the in-memory (numpy) path, polars LazyFrames and
DuckDB the narwhals query, so the identity checks the two implementations against each other. Dates straddle 1970-01-01 (negative day numbers). Dask is left out: each call
costs seconds of start-up (tests/test_engines.py runs it on a cluster).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crmstudy.errors import CrmstudyError
from crmstudy.transactions import calibration_holdout, rfm_summary

ORIGIN = dt.datetime(1969, 11, 1)
SETTINGS = settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ENGINES = {
    "polars": pl.from_pandas,  # eager: in memory, the numpy path as pandas
    "polars_lazy": lambda frame: pl.from_pandas(frame).lazy(),  # the narwhals query
    "duckdb": duckdb.from_df,  # the narwhals query, SQL
}


@st.composite
def valid_logs(draw):
    """A log of 1-25 purchase records: ids, dates (with minutes) around 1970, cent amounts."""
    n = draw(st.integers(1, 25))
    id_pool = draw(st.sampled_from(["text", "int"]))
    raw_ids = draw(st.lists(st.integers(0, 6), min_size=n, max_size=n))
    ids = [f"c{i:02d}" for i in raw_ids] if id_pool == "text" else raw_ids
    offsets = draw(st.lists(st.integers(0, 200), min_size=n, max_size=n))
    minutes = draw(st.lists(st.integers(0, 24 * 60 - 1), min_size=n, max_size=n))
    cents = draw(st.lists(st.integers(0, 10**7), min_size=n, max_size=n))
    dates = [
        ORIGIN + dt.timedelta(days=d, minutes=m) for d, m in zip(offsets, minutes, strict=True)
    ]
    frame = pd.DataFrame(
        {"customer_id": ids, "date": pd.to_datetime(dates), "amount": np.array(cents) / 100}
    )
    extra = draw(st.integers(0, 30))
    end = (max(dates) + dt.timedelta(days=extra)).date()
    return frame, end


def brute_force(frame: pd.DataFrame, end: dt.date, last: dt.date | None = None) -> dict:
    """Per customer, from the definitions: purchase days (summed amounts) up to ``last``."""
    last = end if last is None else last
    per_day: dict[str, dict[dt.date, float]] = defaultdict(lambda: defaultdict(float))
    for ident, when, value in frame.itertuples(index=False):
        day = pd.Timestamp(when).date()
        if day <= last:
            per_day[str(ident)][day] += value
    out = {}
    for ident, days in per_day.items():
        ordered = sorted(days)
        out[ident] = {
            "frequency": len(ordered) - 1,
            "recency_days": (ordered[-1] - ordered[0]).days,
            "T_days": (last - ordered[0]).days,
            "repeat_value": sum(days[d] for d in ordered[1:]),
        }
    return out


@SETTINGS
@given(valid_logs(), st.sampled_from(["D", "W"]))
def test_every_engine_gives_the_summary_of_the_definitions(case, period):
    frame, end = case
    summary = rfm_summary(frame, period=period, observation_end=str(end))
    for name, make in ENGINES.items():
        other = rfm_summary(make(frame), period=period, observation_end=str(end))
        pd.testing.assert_frame_equal(other, summary, check_exact=True, obj=name)
        assert other.attrs == summary.attrs
    unit = {"D": 1.0, "W": 7.0}[period]
    expected = brute_force(frame, end)
    assert sorted(summary.index) == list(summary.index) == sorted(expected)
    assert (summary["recency"] >= 0).all() and (summary["recency"] <= summary["T"]).all()
    for ident, row in summary.iterrows():
        want = expected[ident]
        assert row["frequency"] == want["frequency"]
        assert row["recency"] == want["recency_days"] / unit
        assert row["T"] == want["T_days"] / unit
        assert row["frequency"] * row["monetary_value"] == pytest.approx(
            want["repeat_value"], rel=1e-12, abs=1e-9
        )
        if row["frequency"] == 0:
            assert row["monetary_value"] == 0.0


@SETTINGS
@given(valid_logs(), st.integers(0, 200))
def test_calibration_holdout_agrees_with_the_definitions(case, cut):
    frame, end = case
    first = frame["date"].min().date()
    cal = first + dt.timedelta(days=cut)
    if cal >= end:
        cal = end - dt.timedelta(days=1)
    if cal < first:
        return  # one-day log: no split possible (refusal is tested elsewhere)
    split = calibration_holdout(frame, str(cal), str(end), period="D")
    for name, make in ENGINES.items():
        other = calibration_holdout(make(frame), str(cal), str(end), period="D")
        pd.testing.assert_frame_equal(other, split, check_exact=True, obj=name)
    calibration = brute_force(frame, end, last=cal)
    everything = brute_force(frame, end)
    assert sorted(split.index) == sorted(calibration)
    assert (split["recency"] <= split["T"]).all() and (split["recency"] >= 0).all()
    for ident, row in split.iterrows():
        assert row["frequency"] == calibration[ident]["frequency"]
        assert row["T"] == calibration[ident]["T_days"]
        holdout_days = everything[ident]["frequency"] - calibration[ident]["frequency"]
        assert row["frequency_holdout"] == holdout_days
        later = frame[(frame["customer_id"].astype(str) == ident) & (frame["date"].dt.date > cal)][
            "amount"
        ].sum()
        assert row["amount_holdout"] == pytest.approx(later, rel=1e-12, abs=1e-9)


#: Ways to spoil one cell (or column) of a valid log. Each returns the spoiled pandas frame.
def _set(column, value, dtype=object):
    def spoil(frame, row):
        frame = frame.copy()
        frame[column] = frame[column].astype(dtype)
        frame.loc[row, column] = value
        return frame

    return spoil


CORRUPTIONS = {
    "nan amount": _set("amount", np.nan, float),
    "negative amount": _set("amount", -0.01, float),
    "inf amount": _set("amount", np.inf, float),
    "huge amount": _set("amount", 1e14, float),
    "text amount": _set("amount", "ten"),
    "bool amount": _set("amount", True),
    "missing id": _set("customer_id", None),
    "empty id": _set("customer_id", ""),
    "padded id": _set("customer_id", " c01"),
    "int among text ids": _set("customer_id", 3),
    "missing date": _set("date", None),
    "text date": _set("date", "yesterday"),
    "ambiguous date": _set("date", "03/04/1970"),
    "far future date": _set("date", pd.Timestamp("2999-01-01")),
    "no amount column": lambda frame, row: frame.drop(columns="amount"),
    "empty log": lambda frame, row: frame.iloc[:0],
}


@SETTINGS
@given(valid_logs(), st.sampled_from(sorted(CORRUPTIONS)), st.data())
def test_invalid_logs_raise_a_crmstudy_error(case, corruption, data):
    frame, end = case
    frame = frame.assign(customer_id=frame["customer_id"].astype(str).radd("c"))
    if len(frame) == 1:  # a spoiled single row could be a valid log of another kind (id 3)
        frame = pd.concat([frame, frame], ignore_index=True)
    row = data.draw(st.integers(0, len(frame) - 1))
    bad = CORRUPTIONS[corruption](frame, row)
    with pytest.raises(CrmstudyError):
        rfm_summary(bad, period="W")
    # The same log on a typed engine, where the spoiled column survives the conversion
    # (polars turns [0.0, True] into floats and [.., 3] into text: valid logs there).
    if corruption in {"bool amount", "int among text ids"}:
        return
    try:
        native = pl.from_pandas(bad)
    except (TypeError, ValueError, pl.exceptions.PolarsError):
        return  # a mixed-type column: polars cannot hold it, so there is nothing to test
    with pytest.raises(CrmstudyError):
        rfm_summary(native, period="W")
    with pytest.raises(CrmstudyError):
        rfm_summary(native.lazy(), period="W")

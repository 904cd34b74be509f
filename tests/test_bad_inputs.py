"""The bad-input classes of the transaction layer (issue 22), one case (or more) per class.

Each class is either refused with a crmstudy error that names the column, the row (an index
label, a line of the file, or for the engines without row order the offending row's values) and
the value, or handled correctly, in which case the test checks the result against a hand-worked
answer. Engines are pandas, polars and DuckDB wherever the class can occur on them, and they
must agree. Other helpers keep their own classes (models, reports, CLI) in their test files.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest

from crmstudy.errors import CrmstudyError, DataError, ParameterError
from crmstudy.transactions import (
    calibration_holdout,
    purchase_counts,
    read_transactions,
    rfm_summary,
    validate_transactions,
)

ENGINES = {
    "pandas": lambda frame: frame,
    "polars": pl.from_pandas,
    "duckdb": duckdb.from_df,
}


def log(ids, dates, amounts) -> pd.DataFrame:
    return pd.DataFrame({"customer_id": ids, "date": dates, "amount": amounts})


def days(*text):
    return pd.to_datetime(list(text))


# ------------------------------------------------------------------------------------------
# Money: the exact integer sums never wrap
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_one_amount_past_the_exact_limit_is_refused(engine):
    # 1e13 currency units is 1e19 millionths, past int64: before, pandas returned a negative
    # monetary value and polars/DuckDB raised raw cast errors.
    frame = log(["a", "a", "b"], days("2020-01-01", "2020-01-05", "2020-01-03"), [1.0, 1e13, 3.0])
    with pytest.raises(
        DataError, match=r"'amount' has 1 amounts of 35,184,372 currency units"
    ) as err:
        rfm_summary(ENGINES[engine](frame))
    assert "10000000000000.0" in str(err.value)
    # pandas and eager polars name the row; DuckDB (no row order) names the row's values.
    assert ("row 1" in str(err.value)) == (engine != "duckdb")
    if engine == "duckdb":
        assert "customer_id 'a', date 2020-01-05" in str(err.value)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_log_total_past_the_exact_limit_is_refused(engine):
    # 300,000 customers buying 3.4e7 each on one day: 1.02e13 in all. Before, purchase_counts
    # returned -8.2e12 (pandas, polars) and -9.2e12 (DuckDB) for that month.
    n = 300_000
    frame = log(np.arange(n).astype(str), days(*["2020-01-01"] * n), np.full(n, 3.4e7))
    with pytest.raises(DataError, match=r"'amount' add up to 10,200,000,000,000 currency units"):
        purchase_counts(ENGINES[engine](frame), period="M")


def test_customer_day_past_the_packing_limit_names_the_customer():
    frame = log(["a", "a", "b"], days("2020-01-01", "2020-01-01", "2020-01-02"), [2e7, 2e7, 1.0])
    with pytest.raises(DataError, match=r"customer 'a' has purchases worth 40,000,000.00"):
        rfm_summary(frame)


# ------------------------------------------------------------------------------------------
# Dates
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_dates_before_1970_in_calibration_holdout(engine):
    # a: 1965-03-01 and 1966-07-01 (both calibration); b: 1965-05-01 (calibration) and
    # 1967-01-01 (holdout). By hand: a recency 487 d, T 670 d; b recency 0, T 609 d, one
    # holdout transaction. Before, b's recency was 1,339 days > T (the "no purchase" neutral
    # value -1 was taken for a day).
    frame = log(
        ["a", "a", "b", "b"],
        days("1965-03-01", "1966-07-01", "1965-05-01", "1967-01-01"),
        [1.0, 2.0, 3.0, 4.0],
    )
    out = calibration_holdout(ENGINES[engine](frame), "1966-12-31", "1967-06-30", period="D")
    assert list(out["recency"]) == [487.0, 0.0]
    assert list(out["T"]) == [670.0, 609.0]
    assert list(out["frequency_holdout"]) == [0, 1]
    assert list(out["amount_holdout"]) == [0.0, 4.0]


def test_ambiguous_date_strings_are_refused_and_named():
    frame = log(["a", "a", "b"], ["01/02/2020", "13/01/2020", "05/06/2020"], [1.0, 2.0, 3.0])
    with pytest.raises(DataError) as err:
        validate_transactions(frame)
    text = str(err.value)
    assert "'date' has 3 values that are not dates in ISO form" in text
    assert "2 of them read as a different day month-first and day-first" in text
    assert "row 0: '01/02/2020', row 2: '05/06/2020'" in text and "date_format=" in text
    # With the format given, every row reads day-first.
    out = validate_transactions(frame, date_format="%d/%m/%Y")
    assert list(out["date"]) == list(days("2020-02-01", "2020-01-13", "2020-06-05"))


def test_ambiguous_dates_in_a_csv_name_the_line(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("customer_id,date,amount\na,2020-01-05,1\na,01/02/2020,2\n")
    with pytest.raises(DataError, match=r"first at line 3 of the file: '01/02/2020'"):
        read_transactions(path)


def test_mixed_time_zones_count_on_each_local_day():
    # Handled, not refused: each purchase keeps its local calendar day (a Paris purchase at
    # 23:30 +01:00 is on the 1st, a New York one at 23:30 -05:00 on the 2nd), as a single-zone
    # column does. Before: pandas' raw "Mixed timezones detected" ValueError.
    text = ["2020-01-01T23:30:00+01:00", "2020-01-02T23:30:00-05:00", "2020-07-01T10:00:00+02:00"]
    out = validate_transactions(log(["a", "a", "a"], text, [1.0, 2.0, 3.0]))
    assert list(out["date"]) == list(
        days("2020-01-01 23:30", "2020-01-02 23:30", "2020-07-01 10:00")
    )
    objects = pd.Series(
        [
            pd.Timestamp("2020-01-01 23:30", tz="Europe/Paris"),
            pd.Timestamp("2020-01-02 23:30", tz="America/New_York"),
            pd.Timestamp("2020-07-01 10:00"),
        ],
        dtype=object,
    )
    out = validate_transactions(log(["a", "a", "a"], objects, [1.0, 2.0, 3.0]))
    assert list(out["date"]) == list(
        days("2020-01-01 23:30", "2020-01-02 23:30", "2020-07-01 10:00")
    )


def test_duckdb_timestamps_with_time_zone_are_refused():
    # DuckDB keeps instants, not zones: its calendar day would be the session's, so it would
    # disagree with pandas and polars (which count the local day). Refused, with the fix.
    stamps = pd.to_datetime(["2020-01-01 23:30", "2020-03-01 12:00"]).tz_localize(
        "America/New_York"
    )
    frame = log(["a", "a"], stamps, [1.0, 2.0])
    with pytest.raises(DataError, match=r"'date' is a DuckDB TIMESTAMP WITH TIME ZONE"):
        rfm_summary(duckdb.from_df(frame))
    assert rfm_summary(frame, period="D").equals(rfm_summary(pl.from_pandas(frame), period="D"))


@pytest.mark.parametrize("engine", ["pandas", "polars"])
def test_future_purchase_without_observation_end_is_refused(engine):
    future = (dt.date.today() + dt.timedelta(days=3650)).isoformat()
    frame = log(["a", "a", "b"], days("2020-01-01", "2020-03-01", future), [1.0, 2.0, 3.0])
    with pytest.raises(DataError, match=r"1 purchases after today.*no observation_end") as err:
        rfm_summary(ENGINES[engine](frame))
    assert f"customer_id 'b', date {future}" in str(err.value)
    # An explicit observation_end says the dates are meant: accepted.
    out = rfm_summary(ENGINES[engine](frame), period="D", observation_end=future)
    assert out.attrs["observation_end"] == future


# ------------------------------------------------------------------------------------------
# Identifiers
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("bad", ["", "   "])
def test_empty_or_blank_id_is_refused(engine, bad):
    frame = log(["a", bad, "b"], days("2020-01-01", "2020-01-02", "2020-01-03"), [1.0, 2.0, 3.0])
    with pytest.raises(DataError, match=r"'customer_id' has 1 empty or blank customer ids"):
        rfm_summary(ENGINES[engine](frame))


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_space_padded_id_is_refused(engine):
    frame = log(["17", " 17", "b"], days("2020-01-01", "2020-01-02", "2020-01-03"), [1.0, 2.0, 3.0])
    with pytest.raises(DataError, match=r"1 customer ids with leading or trailing spaces"):
        rfm_summary(ENGINES[engine](frame))


def test_int_and_text_ids_are_refused_not_merged():
    # Decision (documented in crmstudy.transactions): 1 and "1" in one column are refused; the
    # user decides whether they are one customer. Before: silently merged into customer "1".
    frame = log([1, "1", 2], days("2020-01-01", "2020-01-05", "2020-01-03"), [1.0, 2.0, 3.0])
    with pytest.raises(
        DataError,
        match=r"mixes numbers and text: row 0 holds 1 \(int\) but row 1 holds '1' \(str\)",
    ):
        rfm_summary(frame)
    out = rfm_summary(frame.assign(customer_id=frame["customer_id"].astype(str)), period="D")
    assert list(out.index) == ["1", "2"] and out.loc["1", "frequency"] == 1


def test_integer_ids_on_every_engine_are_the_same_text():
    frame = log([17, 17, 5], days("2020-01-01", "2020-01-05", "2020-01-03"), [1.0, 2.0, 3.0])
    expected = rfm_summary(frame, period="D")
    assert list(expected.index) == ["17", "5"]  # text order, as for string ids
    for make in (pl.from_pandas, duckdb.from_df):
        pd.testing.assert_frame_equal(rfm_summary(make(frame), period="D"), expected)


# ------------------------------------------------------------------------------------------
# Amounts
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_bool_amounts_are_refused(engine):
    frame = log(
        ["a", "a", "b"], days("2020-01-01", "2020-01-05", "2020-01-03"), [True, False, True]
    )
    with pytest.raises(DataError, match=r"'amount' (holds True/False|has type Boolean)"):
        rfm_summary(ENGINES[engine](frame))


def test_bool_amounts_in_an_object_column_are_refused():
    frame = log(["a", "a"], days("2020-01-01", "2020-01-05"), pd.Series([1.5, True], dtype=object))
    with pytest.raises(DataError, match=r"'amount' has 1 True/False values, first at row 1: True"):
        validate_transactions(frame)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_infinite_amount_is_refused(engine):
    frame = log(["a", "a", "b"], days("2020-01-01", "2020-01-05", "2020-01-03"), [1.0, np.inf, 3.0])
    with pytest.raises(DataError, match=r"'amount' has 1 infinite amounts.*inf"):
        rfm_summary(ENGINES[engine](frame))


def test_nan_amount_in_polars_is_refused():
    # polars keeps NaN apart from null: both are missing amounts.
    frame = pl.DataFrame(
        {
            "customer_id": ["a", "a"],
            "date": [dt.datetime(2020, 1, 1), dt.datetime(2020, 1, 5)],
            "amount": [1.0, float("nan")],
        }
    )
    with pytest.raises(DataError, match=r"'amount' has 1 missing amounts \(NaN\).*customer_id 'a'"):
        rfm_summary(frame.lazy())
    with pytest.raises(DataError, match=r"'amount' has 1 missing amounts \(NaN\), first at row 1"):
        rfm_summary(frame)


# ------------------------------------------------------------------------------------------
# Files
# ------------------------------------------------------------------------------------------


def test_non_utf8_csv_names_the_line_and_byte(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("customer_id,date,amount\nJosé,2020-01-01,1\n".encode("latin-1"))
    with pytest.raises(DataError, match=r"latin1.csv is not UTF-8 text: line 2 has the byte 0xe9"):
        read_transactions(path)


def test_ragged_csv_names_the_line(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("customer_id,date,amount\na,2020-01-01,1\na,2020-01-05,2,7\n")
    with pytest.raises(DataError, match=r"line 3 has 4 fields where the header has 3"):
        read_transactions(path)
    short = tmp_path / "short.csv"
    short.write_text("customer_id,date,amount\na,2020-01-01,1\na,2020-01-05\n")
    with pytest.raises(DataError, match=r"'amount' has 1 missing amounts \(NaN\), first at line 3"):
        read_transactions(short)


@pytest.mark.parametrize(
    ("text", "message"),
    [("", "is empty: it has no header"), ("customer_id,date,amount\n", "has no rows")],
)
def test_empty_csv(tmp_path, text, message):
    path = tmp_path / "empty.csv"
    path.write_text(text)
    with pytest.raises(DataError, match=message):
        read_transactions(path)


def test_corrupt_parquet_is_refused_on_both_readers(tmp_path):
    path = tmp_path / "bad.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    with pytest.raises(DataError, match=r"bad.parquet is not a readable Parquet file"):
        read_transactions(path)
    with pytest.raises(DataError, match=r"cannot read .*bad.parquet as Parquet"):
        rfm_summary(str(path))


def test_folder_without_parquet_files(tmp_path):
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(DataError, match=r"holds no .parquet files"):
        rfm_summary(tmp_path)
    with pytest.raises(DataError, match=r"is a folder, not a transaction log file"):
        read_transactions(tmp_path)


def test_bad_parameters_are_parameter_errors():
    frame = log(["a", "a"], days("2020-01-01", "2020-01-09"), [1.0, 2.0])
    with pytest.raises(ParameterError, match="calibration_end='soon' is not a date"):
        calibration_holdout(frame, "soon")
    with pytest.raises(ParameterError, match="customer_column=3"):
        rfm_summary(frame, customer_column=3)
    with pytest.raises(CrmstudyError):
        validate_transactions(frame.assign(date=["2020-01-01", "x"]), date_format="%d/%m/%Y")


@pytest.mark.parametrize("reader", ["memory", "duckdb"])
def test_parquet_is_checked_alike_in_memory_and_through_duckdb(tmp_path, reader, monkeypatch):
    # A small Parquet log is read into memory, a large one by DuckDB: the same input must be
    # accepted or refused alike (the size decides only how it is read).
    from crmstudy import transactions

    if reader == "duckdb":
        monkeypatch.setattr(transactions, "_available_memory", lambda: 0)
    good = log(["a", "a", "b"], days("2020-01-01", "2020-01-05", "2020-01-03"), [1.0, 2.0, 3.0])
    cases = {
        "text dates": (
            good.assign(date=["2020-01-01", "2020-01-05", "2020-01-03"]),
            r"column 'date' has type String, not a date",
        ),
        "zoned dates": (
            good.assign(date=good["date"].dt.tz_localize("Europe/Paris")),
            r"column 'date' is a DuckDB TIMESTAMP WITH TIME ZONE",
        ),
        "text amounts": (good.assign(amount=["1", "2", "3"]), r"'amount' has type String"),
        "boolean ids": (good.assign(customer_id=[True, True, False]), r"True/False values"),
        "no amount": (good.drop(columns="amount"), r"no column 'amount'; its columns are"),
        "negative amount": (good.assign(amount=[1.0, -2.0, 3.0]), r"1 negative amounts"),
        "blank id": (good.assign(customer_id=["a", " ", "b"]), r"1 empty or blank customer ids"),
    }
    for name, (frame, message) in cases.items():
        path = tmp_path / f"{name.replace(' ', '_')}.parquet"
        frame.to_parquet(path, index=False)
        with pytest.raises(DataError, match=message):
            rfm_summary(str(path))
    good.to_parquet(tmp_path / "good.parquet", index=False)
    pd.testing.assert_frame_equal(
        rfm_summary(str(tmp_path / "good.parquet"), period="D"), rfm_summary(good, period="D")
    )

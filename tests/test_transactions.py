"""Tests of crmstudy.transactions: validation, RFM summary, calibration/holdout, cohorts.

Reference values: a toy log whose answers are worked out by hand in the comments, and Hardie's
own 39-week calibration summary of the CDNOW sample (an independent computation shipped with the
data, see ``crmstudy.datasets.load_cdnow_summary``).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmstudy.datasets import data_file, load_cdnow, load_cdnow_summary
from crmstudy.errors import DataError, ParameterError
from crmstudy.transactions import (
    calibration_holdout,
    cohort_table,
    purchase_counts,
    read_transactions,
    rfm_summary,
    validate_transactions,
)
from crmstudy.units import DAYS_PER_PERIOD


@pytest.fixture
def toy() -> pd.DataFrame:
    """Three customers; 2020-01-01 is day 0 and 2020-02-26 (the observation end) is day 56.

    a: day 0 (10 + 5, same day = one transaction of 15), day 7 (20), day 28 (30),
       day 42 (12 + 3 = 15)
    b: day 14 (7)
    c: day 35 (4 + 6 = 10)
    """
    rows = [
        ("a", "2020-01-01", 10.0),
        ("a", "2020-01-01", 5.0),
        ("a", "2020-01-08", 20.0),
        ("a", "2020-01-29", 30.0),
        ("a", "2020-02-12", 12.0),
        ("a", "2020-02-12", 3.0),
        ("b", "2020-01-15", 7.0),
        ("c", "2020-02-05", 4.0),
        ("c", "2020-02-05", 6.0),
    ]
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


# ------------------------------------------------------------------------------------------
# rfm_summary on the toy log
# ------------------------------------------------------------------------------------------


def test_rfm_summary_toy_weeks(toy):
    out = rfm_summary(toy, period="W", observation_end="2020-02-26")
    # a: 4 purchase days -> 3 repeats; t_x = 42 d = 6 w; T = 56 d = 8 w; zbar = (20+30+15)/3.
    # b: one purchase day; T = (56-14)/7 = 6.  c: T = (56-35)/7 = 3.
    expected = pd.DataFrame(
        {
            "frequency": [3, 0, 0],
            "recency": [6.0, 0.0, 0.0],
            "T": [8.0, 6.0, 3.0],
            "monetary_value": [65.0 / 3.0, 0.0, 0.0],
        },
        index=pd.Index(["a", "b", "c"], name="customer_id"),
    )
    pd.testing.assert_frame_equal(out, expected, check_index_type=False)
    assert out.attrs["period"] == "W"
    assert out.attrs["observation_end"] == "2020-02-26"


@pytest.mark.parametrize("period", ["D", "W", "M"])
def test_rfm_summary_units(toy, period):
    out = rfm_summary(toy, period=period, observation_end="2020-02-26")
    days = DAYS_PER_PERIOD[period]  # a month is 365.2425/12 days, never 30
    np.testing.assert_allclose(out["recency"], np.array([42.0, 0.0, 0.0]) / days)
    np.testing.assert_allclose(out["T"], np.array([56.0, 42.0, 21.0]) / days)
    assert out.attrs["period"] == period
    assert list(out["frequency"]) == [3, 0, 0]  # frequency does not depend on the unit


def test_rfm_summary_default_end_is_last_purchase(toy):
    out = rfm_summary(toy)
    # Last purchase in the log is 2020-02-12 (day 42): T_a = 42/7 = 6, T_c = 7/7 = 1.
    assert out.attrs["observation_end"] == "2020-02-12"
    np.testing.assert_allclose(out["T"], [6.0, 4.0, 1.0])


def test_rfm_summary_calibration_end_drops_later_purchases(toy):
    out = rfm_summary(toy, calibration_end="2020-01-29", observation_end="2020-02-26")
    # Purchases on 2020-01-29 are in; c (first purchase 2020-02-05) is not a customer yet.
    assert list(out.index) == ["a", "b"]
    assert list(out["frequency"]) == [2, 0]
    np.testing.assert_allclose(out["T"], [4.0, 2.0])
    np.testing.assert_allclose(out["monetary_value"], [25.0, 0.0])


def test_rfm_summary_times_within_a_day_are_one_transaction():
    log = pd.DataFrame(
        {
            "customer_id": [1, 1, 1],
            "date": pd.to_datetime(["2021-03-01 09:00", "2021-03-01 23:59", "2021-03-03 00:01"]),
            "amount": [1.0, 2.0, 4.0],
        }
    )
    out = rfm_summary(log, period="D")
    assert out.loc["1", "frequency"] == 1
    assert out.loc["1", "recency"] == 2.0
    assert out.loc["1", "monetary_value"] == 4.0


def test_rfm_summary_rejects_bad_period_and_dates(toy):
    with pytest.raises(ParameterError, match="period='fortnight'"):
        rfm_summary(toy, period="fortnight")
    with pytest.raises(ParameterError, match="calibration_end"):
        rfm_summary(toy, calibration_end="2020-03-31", observation_end="2020-02-26")
    with pytest.raises(DataError, match="after observation_end=2020-02-01"):
        rfm_summary(toy, observation_end="2020-02-01")


# ------------------------------------------------------------------------------------------
# calibration_holdout and cohort_table on the toy log
# ------------------------------------------------------------------------------------------


def test_calibration_holdout_toy(toy):
    out = calibration_holdout(toy, "2020-01-29", "2020-02-26", period="W")
    # Calibration as above; holdout (Jan 29, Feb 26]: a buys on day 42 (12 + 3 = one
    # transaction of 15); b nothing; c joins in the holdout and is not in the calibration table.
    assert list(out.index) == ["a", "b"]
    assert list(out["frequency"]) == [2, 0]
    assert list(out["frequency_holdout"]) == [1, 0]
    np.testing.assert_allclose(out["amount_holdout"], [15.0, 0.0])
    assert out.attrs == {
        "period": "W",
        "calibration_end": "2020-01-29",
        "observation_end": "2020-02-26",
        "holdout_duration": 4.0,
    }
    with pytest.raises(ParameterError, match="calibration_end"):
        calibration_holdout(toy, "2020-03-01", "2020-02-26")


def test_cohort_table_toy_months(toy):
    out = cohort_table(toy, period="M")
    # January cohort {a, b}: both buy in January, only a in February. February cohort {c}.
    expected = pd.DataFrame(
        {
            "cohort": ["2020-01", "2020-01", "2020-02"],
            "age": [0, 1, 0],
            "cohort_size": [2, 2, 1],
            "active": [2, 1, 1],
            "share": [1.0, 0.5, 1.0],
        }
    )
    pd.testing.assert_frame_equal(out, expected)
    assert out.attrs["period"] == "M"


def test_cohort_table_toy_weeks(toy):
    out = cohort_table(toy, period="W")
    # Weeks start on Monday. a buys in the weeks of Dec 30, Jan 6, Jan 27, Feb 10 (ages 0,1,4,6);
    # b in the week of Jan 13; c in the week of Feb 3. The last week in the log is Feb 10, so
    # ages run to 6, 4 and 1, with zeros where the cohort did not buy.
    a = out[out["cohort"] == "2019-12-30"]
    assert list(a["age"]) == list(range(7))
    assert list(a["active"]) == [1, 1, 0, 0, 1, 0, 1]
    assert list(out.groupby("cohort", sort=False).size()) == [7, 5, 2]
    assert list(out["cohort"].unique()) == ["2019-12-30", "2020-01-13", "2020-02-03"]


# ------------------------------------------------------------------------------------------
# CDNOW: Hardie's own 39-week summary
# ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def cdnow_sample_hardie_ids() -> pd.DataFrame:
    """The CDNOW sample keyed by the sample's own ids 1..2357 (the ids of Hardie's summary).

    The raw file has two id columns (master id, sample id); its rows are in the same order as
    load_cdnow's, so the sample id is read straight from the file whichever id the loader keeps.
    """
    log = load_cdnow(sample=True)
    raw = pd.read_csv(data_file("CDNOW_sample.txt"), sep=r"\s+", header=None, dtype=str)
    log["customer_id"] = raw[1].astype(int).astype(str).to_numpy()
    return log


def test_cdnow_sample_matches_hardie_summary(cdnow_sample_hardie_ids):
    ours = rfm_summary(
        cdnow_sample_hardie_ids,
        period="W",
        calibration_end="1997-09-30",
        observation_end="1998-06-30",
    )
    hardie = load_cdnow_summary()
    assert len(ours) == len(hardie) == 2357
    hardie = hardie.loc[ours.index]
    np.testing.assert_array_equal(ours["frequency"], hardie["frequency"])
    # The file rounds t_x, T and zbar to 2 decimals.
    for column in ["recency", "T", "monetary_value"]:
        np.testing.assert_allclose(ours[column], hardie[column], rtol=0, atol=0.005 + 1e-9)
    # T ends on the calibration end day: a first purchase on 1997-01-01 gives 272 days.
    assert ours["T"].max() == pytest.approx(272 / 7)


def test_cdnow_holdout_counts(cdnow_sample_hardie_ids):
    out = calibration_holdout(cdnow_sample_hardie_ids, "1997-09-30", "1998-06-30")
    # Independent count: distinct (customer, day) pairs in the holdout weeks 40-78.
    log = cdnow_sample_hardie_ids
    hold = log[(log["date"] > "1997-09-30") & (log["date"] <= "1998-06-30")]
    pairs = hold.drop_duplicates(["customer_id", "date"])
    assert out["frequency_holdout"].sum() == len(pairs)
    assert out["amount_holdout"].sum() == pytest.approx(hold["amount"].sum())
    assert out.attrs["holdout_duration"] == 39.0


def test_cdnow_cohorts_are_the_first_quarter(cdnow_sample_hardie_ids):
    out = cohort_table(cdnow_sample_hardie_ids, period="M")
    sizes = out.drop_duplicates("cohort").set_index("cohort")["cohort_size"]
    # Everyone in CDNOW first bought in Q1 1997; sizes sum to the sample's 2,357 customers.
    assert list(sizes.index) == ["1997-01", "1997-02", "1997-03"]
    assert sizes.sum() == 2357
    assert (out.loc[out["age"] == 0, "share"] == 1.0).all()
    # Independent count: January cohort customers buying in March 1997.
    log = cdnow_sample_hardie_ids
    first = log.groupby("customer_id")["date"].min()
    jan = set(first[first.dt.month.eq(1)].index)
    march = log[(log["date"].dt.month == 3) & (log["date"].dt.year == 1997)]
    expected = march["customer_id"].isin(jan) & True
    n = march.loc[expected, "customer_id"].nunique()
    row = out[(out["cohort"] == "1997-01") & (out["age"] == 2)]
    assert int(row["active"].iloc[0]) == n


# ------------------------------------------------------------------------------------------
# validate_transactions: every error case
# ------------------------------------------------------------------------------------------


def test_validate_returns_typed_frame(toy):
    toy["quantity"] = 1
    out = validate_transactions(toy)
    assert list(out.columns) == ["customer_id", "date", "amount", "quantity"]
    assert pd.api.types.is_datetime64_any_dtype(out["date"])
    assert out["amount"].dtype == np.float64
    assert out["customer_id"].map(type).eq(str).all()


def test_validate_renames_columns_and_parses_yyyymmdd():
    log = pd.DataFrame({"cust": [7, 8], "day": [19970101, 19970215], "usd": ["1.5", "2"]})
    out = validate_transactions(log, customer_column="cust", date_column="day", amount_column="usd")
    assert list(out["customer_id"]) == ["7", "8"]
    assert list(out["date"]) == [pd.Timestamp("1997-01-01"), pd.Timestamp("1997-02-15")]
    assert list(out["amount"]) == [1.5, 2.0]


def test_validate_missing_column(toy):
    with pytest.raises(DataError, match=r"no column 'amount'.*customer_id"):
        validate_transactions(toy.drop(columns="amount"))


def test_validate_empty_log(toy):
    with pytest.raises(DataError, match="empty"):
        validate_transactions(toy.iloc[:0])


def test_validate_null_ids(toy):
    toy.loc[4, "customer_id"] = None
    with pytest.raises(
        DataError, match=r"'customer_id' has 1 missing customer ids, first at row 4"
    ):
        validate_transactions(toy)


def test_validate_unparseable_date(toy):
    toy.loc[3, "date"] = "1997-13-01"
    toy.loc[6, "date"] = "yesterday"
    with pytest.raises(
        DataError, match=r"'date' has 2 values that are not dates.*row 3.*1997-13-01"
    ):
        validate_transactions(toy)


def test_validate_missing_date(toy):
    toy.loc[2, "date"] = None
    with pytest.raises(DataError, match=r"'date' has 1 missing dates, first at row 2"):
        validate_transactions(toy)


def test_validate_nan_amount(toy):
    toy.loc[5, "amount"] = np.nan
    with pytest.raises(DataError, match=r"'amount' has 1 missing amounts \(NaN\), first at row 5"):
        validate_transactions(toy)


def test_validate_non_numeric_amount(toy):
    toy["amount"] = toy["amount"].astype(object)
    toy.loc[1, "amount"] = "ten"
    with pytest.raises(
        DataError, match=r"'amount' has 1 values that are not numbers.*row 1.*'ten'"
    ):
        validate_transactions(toy)


def test_validate_negative_amount_says_how_to_handle_refunds(toy):
    toy.loc[7, "amount"] = -4.0
    with pytest.raises(
        DataError, match=r"'amount' has 1 negative amounts, first at row 7: -4.0"
    ) as err:
        validate_transactions(toy)
    assert "Refunds" in str(err.value) and "net each one" in str(err.value)


def test_validate_date_after_observation_end(toy):
    with pytest.raises(
        DataError, match=r"'date' has 2 dates after observation_end=2020-02-10, first at row 4"
    ):
        validate_transactions(toy, observation_end="2020-02-10")
    # A purchase on the observation end day itself is inside the window.
    validate_transactions(toy, observation_end="2020-02-12")


def test_validate_rejects_non_dataframe():
    with pytest.raises(DataError, match="pandas DataFrame"):
        validate_transactions([("a", "2020-01-01", 1.0)])


# ------------------------------------------------------------------------------------------
# read_transactions
# ------------------------------------------------------------------------------------------


def test_read_transactions_csv_and_parquet(tmp_path, toy):
    theirs = toy.rename(columns={"customer_id": "client", "date": "when", "amount": "value"})
    theirs["client"] = theirs["client"].map({"a": "007", "b": "008", "c": "009"})
    csv = tmp_path / "log.csv"
    theirs.to_csv(csv, index=False)
    parquet = tmp_path / "log.parquet"
    theirs.to_parquet(parquet, index=False)
    for path in (csv, parquet):
        out = read_transactions(
            path, customer_column="client", date_column="when", amount_column="value"
        )
        assert list(out.columns) == ["customer_id", "date", "amount"]
        assert out["customer_id"].iloc[0] == "007"  # leading zeros kept
        assert out.attrs["source"] == path.name
        summary = rfm_summary(out, observation_end="2020-02-26")
        assert list(summary["frequency"]) == [3, 0, 0]
    # rfm_summary also takes the CSV path directly.
    direct = rfm_summary(
        str(csv),
        observation_end="2020-02-26",
        customer_column="client",
        date_column="when",
        amount_column="value",
    )
    assert list(direct.index) == ["007", "008", "009"]


def test_read_transactions_errors(tmp_path):
    with pytest.raises(DataError, match="no transaction log"):
        read_transactions(tmp_path / "missing.csv")
    other = tmp_path / "log.xlsx"
    other.write_text("x")
    with pytest.raises(ParameterError, match="log.xlsx"):
        read_transactions(other)


def test_purchase_counts_toy_weeks(toy):
    out = purchase_counts(toy, period="W")
    # Weeks (Monday starts) from Dec 30 to Feb 10: a, a, b, none, a, c, a; same-day rows merge.
    assert list(out["period_start"].dt.strftime("%m-%d")) == [
        "12-30",
        "01-06",
        "01-13",
        "01-20",
        "01-27",
        "02-03",
        "02-10",
    ]
    assert list(out["transactions"]) == [1, 1, 1, 0, 1, 1, 1]
    assert list(out["customers"]) == [1, 1, 1, 0, 1, 1, 1]
    np.testing.assert_allclose(out["amount"], [15, 20, 7, 0, 30, 10, 15])
    months = purchase_counts(toy, period="M")
    assert list(months["transactions"]) == [4, 2]  # Jan: a x3, b; Feb: a, c
    assert list(months["customers"]) == [2, 2]


def test_limits_of_exact_integer_sums():
    # Sums are exact in micro-units packed with the day into an int64: 2**45 micro-units
    # (35.2 million) per customer and day, and 358 years from first to last purchase.
    big = pd.DataFrame(
        {"customer_id": ["a", "a"], "date": ["2020-01-01", "2020-01-02"], "amount": [4e7, 1.0]}
    )
    with pytest.raises(DataError, match="larger unit"):
        rfm_summary(big)
    rfm_summary(big.assign(amount=big["amount"] / 1000))  # in thousands it works
    typo = pd.DataFrame(
        {"customer_id": ["a", "b"], "date": ["2020-01-01", "2920-01-01"], "amount": [1.0, 1.0]}
    )
    with pytest.raises(DataError, match="mistyped year"):
        rfm_summary(typo)


def test_late_customers_keep_exact_values():
    # b is acquired 517 days after the log starts: the packed (day, value) integers exceed
    # 2**53, so any float step on the way would garble the first day's value (33.333333).
    log = pd.DataFrame(
        {
            "customer_id": ["a", "b", "b", "b"],
            "date": ["2020-01-01", "2021-06-01", "2021-06-05", "2021-08-01"],
            "amount": [1.0, 33.333333, 10.01, 5.0],
        }
    )
    out = calibration_holdout(log, "2021-07-01", "2021-08-31", period="D")
    assert out.loc["b", "monetary_value"] == 10.01
    assert out.loc["b", "amount_holdout"] == 5.0
    assert out.loc["b", "T"] == 30.0


# ------------------------------------------------------------------------------------------
# Column names: customer_column / date_column / amount_column / date_format
# ------------------------------------------------------------------------------------------


def test_old_column_keywords_warn_and_still_work(tmp_path, toy):
    theirs = toy.rename(columns={"customer_id": "client", "date": "when", "amount": "value"})
    csv = tmp_path / "log.csv"
    theirs.to_csv(csv, index=False)
    new = read_transactions(
        csv, customer_column="client", date_column="when", amount_column="value"
    )
    with pytest.warns(
        DeprecationWarning, match="customer= -> customer_column=, date= -> date_column="
    ):
        old = read_transactions(csv, customer="client", date="when", amount="value")
    pd.testing.assert_frame_equal(old, new)
    with pytest.warns(DeprecationWarning, match="amount_column="):
        summary = rfm_summary(theirs, customer="client", date="when", amount="value")
    assert list(summary["frequency"]) == [3, 0, 0]
    with pytest.raises(ParameterError, match="both customer_column='x' and its old name"):
        read_transactions(csv, customer_column="x", customer="client")
    with pytest.raises(TypeError, match="unexpected keyword argument 'client'"):
        read_transactions(csv, client="client")


def test_date_format_reads_day_first_dates(tmp_path, toy):
    dmy = toy.assign(date=pd.to_datetime(toy["date"]).dt.strftime("%d/%m/%Y"))
    csv = tmp_path / "dmy.csv"
    dmy.to_csv(csv, index=False)
    out = read_transactions(csv, date_format="%d/%m/%Y")
    assert list(out["date"]) == list(pd.to_datetime(toy["date"]))
    dmy.loc[4, "date"] = "2020-02-12"
    with pytest.raises(DataError, match=r"do not match date_format='%d/%m/%Y', first at row 4"):
        validate_transactions(dmy, date_format="%d/%m/%Y")

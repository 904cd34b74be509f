"""Notebook 00 (data tour): recorded numbers checked against independent counts."""

from __future__ import annotations

import pandas as pd
import pytest

from crmstudy.datasets import load_cdnow, load_ta_feng

pytestmark = pytest.mark.notebook


def test_data_tour_on_cdnow_sample(run_notebook):
    results = run_notebook("00_data_tour", dataset="cdnow_sample", period="W", cohort_period="M")
    log = load_cdnow(sample=True)
    # Independent counts with plain pandas: same-day purchases are one transaction.
    days = log.drop_duplicates(["customer_id", "date"])
    per_customer = days.groupby("customer_id").size()
    first_month = log.groupby("customer_id")["date"].min().dt.strftime("%Y-%m")
    assert results["n_rows"] == 6_919
    assert results["n_customers"] == 2_357
    assert results["n_transactions"] == len(days)
    assert results["first_date"] == "1997-01-01"
    assert results["last_date"] == "1998-06-30"
    assert results["period"] == "W"
    assert results["share_no_repeat"] == pytest.approx((per_customer == 1).mean())
    assert results["mean_frequency"] == pytest.approx((per_customer - 1).mean())
    assert results["cohort_sizes"] == first_month.value_counts().sort_index().to_dict()
    assert results["n_donors"] == 11_104
    # Ta Feng, by plain pandas on the product lines: customer-days, first months, left censoring.
    lines = load_ta_feng()
    days = lines.drop_duplicates(["customer_id", "date"])
    first = days.groupby("customer_id")["date"].min().dt.to_period("M")
    month = days.assign(m=days["date"].dt.to_period("M"))
    by_first = first.value_counts().sort_index()
    assert results["ta_feng_cohort_sizes"] == {str(k): int(v) for k, v in by_first.items()}
    assert results["ta_feng_first_month_share"] == pytest.approx(by_first.iloc[0] / len(first))
    nov = set(first[first == pd.Period("2000-11")].index)
    dec_buyers = set(month.loc[month["m"] == pd.Period("2000-12"), "customer_id"])
    assert results["ta_feng_age1_first_month"] == pytest.approx(len(nov & dec_buyers) / len(nov))
    # Left censoring: November's group comes back far more than the later monthly cohorts.
    assert results["ta_feng_age1_first_month"] > results["ta_feng_age1_later_mean"] + 0.1
    per_customer = days.groupby("customer_id").size()
    assert results["exercise_1_answer"] == pytest.approx((per_customer == 1).mean())
    assert results["exercise_2_answer"] == pytest.approx(len(lines) / len(days))
    jan = set(first[first == pd.Period("2001-01")].index)
    dec = set(first[first == pd.Period("2000-12")].index)
    jan_buyers = set(month.loc[month["m"] == pd.Period("2001-01"), "customer_id"])
    feb_buyers = set(month.loc[month["m"] == pd.Period("2001-02"), "customer_id"])
    expected = len(dec & jan_buyers) / len(dec) - len(jan & feb_buyers) / len(jan)
    assert results["exercise_3_answer"] == pytest.approx(expected)


def test_data_tour_on_a_users_own_log(run_notebook, tmp_path):
    log = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "c"],
            "date": ["2020-01-01", "2020-01-01", "2020-02-03", "2020-01-15", "2020-03-05"],
            "amount": [10.0, 5.0, 20.0, 7.0, 4.0],
        }
    )
    log = log.rename(columns={"customer_id": "who", "date": "when", "amount": "paid"})
    log["when"] = pd.to_datetime(log["when"]).dt.strftime("%d/%m/%Y")
    path = tmp_path / "mylog.csv"
    log.to_csv(path, index=False)
    results = run_notebook(
        "00_data_tour", transactions_path=str(path), period="D", customer_column="who",
        date_column="when", amount_column="paid", date_format="%d/%m/%Y",
    )
    assert results["n_customers"] == 3
    assert results["n_transactions"] == 4  # a's two purchases on Jan 1 are one transaction
    assert results["share_no_repeat"] == pytest.approx(2 / 3)
    assert results["cohort_sizes"] == {"2020-01": 2, "2020-03": 1}

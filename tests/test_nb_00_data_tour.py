"""Notebook 00 (data tour): recorded numbers checked against independent counts."""

from __future__ import annotations

import pandas as pd
import pytest

from crmstudy.datasets import load_cdnow

pytestmark = pytest.mark.notebook


def test_data_tour_on_cdnow_sample(run_notebook):
    results = run_notebook("00_data_tour", sample=True, period="W", cohort_period="M")
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


def test_data_tour_on_a_users_own_log(run_notebook, tmp_path):
    log = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "c"],
            "date": ["2020-01-01", "2020-01-01", "2020-02-03", "2020-01-15", "2020-03-05"],
            "amount": [10.0, 5.0, 20.0, 7.0, 4.0],
        }
    )
    path = tmp_path / "mylog.csv"
    log.to_csv(path, index=False)
    results = run_notebook("00_data_tour", transactions_path=str(path), period="D")
    assert results["n_customers"] == 3
    assert results["n_transactions"] == 4  # a's two purchases on Jan 1 are one transaction
    assert results["share_no_repeat"] == pytest.approx(2 / 3)
    assert results["cohort_sizes"] == {"2020-01": 2, "2020-03": 1}

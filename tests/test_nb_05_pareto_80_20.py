"""Notebook 05 (the 80/20 rule) runs on the CDNOW sample and records what it claims."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmstudy.datasets import load_cdnow, load_ta_feng

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    from conftest import execute_notebook

    return execute_notebook(
        "05_pareto_80_20",
        tmp_path_factory.mktemp("nb05"),
        dataset="cdnow_sample",
        n_boot=200,
    )


def _pandas_top_share(revenue: np.ndarray, fraction: float) -> float:
    # Independent of crmstudy: sort, take the whole top customers, then the fractional one.
    ordered = np.sort(revenue)[::-1]
    k = fraction * ordered.size
    whole = int(np.floor(k))
    return (ordered[:whole].sum() + (k - whole) * ordered[whole]) / ordered.sum()


def test_top_share_matches_an_independent_pandas_computation(results):
    revenue = load_cdnow(sample=True).groupby("customer_id")["amount"].sum().to_numpy()
    assert results["n_customers"] == 2357  # the sample of Fader, Hardie & Lee (2005)
    assert results["top_share"] == pytest.approx(_pandas_top_share(revenue, 0.2), rel=1e-12)
    # Plausible range: published averages run from ~0.5 (Sharp 2010) to 0.73 (Kim et al. 2017).
    assert 0.6 < results["top_share"] < 0.75
    assert results["top_share_lower"] < results["top_share"] < results["top_share_upper"]
    # The 80/20 rule is outside the interval: with 2,357 customers this is not sampling noise.
    assert results["top_share_upper"] < 0.8


def test_gini_and_customers_for_80_percent(results):
    revenue = load_cdnow(sample=True).groupby("customer_id")["amount"].sum().to_numpy()
    # Gini by the mean absolute difference, O(n^2) on 2,357 customers: independent of the code.
    direct = np.abs(revenue[:, None] - revenue[None, :]).sum() / (
        2 * revenue.size**2 * revenue.mean()
    )
    assert results["gini"] == pytest.approx(direct, rel=1e-10)
    # Far more than 20% of customers are needed for 80% of revenue.
    assert 0.25 < results["customers_for_share"] < 0.45


def test_concentration_rises_with_the_window(results):
    buyers = results["window_top_share_buyers"]
    shares = [buyers[k] for k in ("3", "6", "12", "18")]
    assert all(a < b for a, b in zip(shares, shares[1:], strict=False)), shares
    # The 18-month window is the whole log: the same number as the headline.
    assert buyers["18"] == pytest.approx(results["top_share"], rel=1e-12)


def test_whale_curve_and_pareto_shape(results):
    # Default costs: 30% margin, $6 per order. Some customers lose money, so the whale peaks
    # above 100% of profit; profit is more concentrated than revenue.
    assert results["unprofitable_share"] > 0
    assert results["whale_peak"] > 1.0
    assert results["top_profit_share"] > results["top_share"]
    assert results["pareto_shape_80_20"] == pytest.approx(np.log(5) / np.log(4))
    assert results["pareto_shape_measured"] > results["pareto_shape_80_20"]


def test_comparison_table_holds_the_anchors(results):
    table = results["comparison"]
    assert {0.73, 0.67, 0.59, 0.6, 0.5, 0.8} <= set(table["top20_share"].round(2))
    assert table["source"].str.startswith("This notebook").sum() == 2


def test_cdnow_is_not_a_pareto_distribution(results):
    # The Pareto curve matched at the top 20% must agree there, and overstates the top 1%.
    check = results["pareto_check"].set_index("top_fraction")
    assert check.loc[0.2, "measured_share"] == pytest.approx(check.loc[0.2, "pareto_share"])
    assert check.loc[0.01, "measured_share"] < check.loc[0.01, "pareto_share"]


def test_own_log_from_a_csv_file(run_notebook, tmp_path):
    # A reader's own log: CDNOW sample purchases of 1997 only, as a CSV (12 months, so the
    # 18-month window is skipped). The headline must match the same pandas computation.
    log = load_cdnow(sample=True)
    log = log.loc[log["date"] < "1998-01-01", ["customer_id", "date", "amount"]]
    path = tmp_path / "my_log.csv"
    log.to_csv(path, index=False)
    results = run_notebook("05_pareto_80_20", transactions_path=str(path), n_boot=100)
    revenue = log.groupby("customer_id")["amount"].sum().to_numpy()
    assert results["n_customers"] == revenue.size
    assert results["top_share"] == pytest.approx(_pandas_top_share(revenue, 0.2), rel=1e-12)
    assert set(results["window_top_share_buyers"]) == {"3", "6", "12"}


def test_top_customers_do_not_all_stay_on_top(results):
    # Two 9-month halves of the CDNOW sample: the first half's top 20% are far from all in the
    # second half's top 20% (Sharp, Romaniuk & Graham 2019: about half).
    halves = results["persistence"]
    assert 0.2 < results["still_on_top"] < 0.8
    assert halves["customers"] == 2357  # everyone is acquired in the first quarter of 1997
    assert 0 < halves["buyers_second"] < 1


def test_verdict_and_exercises_on_the_cdnow_sample(results):
    revenue = load_cdnow(sample=True).groupby("customer_id")["amount"].sum().to_numpy()
    verdict = results["verdict_pareto_80_20"]
    # CDNOW's interval lies below 0.75: the claim does not hold as stated.
    assert verdict["class"] == "does_not_hold"
    assert verdict["interval"]["upper"] < 0.75
    assert verdict["headline"]["value"] == pytest.approx(results["top_share"])
    assert results["exercise_1_answer"] == pytest.approx(_pandas_top_share(revenue, 0.1))
    # Exercise 2: customers for 60% of revenue, by a plain cumulative sum (interpolated).
    ordered = np.sort(revenue)[::-1]
    cum = np.concatenate([[0], np.cumsum(ordered)]) / ordered.sum()
    k = np.searchsorted(cum, 0.6)
    direct = (k - 1 + (0.6 - cum[k - 1]) / (cum[k] - cum[k - 1])) / ordered.size
    assert results["exercise_2_answer"] == pytest.approx(direct, rel=1e-9)
    # Exercise 3: Ta Feng gross profit per customer, negative share, by plain pandas.
    lines = load_ta_feng()
    gp = (lines["amount"] - lines["cost"]).groupby(lines["customer_id"]).sum()
    assert results["exercise_3_answer"] == pytest.approx((gp < 0).mean(), rel=1e-12)
    assert results["profit_from_cost_column"] is False


def test_ta_feng_whale_from_recorded_costs(run_notebook):
    r = run_notebook("05_pareto_80_20", dataset="ta_feng", cost_per_order=0.0, n_boot=100)
    lines = load_ta_feng()
    revenue = lines.groupby("customer_id")["amount"].sum().to_numpy()
    gp = (lines["amount"] - lines["cost"]).groupby(lines["customer_id"]).sum()
    assert r["n_customers"] == 32_266
    assert r["top_share"] == pytest.approx(_pandas_top_share(revenue, 0.2), rel=1e-12)
    assert r["profit_from_cost_column"] is True
    assert r["unprofitable_share"] == pytest.approx((gp < 0).mean(), rel=1e-12)
    # The peak of the cumulative profit curve: profit of the profitable customers / total.
    assert r["whale_peak"] == pytest.approx(gp[gp > 0].sum() / gp.sum(), rel=1e-12)
    # Near the Ehrenberg-Bass 60/20, far from 80/20.
    assert r["verdict_pareto_80_20"]["class"] == "does_not_hold"
    assert 0.55 < r["top_share"] < 0.68


def test_verdict_flips_to_holds_on_an_80_20_log(run_notebook, tmp_path):
    # 100 customers: 20 spend 16 each, 80 spend 1 each, so the top 20% hold 320 / 400 = 80%.
    # Own column names and month-first dates exercise the mapping parameters.
    rows = [(f"c{i:03d}", "01/15/2020", 16.0 if i < 20 else 1.0) for i in range(100)]
    rows += [("c000", "03/02/2020", 0.0), ("c099", "06/30/2020", 0.0)]
    frame = pd.DataFrame(rows, columns=["client", "day", "spend"])
    path = tmp_path / "eighty_twenty.csv"
    frame.to_csv(path, index=False)
    r = run_notebook(
        "05_pareto_80_20",
        transactions_path=str(path),
        customer_column="client",
        date_column="day",
        amount_column="spend",
        date_format="%m/%d/%Y",
        cost_per_order=0.0,
        n_boot=200,
    )
    assert r["n_customers"] == 100
    assert r["top_share"] == pytest.approx(0.8)
    assert r["verdict_pareto_80_20"]["class"] == "holds"

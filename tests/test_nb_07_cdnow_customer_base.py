"""Notebook 07 (CDNOW customer base): recorded numbers against published values and raw counts.

References: Fader, Hardie & Lee (2005a) for BG/NBD and Pareto/NBD on the CDNOW sample; Fader &
Hardie (2013) for Gamma-Gamma; Fader, Hardie & Shang (2010) for BG/BB on the donations. Holdout
counts are recomputed here from the raw log with plain pandas.
"""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import execute_notebook

from crmstudy.datasets import load_cdnow

pytestmark = pytest.mark.notebook


@pytest.fixture(scope="module")
def defaults(tmp_path_factory):
    return execute_notebook("07_cdnow_customer_base", tmp_path_factory.mktemp("nb07"))


def holdout_repeat_days(calibration_end: str, observation_end: str) -> int:
    """Distinct purchase days in the holdout of customers acquired by calibration_end."""
    log = load_cdnow(sample=True)
    days = log.assign(day=log["date"].dt.normalize())[["customer_id", "day"]].drop_duplicates()
    first = days.groupby("customer_id")["day"].min()
    cohort = first[first <= pd.Timestamp(calibration_end)].index
    hold = days[
        days["customer_id"].isin(cohort)
        & (days["day"] > pd.Timestamp(calibration_end))
        & (days["day"] <= pd.Timestamp(observation_end))
    ]
    return len(hold)


def test_defaults_reproduce_the_published_cdnow_and_donation_fits(defaults):
    res = defaults
    assert res["n_customers"] == 2357 and res["holdout_length"] == pytest.approx(39.0)
    bg = res["bgnbd_params"]
    # FHL (2005a), p. 280.
    assert [round(bg[k], 3) for k in ("r", "alpha", "a", "b")] == [0.243, 4.414, 0.793, 2.426]
    assert res["bgnbd_loglik"] == pytest.approx(-9582.4, abs=0.05)
    pn = res["paretonbd_params"]
    assert [round(pn[k], 2) for k in ("r", "alpha", "s", "beta")] == [0.55, 10.58, 0.61, 11.67]
    assert res["paretonbd_loglik"] == pytest.approx(-9594.98, abs=0.01)
    # AIC = 2k - 2 LL with k = 4 for each model; BG/NBD fits CDNOW better than Pareto/NBD.
    table = res["model_comparison"]
    assert table.loc["BG/NBD", "AIC"] == pytest.approx(8 - 2 * res["bgnbd_loglik"])
    assert table.loc["BG/NBD", "AIC"] < table.loc["Pareto/NBD", "AIC"]
    assert abs(table.loc["MBG/NBD", "log-likelihood"] - res["bgnbd_loglik"]) < 2
    # Fader & Hardie (2013): p = 6.25, q = 3.74, gamma = 15.44; FHL (2005b): corr = 0.11.
    gg = res["gammagamma_params"]
    assert [gg[k] for k in ("p", "q", "gamma")] == pytest.approx([6.25, 3.74, 15.44], abs=0.01)
    assert res["frequency_spend_correlation"] == pytest.approx(0.11, abs=0.005)
    # FHS (2010): BG/BB on the donations.
    bb = res["bgbb_params"]
    assert [round(bb[k], 3) for k in ("alpha", "beta", "gamma", "delta")] == [
        1.204,
        0.750,
        0.657,
        2.783,
    ]
    assert round(res["bgbb_loglik"], 1) == -33225.6

    # Holdout purchases, counted from the raw log by hand.
    assert res["holdout_actual"] == holdout_repeat_days("1997-09-30", "1998-06-30") == 1882
    for value in res["holdout_predicted"].values():
        assert 0.8 * 1882 < value < 1882
    for name, value in res["holdout_predicted"].items():
        assert res["holdout_error"][name] == pytest.approx(value / 1882 - 1)
    # Tracking: every repeat purchase day of the 78 weeks (2,457 in calibration + 1,882 in the
    # holdout, counted from the raw log above); the model's cumulative total lies below it.
    log = load_cdnow(sample=True)
    purchase_days = log.assign(day=log["date"].dt.normalize())[["customer_id", "day"]]
    repeat_days = len(purchase_days.drop_duplicates()) - log["customer_id"].nunique()
    for totals in res["tracking_totals"].values():
        assert totals["actual_end"] == repeat_days == 2457 + 1882
        assert totals["time_calibration"] == 38.0 and totals["actual_calibration"] < 2457
        assert totals["model_end"] < totals["actual_end"]

    # CLV: 3 years = 3 * 365.2425 / 7 weeks; equity = n * mean; the top 20% by CLV hold more
    # than 20% of it, and past spend picks most but not all of them.
    assert res["horizon_in_model_period"] == pytest.approx(3 * 365.2425 / 7)
    assert res["cohort_equity"] == pytest.approx(2357 * res["clv_mean"])
    assert res["clv_median"] < res["clv_mean"]
    assert 0.5 < res["top20_clv_share"] < 0.9
    assert 0.5 < res["top20_overlap"] < 1.0
    assert res["top20_by_past_clv_share"] <= res["top20_clv_share"] + 1e-12


def test_fitting_in_months_gives_the_same_values(run_notebook, defaults):
    # BG/NBD is invariant to the time unit: r, a, b stay, alpha scales with the period length,
    # and CLV (horizon in years, converted explicitly) must not change. Days are whole, so the
    # monthly summary is the weekly one rescaled exactly.
    res = run_notebook("07_cdnow_customer_base", period="M")
    weeks_per_month = (365.2425 / 12) / 7
    assert res["holdout_length"] == pytest.approx(39.0 / weeks_per_month)
    for k in ("r", "a", "b"):
        assert res["bgnbd_params"][k] == pytest.approx(defaults["bgnbd_params"][k], rel=1e-3)
    assert res["bgnbd_params"]["alpha"] == pytest.approx(
        defaults["bgnbd_params"]["alpha"] / weeks_per_month, rel=1e-3
    )
    assert res["horizon_in_model_period"] == pytest.approx(36.0)
    assert res["cohort_equity"] == pytest.approx(defaults["cohort_equity"], rel=1e-3)


def test_own_transaction_log(run_notebook, tmp_path):
    # A reader's own log: a simulated BG/NBD base with Gamma-Gamma spend, written to CSV.
    import numpy as np

    from crmstudy.simulate import simulate_bgnbd_log

    log = simulate_bgnbd_log(
        600, (0.5, 5.0, 1.2, 3.0), T=np.linspace(20, 52, 600), spend_params=(6.0, 4.0, 15.0), seed=3
    )
    log["date"] = log["date"].dt.normalize()
    path = tmp_path / "my_log.csv"
    log.to_csv(path, index=False)
    res = run_notebook(
        "07_cdnow_customer_base",
        transactions_path=str(path),
        calibration_end="2020-08-31",
        observation_end="",
        horizon=1.0,
    )
    first = log.groupby("customer_id")["date"].min()
    cohort = first[first <= pd.Timestamp("2020-08-31")].index
    assert res["n_customers"] == len(cohort)
    days = log[log["customer_id"].isin(cohort)].drop_duplicates(["customer_id", "date"])
    assert res["holdout_actual"] == int((days["date"] > pd.Timestamp("2020-08-31")).sum())
    assert res["bgnbd_params"]["r"] > 0 and res["cohort_equity"] > 0

"""Notebook 04 (churn to profit) runs under papermill and records the hand-worked numbers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.notebook


def test_notebook_04_flat_profile_by_hand(run_notebook):
    # A flat profile (no tenure effects) makes every number hand-computable:
    # one new customer a year, p = 10, c = 50, i = 10%.
    res = run_notebook(
        "04_churn_to_profit",
        defection_before=0.10,
        defection_after=0.05,
        kind="relative",
        base_profit=10.0,
        purchase_growth=0.0,
        cost_savings=0.0,
        referrals=0.0,
        price_premium=0.0,
        ramp_years=0,
        acquisition_cost=50.0,
        fixed_cost=0.0,
        discount_rate=0.10,
        new_customers_per_period=1.0,
    )
    # Profit 10/0.1 - 50 = 50 becomes 10/0.05 - 50 = 150: +200%; net margin 50/100.
    assert res["profit_change_pct"] == pytest.approx(200.0)
    assert res["net_margin"] == pytest.approx(0.5)
    # CLV (first profit now): 10 * 1.1 / 0.2 - 50 = 5 becomes 10 * 1.1 / 0.15 - 50 = 23.33.
    assert res["clv_change_pct"] == pytest.approx(100 * (11 / 0.15 - 50 - 5) / 5)
    # 5 points versus 5% of the rate (10% -> 9.5%): 10/0.095 - 50 = 55.26, +10.5%.
    assert res["uplift_points_pct"] == pytest.approx(200.0)
    assert res["uplift_relative_pct"] == pytest.approx(100 * (10 / 0.095 - 100) / 50)
    # Doubling thresholds of a flat profile: 0.05 / (d - 0.05) and 1/0.95 - 1.
    thresholds = res["doubling_threshold"]
    assert thresholds.loc[0.2, "points"] == pytest.approx(0.05 / 0.15)
    assert thresholds.loc[0.3, "relative"] == pytest.approx(1 / 0.95 - 1)
    # 1% more retention: d = 1 - 0.9 * 1.01 = 0.091; profit 10/0.091 - 50 vs 50.
    assert res["retention_elasticity"]["profit"] == pytest.approx(100 * (10 / 0.091 - 100) / 50)
    # Transition: the gap to the new base shrinks like 0.95**t, so 90% of the gain needs
    # t >= ln(0.1)/ln(0.95) = 44.9 years; the gains 100 (1 - 0.95**t) are worth
    # 100 (10 - 0.95/0.15) = 366.7 today, against 100 / 0.1 = 1000 if they came at once.
    assert res["periods_to_90pct"] == 45
    assert res["value_of_change"] == pytest.approx(100 * (10 - 0.95 / 0.15), rel=1e-9)
    assert res["naive_value_of_change"] == pytest.approx(1000.0)

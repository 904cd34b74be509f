"""Notebook 04 (churn to profit) runs under papermill and records the hand-worked numbers."""

from __future__ import annotations

import math

import pytest

pytestmark = pytest.mark.notebook

FLAT = dict(
    base_profit=10.0,
    purchase_growth=0.0,
    cost_savings=0.0,
    referrals=0.0,
    price_premium=0.0,
    ramp_periods=0,
    acquisition_cost=50.0,
    fixed_cost=0.0,
    annual_discount_rate=0.10,
    new_customers=1.0,
)


def annuity(rate, years):
    """Present value of 1 a year at each year end for a whole number of years (plain loop)."""
    return sum(1 / (1 + rate) ** t for t in range(1, years + 1))


def linear_profile(years, base=30.0, step=6.25, ramp=4):
    # The notebook's default profile: 30 rising by 3 + 1.5 + 1 + 0.75 = 6.25 a year for 4 years.
    return [base + step * min(t, ramp) for t in range(years)]


def rs_npv_by_hand(defection, profits, cost, rate=0.0):
    """R&S's NPV over a life of 1/d years, the last partial year pro rata (independent loop)."""
    life = 1 / defection
    total, year = -cost, 1
    while life > 1e-12:
        weight = min(1.0, life)
        p = profits[min(year, len(profits)) - 1]
        total += weight * p / (1 + rate) ** year
        life -= weight
        year += 1
    return total


def test_notebook_04_flat_profile_by_hand(run_notebook):
    # A flat profile (no tenure effects) makes every number hand-computable:
    # one new customer a year, p = 10, c = 50, i = 10%.
    res = run_notebook(
        "04_churn_to_profit", defection_before=0.10, defection_after=0.05, kind="relative", **FLAT
    )
    # Profit 10/0.1 - 50 = 50 becomes 10/0.05 - 50 = 150: +200%; net margin 50/100.
    assert res["profit_change_pct"] == pytest.approx(200.0)
    assert res["net_margin"] == pytest.approx(0.5)
    # R&S's metric, flat profile, undiscounted: the same 10 x 10 - 50 = 50 -> 10 x 20 - 50 = 150.
    assert res["rs_customer_npv_change_pct"] == pytest.approx(200.0)
    # Discounted at 10%: 10 a(10) - 50 and 10 a(20) - 50 with a(n) the annuity factor.
    before, after = 10 * annuity(0.1, 10) - 50, 10 * annuity(0.1, 20) - 50
    assert res["rs_customer_npv_change_discounted_pct"] == pytest.approx(100 * (after / before - 1))
    # CLV (first profit now): 10 * 1.1 / 0.2 - 50 = 5 becomes 10 * 1.1 / 0.15 - 50 = 23.33.
    assert res["clv_change_pct"] == pytest.approx(100 * (11 / 0.15 - 50 - 5) / 5)
    # 5 points versus 5% of the rate (10% -> 9.5%): 10/0.095 - 50 = 55.26, +10.5%.
    assert res["uplift_points_pct"] == pytest.approx(200.0)
    assert res["uplift_relative_pct"] == pytest.approx(100 * (10 / 0.095 - 100) / 50)
    thresholds = res["doubling_threshold"]
    assert thresholds.loc[0.2, "points"] == pytest.approx(0.05 / 0.15)
    assert thresholds.loc[0.3, "relative"] == pytest.approx(1 / 0.95 - 1)
    # 1% more retention: d = 1 - 0.9 * 1.01 = 0.091; profit 10/0.091 - 50 vs 50.
    assert res["steady_state_profit_elasticity"] == pytest.approx(100 * (10 / 0.091 - 100) / 50)
    # Transition: 90% of the gain after ln(0.1)/ln(0.95) = 44.9 years; value 100 (10 - 0.95/0.15).
    assert res["periods_to_90pct"] == 45
    assert res["value_of_change"] == pytest.approx(100 * (10 - 0.95 / 0.15), rel=1e-9)
    assert res["naive_value_of_change"] == pytest.approx(1000.0)
    # The article's credit-card example does not depend on the parameters: 444 -> 994.
    assert res["rs_credit_card_npv_change_pct"] == pytest.approx(100 * (994 / 444 - 1))
    # Inversion: with p = 10 and c = 50 the customer pays back only below 20% defection, and
    # there the 5-point cut's change (10/(d-0.05) - 50) / (10/d - 50) - 1 never falls below 170%
    # (a brute-force grid), so no baseline gives R&S's 85%, 50% or 30%: all "n/a".
    grid = [0.05 + k / 10000 for k in range(1, 1500)]
    changes = [(10 / (d - 0.05) - 50) / (10 / d - 50) - 1 for d in grid if 10 / d - 50 > 0]
    assert min(changes) > 1.7
    column = res["rs_required_defection"]["flat (no tenure effects), undiscounted"]
    assert all(v is None or math.isnan(v) for v in column)


def test_notebook_04_defaults_verdict_and_exercises(run_notebook):
    res = run_notebook("04_churn_to_profit")
    verdict = res["verdict_churn_5pct"]
    assert verdict["class"] == "holds_if"
    values = verdict["values"]
    assert values["points__rs_npv_undiscounted_pct"] >= 100 > values["relative__firm_profit_pct"]
    assert res["rs_credit_card_npv_change_pct"] == pytest.approx(100 * (994 / 444 - 1))
    # Exercise 1: firm profit 20% -> 15%, from the profile summed by hand.
    profile = linear_profile(3000)

    def g(d):
        return sum(p * (1 - d) ** t for t, p in enumerate(profile))

    def profit(d, fixed=0.0):
        return 1000 * (g(d) - 51) - fixed

    assert res["exercise_1_answer"] == pytest.approx(100 * (profit(0.15) / profit(0.2) - 1))
    # Exercise 2: credit card, life 5 years -> 6.67 years.
    card = [30, 42, 44, 49, 55]
    assert res["exercise_2_answer"] == pytest.approx(
        100 * (rs_npv_by_hand(0.15, card, 51) / rs_npv_by_hand(0.2, card, 51) - 1)
    )
    # Exercise 3: net margin with a US$100,000 fixed cost at 25% defection.
    assert res["exercise_3_answer"] == pytest.approx(profit(0.25, 1e5) / (1000 * g(0.25)))
    # Exercise 4: at the answer, the credit-card NPV (10% discount) rises by 50%.
    d = res["exercise_4_answer"]
    ratio = rs_npv_by_hand(d - 0.05, card, 51, 0.1) / rs_npv_by_hand(d, card, 51, 0.1)
    assert 100 * (ratio - 1) == pytest.approx(50.0, abs=1e-6)


def test_notebook_04_verdict_follows_the_numbers(run_notebook):
    # From 20% defection the 5-point cut no longer doubles any figure: the class flips.
    res = run_notebook("04_churn_to_profit", defection_before=0.2, defection_after=0.15)
    verdict = res["verdict_churn_5pct"]
    values = verdict["values"]
    readings = [v for k, v in values.items() if k != "threshold_pct"]
    assert all(math.isfinite(v) for v in readings)
    expected = "does_not_hold" if max(readings) < 100 else "holds_if"
    assert verdict["class"] == expected == "does_not_hold"
    assert "20%" in verdict["condition_en"]
    assert res["profit_change_pct"] == pytest.approx(values["points__firm_profit_pct"])

"""Tests of crmstudy.churn_profit against cohort-by-cohort simulations and hand-worked cases."""

from __future__ import annotations

import numpy as np
import pytest

from crmstudy import churn_profit as cp
from crmstudy.churn_profit import (
    CustomerBase,
    defection_after_cut,
    doubling_threshold,
    lifetime_profit,
    profit_change,
    steady_state_profit,
    steady_state_profit_elasticity,
    tenure_profile,
    transition_path,
    uplift_map,
)
from crmstudy.errors import ParameterError

FLAT = {"purchase_growth": 0.0, "cost_savings": 0.0, "referrals": 0.0, "price_premium": 0.0}


def profit_at_tenure(base: CustomerBase, t: int) -> float:
    """Independent: p_t written out from the five sources, t = 1, 2, ..."""
    steps = min(t - 1, base.ramp_periods)
    effects = base.purchase_growth + base.cost_savings + base.referrals + base.price_premium
    return base.base_profit + steps * effects


def simulate_cohorts(base, defections, periods):
    """Independent: every cohort tracked separately, one period at a time.

    ``defections[s]`` is the defection rate applied between period s - 1 and period s. The base
    starts empty; the caller passes a long warm-up in ``defections`` so that it is mature.
    Returns the profit of each period.
    """
    cohorts = []  # list of [size, tenure]
    profits = []
    for s in range(periods):
        d = defections[s]
        for c in cohorts:
            c[0] *= 1 - d
            c[1] += 1
        cohorts.append([base.new_customers, 1])
        gross = sum(size * profit_at_tenure(base, tenure) for size, tenure in cohorts)
        profits.append(gross - base.new_customers * base.acquisition_cost - base.fixed_cost)
    return np.array(profits)


# ---------------------------------------------------------------- the profile


def test_tenure_profile_sources_add_up():
    base = CustomerBase(base_profit=30, purchase_growth=3, cost_savings=1.5, referrals=1,
                        price_premium=0.75, ramp_periods=4)  # fmt: skip
    profile = tenure_profile(base, periods=7)
    assert profile["profit"].tolist() == [30.0, 36.25, 42.5, 48.75, 55.0, 55.0, 55.0]
    assert profile.loc[3, "purchase_growth"] == 6.0
    assert [profit_at_tenure(base, t) for t in range(1, 8)] == profile["profit"].tolist()


# ---------------------------------------------------------------- steady state


@pytest.mark.parametrize("defection", [0.05, 0.2, 0.6, 1.0])
@pytest.mark.parametrize("ramp", [0, 3])
def test_steady_state_profit_matches_cohort_simulation(defection, ramp):
    base = CustomerBase(new_customers=200, acquisition_cost=40, base_profit=12, ramp_periods=ramp,
                        fixed_cost=500)  # fmt: skip
    periods = 650  # 0.95 ** 650 is 3e-15: the base is mature
    simulated = simulate_cohorts(base, [defection] * periods, periods)[-1]
    ss = steady_state_profit(defection, base)
    assert ss["profit"] == pytest.approx(simulated, rel=1e-9)
    assert ss["customers"] == pytest.approx(200 / defection)


def test_steady_state_hand_worked_flat_profile():
    # N = 1, p = 10, c = 50, d = 0.1: lifetime profit 10 / 0.1 = 100, profit 100 - 50 = 50.
    base = CustomerBase(new_customers=1, acquisition_cost=50, base_profit=10, discount_rate=0.1,
                        **FLAT)  # fmt: skip
    ss = steady_state_profit(0.1, base)
    assert ss["profit"] == pytest.approx(50.0)
    assert ss["net_margin"] == pytest.approx(0.5)
    # CLV with the first profit now: 10 * 1.1 / (1.1 - 0.9) - 50 = 5.
    assert ss["customer_value"] == pytest.approx(5.0)
    assert lifetime_profit(0.1, base) == pytest.approx(100.0)


# ---------------------------------------------------------------- profit change


def test_profit_change_hand_worked_points_and_relative():
    base = CustomerBase(new_customers=1, acquisition_cost=50, base_profit=10, **FLAT)
    # 10% -> 5% (points): profit 10/0.1 - 50 = 50 becomes 10/0.05 - 50 = 150: +200%.
    pts = profit_change(0.10, cut=0.05, kind="points", base=base)
    assert pts["defection_after"] == pytest.approx(0.05)
    assert pts["profit_change_pct"] == pytest.approx(200.0)
    # 10% -> 9.5% (relative): 10/0.095 - 50 = 55.263: +10.53%.
    rel = profit_change(0.10, cut=0.05, kind="relative", base=base)
    assert rel["defection_after"] == pytest.approx(0.095)
    assert rel["profit_change_pct"] == pytest.approx(100 * (10 / 0.095 - 50 - 50) / 50)
    # The explicit rate gives the same answer as the cut.
    assert profit_change(0.10, 0.05, base=base)["profit_change_pct"] == pytest.approx(200.0)


def test_clv_change_hand_worked():
    base = CustomerBase(new_customers=1, acquisition_cost=5, base_profit=10, discount_rate=0.1,
                        **FLAT)  # fmt: skip
    # CLV = 10 * 1.1 / (1.1 - r) - 5: 50 at d = 0.1, 10 * 1.1 / 0.15 - 5 = 68.33 at d = 0.05.
    change = profit_change(0.10, 0.05, base=base)
    assert change["clv_before"] == pytest.approx(50.0)
    assert change["clv_after"] == pytest.approx(11 / 0.15 - 5)
    assert change["clv_change_pct"] == pytest.approx(100 * (11 / 0.15 - 5 - 50) / 50)


def test_uplift_is_lifetime_gain_over_net_margin():
    base = CustomerBase(fixed_cost=100_000)
    change = profit_change(0.2, 0.15, base=base)
    assert change["profit_change_pct"] == pytest.approx(
        change["lifetime_profit_change_pct"] / change["net_margin"]
    )


def test_uplift_grows_as_baseline_margin_shrinks():
    uplifts = [
        profit_change(0.2, 0.15, base=CustomerBase(fixed_cost=f))["profit_change_pct"]
        for f in (0, 100_000, 150_000, 190_000)
    ]
    assert np.all(np.diff(uplifts) > 0)
    grid = uplift_map([0.1, 0.2, 0.3], [0.05, 0.1, 0.3, 0.9])
    assert np.all(np.diff(grid.to_numpy(), axis=0) < 0)  # down the margins, uplift falls
    # The map's cell equals profit_change for a base with that net margin: pick the fixed cost
    # that gives a 30% net margin at d = 0.2.
    gross = steady_state_profit(0.2)["gross_profit"]
    spend = steady_state_profit(0.2)["acquisition_spend"]
    base = CustomerBase(fixed_cost=gross * 0.7 - spend)
    assert steady_state_profit(0.2, base)["net_margin"] == pytest.approx(0.3)
    assert grid.loc[0.3, 0.2] == pytest.approx(
        profit_change(0.2, 0.15, base=base)["profit_change_pct"]
    )


def test_uplift_map_nan_where_the_cut_is_impossible():
    grid = uplift_map([0.04, 0.1], [0.5])
    assert np.isnan(grid.loc[0.5, 0.04]) and np.isfinite(grid.loc[0.5, 0.1])


def test_doubling_threshold_flat_profile_formulas():
    base = CustomerBase(**FLAT)
    # Points: G = p / d, so G(d - c)/G(d) - 1 = c / (d - c).
    assert doubling_threshold(0.2, 0.05, "points", base) == pytest.approx(0.05 / 0.15)
    # Relative: d' = 0.95 d, so the gain is 1/0.95 - 1 whatever d.
    assert doubling_threshold(0.2, 0.05, "relative", base) == pytest.approx(1 / 0.95 - 1)
    assert doubling_threshold(0.6, 0.05, "relative", base) == pytest.approx(1 / 0.95 - 1)


def test_retention_elasticity_flat_profile():
    # No costs, flat profile: profit = N p / d. r = 0.9 -> 0.909, d = 0.1 -> 0.091:
    # 0.1 / 0.091 - 1 = 9.89%.
    base = CustomerBase(acquisition_cost=0, **FLAT)
    e = steady_state_profit_elasticity(0.1, base)
    assert e["profit"] == pytest.approx(100 * (0.1 / 0.091 - 1))


# ---------------------------------------------------------------- transition


def test_transition_path_matches_cohort_simulation():
    base = CustomerBase(new_customers=100, ramp_periods=3, fixed_cost=1000)
    warm = 200
    defections = [0.2] * warm + [0.1] * 40
    simulated = simulate_cohorts(base, defections, warm + 40)
    path = transition_path(0.2, 0.1, horizon=40, base=base)
    # Period 0 of the path is the last mature period before the change.
    assert path["profit"].to_numpy() == pytest.approx(simulated[warm - 1 :], rel=1e-9)


def test_transition_path_reaches_the_new_steady_state_and_its_value():
    base = CustomerBase()
    path = transition_path(0.3, 0.2, horizon=200, base=base)
    old = steady_state_profit(0.3, base)["profit"]
    new = steady_state_profit(0.2, base)["profit"]
    assert path["profit"].iloc[0] == pytest.approx(old)
    assert path["profit"].iloc[-1] == pytest.approx(new, rel=1e-9)
    assert path.attrs["steady_state_gain"] == pytest.approx(new - old)
    # Independent present value: a long brute-force sum of the simulated gains.
    long = transition_path(0.3, 0.2, horizon=600, base=base)
    i = base.discount_rate
    brute = sum(g / (1 + i) ** s for s, g in long["gain"].items())
    assert path.attrs["value_of_change"] == pytest.approx(brute, rel=1e-9)
    first = path.index[path["share_of_gain"] >= 0.9][0]
    assert path.attrs["periods_to_90pct"] == first
    # The naive value: the steady gain as a perpetuity from period 1, sum_s gain / (1 + i)**s.
    naive = sum((new - old) / (1 + i) ** s for s in range(1, 3000))
    assert path.attrs["naive_value_of_change"] == pytest.approx(naive, rel=1e-9)
    assert path.attrs["value_of_change"] < path.attrs["naive_value_of_change"]


def test_no_change_no_transition():
    path = transition_path(0.1, 0.1, horizon=5)
    assert np.allclose(path["gain"], 0.0, atol=1e-6)


# ---------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"new_customers": 0}, "new_customers"),
        ({"acquisition_cost": -1}, "acquisition_cost"),
        ({"base_profit": float("nan")}, "base_profit"),
        ({"purchase_growth": -1}, "purchase_growth"),
        ({"cost_savings": -0.5}, "cost_savings"),
        ({"referrals": "many"}, "referrals"),
        ({"price_premium": -2}, "price_premium"),
        ({"ramp_periods": 2.5}, "ramp_periods"),
        ({"fixed_cost": -10}, "fixed_cost"),
        ({"discount_rate": 0.0}, "discount_rate"),
        ({"period": "decade"}, "period"),
    ],
)
def test_customer_base_names_the_bad_parameter(kwargs, word):
    with pytest.raises(ParameterError, match=word):
        CustomerBase(**kwargs)


@pytest.mark.parametrize(
    "call, word",
    [
        (lambda: steady_state_profit(0.0), "defection"),
        (lambda: steady_state_profit(1.5), "defection"),
        (lambda: profit_change(-0.1, 0.05), "defection_before"),
        (lambda: profit_change(0.1, 0.0), "defection_after"),
        (lambda: profit_change(0.1), "exactly one"),
        (lambda: profit_change(0.1, 0.05, cut=0.05), "exactly one"),
        (lambda: defection_after_cut(0.1, 0.05, "percent"), "kind"),
        (lambda: defection_after_cut(0.04, 0.05, "points"), "cut"),
        (lambda: defection_after_cut(0.1, 0.0), "cut"),
        (lambda: uplift_map([0.1], [0.0]), "net_margins"),
        (lambda: transition_path(0.1, 0.05, horizon=0), "horizon"),
        (lambda: steady_state_profit_elasticity(0.001, step=0.2), "retention"),
        (lambda: tenure_profile(CustomerBase(), periods=0), "periods"),
    ],
)
def test_functions_name_the_bad_parameter(call, word):
    with pytest.raises(ParameterError, match=word):
        call()


# ---------------------------------------------------------------- Reichheld & Sasser's own metric


def _hand_npv(flows, rate):
    """Independent reference: year-0 flow first, then one flow per year end, in a plain loop."""
    total = 0.0
    for year, flow in enumerate(flows):
        total += flow / (1.0 + rate) ** year
    return total


def test_rs_credit_card_example_by_hand():
    # R&S (1990): -$51 at acquisition, then $30, 42, 44, 49, 55 and $55 a year afterwards.
    # 10% defection: average life 10 years; 5%: 20 years (MBNA's 10% -> 5%).
    flows_10 = [-51, 30, 42, 44, 49] + [55] * 6
    flows_5 = [-51, 30, 42, 44, 49] + [55] * 16
    # Undiscounted: -51 + 165 + 6 x 55 = 444 and -51 + 165 + 16 x 55 = 994, i.e. +123.87%.
    assert sum(flows_10) == 444 and sum(flows_5) == 994
    base = cp.rs_credit_card_base()
    undiscounted = cp.rs_npv_change(0.10, 0.05, base, profits=cp.RS_CREDIT_CARD_PROFITS)
    assert undiscounted["npv_before"] == pytest.approx(444.0, abs=1e-9)
    assert undiscounted["npv_after"] == pytest.approx(994.0, abs=1e-9)
    assert undiscounted["rs_customer_npv_change_pct"] == pytest.approx(100 * (994 / 444 - 1))
    for rate in (0.10, 0.15):
        discounted = cp.rs_npv_change(0.10, 0.05, base, rate, profits=cp.RS_CREDIT_CARD_PROFITS)
        before, after = _hand_npv(flows_10, rate), _hand_npv(flows_5, rate)
        assert discounted["npv_before"] == pytest.approx(before, rel=1e-12)
        assert discounted["rs_customer_npv_change_pct"] == pytest.approx(
            100 * (after / before - 1), rel=1e-12
        )


def test_rs_fractional_life_is_pro_rata():
    # d = 15%: life 6.667 years = six whole years and two thirds of the seventh.
    npv = cp.rs_customer_npv(0.15, cp.rs_credit_card_base(), profits=cp.RS_CREDIT_CARD_PROFITS)
    assert npv == pytest.approx(-51 + 30 + 42 + 44 + 49 + 55 + 55 + (1 / 0.15 - 6) * 55)
    # Continuous in d: just above and below a whole life of 10 years.
    a = cp.rs_customer_npv(0.1 - 1e-9, profits=cp.RS_CREDIT_CARD_PROFITS)
    b = cp.rs_customer_npv(0.1 + 1e-9, profits=cp.RS_CREDIT_CARD_PROFITS)
    assert a == pytest.approx(b, abs=1e-4)


def test_steady_state_identity_against_a_cohort_sum():
    # Pi(d) = N (G(d) - c) - F, with G(d) = sum_t p_t (1-d)^(t-1) summed here term by term.
    base = cp.CustomerBase(new_customers=250.0, fixed_cost=1000.0)
    profile = cp.tenure_profile(base, periods=4000)["profit"].to_numpy()
    for d in (0.05, 0.1, 0.2, 0.35):
        g = sum(p * (1 - d) ** t for t, p in enumerate(profile))
        both = cp.steady_state_identity(d, base)
        expected = 250.0 * (g - base.acquisition_cost) - 1000.0
        assert both["steady_state_profit"] == pytest.approx(expected, rel=1e-10)
        assert both["inflow_times_lifetime_profit"] == pytest.approx(expected, rel=1e-10)


def test_rs_metric_equals_expected_lifetime_profit_for_a_flat_profile():
    # With a flat profile the fixed life 1/d and the geometric life of mean 1/d give the same
    # undiscounted profit: p / d - c (also for a fractional life, handled pro rata).
    flat = cp.CustomerBase(
        base_profit=20.0,
        purchase_growth=0,
        cost_savings=0,
        referrals=0,
        price_premium=0,
        ramp_periods=0,
        acquisition_cost=30.0,
    )
    for d in (0.1, 0.15, 0.3):
        both = cp.steady_state_identity(d, flat)
        assert both["rs_undiscounted_npv"] == pytest.approx(20.0 / d - 30.0)
        assert both["expected_lifetime_profit_net"] == pytest.approx(20.0 / d - 30.0)
    # A rising profile pulls them apart: the geometric life's long tail earns the high tenures.
    rising = cp.steady_state_identity(0.1, cp.CustomerBase())
    assert rising["expected_lifetime_profit_net"] > rising["rs_undiscounted_npv"]


def test_rs_required_defection_inverts_the_change():
    base = cp.CustomerBase()
    for target in (85.0, 50.0):
        d = cp.rs_required_defection(target, base)
        change = cp.rs_npv_change(d, d - 0.05, base)["rs_customer_npv_change_pct"]
        assert change == pytest.approx(target, abs=1e-6)
    # Flat undiscounted profile: change = (p/(d-0.05) - c) / (p/d - c) - 1; with c = 0 it is
    # 0.05 / (d - 0.05), so 50% needs d = 0.15 exactly.
    flat = cp.CustomerBase(
        base_profit=10.0,
        purchase_growth=0,
        cost_savings=0,
        referrals=0,
        price_premium=0,
        ramp_periods=0,
        acquisition_cost=0.0,
    )
    assert cp.rs_required_defection(50.0, flat) == pytest.approx(0.15, abs=1e-9)
    # A target no baseline reaches with a flat, cost-free profile (change < 5.3% needs d > 1).
    assert np.isnan(cp.rs_required_defection(1.0, flat))


def test_verdict_churn_5pct_rule_flips_with_the_numbers():
    base = cp.CustomerBase()
    low = cp.verdict_churn_5pct(cp.claim_readings(0.10, base))
    assert low["class"] == "holds_if"
    assert ("points", "firm_profit_pct") in low["holding"]
    assert ("relative", "firm_profit_pct") in low["failing"]
    # Every reading below 100%: a high baseline with a flat profile.
    flat = cp.CustomerBase(
        base_profit=10.0,
        purchase_growth=0,
        cost_savings=0,
        referrals=0,
        price_premium=0,
        ramp_periods=0,
        acquisition_cost=0.0,
    )
    high = cp.verdict_churn_5pct(cp.claim_readings(0.4, flat))
    # 0.05 / 0.35 = 14.3% in points; 5.3% relative.
    assert high["values"]["points__firm_profit_pct"] == pytest.approx(100 * 0.05 / 0.35)
    assert high["class"] == "does_not_hold"
    # A threshold every reading passes.
    assert (
        cp.verdict_churn_5pct(cp.claim_readings(0.10, base), threshold_pct=1.0)["class"] == "holds"
    )


def test_old_retention_elasticity_name_warns_and_matches():
    base = cp.CustomerBase()
    with pytest.warns(DeprecationWarning, match="steady_state_profit_elasticity"):
        old = cp.retention_elasticity(0.1, base)
    new = cp.steady_state_profit_elasticity(0.1, base)
    assert old.to_numpy() == pytest.approx(new.to_numpy())


def test_transition_path_old_periods_keyword_warns():
    with pytest.warns(DeprecationWarning, match="horizon="):
        old = cp.transition_path(0.1, 0.05, periods=5)
    new = cp.transition_path(0.1, 0.05, horizon=5)
    assert old["profit"].to_numpy() == pytest.approx(new["profit"].to_numpy())

"""Tests of crmstudy.clv: every closed form against a direct summation of the discounted series."""

from __future__ import annotations

import numpy as np
import pytest

from crmstudy.clv import (
    heterogeneity_comparison,
    horizon_share,
    lifetime_value,
    margin_multiple,
    margin_multiple_table,
    pooled_retention,
    retention_per_period,
    simple_retention_elasticity,
)
from crmstudy.customer_equity import (
    customer_equity,
    firm_inputs,
    gls_summary,
    gls_valuation,
    logistic_customers,
    logistic_new_customers,
    logistic_through,
    shortcut_comparison,
)
from crmstudy.customer_equity import customer_equity_elasticities as elasticities
from crmstudy.errors import ParameterError


def direct_sum(margins, retention, discount_rate, timing="end"):
    """Independent reference: add up m_t * r**t / (1 + i)**t term by term in a plain loop."""
    total = 0.0
    factor = 1.0 if timing == "start" else retention / (1.0 + discount_rate)
    for m in margins:
        total += m * factor
        factor *= retention / (1.0 + discount_rate)
    return total


# ---------------------------------------------------------------- margin_multiple


@pytest.mark.parametrize("r", [0.0, 0.3, 0.7, 0.9, 0.95])
@pytest.mark.parametrize("i", [0.0, 0.0287, 0.1, 0.5])
@pytest.mark.parametrize("timing", ["end", "start"])
def test_margin_multiple_equals_long_direct_sum(r, i, timing):
    # 5,000 terms: the neglected tail is below r**5000, far under the tolerance.
    expected = direct_sum([1.0] * 5000, r, i, timing)
    assert margin_multiple(r, i, timing=timing) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_margin_multiple_hand_worked():
    # r = 0.8, i = 0.1: end 0.8 / 0.3 = 2.6667; start 1.1 / 0.3 = 3.6667 (one more margin, now).
    assert margin_multiple(0.8, 0.1) == pytest.approx(8 / 3)
    assert margin_multiple(0.8, 0.1, timing="start") == pytest.approx(11 / 3)
    # r = 90%, i = 12%: 0.9 / 0.22 = 4.09; r = 60%, i = 16%: 0.6 / 0.56 = 1.07.
    assert margin_multiple(0.9, 0.12) == pytest.approx(4.09, abs=0.005)
    assert margin_multiple(0.6, 0.16) == pytest.approx(1.07, abs=0.005)


def test_margin_multiple_is_vectorised():
    r = np.array([0.5, 0.8, 0.9])
    i = np.array([[0.1], [0.2]])
    out = margin_multiple(r, i)
    assert out.shape == (2, 3)
    assert out[1, 2] == pytest.approx(0.9 / 0.3)


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"retention": 1.0, "discount_rate": 0.1}, "retention"),
        ({"retention": -0.1, "discount_rate": 0.1}, "retention"),
        ({"retention": [0.5, 1.2], "discount_rate": 0.1}, "retention"),
        ({"retention": 0.5, "discount_rate": -1.0}, "discount_rate"),
        ({"retention": 0.5, "discount_rate": np.nan}, "discount_rate"),
        ({"retention": 0.5, "discount_rate": 0.1, "timing": "middle"}, "timing"),
        ({"retention": 0.9, "discount_rate": -0.2}, r"discount_rate=-0.2 .*\[0, 1\)"),
    ],
)
def test_margin_multiple_bad_input(kwargs, word):
    with pytest.raises(ParameterError, match=word):
        margin_multiple(**kwargs)


# ---------------------------------------------------------------- lifetime_value


@pytest.mark.parametrize("timing", ["end", "start"])
@pytest.mark.parametrize("horizon", [0, 1, 3, 10, 40])
def test_finite_horizon_equals_direct_sum(timing, horizon):
    m, r, i, c = 12.0, 0.85, 0.03, 20.0
    expected = direct_sum([m] * horizon, r, i, timing) - c
    got = lifetime_value(m, r, i, horizon=horizon, acquisition_cost=c, timing=timing)
    assert got == pytest.approx(expected, rel=1e-12)


def test_infinite_horizon_is_margin_times_multiple_minus_cost():
    assert lifetime_value(10.0, 0.8, 0.1, acquisition_cost=5.0) == pytest.approx(10 * 8 / 3 - 5)


def test_finite_horizon_hand_worked():
    # m = 100, r = 0.5, i = 0 (no discounting), 3 payments at period ends: 50 + 25 + 12.5.
    assert lifetime_value(100.0, 0.5, 0.0, horizon=3) == pytest.approx(87.5)
    # At period starts: 100 + 50 + 25.
    assert lifetime_value(100.0, 0.5, 0.0, horizon=3, timing="start") == pytest.approx(175.0)


def test_negative_discount_rates_are_refused_everywhere():
    # One documented range for a discount rate, [0, 1) (crmstudy._checks.RATE_RANGES).
    for call in (
        lambda: lifetime_value(2.0, 0.5, -0.5, horizon=7),
        lambda: margin_multiple(0.5, -0.1),
        lambda: _model_clv(discount_rate=-0.1),
    ):
        with pytest.raises(ParameterError, match=r"\[0, 1\)"):
            call()


def test_finite_horizon_converges_to_infinite():
    inf = lifetime_value(3.0, 0.9, 0.02)
    assert lifetime_value(3.0, 0.9, 0.02, horizon=2000) == pytest.approx(inf, rel=1e-12)


@pytest.mark.parametrize("timing", ["end", "start"])
@pytest.mark.parametrize("horizon", [None, 2, 5, 30])
def test_margin_profile_equals_direct_sum(timing, horizon):
    profile = [1.0, 1.3, 1.6, 2.0]
    m, r, i = 10.0, 0.8, 0.05
    n = 3000 if horizon is None else horizon
    margins = [m * profile[min(k, len(profile) - 1)] for k in range(n)]
    expected = direct_sum(margins, r, i, timing)
    got = lifetime_value(m, r, i, horizon=horizon, timing=timing, margin_profile=profile)
    assert got == pytest.approx(expected, rel=1e-10)


def test_flat_profile_equals_constant_margin():
    assert lifetime_value(5.0, 0.7, 0.1, margin_profile=[1.0]) == pytest.approx(
        lifetime_value(5.0, 0.7, 0.1)
    )


def test_lifetime_value_vectorised_over_retention():
    r = np.array([0.5, 0.9])
    out = lifetime_value(1.0, r, 0.1, horizon=5, margin_profile=[1.0, 2.0])
    assert out.shape == (2,)
    assert out[1] == pytest.approx(direct_sum([1, 2, 2, 2, 2], 0.9, 0.1))


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"horizon": -1}, "horizon"),
        ({"horizon": 2.5}, "horizon"),
        ({"horizon": "ten"}, "horizon"),
        ({"retention": 1.0}, "retention"),
        ({"discount_rate": -2.0}, "discount_rate"),
        ({"margin": "a lot"}, "margin"),
        ({"margin_profile": []}, "margin_profile"),
        ({"margin_profile": [[1, 2], [3, 4]]}, "margin_profile"),
        ({"acquisition_cost": np.inf}, "acquisition_cost"),
    ],
)
def test_lifetime_value_bad_input(kwargs, word):
    args = {"margin": 1.0, "retention": 0.8, "discount_rate": 0.1} | kwargs
    with pytest.raises(ParameterError, match=word):
        lifetime_value(**args)


# ---------------------------------------------------------------- tables and conversions


def test_margin_multiple_table_layout_and_values():
    table = margin_multiple_table([0.6, 0.9], [0.1, 0.12, 0.16])
    assert table.shape == (2, 3)
    assert table.index.name == "retention" and table.columns.name == "discount_rate"
    assert table.loc[0.9, 0.12] == pytest.approx(0.9 / 0.22)
    assert table.loc[0.6, 0.1] == pytest.approx(0.6 / 0.5)


def test_simple_retention_elasticity_is_the_log_derivative():
    # Independent: central finite difference of ln(margin multiple) in ln(r).
    r, i, h = 0.85, 0.12, 1e-6
    numeric = (
        np.log(margin_multiple(r * np.exp(h), i)) - np.log(margin_multiple(r * np.exp(-h), i))
    ) / (2 * h)
    assert simple_retention_elasticity(r, i) == pytest.approx(numeric, rel=1e-6)
    # Hand-worked: r = 0.7, i = 0.12: 1.12 / 0.42 = 2.667.
    assert simple_retention_elasticity(0.7, 0.12) == pytest.approx(1.12 / 0.42)


def test_retention_per_period_compounds_back():
    # Four quarters at 0.70 ** 0.25 retain 70% over the year (GLS 2004's conversion).
    q = retention_per_period(0.70, "Y", "Q")
    assert q == pytest.approx(0.914691, abs=1e-6)
    assert q**4 == pytest.approx(0.70)
    assert retention_per_period(0.5, "Q", "Q") == 0.5


# ---------------------------------------------------------------- growth curve


def test_logistic_curve_and_new_customers():
    alpha, beta, gamma = 100.0, -1.0, 0.3
    # Hand-worked: N(0) = 100 / (1 + e) = 26.894.
    assert logistic_customers(0.0, alpha, beta, gamma) == pytest.approx(100 / (1 + np.e))
    n = logistic_new_customers(alpha, beta, gamma, 200)
    assert n.shape == (200,)
    assert np.all(n > 0)
    # The new customers add up to the growth from N(0) to (almost) the ceiling.
    assert n.sum() == pytest.approx(alpha - 100 / (1 + np.e), rel=1e-9)
    # Each period's count is the integral of the paper's dN/dt over that period.
    t = np.linspace(2.0, 3.0, 20001)
    rate = alpha * gamma * np.exp(-beta - gamma * t) / (1 + np.exp(-beta - gamma * t)) ** 2
    assert n[2] == pytest.approx(np.trapezoid(rate, t), rel=1e-7)


def test_logistic_through_passes_through_today():
    alpha, beta, gamma = logistic_through(30.0, 50.0, 0.2)
    assert alpha == 50.0 and gamma == 0.2
    assert logistic_customers(0.0, alpha, beta, gamma) == pytest.approx(30.0)


@pytest.mark.parametrize(
    "call, word",
    [
        (lambda: logistic_customers(1.0, -5.0, 0.0, 0.1), "alpha"),
        (lambda: logistic_customers(1.0, 5.0, 0.0, 0.0), "gamma"),
        (lambda: logistic_through(30.0, 20.0, 0.1), "ceiling"),
        (lambda: logistic_through(0.0, 20.0, 0.1), "current_customers"),
        (lambda: logistic_new_customers(10.0, 0.0, 0.1, -3), "periods"),
        (lambda: logistic_new_customers(10.0, 0.0, 0.1, None), "periods"),
    ],
)
def test_logistic_bad_input(call, word):
    with pytest.raises(ParameterError, match=word):
        call()


# ---------------------------------------------------------------- customer equity


def direct_customer_equity(m, r, i, c, n0, arrivals, periods=4000):
    """Independent reference: walk every cohort through time, period by period.

    Today's n0 customers and each cohort k (acquired at time k, paying c then) earn m at the end
    of each period they survive; everything is discounted to time 0.
    """
    total = 0.0
    cohorts = [(0, n0, 0.0)] + [(k + 1, n, c) for k, n in enumerate(arrivals)]
    for start, size, cost in cohorts:
        total -= size * cost / (1 + i) ** start
        alive = size
        for t in range(start + 1, start + periods):
            alive *= r
            total += alive * m / (1 + i) ** t
            if alive < 1e-13 * max(size, 1.0):
                break
    return total


def test_customer_equity_equals_cohort_by_cohort_sum():
    m, r, i, c = 12.0, 0.9, 0.03, 30.0
    arrivals = [5.0, 8.0, 3.0, 0.0, 7.5]
    ce = customer_equity(m, r, i, c, current_customers=40.0, new_customers=arrivals)
    expected = direct_customer_equity(m, r, i, c, 40.0, arrivals)
    assert ce["customer_equity"] == pytest.approx(expected, rel=1e-9)
    assert ce["pre_tax"] == ce["current_value"] + ce["future_value"]


def test_customer_equity_hand_worked():
    # m = 10, r = 0.8, i = 0.1: each customer is worth 10 * 0.8 / 0.3 = 26.667 (no cost).
    # 100 current customers: 2666.67. Cohorts of 10 and 20 at cost 5, in periods 1 and 2:
    # 10 / 1.1 * 21.667 + 20 / 1.21 * 21.667 = 196.97 + 358.13.
    ce = customer_equity(10.0, 0.8, 0.1, 5.0, current_customers=100.0, new_customers=[10, 20])
    clv = 10 * 0.8 / 0.3
    assert ce["current_value"] == pytest.approx(100 * clv)
    assert ce["future_value"] == pytest.approx((10 / 1.1 + 20 / 1.21) * (clv - 5))
    assert ce["acquisition_spend"] == pytest.approx((10 / 1.1 + 20 / 1.21) * 5)


def test_constant_flow_is_a_perpetuity():
    # n per period forever: sum n / 1.1**k = n / 0.1; checked against a long explicit sequence.
    ce_flow = customer_equity(10.0, 0.8, 0.1, 5.0, current_customers=3.0, new_customers=2.0)
    ce_seq = customer_equity(10.0, 0.8, 0.1, 5.0, current_customers=3.0, new_customers=[2.0] * 800)
    assert ce_flow["customer_equity"] == pytest.approx(ce_seq["customer_equity"], rel=1e-12)


def test_annual_rates_are_converted_as_gls_do():
    # Quarterly model with annual inputs: i_q = 1.12 ** 0.25 - 1, r_q = 0.7 ** 0.25.
    ce = customer_equity(
        3.87,
        0.70,
        0.12,
        7.70,
        33.8,
        [1.0, 2.0],
        period="Q",
        retention_period="Y",
        discount_period="Y",
    )
    i_q, r_q = 1.12**0.25 - 1, 0.70**0.25
    assert ce["discount_rate_per_period"] == pytest.approx(0.028737, abs=1e-6)
    assert ce["retention_per_period"] == pytest.approx(r_q)
    expected = direct_customer_equity(3.87, r_q, i_q, 7.70, 33.8, [1.0, 2.0])
    assert ce["customer_equity"] == pytest.approx(expected, rel=1e-9)


def test_tax_and_finite_horizon():
    ce = customer_equity(10.0, 0.8, 0.1, current_customers=1.0, tax_rate=0.35)
    assert ce["customer_equity"] == pytest.approx(0.65 * 10 * 0.8 / 0.3)
    short = customer_equity(10.0, 0.8, 0.1, current_customers=1.0, horizon=2)
    assert short["customer_equity"] == pytest.approx(10 * (0.8 / 1.1 + 0.64 / 1.21))


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"retention": 1.0}, "retention"),
        ({"discount_rate": -1.5}, "discount_rate"),
        ({"current_customers": -1.0}, "current_customers"),
        ({"new_customers": [1.0, -2.0]}, "new_customers"),
        ({"new_customers": -2.0}, "new_customers"),
        ({"new_customers": 2.0, "discount_rate": 0.0}, "discount rate"),
        ({"tax_rate": 1.0}, "tax_rate"),
        ({"horizon": -4}, "horizon"),
        ({"period": "fortnight"}, "period"),
        ({"margin": float("nan")}, "margin"),
    ],
)
def test_customer_equity_bad_input(kwargs, word):
    args = {"margin": 10.0, "retention": 0.8, "discount_rate": 0.1, "current_customers": 1.0}
    with pytest.raises(ParameterError, match=word):
        customer_equity(**(args | kwargs))


# ---------------------------------------------------------------- elasticities


def test_elasticities_against_direct_recomputation():
    base = {"margin": 12.0, "retention": 0.9, "discount_rate": 0.03, "acquisition_cost": 30.0}
    arrivals = [5.0, 8.0, 3.0]
    e = elasticities(**base, current_customers=40.0, new_customers=arrivals)
    ce0 = direct_customer_equity(12.0, 0.9, 0.03, 30.0, 40.0, arrivals)
    for name, value in [
        ("retention", 0.9 * 1.01),
        ("margin", 12.0 * 1.01),
        ("acquisition_cost", 30.0 * 0.99),
        ("discount_rate", 0.03 * 0.99),
    ]:
        args = base | {name: value}
        ce1 = direct_customer_equity(
            args["margin"], args["retention"], args["discount_rate"], args["acquisition_cost"],
            40.0, arrivals,
        )  # fmt: skip
        assert e[name] == pytest.approx(100 * (ce1 - ce0) / ce0, rel=1e-7)


def test_elasticity_identities_of_a_single_cohort():
    # No acquisition: CE is proportional to margin, so +1% margin is exactly +1% value, and the
    # acquisition-cost elasticity is 0.
    e = elasticities(margin=5.0, retention=0.85, discount_rate=0.12, current_customers=1.0)
    assert e["margin"] == pytest.approx(1.0)
    assert e["acquisition_cost"] == 0.0
    # The 1% step is close to the log-derivative (1 + i) / (1 + i - r) = 4.148...
    assert e["retention"] == pytest.approx(simple_retention_elasticity(0.85, 0.12), rel=0.05)


def test_elasticities_bad_step():
    with pytest.raises(ParameterError, match="step"):
        elasticities(step=0.0, margin=1.0, retention=0.5, discount_rate=0.1, current_customers=1)
    with pytest.raises(ParameterError, match="retention=0.995"):
        elasticities(margin=1.0, retention=0.995, discount_rate=0.1, current_customers=1)


def test_firm_inputs_reads_the_gls_table():
    args = firm_inputs("Capital One")
    assert args["margin"] == 13.71 and args["retention"] == 0.85
    assert args["period"] == "Q" and args["retention_period"] == args["discount_period"] == "Y"
    with pytest.raises(ParameterError, match="firm"):
        firm_inputs("Pets.com")


# ---------------------------------------------------------------- heterogeneity


def test_pooled_retention_hand_worked_and_errors():
    # (80 + 64) renewals out of (100 + 80) opportunities.
    assert pooled_retention([100, 80, 64]) == pytest.approx(0.8)
    for bad in ([100], [100, 120], [0, 0], [[100, 80]]):
        with pytest.raises(ParameterError, match="alive"):
            pooled_retention(bad)


def test_heterogeneity_comparison_against_direct_sums():
    from crmstudy.models.sbg import ShiftedBetaGeometric

    model = ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182)
    m, d, r = 100.0, 0.10, 0.77
    table = heterogeneity_comparison(model, m, d, r, renewals=[0, 3])
    t = np.arange(3000)
    survival = model.survival(t)
    # New customer: sum_t m S(t) / (1 + d)**t, first payment at acquisition.
    assert table.loc[0, "sbg_value"] == pytest.approx(np.sum(m * survival / (1 + d) ** t), rel=1e-6)
    # After 3 renewals (active 4 periods): sum_{t>=4} m S(t) / S(3) / (1 + d)**(t - 4).
    residual = np.sum(m * survival[4:] / survival[3] / (1 + d) ** (t[4:] - 4))
    assert table.loc[2, "sbg_value"] == pytest.approx(residual, rel=1e-6)
    # Constant rate: m * sum_{t>=0} r**t / (1+d)**t and m * sum_{t>=1} r**t / (1+d)**(t-1).
    assert table.loc[0, "constant_value"] == pytest.approx(direct_sum([m] * 3000, r, d, "start"))
    assert table.loc[1, "constant_value"] == pytest.approx(
        (1 + d) * direct_sum([m] * 3000, r, d, "end")
    )
    assert table["misvaluation_pct"].iloc[-1] == pytest.approx(
        100 * (table["constant_value"].iloc[-1] / residual - 1), rel=1e-6
    )


def test_no_heterogeneity_no_misvaluation():
    from crmstudy.models.sbg import ShiftedBetaGeometric

    # A beta(400, 1600) churn probability is nearly the constant 0.2: both methods agree.
    model = ShiftedBetaGeometric.from_params(alpha=400.0, beta=1600.0)
    table = heterogeneity_comparison(model, 1.0, 0.1, 0.8, renewals=[0, 5])
    assert np.all(np.abs(table["misvaluation_pct"]) < 0.5)


# ---------------------------------------------------------------- the five firms of GLS (2004)


def test_gls_valuation_no_growth_by_hand():
    table = gls_valuation("none")
    assert list(table.index) == ["Amazon", "Ameritrade", "Capital One", "eBay", "E*Trade"]
    # Amazon: 33.8 M customers x $3.87 a quarter, quarterly r = 0.7 ** 0.25, i = 1.12 ** 0.25 - 1.
    r_q, i_q = 0.7**0.25, 1.12**0.25 - 1
    expected = 33.8 * direct_sum([3.87] * 4000, r_q, i_q, "end")
    assert table.loc["Amazon", "customer_equity"] == pytest.approx(expected, rel=1e-9)
    assert table.loc["Amazon", "future_value"] == 0.0
    # Without acquisition, the 1% step is close to the quarterly log-derivative.
    assert table["retention"].to_numpy() == pytest.approx(
        table["simple_quarterly"].to_numpy(), rel=0.08
    )


def test_gls_valuation_replacement_by_hand():
    table = gls_valuation("replacement")
    r_q, i_q = 0.85**0.25, 1.12**0.25 - 1
    clv = 13.71 * r_q / (1 + i_q - r_q)
    n = 46.6 * (1 - r_q)
    assert table.loc["Capital One", "future_value"] == pytest.approx(n / i_q * (clv - 75.49))


def test_gls_valuation_orders_the_drivers_as_published():
    # GLS (2004) abstract: retention elasticity 3-7, margin about 1, acquisition cost 0.02-0.3,
    # retention several times the discount rate. Our assumptions differ from the paper's growth
    # fits, so only the ordering and rough size are checked here.
    for growth in ("none", "replacement", "logistic"):
        t = gls_valuation(growth)
        assert (t["retention"] > t["margin"]).all()
        assert (t["margin"] >= t["acquisition_cost"]).all()
        assert (t["retention"] > 2 * t["discount_rate"]).all()
        assert t["margin"].between(0.99, 1.5).all()
    with pytest.raises(ParameterError, match="growth"):
        gls_valuation("exponential")


def test_replacement_growth_collapses_to_a_perpetuity():
    # Hand derivation: with n = N0 (1 - r) forever, N0 m M + N0 (1 - r) / i (m M - c) with
    # M = r / (1 + i - r) simplifies to N0 (m r - (1 - r) c) / i.
    n0, m, r, i, c = 46.6, 13.71, 0.96, 0.0287, 75.49
    ce = customer_equity(m, r, i, c, current_customers=n0, new_customers=n0 * (1 - r))
    assert ce["customer_equity"] == pytest.approx(n0 * (m * r - (1 - r) * c) / i, rel=1e-12)


def test_horizon_share_against_direct_sums():
    r, i, h = 0.8, 0.1, 5
    q = [(r / (1 + i)) ** t for t in range(1, 400)]
    assert horizon_share(r, i, h) == pytest.approx(sum(q[:h]) / sum(q))
    # Margins at period starts: the same share (the sum shifts by one period).
    assert horizon_share(r, i, h, timing="start") == pytest.approx(1 - (r / (1 + i)) ** h)
    assert horizon_share(r, i, 0) == 0.0
    assert horizon_share(r, i, None) == 1.0
    with pytest.raises(ParameterError, match="horizon"):
        horizon_share(r, i, -1)


def test_gls_summary_and_shortcut_comparison_by_hand():
    import pandas as pd

    def table(ret, mar, acq, disc):
        return pd.DataFrame(
            {
                "retention": ret,
                "margin": mar,
                "acquisition_cost": acq,
                "discount_rate": disc,
                "simple_annual": [2.0, 4.0],
                "simple_quarterly": [1.0, 5.0],
            },
            index=["A", "B"],
        )

    v = {
        "none": table([3.0, 6.0], [1.0, 1.2], [0.1, 0.3], [1.0, 2.0]),
        "replacement": table([4.0, 8.0], [1.0, 1.0], [0.0, 0.2], [1.0, 1.0]),
        "logistic": table([2.0, 6.0], [1.1, 1.1], [0.1, 0.1], [0.5, 1.0]),
    }
    got = gls_summary(v)
    assert got.loc["retention, lowest", "none"] == 3.0
    assert got.loc["retention, highest", "replacement"] == 8.0
    assert got.loc["margin, mean", "none"] == pytest.approx(1.1)
    assert got.loc["acquisition cost, highest", "none"] == 0.3
    # Ratios 3/1 and 6/2 -> median 3; 4 and 8 -> 6; 4 and 6 -> 5.
    assert got.loc["retention / discount rate, median"].tolist() == pytest.approx([3.0, 6.0, 5.0])
    short = shortcut_comparison(v)
    assert short["full, logistic"].tolist() == [2.0, 6.0]
    # 100 * (2 / 1 - 1) = 100 and 100 * (6 / 5 - 1) = 20.
    assert short["logistic_vs_quarterly_pct"].tolist() == pytest.approx([100.0, 20.0])
    with pytest.raises(ParameterError, match="logistic"):
        shortcut_comparison({"none": v["none"]})


# ---------------------------------------------------------------- model-based customer_lifetime_value


class _ConstantRate:
    """A stand-in purchase model: ``rate`` purchases per ``period``, whatever the history."""

    def __init__(self, rate, period):
        self.rate, self.period = rate, period

    def expected_purchases(self, t, frequency, recency, T):
        return self.rate * np.broadcast_to(np.asarray(t, dtype=float), np.shape(frequency))


class _ConstantSpend:
    def __init__(self, amount):
        self.amount = amount

    def expected_spend(self, summary):
        return np.full(len(summary), self.amount)


def _frame(period):
    import pandas as pd

    out = pd.DataFrame({"frequency": [1, 0], "recency": [1.0, 0.0], "T": [2.0, 2.0]})
    out.attrs["period"] = period
    return out


def _model_clv(**kwargs):
    from crmstudy.clv import customer_lifetime_value

    base = dict(horizon=1, horizon_period="Y", discount_rate=0.1, discount_period="Y", margin=1.0)
    base.update(kwargs)
    return customer_lifetime_value(
        _ConstantRate(1.0, "W"), _ConstantSpend(10.0), _frame("W"), **base
    )


@pytest.mark.parametrize("horizon", [1e-12, 1e-10, 0.5, 1.0])
def test_horizon_shorter_than_one_step_is_one_partial_step(horizon):
    # Issue 22: a horizon shorter than one step used to raise IndexError. It is now one partial
    # step ending at the horizon: `horizon` days of 1 purchase a week at $10, discounted from the
    # end of the step at 10% a year. Hand computation: purchases = horizon / 7, exponent in years =
    # horizon / 365.2425.
    clv = _model_clv(horizon=horizon, horizon_period="D")
    expected = 10.0 * (horizon / 7.0) / 1.1 ** (horizon / 365.2425)
    assert clv.to_numpy() == pytest.approx([expected, expected], rel=1e-9)
    assert clv.attrs["horizon_in_model_period"] == pytest.approx(horizon / 7.0, rel=1e-12)


def test_step_boundaries_whole_and_partial_steps():
    from crmstudy.clv import step_boundaries

    # 3 years in monthly steps for a monthly model: exactly 36 ends 1, 2, ..., 36.
    assert step_boundaries(3, "Y", "M", "M") == pytest.approx(np.arange(1, 37))
    # 2.5 quarters in quarterly steps: 1, 2, 2.5.
    assert step_boundaries(2.5, "Q", "Q", "Q") == pytest.approx([1.0, 2.0, 2.5])
    # Shorter than one step: a single end at the horizon itself.
    assert step_boundaries(10, "D", "Y", "D") == pytest.approx([10.0])


@pytest.mark.parametrize("horizon", [0, -1, float("nan"), float("inf"), True])
def test_model_clv_refuses_a_horizon_that_is_not_positive(horizon):
    with pytest.raises(ParameterError, match="horizon must be a positive number of D"):
        _model_clv(horizon=horizon, horizon_period="D")


def test_model_clv_old_keyword_and_old_home_still_work():
    from crmstudy.clv import customer_lifetime_value
    from crmstudy.models import gammagamma

    with pytest.warns(DeprecationWarning, match="crmstudy.clv.customer_lifetime_value"):
        assert gammagamma.customer_lifetime_value is customer_lifetime_value
    with pytest.warns(DeprecationWarning, match="purchase_model"):
        old = customer_lifetime_value(
            transaction_model=_ConstantRate(1.0, "W"),
            spend_model=_ConstantSpend(10.0),
            summary=_frame("W"),
            horizon=1,
            horizon_period="Y",
            discount_rate=0.0,
            discount_period="Y",
        )
    assert old.to_numpy() == pytest.approx(10.0 * 365.2425 / 7)


def test_model_clv_interval_from_both_models_draws():
    # Undiscounted, one step: CLV = margin x E[spend] x E[purchases in t]; recompute each draw's
    # value from the drawn parameters with the models' own predictions (from_params), then take
    # the quantiles by hand, and compare with customer_lifetime_value(interval=).
    import pandas as pd

    from crmstudy.clv import customer_lifetime_value
    from crmstudy.datasets import load_cdnow_summary
    from crmstudy.models.bgnbd import BGNBD
    from crmstudy.models.gammagamma import GammaGamma

    cdnow = load_cdnow_summary().iloc[:300]
    purchases, spend = BGNBD().fit(cdnow), GammaGamma().fit(cdnow)
    kwargs = dict(horizon=1, horizon_period="Y", discount_rate=0.0, discount_period="Y", margin=0.3)
    plain = customer_lifetime_value(purchases, spend, cdnow, **kwargs)
    ranged = customer_lifetime_value(
        purchases, spend, cdnow, **kwargs, interval=0.9, n_draws=60, seed=7
    )
    assert ranged["estimate"].to_numpy() == pytest.approx(plain.to_numpy())
    assert (ranged["lower"] <= ranged["estimate"] * 1.0001).mean() > 0.9
    assert (ranged["upper"] >= ranged["estimate"] * 0.9999).mean() > 0.9
    total = ranged.attrs["total"]
    assert total["lower"] < total["estimate"] < total["upper"]
    # The same draws, by hand.
    rng = np.random.default_rng(7)
    p_draws = purchases.param_draws(60, seed=rng)
    s_draws = spend.param_draws(60, seed=rng)
    t = 365.2425 / 7
    by_hand = []
    for (_, p_row), (_, s_row) in zip(p_draws.iterrows(), s_draws.iterrows(), strict=True):
        p_model = BGNBD.from_params(**p_row.to_dict(), period=purchases.period)
        s_model = GammaGamma.from_params(**s_row.to_dict(), period=spend.period)
        e_purchases = p_model.expected_purchases(cdnow, t=t).to_numpy()
        e_spend = np.asarray(s_model.expected_spend(cdnow), dtype=float)
        by_hand.append(0.3 * e_spend * e_purchases)
    by_hand = np.array(by_hand)
    assert ranged["lower"].to_numpy() == pytest.approx(np.quantile(by_hand, 0.05, axis=0), rel=1e-6)
    assert ranged["upper"].to_numpy() == pytest.approx(np.quantile(by_hand, 0.95, axis=0), rel=1e-6)
    assert isinstance(ranged, pd.DataFrame) and ranged.attrs["n_failed"] == 0

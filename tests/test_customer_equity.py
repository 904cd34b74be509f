"""Tests of crmstudy.customer_equity and crmstudy.published against analytic derivatives.

The elasticities of customer equity are finite differences (GLS's "1% improvement"); here they are
checked against the *analytic* derivatives of the cohort sum, written out by hand below, with the
per-customer multiple of GLS's eq. 7 (margin at acquisition, (1+i)/(1+i-r)) and of the
continuous approximation r/(1+i-r).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from crmstudy import clv
from crmstudy import customer_equity as ce
from crmstudy.errors import ParameterError
from crmstudy.published import GLS_2004_WORKED_EXAMPLE, gls_2004_firms

DRIVERS = ("retention", "margin", "acquisition_cost", "discount_rate")


def analytic_elasticities(m, R, I, c, n0, flow, timing):
    """Point elasticities of CE = (N0 + A) m M(r, i) - A c, by hand.

    Annual R and I become quarterly r = R^(1/4), i = (1+I)^(1/4) - 1; A = flow / i (a constant
    flow of new customers per quarter forever, discounted). M = r/(1+i-r) ("end") or
    (1+i)/(1+i-r) ("start", GLS eq. 7); both have dM/dr = (1+i)/(1+i-r)^2 and
    dM/di = -r/(1+i-r)^2. Elasticities are for an *improvement*: retention and margin up,
    acquisition cost and discount rate down, so all four come out positive.
    """
    r = R**0.25
    i = (1 + I) ** 0.25 - 1
    M = r / (1 + i - r) if timing == "end" else (1 + i) / (1 + i - r)
    A = flow / i
    value = (n0 + A) * m * M - A * c
    dM_dr = (1 + i) / (1 + i - r) ** 2
    dM_di = -r / (1 + i - r) ** 2
    dA_di = -flow / i**2
    dr_dR = 0.25 * R ** (-0.75)
    di_dI = 0.25 * (1 + I) ** (-0.75)
    d_value_dI = ((n0 + A) * m * dM_di + dA_di * (m * M - c)) * di_dI
    return value, {
        "retention": (n0 + A) * m * dM_dr * dr_dR * R / value,
        "margin": (n0 + A) * m * M / value,
        "acquisition_cost": A * c / value,
        "discount_rate": -d_value_dI * I / value,
    }


@pytest.mark.parametrize("timing", ["end", "start"])
@pytest.mark.parametrize("firm", ["Amazon", "Ameritrade", "Capital One", "eBay", "E*Trade"])
def test_each_firms_elasticities_match_the_analytic_derivatives(firm, timing):
    table = ce.gls_firm_comparison(timing=timing)
    args = ce.firm_inputs(firm)
    flow = table.loc[firm, "new_customers_per_quarter_m"]
    value, analytic = analytic_elasticities(
        args["margin"],
        args["retention"],
        args["discount_rate"],
        args["acquisition_cost"],
        args["current_customers"],
        flow,
        timing,
    )
    assert table.loc[firm, "customer_value_bn"] * 1000 == pytest.approx(value, rel=1e-10)
    # A tiny step: the % change for a 0.0001% improvement, per 1%, converges to the derivative.
    full = dict(args, new_customers=flow, timing=timing)
    tiny = ce.customer_equity_elasticities(step=1e-6, **full) / (100 * 1e-6)
    for driver in DRIVERS:
        assert tiny[driver] == pytest.approx(analytic[driver], rel=1e-4)
    # GLS's 1% improvement, from the closed form written by hand at the improved inputs.
    m, R, I, c = args["margin"], args["retention"], args["discount_rate"], args["acquisition_cost"]
    n0 = args["current_customers"]
    improved = {
        "retention": (m, 1.01 * R, I, c),
        "margin": (1.01 * m, R, I, c),
        "acquisition_cost": (m, R, I, 0.99 * c),
        "discount_rate": (m, R, 0.99 * I, c),
    }
    for driver, inputs in improved.items():
        new_value, _ = analytic_elasticities(*inputs, n0, flow, timing)
        assert table.loc[firm, driver] == pytest.approx(100 * (new_value / value - 1), rel=1e-9)


def test_margin_minus_acquisition_elasticity_is_one():
    # CE is linear in m and c with the cohorts fixed: e_m - e_c = 1 exactly, in GLS's published
    # table too (a check of the transcription).
    pub = gls_2004_firms()
    assert (pub["margin_elasticity"] - pub["acquisition_cost_elasticity"]).to_numpy() == (
        pytest.approx(1.0, abs=1e-9)
    )


def test_calibrated_arrivals_round_trip():
    # Choose A, compute the two elasticities by hand, and recover A.
    lv, n0, c, A = 190.0, 46.6, 75.5, 80.0
    value = (n0 + A) * lv - A * c
    e_c, e_m = A * c / value, (n0 + A) * lv / value
    assert ce.calibrated_discounted_arrivals(e_c, e_m, lv, n0, c) == pytest.approx(A)
    with pytest.raises(ParameterError, match="no positive future acquisition"):
        ce.calibrated_discounted_arrivals(0.5, 1.0, 100.0, 1.0, 10.0)


def test_calibration_reproduces_the_published_calibrating_elasticities():
    # The calibrated numbers must come back (up to the 1% step): they are marked, not scored.
    table = ce.gls_firm_comparison()
    for driver in ("margin", "acquisition_cost"):
        assert table[driver].to_numpy() == pytest.approx(
            table[f"published_{driver}"].to_numpy(), rel=0.03, abs=0.005
        )


def test_after_tax_value_scales_the_pre_tax_value():
    pre = ce.gls_firm_comparison()
    post = ce.gls_firm_comparison(tax_rate=0.35)
    assert post["customer_value_bn"].to_numpy() == pytest.approx(
        0.65 * pre["customer_value_bn"].to_numpy()
    )
    assert post["retention"].to_numpy() == pytest.approx(pre["retention"].to_numpy())


def test_gls_worked_example_to_the_cent():
    # US$100 a year, 80% retention, 12%: 100 x 0.8 / 0.32 = 250.00; the "5-year expected life":
    # 100/1.12 + 100/1.12^2 + ... + 100/1.12^5 = 360.48; +44.19%.
    example = GLS_2004_WORKED_EXAMPLE
    right = clv.lifetime_value(100.0, 0.8, 0.12)
    shortcut = clv.expected_life_value(100.0, 0.8, 0.12)
    by_hand = 100 / 1.12 + 100 / 1.12**2 + 100 / 1.12**3 + 100 / 1.12**4 + 100 / 1.12**5
    assert round(right, 2) == 250.00
    assert round(shortcut, 2) == round(by_hand, 2) == 360.48
    assert round(100 * (shortcut / right - 1)) == example["overstatement_pct"]
    assert round(shortcut, -1) == example["expected_life_value"]


def test_fixed_life_value_pro_rata():
    assert clv.fixed_life_value([10.0], 2.5) == pytest.approx(25.0)
    assert clv.fixed_life_value([10.0, 20.0], 2.5, 0.1) == pytest.approx(
        10 / 1.1 + 20 / 1.1**2 + 0.5 * 20 / 1.1**3
    )
    with pytest.raises(ParameterError, match="life"):
        clv.fixed_life_value([10.0], 0.0)


def test_simple_retention_elasticity_is_the_log_derivative_of_the_multiple():
    # d ln(r/(1+i-r)) / d ln r = 1 + r/(1+i-r) = (1+i)/(1+i-r), derived by hand.
    for r, i in ((0.8, 0.12), (0.95, 0.0287), (0.5, 0.3)):
        assert clv.simple_retention_elasticity(r, i) == pytest.approx(1 + r / (1 + i - r))


def test_moved_names_warn_and_still_work():
    with pytest.warns(DeprecationWarning, match="crmstudy.customer_equity.customer_equity"):
        old = clv.customer_equity
    assert old is ce.customer_equity
    with pytest.warns(DeprecationWarning, match="customer_equity_elasticities"):
        assert clv.elasticities is ce.customer_equity_elasticities
    with pytest.warns(DeprecationWarning, match="retention_period"):
        a = ce.customer_equity(3.87, 0.7, 0.12, 0.0, 33.8, period="Q", rate_period="Y")
    b = ce.customer_equity(
        3.87, 0.7, 0.12, 0.0, 33.8, period="Q", retention_period="Y", discount_period="Y"
    )
    assert a.to_numpy() == pytest.approx(b.to_numpy())
    with pytest.raises(AttributeError):
        clv.no_such_name  # noqa: B018


def test_published_table_has_its_source():
    pub = gls_2004_firms()
    assert "Valuing Customers" in pub.attrs["source"]
    assert list(pub.index) == ["Amazon", "Ameritrade", "Capital One", "eBay", "E*Trade"]
    assert not pub.loc["Amazon", "contractual"] and pub.loc["Capital One", "contractual"]
    assert math.isnan(pub.loc["eBay", "market_value_low_bn"])
    assert np.all(pub["retention_elasticity"] > pub["margin_elasticity"])


def test_verdict_clv_equity_rule_flips():
    import pandas as pd

    frame = pd.DataFrame(
        {
            "customer_value_bn": [1.0, 1.0, 0.1],
            "market_value_bn": [1.2, 0.9, 1.0],
            "contractual": [True, True, False],
        },
        index=pd.Index(["A", "B co", "C"], name="firm"),
    )
    rule = ce.verdict_clv_equity(frame, 1.5)
    assert rule["class"] == "holds_if" and rule["disagree"] == ["C"]
    assert rule["values"]["ratio_b_co"] == pytest.approx(1 / 0.9)
    assert ce.verdict_clv_equity(frame, 11.0)["class"] == "holds"
    assert ce.verdict_clv_equity(frame, 1.1)["class"] == "does_not_hold"
    assert ce.firm_key("E*Trade") == "e_trade" and ce.firm_key("Capital One") == "capital_one"

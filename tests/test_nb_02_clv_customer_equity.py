"""Notebook 02 (CLV and customer equity) runs under papermill and records sound numbers."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.notebook


def test_notebook_02_records(run_notebook):
    res = run_notebook(
        "02_clv_customer_equity",
        margin=10.0,
        retention=0.5,
        discount_rate=0.25,
        acquisition_cost=2.0,
        horizon=2,
        firm="eBay",
    )
    # Hand-worked: 0.5 / (1.25 - 0.5) = 2/3; CLV = 10 * 2/3 - 2; two periods:
    # 10 * (0.5 / 1.25 + 0.25 / 1.5625) - 2 = 3.6.
    assert res["margin_multiple_end"] == pytest.approx(2 / 3)
    assert res["clv_infinite"] == pytest.approx(10 * 2 / 3 - 2)
    assert res["clv_finite"] == pytest.approx(3.6)
    # Gupta & Lehmann (2003): r = 90%, i = 12% gives 0.9 / 0.22 = 4.09.
    assert res["margin_multiple_table"].loc[0.9, "0.12"] == pytest.approx(0.9 / 0.22)

    # Fader & Hardie (2007): the sBG fit of the regular segment on years 0-7 is
    # alpha = 0.704, beta = 1.182 (their text).
    fits = res["sbg_fits"]
    assert fits.loc["regular", "alpha"] == pytest.approx(0.704, abs=0.002)
    assert fits.loc["regular", "beta"] == pytest.approx(1.182, abs=0.002)
    assert fits.loc["high_end", "alpha"] == pytest.approx(0.668, abs=0.002)
    assert fits.loc["high_end", "beta"] == pytest.approx(3.806, abs=0.002)
    # The constant rate undervalues the tenured customers, far more than it misvalues a new one
    # (for a new customer the sign depends on the discount rate: at 25% it overvalues).
    assert res["misvaluation_tenured_regular"] < -30
    assert res["misvaluation_tenured_regular"] < res["misvaluation_new_regular"]
    assert res["misvaluation_tenured_high_end"] < 0

    # GLS (2004): retention elasticity well above margin, margin above acquisition cost.
    for key in ("elasticities_none", "elasticities_replacement", "elasticities_logistic"):
        e = res[key]
        assert (e["retention"] > e["margin"]).all()
        assert (e["margin"] >= e["acquisition_cost"]).all()
        assert e["retention"].between(2.0, 8.5).all()
    # Without growth and without acquisition cost, margin elasticity is exactly 1%.
    assert res["elasticities_none"]["margin"].to_numpy() == pytest.approx(1.0)
    # Customer equity of Amazon's current base (no growth), by hand in US$ millions:
    # 33.8 * 3.87 * r_q / (1 + i_q - r_q) with r_q = 0.7 ** 0.25, i_q = 1.12 ** 0.25 - 1.
    r_q, i_q = 0.7**0.25, 1.12**0.25 - 1
    assert res["customer_equity_musd"].loc["Amazon", "none"] == pytest.approx(
        33.8 * 3.87 * r_q / (1 + i_q - r_q)
    )
    assert res["firm"] == "eBay"

"""Notebook 08 (mass customisation) runs on Ta Feng and records what it claims.

The reference values are computed here independently of crmstudy.customisation: the break-even
from its closed form written out with scipy, and the Ta Feng shares from the raw lines with a
pandas pivot and a sort-based empirical newsvendor.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

from crmstudy.datasets import load_ta_feng
from crmstudy.verdicts import check_verdict

pytestmark = pytest.mark.notebook

DEFAULTS = {
    "margin": 0.25,
    "salvage_share": 0.30,
    "flexible_premium": 0.10,
    "waiting_cost": 0.02,
    "walk_away_share": 0.10,
}
GROCERY = {**DEFAULTS, "walk_away_share": 0.7, "flexible_premium": 0.3, "waiting_cost": 0.1}


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    from conftest import execute_notebook

    return execute_notebook("08_mass_customisation", tmp_path_factory.mktemp("nb08"), n_boot=40)


@pytest.fixture(scope="module")
def grocery(tmp_path_factory):
    from conftest import execute_notebook

    # The scenario file's values (notebooks/params/08_mass_customisation/grocery_shoppers.yaml).
    return execute_notebook(
        "08_mass_customisation",
        tmp_path_factory.mktemp("nb08g"),
        n_boot=20,
        walk_away_share=0.7,
        flexible_premium=0.3,
        waiting_cost=0.1,
    )


def _breakeven(margin, salvage_share, flexible_premium, waiting_cost, walk_away_share):
    c = 1 - margin
    s = salvage_share * c
    cu, co = 1 - c, c - s
    z = stats.norm.ppf(cu / (cu + co))
    mto = walk_away_share * cu + (1 - walk_away_share) * (c * flexible_premium + waiting_cost)
    return mto / ((cu + co) * stats.norm.pdf(z))


@pytest.fixture(scope="module")
def weekly():
    """Units per product and week (17 full weeks from 2000-11-01), zeros included, by pivot."""
    lines = load_ta_feng("line")
    week = (lines["date"] - lines["date"].min()).dt.days // 7
    kept = lines[week < 17].assign(week=week)
    table = kept.pivot_table(
        index="week", columns="product_id", values="quantity", aggfunc="sum", fill_value=0
    )
    return lines, table.astype(float)


def _share_cheaper(
    lines, table, margin, salvage_share, flexible_premium, waiting_cost, walk_away_share
):
    c = 1 - margin
    cu, co = 1 - c, c - salvage_share * c
    d = np.sort(table.to_numpy(), axis=0)
    n = d.shape[0]
    q = d[math.ceil(cu / (cu + co) * n) - 1]  # smallest value whose empirical CDF reaches it
    mts = (cu * np.maximum(d - q, 0) + co * np.maximum(q - d, 0)).mean(axis=0)
    a = walk_away_share
    mto = d.mean(axis=0) * (a * cu + (1 - a) * (c * flexible_premium + waiting_cost))
    revenue = lines.groupby("product_id")["amount"].sum().reindex(table.columns)
    return float(revenue[mts > mto].sum() / revenue.sum())


def test_breakeven_cv_matches_the_closed_form(results):
    assert results["breakeven_cv"] == pytest.approx(_breakeven(**DEFAULTS), rel=1e-12)
    assert results["breakeven_cv_lower"] < results["breakeven_cv"] < results["breakeven_cv_upper"]
    # The critical fractile c_u / (c_u + c_o) = 0.25 / 0.775.
    assert results["critical_fractile"] == pytest.approx(0.25 / 0.775)
    # Newsvendor example (mean 100, sd 30): (c_u + c_o) sd phi(z*), and the empirical one near it.
    z = stats.norm.ppf(0.25 / 0.775)
    assert results["newsvendor_cost_example"] == pytest.approx(0.775 * 30 * stats.norm.pdf(z))
    assert results["newsvendor_cost_example_empirical"] == pytest.approx(
        results["newsvendor_cost_example"], rel=0.02
    )


def test_ta_feng_share_matches_an_independent_computation(results, weekly):
    lines, table = weekly
    assert results["ta_feng_periods"] == 17
    assert results["ta_feng_products"] == table.shape[1]
    assert results["ta_feng_share"] == pytest.approx(_share_cheaper(lines, table, **DEFAULTS))
    assert (
        results["ta_feng_share_lower"] <= results["ta_feng_share"] <= results["ta_feng_share_upper"]
    )
    cv = table.std(ddof=1) / table.mean()
    assert results["ta_feng_median_cv_product"] == pytest.approx(cv.median())
    revenue = lines.groupby("product_id")["amount"].sum().reindex(table.columns)
    above = revenue[cv > results["breakeven_cv"]].sum() / revenue.sum()
    assert results["ta_feng_share_above_breakeven_cv"] == pytest.approx(above)


def test_pooling_by_subclass_against_pandas(results, weekly):
    lines, table = weekly
    subclass = lines.drop_duplicates("product_id").set_index("product_id")["product_subclass"]
    pooled = table.T.groupby(subclass.reindex(table.columns)).sum().T
    separate_sd = table.std(ddof=1).groupby(subclass.reindex(table.columns)).sum()
    expected = 1 - pooled.std(ddof=1).sum() / separate_sd.sum()
    assert results["ta_feng_pooling_sd_reduction"] == pytest.approx(expected)
    assert results["ta_feng_subclasses"] == pooled.shape[1]
    # Pooling removes cost, and (subclasses are small and their products correlated) less than it
    # would for independent products.
    assert 0 < results["ta_feng_pooling_lower"] <= results["ta_feng_pooling"] < 1
    assert (
        results["ta_feng_pooling_sd_reduction"]
        < results["ta_feng_pooling_sd_reduction_independent"]
    )


def test_censoring_understates_the_cost_of_stocking(results):
    assert 0.5 < results["censoring_cost_ratio"] < 1


def test_verdict_holds_at_the_defaults_and_is_derived_from_its_values(results):
    verdict = results["verdict_customisation"]
    check_verdict(verdict)
    v = verdict["values"]
    assert verdict["class"] == "holds"
    assert v["lower"] >= v["holds_at"]
    assert verdict["headline"]["value"] == results["ta_feng_share"]
    assert verdict["interval"]["lower"] == results["ta_feng_share_lower"]
    assert "0.40" in verdict["condition_en"] and "0.40" in verdict["condition_zh"]


def test_grocery_shoppers_flip_the_verdict(grocery, results, weekly):
    lines, table = weekly
    verdict = grocery["verdict_customisation"]
    assert verdict["class"] == "does_not_hold"
    assert verdict["values"]["upper"] <= verdict["values"]["fails_at"]
    assert grocery["breakeven_cv"] == pytest.approx(_breakeven(**GROCERY))
    # Exercise 5 of the default run prices the same scenario.
    expected = _share_cheaper(lines, table, **GROCERY)
    assert grocery["ta_feng_share"] == pytest.approx(expected)
    assert results["exercise_5_answer"] == pytest.approx(expected)


def test_exercises(results):
    no_premium = {**DEFAULTS, "flexible_premium": 0.0}
    assert results["exercise_1_answer"] == pytest.approx(_breakeven(**no_premium))
    # Exercise 2: solve (p - s) phi(z*) CV = a c_u + (1 - a)(c premium + w) for w at CV 0.5.
    z = stats.norm.ppf(0.25 / 0.775)
    w = (0.775 * stats.norm.pdf(z) * 0.5 - 0.1 * 0.25) / 0.9 - 0.75 * 0.1
    assert results["exercise_2_answer"] == pytest.approx(w)
    # Exercise 3: 1 - sqrt(n (1 + (n - 1) rho)) / n with n = 25, rho = 0.5 (Eppen 1979).
    assert results["exercise_3_answer"] == pytest.approx(1 - math.sqrt(25 * 13) / 25)
    # Exercise 4: median CV of daily demand, by pivot over the 120 days.
    lines = load_ta_feng("line")
    day = (lines["date"] - lines["date"].min()).dt.days
    daily = lines.assign(day=day).pivot_table(
        index="day", columns="product_id", values="quantity", aggfunc="sum", fill_value=0
    )
    daily = daily.reindex(range(day.max() + 1), fill_value=0).astype(float)
    assert results["exercise_4_answer"] == pytest.approx(
        (daily.std(ddof=1) / daily.mean()).median()
    )
    assert results["exercise_4_answer"] > results["ta_feng_median_cv_product"]

"""Tests for crmstudy.customisation: the newsvendor, make-to-order, pooling and the break-even.

Reference values come from independent computations: numerical integration of the expected cost
(scipy.integrate.quad) and a brute-force search for the best stock, Monte Carlo draws, and dense
brute-force grids for the break-even points.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, optimize, stats

from crmstudy import customisation as cz
from crmstudy.errors import DataError, ParameterError

# --- the newsvendor ---------------------------------------------------------------------------


def _integrated_cost(q, mean, sd, cu, co):
    """E[c_u (D - q)+ + c_o (q - D)+] for normal D, by numerical integration."""
    pdf = stats.norm(mean, sd).pdf
    short = integrate.quad(lambda d: (d - q) * pdf(d), q, mean + 12 * sd)[0]
    left = integrate.quad(lambda d: (q - d) * pdf(d), mean - 12 * sd, q)[0]
    return cu * short + co * left


@pytest.mark.parametrize(("cu", "co"), [(4.0, 1.0), (1.0, 1.0), (1.0, 3.0), (0.25, 0.525)])
def test_newsvendor_matches_integration_and_a_brute_force_best_stock(cu, co):
    mean, sd = 100.0, 20.0
    out = cz.newsvendor_cost(mean, sd, cu, co)
    best = optimize.minimize_scalar(
        lambda q: _integrated_cost(q, mean, sd, cu, co),
        bounds=(0, 200),
        method="bounded",
        options={"xatol": 1e-6},
    )
    assert out["stock"] == pytest.approx(best.x, abs=1e-3)
    assert out["expected_cost"] == pytest.approx(best.fun, rel=1e-7)
    # The closed form (c_u + c_o) sd phi(z*).
    z = stats.norm.ppf(cu / (cu + co))
    assert out["expected_cost"] == pytest.approx((cu + co) * sd * stats.norm.pdf(z), rel=1e-12)
    assert out["critical_fractile"] == pytest.approx(cu / (cu + co))
    assert out["in_stock_probability"] == pytest.approx(cu / (cu + co))


def test_newsvendor_against_monte_carlo():
    mean, sd, cu, co = 50.0, 10.0, 3.0, 1.0
    out = cz.newsvendor_cost(mean, sd, cu, co)
    d = np.random.default_rng(1).normal(mean, sd, 1_000_000)
    q = out["stock"]
    cost = cu * np.maximum(d - q, 0) + co * np.maximum(q - d, 0)
    se = cost.std() / math.sqrt(d.size)
    assert abs(out["expected_cost"] - cost.mean()) < 4 * se
    served = np.minimum(d, q).sum() / d.sum()
    assert out["fill_rate"] == pytest.approx(served, abs=1e-3)
    assert out["expected_shortage"] == pytest.approx(np.maximum(d - q, 0).mean(), rel=1e-2)


def test_newsvendor_at_a_given_stock_is_worse_than_at_the_best():
    best = cz.newsvendor_cost(10, 3, 2, 1)
    off = cz.newsvendor_cost(10, 3, 2, 1, stock=best["stock"] + 2)
    assert off["expected_cost"] > best["expected_cost"]
    assert off["expected_cost"] == pytest.approx(_integrated_cost(best["stock"] + 2, 10, 3, 2, 1))


def test_empirical_newsvendor_gives_the_closed_form_on_a_large_normal_sample():
    mean, sd, cu, co = 200.0, 30.0, 2.0, 3.0
    sample = np.random.default_rng(7).normal(mean, sd, 400_000)
    emp = cz.newsvendor_cost_empirical(sample, cu, co)
    exact = cz.newsvendor_cost(mean, sd, cu, co)
    assert emp["stock"] == pytest.approx(exact["stock"], abs=0.3)
    assert emp["expected_cost"] == pytest.approx(exact["expected_cost"], rel=0.01)
    assert emp["fill_rate"] == pytest.approx(exact["fill_rate"], abs=1e-3)


def test_empirical_newsvendor_stock_minimises_the_sample_cost():
    # Brute force: every sample value as the stock; the chosen one has the least average cost.
    sample = np.random.default_rng(3).poisson(2.5, 300).astype(float)
    cu, co = 1.0, 2.5
    out = cz.newsvendor_cost_empirical(sample, cu, co)
    costs = {
        q: (cu * np.maximum(sample - q, 0) + co * np.maximum(q - sample, 0)).mean()
        for q in np.unique(sample)
    }
    assert out["expected_cost"] == pytest.approx(min(costs.values()))
    assert costs[out["stock"]] == pytest.approx(min(costs.values()))


def test_bad_newsvendor_inputs_are_refused():
    with pytest.raises(ParameterError, match="sd"):
        cz.newsvendor_cost(10, -1, 1, 1)
    certain = cz.newsvendor_cost(10, 0, 1, 1)
    assert certain["stock"] == 10 and certain["expected_cost"] == 0
    with pytest.raises(ParameterError, match="overage_cost"):
        cz.newsvendor_cost(10, 1, 1, -1)
    with pytest.raises(DataError, match="not finite, first at 1"):
        cz.newsvendor_cost_empirical([1.0, np.nan, 2.0], 1, 1)
    with pytest.raises(ParameterError, match="salvage_value < unit_cost < price"):
        cz.breakeven_cv(1.0, 0.5, 0.6)


# --- make-to-order and the break-even ---------------------------------------------------------


def test_make_to_order_cost_against_a_simulation_of_customers():
    price, cost, premium, wait, walk = 10.0, 6.0, 0.1, 0.3, 0.2
    out = cz.make_to_order_cost(
        1000, price, cost, flexible_premium=premium, waiting_cost=wait, walk_away_share=walk
    )
    rng = np.random.default_rng(5)
    stays = rng.random(2_000_000) >= walk
    # Profit per customer who asked, against the perfect-foresight margin price - cost.
    profit = np.where(stays, price - cost * (1 + premium) - wait, 0.0)
    assert out["expected_cost"] / 1000 == pytest.approx((price - cost) - profit.mean(), abs=0.01)
    assert out["fill_rate"] == pytest.approx(0.8)


INPUTS = {
    "price": 1.0,
    "unit_cost": 0.75,
    "salvage_value": 0.225,
    "flexible_premium": 0.10,
    "waiting_cost": 0.02,
    "walk_away_share": 0.10,
}


def _saving(cv, **overrides):
    """Make-to-stock minus make-to-order cost per unit of mean demand, written out here from the
    loss function (c_u sd L(z) + c_o sd (z + L(z)) at z = Phi^-1 of the critical fractile) and the
    make-to-order terms, not from the module's (c_u + c_o) sd phi(z) form."""
    kw = {**INPUTS, **overrides}
    p, c, s = kw["price"], kw["unit_cost"], kw["salvage_value"]
    cu, co = p - c, c - s
    z = stats.norm.ppf(cu / (cu + co))
    loss = stats.norm.pdf(z) - z * stats.norm.sf(z)
    mts = cu * cv * loss + co * cv * (z + loss)
    a = kw["walk_away_share"]
    mto = a * cu + (1 - a) * (c * kw["flexible_premium"] + kw["waiting_cost"])
    return mts - mto


def _grid_root(f, grid, *, vectorised=False):
    values = f(grid) if vectorised else np.array([f(x) for x in grid])
    i = int(np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))[0])
    return grid[i], grid[i + 1]


def test_breakeven_cv_against_a_brute_force_grid():
    cv_star = cz.breakeven_cv(**INPUTS)
    lo, hi = _grid_root(_saving, np.linspace(0.01, 2.0, 19_901), vectorised=True)
    assert _saving(cv_star) == pytest.approx(0.0, abs=1e-12)
    assert cz.compare_make_to_order(
        1.0,
        cv_star,
        **{k: INPUTS[k] for k in ("price", "unit_cost", "salvage_value")},
        flexible_premium=0.1,
        waiting_cost=0.02,
        walk_away_share=0.1,
    )["saving"] == pytest.approx(0.0, abs=1e-12)
    assert lo <= cv_star <= hi
    # Cheaper to build to order above CV*, to stock below.
    assert _saving(cv_star * 1.01) > 0 > _saving(cv_star * 0.99)


def test_breakeven_cv_at_the_notebook_defaults_by_hand():
    # c_u = 0.25, c_o = 0.525, p - s = 0.775, z* = Phi^-1(0.25 / 0.775); make-to-order costs
    # 0.1 * 0.25 + 0.9 * (0.075 + 0.02) = 0.1105 per unit of demand.
    z = stats.norm.ppf(0.25 / 0.775)
    assert cz.breakeven_cv(**INPUTS) == pytest.approx(0.1105 / (0.775 * stats.norm.pdf(z)))


def test_breakeven_waiting_cost_makes_the_saving_zero():
    w = cz.breakeven_waiting_cost(0.5, **{k: v for k, v in INPUTS.items() if k != "waiting_cost"})
    assert _saving(0.5, waiting_cost=w) == pytest.approx(0.0, abs=1e-12)
    assert _saving(0.5, waiting_cost=w + 0.01) < 0


@pytest.mark.parametrize(
    ("parameter", "lower", "upper", "cv"),
    [("salvage_value", 0.0, 0.749, 0.45), ("unit_cost", 0.3, 0.99, 0.4), ("cv", 0.0, 3.0, None)],
)
def test_breakeven_without_closed_form_against_a_dense_grid(parameter, lower, upper, cv):
    inputs = {**INPUTS, "cv": cv}
    inputs.pop(parameter)
    if parameter == "unit_cost":
        inputs["salvage_value"] = 0.2
    root = cz.breakeven(parameter, lower, upper, **inputs)

    def saving(x):
        kw = {**inputs, parameter: x}
        c = kw.pop("cv")
        return _saving(c, **kw)

    lo, hi = _grid_root(saving, np.linspace(lower, upper, 5_001))
    assert lo - 1e-9 <= root <= hi + 1e-9
    if parameter == "cv":
        assert root == pytest.approx(cz.breakeven_cv(**INPUTS), rel=1e-9)


def test_breakeven_without_a_sign_change_is_nan():
    inputs = {**INPUTS, "cv": 5.0}
    inputs.pop("waiting_cost")
    assert math.isnan(cz.breakeven("waiting_cost", 0.0, 0.01, **inputs))


def test_breakeven_cv_range_contains_the_point_value():
    out = cz.breakeven_cv_range(**INPUTS)
    assert out["lower"] < cz.breakeven_cv(**INPUTS) < out["upper"]
    assert out["n_combinations"] == 81
    # Brute force over the same 81 combinations, each CV* found on a grid of the saving.
    grid = np.linspace(0.0, 3.0, 3001)
    roots = []
    for fs in (0.5, 1, 2):
        for fp in (0.5, 1, 2):
            for fw in (0.5, 1, 2):
                for fa in (0.5, 1, 2):
                    kw = {
                        "salvage_value": 0.225 * fs,
                        "flexible_premium": 0.1 * fp,
                        "waiting_cost": 0.02 * fw,
                        "walk_away_share": 0.1 * fa,
                    }
                    roots.append(
                        _grid_root(lambda cv, kw=kw: _saving(cv, **kw), grid, vectorised=True)[1]
                    )
    assert out["lower"] == pytest.approx(min(roots), abs=1e-3)
    assert out["upper"] == pytest.approx(max(roots), abs=1e-3)


# --- pooling and postponement -----------------------------------------------------------------


@pytest.mark.parametrize("n", [2, 4, 9, 16])
def test_independent_pooling_scales_with_root_n(n):
    # Eppen (1979): the pooled standard deviation of n independent, identical demands is
    # sqrt(n) sigma, so pooled over separate is 1 / sqrt(n). Checked on simulated demands too.
    sd = 3.0
    assert cz.pooled_sd([sd] * n) == pytest.approx(math.sqrt(n) * sd)
    assert cz.equicorrelated_pooling_ratio(n) == pytest.approx(1 / math.sqrt(n))
    draws = np.random.default_rng(n).normal(10, sd, (200_000, n))
    assert draws.sum(axis=1).std() == pytest.approx(math.sqrt(n) * sd, rel=0.01)
    gain = cz.pooling_gain([sd] * n)
    assert gain["reduction"] == pytest.approx(1 - 1 / math.sqrt(n))


@pytest.mark.parametrize("rho", [-0.15, 0.0, 0.3, 0.9, 1.0])
def test_correlated_pooling_against_simulation(rho):
    n, sd = 6, 2.0
    corr = np.full((n, n), rho)
    np.fill_diagonal(corr, 1.0)
    draws = np.random.default_rng(11).multivariate_normal(np.zeros(n), corr * sd**2, 200_000)
    assert cz.pooled_sd([sd] * n, rho) == pytest.approx(draws.sum(axis=1).std(), rel=0.01)
    assert cz.pooled_sd([sd] * n, corr) == pytest.approx(cz.pooled_sd([sd] * n, rho))
    assert cz.equicorrelated_pooling_ratio(n, rho) == pytest.approx(
        cz.pooled_sd([sd] * n, rho) / (n * sd)
    )


def test_an_impossible_equal_correlation_is_refused():
    with pytest.raises(ParameterError, match="not a valid equal correlation"):
        cz.pooled_sd([1, 1, 1], -0.9)


def test_empirical_pooling_on_independent_normals_is_close_to_root_n():
    n = 9
    demand = pd.DataFrame(np.random.default_rng(2).normal(100, 10, (20_000, n)))
    out = cz.pooling_gain_empirical(demand, 1.0, 1.0)
    assert out["sd_ratio"] == pytest.approx(1 / 3, rel=0.02)
    assert out["cost_ratio"] == pytest.approx(1 / 3, rel=0.03)


def test_postponement_saves_the_pooled_mismatch_minus_the_late_step():
    means, sds = [10.0] * 4, [3.0] * 4
    out = cz.postponement_cost(means, sds, 2.0, 1.0, customisation_cost=0.1)
    single = cz.newsvendor_cost(10, 3, 2, 1)["expected_cost"]
    assert out["separate_cost"] == pytest.approx(4 * single)
    assert out["pooled_mismatch_cost"] == pytest.approx(2 * single)  # sqrt(4) sigma
    assert out["saving"] == pytest.approx(2 * single - 4.0)


# --- real demand -------------------------------------------------------------------------------


LINES = pd.DataFrame(
    {
        "date": pd.to_datetime(
            ["2001-01-01", "2001-01-01", "2001-01-03", "2001-01-08", "2001-01-15"]
        ),
        "product_id": ["a", "b", "a", "a", "b"],
        "quantity": [2, 1, 3, 1, 5],
    }
)


def test_demand_matrix_has_every_period_with_zeros():
    daily = cz.demand_matrix(LINES, "product_id")
    assert daily.shape == (15, 2)
    assert daily.loc["2001-01-01"].tolist() == [2.0, 1.0]
    assert daily.loc["2001-01-02"].tolist() == [0.0, 0.0]
    assert daily["a"].sum() == 6 and daily["b"].sum() == 6
    weekly = cz.demand_matrix(LINES, "product_id", period="W")
    # 15 days: two full weeks; the 15th day (b: 5 units) is an incomplete week and dropped.
    assert weekly.to_numpy().tolist() == [[5.0, 1.0], [1.0, 0.0]]


def test_compare_by_item_matches_the_newsvendor_item_by_item():
    demand = pd.DataFrame(
        np.random.default_rng(4).poisson([0.5, 3, 20], (60, 3)), columns=list("xyz")
    )
    out = cz.compare_by_item(
        demand,
        **{k: INPUTS[k] for k in ("price", "unit_cost", "salvage_value")},
        flexible_premium=0.1,
        waiting_cost=0.02,
        walk_away_share=0.1,
    )
    for item in "xyz":
        nv = cz.newsvendor_cost_empirical(demand[item], 0.25, 0.525)
        assert out.loc[item, "make_to_stock_cost"] == pytest.approx(nv["expected_cost"])
        assert out.loc[item, "make_to_order_cost"] == pytest.approx(0.1105 * demand[item].mean())
    assert out["make_to_order_cheaper"].tolist() == (out["saving"] > 0).tolist()


def test_compare_by_group_pools_the_items_of_each_group():
    demand = pd.DataFrame(np.random.default_rng(6).poisson(2, (80, 4)), columns=list("abcd"))
    groups = pd.Series(["g", "g", "h", "h"], index=list("abcd"), name="subclass")
    out = cz.compare_by_group(demand, groups, 1.0, 0.75, 0.225, customisation_cost=0.05)
    pooled = cz.newsvendor_cost_empirical(demand["a"] + demand["b"], 0.25, 0.525)
    separate = sum(
        cz.newsvendor_cost_empirical(demand[c], 0.25, 0.525)["expected_cost"] for c in "ab"
    )
    assert out.loc["g", "pooled_cost"] == pytest.approx(pooled["expected_cost"])
    assert out.loc["g", "separate_cost"] == pytest.approx(separate)
    assert out.loc["g", "postponement_cost"] == pytest.approx(
        pooled["expected_cost"] + 0.05 * (demand["a"] + demand["b"]).mean()
    )
    assert (out["pooled_cost"] <= out["separate_cost"] + 1e-12).all()
    assert out.loc["h", "independent_sd"] == pytest.approx(
        math.hypot(demand["c"].std(), demand["d"].std())
    )
    assert out.loc["h", "pooled_sd"] == pytest.approx((demand["c"] + demand["d"]).std())
    with pytest.raises(DataError, match="have no group"):
        cz.compare_by_group(demand, groups.iloc[:3], 1.0, 0.75, 0.225)


def test_censored_sales_understate_the_cost_of_stocking():
    out = cz.censoring_effect(10, 5, 0.25, 0.525, in_stock_probability=0.9, n=200_000, seed=1)
    assert out["cv_sales"] < out["cv_demand"]
    assert out["cost_ratio"] < 1
    assert out["stockout_share"] == pytest.approx(0.1, abs=0.005)
    # The gamma draws have the asked mean and CV.
    assert out["cv_demand"] == pytest.approx(0.5, rel=0.02)
    # Hardly any censoring: hardly any bias.
    mild = cz.censoring_effect(10, 5, 0.25, 0.525, in_stock_probability=0.9999, seed=1)
    assert mild["cost_ratio"] == pytest.approx(1, abs=0.002)


def test_weighted_share_and_the_period_bootstrap():
    flags = pd.Series([True, False, True], index=list("abc"))
    assert cz.weighted_share(flags, pd.Series({"a": 1.0, "b": 2.0, "c": 1.0})) == 0.5
    demand = pd.DataFrame({"x": np.random.default_rng(8).normal(5, 1, 400)})
    boot = cz.bootstrap_periods(demand, lambda d: d["x"].mean(), n_boot=300, seed=0)
    se = 1 / math.sqrt(400)
    assert boot["lower"] < boot["estimate"] < boot["upper"]
    assert boot["upper"] - boot["lower"] == pytest.approx(2 * 1.96 * se, rel=0.2)


# --- the verdict rule -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("share", "lo", "hi", "expected"),
    [
        (0.95, 0.90, 0.98, "holds"),
        (0.50, 0.40, 0.60, "holds_if"),
        (0.70, 0.60, 0.80, "holds_if"),
        (0.10, 0.05, 0.20, "does_not_hold"),
    ],
)
def test_verdict_rule(share, lo, hi, expected):
    cls, values = cz.verdict_customisation(share, lo, hi)
    assert cls == expected and values["share_cheaper"] == share


def test_verdict_rule_refuses_an_interval_that_misses_its_estimate():
    with pytest.raises(ParameterError, match="lower <= share_cheaper <= upper"):
        cz.verdict_customisation(0.5, 0.6, 0.7)

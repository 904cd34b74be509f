"""Tests for crmstudy.concentration.

Reference values are hand computations on small vectors, or closed forms for distributions:
Gini of uniform(0, 1) = 1/3, of the exponential = 1/2, of the Pareto with shape a = 1/(2a - 1)
(e.g. Kleiber & Kotz 2003, Statistical Size Distributions in Economics, ch. 3); the top-q share is
1 - (1 - q)^2 for the uniform (Lorenz curve L(p) = p^2), q (1 - ln q) for the exponential
(L(p) = p + (1 - p) ln(1 - p)) and q^(1 - 1/a) for the Pareto (L(p) = 1 - (1 - p)^(1 - 1/a)).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import brentq

from crmstudy import concentration as conc
from crmstudy.concentration import (
    bootstrap_concentration,
    customer_profit,
    customer_totals,
    customers_for_share,
    gini,
    lorenz_curve,
    pareto_gini,
    pareto_shape,
    pareto_top_share,
    published_anchors,
    summarise_windows,
    top_persistence,
    top_share,
    whale_curve,
    whale_summary,
    window_concentration,
)
from crmstudy.errors import DataError, ParameterError

# ----------------------------------------------------------------------------------------------
# Hand-computed small examples


def test_lorenz_curve_small_example():
    # values 3, 1, 2 (total 6): sorted 1, 2, 3 -> cumulative 0, 1, 3, 6 -> shares 0, 1/6, 1/2, 1.
    curve = lorenz_curve([3, 1, 2])
    assert list(curve.columns) == ["customer_share", "value_share"]
    np.testing.assert_allclose(curve["customer_share"], [0, 1 / 3, 2 / 3, 1])
    np.testing.assert_allclose(curve["value_share"], [0, 1 / 6, 1 / 2, 1])
    # From the top: 3, 2, 1 -> 0, 3/6, 5/6, 1.
    top = lorenz_curve([3, 1, 2], from_top=True)
    np.testing.assert_allclose(top["value_share"], [0, 1 / 2, 5 / 6, 1])


def test_lorenz_curve_grid_interpolates_between_customers():
    # Points (0,0), (1/3,1/6), (2/3,1/2), (1,1); at p = 0.5 the segment from (1/3,1/6) to (2/3,1/2)
    # gives 1/6 + (0.5 - 1/3) * (1/3)/(1/3) = 1/3.
    curve = lorenz_curve([3, 1, 2], grid=2)
    np.testing.assert_allclose(curve["customer_share"], [0, 0.5, 1])
    np.testing.assert_allclose(curve["value_share"], [0, 1 / 3, 1])


def test_gini_small_example_by_direct_sum():
    # Mean absolute difference definition: G = sum_i sum_j |x_i - x_j| / (2 n^2 mean).
    x = np.array([1.0, 2.0, 3.0, 4.0, 10.0])
    direct = np.abs(x[:, None] - x[None, :]).sum() / (2 * x.size**2 * x.mean())
    assert gini(x) == pytest.approx(direct, rel=1e-12)
    # And by hand for 1, 2, 3, 4: sum_ij |x_i - x_j| = 20, n^2 = 16, mean 2.5 -> 20 / 80 = 0.25.
    assert gini([1, 2, 3, 4]) == pytest.approx(0.25)


def test_gini_constant_is_zero_and_one_holder_is_n_minus_one_over_n():
    assert gini(np.full(7, 3.5)) == pytest.approx(0.0, abs=1e-12)
    for n in (1, 2, 5, 100):
        x = np.zeros(n)
        x[n // 2] = 42.0
        assert gini(x) == pytest.approx((n - 1) / n, abs=1e-12)


def test_gini_is_scale_invariant_and_order_free():
    rng = np.random.default_rng(3)
    x = rng.gamma(0.7, size=500)
    assert gini(x) == pytest.approx(gini(17.0 * rng.permutation(x)), rel=1e-12)


def test_top_share_interpolates_the_boundary_customer():
    x = np.arange(1, 11)  # total 55
    # Top 20% of 10 customers = 2 whole customers: (10 + 9) / 55.
    assert top_share(x, 0.2) == pytest.approx(19 / 55)
    # Top 25% = 2.5 customers: 10 + 9 + half of 8.
    assert top_share(x, 0.25) == pytest.approx(23 / 55)
    assert top_share(x, 1.0) == pytest.approx(1.0)


def test_customers_for_share_inverts_top_share():
    x = np.arange(1, 11)
    # 80% of 55 = 44 = 10+9+8+7+6 (= 40) plus 4/5 of the 5 -> 5.8 customers of 10.
    assert customers_for_share(x, 0.8) == pytest.approx(0.58)
    rng = np.random.default_rng(11)
    y = rng.lognormal(size=1000)
    for share in (0.1, 0.5, 0.8, 0.95):
        assert top_share(y, customers_for_share(y, share)) == pytest.approx(share, rel=1e-10)


def test_zeros_are_kept():
    # Two buyers share everything equally, eight customers spent $0: the top 20% hold it all.
    x = [5.0, 5.0] + [0.0] * 8
    assert top_share(x, 0.2) == pytest.approx(1.0)
    assert gini(x) == pytest.approx(0.8)  # 1 - (2/10) by the trapezoid: (n - k)/n for k equals
    # share = 1 needs exactly the customers with a positive value.
    assert customers_for_share(x, 1.0) == pytest.approx(0.2)
    assert customers_for_share(x, 0.5) == pytest.approx(0.1)


def test_pandas_series_input_and_error_names_customer():
    s = pd.Series([1.0, np.nan, 2.0], index=["a", "b", "c"])
    with pytest.raises(DataError, match=r"position 1 \(customer 'b'\)"):
        gini(s)


@pytest.mark.parametrize(
    ("values", "match"),
    [
        ([], "empty"),
        ([1.0, 2.0, np.nan], "NaN or infinite.*position 2"),
        ([1.0, np.inf], "position 1"),
        ([1.0, -2.0, 3.0], "negative.*position 1"),
        ([0.0, 0.0], "sum to 0"),
        ([[1.0, 2.0]], "one-dimensional"),
        (["a", "b"], "must be numbers"),
    ],
)
def test_bad_values_raise_data_error(values, match):
    for fn in (gini, top_share, customers_for_share, lorenz_curve):
        with pytest.raises(DataError, match=match):
            fn(values)


@pytest.mark.parametrize("bad", [0, -0.1, 1.5, np.nan, "0.2"])
def test_bad_fraction_and_share_raise_parameter_error(bad):
    with pytest.raises(ParameterError, match="fraction"):
        top_share([1, 2, 3], bad)
    with pytest.raises(ParameterError, match="share"):
        customers_for_share([1, 2, 3], bad)


# ----------------------------------------------------------------------------------------------
# Closed forms. n = 10^6 seeded draws; over 20 replications the sampling SD of every estimate
# below was at most 4e-4 (uniform 2.5e-4, exponential 3.8e-4, Pareto(3) 3.7e-4), so a tolerance
# of 2e-3 is about 5 SD: it fails on a wrong formula, not on sampling noise.

N_LARGE = 1_000_000
TOL = 2e-3


def _solve_top(top_of_q, share):
    return brentq(lambda q: top_of_q(q) - share, 1e-9, 1.0)


@pytest.mark.parametrize(
    ("name", "draw", "gini_true", "top_of_q"),
    [
        ("uniform", lambda r, n: r.uniform(size=n), 1 / 3, lambda q: 1 - (1 - q) ** 2),
        ("exponential", lambda r, n: r.exponential(size=n), 1 / 2, lambda q: q * (1 - np.log(q))),
        # numpy's pareto is the Lomax; + 1 gives the classic Pareto with x_m = 1, shape a = 3.
        ("pareto3", lambda r, n: r.pareto(3.0, n) + 1.0, 1 / 5, lambda q: q ** (1 - 1 / 3)),
        ("pareto2.5", lambda r, n: r.pareto(2.5, n) + 1.0, 1 / 4, lambda q: q ** (1 - 1 / 2.5)),
    ],
)
def test_closed_forms(name, draw, gini_true, top_of_q):
    rng = np.random.default_rng(20261126)
    x = draw(rng, N_LARGE)
    tol = TOL if name != "pareto2.5" else 2.5 * TOL  # heavier tail, larger sampling SD
    assert gini(x) == pytest.approx(gini_true, abs=tol), name
    assert top_share(x, 0.2) == pytest.approx(top_of_q(0.2), abs=tol), name
    assert customers_for_share(x, 0.8) == pytest.approx(_solve_top(top_of_q, 0.8), abs=tol), name


def test_closed_form_top_share_values():
    # The numbers the notebook quotes, checked by arithmetic: exponential 0.2 (1 - ln 0.2) = 0.5219;
    # the Pareto shape giving exactly 80/20 is a = ln 5 / ln 4 = 1.161 (Pareto 1896's "80/20").
    assert 0.2 * (1 - np.log(0.2)) == pytest.approx(0.52189, abs=1e-5)
    a = np.log(5) / np.log(4)
    assert 0.2 ** (1 - 1 / a) == pytest.approx(0.8, abs=1e-12)


# ----------------------------------------------------------------------------------------------
# Bootstrap


def test_bootstrap_matches_point_estimates_and_brackets_them():
    rng = np.random.default_rng(5)
    x = rng.exponential(size=3000)
    out = bootstrap_concentration(x, n_boot=300, seed=1)
    assert list(out.index) == ["gini", "top_share", "customers_for_share"]
    assert out.loc["gini", "estimate"] == pytest.approx(gini(x))
    assert out.loc["top_share", "estimate"] == pytest.approx(top_share(x))
    assert out.loc["customers_for_share", "estimate"] == pytest.approx(customers_for_share(x))
    assert (out["lower"] < out["estimate"]).all() and (out["estimate"] < out["upper"]).all()
    assert (out["se"] > 0).all()
    assert out.attrs["n_customers"] == 3000 and out.attrs["n_boot"] == 300


def test_bootstrap_is_reproducible_and_seed_matters():
    x = np.random.default_rng(0).lognormal(size=500)
    a = bootstrap_concentration(x, n_boot=50, seed=42)
    b = bootstrap_concentration(x, n_boot=50, seed=np.random.default_rng(42))
    c = bootstrap_concentration(x, n_boot=50, seed=43)
    pd.testing.assert_frame_equal(a, b)
    assert not np.allclose(a["lower"], c["lower"])


def test_old_rng_keyword_warns_names_seed_and_gives_the_same_draws():
    x = np.random.default_rng(0).lognormal(size=300)
    new = bootstrap_concentration(x, n_boot=30, seed=7)
    with pytest.warns(DeprecationWarning, match=r"seed="):
        old = bootstrap_concentration(x, n_boot=30, rng=7)
    pd.testing.assert_frame_equal(old, new)
    profit = np.random.default_rng(1).normal(1.0, 2.0, size=300) + 0.5
    with pytest.warns(DeprecationWarning, match=r"bootstrap_whale\(seed=\.\.\.\)"):
        old_whale = conc.bootstrap_whale(profit, n_boot=30, rng=3)
    pd.testing.assert_frame_equal(old_whale, conc.bootstrap_whale(profit, n_boot=30, seed=3))
    with pytest.raises(ParameterError, match="not both"):
        bootstrap_concentration(x, n_boot=30, seed=1, rng=2)
    with pytest.raises(ParameterError, match=r"seed=1\.5"):
        bootstrap_concentration(x, n_boot=30, seed=1.5)


def test_bootstrap_weighted_curve_equals_expanded_resample():
    # The multiplicity trick must give exactly the measures of the explicitly resampled vector.
    from crmstudy.concentration import _measures

    rng = np.random.default_rng(9)
    x_desc = np.sort(rng.exponential(size=40))[::-1]
    counts = rng.multinomial(40, np.full(40, 1 / 40), size=3)
    weighted = _measures(x_desc, counts, 0.2, 0.8)
    for row, w in zip(weighted, counts, strict=True):
        expanded = np.repeat(x_desc, w)
        assert row[0] == pytest.approx(gini(expanded), rel=1e-12)
        assert row[1] == pytest.approx(top_share(expanded, 0.2), rel=1e-12)
        assert row[2] == pytest.approx(customers_for_share(expanded, 0.8), rel=1e-12)


def test_bootstrap_interval_covers_population_value():
    # Monte Carlo: 250 samples of 500 exponential customers; a 90% interval should cover the
    # population value about 90% of the time. With 250 samples the coverage has a Monte Carlo SD
    # of 0.019; percentile intervals of the Gini under-cover slightly in small samples (the
    # plug-in Gini is biased down by a factor (n-1)/n), so we accept [0.82, 0.97].
    rng = np.random.default_rng(2026)
    truth = np.array([0.5, 0.2 * (1 - np.log(0.2)), _solve_top(lambda q: q * (1 - np.log(q)), 0.8)])
    hits = np.zeros(3)
    sims = 250
    for _ in range(sims):
        ci = bootstrap_concentration(rng.exponential(size=500), n_boot=200, level=0.9, seed=rng)
        hits += (ci["lower"].to_numpy() <= truth) & (truth <= ci["upper"].to_numpy())
    coverage = hits / sims
    assert np.all((coverage >= 0.82) & (coverage <= 0.97)), coverage


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"n_boot": 5}, "n_boot"),
        ({"level": 1.0}, "level"),
        ({"rng": "x"}, "rng"),
        ({"seed": "x"}, "seed"),
    ],
)
@pytest.mark.filterwarnings("ignore:bootstrap_concentration\\(rng=:DeprecationWarning")
def test_bootstrap_bad_parameters(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        bootstrap_concentration([1.0, 2.0, 3.0], **kwargs)


# ----------------------------------------------------------------------------------------------
# Whale curve


def test_customer_profit_formula():
    revenue = pd.Series([100.0, 20.0, 0.0], index=["a", "b", "c"])
    orders = pd.Series([2, 3, 1], index=["a", "b", "c"])
    profit = customer_profit(revenue, orders, margin=0.3, cost_per_order=4.0, cost_per_customer=1)
    # a: 30 - 1 - 8 = 21; b: 6 - 1 - 12 = -7; c: 0 - 1 - 4 = -5.
    pd.testing.assert_series_equal(
        profit, pd.Series([21.0, -7.0, -5.0], index=["a", "b", "c"], name="profit")
    )


def test_whale_curve_peaks_above_one_when_some_customers_lose_money():
    profit = np.array([-5.0, 21.0, -7.0, 11.0])  # total 20; ranked 21, 11, -5, -7
    curve = whale_curve(profit)
    np.testing.assert_allclose(curve["customer_share"], [0, 0.25, 0.5, 0.75, 1])
    np.testing.assert_allclose(curve["profit_share"], [0, 21 / 20, 32 / 20, 27 / 20, 1])
    s = whale_summary(profit, fraction=0.25)
    assert s["peak_profit_share"] == pytest.approx(1.6) and s["peak_profit_share"] > 1
    assert s["peak_customer_share"] == pytest.approx(0.5)
    assert s["unprofitable_share"] == pytest.approx(0.5)
    assert s["total_profit"] == pytest.approx(20.0)
    assert s["top_profit_share"] == pytest.approx(21 / 20)


def test_whale_curve_without_losses_is_the_concentration_curve():
    x = np.array([4.0, 1.0, 3.0, 2.0])
    whale = whale_curve(x)
    top = lorenz_curve(x, from_top=True)
    np.testing.assert_allclose(whale["profit_share"], top["value_share"])
    assert whale_summary(x)["peak_profit_share"] == pytest.approx(1.0)


def test_whale_curve_refuses_non_positive_total_and_bad_costs():
    with pytest.raises(DataError, match="positive"):
        whale_curve([5.0, -5.0])
    with pytest.raises(ParameterError, match="margin"):
        customer_profit([1.0], [1], margin=1.5)
    with pytest.raises(ParameterError, match="cost_per_order"):
        customer_profit([1.0], [1], margin=0.5, cost_per_order=-1)
    with pytest.raises(DataError, match="orders"):
        customer_profit([1.0, 2.0], [1], margin=0.5)


def test_whale_curve_on_a_million_customers_is_vectorised():
    # A whale by construction: lognormal margin minus a flat cost to serve.
    rng = np.random.default_rng(1)
    profit = rng.lognormal(1.0, 1.0, size=1_000_000) - 3.0
    s = whale_summary(profit)
    assert s["unprofitable_share"] == pytest.approx(np.mean(profit < 0))
    # Independent: the peak is the sum of the positive profits over the total.
    assert s["peak_profit_share"] == pytest.approx(profit[profit > 0].sum() / profit.sum())
    assert len(whale_curve(profit, grid=100)) == 101


def test_published_anchors_table():
    table = published_anchors()
    assert {"source", "setting", "top20_share", "citation"} <= set(table.columns)
    values = dict(
        zip(table["source"] + " | " + table["setting"], table["top20_share"], strict=True)
    )
    assert 0.73 in values.values() and 0.67 in values.values() and 0.59 in values.values()
    assert table["top20_share"].between(0, 1).all()


# ----------------------------------------------------------------------------------------------
# Windows and per-customer totals, from a transaction log


def _small_log() -> pd.DataFrame:
    # Log from 2020-01-01 to 2020-06-30 (observation_end). Customer a buys twice on 1 Jan (two
    # records, one order) and once in April; b once in Feb; c in May and on the last day.
    log = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "a", "c", "c"],
            "date": pd.to_datetime(
                ["2020-01-01", "2020-01-01", "2020-02-01", "2020-04-05", "2020-05-01", "2020-06-30"]
            ),
            "amount": [4.0, 6.0, 10.0, 30.0, 10.0, 5.0],
        }
    )
    log.attrs["observation_end"] = "2020-06-30"
    return log


def test_customer_totals_counts_orders_as_purchase_days():
    totals = customer_totals(_small_log())
    assert totals.loc["a", "revenue"] == pytest.approx(40.0)
    assert totals.loc["a", "orders"] == 2  # 1 Jan (two records) and 5 Apr
    assert totals.loc["c", "orders"] == 2
    first_quarter = customer_totals(_small_log(), months=3)
    assert sorted(first_quarter.index) == ["a", "b"]
    assert first_quarter.attrs["window_end"] == pd.Timestamp("2020-04-01")


def test_window_concentration_by_hand():
    table = window_concentration(_small_log(), [3, 6], fraction=0.2)
    assert list(table["window_months"]) == [3, 3, 6]
    starts = pd.to_datetime(["2020-01-01", "2020-04-01", "2020-01-01"])
    assert list(table["window_start"]) == list(starts)
    # Q1 buyers a = 10, b = 10: the top 0.4 customers hold 0.4 * 10 / 20.
    # Q2 buyers a = 30, c = 15 (the purchase on observation_end counts): 0.4 * 30 / 45.
    # Six months: a = 40, b = 10, c = 15, top 0.6 customers: 0.6 * 40 / 65.
    np.testing.assert_allclose(table["top_share"], [0.2, 0.4 * 30 / 45, 0.6 * 40 / 65])
    np.testing.assert_allclose(table["revenue"], [20.0, 45.0, 65.0])
    assert list(table["buyers"]) == [2, 2, 3]
    # The cohort view keeps b in Q2 with revenue 0: the top 0.6 of 3 customers hold 0.6 * 30 / 45.
    cohort = window_concentration(_small_log(), 3, population="cohort")
    assert list(cohort["customers"]) == [2, 3]  # c is acquired only in Q2
    assert cohort["top_share"].iloc[1] == pytest.approx(0.6 * 30 / 45)
    rolling = window_concentration(_small_log(), 3, step_months=1)
    assert len(rolling) == 4  # starts 1 Jan, 1 Feb, 1 Mar, 1 Apr
    with pytest.raises(ParameterError, match="after the log ends"):
        customer_totals(_small_log(), months=7)
    late = window_concentration(_small_log(), 3, start="2020-02-01")
    assert list(late["window_start"]) == [pd.Timestamp("2020-02-01")]  # 1 May + 3 months > end
    assert late["top_share"].item() == pytest.approx(0.4 * 30 / 40)  # Feb-Apr: b = 10, a = 30
    summary = summarise_windows(table)
    assert summary.loc[3, "windows"] == 2
    assert summary.loc[3, "mean_top_share"] == pytest.approx((0.2 + 0.4 * 30 / 45) / 2)


def test_window_concentration_bad_parameters():
    with pytest.raises(ParameterError, match="no window fits"):
        window_concentration(_small_log(), 7)
    with pytest.raises(ParameterError, match="population"):
        window_concentration(_small_log(), 3, population="all")
    with pytest.raises(ParameterError, match="window_months"):
        window_concentration(_small_log(), [0])


def test_window_concentration_on_cdnow_sample_matches_pandas():
    from crmstudy.datasets import load_cdnow

    log = load_cdnow(sample=True)
    table = window_concentration(log, (3, 6, 12, 18))
    assert summarise_windows(table)["windows"].tolist() == [6, 3, 1, 1]
    # Independent computation of the 18-month (whole log) top-20% share: 2,357 customers, so the
    # top 20% is 471.4 customers = the 471 largest plus 0.4 of the 472nd.
    revenue = log.groupby("customer_id")["amount"].sum().sort_values(ascending=False).to_numpy()
    expected = (revenue[:471].sum() + 0.4 * revenue[471]) / revenue.sum()
    whole = table.loc[table["window_months"] == 18, "top_share"].item()
    assert whole == pytest.approx(expected, rel=1e-12)
    assert table.loc[table["window_months"] == 18, "buyers"].item() == 2357


def test_top_persistence_by_hand():
    # January: a 10, b 5, c 5, d 1, e 1 (n = 5). February: a 2, b 8, e 10, and f, a newcomer who is
    # not one of January's customers and is left out.
    log = pd.DataFrame(
        {
            "customer_id": list("abcdeabef"),
            "date": pd.to_datetime(["2020-01-01"] * 5 + ["2020-02-10"] * 4),
            "amount": [10.0, 5.0, 5.0, 1.0, 1.0, 2.0, 8.0, 10.0, 99.0],
        }
    )
    log.attrs["observation_end"] = "2020-02-29"
    # Top 20% = 1 customer: a in January (10/22), who brings 2 of February's 20; February's top
    # is e (10/20), so nobody stays on top. 3 of the 5 buy again.
    p = top_persistence(log, 1, fraction=0.2)
    assert p["customers"] == 5
    assert p["top_share_first"] == pytest.approx(10 / 22)
    assert p["same_customers_share_second"] == pytest.approx(2 / 20)
    assert p["top_share_second"] == pytest.approx(10 / 20)
    assert p["still_on_top"] == pytest.approx(0.0)
    assert p["buyers_second"] == pytest.approx(3 / 5)
    # Top 40% = 2 customers: a, plus b and c tied at 5 sharing the last place (half each).
    # February: (2 + 0.5 * 8 + 0.5 * 0) / 20; February's top two are e and b; overlap
    # (a: 1 * 0 + b: 0.5 * 1 + c: 0.5 * 0) / 2.
    p = top_persistence(log, 1, fraction=0.4)
    assert p["top_share_first"] == pytest.approx(15 / 22)
    assert p["same_customers_share_second"] == pytest.approx(6 / 20)
    assert p["top_share_second"] == pytest.approx(18 / 20)
    assert p["still_on_top"] == pytest.approx(0.25)
    with pytest.raises(ParameterError, match="half the log"):
        top_persistence(log, 2)
    assert top_persistence(log).attrs["months"] == 1  # the longest that fits twice


def test_top_persistence_on_cdnow_defaults_to_two_nine_month_halves():
    from crmstudy.datasets import load_cdnow

    log = load_cdnow(sample=True)
    halves = top_persistence(log)
    assert halves.attrs["months"] == 9
    assert halves.attrs["middle"] == pd.Timestamp("1997-10-01")
    # Independent check of the first half: the top-20% share of January-September 1997 revenue.
    first = log.loc[log["date"] < "1997-10-01"].groupby("customer_id")["amount"].sum()
    assert halves["top_share_first"] == pytest.approx(top_share(first.to_numpy(), 0.2))
    assert 0 < halves["still_on_top"] < 1


# ----------------------------------------------------------------------------------------------
# Pareto closed forms


def test_pareto_closed_forms_by_arithmetic_and_simulation():
    a = np.log(5) / np.log(4)  # 1.1610: the shape of "80/20"
    assert pareto_shape(0.8, 0.2) == pytest.approx(a, rel=1e-12)
    assert pareto_top_share(a, 0.2) == pytest.approx(0.8, rel=1e-12)
    assert pareto_gini(3.0) == pytest.approx(0.2)
    assert pareto_gini(a) == pytest.approx(1 / (2 * a - 1))
    # Round trip, and agreement with a large seeded sample (tolerance as in test_closed_forms).
    assert pareto_shape(pareto_top_share(2.2, 0.1), 0.1) == pytest.approx(2.2, rel=1e-12)
    x = np.random.default_rng(4).pareto(3.0, N_LARGE) + 1.0
    assert top_share(x, 0.2) == pytest.approx(pareto_top_share(3.0, 0.2), abs=TOL)
    assert gini(x) == pytest.approx(pareto_gini(3.0), abs=TOL)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: pareto_gini(1.0), "shape"),
        (lambda: pareto_top_share(0.5), "shape"),
        (lambda: pareto_shape(0.1, 0.2), "top_share"),
        (lambda: pareto_shape(1.0, 0.2), "top_share"),
    ],
)
def test_pareto_bad_parameters(call, match):
    with pytest.raises(ParameterError, match=match):
        call()


# --- gross profit from a real cost column, and the verdict rule -----------------------------------


def test_customer_totals_with_a_cost_column_gives_gross_profit_and_a_hand_whale():
    # Three customers, costs known: a earns 10 - 4 + 5 - 1 = 10, b loses 6 - 9 = -3, c earns 2 - 0.
    log = pd.DataFrame(
        {
            "customer_id": ["a", "a", "b", "c"],
            "date": pd.to_datetime(["2001-01-01", "2001-01-05", "2001-01-02", "2001-01-03"]),
            "amount": [10.0, 5.0, 6.0, 2.0],
            "cost": [4.0, 1.0, 9.0, 0.0],
        }
    )
    totals = conc.customer_totals(log)
    assert totals["cost"].to_dict() == {"a": 5.0, "b": 9.0, "c": 0.0}
    assert totals["gross_profit"].to_dict() == {"a": 10.0, "b": -3.0, "c": 2.0}
    whale = conc.whale_summary(totals["gross_profit"])
    # By hand: total 9; the profitable customers a and c hold 12, so the whale peaks at 12/9.
    assert whale["total_profit"] == 9.0
    assert whale["unprofitable_share"] == pytest.approx(1 / 3)
    assert whale["peak_profit_share"] == pytest.approx(12 / 9)
    assert whale["peak_customer_share"] == pytest.approx(2 / 3)
    curve = conc.whale_curve(totals["gross_profit"])
    np.testing.assert_allclose(curve["profit_share"], [0, 10 / 9, 12 / 9, 1.0])


def test_customer_totals_refuses_a_negative_cost():
    log = pd.DataFrame(
        {
            "customer_id": ["a", "b"],
            "date": pd.to_datetime(["2001-01-01", "2001-01-02"]),
            "amount": [10.0, 5.0],
            "cost": [4.0, -1.0],
        }
    )
    with pytest.raises(DataError, match=r"column 'cost', row 1: value -1\.0"):
        conc.customer_totals(log)


def test_sixty_twenty_anchor_is_listed():
    anchors = conc.published_anchors().set_index("source")
    assert anchors.loc["Sharp & Romaniuk (2007)", "top20_share"] == 0.60
    assert "Ehrenberg-Bass" in anchors.loc["Sharp & Romaniuk (2007)", "citation"]


@pytest.mark.parametrize(
    ("share", "lower", "upper", "expected"),
    [
        (0.80, 0.78, 0.82, "holds"),
        (0.70, 0.66, 0.76, "holds"),  # the interval reaches the band [0.75, 0.85]
        (0.70, 0.66, 0.74, "does_not_hold"),  # flips when the upper bound leaves the band
        (0.61, 0.60, 0.62, "does_not_hold"),
        (0.95, 0.90, 0.97, "does_not_hold"),  # more concentrated than 80/20 is not 80/20
    ],
)
def test_verdict_pareto_80_20_flips_at_the_band(share, lower, upper, expected):
    got, values = conc.verdict_pareto_80_20(share, lower, upper)
    assert got == expected
    assert values["band_lower"] == pytest.approx(0.75)
    assert values["band_upper"] == pytest.approx(0.85)


def test_verdict_pareto_80_20_checks_its_inputs():
    with pytest.raises(ParameterError, match="must contain the estimate"):
        conc.verdict_pareto_80_20(0.5, 0.6, 0.7)
    with pytest.raises(ParameterError, match="share in"):
        conc.verdict_pareto_80_20(1.5, 0.6, 1.7)


def test_customer_profit_from_a_cost_column():
    profit = conc.customer_profit(
        pd.Series([15.0, 6.0], index=["a", "b"]), [2, 1], cost=[5.0, 9.0], cost_per_order=1.0
    )
    assert profit.to_dict() == {"a": 15 - 5 - 2.0, "b": 6 - 9 - 1.0}
    with pytest.raises(ParameterError, match="exactly one of margin"):
        conc.customer_profit([1.0], [1], margin=0.3, cost=[0.5])
    with pytest.raises(ParameterError, match="exactly one of margin"):
        conc.customer_profit([1.0], [1])


def test_bootstrap_whale_matches_a_plain_resampling_loop():
    # An independent bootstrap: the same resamples drawn with the same generator, the whale
    # numbers recomputed by sorting each resample in plain numpy.
    rng = np.random.default_rng(5)
    profit = np.concatenate([rng.gamma(2.0, 10.0, size=300), -rng.gamma(1.0, 3.0, size=60)])
    got = conc.bootstrap_whale(profit, n_boot=200, seed=9)
    p_desc = np.sort(profit)[::-1]
    gen = np.random.default_rng(9)
    picks = gen.integers(0, p_desc.size, size=(200, p_desc.size))
    neg, peak = [], []
    for row in picks:
        sample = np.sort(p_desc[row])[::-1]
        neg.append(np.mean(sample < 0))
        peak.append(np.cumsum(sample).max() / sample.sum())
    assert got.loc["unprofitable_share", "estimate"] == pytest.approx(60 / 360)
    assert got.loc["unprofitable_share", "lower"] == pytest.approx(np.quantile(neg, 0.025))
    assert got.loc["peak_profit_share", "upper"] == pytest.approx(np.quantile(peak, 0.975))
    assert got.loc["peak_profit_share", "estimate"] == pytest.approx(
        p_desc[p_desc > 0].sum() / p_desc.sum()
    )

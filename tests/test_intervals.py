"""Prediction intervals (models/_intervals.py and the ``interval=`` of every prediction).

The checks are by simulation from known parameters, independent of the code's earlier output:

* coverage: over many simulated bases, the 90% interval of a model-implied quantity contains its
  true value (computed at the true parameters) about 90% of the time, within Monte Carlo error
  (binomial: 200 bases give a standard error of 2.1 points; the bounds are 3 standard errors);
* the asymptotic draws have the covariance of the estimates on the log scale;
* intervals shrink as the data grow (about as 1/sqrt(n));
* the predictive interval for a customer's purchase count covers the simulated holdout count.

The bootstrap's coverage (many refits) is in a slow test (``-m slow``).
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

from crmstudy.datasets import load_cdnow_summary
from crmstudy.errors import ParameterError
from crmstudy.models import BGBB, BGNBD, GammaGamma, ParetoNBD
from crmstudy.models._intervals import interval_from_draws, model_at
from crmstudy.simulate import simulate_bgbb, simulate_bgnbd, simulate_paretonbd, simulate_spend

BG = dict(r=0.243, alpha=4.414, a=0.793, b=2.426)  # FHL (2005a), CDNOW, weeks
PARETO = dict(r=0.553, alpha=10.578, s=0.606, beta=11.669)  # FHL (2005b)
BGBB_PARAMS = dict(alpha=1.204, beta=0.750, gamma=0.657, delta=2.783)  # FHS (2010)
GG = dict(p=6.25, q=3.74, gamma=15.44)  # Fader & Hardie (2013)


def coverage_bounds(reps: int, level: float = 0.9, k: float = 3.0):
    se = np.sqrt(level * (1 - level) / reps)
    return level - k * se, level + k * se


def simulated_base(n: int, seed: int, simulate=simulate_bgnbd, params=BG, holdout: float = 0.0):
    base = simulate(
        n, list(params.values()), T=np.linspace(27.0, 39.0, n), holdout=holdout, seed=seed
    )
    base.attrs["period"] = "W"
    return base


@pytest.fixture(scope="module")
def cdnow_fit():
    return BGNBD().fit(load_cdnow_summary())


def test_asymptotic_draws_have_the_log_scale_covariance(cdnow_fit):
    draws = cdnow_fit.param_draws(20_000, seed=1)
    assert list(draws.columns) == list(BGNBD.param_names)
    assert draws.attrs == {"method": "asymptotic", "n_requested": 20_000, "n_failed": 0}
    assert (draws.to_numpy() > 0).all()
    est = cdnow_fit.params.to_numpy()
    cov_log = cdnow_fit.cov_params().to_numpy() / np.outer(est, est)
    logs = np.log(draws.to_numpy())
    # Mean of the log draws: the log estimates, within 4 Monte Carlo standard errors.
    se = np.sqrt(np.diag(cov_log) / len(draws))
    assert np.all(np.abs(logs.mean(axis=0) - np.log(est)) < 4 * se)
    # Sample covariance against cov_log, scaled to correlations (off-diagonal terms are small).
    scale = np.sqrt(np.outer(np.diag(cov_log), np.diag(cov_log)))
    assert np.abs((np.cov(logs, rowvar=False) - cov_log) / scale).max() < 0.05
    # Seeded: the same seed, the same draws.
    assert cdnow_fit.param_draws(50, seed=7).equals(cdnow_fit.param_draws(50, seed=7))


def test_interval_shapes_and_the_estimate_at_the_mle(cdnow_fit):
    cdnow = load_cdnow_summary().iloc[:40]
    point = cdnow_fit.expected_purchases(cdnow, t=39)
    out = cdnow_fit.expected_purchases(cdnow, t=39, interval=0.9, n_draws=300, seed=2)
    assert list(out.columns) == ["estimate", "lower", "upper"] and out.index.equals(cdnow.index)
    assert np.array_equal(out["estimate"].to_numpy(), point.to_numpy())
    assert (out["lower"] <= out["estimate"]).all() and (out["estimate"] <= out["upper"]).all()
    assert out.attrs["interval"] == 0.9 and out.attrs["method"] == "asymptotic"
    alive = cdnow_fit.probability_alive(cdnow, interval=0.8, n_draws=300, seed=2)
    assert ((alive["lower"] >= 0) & (alive["upper"] <= 1)).all()
    new = cdnow_fit.expected_purchases_new_customer(t=39, interval=0.9, n_draws=300, seed=2)
    assert isinstance(new, pd.Series) and list(new.index) == ["estimate", "lower", "upper"]
    assert new["estimate"] == cdnow_fit.expected_purchases_new_customer(t=39)
    grid = cdnow_fit.expected_purchases_new_customer(t=[13, 39], interval=0.9, n_draws=300, seed=2)
    assert list(grid.index) == [13.0, 39.0] and grid["upper"].is_monotonic_increasing
    one = cdnow_fit.expected_purchases(
        t=39, frequency=2, recency=30.43, T=38.86, interval=0.9, n_draws=300, seed=2
    )
    assert isinstance(one, pd.Series) and one["lower"] < one["estimate"] < one["upper"]
    # The generic helper: any function of the model.
    ratio = interval_from_draws(
        cdnow_fit, lambda m: m.params["r"] / m.params["alpha"], n_draws=300, seed=3
    )
    assert ratio["estimate"] == pytest.approx(0.243 / 4.414, rel=2e-3)
    with pytest.raises(ParameterError, match="interval"):
        cdnow_fit.probability_alive(cdnow, interval=90)
    with pytest.raises(ParameterError, match="method"):
        cdnow_fit.probability_alive(cdnow, interval=0.9, method="bayes")


def test_asymptotic_interval_covers_the_truth_about_90_percent():
    # 200 bases of 500 customers from FHL's CDNOW estimates; the implied quantity is a new
    # customer's expected repeat purchases in 39 weeks (FHL 2005a eq. 9) at the true parameters.
    truth = BGNBD.from_params(period="W", **BG).expected_purchases_new_customer(t=39)
    reps, hits = 200, 0
    for k in range(reps):
        fit = BGNBD().fit(simulated_base(500, seed=1000 + k))
        iv = fit.expected_purchases_new_customer(t=39, interval=0.9, n_draws=400, seed=k)
        hits += iv["lower"] <= truth <= iv["upper"]
    low, high = coverage_bounds(reps)
    assert low <= hits / reps <= high, hits / reps


def test_gamma_gamma_interval_covers_the_truth_about_90_percent():
    truth = GammaGamma.from_params(period=None, **GG).expected_spend_new_customer()
    rng = np.random.default_rng(0)
    reps, hits = 200, 0
    for k in range(reps):
        x = rng.integers(1, 8, size=300)
        fit = GammaGamma().fit(frequency=x, monetary_value=simulate_spend(x, GG, seed=k))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # a draw with q <= 1 is counted
            iv = fit.expected_spend_new_customer(interval=0.9, n_draws=400, seed=k)
        hits += iv["lower"] <= truth <= iv["upper"]
    low, high = coverage_bounds(reps)
    assert low <= hits / reps <= high, hits / reps


def test_bgbb_interval_covers_the_truth_about_90_percent():
    truth = BGBB.from_params(period="Y", **BGBB_PARAMS).expected_purchases_new_customer(t=5)
    reps, hits = 100, 0
    for k in range(reps):
        panel = simulate_bgbb(1000, list(BGBB_PARAMS.values()), n_periods=6, seed=k)
        fit = BGBB().fit(panel, period="Y")
        iv = fit.expected_purchases_new_customer(t=5, interval=0.9, n_draws=300, seed=k)
        hits += iv["lower"] <= truth <= iv["upper"]
    low, high = coverage_bounds(reps)
    assert low <= hits / reps <= high, hits / reps


def test_intervals_shrink_as_the_data_grow():
    widths = {}
    for n in (500, 5000):
        fit = BGNBD().fit(simulated_base(n, seed=n))
        iv = fit.expected_purchases_new_customer(t=39, interval=0.9, n_draws=1000, seed=1)
        widths[n] = iv["upper"] - iv["lower"]
    # Asymptotically the width falls as 1/sqrt(n): a ratio near sqrt(10) = 3.2.
    assert 2.0 < widths[500] / widths[5000] < 5.0, widths


def test_bootstrap_is_seeded_parallel_and_counts_failed_refits():
    base = simulated_base(200, seed=5)
    fit = BGNBD().fit(base)
    one = fit.param_draws(12, method="bootstrap", seed=4)
    assert one.equals(fit.param_draws(12, method="bootstrap", seed=4, n_jobs=2))
    assert one.attrs["method"] == "bootstrap" and len(one) == 12 - one.attrs["n_failed"]
    # A base of 120 customers: some resamples have too few repeat buyers to identify the model
    # (a boundary estimate or no positive definite Hessian); those refits are counted.
    x_fit = BGNBD().fit(simulated_base(120, seed=1))
    draws = x_fit.param_draws(40, method="bootstrap", seed=1)
    assert 0 < draws.attrs["n_failed"] < 40 and len(draws) == 40 - draws.attrs["n_failed"]
    with pytest.warns(RuntimeWarning, match="draws failed"):
        iv = interval_from_draws(x_fit, lambda m: m.params["r"], draws=draws)
    assert iv.attrs["n_failed"] == draws.attrs["n_failed"]


@pytest.mark.parametrize(
    ("cls", "simulate", "params"),
    [(BGNBD, simulate_bgnbd, BG), (ParetoNBD, simulate_paretonbd, PARETO)],
    ids=["BGNBD", "ParetoNBD"],
)
def test_purchase_count_interval_covers_simulated_holdout_counts(cls, simulate, params):
    # At the true parameters, each customer's 90% predictive interval for the holdout count
    # misses below and above at most 5% of the time each (discrete counts: at most).
    base = simulated_base(4000, seed=11, simulate=simulate, params=params, holdout=39.0)
    model = cls.from_params(period="W", **params)
    out = model.purchase_count_interval(base, t=39.0, interval=0.9, n_sims=2000, seed=3)
    y = base["frequency_holdout"].to_numpy()
    below = np.mean(y < out["lower"].to_numpy())
    above = np.mean(y > out["upper"].to_numpy())
    se = np.sqrt(0.05 * 0.95 / len(y))
    assert below <= 0.05 + 3 * se and above <= 0.05 + 3 * se, (below, above)
    assert 0.9 - 3 * se <= 1 - below - above
    # The estimate is the closed-form expectation; the simulated mean matches it.
    assert np.array_equal(
        out["estimate"].to_numpy(), model.expected_purchases(base, t=39).to_numpy()
    )
    assert out.attrs["covers"].startswith("the customer's own randomness")
    # With parameter uncertainty the intervals are at least as wide.
    fit = cls().fit(base)
    both = fit.purchase_count_interval(
        base.iloc[:300], t=39.0, parameter_uncertainty=True, n_draws=200, n_sims=2000, seed=3
    )
    alone = fit.purchase_count_interval(base.iloc[:300], t=39.0, n_sims=2000, seed=3)
    assert (both["upper"] - both["lower"]).mean() >= (alone["upper"] - alone["lower"]).mean()


def test_probability_alive_path_with_an_interval(cdnow_fit):
    band = cdnow_fit.probability_alive_path([0.0, 4.0, 9.0], 39.0, n_grid=6, interval=0.9, seed=1)
    assert {"estimate", "lower", "upper"} <= set(band.columns)
    plain = cdnow_fit.probability_alive_path([0.0, 4.0, 9.0], 39.0, n_grid=6)
    assert np.array_equal(band["estimate"].to_numpy(), plain["probability_alive"].to_numpy())
    assert (band["lower"] <= band["estimate"]).all() and (band["estimate"] <= band["upper"]).all()


def test_model_at_changes_only_the_parameters(cdnow_fit):
    moved = model_at(cdnow_fit, cdnow_fit.params.to_numpy() * 1.1)
    assert moved.params.to_numpy() == pytest.approx(cdnow_fit.params.to_numpy() * 1.1)
    assert moved.period == cdnow_fit.period
    assert cdnow_fit.params.round(3).tolist() == [0.243, 4.414, 0.793, 2.426]


@pytest.mark.slow
def test_bootstrap_interval_covers_the_truth_about_90_percent():
    # 100 bases of 300 customers, 200 refits each on 2 processes (about 3-6 minutes on 2 cores).
    truth = BGNBD.from_params(period="W", **BG).expected_purchases_new_customer(t=39)
    reps, hits, failed = 100, 0, 0
    for k in range(reps):
        fit = BGNBD().fit(simulated_base(300, seed=5000 + k))
        draws = fit.param_draws(200, method="bootstrap", seed=k, n_jobs=2)
        failed += draws.attrs["n_failed"]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            iv = interval_from_draws(
                fit, lambda m: m.expected_purchases_new_customer(t=39), draws=draws
            )
        hits += iv["lower"] <= truth <= iv["upper"]
    low, high = coverage_bounds(reps)
    assert low <= hits / reps <= high, (hits / reps, failed)

"""Monte Carlo checks: the models' closed forms against customers simulated from the same parameters.

Each comparison allows 4 Monte Carlo standard errors (a false alarm has probability ~6e-5 for a
seed; the seeds are fixed, so the tests are deterministic). Bases are modest (5,000-20,000
customers) to keep the file fast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmstudy.errors import ParameterError
from crmstudy.models.bgbb import BGBB
from crmstudy.models.bgnbd import BGNBD
from crmstudy.models.gammagamma import GammaGamma
from crmstudy.models.mbgnbd import MBGNBD
from crmstudy.models.paretonbd import ParetoNBD
from crmstudy.simulate import (
    simulate_bgbb,
    simulate_bgnbd,
    simulate_bgnbd_log,
    simulate_mbgnbd,
    simulate_paretonbd,
    simulate_paretonbd_log,
    simulate_spend,
)

BG = (0.243, 4.414, 0.793, 2.426)  # FHL (2005a) CDNOW estimates, weeks
PNBD = (0.553, 10.578, 0.606, 11.669)  # FHL (2005b) CDNOW estimates, weeks
MBG = (0.525, 6.18, 0.89, 1.61)
GG = (6.25, 3.74, 15.44)  # Fader & Hardie (2013)
K = 4.0  # tolerance in Monte Carlo standard errors


def fixed(cls, params, period="W"):
    return cls.from_params(params, period=period)


def within(simulated: np.ndarray, predicted: float):
    se = simulated.std(ddof=1) / np.sqrt(simulated.size)
    assert abs(simulated.mean() - predicted) <= K * se, (simulated.mean(), predicted, se)


CASES = [
    (BGNBD, simulate_bgnbd, BG),
    (ParetoNBD, simulate_paretonbd, PNBD),
    (MBGNBD, simulate_mbgnbd, MBG),
]


@pytest.mark.parametrize(("cls", "simulate", "params"), CASES)
def test_holdout_purchases_and_p_alive_match_simulation(cls, simulate, params):
    # T varies across customers as in CDNOW (acquired over 12 weeks, 39-week calibration end).
    T = np.linspace(27.0, 39.0, 20_000)
    base = simulate(20_000, params, T=T, holdout=39.0, seed=11)
    model = fixed(cls, params)
    summary = base[["frequency", "recency", "T"]]
    # E[holdout purchases | history] averaged over customers vs the simulated holdout counts:
    # the difference has mean 0, and its spread is that of the simulated counts around it.
    predicted = model.expected_purchases(summary, t=39.0).to_numpy()
    within(base["frequency_holdout"].to_numpy() - predicted, 0.0)
    # P(alive | history) vs the simulated alive indicator, overall and among x = 0 and x >= 3.
    p_alive = model.probability_alive(summary).to_numpy()
    for mask in (slice(None), base["frequency"].to_numpy() == 0, base["frequency"].to_numpy() >= 3):
        within(base["alive"].to_numpy()[mask] - p_alive[mask], 0.0)


@pytest.mark.parametrize(("cls", "simulate", "params"), CASES)
def test_purchase_count_pmf_matches_simulated_frequencies(cls, simulate, params):
    n = 20_000
    base = simulate(n, params, T=39.0, seed=5)
    model = fixed(cls, params)
    ks = np.arange(6)
    pmf = model.purchase_count_pmf(ks, 39.0)
    observed = np.bincount(base["frequency"].clip(upper=6), minlength=7)[:6] / n
    se = np.sqrt(pmf * (1 - pmf) / n)
    assert np.all(np.abs(observed - pmf) < K * se), (observed, pmf)
    within(base["frequency"].to_numpy().astype(float), model.expected_purchases_new_customer(39.0))


def test_bgnbd_fit_recovers_simulated_parameters():
    base = simulate_bgnbd(5000, (0.5, 5.0, 1.2, 3.0), T=np.linspace(30, 52, 5000), seed=3)
    model = BGNBD().fit(base, period="W")
    z = (model.params.to_numpy() - np.array([0.5, 5.0, 1.2, 3.0])) / model.bse.to_numpy()
    assert np.all(np.abs(z) < K), z


def test_bgbb_predictions_match_simulation():
    params = (1.204, 0.750, 0.657, 2.783)  # FHS (2010)
    n = 20_000
    panel = simulate_bgbb(n, params, n_periods=6, n_future=5, seed=2)
    model = fixed(BGBB, params, period="Y")
    within(
        panel["frequency_holdout"].to_numpy() - model.expected_purchases(panel, t=5).to_numpy(), 0.0
    )
    within(panel["alive"].to_numpy() - model.probability_alive(panel).to_numpy(), 0.0)
    pmf = model.purchase_count_pmf(np.arange(7), 6)
    observed = np.bincount(panel["frequency"], minlength=7) / n
    assert np.all(np.abs(observed - pmf) < K * np.sqrt(pmf * (1 - pmf) / n))


def test_gamma_gamma_expected_spend_matches_simulated_true_means():
    # E[p / nu | x, zbar] (the customer's true mean spend) averaged over customers equals the
    # average of expected_spend; and a fit on simulated spend recovers the parameters.
    p, q, g = GG
    rng = np.random.default_rng(8)
    x = rng.integers(1, 8, size=20_000)
    nu = rng.gamma(q, 1 / g, size=x.size)
    zbar = rng.gamma(p * x, 1 / (x * nu))
    model = fixed(GammaGamma, GG, period=None)
    within(p / nu - model.expected_spend(frequency=x, monetary_value=zbar), 0.0)
    few = x[:4000]
    fitted = GammaGamma().fit(frequency=few, monetary_value=simulate_spend(few, GG, seed=4))
    z = (fitted.params.to_numpy() - np.array(GG)) / fitted.bse.to_numpy()
    assert np.all(np.abs(z) < K), z


def test_simulated_summary_is_a_valid_customer_summary():
    base = simulate_paretonbd(2000, PNBD, T=39.0, holdout=10.0, seed=1)
    assert list(base.columns) == ["frequency", "recency", "T", "frequency_holdout", "alive"]
    assert base.index.name == "customer_id"
    assert np.all(base["recency"] <= base["T"])
    assert np.all((base["frequency"] > 0) == (base["recency"] > 0))
    # Same seed, same base; another seed, another base.
    assert base.equals(simulate_paretonbd(2000, PNBD, T=39.0, holdout=10.0, seed=1))
    assert not base.equals(simulate_paretonbd(2000, PNBD, T=39.0, holdout=10.0, seed=2))


@pytest.mark.parametrize("make_log", [simulate_bgnbd_log, simulate_paretonbd_log])
def test_transaction_log_columns_dates_and_spend(make_log):
    T = np.linspace(27.0, 39.0, 3000)
    log = make_log(
        3000, BG if make_log is simulate_bgnbd_log else PNBD, T=T, spend_params=GG, seed=9
    )
    assert list(log.columns) == ["customer_id", "date", "amount"]
    assert log["customer_id"].nunique() == 3000
    end = pd.Timestamp(log.attrs["observation_end"])
    assert end == pd.Timestamp("2020-01-01") + pd.Timedelta(days=39 * 7)
    assert log["date"].min() >= pd.Timestamp("2020-01-01") and log["date"].max() <= end
    first = log.groupby("customer_id")["date"].min()
    # Customer i is acquired max(T) - T_i weeks after the start.
    assert first["1"] == pd.Timestamp("2020-01-01") + pd.Timedelta(days=12 * 7)
    # Gamma-Gamma spend: the mean per transaction is p gamma / (q - 1) = 35.6 in expectation.
    per_customer = log.groupby("customer_id")["amount"].first().to_numpy()
    within(per_customer, GG[0] * GG[2] / (GG[1] - 1))


def test_bad_simulation_parameters():
    with pytest.raises(ParameterError, match="positive numbers"):
        simulate_bgnbd(10, (0.2, -1.0, 1.0, 1.0), T=10.0)
    with pytest.raises(ParameterError, match="n_customers"):
        simulate_bgnbd(0, BG, T=10.0)
    with pytest.raises(ParameterError, match="T"):
        simulate_paretonbd(10, PNBD, T=-1.0)


def test_simulated_log_through_rfm_summary_recovers_the_parameters():
    # End to end: simulated purchases -> transaction log -> crmstudy.transactions.rfm_summary
    # (dates to whole days, same-day purchases merged) -> BG/NBD fit near the true parameters.
    from crmstudy.transactions import rfm_summary

    true = np.array([0.5, 5.0, 1.2, 3.0])
    log = simulate_bgnbd_log(4000, true, T=np.linspace(30, 52, 4000), seed=12)
    summary = rfm_summary(log, period="W", observation_end=log.attrs["observation_end"][:10])
    assert len(summary) == 4000 and summary.attrs["period"] == "W"
    model = BGNBD().fit(summary)
    z = (model.params.to_numpy() - true) / model.bse.to_numpy()
    assert np.all(np.abs(z) < K), z

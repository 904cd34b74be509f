"""Tests of the BG/BB model (crmstudy.models.bgbb)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import comb

from crmstudy.datasets import load_donations
from crmstudy.errors import ConvergenceError, DataError
from crmstudy.models.bgbb import BGBB

PARAMS = np.array([1.204, 0.750, 0.657, 2.783])  # Fader, Hardie & Shang (2010), Table 2


@pytest.fixture(scope="module")
def donations():
    return load_donations()


def fixed(params=PARAMS):
    return BGBB.from_params(params, period="Y")


def test_reproduces_published_donation_estimates(donations):
    # Fader, Hardie & Shang (2010), Marketing Science 29(6): alpha = 1.204, beta = 0.750,
    # gamma = 0.657, delta = 2.783, LL = -33,225.6 on the 11,104 donors x 6 opportunities.
    model = BGBB().fit(donations)
    assert model.params.round(3).tolist() == pytest.approx([1.204, 0.750, 0.657, 2.783], abs=1e-3)
    assert round(model.loglik, 1) == -33225.6
    assert model.nobs == 11104 and model.period == "Y"
    assert np.all(np.isfinite(model.bse))


def test_sequence_probabilities_sum_to_one():
    # Each row's likelihood is the probability of one 0/1 sequence; C(t_x-1, x-1) sequences share
    # (x, t_x). Summed over every pattern of n = 6 opportunities they must add up to 1.
    n = 6
    rows = [(0, 0)] + [(x, t) for t in range(1, n + 1) for x in range(1, t + 1)]
    x = np.array([r[0] for r in rows], dtype=float)
    t_x = np.array([r[1] for r in rows], dtype=float)
    ll = fixed()._loglik_rows(PARAMS, {"x": x, "t_x": t_x, "n": np.full(len(rows), float(n))})
    multiplicity = np.where(x > 0, comb(t_x - 1, x - 1), 1.0)
    assert (multiplicity * np.exp(ll)).sum() == pytest.approx(1.0, abs=1e-12)


def test_pmf_sums_to_one_and_matches_new_customer_mean():
    model = fixed()
    pmf = model.purchase_count_pmf(np.arange(7), 6)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-12)
    assert (np.arange(7) * pmf).sum() == pytest.approx(model.expected_purchases_new_customer(6))


def test_probability_alive_of_a_donor_who_always_gave():
    # x = t_x = n: the likelihood is the alive term alone, so P(alive at n+1) = E[(1-theta)]
    # under the posterior Beta(gamma, delta + n): (delta + n) / (gamma + delta + n).
    g, d = PARAMS[2:]
    assert fixed().probability_alive(frequency=6, recency=6, n_periods=6) == pytest.approx(
        (d + 6) / (g + d + 6), rel=1e-12
    )


def test_predictions_on_the_panel_are_finite_and_ordered(donations):
    model = fixed()
    alive = model.probability_alive(donations)
    future = model.expected_purchases(donations, t=5)
    assert np.all((alive > 0) & (alive < 1)) and np.all(future >= 0)
    # More recent donors (same frequency) are more likely alive and expected to give more.
    one = donations[donations["frequency"] == 1].sort_values("recency")
    assert np.all(np.diff(model.probability_alive(one).to_numpy()) > 0)


@pytest.mark.parametrize(
    ("row", "match"),
    [
        ((3, 2, 6), "frequency must not exceed recency"),
        ((1, 7, 6), "must not exceed n_periods"),
        ((0, 2, 6), "recency 0"),
        ((1.5, 2, 6), "whole numbers"),
    ],
)
def test_impossible_rows_raise(row, match):
    with pytest.raises(DataError, match=match):
        BGBB().fit(frequency=[row[0]], recency=[row[1]], n_periods=[row[2]])


@pytest.mark.parametrize("gamma", [1.0, 1.0 + 1e-7, 0.657, 2.5])
def test_expectations_hold_at_gamma_one(gamma):
    # The closed forms of FHS (2010) eqs. 8 and 13 divide by gamma - 1. At and near gamma = 1 the
    # model must still give the plain definition: a new customer's expected transactions in n*
    # opportunities are p_bar * sum_{t=1..n*} S(t), with S(t) = E[(1-theta)^t] under
    # theta ~ Beta(gamma, delta), here computed by quadrature (independent of the betaln algebra).
    from scipy import integrate, stats

    a, b, d = 1.2, 0.75, 2.8
    model = fixed(np.array([a, b, gamma, d]))
    surv = [
        integrate.quad(lambda th, t=t: (1 - th) ** t * stats.beta.pdf(th, gamma, d), 0, 1)[0]
        for t in range(1, 6)
    ]
    assert model.expected_purchases_new_customer(5) == pytest.approx(
        a / (a + b) * sum(surv), rel=1e-7
    )
    # The conditional expectation stays finite and continuous across gamma = 1.
    one = fixed(np.array([a, b, 1.0, d])).expected_purchases(
        t=5, frequency=3, recency=4, n_periods=6
    )
    near = fixed(np.array([a, b, 1.0 + 1e-5, d])).expected_purchases(
        t=5, frequency=3, recency=4, n_periods=6
    )
    assert np.isfinite(one) and one == pytest.approx(near, rel=1e-4)


def test_fits_that_cannot_identify_the_model_raise_and_refuse_predictions():
    # Issue 22 (reproduced on the code before the fix): a panel where nobody transacted returned
    # alpha = 0.002, beta = 818 with converged=True; a panel of one-time transactors returned
    # alpha = 7.3e6, beta ~ 0 (converged=False) and predicted P(alive) = 4e-54 without complaint.
    nobody = pd.DataFrame({"frequency": [0], "recency": [0], "n_periods": [6], "count": [1000]})
    with pytest.raises(ConvergenceError, match="no customer transacted"):
        BGBB().fit(nobody, period="Y")
    once = pd.DataFrame(
        {"frequency": [0, 1], "recency": [0, 1], "n_periods": [6, 6], "count": [900, 100]}
    )
    model = BGBB()
    with pytest.raises(ConvergenceError, match="boundary"):
        model.fit(once, period="Y")
    assert model.converged is False and model.params is not None  # kept for inspection
    with pytest.raises(ConvergenceError, match="cannot predict"):
        model.probability_alive(once)
    with pytest.raises(ConvergenceError, match="cannot predict"):
        model.expected_purchases_new_customer(t=5)

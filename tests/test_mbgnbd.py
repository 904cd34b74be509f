"""Tests of the MBG/NBD model (crmstudy.models.mbgnbd).

No published maximum-likelihood estimate on Hardie's CDNOW summary was found, so the references
here are independent computations: the likelihood and the conditional expectation integrated
numerically over the drop-out probability p, and the process simulated (see test_simulate.py).
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import integrate, stats
from scipy.special import gammaln

from crmstudy.datasets import load_cdnow_summary
from crmstudy.models.bgnbd import BGNBD
from crmstudy.models.mbgnbd import MBGNBD
from crmstudy.simulate import simulate_mbgnbd

PARAMS = np.array([0.525, 6.18, 0.89, 1.61])  # near the CDNOW optimum


def fixed(params=PARAMS):
    return MBGNBD.from_params(params, period="W")


def lam_integral(r, alpha, x, t):
    return np.exp(gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + t))


def individual_likelihood(params, x, t_x, T):
    """Batislam et al. (2007) eq. 3: survive time 0 and x purchases and be alive at T, or die right
    after the last purchase (or at time 0); integrated numerically over p ~ Beta(a, b)."""
    r, alpha, a, b = params

    def integrand(p):
        alive = (1 - p) ** (x + 1) * lam_integral(r, alpha, x, T)
        dead = p * (1 - p) ** x * lam_integral(r, alpha, x, t_x)
        return (alive + dead) * stats.beta.pdf(p, a, b)

    value, _ = integrate.quad(integrand, 0, 1, epsabs=0, epsrel=1e-11, limit=200)
    return value


@pytest.mark.parametrize(("x", "t_x", "T"), [(0, 0.0, 38.86), (2, 30.43, 38.86), (9, 5.0, 32.0)])
def test_row_loglik_matches_direct_integration(x, t_x, T):
    data = {"x": np.array([x]), "t_x": np.array([t_x]), "T": np.array([T])}
    ours = fixed()._loglik_rows(PARAMS, data)[0]
    assert ours == pytest.approx(np.log(individual_likelihood(PARAMS, x, t_x, T)), rel=1e-8)


def test_conditional_expectation_matches_direct_integration():
    r, alpha, a, b = PARAMS
    x, t_x, T, t = 3, 20.0, 38.0, 39.0

    def alive_part(p):
        gained = lam_integral(r, alpha, x, T) - lam_integral(r, alpha, x, T + p * t)
        return (1 - p) ** (x + 1) * gained / p * stats.beta.pdf(p, a, b)

    num, _ = integrate.quad(alive_part, 0, 1, epsabs=0, epsrel=1e-11, limit=200)
    expected = num / individual_likelihood(PARAMS, x, t_x, T)
    assert fixed().expected_purchases(t=t, frequency=x, recency=t_x, T=T) == pytest.approx(
        expected, rel=1e-8
    )


def test_customers_without_repeat_purchase_may_be_dead():
    # Unlike BG/NBD (P(alive | x = 0) = 1), MBG/NBD: 1 / (1 + a/b ((alpha+T)/alpha)^r).
    r, alpha, a, b = PARAMS
    expected = 1 / (1 + a / b * ((alpha + 30) / alpha) ** r)
    assert fixed().probability_alive(frequency=0, recency=0.0, T=30.0) == pytest.approx(
        expected, rel=1e-12
    )


def test_pmf_sums_to_one_and_matches_new_customer_mean():
    model = fixed()
    ks = np.arange(400)
    pmf = model.purchase_count_pmf(ks, 52.0)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-9)
    assert (ks * pmf).sum() == pytest.approx(model.expected_purchases_new_customer(52.0), rel=1e-6)


def test_fit_on_cdnow_is_close_to_bgnbd_and_not_worse_than_it_by_much():
    # On CDNOW few customers die at time 0; both models fit about equally well (LL within 2).
    summary = load_cdnow_summary()
    mbg = MBGNBD().fit(summary)
    bg = BGNBD().fit(summary)
    assert abs(mbg.loglik - bg.loglik) < 2
    assert np.all(np.isfinite(mbg.bse))


def test_fit_recovers_simulated_parameters():
    true = np.array([0.5, 6.0, 1.2, 2.5])
    base = simulate_mbgnbd(4000, true, T=39.0, seed=7)
    model = MBGNBD().fit(base, period="W")
    z = (model.params.to_numpy() - true) / model.bse.to_numpy()
    assert np.all(np.abs(z) < 4), z


def test_heavy_buyers_stay_finite():
    x = np.array([5000, 5000])
    out = fixed().expected_purchases(
        t=52.0, frequency=x, recency=np.array([38.0, 1.0]), T=np.array([38.0, 38.0])
    )
    assert np.all(np.isfinite(out)) and out[1] < 1e-100


def test_analytic_gradient_matches_finite_differences():
    cdnow = load_cdnow_summary()
    data = {"x": cdnow["frequency"], "t_x": cdnow["recency"], "T": cdnow["T"]}
    data = {k: v.to_numpy(float) for k, v in data.items()}
    model = MBGNBD()
    ll, grad = model._loglik_and_grad_rows(PARAMS, data)
    assert np.allclose(ll, model._loglik_rows(PARAMS, data), rtol=1e-13, atol=1e-12)
    for i in range(4):
        step = np.eye(4)[i] * PARAMS[i] * 1e-6
        up, down = model._loglik_rows(PARAMS + step, data), model._loglik_rows(PARAMS - step, data)
        assert np.allclose(grad[:, i], (up - down) / (2 * step[i]), rtol=1e-6, atol=1e-7)

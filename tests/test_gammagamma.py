"""Tests of the Gamma-Gamma spend model."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats

from crmstudy.clv import customer_lifetime_value
from crmstudy.datasets import load_cdnow_summary
from crmstudy.errors import DataError, ParameterError
from crmstudy.models.bgnbd import BGNBD
from crmstudy.models.gammagamma import GammaGamma
from crmstudy.units import DAYS_PER_PERIOD, convert_rate


@pytest.fixture(scope="module")
def cdnow():
    return load_cdnow_summary()


@pytest.fixture(scope="module")
def spend(cdnow):
    return GammaGamma().fit(cdnow)


def test_reproduces_published_estimates_on_repeat_buyers(spend):
    # Fader & Hardie (2013), "The Gamma-Gamma Model of Monetary Value", on the 946 CDNOW-sample
    # customers with repeat purchases: p = 6.25, q = 3.74, gamma = 15.44 (Excel Solver). Our
    # optimum is p = 6.249, q = 3.745, gamma = 15.448, within 0.01 of each; its LL -4055.92 matches
    # CLVTools' test value -4055.9177 on CDNOW to 0.01 (an independent implementation).
    assert spend.nobs == 946
    assert spend.params.to_numpy() == pytest.approx([6.25, 3.74, 15.44], abs=0.01)
    assert spend.loglik == pytest.approx(-4055.92, abs=0.01)


def test_row_loglik_matches_mixture_integral():
    # The mean of x Gamma(p, nu) spends is Gamma(p x, x nu); mix over nu ~ Gamma(q, gamma).
    p, q, g = 6.25, 3.74, 15.44
    x, m = 3, 42.5
    value, _ = integrate.quad(
        lambda nu: (
            stats.gamma.pdf(m, p * x, scale=1 / (x * nu)) * stats.gamma.pdf(nu, q, scale=1 / g)
        ),
        0,
        np.inf,
        epsabs=0,
        epsrel=1e-11,
        limit=200,
    )
    ours = GammaGamma()._loglik_rows(np.array([p, q, g]), {"x": np.array([x]), "m": np.array([m])})
    assert ours[0] == pytest.approx(np.log(value), rel=1e-9)


def test_llf_is_the_density_of_the_mean_spend_by_direct_integration(cdnow, spend):
    # llf on the papers' scale (Fader & Hardie 2013 eq. 3: the density of each repeat buyer's
    # mean spend z-bar, which carries the factor x^(px)), evaluated directly: each customer's
    # Gamma(px, x nu) density of z-bar mixed over nu ~ Gamma(q, gamma) by quadrature, summed
    # over distinct (x, z-bar) rows with their counts.
    p, q, g = spend.params.to_numpy()
    rep = cdnow[cdnow["frequency"] > 0]
    rows = rep.groupby(["frequency", "monetary_value"]).size()
    x = rows.index.get_level_values(0).to_numpy(float)
    m = rows.index.get_level_values(1).to_numpy(float)
    # nu = u / (1 - u) maps (0, inf) to (0, 1); all rows at once (scipy's quad_vec).
    density, _ = integrate.quad_vec(
        lambda u: stats.gamma.pdf(m, p * x, scale=(1 - u) / (x * u))
        * stats.gamma.pdf(u / (1 - u), q, scale=1 / g)
        / (1 - u) ** 2,
        0,
        1,
        epsabs=0,
        epsrel=1e-10,
    )
    total = float(rows.to_numpy() @ np.log(density))
    assert spend.llf == pytest.approx(total, abs=1e-6)
    # The density of the *total* spend x z-bar differs by the parameter-free constant
    # sum(log x) = 603.373 over the 946 repeat buyers (Jacobian of z-bar = total / x).
    assert np.log(rep["frequency"]).sum() == pytest.approx(603.3725, abs=1e-4)


def test_expected_spend_is_a_credibility_weighted_average(spend):
    p, q, g = spend.params
    population = p * g / (q - 1)
    assert spend.expected_spend_new_customer() == pytest.approx(population)
    # No repeat purchase: the population mean; many: close to the customer's own mean.
    assert spend.expected_spend(frequency=0, monetary_value=0.0) == pytest.approx(population)
    assert spend.expected_spend(frequency=1000, monetary_value=80.0) == pytest.approx(
        80.0, rel=0.01
    )
    w = p * 2 / (p * 2 + q - 1)
    assert spend.expected_spend(frequency=2, monetary_value=10.0) == pytest.approx(
        w * 10 + (1 - w) * population
    )


def test_spend_data_errors(cdnow):
    with pytest.raises(DataError, match="monetary_value > 0"):
        GammaGamma().fit(frequency=[1, 2], monetary_value=[10.0, 0.0])
    # A repeat buyer with zero mean spend (one CDNOW-master customer) is dropped on request.
    zeroed = cdnow.copy()
    first = zeroed.index[zeroed["frequency"] > 0][0]
    zeroed.loc[first, "monetary_value"] = 0.0
    dropped = GammaGamma().fit(zeroed, drop_zero_spend=True)
    assert dropped.nobs == 945 and dropped.n_dropped_zero_spend == 1
    # The posterior mean spend of a zero-spend repeat buyer is still defined (FH 2013 eq. 5).
    assert (
        0
        < dropped.expected_spend(frequency=2, monetary_value=0.0)
        < dropped.expected_spend_new_customer()
    )
    with pytest.raises(DataError, match="repeat buyers"):
        GammaGamma().fit(frequency=[0, 0], monetary_value=[0.0, 0.0])
    with pytest.raises(DataError, match="missing column"):
        GammaGamma().fit(cdnow[["frequency"]])


class ConstantRate:
    """A stand-in purchase model: ``rate`` purchases per ``period``, whatever the history."""

    def __init__(self, rate, period):
        self.rate, self.period = rate, period

    def expected_purchases(self, t, frequency, recency, T):
        return self.rate * np.broadcast_to(np.asarray(t, dtype=float), np.shape(frequency))


class ConstantSpend:
    def __init__(self, amount):
        self.amount = amount

    def expected_spend(self, summary):
        return np.full(len(summary), self.amount)


def frame(period):
    out = pd.DataFrame({"frequency": [1, 0], "recency": [1.0, 0.0], "T": [2.0, 2.0]})
    out.attrs["period"] = period
    return out


def test_clv_undiscounted_year_is_rate_times_weeks_per_year():
    # 1 purchase a week for one year = 365.2425 / 7 = 52.1775 purchases (crmstudy.units).
    clv = customer_lifetime_value(
        ConstantRate(1.0, "W"),
        ConstantSpend(20.0),
        frame("W"),
        horizon=1,
        horizon_period="Y",
        discount_rate=0.0,
        discount_period="Y",
        margin=0.5,
    )
    assert clv.to_numpy() == pytest.approx(0.5 * 20 * 365.2425 / 7)
    assert clv.attrs["horizon_in_model_period"] == pytest.approx(52.1775)


def test_clv_is_the_same_whatever_the_models_unit():
    # The same buying rate expressed per week and per month must give the same CLV.
    weekly = ConstantRate(1.0, "W")
    monthly = ConstantRate(DAYS_PER_PERIOD["M"] / 7, "M")
    kwargs = dict(
        horizon=30, horizon_period="M", discount_rate=0.01, discount_period="M", margin=1.0
    )
    a = customer_lifetime_value(weekly, ConstantSpend(10.0), frame("W"), **kwargs)
    b = customer_lifetime_value(monthly, ConstantSpend(10.0), frame("M"), **kwargs)
    assert a.to_numpy() == pytest.approx(b.to_numpy(), rel=1e-12)


def test_clv_discounting_matches_a_hand_sum_and_rate_conversion():
    # 3 yearly steps of 52.1775 purchases at $10, discounted at 10% a year from each year's end.
    per_year = 10 * 365.2425 / 7
    expected = sum(per_year / 1.1**k for k in (1, 2, 3))
    yearly = customer_lifetime_value(
        ConstantRate(1.0, "W"),
        ConstantSpend(10.0),
        frame("W"),
        horizon=36,
        horizon_period="M",
        discount_rate=0.10,
        discount_period="Y",
        margin=1.0,
    )
    assert yearly.to_numpy() == pytest.approx(expected, rel=1e-12)
    # The equivalent monthly rate (compound conversion), with yearly steps, is the same value.
    monthly_rate = convert_rate(0.10, "Y", "M")
    monthly = customer_lifetime_value(
        ConstantRate(1.0, "W"),
        ConstantSpend(10.0),
        frame("W"),
        horizon=3,
        horizon_period="Y",
        discount_rate=monthly_rate,
        discount_period="M",
        margin=1.0,
        step_period="Y",
    )
    assert monthly.to_numpy() == pytest.approx(expected, rel=1e-12)


def test_clv_with_fitted_models_on_cdnow(cdnow, spend):
    purchases = BGNBD().fit(cdnow)
    kwargs = dict(discount_period="Y", margin=0.3, step_period="M")
    one = customer_lifetime_value(purchases, spend, cdnow, 1, "Y", discount_rate=0.1, **kwargs)
    three = customer_lifetime_value(purchases, spend, cdnow, 3, "Y", discount_rate=0.1, **kwargs)
    cheap = customer_lifetime_value(purchases, spend, cdnow, 3, "Y", discount_rate=0.0, **kwargs)
    assert one.index.equals(cdnow.index) and np.all(np.isfinite(one)) and np.all(one >= 0)
    assert np.all(three >= one) and np.all(cheap >= three)
    # With no discounting, CLV = margin x spend x E[purchases in 3 years] exactly.
    direct = (
        0.3 * spend.expected_spend(cdnow) * purchases.expected_purchases(cdnow, t=3 * 365.2425 / 7)
    )
    assert cheap.to_numpy() == pytest.approx(direct.to_numpy(), rel=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        (dict(discount_rate=-0.1), "discount_rate"),
        (dict(horizon=-1), "horizon"),
        (dict(margin=0.0), "margin"),
        (dict(horizon_period="fortnight"), "not a known time unit"),
    ],
)
def test_clv_parameter_errors(kwargs, match):
    base = dict(horizon=1, horizon_period="Y", discount_rate=0.1, discount_period="Y", margin=0.5)
    base.update(kwargs)
    with pytest.raises(ParameterError, match=match):
        customer_lifetime_value(ConstantRate(1.0, "W"), ConstantSpend(1.0), frame("W"), **base)


def test_clv_refuses_mixed_units():
    with pytest.raises(ParameterError, match="period 'M'"):
        customer_lifetime_value(
            ConstantRate(1.0, "W"),
            ConstantSpend(1.0),
            frame("M"),
            horizon=1,
            horizon_period="Y",
            discount_rate=0.1,
            discount_period="Y",
        )



def test_analytic_gradient_matches_finite_differences(cdnow):
    repeat = cdnow[cdnow["frequency"] > 0]
    data = {"x": repeat["frequency"].to_numpy(float), "m": repeat["monetary_value"].to_numpy(float)}
    params = np.array([6.25, 3.74, 15.44])
    model = GammaGamma()
    ll, grad = model._loglik_and_grad_rows(params, data)
    assert np.allclose(ll, model._loglik_rows(params, data), rtol=1e-13, atol=1e-10)
    assert np.allclose(grad, model._loglik_grad_rows(params, data))
    for i in range(3):
        step = np.eye(3)[i] * params[i] * 1e-6
        up, down = model._loglik_rows(params + step, data), model._loglik_rows(params - step, data)
        assert np.allclose(grad[:, i], (up - down) / (2 * step[i]), rtol=1e-6, atol=1e-7)


def test_standard_errors_match_second_differences_of_the_likelihood(cdnow, spend):
    repeat = cdnow[cdnow["frequency"] > 0]
    data = {"x": repeat["frequency"].to_numpy(float), "m": repeat["monetary_value"].to_numpy(float)}
    hess = spend._hessian_numerical(spend.params.to_numpy(), data, np.ones(len(repeat)))
    assert np.allclose(spend.bse, np.sqrt(np.diag(np.linalg.inv(hess))), rtol=1e-4)

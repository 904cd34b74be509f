"""Tests of the BG/NBD model (crmstudy.models.bgnbd)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import integrate, stats
from scipy.special import gammaln

from crmstudy.datasets import load_cdnow_summary
from crmstudy.errors import ConvergenceError, DataError, ParameterError
from crmstudy.models.bgnbd import BGNBD
from crmstudy.models.mbgnbd import MBGNBD

PARAMS = np.array([0.243, 4.414, 0.793, 2.426])  # FHL (2005a), p. 280, CDNOW sample


@pytest.fixture(scope="module")
def cdnow():
    return load_cdnow_summary()


@pytest.fixture(scope="module")
def fitted(cdnow):
    return BGNBD().fit(cdnow)


def fixed(params=PARAMS, period="W"):
    return BGNBD.from_params(params, period=period)


def test_reproduces_published_cdnow_estimates(fitted):
    # Fader, Hardie & Lee (2005a), "Counting your customers the easy way", Marketing Science
    # 24(2), p. 280: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4.
    assert fitted.params.round(3).tolist() == [0.243, 4.414, 0.793, 2.426]
    assert round(fitted.loglik, 1) == -9582.4
    assert fitted.nobs == 2357 and fitted.period == "W"
    assert np.all(fitted.bse > 0) and np.all(fitted.bse < fitted.params)
    assert fitted.aic == pytest.approx(2 * 4 + 2 * 9582.43, abs=0.01)
    assert "Log-likelihood" in str(fitted.summary())


def test_aggregated_rows_with_weights_give_the_same_fit(cdnow, fitted):
    grouped = cdnow.groupby(["frequency", "recency", "T"]).size().rename("n").reset_index()
    model = BGNBD().fit(grouped, weights=grouped["n"], period="W")
    assert model.loglik == pytest.approx(fitted.loglik, abs=1e-6)
    assert np.allclose(model.params, fitted.params, rtol=1e-4)


def lambda_integral(r, alpha, x, T):
    """int lambda^x exp(-lambda T) Gamma(lambda; r, alpha) dlambda (Gamma-Poisson algebra)."""
    return np.exp(gammaln(r + x) - gammaln(r) + r * np.log(alpha) - (r + x) * np.log(alpha + T))


def individual_likelihood(params, x, t_x, T):
    """The BG/NBD likelihood of one customer, FHL (2005a) eq. 3, integrated numerically over p."""
    r, alpha, a, b = params

    def integrand(p):
        alive = (1 - p) ** x * lambda_integral(r, alpha, x, T)
        dead = p * (1 - p) ** (x - 1) * lambda_integral(r, alpha, x, t_x) if x > 0 else 0.0
        return (alive + dead) * stats.beta.pdf(p, a, b)

    value, _ = integrate.quad(integrand, 0, 1, epsabs=1e-15, epsrel=1e-11, limit=200)
    return value


@pytest.mark.parametrize(("x", "t_x", "T"), [(0, 0.0, 38.86), (2, 30.43, 38.86), (5, 10.0, 32.0)])
def test_row_loglik_matches_direct_integration(x, t_x, T):
    data = {"x": np.array([x]), "t_x": np.array([t_x]), "T": np.array([T])}
    ours = fixed()._loglik_rows(PARAMS, data)
    assert ours[0] == pytest.approx(np.log(individual_likelihood(PARAMS, x, t_x, T)), rel=1e-8)


@pytest.mark.parametrize(
    ("x", "t_x", "T", "t"),
    [(2, 30.43, 38.86, 39.0), (0, 0.0, 20.0, 10.0), (5000, 38.86, 38.86, 52.0)],
)
def test_conditional_expectation_matches_direct_integration(x, t_x, T, t):
    # E[Y(t) | x, t_x, T] = E[1{alive} (1 - exp(-lambda p t)) / p | data]: the expected purchases
    # of a customer alive at T with (lambda, p), FHL (2005a) eq. 10, integrated over p by quad.
    # The lambda integrals are divided by their value at T so heavy buyers do not underflow.
    r, alpha, a, b = PARAMS

    def rel(time):
        return np.exp((r + x) * (np.log(alpha + T) - np.log(alpha + time)))

    def alive_part(p):
        return (1 - p) ** x * (1 - rel(T + p * t)) / p * stats.beta.pdf(p, a, b)

    def total(p):
        dead = p * (1 - p) ** (x - 1) * rel(t_x) if x > 0 else 0.0
        return ((1 - p) ** x + dead) * stats.beta.pdf(p, a, b)

    mean = a / (a + b + x)
    kw = dict(epsabs=0, epsrel=1e-10, limit=500, points=[mean, 10 * mean, 100 * mean])
    num, _ = integrate.quad(alive_part, 0, 1, **kw)
    den, _ = integrate.quad(total, 0, 1, **kw)
    assert fixed().expected_purchases(t=t, frequency=x, recency=t_x, T=T) == pytest.approx(
        num / den, rel=1e-7
    )


def test_probability_alive_closed_form():
    # FHL (2005a) eq. 11, typed in directly.
    r, alpha, a, b = PARAMS
    x, t_x, T = 3, 20.0, 38.0
    expected = 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    assert fixed().probability_alive(frequency=x, recency=t_x, T=T) == pytest.approx(
        expected, rel=1e-12
    )
    assert fixed().probability_alive(frequency=0, recency=0.0, T=38.0) == 1.0


def test_pmf_sums_to_one_and_matches_new_customer_mean():
    model = fixed()
    ks = np.arange(0, 400)
    pmf = model.purchase_count_pmf(ks, 39.0)
    assert pmf.sum() == pytest.approx(1.0, abs=1e-9)
    assert (ks * pmf).sum() == pytest.approx(model.expected_purchases_new_customer(39.0), rel=1e-6)


def test_new_customer_is_conditional_at_zero_history():
    model = fixed()
    assert model.expected_purchases_new_customer(52.0) == pytest.approx(
        model.expected_purchases(t=52.0, frequency=0, recency=0.0, T=0.0), rel=1e-12
    )


def test_expected_frequency_counts_close_to_the_observed_histogram(cdnow, fitted):
    # FHL (2005a) Figure 1: the model tracks the calibration histogram; with T known per
    # customer the expected counts add up to the number of customers.
    expected = fitted.expected_frequency_counts(cdnow["T"].to_numpy(), max_frequency=7)
    observed = np.bincount(np.minimum(cdnow["frequency"], 7), minlength=8)
    assert expected.sum() == pytest.approx(len(cdnow))
    assert abs(expected.iloc[0] - observed[0]) / observed[0] < 0.03


def test_heavy_buyers_and_recency_equal_T_stay_finite():
    model = fixed()
    x = np.array([0, 1, 50, 5000, 5000])
    t_x = np.array([0.0, 38.86, 38.86, 38.86, 0.5])
    T = np.full(5, 38.86)
    ll = model._loglik_rows(PARAMS, {"x": x, "t_x": t_x, "T": T})
    alive = model.probability_alive(frequency=x, recency=t_x, T=T)
    future = model.expected_purchases(t=52.0, frequency=x, recency=t_x, T=T)
    assert np.all(np.isfinite(ll)) and np.all(np.isfinite(future))
    assert np.all((alive >= 0) & (alive <= 1))
    # A customer with 5000 purchases up to T is almost surely alive (FHL 2005a eq. 11).
    a, b = PARAMS[2:]
    assert alive[3] == pytest.approx(1 / (1 + a / (b + 4999)), rel=1e-9)
    assert alive[4] < 1e-100


@pytest.mark.parametrize(
    ("frequency", "recency", "T", "match"),
    [
        ([1], [5.0], [4.0], "recency must not exceed T"),
        ([2], [0.0], [4.0], "recency > 0"),
        ([-1], [0.0], [4.0], "'frequency' must be finite and >= 0"),
        ([1.5], [2.0], [4.0], "whole numbers"),
        ([0], [2.0], [4.0], "must have recency 0"),
        ([1], [np.nan], [4.0], "'recency' must be finite"),
    ],
)
def test_impossible_inputs_raise_data_errors(frequency, recency, T, match):
    with pytest.raises(DataError, match=match):
        BGNBD().fit(frequency=frequency, recency=recency, T=T, period="W")
    with pytest.raises(DataError, match=match):
        fixed().probability_alive(frequency=frequency, recency=recency, T=T)


def test_no_repeat_buyers_raise_convergence_error_with_remedy():
    with pytest.raises(ConvergenceError, match="longer calibration"):
        BGNBD().fit(frequency=np.zeros(50), recency=np.zeros(50), T=np.full(50, 30.0), period="W")


def test_period_mismatch_is_refused(cdnow):
    monthly = cdnow.copy()
    monthly.attrs["period"] = "M"
    with pytest.raises(ParameterError, match="fitted in 'W'"):
        fixed().probability_alive(monthly)
    with pytest.raises(ParameterError, match="not fitted"):
        BGNBD().probability_alive(frequency=1, recency=1.0, T=2.0)


def test_predictions_take_a_summary_and_return_series_by_customer(cdnow):
    alive = fixed().probability_alive(cdnow)
    assert isinstance(alive, pd.Series) and alive.index.equals(cdnow.index)
    future = fixed().expected_purchases(cdnow, t=39)
    assert future.index.equals(cdnow.index) and np.all(future >= 0)


def _finite_difference_gradient(model, params, data, rel=1e-6):
    """Central differences of the row log-likelihoods, one column per parameter."""
    cols = []
    for i in range(len(params)):
        step = np.eye(len(params))[i] * params[i] * rel
        up = model._loglik_rows(params + step, data)
        down = model._loglik_rows(params - step, data)
        cols.append((up - down) / (2 * step[i]))
    return np.column_stack(cols)


@pytest.mark.parametrize("params", [PARAMS, np.array([1.7, 0.6, 2.5, 0.4])])
def test_analytic_gradient_matches_finite_differences(cdnow, params):
    data = {"x": cdnow["frequency"], "t_x": cdnow["recency"], "T": cdnow["T"]}
    data = {k: v.to_numpy(float) for k, v in data.items()}
    model = BGNBD()
    ll, grad = model._loglik_and_grad_rows(params, data)
    assert np.allclose(ll, model._loglik_rows(params, data), rtol=1e-13, atol=1e-12)
    assert np.allclose(grad, model._loglik_grad_rows(params, data))
    reference = _finite_difference_gradient(model, params, data)
    assert np.allclose(grad, reference, rtol=1e-6, atol=1e-7)


def test_standard_errors_match_second_differences_of_the_likelihood(cdnow, fitted):
    # The fit takes the Hessian from differences of the analytic gradient; second differences
    # of the likelihood itself (the derivative-free path) must give the same standard errors.
    data = {"x": cdnow["frequency"], "t_x": cdnow["recency"], "T": cdnow["T"]}
    data = {k: v.to_numpy(float) for k, v in data.items()}
    w = np.ones(len(cdnow))
    hess = fitted._hessian_numerical(fitted.params.to_numpy(), data, w)
    assert np.allclose(fitted.bse, np.sqrt(np.diag(np.linalg.inv(hess))), rtol=1e-4)
    assert fitted.converged


def test_probability_alive_path_just_after_purchases():
    # BG/NBD: right after the x-th repeat purchase (t_x = T) the customer may have died at it:
    # P(alive) = 1 / (1 + a / (b + x - 1)) (FHL 2005a eq. 11 with alpha + T = alpha + t_x).
    r, alpha, a, b = PARAMS
    model = fixed()
    path = model.probability_alive_path([0.0, 3.0, 7.0, 8.5], 20.0, n_grid=10)
    after = path[path["purchase"]].iloc[1:]
    x = after["frequency"].to_numpy()
    assert after["probability_alive"].to_numpy() == pytest.approx(1 / (1 + a / (b + x - 1)))
    end = path.iloc[-1]
    assert end["probability_alive"] == pytest.approx(
        model.probability_alive(frequency=3, recency=8.5, T=20.0), rel=1e-14
    )


@pytest.mark.parametrize("cls", [BGNBD, MBGNBD])
def test_grouped_gradient_total_equals_the_weighted_row_sums(cdnow, cls):
    model = cls()
    data = {
        c: cdnow[k].to_numpy(float) for c, k in (("x", "frequency"), ("t_x", "recency"), ("T", "T"))
    }
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(cdnow))
    params = np.array([0.3, 5.0, 0.9, 2.0])
    ll, grad = model._loglik_and_grad_rows(params, data)
    total, gsum = model._loglik_and_grad_total(params, data, w)
    assert total == pytest.approx(w @ ll, rel=1e-13)
    assert gsum == pytest.approx(w @ grad, rel=1e-12)


def test_distinct_cache_sees_an_array_changed_in_place(cdnow):
    model = fixed()
    x = cdnow["frequency"].to_numpy(float).copy()
    tx, tt = cdnow["recency"].to_numpy(float), cdnow["T"].to_numpy(float)
    before = model.probability_alive(frequency=x, recency=tx, T=tt)
    x[:] = 0.0
    after = model.probability_alive(frequency=x, recency=np.zeros_like(tx), T=tt)
    assert np.all(after == 1.0) and not np.all(before == 1.0)


def test_fit_with_grouped_sums_reaches_the_same_optimum(cdnow):
    # Large fits (above grouped_sum_rows distinct rows) use the grouped sums; forced here on
    # CDNOW, the optimum agrees with the row-sum fit within the optimiser's tolerance.
    grouped = BGNBD()
    grouped.grouped_sum_rows = 0
    grouped.fit(cdnow)
    rows = BGNBD().fit(cdnow)
    assert grouped.params.to_numpy() == pytest.approx(rows.params.to_numpy(), rel=1e-5)
    assert grouped.llf == pytest.approx(rows.llf, abs=1e-8)
    assert grouped.params.round(3).tolist() == [0.243, 4.414, 0.793, 2.426]


# --- the one-pass totals and Newton's method (crmstudy.models._bg_totals) --------------------


def eq6_loglik(params, x, t_x, T, shift=0):
    """FHL (2005a) eq. 6 (Batislam et al. 2007 eq. 4 with shift=1), written out per row with
    scipy.special, independently of crmstudy: log of B(a, b+x+s)/B(a, b) A(T) + [x+s > 0]
    B(a+1, b+x+s-1)/B(a, b) A(t_x), A(t) = Gamma(r+x) alpha^r / (Gamma(r) (alpha+t)^(r+x))."""
    from scipy.special import betaln

    r, alpha, a, b = params
    log_a = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    alive = betaln(a, b + x + shift) - betaln(a, b) + log_a - (r + x) * np.log(alpha + T)
    n = x + shift
    with np.errstate(invalid="ignore", divide="ignore"):
        dead = betaln(a + 1, np.where(n > 0, b + n - 1, 1.0)) - betaln(a, b) + log_a
        dead = np.where(n > 0, dead - (r + x) * np.log(alpha + t_x), -np.inf)
    return np.logaddexp(alive, dead)


def random_rows(rng, n):
    """Rows with a long tail of x and continuous recency/T (some t_x = T, some x = 0)."""
    x = rng.negative_binomial(0.5, 0.1, n).astype(float)
    T = rng.uniform(0.5, 80.0, n)
    t_x = np.where(x > 0, T * rng.uniform(0.0, 1.0, n), 0.0)
    t_x[: n // 20] = T[: n // 20] * (x[: n // 20] > 0)
    return x, np.where((x > 0) & (t_x == 0), T / 3, t_x), T


def weighted_random_rows(seed, n, weight_range):
    """``random_rows`` with a uniform weight per row in ``weight_range``."""
    rng = np.random.default_rng(seed)
    x, t_x, T = random_rows(rng, n)
    return x, t_x, T, rng.uniform(*weight_range, len(x))


PARAM_SETS = [
    np.array([0.243, 4.414, 0.793, 2.426]),
    np.array([2.0, 0.5, 3.0, 0.7]),  # b < 1: BG/NBD's x = 0 row would have b + x - 1 < 0
    np.array([0.05, 120.0, 0.2, 40.0]),
]


@pytest.mark.parametrize("shift", [0, 1])
@pytest.mark.parametrize("params", PARAM_SETS)
def test_totals_equal_eq6_summed_over_random_rows(params, shift):
    from crmstudy.models._bg_totals import BGRows, bg_totals

    # More rows than one block (8,192), so the block loop and its last partial block are used.
    x, t_x, T, w = weighted_random_rows(7, 20_000, (0.0, 3.0))
    ll, _, _ = bg_totals(params, BGRows.build(x, t_x, T, w, shift), order=0)
    assert ll == pytest.approx(w @ eq6_loglik(params, x, t_x, T, shift), rel=1e-12)


@pytest.mark.parametrize("shift", [0, 1])
@pytest.mark.parametrize("params", PARAM_SETS)
def test_totals_gradient_and_hessian_match_finite_differences(params, shift):
    # The gradient against central differences of eq. 6 (independent of crmstudy), the exact
    # Hessian against 4th-order central differences of the analytic gradient.
    from crmstudy.models._bg_totals import BGRows, bg_totals

    x, t_x, T, w = weighted_random_rows(11, 3_000, (0.5, 2.0))
    rows = BGRows.build(x, t_x, T, w, shift)
    _, grad, hess = bg_totals(params, rows)

    def total(p):
        return w @ eq6_loglik(p, x, t_x, T, shift)

    def grad_at(p):
        return bg_totals(p, rows, order=1)[1]

    fd_grad, fd_hess = np.empty(4), np.empty((4, 4))
    for i in range(4):
        h = params[i] * 1e-4
        step = np.eye(4)[i] * h
        fd_grad[i] = (
            8 * (total(params + step) - total(params - step))
            - (total(params + 2 * step) - total(params - 2 * step))
        ) / (12 * h)
        fd_hess[:, i] = (
            8 * (grad_at(params + step) - grad_at(params - step))
            - (grad_at(params + 2 * step) - grad_at(params - 2 * step))
        ) / (12 * h)
    scale = np.abs(grad).max() + 1.0
    assert np.abs(grad - fd_grad).max() <= 1e-6 * scale
    assert hess == pytest.approx(hess.T, rel=0, abs=0)
    assert np.abs(hess - fd_hess).max() <= 1e-6 * np.abs(hess).max()


def test_totals_of_rows_with_weights_equal_the_repeated_rows(cdnow):
    from crmstudy.models._bg_totals import BGRows, bg_totals

    x, t_x, T = (cdnow[k].to_numpy(float) for k in ("frequency", "recency", "T"))
    counts = np.random.default_rng(3).integers(1, 5, len(x)).astype(float)
    weighted = bg_totals(PARAMS, BGRows.build(x, t_x, T, counts, 0))
    rep = np.repeat(np.arange(len(x)), counts.astype(int))
    repeated = bg_totals(PARAMS, BGRows.build(x[rep], t_x[rep], T[rep], np.ones(len(rep)), 0))
    assert weighted[0] == pytest.approx(repeated[0], rel=1e-13)
    assert weighted[1] == pytest.approx(repeated[1], rel=1e-11, abs=1e-9)
    assert weighted[2] == pytest.approx(repeated[2], rel=1e-11)


def test_newton_fit_reproduces_cdnow_and_its_hessian_gives_the_standard_errors(cdnow, fitted):
    # FHL (2005a), p. 280: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4; the
    # fit is by Newton's method (exact Hessian), and its standard errors equal those from
    # central differences of the analytic gradient (the path of every fit before it).
    assert fitted._optimizer_message.startswith("Newton")
    assert fitted.params.round(3).tolist() == [0.243, 4.414, 0.793, 2.426]
    assert round(fitted.llf, 1) == -9582.4
    data = {"x": cdnow["frequency"].to_numpy(float), "t_x": cdnow["recency"].to_numpy(float)}
    data["T"] = cdnow["T"].to_numpy(float)
    by_gradient = fitted._hessian_from_gradient(fitted.params.to_numpy(), data, np.ones(2357))
    bse = np.sqrt(np.diag(np.linalg.inv(by_gradient)))
    assert fitted.bse.to_numpy() == pytest.approx(bse, rel=1e-6)
    # At the optimum the gradient vanishes (relative to the per-customer scale).
    _, grad, _ = fitted._loglik_grad_hess_total(fitted.params.to_numpy(), data, np.ones(2357))
    assert np.abs(grad * fitted.params.to_numpy()).max() < 1e-7


def test_newton_and_lbfgsb_reach_the_same_optimum(cdnow, fitted):
    class ByLBFGSB(BGNBD):
        def _has_hessian(self):
            return False

    other = ByLBFGSB().fit(cdnow)
    assert not other._optimizer_message.startswith("Newton")
    assert other.params.to_numpy() == pytest.approx(fitted.params.to_numpy(), rel=1e-5)
    assert other.llf == pytest.approx(fitted.llf, abs=1e-7)
    assert fitted.llf >= other.llf - 1e-9


@pytest.mark.parametrize("cls", [BGNBD, MBGNBD])
def test_fit_on_every_row_equals_fit_on_compressed_rows_with_weights(cdnow, cls):
    every = cls().fit(cdnow)
    assert every.n_distinct_rows == len(cdnow)  # BG/NBD fits every row, uncompressed
    compressed = cls()
    compressed.period = "W"
    data = {c: cdnow[k].to_numpy(float) for c, k in (("x", "frequency"), ("t_x", "recency"))}
    data["T"] = cdnow["T"].to_numpy(float)
    compressed._fit_mle(data, compress=True)
    assert compressed.n_distinct_rows < len(cdnow)
    assert compressed.params.to_numpy() == pytest.approx(every.params.to_numpy(), rel=2e-7)
    assert compressed.llf == pytest.approx(every.llf, rel=1e-12)
    assert compressed.bse.to_numpy() == pytest.approx(every.bse.to_numpy(), rel=1e-6)


def test_subsample_start_does_not_move_the_optimum(cdnow, fitted):
    # Above 4 * newton_subsample_rows rows Newton starts from a subsample's optimum; forced on
    # CDNOW (2,357 rows, subsample of every 4th), the fit is the same optimum.
    model = BGNBD()
    model.newton_subsample_rows = 500
    model.fit(cdnow)
    assert model.params.to_numpy() == pytest.approx(fitted.params.to_numpy(), rel=2e-7)
    assert model.llf == pytest.approx(fitted.llf, abs=1e-9)


def test_a_maximum_the_data_do_not_identify_is_decided_by_the_earlier_path():
    # 500 customers drawn from FHL's CDNOW estimates (seed 1187): the likelihood rises along a
    # ridge towards a, b -> infinity (p the same for everyone), so there is no interior maximum
    # and Newton's method does not converge. The fit then falls back to L-BFGS-B on the
    # compressed rows, exactly as every fit ran before Newton's method, which stops on the
    # ridge at a point the identification checks accept (as they did).
    from crmstudy.simulate import simulate_bgnbd

    base = simulate_bgnbd(500, list(PARAMS), T=np.linspace(27.0, 39.0, 500), seed=1187)
    base.attrs["period"] = "W"

    class Earlier(BGNBD):
        compress_fit_rows = True

        def _has_hessian(self):
            return False

    fit, earlier = BGNBD().fit(base), Earlier().fit(base)
    assert not fit._optimizer_message.startswith("Newton")
    assert fit.params.to_numpy() == pytest.approx(earlier.params.to_numpy(), rel=1e-12)
    assert fit.llf == pytest.approx(earlier.llf, rel=1e-14)
    x, t_x, T = (base[k].to_numpy(float) for k in ("frequency", "recency", "T"))
    data = {"x": x, "t_x": t_x, "T": T}
    assert BGNBD()._maximise_newton(np.log(fit.params.to_numpy()), data, np.ones(500)) is None
    # The likelihood (eq. 6, independent of crmstudy) is higher further along the ridge.
    further = fit.params.to_numpy() * np.array([1.0, 1.0, 100.0, 100.0])
    assert eq6_loglik(further, x, t_x, T).sum() > fit.llf


def test_bootstrap_resamples_the_distinct_rows_though_the_fit_used_every_row(cdnow, fitted):
    # The fit sees all 2,357 rows; param_draws(method="bootstrap") draws customers over the
    # distinct rows with their counts, as it did when fits compressed their rows.
    from crmstudy.models._base import compress_rows

    data, w = fitted._fit_data
    cols = {c: cdnow[k].to_numpy(float) for c, k in (("x", "frequency"), ("t_x", "recency"))}
    cols["T"] = cdnow["T"].to_numpy(float)
    expected, counts = compress_rows(cols)
    assert len(w) < len(cdnow) and w.sum() == len(cdnow)
    assert np.array_equal(w, counts)
    assert all(np.array_equal(data[c], expected[c]) for c in expected)
    draws = fitted.param_draws(20, method="bootstrap", seed=1)
    assert draws.attrs["n_failed"] == 0 and len(draws) == 20

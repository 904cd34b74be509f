"""Tests of the shared model base (``models/_base.py``), exercised through the sBG model.

The sBG is the simplest model on the base, with a likelihood that is easy to write out by hand,
so it checks the base's machinery: row compression and weights, standard errors from the
Hessian, information criteria, the summary table, and the errors.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import special

from crmstudy.errors import ConvergenceError, DataError, ParameterError
from crmstudy.models._base import LikelihoodModel, as_weights, compress_rows
from crmstudy.models.sbg import ShiftedBetaGeometric

# FH 2007 Table 1, High End segment, years 0..7 (customers of 1,000 still active).
HIGH_END = np.array([1000, 869, 743, 653, 593, 551, 517, 491])


def per_customer_rows(alive):
    """One row per customer: churn period t (censored=0), or the last period k (censored=1)."""
    k = len(alive) - 1
    churned = alive[:-1] - alive[1:]
    t = np.concatenate([np.repeat(np.arange(1, k + 1), churned), np.full(alive[-1], k)])
    censored = np.concatenate([np.zeros(churned.sum()), np.ones(alive[-1])])
    return {"t": t.astype(float), "censored": censored}


def loglik(alpha, beta, alive):
    """FH 2007 appendix B log-likelihood via the recursion of eq. 7 (independent of the base)."""
    k = len(alive) - 1
    p = [alpha / (alpha + beta)]
    for t in range(2, k + 1):
        p.append(p[-1] * (beta + t - 2) / (alpha + beta + t - 1))
    p = np.array(p)
    return float((alive[:-1] - alive[1:]) @ np.log(p) + alive[-1] * np.log(1 - p.sum()))


@pytest.fixture(scope="module")
def model():
    return ShiftedBetaGeometric().fit(HIGH_END)


def test_compressed_weighted_rows_equal_one_row_per_customer(model):
    rows = per_customer_rows(HIGH_END)
    assert len(rows["t"]) == 1000
    raw = ShiftedBetaGeometric()
    raw.period = "Y"
    raw._fit_mle(rows)  # no weights: one customer per row, compressed by the base
    assert raw.n_distinct_rows == 8
    assert raw.nobs == 1000
    assert np.allclose(raw.params, model.params, rtol=1e-5)
    assert raw.loglik == pytest.approx(model.loglik, abs=1e-7)
    uncompressed = ShiftedBetaGeometric()
    uncompressed._fit_mle(rows, compress=False)
    assert uncompressed.n_distinct_rows == 1000
    assert uncompressed.loglik == pytest.approx(model.loglik, abs=1e-6)


def test_compress_rows_sums_weights():
    data = {"x": np.array([1.0, 2.0, 1.0, 2.0, 3.0]), "y": np.array([0.0, 0.0, 0.0, 1.0, 0.0])}
    unique, w = compress_rows(data, np.array([1.0, 2.0, 3.0, 4.0, 5.0]))
    got = {(x, y): wi for x, y, wi in zip(unique["x"], unique["y"], w, strict=True)}
    assert got == {(1.0, 0.0): 4.0, (2.0, 0.0): 2.0, (2.0, 1.0): 4.0, (3.0, 0.0): 5.0}
    with pytest.raises(DataError, match="shape"):
        as_weights(np.ones(3), 4)
    with pytest.raises(DataError, match="row 1"):
        as_weights(np.array([1.0, -1.0]), 2)


def test_standard_errors_match_an_independent_hessian(model):
    # Central finite differences of the hand-written log-likelihood, on the natural scale.
    theta = model.params.to_numpy()
    h = 1e-4 * theta
    hess = np.empty((2, 2))
    for i in range(2):
        for j in range(2):
            ei, ej = np.eye(2)[i] * h[i], np.eye(2)[j] * h[j]
            hess[i, j] = (
                loglik(*(theta + ei + ej), HIGH_END)
                - loglik(*(theta + ei - ej), HIGH_END)
                - loglik(*(theta - ei + ej), HIGH_END)
                + loglik(*(theta - ei - ej), HIGH_END)
            ) / (4 * h[i] * h[j])
    cov = np.linalg.inv(-hess)
    assert np.allclose(model.bse, np.sqrt(np.diag(cov)), rtol=1e-3)
    assert np.allclose(model.cov_params().to_numpy(), cov, rtol=1e-2)


def test_information_criteria_and_intervals(model):
    assert model.aic == pytest.approx(2 * 2 - 2 * model.loglik)
    assert model.bic == pytest.approx(2 * np.log(1000) - 2 * model.loglik)
    ci = model.conf_int(0.05)
    assert np.allclose(ci.iloc[:, 0], model.params - 1.959964 * model.bse, rtol=1e-6)
    assert np.allclose(ci.iloc[:, 1], model.params + 1.959964 * model.bse, rtol=1e-6)


def test_summary_reports_fit_in_statsmodels_style(model):
    text = str(model.summary())
    for needle in [
        "ShiftedBetaGeometric results",
        "Log-likelihood:",
        "-1,611.1581",
        "AIC:",
        "Time unit:",
        "alpha",
        "beta",
        "0.6681",
        "3.8061",
        "No. observations:",
    ]:
        assert needle in text
    frame = model.summary_frame()
    assert list(frame.index) == ["alpha", "beta"]
    assert list(frame.columns)[:2] == ["coef", "std err"]
    assert isinstance(model.params, pd.Series) and list(model.params.index) == ["alpha", "beta"]
    assert "alpha=0.6681" in repr(model) and "period='Y'" in repr(model)
    assert repr(ShiftedBetaGeometric()) == "ShiftedBetaGeometric(not fitted)"


def test_base_errors():
    with pytest.raises(ParameterError, match="not fitted"):
        _ = ShiftedBetaGeometric().aic
    with pytest.raises(ParameterError, match="initial_params"):
        ShiftedBetaGeometric().fit(HIGH_END, initial_params=[-1.0, 2.0])
    with pytest.raises(ParameterError, match="initial_params"):
        ShiftedBetaGeometric().fit(HIGH_END, initial_params=[1.0])
    with pytest.raises(DataError, match="no observations"):
        ShiftedBetaGeometric()._fit_mle({"t": np.array([1.0]), "censored": np.array([0.0])}, [0.0])
    # A starting point where the likelihood underflows is refused with advice.
    with pytest.raises(ConvergenceError, match="initial_params"):
        ShiftedBetaGeometric().fit(HIGH_END, initial_params=[1e-300, 1e-300])


def test_compress_rows_matches_sorting_the_rows_as_records():
    # Independent reference: numpy's record-wise unique (lexicographic order, summed weights).
    rng = np.random.default_rng(7)
    data = {
        "x": rng.integers(0, 6, 3000).astype(float),
        "t_x": rng.integers(0, 4, 3000) / 7.0,
        "T": rng.integers(20, 25, 3000) / 7.0,
    }
    w = rng.random(3000)
    unique, summed = compress_rows(data, w)
    stacked = np.column_stack([data[k] for k in data])
    ref_rows, inverse = np.unique(stacked, axis=0, return_inverse=True)
    assert np.array_equal(np.column_stack([unique[k] for k in data]), ref_rows)
    assert np.allclose(summed, np.bincount(inverse.ravel(), weights=w))


class _GradSBG(ShiftedBetaGeometric):
    """The sBG with its gradient written out by hand (FH 2007 eqs. 5-6 differentiated).

    With psi the digamma function, d ln B(u, v)/du = psi(u) - psi(u + v).
    """

    def _loglik_grad_rows(self, params, data):
        alpha, beta = params
        t, censored = data["t"], data["censored"] > 0
        psi = special.digamma
        norm_a = psi(alpha + beta) - psi(alpha)
        norm_b = psi(alpha + beta) - psi(beta)
        churned_a = psi(alpha + 1.0) - psi(alpha + beta + t) + norm_a
        churned_b = psi(beta + t - 1.0) - psi(alpha + beta + t) + norm_b
        survived_a = psi(alpha) - psi(alpha + beta + t) + norm_a
        survived_b = psi(beta + t) - psi(alpha + beta + t) + norm_b
        return np.column_stack(
            [np.where(censored, survived_a, churned_a), np.where(censored, survived_b, churned_b)]
        )


def test_hand_gradient_matches_finite_differences():
    rows = {"t": np.array([1.0, 2.0, 5.0, 7.0, 7.0]), "censored": np.array([0, 0, 0, 0, 1.0])}
    theta = np.array([0.7, 3.8])
    grad = _GradSBG()._loglik_grad_rows(theta, rows)
    for i in range(2):
        step = np.eye(2)[i] * 1e-6
        up = ShiftedBetaGeometric()._loglik_rows(theta + step, rows)
        down = ShiftedBetaGeometric()._loglik_rows(theta - step, rows)
        assert np.allclose(grad[:, i], (up - down) / 2e-6, rtol=1e-7, atol=1e-8)


class _BrokenGradSBG(ShiftedBetaGeometric):
    """A gradient that is never finite: the analytic path fails and the fallback must run."""

    def _loglik_grad_rows(self, params, data):
        return np.full((len(next(iter(data.values()))), len(params)), np.nan)


def test_gradient_path_gives_the_same_fit_and_standard_errors(model):
    # The analytic-gradient path (L-BFGS-B with jac=, Hessian from gradient differences) must
    # land on the numerical path's optimum, and its standard errors on the hand-written Hessian's.
    assert ShiftedBetaGeometric()._has_gradient() is False
    graded = _GradSBG().fit(HIGH_END)
    assert graded._has_gradient() is True
    # The numerical path settles the parameters to ~1e-5 (its gradient is noisy); the analytic
    # one is at least as good a maximum.
    assert np.allclose(graded.params, model.params, rtol=1e-5)
    assert graded.loglik == pytest.approx(model.loglik, abs=1e-8)
    assert graded.loglik >= model.loglik - 1e-10
    assert np.allclose(graded.bse, model.bse, rtol=1e-4)
    assert graded.converged


def test_failed_gradient_path_falls_back_to_the_numerical_one(model):
    broken = _BrokenGradSBG().fit(HIGH_END)
    assert np.allclose(broken.params, model.params, rtol=1e-12)
    assert broken.loglik == pytest.approx(model.loglik, abs=1e-8)
    # The Hessian falls back to second differences of the likelihood, too.
    assert np.allclose(broken.bse, model.bse, rtol=1e-6)


def test_a_special_function_refusing_a_trial_point_is_a_convergence_error():
    # Seen on Ta Feng's two-month weekly summary: the Pareto/NBD optimiser wanders so far out
    # that scipy's quad raises "The input is invalid" (a raw ValueError, before this fix).
    from crmstudy.models.paretonbd import ParetoNBD

    class Runaway(ParetoNBD):
        calls = 0

        def _negloglik(self, params, data, weights):
            Runaway.calls += 1
            if Runaway.calls > 3:
                raise ValueError("The input is invalid.")
            return super()._negloglik(params, data, weights)

    summary = pd.DataFrame(
        {
            "frequency": [0, 2, 5, 1],
            "recency": [0.0, 10.0, 30.0, 3.0],
            "T": [39.0, 39.0, 39.0, 39.0],
        }
    )
    summary.attrs["period"] = "W"
    with pytest.raises(ConvergenceError, match="cannot be evaluated .*The input is invalid"):
        Runaway().fit(summary)


class _GammaSample(LikelihoodModel):
    """y ~ Gamma(shape k, rate theta): a two-parameter likelihood with a closed-form Hessian,
    to check the base's Newton path (chain rule to the log scale, covariance from the exact
    Hessian) against its L-BFGS-B path."""

    param_names = ("k", "theta")
    needs_period = False

    def _loglik_rows(self, params, data):
        k, theta = params
        y = data["y"]
        return k * np.log(theta) - special.gammaln(k) + (k - 1) * np.log(y) - theta * y

    def _loglik_grad_rows(self, params, data):
        k, theta = params
        y = data["y"]
        return np.column_stack([np.log(theta) - special.digamma(k) + np.log(y), k / theta - y])


class _GammaSampleNewton(_GammaSample):
    def _loglik_grad_hess_total(self, params, data, weights, order=2):
        k, theta = params
        ll = float(weights @ self._loglik_rows(params, data))
        grad = weights @ self._loglik_grad_rows(params, data)
        n = float(weights.sum())
        hess = np.array([[-n * special.polygamma(1, k), n / theta], [n / theta, -n * k / theta**2]])
        return ll, grad, hess


def test_newton_path_agrees_with_the_lbfgsb_path_and_its_covariance():
    y = np.random.default_rng(5).gamma(2.5, 1 / 0.8, size=3000)
    newton = _GammaSampleNewton()._fit_mle({"y": y})
    lbfgsb = _GammaSample()._fit_mle({"y": y})
    assert newton._optimizer_message.startswith("Newton")
    assert not lbfgsb._optimizer_message.startswith("Newton")
    assert newton.params.to_numpy() == pytest.approx(lbfgsb.params.to_numpy(), rel=1e-6)
    assert newton.llf == pytest.approx(lbfgsb.llf, abs=1e-8)
    assert newton.bse.to_numpy() == pytest.approx(lbfgsb.bse.to_numpy(), rel=1e-5)
    # The Gamma MLE solves log(k) - digamma(k) = log(mean y) - mean(log y), theta = k / mean y.
    target = np.log(y.mean()) - np.log(y).mean()
    k = newton.params["k"]
    assert np.log(k) - special.digamma(k) == pytest.approx(target, rel=1e-6)
    assert newton.params["theta"] == pytest.approx(k / y.mean(), rel=1e-6)
    # Its information matrix is n [[psi1(k), -1/theta], [-1/theta, k/theta^2]].
    theta = newton.params["theta"]
    info = len(y) * np.array([[special.polygamma(1, k), -1 / theta], [-1 / theta, k / theta**2]])
    assert newton.cov_params().to_numpy() == pytest.approx(np.linalg.inv(info), rel=1e-6)


def test_identification_messages_write_numbers_without_an_exponent():
    # The message reaches report pages (a failed fit is reported by name), which never show
    # scientific notation: a Pareto/NBD fit on Ta Feng runs to s ~ 1e6, beta ~ 1.6e8.
    fitted = ShiftedBetaGeometric()
    names = list(fitted.param_names)
    fitted.params = pd.Series([1_021_727.4, 0.5], index=names)
    fitted._bse = pd.Series([3.0, 0.1], index=names)
    fitted._hessian_pd = True
    edge = fitted._identification_problem()
    assert "ran to a boundary (alpha=1,021,727" in edge and "e+" not in edge
    fitted.params = pd.Series([2.0, 0.5], index=names)
    fitted._bse = pd.Series([2.0 * 1500.0, 0.1], index=names)
    ridge = fitted._identification_problem()
    assert "alpha=2.00 (log-scale std err 1,500" in ridge and "e+" not in ridge

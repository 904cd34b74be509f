"""Tests of the shifted-beta-geometric model against Fader & Hardie (2007, 2010).

Reference values: the published estimates of FH 2007 (Regular alpha = 0.704, beta = 1.182; High End
alpha = 0.668, beta = 3.806, fitted on years 0..7 of their Table 1), the actual survival of Table 1
for years 8..12, and independent computations written here: the paper's recursion for P(T = t)
(FH 2007 eq. 7), products of retention rates (eq. 8), direct truncated sums of discounted
survival, and numerical integration over the beta distribution of retention probabilities.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import integrate, stats

from crmstudy.datasets import fader_hardie_2007
from crmstudy.errors import ConvergenceError, DataError, ParameterError
from crmstudy.models.sbg import ShiftedBetaGeometric

# FH 2007, text and appendix B: maximum-likelihood estimates on years 0..7 of Table 1.
PUBLISHED = {"regular": (0.704, 1.182), "high_end": (0.668, 3.806)}


def alive_counts(segment: str, last_year: int = 7) -> np.ndarray:
    table = fader_hardie_2007()
    rows = table[(table["segment"] == segment) & (table["year"] <= last_year)]
    return rows.sort_values("year")["alive"].to_numpy()


def churn_pmf_recursion(alpha: float, beta: float, k: int) -> np.ndarray:
    """P(T = t), t = 1..k, by the recursion of FH 2007 eq. 7 (no beta functions)."""
    p = [alpha / (alpha + beta)]
    for t in range(2, k + 1):
        p.append(p[-1] * (beta + t - 2) / (alpha + beta + t - 1))
    return np.array(p)


def survival_by_products(alpha: float, beta: float, horizon: int) -> np.ndarray:
    """S(t), t = 0..horizon, as the product of retention rates r(1)..r(t) (FH 2007 eq. 8)."""
    s = [1.0]
    for t in range(1, horizon + 1):
        s.append(s[-1] * (beta + t - 1) / (alpha + beta + t - 1))
    return np.array(s)


def loglik_direct(alpha: float, beta: float, alive: np.ndarray) -> float:
    """FH 2007 appendix B, written out with the recursion: sum n_t ln P(T=t) + n_k ln S(k)."""
    k = len(alive) - 1
    pmf = churn_pmf_recursion(alpha, beta, k)
    churned = alive[:-1] - alive[1:]
    return float(churned @ np.log(pmf) + alive[-1] * np.log(1.0 - pmf.sum()))


def discounted_sum(alpha, beta, d, start, n_terms=20_000):
    """sum_{t>=start} S(t)/S(start-1 or 1) z^(t-start), truncated: the independent DEL/DERL."""
    s = survival_by_products(alpha, beta, start + n_terms)
    z = 1.0 / (1.0 + d)
    base = 1.0 if start == 0 else s[start - 1]
    return float(np.sum(s[start:] / base * z ** np.arange(len(s) - start)))


@pytest.fixture(scope="module")
def fitted():
    return {seg: ShiftedBetaGeometric().fit(alive_counts(seg), period="Y") for seg in PUBLISHED}


# --- estimation ---------------------------------------------------------------------------------
@pytest.mark.parametrize("segment", ["regular", "high_end"])
def test_fit_reproduces_published_estimates(fitted, segment):
    model = fitted[segment]
    alpha, beta = PUBLISHED[segment]
    # The paper reports three decimals.
    assert round(model.params["alpha"], 3) == alpha
    assert round(model.params["beta"], 3) == beta
    assert model.period == "Y"
    assert model.nobs == 1000


@pytest.mark.parametrize("segment", ["regular", "high_end"])
def test_loglik_matches_direct_computation_and_is_maximal(fitted, segment):
    model = fitted[segment]
    alive = alive_counts(segment)
    a, b = model.params
    assert model.loglik == pytest.approx(loglik_direct(a, b, alive), abs=1e-8)
    # No nearby point does better (it is the maximum), including the published rounded values.
    for da, db in [(0.01, 0), (-0.01, 0), (0, 0.01), (0, -0.01)]:
        assert model.loglik >= loglik_direct(a + da, b + db, alive)
    assert model.loglik >= loglik_direct(*PUBLISHED[segment], alive)
    # Values at the optimum, computed independently above: -1680.27 and -1611.16.
    expected = {"regular": -1680.2652, "high_end": -1611.1581}[segment]
    assert model.loglik == pytest.approx(expected, abs=5e-4)
    assert model.aic == pytest.approx(4 - 2 * model.loglik)


# --- predictions --------------------------------------------------------------------------------
def test_survival_retention_and_churn_agree_with_recursions():
    model = ShiftedBetaGeometric.from_params(alpha=0.668, beta=3.806)
    s = survival_by_products(0.668, 3.806, 12)
    assert np.allclose(model.survival(np.arange(13)), s, rtol=1e-12)
    assert np.allclose(
        model.churn_probability(np.arange(1, 13)), churn_pmf_recursion(0.668, 3.806, 12)
    )
    assert np.allclose(model.retention_rate(np.arange(1, 13)), s[1:] / s[:-1])
    # The retention rate rises with tenure although each customer's is constant (FH 2007 eq. 8).
    assert np.all(np.diff(model.retention_rate(np.arange(1, 30))) > 0)
    assert isinstance(model.survival(3), float)
    assert model.survival(0) == 1.0


@pytest.mark.parametrize("segment", ["regular", "high_end"])
def test_projection_to_year_12_matches_table_1(fitted, segment):
    # FH 2007 Table 1 actuals for years 8..12, as % of the cohort; the sBG fitted on years 0..7
    # tracks them to within 2 percentage points (FH 2007 Figures 5-6 show the same closeness;
    # measured here: at most 0.3 points for Regular and 1.6 for High End).
    actual = alive_counts(segment, 12)[8:] / 10.0
    projected = 100 * fitted[segment].survival(np.arange(8, 13))
    assert np.max(np.abs(projected - actual)) < 2.0
    frame = fitted[segment].projection(12)
    assert list(frame.columns) == [
        "t",
        "survival",
        "expected_alive",
        "retention_rate",
        "churn_probability",
        "observed_alive",
    ]
    assert frame["expected_alive"].iloc[12] == pytest.approx(10 * projected[-1])
    assert frame["observed_alive"].iloc[:8].tolist() == alive_counts(segment).tolist()
    assert frame["observed_alive"].iloc[8:].isna().all()
    assert frame.attrs["period"] == "Y"


def test_expected_lifetime_closed_form_and_divergence():
    # alpha > 1: E[T] = (alpha + beta - 1) / (alpha - 1); check against a long direct sum.
    model = ShiftedBetaGeometric.from_params(alpha=3.0, beta=5.0)
    s = survival_by_products(3.0, 5.0, 200_000)
    assert model.expected_lifetime() == pytest.approx(7.0 / 2.0)
    assert model.expected_lifetime() == pytest.approx(s.sum(), rel=1e-6)
    assert model.expected_lifetime(horizon=10) == pytest.approx(s[:10].sum())
    # alpha <= 1 (both FH 2007 segments): the undiscounted mean lifetime is infinite.
    assert math.isinf(ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182).expected_lifetime())


@pytest.mark.parametrize("alpha,beta", [(0.704, 1.182), (0.668, 3.806), (3.0, 15.0)])
@pytest.mark.parametrize("d", [0.1, 0.02, 0.25])
def test_del_and_derl_match_direct_truncated_sums(alpha, beta, d):
    model = ShiftedBetaGeometric.from_params(alpha=alpha, beta=beta)
    assert model.discounted_expected_lifetime(d) == pytest.approx(
        discounted_sum(alpha, beta, d, start=0), rel=1e-9
    )
    renewals = np.array([0, 1, 4, 10])
    derl = model.discounted_expected_residual_lifetime(d, renewals)
    direct = [discounted_sum(alpha, beta, d, start=n + 1) for n in renewals]
    assert np.allclose(derl, direct, rtol=1e-9)
    # DEL = 1 + DERL(after 0 renewals) / (1 + d): the first payment, then the rest discounted.
    assert model.discounted_expected_lifetime(d) == pytest.approx(1 + derl[0] / (1 + d))
    # Survivors are better customers: DERL rises with the number of renewals (sorting effect).
    assert np.all(np.diff(derl) > 0)


def test_derl_in_the_region_where_scipy_hyp2f1_fails():
    # alpha = 1 makes c - a - b = 0 in 2F1(1, beta; alpha + beta; z); scipy's hyp2f1 returns a
    # negative value at z = 1/1.001 there. The direct sum is the referee.
    model = ShiftedBetaGeometric.from_params(alpha=1.0, beta=1.18)
    d = 0.001
    assert model.discounted_expected_lifetime(d) == pytest.approx(
        discounted_sum(1.0, 1.18, d, start=0, n_terms=60_000), rel=1e-6
    )


def test_del_at_zero_discount_is_the_expected_lifetime():
    model = ShiftedBetaGeometric.from_params(alpha=3.0, beta=5.0)
    assert model.discounted_expected_lifetime(0.0) == pytest.approx(3.5)
    assert model.discounted_expected_lifetime(1e-6) == pytest.approx(3.5, rel=1e-4)
    zero_rate = ShiftedBetaGeometric.from_params(alpha=0.7, beta=1.2)
    assert math.isinf(zero_rate.discounted_expected_lifetime(0))


def _derl_by_integration(alpha, beta, d, renewals, scale=1.0):
    """E[c p / (1 - c p z)] over survivors' retention p ~ Beta(beta + renewals, alpha)."""
    z = 1.0 / (1.0 + d)
    density = stats.beta(beta + renewals, alpha).pdf
    value, _ = integrate.quad(lambda p: scale * p / (1 - scale * p * z) * density(p), 0, 1)
    return value


@pytest.mark.parametrize("renewals,d", [(0, 0.1), (3, 0.1), (2, 0.02)])
def test_residual_lifetime_elasticity_against_numerical_integration(renewals, d):
    alpha, beta = 1.5, 4.0
    model = ShiftedBetaGeometric.from_params(alpha=alpha, beta=beta)
    base = _derl_by_integration(alpha, beta, d, renewals)
    assert model.discounted_expected_residual_lifetime(d, renewals) == pytest.approx(base, rel=1e-7)
    up = _derl_by_integration(alpha, beta, d, renewals, scale=1.01)
    arc = (up / base - 1) / 0.01
    assert model.residual_lifetime_elasticity(d, renewals, increase=0.01) == pytest.approx(arc, rel=1e-6)
    h = 1e-5
    point = (
        _derl_by_integration(alpha, beta, d, renewals, 1 + h)
        - _derl_by_integration(alpha, beta, d, renewals, 1 - h)
    ) / (2 * h * base)
    assert model.residual_lifetime_elasticity(d, renewals, increase=0) == pytest.approx(point, rel=1e-5)


def test_residual_lifetime_elasticity_homogeneous_limit():
    # With alpha, beta -> infinity at a fixed mean, everyone has retention r: elasticity 1/(1 - r z).
    r, d = 0.8, 0.1
    model = ShiftedBetaGeometric.from_params(alpha=1e6 * (1 - r), beta=1e6 * r)
    assert model.residual_lifetime_elasticity(d, 0, increase=0) == pytest.approx(
        1 / (1 - r / (1 + d)), rel=1e-4
    )
    with pytest.raises(ParameterError, match="infinite"):
        model.residual_lifetime_elasticity(0.005, 0, increase=0.01)


# --- validation ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "alive,match",
    [
        ([1000, 800, 850, 700], "rises from 800 at t = 1 to 850 at t = 2"),
        ([1000, 800.5, 700], "not a whole number"),
        ([1000, 800], "at least two periods"),
        ([0, 0, 0], "cohort size"),
        ([1000, -5, -10], "negative"),
        ([1000, np.nan, 700], "finite"),
        ([1000, 1000, 1000], "no customer of the cohort churned"),
        ([1000, 0, 0], "first period"),
        ("1000 800 700", "1-d sequence"),
    ],
)
def test_fit_rejects_invalid_alive_counts(alive, match):
    with pytest.raises(DataError, match=match):
        ShiftedBetaGeometric().fit(alive)


def test_parameter_errors():
    model = ShiftedBetaGeometric.from_params(alpha=0.7, beta=1.2)
    with pytest.raises(ParameterError, match="discount_rate"):
        model.discounted_expected_lifetime(-0.1)
    with pytest.raises(ParameterError, match="renewals"):
        model.discounted_expected_residual_lifetime(0.1, 1.5)
    with pytest.raises(
        ParameterError, match=r"t=-1 is outside the allowed range: whole numbers >= 0"
    ):
        model.survival(-1)
    with pytest.raises(ParameterError, match=">= 1"):
        model.retention_rate(0)
    with pytest.raises(ParameterError, match="from_params"):
        model.summary()
    with pytest.raises(ParameterError, match="period"):
        ShiftedBetaGeometric().fit(alive_counts("regular"), period="year")
    with pytest.raises(ParameterError, match="alpha"):
        ShiftedBetaGeometric.from_params(alpha=0.0, beta=1.0)
    with pytest.raises(ParameterError, match="not fitted"):
        ShiftedBetaGeometric().survival(1)


def test_degenerate_cohort_raises_convergence_error():
    # Half leave in period 1, nobody after: alpha and beta run to 0.
    with pytest.raises(ConvergenceError, match="churn stops abruptly"):
        ShiftedBetaGeometric().fit([100, 50, 50])


def test_churn_density_of_survivors_is_bayes_updated():
    # Survivors of t renewals: density proportional to (1 - theta)^t times the prior density.
    model = ShiftedBetaGeometric.from_params(alpha=0.668, beta=3.806)
    prior = stats.beta(0.668, 3.806)
    theta = np.linspace(0.01, 0.99, 99)
    for t in (0, 3, 7):
        norm = integrate.quad(lambda x, t=t: prior.pdf(x) * (1 - x) ** t, 0, 1)[0]
        expected = prior.pdf(theta) * (1 - theta) ** t / norm
        assert model.churn_density(theta, t) == pytest.approx(expected, rel=1e-6)
    # Mean churn of survivors = 1 - r(t + 1).
    norm7 = integrate.quad(lambda x: prior.pdf(x) * (1 - x) ** 7, 0, 1)[0]
    mean7 = integrate.quad(lambda x: x * prior.pdf(x) * (1 - x) ** 7, 0, 1)[0] / norm7
    assert mean7 == pytest.approx(1 - model.retention_rate(8), rel=1e-6)


# --- models built from parameters (issue 14) ------------------------------------------------------
def test_from_params_without_data_says_what_is_missing():
    model = ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182)
    for call, what in [
        (lambda: model.aic, "aic"),
        (lambda: model.bic, "bic"),
        (lambda: model.conf_int(), "conf_int"),
        (lambda: model.summary(), "summary"),
    ]:
        with pytest.raises(ParameterError, match=rf"{what}.*from_params"):
            call()
    with pytest.raises(ParameterError, match="cohort size"):
        model.expected_alive(3)
    # What needs no data works: the projection without counts, expected_alive with a size.
    frame = model.projection(12)
    assert list(frame.columns) == ["t", "survival", "retention_rate", "churn_probability"]
    assert frame["survival"].iloc[12] == pytest.approx(survival_by_products(0.704, 1.182, 12)[-1])
    assert model.expected_alive(12, cohort_size=1000) == pytest.approx(
        1000 * frame["survival"].iloc[12]
    )


def test_from_params_with_cohort_size_and_alive():
    sized = ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182, cohort_size=1000)
    assert sized.expected_alive(0) == 1000
    assert "expected_alive" in sized.projection(5).columns
    alive = alive_counts("regular")
    with_data = ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182, alive=alive)
    frame = with_data.projection(12)
    assert frame["observed_alive"].iloc[:8].tolist() == alive.tolist()
    assert frame["expected_alive"].iloc[3] == pytest.approx(1000 * with_data.survival(3))
    with pytest.raises(ParameterError, match="contradicts"):
        ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182, alive=alive, cohort_size=500)
    with pytest.raises(ParameterError, match="cohort_size"):
        ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182, cohort_size=0)


def test_retention_elasticity_is_a_deprecated_alias():
    model = ShiftedBetaGeometric.from_params(alpha=1.5, beta=4.0)
    with pytest.warns(DeprecationWarning, match="residual_lifetime_elasticity"):
        old = model.retention_elasticity(0.1, 2, increase=0)
    assert old == model.residual_lifetime_elasticity(0.1, 2, increase=0)


def test_from_params_old_positional_form_warns_and_agrees():
    with pytest.warns(DeprecationWarning, match=r"alpha=\.\.\., beta=\.\.\."):
        old = ShiftedBetaGeometric.from_params(0.704, 1.182, "Y")
    new = ShiftedBetaGeometric.from_params(alpha=0.704, beta=1.182, period="Y")
    assert old.params.equals(new.params) and old.period == new.period == "Y"
    assert ShiftedBetaGeometric.from_params({"alpha": 0.704, "beta": 1.182}).params.equals(
        new.params
    )


# --- prediction intervals (issue 16) --------------------------------------------------------------
def _simulated_alive(alpha, beta, n, k, rng):
    """One cohort from the sBG story: theta ~ Beta(alpha, beta), churn period ~ Geometric(theta)."""
    theta = rng.beta(alpha, beta, size=n)
    churn_at = rng.geometric(theta)  # 1, 2, ...: the period in which the customer leaves
    return np.array([(churn_at > t).sum() for t in range(k + 1)])


def test_asymptotic_intervals_cover_the_truth_at_the_nominal_rate():
    # 200 cohorts of 1,000 simulated from FH 2007's Regular estimates, fitted on t = 0..7: the 90%
    # interval for year-12 survival (an extrapolation, five years past the data) must cover the
    # true value in about 90% of them. Monte Carlo sd of the coverage: sqrt(0.9 * 0.1 / 200) =
    # 0.021; allow 3 sd.
    alpha, beta = 0.704, 1.182
    s12 = ShiftedBetaGeometric.from_params(alpha=alpha, beta=beta).survival(12)
    rng = np.random.default_rng(2026)
    hits, n_sims = 0, 200
    for i in range(n_sims):
        model = ShiftedBetaGeometric().fit(_simulated_alive(alpha, beta, 1000, 7, rng))
        band = model.survival(12, interval=0.9, n_draws=200, seed=i).iloc[0]
        hits += band["lower"] <= s12 <= band["upper"]
    print(f"coverage of the 90% interval for S(12): {hits / n_sims:.3f}")
    assert abs(hits / n_sims - 0.9) < 0.065, hits / n_sims


def test_intervals_shrink_with_the_cohort_size():
    # The same survival shares with 10 times the customers: widths shrink by about sqrt(10).
    alive = alive_counts("regular")
    small = ShiftedBetaGeometric().fit(alive)
    large = ShiftedBetaGeometric().fit(10 * alive)
    assert large.params.to_numpy() == pytest.approx(small.params.to_numpy(), rel=1e-4)
    width = {}
    for name, model in (("small", small), ("large", large)):
        band = model.survival(12, interval=0.9, n_draws=2000, seed=1).iloc[0]
        width[name] = band["upper"] - band["lower"]
    assert width["large"] / width["small"] == pytest.approx(1 / np.sqrt(10), rel=0.1)


def test_interval_shapes_and_methods(fitted):
    model = fitted["regular"]
    t = np.array([8, 12])
    band = model.survival(t, interval=0.9, n_draws=300, seed=3)
    assert list(band.columns) == ["estimate", "lower", "upper"]
    assert band.index.tolist() == [8, 12] and band.index.name == "t"
    assert band["estimate"].to_numpy() == pytest.approx(model.survival(t))
    assert (band["lower"] < band["estimate"]).all() and (band["estimate"] < band["upper"]).all()
    assert band.attrs["method"] == "asymptotic" and band.attrs["interval"] == 0.9
    # Seeded: the same draws give the same interval.
    assert band.equals(model.survival(t, interval=0.9, n_draws=300, seed=3))
    rates = model.retention_rate(12, interval=0.8, n_draws=300, seed=3)
    assert rates.index.tolist() == [12]
    derl = model.discounted_expected_residual_lifetime(0.1, [0, 7], interval=0.9, n_draws=300)
    assert derl.index.name == "renewals" and derl.index.tolist() == [0, 7]
    # The bootstrap refits on resampled customers; its interval is close to the asymptotic one.
    boot = model.discounted_expected_lifetime(0.1, interval=0.9, method="bootstrap",
                                              n_draws=200, seed=4)
    asym = model.discounted_expected_lifetime(0.1, interval=0.9, n_draws=2000, seed=4)
    assert boot.attrs["method"] == "bootstrap" and boot.attrs["n_failed"] == 0
    assert boot["upper"] - boot["lower"] == pytest.approx(asym["upper"] - asym["lower"], rel=0.25)
    frame = model.projection(12, interval=0.9, n_draws=300, seed=5)
    for col in ("survival", "retention_rate", "expected_alive"):
        assert (frame[f"{col}_lower"].iloc[1:] <= frame[col].iloc[1:]).all()
        assert (frame[col].iloc[1:] <= frame[f"{col}_upper"].iloc[1:]).all()
    assert frame["expected_alive_upper"].iloc[12] == pytest.approx(
        1000 * frame["survival_upper"].iloc[12]
    )
    assert frame.attrs["interval"] == 0.9 and frame.attrs["n_failed"] == 0
    with pytest.raises(ParameterError, match="needs the data.*from_params"):
        ShiftedBetaGeometric.from_params(alpha=0.7, beta=1.2).survival(3, interval=0.9)


@pytest.mark.slow
def test_bootstrap_intervals_cover_the_truth():
    # As the asymptotic coverage test, with the bootstrap (customers resampled, refitted): 150
    # cohorts of 1,000 from FH 2007's Regular estimates, 200 refits each; the 90% interval for
    # year-12 survival must cover the truth in about 90% of them (MC sd 0.024; allow 3 sd).
    alpha, beta = 0.704, 1.182
    s12 = ShiftedBetaGeometric.from_params(alpha=alpha, beta=beta).survival(12)
    rng = np.random.default_rng(7)
    hits, failed, n_sims = 0, 0, 150
    for i in range(n_sims):
        model = ShiftedBetaGeometric().fit(_simulated_alive(alpha, beta, 1000, 7, rng))
        band = model.survival(12, interval=0.9, method="bootstrap", n_draws=200, seed=i)
        failed += band.attrs["n_failed"]
        row = band.iloc[0]
        hits += row["lower"] <= s12 <= row["upper"]
    print(f"bootstrap coverage of the 90% interval for S(12): {hits / n_sims:.3f}; failed {failed}")
    assert abs(hits / n_sims - 0.9) < 0.073, hits / n_sims


def test_alive_count_interval_covers_a_new_cohort():
    # Fit on one simulated cohort, predict how many of a *new* cohort of 1,000 are active at
    # t = 5 and t = 10; the new cohort is simulated independently. Over 200 repetitions the 90%
    # predictive interval covers the new count at least about 90% of the time (the count is
    # discrete, so coverage may exceed 90% a little), and it is wider than the interval of the
    # expected count, which leaves out the cohort's own randomness.
    alpha, beta = 0.704, 1.182
    rng = np.random.default_rng(99)
    hits = np.zeros(2)
    n_sims = 200
    for i in range(n_sims):
        model = ShiftedBetaGeometric().fit(_simulated_alive(alpha, beta, 1000, 7, rng))
        band = model.alive_count_interval([5, 10], 1000, interval=0.9, n_draws=300, seed=i)
        new = _simulated_alive(alpha, beta, 1000, 10, rng)[[5, 10]]
        hits += (band["lower"].to_numpy() <= new) & (new <= band["upper"].to_numpy())
    coverage = hits / n_sims
    assert np.all(coverage > 0.9 - 0.065) and np.all(coverage < 0.97), coverage
    fitted = ShiftedBetaGeometric().fit(alive_counts("regular"))
    predictive = fitted.alive_count_interval(12, interval=0.9, n_draws=2000, seed=1).iloc[0]
    expected = fitted.projection(12, interval=0.9, n_draws=2000, seed=1).iloc[12]
    assert predictive["estimate"] == pytest.approx(expected["expected_alive"])
    assert (predictive["upper"] - predictive["lower"]) > (
        expected["expected_alive_upper"] - expected["expected_alive_lower"]
    )


def test_discount_period_converts_the_rate():
    # A monthly model with an annual 10% rate: the same as 1.1^(1/12) - 1 per month, by hand.
    monthly = ShiftedBetaGeometric.from_params(alpha=0.7, beta=12.0, period="M")
    per_month = 1.1 ** (1 / 12) - 1
    assert monthly.discounted_expected_lifetime(0.1, discount_period="Y") == pytest.approx(
        discounted_sum(0.7, 12.0, per_month, start=0, n_terms=60_000), rel=1e-6
    )
    assert monthly.discounted_expected_residual_lifetime(
        0.1, 2, discount_period="Y"
    ) == pytest.approx(monthly.discounted_expected_residual_lifetime(per_month, 2), rel=1e-12)
    assert monthly.residual_lifetime_elasticity(
        0.1, 0, increase=0, discount_period="Y"
    ) == pytest.approx(monthly.residual_lifetime_elasticity(per_month, 0, increase=0))
    # The model's own period: no conversion.
    yearly = ShiftedBetaGeometric.from_params(alpha=0.7, beta=1.2)
    assert yearly.discounted_expected_lifetime(0.1, discount_period="Y") == (
        yearly.discounted_expected_lifetime(0.1)
    )
    with pytest.raises(ParameterError, match="period"):
        yearly.discounted_expected_lifetime(0.1, discount_period="year")

"""Static covariates in BG/NBD, Pareto/NBD and the sBG (crmstudy.models.covariates).

References: the sBG fits of Fader & Hardie (2007) to their Regular and High End segments
(log-likelihoods -1680.27 and -1611.16 at alpha = 0.704, beta = 1.182 and alpha = 0.668,
beta = 3.806), which a joint fit with a segment dummy on both parameters must reproduce; the base
models' own fits (coefficients at zero give their likelihood); and simulated customer bases with
known coefficients (crmstudy.simulate, one group per covariate value).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from crmstudy.datasets import fader_hardie_2007
from crmstudy.errors import DataError, ParameterError
from crmstudy.models.bgnbd import BGNBD
from crmstudy.models.covariates import (
    BGNBDCovariates,
    ParetoNBDCovariates,
    SBGCovariates,
    log_first_purchase,
    sbg_cohort_rows,
)
from crmstudy.models.paretonbd import ParetoNBD
from crmstudy.models.sbg import ShiftedBetaGeometric
from crmstudy.simulate import simulate_bgnbd, simulate_paretonbd

X_VALUES = (-1.0, 0.0, 1.0)


def _alive(segment):
    table = fader_hardie_2007()
    rows = table[(table["segment"] == segment) & (table["year"] <= 7)]
    return rows.sort_values("year")["alive"].tolist()


@pytest.fixture(scope="module")
def segments():
    alive = {seg: _alive(seg) for seg in ("regular", "high_end")}
    covariates = pd.DataFrame({"high_end": [0.0, 1.0]}, index=["regular", "high_end"])
    return alive, covariates


def _simulated(simulate, base, coef, links, n=1500, seed=0):
    """A base with one covariate x in {-1, 0, 1}: each group simulated at its own parameters."""
    frames = []
    for j, x in enumerate(X_VALUES):
        params = dict(base)
        for name, g in coef.items():
            params[name] = base[name] * np.exp(links[name] * g * x)
        frame = simulate(n, params, T=52.0, seed=seed + j)
        frame.index = [f"{j}-{i}" for i in frame.index]
        frame["x"] = x
        frames.append(frame)
    summary = pd.concat(frames)
    summary.attrs["period"] = "W"
    return summary


@pytest.fixture(scope="module")
def bgnbd_base():
    base = {"r": 0.8, "alpha": 5.0, "a": 0.9, "b": 2.5}
    coef = {"alpha": 0.5, "a": -0.4, "b": 0.3}
    return _simulated(simulate_bgnbd, base, coef, BGNBDCovariates.links, seed=10), coef


@pytest.fixture(scope="module")
def pareto_base():
    base = {"r": 0.6, "alpha": 8.0, "s": 0.8, "beta": 10.0}
    coef = {"alpha": 0.4, "beta": -0.5}
    return _simulated(simulate_paretonbd, base, coef, ParetoNBDCovariates.links, seed=20), coef


# --- the sBG with the segment as a covariate ---------------------------------------------------
def test_sbg_segment_covariate_equals_the_two_separate_fits(segments):
    alive, covariates = segments
    joint = SBGCovariates(on={"alpha": ["high_end"], "beta": ["high_end"]}).fit(alive, covariates)
    separate = {seg: ShiftedBetaGeometric().fit(alive[seg]) for seg in alive}
    # FH 2007: -1680.27 (Regular) + -1611.16 (High End).
    assert joint.loglik == pytest.approx(-1680.27 + -1611.16, abs=0.01)
    assert joint.loglik == pytest.approx(
        separate["regular"].loglik + separate["high_end"].loglik, abs=1e-6
    )
    for seg, x in (("regular", 0.0), ("high_end", 1.0)):
        implied = joint.model_for({"high_end": x}).params
        assert implied.to_numpy() == pytest.approx(separate[seg].params.to_numpy(), rel=1e-4)
    # The published estimates, three decimals (FH 2007).
    high = joint.model_for({"high_end": 1.0}).params
    assert (round(high["alpha"], 3), round(high["beta"], 3)) == (0.668, 3.806)
    assert joint.converged and (joint.bse > 0).all()


def test_sbg_lr_test_against_the_pooled_cohort(segments):
    alive, covariates = segments
    joint = SBGCovariates().fit(alive, covariates)
    # The null model: one (alpha, beta) for both segments, i.e. the sBG on the summed counts.
    pooled = ShiftedBetaGeometric().fit(np.add(alive["regular"], alive["high_end"]))
    test = joint.lr_test()
    assert test["llf_restricted"] == pytest.approx(pooled.loglik, abs=1e-6)
    assert test["statistic"] == pytest.approx(2 * (joint.loglik - pooled.loglik), abs=1e-5)
    assert test["df"] == 2
    assert test["p_value"] == pytest.approx(stats.chi2.sf(test["statistic"], 2))
    assert test["p_value"] < 1e-6  # the segments differ (High End churns less)


def test_sbg_cohort_rows_follow_appendix_b():
    rows = sbg_cohort_rows({"a": [100, 60, 40], "b": [50, 30]})
    assert rows["count"].tolist() == [40, 20, 40, 20, 30]
    assert rows["censored"].tolist() == [0, 0, 1, 0, 1]
    assert rows["t"].tolist() == [1, 2, 2, 1, 1]
    with pytest.raises(DataError, match="alive"):
        sbg_cohort_rows({})


# --- coefficients at zero give the model without covariates ------------------------------------
def test_zero_coefficients_give_the_base_loglik_bgnbd(bgnbd_base):
    summary, _ = bgnbd_base
    model = BGNBDCovariates().fit(summary, summary[["x"]])
    base = BGNBD().fit(summary)
    at_zero = np.concatenate((base.params.to_numpy(), np.zeros(3)))
    assert model.loglik_at(at_zero) == pytest.approx(base.loglik, rel=1e-13)
    assert model.lr_test()["llf_restricted"] == base.loglik


def test_zero_coefficients_give_the_base_loglik_pareto_and_sbg(pareto_base, segments):
    summary, _ = pareto_base
    model = ParetoNBDCovariates().fit(summary, summary[["x"]])
    base = ParetoNBD().fit(summary)
    at_zero = np.concatenate((base.params.to_numpy(), np.zeros(2)))
    assert model.loglik_at(at_zero) == pytest.approx(base.loglik, rel=1e-13)
    alive, covariates = segments
    sbg = SBGCovariates().fit(alive, covariates)
    pooled = ShiftedBetaGeometric().fit(np.add(alive["regular"], alive["high_end"]))
    assert sbg.loglik_at([*pooled.params, 0.0, 0.0]) == pytest.approx(pooled.loglik, rel=1e-13)


# --- recovery from simulated data --------------------------------------------------------------
@pytest.mark.parametrize("which", ["bgnbd", "pareto"])
def test_coefficients_recovered_within_standard_errors(which, bgnbd_base, pareto_base):
    summary, coef = bgnbd_base if which == "bgnbd" else pareto_base
    cls = BGNBDCovariates if which == "bgnbd" else ParetoNBDCovariates
    model = cls().fit(summary, summary[["x"]])
    assert model.converged
    table = model.coefficients
    for name, true in coef.items():
        row = table.loc[f"{name}:x"]
        # Within 3 standard errors (a 0.3% two-sided miss rate per coefficient if the SEs are
        # right), and the SE is small enough to tell the coefficient from 0.
        assert abs(row["coef"] - true) < 3 * row["std_err"], (name, row["coef"], true)
        assert row["std_err"] < abs(true) / 2
    assert model.lr_test()["p_value"] < 1e-6
    assert set(model.implied_params().columns) == set(cls.base_class.param_names)


def test_an_irrelevant_covariate_is_not_significant(bgnbd_base):
    summary, _ = bgnbd_base
    noise = pd.DataFrame(
        {"noise": np.random.default_rng(5).normal(size=len(summary))}, index=summary.index
    )
    model = BGNBDCovariates(on={"alpha": ["noise"]}).fit(summary, noise)
    test = model.lr_test()
    assert test["df"] == 1
    assert test["p_value"] > 0.01


def test_penalty_shrinks_coefficients_and_refuses_the_lr_test(bgnbd_base):
    summary, _ = bgnbd_base
    plain = BGNBDCovariates(on={"alpha": ["x"]}).fit(summary, summary[["x"]])
    shrunk = BGNBDCovariates(on={"alpha": ["x"]}, penalty=5_000.0).fit(summary, summary[["x"]])
    g_plain, g_shrunk = plain.params["alpha:x"], shrunk.params["alpha:x"]
    assert 0 < g_shrunk < g_plain
    # The penalised optimum has lower likelihood, but not by more than the penalty it saves.
    assert shrunk.loglik < plain.loglik
    assert plain.loglik - shrunk.loglik < 0.5 * 5_000.0 * (g_plain**2 - g_shrunk**2)
    with pytest.raises(ParameterError, match="penalty"):
        shrunk.lr_test()


def test_bad_covariates_are_refused(bgnbd_base, segments):
    summary, _ = bgnbd_base
    with pytest.raises(DataError, match="no row"):
        BGNBDCovariates().fit(summary, summary[["x"]].iloc[:10])
    bad = summary[["x"]].copy()
    bad.iloc[3, 0] = np.nan
    with pytest.raises(DataError, match="'x'.*not finite"):
        BGNBDCovariates().fit(summary, bad)
    with pytest.raises(ParameterError, match="choices: alpha, a, b"):
        BGNBDCovariates(on={"r": ["x"]})
    with pytest.raises(DataError, match="not columns"):
        BGNBDCovariates(on={"a": ["age"]}).fit(summary, summary[["x"]])
    alive, covariates = segments
    with pytest.raises(ParameterError, match="penalty"):
        SBGCovariates(penalty=-1.0)
    with pytest.raises(DataError, match="DataFrame"):
        SBGCovariates().fit(alive, [0, 1])


def test_param_draws_and_intervals_on_implied_parameters(bgnbd_base):
    from crmstudy.models._intervals import interval_from_draws

    summary, _ = bgnbd_base
    model = BGNBDCovariates().fit(summary, summary[["x"]])
    draws = model.param_draws(4000, seed=3)
    assert list(draws.columns) == list(model.param_names)
    # The draws' covariance matches the fit's (natural scale for the coefficients, which are
    # drawn as they are; base parameters on the log scale, so their spread is close to the SE).
    assert draws["alpha:x"].std() == pytest.approx(model.bse["alpha:x"], rel=0.05)
    assert draws["r"].std() == pytest.approx(model.bse["r"], rel=0.1)
    rows = pd.DataFrame({"x": [-1.0, 1.0]})
    band = interval_from_draws(
        model, lambda m: m.implied_params(rows)["a"].to_numpy(), interval=0.9, draws=draws
    )
    assert (band["lower"] < band["estimate"]).all() and (band["estimate"] < band["upper"]).all()
    with pytest.raises(ParameterError, match="asymptotic"):
        model.param_draws(10, method="bootstrap")


def test_log_first_purchase():
    log = pd.DataFrame(
        {
            "customer_id": ["a", "a", "a", "b", "b"],
            "date": pd.to_datetime(
                ["2000-01-02", "2000-01-02", "2000-02-01", "2000-01-05", "2000-01-09"]
            ),
            "amount": [10.0, 30.0, 5.0, 100.0, 1.0],
        }
    )
    got = log_first_purchase(log)
    # a: 10 + 30 on the first day; b: 100. log(1 + amount), centred at the mean.
    mean = (np.log(41) + np.log(101)) / 2
    assert got.loc["a"] == pytest.approx(np.log(41) - mean)
    assert got.loc["b"] == pytest.approx(np.log(101) - mean)
    assert got.attrs["mean_log"] == pytest.approx(mean)
    free = log_first_purchase(log.assign(amount=[0.0, 0.0, 5.0, 100.0, 1.0]), centre=False)
    assert free.loc["a"] == 0.0  # a free first purchase stays in
    assert free.loc["b"] == pytest.approx(np.log(101))


def test_latent_means_of_the_bgnbd(bgnbd_base):
    summary, coef = bgnbd_base
    model = BGNBDCovariates().fit(summary, summary[["x"]])
    means = model.latent_means(pd.DataFrame({"x": [0.0, 1.0]}))
    p = model.params
    assert means["purchase_rate"].iloc[0] == pytest.approx(p["r"] / p["alpha"])
    a1, b1 = p["a"] * np.exp(p["a:x"]), p["b"] * np.exp(p["b:x"])
    assert means["dropout_probability"].iloc[1] == pytest.approx(a1 / (a1 + b1))
    # Simulated with a positive alpha coefficient: x = 1 buys faster (r / (alpha e^-g)).
    assert means["purchase_rate"].iloc[1] > means["purchase_rate"].iloc[0]

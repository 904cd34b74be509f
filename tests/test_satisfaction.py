"""Tests for crmstudy.satisfaction: the satisfaction-loyalty curve, the segments, the recovery of
the survey simulation's parameters (crmstudy.survey, tested in test_survey.py) by the statsmodels
analyses, and the real-survey tools of Jones & Sasser's claim.

Reference values are hand computations (segments, loyal shares, Wilson limits), a published
example (Newcombe 1998), the simulation's own known parameters (recovery within 3 standard errors
from a large seeded sample), and independent computations (fitted parameters plugged into the
logistic function by hand, formula logits for the likelihood-ratio test, Gupta & Lehmann's
multiple by hand).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from test_value import within  # the k-standard-error check both modules' tests use

from crmstudy import satisfaction
from crmstudy.errors import ConvergenceError, DataError, ParameterError
from crmstudy.satisfaction import (
    SEGMENT_LABELS,
    fit_defection_models,
    fit_satisfaction_model,
    label_satisfaction,
    parameter_recovery,
    predicted_retention,
    retention_by_satisfaction,
    satisfaction_gain_value,
    satisfaction_segments,
    satisfaction_thresholds,
    top_gap,
)
from crmstudy.survey import true_parameters
from crmstudy.value import DRIVERS


# ---------------------------------------------------------------------------------------------
# Recovery of the generative parameters
# ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def high_fit(survey_high):
    return fit_defection_models(survey_high)


@pytest.fixture(scope="module")
def low_fit(survey_low):
    return fit_defection_models(survey_low)


def test_ordered_logit_recovers_drivers_and_thresholds(survey_high):
    res = fit_satisfaction_model(survey_high)
    tp = survey_high.attrs["true_params"]
    beta = [tp["satisfaction_coef"][j] for j in DRIVERS]
    within(res.params[list(DRIVERS)], beta, res.bse[list(DRIVERS)])
    # statsmodels' threshold parameters: tau_1, then log increments (computed here by hand)
    tau = np.array(tp["thresholds"])
    raw_true = np.r_[tau[0], np.log(np.diff(tau))]
    within(res.params.iloc[len(DRIVERS) :], raw_true, res.bse.iloc[len(DRIVERS) :])
    np.testing.assert_allclose(satisfaction_thresholds(res), tau, atol=0.2)


@pytest.mark.parametrize("which", ["high", "low"])
def test_defection_logit_recovers_level_effects_and_switching_cost(which, request):
    survey = request.getfixturevalue(f"survey_{which}")
    fit = request.getfixturevalue(f"{which}_fit")
    tp = survey.attrs["true_params"]
    names = [f"sat_{k}" for k in range(1, 6)]
    within(
        fit.categorical.params[names],
        [tp["defection_logits"][k] for k in range(1, 6)],
        fit.categorical.bse[names],
    )
    within(
        fit.categorical.params["switching_cost"],
        -tp["switching_cost_effect"],
        fit.categorical.bse["switching_cost"],
    )


def test_linear_logit_fails_only_where_the_curve_bends(high_fit, low_fit):
    # High competition: the level effects are far from a line, so the LR test rejects and AIC
    # prefers the categorical model.
    assert high_fit.lr_df == 3
    assert high_fit.lr_pvalue < 1e-10
    cmp = high_fit.comparison
    assert cmp.loc["categorical", "aic"] < cmp.loc["linear", "aic"]
    # Low competition: the simulation's log-odds ARE linear (slope -0.65), so the linear logit
    # recovers the slope and the test does not reject at this seed.
    assert low_fit.lr_pvalue > 0.01
    lin = low_fit.linear
    within(lin.params["satisfaction"], -0.65, lin.bse["satisfaction"])
    within(lin.params["const"], 0.2 + 0.65, lin.bse["const"])


def test_parameter_recovery_table_names_match_statsmodels(survey_high, high_fit):
    tp = survey_high.attrs["true_params"]
    table = parameter_recovery(high_fit.categorical, true_parameters(tp, "defection"))
    assert list(table.index) == [f"sat_{k}" for k in range(1, 6)] + ["switching_cost"]
    assert table.loc["sat_4", "true"] == tp["defection_logits"][4]
    assert table.loc["switching_cost", "true"] == -tp["switching_cost_effect"]
    z = (table["estimate"] - table["true"]) / table["se"]
    np.testing.assert_allclose(table["z"], z)
    assert table["within_3se"].all()
    names = list(true_parameters(tp, "satisfaction").index)
    assert names == list(DRIVERS) + ["1/2", "2/3", "3/4", "4/5"]
    assert true_parameters(tp, "satisfaction")["2/3"] == pytest.approx(np.log(2.0))
    with pytest.raises(ParameterError, match="model='churn'"):
        true_parameters(tp, "churn")


# ---------------------------------------------------------------------------------------------
# Predictions and the value of a one-point gain
# ---------------------------------------------------------------------------------------------
def test_predicted_retention_by_hand(survey_high, high_fit):
    p = high_fit.categorical.params
    c = survey_high["switching_cost"].to_numpy()
    by_hand = [1 - expit(p[f"sat_{k}"] + p["switching_cost"] * c).mean() for k in range(1, 6)]
    pred = predicted_retention(high_fit)
    np.testing.assert_allclose(pred["categorical"], by_hand)
    at = predicted_retention(high_fit, switching_cost=0.5)
    np.testing.assert_allclose(at.loc[5, "categorical"], 1 - expit(p["sat_5"] + 0.5 * p.iloc[-1]))


def test_models_without_switching_cost(survey_high):
    fit = fit_defection_models(survey_high.drop(columns="switching_cost"), switching_cost=False)
    assert "switching_cost" not in fit.categorical.params
    # without a control, the categorical logit's level effect is the empirical log-odds
    obs = retention_by_satisfaction(survey_high)
    pred = predicted_retention(fit)
    np.testing.assert_allclose(pred["categorical"], obs["retention"], atol=1e-6)
    with pytest.raises(ParameterError, match="without switching cost"):
        predicted_retention(fit, switching_cost=0.5)


def test_gain_value_is_largest_at_the_top_only_under_high_competition(high_fit, low_fit):
    g = satisfaction_gain_value(high_fit, profit_per_period=100.0)
    assert list(g["from_level"]) == [1, 2, 3, 4]
    np.testing.assert_allclose(g["value_gain"], 100 * g["retention_gain"])
    np.testing.assert_allclose(g["share_of_total_gain"].sum(), 1.0)
    assert g["value_gain"].idxmax() == 3  # the 4 -> 5 step
    assert g.loc[3, "share_of_total_gain"] > 0.6
    gl = satisfaction_gain_value(low_fit, profit_per_period=100.0)
    assert gl["value_gain"].idxmax() == 0  # the 1 -> 2 step
    assert g.loc[3, "retention_gain"] > 5 * gl.loc[3, "retention_gain"]


def test_gain_value_with_discounting_by_hand(high_fit):
    g = satisfaction_gain_value(high_fit, profit_per_period=50.0, discount_rate=0.1)
    r4, r5 = g.loc[3, "retention_from"], g.loc[3, "retention_to"]
    # Gupta & Lehmann (2003): m r / (1 + d - r)
    expected = 50 * r5 / (1.1 - r5) - 50 * r4 / (1.1 - r4)
    assert g.loc[3, "value_gain"] == pytest.approx(expected)
    with pytest.raises(ParameterError, match="discount_rate"):
        satisfaction_gain_value(high_fit, 50.0, discount_rate=1.0)
    with pytest.raises(ParameterError, match="profit_per_period"):
        satisfaction_gain_value(high_fit, 0.0)


# ---------------------------------------------------------------------------------------------
# Satisfaction segments
# ---------------------------------------------------------------------------------------------
def test_satisfaction_segments_hand_example():
    ratings = pd.Series([5, 4, 3, 2, 1, 5], index=list("abcdef"))
    defected = pd.Series([0, 1, 0, 1, 1, 0], index=list("abcdef"))
    value = pd.Series([10.0, 4.0, 6.0, 1.0, 3.0, 20.0], index=list("abcdef"))
    t = satisfaction_segments(ratings, defected, value)
    assert list(t.index) == list(SEGMENT_LABELS)
    assert list(t["customers"]) == [2, 2, 2]
    np.testing.assert_allclose(t["retention"], [1.0, 0.5, 0.0])
    np.testing.assert_allclose(t["value_per_customer"], [15.0, 5.0, 2.0])
    np.testing.assert_allclose(t["value_share"], [30 / 44, 10 / 44, 4 / 44])
    # moving "neutral" (3) into dissatisfied
    t3 = satisfaction_segments(ratings, defected, dissatisfied_max=3)
    assert list(t3["customers"]) == [2, 1, 3]
    assert t3.loc["dissatisfied", "max_rating"] == 3


def test_segments_partition_customers(survey_high):
    labels = label_satisfaction(survey_high["satisfaction"])
    assert labels.notna().all() and labels.index.equals(survey_high.index)
    t = satisfaction_segments(
        survey_high["satisfaction"], survey_high["defected"], survey_high["profit"]
    )
    assert t["customers"].sum() == len(survey_high)
    np.testing.assert_allclose(t["share"].sum(), 1.0)
    np.testing.assert_allclose(t["total_value"].sum(), survey_high["profit"].sum())
    # each rating falls in exactly one segment's [min_rating, max_rating]
    for k in range(1, 6):
        inside = (t["min_rating"] <= k) & (k <= t["max_rating"])
        assert inside.sum() == 1
        assert (labels[survey_high["satisfaction"] == k] == inside.idxmax()).all()
    # segments' retention reproduces the Jones & Sasser ordering in a high-competition market
    assert (
        t.loc["completely satisfied", "retention"]
        > 3 * t.loc["satisfied but unstable", "retention"]
    )


def test_segments_errors():
    with pytest.raises(DataError, match=r"'ratings'.*row 2.*6"):
        satisfaction_segments([5, 4, 6])
    with pytest.raises(DataError, match=r"'sat'.*missing.*row 1"):
        satisfaction_segments(pd.Series([5, np.nan], name="sat"))
    with pytest.raises(DataError, match="whole numbers"):
        satisfaction_segments([5, 3.5])
    with pytest.raises(DataError, match="3 customers but defected has 2"):
        satisfaction_segments([5, 4, 3], defected=[0, 1])
    with pytest.raises(DataError, match=r"'defected'.*0/1.*row 1.*2"):
        satisfaction_segments([5, 4], defected=[0, 2])
    with pytest.raises(ParameterError, match="dissatisfied_max"):
        satisfaction_segments([5, 4], dissatisfied_max=5)


# ---------------------------------------------------------------------------------------------
# Errors of the analyses
# ---------------------------------------------------------------------------------------------
def test_analyses_reject_bad_surveys(survey_high):
    small = survey_high.head(200).copy()
    with pytest.raises(DataError, match="'switching_cost'"):
        fit_defection_models(small.drop(columns="switching_cost"))
    bad = small.copy()
    bad.loc[5, "satisfaction"] = 7
    with pytest.raises(DataError, match=r"'satisfaction'.*row 5.*7"):
        fit_satisfaction_model(bad)
    bad = small.copy()
    bad["quality"] = bad["quality"].astype(float)
    bad.loc[3, "quality"] = np.nan
    with pytest.raises(DataError, match=r"'quality'.*row 3"):
        fit_satisfaction_model(bad)


def test_perfect_separation_is_a_convergence_error(survey_high):
    sub = survey_high.head(400).copy()
    sub.loc[sub["satisfaction"] == 3, "defected"] = 1
    with pytest.raises(ConvergenceError, match="more customers"):
        fit_defection_models(sub)


def test_top_gap_by_hand():
    curves = pd.DataFrame(
        {
            "competition": ["low", "low", "low", "high", "high", "high"],
            "satisfaction": [3, 4, 5, 3, 4, 5],
            "retention": [0.8, 0.9, 0.95, 0.1, 0.2, 0.9],
        }
    )
    got = top_gap(curves)
    assert got.loc["high", "gap"] == pytest.approx(0.7)
    assert got.loc["high", "ratio"] == pytest.approx(4.5)
    assert got.loc["low", "retention_4"] == 0.9 and got.loc["low", "retention_5"] == 0.95
    with pytest.raises(DataError, match=r"level\(s\) \[5\]"):
        top_gap(curves[curves["satisfaction"] < 5])
    with pytest.raises(DataError, match="'competition'"):
        top_gap(curves.drop(columns="competition"))


# ---------------------------------------------------------------------------------------------
# Real-survey tools on tiny constructed inputs
# ---------------------------------------------------------------------------------------------
def _tiny_survey():
    # Satisfaction 1..7 with loyalty (top box 7) counted by hand:
    # level 1-3 pooled: 4 respondents, 1 loyal; 4: 2, 0; 5: 2, 1; 6: 4, 2; 7: 4, 4; one missing.
    rows = [(1, 7), (2, 3), (3, 1), (3, 2), (4, 2), (4, 5), (5, 7), (5, 6),
            (6, 7), (6, 7), (6, 5), (6, 4), (7, 7), (7, 7), (7, 7), (7, 7), (np.nan, 7)]
    return pd.DataFrame(rows, columns=["cusa", "cusl_3"])


def test_loyal_by_satisfaction_on_a_hand_counted_table():
    t = satisfaction.loyal_by_satisfaction(_tiny_survey())
    assert list(t.index) == [3, 4, 5, 6, 7]
    assert list(t["label"]) == ["1-3", "4", "5", "6", "7"]
    assert t["respondents"].tolist() == [4, 2, 2, 4, 4]
    assert t["loyal"].tolist() == [1, 0, 1, 2, 4]
    assert t.attrs["dropped_missing"] == 1
    # Wilson interval for 2 of 4 at 95% (z = 1.95996): centre 0.5, half-width by hand.
    z = 1.959963984540054
    half = z * np.sqrt(0.25 / 4 + z**2 / 64) / (1 + z**2 / 4)
    assert t.loc[6, "lower"] == pytest.approx(0.5 - half)
    assert t.loc[6, "upper"] == pytest.approx(0.5 + half)


def test_difference_interval_newcombe_published_example():
    # Newcombe (1998), Table II, example (a): 56/70 vs 48/80, method 10 gives 0.0524 to 0.3339.
    d, lo, hi = satisfaction.difference_interval(56, 70, 48, 80)
    assert d == pytest.approx(0.2)
    assert lo == pytest.approx(0.0524, abs=1e-4)
    assert hi == pytest.approx(0.3339, abs=1e-4)


def test_missing_code_never_reaches_the_table():
    s = _tiny_survey()
    s.loc[0, "cusl_3"] = -99
    with pytest.raises(DataError, match=r"column 'cusl_3', row 0: value -99"):
        satisfaction.loyal_by_satisfaction(s)


def test_top_gap_by_group_on_hand_counts():
    s = pd.DataFrame({"cusa": [7, 7, 6, 6, 7, 7, 6, 6], "cusl_3": [7, 7, 7, 1, 7, 1, 7, 1]})
    g = pd.Series(["a"] * 4 + ["b"] * 4)
    t = satisfaction.top_gap_by_group(s, g)
    assert t.loc["a", "gap"] == pytest.approx(1.0 - 0.5)
    assert t.loc["b", "gap"] == pytest.approx(0.5 - 0.5)


@pytest.mark.parametrize(
    ("gap", "lo", "hi", "p", "expected"),
    [(0.3, 0.2, 0.4, 0.001, "holds"), (0.3, 0.2, 0.4, 0.2, "holds_if"),
     (0.1, -0.05, 0.25, 0.001, "does_not_hold")],
)  # fmt: skip
def test_verdict_satisfaction_loyalty_flips(gap, lo, hi, p, expected):
    assert satisfaction.verdict_satisfaction_loyalty(gap, lo, hi, p)[0] == expected


def test_fit_loyalty_models_lr_matches_formula_logits():
    import statsmodels.formula.api as smf

    rng = np.random.default_rng(0)
    s = rng.integers(3, 8, size=600)
    y = rng.random(600) < np.where(s == 7, 0.8, 0.3)
    df = pd.DataFrame({"cusa": s, "cusl_3": np.where(y, 7, 3)})
    fit = satisfaction.fit_loyalty_models(df)
    d = pd.DataFrame({"y": y.astype(int), "s": s})
    lr = 2 * (smf.logit("y ~ C(s)", d).fit(disp=False).llf - smf.logit("y ~ s", d).fit(disp=False).llf)
    assert fit.lr_stat == pytest.approx(lr, rel=1e-6)
    assert fit.lr_df == 3 and fit.lr_pvalue < 1e-6

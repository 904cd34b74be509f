"""Tests for crmstudy.survey: the documented survey simulation and its true curves.

Reference values: the simulation's own known parameters, independent computations (Monte Carlo
sample curves against the quadrature curve, perceived value recomputed from the ratings, exact
logistic values at the ends of the switching-cost range) and the shape Jones & Sasser (1995)
report (the Xerox "six times").
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit

from crmstudy.errors import ParameterError
from crmstudy.satisfaction import retention_by_satisfaction
from crmstudy.survey import (
    loyalty_curves,
    simulate_survey,
    top_gap_by_switching_cost,
    true_retention_curve,
)
from crmstudy.value import BENEFIT_DRIVERS, COST_DRIVERS, DRIVERS

N_LARGE = 20_000  # the size of the survey_high / survey_low fixtures (tests/conftest.py)


# ---------------------------------------------------------------------------------------------
# simulate_survey
# ---------------------------------------------------------------------------------------------
def test_simulation_columns_ranges_and_reproducibility(survey_high):
    assert survey_high.index.name == "customer_id" and len(survey_high) == N_LARGE
    for col in DRIVERS + ("satisfaction",):
        assert survey_high[col].between(1, 5).all()
    assert set(survey_high["defected"].unique()) <= {0, 1}
    assert survey_high["switching_cost"].between(0, 1).all()
    # perceived_value column = mean benefit rating minus mean cost rating (direct computation)
    direct = survey_high[list(BENEFIT_DRIVERS)].mean(axis=1) - survey_high[list(COST_DRIVERS)].mean(
        axis=1
    )
    np.testing.assert_allclose(survey_high["perceived_value"], direct, atol=1e-12)
    np.testing.assert_allclose(survey_high["profit"], survey_high["margin"] * survey_high["spend"])
    again = simulate_survey(500, seed=11, competition="high")
    pd.testing.assert_frame_equal(again, simulate_survey(500, seed=11, competition="high"))
    assert survey_high.attrs["true_params"]["defection_logits"][5] == -2.4
    assert survey_high.attrs["period"] == "Y"


def test_simulation_rejects_bad_parameters():
    with pytest.raises(ParameterError, match="competition"):
        simulate_survey(10, competition="medium")
    with pytest.raises(ParameterError, match=r"switching_cost=1\.5.*\[0, 1\]"):
        simulate_survey(10, switching_cost=1.5)
    with pytest.raises(ParameterError, match="switching_cost='a'"):
        simulate_survey(10, switching_cost="a")
    with pytest.raises(ParameterError, match="n=0"):
        simulate_survey(0)
    with pytest.raises(ParameterError, match="thresholds"):
        simulate_survey(10, thresholds=(1.0, 0.0, 2.0, 3.0))
    with pytest.raises(ParameterError, match="unknown"):
        simulate_survey(10, margins={"discount_store": 0.1})


def test_sample_curve_matches_quadrature_curve(survey_high, survey_low):
    # Monte Carlo (the simulation) against numerical integration over the Beta switching cost.
    for survey, comp in ((survey_high, "high"), (survey_low, "low")):
        obs = retention_by_satisfaction(survey)
        true = true_retention_curve(comp, 0.3)
        z = (obs["retention"] - true[obs.index]).abs() / obs["se"]
        assert (z <= 4).all(), z


def test_jones_sasser_shape():
    hi, lo = true_retention_curve("high", 0.3), true_retention_curve("low", 0.3)
    # High competition: loyalty is survey_low up to "satisfied" and jumps only at "completely satisfied".
    assert hi[5] - hi[4] > 0.5
    assert hi[5] - hi[4] > 5 * hi.diff().iloc[1:4].max()
    # Xerox (Jones & Sasser 1995): completely satisfied six times as likely to repurchase.
    assert hi[5] / hi[4] > 3
    # Low competition: survey_high loyalty everywhere, small top gap.
    assert lo.min() > 0.5 and lo[5] - lo[4] < 0.1
    assert hi[5] - hi[4] > 5 * (lo[5] - lo[4])
    # Cheap switching widens the top gap; lock-in closes it.
    cheap, locked = true_retention_curve("high", 0.1), true_retention_curve("high", 0.9)
    assert cheap[5] - cheap[4] > (hi[5] - hi[4]) > locked[5] - locked[4]
    # Point masses at the ends of the range are exact logistic values.
    np.testing.assert_allclose(true_retention_curve("low", 0.0)[3], 1 - expit(-1.1))


def test_jones_sasser_shape_in_a_sample(survey_high, survey_low):
    h, lo = retention_by_satisfaction(survey_high), retention_by_satisfaction(survey_low)
    gap_h = h.loc[5, "retention"] - h.loc[4, "retention"]
    gap_l = lo.loc[5, "retention"] - lo.loc[4, "retention"]
    assert gap_h > 0.5 and gap_h > 3 * gap_l


def test_top_gap_shrinks_as_switching_cost_rises():
    t = top_gap_by_switching_cost(np.linspace(0, 1, 6))
    for comp, g in t.groupby("competition"):
        assert (np.diff(g["gap"]) < 0).all(), comp
    hi = t[t["competition"] == "high"].set_index("switching_cost")["gap"]
    lo = t[t["competition"] == "low"].set_index("switching_cost")["gap"]
    assert (hi > 3 * lo).all()
    r = true_retention_curve("high", 0.4)
    assert hi.loc[0.4] == pytest.approx(r[5] - r[4])


def test_loyalty_curves_pair_identical_customers():
    t = loyalty_curves(3000, seed=5, switching_cost=0.3)
    assert set(t["competition"]) == {"low", "high"}
    lo = t[t["competition"] == "low"].set_index("satisfaction")
    hi = t[t["competition"] == "high"].set_index("satisfaction")
    # same seed: same ratings, so the same number of customers at each level
    pd.testing.assert_series_equal(lo["customers"], hi["customers"])
    np.testing.assert_allclose(hi["true_retention"], true_retention_curve("high", 0.3)[hi.index])
    assert (lo["retention"] >= hi["retention"]).sum() >= 4


def test_high_competition_is_calibrated_to_the_xerox_six_times():
    # Jones & Sasser (1995): Xerox's completely satisfied customers were six times as likely to
    # repurchase as its satisfied ones. Checked by Monte Carlo over the switching-cost
    # distribution (independent of the quadrature in true_retention_curve).
    from scipy import stats as st

    from crmstudy.survey import _DEFECTION_LOGITS, XEROX_RATIO, XEROX_REFERENCE_SWITCHING_COST

    mu = XEROX_REFERENCE_SWITCHING_COST
    c = st.beta(mu * 10, (1 - mu) * 10).rvs(size=2_000_000, random_state=np.random.default_rng(3))
    alpha = _DEFECTION_LOGITS["high"]
    r4 = 1 - expit(alpha[4] - 2.0 * c).mean()
    r5 = 1 - expit(alpha[5] - 2.0 * c).mean()
    assert XEROX_RATIO == 6.0
    assert r5 / r4 == pytest.approx(6.0, rel=5e-3)
    curve = true_retention_curve("high", mu)
    assert curve[5] / curve[4] == pytest.approx(6.0, rel=1e-3)

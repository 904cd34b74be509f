"""Tests for crmstudy.value: perceived value, the value disciplines, the value chain's
value-equation and the verdicts on value = benefits - costs and on the value disciplines.

Reference values are hand computations (perceived value), the survey simulation's own known
parameters (crmstudy.survey; recovery within 3 standard errors from a large seeded sample) and
independent computations (direct group means, least squares by hand, Welch's difference by hand).
The satisfaction and loyalty analyses are tested in test_satisfaction.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from crmstudy import satisfaction
from crmstudy import value as _v
from crmstudy.errors import DataError, ParameterError
from crmstudy.value import (
    DISCIPLINES,
    fit_spend_model,
    perceived_value,
    segment_profitability,
)


def within(est, true, se, k=3.0):
    """Assert |estimate - truth| <= k standard errors, element by element, naming the worst."""
    est, true, se = (np.asarray(a, dtype=float) for a in (est, true, se))
    z = np.abs(est - true) / se
    assert np.all(z <= k), f"estimates {est} vs truth {true}: z = {np.round(z, 2)}"


# ---------------------------------------------------------------------------------------------
# perceived_value
# ---------------------------------------------------------------------------------------------
def test_perceived_value_hand_example_difference_and_ratio():
    b = {"quality": 4, "service": 2}
    c = {"price": 3}
    # equal weights: B = (4 + 2) / 2 = 3, C = 3
    assert perceived_value(b, c) == pytest.approx(0.0)
    assert perceived_value(b, c, form="ratio") == pytest.approx(1.0)
    # weights 3:1 on benefits: B = (3*4 + 1*2) / 4 = 3.5; C = 3 whatever its weight
    w = {"quality": 3, "service": 1, "price": 7}
    assert perceived_value(b, c, weights=w) == pytest.approx(0.5)
    assert perceived_value(b, c, weights=w, form="ratio") == pytest.approx(3.5 / 3)


def test_perceived_value_frame_returns_series_per_customer():
    b = pd.DataFrame({"quality": [5, 1, 3], "service": [5, 1, 4]}, index=["a", "b", "c"])
    c = pd.DataFrame({"price": [1, 5, 2], "effort": [1, 5, 4]}, index=["a", "b", "c"])
    v = perceived_value(b, c)
    assert list(v.index) == ["a", "b", "c"]
    # extremes of the scale: best benefits at least cost = +4, the reverse = -4
    np.testing.assert_allclose(v.to_numpy(), [4.0, -4.0, 0.5])
    r = perceived_value(b, c, form="ratio")
    np.testing.assert_allclose(r.to_numpy(), [5.0, 0.2, 3.5 / 3.0])


def test_perceived_value_errors_name_column_row_and_value():
    b = pd.DataFrame({"quality": [4, 6], "service": [3, 3]}, index=["x", "y"])
    c = pd.DataFrame({"price": [2, 2]}, index=["x", "y"])
    with pytest.raises(DataError, match=r"'quality'.*'y'.*6"):
        perceived_value(b, c)
    b2 = pd.DataFrame({"quality": [4, 4], "service": [3, np.nan]}, index=["x", "y"])
    with pytest.raises(DataError, match=r"'service'.*missing.*'y'"):
        perceived_value(b2, c)
    b3 = pd.DataFrame({"quality": [4, 4]}, index=["x", "y"])
    with pytest.raises(DataError, match=r"'price'.*row 'x'.*0"):
        perceived_value(b3, pd.DataFrame({"price": [0, 2]}, index=["x", "y"]))
    with pytest.raises(DataError, match="2 rows but costs has 3"):
        perceived_value(b3, pd.DataFrame({"price": [2, 2, 2]}))
    with pytest.raises(DataError, match="same customers"):
        perceived_value(b3, pd.DataFrame({"price": [2, 2]}, index=["x", "z"]))
    with pytest.raises(DataError, match="both"):
        perceived_value(b3, pd.DataFrame({"quality": [2, 2]}, index=["x", "y"]))
    with pytest.raises(ParameterError, match="form"):
        perceived_value(b3, c, form="log")
    with pytest.raises(ParameterError, match="'price'"):
        perceived_value(b3, c, weights={"quality": 1})
    with pytest.raises(ParameterError, match="quality"):
        perceived_value(b3, c, weights={"quality": -1, "price": 1})


# ---------------------------------------------------------------------------------------------
# Value disciplines: spend and profit by discipline
# ---------------------------------------------------------------------------------------------
def test_spend_model_recovers_segment_means_and_satisfaction_effect(survey_high):
    res = fit_spend_model(survey_high)
    tp = survey_high.attrs["true_params"]
    for d in DISCIPLINES:
        within(res.params[f"segment[{d}]"], tp["log_spend_mean"][d], res.bse[f"segment[{d}]"])
    within(
        res.params["satisfaction_minus_3"],
        tp["spend_satisfaction_effect"],
        res.bse["satisfaction_minus_3"],
    )


def test_segment_profitability_by_value_discipline(survey_high):
    table = segment_profitability(survey_high)
    assert list(table.index) == list(DISCIPLINES)
    assert table["customers"].sum() == len(survey_high)
    np.testing.assert_allclose(table["share"].sum(), 1.0)
    np.testing.assert_allclose(table["profit_share"].sum(), 1.0)
    # margin = total profit / total spend reproduces each discipline's true margin exactly
    for d in DISCIPLINES:
        assert table.loc[d, "margin"] == pytest.approx(
            survey_high.attrs["true_params"]["margins"][d]
        )
    # OLS on dummies without constant = the group means (direct computation)
    means = survey_high.groupby("segment", observed=True)["profit"].mean()
    np.testing.assert_allclose(table["profit_per_customer"], means[table.index])
    ret = 1 - survey_high.groupby("segment", observed=True)["defected"].mean()
    np.testing.assert_allclose(table["retention"], ret[table.index])


# ---------------------------------------------------------------------------------------------
# Real surveys and the verdicts
# ---------------------------------------------------------------------------------------------
def test_verdict_value_benefits_costs_flips_with_a_cost_measure():
    cls, _, missing = _v.verdict_value_benefits_costs(0.5, (0.4, 0.6))
    assert cls == "untestable" and missing == list(_v.VALUE_COST_MISSING)
    assert _v.verdict_value_benefits_costs(0.5, (0.4, 0.6), -0.3, (-0.4, -0.2))[0] == "holds"
    assert _v.verdict_value_benefits_costs(0.5, (0.4, 0.6), 0.3, (0.2, 0.4))[0] == "does_not_hold"
    assert _v.verdict_value_benefits_costs(0.5, (0.4, 0.6), -0.1, (-0.3, 0.1))[0] == "holds_if"


def test_verdict_value_disciplines_flips_with_firm_data():
    assert _v.verdict_value_disciplines(None)[0] == "untestable"
    firms = pd.DataFrame({"discipline": ["pl"] * 6, "focused": [1, 1, 1, 0, 0, 0],
                          "performance": [10.0, 11, 12, 2, 3, 4]})  # fmt: skip
    cls, values, _ = _v.verdict_value_disciplines(firms)
    assert cls == "holds" and values["difference"] == pytest.approx(8.0)
    assert _v.verdict_value_disciplines(firms.drop(columns="focused"))[0] == "untestable"


def test_fit_value_equation_recovers_known_signs_and_matches_lstsq():
    rng = np.random.default_rng(2)
    q, c = rng.normal(size=400), rng.normal(size=400)
    df = pd.DataFrame({"quality": q, "cost": c, "value": 0.8 * q - 0.5 * c + rng.normal(size=400)})
    out = _v.fit_value_equation(df).set_index("predictor")
    z = (df - df.mean()) / df.std(ddof=1)
    X = np.column_stack([np.ones(400), z["quality"], z["cost"]])
    beta = np.linalg.lstsq(X, z["value"].to_numpy(), rcond=None)[0]
    np.testing.assert_allclose(out["coef"], beta[1:], rtol=1e-9)
    assert out.loc["quality", "lower"] > 0 and out.loc["cost", "upper"] < 0
    cls = _v.verdict_value_benefits_costs(
        out.loc["quality", "coef"], (out.loc["quality", "lower"], out.loc["quality", "upper"]),
        out.loc["cost", "coef"], (out.loc["cost", "lower"], out.loc["cost", "upper"]),
    )[0]
    assert cls == "holds"


# ---------------------------------------------------------------------------------------------
# Names that moved to crmstudy.satisfaction
# ---------------------------------------------------------------------------------------------
MOVED = [*satisfaction.__all__, "LEVELS"]


@pytest.mark.parametrize("name", MOVED)
def test_moved_names_warn_and_return_the_new_objects(name):
    with pytest.warns(DeprecationWarning, match=rf"crmstudy\.value\.{name} is deprecated; use "
                      rf"crmstudy\.satisfaction\.{name}$"):
        old = getattr(_v, name)
    assert old is getattr(satisfaction, name)
    assert name not in _v.__all__


def test_old_import_path_still_works_and_unknown_names_still_fail():
    with pytest.warns(DeprecationWarning, match="crmstudy.satisfaction.fit_defection_models"):
        from crmstudy.value import fit_defection_models
    assert fit_defection_models is satisfaction.fit_defection_models
    with pytest.raises(AttributeError, match="no attribute 'no_such_name'"):
        _v.no_such_name  # noqa: B018

"""Tests of the retention definitions, Kaplan-Meier and the regression projections.

Reference values: hand-computed small logs and a hand-computed Kaplan-Meier example (Greenwood
standard errors, log(-log) intervals written out below); Fader & Hardie (2007), who report that
the exponential curve fitted to years 0..7 of Table 1 underestimates year-12 survival by 54%
(Regular) and 30% (High End); numpy's polyfit as an independent least-squares fit.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmstudy import retention
from crmstudy.datasets import fader_hardie_2007, load_cdnow
from crmstudy.errors import DataError, ParameterError
from crmstudy.models.sbg import ShiftedBetaGeometric


def table1(segment: str) -> np.ndarray:
    t = fader_hardie_2007()
    return t[t["segment"] == segment].sort_values("year")["percent_alive"].to_numpy()


@pytest.fixture
def small_log():
    # A buys in Jan and Feb; B in Jan and Mar; C first in Feb; D first in Mar (twice, same day).
    rows = [
        ("A", "1997-01-05"),
        ("A", "1997-02-10"),
        ("B", "1997-01-20"),
        ("B", "1997-03-03"),
        ("C", "1997-02-14"),
        ("D", "1997-03-30"),
        ("D", "1997-03-30"),
    ]
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "amount": 10.0,
        }
    )


# --- the primer's ratio ------------------------------------------------------------------------
def test_simple_retention_rate_is_a_ratio_that_can_exceed_one():
    # 1,000 customers, 200 lost, 300 acquired: the primer's "retention" is 1.1.
    assert retention.simple_retention_rate(1000, 1100) == pytest.approx(1.1)
    this = pd.Series([100, 200], index=["2020", "2021"])
    nxt = pd.Series([80, 260], index=["2020", "2021"])
    ratio = retention.simple_retention_rate(this, nxt)
    assert isinstance(ratio, pd.Series) and ratio.tolist() == pytest.approx([0.8, 1.3])
    with pytest.raises(DataError, match="undefined"):
        retention.simple_retention_rate(0, 10)
    with pytest.raises(DataError, match="counts >= 0"):
        retention.simple_retention_rate(10, -1)


# --- period and cohort retention ---------------------------------------------------------------
def test_period_retention_on_a_hand_built_log(small_log):
    got = retention.period_retention(small_log, "M")
    assert got["period"].tolist() == ["1997-01", "1997-02"]
    # January: A and B active; A buys again in February (retention 1/2); February's buyers are
    # A (retained) and C (new): the primer's ratio is 2/2 = 1.
    # February: A and C active; neither buys in March (retention 0); March's buyers are B
    # (reactivated) and D (new): the primer's ratio is again 1, with no one retained.
    expected = pd.DataFrame(
        {
            "active": [2, 2],
            "retained": [1, 0],
            "retention": [0.5, 0.0],
            "active_next": [2, 2],
            "new_next": [1, 1],
            "reactivated_next": [0, 1],
            "simple_ratio": [1.0, 1.0],
        }
    )
    pd.testing.assert_frame_equal(
        got[expected.columns].reset_index(drop=True), expected, check_dtype=False
    )
    assert got.attrs["period"] == "M"


def test_period_retention_on_cdnow_decomposes_the_primer_ratio():
    log = load_cdnow(sample=True)
    got = retention.period_retention(log, "M")
    from crmstudy.transactions import purchase_counts

    counts = purchase_counts(log, "M")["customers"].to_numpy()
    assert got["active"].tolist() == counts[:-1].tolist()
    assert got["active_next"].tolist() == counts[1:].tolist()
    # Every customer is new exactly once: the sample's 2,357 minus January's first buyers.
    assert got["new_next"].sum() == 2357 - got["active"].iloc[0]
    assert (got["reactivated_next"] >= 0).all()
    decomposed = got["retention"] + (got["new_next"] + got["reactivated_next"]) / got["active"]
    assert np.allclose(got["simple_ratio"], decomposed)
    # The primer's ratio exceeds 1 in months with no acquisition at all (win-backs), while the
    # true retention stays below 0.5.
    late = got[got["new_next"] == 0]
    assert (late["simple_ratio"] > 1).any()
    assert (got["retention"] < 0.5).all()


def test_cohort_retention_and_pooled_average(small_log):
    cohorts = retention.cohort_retention(small_log, "M")
    jan = cohorts[cohorts["cohort"] == "1997-01"]
    # Cohort January = {A, B}: both at age 0, A at age 1, B at age 2.
    assert jan["active"].tolist() == [2, 1, 1]
    assert jan["share"].tolist() == [1.0, 0.5, 0.5]
    pooled = retention.average_cohort_retention(cohorts)
    # Age 1: cohorts Jan ({A,B}: A active) and Feb ({C}: inactive) -> 1 of 3 customers.
    age1 = pooled[pooled["age"] == 1].iloc[0]
    assert (age1["cohorts"], age1["customers"], age1["active"]) == (2, 3, 1)
    assert age1["share"] == pytest.approx(1 / 3)
    big = retention.cohort_retention(small_log, "M", min_cohort_size=2)
    assert set(big["cohort"]) == {"1997-01"}
    with pytest.raises(ParameterError):
        retention.cohort_retention(small_log, "M", min_cohort_size=0)
    with pytest.raises(DataError, match="cohort_retention"):
        retention.average_cohort_retention(pd.DataFrame({"age": [0]}))


# --- Kaplan-Meier ------------------------------------------------------------------------------
def test_kaplan_meier_hand_computed_example():
    # Durations 1, 2, 2+, 3, 4+, 5 (+ = still active, censored).
    # t=1: 6 at risk, 1 churns: S = 5/6.   t=2: 5 at risk, 1 churns: S = 5/6 * 4/5 = 2/3.
    # t=3: 3 at risk (2+ censored after t=2's event), 1 churns: S = 2/3 * 2/3 = 4/9.
    # t=5: 1 at risk, 1 churns: S = 0.
    km = retention.kaplan_meier([1, 2, 2, 3, 4, 5], [1, 1, 0, 1, 0, 1], period="M")
    assert km["time"].tolist() == [0, 1, 2, 3, 5]
    assert km["at_risk"].tolist() == [6, 6, 5, 3, 1]
    assert km["churned"].tolist() == [0, 1, 1, 1, 1]
    assert km["survival"].tolist() == pytest.approx([1, 5 / 6, 2 / 3, 4 / 9, 0])
    # Greenwood: Var S(t) = S(t)^2 * sum d / (n (n - d)).
    g = np.cumsum([1 / (6 * 5), 1 / (5 * 4), 1 / (3 * 2)])
    se = np.array([5 / 6, 2 / 3, 4 / 9]) * np.sqrt(g)
    assert km["std_err"].iloc[1:4].to_numpy() == pytest.approx(se)
    # log(-log) interval at t = 1: S^exp(+-z se / (S |ln S|)).
    s, z = 5 / 6, 1.959963984540054
    c = z * se[0] / (s * abs(math.log(s)))
    assert km["lower"].iloc[1] == pytest.approx(s ** math.exp(c))
    assert km["upper"].iloc[1] == pytest.approx(s ** math.exp(-c))
    inner = km.iloc[1:4]
    assert (inner["lower"] < inner["survival"]).all() and (inner["survival"] < inner["upper"]).all()
    # The simultaneous band is wider than the pointwise interval.
    assert (inner["band_lower"] <= inner["lower"] + 1e-12).all()
    assert (inner["band_upper"] >= inner["upper"] - 1e-12).all()
    assert np.isnan(km["lower"].iloc[-1])
    assert km.attrs["period"] == "M"


def test_kaplan_meier_of_a_cohort_reproduces_its_survival():
    alive = (10 * table1("high_end")[:8]).round().astype(int)
    rows = retention.durations_from_alive(alive)
    assert rows["count"].sum() == 1000
    km = retention.kaplan_meier(rows["duration"], rows["churned"], weights=rows["count"])
    # Without censoring before year 7, Kaplan-Meier is the observed share alive.
    assert km["survival"].to_numpy() == pytest.approx(alive / 1000)
    # Same as one row per customer.
    expanded = retention.kaplan_meier(
        np.repeat(rows["duration"], rows["count"]), np.repeat(rows["churned"], rows["count"])
    )
    pd.testing.assert_frame_equal(km, expanded)


def test_kaplan_meier_rejects_bad_input():
    with pytest.raises(DataError, match=r"churned has 1 value\(s\) that are not 0 or 1"):
        retention.kaplan_meier([1, 2], [1, 2])
    with pytest.raises(DataError, match=">= 0"):
        retention.kaplan_meier([1, -2], [1, 1])
    with pytest.raises(DataError, match="equal length"):
        retention.kaplan_meier([1, 2, 3], [1, 1])
    with pytest.raises(DataError, match="no customer churned"):
        retention.kaplan_meier([1, 2], [0, 0])
    with pytest.raises(ParameterError, match="alpha"):
        retention.kaplan_meier([1, 2], [1, 1], alpha=5)
    with pytest.raises(DataError, match="rises"):
        retention.durations_from_alive([100, 80, 90])


# --- regression projections ---------------------------------------------------------------------
@pytest.mark.parametrize("segment,expected_pct", [("regular", -54), ("high_end", -30)])
def test_exponential_regression_underestimates_year_12_as_published(segment, expected_pct):
    observed = table1(segment)
    proj = retention.regression_projection(observed[:8], horizon=12)
    errors = retention.projection_errors(proj, pd.Series(observed), t=12)
    exponential = errors.set_index("model").loc["exponential"]
    # FH 2007: the exponential curve is off by 54% (Regular) and 30% (High End) at year 12.
    assert round(exponential["pct_error"]) == expected_pct
    # The linear projection goes negative by year 12 for the Regular segment.
    if segment == "regular":
        assert errors.set_index("model").loc["linear", "projected"] < 0


def test_regressions_agree_with_polyfit_and_are_exact_on_their_own_shapes():
    observed = table1("regular")[:8]
    proj = retention.regression_projection(observed, horizon=12).set_index(["model", "t"])
    t = np.arange(13)
    for kind, deg in (("linear", 1), ("quadratic", 2)):
        coef = np.polyfit(np.arange(8), observed, deg)
        assert proj.loc[kind, "projected"].to_numpy() == pytest.approx(np.polyval(coef, t))
    coef = np.polyfit(np.arange(8), np.log(observed), 1)
    assert proj.loc["exponential", "projected"].to_numpy() == pytest.approx(
        np.exp(np.polyval(coef, t))
    )
    geometric = 100 * 0.8 ** np.arange(6)
    exp_only = retention.regression_projection(geometric, 10, kinds=["exponential"])
    assert exp_only["projected"].to_numpy() == pytest.approx(100 * 0.8 ** np.arange(11))
    assert exp_only["rsquared"].iloc[0] == pytest.approx(1.0)
    with pytest.raises(ParameterError, match="horizon"):
        retention.regression_projection(geometric, 3)
    with pytest.raises(ParameterError, match="unknown"):
        retention.regression_projection(geometric, 10, kinds=["cubic"])
    with pytest.raises(DataError, match="> 0"):
        retention.regression_projection([100, 50, 0], 5, kinds=["exponential"])


@pytest.mark.parametrize("segment", ["regular", "high_end"])
def test_sbg_beats_every_regression_at_year_12(segment):
    # FH 2007's central claim, with projections tabulated by projection_errors.
    observed = table1(segment)
    model = ShiftedBetaGeometric().fit((10 * observed[:8]).round().astype(int))
    sbg = pd.DataFrame(
        {"model": "sBG", "t": np.arange(13), "projected": 100 * model.survival(np.arange(13))}
    )
    proj = pd.concat([retention.regression_projection(observed[:8], 12), sbg])
    errors = retention.projection_errors(proj, pd.Series(observed), t=12)
    assert errors["model"].iloc[0] == "sBG"
    assert list(errors.columns) == ["model", "projected", "actual", "error", "pct_error"]
    assert (errors["actual"] == observed[12]).all()
    with pytest.raises(DataError, match="no value at t = 13"):
        retention.projection_errors(proj, pd.Series(observed), t=13)
    with pytest.raises(DataError, match="no rows"):
        retention.projection_errors(proj[proj["t"] < 12], pd.Series(observed), t=12)


# --- notebook helpers --------------------------------------------------------------------------
def test_ratio_above_one_flags_win_back_periods():
    # Hand-built: ratio > 1 in periods b (new customers) and c (none new: win-backs only).
    by_period = pd.DataFrame(
        {
            "period": ["a", "b", "c", "d"],
            "simple_ratio": [0.8, 1.2, 1.05, 1.0],
            "new_next": [3, 5, 0, 0],
        }
    )
    above = retention.ratio_above_one(by_period)
    assert above["period"].tolist() == ["b", "c"]
    assert above["without_acquisition"].tolist() == [False, True]
    assert (above.attrs["periods"], above.attrs["above_one"]) == (4, 2)
    assert above.attrs["above_one_without_acquisition"] == 1
    with pytest.raises(DataError, match="period_retention"):
        retention.ratio_above_one(pd.DataFrame({"simple_ratio": [1.0]}))


def test_observed_retention_rates_by_hand():
    # S = 100, 80, 60, 54: r(1) = 0.8, r(2) = 0.75, r(3) = 0.9.
    rates = retention.observed_retention_rates(pd.Series([100, 80, 60, 54], index=[0, 1, 2, 3]))
    assert rates.index.tolist() == [1, 2, 3]
    assert rates.tolist() == pytest.approx([0.8, 0.75, 0.9])
    # Reindexed beyond the data: NaN where S(t) is unknown.
    wide = retention.observed_retention_rates([100, 80], periods=[1, 2])
    assert wide.iloc[0] == pytest.approx(0.8) and np.isnan(wide.iloc[1])
    with pytest.raises(DataError, match="reaches 0"):
        retention.observed_retention_rates([100, 0, 0])
    with pytest.raises(DataError, match=">= 0"):
        retention.observed_retention_rates([100, -5])


# --- how far the primer's ratio is from retention, and the verdict rule -------------------------
def _log(rows):
    return pd.DataFrame(
        {
            "customer_id": [r[0] for r in rows],
            "date": pd.to_datetime([r[1] for r in rows]),
            "amount": 10.0,
        }
    )


def test_ratio_gap_on_the_hand_built_log(small_log):
    by_period = retention.period_retention(small_log, "M")
    # January: ratio 1, retention 1/2 (gap 1/2); February: ratio 1, retention 0 (gap 1).
    assert retention.ratio_gap(by_period) == pytest.approx(100 * (0.5 + 1.0) / 2)


def test_verdict_rule_flips_with_the_log(small_log):
    # The hand-built log: ratio = 1 in both months but only half or none retained.
    open_base = retention.verdict_retention_ratio(retention.period_retention(small_log, "M"))
    assert open_base["class"] == "does_not_hold"
    assert open_base["values"]["gap_pp"] == pytest.approx(75.0)
    # A closed cohort (everyone bought in January; 3 of 4 again in February): ratio = retention.
    closed = _log([("A", "2000-01-03"), ("B", "2000-01-04"), ("C", "2000-01-05"),
                   ("D", "2000-01-06"), ("A", "2000-02-01"), ("B", "2000-02-02"),
                   ("C", "2000-02-03")])
    verdict = retention.verdict_retention_ratio(retention.period_retention(closed, "M"))
    assert verdict["class"] == "holds_if"
    assert verdict["values"]["max_simple_ratio"] == pytest.approx(0.75)
    assert verdict["values"]["gap_pp"] == 0.0
    # Growth by acquisition: 2 customers, both stay, 1 new: the ratio is 1.5 > 1.
    growing = _log([("A", "2000-01-03"), ("B", "2000-01-04"), ("A", "2000-02-01"),
                    ("B", "2000-02-02"), ("C", "2000-02-03")])
    verdict = retention.verdict_retention_ratio(retention.period_retention(growing, "M"))
    assert verdict["class"] == "does_not_hold"
    assert verdict["values"]["above_one"] == 1
    assert verdict["values"]["new_or_returning_share"] == pytest.approx(1 / 3)
    # A small gap within the tolerance keeps holds_if; a tolerance of 0 does not.
    with_one_new = _log([(f"c{i}", "2000-01-03") for i in range(200)]
                        + [(f"c{i}", "2000-02-03") for i in range(100)] + [("new", "2000-02-05")])
    by_period = retention.period_retention(with_one_new, "M")
    assert retention.ratio_gap(by_period) == pytest.approx(0.5)
    assert retention.verdict_retention_ratio(by_period)["class"] == "holds_if"
    assert retention.verdict_retention_ratio(by_period, tolerance_pp=0.1)["class"] == "does_not_hold"


def test_ratio_gap_interval_is_centred_and_covers():
    # Independent check of the bootstrap: the gap is a mean of per-customer ratios of sums; its
    # bootstrap spread must match the delta-method standard error computed here by hand for a
    # two-period log (gap = (N1 - R) / N0, with N0 = all customers of period 0).
    rng = np.random.default_rng(3)
    n = 4_000
    in_first = rng.random(n) < 0.7
    in_second = np.where(in_first, rng.random(n) < 0.4, rng.random(n) < 0.5)
    rows = [(f"c{i}", "2000-01-10") for i in np.flatnonzero(in_first)]
    rows += [(f"c{i}", "2000-02-10") for i in np.flatnonzero(in_second)]
    log = _log(rows)
    got = retention.ratio_gap_interval(log, "M", level=0.9, n_draws=400, seed=1)
    by_period = retention.period_retention(log, "M")
    assert got["estimate"] == pytest.approx(retention.ratio_gap(by_period))
    assert got["lower"] < got["estimate"] < got["upper"]
    # Delta method for g = E[u] / E[v] with u = next and not retained, v = active now (per customer).
    u = (in_second & ~in_first).astype(float)
    v = in_first.astype(float)
    g = u.mean() / v.mean()
    se = 100 * np.sqrt(np.var(u - g * v) / n) / v.mean()
    half = 1.6449 * se
    assert (got["upper"] - got["lower"]) / 2 == pytest.approx(half, rel=0.15)
    assert got["failed"] == 0


def test_cohort_retention_can_leave_out_the_left_censored_first_cohort(small_log):
    cohorts = retention.cohort_retention(small_log, "M", skip_first=True)
    assert "1997-01" not in set(cohorts["cohort"])
    assert cohorts.attrs["skipped_cohort"] == "1997-01"
    assert set(cohorts["cohort"]) == {"1997-02", "1997-03"}
    assert retention.cohort_retention(small_log, "M").attrs["skipped_cohort"] is None


def test_verdict_conditions_follow_the_numbers(small_log):
    verdict = retention.verdict_retention_ratio(retention.period_retention(small_log, "M"))
    assert "75.0 percentage points" in verdict["condition_en"]
    assert "exceeds 1" not in verdict["condition_en"]  # the ratio is exactly 1 here, never above
    assert "75.0 个百分点" in verdict["condition_zh"]


def test_projection_shapes_follow_the_curves():
    t = np.arange(6)
    projections = pd.concat(
        [
            pd.DataFrame({"model": "linear", "t": t, "projected": 100 - 30.0 * t}),
            pd.DataFrame({"model": "quadratic", "t": t, "projected": 100 - 40.0 * t + 8.0 * t**2}),
            pd.DataFrame({"model": "exponential", "t": t, "projected": 100 * 0.7**t}),
        ]
    )
    shapes = retention.projection_shapes(projections).set_index("model")
    assert shapes.loc["linear", "crosses_zero_at"] == 4  # 100 - 120 < 0 first at t = 4
    assert shapes.loc["linear", "turns_up_at"] is None
    assert shapes.loc["quadratic", "turns_up_at"] == 3  # y(2) = y(3) = 52, then 68 at t = 4
    assert shapes.loc["quadratic", "crosses_zero_at"] is None  # minimum 100 - 50 > 0
    assert shapes.loc["exponential", "crosses_zero_at"] is None
    # On FH 2007 High End fitted on years 0..7, the linear curve stays above 0 up to year 12.
    high = retention.regression_projection(table1("high_end")[:8], 12)
    high_shapes = retention.projection_shapes(high).set_index("model")
    assert high_shapes.loc["linear", "crosses_zero_at"] is None
    assert high.query("model == 'linear'")["projected"].min() > 0

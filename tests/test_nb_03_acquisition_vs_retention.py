"""Notebook 03 (acquisition vs retention): recorded numbers checked against independent algebra.

Every reference is recomputed here from the Blattberg & Deighton (1996) response curves and the
customer equity test written out by hand, not from crmstudy.acquisition.
"""

from __future__ import annotations

import numpy as np
import pytest

pytestmark = pytest.mark.notebook

M, D, A_MAX, R_MAX, K_R = 100.0, 0.10, 0.40, 0.80, 0.20  # the notebook's defaults


def a_of(A, k_a):
    return A_MAX * (1 - np.exp(-k_a * A))


def r_of(R):
    return R_MAX * (1 - np.exp(-K_R * R))


def ce(A, R, k_a):
    a, r = a_of(A, k_a), r_of(R)
    return a * M - A + a * (M - R / r) * r / (1 + D - r)


def test_defaults_the_5x_firm(run_notebook):
    res = run_notebook("03_acquisition_vs_retention")

    # cost_ratio = 5 sets k_a so that the first customer acquired costs 5x the first one kept:
    # 1 / (a_max k_a) = 5 / (r_max k_r).
    k_a = R_MAX * K_R / (A_MAX * 5.0)
    assert res["k_a_used"] == pytest.approx(k_a)
    assert res["first_customer_cost_ratio"] == pytest.approx(5.0)

    A, R = res["acquisition_spend"], res["retention_spend"]
    assert 0 < A and 0 < R
    # The recorded optimum is a local maximum of the hand-written customer equity test.
    best = ce(A, R, k_a)
    assert res["customer_equity"] == pytest.approx(best, rel=1e-10)
    for dA, dR in [(0.05, 0), (-0.05, 0), (0, 0.05), (0, -0.05), (0.05, 0.05)]:
        assert ce(A + dA, R + dR, k_a) < best

    # Pfeifer (2005): marginal cost of acquiring = of retaining = customer value.
    r = r_of(R)
    value = (M * (1 + D) - R) / (1 + D - r)
    assert res["customer_value"] == pytest.approx(value, rel=1e-10)
    assert np.exp(k_a * A) / (A_MAX * k_a) == pytest.approx(value, rel=1e-8)
    assert np.exp(K_R * R) / (R_MAX * K_R) == pytest.approx(value, rel=1e-8)
    assert res["marginal_cost_ratio"] == pytest.approx(1.0, abs=1e-8)

    # Average cost ratio at the optimum: not 5, and below it for this firm (3.18).
    avg_ratio = (A / a_of(A, k_a)) / (R / r)
    assert res["average_cost_ratio"] == pytest.approx(avg_ratio, rel=1e-10)
    assert 3.1 < avg_ratio < 3.3
    assert res["average_cost_ratio_bound"] == pytest.approx(value * r / R)

    # The quoted ratios: Pfeifer (2005) citing Sterne. Every optimum has marginal ratio 1 and an
    # average ratio below the bound, rising with the quoted ratio.
    table = res["quoted_ratios_table"]
    assert list(table["quoted_ratio"]) == [3, 5, 6, 10, 11, 12, 20]
    np.testing.assert_allclose(table["marginal_cost_ratio"], 1.0, atol=1e-8)
    assert (np.diff(table["average_cost_ratio"]) > 0).all()
    assert (table["average_cost_ratio"] < res["average_cost_ratio_bound"]).all()
    # Retention share of the budget falls with the cost ratio.
    shares = res["retention_share_by_ratio"]
    assert shares["ratio_1"] > shares["ratio_5"] > shares["ratio_25"]
    assert shares["ratio_5"] == pytest.approx(res["retention_budget_share"])

    # Under-spending acquisition by half: retention at least 5x cheaper on average only for the
    # 20x firm, computed here from the closed-form A* = ln(a_max k_a V) / k_a (R* is the same for
    # every firm, so V is too).
    misleads = []
    for c in (3, 5, 6, 10, 11, 12, 20):
        kc = R_MAX * K_R / (A_MAX * c)
        half = np.log(A_MAX * kc * value) / kc / 2
        assert A_MAX * kc * np.exp(-kc * half) * value > 1  # next acquisition dollar pays
        if (half / a_of(half, kc)) / (R / r) >= 5:
            misleads.append(float(c))
    assert res["ratios_where_maxim_misleads"] == misleads == [20.0]

    # Keep or replace: the average acquisition cost at the optimum (77.7) is below the margin, so
    # the break-even ratio is 1; with a baseline retention r0 it is r / (r - r0).
    assert res["acquisition_cost_for_break_even"] == pytest.approx(A / a_of(A, k_a))
    assert res["break_even_ratio"] == pytest.approx(1.0)
    r_keep, r0 = r, round(r / 2, 2)
    assert res["break_even_ratio_with_baseline"] == pytest.approx(r_keep / (r_keep - r0))

    # The value of a retained customer and the gross lifetime value of its margins.
    assert res["value_of_retained_customer"] == pytest.approx(value)
    assert res["gross_lifetime_value"] == pytest.approx(M * (1 + D) / (1 + D - r))

    # CDNOW: BG/NBD on Hardie's 39-week summary reproduces Fader, Hardie & Lee (2005a, "Counting
    # your customers the easy way", Marketing Science 24(2)): r = 0.243, alpha = 4.414,
    # a = 0.793, b = 2.426. Repeat buyers are worth more than one-time buyers.
    params = res["cdnow_bgnbd_params"]
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    for name, value in published.items():
        assert params[name] == pytest.approx(value, abs=0.002)
    assert res["cdnow_value_repeat_buyers"] > 3 * res["cdnow_value_one_purchase"] > 0
    lo, hi = res["cdnow_cohort_value_interval"]
    assert lo < res["cdnow_cohort_value"] < hi

    # Pfeifer's second half, by hand: on the optimal budget, the split where the marginal cost
    # ratio is 5 (exp(k_a A)/(a_max k_a) over exp(k_r R)/(r_max k_r)) spends less on retention
    # than the optimum, and the optimum's equity is higher.
    shift = res["shift_to_retention"]
    A0, R0 = shift["start_acquisition_spend"], shift["start_retention_spend"]
    mc_ratio = (np.exp(k_a * A0) / (A_MAX * k_a)) / (np.exp(K_R * R0) / (R_MAX * K_R))
    assert mc_ratio == pytest.approx(5.0, rel=1e-8)
    budget_by_hand = A0 + a_of(A0, k_a) * R0 / (1 + D - r_of(R0))
    assert budget_by_hand == pytest.approx(A + a_of(A, k_a) * R / (1 + D - r_of(R)), rel=1e-9)
    gain = 100 * (ce(A, R, k_a) / ce(A0, R0, k_a) - 1)
    assert res["shift_equity_gain_pct"] == pytest.approx(gain, rel=1e-8)
    assert res["share_shift_pp"] > 0
    verdict = res["verdict_acquisition_5x"]
    assert verdict["class"] == "holds_if"
    assert verdict["values"]["favour_retention_wrong_share"] == res["favour_retention_wrong_share"]

    # Exercises: the 20x firm's average cost ratio, from the closed form A* = ln(a_max k V)/k.
    v_star = (M * (1 + D) - R) / (1 + D - r)
    k20 = R_MAX * K_R / (A_MAX * 20)
    A20 = np.log(A_MAX * k20 * v_star) / k20
    assert res["exercise_1_answer"] == pytest.approx((A20 / a_of(A20, k20)) / (R / r), rel=1e-8)
    assert 0 < res["exercise_2_answer"] < res["share_shift_pp"]
    assert res["exercise_3_answer"] == pytest.approx(v_star, rel=1e-8)


def test_a_marginal_ratio_no_split_reaches_flips_the_verdict(run_notebook):
    # With a marginal ratio above what any split of the budget shows, the shift reading does not
    # arise, and the verdict's rule says the advice does not hold (nothing to gain).
    res = run_notebook("03_acquisition_vs_retention", marginal_ratio=50.0, a_max=0.9, k_r=0.05)
    shift = res["shift_to_retention"]
    verdict = res["verdict_acquisition_5x"]
    # By hand: with no retention spending at all, the optimal budget goes to acquisition, and the
    # marginal cost ratio there is below 50, so no split of the budget has a ratio of 50.
    assert np.isnan(shift["equity_gain_pct"])
    assert verdict["class"] == "does_not_hold"

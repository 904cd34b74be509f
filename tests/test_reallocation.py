"""Tests of crmstudy.reallocation (Pfeifer 2005's second half) against brute force and by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crmstudy import acquisition as acq
from crmstudy import reallocation as ra

FIRM = dict(margin=100.0, discount_rate=0.10, a_max=0.40, r_max=0.80, k_r=0.20)


def firm(ratio=5.0):
    k_a = acq.acquisition_efficiency_for_ratio(ratio, FIRM["a_max"], FIRM["r_max"], FIRM["k_r"])
    return dict(FIRM, k_a=k_a)


def test_budget_is_spent_exactly_along_the_line():
    f = firm()
    for R in (0.0, 5.0, 20.0):
        A = ra.acquisition_for_budget(
            40.0, R, f["discount_rate"], f["a_max"], f["k_a"], f["r_max"], f["k_r"]
        )
        # By hand: A + a(A) R / (1 + d - r(R)) with the exponential response curves.
        a = f["a_max"] * (1 - math.exp(-f["k_a"] * A))
        r = f["r_max"] * (1 - math.exp(-f["k_r"] * R))
        assert A + a * R / (1 + f["discount_rate"] - r) == pytest.approx(40.0, abs=1e-9)


def test_start_has_the_quoted_marginal_ratio_and_the_optimum_is_the_best_split():
    f = firm()
    summary, path = ra.shift_to_retention(**f, marginal_ratio=5.0, points=801)
    # At the start, acquiring the next customer costs 5x keeping the next one (by hand).
    A0, R0 = summary["start_acquisition_spend"], summary["start_retention_spend"]
    mc_a = math.exp(f["k_a"] * A0) / (f["a_max"] * f["k_a"])
    mc_r = math.exp(f["k_r"] * R0) / (f["r_max"] * f["k_r"])
    assert mc_a / mc_r == pytest.approx(5.0, rel=1e-9)
    # Brute force over the budget line: no split beats the optimum, which has ratio 1.
    assert path["customer_equity"].max() <= summary["optimal_customer_equity"] + 1e-9
    best = path.loc[path["customer_equity"].idxmax()]
    assert best["marginal_cost_ratio"] == pytest.approx(1.0, abs=0.05)
    # Money moves to retention, and equity rises.
    assert summary["share_shift_pp"] > 0 and summary["equity_gain_pct"] > 0
    assert summary["start_customer_equity"] == pytest.approx(
        float(
            acq.customer_equity_test(
                A0, R0, f["margin"], f["discount_rate"], f["a_max"], f["k_a"], f["r_max"], f["k_r"]
            )
        )
    )


def test_a_larger_marginal_ratio_means_a_longer_shift():
    f = firm()
    shifts = [ra.shift_to_retention(**f, marginal_ratio=q)[0]["share_shift_pp"] for q in (2, 5, 20)]
    assert shifts[0] < shifts[1] < shifts[2]


def test_verdict_acquisition_5x_rule():
    assert ra.verdict_acquisition_5x(0.3, 8.8)["class"] == "holds_if"
    assert ra.verdict_acquisition_5x(0.0, 8.8)["class"] == "holds"
    assert ra.verdict_acquisition_5x(0.3, math.nan)["class"] == "does_not_hold"
    assert ra.verdict_acquisition_5x(0.3, -1.0)["class"] == "does_not_hold"


def test_shift_plot_draws_with_labels():
    import matplotlib

    matplotlib.use("Agg")
    from crmstudy.plots import acquisition as plots

    summary, path = ra.shift_to_retention(**firm())
    fig = plots.shift_to_retention(path, summary)
    ax = fig.axes[0]
    assert "share of the budget spent on retention" in ax.get_xlabel()
    assert "US$" in ax.get_ylabel()
    assert "marginal cost ratio" in fig.axes[1].get_ylabel()
    assert np.isfinite(summary["equity_gain_pct"])

"""Each plot of notebooks 02-04 draws on a small input, with the axis labels and units it promises.

The inputs come from the package's own (tested) functions on small grids; the plots compute
nothing themselves, so these tests check only what a reader sees: labels, units, titles, legends.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmstudy import acquisition as acq  # noqa: E402
from crmstudy import churn_profit as cp  # noqa: E402
from crmstudy import clv  # noqa: E402
from crmstudy import reallocation as ra  # noqa: E402
from crmstudy.plots import acquisition as acq_plots  # noqa: E402
from crmstudy.plots import churn_profit as cp_plots  # noqa: E402
from crmstudy.plots import clv as clv_plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def labels(fig):
    return [(ax.get_xlabel(), ax.get_ylabel(), ax.get_title()) for ax in fig.axes]


# ---------------------------------------------------------------- plots/clv.py


def test_margin_multiple_heatmap_names_the_period():
    table = clv.margin_multiple_table([0.5, 0.9], [0.1, 0.2])
    fig = clv_plots.margin_multiple_heatmap(table, period="year")
    x, y, title = labels(fig)[0]
    assert x == "discount rate per year" and y == "retention per year" and "per year" in title
    texts = [t.get_text() for t in fig.axes[0].texts]
    assert f"{table.iloc[1, 0]:.2f}" in texts  # 0.9 / (1.1 - 0.9) = 4.50


def test_horizon_curve_has_currency_and_unit():
    values = [clv.lifetime_value(100, 0.8, 0.1, horizon=h) for h in range(1, 6)]
    fig = clv_plots.horizon_curve(
        range(1, 6), values, clv.lifetime_value(100, 0.8, 0.1), unit="years"
    )
    x, y, _ = labels(fig)[0]
    assert x == "horizon (years)" and y == "lifetime value (US$)"
    assert [t.get_text() for t in fig.axes[0].get_legend().get_texts()] == [
        "finite horizon",
        "infinite horizon",
    ]


def test_heterogeneity_and_firm_elasticity_bars():
    comp = pd.DataFrame(
        {
            "customer": ["new", "after 1 renewals"] * 2,
            "misvaluation_pct": [-5.0, -20.0, -3.0, -10.0],
            "segment": ["regular", "regular", "high_end", "high_end"],
        }
    )
    fig = clv_plots.heterogeneity_bars(comp)
    assert labels(fig)[0][1] == "constant-rate value vs sBG value (%)"
    table = pd.DataFrame(
        {"retention": [2.5, 5.1], "margin": [1.1, 1.3]},
        index=pd.Index(["Amazon", "Capital One"], name="firm"),
    )
    fig = clv_plots.firm_elasticities(table, published_range={"retention": (3, 7)})
    assert labels(fig)[0][1] == "% change in customer equity per 1% improvement"


# ---------------------------------------------------------------- plots/acquisition.py

FIRM = dict(margin=100.0, discount_rate=0.1, a_max=0.4, r_max=0.8, k_r=0.2)
FIRM["k_a"] = acq.acquisition_efficiency_for_ratio(5.0, 0.4, 0.8, 0.2)


def test_response_curves_units_and_value_in_the_legend():
    best = acq.optimal_spend(**FIRM)
    curves = acq.response_curves(np.linspace(0, 60, 30), 0.4, FIRM["k_a"], 0.8, 0.2)
    fig = acq_plots.response_curves(curves, best, period="year")
    (lx, ly, _), (rx, ry, _) = labels(fig)
    assert lx == "spend (US$ per prospect, or per customer per year)"
    assert ly == "share acquired / retained" and ry == "cost per customer (US$)"
    legend = [t.get_text() for t in fig.axes[1].get_legend().get_texts()]
    assert legend[-1] == f"customer value V* = {best['customer_value']:.0f}"
    # The V* label is no longer drawn on the line (it collided with the curves at 20x).
    assert not [t for t in fig.axes[1].texts if "V*" in t.get_text()]


def test_sweep_plots_and_marginal_dollar_map():
    sweep = acq.cost_ratio_sweep([1, 5, 10], [50.0, 100.0], 0.1, 0.4, 0.8, 0.2)
    fig = acq_plots.budget_share_heatmap(sweep)
    assert fig.axes
    line = acq.cost_ratio_sweep(np.arange(1, 6), [100.0], 0.1, 0.4, 0.8, 0.2)
    fig = acq_plots.cost_ratio_at_optimum(line, claimed=5.0, quoted=[3, 5])
    assert labels(fig)[0][:2] == (
        "first-customer cost ratio (acquisition / retention)",
        "cost ratio at the optimum",
    )
    grid = acq.marginal_dollar_map(np.linspace(1, 60, 12), np.linspace(1, 40, 12), **FIRM)
    fig = acq_plots.marginal_dollar_map(grid, acq.optimal_spend(**FIRM), period="year")
    x, y, _ = labels(fig)[0]
    assert x == "current acquisition spend (US$ per prospect)"
    assert y == "current retention spend (US$ per customer per year)"


def test_shift_to_retention_plot_marks_start_and_optimum():
    summary, path = ra.shift_to_retention(**FIRM, points=40)
    fig = acq_plots.shift_to_retention(path, summary)
    legend = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert any(t.startswith("marginal ratio 5x") for t in legend)
    assert any(t.startswith("optimum: marginal ratio 1") for t in legend)


# ---------------------------------------------------------------- plots/churn_profit.py


def test_profile_bars_legend_outside_the_axes():
    base = cp.CustomerBase()
    fig = cp_plots.profile_bars(cp.tenure_profile(base, periods=6), acquisition_cost=51.0)
    x, y, _ = labels(fig)[0]
    assert x == "year of tenure" and y == "profit per customer per year (US$)"
    legend = fig.axes[0].get_legend()
    # Anchored to the right of the axes (x > 1 in axes coordinates): it cannot cover a bar.
    assert legend.get_bbox_to_anchor().transformed(fig.axes[0].transAxes.inverted()).x0 > 1.0


def test_uplift_points_transition_and_readings_plots():
    base = cp.CustomerBase()
    grid = cp.uplift_map([0.1, 0.2, 0.3], [0.2, 0.5, 1.0], base=base)
    fig = cp_plots.uplift_heatmap(grid, marker=(0.1, 0.9), title="t", period="year")
    assert labels(fig)[0][0] == "baseline defection rate per year"
    table = pd.DataFrame(
        {"points": [120.0, 40.0], "relative": [6.0, 7.0]},
        index=pd.Index([0.1, 0.2], name="defection"),
    )
    fig = cp_plots.points_vs_relative(table, period="year")
    assert labels(fig)[0][:2] == (
        "baseline defection rate per year",
        "% change in steady-state profit",
    )
    path = cp.transition_path(0.1, 0.05, horizon=10, base=base)
    fig = cp_plots.transition_plot(path)
    assert labels(fig)[0][:2] == ("years after the change", "profit per year (US$)")
    readings = cp.claim_readings(0.1, base)
    fig = cp_plots.claim_readings_bars(readings)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "% change"
    texts = {t.get_text() for t in ax.texts}
    # Each bar carries its value, from the readings table.
    assert f"{readings.loc['points', 'firm_profit_pct']:+.0f}%" in texts
    assert "claim: +100%" in texts

"""Each figure of crmstudy.plots.retention draws on a small input, with the labels it promises.

Inputs are built here by hand (a few rows each), so the tests check the drawing, not the math.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmstudy.plots import retention as plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _labels(fig):
    ax = fig.axes[0]
    return ax.get_xlabel(), ax.get_ylabel(), ax.get_title()


def test_survival_projections_with_interval_band():
    t = np.arange(6)
    projections = pd.concat(
        [
            pd.DataFrame({"model": "linear", "t": t, "projected": 100 - 15 * t}),
            pd.DataFrame({"model": "sBG", "t": t, "projected": 100 * 0.8**t}),
        ]
    )
    band = pd.DataFrame({"t": t, "lower": 95 * 0.78**t, "upper": 100 * 0.82**t})
    band.attrs["level"] = 0.9
    actual = pd.Series(100 * 0.8 ** np.arange(4), index=np.arange(4))
    fig = plots.survival_projections(projections, actual, 3, period="Y", interval=band)
    x, y, _ = _labels(fig)
    assert x == "t (years since acquisition)"
    assert y.startswith("% of the cohort still active")
    legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert {"sBG", "linear", "actual", "sBG 90% interval", "fitted (t <= 3)"} <= set(legend)


def test_retention_rate_dynamics_labels():
    rates = pd.DataFrame({"t": [1, 2, 3], "observed": [0.6, 0.7, np.nan], "sbg": [0.62, 0.7, 0.74]})
    fig = plots.retention_rate_dynamics(rates, individual=0.62, period="Y")
    x, y, _ = _labels(fig)
    assert x == "t (years since acquisition)"
    assert y == "retention rate r(t)"
    assert fig.axes[0].get_ylim() == (0.0, 1.0)


def test_churn_densities_say_per_year():
    theta = np.linspace(0.01, 0.99, 5)
    densities = pd.concat(
        [pd.DataFrame({"theta": theta, "t": t, "density": 1.0 + t * theta}) for t in (0, 3)]
    )
    x, y, _ = _labels(plots.churn_densities(densities, period="Y"))
    assert x == "churn probability theta (per year)"
    assert y == "density"
    x_month, _, _ = _labels(plots.churn_densities(densities, period="M"))
    assert x_month == "churn probability theta (per month)"


def test_kaplan_meier_curve_labels():
    km = pd.DataFrame(
        {
            "time": [0.0, 1.0, 2.0],
            "survival": [1.0, 0.7, 0.5],
            "lower": [1.0, 0.6, 0.4],
            "upper": [1.0, 0.8, 0.6],
            "band_lower": [1.0, 0.55, 0.35],
            "band_upper": [1.0, 0.85, 0.65],
        }
    )
    km.attrs.update(period="Y", alpha=0.05)
    model = pd.DataFrame({"t": [0, 1, 2], "survival": [1.0, 0.72, 0.52]})
    fig = plots.kaplan_meier_curve(km, model)
    x, y, _ = _labels(fig)
    assert x == "duration (years)"
    assert y == "share still active S(t)"
    legend = [text.get_text() for text in fig.axes[0].get_legend().get_texts()]
    assert "95% simultaneous band" in legend and "sBG" in legend


def test_period_retention_vs_ratio_names_the_period():
    frame = pd.DataFrame(
        {"period": ["2000-11", "2000-12"], "simple_ratio": [0.92, 1.07], "retention": [0.51, 0.55]}
    )
    frame.attrs["period"] = "M"
    x, y, _ = _labels(plots.period_retention_vs_ratio(frame))
    assert x == "period t (months)"
    assert y == "share of customers, per month"
    assert "per period" not in y


def test_cohort_heatmap_labels_and_thinned_ticks():
    cohorts = pd.DataFrame(
        [
            {"cohort": f"2000-{d:03d}", "age": a, "share": 0.5 / (1 + a)}
            for d in range(60)
            for a in range(0, 4)
        ]
    )
    cohorts.attrs["period"] = "D"
    fig = plots.cohort_heatmap(cohorts)
    ax = fig.axes[0]
    assert ax.get_xlabel() == "age (days since the first purchase)"
    assert ax.get_ylabel() == "cohort (first-purchase period)"
    assert len(ax.get_yticklabels()) <= 30  # 60 cohorts, thinned to a readable number
    assert fig.axes[1].get_ylabel() == "share of the cohort active"

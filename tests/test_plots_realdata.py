"""Figures of plots/data.py, plots/concentration.py and plots/value.py: each draws what it is
given (checked against the input numbers), labels never overlap, and the colour bar stays inside
the figure."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmstudy import concentration as conc  # noqa: E402
from crmstudy import satisfaction, transactions  # noqa: E402
from crmstudy.plots import concentration as conc_plots  # noqa: E402
from crmstudy.plots import data as data_plots  # noqa: E402
from crmstudy.plots import value as value_plots  # noqa: E402


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def _daily_log(days=120, customers=300, seed=0):
    rng = np.random.default_rng(seed)
    start = pd.Timestamp("2020-01-01")
    rows = [
        (f"c{i}", start + pd.Timedelta(days=int(d)), 10.0)
        for i in range(customers)
        for d in np.unique(rng.integers(0, days, size=rng.integers(1, 5)))
    ]
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def _overlaps(labels):
    boxes = [t.get_window_extent() for t in labels if t.get_text()]
    return any(a.overlaps(b) for i, a in enumerate(boxes) for b in boxes[i + 1:])


def test_cohort_heatmap_on_daily_cohorts_has_readable_labels_and_colour_bar():
    table = transactions.cohort_table(_daily_log(), period="D")
    n_cohorts = table["cohort"].nunique()
    assert n_cohorts > 60  # a crowded case: one cohort per day
    fig = data_plots.cohort_heatmap(table, max_age=40)
    fig.canvas.draw()
    ax, cbar = fig.axes[0], fig.axes[1]
    shown = [t for t in ax.get_yticklabels() if t.get_text()]
    assert len(shown) <= 25 and not _overlaps(ax.get_yticklabels())
    assert not _overlaps(ax.get_xticklabels())
    # The colour bar's label and tick labels are inside the figure, in percent.
    renderer = fig.canvas.get_renderer()
    figbox = fig.bbox
    for text in [cbar.yaxis.label, *cbar.get_yticklabels()]:
        if text.get_text():
            box = text.get_window_extent(renderer)
            assert box.x1 <= figbox.x1 + 1 and box.x0 >= figbox.x0 - 1, text.get_text()
    assert any(t.get_text().endswith("%") for t in cbar.get_yticklabels())


def test_whale_plot_draws_the_curve_it_is_given():
    profit = np.array([10.0, 2.0, -3.0])
    curve = conc.whale_curve(profit)
    fig = conc_plots.whale(curve, conc.whale_summary(profit))
    line = fig.axes[0].lines[0]
    np.testing.assert_allclose(line.get_ydata(), curve["profit_share"])
    np.testing.assert_allclose(fig.axes[0].lines[-1].get_ydata(), [12 / 9])


def test_anchor_dots_one_row_per_anchor():
    comparison = conc.published_anchors()
    comparison["label"] = comparison["source"] + " - " + comparison["setting"]
    fig = conc_plots.anchor_dots(comparison)
    np.testing.assert_allclose(fig.axes[0].lines[0].get_xdata(), comparison["top20_share"])
    assert len(fig.axes[0].get_yticklabels()) == len(comparison)


def test_loyal_share_by_level_plots_the_table():
    survey = pd.DataFrame({"cusa": [3, 4, 5, 6, 6, 7, 7], "cusl_3": [1, 7, 2, 7, 3, 7, 7]})
    table = satisfaction.loyal_by_satisfaction(survey)
    fig = value_plots.loyal_share_by_level(table)
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.lines[0].get_ydata(), table["loyal_share"])
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0].startswith("1-3") and "(n=2)" in labels[3]


def test_value_chain_paths_one_row_per_path():
    paths = pd.DataFrame({"equation": ["value", "loyalty"], "predictor": ["quality", "value"],
                          "coef": [0.5, 0.2], "lower": [0.4, 0.0], "upper": [0.6, 0.4]})  # fmt: skip
    fig = value_plots.value_chain_paths(paths)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["quality -> value", "value -> loyalty"]
    np.testing.assert_allclose(ax.lines[0].get_xdata(), [0.5, 0.2])

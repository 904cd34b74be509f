"""plots.customer_base: the customer-story and iso-value figures draw the numbers given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmstudy.plots.customer_base import (  # noqa: E402
    plot_clv_distribution,
    plot_customer_stories,
    plot_iso_value,
)


def story(scale=1.0):
    path = pd.DataFrame({"t": [0.0, 5.0, 10.0, 20.0, 39.0],
                         "probability_alive": [1.0, 0.9, 1.0, 0.7, 0.4 * scale]})
    return {"path": path, "purchases": [0.0, 10.0], "T": 39.0,
            "ahead": {"estimate": 0.8, "lower": 0.5, "upper": 1.2, "horizon": 39.0,
                      "level": 0.9}}


def test_customer_stories_one_panel_each_with_ticks_line_and_interval():
    fig = plot_customer_stories({"customer A": story(), "customer B": story(0.5)})
    main = [ax for ax in fig.axes if ax.get_ylabel() == "P(alive)"]
    right = [ax for ax in fig.axes if ax.get_ylabel() == "purchases ahead"]
    assert len(main) == 2 and len(right) == 2
    ax = main[1]
    assert ax.get_title(loc="left") == "customer B"
    lines = {line.get_label(): line for line in ax.get_lines()}
    assert lines["P(alive)"].get_ydata()[-1] == pytest.approx(0.2)
    assert lines["purchase"].get_xdata() == pytest.approx([0.0, 10.0])
    assert lines["purchase"].get_marker() == "|"
    # The expected purchases ahead sit at T + horizon = 78 with whiskers 0.5-1.2.
    marker = [line for line in right[1].get_lines() if line.get_marker() == "D"][0]
    assert marker.get_xdata()[0] == pytest.approx(78.0)
    assert marker.get_ydata()[0] == pytest.approx(0.8)
    seg = right[1].collections[0].get_segments()[0]
    assert [seg[0][1], seg[1][1]] == pytest.approx([0.5, 1.2])
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert "expected purchases ahead (90% interval)" in legend
    assert "weeks since" in main[-1].get_xlabel()
    plt.close(fig)


def test_iso_value_contours_span_the_grid():
    freq = np.arange(0, 6)
    rec = np.linspace(0, 39, 8)
    values = np.outer(freq, rec / 39) * 20.0
    grid = pd.DataFrame(values, index=pd.Index(freq, name="frequency"),
                        columns=pd.Index(rec, name="recency"))
    grid.iloc[0, 1:] = np.nan
    grid.attrs.update(quantity="CLV", period="W")
    fig = plot_iso_value(grid)
    ax = fig.axes[0]
    assert ax.get_xlabel().startswith("recency (weeks")
    assert ax.get_ylabel() == "repeat purchases (frequency)"
    assert "CLV" in fig.axes[1].get_ylabel()
    levels = ax.collections[0].levels if hasattr(ax.collections[0], "levels") else None
    if levels is not None:
        assert levels[0] <= 0 and levels[-1] >= 100
    plt.close(fig)


def test_clv_distribution_marks_mean_and_median():
    clv = pd.Series([0.0, 1.0, 5.0, 20.0, 200.0])
    fig = plot_clv_distribution(clv)
    xs = sorted(line.get_xdata()[0] for line in fig.axes[0].get_lines())
    assert xs == pytest.approx(sorted([np.log10(1 + 45.2), np.log10(1 + 5.0)]))
    plt.close(fig)


def test_customer_story_draws_the_p_alive_band_of_an_interval_path():
    path = pd.DataFrame({"t": [0.0, 10.0, 20.0], "estimate": [1.0, 0.6, 0.3],
                         "lower": [1.0, 0.5, 0.2], "upper": [1.0, 0.7, 0.45]})
    fig = plot_customer_stories({"c": {"path": path, "purchases": [0.0], "level": 0.9}})
    ax = fig.axes[0]
    band = [c for c in ax.collections if c.get_label() == "P(alive) interval (90%)"]
    assert len(band) == 1
    ys = band[0].get_paths()[0].vertices[:, 1]
    assert ys.min() == pytest.approx(0.2) and ys.max() == pytest.approx(1.0)
    assert [line.get_label() for line in ax.get_lines()][:1] == ["P(alive)"]
    plt.close(fig)

"""Tests for crmstudy.plots.customisation: each figure draws the numbers it is given."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

from crmstudy import customisation as cz  # noqa: E402
from crmstudy.plots import customisation as pc  # noqa: E402

COSTS = {"flexible_premium": 0.1, "waiting_cost": 0.02, "walk_away_share": 0.1}


@pytest.fixture(autouse=True)
def _close():
    yield
    plt.close("all")


def test_cost_curves_draw_the_table_and_the_breakeven():
    table = cz.cost_by_cv(np.linspace(0.05, 1.0, 20), 1.0, 0.75, 0.225, **COSTS)
    cv_star = cz.breakeven_cv(1.0, 0.75, 0.225, **COSTS)
    fig = pc.cost_curves(table, cv_star)
    (ax,) = fig.axes
    stock, order, vline = ax.lines[:3]
    assert np.allclose(stock.get_ydata(), table["make_to_stock_cost"])
    assert np.allclose(order.get_ydata(), table["make_to_order_cost"])
    assert vline.get_xdata()[0] == pytest.approx(cv_star)
    assert "break-even CV 0.40" in [t.get_text() for t in ax.texts]
    assert "share of price" in ax.get_ylabel()


def test_breakeven_map_draws_the_zero_contour_and_the_point():
    grid = cz.saving_grid(
        "cv",
        np.linspace(0.05, 1.2, 15),
        "unit_cost",
        np.linspace(0.4, 0.95, 12),
        price=1.0,
        salvage_value=0.2,
        **COSTS,
    )
    fig = pc.breakeven_map(grid, "cv", "unit_cost", point=(0.4, 0.75))
    ax = fig.axes[0]
    assert len(fig.axes) == 2  # the map and its colour bar
    mesh = ax.collections[0]
    assert mesh.get_array().size == 15 * 12
    assert len(ax.collections) >= 2, "the break-even contour is missing"
    assert ax.lines[-1].get_xdata()[0] == 0.4
    assert [t.get_text() for t in ax.texts] == ["these inputs"]


def test_breakeven_map_without_a_sign_change_has_no_contour():
    grid = cz.saving_grid(
        "cv",
        [2.0, 3.0],
        "waiting_cost",
        [0.0, 0.01],
        price=1.0,
        unit_cost=0.75,
        salvage_value=0.2,
        flexible_premium=0.0,
        walk_away_share=0.0,
    )
    assert (grid["saving"] > 0).all()
    fig = pc.breakeven_map(grid, "cv", "waiting_cost")
    assert len(fig.axes[0].collections) == 1


def test_cv_distribution_draws_one_histogram_per_sample_and_the_line():
    rng = np.random.default_rng(0)
    a = pd.Series(rng.lognormal(0.5, 0.5, 300))
    b = pd.Series(rng.lognormal(-0.2, 0.4, 80))
    fig = pc.cv_distribution(
        {"products": a, "subclasses": b},
        0.4,
        weights={"products": a * 0 + 1, "subclasses": b * 0 + 2},
    )
    ax = fig.axes[0]
    assert ax.get_xscale() == "log"
    labels = ax.get_legend_handles_labels()[1]
    assert sorted(labels) == ["break-even CV 0.40", "products", "subclasses"]
    assert ax.lines[0].get_xdata()[0] == 0.4
    # Bars are shares of each sample's weight: each histogram sums to 1.
    heights = [sum(p.get_height() for p in c.patches) for c in ax.containers]
    assert heights == pytest.approx([1.0, 1.0])
    fig.canvas.draw()
    ticks = [t.get_text() for t in ax.get_xticklabels(which="both")]
    assert not any("10^" in t or "times" in t or "e-" in t for t in ticks)


def test_pooling_by_size_draws_groups_and_reference():
    groups = pd.DataFrame({"n_items": [1, 4, 9], "cost_reduction": [0.0, 0.4, 0.6]})
    reference = pd.DataFrame({"n_items": [1, 4, 9]})
    reference["reduction"] = [1 - cz.equicorrelated_pooling_ratio(n) for n in reference["n_items"]]
    fig = pc.pooling_by_size(groups, reference)
    ax = fig.axes[0]
    assert np.allclose(ax.collections[0].get_offsets()[:, 1], [0.0, 0.4, 0.6])
    assert np.allclose(ax.lines[0].get_ydata(), [0.0, 0.5, 2 / 3])

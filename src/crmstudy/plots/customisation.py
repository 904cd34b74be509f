"""Figures for mass customisation: build to order against build to stock (notebook 08).

Each function draws results computed by :mod:`crmstudy.customisation` and returns the Figure;
none computes a metric itself.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

__all__ = ["breakeven_map", "cost_curves", "cv_distribution", "pooling_by_size"]


def _plain_log_axis(axis) -> None:
    """Tick labels of a log axis in plain numbers (0.3, 1, 10), never 3×10⁻¹."""
    plain = mticker.FuncFormatter(lambda v, _: f"{v:g}")
    axis.set_major_formatter(plain)
    axis.set_minor_formatter(
        # label the 2s and 5s between the powers of ten (0.2, 0.5, 2, 5, 20, ...)
        mticker.FuncFormatter(lambda v, _: f"{v:g}" if f"{v:.0e}"[0] in "25" else "")
    )


def cost_curves(
    table: pd.DataFrame,
    breakeven_cv: float,
    *,
    unit: str = "share of price",
    title: str | None = None,
) -> plt.Figure:
    """The two costs per unit of mean demand against the CV of demand.

    ``table`` is :func:`crmstudy.customisation.cost_by_cv`; ``breakeven_cv`` draws the crossing.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.plot(table["cv"], table["make_to_stock_cost"], label="build to stock (newsvendor)")
    ax.plot(table["cv"], table["make_to_order_cost"], label="build to order")
    if np.isfinite(breakeven_cv):
        ax.axvline(breakeven_cv, color="grey", ls="--", lw=0.8)
        # Below the flat build-to-order line, right of the crossing: the empty corner of the plot.
        level = float(table["make_to_order_cost"].iloc[0])
        ax.annotate(
            f"break-even CV {breakeven_cv:.2f}",
            (breakeven_cv, level),
            xytext=(8, -18),
            textcoords="offset points",
        )
    ax.set_xlabel("coefficient of variation of demand per period (sd / mean)")
    ax.set_ylabel(f"expected cost per unit of demand ({unit})")
    ax.set_title(title or "Cost of building to stock and to order")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def breakeven_map(
    grid: pd.DataFrame,
    x: str,
    y: str,
    *,
    x_label: str | None = None,
    y_label: str | None = None,
    unit: str = "share of price",
    point: tuple[float, float] | None = None,
    title: str | None = None,
) -> plt.Figure:
    """Saving of building to order over two inputs, with the break-even line (saving = 0).

    ``grid`` is :func:`crmstudy.customisation.saving_grid` over ``x`` and ``y``; ``point`` marks
    the notebook's own inputs.
    """
    wide = grid.pivot(index=y, columns=x, values="saving")
    xs, ys, z = wide.columns.to_numpy(), wide.index.to_numpy(), wide.to_numpy()
    limit = float(np.nanmax(np.abs(z))) or 1.0
    fig, ax = plt.subplots(figsize=(6.5, 5))
    mesh = ax.pcolormesh(xs, ys, z, cmap="RdBu", vmin=-limit, vmax=limit, shading="auto")
    if np.nanmin(z) < 0 < np.nanmax(z):
        ax.contour(xs, ys, z, levels=[0.0], colors="black", linewidths=1.2)
    if point is not None:
        ax.plot(*point, "k*", markersize=12)
        ax.annotate("these inputs", point, xytext=(9, 6), textcoords="offset points")
    fig.colorbar(mesh, ax=ax, label=f"saving of building to order ({unit} per unit)")
    ax.set_xlabel(x_label or x)
    ax.set_ylabel(y_label or y)
    ax.set_title(title or "Where building to order is cheaper (blue)")
    fig.tight_layout()
    return fig


def cv_distribution(
    samples: dict[str, pd.Series],
    breakeven_cv: float,
    *,
    weights: dict[str, pd.Series] | None = None,
    title: str | None = None,
) -> plt.Figure:
    """Histograms of the CV of demand (log scale), one per label, with the break-even CV.

    ``samples`` maps a label (e.g. "products", "subclasses, pooled") to CVs computed by
    :func:`crmstudy.customisation.compare_by_item` or ``compare_by_group``; ``weights`` (same
    keys) weights each item, e.g. by revenue. Each bar is the share of the label's items (or of
    their weight) in that bin.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    values = [s[np.isfinite(s) & (s > 0)] for s in samples.values()]
    lo = min(float(v.min()) for v in values if len(v))
    hi = max(float(v.max()) for v in values if len(v))
    bins = np.geomspace(min(lo, breakeven_cv) * 0.9, max(hi, breakeven_cv) * 1.1, 40)
    for (label, _), v in zip(samples.items(), values, strict=True):
        w = (
            np.ones(len(v))
            if weights is None
            else weights[label].reindex(v.index).fillna(0).to_numpy(dtype=float)
        )
        ax.hist(v, bins=bins, weights=w / w.sum(), alpha=0.55, label=label)
    ax.axvline(
        breakeven_cv, color="black", ls="--", lw=1, label=f"break-even CV {breakeven_cv:.2f}"
    )
    ax.set_xscale("log")
    _plain_log_axis(ax.xaxis)
    ax.set_xlabel("coefficient of variation of demand per period (log scale)")
    ax.set_ylabel("share of revenue per bin" if weights else "share of items per bin")
    ax.set_title(title or "Demand uncertainty against the break-even")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig


def pooling_by_size(
    groups: pd.DataFrame, reference: pd.DataFrame, *, title: str | None = None
) -> plt.Figure:
    """Observed cost reduction from pooling per group against the group's number of items.

    ``groups`` is :func:`crmstudy.customisation.compare_by_group` (columns ``n_items``,
    ``cost_reduction``); ``reference`` has columns ``n_items`` and ``reduction`` (e.g.
    ``1 - equicorrelated_pooling_ratio(n)`` for independent, identical demands).
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    ax.scatter(groups["n_items"], groups["cost_reduction"], s=8, alpha=0.35, label="subclasses")
    ax.plot(
        reference["n_items"],
        reference["reduction"],
        color="black",
        label="independent, identical (1 - 1/√n)",
    )
    ax.set_xscale("log")
    _plain_log_axis(ax.xaxis)
    ax.set_xlabel("products in the subclass (log scale)")
    ax.set_ylabel("share of newsvendor cost removed by pooling")
    ax.set_title(title or "Risk pooling by subclass size")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig

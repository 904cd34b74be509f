"""Figures for customer lifetime value and customer equity (notebook 02).

Each function draws results computed by :mod:`crmstudy.clv` and returns the Figure; none computes
a metric itself.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

__all__ = [
    "margin_multiple_heatmap",
    "horizon_curve",
    "heterogeneity_bars",
    "firm_elasticities",
]


def margin_multiple_heatmap(
    table: pd.DataFrame, *, period: str = "period", title: str | None = None
) -> plt.Figure:
    """Heatmap of a :func:`crmstudy.clv.margin_multiple_table` (retention rows, discount columns).

    ``period`` names the unit both rates are per ("year"), used in the axis labels.
    """
    fig, ax = plt.subplots(figsize=(7, 5))
    labelled = table.copy()
    labelled.index = [f"{r:.0%}" for r in table.index]
    labelled.columns = [f"{i:.0%}" for i in table.columns]
    sns.heatmap(
        labelled,
        annot=True,
        fmt=".2f",
        cmap="viridis",
        cbar_kws={"label": f"multiple ({period}s of margin)"},
        ax=ax,
    )
    ax.set_xlabel(f"discount rate per {period}")
    ax.set_ylabel(f"retention per {period}")
    ax.set_title(title or f"Margin multiple: lifetime value per unit of margin per {period}")
    fig.tight_layout()
    return fig


def horizon_curve(
    horizons,
    values,
    infinite_value: float,
    *,
    unit: str = "periods",
    currency: str = "US$",
    title: str | None = None,
) -> plt.Figure:
    """Lifetime value as the horizon grows, with the infinite-horizon value as a dashed line."""
    fig, ax = plt.subplots(figsize=(7, 4))
    ax.plot(horizons, values, marker="o", ms=3, label="finite horizon")
    ax.axhline(infinite_value, ls="--", color="grey", label="infinite horizon")
    ax.set_xlabel(f"horizon ({unit})")
    ax.set_ylabel(f"lifetime value ({currency})")
    ax.set_title(title or "How much of the lifetime value the first periods hold")
    ax.legend()
    fig.tight_layout()
    return fig


def heterogeneity_bars(comparison: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """Bars of the constant-rate shortcut's misvaluation by customer type and segment.

    ``comparison`` is a long table with the columns of
    :func:`crmstudy.clv.heterogeneity_comparison` plus a ``segment`` column.
    """
    fig, ax = plt.subplots(figsize=(8, 4))
    sns.barplot(data=comparison, x="customer", y="misvaluation_pct", hue="segment", ax=ax)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel("")
    ax.set_ylabel("constant-rate value vs sBG value (%)")
    ax.tick_params(axis="x", rotation=30)
    ax.set_title(title or "What one constant retention rate does to customer value")
    fig.tight_layout()
    return fig


def firm_elasticities(
    table: pd.DataFrame, *, published_range: dict | None = None, title: str | None = None
) -> plt.Figure:
    """Grouped bars: the % change in customer equity per 1% improvement, by firm and driver.

    ``table`` has one row per firm and one column per driver (``retention``, ``margin``,
    ``acquisition_cost``, ``discount_rate``). ``published_range`` maps a driver to (low, high),
    drawn as a shaded band (e.g. GLS 2004's 3-7 for retention).
    """
    long = (
        table.rename_axis("firm")
        .reset_index()
        .melt(id_vars="firm", var_name="driver", value_name="elasticity")
    )
    fig, ax = plt.subplots(figsize=(9, 4.5))
    sns.barplot(data=long, x="driver", y="elasticity", hue="firm", ax=ax)
    drivers = list(table.columns)
    for name, (low, high) in (published_range or {}).items():
        if name in drivers:
            x = drivers.index(name)
            ax.fill_between([x - 0.45, x + 0.45], low, high, color="grey", alpha=0.2, lw=0)
    ax.set_ylabel("% change in customer equity per 1% improvement")
    ax.set_xlabel("")
    ax.set_ylim(0, max(1.0, float(np.nanmax(table.to_numpy())) * 1.15))
    ax.set_title(title or "Retention moves customer equity most (grey: published range)")
    fig.tight_layout()
    return fig

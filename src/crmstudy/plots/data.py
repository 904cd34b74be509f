"""Figures for transaction logs and the data sets (notebook 00, the data tour).

Each function draws results computed by :mod:`crmstudy.transactions` or loaded by
:mod:`crmstudy.datasets` and returns the Figure; none computes a metric itself.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

from crmstudy.units import PERIOD_NAMES

__all__ = [
    "purchases_over_time",
    "repeat_purchase_distribution",
    "cohort_heatmap",
    "donation_patterns",
]


def purchases_over_time(counts: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """Transactions and buyers per period, from :func:`crmstudy.transactions.purchase_counts`."""
    period = PERIOD_NAMES.get(counts.attrs.get("period", ""), "period")
    fig, ax = plt.subplots(figsize=(8, 3.8))
    sns.lineplot(data=counts, x="period_start", y="transactions", label="transactions", ax=ax)
    sns.lineplot(data=counts, x="period_start", y="customers", label="distinct buyers", ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel(f"per {period.rstrip('s')}")
    ax.set_title(title or f"Purchases over time ({period}; same-day purchases count once)")
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def repeat_purchase_distribution(
    summary: pd.DataFrame, *, max_frequency: int = 10, title: str | None = None
) -> plt.Figure:
    """Bar chart of customers by number of repeat transactions (``frequency`` of a summary).

    Counts above ``max_frequency`` are pooled in one last bar labelled ``"max_frequency+"``.
    """
    capped = summary["frequency"].clip(upper=max_frequency)
    labels = [str(k) for k in range(max_frequency)] + [f"{max_frequency}+"]
    shown = pd.Categorical(capped.map(lambda k: labels[int(k)]), categories=labels, ordered=True)
    fig, ax = plt.subplots(figsize=(7, 3.8))
    sns.countplot(x=shown, color="C0", ax=ax)
    ax.set_xlabel("repeat transactions in the observation period")
    ax.set_ylabel("customers")
    ax.set_title(title or "How many times customers come back")
    fig.tight_layout()
    return fig


def cohort_heatmap(
    table: pd.DataFrame,
    *,
    max_age: int | None = None,
    max_labels: int = 24,
    title: str | None = None,
) -> plt.Figure:
    """Heatmap of a :func:`crmstudy.transactions.cohort_table`: share active by cohort and age.

    Age 0 (share 1 by definition) is left out so the colour scale shows the repeat activity.
    With more than ``max_labels`` cohorts or ages (a user's log with daily or weekly cohorts),
    only every k-th row and column is labelled, so the labels never overlap, and the cells are
    not annotated. The colour bar is labelled in percent and kept inside the figure.
    """
    from matplotlib.ticker import PercentFormatter

    period = PERIOD_NAMES.get(table.attrs.get("period", ""), "periods")
    shown = table[table["age"] > 0]
    if max_age is not None:
        shown = shown[shown["age"] <= max_age]
    grid = shown.pivot(index="cohort", columns="age", values="share")
    sizes = table.drop_duplicates("cohort").set_index("cohort")["cohort_size"]
    grid.index = [f"{c} (n={sizes[c]:,})" for c in grid.index]
    height = min(2.0 + 0.35 * min(len(grid), max_labels), 12.0)
    fig, ax = plt.subplots(figsize=(10, height), layout="constrained")
    row_step = max(1, -(-len(grid) // max_labels))
    col_step = max(1, -(-len(grid.columns) // max_labels))
    sns.heatmap(
        grid,
        cmap="mako_r",
        vmin=0,
        annot=len(grid.columns) <= max_labels and len(grid) <= 20,
        fmt=".0%",
        xticklabels=col_step,
        yticklabels=row_step,
        cbar_kws={"label": "share of cohort buying", "format": PercentFormatter(1.0, decimals=0)},
        ax=ax,
    )
    ax.tick_params(axis="y", labelsize=8 if row_step > 1 or len(grid) > 12 else 10)
    ax.set_xlabel(f"{period} since first purchase")
    ax.set_ylabel("cohort (first purchase)")
    ax.set_title(title or "Share of each cohort that buys again, by age")
    return fig


def donation_patterns(panel: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """Donors by number of repeat donations, from :func:`crmstudy.datasets.load_donations`."""
    fig, ax = plt.subplots(figsize=(7, 3.8))
    sns.barplot(
        data=panel, x="frequency", y="count", estimator="sum", errorbar=None, color="C2", ax=ax
    )
    ax.set_xlabel(f"repeat donations (of {int(panel['n_periods'].max())} yearly opportunities)")
    ax.set_ylabel("donors")
    ax.set_title(title or "The donations panel (Fader, Hardie & Shang 2010)")
    fig.tight_layout()
    return fig

"""Figures for the buy-till-you-die models (notebook 07): they draw, they compute nothing.

Inputs are the tables of :mod:`crmstudy.models.diagnostics`, the CLV Series of
:func:`crmstudy.clv.customer_lifetime_value`, a customer's P(alive) path and a CLV grid by
frequency and recency. Each function returns the Figure. The displays follow Fader, Hardie & Lee
(2005a), Figures 1-4, and (2005b), the iso-value curves.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from crmstudy.units import PERIOD_NAMES

__all__ = [
    "plot_frequency_histogram",
    "plot_holdout_by_frequency",
    "plot_tracking",
    "plot_frequency_recency_heatmap",
    "plot_clv_distribution",
    "plot_customer_stories",
    "plot_iso_value",
]


def _unit(frame, default="periods") -> str:
    return PERIOD_NAMES.get(frame.attrs.get("period"), default)


def plot_frequency_histogram(tables: dict[str, pd.DataFrame], title: str | None = None):
    """Customers by calibration repeat purchases: actual bars beside each model's bars.

    ``tables`` maps a model name to :func:`~crmstudy.models.diagnostics.frequency_histogram`
    output (columns ``actual``, ``model``); the actual counts are taken from the first.
    """
    names = list(tables)
    first = tables[names[0]]
    long = [
        pd.DataFrame({"frequency": first.index, "customers": first["actual"], "source": "actual"})
    ]
    for name in names:
        t = tables[name]
        long.append(pd.DataFrame({"frequency": t.index, "customers": t["model"], "source": name}))
    data = pd.concat(long, ignore_index=True)
    fig, ax = plt.subplots(figsize=(7, 4))
    sns.barplot(data=data, x="frequency", y="customers", hue="source", ax=ax)
    ax.set_xlabel("repeat purchases in the calibration period")
    ax.set_ylabel("customers")
    ax.set_title(title or "Repeat purchases: actual vs model")
    fig.tight_layout()
    return fig


def plot_holdout_by_frequency(tables: dict[str, pd.DataFrame], title: str | None = None):
    """Mean holdout purchases by calibration frequency: actual and each model's expectation.

    ``tables`` maps a model name to :func:`~crmstudy.models.diagnostics.holdout_by_frequency`
    output (columns ``actual``, ``model``).
    """
    names = list(tables)
    first = tables[names[0]]
    fig, ax = plt.subplots(figsize=(7, 4))
    x = np.arange(len(first))
    ax.plot(x, first["actual"], marker="o", color="black", label="actual")
    for name in names:
        ax.plot(x, tables[name]["model"], marker=".", linestyle="--", label=name)
    ax.set_xticks(x, first.index)
    ax.set_xlabel("repeat purchases in the calibration period")
    ax.set_ylabel("mean purchases in the holdout period")
    ax.set_title(title or "Conditional expectations in the holdout period")
    ax.legend()
    fig.tight_layout()
    return fig


def plot_tracking(tables: dict[str, pd.DataFrame], title: str | None = None):
    """Cumulative (left) and incremental (right) repeat transactions per period, actual vs model.

    ``tables`` maps a model name to :func:`~crmstudy.models.diagnostics.tracking` output; a
    dotted line marks the end of calibration (``attrs["calibration_time"]``).
    """
    names = list(tables)
    first = tables[names[0]]
    unit = _unit(first)
    fig, axes = plt.subplots(1, 2, figsize=(11, 4))
    for ax, suffix, label in (
        (axes[0], "_cumulative", "cumulative repeat transactions"),
        (axes[1], "", f"repeat transactions per {unit.rstrip('s')}"),
    ):
        ax.plot(first["time"], first["actual" + suffix], color="black", label="actual")
        for name in names:
            ax.plot(tables[name]["time"], tables[name]["model" + suffix], "--", label=name)
        cal = first.attrs.get("calibration_time")
        if cal is not None:
            ax.axvline(cal, color="grey", linestyle=":", label="end of calibration")
        ax.set_xlabel(f"{unit} since the cohort's first purchase")
        ax.set_ylabel(label)
    axes[0].legend()
    fig.suptitle(title or "Tracking repeat transactions")
    fig.tight_layout()
    return fig


def plot_frequency_recency_heatmap(grid: pd.DataFrame, title: str | None = None, ax=None):
    """Heat map of :func:`~crmstudy.models.diagnostics.frequency_recency_grid` (frequency x recency)."""
    if ax is None:
        fig, ax = plt.subplots(figsize=(8, 5))
    else:
        fig = ax.figure
    quantity = grid.attrs.get("quantity", "value")
    label = "P(alive)" if quantity == "probability_alive" else "expected purchases"
    sns.heatmap(
        grid.iloc[::-1],
        ax=ax,
        cmap="viridis",
        cbar_kws={"label": label},
        annot=grid.shape[1] <= 8,
        fmt=".2f",
    )
    unit = _unit(grid)
    ax.set_xlabel(f"recency ({unit} from first to last purchase)")
    ax.set_ylabel("repeat purchases (frequency)")
    default = f"{label} of a customer observed for {grid.attrs.get('T', '?'):g} {unit}"
    if quantity == "expected_purchases" and grid.attrs.get("horizon") is not None:
        default += f", next {grid.attrs['horizon']:g} {unit}"
    ax.set_title(title or default)
    fig.tight_layout()
    return fig


def plot_clv_distribution(clv: pd.Series, title: str | None = None, currency: str = "USD"):
    """Histogram of predicted CLV (log scale of value + 1) with the mean and median marked."""
    fig, ax = plt.subplots(figsize=(7, 4))
    values = np.asarray(clv, dtype=float)
    sns.histplot(np.log10(1.0 + values), bins=40, ax=ax, color="tab:blue")
    for stat, style in ((np.mean(values), "--"), (np.median(values), ":")):
        ax.axvline(np.log10(1.0 + stat), color="black", linestyle=style)
    ticks = np.array([0, 1, 10, 100, 1000, 10000])
    ticks = ticks[ticks <= max(values.max(), 1)]
    ax.set_xticks(np.log10(1.0 + ticks), [f"{t:g}" for t in ticks])
    ax.set_xlabel(f"predicted CLV ({currency}; dashed: mean, dotted: median)")
    ax.set_ylabel("customers")
    ax.set_title(title or "Distribution of predicted customer lifetime value")
    fig.tight_layout()
    return fig


def plot_customer_stories(stories: dict, unit: str = "weeks", title: str | None = None):
    """One panel per customer: purchases as ticks, P(alive) as a line, expected purchases ahead.

    ``stories`` maps a label to a dict with ``path`` (the DataFrame of a purchase model's
    ``probability_alive_path``: column ``t``, in ``unit`` from the first purchase, and
    ``probability_alive``, or ``estimate`` with ``lower``/``upper`` drawn as a band),
    ``purchases`` (purchase times, same unit), optionally ``T`` (end of the observed window,
    marked), ``level`` (of the band) and ``ahead`` (dict ``estimate``, ``lower``, ``upper``,
    ``horizon``: expected purchases in the next ``horizon`` with an interval, drawn on the
    right-hand axis at ``T + horizon``; ``level`` names the interval in the legend).
    """
    n = len(stories)
    fig, axes = plt.subplots(n, 1, figsize=(8, 2.4 * n + 0.6), squeeze=False)
    for ax, (label, story) in zip(axes[:, 0], stories.items(), strict=True):
        path = story["path"]
        t = path["t"].to_numpy(dtype=float)
        value = path["probability_alive" if "probability_alive" in path else "estimate"]
        ax.plot(t, value.to_numpy(dtype=float), color="tab:blue", label="P(alive)")
        if "lower" in path and "upper" in path:
            level = story.get("level")
            ax.fill_between(t, path["lower"].to_numpy(dtype=float),
                            path["upper"].to_numpy(dtype=float), color="tab:blue", alpha=0.2,
                            label="P(alive) interval" + (
                                f" ({100 * level:.0f}%)" if level is not None else ""))
        buys = np.asarray(story.get("purchases", []), dtype=float)
        ax.plot(buys, np.full(buys.shape, 0.02), "|", color="black", markersize=14,
                markeredgewidth=2, label="purchase")
        end = story.get("T")
        if end is not None:
            ax.axvline(end, color="grey", linestyle=":", label="end of observation")
        ax.set_ylim(0, 1.05)
        ax.set_ylabel("P(alive)")
        ax.set_title(str(label), loc="left", fontsize="medium")
        ahead = story.get("ahead")
        handles, names = ax.get_legend_handles_labels()
        if ahead is not None:
            right = ax.twinx()
            x = float(ahead.get("T", end if end is not None else t.max()))
            x += float(ahead["horizon"])
            est = float(ahead["estimate"])
            err = [[est - float(ahead["lower"])], [float(ahead["upper"]) - est]]
            level = ahead.get("level")
            text = "expected purchases ahead" + (
                f" ({100 * level:.0f}% interval)" if level is not None else ""
            )
            right.errorbar([x], [est], yerr=err, fmt="D", color="tab:orange", capsize=4,
                           label=text)
            right.set_ylim(0, max(1.0, 1.2 * float(ahead["upper"])))
            right.set_ylabel("purchases ahead", color="tab:orange")
            h2, n2 = right.get_legend_handles_labels()
            handles, names = handles + h2, names + n2
        ax.legend(handles, names, loc="upper right", fontsize="x-small")
    axes[-1, 0].set_xlabel(f"{unit} since the customer's first purchase")
    fig.suptitle(title or "One customer's story: purchases, P(alive), and what comes next")
    fig.tight_layout()
    return fig


def plot_iso_value(grid: pd.DataFrame, title: str | None = None, currency: str = "US$",
                   levels=None, ax=None):
    """Iso-value curves: CLV (or DERT) by recency (x axis) and frequency (y axis), as contours.

    ``grid``: index ``frequency`` (repeat purchases), columns ``recency`` (time of the last
    purchase, in ``grid.attrs["period"]``), values the CLV of a customer with that history
    (``attrs["quantity"]`` names it; NaN cells are left blank). FHL (2005b), Figures 8-9.
    """
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4.5))
    else:
        fig = ax.figure
    rec = np.asarray(grid.columns, dtype=float)
    freq = np.asarray(grid.index, dtype=float)
    z = np.ma.masked_invalid(grid.to_numpy(dtype=float))
    filled = ax.contourf(rec, freq, z, levels=levels or 12, cmap="viridis")
    lines = ax.contour(rec, freq, z, levels=filled.levels, colors="white", linewidths=0.6)
    ax.clabel(lines, fmt=lambda v: f"{currency}{v:,.0f}", fontsize="x-small")
    quantity = grid.attrs.get("quantity", "CLV")
    fig.colorbar(filled, ax=ax, label=f"{quantity} ({currency})")
    unit = _unit(grid)
    ax.set_xlabel(f"recency ({unit} from first to last purchase)")
    ax.set_ylabel("repeat purchases (frequency)")
    ax.set_title(title or f"Iso-value curves: {quantity} by recency and frequency")
    fig.tight_layout()
    return fig

"""Figures for the defection-to-profit analysis (notebook 04).

Each function draws results computed by :mod:`crmstudy.churn_profit` and returns the Figure;
none computes a metric itself.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LogNorm

__all__ = [
    "profile_bars",
    "uplift_heatmap",
    "transition_plot",
    "points_vs_relative",
    "claim_readings_bars",
]

_SOURCE_LABELS = {
    "base_profit": "base profit",
    "purchase_growth": "increased purchases",
    "cost_savings": "reduced operating costs",
    "referrals": "referrals",
    "price_premium": "price premium",
}


def profile_bars(
    profile: pd.DataFrame, acquisition_cost: float | None = None, *, unit: str = "year"
) -> plt.Figure:
    """Stacked bars of profit by tenure from :func:`crmstudy.churn_profit.tenure_profile`.

    The layout of Reichheld & Sasser's (1990) exhibit "Why customers are more profitable over
    time"; the acquisition cost, if given, is drawn as a negative bar at tenure 0.
    """
    fig, ax = plt.subplots(figsize=(9, 4.5))
    bottom = np.zeros(len(profile))
    x = profile.index.to_numpy()
    for name, label in _SOURCE_LABELS.items():
        if name in profile:
            values = profile[name].to_numpy(dtype=float)
            ax.bar(x, values, bottom=bottom, label=label)
            bottom = bottom + values
    if acquisition_cost:
        ax.bar([0], [-acquisition_cost], color="firebrick", label="acquisition cost")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_xlabel(f"{unit} of tenure")
    ax.set_ylabel(f"profit per customer per {unit} (US$)")
    ax.set_title("Profit per customer grows with tenure")
    # Outside the axes, so that it never covers the bars (the year-1 bar sat under it).
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    fig.tight_layout()
    return fig


def uplift_heatmap(
    grid: pd.DataFrame,
    levels=(25, 85, 100),
    *,
    marker: tuple | None = None,
    title: str = "",
    period: str = "period",
) -> plt.Figure:
    """Heatmap of % profit uplift (rows: net margin, columns: baseline defection) with contours.

    ``grid`` is :func:`crmstudy.churn_profit.uplift_map`. Contours mark ``levels`` (%: R&S's
    25% and 85% and the "+100%" claim). ``marker`` = (defection, net_margin) puts a cross on the
    base of the parameters.
    """
    d = grid.columns.to_numpy(dtype=float)
    mu = grid.index.to_numpy(dtype=float)
    z = grid.to_numpy(dtype=float)
    fig, ax = plt.subplots(figsize=(8, 5.5))
    positive = z[np.isfinite(z) & (z > 0)]
    norm = LogNorm(vmin=max(positive.min(), 1.0), vmax=positive.max()) if positive.size else None
    mesh = ax.pcolormesh(d, mu, np.ma.masked_invalid(z), shading="auto", cmap="magma", norm=norm)
    fig.colorbar(mesh, ax=ax, label="% change in steady-state profit")
    contours = ax.contour(d, mu, np.ma.masked_invalid(z), levels=sorted(levels), colors="white")
    ax.clabel(contours, fmt=lambda v: f"{v:.0f}%", fontsize=9)
    if marker is not None:
        ax.plot(*marker, marker="x", color="cyan", ms=10, mew=2, label="this base")
        ax.legend(loc="upper right")
    ax.set_xlabel(f"baseline defection rate per {period}")
    ax.set_ylabel("net margin of the base (profit / customer profit)")
    ax.set_title(title or "Profit uplift of a 5-point defection cut")
    fig.tight_layout()
    return fig


def transition_plot(path: pd.DataFrame, *, unit: str = "year") -> plt.Figure:
    """Profit per period after the defection rate changes (from :func:`transition_path`)."""
    fig, ax = plt.subplots(figsize=(8, 4))
    old = path["profit"].iloc[0]
    new = old + path.attrs.get("steady_state_gain", np.nan)
    ax.plot(path.index, path["profit"], marker="o", ms=3, label="profit")
    ax.axhline(old, ls=":", color="grey", label="old steady state")
    ax.axhline(new, ls="--", color="grey", label="new steady state")
    ax.set_xlabel(f"{unit}s after the change")
    ax.set_ylabel(f"profit per {unit} (US$)")
    ax.set_title("The gain arrives slowly: the base has to grow into it")
    ax.legend()
    fig.tight_layout()
    return fig


def points_vs_relative(table: pd.DataFrame, *, period: str = "period") -> plt.Figure:
    """% profit uplift against baseline defection for a cut read in points and as a share.

    ``table`` is indexed by baseline ``defection`` with one column per reading (e.g. "points",
    "relative"), values in %.
    """
    fig, ax = plt.subplots(figsize=(8, 4))
    for column in table.columns:
        ax.plot(table.index, table[column], marker="o", ms=3, label=f"5% cut in {column}")
    ax.axhline(100, ls="--", color="grey", label="+100%")
    ax.set_yscale("log")
    ax.set_xlabel(f"baseline defection rate per {period}")
    ax.set_ylabel("% change in steady-state profit")
    ax.set_title('"5% fewer defections": percentage points versus 5% of the rate')
    ax.legend()
    fig.tight_layout()
    return fig


_METRIC_LABELS = {
    "firm_profit_pct": "steady-state firm profit",
    "rs_npv_undiscounted_pct": "R&S customer NPV, undiscounted",
    "rs_npv_discounted_pct": "R&S customer NPV, discounted",
}


def claim_readings_bars(readings: pd.DataFrame, threshold_pct: float = 100.0) -> plt.Figure:
    """Grouped bars of the % change under each reading of the claim, with the +100% line.

    ``readings`` is :func:`crmstudy.churn_profit.claim_readings` (rows ``points``/``relative``,
    one column per metric, in percent). Each bar is labelled with its value.
    """
    fig, ax = plt.subplots(figsize=(8, 4.5))
    metrics = [m for m in _METRIC_LABELS if m in readings]
    width = 0.8 / max(len(metrics), 1)
    x = np.arange(len(readings.index))
    for k, metric in enumerate(metrics):
        values = readings[metric].to_numpy(dtype=float)
        bars = ax.bar(
            x + (k - (len(metrics) - 1) / 2) * width, values, width, label=_METRIC_LABELS[metric]
        )
        ax.bar_label(
            bars,
            labels=[f"{v:+.0f}%" if np.isfinite(v) else "n/a" for v in values],
            fontsize=8,
            padding=2,
        )
    ax.axhline(threshold_pct, color="firebrick", ls="--", lw=1)
    ax.annotate(
        f"claim: +{threshold_pct:.0f}%",
        xy=(1.0, threshold_pct),
        xycoords=("axes fraction", "data"),
        xytext=(-4, 4),
        textcoords="offset points",
        ha="right",
        color="firebrick",
        fontsize=8,
    )
    names = {"points": "5-point cut", "relative": "5% relative cut"}
    ax.set_xticks(x, [names.get(i, str(i)) for i in readings.index])
    ax.set_ylabel("% change")
    d0 = readings.attrs.get("defection_before")
    ax.set_title('Readings of "5% less churn"' + (f" from {d0:.0%} defection" if d0 else ""))
    top = np.nanmax(np.r_[readings[metrics].to_numpy(dtype=float).ravel(), threshold_pct])
    ax.set_ylim(min(0.0, np.nanmin(readings[metrics].to_numpy(dtype=float))) * 1.15, top * 1.25)
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
    fig.tight_layout()
    return fig

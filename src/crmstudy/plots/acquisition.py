"""Figures for acquisition versus retention spending (notebook 03).

Each function draws results computed by :mod:`crmstudy.acquisition` and returns the Figure; none
computes a metric itself.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.colors import ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

__all__ = [
    "response_curves",
    "budget_share_heatmap",
    "cost_ratio_at_optimum",
    "marginal_dollar_map",
    "shift_to_retention",
]

_ACQ, _RET = "tab:blue", "tab:orange"


def response_curves(
    curves: pd.DataFrame, optimum: pd.Series, *, currency: str = "US$", period: str = "period"
) -> plt.Figure:
    """The two response curves and the cost of a customer along them, with the optimum marked.

    ``curves`` is a :func:`crmstudy.acquisition.response_curves` table and ``optimum`` an
    :func:`crmstudy.acquisition.optimal_spend` Series. Left: acquisition and retention rates
    against spend. Right: average and marginal cost per customer (log scale) with the customer
    value ``V*``, where both marginal costs meet it at the optimum (Pfeifer 2005).
    """
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.3))
    s = curves["spend"]
    left.plot(s, curves["acquisition_rate"], color=_ACQ, label="acquisition a(A), per prospect")
    left.plot(s, curves["retention_rate"], color=_RET, label="retention r(R), per customer")
    left.plot(optimum["acquisition_spend"], optimum["acquisition_rate"], "o", color=_ACQ)
    left.plot(optimum["retention_spend"], optimum["retention_rate"], "o", color=_RET)
    left.annotate(
        f"A* = {optimum['acquisition_spend']:.1f}",
        (optimum["acquisition_spend"], optimum["acquisition_rate"]),
        xytext=(6, -14),
        textcoords="offset points",
    )
    left.annotate(
        f"R* = {optimum['retention_spend']:.1f}",
        (optimum["retention_spend"], optimum["retention_rate"]),
        xytext=(6, -14),
        textcoords="offset points",
    )
    left.set_xlabel(f"spend ({currency} per prospect, or per customer per {period})")
    left.set_ylabel("share acquired / retained")
    left.set_ylim(0, 1)
    left.set_title("Response curves (Blattberg & Deighton 1996)")
    left.legend(loc="lower right", fontsize="small")

    positive = s > 0
    right.plot(s[positive], curves["average_cost_acquired"][positive], color=_ACQ, ls="--")
    right.plot(s[positive], curves["marginal_cost_acquired"][positive], color=_ACQ)
    right.plot(s[positive], curves["average_cost_retained"][positive], color=_RET, ls="--")
    right.plot(s[positive], curves["marginal_cost_retained"][positive], color=_RET)
    right.axhline(optimum["customer_value"], color="black", lw=0.8, ls=":")
    for spend, avg, colour in (
        (optimum["acquisition_spend"], optimum["average_cost_acquired"], _ACQ),
        (optimum["retention_spend"], optimum["average_cost_retained"], _RET),
    ):
        right.plot([spend], [optimum["customer_value"]], "o", color=colour)
        right.plot([spend], [avg], "o", mfc="white", color=colour)
    right.set_yscale("log")
    # Marginal costs grow exponentially; past ten times V* they only squash the interesting part.
    right.set_ylim(top=10 * optimum["customer_value"])
    right.set_xlabel(f"spend ({currency})")
    right.set_ylabel(f"cost per customer ({currency})")
    right.set_title("Average (dashed) and marginal (solid) cost")
    right.legend(
        handles=[
            Patch(color=_ACQ, label="acquisition"),
            Patch(color=_RET, label="retention"),
            # In the legend, not on the line, so that it never sits on a curve (ratio_20x).
            Line2D(
                [],
                [],
                color="black",
                lw=0.8,
                ls=":",
                label=f"customer value V* = {optimum['customer_value']:.0f}",
            ),
        ],
        loc="upper left",
        fontsize="small",
    )
    fig.tight_layout()
    return fig


def budget_share_heatmap(sweep: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """Optimal share of the budget spent on retention, by margin (rows) and cost ratio (columns).

    ``sweep`` is a :func:`crmstudy.acquisition.cost_ratio_sweep` table. Blank cells: no spending
    pays at the optimum (the share is undefined).
    """
    table = sweep.pivot(index="margin", columns="cost_ratio", values="retention_budget_share")
    table = table.sort_index(ascending=False)
    table.columns = [f"{c:g}" for c in table.columns]
    table.index = [f"{m:g}" for m in table.index]
    fig, ax = plt.subplots(figsize=(11, 0.45 * len(table) + 1.8))
    sns.heatmap(
        table,
        ax=ax,
        vmin=0,
        vmax=1,
        cmap="viridis",
        annot=len(table.columns) <= 25,
        fmt=".0%",
        annot_kws={"fontsize": 7},
        cbar_kws={"label": "retention share of the optimal budget"},
    )
    ax.set_xlabel("first-customer cost ratio (acquisition / retention)")
    ax.set_ylabel("margin per customer per period")
    ax.set_title(title or "Optimal retention share of the budget (blank: acquisition does not pay)")
    fig.tight_layout()
    return fig


def cost_ratio_at_optimum(
    sweep: pd.DataFrame, *, claimed: float | None = None, quoted=None
) -> plt.Figure:
    """Average and marginal cost ratio at the optimum against the first-customer cost ratio.

    ``sweep`` is a :func:`crmstudy.acquisition.cost_ratio_sweep` table for one margin. ``claimed``
    draws the maxim's ratio as a horizontal line; ``quoted`` marks ratios quoted in the literature
    on the x axis.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.5))
    x = sweep["cost_ratio"]
    ax.plot(x, x, ls=":", color="grey", label="same as the first-customer ratio")
    ax.plot(x, sweep["average_cost_ratio"], color="black", label="average cost ratio at optimum")
    ax.plot(
        x, sweep["marginal_cost_ratio"], color="tab:red", label="marginal cost ratio at optimum"
    )
    if claimed is not None:
        ax.axhline(claimed, color="tab:purple", lw=0.8, ls="--", label=f"the claim: {claimed:g}x")
    for q in quoted or ():
        ax.axvline(q, color="grey", lw=0.4, alpha=0.6)
    ax.set_xlabel("first-customer cost ratio (acquisition / retention)")
    ax.set_ylabel("cost ratio at the optimum")
    ax.set_title("What the ratio looks like where the firm should be")
    ax.legend(fontsize="small")
    fig.tight_layout()
    return fig


def marginal_dollar_map(
    grid: pd.DataFrame,
    optimum: pd.Series | None = None,
    *,
    claimed: float = 5.0,
    currency: str = "US$",
    period: str = "period",
) -> plt.Figure:
    """Where the next dollar belongs at each current spend, and where "favour retention" is wrong.

    ``grid`` is a :func:`crmstudy.acquisition.marginal_dollar_map` table. Colours: the activity
    whose next dollar earns more (or neither). The dashed line is where the average cost ratio
    equals ``claimed``; hatching marks the cells where the average-cost rule says "favour
    retention" and the next dollar says otherwise.
    """
    A = np.unique(grid["acquisition_spend"])
    R = np.unique(grid["retention_spend"])
    order = ["acquisition", "retention", "neither"]
    codes = grid["next_dollar"].map({k: i for i, k in enumerate(order)})
    shape = (len(A), len(R))
    z = codes.to_numpy().reshape(shape).T
    wrong = grid["favour_retention_wrong"].to_numpy().reshape(shape).T
    ratio = grid["average_cost_ratio"].to_numpy().reshape(shape).T
    colours = ["#9ecae1", "#fdd0a2", "#e0e0e0"]
    fig, ax = plt.subplots(figsize=(7, 5.5))
    ax.pcolormesh(A, R, z, cmap=ListedColormap(colours), vmin=-0.5, vmax=2.5, shading="nearest")
    ax.contourf(A, R, wrong.astype(float), levels=[0.5, 1.5], colors="none", hatches=["///"])
    ax.contour(A, R, ratio, levels=[claimed], colors="black", linestyles="--", linewidths=1)
    if optimum is not None:
        ax.plot(optimum["acquisition_spend"], optimum["retention_spend"], "k*", ms=12)
    handles = [
        Patch(color=c, label=f"next dollar: {k}") for c, k in zip(colours, order, strict=True)
    ]
    handles.append(Patch(facecolor="white", hatch="///", label='"favour retention" is wrong'))
    handles.append(
        plt.Line2D([], [], color="black", ls="--", label=f"average cost ratio = {claimed:g}")
    )
    if optimum is not None:
        handles.append(plt.Line2D([], [], color="black", marker="*", ls="", label="optimum"))
    ax.legend(handles=handles, fontsize="small", loc="upper right", framealpha=0.9)
    ax.set_xlabel(f"current acquisition spend ({currency} per prospect)")
    ax.set_ylabel(f"current retention spend ({currency} per customer per {period})")
    ax.set_title("Where the next dollar belongs")
    fig.tight_layout()
    return fig


def shift_to_retention(
    path: pd.DataFrame, summary: pd.Series, *, currency: str = "US$"
) -> plt.Figure:
    """Customer equity and the marginal cost ratio along one budget, from "5x" to the optimum.

    ``path`` and ``summary`` are :func:`crmstudy.reallocation.shift_to_retention`. x: share of the
    budget spent on retention (%); left axis: customer equity per prospect; right axis (log): the
    ratio of the marginal cost of acquiring to that of keeping a customer. The start (the quoted
    marginal ratio) and the optimum (ratio 1) are marked, with an arrow for the shift.
    """
    fig, ax = plt.subplots(figsize=(9, 4.5))
    x = 100 * path["retention_budget_share"]
    ax.plot(x, path["customer_equity"], color="black", label="customer equity per prospect")
    ax.set_xlabel("share of the budget spent on retention (%)")
    ax.set_ylabel(f"customer equity per prospect ({currency})")
    twin = ax.twinx()
    twin.plot(
        x,
        path["marginal_cost_ratio"],
        color=_RET,
        ls="--",
        label="marginal cost ratio, acquired / retained",
    )
    twin.set_yscale("log")
    twin.set_ylabel("marginal cost ratio (log scale)")
    twin.axhline(1.0, color=_RET, lw=0.6, ls=":")
    opt_x = 100 * summary["optimal_retention_budget_share"]
    ax.plot(
        [opt_x],
        [summary["optimal_customer_equity"]],
        "o",
        color=_RET,
        label=f"optimum: marginal ratio 1, {opt_x:.0f}% to retention",
    )
    if np.isfinite(summary.get("start_customer_equity", np.nan)):
        start_x = 100 * summary["start_retention_budget_share"]
        ax.plot(
            [start_x],
            [summary["start_customer_equity"]],
            "o",
            color=_ACQ,
            label=f"marginal ratio {summary['marginal_ratio']:g}x, {start_x:.0f}% to retention",
        )
        ax.annotate(
            "",
            xy=(opt_x, summary["optimal_customer_equity"]),
            xytext=(start_x, summary["start_customer_equity"]),
            arrowprops={"arrowstyle": "->", "color": "black"},
        )
    lines = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    ax.legend(
        lines[0] + more[0],
        lines[1] + more[1],
        fontsize="small",
        loc="lower center",
        bbox_to_anchor=(0.5, 1.02),
        ncol=2,
        borderaxespad=0.0,
    )
    fig.tight_layout()
    return fig

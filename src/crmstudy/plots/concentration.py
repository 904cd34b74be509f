"""Figures for customer concentration: the 80/20 rule (notebook 05).

Each function draws results computed by :mod:`crmstudy.concentration` and returns the Figure;
none computes a metric itself.
"""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd

from crmstudy.formatting import format_value

__all__ = ["concentration_curves", "window_strip", "whale", "anchor_dots"]


def concentration_curves(
    curves: dict[str, pd.DataFrame],
    *,
    fraction: float | None = None,
    marks: dict[str, float] | None = None,
    from_top: bool = True,
    title: str | None = None,
) -> plt.Figure:
    """One or more curves of :func:`crmstudy.concentration.lorenz_curve`, with the equality line.

    ``curves`` maps a label to a curve (columns ``customer_share``, ``value_share``). With
    ``from_top`` (the default) the curves are read from the largest customer, as in the 80/20
    claim. ``fraction`` draws a vertical line at that share of customers; ``marks`` maps a label
    to a measured share at ``fraction`` (e.g. ``top_share``) and draws it as a point.
    """
    fig, ax = plt.subplots(figsize=(6, 5.5))
    for label, curve in curves.items():
        ax.plot(curve["customer_share"], curve["value_share"], label=label)
    ax.plot([0, 1], [0, 1], ls=":", color="grey", label="everyone equal")
    if fraction is not None:
        ax.axvline(fraction, color="grey", lw=0.8, ls="--")
        for label, value in (marks or {}).items():
            ax.plot([fraction], [value], "o", color="black")
            ax.annotate(
                f"{label}: {value:.0%}",
                (fraction, value),
                xytext=(8, -14),
                textcoords="offset points",
            )
    who = "from the largest" if from_top else "from the smallest"
    ax.set_xlabel(f"share of customers, ranked {who}")
    ax.set_ylabel("share of revenue")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1.01)
    ax.set_title(title or "Concentration curve")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def window_strip(
    tables: dict[str, pd.DataFrame],
    summaries: dict[str, pd.DataFrame],
    *,
    anchor: float | None = None,
    anchor_label: str = "",
    title: str | None = None,
) -> plt.Figure:
    """Top share against window length: one dot per window, a line through the means.

    ``tables`` maps a label (e.g. the population) to a :func:`window_concentration` table and
    ``summaries`` maps the same labels to its :func:`summarise_windows`. The x axis is the window
    length in months, to scale. ``anchor`` draws a published value as a horizontal line.
    """
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for i, (label, table) in enumerate(tables.items()):
        shift = 0.25 * (i - (len(tables) - 1) / 2)  # side by side, so the dots do not overlap
        colour = f"C{i}"
        ax.plot(table["window_months"] + shift, table["top_share"], "o", alpha=0.6, color=colour)
        means = summaries[label]
        ax.plot(means.index + shift, means["mean_top_share"], "-", color=colour, label=label, lw=2)
    if anchor is not None:
        ax.axhline(anchor, ls="--", color="grey")
        ax.annotate(
            anchor_label, (ax.get_xlim()[0], anchor), xytext=(4, 4), textcoords="offset points"
        )
    lengths = sorted({int(m) for t in tables.values() for m in t["window_months"]})
    ax.set_xticks(lengths)
    fraction = next(iter(tables.values())).attrs.get("fraction", 0.2)
    ax.set_xlabel("observation window (months); dots: windows, line: their mean")
    ax.set_ylabel(f"revenue share of the top {fraction:.0%}")
    ax.set_ylim(0, 1.02)
    ax.set_title(title or "Concentration depends on how long you watch")
    ax.legend(loc="lower right")
    fig.tight_layout()
    return fig


def whale(curve: pd.DataFrame, summary: pd.Series | None = None, *, title: str | None = None):
    """The whale curve of :func:`crmstudy.concentration.whale_curve`, with its peak marked.

    ``summary`` is the :func:`whale_summary` of the same profits (optional).
    """
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(curve["customer_share"], curve["profit_share"], color="C0")
    ax.axhline(1.0, ls=":", color="grey")
    if summary is not None:
        x, y = summary["peak_customer_share"], summary["peak_profit_share"]
        ax.plot([x], [y], "o", color="black")
        ax.annotate(
            f"peak: {format_value(y, 'share')} of total profit,\nfrom the "
            f"{format_value(x, 'share')} of customers who are profitable",
            (x, y),
            xytext=(0.35, 0.3),
            textcoords="axes fraction",
            arrowprops={"arrowstyle": "->", "color": "grey"},
        )
    ax.set_xlabel("share of customers, ranked from most to least profitable")
    ax.set_ylabel("cumulative share of total profit")
    ax.set_xlim(0, 1)
    ax.set_title(title or "Whale curve (Kaplan & Narayanan 2001)")
    fig.tight_layout()
    return fig


def anchor_dots(comparison: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """Dot chart of top-20% shares: ``comparison`` has columns ``label`` and ``top20_share``
    (and optionally ``lower``/``upper`` for an interval)."""
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(comparison) + 1.2), layout="constrained")
    y = range(len(comparison))
    ax.plot(comparison["top20_share"], y, "o")
    if {"lower", "upper"} <= set(comparison.columns):
        ok = comparison["lower"].notna()
        ax.hlines(
            [i for i, k in zip(y, ok, strict=True) if k],
            comparison.loc[ok, "lower"],
            comparison.loc[ok, "upper"],
        )
    ax.set_yticks(list(y), [textwrap.fill(str(label), 45) for label in comparison["label"]])
    ax.invert_yaxis()
    ax.axvline(0.2, ls=":", color="grey")
    ax.set_xlim(0, 1)
    ax.set_xlabel("share of sales from the top 20% of customers")
    ax.set_title(title or "The 80/20 rule against measurements")
    return fig

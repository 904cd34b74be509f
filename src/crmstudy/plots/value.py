"""Figures for customer value, satisfaction and loyalty (notebook 06).

Each function draws results computed by :mod:`crmstudy.value` and :mod:`crmstudy.satisfaction`
(and the simulation of :mod:`crmstudy.survey`) and returns the Figure; none computes a metric
itself.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns

__all__ = [
    "satisfaction_loyalty_curves",
    "top_gap_curves",
    "satisfaction_gain_bars",
    "retention_fit_lines",
    "segment_profitability_bars",
    "loyal_share_by_level",
    "value_chain_paths",
]

_PALETTE = {"low": "tab:blue", "high": "tab:red"}
_SCALE = [
    "1\ncompletely\ndissatisfied",
    "2",
    "3\nneutral",
    "4\nsatisfied",
    "5\ncompletely\nsatisfied",
]


def _scale_axis(ax: plt.Axes) -> None:
    ax.set_xticks(range(1, 6))
    ax.set_xticklabels(_SCALE, fontsize=8)
    ax.set_xlabel("satisfaction rating")


def satisfaction_loyalty_curves(curves: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """The Jones & Sasser picture: retention by satisfaction level, one line per competition.

    ``curves`` is :func:`crmstudy.survey.loyalty_curves`: sample retention with 95% bars (1.96 se)
    as points and solid lines, the population curve (``true_retention``) dashed.
    """
    fig, ax = plt.subplots(figsize=(7, 4.5))
    for comp, g in curves.groupby("competition", sort=False):
        color = _PALETTE.get(str(comp))
        ax.errorbar(
            g["satisfaction"],
            g["retention"],
            yerr=1.96 * g["se"],
            marker="o",
            capsize=3,
            color=color,
            label=f"{comp} competition: sample",
        )
        if "true_retention" in g:
            ax.plot(
                g["satisfaction"],
                g["true_retention"],
                ls="--",
                color=color,
                alpha=0.7,
                label=f"{comp} competition: simulation's true curve",
            )
    _scale_axis(ax)
    ax.set_ylabel("retention over the next period")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(title or "Only completely satisfied customers are reliably loyal")
    fig.tight_layout()
    return fig


def top_gap_curves(gaps: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """Extra retention of a completely satisfied (5) over a satisfied (4) customer vs switching cost.

    ``gaps`` is :func:`crmstudy.survey.top_gap_by_switching_cost`.
    """
    fig, ax = plt.subplots(figsize=(7, 4))
    sns.lineplot(
        data=gaps,
        x="switching_cost",
        y="gap",
        hue="competition",
        palette=_PALETTE,
        marker="o",
        ax=ax,
    )
    ax.set_xlabel("mean switching-cost index (0 = free to switch, 1 = locked in)")
    ax.set_ylabel("retention at 5 minus retention at 4")
    ax.set_ylim(0, None)
    ax.set_title(title or "The top-of-scale gap is widest where switching is cheap")
    fig.tight_layout()
    return fig


def retention_fit_lines(
    observed: pd.DataFrame, predicted: pd.DataFrame, *, title: str | None = None
) -> plt.Figure:
    """Observed retention by level against the categorical and linear logits' predictions.

    ``observed`` is :func:`crmstudy.satisfaction.retention_by_satisfaction`, ``predicted`` is
    :func:`crmstudy.satisfaction.predicted_retention` (both indexed by ``satisfaction``).
    """
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.errorbar(
        observed.index,
        observed["retention"],
        yerr=1.96 * observed["se"],
        fmt="o",
        color="black",
        capsize=3,
        label="observed (95% interval)",
    )
    ax.plot(predicted.index, predicted["categorical"], marker="s", label="logit, categories")
    ax.plot(predicted.index, predicted["linear"], marker="^", ls="--", label="logit, linear")
    _scale_axis(ax)
    ax.set_ylabel("retention over the next period")
    ax.set_ylim(0, 1.02)
    ax.legend(fontsize=8, loc="upper left")
    ax.set_title(title or "Treating satisfaction as a number misses the jump at the top")
    fig.tight_layout()
    return fig


def satisfaction_gain_bars(
    gain: pd.DataFrame, *, currency: str = "currency units", title: str | None = None
) -> plt.Figure:
    """Bars: retention gain and value gain of a one-point satisfaction gain at each step.

    ``gain`` is :func:`crmstudy.satisfaction.satisfaction_gain_value`, optionally with a
    ``competition`` column (one table per setting, concatenated) for side-by-side bars.
    """
    data = gain.assign(step=gain["from_level"].astype(str) + "→" + gain["to_level"].astype(str))
    hue = "competition" if "competition" in data else None
    palette = _PALETTE if hue else None
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    sns.barplot(data=data, x="step", y="retention_gain", hue=hue, palette=palette, ax=axes[0])
    axes[0].set_ylabel("gain in retention (per period)")
    sns.barplot(data=data, x="step", y="value_gain", hue=hue, palette=palette, ax=axes[1])
    axes[1].set_ylabel(f"gain in value per customer ({currency})")
    for ax in axes:
        ax.set_xlabel("one-point satisfaction gain")
        ax.axhline(0, color="black", lw=0.8)
    fig.suptitle(title or "What a one-point satisfaction gain is worth at each level")
    fig.tight_layout()
    return fig


def segment_profitability_bars(
    table: pd.DataFrame, *, currency: str = "currency units", title: str | None = None
) -> plt.Figure:
    """Profit per customer by value discipline (95% interval), and after expected defection.

    ``table`` is :func:`crmstudy.value.segment_profitability`.
    """
    fig, ax = plt.subplots(figsize=(8, 4))
    x = range(len(table))
    labels = [s.replace("_", "\n") for s in table.index]
    width = 0.38
    ax.bar(
        [i - width / 2 for i in x],
        table["profit_per_customer"],
        width,
        yerr=[
            table["profit_per_customer"] - table["profit_ci_low"],
            table["profit_ci_high"] - table["profit_per_customer"],
        ],
        capsize=3,
        label="profit this period",
    )
    ax.bar(
        [i + width / 2 for i in x],
        table["retained_profit_per_customer"],
        width,
        label="x retention: expected next-period profit",
    )
    for i, m in zip(x, table["margin"], strict=True):
        ax.annotate(
            f"margin {m:.0%}",
            (i - width / 2, 0),
            xytext=(0, 4),
            textcoords="offset points",
            ha="center",
            fontsize=8,
            color="white",
        )
    ax.set_xticks(list(x))
    ax.set_xticklabels(labels)
    ax.set_ylabel(f"per customer ({currency} per period)")
    ax.legend(fontsize=8)
    ax.set_title(title or "Profitability by value discipline")
    fig.tight_layout()
    return fig


def loyal_share_by_level(
    table: pd.DataFrame, *, ylabel: str = "share loyal", title: str | None = None
) -> plt.Figure:
    """Loyal share by satisfaction level with its interval, from
    :func:`crmstudy.satisfaction.loyal_by_satisfaction` (columns ``label``, ``loyal_share``,
    ``lower``, ``upper``, ``respondents``). Each level's respondents are written under its point."""
    fig, ax = plt.subplots(figsize=(7, 4.5))
    x = list(range(len(table)))
    share = table["loyal_share"].to_numpy()
    ax.errorbar(
        x,
        share,
        yerr=[share - table["lower"].to_numpy(), table["upper"].to_numpy() - share],
        marker="o",
        capsize=4,
        color="tab:red",
    )
    ax.set_xticks(x)
    ax.set_xticklabels([f"{lab}\n(n={n:,})" for lab, n in zip(table["label"],
                                                              table["respondents"],
                                                              strict=True)])  # fmt: skip
    ax.set_xlabel("satisfaction rating (respondents)")
    ax.set_ylabel(ylabel)
    ax.set_ylim(0, 1.02)
    ax.set_title(title or "Loyalty by satisfaction level (95% intervals)")
    fig.tight_layout()
    return fig


def value_chain_paths(paths: pd.DataFrame, *, title: str | None = None) -> plt.Figure:
    """Standardised path coefficients with intervals, one row per (equation, predictor), from
    :class:`crmstudy.value.ValueChainFit` ``.paths``."""
    labels = [f"{p} -> {e}" for e, p in zip(paths["equation"], paths["predictor"], strict=True)]
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(paths) + 1.5))
    y = list(range(len(paths)))
    coef = paths["coef"].to_numpy()
    ax.errorbar(
        coef,
        y,
        xerr=[coef - paths["lower"].to_numpy(), paths["upper"].to_numpy() - coef],
        fmt="o",
        capsize=3,
    )
    ax.axvline(0, color="grey", ls=":")
    ax.set_yticks(y)
    ax.set_yticklabels(labels, fontsize=9)
    ax.invert_yaxis()
    ax.set_xlabel("standardised coefficient (SD of outcome per SD of predictor)")
    ax.set_title(title or "The value chain: paths with 95% intervals")
    fig.tight_layout()
    return fig

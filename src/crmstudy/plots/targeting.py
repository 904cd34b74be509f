"""Figures for targeting rules judged on a holdout (notebook 07): they draw, they compute nothing.

Inputs are the tables of :mod:`crmstudy.targeting`: :func:`~crmstudy.targeting.gains_curve` and
:func:`~crmstudy.targeting.compare_targeting`. Each function returns the Figure.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

__all__ = ["plot_gains_curve", "plot_capture_intervals"]

_STYLE = {"oracle": {"color": "black", "linestyle": ":"},
          "random": {"color": "grey", "linestyle": "--"}}


def plot_gains_curve(curve: pd.DataFrame, title: str | None = None, labels=None, ax=None):
    """Share of holdout revenue captured against the share of customers targeted.

    ``curve`` from :func:`crmstudy.targeting.gains_curve`: indexed by ``fraction``, one column
    per score (``random`` and ``oracle`` drawn as reference lines). ``labels`` optionally maps a
    column to its legend text.
    """
    labels = labels or {}
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 4.5))
    else:
        fig = ax.figure
    x = 100 * np.asarray(curve.index, dtype=float)
    for name in curve.columns:
        style = _STYLE.get(name, {"marker": "o", "markersize": 3})
        ax.plot(x, 100 * curve[name].to_numpy(dtype=float), label=labels.get(name, name), **style)
    ax.set_xlabel("customers targeted, top % by score (ranked on the calibration period)")
    ax.set_ylabel("% of holdout revenue they brought")
    ax.set_xlim(0, max(x) * 1.02)
    ax.set_ylim(0, 100)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize="small")
    ax.set_title(title or "Gains curve: who the rules pick, judged on the holdout")
    fig.tight_layout()
    return fig


def plot_capture_intervals(table: pd.DataFrame, title: str | None = None, labels=None,
                           claimed_share: float | None = None, ax=None):
    """Capture share of each score's top group with its interval, as horizontal bars.

    ``table`` from :func:`crmstudy.targeting.compare_targeting` (``capture``, ``capture_lower``,
    ``capture_upper``; ``attrs["fraction"]`` and ``attrs["level"]``). A dashed line marks a
    random pick (the fraction itself); ``claimed_share`` (e.g. 0.8) adds a dotted line.
    """
    labels = labels or {}
    if ax is None:
        fig, ax = plt.subplots(figsize=(7, 0.6 * len(table) + 1.5))
    else:
        fig = ax.figure
    rows = table.sort_values("capture")
    y = np.arange(len(rows))
    est = 100 * rows["capture"].to_numpy(dtype=float)
    lo = 100 * rows["capture_lower"].to_numpy(dtype=float)
    hi = 100 * rows["capture_upper"].to_numpy(dtype=float)
    colors = ["black" if name == "oracle" else "tab:blue" for name in rows.index]
    ax.barh(y, est, color=colors, alpha=0.6)
    ok = np.isfinite(lo) & np.isfinite(hi)
    ax.errorbar(est[ok], y[ok], xerr=[est[ok] - lo[ok], hi[ok] - est[ok]], fmt="none",
                ecolor="black", capsize=3)
    ax.set_yticks(y, [labels.get(n, n) for n in rows.index])
    fraction = table.attrs.get("fraction")
    level = table.attrs.get("level")
    if fraction is not None:
        ax.axvline(100 * fraction, color="grey", linestyle="--", label="random pick")
    if claimed_share is not None:
        ax.axvline(100 * claimed_share, color="tab:red", linestyle=":", label="share claimed")
    ax.set_xlim(0, 100)
    share = f"top {100 * fraction:.0f}%" if fraction is not None else "top group"
    bar = f" (bars: {100 * level:.0f}% interval)" if level is not None else ""
    ax.set_xlabel(f"% of holdout revenue captured by the {share}{bar}")
    ax.legend(loc="lower right", fontsize="small")
    ax.set_title(title or f"What each rule's {share} brought in the holdout")
    fig.tight_layout()
    return fig

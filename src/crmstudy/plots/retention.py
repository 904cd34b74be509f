"""Figures for retention (notebook 01).

Each function draws results computed by :mod:`crmstudy.retention` or
:class:`crmstudy.models.sbg.ShiftedBetaGeometric` and returns the Figure; none computes a metric
itself.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from crmstudy.units import PERIOD_NAMES

__all__ = [
    "survival_projections",
    "retention_rate_dynamics",
    "churn_densities",
    "kaplan_meier_curve",
    "period_retention_vs_ratio",
    "cohort_heatmap",
]

_SBG = "black"
_REGRESSION_COLORS = {"linear": "tab:blue", "quadratic": "tab:green", "exponential": "tab:red"}


def _unit(period: str | None) -> str:
    return PERIOD_NAMES.get(period or "", "periods")


def _per(period: str | None) -> str:
    """'per year', 'per month', ... (the unit a rate is per); 'per period' only if unknown."""
    return f"per {_unit(period)[:-1]}"


def survival_projections(
    projections: pd.DataFrame,
    actual: pd.Series,
    fit_periods: int,
    *,
    period: str | None = "Y",
    title: str = "",
    interval: pd.DataFrame | None = None,
) -> plt.Figure:
    """Projected survival of each model against the actual curve (FH 2007 Figures 3 and 5).

    ``projections`` is tidy (``model``, ``t``, ``projected``), e.g. the output of
    :func:`crmstudy.retention.regression_projection` with the sBG rows appended (model "sBG");
    ``actual`` is indexed by t. The fitting window t <= ``fit_periods`` is shaded. ``interval``
    (optional: columns ``t``, ``lower``, ``upper`` in % of the cohort, and ``attrs["level"]``) is
    drawn as a band around the sBG curve.
    """
    fig, ax = plt.subplots(figsize=(7.5, 4.5))
    ax.axvspan(0, fit_periods, color="0.93", zorder=0, label=f"fitted (t <= {fit_periods})")
    if interval is not None:
        level = interval.attrs.get("level")
        name = f"sBG {100 * level:.0f}% interval" if level else "sBG interval"
        ax.fill_between(
            interval["t"], interval["lower"], interval["upper"], color=_SBG, alpha=0.15,
            lw=0, label=name,
        )
    for model, rows in projections.groupby("model", sort=False):
        is_sbg = model == "sBG"
        ax.plot(
            rows["t"],
            rows["projected"],
            color=_SBG if is_sbg else _REGRESSION_COLORS.get(model, None),
            lw=2.2 if is_sbg else 1.4,
            ls="-" if is_sbg else "--",
            label=model,
        )
    ax.plot(actual.index, actual.to_numpy(), "o", color="tab:orange", label="actual", zorder=5)
    ax.axhline(0, color="0.5", lw=0.8)
    # Runaway curves (the quadratic over long horizons) would flatten the rest: clip the view.
    ax.set_ylim(-25, 115)
    ax.set_xlabel(f"t ({_unit(period)} since acquisition)")
    ax.set_ylabel("% of the cohort still active (view clipped to [-25, 115])")
    ax.set_title(title or "Projecting survival: sBG model versus curve fitting")
    ax.legend(frameon=False, ncol=2)
    sns.despine(fig)
    fig.tight_layout()
    return fig


def retention_rate_dynamics(
    rates: pd.DataFrame, individual: float | None = None, *, period: str | None = "Y"
) -> plt.Figure:
    """Observed and sBG retention rates by tenure: the cohort's rate rises (FH 2007 Figure 7).

    ``rates`` has columns ``t``, ``observed`` (S(t) / S(t - 1) from the data, NaN outside it) and
    ``sbg`` (the model's r(t)). ``individual``, if given, is a constant per-customer retention
    probability to draw as a reference line (e.g. the mean retention at acquisition).
    """
    fig, ax = plt.subplots(figsize=(7, 4.2))
    ax.plot(rates["t"], rates["sbg"], color=_SBG, lw=2, label="sBG r(t)")
    ax.plot(rates["t"], rates["observed"], "o", color="tab:orange", label="observed")
    if individual is not None:
        ax.axhline(
            individual,
            color="0.4",
            ls=":",
            label=f"mean individual retention at acquisition ({individual:.2f})",
        )
    ax.set_xlabel(f"t ({_unit(period)} since acquisition)")
    ax.set_ylabel("retention rate r(t)")
    ax.set_ylim(0, 1)
    ax.set_title("Each customer's retention is constant; the cohort's rises")
    ax.legend(frameon=False, loc="lower right")
    sns.despine(fig)
    fig.tight_layout()
    return fig


def churn_densities(densities: pd.DataFrame, *, period: str | None = "Y") -> plt.Figure:
    """Density of the churn probability among survivors at several tenures (sorting effect).

    ``densities`` is tidy: ``theta`` (churn probability per period), ``t`` (tenure) and
    ``density`` (e.g. from :meth:`ShiftedBetaGeometric.churn_density`).
    """
    fig, ax = plt.subplots(figsize=(7, 4.2))
    palette = sns.color_palette("viridis", densities["t"].nunique())
    for color, (t, rows) in zip(palette, densities.groupby("t"), strict=True):
        ax.plot(rows["theta"], rows["density"], color=color, label=f"survivors at t = {t}")
    ax.set_xlabel(f"churn probability theta ({_per(period)})")
    ax.set_ylabel("density")
    top = np.nanquantile(densities["density"], 0.98)
    ax.set_ylim(0, max(top, 1.0))
    ax.set_title("Who is left: the high-churn customers leave first")
    ax.legend(frameon=False)
    sns.despine(fig)
    fig.tight_layout()
    return fig


def kaplan_meier_curve(
    km: pd.DataFrame, model_curve: pd.DataFrame | None = None, *, period: str | None = None
) -> plt.Figure:
    """Kaplan-Meier step curve with pointwise interval and simultaneous band.

    ``km`` is the output of :func:`crmstudy.retention.kaplan_meier`; ``model_curve`` (optional)
    has columns ``t`` and ``survival`` (e.g. a fitted sBG's projection) to overlay.
    """
    period = period or km.attrs.get("period")
    level = 100 * (1 - km.attrs.get("alpha", 0.05))
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for low, high, shade, kind in (
        ("band_lower", "band_upper", 0.15, "simultaneous band"),
        ("lower", "upper", 0.3, "pointwise interval"),
    ):
        ax.fill_between(
            km["time"],
            km[low],
            km[high],
            step="post",
            color="tab:blue",
            alpha=shade,
            label=f"{level:.0f}% {kind}",
        )
    ax.step(km["time"], km["survival"], where="post", color="tab:blue", label="Kaplan-Meier")
    if model_curve is not None:
        ax.plot(model_curve["t"], model_curve["survival"], "o-", color=_SBG, ms=3, label="sBG")
    ax.set_xlabel(f"duration ({_unit(period)})")
    ax.set_ylabel("share still active S(t)")
    ax.set_ylim(0, 1.02)
    ax.set_title("Survival of a subscription cohort")
    ax.legend(frameon=False)
    sns.despine(fig)
    fig.tight_layout()
    return fig


def period_retention_vs_ratio(frame: pd.DataFrame, *, period: str | None = None) -> plt.Figure:
    """Period retention against the primer's ratio, with the acquisition and win-back shares.

    ``frame`` is the output of :func:`crmstudy.retention.period_retention`. The gap between the
    two lines is (new + reactivated customers next period) / active customers this period.
    """
    period = period or frame.attrs.get("period")
    fig, ax = plt.subplots(figsize=(9, 4.2))
    x = np.arange(len(frame))
    ax.plot(x, frame["simple_ratio"], "o-", color="tab:red", label="primer: N(t+1) / N(t)")
    ax.plot(x, frame["retention"], "o-", color="tab:blue", label="retained share of A(t)")
    ax.axhline(1, color="0.5", lw=0.8, ls=":")
    step = max(1, len(frame) // 12)
    ax.set_xticks(x[::step])
    ax.set_xticklabels(frame["period"].iloc[::step], rotation=45, ha="right")
    ax.set_xlabel(f"period t ({_unit(period)})")
    ax.set_ylabel(f"share of customers, {_per(period)}")
    ax.set_title("Two 'retention rates' of the same customers")
    ax.legend(frameon=False)
    sns.despine(fig)
    fig.tight_layout()
    return fig


def cohort_heatmap(cohorts: pd.DataFrame, *, max_age: int | None = None) -> plt.Figure:
    """Heatmap of the share of each cohort active at each age (rows cohorts, columns ages).

    ``cohorts`` is the output of :func:`crmstudy.retention.cohort_retention`; age 0 (always 1)
    is left out so the colour scale shows the later ages.
    """
    table = cohorts[cohorts["age"] > 0]
    if max_age is not None:
        table = table[table["age"] <= max_age]
    wide = table.pivot(index="cohort", columns="age", values="share")
    height = min(max(0.35 * len(wide) + 1.5, 3.2), 9)
    fig, ax = plt.subplots(figsize=(9, height))
    # Label at most ~24 cohorts, so that a long daily or weekly log stays readable.
    step = max(1, int(np.ceil(len(wide) / 24)))
    sns.heatmap(
        wide, ax=ax, cmap="mako_r", vmin=0, yticklabels=step,
        cbar_kws={"label": "share of the cohort active"},
    )
    unit = _unit(cohorts.attrs.get("period"))
    ax.set_xlabel(f"age ({unit} since the first purchase)")
    ax.set_ylabel("cohort (first-purchase period)")
    ax.tick_params(axis="y", rotation=0)
    ax.set_title("Cohort retention: share of each cohort buying at each age")
    fig.tight_layout()
    return fig

"""Pfeifer's (2005) second half: when "5x" is a ratio of *marginal* costs, shift money to retention.

Pfeifer, P. E. (2005), "The optimal ratio of acquisition and retention costs", J. Targeting,
Measurement and Analysis for Marketing 13(2), 179-188. At the optimum of Blattberg & Deighton's
(1996) customer equity test the marginal cost of acquiring a customer equals the marginal cost of
keeping one (:func:`crmstudy.acquisition.optimal_spend`). So if a firm finds that, *at its current
spending*, the next acquired customer costs 5 times the next retained one, it is not at the
optimum: it spends too much on acquisition and too little on retention, and should move money
across until the two marginal costs are equal.

This module answers "how far" for a firm that keeps its total budget: the present value, per
prospect, of acquisition spending plus retention spending,
``B = A + a(A) R / (1 + d - r(R))`` (:func:`crmstudy.acquisition.retention_budget`). Along that
budget line (:func:`budget_line`) it finds the split where the marginal cost ratio is the quoted
one, and the split that maximises customer equity with the same budget
(:func:`shift_to_retention`). The response curves, units and timing are those of
:mod:`crmstudy.acquisition`: spends in currency (per prospect for ``A``, per customer per period
for ``R``), rates per period.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import optimize

from crmstudy import acquisition as acq
from crmstudy._checks import check_number
from crmstudy.errors import ParameterError

__all__ = ["acquisition_for_budget", "budget_line", "shift_to_retention", "verdict_acquisition_5x"]


def acquisition_for_budget(budget, retention_spend, discount_rate, a_max, k_a, r_max, k_r) -> float:
    """The acquisition spend ``A`` that, with retention spend ``R``, uses exactly ``budget``.

    Solves ``A + a(A) R / (1 + d - r(R)) = budget`` (currency per prospect) for ``A`` in
    ``[0, budget]``; the left side increases in ``A``, so the root is unique (Brent's method).
    """
    b = check_number(budget, "budget", low=0.0, what="currency per prospect")
    R = check_number(retention_spend, "retention_spend", low=0.0, what="currency per customer")
    if b == 0:
        return 0.0

    def gap(A: float) -> float:
        return A + float(acq.retention_budget(A, R, discount_rate, a_max, k_a, r_max, k_r)) - b

    return float(optimize.brentq(gap, 0.0, b, xtol=1e-12, rtol=1e-13))


def budget_line(budget, retention_spends, margin, discount_rate, a_max, k_a, r_max, k_r):
    """Every split of one budget between acquisition and retention, with its costs and value.

    For each retention spend ``R`` in ``retention_spends``, the acquisition spend that keeps the
    total at ``budget`` (:func:`acquisition_for_budget`). Returns a DataFrame with
    ``retention_spend``, ``acquisition_spend``, ``retention_budget_share`` (present value of
    retention spending over the budget), ``customer_equity`` (per prospect,
    :func:`crmstudy.acquisition.customer_equity_test`), ``marginal_cost_acquired``,
    ``marginal_cost_retained`` and ``marginal_cost_ratio`` (acquired over retained).
    """
    rows = []
    for R in np.ravel(np.asarray(retention_spends, dtype=float)):
        A = acquisition_for_budget(budget, R, discount_rate, a_max, k_a, r_max, k_r)
        mc = acq.marginal_costs(A, R, a_max, k_a, r_max, k_r)
        ret_budget = float(acq.retention_budget(A, R, discount_rate, a_max, k_a, r_max, k_r))
        rows.append(
            {
                "retention_spend": float(R),
                "acquisition_spend": A,
                "retention_budget_share": ret_budget / budget if budget > 0 else math.nan,
                "customer_equity": float(
                    acq.customer_equity_test(A, R, margin, discount_rate, a_max, k_a, r_max, k_r)
                ),
                "marginal_cost_acquired": float(mc.acquisition),
                "marginal_cost_retained": float(mc.retention),
                "marginal_cost_ratio": float(mc.acquisition / mc.retention),
            }
        )
    return pd.DataFrame(rows)


def shift_to_retention(
    margin, discount_rate, a_max, k_a, r_max, k_r, marginal_ratio: float = 5.0, points: int = 200
):
    """How far a firm whose marginal cost ratio is ``marginal_ratio`` should move money to retention.

    The budget is the optimal one (:func:`crmstudy.acquisition.optimal_spend`), so the best split
    of it is the unconstrained optimum, where the marginal cost ratio is 1. The start is the split
    of the same budget at which acquiring the next customer costs ``marginal_ratio`` times keeping
    the next one (found with Brent's method on the budget line between no retention spend and the
    optimum). Returns ``(summary, path)``: ``summary`` a Series with ``budget``, the start's and
    the optimum's ``acquisition_spend``, ``retention_spend``, ``retention_budget_share`` and
    ``customer_equity`` (prefixes ``start_``/``optimal_``), ``share_shift_pp`` (percentage points of
    the budget moved to retention), ``retention_spend_multiple`` (optimal over start) and
    ``equity_gain_pct``; all NaN when no split of the budget has that ratio (a firm already
    spending nothing on retention at a lower ratio). ``path`` is :func:`budget_line` on ``points``
    retention spends from 0 to twice the optimum.
    """
    ratio = check_number(marginal_ratio, "marginal_ratio", low=1.0, low_open=True)
    best = acq.optimal_spend(margin, discount_rate, a_max, k_a, r_max, k_r)
    A_opt, R_opt = float(best["acquisition_spend"]), float(best["retention_spend"])
    budget = A_opt + float(
        acq.retention_budget(A_opt, R_opt, discount_rate, a_max, k_a, r_max, k_r)
    )
    if budget <= 0 or R_opt <= 0:
        raise ParameterError(
            "at these parameters the optimal firm spends nothing on acquisition or retention, so "
            "there is no budget to split; raise the margin or the response ceilings"
        )
    path = budget_line(
        budget,
        np.linspace(0.0, 2.0 * R_opt, points),
        margin,
        discount_rate,
        a_max,
        k_a,
        r_max,
        k_r,
    )
    args = (discount_rate, a_max, k_a, r_max, k_r)

    def log_gap(R: float) -> float:
        A = acquisition_for_budget(budget, R, *args)
        mc = acq.marginal_costs(A, R, a_max, k_a, r_max, k_r)
        return math.log(float(mc.acquisition) / float(mc.retention)) - math.log(ratio)

    nan = math.nan
    optimal_ce = float(best["customer_equity"])
    summary = {
        "budget": budget,
        "marginal_ratio": ratio,
        "optimal_acquisition_spend": A_opt,
        "optimal_retention_spend": R_opt,
        "optimal_retention_budget_share": (budget - A_opt) / budget,
        "optimal_customer_equity": optimal_ce,
    }
    if log_gap(0.0) < 0:
        summary.update(
            start_acquisition_spend=nan,
            start_retention_spend=nan,
            start_retention_budget_share=nan,
            start_customer_equity=nan,
            share_shift_pp=nan,
            retention_spend_multiple=nan,
            equity_gain_pct=nan,
        )
    else:
        R0 = float(optimize.brentq(log_gap, 0.0, R_opt, xtol=1e-12, rtol=1e-13))
        A0 = acquisition_for_budget(budget, R0, *args)
        share0 = (budget - A0) / budget
        ce0 = float(acq.customer_equity_test(A0, R0, margin, *args[:1], a_max, k_a, r_max, k_r))
        summary.update(
            start_acquisition_spend=A0,
            start_retention_spend=R0,
            start_retention_budget_share=share0,
            start_customer_equity=ce0,
            share_shift_pp=100.0 * (summary["optimal_retention_budget_share"] - share0),
            retention_spend_multiple=R_opt / R0 if R0 > 0 else math.inf,
            equity_gain_pct=100.0 * (optimal_ce / ce0 - 1.0) if ce0 > 0 else nan,
        )
    return pd.Series(summary, name="shift_to_retention"), path


def verdict_acquisition_5x(favour_retention_wrong_share: float, equity_gain_pct: float) -> dict:
    """The verdict rule for "acquiring a customer costs 5x keeping one, so favour retention".

    Two readings of "5x": a ratio of *average* costs, and a ratio of *marginal* costs at current
    spending (Pfeifer 2005). ``favour_retention_wrong_share`` is the share of current spends at
    which the average-cost reading says "favour retention" while the next dollar belongs elsewhere
    (:func:`crmstudy.acquisition.next_dollar_shares`, ``attrs["favour_retention_wrong"]``, in
    [0, 1]); ``equity_gain_pct`` the gain from shifting money to retention under the
    marginal-cost reading (:func:`shift_to_retention`; NaN when that reading does not arise).
    Rule: the advice ``holds`` if neither reading misleads (no wrong spends, a positive gain);
    ``holds_if`` the marginal reading gains but the average reading misleads somewhere;
    ``does_not_hold`` if the marginal reading gains nothing. Returns ``{"class", "values",
    "condition_en", "condition_zh"}``.
    """
    wrong = check_number(
        favour_retention_wrong_share, "favour_retention_wrong_share", low=0.0, high=1.0
    )
    gain = float(equity_gain_pct)
    gains = math.isfinite(gain) and gain > 0
    if gains and wrong == 0:
        cls = "holds"
        en = "Shifting money to retention pays under either reading of 5x on this firm."
        zh = "对该公司而言，无论如何理解“5 倍”，把资金转向保留都有利。"
    elif gains:
        cls = "holds_if"
        en = (
            "Favour retention only if 5x is a ratio of marginal costs at current spending: then "
            f"shifting money to retention raises customer equity by {gain:.1f}%. Read as average "
            f"costs, it points the wrong way at {100 * wrong:.0f}% of the spends where it applies."
        )
        zh = (
            "只有当“5 倍”指当前支出下的边际成本之比时，才应偏重保留：此时把资金转向保留使顾客权益提高 "
            f"{gain:.1f}%。若按平均成本理解，在其适用的支出组合中有 {100 * wrong:.0f}% 会指错方向。"
        )
    else:
        cls = "does_not_hold"
        en = "Shifting money to retention does not raise customer equity on this firm."
        zh = "对该公司而言，把资金转向保留并不能提高顾客权益。"
    return {
        "class": cls,
        "values": {"favour_retention_wrong_share": wrong, "equity_gain_pct": gain},
        "condition_en": en,
        "condition_zh": zh,
    }

"""Deprecated home of customer lifetime value: use :mod:`crmstudy.clv`.

``customer_lifetime_value`` and ``step_boundaries`` moved to :mod:`crmstudy.clv` (the one home of
customer lifetime value, closed forms and model-based); they are re-exported here for one release.
``top_customer_overlap`` still lives here until the targeting module replaces it.
"""

from __future__ import annotations

import math

import numpy as np

from crmstudy.clv import customer_lifetime_value, step_boundaries
from crmstudy.errors import DataError, ParameterError

__all__ = ["customer_lifetime_value", "step_boundaries", "top_customer_overlap"]


def top_customer_overlap(predicted, past, fraction: float = 0.2) -> dict[str, float]:
    """Are tomorrow's best customers today's? Compare the top ``fraction`` by two measures.

    ``predicted`` (e.g. CLV) and ``past`` (e.g. calibration spend) are one value per customer,
    aligned (currency units, or any common unit: only ranks and ratios are used), with a positive
    total ``predicted``. ``fraction`` in (0, 1). Ties at the cut are broken by position (stable
    sort), so each top group has exactly ``ceil(fraction * n)`` customers. Returns:

    * ``overlap``: share of the top customers by ``predicted`` who are also top by ``past``;
    * ``predicted_share_of_top_predicted``: share of total ``predicted`` value they hold;
    * ``predicted_share_of_top_past``: share of total ``predicted`` value held by the top by
      ``past`` (what targeting on past spend would capture).
    """
    pred = np.asarray(predicted, dtype=float).ravel()
    hist = np.asarray(past, dtype=float).ravel()
    if pred.shape != hist.shape or pred.size == 0:
        raise DataError(
            "predicted and past must be non-empty and of equal length (one value per customer); "
            f"got {pred.size} and {hist.size} values"
        )
    for name, values in (("predicted", pred), ("past", hist)):
        bad = np.flatnonzero(~np.isfinite(values))
        if bad.size:
            raise DataError(
                f"{name} has a NaN or infinite value at position {bad[0]} ({values[bad[0]]!r})"
            )
    if not (0 < fraction < 1):
        raise ParameterError(f"fraction must be in (0, 1), got {fraction!r}")
    k = math.ceil(fraction * pred.size)
    top_pred = np.argsort(-pred, kind="stable")[:k]
    top_past = np.argsort(-hist, kind="stable")[:k]
    total = pred.sum()
    return {
        "overlap": len(np.intersect1d(top_pred, top_past)) / k,
        "predicted_share_of_top_predicted": float(pred[top_pred].sum() / total),
        "predicted_share_of_top_past": float(pred[top_past].sum() / total),
    }

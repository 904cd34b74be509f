"""Customer lifetime value from a purchase model and a spend model, with explicit time units.

``customer_lifetime_value`` combines a fitted purchase model (BG/NBD, MBG/NBD, Pareto/NBD: anything
with ``period`` and ``expected_purchases(t, summary)``) and a fitted Gamma-Gamma spend model, as in
Fader, Hardie & Lee (2005b), "RFM and CLV: Using Iso-Value Curves for Customer Base Analysis", J.
Marketing Research 42(4), 415-430, eq. 2: CLV = margin x E[spend per transaction] x discounted
expected transactions. FHL (2005b) compute the discounted expected transactions (DET) in continuous
time for the Pareto/NBD; here they are a *discrete sum*, so any purchase model works:

    DET = sum_k [E(t_k) - E(t_{k-1})] / (1 + d)^(t_k)

where ``E(t)`` is the customer's expected number of purchases in the next ``t`` (from their
history), the ``t_k`` cut the horizon into steps of one ``step_period`` each (the last may be
shorter), each step's purchases are discounted from the end of the step, and ``d`` is the
discount rate per ``discount_period`` (e.g. 0.10 with "Y": 10% a year). Every duration is
converted with :func:`crmstudy.units.convert_duration` (a year is 365.2425 days, a month a twelfth
of it), and ``t_k`` is expressed in ``discount_period`` units for the exponent, which is the same
as compounding the per-model-period rate of :func:`crmstudy.units.convert_rate`; no "30 days per
month" factor is hidden.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from crmstudy.errors import DataError, ParameterError
from crmstudy.units import check_period, convert_duration

__all__ = ["customer_lifetime_value", "step_boundaries", "top_customer_overlap"]


def step_boundaries(horizon: float, horizon_period: str, step_period: str, model_period: str):
    """Ends of the cash-flow steps, in ``model_period``; the last one is the horizon itself.

    ``horizon`` is in ``horizon_period`` units; it is cut into steps of one ``step_period`` each
    (the last step is shorter when the horizon is not a whole number of steps). All three periods
    are codes of :mod:`crmstudy.units` ("D", "W", "M", "Q", "Y"); the conversion is
    :func:`crmstudy.units.convert_duration` (a year is 365.2425 days, a month a twelfth of it).
    Example: 3 "Y" in "M" steps for a weekly model gives 36 ends, 4.348 weeks apart.
    """
    total_steps = convert_duration(horizon, horizon_period, step_period)
    n_full = math.floor(total_steps + 1e-9)
    ends = [float(k) for k in range(1, n_full + 1)]
    if total_steps - n_full > 1e-9:
        ends.append(float(total_steps))
    return convert_duration(np.array(ends), step_period, model_period)


def _cumulative_purchases(model, summary: pd.DataFrame, ends: np.ndarray) -> np.ndarray:
    """E[purchases in (0, t_k]] for every customer (rows) and step end t_k (columns).

    One call per block of steps: the customers' rows are repeated once per step, so the model
    evaluates its closed form on long arrays instead of once per step (a 40-year weekly horizon
    has 2,087 steps).
    """
    x = summary["frequency"].to_numpy(dtype=float)
    tx = summary["recency"].to_numpy(dtype=float)
    tt = summary["T"].to_numpy(dtype=float)
    n = len(x)
    out = np.empty((n, len(ends)))
    block = max(1, 2_000_000 // max(n, 1))
    for start in range(0, len(ends), block):
        t = ends[start : start + block]
        k = len(t)
        values = model.expected_purchases(
            np.repeat(t, n), np.tile(x, k), np.tile(tx, k), np.tile(tt, k)
        )
        out[:, start : start + k] = np.asarray(values, dtype=float).reshape(k, n).T
    return out


def customer_lifetime_value(
    transaction_model,
    spend_model,
    summary: pd.DataFrame,
    horizon: float,
    horizon_period: str,
    discount_rate: float,
    discount_period: str,
    margin: float = 1.0,
    step_period: str | None = None,
) -> pd.Series:
    """Expected discounted margin of each customer over the next ``horizon``.

    Parameters
    ----------
    transaction_model : fitted BGNBD, MBGNBD or ParetoNBD
        Its ``period`` is the unit of ``summary``'s recency and T; it is called as
        ``expected_purchases(t, frequency, recency, T)`` with equal-length arrays.
    spend_model : fitted GammaGamma
        Gives each customer's expected spend per transaction (currency units).
    summary : DataFrame
        Columns ``frequency``, ``recency``, ``T`` (in the transaction model's period) and
        ``monetary_value`` (mean spend per repeat transaction), indexed by customer.
    horizon : float
        How far ahead to value, in ``horizon_period`` units (e.g. 3 with "Y" = three years).
    horizon_period : str
        Unit of ``horizon``: "D", "W", "M", "Q" or "Y".
    discount_rate : float
        Discount rate per ``discount_period``, in [0, 1) (e.g. 0.10 with "Y" = 10% a year).
    discount_period : str
        Unit of ``discount_rate``.
    margin : float
        Share of spend kept as profit, in (0, 1] (1 = value spend, not profit).
    step_period : str, optional
        Length of one cash-flow step (default: ``discount_period``). Purchases within a step are
        discounted from its end, so a finer step values slightly higher.

    Returns
    -------
    Series ``clv`` indexed like ``summary`` (currency units, present value at the end of
    calibration). ``attrs`` record the horizon in the model's unit and the discounting used.
    """
    period = getattr(transaction_model, "period", None)
    if period is None:
        raise ParameterError(
            "the transaction model has no time unit (model.period is None): fit it on a summary "
            "with attrs['period'] or pass period= to fit"
        )
    check_period(horizon_period)
    check_period(discount_period)
    step_period = check_period(step_period or discount_period)
    if not (isinstance(horizon, int | float) and math.isfinite(horizon) and horizon > 0):
        raise ParameterError(
            f"horizon must be a positive number of {horizon_period}, got {horizon!r}"
        )
    if not (isinstance(discount_rate, int | float) and 0 <= discount_rate < 1):
        raise ParameterError(
            f"discount_rate is per {discount_period} and must be in [0, 1), got {discount_rate!r}"
        )
    if not (isinstance(margin, int | float) and 0 < margin <= 1):
        raise ParameterError(f"margin is a share of spend in (0, 1], got {margin!r}")
    frame_period = summary.attrs.get("period")
    if frame_period is not None and frame_period != period:
        raise ParameterError(
            f"summary is in period {frame_period!r} but the transaction model in {period!r}"
        )

    ends = step_boundaries(horizon, horizon_period, step_period, period)
    cumulative = _cumulative_purchases(transaction_model, summary, ends)
    per_step = np.diff(cumulative, axis=1, prepend=0.0)
    # Discount each step from its end: (1 + d) ** -(t_k in discount periods).
    exponents = convert_duration(ends, period, discount_period)
    factors = (1.0 + discount_rate) ** -exponents
    det = per_step @ factors
    spend = np.asarray(spend_model.expected_spend(summary), dtype=float)
    out = pd.Series(margin * spend * det, index=summary.index, name="clv")
    out.attrs.update(
        horizon=float(horizon),
        horizon_period=horizon_period,
        horizon_in_model_period=float(ends[-1]),
        model_period=period,
        discount_rate=float(discount_rate),
        discount_period=discount_period,
        step_period=step_period,
        margin=float(margin),
    )
    return out


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

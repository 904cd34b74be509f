"""Customer lifetime value and customer equity, in closed form.

The lifetime value of a customer is the expected discounted margin the customer brings while still
a customer, minus what it cost to acquire them. With a constant margin ``m`` per period, a constant
per-period retention rate ``r`` and a per-period discount rate ``i``, the expected margin of period
``t`` is ``m * r**t`` and its present value ``m * r**t / (1 + i)**t``; the sum of that geometric
series is the *margin multiple* of Gupta & Lehmann (2003), ``r / (1 + i - r)``.

Customer equity adds the lifetime values of the customers a firm has now and of every cohort it
will acquire, as in Gupta, Lehmann & Stuart (2004), "Valuing Customers", J. Marketing Research
41(1), 7-18.

The model-based value of each customer of a non-contractual base, from a fitted purchase model and
a spend model (:func:`customer_lifetime_value`, Fader, Hardie & Lee 2005b), lives here too: this
module is the one home of customer lifetime value.

Conventions of the closed forms:

* Every rate is *per period*, and every argument's period is the same one (a margin per quarter
  goes with a quarterly retention and a quarterly discount rate). Convert first with
  :func:`crmstudy.units.convert_rate` (discount rates) or :func:`retention_per_period`.
* ``timing="end"``: the margin of a period is received at its end, after the customer has survived
  it (Gupta & Lehmann 2003). The first margin is ``m * r`` discounted one period.
* ``timing="start"``: the margin is received at the start of each period, the first one now and for
  sure (the customer has just been acquired or is a customer today). The sum is
  ``m * (1 + i) / (1 + i - r)``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy.special import expit

from crmstudy._checks import (
    as_float_array,
    check_choice,
    check_cohort_counts,
    check_discount_rate,
    check_number,
    check_range,
    check_retention,
    check_whole,
    scalar_or_array,
)
from crmstudy.errors import ParameterError
from crmstudy.units import check_period, convert_duration, convert_rate, periods_per

__all__ = [
    "customer_lifetime_value",
    "step_boundaries",
    "margin_multiple",
    "margin_multiple_table",
    "lifetime_value",
    "horizon_share",
    "retention_per_period",
    "simple_retention_elasticity",
    "logistic_customers",
    "logistic_through",
    "logistic_new_customers",
    "customer_equity",
    "elasticities",
    "firm_inputs",
    "gls_valuation",
    "gls_summary",
    "shortcut_comparison",
    "pooled_retention",
    "heterogeneity_comparison",
]

_TIMINGS = ("end", "start")


# --------------------------------------------------------------------------------------------
# validation helpers (the shared ones live in crmstudy._checks)
# --------------------------------------------------------------------------------------------


def check_timing(timing: str) -> str:
    """Return ``timing`` if it is ``"end"`` or ``"start"``, else raise :class:`ParameterError`."""
    return check_choice(timing, "timing", _TIMINGS)


def check_horizon(horizon, name: str = "horizon") -> int | None:
    """Return ``horizon`` (a whole number of periods >= 0, or None for infinite)."""
    if horizon is None or (isinstance(horizon, float) and horizon == np.inf):
        return None
    return check_whole(horizon, name, what="periods; None for an infinite horizon")


def _check_convergent(q: np.ndarray, retention: np.ndarray, discount_rate: np.ndarray) -> None:
    # r / (1 + i) < 1 is needed for the infinite sum to exist; it can fail only with i < 0.
    bad = q >= 1
    if np.any(bad):
        r = np.broadcast_to(retention, q.shape)[bad].flat[0]
        i = np.broadcast_to(discount_rate, q.shape)[bad].flat[0]
        raise ParameterError(
            f"with retention={r!r} and discount_rate={i!r}, retention >= 1 + discount_rate, so the "
            "infinite sum of discounted margins diverges; use a finite horizon or a discount rate "
            "above retention - 1"
        )


# --------------------------------------------------------------------------------------------
# lifetime value
# --------------------------------------------------------------------------------------------


def margin_multiple(retention, discount_rate, timing: str = "end"):
    """The margin multiple: lifetime value per unit of margin per period, infinite horizon.

    ``timing="end"``: ``r / (1 + i - r)``, Gupta & Lehmann (2003), "Customers as Assets", J.
    Interactive Marketing 17(1), 9-24 (the margin-multiple formula): margins arrive at the end of each period, the first
    after one period of survival, i.e. the sum over t >= 1 of ``r**t / (1 + i)**t``.

    ``timing="start"``: ``(1 + i) / (1 + i - r)``: margins arrive at the start of each period, the
    current one included, i.e. the sum over t >= 0 of ``r**t / (1 + i)**t``. It equals the "end"
    multiple plus one.

    Parameters
    ----------
    retention : float or array
        Share of customers retained per period, in [0, 1).
    discount_rate : float or array
        Discount rate per period (the same period as ``retention``), > -1; must exceed
        ``retention - 1`` for the sum to converge.
    timing : {"end", "start"}
        When in each period the margin is received.

    Returns
    -------
    float or array (broadcast of the inputs), in periods' worth of margin.
    """
    r = check_retention(retention)
    i = check_discount_rate(discount_rate)
    check_timing(timing)
    q = r / (1.0 + i)
    _check_convergent(np.asarray(q), r, i)
    numerator = r if timing == "end" else 1.0 + i
    return scalar_or_array(numerator / (1.0 + i - r))


def lifetime_value(
    margin,
    retention,
    discount_rate,
    horizon: int | None = None,
    acquisition_cost=0.0,
    timing: str = "end",
    margin_profile=None,
):
    """Expected discounted margin of one customer, minus the cost of acquiring them.

    ``CLV = sum_t m_t * r**t / (1 + i)**t - c``, over t = 1..H (``timing="end"``) or t = 0..H-1
    (``timing="start"``), where H is ``horizon`` (infinite when None). With a constant margin and
    an infinite horizon this is ``m * margin_multiple(r, i, timing) - c`` (Gupta & Lehmann 2003,
    the margin-multiple formula); with a finite horizon, the finite geometric sum
    ``m * q**s * (1 - q**H) / (1 - q) - c`` with ``q = r / (1 + i)`` and s = 1 ("end") or 0.

    Parameters
    ----------
    margin : float or array
        Margin per customer per period (currency per period). With ``margin_profile`` it is the
        scale that the profile multiplies.
    retention : float or array
        Share of customers retained per period, in [0, 1).
    discount_rate : float or array
        Discount rate per period, > -1.
    horizon : int or None
        Number of margin payments counted (periods); None (default) for an infinite horizon.
    acquisition_cost : float or array
        Cost of acquiring the customer (currency, paid once, now, undiscounted); default 0.
    timing : {"end", "start"}
        Margins at the end of each period (default, Gupta & Lehmann 2003) or at its start.
    margin_profile : sequence of float, optional
        Margin by tenure, as multipliers of ``margin``: element k multiplies the margin of the
        (k+1)-th payment (k = 0 is the first margin the customer yields). The last element holds
        for every later payment, so a profile that grows then flattens (Reichheld & Sasser 1990,
        "Zero Defections", Harvard Business Review 68(5)) needs only its rising part.

    Returns
    -------
    float or array: lifetime value in the currency of ``margin``.
    """
    m = as_float_array(margin, "margin")
    r = check_retention(retention)
    i = check_discount_rate(discount_rate)
    c = as_float_array(acquisition_cost, "acquisition_cost")
    check_timing(timing)
    h = check_horizon(horizon)
    q = np.asarray(r / (1.0 + i))
    if h is None:
        _check_convergent(q, r, i)
    shift = 1 if timing == "end" else 0

    if margin_profile is None:
        if h is None:
            total = q**shift / (1.0 - q)
        else:
            # Finite geometric sum written as a cumulative sum of terms where q may equal 1
            # (possible with a negative discount rate) to avoid 0/0.
            with np.errstate(divide="ignore", invalid="ignore"):
                closed = q**shift * (1.0 - q**h) / (1.0 - q)
            total = np.where(q == 1.0, float(h), closed)
        return scalar_or_array(m * total - c)

    profile = as_float_array(margin_profile, "margin_profile")
    if profile.ndim != 1 or profile.size == 0:
        raise ParameterError(
            f"margin_profile must be a non-empty 1-d sequence of multipliers, got shape "
            f"{profile.shape}"
        )
    n_explicit = profile.size if h is None else min(profile.size, h)
    k = np.arange(n_explicit)
    # Discount factor of payment k is q**(k + shift); broadcast over the inputs' shape.
    qk = q[..., None] ** (k + shift)
    total = np.sum(qk * profile[:n_explicit], axis=-1)
    if h is None or h > profile.size:
        # The remaining payments carry the last multiplier: a geometric tail from payment L on.
        L = profile.size
        if h is None:
            tail = q ** (L + shift) / (1.0 - q)
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                closed = q ** (L + shift) * (1.0 - q ** (h - L)) / (1.0 - q)
            tail = np.where(q == 1.0, float(h - L), closed)
        total = total + profile[-1] * tail
    return scalar_or_array(m * total - c)


def horizon_share(retention, discount_rate, horizon: int, timing: str = "end"):
    """Share of the infinite-horizon lifetime value that the first ``horizon`` margins carry.

    ``lifetime_value(m, r, i, horizon) / lifetime_value(m, r, i)`` with no acquisition cost; the
    margin cancels. With a constant margin it is ``1 - q**H``, ``q = r / (1 + i)`` (the finite
    geometric sum of Gupta & Lehmann 2003's margin multiple over its infinite sum), whatever the
    timing. ``retention`` and ``discount_rate`` per period, ``horizon`` in periods (>= 0).
    """
    h = check_horizon(horizon)
    if h is None:
        return scalar_or_array(np.ones(np.broadcast(retention, discount_rate).shape))
    finite = lifetime_value(1.0, retention, discount_rate, horizon=h, timing=timing)
    return scalar_or_array(
        np.asarray(finite)
        / np.asarray(lifetime_value(1.0, retention, discount_rate, timing=timing))
    )


def margin_multiple_table(retentions, discount_rates, timing: str = "end") -> pd.DataFrame:
    """Margin multiples on a grid: rows are retention rates, columns discount rates.

    The margin-multiple table of Gupta & Lehmann (2003), for any grid. Arguments are per period (the
    same period for both); returns a DataFrame indexed by ``retention`` with one column per
    ``discount_rate``, each cell :func:`margin_multiple` (periods' worth of margin).
    """
    r = check_retention(np.asarray(retentions, dtype=float).ravel(), "retentions")
    i = check_discount_rate(np.asarray(discount_rates, dtype=float).ravel(), "discount_rates")
    values = margin_multiple(r[:, None], i[None, :], timing=timing)
    out = pd.DataFrame(
        np.atleast_2d(values),
        index=pd.Index(r, name="retention"),
        columns=pd.Index(i, name="discount_rate"),
    )
    out.attrs.update(timing=timing, quantity="margin multiple")
    return out


def simple_retention_elasticity(retention, discount_rate):
    """Elasticity of the margin multiple ``r / (1 + i - r)`` with respect to retention.

    ``d ln(r / (1 + i - r)) / d ln r = (1 + i) / (1 + i - r)``: the % change in the lifetime value
    of one cohort (no acquisition cost, margins at period ends) for a 1% rise in retention. It is
    the single-cohort shortcut that Gupta, Lehmann & Stuart (2004) compare their full model with.
    Both arguments per period (the same period), as in :func:`margin_multiple`.
    """
    r = check_retention(retention)
    i = check_discount_rate(discount_rate)
    _check_convergent(np.asarray(r / (1.0 + i)), r, i)
    return scalar_or_array((1.0 + i) / (1.0 + i - r))


def retention_per_period(retention, from_period: str, to_period: str):
    """Convert a retention rate between periods, as a survival probability: ``r ** k``.

    ``k`` is the number of ``from_period`` in one ``to_period``; an annual retention of 0.70 is
    ``0.70 ** (1/4) = 0.9147`` a quarter. This is the conversion Gupta, Lehmann & Stuart (2004)
    use for their quarterly model: it assumes the per-quarter retention is constant within the
    year, so four quarters compound to the annual rate.
    """
    r = check_retention(retention)
    k = periods_per(to_period, from_period)
    return scalar_or_array(r**k)


# --------------------------------------------------------------------------------------------
# model-based lifetime value: a purchase model and a spend model (Fader, Hardie & Lee 2005b)
# --------------------------------------------------------------------------------------------


def step_boundaries(horizon: float, horizon_period: str, step_period: str, model_period: str):
    """Ends of the cash-flow steps, in ``model_period``; the last one is the horizon itself.

    ``horizon`` (> 0) is in ``horizon_period`` units; it is cut into steps of one ``step_period``
    each, and the last step is shorter when the horizon is not a whole number of steps. A horizon
    shorter than one step is a single partial step ending at the horizon (one day valued with
    yearly steps is one step of 1/365.2425 year). All three periods are codes of
    :mod:`crmstudy.units` ("D", "W", "M", "Q", "Y"); the conversion is
    :func:`crmstudy.units.convert_duration` (a year is 365.2425 days, a month a twelfth of it).
    Example: 3 "Y" in "M" steps for a weekly model gives 36 ends, 4.348 weeks apart.
    """
    check_period(horizon_period)
    check_period(step_period)
    check_period(model_period)
    if not (
        isinstance(horizon, int | float)
        and not isinstance(horizon, bool)
        and math.isfinite(horizon)
        and horizon > 0
    ):
        raise ParameterError(
            f"horizon must be a positive number of {horizon_period}, got {horizon!r}"
        )
    total_steps = float(convert_duration(horizon, horizon_period, step_period))
    # Whole steps, with a tolerance so that 3 years in months is 36 steps, not 35 and a sliver.
    n_full = math.floor(total_steps * (1.0 + 1e-12))
    ends = [float(k) for k in range(1, n_full + 1)]
    if not ends or total_steps - n_full > 1e-9 * max(1.0, total_steps):
        ends.append(total_steps)
    return np.asarray(convert_duration(np.array(ends), step_period, model_period), dtype=float)


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
            t=np.repeat(t, n), frequency=np.tile(x, k), recency=np.tile(tx, k), T=np.tile(tt, k)
        )
        out[:, start : start + k] = np.asarray(values, dtype=float).reshape(k, n).T
    return out


def customer_lifetime_value(
    purchase_model=None,
    spend_model=None,
    summary: pd.DataFrame | None = None,
    horizon: float | None = None,
    horizon_period: str | None = None,
    discount_rate: float | None = None,
    discount_period: str | None = None,
    margin: float = 1.0,
    step_period: str | None = None,
    **deprecated,
) -> pd.Series:
    """Expected discounted margin of each customer over the next ``horizon``.

    Fader, Hardie & Lee (2005b), "RFM and CLV: Using Iso-Value Curves for Customer Base
    Analysis", J. Marketing Research 42(4), 415-430, eq. 2: CLV = margin x E[spend per
    transaction] x discounted expected transactions (DET). FHL compute DET in continuous time for
    the Pareto/NBD; here it is a *discrete sum*, so any purchase model works::

        DET = sum_k [E(t_k) - E(t_{k-1})] / (1 + d)^(t_k)

    where ``E(t)`` is the customer's expected number of purchases in the next ``t`` (from their
    history), the ``t_k`` cut the horizon into steps of one ``step_period`` each (the last may be
    shorter; a horizon shorter than one step is one partial step, see :func:`step_boundaries`),
    each step's purchases are discounted from the end of the step, and ``d`` is the discount rate
    per ``discount_period``. Every duration is converted with
    :func:`crmstudy.units.convert_duration` (a year is 365.2425 days); no "30 days per month"
    factor is hidden.

    Parameters
    ----------
    purchase_model : fitted BGNBD, MBGNBD or ParetoNBD
        Its ``period`` is the unit of ``summary``'s recency and T; it is called as
        ``expected_purchases(t=, frequency=, recency=, T=)`` with equal-length arrays.
        (``transaction_model=`` is the deprecated old name.)
    spend_model : fitted GammaGamma
        Gives each customer's expected spend per transaction (currency units).
    summary : DataFrame
        Columns ``frequency``, ``recency``, ``T`` (in the purchase model's period) and
        ``monetary_value`` (mean spend per repeat transaction), indexed by customer.
    horizon : float
        How far ahead to value, in ``horizon_period`` units (> 0; e.g. 3 with "Y" = three years).
    horizon_period : str
        Unit of ``horizon``: "D", "W", "M", "Q" or "Y".
    discount_rate : float
        Discount rate per ``discount_period``, in [0, 1) (e.g. 0.10 with "Y" = 10% a year); see
        :func:`crmstudy._checks.check_discount_rate`.
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
    if "transaction_model" in deprecated:
        import warnings

        warnings.warn(
            "customer_lifetime_value(transaction_model=...) is deprecated; use purchase_model=",
            DeprecationWarning,
            stacklevel=2,
        )
        if purchase_model is not None:
            raise ParameterError("give purchase_model or transaction_model, not both")
        purchase_model = deprecated.pop("transaction_model")
    if deprecated:
        raise TypeError(
            f"customer_lifetime_value() got unexpected keyword argument(s) {sorted(deprecated)}"
        )
    for name, value in (
        ("purchase_model", purchase_model),
        ("spend_model", spend_model),
        ("summary", summary),
        ("horizon", horizon),
        ("horizon_period", horizon_period),
        ("discount_rate", discount_rate),
        ("discount_period", discount_period),
    ):
        if value is None:
            raise ParameterError(f"customer_lifetime_value needs {name}=")
    period = getattr(purchase_model, "period", None)
    if period is None:
        raise ParameterError(
            "the purchase model has no time unit (model.period is None): fit it on a summary "
            "with attrs['period'] or pass period= to fit"
        )
    check_period(horizon_period)
    check_period(discount_period)
    step_period = check_period(step_period or discount_period)
    if not (isinstance(discount_rate, int | float) and 0 <= discount_rate < 1):
        raise ParameterError(
            f"discount_rate is per {discount_period} and must be in [0, 1), got {discount_rate!r}"
        )
    if not (isinstance(margin, int | float) and 0 < margin <= 1):
        raise ParameterError(f"margin is a share of spend in (0, 1], got {margin!r}")
    frame_period = summary.attrs.get("period")
    if frame_period is not None and frame_period != period:
        raise ParameterError(
            f"summary is in period {frame_period!r} but the purchase model in {period!r}"
        )

    ends = step_boundaries(horizon, horizon_period, step_period, period)
    cumulative = _cumulative_purchases(purchase_model, summary, ends)
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


# --------------------------------------------------------------------------------------------
# growth of the customer base (Gupta, Lehmann & Stuart 2004: logistic curve and its derivative)
# --------------------------------------------------------------------------------------------


def _check_logistic(alpha, gamma) -> None:
    check_number(alpha, "alpha", low=0.0, low_open=True, what="the ceiling of customers")
    check_number(gamma, "gamma", low=0.0, low_open=True, what="the growth rate, per period")


def logistic_customers(t, alpha: float, beta: float, gamma: float):
    """Cumulative number of customers acquired by time ``t``: ``alpha / (1 + exp(-beta - gamma t))``.

    The logistic growth curve Gupta, Lehmann & Stuart (2004) fit to each firm's customer counts.
    ``t`` in periods (any real numbers; 0 is the valuation date), ``alpha`` the ceiling
    (customers), ``beta`` the position of the curve (dimensionless) and ``gamma`` its speed
    (per period).
    """
    _check_logistic(alpha, gamma)
    t = np.asarray(t, dtype=float)
    return scalar_or_array(alpha / (1.0 + np.exp(-beta - gamma * t)))


def logistic_through(current_customers: float, ceiling: float, gamma: float):
    """The logistic curve ``(alpha, beta, gamma)`` with ``N(0) = current_customers``.

    A way to state a growth assumption in plain terms: the firm will end with ``ceiling``
    customers (``alpha``), grows at ``gamma`` per period, and has ``current_customers`` today.
    Solving ``N(0) = alpha / (1 + exp(-beta))`` gives ``beta = -ln(alpha / N0 - 1)``.
    Requires ``ceiling > current_customers > 0``. The curve is the logistic growth model of
    Gupta, Lehmann & Stuart (2004); ``ceiling`` and ``current_customers`` in customers (any count
    unit), ``gamma`` per period.
    """
    check_number(current_customers, "current_customers", low=0.0, low_open=True)
    if not ceiling > current_customers:
        raise ParameterError(
            f"ceiling={ceiling!r} must exceed current_customers={current_customers!r}: a "
            "logistic curve through today's count needs room to grow"
        )
    _check_logistic(ceiling, gamma)
    beta = -np.log(ceiling / current_customers - 1.0)
    return float(ceiling), float(beta), float(gamma)


def logistic_new_customers(alpha: float, beta: float, gamma: float, periods: int) -> np.ndarray:
    """Customers newly acquired in each of the next ``periods`` periods, from the logistic curve.

    Element ``k - 1`` is ``N(k) - N(k - 1)`` for k = 1..``periods``: the discrete counterpart of
    the acquisition rate ``n_t = dN/dt = alpha gamma exp(-beta - gamma t) /
    (1 + exp(-beta - gamma t))**2`` of Gupta, Lehmann & Stuart (2004), integrated over each
    period so that the counts add up exactly to the growth of ``N``. ``N`` counts every customer
    ever acquired (as the firms' reported cumulative accounts do), so no churn is added back.
    """
    horizon = check_whole(periods, "periods")
    _check_logistic(alpha, gamma)
    x = beta + gamma * np.arange(horizon + 1, dtype=float)
    # N(k) - N(k-1) as a difference of the logistic's lower tail where the curve is below half
    # way and of its upper tail above it, so that neither difference loses its digits.
    lower = np.diff(expit(x))
    upper = -np.diff(expit(-x))
    return alpha * np.where(x[1:] + x[:-1] < 0, lower, upper)


# --------------------------------------------------------------------------------------------
# customer equity (Gupta, Lehmann & Stuart 2004)
# --------------------------------------------------------------------------------------------


def customer_equity(
    margin,
    retention,
    discount_rate,
    acquisition_cost=0.0,
    current_customers=0.0,
    new_customers=None,
    *,
    period: str = "Q",
    rate_period: str | None = None,
    horizon: int | None = None,
    timing: str = "end",
    tax_rate: float = 0.0,
) -> pd.Series:
    """Value of the current customers plus every future cohort, net of acquisition costs.

    Gupta, Lehmann & Stuart (2004), "Valuing Customers", J. Marketing Research 41(1), 7-18,
    the discrete-time value of current and future customers::

        CE = N0 * m * M(r, i)  +  sum_k n_k / (1 + i)**k * (m * M(r, i) - c)

    where ``M`` is the margin multiple (:func:`margin_multiple`, or the finite-horizon sum of
    :func:`lifetime_value` when ``horizon`` is given), ``N0`` today's customers and ``n_k`` the
    customers acquired in period k = 1, 2, ..., each costing ``c`` when acquired. The continuous
    form the paper then uses integrates the same terms; with margins at period ends (the default)
    the per-customer multiple is the paper's ``r / (1 + i - r)``.

    Parameters
    ----------
    margin : float
        Margin per customer per ``period`` (currency).
    retention, discount_rate : float
        Per ``rate_period`` (default: per ``period``). When ``rate_period`` differs, both are
        converted to ``period`` as the paper does: the discount rate by compounding
        (:func:`crmstudy.units.convert_rate`; 12% a year = 2.874% a quarter) and retention as a
        survival probability (:func:`retention_per_period`; 0.70 a year = 0.9147 a quarter).
    acquisition_cost : float
        Cost per newly acquired customer (currency), paid when the customer is acquired.
    current_customers : float
        Customers today (any count unit, e.g. millions; the result is in currency times that
        unit). They are valued from the next margin on, with no acquisition cost.
    new_customers : None, float or sequence of float
        Customers acquired in each future ``period``: a sequence (element k-1 for period k, e.g.
        :func:`logistic_new_customers`), a number (the same count every period forever; needs a
        positive discount rate), or None (no future customers).
    period : str
        The model's period ("Q" in the paper).
    horizon : int or None
        Periods of margin counted per customer; None (default) is the paper's infinite horizon.
    timing : {"end", "start"}
        When each period's margin is received (see :func:`margin_multiple`).
    tax_rate : float
        Share of the value paid as tax, in [0, 1); GLS (2004) report post-tax values.

    Returns
    -------
    Series with ``current_value`` (N0 times the lifetime value of a current customer),
    ``future_value`` (discounted value of future cohorts, net of their acquisition cost),
    ``acquisition_spend`` (discounted acquisition spending included in ``future_value``),
    ``pre_tax`` (the sum) and ``customer_equity`` (after tax), plus the per-period
    ``retention_per_period`` and ``discount_rate_per_period`` used. Currency times the unit of
    the customer counts.
    """
    period = check_period(period)
    rate_period = period if rate_period is None else check_period(rate_period)
    check_number(margin, "margin")
    check_number(acquisition_cost, "acquisition_cost")
    check_number(current_customers, "current_customers", low=0.0)
    check_number(tax_rate, "tax_rate", low=0.0, high=1.0, high_open=True)
    r_in = float(check_retention(retention))
    i_in = float(check_discount_rate(discount_rate))
    r = float(retention_per_period(r_in, rate_period, period))
    i = convert_rate(i_in, rate_period, period)

    per_customer = lifetime_value(margin, r, i, horizon=horizon, timing=timing)
    current_value = current_customers * per_customer

    if new_customers is None:
        discounted_arrivals = 0.0
    elif np.ndim(new_customers) == 0:
        n = float(check_range(new_customers, "new_customers", low=0.0))
        if n > 0 and i <= 0:
            raise ParameterError(
                f"a constant flow of new_customers={n!r} forever needs a positive discount rate, "
                f"got {i!r} per period; pass a finite sequence instead"
            )
        # sum_{k>=1} n / (1 + i)**k = n / i
        discounted_arrivals = 0.0 if n == 0 else n / i
    else:
        n_k = check_range(new_customers, "new_customers", low=0.0, what="customers per period")
        if n_k.ndim != 1:
            raise ParameterError(
                f"new_customers has shape {n_k.shape}: give a 1-d sequence of counts >= 0, one "
                "per future period"
            )
        k = np.arange(1, n_k.size + 1)
        discounted_arrivals = float(np.sum(n_k / (1.0 + i) ** k))

    future_value = discounted_arrivals * (per_customer - acquisition_cost)
    pre_tax = current_value + future_value
    return pd.Series(
        {
            "current_value": current_value,
            "future_value": future_value,
            "acquisition_spend": discounted_arrivals * acquisition_cost,
            "pre_tax": pre_tax,
            "customer_equity": pre_tax * (1.0 - tax_rate),
            "retention_per_period": r,
            "discount_rate_per_period": i,
        },
        name="customer_equity",
    )


#: The four drivers whose elasticities Gupta, Lehmann & Stuart (2004) report, and the direction
#: of a 1% *improvement* in each.
_IMPROVEMENT = {
    "retention": +1,
    "margin": +1,
    "acquisition_cost": -1,
    "discount_rate": -1,
}


def elasticities(step: float = 0.01, **ce_kwargs) -> pd.Series:
    """% change in customer equity for a 1% improvement in each driver, one at a time.

    As in Gupta, Lehmann & Stuart (2004): retention and margin go up by ``step`` (1%,
    relative: 0.70 becomes 0.707), acquisition cost and the discount rate go down by 1%
    (12% becomes 11.88%). Each change is applied to the inputs *as given* (so with
    ``rate_period="Y"`` it is annual retention that rises 1%), with the future
    cohorts ``new_customers`` held fixed. The result is a finite difference, not a derivative.

    Parameters
    ----------
    step : float
        The relative improvement, in (0, 0.5); 0.01 by default.
    **ce_kwargs
        The arguments of :func:`customer_equity` (``margin``, ``retention``, ``discount_rate``,
        ``acquisition_cost``, ``current_customers``, ``new_customers``, ...).

    Returns
    -------
    Series indexed by ``retention``, ``margin``, ``acquisition_cost``, ``discount_rate``: the %
    change in ``customer_equity`` (percent, positive = value rises).
    """
    check_number(step, "step", low=0.0, low_open=True, high=0.5, high_open=True)
    base = customer_equity(**ce_kwargs)["customer_equity"]
    if base == 0:
        raise ParameterError("customer equity is 0 at the given inputs: an elasticity is undefined")
    out = {}
    for name, sign in _IMPROVEMENT.items():
        changed = dict(ce_kwargs)
        changed[name] = ce_kwargs.get(name, 0.0) * (1.0 + sign * step)
        if name == "retention" and changed[name] >= 1.0:
            raise ParameterError(
                f"retention={ce_kwargs[name]!r} improved by {step:.0%} reaches 1 or more; use a "
                "smaller step or a retention below 1 / (1 + step)"
            )
        value = customer_equity(**changed)["customer_equity"]
        out[name] = 100.0 * (value - base) / abs(base)
    return pd.Series(out, name="pct_change_in_customer_equity")


def firm_inputs(firm: str, table: pd.DataFrame | None = None) -> dict:
    """The :func:`customer_equity` arguments for one firm of Gupta, Lehmann & Stuart (2004).

    Reads :func:`crmstudy.datasets.gupta_lehmann_stuart_2004` (or ``table``, with the same
    columns) and returns ``margin`` (quarterly, US$), ``retention`` (annual),
    ``discount_rate`` (annual, 0.12), ``acquisition_cost`` (US$), ``current_customers``
    (millions) with ``period="Q"`` and ``rate_period="Y"``: the model runs in quarters, and the
    annual rates are converted as the paper does (see :func:`customer_equity`). The result is in
    US$ millions. No future customers are included: add ``new_customers``.
    """
    if table is None:
        from crmstudy.datasets import gupta_lehmann_stuart_2004

        table = gupta_lehmann_stuart_2004()
    if firm not in table.index:
        raise ParameterError(
            f"firm={firm!r} is not in the table; choices: {', '.join(map(str, table.index))}"
        )
    row = table.loc[firm]
    return {
        "margin": float(row["quarterly_margin"]),
        "retention": float(row["annual_retention"]),
        "discount_rate": float(row["annual_discount_rate"]),
        "acquisition_cost": float(row["acquisition_cost"]),
        "current_customers": float(row["customers_millions"]),
        "period": "Q",
        "rate_period": "Y",
    }


_GROWTH = ("none", "replacement", "logistic")


def gls_valuation(
    growth: str = "logistic",
    ceiling_multiple: float = 2.0,
    growth_rate: float = 0.1,
    periods: int = 400,
    table: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Customer equity and the four elasticities of the five firms of GLS (2004), side by side.

    Each firm's inputs come from :func:`firm_inputs` (quarterly model, annual retention and
    discount rate converted as the paper does). The published logistic growth parameters are not
    reproduced here, so the future customers follow one of three *stated* assumptions:

    * ``"none"``: no future customers; the value of today's base only.
    * ``"replacement"``: the firm acquires exactly the customers it loses, ``N0 (1 - r_q)`` every
      quarter forever, so the base stays at ``N0``.
    * ``"logistic"``: cumulative customers follow GLS's logistic curve through today's count,
      rising to ``ceiling_multiple * N0`` at ``growth_rate`` (gamma) per quarter
      (:func:`logistic_through`, :func:`logistic_new_customers`, ``periods`` quarters).

    Future cohorts are held fixed when a driver changes (see :func:`elasticities`).

    Returns
    -------
    DataFrame indexed by ``firm`` with ``current_value``, ``future_value``, ``customer_equity``
    (US$ millions, pre-tax), ``retention``, ``margin``, ``acquisition_cost``, ``discount_rate``
    (the % change in customer equity per 1% improvement) and two single-cohort shortcuts:
    ``simple_annual`` = (1 + i) / (1 + i - r) on the annual rates, and ``simple_quarterly`` =
    (1/4) (1 + i_q) / (1 + i_q - r_q), the same derivative taken in the quarterly model (a 1%
    rise in annual retention is a 1/4% rise in quarterly retention).
    """
    check_choice(growth, "growth", _GROWTH)
    if table is None:
        from crmstudy.datasets import gupta_lehmann_stuart_2004

        table = gupta_lehmann_stuart_2004()
    rows = {}
    for firm in table.index:
        args = firm_inputs(firm, table)
        n0 = args["current_customers"]
        r_q = retention_per_period(args["retention"], "Y", "Q")
        i_q = convert_rate(args["discount_rate"], "Y", "Q")
        if growth == "replacement":
            args["new_customers"] = n0 * (1.0 - r_q)
        elif growth == "logistic":
            curve = logistic_through(n0, ceiling_multiple * n0, growth_rate)
            args["new_customers"] = logistic_new_customers(*curve, periods)
        ce = customer_equity(**args)
        row = {name: ce[name] for name in ("current_value", "future_value", "customer_equity")}
        row.update(elasticities(**args).to_dict())
        row["simple_annual"] = simple_retention_elasticity(args["retention"], args["discount_rate"])
        row["simple_quarterly"] = 0.25 * simple_retention_elasticity(r_q, i_q)
        rows[firm] = row
    out = pd.DataFrame.from_dict(rows, orient="index").rename_axis("firm")
    out.attrs.update(
        growth=growth,
        ceiling_multiple=ceiling_multiple,
        growth_rate=growth_rate,
        unit="US$ millions; elasticities in % per 1%",
    )
    return out


def gls_summary(valuations) -> pd.DataFrame:
    """The statistics of GLS (2004) that a valuation of the five firms can be compared with.

    ``valuations`` maps a growth assumption to a :func:`gls_valuation` result. Rows: the lowest
    and highest retention elasticity across firms, the mean margin elasticity, the lowest and
    highest acquisition-cost elasticity, and the median ratio of the retention to the
    discount-rate elasticity (GLS: 3 to 7, about 1, 0.02 to 0.3, "almost five"). Columns: the
    growth assumptions. Elasticities in % per 1%.
    """
    rows = {}
    for growth, v in valuations.items():
        rows[growth] = {
            "retention, lowest": v["retention"].min(),
            "retention, highest": v["retention"].max(),
            "margin, mean": v["margin"].mean(),
            "acquisition cost, lowest": v["acquisition_cost"].min(),
            "acquisition cost, highest": v["acquisition_cost"].max(),
            "retention / discount rate, median": (v["retention"] / v["discount_rate"]).median(),
        }
    return pd.DataFrame(rows).rename_axis("statistic")


def shortcut_comparison(valuations) -> pd.DataFrame:
    """The full model's retention elasticity against the single-cohort shortcut, by firm.

    ``valuations`` maps ``"none"``, ``"replacement"`` and ``"logistic"`` to :func:`gls_valuation`
    results. Columns: the retention elasticity of the full model under each growth assumption,
    the shortcuts ``simple_annual`` and ``simple_quarterly`` (:func:`simple_retention_elasticity`,
    GLS 2004), and ``logistic_vs_quarterly_pct``: by how much (%) the full logistic-growth model
    exceeds the quarterly shortcut.
    """
    missing = {"none", "replacement", "logistic"} - set(valuations)
    if missing:
        raise ParameterError(
            f"valuations lacks the growth assumption(s) {sorted(missing)}; give gls_valuation "
            "results for none, replacement and logistic"
        )
    out = pd.DataFrame(
        {
            "full, no growth": valuations["none"]["retention"],
            "full, replacement": valuations["replacement"]["retention"],
            "full, logistic": valuations["logistic"]["retention"],
            "simple_annual": valuations["none"]["simple_annual"],
            "simple_quarterly": valuations["none"]["simple_quarterly"],
        }
    )
    out["logistic_vs_quarterly_pct"] = 100.0 * (out["full, logistic"] / out["simple_quarterly"] - 1)
    return out


# --------------------------------------------------------------------------------------------
# heterogeneity: one constant retention rate versus the sBG (Fader & Hardie 2010)
# --------------------------------------------------------------------------------------------


def pooled_retention(alive) -> float:
    """The one constant retention rate that best fits a cohort's survivor counts.

    ``sum(alive[1:]) / sum(alive[:-1])``: renewals divided by renewal opportunities, the maximum
    likelihood estimate of a homogeneous geometric model (every customer keeps the same retention
    rate ``r``; the sBG of Fader & Hardie 2007 with no heterogeneity), with the survivors at the
    last count treated as censored. ``alive`` are the counts still active at t = 0, 1, ..., k
    (periods), non-increasing, k >= 1.
    """
    counts = check_cohort_counts(alive, "alive", whole=False, error=ParameterError)
    return float(counts[1:].sum() / counts[:-1].sum())


def heterogeneity_comparison(
    model, margin: float, discount_rate: float, constant_retention: float, renewals=range(8)
) -> pd.DataFrame:
    """Customer value from a fitted sBG versus from one constant retention rate.

    Fader & Hardie (2010), "Customer-Base Valuation in a Contractual Setting: The Perils of
    Ignoring Heterogeneity", Marketing Science 29(1), 85-93. Margins are paid at the start of each
    period of the contract, the first one at acquisition (undiscounted), as in that paper.

    * A new customer: sBG ``m * DEL(d)``; constant rate ``m * (1 + d) / (1 + d - r)``
      (:func:`lifetime_value` with ``timing="start"``).
    * An existing customer who has made ``n`` renewals, valued from the next renewal decision on
      (the first of those payments undiscounted): sBG ``m * DERL(d | n)``; constant rate
      ``m * (1 + d) * r / (1 + d - r)``, the same whatever the tenure.

    Parameters
    ----------
    model : fitted :class:`crmstudy.models.sbg.ShiftedBetaGeometric`
        Anything with ``discounted_expected_lifetime(d)`` and
        ``discounted_expected_residual_lifetime(d, renewals)``; its period is the period here.
    margin : float
        Margin per customer per period (currency).
    discount_rate : float
        Per period of the model, > 0.
    constant_retention : float
        The single retention rate of the shortcut, per period (e.g. :func:`pooled_retention`).
    renewals : iterable of int
        Tenures (renewals made) of the existing customers to value.

    Returns
    -------
    DataFrame with one row per customer type: ``customer`` ("new", "after n renewals"),
    ``renewals`` (-1 for new), ``sbg_value``, ``constant_value`` (currency) and
    ``misvaluation_pct`` (100 * (constant - sBG) / sBG; negative = the shortcut undervalues).
    """
    r = float(check_retention(constant_retention, "constant_retention"))
    d = check_number(discount_rate, "discount_rate", low=0.0, low_open=True, what="per period")
    m = float(as_float_array(margin, "margin"))
    n = np.asarray(list(renewals), dtype=int)
    new_constant = lifetime_value(m, r, d, timing="start")
    existing_constant = (1.0 + d) * lifetime_value(m, r, d, timing="end")
    sbg_existing = np.atleast_1d(model.discounted_expected_residual_lifetime(d, renewals=n)) * m
    frame = pd.DataFrame(
        {
            "customer": ["new"] + [f"after {k} renewals" for k in n],
            "renewals": np.concatenate(([-1], n)),
            "sbg_value": np.concatenate(
                ([m * model.discounted_expected_lifetime(d)], sbg_existing)
            ),
            "constant_value": np.concatenate(([new_constant], np.full(n.size, existing_constant))),
        }
    )
    frame["misvaluation_pct"] = 100.0 * (frame["constant_value"] / frame["sbg_value"] - 1.0)
    frame.attrs.update(period=getattr(model, "period", None), discount_rate=d, retention=r)
    return frame

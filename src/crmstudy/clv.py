"""Customer lifetime value and customer equity, in closed form.

The lifetime value of a customer is the expected discounted margin the customer brings while still
a customer, minus what it cost to acquire them. With a constant margin ``m`` per period, a constant
per-period retention rate ``r`` and a per-period discount rate ``i``, the expected margin of period
``t`` is ``m * r**t`` and its present value ``m * r**t / (1 + i)**t``; the sum of that geometric
series is the *margin multiple* of Gupta & Lehmann (2003), ``r / (1 + i - r)``.

Customer equity (the value of today's customers and of every cohort a firm will acquire, Gupta,
Lehmann & Stuart 2004) lives in :mod:`crmstudy.customer_equity`; the names that moved there keep
working from here for one release, with a DeprecationWarning.

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

from crmstudy._checks import (
    as_float_array,
    as_generator,
    check_choice,
    check_cohort_counts,
    check_discount_rate,
    check_number,
    check_retention,
    check_whole,
    scalar_or_array,
)
from crmstudy._moved import moved
from crmstudy.errors import ParameterError
from crmstudy.units import check_period, convert_duration, periods_per

__all__ = [
    "customer_lifetime_value",
    "step_boundaries",
    "margin_multiple",
    "margin_multiple_table",
    "lifetime_value",
    "horizon_share",
    "retention_per_period",
    "fixed_life_value",
    "expected_life_value",
    "simple_retention_elasticity",
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
    *,
    interval: float | None = None,
    method: str = "asymptotic",
    n_draws: int = 200,
    seed=None,
    **deprecated,
):
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
        Discount rate per ``discount_period``, in [0, 1) (e.g. 0.10 with "Y" = 10% a year);
        the one range of :data:`crmstudy._checks.RATE_RANGES`.
    discount_period : str
        Unit of ``discount_rate``.
    margin : float
        Share of spend kept as profit, in (0, 1] (1 = value spend, not profit).
    step_period : str, optional
        Length of one cash-flow step (default: ``discount_period``). Purchases within a step are
        discounted from its end, so a finer step values slightly higher.
    interval : float, optional
        A level such as 0.9: also give an equal-tailed interval from ``n_draws`` parameter draws
        of *both* models (``model.param_draws(method=, seed=)``, drawn independently: the two
        models are fitted separately). It covers parameter uncertainty only, not the customer's
        own randomness. ``seed`` (an int or a Generator) makes the draws reproducible.

    Returns
    -------
    Series ``clv`` indexed like ``summary`` (currency units, present value at the end of
    calibration); with ``interval``, a DataFrame with columns ``estimate``, ``lower``, ``upper``,
    and ``attrs["total"]`` = ``{"estimate", "lower", "upper"}`` for the sum over customers (the
    cohort's equity). ``attrs`` record the horizon in the model's unit and the discounting used.
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
    discount_rate = check_number(discount_rate, "discount_rate")
    check_discount_rate(discount_rate, period=discount_period)
    if not (isinstance(margin, int | float) and 0 < margin <= 1):
        raise ParameterError(f"margin is a share of spend in (0, 1], got {margin!r}")
    frame_period = summary.attrs.get("period")
    if frame_period is not None and frame_period != period:
        raise ParameterError(
            f"summary is in period {frame_period!r} but the purchase model in {period!r}"
        )

    ends = step_boundaries(horizon, horizon_period, step_period, period)
    # Discount each step from its end: (1 + d) ** -(t_k in discount periods).
    exponents = convert_duration(ends, period, discount_period)
    factors = (1.0 + discount_rate) ** -exponents

    def value(purchases, spending) -> np.ndarray:
        cumulative = _cumulative_purchases(purchases, summary, ends)
        per_step = np.diff(cumulative, axis=1, prepend=0.0)
        spend = np.asarray(spending.expected_spend(summary), dtype=float)
        return margin * spend * (per_step @ factors)

    estimate = value(purchase_model, spend_model)
    if interval is None:
        out = pd.Series(estimate, index=summary.index, name="clv")
    else:
        out = _clv_interval(
            value,
            estimate,
            purchase_model,
            spend_model,
            summary.index,
            interval=interval,
            method=method,
            n_draws=n_draws,
            seed=seed,
        )
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


def _clv_interval(
    value, estimate, purchase_model, spend_model, index, *, interval, method, n_draws, seed
):
    """Per-customer and total intervals of the model-based CLV from both models' draws."""
    from crmstudy.models._intervals import model_at

    if not (isinstance(interval, int | float) and 0 < interval < 1):
        raise ParameterError(f"interval must be a level in (0, 1) such as 0.9, got {interval!r}")
    rng = as_generator(seed)
    purchase_draws = purchase_model.param_draws(n_draws, method=method, seed=rng)
    spend_draws = spend_model.param_draws(n_draws, method=method, seed=rng)
    n = min(len(purchase_draws), len(spend_draws))
    p_rows = purchase_draws.to_numpy(dtype=float)
    s_rows = spend_draws.to_numpy(dtype=float)
    values = np.empty((n, estimate.size))
    for k in range(n):
        values[k] = value(model_at(purchase_model, p_rows[k]), model_at(spend_model, s_rows[k]))
    ok = np.all(np.isfinite(values), axis=1)
    values = values[ok]
    tail = (1.0 - interval) / 2.0
    lower, upper = np.quantile(values, [tail, 1.0 - tail], axis=0)
    totals = values.sum(axis=1)
    out = pd.DataFrame({"estimate": estimate, "lower": lower, "upper": upper}, index=index)
    failed = (
        int(n - values.shape[0])
        + int(purchase_draws.attrs.get("n_failed", 0))
        + int(spend_draws.attrs.get("n_failed", 0))
    )
    out.attrs.update(
        interval=float(interval),
        method=method,
        n_draws=int(values.shape[0]),
        n_failed=failed,
        covers="parameter uncertainty of both models (not the customers' own randomness)",
        total={
            "estimate": float(estimate.sum()),
            "lower": float(np.quantile(totals, tail)),
            "upper": float(np.quantile(totals, 1.0 - tail)),
        },
    )
    return out


def fixed_life_value(profits, life: float, discount_rate: float = 0.0) -> float:
    """Present value of a profit stream over a *fixed* life of ``life`` periods.

    ``sum_{t=1}^{L} p_t / (1 + i)**t``, profits at the end of each period. A fractional life counts
    its last, partial period pro rata: ``(L - floor(L)) * p_{floor(L)+1}``, discounted from the end
    of that period, so the value is continuous in ``L``. ``profits`` by period of tenure (element 0
    for period 1; the last value holds for every later period), ``life`` > 0 periods,
    ``discount_rate`` >= 0 per period. This is the "expected life" valuation that Reichheld &
    Sasser (1990) use with ``L = 1/d`` and that Gupta, Lehmann & Stuart (2004) warn overstates
    lifetime value (:func:`expected_life_value`).
    """
    profile = as_float_array(profits, "profits").ravel()
    if profile.size == 0:
        raise ParameterError("profits must hold at least one period's profit")
    length = check_number(life, "life", low=0.0, low_open=True, what="periods")
    i = float(check_discount_rate(check_number(discount_rate, "discount_rate")))
    whole = int(np.floor(length + 1e-12))
    periods = np.arange(1, whole + 2)
    p = profile[np.minimum(periods - 1, profile.size - 1)]
    weights = np.ones(periods.size)
    weights[-1] = max(length - whole, 0.0)
    return float(np.sum(weights * p / (1.0 + i) ** periods))


def expected_life_value(margin: float, retention: float, discount_rate: float) -> float:
    """The "expected life" shortcut: a constant margin over ``1 / (1 - r)`` periods, discounted.

    Gupta, Lehmann & Stuart (2004) contrast it with the margin multiple: US$100 a year at 80%
    retention is a 5-year "expected life", worth ``100 * sum_{t=1}^{5} 1.12**-t`` = US$360.48 at
    12%, against the correct ``100 * 0.8 / (1.12 - 0.8)`` = US$250 (:func:`lifetime_value`), a 44%
    overstatement. All arguments per period; a fractional life counts pro rata
    (:func:`fixed_life_value`).
    """
    r = float(check_retention(retention))
    m = check_number(margin, "margin")
    return fixed_life_value([m], 1.0 / (1.0 - r), discount_rate)


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


# --------------------------------------------------------------------------------------------
# names that moved to crmstudy.customer_equity (deprecated here for one release)
# --------------------------------------------------------------------------------------------

__getattr__ = moved(
    __name__,
    {
        "logistic_customers": "crmstudy.customer_equity:logistic_customers",
        "logistic_through": "crmstudy.customer_equity:logistic_through",
        "logistic_new_customers": "crmstudy.customer_equity:logistic_new_customers",
        "customer_equity": "crmstudy.customer_equity:customer_equity",
        "elasticities": "crmstudy.customer_equity:customer_equity_elasticities",
        "firm_inputs": "crmstudy.customer_equity:firm_inputs",
        "gls_valuation": "crmstudy.customer_equity:gls_valuation",
        "gls_summary": "crmstudy.customer_equity:gls_summary",
        "shortcut_comparison": "crmstudy.customer_equity:shortcut_comparison",
    },
)

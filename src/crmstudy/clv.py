"""Customer lifetime value and customer equity, in closed form.

The lifetime value of a customer is the expected discounted margin the customer brings while still
a customer, minus what it cost to acquire them. With a constant margin ``m`` per period, a constant
per-period retention rate ``r`` and a per-period discount rate ``i``, the expected margin of period
``t`` is ``m * r**t`` and its present value ``m * r**t / (1 + i)**t``; the sum of that geometric
series is the *margin multiple* of Gupta & Lehmann (2003), ``r / (1 + i - r)``.

Customer equity adds the lifetime values of the customers a firm has now and of every cohort it
will acquire, as in Gupta, Lehmann & Stuart (2004), "Valuing Customers", J. Marketing Research
41(1), 7-18.

Conventions used throughout:

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

import numbers

import numpy as np

from crmstudy.errors import ParameterError

__all__ = [
    "margin_multiple",
    "lifetime_value",
]

_TIMINGS = ("end", "start")


# --------------------------------------------------------------------------------------------
# validation helpers
# --------------------------------------------------------------------------------------------


def _as_float_array(value, name: str) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(
            f"{name} must be a number or an array of numbers, got {value!r}"
        ) from None
    if not np.all(np.isfinite(arr)):
        raise ParameterError(f"{name} must be finite, got {value!r}")
    return arr


def _first_bad(arr: np.ndarray, bad: np.ndarray):
    flat = np.atleast_1d(arr)[np.atleast_1d(bad)]
    return flat[0] if flat.size else arr


def check_retention(retention, name: str = "retention") -> np.ndarray:
    """Return ``retention`` as a float array; raise :class:`ParameterError` outside [0, 1)."""
    r = _as_float_array(retention, name)
    bad = (r < 0) | (r >= 1)
    if np.any(bad):
        raise ParameterError(
            f"{name}={_first_bad(r, bad)!r} is outside the allowed range [0, 1) "
            "(a share of customers kept per period; 1 would mean nobody ever leaves)"
        )
    return r


def check_discount_rate(discount_rate, name: str = "discount_rate") -> np.ndarray:
    """Return ``discount_rate`` as a float array; raise :class:`ParameterError` if <= -1."""
    i = _as_float_array(discount_rate, name)
    bad = i <= -1
    if np.any(bad):
        raise ParameterError(
            f"{name}={_first_bad(i, bad)!r} is outside the allowed range (-1, inf) "
            "(a per-period rate; 1 + rate must be positive)"
        )
    return i


def check_timing(timing: str) -> str:
    """Return ``timing`` if it is ``"end"`` or ``"start"``, else raise :class:`ParameterError`."""
    if timing not in _TIMINGS:
        raise ParameterError(
            f"timing={timing!r} is not allowed; use 'end' (margins at the end of each period, "
            "Gupta & Lehmann 2003) or 'start' (margins at the start, the current one included)"
        )
    return timing


def check_horizon(horizon, name: str = "horizon") -> int | None:
    """Return ``horizon`` (a whole number of periods >= 0, or None for infinite)."""
    if horizon is None:
        return None
    if isinstance(horizon, float) and np.isinf(horizon) and horizon > 0:
        return None
    if isinstance(horizon, bool) or not isinstance(horizon, numbers.Real):
        raise ParameterError(f"{name} must be a whole number of periods or None, got {horizon!r}")
    if not float(horizon).is_integer() or horizon < 0:
        raise ParameterError(
            f"{name}={horizon!r} is outside the allowed range: a whole number of periods >= 0 "
            "(or None for an infinite horizon)"
        )
    return int(horizon)


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


def _scalar_or_array(x: np.ndarray):
    return float(x) if np.ndim(x) == 0 else x


# --------------------------------------------------------------------------------------------
# lifetime value
# --------------------------------------------------------------------------------------------


def margin_multiple(retention, discount_rate, timing: str = "end"):
    """The margin multiple: lifetime value per unit of margin per period, infinite horizon.

    ``timing="end"``: ``r / (1 + i - r)``, Gupta & Lehmann (2003), "Customers as Assets", J.
    Interactive Marketing 17(1), 9-24, eq. 3: margins arrive at the end of each period, the first
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
    return _scalar_or_array(numerator / (1.0 + i - r))


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
    eq. 3); with a finite horizon, the finite geometric sum
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
    m = _as_float_array(margin, "margin")
    r = check_retention(retention)
    i = check_discount_rate(discount_rate)
    c = _as_float_array(acquisition_cost, "acquisition_cost")
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
        return _scalar_or_array(m * total - c)

    profile = _as_float_array(margin_profile, "margin_profile")
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
    return _scalar_or_array(m * total - c)

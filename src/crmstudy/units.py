"""Time units: the one place where periods are named and converted.

Every frequency, recency, T, horizon and rate in crmstudy is measured in a *period*. A period is
one of the codes below. Conversions between them are explicit, through :func:`convert_duration`
and :func:`convert_rate`; nothing in the package hides a "30 days per month" factor.

A month is defined as 1/12 of a mean Gregorian year (365.2425 / 12 = 30.436875 days), and a quarter
as 1/4 of it, so that 12 months = 4 quarters = 1 year exactly.
"""

from __future__ import annotations

import math

from crmstudy.errors import ParameterError

__all__ = [
    "DAYS_PER_PERIOD",
    "PERIOD_NAMES",
    "check_period",
    "periods_per",
    "convert_duration",
    "convert_rate",
]

#: Length of each period in days.
DAYS_PER_PERIOD: dict[str, float] = {
    "D": 1.0,
    "W": 7.0,
    "M": 365.2425 / 12.0,
    "Q": 365.2425 / 4.0,
    "Y": 365.2425,
}

#: Human-readable names, for axis labels and messages.
PERIOD_NAMES: dict[str, str] = {
    "D": "days",
    "W": "weeks",
    "M": "months",
    "Q": "quarters",
    "Y": "years",
}


def check_period(period: str) -> str:
    """Return ``period`` if it is a known period code, else raise :class:`ParameterError`."""
    if period not in DAYS_PER_PERIOD:
        raise ParameterError(
            f"period={period!r} is not a known time unit; use one of "
            f"{', '.join(repr(p) for p in DAYS_PER_PERIOD)} "
            "(days, weeks, months, quarters, years)"
        )
    return period


def periods_per(unit: str, period: str) -> float:
    """How many ``period`` fit in one ``unit``; e.g. ``periods_per("Y", "Q") == 4``."""
    return DAYS_PER_PERIOD[check_period(unit)] / DAYS_PER_PERIOD[check_period(period)]


def convert_duration(value, from_period: str, to_period: str):
    """Convert a duration (a horizon, recency, T) from one period to another.

    ``convert_duration(52, "W", "Y")`` is 0.9965 years: 52 weeks are not quite a year.
    Works on scalars and numpy arrays.
    """
    return value * (
        DAYS_PER_PERIOD[check_period(from_period)] / DAYS_PER_PERIOD[check_period(to_period)]
    )


def convert_rate(rate: float, from_period: str, to_period: str) -> float:
    """Convert a compound rate (a discount or interest rate) between periods.

    A rate ``i`` per ``from_period`` equals ``(1 + i) ** k - 1`` per ``to_period``, where
    ``k`` is the number of ``from_period`` in one ``to_period``. For example, 12% a year is
    ``1.12 ** 0.25 - 1 = 2.874%`` a quarter (the quarterly rate Gupta, Lehmann & Stuart 2004 use).
    """
    if not (isinstance(rate, int | float) and math.isfinite(rate)) or rate <= -1:
        raise ParameterError(f"a rate must be a finite number greater than -1, got {rate!r}")
    k = periods_per(to_period, from_period)
    return (1.0 + rate) ** k - 1.0

"""Shared validation of parameters and data, with one message style.

The concept modules (:mod:`crmstudy.clv`, :mod:`crmstudy.acquisition`,
:mod:`crmstudy.churn_profit`, :mod:`crmstudy.retention`, :mod:`crmstudy.value`) and the sBG model
check their inputs here, so a student sees the same kind of message everywhere:

* a bad parameter raises :class:`~crmstudy.errors.ParameterError` naming the parameter, its value
  and the allowed range, e.g. ``retention=1.2 is outside the allowed range [0, 1) (a share of
  customers kept per period)``; ranges use brackets for closed and parentheses for open ends;
* bad data raise :class:`~crmstudy.errors.DataError` naming the column (or argument), how many
  values are bad, the first bad row and its value.

This is the bottom layer: it imports only :mod:`crmstudy.errors`, numpy and pandas. Nothing here
is public API; the leading underscore of the module says so.
"""

from __future__ import annotations

import math
import numbers

import numpy as np
import pandas as pd

from crmstudy.errors import CrmstudyError, DataError, ParameterError

__all__ = [
    "format_range",
    "as_float_array",
    "check_range",
    "check_number",
    "check_share",
    "check_retention",
    "check_discount_rate",
    "RATE_RANGES",
    "check_rate",
    "check_whole",
    "check_whole_array",
    "check_choice",
    "scalar_or_array",
    "as_generator",
    "numeric_values",
    "bad_values_error",
    "check_cohort_counts",
]


# --------------------------------------------------------------------------------------------
# parameters
# --------------------------------------------------------------------------------------------


def _bound(x: float) -> str:
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return f"{x:g}"


def format_range(
    low: float = -math.inf,
    high: float = math.inf,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> str:
    """``[0, 1)``-style text of an interval; infinite ends are always open."""
    left = "(" if low_open or math.isinf(low) else "["
    right = ")" if high_open or math.isinf(high) else "]"
    return f"{left}{_bound(low)}, {_bound(high)}{right}"


def _suffix(what: str) -> str:
    return f" ({what})" if what else ""


def as_float_array(value, name: str) -> np.ndarray:
    """``value`` as a float array of finite numbers; :class:`ParameterError` naming ``name``."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ParameterError(
            f"{name}={value!r} is not allowed: give a finite number or an array of finite numbers"
        ) from None
    finite = np.isfinite(arr)
    if not np.all(finite):
        first = np.atleast_1d(arr)[~np.atleast_1d(finite)][0]
        raise ParameterError(
            f"{name}={float(first)!r} is not allowed: give a finite number or an array of "
            "finite numbers"
        )
    return arr


def check_range(
    value,
    name: str,
    *,
    low: float = -math.inf,
    high: float = math.inf,
    low_open: bool = False,
    high_open: bool = False,
    what: str = "",
) -> np.ndarray:
    """``value`` (a number or an array) as a float array inside the interval, else
    :class:`ParameterError` with the first value outside it. ``what`` says in words what the
    parameter is (its unit), appended to the message in parentheses."""
    arr = as_float_array(value, name)
    below = arr <= low if low_open else arr < low
    above = arr >= high if high_open else arr > high
    bad = np.atleast_1d(below | above)
    if np.any(bad):
        first = float(np.atleast_1d(arr)[bad][0])
        rng = format_range(low, high, low_open=low_open, high_open=high_open)
        raise ParameterError(f"{name}={first!r} is outside the allowed range {rng}{_suffix(what)}")
    return arr


def check_number(value, name: str, **interval) -> float:
    """One real number (not a bool, not an array) inside the interval of :func:`check_range`."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        rng = format_range(
            interval.get("low", -math.inf),
            interval.get("high", math.inf),
            low_open=interval.get("low_open", False),
            high_open=interval.get("high_open", False),
        )
        raise ParameterError(f"{name}={value!r} is not allowed: give one number in {rng}")
    return float(check_range(value, name, **interval))


def check_share(value, name: str, what: str = "a share per period") -> np.ndarray:
    """A share or rate in [0, 1) (number or array)."""
    return check_range(value, name, low=0.0, high=1.0, high_open=True, what=what)


def check_retention(retention, name: str = "retention", *, period: str = "period"):
    """A retention rate per period in [0, 1) (:data:`RATE_RANGES`): 1 = nobody ever leaves."""
    return check_rate(retention, "retention", name, period=period)


#: The one documented range of each kind of rate. A rate always travels with its period (the
#: argument next to it, e.g. ``discount_period``, or the model's period); the range does not
#: depend on the period. ``(low, high, low_open, high_open, what)``.
RATE_RANGES: dict[str, tuple[float, float, bool, bool, str]] = {
    # 0 means no discounting; negative rates are refused (no crmstudy quantity needs them), and so
    # are rates of 100% or more per period (the longest period is a year).
    "discount_rate": (0.0, 1.0, False, True, "a discount rate per {period}; 0 = none"),
    # 1 would mean nobody ever leaves (lifetimes and sums become infinite).
    "retention": (0.0, 1.0, False, True, "a share of customers kept per {period}"),
    # 0 would mean nobody ever leaves; 1 that everybody leaves after one period.
    "defection": (0.0, 1.0, True, False, "a share of customers lost per {period}"),
}


def check_rate(value, kind: str, name: str | None = None, *, period: str = "period"):
    """A rate of ``kind`` (a key of :data:`RATE_RANGES`) inside its one documented range.

    ``value`` is a number or an array; ``name`` the argument's name (default ``kind``) and
    ``period`` the unit the rate is per, used in the message ("a discount rate per year").
    Returns a float array; raises :class:`ParameterError` naming the value and the range.
    """
    if kind not in RATE_RANGES:
        raise ParameterError(
            f"kind={kind!r} is not a kind of rate; choices: {', '.join(RATE_RANGES)}"
        )
    low, high, low_open, high_open, what = RATE_RANGES[kind]
    return check_range(
        value,
        name or kind,
        low=low,
        high=high,
        low_open=low_open,
        high_open=high_open,
        what=what.format(period=period),
    )


def check_discount_rate(discount_rate, name: str = "discount_rate", *, period: str = "period"):
    """A discount rate per period in [0, 1) (:data:`RATE_RANGES`)."""
    return check_rate(discount_rate, "discount_rate", name, period=period)


def check_whole(value, name: str, *, minimum: int = 0, what: str = "") -> int:
    """One whole number >= ``minimum`` (``4.0`` is accepted as 4; bools are not)."""
    ok = (
        not isinstance(value, bool)
        and isinstance(value, numbers.Real)
        and math.isfinite(value)
        and float(value).is_integer()
        and value >= minimum
    )
    if not ok:
        raise ParameterError(
            f"{name}={value!r} is outside the allowed range: a whole number >= {minimum}"
            f"{_suffix(what)}"
        )
    return int(value)


def check_whole_array(value, name: str, *, minimum: int = 0, what: str = "periods") -> np.ndarray:
    """Whole numbers >= ``minimum`` (a number or an array), returned as a float array."""
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        arr = np.asarray(np.nan)
    bad = np.atleast_1d(~np.isfinite(arr) | (arr != np.round(arr)) | (arr < minimum))
    if np.any(bad):
        first = value if np.ndim(arr) == 0 else float(np.atleast_1d(arr)[bad][0])
        raise ParameterError(
            f"{name}={first!r} is outside the allowed range: whole numbers >= {minimum}"
            f"{_suffix(what)}"
        )
    return arr


def check_choice(value, name: str, choices) -> str:
    """``value`` if it is one of ``choices``, else :class:`ParameterError` listing them."""
    if not isinstance(value, str) or value not in choices:
        raise ParameterError(
            f"{name}={value!r} is not allowed; choices: {', '.join(map(str, choices))}"
        )
    return value


def scalar_or_array(x):
    """A Python float for a 0-d result, the array itself otherwise."""
    return float(x) if np.ndim(x) == 0 else x


def as_generator(seed, name: str = "seed") -> np.random.Generator:
    """The one reading of ``seed`` (DESIGN.md: randomness is ``seed`` everywhere).

    An int (or ``None``, fresh entropy) seeds a new ``numpy.random.Generator``; a Generator is
    used as given, so a caller can draw several things from one stream. Anything else raises
    :class:`ParameterError` naming ``name``.
    """
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, int | np.integer):
        return np.random.default_rng(seed)
    raise ParameterError(f"{name}={seed!r} must be an int, a numpy Generator or None")


# --------------------------------------------------------------------------------------------
# data
# --------------------------------------------------------------------------------------------


def numeric_values(values) -> np.ndarray:
    """``values`` as floats, with anything that is not a number turned into NaN."""
    if not isinstance(values, pd.Series):
        values = pd.Series(np.asarray(values, dtype=object).ravel())
    return pd.to_numeric(values, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def bad_values_error(
    values,
    bad,
    name: str,
    problem: str,
    *,
    hint: str = "",
    error: type[CrmstudyError] = DataError,
) -> CrmstudyError:
    """The error for the values of column (or argument) ``name`` where ``bad`` is true.

    ``problem`` describes the bad values ("values not 0/1"); the message gives their count, the
    first bad row (the index label of a Series, else the position) and its value, then ``hint``.
    Returned, not raised, so the caller's ``raise`` shows where the check failed.
    """
    bad = np.asarray(bad, dtype=bool).ravel()
    i = int(np.flatnonzero(bad)[0])
    if isinstance(values, pd.Series):
        row, value = values.index[i], values.iloc[i]
    else:
        flat = np.asarray(values).ravel()
        row, value = i, flat[i]
    # numpy scalars print as np.int64(3); show the plain value a reader typed.
    row, value = (x.item() if isinstance(x, np.generic) else x for x in (row, value))
    message = f"{name} has {int(bad.sum())} {problem}, first at row {row!r}: {value!r}"
    return error(message + (f"; {hint}" if hint else ""))


def check_cohort_counts(
    alive,
    name: str = "alive",
    *,
    min_length: int = 2,
    whole: bool = True,
    error: type[CrmstudyError] = DataError,
) -> np.ndarray:
    """Survivor counts of one acquisition cohort at t = 0, 1, ..., k, as a float array.

    Checks: a 1-d sequence of at least ``min_length`` values; finite; >= 0; whole numbers (if
    ``whole``); a cohort size (t = 0) above 0; never rising. Raises ``error`` (DataError by
    default) naming ``name``, t and the value.
    """
    if isinstance(alive, pd.DataFrame):
        raise error(
            f"{name} must be one column of counts (customers still active at t = 0, 1, ..., k), "
            f"not a DataFrame; pass e.g. df['{name}']"
        )
    try:
        values = None if isinstance(alive, str) else np.asarray(alive, dtype=float)
    except (TypeError, ValueError):
        values = None
    if values is None or values.ndim != 1:
        raise error(
            f"{name} must be a 1-d sequence of counts of customers still active at t = 0, 1, ..., k"
        )
    if len(values) < min_length:
        raise error(
            f"{name} has {len(values)} value(s); give the counts at t = 0, 1, ..., k with at "
            f"least {min_length} values"
        )
    checks = [
        (~np.isfinite(values), "is not a finite number"),
        (values < 0, "is negative"),
    ]
    if whole:
        checks.append((values != np.round(values), "is not a whole number of customers"))
    for bad, what in checks:
        if bad.any():
            t = int(np.flatnonzero(bad)[0])
            raise error(
                f"{name} at t = {t} {what}: {values[t]!r}. {name} counts customers, so each "
                "value must be a whole number >= 0 (convert percentages with "
                "round(percent * cohort_size / 100))"
            )
    if values[0] == 0:
        raise error(f"{name} at t = 0 (the cohort size) is 0: there is no cohort")
    rising = np.diff(values) > 0
    if rising.any():
        t = int(np.flatnonzero(rising)[0]) + 1
        raise error(
            f"{name} rises from {values[t - 1]:.0f} at t = {t - 1} to {values[t]:.0f} at t = {t}: "
            "a cohort can only lose customers. Count one acquisition cohort only (customers won "
            "later belong to a later cohort)"
        )
    return values

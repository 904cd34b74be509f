"""Transaction logs: validation, the RFM customer summary, calibration/holdout splits, cohorts.

A transaction log has one row per purchase record, with columns ``customer_id``, ``date`` and
``amount`` (plus ``quantity`` where known); other names are mapped with ``customer_column=``,
``date_column=`` and ``amount_column=``, and non-ISO date strings are read with
``date_format=``. Everything here follows the conventions of Fader, Hardie & Lee (2005a),
"Counting your customers the easy way", Marketing Science 24(2), 275-284:

- purchases by one customer on the same calendar day are **one transaction** (their amounts
  are summed), so ``frequency`` counts repeat purchase *days*;
- time is measured in whole days and expressed in a *period* (``"D"``, ``"W"``, ``"M"``, ...,
  see :mod:`crmstudy.units`); the unit travels with the result in ``DataFrame.attrs["period"]``.

The CDNOW sample summarised at the 39-week calibration ending 1997-09-30 reproduces Hardie's own
summary (``crmstudy.datasets.load_cdnow_summary``) for all 2,357 customers: purchases *on* the
calibration end date belong to the calibration period, and ``T`` runs from the first purchase
day to the calibration end date.

What a log must be (each rule refused with a :class:`~crmstudy.errors.DataError` naming the
column, the row and the value; rows of a CSV file are named by their line in the file):

- **Customer ids**: present, not empty or blank, without leading or trailing spaces, and of one
  kind: a column that mixes numbers and text (``1`` and ``"1"``) is refused, because whether they
  are one customer is the user's call (convert the column with ``astype(str)`` if they are).
  Ids are compared as text: ``17`` and ``17.0`` (a float column) are customer ``"17"``, and
  ``"017"`` keeps its zero.
- **Dates**: datetimes, ``yyyymmdd`` integers, or ISO 8601 strings (``2020-01-31``, optionally
  with a time and an offset). Other strings need ``date_format=`` (e.g. ``"%d/%m/%Y"``): without
  it, ``01/02/2020`` could be 1 February or 2 January, and the error names the rows that read
  both ways. A time-zone-aware date counts on its *local* calendar day, offset by offset, so a
  log with mixed offsets (daylight saving time, several stores) keeps each purchase on the day
  it happened where it happened.
- **Amounts**: finite, non-negative numbers (not True/False); a log's amounts may add up to
  :data:`crmstudy._engine.MAX_TOTAL_UNITS` (4.6 trillion currency units) and one customer-day to
  :data:`crmstudy._engine.MAX_DAY_UNITS` (35 million); beyond either, express the amounts in a
  larger unit (thousands).
- **The end of observation**: a purchase after ``observation_end`` is refused; without
  ``observation_end``, a log whose last purchase is after today is refused (a mistyped year
  would otherwise stretch every ``T`` to that day).

Engines
-------
``rfm_summary``, ``calibration_holdout``, ``cohort_table`` and ``purchase_counts`` accept a pandas
DataFrame, a polars DataFrame or LazyFrame, a DuckDB relation, a path or glob of Parquet files, a
CSV path, or a Dask DataFrame. A log held in memory (pandas, eager polars, a CSV file, and a
Parquet path whose size on disk times :data:`PARQUET_IN_MEMORY_FACTOR` (40) fits in the
machine's available memory, read by pyarrow) is checked in pandas, row by row, and summarised in
numpy (:func:`crmstudy._engine.summary_arrays`, ids coded by :mod:`crmstudy._ids`); larger
Parquet input is read out of core by DuckDB, and the lazy engines are checked in one aggregation
pass and summarised by :mod:`crmstudy._engine`'s query, written once in narwhals. Only the
result (one row per customer, or per cohort and age) is collected, into pandas; every engine
returns a bit-identical frame.

Spark is not supported or tested: narwhals has a PySpark backend, so the same code may run there,
but no test covers it. Logs that outgrow one machine should go through Dask (or be written to
Parquet and read out of core by DuckDB).
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import sys
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from crmstudy import _engine as engine
from crmstudy import _ids
from crmstudy._engine import (
    MAX_DAY_UNITS,
    MAX_SPAN_DAYS,
    MAX_TOTAL_UNITS,
    MICROS,
    collect,
    customer_days,
    day_expr,
    day_number,
    day_to_timestamp,
    period_expr,
    period_index,
    period_label,
    period_start,
    summary_frames,
    to_timestamp,
)
from crmstudy.errors import DataError, ParameterError
from crmstudy.units import DAYS_PER_PERIOD, check_period

__all__ = [
    "validate_transactions",
    "read_transactions",
    "rfm_summary",
    "calibration_holdout",
    "cohort_table",
    "purchase_counts",
    "SUMMARY_COLUMNS",
]

#: The columns of a customer summary, in order.
SUMMARY_COLUMNS = ["frequency", "recency", "T", "monetary_value"]

_REFUND_HINT = (
    "Refunds and returns are not purchases: net each one against the purchase it reverses (same "
    "customer; subtract it from that purchase's amount) or drop it before summarising; the "
    "purchase models in crmstudy describe buying, not returning."
)
_LARGER_UNIT_HINT = (
    "express the amounts in a larger unit (e.g. thousands) and scale monetary_value back"
)

#: The index name of a frame read from a CSV file: its labels are line numbers of the file.
_LINE = "line of the file"


# --------------------------------------------------------------------------------------------
# Column names
# --------------------------------------------------------------------------------------------
class _Columns(NamedTuple):
    """The names of a log's customer id, date and amount columns, and its date format."""

    customer: str
    date: str
    amount: str
    date_format: str | None


#: Keywords of the first release, accepted for one more with a DeprecationWarning.
_OLD_KEYWORDS = {"customer": "customer_column", "date": "date_column", "amount": "amount_column"}


def _columns(
    function: str,
    customer_column: str,
    date_column: str,
    amount_column: str,
    date_format: str | None,
    deprecated: dict[str, str],
) -> _Columns:
    """Resolve the column keywords of ``function``, translating the old ones with a warning."""
    new = {
        "customer_column": customer_column,
        "date_column": date_column,
        "amount_column": amount_column,
    }
    defaults = {"customer_column": "customer_id", "date_column": "date", "amount_column": "amount"}
    renamed = []
    for old, value in deprecated.items():
        if old not in _OLD_KEYWORDS:
            raise TypeError(f"{function}() got an unexpected keyword argument {old!r}")
        name = _OLD_KEYWORDS[old]
        if new[name] != defaults[name] and new[name] != value:
            raise ParameterError(
                f"{function}() got both {name}={new[name]!r} and its old name {old}={value!r}; "
                f"pass only {name}="
            )
        renamed.append(f"{old}= -> {name}=")
        new[name] = value
    if renamed:
        warnings.warn(
            f"{function}(): the keywords customer=, date=, amount= are deprecated and will be "
            f"removed in the next release; rename {', '.join(renamed)}",
            DeprecationWarning,
            stacklevel=3,
        )
    for name, value in new.items():
        if not isinstance(value, str) or not value:
            raise ParameterError(f"{name}={value!r} is not allowed: give a column name (a string)")
    if date_format is not None and not isinstance(date_format, str):
        raise ParameterError(
            f"date_format={date_format!r} is not allowed: give a strftime format such as "
            "'%d/%m/%Y', or '' for ISO dates"
        )
    return _Columns(
        new["customer_column"], new["date_column"], new["amount_column"], date_format or None
    )


# --------------------------------------------------------------------------------------------
# Validation (pandas)
# --------------------------------------------------------------------------------------------


def _where(index: pd.Index, label) -> str:
    """'row 4' (index label) or, for a frame read from a CSV file, 'line 6 of the file'."""
    if index.name == _LINE:
        return f"line {label} of the file"
    return f"row {label!r}"


def _first_bad(series: pd.Series, bad) -> tuple[int, str, Any]:
    """Count of bad rows, where the first one is ('row 4' / 'line 6 of the file'), its value."""
    bad = np.asarray(bad, dtype=bool)
    position = int(np.flatnonzero(bad)[0])
    value = series.iloc[position]
    if isinstance(value, np.generic):
        value = value.item()  # show -4.0, not np.float64(-4.0)
    label = series.index[position]
    if isinstance(label, np.generic):
        label = label.item()
    return int(bad.sum()), _where(series.index, label), value


def _rows(series: pd.Series, bad, limit: int = 5) -> str:
    """The first few bad rows with their values: "row 0: '01/02/2020', row 2: ..."."""
    positions = np.flatnonzero(np.asarray(bad, dtype=bool))
    shown = [
        f"{_where(series.index, _plain(series.index[p]))}: {_plain(series.iloc[p])!r}"
        for p in positions[:limit]
    ]
    more = f" and {positions.size - limit} more" if positions.size > limit else ""
    return ", ".join(shown) + more


def _plain(value):
    return value.item() if isinstance(value, np.generic) else value


def _check_ids(ids: pd.Series, column: str) -> pd.Series:
    """Customer ids as one kind of value: refuse missing, mixed, boolean ids; text later."""
    null_ids = ids.isna()
    if null_ids.any():
        n, where, value = _first_bad(ids, null_ids)
        raise DataError(
            f"column {column!r} has {n} missing customer ids, first at {where}: {value!r}"
        )
    if pd.api.types.is_bool_dtype(ids):
        raise DataError(
            f"column {column!r} holds True/False values, not customer ids (first at "
            f"{_first_bad(ids, np.ones(len(ids), bool))[1]}); is it the right column?"
        )
    if pd.api.types.is_float_dtype(ids):
        whole = ids == np.floor(ids)
        if bool(whole.all()):
            # Ids read as floats (e.g. a CSV column with blanks elsewhere): 17.0 is customer "17".
            return ids.astype("int64")
        return ids
    if ids.dtype == object:
        kind = pd.api.types.infer_dtype(ids, skipna=False)
        if kind == "boolean":
            raise DataError(f"column {column!r} holds True/False values, not customer ids")
        if kind.startswith("mixed"):
            is_text = np.fromiter((isinstance(v, str) for v in ids), bool, len(ids))
            odd = ~is_text if is_text[0] else is_text
            n, where, value = _first_bad(ids, odd)
            first = _plain(ids.iloc[0])
            raise DataError(
                f"column {column!r} mixes numbers and text: row 0 holds {first!r} "
                f"({type(first).__name__}) but {where} holds {value!r} ({type(value).__name__}), "
                f"and {n} rows in all are of the other kind. crmstudy does not guess whether 1 "
                "and '1' are one customer: convert the column first (df[col].astype(str) if they "
                "are)"
            )
    return ids


def _check_id_text(labels: pd.Index, column: str, ids: pd.Series, codes: np.ndarray) -> None:
    """Refuse empty, blank or space-padded ids; ``labels`` are the distinct ids as text.

    Integer ids are never blank or padded: their text is not looked at.
    """
    if ids.dtype.kind in "iu":
        return
    stripped = labels.str.strip()
    blank = np.asarray(stripped == "")
    padded = np.asarray(stripped != labels) & ~blank
    for bad, what, hint in [
        (blank, "empty or blank customer ids", "every purchase needs a customer"),
        (
            padded,
            "customer ids with leading or trailing spaces",
            "strip them (ids are compared as exact text, so ' 17' and '17' would be two customers)",
        ),
    ]:
        if bad.any():
            bad_codes = np.flatnonzero(bad)
            rows = np.isin(codes, bad_codes)
            n, where, value = _first_bad(ids, rows)
            raise DataError(
                f"column {column!r} has {n} {what}, first at {where}: {value!r}; {hint}"
            )


_ISO_HINT = "YYYY-MM-DD, optionally with a time (e.g. 2020-01-31 14:05) and an offset (+01:00)"
#: A trailing UTC offset or Z on an ISO timestamp.
_OFFSET = re.compile(r"(?:Z|[+-]\d{2}(?::?\d{2})?)$")
#: dd/mm/yyyy or mm/dd/yyyy (also with . or -): the two readings.
_DAY_MONTH = re.compile(r"^\s*(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2,4})\b")


def _ambiguous(text: pd.Series) -> np.ndarray:
    """Rows whose date reads as a different day month-first and day-first (01/02/2020)."""
    parts = text.str.extract(_DAY_MONTH)
    first = pd.to_numeric(parts[0], errors="coerce")
    second = pd.to_numeric(parts[1], errors="coerce")
    both = (first <= 12) & (second <= 12) & (first != second)
    return np.asarray(both.fillna(False), dtype=bool)


def _parse_iso(text: pd.Series) -> pd.Series:
    """ISO 8601 strings -> naive local datetimes (NaT where not ISO); offsets dropped row by row."""
    try:
        parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    except ValueError:
        # Mixed offsets (daylight saving time, several zones): each row keeps its local time.
        parsed = pd.to_datetime(
            text.str.replace(_OFFSET, "", regex=True), format="ISO8601", errors="coerce"
        )
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)  # one offset for all: its local wall time
    return parsed


def _parse_dates(values: pd.Series, column: str, date_format: str | None = None) -> pd.Series:
    """Parse a date column to timezone-naive datetime64, or raise DataError naming the bad rows.

    Timezone-aware values keep their local calendar day (a purchase at 23:30 local time belongs
    to that day), whatever their offsets.
    """
    missing = values.isna()
    if missing.any():
        n, where, _ = _first_bad(values, missing)
        raise DataError(
            f"column {column!r} has {n} missing dates, first at {where}; every purchase "
            "needs a date"
        )
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        return values.dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    if pd.api.types.is_bool_dtype(values):
        raise DataError(f"column {column!r} holds True/False values, not dates")
    if date_format is not None:
        text = values.astype(str)
        try:
            parsed = pd.to_datetime(text, format=date_format, errors="coerce")
        except (ValueError, TypeError) as err:
            raise ParameterError(
                f"date_format={date_format!r} is not a usable strftime format: {err}"
            ) from None
        bad = parsed.isna()
        if bad.any():
            n, where, value = _first_bad(values, bad)
            raise DataError(
                f"column {column!r} has {n} values that do not match date_format="
                f"{date_format!r}, first at {where}: {value!r}"
            )
    elif pd.api.types.is_integer_dtype(values):
        # Integer dates are read as yyyymmdd (the CDNOW convention), never as epoch offsets.
        parsed = pd.to_datetime(
            values.astype("int64").astype(str), format="%Y%m%d", errors="coerce"
        )
        bad = parsed.isna()
        if bad.any():
            n, where, value = _first_bad(values, bad)
            raise DataError(
                f"column {column!r} has {n} integers that are not yyyymmdd dates, first at "
                f"{where}: {value!r}"
            )
    else:
        text = values.astype(str)
        parsed = _parse_iso(text)
        bad = parsed.isna()
        if bad.any():
            n, where, value = _first_bad(values, bad)
            ambiguous = _ambiguous(text) & np.asarray(bad)
            message = (
                f"column {column!r} has {n} values that are not dates in ISO form ({_ISO_HINT}), "
                f"first at {where}: {value!r}. "
            )
            if ambiguous.any():
                message += (
                    f"{int(ambiguous.sum())} of them read as a different day month-first and "
                    f"day-first ({_rows(values, ambiguous)}): pass date_format='%d/%m/%Y' or "
                    "date_format='%m/%d/%Y'."
                )
            else:
                message += "Pass date_format= (e.g. '%d/%m/%Y') to read another form."
            raise DataError(message)
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed


def _check_amounts(raw: pd.Series, column: str) -> pd.Series:
    """Amounts as float64: numbers, not booleans, finite, >= 0, inside the exact-sum limits."""
    if pd.api.types.is_bool_dtype(raw):
        n, where, value = _first_bad(raw, np.ones(len(raw), bool))
        raise DataError(
            f"column {column!r} holds True/False values (first at {where}: {value!r}), not "
            "purchase values; is it the right column?"
        )
    if raw.dtype == object:
        is_bool = np.fromiter((isinstance(v, bool | np.bool_) for v in raw), bool, len(raw))
        if is_bool.any():
            n, where, value = _first_bad(raw, is_bool)
            raise DataError(
                f"column {column!r} has {n} True/False values, first at {where}: {value!r}; "
                "an amount is a number"
            )
    if pd.api.types.is_float_dtype(raw) and raw.dtype == np.float64:
        values = raw
    else:
        values = pd.to_numeric(raw, errors="coerce").astype("float64")
        not_numeric = values.isna() & raw.notna()
        if not_numeric.any():
            n, where, value = _first_bad(raw, not_numeric)
            raise DataError(
                f"column {column!r} has {n} values that are not numbers, first at {where}: "
                f"{value!r}"
            )
    array = values.to_numpy()
    total = float(array.sum())
    # Two reductions decide a valid column (NaN fails both comparisons); the row-by-row masks
    # below run only to name the first bad row.
    if array.min() >= 0 and array.max() < MAX_DAY_UNITS and np.isfinite(total):
        _check_total(total, column)
        return values
    nan_amount = np.isnan(array)
    if nan_amount.any():
        n, where, value = _first_bad(raw, nan_amount)
        raise DataError(
            f"column {column!r} has {n} missing amounts (NaN), first at {where}: {value!r}. "
            "Fill in the purchase value or drop the row."
        )
    infinite = np.isinf(array)
    if infinite.any():
        n, where, value = _first_bad(raw, infinite)
        raise DataError(
            f"column {column!r} has {n} infinite amounts, first at {where}: {value!r}; an amount "
            "is a finite number of currency units"
        )
    negative = array < 0
    if negative.any():
        n, where, value = _first_bad(raw, negative)
        raise DataError(
            f"column {column!r} has {n} negative amounts, first at {where}: {value!r}. "
            + _REFUND_HINT
        )
    huge = array >= MAX_DAY_UNITS
    if huge.any():
        n, where, value = _first_bad(raw, huge)
        raise DataError(
            f"column {column!r} has {n} amounts of {MAX_DAY_UNITS:,.0f} currency units or more, "
            f"first at {where}: {value!r}; crmstudy sums amounts exactly (in millionths) up to "
            f"{MAX_DAY_UNITS:,.0f} per customer and day: " + _LARGER_UNIT_HINT
        )
    _check_total(total, column)
    return values


def _check_total(total: float, column: str) -> None:
    if total >= MAX_TOTAL_UNITS:
        raise DataError(
            f"the amounts in column {column!r} add up to {total:,.0f} currency units, more than "
            f"the {MAX_TOTAL_UNITS:,.0f} that crmstudy sums exactly (in millionths, 64-bit "
            "integers): " + _LARGER_UNIT_HINT
        )


def validate_transactions(
    df: pd.DataFrame,
    *,
    customer_column: str = "customer_id",
    date_column: str = "date",
    amount_column: str = "amount",
    date_format: str | None = None,
    observation_end: str | _dt.date | pd.Timestamp | None = None,
    **deprecated: str,
) -> pd.DataFrame:
    """Check a transaction log and return a clean, typed copy with the standard column names.

    Parameters
    ----------
    df : pandas.DataFrame
        One row per purchase record.
    customer_column, date_column, amount_column : str
        Names of the customer id, purchase date and purchase value columns in ``df``.
        Amounts are in the log's currency; dates may be datetimes, ISO 8601 strings or
        ``yyyymmdd`` integers (the rules are in the module docstring).
    date_format : str, optional
        A ``strftime`` format (e.g. ``"%d/%m/%Y"``) that every date string follows; default
        (None or ``""``): ISO 8601 only.
    observation_end : date-like, optional
        Last day of observation. A purchase dated after it is an error.
    **deprecated
        ``customer=``, ``date=``, ``amount=``: the old names of the column keywords (one more
        release, with a DeprecationWarning).

    Returns
    -------
    DataFrame with ``customer_id`` (str), ``date`` (timezone-naive datetime64), ``amount``
    (float64, >= 0) and every other column of ``df`` unchanged; ``attrs`` are kept.

    Raises
    ------
    DataError
        Naming the column, the first bad row (index label) and its value, for every rule of the
        module docstring: a missing column, an empty log, a missing, blank, padded or mixed-type
        customer id, a missing, unparseable or ambiguous date, a missing, non-numeric, boolean,
        infinite, negative (refunds: see the message) or too large amount, a date after
        ``observation_end``.
    """
    columns = _columns(
        "validate_transactions",
        customer_column,
        date_column,
        amount_column,
        date_format,
        deprecated,
    )
    return _validate(df, columns, observation_end)[0]


def _missing_columns(wanted, names) -> None:
    """Refuse a log without one of the three columns, naming the columns it has."""
    missing = [name for name in dict.fromkeys(wanted) if name not in names]
    if missing:
        raise DataError(
            f"the transaction log has no column {', '.join(repr(m) for m in missing)}; its columns "
            f"are {list(names)}. Name yours with customer_column=..., date_column=..., "
            "amount_column=..."
        )


def _validate(
    df, columns: _Columns, observation_end=None, *, codes: bool = False
) -> tuple[pd.DataFrame | dict, _ids.Ids | None]:
    """:func:`validate_transactions` with the column names resolved.

    With ``codes=True`` (the summaries' path) the ids are factorised instead of converted to
    text row by row: returns ``(dict of numpy arrays customer_id (integer codes), date, amount;
    ids)``, ``ids`` the codes, the distinct ids as text and their text order
    (:func:`crmstudy._ids.factorize`). Otherwise ``(clean frame, None)``.
    """
    customer, date, amount = columns.customer, columns.date, columns.amount
    if not isinstance(df, pd.DataFrame):
        raise DataError(
            f"validate_transactions expects a pandas DataFrame, got {type(df).__name__}; "
            "rfm_summary and friends accept other engines directly"
        )
    wanted = {"customer": customer, "date": date, "amount": amount}
    _missing_columns(wanted.values(), list(map(str, df.columns)))
    if len(df) == 0:
        raise DataError("the transaction log is empty: it has no rows to summarise")

    ids = _ids.factorize(_check_ids(df[customer], customer))
    id_codes, labels = ids.codes, ids.labels
    _check_id_text(labels, customer, df[customer], id_codes)
    dates = _parse_dates(df[date], date, columns.date_format)
    values = _check_amounts(df[amount], amount)

    if observation_end is not None:
        end = to_timestamp(observation_end, "observation_end")
        late = dates.to_numpy() >= (end + pd.Timedelta(days=1)).to_datetime64()
        if late.any():
            n, where, value = _first_bad(df[date], late)
            raise DataError(
                f"column {date!r} has {n} dates after observation_end={end.date()}, first at "
                f"{where}: {value!r}. Move observation_end or drop the later purchases."
            )

    if codes:
        arrays = {"customer_id": id_codes, "date": dates.to_numpy(), "amount": values.to_numpy()}
        return arrays, ids
    out = df.drop(columns=list(wanted.values())).copy()
    out.insert(0, "customer_id", labels.take(id_codes).to_numpy())
    out.insert(1, "date", dates.to_numpy())
    out.insert(2, "amount", values.to_numpy())
    out.attrs = dict(df.attrs)
    if out.index.name == _LINE:
        out = out.reset_index(drop=True)
    return out, None


# --------------------------------------------------------------------------------------------
# Reading files
# --------------------------------------------------------------------------------------------


def read_transactions(
    path: str | os.PathLike,
    *,
    customer_column: str = "customer_id",
    date_column: str = "date",
    amount_column: str = "amount",
    date_format: str | None = None,
    observation_end: str | _dt.date | pd.Timestamp | None = None,
    **deprecated: str,
) -> pd.DataFrame:
    """Read a user's own transaction log (CSV or Parquet) and validate it.

    Parameters
    ----------
    path : path
        A ``.csv`` (optionally compressed: ``.csv.gz``, ``.csv.zip``, ...), ``.txt`` (comma
        separated), ``.tsv`` or ``.parquet`` / ``.pq`` file. CSV files must be UTF-8 text.
    customer_column, date_column, amount_column : str
        The names of the customer id, date and amount columns in the file.
    date_format : str, optional
        A ``strftime`` format for the date strings (see :func:`validate_transactions`);
        default ISO 8601 only.
    observation_end : date-like, optional
        Last day of observation (see :func:`validate_transactions`).
    **deprecated
        ``customer=``, ``date=``, ``amount=``: the old keyword names (DeprecationWarning).

    Returns
    -------
    The validated log (see :func:`validate_transactions`), with ``attrs["source"]`` the file name.
    Errors about a CSV file's rows name the line of the file (the header is line 1).
    """
    columns = _columns(
        "read_transactions", customer_column, date_column, amount_column, date_format, deprecated
    )
    return _validate(_read_file(path, columns), columns, observation_end)[0]


def _read_file(path, columns: _Columns) -> pd.DataFrame:
    """The raw frame of a CSV or Parquet log, with its file errors as DataErrors."""
    file = Path(path)
    if file.is_dir():
        raise DataError(
            f"{file} is a folder, not a transaction log file; pass a .csv or .parquet file (a "
            "folder of Parquet files can be passed to rfm_summary and friends directly)"
        )
    if not file.is_file():
        raise DataError(f"no transaction log at {file}")
    suffixes = [s.lower() for s in file.suffixes]
    if suffixes and suffixes[-1] in {".parquet", ".pq"}:
        try:
            frame = pd.read_parquet(file)
        except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ... on a bad file
            raise DataError(
                f"{file.name} is not a readable Parquet file ({type(err).__name__}: "
                f"{str(err).splitlines()[0][:200] if str(err) else ''})"
            ) from None
    elif any(s in {".csv", ".txt", ".tsv"} for s in suffixes):
        frame = _read_csv(file, columns)
    else:
        raise ParameterError(
            f"read_transactions reads .csv, .tsv, .txt and .parquet files, got {file.name!r}"
        )
    frame.attrs["source"] = file.name
    return frame


def _read_csv(file: Path, columns: _Columns) -> pd.DataFrame:
    sep = "\t" if ".tsv" in [s.lower() for s in file.suffixes] else ","
    try:
        # Ids are read as text so that "00017" keeps its leading zeros.
        frame = pd.read_csv(file, sep=sep, dtype={columns.customer: str}, encoding="utf-8")
    except UnicodeDecodeError as err:
        raise DataError(
            f"{file.name} is not UTF-8 text: {_bad_byte(file, err)}. Save it as UTF-8 (most "
            "spreadsheets offer 'CSV UTF-8') and read it again"
        ) from None
    except pd.errors.EmptyDataError:
        raise DataError(f"{file.name} is empty: it has no header and no rows") from None
    except pd.errors.ParserError as err:
        found = re.search(r"Expected (\d+) fields in line (\d+), saw (\d+)", str(err))
        detail = (
            f"line {found.group(2)} has {found.group(3)} fields where the header has "
            f"{found.group(1)}"
            if found
            else str(err).splitlines()[0]
        )
        raise DataError(
            f"{file.name} is not a regular CSV table: {detail}. Quote values that contain the "
            "separator, or fix the line"
        ) from None
    # Rows are named by their line in the file (header = line 1) in error messages.
    frame.index = pd.RangeIndex(2, len(frame) + 2, name=_LINE)
    return frame


def _bad_byte(file: Path, err: UnicodeDecodeError) -> str:
    """Where the first byte that is not UTF-8 is, as 'line 3 has the byte 0xe9'."""
    try:
        with open(file, "rb") as fh:
            for number, line in enumerate(fh, start=1):
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as bad:
                    return f"line {number} has the byte 0x{line[bad.start]:02x} at column {bad.start + 1}"
    except OSError:
        pass
    return str(err)


# --------------------------------------------------------------------------------------------
# Other engines: one checking pass
# --------------------------------------------------------------------------------------------


def _engine_error_types() -> tuple[type[BaseException], ...]:
    """The exception types of the engines loaded so far (their raw read/compute errors)."""
    types: list[type[BaseException]] = []
    duckdb = sys.modules.get("duckdb")
    if duckdb is not None:
        types.append(duckdb.Error)
    polars = sys.modules.get("polars")
    if polars is not None:
        types.append(polars.exceptions.PolarsError)
    return tuple(types)


def _collect(lazy, source: str = "the log") -> pd.DataFrame:
    """Collect into pandas; an engine's own read or compute error becomes a DataError."""
    errors = _engine_error_types()
    try:
        return collect(lazy)
    except errors as err:
        raise DataError(
            f"the engine could not read {source}: {type(err).__name__}: "
            f"{str(err).splitlines()[0][:240] if str(err) else ''}"
        ) from None


#: A Parquet file, folder or glob is read into memory (the needed columns, by pyarrow) and
#: summarised by the in-memory path when the machine's available memory (``MemAvailable``) is
#: at least this many times its size on disk; larger input is read out of core by DuckDB (see
#: its ``memory_limit``). Summarising the 10^6-customer benchmark log (35 MB of Parquet) this
#: way grows the process by 430-520 MB, about 15 times its size on disk (Arrow columns, numpy
#: arrays, the result; measured by ``python -m benchmarks``); 40 leaves more than half the
#: available memory free for such a log, and room for logs that compress better on disk.
PARQUET_IN_MEMORY_FACTOR = 40


def _available_memory() -> int:
    """Bytes of memory available to new work (Linux ``MemAvailable``); 0 where unknown."""
    try:
        with open("/proc/meminfo") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _parquet_files(text: str) -> tuple[list[Path], str]:
    """The Parquet files of a file, folder (with its subfolders) or glob, and DuckDB's pattern."""
    path = Path(text)
    if any(ch in text for ch in "*?["):
        import glob

        return sorted(Path(f) for f in glob.glob(text, recursive=True) if Path(f).is_file()), text
    if not path.exists():
        raise DataError(f"no Parquet file or directory at {text}")
    if path.is_dir():
        files = sorted(f for f in path.rglob("*.parquet") if f.is_file())
        if not files:
            raise DataError(
                f"the folder {text} holds no .parquet files (searched its subfolders too)"
            )
        return files, str(path / "**" / "*.parquet")
    return [path], text


def _open_parquet(text: str, columns: _Columns):
    """A Parquet file, folder or glob: a pandas frame of its three columns if it fits in memory
    (:data:`PARQUET_IN_MEMORY_FACTOR`), else a DuckDB relation (streamed, never loaded whole).

    Either way the schema passes the checks of :func:`_check_types` first, so the input is
    accepted or refused alike whatever its size; in memory, rows are named by their position
    in the files taken in name order.
    """
    files, pattern = _parquet_files(text)
    size = sum(f.stat().st_size for f in files)
    if files and size * PARQUET_IN_MEMORY_FACTOR <= _available_memory():
        return _read_parquet_columns(files, text, columns)
    import duckdb

    try:
        return duckdb.read_parquet(pattern, hive_partitioning=False)
    except duckdb.Error as err:
        raise DataError(
            f"cannot read {pattern} as Parquet: {str(err).splitlines()[0][:240]}"
        ) from None


def _read_parquet_columns(files: list[Path], text: str, columns: _Columns) -> pd.DataFrame:
    """The customer, date and amount columns of Parquet files, read by pyarrow into pandas."""
    import narwhals as nw
    import pyarrow.parquet as pq

    wanted = list(dict.fromkeys([columns.customer, columns.date, columns.amount]))
    try:
        names = pq.read_schema(files[0]).names
        _missing_columns(wanted, names)
        table = pq.read_table([str(f) for f in files], columns=wanted)
    except DataError:
        raise
    except Exception as err:  # pyarrow raises ArrowInvalid, OSError, ... on a bad file
        raise DataError(
            f"cannot read {text} as Parquet: {type(err).__name__}: "
            f"{str(err).splitlines()[0][:240] if str(err) else ''}"
        ) from None
    _check_types(nw.from_native(table).schema, columns, zones=False)
    return pd.DataFrame(
        {name: table.column(name).to_pandas(date_as_object=False) for name in wanted}, copy=False
    )


def _as_lazy(transactions, columns: _Columns):
    """Wrap any supported log as a narwhals LazyFrame with ``customer_id``, ``date``, ``amount``.

    Returns ``(lazy_frame, labels, source)``. pandas logs are validated in full first, and their
    ids replaced by integer codes (pandas groups on integers several times faster than on
    strings); ``labels`` maps the codes back. The other engines keep their ids (``labels`` is
    None) and are checked by :func:`_check_lazy` in one aggregation pass.
    """
    import narwhals as nw

    source = f"the {type(transactions).__name__} log"
    if isinstance(transactions, str | os.PathLike):
        text = os.fspath(transactions)
        source = text
        if text.lower().endswith((".csv", ".csv.gz", ".txt", ".tsv")):
            transactions = _read_file(text, columns)
        else:
            transactions = _open_parquet(text, columns)
    polars = sys.modules.get("polars")
    if polars is not None and isinstance(transactions, polars.DataFrame):
        transactions = _polars_columns(transactions, columns)
    if isinstance(transactions, pd.DataFrame):
        arrays, ids = _validate(transactions, columns, codes=True)
        return _InMemory(arrays, ids.order), ids.labels, source
    customer, date, amount = columns.customer, columns.date, columns.amount
    try:
        native = nw.from_native(transactions)
    except TypeError:
        raise DataError(
            f"cannot summarise a {type(transactions).__name__}: pass a pandas or polars "
            "DataFrame, a polars LazyFrame, a DuckDB relation, a Dask DataFrame, or a path to "
            "Parquet/CSV files"
        ) from None
    lazy = native.lazy() if isinstance(native, nw.DataFrame) else native
    try:
        schema = lazy.collect_schema()
    except _engine_error_types() as err:
        raise DataError(f"cannot read {source}: {str(err).splitlines()[0][:240]}") from None
    _check_types(schema, columns, zones=lazy.implementation is not nw.Implementation.DUCKDB)
    # Integer ids stay integers in the engine (grouping on them is several times faster than
    # on their text); every other kind is compared as text. The result's index is text either way.
    integer_ids = schema[customer].is_integer()
    lazy = lazy.select(
        (nw.col(customer) if integer_ids else nw.col(customer).cast(nw.String)).alias(
            "customer_id"
        ),
        nw.col(date).alias("date"),
        nw.col(amount).cast(nw.Float64).alias("amount"),
    )
    return lazy, None, source


def _check_types(schema, columns: _Columns, *, zones: bool) -> None:
    """The checks a typed engine's schema allows before any data is read.

    ``zones=False`` (DuckDB, and Parquet paths, which DuckDB reads when they are large) refuses
    time-zone-aware dates: DuckDB keeps each instant but not its zone, so the local calendar day
    that pandas and polars count on would be lost.
    """
    import narwhals as nw

    customer, date, amount = columns.customer, columns.date, columns.amount
    _missing_columns((customer, date, amount), schema.names())
    if not isinstance(schema[date], nw.Date | nw.Datetime):
        raise DataError(
            f"column {date!r} has type {schema[date]}, not a date: parse it to a date/datetime "
            "type in your engine first (or read a CSV with read_transactions)"
        )
    zone = getattr(schema[date], "time_zone", None)
    if zone is not None and not zones:
        # DuckDB keeps instants, not each value's zone: its calendar day would be the session's
        # (here {zone}), not the local day pandas and polars count on.
        raise DataError(
            f"column {date!r} is a DuckDB TIMESTAMP WITH TIME ZONE (shown in {zone}): DuckDB "
            "keeps the instant but not the zone of each purchase, so its local calendar day is "
            "lost. Convert it to local timestamps first (e.g. SELECT ..., date AT TIME ZONE "
            "'Europe/Paris' AS date), or pass the log as a pandas or polars frame"
        )
    if isinstance(schema[amount], nw.Boolean) or not schema[amount].is_numeric():
        raise DataError(f"column {amount!r} has type {schema[amount]}, not a number")
    if isinstance(schema[customer], nw.Boolean):
        raise DataError(f"column {customer!r} holds True/False values, not customer ids")


class _InMemory:
    """A checked pandas log as numpy arrays, ids as integer codes (:func:`crmstudy._ids.factorize`).

    ``order`` lists the codes in the text order of their ids. The summaries work on the arrays
    directly; a narwhals frame (for cohorts, period counts and error messages) is built only
    when one is asked for.
    """

    def __init__(self, arrays: dict[str, np.ndarray], order: np.ndarray):
        self.arrays = arrays
        self.order = order
        self._frame = None

    def lazy(self):
        import narwhals as nw

        if self._frame is None:
            self._frame = nw.from_native(pd.DataFrame(self.arrays), eager_only=True).lazy()
        return self._frame


def _lazy(log):
    """The narwhals frame of a prepared log (built on demand for an in-memory one)."""
    return log.lazy() if isinstance(log, _InMemory) else log


def _polars_columns(frame, columns: _Columns) -> pd.DataFrame:
    """The three columns of an eager polars log as pandas (ids as arrow-backed text: no copy).

    An eager polars frame is in memory already, so it takes the pandas path: the same checks
    (with row numbers) and the numpy summary. A polars LazyFrame stays lazy (narwhals).
    """
    wanted = [columns.customer, columns.date, columns.amount]
    _missing_columns(wanted, frame.columns)
    return pd.DataFrame({c: frame[c].to_pandas() for c in dict.fromkeys(wanted)}, copy=False)


def _example(lazy, condition, labels, source: str) -> str:
    """The first row matching ``condition``, as "customer_id 'b', date 2045-01-01, amount 3.0"."""
    row = _collect(
        _lazy(lazy).filter(condition).select("customer_id", "date", "amount").head(1), source
    )
    if not len(row):
        return "no example row found"
    ident, when, value = row.iloc[0]
    if labels is not None and not pd.isna(ident):
        ident = labels[int(ident)]
    when = "null" if pd.isna(when) else str(pd.Timestamp(when))
    return f"customer_id {_plain(ident)!r}, date {when}, amount {_plain(value)!r}"


def _check_lazy(lazy, columns: _Columns, source: str) -> dict[str, int]:
    """One aggregation pass over a non-pandas log: every rule pandas logs are checked for."""
    import narwhals as nw

    customer, date, amount = columns.customer, columns.date, columns.amount
    ids, value = nw.col("customer_id"), nw.col("amount")
    conditions = {"null_ids": ids.is_null()}
    if isinstance(lazy.collect_schema()["customer_id"], nw.String):
        stripped = ids.str.strip_chars()
        conditions["blank_ids"] = stripped == ""
        conditions["padded_ids"] = (stripped != ids) & (stripped != "")
    conditions |= {
        "null_dates": nw.col("date").is_null(),
        "null_amounts": value.is_null(),
        "nan_amounts": value.is_nan(),
        "inf_amounts": value == float("inf"),
        "negative": value < 0,
        "huge": value >= MAX_DAY_UNITS,
    }
    stats = _collect(
        lazy.select(
            nw.len().alias("rows"),
            *[c.cast(nw.Int64).sum().alias(k) for k, c in conditions.items()],
            value.min().alias("min_amount"),
            value.sum().alias("total_amount"),
            nw.col("day").min().alias("first_day"),
            nw.col("day").max().alias("last_day"),
        ),
        source,
    ).iloc[0]
    if int(stats["rows"]) == 0:
        raise DataError("the transaction log is empty: it has no rows to summarise")
    problems = [
        ("null_ids", customer, "missing customer ids", "every purchase needs a customer"),
        ("blank_ids", customer, "empty or blank customer ids", "every purchase needs a customer"),
        (
            "padded_ids",
            customer,
            "customer ids with leading or trailing spaces",
            "strip them (ids are compared as exact text)",
        ),
        ("null_dates", date, "missing dates", "every purchase needs a date"),
        ("null_amounts", amount, "missing amounts (null)", "fill them in or drop the rows"),
        ("nan_amounts", amount, "missing amounts (NaN)", "fill them in or drop the rows"),
        ("inf_amounts", amount, "infinite amounts", "an amount is a finite number"),
        ("negative", amount, "negative amounts", _REFUND_HINT),
        (
            "huge",
            amount,
            f"amounts of {MAX_DAY_UNITS:,.0f} currency units or more",
            f"crmstudy sums amounts exactly up to {MAX_DAY_UNITS:,.0f} per customer and day: "
            + _LARGER_UNIT_HINT,
        ),
    ]
    for key, column, what, hint in problems:
        if key not in conditions:
            continue
        count = int(stats[key]) if not pd.isna(stats[key]) else 0
        if count:
            example = _example(lazy, conditions[key], None, source)
            raise DataError(
                f"column {column!r} has {count} {what}, first found: {example}. "
                f"{hint[0].upper()}{hint[1:]}"
            )
    _check_total(float(stats["total_amount"]), amount)
    return {"first_day": int(stats["first_day"]), "last_day": int(stats["last_day"])}


def _prepare(
    transactions, columns: _Columns, *, refuse_future: bool = False
) -> tuple[Any, dict[str, int], Any]:
    """The checked log as a lazy frame of ``customer_id``, ``day``, ``date``, ``micros``.

    Returns ``(lazy, span, labels)``: ``span`` the first and last purchase day (days since
    1970-01-01). With ``refuse_future`` (no ``observation_end`` given), a log whose last purchase
    is after today is refused.
    """
    import narwhals as nw

    lazy, labels, source = _as_lazy(transactions, columns)
    if isinstance(lazy, _InMemory):
        # In memory (pandas): day numbers and millionths in numpy, equal to the engines' own.
        arrays = lazy.arrays
        day = arrays["day"] = engine.day_numbers(arrays["date"])
        arrays["micros"] = engine.to_micros(arrays["amount"])
        span = {"first_day": int(day.min()), "last_day": int(day.max())}
    else:
        lazy = lazy.select(
            "customer_id",
            day_expr(nw, "date").alias("day"),
            "date",
            "amount",
            # Round half up to the nearest micro-unit; floor + cast is exact on every engine.
            (nw.col("amount") * MICROS + 0.5).floor().cast(nw.Int64).alias("micros"),
        )
        span = _check_lazy(lazy, columns, source)
    if span["last_day"] - span["first_day"] >= MAX_SPAN_DAYS:
        raise DataError(
            f"column {columns.date!r} runs from {day_to_timestamp(span['first_day']).date()} to "
            f"{day_to_timestamp(span['last_day']).date()}, more than 358 years: look for a "
            f"mistyped year (the latest purchase: "
            f"{_example(lazy, nw.col('day') == span['last_day'], labels, source)})"
        )
    today = _dt.date.today().toordinal() - 1 - engine.EPOCH_ORDINAL
    if refuse_future and span["last_day"] > today:
        future = nw.col("day") > today
        count = int(
            _collect(_lazy(lazy).filter(future).select(nw.len().alias("n")), source).iloc[0, 0]
        )
        raise DataError(
            f"column {columns.date!r} has {count} purchases after today ({_dt.date.today()}), the "
            f"latest on {day_to_timestamp(span['last_day']).date()}, and no observation_end was "
            "given, so every T would run to that day. If the dates are right (a simulated or "
            "future log), pass observation_end= explicitly; otherwise correct them (the first "
            f"found: {_example(lazy, future, labels, source)})"
        )
    # ``date`` stays for calendar periods (cohorts); lazy engines read it only when used.
    return (lazy if isinstance(lazy, _InMemory) else lazy.drop("amount")), span, labels


# --------------------------------------------------------------------------------------------
# The summaries
# --------------------------------------------------------------------------------------------


def _summary_integers(
    lazy, labels, cal_day: int, base_day: int, obs_day=None
) -> engine.CustomerIntegers:
    """The per-customer integers (:func:`crmstudy._engine.summary_frames`), indexed by id.

    A log held in memory (pandas input: integer codes, ``labels``) is summarised by
    :func:`crmstudy._engine.summary_arrays`, one numpy sort instead of two group-bys; every
    other engine runs the narwhals query. Both give the same integers.
    """
    if isinstance(lazy, _InMemory):
        arrays = lazy.arrays
        integers = engine.summary_arrays(
            arrays["customer_id"], arrays["day"], arrays["micros"], cal_day, base_day, obs_day
        )
        return engine.by_customer(integers, labels, lazy.order)
    return engine.by_customer(_collect(summary_frames(lazy, cal_day, base_day, obs_day)))


def _resolve_end(value, span: dict[str, int], name: str) -> int:
    if value is None:
        return span["last_day"]
    end = day_number(value, name)
    if span["last_day"] > end and name == "observation_end":
        raise DataError(
            f"the log has purchases after observation_end={day_to_timestamp(end).date()} (the "
            f"last is on {day_to_timestamp(span['last_day']).date()}); move observation_end or "
            "drop the later purchases"
        )
    return end


def rfm_summary(
    transactions,
    period: str = "W",
    observation_end: str | _dt.date | pd.Timestamp | None = None,
    calibration_end: str | _dt.date | pd.Timestamp | None = None,
    *,
    customer_column: str = "customer_id",
    date_column: str = "date",
    amount_column: str = "amount",
    date_format: str | None = None,
    **deprecated: str,
) -> pd.DataFrame:
    """The customer summary (frequency, recency, T, monetary value) of a transaction log.

    Follows Fader, Hardie & Lee (2005a), Marketing Science 24(2), section 2 (x, t_x, T) and
    Fader, Hardie & Lee (2005b), J. Marketing Research 42(4) (zbar).

    Parameters
    ----------
    transactions : log
        pandas DataFrame (default), polars DataFrame/LazyFrame, DuckDB relation, Dask DataFrame,
        or a path/glob of Parquet files (or a CSV path). See the module docstring.
    period : str
        Unit of ``recency`` and ``T``: ``"D"``, ``"W"``, ``"M"`` (or ``"Q"``, ``"Y"``); lengths
        from :data:`crmstudy.units.DAYS_PER_PERIOD` (a month is 30.436875 days).
    observation_end : date-like, optional
        Last day of observation (inclusive); default the last purchase day in the log. A purchase
        after it is an error.
    calibration_end : date-like, optional
        If given, only purchases up to and including this day are summarised and ``T`` ends
        here (a calibration summary; later purchases are ignored).
    customer_column, date_column, amount_column : str
        Column names in ``transactions``.
    date_format : str, optional
        A ``strftime`` format for date strings in a pandas log or CSV file (see
        :func:`validate_transactions`).

    Returns
    -------
    DataFrame indexed by ``customer_id`` (str, sorted) with ``frequency`` (int, repeat
    transactions = distinct purchase days - 1), ``recency`` (periods from first to last
    purchase day), ``T`` (periods from first purchase day to the end) and ``monetary_value``
    (mean value of the repeat transactions, same currency as ``amount``; 0 when frequency is 0).
    ``attrs``: ``period``, ``observation_end`` (ISO date of the end used).
    """
    check_period(period)
    columns = _columns(
        "rfm_summary", customer_column, date_column, amount_column, date_format, deprecated
    )
    lazy, span, labels = _prepare(transactions, columns, refuse_future=observation_end is None)
    obs_day = _resolve_end(observation_end, span, "observation_end")
    end_day = obs_day if calibration_end is None else day_number(calibration_end, "calibration_end")
    if end_day > obs_day:
        raise ParameterError(
            f"calibration_end={calibration_end!r} is after the observation end "
            f"{day_to_timestamp(obs_day).date()}"
        )
    if end_day < span["first_day"]:
        raise ParameterError(
            f"the end date {day_to_timestamp(end_day).date()} is before the first purchase "
            f"({day_to_timestamp(span['first_day']).date()}): nothing to summarise"
        )
    result = _summary_integers(lazy, labels, end_day, span["first_day"])
    out = engine.summary_columns(result, DAYS_PER_PERIOD[period], columns.amount)
    out.attrs.update(period=period, observation_end=str(day_to_timestamp(end_day).date()))
    return out


def calibration_holdout(
    transactions,
    calibration_end: str | _dt.date | pd.Timestamp,
    observation_end: str | _dt.date | pd.Timestamp | None = None,
    period: str = "W",
    *,
    customer_column: str = "customer_id",
    date_column: str = "date",
    amount_column: str = "amount",
    date_format: str | None = None,
    **deprecated: str,
) -> pd.DataFrame:
    """Calibration summary plus the number and value of each customer's holdout transactions.

    The split of Fader, Hardie & Lee (2005a), section 4: the model is fitted on purchases up to
    and including ``calibration_end`` and judged on (``calibration_end``, ``observation_end``].

    Parameters
    ----------
    transactions : log
        Any engine accepted by :func:`rfm_summary`.
    calibration_end : date-like
        Last day of the calibration period (inclusive).
    observation_end : date-like, optional
        Last day of the holdout period (inclusive); default the last purchase day in the log.
    period : str
        Unit of ``recency``, ``T`` and ``attrs["holdout_duration"]`` (see :func:`rfm_summary`).

    Returns
    -------
    DataFrame indexed by ``customer_id`` (customers whose first purchase is in the calibration
    period) with ``frequency``, ``recency``, ``T``, ``monetary_value`` (calibration, as in
    :func:`rfm_summary`), ``frequency_holdout`` (int, transactions - distinct purchase days - in
    the holdout period) and ``amount_holdout`` (their total value, currency of ``amount``).
    ``attrs``: ``period``, ``calibration_end``, ``observation_end`` (ISO dates) and
    ``holdout_duration`` (length of the holdout, in ``period``).
    """

    check_period(period)
    if calibration_end is None:
        raise ParameterError("calibration_end is required, e.g. calibration_end='1997-09-30'")
    columns = _columns(
        "calibration_holdout", customer_column, date_column, amount_column, date_format, deprecated
    )
    lazy, span, labels = _prepare(transactions, columns, refuse_future=observation_end is None)
    obs_day = _resolve_end(observation_end, span, "observation_end")
    cal_day = day_number(calibration_end, "calibration_end")
    if not span["first_day"] <= cal_day < obs_day:
        raise ParameterError(
            f"calibration_end={day_to_timestamp(cal_day).date()} must be on or after the first "
            f"purchase ({day_to_timestamp(span['first_day']).date()}) and before the "
            f"observation end ({day_to_timestamp(obs_day).date()})"
        )
    days = DAYS_PER_PERIOD[period]
    joined = _summary_integers(lazy, labels, cal_day, span["first_day"], obs_day)
    out = engine.summary_columns(joined, days, columns.amount)
    out["frequency_holdout"] = joined["frequency_holdout"].astype("int64")
    out["amount_holdout"] = joined["holdout_micros"].astype("int64") / MICROS
    out.attrs.update(
        period=period,
        calibration_end=str(day_to_timestamp(cal_day).date()),
        observation_end=str(day_to_timestamp(obs_day).date()),
        holdout_duration=(obs_day - cal_day) / days,
    )
    return out


def cohort_table(
    transactions,
    period: str = "M",
    *,
    customer_column: str = "customer_id",
    date_column: str = "date",
    amount_column: str = "amount",
    date_format: str | None = None,
    **deprecated: str,
) -> pd.DataFrame:
    """Share of each acquisition cohort that buys in each later calendar period.

    Parameters
    ----------
    transactions : log
        Any engine accepted by :func:`rfm_summary`.
    period : str
        Calendar period of cohorts and ages: ``"D"`` (days), ``"W"`` (weeks starting Monday),
        ``"M"`` (calendar months), ``"Q"``, ``"Y"``.

    Returns
    -------
    Tidy DataFrame, one row per cohort and age, sorted by cohort then age, with ``cohort``
    (str label of the first-purchase period: ``"1997-01"`` for months, the Monday
    ``"1997-01-06"`` for weeks, ``"1997-01-01"`` for days, ``"1997Q1"``, ``"1997"``), ``age``
    (int, periods since the acquisition period, 0 up to the last period in the log),
    ``cohort_size`` (customers acquired in that period), ``active`` (customers of the cohort who
    buy in that period; ``active == cohort_size`` at age 0) and ``share`` (active /
    cohort_size). ``attrs["period"]``.
    """
    import narwhals as nw

    check_period(period)
    columns = _columns(
        "cohort_table", customer_column, date_column, amount_column, date_format, deprecated
    )
    log, span, labels = _prepare(transactions, columns)
    lazy = _lazy(log)
    activity = (
        lazy.with_columns(period_expr(nw, period).alias("p"))
        .group_by("customer_id", "p")
        .agg(nw.len().alias("n"))
        .select("customer_id", "p")
    )
    first = activity.group_by("customer_id").agg(nw.col("p").min().alias("cohort"))
    counts = (
        activity.join(first, on="customer_id")
        .with_columns((nw.col("p") - nw.col("cohort")).alias("age"))
        .group_by("cohort", "age")
        .agg(nw.len().alias("active"))
    )
    sizes = first.group_by("cohort").agg(nw.len().alias("cohort_size"))
    counts_pd = _collect(counts).astype("int64")
    sizes_pd = _collect(sizes).astype("int64").sort_values("cohort")
    last_period = period_index(day_to_timestamp(span["last_day"]), period)
    # A full grid of ages 0..(last period - cohort): periods without a purchase show share 0.
    cohorts = sizes_pd["cohort"].to_numpy()
    n_ages = last_period - cohorts + 1
    grid = pd.DataFrame(
        {
            "cohort": np.repeat(cohorts, n_ages),
            "age": np.concatenate([np.arange(k) for k in n_ages]),
        }
    )
    table = grid.merge(sizes_pd, on="cohort").merge(counts_pd, on=["cohort", "age"], how="left")
    table["active"] = table["active"].fillna(0).astype("int64")
    table["share"] = table["active"] / table["cohort_size"]
    table["cohort"] = [period_label(int(c), period) for c in table["cohort"]]
    table = table[["cohort", "age", "cohort_size", "active", "share"]].reset_index(drop=True)
    table.attrs.update(period=period)
    return table


def purchase_counts(
    transactions,
    period: str = "W",
    *,
    customer_column: str = "customer_id",
    date_column: str = "date",
    amount_column: str = "amount",
    date_format: str | None = None,
    **deprecated: str,
) -> pd.DataFrame:
    """Transactions, buyers and revenue in each calendar period of a log.

    Parameters
    ----------
    transactions : log
        Any engine accepted by :func:`rfm_summary`.
    period : str
        Calendar period: ``"D"``, ``"W"`` (weeks starting Monday), ``"M"``, ``"Q"``, ``"Y"``.

    Returns
    -------
    DataFrame, one row per period from the first to the last purchase (periods without a
    purchase included, with zeros), columns ``period_start`` (datetime64, first day of the
    period), ``transactions`` (int, distinct customer-days: same-day purchases are one
    transaction, as in Fader, Hardie & Lee 2005a), ``customers`` (int, distinct buyers) and
    ``amount`` (float, total value, currency of the log). ``attrs["period"]``.
    """
    import narwhals as nw

    check_period(period)
    columns = _columns(
        "purchase_counts", customer_column, date_column, amount_column, date_format, deprecated
    )
    log, span, labels = _prepare(transactions, columns)
    lazy = _lazy(log)
    daily = customer_days(lazy.with_columns(period_expr(nw, period).alias("p")), extra=["p"])
    per_period = _collect(
        daily.group_by("p").agg(
            nw.len().alias("transactions"),
            nw.col("customer_id").n_unique().alias("customers"),
            nw.col("micros").sum().alias("micros"),
        )
    )
    first = period_index(day_to_timestamp(span["first_day"]), period)
    last = period_index(day_to_timestamp(span["last_day"]), period)
    grid = pd.DataFrame({"p": np.arange(first, last + 1, dtype="int64")})
    per_period["p"] = per_period["p"].astype("int64")
    table = grid.merge(per_period, on="p", how="left").fillna(0)
    out = pd.DataFrame(
        {
            "period_start": pd.to_datetime([period_start(int(i), period) for i in table["p"]]),
            "transactions": table["transactions"].astype("int64").to_numpy(),
            "customers": table["customers"].astype("int64").to_numpy(),
            "amount": table["micros"].to_numpy().astype("int64") / MICROS,
        }
    )
    out.attrs.update(period=period)
    return out

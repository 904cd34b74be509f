"""Transaction logs: validation, the RFM customer summary, calibration/holdout splits, cohorts.

A transaction log has one row per purchase record, with columns ``customer_id``, ``date`` and
``amount`` (plus ``quantity`` where known). Everything here follows the conventions of Fader,
Hardie & Lee (2005a), "Counting your customers the easy way", Marketing Science 24(2), 275-284:

- purchases by one customer on the same calendar day are **one transaction** (their amounts
  are summed), so ``frequency`` counts repeat purchase *days*;
- time is measured in whole days and expressed in a *period* (``"D"``, ``"W"``, ``"M"``, ...,
  see :mod:`crmstudy.units`); the unit travels with the result in ``DataFrame.attrs["period"]``.

The CDNOW sample summarised at the 39-week calibration ending 1997-09-30 reproduces Hardie's own
summary (``crmstudy.datasets.load_cdnow_summary``) for all 2,357 customers: purchases *on* the
calibration end date belong to the calibration period, and ``T`` runs from the first purchase
day to the calibration end date.

Engines
-------
``rfm_summary``, ``calibration_holdout``, ``cohort_table`` and ``purchase_counts`` accept a pandas
DataFrame, a polars DataFrame or LazyFrame, a DuckDB relation, a path or glob of Parquet files
(read out of core by DuckDB), a CSV path, or a Dask DataFrame. The logic is written once, as
narwhals expressions (:func:`_summary_frames` and friends), and runs on whichever engine holds
the data: one pass to check the log, then two group-bys (customer-day, then customer) and no
join. Only the result (one row per customer, or per cohort and age) is collected, into pandas. Dates enter the computation as integer day numbers
built from ``year`` and ``ordinal_day``, the date parts every engine supports, so no engine's own
date arithmetic (time zones, units, resolutions) can make the engines disagree. Amounts are
summed as integer millionths of the currency unit and divided once, in numpy, after collection,
so every engine returns a bit-identical frame whatever the order in which it adds.

Spark is not supported or tested: narwhals has a PySpark backend, so the same code may run there,
but no test covers it. Logs that outgrow one machine should go through Dask (or be written to
Parquet and read out of core by DuckDB).
"""

from __future__ import annotations

import datetime as _dt
import os
import warnings
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

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

# Day 0 is 1970-01-01; 719,163 days separate it from 0001-01-01 in the proleptic Gregorian
# calendar (``datetime.date(1970, 1, 1).toordinal() - 1``).
_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal() - 1


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


def _first_bad(series: pd.Series, bad: pd.Series) -> tuple[int, Any, Any]:
    """Count of bad rows, the index label of the first one, and its value."""
    position = int(np.flatnonzero(bad.to_numpy())[0])
    value = series.iloc[position]
    if isinstance(value, np.generic):
        value = value.item()  # show -4.0, not np.float64(-4.0)
    label = series.index[position]
    if isinstance(label, np.generic):
        label = label.item()
    return int(bad.sum()), label, value


def _parse_dates(values: pd.Series, column: str, date_format: str | None = None) -> pd.Series:
    """Parse a date column to timezone-naive datetime64, or raise DataError naming the bad row."""
    missing = values.isna()
    if missing.any():
        n, row, _ = _first_bad(values, missing)
        raise DataError(
            f"column {column!r} has {n} missing dates, first at row {row!r}; every purchase "
            "needs a date"
        )
    if isinstance(values.dtype, pd.DatetimeTZDtype):
        # Keep the local calendar day: a purchase at 23:30 local time belongs to that day.
        return values.dt.tz_localize(None)
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    if date_format is not None:
        text = values.astype(str)
        try:
            parsed = pd.to_datetime(text, format=date_format, errors="coerce")
        except (ValueError, TypeError) as err:
            raise ParameterError(
                f"date_format={date_format!r} is not a usable format: {err}"
            ) from None
        bad = parsed.isna()
        if bad.any():
            n, row, value = _first_bad(values, bad)
            raise DataError(
                f"column {column!r} has {n} values that do not match date_format="
                f"{date_format!r}, first at row {row!r}: {value!r}"
            )
    elif pd.api.types.is_integer_dtype(values):
        # Integer dates are read as yyyymmdd (the CDNOW convention), never as epoch offsets.
        parsed = pd.to_datetime(
            values.astype("int64").astype(str), format="%Y%m%d", errors="coerce"
        )
    else:
        text = values.astype(str)
        try:
            parsed = pd.to_datetime(text, errors="coerce")
        except (ValueError, TypeError):
            parsed = pd.Series(pd.NaT, index=values.index, dtype="datetime64[ns]")
        if parsed.isna().any():
            # The first value fixes the inferred format; a log mixing formats gets a second try.
            parsed = pd.to_datetime(text, format="mixed", errors="coerce")
    bad = parsed.isna()
    if bad.any():
        n, row, value = _first_bad(values, bad)
        raise DataError(
            f"column {column!r} has {n} values that are not dates, first at row {row!r}: "
            f"{value!r}. Write dates as YYYY-MM-DD (or pass a datetime column)."
        )
    if isinstance(parsed.dtype, pd.DatetimeTZDtype):
        parsed = parsed.dt.tz_localize(None)
    return parsed


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
        Amounts are in the log's currency; dates may be datetimes, strings (ISO ``YYYY-MM-DD``
        and most other unambiguous formats) or ``yyyymmdd`` integers.
    date_format : str, optional
        A ``strftime`` format (e.g. ``"%d/%m/%Y"``) for every date string in the column; default
        (None or ``""``) is to infer it.
    observation_end : date-like, optional
        Last day of observation. A purchase dated after it is an error.

    Returns
    -------
    DataFrame with ``customer_id`` (str), ``date`` (timezone-naive datetime64), ``amount``
    (float64, >= 0) and every other column of ``df`` unchanged; ``attrs`` are kept.

    Raises
    ------
    DataError
        Naming the column, the first bad row (index label) and its value, for: a missing column,
        an empty log, a missing customer id, a missing or unparseable date, a missing,
        non-numeric or negative amount (refunds: see the message), a date after
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
    return _validate(df, columns, observation_end)


def _validate(df, columns: _Columns, observation_end=None) -> pd.DataFrame:
    """:func:`validate_transactions` with the column names resolved."""
    customer, date, amount = columns.customer, columns.date, columns.amount
    if not isinstance(df, pd.DataFrame):
        raise DataError(
            f"validate_transactions expects a pandas DataFrame, got {type(df).__name__}; "
            "rfm_summary and friends accept other engines directly"
        )
    wanted = {"customer": customer, "date": date, "amount": amount}
    missing = [name for name in wanted.values() if name not in df.columns]
    if missing:
        raise DataError(
            f"the transaction log has no column {', '.join(repr(m) for m in missing)}; its columns "
            f"are {list(map(str, df.columns))}. Name yours with customer_column=..., date_column=..., "
            "amount_column=..."
        )
    if len(df) == 0:
        raise DataError("the transaction log is empty: it has no rows to summarise")

    ids = df[customer]
    null_ids = ids.isna()
    if null_ids.any():
        n, row, value = _first_bad(ids, null_ids)
        raise DataError(
            f"column {customer!r} has {n} missing customer ids, first at row {row!r}: {value!r}"
        )
    if pd.api.types.is_float_dtype(ids) and bool((ids == np.floor(ids)).all()):
        # Ids read as floats (e.g. a CSV column with blanks elsewhere): 17.0 is customer "17".
        ids = ids.astype("int64")
    ids = ids.astype(str)

    dates = _parse_dates(df[date], date, columns.date_format)

    raw_amount = df[amount]
    values = pd.to_numeric(raw_amount, errors="coerce").astype("float64")
    not_numeric = values.isna() & raw_amount.notna()
    if not_numeric.any():
        n, row, value = _first_bad(raw_amount, not_numeric)
        raise DataError(
            f"column {amount!r} has {n} values that are not numbers, first at row {row!r}: "
            f"{value!r}"
        )
    nan_amount = values.isna()
    if nan_amount.any():
        n, row, value = _first_bad(raw_amount, nan_amount)
        raise DataError(
            f"column {amount!r} has {n} missing amounts (NaN), first at row {row!r}: {value!r}. "
            "Fill in the purchase value or drop the row."
        )
    negative = values < 0
    if negative.any():
        n, row, value = _first_bad(raw_amount, negative)
        raise DataError(
            f"column {amount!r} has {n} negative amounts, first at row {row!r}: {value!r}. "
            + _REFUND_HINT
        )

    if observation_end is not None:
        end = _to_timestamp(observation_end, "observation_end")
        late = dates.dt.normalize() > end
        if late.any():
            n, row, value = _first_bad(df[date], late)
            raise DataError(
                f"column {date!r} has {n} dates after observation_end={end.date()}, first at row "
                f"{row!r}: {value!r}. Move observation_end or drop the later purchases."
            )

    out = df.drop(columns=list(wanted.values())).copy()
    out.insert(0, "customer_id", ids.to_numpy())
    out.insert(1, "date", dates.to_numpy())
    out.insert(2, "amount", values.to_numpy())
    out.attrs = dict(df.attrs)
    return out


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
        separated) or ``.parquet`` / ``.pq`` file.
    customer_column, date_column, amount_column : str
        The names of the customer id, date and amount columns in the file.
    date_format : str, optional
        A ``strftime`` format for the date strings (see :func:`validate_transactions`).
    observation_end : date-like, optional
        Last day of observation (see :func:`validate_transactions`).

    Returns
    -------
    The validated log (see :func:`validate_transactions`), with ``attrs["source"]`` the file name.
    """
    columns = _columns(
        "read_transactions", customer_column, date_column, amount_column, date_format, deprecated
    )
    return _read_file(path, columns, observation_end)


def _read_file(path, columns: _Columns, observation_end=None) -> pd.DataFrame:
    """:func:`read_transactions` with the column names resolved."""
    customer = columns.customer
    file = Path(path)
    if not file.is_file():
        raise DataError(f"no transaction log at {file}")
    suffixes = [s.lower() for s in file.suffixes]
    if suffixes and suffixes[-1] in {".parquet", ".pq"}:
        frame = pd.read_parquet(file)
    elif any(s in {".csv", ".txt", ".tsv"} for s in suffixes):
        sep = "\t" if ".tsv" in suffixes else ","
        # Ids are read as text so that "00017" keeps its leading zeros.
        frame = pd.read_csv(file, sep=sep, dtype={customer: str})
    else:
        raise ParameterError(
            f"read_transactions reads .csv, .tsv, .txt and .parquet files, got {file.name!r}"
        )
    out = _validate(frame, columns, observation_end)
    out.attrs["source"] = file.name
    return out


def _to_timestamp(value, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise ParameterError(f"{name}={value!r} is not a date; pass e.g. '1997-09-30'")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def _day_number(value, name: str) -> int:
    """Days since 1970-01-01 of a date-like parameter."""
    return _to_timestamp(value, name).date().toordinal() - 1 - _EPOCH_ORDINAL


def _day_to_timestamp(day: int) -> pd.Timestamp:
    return pd.Timestamp(_dt.date.fromordinal(int(day) + 1 + _EPOCH_ORDINAL))


# --------------------------------------------------------------------------------------------
# Engine-neutral core (narwhals)
# --------------------------------------------------------------------------------------------


def _floor_div(nw, expr, k: int):
    """``floor(expr / k)`` as an integer.

    Written as a float division and ``floor`` because narwhals' ``//`` becomes a long CASE
    expression on DuckDB that made the whole summary several times slower; the values here
    (years, day numbers) are small enough for a float to hold exactly.
    """
    return (expr / k).floor().cast(nw.Int64)


def _day_expr(nw, column: str):
    """Integer days since 1970-01-01 of a date/datetime column, from year and day of year.

    Days before 1 January of year y (proleptic Gregorian): 365(y-1) + (y-1)//4 - (y-1)//100
    + (y-1)//400. Only arithmetic on two date parts every engine supports.
    """
    col = nw.col(column)
    y = col.dt.year().cast(nw.Int64) - 1
    leap_days = _floor_div(nw, y, 4) - _floor_div(nw, y, 100) + _floor_div(nw, y, 400)
    return y * 365 + leap_days + col.dt.ordinal_day().cast(nw.Int64) - 1 - _EPOCH_ORDINAL


def _period_expr(nw, period: str):
    """Integer index of the calendar period containing ``date`` (for cohorts).

    D: days since 1970-01-01; W: weeks starting on Monday (1970-01-01 was a Thursday, hence the
    +3); M: 12 * year + month - 1; Q: 4 * year + quarter - 1; Y: the year.
    """
    col = nw.col("date")
    year = col.dt.year().cast(nw.Int64)
    month = col.dt.month().cast(nw.Int64)
    if period == "D":
        return _day_expr(nw, "date")
    if period == "W":
        return _floor_div(nw, _day_expr(nw, "date") + 3, 7)
    if period == "M":
        return year * 12 + month - 1
    if period == "Q":
        return year * 4 + _floor_div(nw, month - 1, 3)
    return year


def _period_index(stamp: pd.Timestamp, period: str) -> int:
    """The integer of :func:`_period_expr` for one date, in Python."""
    day = stamp.date().toordinal() - 1 - _EPOCH_ORDINAL
    return {
        "D": day,
        "W": (day + 3) // 7,
        "M": stamp.year * 12 + stamp.month - 1,
        "Q": stamp.year * 4 + (stamp.month - 1) // 3,
        "Y": stamp.year,
    }[period]


def _period_start(index: int, period: str) -> pd.Timestamp:
    """First day of the calendar period with integer index ``index`` (see :func:`_period_expr`)."""
    if period == "D":
        return _day_to_timestamp(index)
    if period == "W":
        return _day_to_timestamp(index * 7 - 3)  # the week's Monday
    if period == "M":
        return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)
    if period == "Q":
        return pd.Timestamp(year=index // 4, month=3 * (index % 4) + 1, day=1)
    return pd.Timestamp(year=index, month=1, day=1)


def _period_label(index: int, period: str) -> str:
    if period == "D":
        return _day_to_timestamp(index).strftime("%Y-%m-%d")
    if period == "W":
        return _day_to_timestamp(index * 7 - 3).strftime("%Y-%m-%d")  # the week's Monday
    if period == "M":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if period == "Q":
        return f"{index // 4:04d}Q{index % 4 + 1}"
    return f"{index:04d}"


def _as_lazy(transactions, columns: _Columns):
    """Wrap any supported log as a narwhals LazyFrame with ``customer_id``, ``date``, ``amount``.

    Returns ``(lazy_frame, labels)``. pandas logs are validated in full first, and their ids
    replaced by integer codes (pandas groups and joins on integers several times faster than on
    strings); ``labels`` maps the codes back. The other engines keep their ids (``labels`` is
    None) and are checked by :func:`_check_lazy` in one aggregation pass.
    """
    import narwhals as nw

    customer, date, amount = columns.customer, columns.date, columns.amount
    if isinstance(transactions, str | os.PathLike):
        text = os.fspath(transactions)
        lowered = text.lower()
        if lowered.endswith((".csv", ".csv.gz", ".txt", ".tsv")):
            transactions = _read_file(text, columns)
            columns = _Columns("customer_id", "date", "amount", None)
            customer, date, amount = columns[:3]
        else:
            import duckdb

            if not any(ch in text for ch in "*?[") and not Path(text).exists():
                raise DataError(f"no Parquet file or directory at {text}")
            source = text
            if Path(text).is_dir():
                source = str(Path(text) / "**" / "*.parquet")
            # DuckDB streams the files: the log itself is never loaded into memory.
            transactions = duckdb.read_parquet(source, hive_partitioning=False)
    if isinstance(transactions, pd.DataFrame):
        clean = _validate(transactions, columns)
        codes, labels = pd.factorize(clean["customer_id"])
        frame = pd.DataFrame(
            {"customer_id": codes, "date": clean["date"].to_numpy(), "amount": clean["amount"]}
        )
        return nw.from_native(frame, eager_only=True).lazy(), labels
    try:
        native = nw.from_native(transactions)
    except TypeError:
        raise DataError(
            f"cannot summarise a {type(transactions).__name__}: pass a pandas or polars "
            "DataFrame, a polars LazyFrame, a DuckDB relation, a Dask DataFrame, or a path to "
            "Parquet/CSV files"
        ) from None
    lazy = native.lazy() if isinstance(native, nw.DataFrame) else native
    names = lazy.collect_schema().names()
    missing = [c for c in (customer, date, amount) if c not in names]
    if missing:
        raise DataError(
            f"the transaction log has no column {', '.join(repr(m) for m in missing)}; its "
            f"columns are {names}. Name yours with customer_column=..., date_column=..., "
            "amount_column=..."
        )
    schema = lazy.collect_schema()
    if not isinstance(schema[date], nw.Date | nw.Datetime):
        raise DataError(
            f"column {date!r} has type {schema[date]}, not a date: parse it to a date/datetime "
            "type in your engine first (or read a CSV with read_transactions)"
        )
    if not schema[amount].is_numeric():
        raise DataError(f"column {amount!r} has type {schema[amount]}, not a number")
    lazy = lazy.select(
        nw.col(customer).cast(nw.String).alias("customer_id"),
        nw.col(date).alias("date"),
        nw.col(amount).cast(nw.Float64).alias("amount"),
    )
    return lazy, None


def _collect(lazy) -> pd.DataFrame:
    return lazy.collect(backend="pandas").to_native()


def _check_lazy(lazy, columns: _Columns) -> dict[str, int]:
    """One pass over a non-pandas log: nulls, negative amounts, first and last day, rows."""
    import narwhals as nw

    customer, date, amount = columns.customer, columns.date, columns.amount
    stats = _collect(
        lazy.select(
            nw.len().alias("rows"),
            nw.col("customer_id").is_null().sum().alias("null_ids"),
            nw.col("date").is_null().sum().alias("null_dates"),
            nw.col("amount").is_null().sum().alias("null_amounts"),
            (nw.col("amount") < 0).sum().alias("negative"),
            nw.col("amount").min().alias("min_amount"),
            nw.col("day").min().alias("first_day"),
            nw.col("day").max().alias("last_day"),
        )
    ).iloc[0]
    if int(stats["rows"]) == 0:
        raise DataError("the transaction log is empty: it has no rows to summarise")
    problems = [
        ("null_ids", customer, "missing customer ids"),
        ("null_dates", date, "missing dates"),
        ("null_amounts", amount, "missing amounts (NaN/null)"),
    ]
    for key, column, what in problems:
        if int(stats[key]):
            raise DataError(f"column {column!r} has {int(stats[key])} {what}")
    if int(stats["negative"]):
        raise DataError(
            f"column {amount!r} has {int(stats['negative'])} negative amounts (the smallest is "
            f"{float(stats['min_amount'])}). " + _REFUND_HINT
        )
    return {"first_day": int(stats["first_day"]), "last_day": int(stats["last_day"])}


#: Amounts are summed as whole millionths of the currency unit (int64), so that every engine
#: adds exactly and returns bit-identical results whatever its summation order. Resolution
#: 1e-6 currency units; per-customer totals up to 9.2e12 currency units.
_MICROS = 1_000_000


def _prepare(transactions, columns: _Columns) -> tuple[Any, dict[str, int], Any]:
    """The log as a lazy frame of ``customer_id``, ``day``, ``date``, ``micros``, + day range."""
    import narwhals as nw

    lazy, labels = _as_lazy(transactions, columns)
    lazy = lazy.select(
        "customer_id",
        _day_expr(nw, "date").alias("day"),
        "date",
        "amount",
        # Round half up to the nearest micro-unit; floor + cast is exact on every engine.
        (nw.col("amount") * _MICROS + 0.5).floor().cast(nw.Int64).alias("micros"),
    )
    if labels is not None:
        native = lazy.collect().to_native()
        span = {"first_day": int(native["day"].min()), "last_day": int(native["day"].max())}
    else:
        span = _check_lazy(lazy, columns)
    if span["last_day"] - span["first_day"] >= _MAX_SPAN_DAYS:
        raise DataError(
            f"the log runs from {_day_to_timestamp(span['first_day']).date()} to "
            f"{_day_to_timestamp(span['last_day']).date()}, more than 358 years: look for a "
            "mistyped year"
        )
    # ``date`` stays for calendar periods (cohorts); lazy engines read it only when used.
    return lazy.drop("amount"), span, labels


def _daily(lazy, last_day: int | None = None, extra=()):
    """One row per customer and purchase day: same-day purchases are one transaction.

    ``extra`` names columns constant within a day (e.g. the calendar period) to keep.
    """
    import narwhals as nw

    if last_day is not None:
        lazy = lazy.filter(nw.col("day") <= last_day)
    return lazy.group_by("customer_id", "day", *extra).agg(nw.col("micros").sum())


#: The first day's value is found without a join (a join costs a second pass over the daily
#: table, and a shuffle on Dask): each customer-day is packed into one int64,
#: ``(day - first day of the log) * 2**_SHIFT + micros``, whose minimum over a customer's days
#: is the first day together with its value. Limits: 2**45 micros (35 million currency units)
#: per customer and day, and 2**17 days (358 years) from the first to the last purchase.
_SHIFT = 45
_MAX_SPAN_DAYS = 2**17
#: Larger than any packed value or day number: "no calibration purchase".
_NEVER = 2**62


def _summary_frames(lazy, cal_day: int, base_day: int, obs_day: int | None = None):
    """Per-customer integers of the RFM summary, in one pass. Written once for every engine.

    Fader, Hardie & Lee (2005a): x = repeat transactions (distinct purchase days - 1), t_x = last
    minus first purchase day, T = ``cal_day`` minus first purchase day, all over the days up to
    ``cal_day``. The value of the repeat transactions is the total minus the first day's value.
    ``base_day`` is the first day of the log. With ``obs_day``, also the transactions
    (``frequency_holdout``) and value (``holdout_micros``) in (cal_day, obs_day], from the same
    group-by (no join); customers whose first purchase is after ``cal_day`` are dropped.
    Columns: ``frequency``, ``recency_days``, ``T_days``, ``repeat_micros``, ``largest_micros``
    (checked by :func:`_summary_columns`) [, ``frequency_holdout``, ``holdout_micros``].
    """
    import narwhals as nw

    end = cal_day if obs_day is None else obs_day
    in_cal = nw.col("day") <= cal_day
    # Columns that hold a neutral value outside the calibration period, so that plain min / max
    # / sum aggregations (fast on every engine) give the calibration statistics. Neutral values
    # rather than nulls: a null turns an int64 column into float64 on pandas and Dask, and the
    # packed values need all 63 bits.
    daily = _daily(lazy, last_day=end).with_columns(
        nw.when(in_cal).then(nw.col("day")).otherwise(_NEVER).alias("cal_first"),
        nw.when(in_cal).then(nw.col("day")).otherwise(-1).alias("cal_last"),
        nw.when(in_cal).then(nw.col("micros")).otherwise(0).alias("cal_micros"),
        nw.when(in_cal)
        .then((nw.col("day") - base_day) * 2**_SHIFT + nw.col("micros"))
        .otherwise(_NEVER)
        .alias("packed"),
        in_cal.cast(nw.Int64).alias("cal_days"),
    )
    aggregations = [
        nw.col("cal_first").min().alias("first"),
        nw.col("cal_last").max().alias("last"),
        nw.col("cal_days").sum().alias("days"),
        nw.col("cal_micros").sum().alias("total"),
        nw.col("packed").min().alias("first_packed"),
        nw.col("cal_micros").max().alias("largest_micros"),
    ]
    if obs_day is not None:
        aggregations += [
            nw.len().alias("all_days"),
            nw.col("micros").sum().alias("all_micros"),
        ]
    per = daily.group_by("customer_id").agg(*aggregations)
    if obs_day is not None:
        per = per.filter(nw.col("first") < _NEVER)  # drop customers acquired in the holdout
    first_micros = nw.col("first_packed") - (nw.col("first") - base_day) * 2**_SHIFT
    columns = [
        "customer_id",
        (nw.col("days") - 1).cast(nw.Int64).alias("frequency"),
        (nw.col("last") - nw.col("first")).cast(nw.Int64).alias("recency_days"),
        (nw.lit(cal_day) - nw.col("first")).cast(nw.Int64).alias("T_days"),
        (nw.col("total") - first_micros).cast(nw.Int64).alias("repeat_micros"),
        nw.col("largest_micros").cast(nw.Int64),
    ]
    if obs_day is not None:
        columns += [
            (nw.col("all_days") - nw.col("days")).cast(nw.Int64).alias("frequency_holdout"),
            (nw.col("all_micros") - nw.col("total")).cast(nw.Int64).alias("holdout_micros"),
        ]
    return per.select(*columns)


def _by_customer(frame: pd.DataFrame, labels=None) -> pd.DataFrame:
    """Index a collected frame by ``customer_id`` (str), sorted, whatever engine produced it.

    ``labels`` maps integer codes back to the ids (pandas input, see :func:`_as_lazy`).
    """
    ids = frame["customer_id"]
    ids = labels.take(ids.to_numpy()) if labels is not None else ids
    frame = frame.assign(customer_id=pd.Index(ids).astype(str))
    return frame.set_index("customer_id").sort_index()


def _summary_columns(frame: pd.DataFrame, days_per_period: float) -> pd.DataFrame:
    """The integers of :func:`_summary_frames` (indexed by customer) -> the summary columns.

    Divisions happen here, once, in numpy, so every engine returns bit-identical floats.
    """
    largest = int(frame["largest_micros"].max()) if len(frame) else 0
    if largest >= 2**_SHIFT:
        raise DataError(
            f"a customer spent {largest / _MICROS:,.0f} in one day, more than crmstudy's exact "
            f"integer sums hold ({2**_SHIFT / _MICROS:,.0f} per customer and day); express "
            "amounts in a larger unit (e.g. thousands) and scale monetary_value back"
        )
    frequency = frame["frequency"].to_numpy().astype("int64")
    repeat_value = frame["repeat_micros"].to_numpy().astype("int64") / _MICROS
    out = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": frame["recency_days"].to_numpy().astype("int64") / days_per_period,
            "T": frame["T_days"].to_numpy().astype("int64") / days_per_period,
            # zbar is 0 without a repeat transaction, as in Hardie's CDNOW summary.
            "monetary_value": np.divide(
                repeat_value,
                frequency,
                out=np.zeros(len(frame)),
                where=frequency > 0,
            ),
        },
        index=frame.index,
    )
    return out


def _resolve_end(value, span: dict[str, int], name: str) -> int:
    if value is None:
        return span["last_day"]
    end = _day_number(value, name)
    if span["last_day"] > end and name == "observation_end":
        raise DataError(
            f"the log has purchases after observation_end={_day_to_timestamp(end).date()} (the "
            f"last is on {_day_to_timestamp(span['last_day']).date()}); move observation_end or "
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
    lazy, span, labels = _prepare(transactions, columns)
    obs_day = _resolve_end(observation_end, span, "observation_end")
    end_day = (
        obs_day if calibration_end is None else _day_number(calibration_end, "calibration_end")
    )
    if end_day > obs_day:
        raise ParameterError(
            f"calibration_end={calibration_end!r} is after the observation end "
            f"{_day_to_timestamp(obs_day).date()}"
        )
    if end_day < span["first_day"]:
        raise ParameterError(
            f"the end date {_day_to_timestamp(end_day).date()} is before the first purchase "
            f"({_day_to_timestamp(span['first_day']).date()}): nothing to summarise"
        )
    result = _by_customer(_collect(_summary_frames(lazy, end_day, span["first_day"])), labels)
    out = _summary_columns(result, DAYS_PER_PERIOD[period])
    out.attrs.update(period=period, observation_end=str(_day_to_timestamp(end_day).date()))
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
    lazy, span, labels = _prepare(transactions, columns)
    obs_day = _resolve_end(observation_end, span, "observation_end")
    cal_day = _day_number(calibration_end, "calibration_end")
    if not span["first_day"] <= cal_day < obs_day:
        raise ParameterError(
            f"calibration_end={_day_to_timestamp(cal_day).date()} must be on or after the first "
            f"purchase ({_day_to_timestamp(span['first_day']).date()}) and before the "
            f"observation end ({_day_to_timestamp(obs_day).date()})"
        )
    days = DAYS_PER_PERIOD[period]
    joined = _by_customer(
        _collect(_summary_frames(lazy, cal_day, span["first_day"], obs_day)), labels
    )
    out = _summary_columns(joined, days)
    out["frequency_holdout"] = joined["frequency_holdout"].to_numpy().astype("int64")
    out["amount_holdout"] = joined["holdout_micros"].to_numpy().astype("int64") / _MICROS
    out.attrs.update(
        period=period,
        calibration_end=str(_day_to_timestamp(cal_day).date()),
        observation_end=str(_day_to_timestamp(obs_day).date()),
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
    lazy, span, labels = _prepare(transactions, columns)
    activity = (
        lazy.with_columns(_period_expr(nw, period).alias("p"))
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
    last_period = _period_index(_day_to_timestamp(span["last_day"]), period)
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
    table["cohort"] = [_period_label(int(c), period) for c in table["cohort"]]
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
    lazy, span, labels = _prepare(transactions, columns)
    daily = _daily(lazy.with_columns(_period_expr(nw, period).alias("p")), extra=["p"])
    per_period = _collect(
        daily.group_by("p").agg(
            nw.len().alias("transactions"),
            nw.col("customer_id").n_unique().alias("customers"),
            nw.col("micros").sum().alias("micros"),
        )
    )
    first = _period_index(_day_to_timestamp(span["first_day"]), period)
    last = _period_index(_day_to_timestamp(span["last_day"]), period)
    grid = pd.DataFrame({"p": np.arange(first, last + 1, dtype="int64")})
    per_period["p"] = per_period["p"].astype("int64")
    table = grid.merge(per_period, on="p", how="left").fillna(0)
    out = pd.DataFrame(
        {
            "period_start": pd.to_datetime([_period_start(int(i), period) for i in table["p"]]),
            "transactions": table["transactions"].astype("int64").to_numpy(),
            "customers": table["customers"].astype("int64").to_numpy(),
            "amount": table["micros"].to_numpy().astype("int64") / _MICROS,
        }
    )
    out.attrs.update(period=period)
    return out

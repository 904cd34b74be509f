"""The engine layer of :mod:`crmstudy.transactions`: one computation for every engine.

Everything here is written once, as narwhals expressions, and runs on whichever engine holds the
log (pandas, polars, DuckDB, Dask): day numbers from calendar parts, calendar periods, the
customer-day table and the one-pass RFM integers. It assumes a log that
:mod:`crmstudy.transactions` has already checked (ids present, dates parsed, amounts finite,
non-negative and inside the exact-sum limits below); of the data it checks only the one limit
that only the result can show (the largest customer-day value).

Exact sums: amounts are summed as whole millionths of the currency unit (int64), so every engine
adds exactly and returns bit-identical results whatever its summation order; divisions happen
once, in numpy, after collection. The limits that follow from 63 bits are
:data:`MAX_TOTAL_UNITS`, :data:`MAX_DAY_UNITS` and :data:`MAX_SPAN_DAYS`.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from crmstudy.errors import DataError, ParameterError

# Day 0 is 1970-01-01; 719,163 days separate it from 0001-01-01 in the proleptic Gregorian
# calendar (``datetime.date(1970, 1, 1).toordinal() - 1``).
EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal() - 1

#: Amounts are summed as whole millionths of the currency unit (int64).
MICROS = 1_000_000

#: The first day's value is found without a join (a join costs a second pass over the daily
#: table, and a shuffle on Dask): each customer-day is packed into one int64,
#: ``(day - first day of the log) * 2**SHIFT + micros``, whose minimum over a customer's days
#: is the first day together with its value. Limits: 2**45 micros (35 million currency units)
#: per customer and day, and 2**17 days (358 years) from the first to the last purchase.
SHIFT = 45
MAX_SPAN_DAYS = 2**17
#: Largest value of one customer-day (and so of one purchase record), in currency units.
MAX_DAY_UNITS = 2**SHIFT / MICROS
#: Largest total of all the amounts of a log, in currency units (2**62 millionths, about 4.6
#: trillion): below it no sum in any engine (per customer, per period, or packed with the day)
#: can pass 2**63. Checked before anything is summed.
MAX_TOTAL_UNITS = 2**62 / MICROS
#: Larger than any packed value or day number: "no calibration purchase".
NEVER = 2**62


def to_timestamp(value, name: str) -> pd.Timestamp:
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        stamp = pd.NaT
    if pd.isna(stamp):
        raise ParameterError(f"{name}={value!r} is not a date; pass e.g. '1997-09-30'")
    if stamp.tzinfo is not None:
        stamp = stamp.tz_localize(None)
    return stamp.normalize()


def day_number(value, name: str) -> int:
    """Days since 1970-01-01 of a date-like parameter."""
    return to_timestamp(value, name).date().toordinal() - 1 - EPOCH_ORDINAL


def day_to_timestamp(day: int) -> pd.Timestamp:
    return pd.Timestamp(_dt.date.fromordinal(int(day) + 1 + EPOCH_ORDINAL))


# --------------------------------------------------------------------------------------------
# Engine-neutral core (narwhals)
# --------------------------------------------------------------------------------------------


def floor_div(nw, expr, k: int):
    """``floor(expr / k)`` as an integer.

    Written as a float division and ``floor`` because narwhals' ``//`` becomes a long CASE
    expression on DuckDB that made the whole summary several times slower; the values here
    (years, day numbers) are small enough for a float to hold exactly.
    """
    return (expr / k).floor().cast(nw.Int64)


def day_expr(nw, column: str):
    """Integer days since 1970-01-01 of a date/datetime column, from year and day of year.

    Days before 1 January of year y (proleptic Gregorian): 365(y-1) + (y-1)//4 - (y-1)//100
    + (y-1)//400. Only arithmetic on two date parts every engine supports.
    """
    col = nw.col(column)
    y = col.dt.year().cast(nw.Int64) - 1
    leap_days = floor_div(nw, y, 4) - floor_div(nw, y, 100) + floor_div(nw, y, 400)
    return y * 365 + leap_days + col.dt.ordinal_day().cast(nw.Int64) - 1 - EPOCH_ORDINAL


def period_expr(nw, period: str):
    """Integer index of the calendar period containing ``date`` (for cohorts).

    D: days since 1970-01-01; W: weeks starting on Monday (1970-01-01 was a Thursday, hence the
    +3); M: 12 * year + month - 1; Q: 4 * year + quarter - 1; Y: the year.
    """
    col = nw.col("date")
    year = col.dt.year().cast(nw.Int64)
    month = col.dt.month().cast(nw.Int64)
    if period == "D":
        return day_expr(nw, "date")
    if period == "W":
        return floor_div(nw, day_expr(nw, "date") + 3, 7)
    if period == "M":
        return year * 12 + month - 1
    if period == "Q":
        return year * 4 + floor_div(nw, month - 1, 3)
    return year


def period_index(stamp: pd.Timestamp, period: str) -> int:
    """The integer of :func:`period_expr` for one date, in Python."""
    day = stamp.date().toordinal() - 1 - EPOCH_ORDINAL
    return {
        "D": day,
        "W": (day + 3) // 7,
        "M": stamp.year * 12 + stamp.month - 1,
        "Q": stamp.year * 4 + (stamp.month - 1) // 3,
        "Y": stamp.year,
    }[period]


def period_start(index: int, period: str) -> pd.Timestamp:
    """First day of the calendar period with integer index ``index`` (see :func:`period_expr`)."""
    if period == "D":
        return day_to_timestamp(index)
    if period == "W":
        return day_to_timestamp(index * 7 - 3)  # the week's Monday
    if period == "M":
        return pd.Timestamp(year=index // 12, month=index % 12 + 1, day=1)
    if period == "Q":
        return pd.Timestamp(year=index // 4, month=3 * (index % 4) + 1, day=1)
    return pd.Timestamp(year=index, month=1, day=1)


def period_label(index: int, period: str) -> str:
    if period == "D":
        return day_to_timestamp(index).strftime("%Y-%m-%d")
    if period == "W":
        return day_to_timestamp(index * 7 - 3).strftime("%Y-%m-%d")  # the week's Monday
    if period == "M":
        return f"{index // 12:04d}-{index % 12 + 1:02d}"
    if period == "Q":
        return f"{index // 4:04d}Q{index % 4 + 1}"
    return f"{index:04d}"


def collect(lazy) -> pd.DataFrame:
    return lazy.collect(backend="pandas").to_native()


def customer_days(lazy, last_day: int | None = None, extra=()):
    """One row per customer and purchase day: same-day purchases are one transaction.

    ``extra`` names columns constant within a day (e.g. the calendar period) to keep.
    """
    import narwhals as nw

    if last_day is not None:
        lazy = lazy.filter(nw.col("day") <= last_day)
    return lazy.group_by("customer_id", "day", *extra).agg(nw.col("micros").sum())


def summary_frames(lazy, cal_day: int, base_day: int, obs_day: int | None = None):
    """Per-customer integers of the RFM summary, in one pass. Written once for every engine.

    Fader, Hardie & Lee (2005a): x = repeat transactions (distinct purchase days - 1), t_x = last
    minus first purchase day, T = ``cal_day`` minus first purchase day, all over the days up to
    ``cal_day``. The value of the repeat transactions is the total minus the first day's value.
    ``base_day`` is the first day of the log. With ``obs_day``, also the transactions
    (``frequency_holdout``) and value (``holdout_micros``) in (cal_day, obs_day], from the same
    group-by (no join); customers whose first purchase is after ``cal_day`` are dropped.
    Columns: ``frequency``, ``recency_days``, ``T_days``, ``repeat_micros``, ``largest_micros``
    (checked by :func:`summary_columns`) [, ``frequency_holdout``, ``holdout_micros``].
    """
    import narwhals as nw

    end = cal_day if obs_day is None else obs_day
    in_cal = nw.col("day") <= cal_day
    # Columns that hold a neutral value outside the calibration period, so that plain min / max
    # / sum aggregations (fast on every engine) give the calibration statistics. Neutral values
    # rather than nulls: a null turns an int64 column into float64 on pandas and Dask, and the
    # packed values need all 63 bits. The last day's neutral is -NEVER, not -1: days before
    # 1970 are negative numbers.
    daily = customer_days(lazy, last_day=end).with_columns(
        nw.when(in_cal).then(nw.col("day")).otherwise(NEVER).alias("cal_first"),
        nw.when(in_cal).then(nw.col("day")).otherwise(-NEVER).alias("cal_last"),
        nw.when(in_cal).then(nw.col("micros")).otherwise(0).alias("cal_micros"),
        nw.when(in_cal)
        .then((nw.col("day") - base_day) * 2**SHIFT + nw.col("micros"))
        .otherwise(NEVER)
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
        per = per.filter(nw.col("first") < NEVER)  # drop customers acquired in the holdout
    first_micros = nw.col("first_packed") - (nw.col("first") - base_day) * 2**SHIFT
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


def day_numbers(dates: np.ndarray) -> np.ndarray:
    """Days since 1970-01-01 of naive datetime64 values (floored: 1969-12-31 23:00 is day -1).

    The numpy counterpart of :func:`day_expr` for logs held in memory; the two agree exactly
    (tests/test_transactions_properties.py checks it on dates either side of 1970).
    """
    return dates.astype("datetime64[D]").view("int64")  # a view: no second copy of the log


def to_micros(amounts: np.ndarray) -> np.ndarray:
    """Amounts as whole millionths, rounded half up: the numpy counterpart of the engines'.

    Computed in one temporary (each fresh array of a large log costs its page faults).
    """
    scaled = np.multiply(amounts, MICROS, dtype=np.float64)
    scaled += 0.5
    np.floor(scaled, out=scaled)
    return scaled.astype("int64")


def _run_sums(keys: np.ndarray, values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start positions of the runs of equal ``keys`` (sorted) and the sums of ``values`` over them.

    Most runs of a purchase log are one row (one purchase on a day), so the sums are the first
    values of the runs plus the few rows that continue a run, added in place: exact (int64) and
    cheaper than a segment sum over every run.
    """
    if keys.size == 0:
        return np.zeros(0, dtype=np.intp), values[:0]
    new = np.empty(keys.size, dtype=bool)
    new[0] = True
    np.not_equal(keys[1:], keys[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    sums = values[starts]
    more = np.flatnonzero(~new)  # rows continuing a run; the j-th of them is in run more[j] - j - 1
    if more.size:
        np.add.at(sums, more - np.arange(1, more.size + 1), values[more])
    return starts, sums


def summary_arrays(
    codes: np.ndarray,
    day: np.ndarray,
    micros: np.ndarray,
    cal_day: int,
    base_day: int,
    obs_day: int | None = None,
) -> dict[str, np.ndarray]:
    """The integers of :func:`summary_frames` from numpy arrays, by one sort and segment sums.

    For logs already in memory (pandas input, ids as integer codes): the same definitions as
    :func:`summary_frames` (Fader, Hardie & Lee 2005a), the same columns and integer values, in
    code order, computed without a group-by. Each customer-day is one int64 key, ``code *
    MAX_SPAN_DAYS + day - base_day``; sorting the keys puts each customer's days together and in
    order, and sums over runs give the day values, then the customer statistics. A log whose
    keys are already in order (grouped by customer in code order, each customer's purchases in
    time order: :mod:`crmstudy._ids` numbers the codes so that a grouped log is) is not sorted
    at all; the check costs one comparison per row. All sums are int64, exact.
    """
    end = cal_day if obs_day is None else obs_day
    if int(day.max()) > end:
        keep = day <= end
        codes, day, micros = codes[keep], day[keep], micros[keep]
    # key = code * MAX_SPAN_DAYS + day - base_day, built in place (each temporary of a 10^7-row
    # log costs its page faults).
    key = codes.astype("int64")
    key *= MAX_SPAN_DAYS
    key += day
    key -= base_day
    if key.size > 1 and not bool((key[1:] >= key[:-1]).all()):
        order = np.argsort(key, kind="stable")
        key, codes, day, micros = key[order], codes[order], day[order], micros[order]
        del order
    starts, day_micros = _run_sums(key, micros)
    del key
    # Where each customer's days begin, as flags on the days: compared on the rows and gathered
    # as booleans (an eighth of the memory of gathering the codes and days themselves).
    new_customer = np.empty(codes.size, dtype=bool)
    new_customer[:1] = True
    np.not_equal(codes[1:], codes[:-1], out=new_customer[1:])
    day_first = new_customer[starts]
    if obs_day is None:
        c_rows, c_micros, c_first = starts, day_micros, day_first
    else:
        # A customer's calibration days come first among their days: the first calibration
        # day is the customer's first day, so the flags carry over to the calibration days.
        in_cal = (day <= cal_day)[starts]
        c_rows, c_micros, c_first = starts[in_cal], day_micros[in_cal], day_first[in_cal]
    first_rows = np.flatnonzero(c_first)
    last_rows = np.append(first_rows[1:], c_rows.size) - 1
    first_row, last_row = c_rows[first_rows], c_rows[last_rows]  # rows of the log
    ids = codes[first_row]
    first = day[first_row]
    if first_rows.size:
        total = np.add.reduceat(c_micros, first_rows)
        largest = np.maximum.reduceat(c_micros, first_rows)
    else:
        total = largest = c_micros[:0]
    out = {
        "customer_id": ids,
        "frequency": (last_rows - first_rows).astype("int64"),
        "recency_days": day[last_row] - first,
        "T_days": cal_day - first,
        "repeat_micros": total - c_micros[first_rows],
        "largest_micros": largest,
    }
    if obs_day is not None:
        # The holdout is every day of the customer minus the calibration days (as the engines
        # compute it), per customer segment of all the days.
        all_first = np.flatnonzero(day_first)
        if all_first.size:
            all_days = np.diff(np.append(all_first, starts.size))
            all_micros = np.add.reduceat(day_micros, all_first)
        else:
            all_days = all_micros = day_micros[:0]
        # customers with a calibration day (their first day), in the code order of ``ids``
        acquired = day[starts[all_first]] <= cal_day
        out["frequency_holdout"] = (all_days[acquired] - (out["frequency"] + 1)).astype("int64")
        out["holdout_micros"] = all_micros[acquired] - total
    return out


class CustomerIntegers(dict):
    """The per-customer integers as numpy arrays by column name, with ``index`` the ids (str)."""

    def __init__(self, columns: dict[str, np.ndarray], index: pd.Index):
        super().__init__(columns)
        self.index = index

    def __len__(self) -> int:  # the number of customers, as for a frame
        return len(self.index)


def by_customer(frame, labels=None, order=None) -> CustomerIntegers:
    """Index the per-customer integers by ``customer_id`` (str), sorted, whatever the engine.

    ``frame`` is a collected pandas frame (lazy engines) or the dict of
    :func:`summary_arrays`, whose codes are distinct and ascending; ``labels`` maps integer
    codes back to the ids and ``order`` lists the codes in the text order of their ids (pandas
    input, see :func:`crmstudy._ids.factorize`): the rows are put in id order by taking them
    in that order, with no text sort.
    """
    if labels is not None:
        codes = np.asarray(frame["customer_id"])
        if codes.size == len(labels):  # every customer has a row: the codes are 0 .. n-1
            take, keep = order, order
        else:
            position = np.full(len(labels), -1, dtype=np.intp)
            position[codes] = np.arange(codes.size)
            where = position[order]
            keep = order[where >= 0]
            take = where[where >= 0]
        columns = {k: np.asarray(v)[take] for k, v in frame.items() if k != "customer_id"}
        return CustomerIntegers(columns, pd.Index(labels.take(keep), name="customer_id"))
    ids = pd.Index(frame["customer_id"]).astype("str")
    order = np.asarray(ids.argsort())  # one sort of the text ids; columns taken one by one
    columns = {c: frame[c].to_numpy()[order] for c in frame.columns if c != "customer_id"}
    return CustomerIntegers(columns, pd.Index(ids.take(order), name="customer_id"))


def summary_columns(
    frame: CustomerIntegers, days_per_period: float, amount_column: str = "amount"
) -> pd.DataFrame:
    """The integers of :func:`summary_frames` (indexed by customer) -> the summary columns.

    Divisions happen here, once, in numpy, so every engine returns bit-identical floats.
    Raises DataError naming the customer if one customer-day is worth :data:`MAX_DAY_UNITS` or
    more (the packed first-day value would not be exact).
    """
    largest = frame["largest_micros"] if len(frame) else np.zeros(1, dtype="int64")
    if int(largest.max()) >= 2**SHIFT:
        customer = frame.index[int(np.argmax(largest))]
        raise DataError(
            f"customer {customer!r} has purchases worth {largest.max() / MICROS:,.2f} (currency "
            f"units of column {amount_column!r}) on one day, more than crmstudy's exact sums "
            f"hold ({MAX_DAY_UNITS:,.0f} per customer and day); express amounts in a larger "
            "unit (e.g. thousands) and scale monetary_value back"
        )
    frequency = frame["frequency"].astype("int64", copy=False)
    repeat_value = frame["repeat_micros"].astype("int64", copy=False) / MICROS
    out = pd.DataFrame(
        {
            "frequency": frequency,
            "recency": frame["recency_days"].astype("int64", copy=False) / days_per_period,
            "T": frame["T_days"].astype("int64", copy=False) / days_per_period,
            # zbar is 0 without a repeat transaction, as in Hardie's CDNOW summary.
            "monetary_value": np.divide(
                repeat_value,
                frequency,
                out=np.zeros(len(frame)),
                where=frequency > 0,
            ),
        },
        index=frame.index,
        copy=False,  # fresh arrays: no copy into one block
    )
    return out

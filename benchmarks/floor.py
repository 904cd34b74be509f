"""A single-pass numpy floor: the customer summary of a log already sorted by customer and day.

A lower bound for :func:`crmstudy.transactions.rfm_summary`: the ids are integer codes and the log
is pre-sorted (both done before the clock starts), so what is timed is one sweep of reductions
over contiguous customer blocks: no hashing, no joins, no string handling, no validation.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MICROS = 1_000_000


def prepare(path, end_day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read a Parquet log and return (codes, day, micros) sorted by customer then day."""
    log = pd.read_parquet(path)
    codes, _ = pd.factorize(log["customer_id"])
    day = log["date"].to_numpy().astype("datetime64[D]").astype("int64")
    micros = np.floor(log["amount"].to_numpy() * MICROS + 0.5).astype("int64")
    keep = day <= end_day
    codes, day, micros = codes[keep], day[keep], micros[keep]
    order = np.lexsort((day, codes))
    return codes[order], day[order], micros[order]


def summary(codes: np.ndarray, day: np.ndarray, micros: np.ndarray, end_day: int, days: float):
    """frequency, recency, T, monetary_value (Fader, Hardie & Lee 2005) of a sorted log."""
    n = codes.size
    new_customer = np.empty(n, dtype=bool)
    new_customer[0] = True
    np.not_equal(codes[1:], codes[:-1], out=new_customer[1:])
    new_day = new_customer.copy()
    new_day[1:] |= day[1:] != day[:-1]
    starts = np.flatnonzero(new_customer)
    ends = np.append(starts[1:], n) - 1
    purchase_days = np.add.reduceat(new_day.astype(np.int64), starts)
    first = day[starts]
    first_day_of_row = np.repeat(first, ends - starts + 1)
    total = np.add.reduceat(micros, starts)
    first_value = np.add.reduceat(np.where(day == first_day_of_row, micros, 0), starts)
    frequency = purchase_days - 1
    repeat_value = (total - first_value) / MICROS
    monetary = np.divide(repeat_value, frequency, out=np.zeros(frequency.size), where=frequency > 0)
    return frequency, (day[ends] - first) / days, (end_day - first) / days, monetary

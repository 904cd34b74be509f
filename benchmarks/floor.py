"""Numpy floors for :func:`crmstudy.transactions.rfm_summary`: the least work that gives a summary.

Two floors, both without any validation:

- ``floor`` (:func:`from_frame` then :func:`summary`, all timed): the summary of a pandas log
  as it comes, with its own id type: factorise the ids (sorted, so the result is in id order,
  as crmstudy's), day numbers and millionths, one sort by customer and day (one int64 key), one sweep. This
  is the floor the targets compare with ("within 3x of a numpy floor for the same id type").
- ``sweep`` (:func:`prepare` untimed, :func:`summary` timed): the sweep alone over a log whose
  ids are already integer codes and which is already sorted: a lower bound no implementation
  that reads a log can reach.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

MICROS = 1_000_000


def prepare(path, end_day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Read a Parquet log and return (codes, day, micros) sorted by customer then day."""
    return from_frame(pd.read_parquet(path), end_day)


def from_frame(log: pd.DataFrame, end_day: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(codes, day, micros) of a pandas log, sorted by customer then day; ids in sorted order."""
    codes, _ = pd.factorize(log["customer_id"], sort=True)
    day = log["date"].to_numpy().astype("datetime64[D]").astype("int64")
    micros = np.floor(log["amount"].to_numpy() * MICROS + 0.5).astype("int64")
    keep = day <= end_day
    codes, day, micros = codes[keep], day[keep], micros[keep]
    # One int64 key per (customer, day): a single argsort is cheaper than a two-key lexsort.
    first = day.min()
    order = np.argsort(codes.astype(np.int64) * (day.max() - first + 1) + (day - first))
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

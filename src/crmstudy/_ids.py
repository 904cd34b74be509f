"""Customer ids as integer codes, and their order as text, for the in-memory summaries.

crmstudy compares ids as text and sorts every summary by the ids' text (``"10"`` before
``"9"``), whatever the engine (:mod:`crmstudy.transactions`). A log held in memory is summarised
on integer codes (:func:`crmstudy._engine.summary_arrays`); this module turns a column of ids
into those codes, the distinct ids as text, and the order of the codes by that text, as cheaply
as the log allows:

- **Grouped logs** (all of a customer's rows together, as most exported logs are: written
  customer by customer, or sorted by customer): the codes are the run numbers, found by one
  comparison of neighbours, with no hashing; that the runs are distinct customers is checked on
  the sorted runs. Otherwise the ids are hashed (:func:`pandas.factorize`), codes numbered by
  first appearance.
- **Integer ids** are put in text order without making text for the sort: for ``v >= 0`` with
  ``d`` digits, text order is the order of ``(v * 10**(D - d), d)`` (``D`` the most digits of
  any id: the digits padded on the right with zeros, then the shorter first, as a prefix sorts
  before its extensions); negative ids (``"-"`` sorts before every digit) come first, ordered
  the same way by their absolute value. The text itself is made once, by Arrow, for the labels.
- Everything else (text, and ids of other kinds, made text first) is ordered by Arrow's sort.

Code numbering follows the log (first appearance, or run order), so a log already grouped by
customer and in time order needs no sort in the summary; the text order is applied to the
per-customer results instead (:func:`crmstudy._engine.by_customer`).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd

#: Powers of ten as unsigned 64-bit integers (10**19 < 2**64).
_POW10 = 10 ** np.arange(20, dtype=np.uint64)

#: Try the run path only when the runs are fewer than this share of the rows: a shuffled or
#: time-ordered log has about one run per row, and would pay for a failed attempt.
RUN_SHARE = 0.75


class Ids(NamedTuple):
    """Per-row integer ``codes``, the distinct ids as text ``labels`` (in code order), and
    ``order``: the codes sorted by their text (``labels.take(order)`` is sorted as text)."""

    codes: np.ndarray
    labels: pd.Index
    order: np.ndarray


def integer_text_order(values: np.ndarray) -> np.ndarray:
    """The permutation that sorts integers by their decimal text, as ``sorted(map(str, ...))``.

    Stable (equal values keep their positions), without making text (see the module docstring).
    """
    values = np.asarray(values)
    negative = values < 0
    if negative.any():
        positions = np.arange(values.size)
        neg, pos = positions[negative], positions[~negative]
        # |v| as unsigned: exact for the most negative int64 too.
        magnitude = (-(values[negative].astype(np.int64) + 1)).astype(np.uint64) + np.uint64(1)
        neg_order = neg[_natural_text_order(magnitude)]
        pos_order = pos[_natural_text_order(values[~negative].astype(np.uint64))]
        return np.concatenate([neg_order, pos_order])
    return _natural_text_order(values.astype(np.uint64))


def _natural_text_order(values: np.ndarray) -> np.ndarray:
    """Text order of non-negative integers (uint64): by the digits padded right, then length."""
    if values.size == 0:
        return np.zeros(0, dtype=np.intp)
    digits = np.searchsorted(_POW10[1:], values, side="right") + 1
    most = int(digits.max())
    if most > 19:  # uint64 ids of 20 digits: padding would overflow; sort their text
        return _arrow_order(_text(values))
    padded = values * _POW10[most - digits]  # < 10**most <= 10**19 < 2**64
    return np.lexsort((digits, padded))


def _text(values: np.ndarray) -> pd.Index:
    """Integers as an Arrow-backed text index (the ``str`` dtype), made in Arrow's C++."""
    import pyarrow as pa

    return pd.Index(pd.array(pa.array(values).cast(pa.string()), dtype="str"))


def _arrow_text(ids: pd.Series):
    """The Arrow array behind an Arrow-backed text column, or None."""
    if ids.dtype == object or not pd.api.types.is_string_dtype(ids):
        return None
    return getattr(ids.array, "_pa_array", None)


def factorize(ids: pd.Series) -> Ids:
    """Codes, text labels and text order of a checked id column (see the module docstring)."""
    if ids.dtype.kind in "iu":
        return _integers(ids.to_numpy(dtype=np.uint64 if ids.dtype.kind == "u" else np.int64))
    arrow = _arrow_text(ids)
    if arrow is not None:
        return _arrow_strings(ids, arrow)
    codes, uniques = pd.factorize(ids)
    labels = pd.Index(uniques).astype("str")
    return Ids(codes.astype(np.int64), labels, _arrow_order(labels))


def _runs(different: np.ndarray) -> np.ndarray | None:
    """Start of each run of equal neighbours, or None if the runs are too many to pay."""
    starts = np.flatnonzero(different) + 1
    if starts.size + 1 > RUN_SHARE * (different.size + 1):
        return None
    return np.concatenate([np.zeros(1, dtype=starts.dtype), starts])


def _run_codes(different: np.ndarray) -> np.ndarray:
    """Run number of each row (0 for the first run)."""
    codes = np.empty(different.size + 1, dtype=np.int64)
    codes[0] = 0
    np.cumsum(different, out=codes[1:])
    return codes


def _integers(values: np.ndarray) -> Ids:
    different = values[1:] != values[:-1]
    starts = _runs(different)
    if starts is not None:
        run_values = values[starts]
        order = integer_text_order(run_values)
        ordered = run_values[order]
        if not bool((ordered[1:] == ordered[:-1]).any()):  # each run a different customer
            return Ids(_run_codes(different), _text(run_values), order)
    codes, uniques = pd.factorize(values)
    return Ids(codes.astype(np.int64), _text(uniques), integer_text_order(uniques))


def _arrow_order(labels: pd.Index) -> np.ndarray:
    """Positions that sort a text index (Arrow's sort, stable)."""
    return np.asarray(labels.argsort())


def _arrow_strings(ids: pd.Series, arrow) -> Ids:
    import pyarrow.compute as pc

    n = len(arrow)
    if n > 1:
        different = pc.not_equal(arrow[1:], arrow[:-1]).to_numpy(zero_copy_only=False)
        starts = _runs(different)
        if starts is not None:
            labels = pd.Index(pd.array(arrow.take(starts), dtype="str"))
            order = _arrow_order(labels)
            ordered = labels.take(order)
            if not bool((ordered[1:] == ordered[:-1]).any()):
                return Ids(_run_codes(different), labels, order)
    codes, uniques = pd.factorize(ids)
    labels = pd.Index(uniques, dtype="str")
    return Ids(codes.astype(np.int64), labels, _arrow_order(labels))

"""Customer ids to codes in text order (crmstudy._ids), checked against Python's own sort of text.

The reference everywhere is ``sorted(map(str, ids))`` (and ``str(id)`` for the labels): an
independent derivation of the order the summaries must have, with no padding arithmetic.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from crmstudy import _ids
from crmstudy.transactions import calibration_holdout, rfm_summary

INT64 = st.integers(-(2**63), 2**63 - 1)
SMALL = st.integers(-1200, 1200)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(SMALL, INT64, st.sampled_from([0, -1, 1, 9, 10, 100, -10])), max_size=60))
def test_integer_text_order_is_the_order_of_the_text(values):
    array = np.array(values, dtype=np.int64)
    order = _ids.integer_text_order(array)
    assert [str(v) for v in array[order]] == sorted(map(str, values))
    # Stable: equal values keep their order of appearance.
    for value in set(values):
        positions = [int(p) for p in order if array[p] == value]
        assert positions == sorted(positions)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), min_size=1, max_size=30))
def test_unsigned_text_order_up_to_twenty_digits(values):
    array = np.array(values, dtype=np.uint64)
    order = _ids.integer_text_order(array)
    assert [str(v) for v in array[order]] == sorted(map(str, values))


def check_ids(ids: pd.Series) -> None:
    coded = _ids.factorize(ids)
    text = [str(v) for v in ids]
    assert list(coded.labels.take(coded.codes)) == text
    assert list(coded.labels.take(coded.order)) == sorted(set(text))
    assert len(coded.labels) == len(set(text))
    assert str(coded.labels.dtype) == "str"


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(-30, 3000), min_size=1, max_size=40),
    st.sampled_from(["int64", "uint-like", "str", "object"]),
    st.booleans(),
)
def test_factorize_grouped_and_scattered_logs(raw, kind, grouped):
    values = sorted(raw, key=raw.index) if grouped else raw  # grouped: each id's rows together
    if kind == "uint-like":
        values = [abs(v) for v in values]
        ids = pd.Series(values, dtype="uint64")
    elif kind == "int64":
        ids = pd.Series(values, dtype="int64")
    elif kind == "str":
        ids = pd.Series([f"c{v}" for v in values], dtype="str")
    else:
        ids = pd.Series([f"c{v}" for v in values], dtype=object)
    check_ids(ids)


def test_a_customer_in_two_runs_is_one_customer():
    # Runs look like customers until one comes back later: the run path must notice.
    for ids in [
        pd.Series([5, 5, 7, 7, 7, 5], dtype="int64"),
        pd.Series(["b", "b", "a", "a", "a", "b"], dtype="str"),
    ]:
        coded = _ids.factorize(ids)
        assert len(coded.labels) == 2
        assert coded.codes[0] == coded.codes[5]
        check_ids(ids)


def shuffled_log(seed: int, customers: int, int_ids: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    """A log written customer by customer in time order, and a shuffled copy of it."""
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 6, size=customers)
    ident = np.repeat(rng.permutation(customers * 7)[:customers] - 50, n)
    days = np.sort(rng.integers(0, 400, size=ident.size))
    order = np.lexsort((days, ident))
    log = pd.DataFrame(
        {
            "customer_id": ident[order] if int_ids else [f"k{i}" for i in ident[order]],
            "date": pd.Timestamp("2019-01-01") + pd.to_timedelta(days[order], unit="D"),
            "amount": np.round(rng.gamma(2.0, 20.0, size=ident.size), 2),
        }
    )
    return log, log.sample(frac=1.0, random_state=seed).reset_index(drop=True)


@pytest.mark.parametrize("int_ids", [True, False])
def test_grouped_and_shuffled_logs_give_the_identical_summary(int_ids):
    grouped, shuffled = shuffled_log(3, 400, int_ids)
    by_time = grouped.sort_values("date", kind="stable").reset_index(drop=True)
    expected = rfm_summary(grouped, period="D", observation_end="2020-03-01")
    assert list(expected.index) == sorted(map(str, set(grouped["customer_id"])))
    split = calibration_holdout(grouped, "2019-09-30", "2020-03-01", period="D")
    for other in (shuffled, by_time):
        pd.testing.assert_frame_equal(
            rfm_summary(other, period="D", observation_end="2020-03-01"), expected, check_exact=True
        )
        pd.testing.assert_frame_equal(
            calibration_holdout(other, "2019-09-30", "2020-03-01", period="D"),
            split,
            check_exact=True,
        )


def test_run_path_and_hash_path_agree(monkeypatch):
    grouped, _ = shuffled_log(5, 300, True)
    run_path = _ids.factorize(grouped["customer_id"])
    assert (np.diff(run_path.codes) >= 0).all()  # run numbers: the grouped log needs no sort
    expected = rfm_summary(grouped, period="D", observation_end="2020-03-01")
    monkeypatch.setattr(_ids, "RUN_SHARE", 0.0)  # never try the runs: hash every id
    hashed = _ids.factorize(grouped["customer_id"])
    assert list(run_path.labels.take(run_path.order)) == list(hashed.labels.take(hashed.order))
    pd.testing.assert_frame_equal(
        rfm_summary(grouped, period="D", observation_end="2020-03-01"), expected, check_exact=True
    )

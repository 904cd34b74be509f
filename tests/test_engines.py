"""Every engine gives the same summaries (crmstudy.transactions on pandas, polars, DuckDB, Dask).

The reference is the pandas result, itself checked against hand-computed answers and Hardie's
CDNOW summary in tests/test_transactions.py. Here every other engine must return a frame that is
*exactly* equal to it (same index, dtypes and bit-identical floats), on two logs: the CDNOW
sample and a seeded random log with intraday times, same-day repeats and odd amounts.
"""

from __future__ import annotations

from pathlib import Path

import dask.dataframe as dd
import duckdb
import numpy as np
import pandas as pd
import polars as pl
import pytest

from crmstudy.datasets import load_cdnow
from crmstudy.errors import DataError
from crmstudy.transactions import calibration_holdout, cohort_table, purchase_counts, rfm_summary

# narwhals 2.29 announces that its Dask backend will move to a separate `narwhals-dask`
# package; today it still works.
pytestmark = pytest.mark.filterwarnings(
    "ignore:Dask support is moving out of Narwhals:FutureWarning"
)


def random_log(seed: int = 7, customers: int = 300) -> pd.DataFrame:
    """Seeded log: 1-8 purchases per customer over 2020, times of day, same-day repeats."""
    rng = np.random.default_rng(seed)
    n = rng.integers(1, 9, size=customers)
    ids = np.repeat(np.arange(customers), n)
    start = pd.Timestamp("2020-01-01")
    first = rng.integers(0, 120, size=customers)
    offsets = first[ids] + rng.integers(0, 240, size=ids.size)
    # One purchase in five repeats the previous row's day (a second basket that day).
    same = rng.random(ids.size) < 0.2
    offsets[1:][same[1:] & (ids[1:] == ids[:-1])] = offsets[:-1][same[1:] & (ids[1:] == ids[:-1])]
    minutes = rng.integers(0, 24 * 60, size=ids.size)
    dates = start + pd.to_timedelta(offsets, unit="D") + pd.to_timedelta(minutes, unit="min")
    amounts = np.round(rng.gamma(2.0, 17.3, size=ids.size), 3) + 0.0005
    return pd.DataFrame(
        {"customer_id": [f"c{i:04d}" for i in ids], "date": dates, "amount": amounts}
    )


LOGS = {
    "cdnow": (lambda: load_cdnow(sample=True)[["customer_id", "date", "amount"]], "1997-09-30"),
    "random": (random_log, "2020-06-30"),
}

CASES = {
    "rfm_summary_W": lambda x, cal: rfm_summary(x, period="W", calibration_end=cal),
    "rfm_summary_D": lambda x, cal: rfm_summary(x, period="D"),
    "calibration_holdout_M": lambda x, cal: calibration_holdout(x, cal, period="M"),
    "cohort_table_M": lambda x, cal: cohort_table(x, period="M"),
    "cohort_table_W": lambda x, cal: cohort_table(x, period="W"),
    "purchase_counts_W": lambda x, cal: purchase_counts(x, period="W"),
}


def make_case(name: str, tmp_path_factory) -> dict:
    """A log, its calibration end, the pandas results, and the log written as Parquet."""
    build, calibration_end = LOGS[name]
    log = build()
    folder = tmp_path_factory.mktemp(f"parquet_{name}")
    log.to_parquet(folder / "log.parquet", index=False)
    # A partitioned copy: several files, as a data lake holds it.
    parts = folder / "parts"
    parts.mkdir()
    shuffled = log.sample(frac=1.0, random_state=1).reset_index(drop=True)
    for k, rows in enumerate(np.array_split(np.arange(len(shuffled)), 4)):
        shuffled.iloc[rows].to_parquet(parts / f"part-{k}.parquet", index=False)
    expected = {name: case(log, calibration_end) for name, case in CASES.items()}
    return {
        "log": log,
        "calibration_end": calibration_end,
        "expected": expected,
        "file": folder / "log.parquet",
        "parts": parts,
    }


@pytest.fixture(scope="module", params=sorted(LOGS))
def log_case(request, tmp_path_factory):
    return make_case(request.param, tmp_path_factory)


ENGINES = {
    "polars": lambda c: pl.from_pandas(c["log"]),
    "polars_lazy": lambda c: pl.from_pandas(c["log"]).lazy(),
    "duckdb_relation": lambda c: duckdb.from_df(c["log"]),
    "parquet_file": lambda c: str(c["file"]),
    "parquet_glob": lambda c: str(c["parts"] / "*.parquet"),
    "parquet_folder": lambda c: c["parts"],
    # Dask is tested on a real multi-process cluster below: each Dask call costs seconds of
    # query planning, so it runs the three summaries once, not every case on every log.
}


def assert_identical(got: pd.DataFrame, expected: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert got.attrs == expected.attrs


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_every_engine_matches_pandas(engine, log_case):
    native = ENGINES[engine](log_case)
    for name, case in CASES.items():
        got = case(native, log_case["calibration_end"])
        assert_identical(got, log_case["expected"][name])


def test_pandas_reference_is_sane(log_case):
    # The reference itself: one row per customer, T >= recency >= 0, same-day merged.
    log = log_case["log"]
    summary = log_case["expected"]["rfm_summary_D"]
    assert len(summary) == log["customer_id"].nunique()
    assert (summary["T"] >= summary["recency"]).all() and (summary["recency"] >= 0).all()
    days = log.assign(day=log["date"].dt.normalize()).drop_duplicates(["customer_id", "day"])
    assert summary["frequency"].sum() == len(days) - len(summary)


@pytest.fixture(scope="module")
def dask_client():
    from dask import distributed

    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    client = distributed.Client(cluster)
    yield client
    client.close()
    cluster.close()


def test_dask_cluster_on_partitioned_parquet(dask_client, tmp_path_factory):
    """Two worker processes read the partitioned Parquet log; the result equals pandas'."""
    log_case = make_case("random", tmp_path_factory)
    assert len(dask_client.scheduler_info()["workers"]) == 2
    frame = dd.read_parquet(str(log_case["parts"]))
    assert frame.npartitions >= 2
    for name in ["rfm_summary_W", "calibration_holdout_M", "cohort_table_M"]:
        got = CASES[name](frame, log_case["calibration_end"])
        assert_identical(got, log_case["expected"][name])


# ------------------------------------------------------------------------------------------
# The same checks on lazy engines
# ------------------------------------------------------------------------------------------


def test_lazy_engine_errors():
    log = random_log(customers=20)
    bad = log.copy()
    bad.loc[3, "amount"] = -2.5
    with pytest.raises(
        DataError,
        match=r"1 negative amounts, first found: customer_id 'c\d+', date .*, amount -2.5\. Refunds",
    ):
        rfm_summary(pl.from_pandas(bad).lazy())
    # An eager polars frame is in memory: it is checked as pandas is, with row numbers.
    with pytest.raises(DataError, match=r"1 negative amounts, first at row 3: -2.5\. Refunds"):
        rfm_summary(pl.from_pandas(bad))
    with pytest.raises(DataError, match="no column 'value'"):
        rfm_summary(pl.from_pandas(log), amount_column="value")
    text_dates = pl.from_pandas(log.assign(date=log["date"].dt.strftime("%Y-%m-%d")))
    with pytest.raises(DataError, match="not a date"):
        rfm_summary(text_dates.lazy())
    # Eager polars is read as pandas is: ISO date strings parse, to the same summary.
    pd.testing.assert_frame_equal(
        rfm_summary(text_dates), rfm_summary(log.assign(date=log["date"].dt.normalize()))
    )
    missing_id = pl.from_pandas(log).with_columns(
        pl.when(pl.int_range(pl.len()) == 5)
        .then(None)
        .otherwise(pl.col("customer_id"))
        .alias("customer_id")
    )
    with pytest.raises(DataError, match="'customer_id' has 1 missing customer ids"):
        rfm_summary(duckdb.from_arrow(missing_id.to_arrow()))
    with pytest.raises(DataError, match="empty"):
        rfm_summary(pl.from_pandas(log).head(0))
    with pytest.raises(DataError, match="after observation_end"):
        rfm_summary(pl.from_pandas(log).lazy(), observation_end="2020-03-01")
    with pytest.raises(DataError, match="no Parquet file"):
        rfm_summary("/nonexistent/log.parquet")
    with pytest.raises(DataError, match="cannot summarise a list"):
        rfm_summary([1, 2, 3])


def test_late_customers_exact_on_every_engine():
    log = pd.DataFrame(
        {
            "customer_id": ["a", "b", "b", "b"],
            "date": pd.to_datetime(["2020-01-01", "2021-06-01", "2021-06-05", "2021-08-01"]),
            "amount": [1.0, 33.333333, 10.01, 5.0],
        }
    )
    expected = calibration_holdout(log, "2021-07-01", "2021-08-31", period="D")
    assert expected.loc["b", "monetary_value"] == 10.01
    for native in [pl.from_pandas(log), duckdb.from_df(log), dd.from_pandas(log, npartitions=2)]:
        assert_identical(
            calibration_holdout(native, "2021-07-01", "2021-08-31", period="D"), expected
        )


# ------------------------------------------------------------------------------------------
# Parquet: read into memory when it fits, out of core by DuckDB when it does not
# ------------------------------------------------------------------------------------------


def _spy_parquet_paths(monkeypatch) -> dict[str, int]:
    """Count which reader each Parquet call took: pyarrow into memory, or DuckDB."""
    from crmstudy import transactions

    calls = {"memory": 0, "duckdb": 0}
    in_memory, read_duckdb = transactions._read_parquet_columns, duckdb.read_parquet

    def memory(*args, **kwargs):
        calls["memory"] += 1
        return in_memory(*args, **kwargs)

    def out_of_core(*args, **kwargs):
        calls["duckdb"] += 1
        return read_duckdb(*args, **kwargs)

    monkeypatch.setattr(transactions, "_read_parquet_columns", memory)
    monkeypatch.setattr(duckdb, "read_parquet", out_of_core)
    return calls


@pytest.mark.parametrize("where", ["file", "parts"])
def test_parquet_above_the_memory_threshold_goes_through_duckdb(where, log_case, monkeypatch):
    from crmstudy import transactions

    calls = _spy_parquet_paths(monkeypatch)
    path = str(log_case[where])
    for name, case in CASES.items():
        assert_identical(case(path, log_case["calibration_end"]), log_case["expected"][name])
    assert calls == {"memory": len(CASES), "duckdb": 0}  # small: read into memory
    # The same input as if the machine had 40 times less memory than the files: DuckDB.
    size = sum(p.stat().st_size for p in Path(path).parent.glob("**/*.parquet"))
    monkeypatch.setattr(transactions, "_available_memory", lambda: size)
    for name, case in CASES.items():
        assert_identical(case(path, log_case["calibration_end"]), log_case["expected"][name])
    assert calls == {"memory": len(CASES), "duckdb": len(CASES)}


def test_parquet_threshold_is_the_size_on_disk_times_the_factor(tmp_path, monkeypatch):
    from crmstudy import transactions

    log = random_log(customers=30)
    log.to_parquet(tmp_path / "a.parquet", index=False)
    size = (tmp_path / "a.parquet").stat().st_size
    calls = _spy_parquet_paths(monkeypatch)
    factor = transactions.PARQUET_IN_MEMORY_FACTOR
    monkeypatch.setattr(transactions, "_available_memory", lambda: size * factor)
    expected = rfm_summary(log, period="D")
    assert_identical(rfm_summary(tmp_path, period="D"), expected)
    assert calls == {"memory": 1, "duckdb": 0}
    monkeypatch.setattr(transactions, "_available_memory", lambda: size * factor - 1)
    assert_identical(rfm_summary(tmp_path, period="D"), expected)
    assert calls == {"memory": 1, "duckdb": 1}

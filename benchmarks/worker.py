"""Run one crmstudy benchmark case in this (fresh) process: ``python -m benchmarks.worker SPEC``.

``SPEC`` is JSON with ``case`` (``summary``, ``holdout`` or ``fit``), ``engine`` or ``model``,
``path`` (the Parquet log, or a customer summary for fits), ``repeats`` and ``budget_s``.
Loading the input (into pandas or polars memory) happens before the clock starts; the
``parquet`` engine is given the Parquet path, ``duckdb`` a lazy DuckDB relation over it and Dask
a lazy frame, so their time includes reading it, and so does the floor's ``floor/parquet``.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from benchmarks._measure import worker_main


def _check(frame: pd.DataFrame) -> dict:
    """Column sums of a summary, for the parent to compare implementations."""
    return {c: float(frame[c].sum()) for c in frame.columns if frame[c].dtype.kind in "if"}


def _engine_input(engine: str, path: str, ids: str = "str"):
    """The log as the engine holds it; ``ids="int"`` casts the (numeric text) ids to int64."""
    if engine in ("pandas", "floor"):
        log = pd.read_parquet(path)
        if ids == "int" and log["customer_id"].dtype.kind != "i":
            log["customer_id"] = log["customer_id"].astype("int64")
        return log
    if engine == "polars":
        import polars as pl

        log = pl.read_parquet(f"{path}/*.parquet")
        if ids == "int" and log["customer_id"].dtype != pl.Int64:
            log = log.with_columns(pl.col("customer_id").cast(pl.Int64))
        return log
    if engine == "parquet":
        # A folder of Parquet files (int ids: a copy written so): crmstudy reads it itself, so
        # the time includes reading (into memory, or out of core through DuckDB if it is large).
        return path
    if engine == "duckdb":
        import duckdb

        # A lazy DuckDB relation over the files: read out of core whatever their size (the
        # huge run and the matrix measure DuckDB itself; nothing is read before the clock).
        return duckdb.read_parquet(f"{path}/*.parquet", hive_partitioning=False)
    if engine == "dask":
        import dask.dataframe as dd

        return dd.read_parquet(path)
    raise SystemExit(f"unknown engine {engine!r}")


def _configure_duckdb(spec: dict) -> None:
    """DuckDB's memory limit and spill folder on the default connection (``--huge``)."""
    if not (spec.get("duckdb_memory_limit") or spec.get("duckdb_temp_directory")):
        return
    import duckdb

    if spec.get("duckdb_memory_limit"):
        duckdb.execute(f"SET memory_limit = '{spec['duckdb_memory_limit']}'")
    if spec.get("duckdb_temp_directory"):
        duckdb.execute(f"SET temp_directory = '{spec['duckdb_temp_directory']}'")
    if spec.get("duckdb_threads"):
        duckdb.execute(f"SET threads = {int(spec['duckdb_threads'])}")
    duckdb.execute("SET preserve_insertion_order = false")


def _summary(spec: dict):
    from crmstudy.transactions import calibration_holdout, rfm_summary
    from crmstudy.units import DAYS_PER_PERIOD

    end = spec["observation_end"]
    ids = spec.get("ids", "str")
    if spec["engine"] in ("floor", "floor/parquet", "sweep"):
        from benchmarks import floor

        end_day = int(np.datetime64(end, "D").astype("int64"))
        days = DAYS_PER_PERIOD[spec["period"]]
        if spec["engine"] == "floor/parquet":
            # The floor from Parquet: reading the file (and casting int ids) is timed too, and
            # nothing is read before the clock.

            def run():
                read = _engine_input("floor", spec["path"], ids)
                return floor.summary(*floor.from_frame(read, end_day), end_day, days)

        elif spec["engine"] == "sweep":
            log = _engine_input("floor", spec["path"], ids)
            arrays = floor.from_frame(log, end_day)  # untimed: ids coded, log sorted

            def run():
                return floor.summary(*arrays, end_day, days)

        else:
            log = _engine_input("floor", spec["path"], ids)

            def run():
                return floor.summary(*floor.from_frame(log, end_day), end_day, days)

        def check(result):
            names = ["frequency", "recency", "T", "monetary_value"]
            return {k: float(np.sum(v)) for k, v in zip(names, result, strict=True)}

        return run, check
    _configure_duckdb(spec)
    data = _engine_input(spec["engine"], spec["path"], ids)
    if spec["case"] == "summary":

        def run():
            return rfm_summary(data, period=spec["period"], observation_end=end)

    else:

        def run():
            return calibration_holdout(
                data, spec["calibration_end"], observation_end=end, period=spec["period"]
            )

    return run, _check


def _fit(spec: dict):
    summary = pd.read_parquet(spec["path"]).set_index("customer_id")
    summary.attrs["period"] = spec.get("period", "W")
    if spec["model"] == "gammagamma":
        # Spend models need a positive mean spend (CDNOW has repeat buyers at $0): both crmstudy
        # and lifetimes are fitted on the repeat buyers with monetary_value > 0.
        summary = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]
    model = spec["model"]
    if model == "bgnbd":
        from crmstudy.models.bgnbd import BGNBD as Model
    elif model == "paretonbd":
        from crmstudy.models.paretonbd import ParetoNBD as Model
    elif model == "gammagamma":
        from crmstudy.models.gammagamma import GammaGamma as Model
    else:
        raise SystemExit(f"unknown model {model!r}")

    def run():
        return Model().fit(summary)

    def check(fitted):
        # The rows the likelihood saw (distinct rows with weights, or every row), from the fit.
        return {k: float(v) for k, v in fitted.params.items()} | {
            "rows_fitted": int(fitted.n_distinct_rows)
        }

    return run, check


def main(argv: list[str]) -> None:
    worker_main(argv, _fit, _summary)


if __name__ == "__main__":
    main(sys.argv[1:])

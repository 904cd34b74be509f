"""Run one crmstudy benchmark case in this (fresh) process: ``python -m benchmarks.worker SPEC``.

``SPEC`` is JSON with ``case`` (``summary``, ``holdout`` or ``fit``), ``engine`` or ``model``,
``path`` (the Parquet log, or a customer summary for fits), ``repeats`` and ``budget_s``.
Loading the input (into pandas or polars memory) happens before the clock starts; the DuckDB
and Dask engines are given the Parquet path, so their time includes reading it.
"""

from __future__ import annotations

import sys

import numpy as np
import pandas as pd

from benchmarks._measure import worker_main


def _check(frame: pd.DataFrame) -> dict:
    """Column sums of a summary, for the parent to compare implementations."""
    return {c: float(frame[c].sum()) for c in frame.columns if frame[c].dtype.kind in "if"}


def _engine_input(engine: str, path: str):
    if engine == "pandas":
        return pd.read_parquet(path)
    if engine == "polars":
        import polars as pl

        return pl.read_parquet(f"{path}/*.parquet")
    if engine == "duckdb":
        return path  # a folder of Parquet files: read out of core by DuckDB
    if engine == "dask":
        import dask.dataframe as dd

        return dd.read_parquet(path)
    raise SystemExit(f"unknown engine {engine!r}")


def _summary(spec: dict):
    from crmstudy.transactions import calibration_holdout, rfm_summary

    end = spec["observation_end"]
    if spec["engine"] == "floor":
        from benchmarks import floor
        from crmstudy.units import DAYS_PER_PERIOD

        end_day = int(np.datetime64(end, "D").astype("int64"))
        arrays = floor.prepare(spec["path"], end_day)
        days = DAYS_PER_PERIOD[spec["period"]]

        def run():
            return floor.summary(*arrays, end_day, days)

        def check(result):
            names = ["frequency", "recency", "T", "monetary_value"]
            return {k: float(np.sum(v)) for k, v in zip(names, result, strict=True)}

        return run, check
    data = _engine_input(spec["engine"], spec["path"])
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
    summary = pd.read_parquet(spec["path"])
    summary.attrs["period"] = "W"
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
        return {k: float(v) for k, v in fitted.params.items()}

    return run, check


def main(argv: list[str]) -> None:
    worker_main(argv, _fit, _summary)


if __name__ == "__main__":
    main(sys.argv[1:])

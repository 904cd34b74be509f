"""Run one benchmark case on a peer library, inside that peer's virtual environment.

``<peer venv>/bin/python -m benchmarks.peer_worker SPEC`` (from the repository root). This file
imports only the standard library, the peer and pandas, never crmstudy.

Cases (``SPEC["case"]``):

* ``summary``: lifetimes ``summary_data_from_transaction_data`` with ``freq`` "D" or "W", or
  pymc-marketing ``clv.utils.rfm_summary`` with ``time_unit`` "D" or "W";
* ``holdout``: lifetimes ``calibration_and_holdout_data`` / pymc-marketing
  ``clv.utils.rfm_train_test_split``;
* ``fit``: lifetimes ``BetaGeoFitter``, ``ParetoNBDFitter``, ``GammaGammaFitter`` on a
  customer summary (the same file crmstudy's fits read).

Note the peers' conventions: with ``freq="W"`` lifetimes (and pymc-marketing with
``time_unit="W"``) counts distinct purchase *weeks* and measures time in whole weeks, whereas
crmstudy (following Fader, Hardie & Lee 2005) counts distinct days and measures time in days
divided by 7. Their daily summaries use the same convention as crmstudy's.
"""

from __future__ import annotations

import sys

from benchmarks._measure import worker_main


def _read_log(path: str, ids: str | None):
    import pandas as pd

    log = pd.read_parquet(path)
    if ids == "int" and log["customer_id"].dtype.kind != "i":
        log["customer_id"] = log["customer_id"].astype("int64")
    return log


def _summary_case(spec: dict):
    """The peer's summary or holdout split; ``from_parquet``: reading the file is timed too.

    A peer takes a pandas frame only, so "from Parquet" is ``pd.read_parquet`` and the call.
    """
    from_parquet = bool(spec.get("from_parquet"))
    log = None if from_parquet else _read_log(spec["path"], spec.get("ids"))
    unit = spec["period"]
    end = spec["observation_end"]

    def frame():
        return _read_log(spec["path"], spec.get("ids")) if from_parquet else log

    if spec["library"] == "lifetimes":
        from lifetimes import utils

        if spec["case"] == "summary":

            def run():
                return utils.summary_data_from_transaction_data(
                    frame(),
                    "customer_id",
                    "date",
                    monetary_value_col="amount",
                    observation_period_end=end,
                    freq=unit,
                )

        else:

            def run():
                return utils.calibration_and_holdout_data(
                    frame(),
                    "customer_id",
                    "date",
                    calibration_period_end=spec["calibration_end"],
                    observation_period_end=end,
                    freq=unit,
                    monetary_value_col="amount",
                )

    else:
        from pymc_marketing.clv import utils

        if spec["case"] == "summary":

            def run():
                return utils.rfm_summary(
                    frame(),
                    "customer_id",
                    "date",
                    monetary_value_col="amount",
                    observation_period_end=end,
                    time_unit=unit,
                )

        else:

            def run():
                return utils.rfm_train_test_split(
                    frame(),
                    "customer_id",
                    "date",
                    train_period_end=spec["calibration_end"],
                    test_period_end=end,
                    time_unit=unit,
                    monetary_value_col="amount",
                )

    def check(frame):
        return {c: float(frame[c].sum()) for c in frame.columns if frame[c].dtype.kind in "if"}

    return run, check


def _fit_case(spec: dict):
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter, ParetoNBDFitter

    summary = pd.read_parquet(spec["path"])
    model = spec["model"]
    if model == "gammagamma":
        buyers = summary[(summary["frequency"] > 0) & (summary["monetary_value"] > 0)]

        def run():
            return GammaGammaFitter().fit(buyers["frequency"], buyers["monetary_value"])

    else:
        fitter = BetaGeoFitter if model == "bgnbd" else ParetoNBDFitter

        def run():
            return fitter().fit(summary["frequency"], summary["recency"], summary["T"])

    def check(fitted):
        # lifetimes' own log-likelihood is on rescaled time (BG/NBD, Pareto/NBD), so the
        # estimates themselves are what the table compares.
        return {str(k): float(v) for k, v in fitted.params_.items()}

    return run, check


def main(argv: list[str]) -> None:
    worker_main(argv, _fit_case, _summary_case)


if __name__ == "__main__":
    main(sys.argv[1:])

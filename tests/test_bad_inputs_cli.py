"""Bad inputs to ``crmstudy report`` that must be refused before any kernel starts (issue 22).

One case per class: each would have reached the kernel (or crashed the command) before the
pre-kernel checks, and each must now exit 2 with a message naming the parameter, the file, the
row or the column. No test here starts a kernel: ``run_report`` is replaced by a stub.
"""

from __future__ import annotations

import gzip
import textwrap
from pathlib import Path

import pytest

from crmstudy import cli, reports

NOTEBOOK = """\
# ---
# jupyter:
#   jupytext:
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A notebook that reads a log
#
# Takes a user's own log with a column mapping, for the pre-kernel checks.

# %% tags=["parameters"]
segment: str = (
    "regular"  # customer segment, wrapped over lines by a formatter; choices: regular, high_end
)
transactions_path: str = ""  # own log, CSV/Parquet; empty for none
customer_column: str = "customer_id"  # column of customer ids in the log
date_column: str = "date"  # column of purchase dates in the log
amount_column: str = "amount"  # column of amounts in the log, US$
date_format: str = ""  # strptime format of the dates; empty for ISO dates
calibration_end: str = "1997-09-30"  # last day of the calibration period

# %%
print(segment)
"""


@pytest.fixture
def notebooks(tmp_path) -> Path:
    folder = tmp_path / "notebooks"
    folder.mkdir()
    (folder / "01_log.py").write_text(NOTEBOOK)
    return folder


@pytest.fixture
def jobs(monkeypatch):
    """Record the jobs instead of running them; every run 'succeeds'."""
    seen = []

    def fake(job, out_dir, **kwargs):
        seen.append(job)
        return {"duration_seconds": 0.0}

    monkeypatch.setattr(reports, "run_report", fake)
    return seen


def report(capsys, notebooks, tmp_path, *argv) -> tuple[int, str]:
    code = cli.main(
        ["report", "01_log", *argv, "--notebooks", str(notebooks), "--out", str(tmp_path / "r")]
        + ["--no-progress"]
    )
    return code, capsys.readouterr().err


def write(path: Path, text: str | bytes) -> Path:
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(textwrap.dedent(text))
    return path


LOG = "customer_id,date,amount\n1,1997-01-01,10.5\n2,1997-01-02,3\n"


# Each case: (how the input is made, extra -p arguments, fragments the error must contain).
# Before the pre-kernel checks, every one of these started a kernel and failed there (or, for
# the multi-line declaration, ran with a value the notebook never allows).
CASES = {
    "wrapped declaration loses its choices": (
        None,
        ["-p", "segment=nonsense"],
        ["'segment' must be one of: regular, high_end", "'nonsense'"],
    ),
    "calibration_end not a date": (None, ["-p", "calibration_end=notadate"], ["a date YYYY-MM-DD"]),
    "calibration_end an impossible date": (
        None,
        ["-p", "calibration_end=1997-02-30"],
        ["'calibration_end' must be a date", "'1997-02-30'"],
    ),
    "transactions_path a folder": ("folder", [], ["is a folder", "one CSV or Parquet file"]),
    "ragged CSV": (
        ("ragged.csv", LOG + "3,1997-01-03,4,oops\n"),
        [],
        ["ragged.csv row 4 has 4 fields, the header has 3"],
    ),
    "CSV not UTF-8": (
        ("latin1.csv", LOG.encode() + "4,1997-01-04,5 caf\xe9\n".encode("latin-1")),
        [],
        ["latin1.csv is not UTF-8", "0xe9", "line 4"],
    ),
    "empty CSV": (("empty.csv", ""), [], ["empty.csv is empty"]),
    "CSV with a header only": (("head.csv", "customer_id,date,amount\n"), [], ["no rows"]),
    "column missing, no mapping": (
        ("other.csv", "cust,day,spend\n1,1997-01-01,3\n"),
        [],
        ["other.csv has no column 'customer_id'", "cust, day, spend", "-p customer_column=NAME"],
    ),
    "mapped column absent from the header": (
        ("other2.csv", "cust,day,spend\n1,1997-01-01,3\n"),
        ["-p", "customer_column=cust", "-p", "date_column=day", "-p", "amount_column=amount"],
        ["has no column 'amount'", "-p amount_column=NAME"],
    ),
    "dates that do not match date_format": (
        ("dmy.csv", "cust,day,spend\n1,31/01/1997,3\n2,1997-02-01,3\n"),
        [
            "-p",
            "customer_column=cust",
            "-p",
            "date_column=day",
            "-p",
            "amount_column=spend",
            "-p",
            "date_format=%d/%m/%Y",
        ],
        ["dmy.csv row 3, column 'day'", "'1997-02-01' does not match date_format '%d/%m/%Y'"],
    ),
    "date_format without a directive": (None, ["-p", "date_format=dd/mm/yyyy"], ["strptime"]),
    "corrupt Parquet": (
        ("log.parquet", b"PAR1 this is not parquet"),
        [],
        ["log.parquet is not a readable Parquet file"],
    ),
    "unsupported file type": (("log.xlsx", "x"), [], ["not a .csv, .tsv, .txt or .parquet"]),
}


@pytest.mark.parametrize("case", list(CASES))
def test_bad_input_is_refused_before_any_kernel(capsys, notebooks, tmp_path, jobs, case):
    made, extra, fragments = CASES[case]
    argv = list(extra)
    if made == "folder":
        (tmp_path / "logs").mkdir()
        argv += ["-p", f"transactions_path={tmp_path / 'logs'}"]
    elif made is not None:
        name, content = made
        argv += ["-p", f"transactions_path={write(tmp_path / name, content)}"]
    code, err = report(capsys, notebooks, tmp_path, *argv)
    assert code == 2, err
    for fragment in fragments:
        assert fragment in err
    assert jobs == []


def test_a_log_with_other_column_names_is_mapped_from_the_command_line(
    capsys, notebooks, tmp_path, jobs
):
    log = write(tmp_path / "mine.csv.gz", b"")
    with gzip.open(log, "wt", encoding="utf-8") as handle:
        handle.write("\ufeffcust;x,day,spend\n7,31/01/1997,3\n8,01/02/1997,4\n")
    argv = ["-p", f"transactions_path={log}", "-p", "customer_column=cust;x"]
    argv += ["-p", "date_column=day", "-p", "amount_column=spend", "-p", "date_format=%d/%m/%Y"]
    code, err = report(capsys, notebooks, tmp_path, *argv)
    assert code == 0, err
    (job,) = jobs
    assert job.overrides == {
        "transactions_path": str(log),
        "customer_column": "cust;x",
        "date_column": "day",
        "amount_column": "spend",
        "date_format": "%d/%m/%Y",
    }


def test_a_parameter_file_that_is_not_utf8_is_a_usage_error(capsys, notebooks, tmp_path, jobs):
    scenario = write(tmp_path / "latin1.yaml", "# caf\xe9\nsegment: high_end\n".encode("latin-1"))
    code, err = report(capsys, notebooks, tmp_path, "-f", str(scenario))
    assert code == 2
    assert "latin1.yaml is not UTF-8 text" in err and "line 1" in err and "Traceback" not in err
    assert jobs == []


def test_a_scenario_file_naming_a_bad_log_is_refused_too(capsys, notebooks, tmp_path, jobs):
    bad = write(tmp_path / "ragged.csv", LOG + "3,1997-01-03\n")
    scenario = write(tmp_path / "mine.yaml", f"transactions_path: {bad}\n")
    code, err = report(capsys, notebooks, tmp_path, "-f", str(scenario))
    assert code == 2 and "ragged.csv row 4 has 2 fields" in err


def test_an_unquoted_date_in_a_parameter_file_is_read_as_the_date(
    capsys, notebooks, tmp_path, jobs
):
    # YAML reads `calibration_end: 1997-06-30` as a date, not a string; before, the run stopped
    # with "parameter 'calibration_end' is a str; got datetime.date(1997, 6, 30)".
    scenario = write(tmp_path / "early.yaml", "calibration_end: 1997-06-30\n")
    code, err = report(capsys, notebooks, tmp_path, "-f", str(scenario))
    assert code == 0, err
    (job,) = jobs
    assert job.overrides == {"calibration_end": "1997-06-30"}

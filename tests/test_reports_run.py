"""Tests for crmstudy.reports.run without a kernel: failure details, provenance, publication.

The papermill runs themselves are in tests/test_cli.py.
"""

from __future__ import annotations

import os
from pathlib import Path

import nbformat
import pytest

from crmstudy import reports
from crmstudy.reports.run import PUBLISHED, _input_checksums, _publish, _source_cell_index

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def test_input_checksums_hash_the_files_path_parameters_point_to(tmp_path):
    log = tmp_path / "log.csv"
    log.write_bytes(b"abc")
    sums = _input_checksums({"transactions_path": str(log), "segment": "abc", "x_path": ""})
    # SHA-256("abc") from FIPS 180-2, appendix B.1.
    assert sums == {str(log): "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}


def test_failing_cell_is_counted_in_the_source_notebook_not_the_executed_one():
    new = nbformat.v4
    marker = new.new_markdown_cell("An Exception was encountered", metadata={"tags": []})
    marker.metadata["tags"] = ["papermill-error-cell-tag"]
    injected = new.new_code_cell("divisor = 0", metadata={"tags": ["injected-parameters"]})
    error = new.new_output("error", ename="ZeroDivisionError", evalue="division by zero")
    nb = new.new_notebook(
        cells=[
            marker,  # papermill puts this above everything on failure
            new.new_markdown_cell("# Title"),  # source cell 0
            new.new_code_cell("divisor: int = 1", metadata={"tags": ["parameters"]}),  # 1
            injected,  # papermill's, not in the source
            new.new_code_cell("\n# why\nratio = 1 / divisor", outputs=[error]),  # 2
        ]
    )
    assert _source_cell_index(nb) == (2, "ratio = 1 / divisor")


def test_report_failed_survives_pickling_for_worker_processes():
    import pickle

    exc = reports.ReportFailed(
        "01_ok", "01_ok: failed in cell 4", cell_index=4, ename="ZeroDivisionError"
    )
    back = pickle.loads(pickle.dumps(exc))
    assert (back.report, str(back), back.cell_index, back.ename) == (
        "01_ok",
        "01_ok: failed in cell 4",
        4,
        "ZeroDivisionError",
    )


# --- publication --------------------------------------------------------------------------------


def _report_files(folder: Path, version: str) -> None:
    folder.mkdir(exist_ok=True)
    for suffix in PUBLISHED:
        (folder / f"01_ok{suffix}").write_text(version)


def _versions(folder: Path) -> dict[str, str]:
    return {
        suffix: (folder / f"01_ok{suffix}").read_text()
        for suffix in PUBLISHED
        if (folder / f"01_ok{suffix}").exists()
    }


def test_publishing_moves_every_file_and_the_results_last(tmp_path):
    out, staged = tmp_path / "reports", tmp_path / "staged"
    _report_files(out, "old")
    _report_files(staged, "new")
    _publish(staged, out, "01_ok")
    assert _versions(out) == dict.fromkeys(PUBLISHED, "new")
    assert list(staged.iterdir()) == []
    assert PUBLISHED[-1] == ".results.json"


@pytest.mark.parametrize("moves_before_crash", range(len(PUBLISHED)))
def test_a_crash_while_publishing_never_leaves_results_describing_other_files(
    tmp_path, monkeypatch, moves_before_crash
):
    out, staged = tmp_path / "reports", tmp_path / "staged"
    _report_files(out, "old")
    _report_files(staged, "new")
    real_replace, moves = os.replace, []

    def replace_then_crash(src, dst):
        if len(moves) == moves_before_crash:
            raise OSError("disk full")
        moves.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_then_crash)
    with pytest.raises(OSError, match="disk full"):
        _publish(staged, out, "01_ok")
    monkeypatch.undo()
    left = _versions(out)
    # The index reads the results file: if there is one, the notebook and HTML are of its run.
    if ".results.json" in left:
        assert left[".ipynb"] == left[".html"] == left[".results.json"]
    else:
        assert set(left) == {".ipynb", ".html"}  # the pages stay readable

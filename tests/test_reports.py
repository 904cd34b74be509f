"""Tests for the crmstudy.reports package as a whole: its public names and its layering.

Each module has its own test file, tests/test_reports_<module>.py; nothing there starts a
kernel (the papermill runs are in tests/test_cli.py).
"""

from __future__ import annotations

import ast
from pathlib import Path

from crmstudy import reports
from crmstudy.record import read_results as record_read_results

PACKAGE = Path(reports.__file__).parent
#: What the report modules may import from crmstudy (DESIGN.md layering): nothing higher.
ALLOWED = {
    "crmstudy",
    "crmstudy.errors",
    "crmstudy.record",
    "crmstudy.datasets",
    "crmstudy.formatting",
    "crmstudy.verdicts",
}


def test_read_results_is_reexported():
    assert reports.read_results is record_read_results


def test_every_public_name_is_importable_from_the_package():
    missing = [name for name in reports.__all__ if not hasattr(reports, name)]
    assert missing == []
    assert len(set(reports.__all__)) == len(reports.__all__)


def test_report_modules_import_nothing_above_them():
    imported = set()
    for path in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module:
                imported.add(node.module)
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    ours = {m for m in imported if m.split(".")[0] == "crmstudy"}
    outside = {m for m in ours if not m.startswith("crmstudy.reports")} - ALLOWED
    assert outside == set()


def test_the_notebooks_folder_of_the_checkout_is_found_from_anywhere(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # no ./notebooks here
    monkeypatch.delenv("CRMSTUDY_NOTEBOOKS", raising=False)
    checkout = Path(__file__).resolve().parents[1] / "notebooks"
    assert reports.find_notebooks_dir() == checkout

"""Tests for crmstudy.reports.notebooks: reading a notebook without running it, and the
``.py``/``.ipynb`` pair check behind ``crmstudy check``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from crmstudy.reports import (
    NotebookInfo,
    check_notebook,
    read_notebook,
)

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def _info() -> NotebookInfo:
    return read_notebook(FIXTURES / "01_ok.py")


# --- notebooks, scenarios, planning -----------------------------------------------------------


def test_read_notebook_gets_title_description_parameters_and_scenarios():
    info = _info()
    assert info.problem is None
    assert info.title == "A notebook that works"
    assert info.description.startswith("Records a few numbers and draws one figure")
    assert info.defaults() == {
        "segment": "regular",
        "retention": 0.5,
        "periods": 3,
        "show_figure": True,
    }
    assert list(info.scenarios) == ["high_end"]


def test_a_notebook_needs_exactly_one_parameters_cell(tmp_path):
    source = (FIXTURES / "01_ok.py").read_text()
    doubled = source.replace("# %%\nsurvivors", '# %% tags=["parameters"]\nsurvivors')
    assert doubled != source
    (tmp_path / "05_two.py").write_text(doubled)
    assert "has 2 cells tagged 'parameters'" in read_notebook(tmp_path / "05_two.py").problem


# --- notebook pair check ----------------------------------------------------------------------


def _pair(tmp_path: Path) -> Path:
    import jupytext

    py = tmp_path / "01_ok.py"
    shutil.copy(FIXTURES / "01_ok.py", py)
    jupytext.write(jupytext.read(py), py.with_suffix(".ipynb"))
    return py


def test_check_notebook_accepts_a_synced_pair(tmp_path):
    assert check_notebook(_pair(tmp_path)) == []


def test_check_notebook_finds_a_stale_ipynb(tmp_path):
    py = _pair(tmp_path)
    py.write_text(py.read_text().replace("range(periods + 1)", "range(periods + 2)"))
    problems = check_notebook(py)
    assert len(problems) == 1 and "differ (first at cell 3)" in problems[0]


def test_check_notebook_finds_a_missing_ipynb_outputs_and_wrong_kernel(tmp_path):
    py = _pair(tmp_path)
    ipynb = py.with_suffix(".ipynb")
    nb = nbformat.read(ipynb, as_version=4)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="hi")]
    nb.metadata["kernelspec"]["name"] = "conda-env-crm"
    nbformat.write(nb, ipynb)
    problems = " | ".join(check_notebook(py))
    assert "has outputs" in problems and "kernelspec is 'conda-env-crm'" in problems
    ipynb.unlink()
    assert any("no paired 01_ok.ipynb" in p for p in check_notebook(py))


def test_check_notebook_finds_a_default_outside_its_range(tmp_path):
    py = _pair(tmp_path)
    py.write_text(py.read_text().replace("retention: float = 0.5", "retention: float = 1.5"))
    assert any("must be in [0, 1)" in p for p in check_notebook(py))


def test_check_notebook_finds_a_parameter_line_papermill_cannot_parse(tmp_path):
    py = _pair(tmp_path)
    old = "show_figure: bool = True  # draw the figure"
    py.write_text(py.read_text().replace(old, "show_figure: bool = True  # False = no figure"))
    import jupytext

    jupytext.write(jupytext.read(py), py.with_suffix(".ipynb"))  # still a synced pair
    (problem,) = check_notebook(py)
    assert problem.startswith("01_ok.py: parameters cell line 4: 'show_figure: bool = True")
    assert "more than one '='" in problem and "'show_figure' as an unknown parameter" in problem


def test_check_notebook_reports_an_unreadable_ipynb_instead_of_crashing(tmp_path):
    py = _pair(tmp_path)
    ipynb = py.with_suffix(".ipynb")
    ipynb.write_text("<<<<<<< HEAD\n" + ipynb.read_text())  # a merge conflict left in the file
    (problem,) = check_notebook(py)
    assert "01_ok.ipynb cannot be read" in problem and "jupytext --sync" in problem

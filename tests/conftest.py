"""Shared fixtures: paths, the CDNOW data, and running a notebook under papermill."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"


def execute_notebook(name: str, out_dir: Path, **parameters) -> dict:
    """Run ``notebooks/<name>.py`` through papermill with ``parameters``; return its records.

    The jupytext .py file is the reviewed source, so it is what runs. The executed notebook is
    written to ``out_dir`` and its recorded values are read back with ``crmstudy.read_results``.
    """
    import jupytext
    import papermill

    from crmstudy import read_results

    source = NOTEBOOKS / f"{name}.py"
    nb = jupytext.read(source)
    src_ipynb = out_dir / f"{name}.source.ipynb"
    jupytext.write(nb, src_ipynb)
    out = out_dir / f"{name}.ipynb"
    # The kernel inherits this process's environment; an MPLBACKEND such as Agg would replace the
    # inline backend and the executed notebook would keep no figures.
    os.environ.pop("MPLBACKEND", None)
    papermill.execute_notebook(
        str(src_ipynb),
        str(out),
        parameters=parameters,
        kernel_name="python3",
        cwd=str(NOTEBOOKS),
        progress_bar=False,
    )
    return read_results(out)


@pytest.fixture
def run_notebook(tmp_path):
    """``run_notebook(name, **parameters) -> dict`` of the values the notebook recorded."""

    def _run(name: str, **parameters) -> dict:
        return execute_notebook(name, tmp_path, **parameters)

    return _run


# One large simulated survey per market, shared by test_survey.py and test_value.py (the
# simulation is the expensive part, so it runs once per session, not once per module).
@pytest.fixture(scope="session")
def survey_high():
    from crmstudy.survey import simulate_survey

    return simulate_survey(20_000, seed=11, competition="high", switching_cost=0.3)


@pytest.fixture(scope="session")
def survey_low():
    from crmstudy.survey import simulate_survey

    return simulate_survey(20_000, seed=11, competition="low", switching_cost=0.3)

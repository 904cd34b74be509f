"""Every notebook in notebooks/ is a synced jupytext pair with a valid parameters cell.

For each ``notebooks/NN_topic.py`` (and each ``NN_topic.ipynb``): the paired file exists and has the
same cells (checked through jupytext), the ``.ipynb`` carries no outputs, both declare the python3
kernel, there is exactly one ``parameters`` cell, it parses, and every default satisfies its own
declared choices or range, and papermill's own parser reads the same parameters from it
(:func:`crmstudy.reports.check_notebook`). Scenario files under
``notebooks/params/<NAME>/`` must name a notebook and validate against its parameters.
No kernel is started.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from crmstudy.reports import (
    NOTEBOOK_STEM,
    check_notebook,
    discover_notebooks,
    orphan_scenarios,
    read_scenario,
    validate_parameters,
)

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def _stems() -> list[str]:
    files = [*NOTEBOOKS.glob("*.py"), *NOTEBOOKS.glob("*.ipynb")]
    return sorted({p.stem for p in files if NOTEBOOK_STEM.match(p.stem)})


@pytest.mark.parametrize("stem", _stems())
def test_notebook_is_a_synced_pair_with_valid_parameters(stem):
    py = NOTEBOOKS / f"{stem}.py"
    assert py.exists(), f"{stem}.ipynb has no paired {stem}.py: run `jupytext --sync {stem}.ipynb`"
    problems = check_notebook(py)
    assert problems == [], f"{py.name}:\n  " + "\n  ".join(problems)


def test_every_scenario_file_names_a_notebook_and_validates():
    notebooks = discover_notebooks(NOTEBOOKS)
    problems = [
        f"{folder}: no notebook named {folder.name}"
        for folder in orphan_scenarios(NOTEBOOKS, notebooks)
    ]
    for info in notebooks.values():
        for scenario in info.scenarios.values():
            try:
                values, _ = read_scenario(scenario)
                validate_parameters(info, values, source=str(scenario))
            except ValueError as exc:
                problems.append(str(exc))
    stray = sorted(p.name for p in (NOTEBOOKS / "params").glob("*.y*ml"))
    if stray:
        problems.append(f"scenario files belong in params/<NOTEBOOK>/, not params/: {stray}")
    assert problems == [], "\n".join(problems)

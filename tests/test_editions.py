"""The teacher's pack: student and teacher editions of a report, and the pack in every notebook.

The editions are rendered from a constructed executed notebook (no kernel). The pack test reads
every notebook of notebooks/: each opens with a `learning_goals` cell and ends with 3 to 5
`exercise` cells, each followed by a `solution` code cell that records `exercise_<k>_answer`.
"""

from __future__ import annotations

import re
from pathlib import Path

import jupytext
import nbformat
import pytest

from crmstudy.record import MIME_TYPE
from crmstudy.reports import render_html
from crmstudy.reports.notebooks import NOTEBOOK_STEM, cell_tags

NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"
STEMS = sorted(p.stem for p in NOTEBOOKS.glob("*.py") if NOTEBOOK_STEM.match(p.stem))
META = {"report": "09_demo", "notebook": "09_demo", "title": "Demo", "run_at_utc": "2026-12-01",
        "duration_seconds": 1.0, "crmstudy_version": "0.1.0", "python_version": "3.11",
        "parameters": {}, "defaults": {}, "results": {}}


def _cell(kind: str, source: str, tags=(), outputs=()):
    cell = (nbformat.v4.new_markdown_cell(source) if kind == "markdown"
            else nbformat.v4.new_code_cell(source, outputs=list(outputs)))
    if tags:
        cell.metadata["tags"] = list(tags)
    return cell


def _answer(k: int, value: float):
    return nbformat.v4.new_output("display_data", data={
        MIME_TYPE: {"name": f"exercise_{k}_answer", "value": value, "label": f"Answer {k}",
                    "unit": "share"},
        "text/plain": f"Answer {k}: {value:.1%}"})


def _notebook():
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        _cell("markdown", "# Demo\n\n## 演示\n\nA question? 一个问题？"),
        _cell("markdown", "**Learning goals · 学习目标**\n\n- one\n- two\n- three", ["learning_goals"]),
    ]
    for k in (1, 2, 3):
        nb.cells.append(_cell("markdown", f"**Exercise {k}.** Change a parameter {k}.", ["exercise"]))
        nb.cells.append(_cell("code", f"secret_solution_{k} = {k} / 10", ["solution"],
                              [_answer(k, k / 10)]))
    return nb


def _cells_tagged(page: str, tag: str) -> int:
    """How many cells of the page carry ``tag`` (nbconvert writes tags as celltag_<tag> classes)."""
    return len(re.findall(rf'<div class="[^"]*\bcelltag_{tag}(?=[\s"])', page))


def _meta():
    from crmstudy.record import recorded_labels, recorded_values

    nb = _notebook()
    return {**META, "results": recorded_values(nb), "labels": recorded_labels(nb)}


def test_the_student_edition_contains_no_solution_cell_and_no_answer():
    page = render_html(_notebook(), _meta(), edition="student")
    assert _cells_tagged(page, "solution") == 0
    assert "secret_solution" not in page and "Answer 1" not in page and "exercise_1_answer" not in page
    assert _cells_tagged(page, "exercise") == 3 and "Change a parameter 3." in page
    assert _cells_tagged(page, "learning_goals") == 1 and "Student edition" in page


def test_the_teacher_edition_shows_each_solution_with_its_code_and_answer():
    page = render_html(_notebook(), _meta(), edition="teacher")
    for k in (1, 2, 3):
        assert f"secret_solution_{k}" in page
        assert f"Answer {k}: {k / 10:.1%}" in page
    assert _cells_tagged(page, "solution") == 3 and "Teacher edition" in page


def test_the_report_keeps_solutions_hidden_code_and_lists_the_answers():
    page = render_html(_notebook(), _meta())
    assert "secret_solution" not in page  # code is hidden in every report
    assert "Answer 2</td><td>20.0%" in page  # labelled, in its unit


def test_an_unknown_edition_is_refused():
    with pytest.raises(ValueError, match="edition must be one of"):
        render_html(_notebook(), _meta(), edition="parent")


# --- the pack in every notebook (fails until each owner's notebook carries it) ------------------


@pytest.mark.parametrize("stem", STEMS)
def test_every_notebook_has_learning_goals_exercises_and_a_solution_for_each(stem):
    nb = jupytext.read(NOTEBOOKS / f"{stem}.py")
    tags = [cell_tags(c) for c in nb.cells]
    goals = [i for i, t in enumerate(tags) if "learning_goals" in t]
    problems = []
    if len(goals) != 1:
        problems.append(f"{len(goals)} cells tagged learning_goals (one, near the top)")
    else:
        text = nb.cells[goals[0]].source
        if "Learning goals" not in text or "学习目标" not in text:
            problems.append("the learning_goals cell says 'Learning goals' and '学习目标'")
        if goals[0] > 3:
            problems.append(f"learning goals at cell {goals[0]}: put them near the top")
    exercises = [i for i, t in enumerate(tags) if "exercise" in t]
    if not 3 <= len(exercises) <= 5:
        problems.append(f"{len(exercises)} exercise cells (3 to 5)")
    for k, i in enumerate(exercises, start=1):
        following = nb.cells[i + 1] if i + 1 < len(nb.cells) else None
        if following is None or following.cell_type != "code" or "solution" not in cell_tags(following):
            problems.append(f"exercise {k} (cell {i}) is not followed by a code cell tagged solution")
        elif not re.search(rf"exercise_{k}_answer", following.source):
            problems.append(f"the solution of exercise {k} does not record exercise_{k}_answer")
    solutions = sum("solution" in t for t in tags)
    if solutions != len(exercises):
        problems.append(f"{solutions} solution cells for {len(exercises)} exercises")
    assert problems == [], f"{stem}: " + "; ".join(problems)

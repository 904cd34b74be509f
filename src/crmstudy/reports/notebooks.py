"""The notebooks: finding them, reading a notebook's title, description and parameters without
running it, and checking a jupytext ``.py``/``.ipynb`` pair.

A notebook under ``notebooks/`` is a jupytext "percent" file ``NN_topic.py`` with exactly one cell
tagged ``parameters`` (see :mod:`crmstudy.reports.schema`). Its first markdown cell gives its title
(the ``# Title`` line) and its one-line description (the first paragraph after it). Its scenario
files are ``notebooks/params/<NOTEBOOK>/*.yaml`` (see :mod:`crmstudy.reports.plan`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmstudy.errors import ParameterError
from crmstudy.reports.schema import Parameter, papermill_disagreements, parse_parameters

__all__ = [
    "KERNEL_NAME",
    "NOTEBOOK_STEM",
    "NotebookInfo",
    "check_notebook",
    "discover_notebooks",
    "find_notebooks_dir",
    "read_notebook",
]

#: A notebook's file stem: two digits, an underscore, a topic (``01_retention``).
NOTEBOOK_STEM = re.compile(r"^\d\d_\w+$")
#: The kernel every report runs on.
KERNEL_NAME = "python3"


@dataclass
class NotebookInfo:
    """What ``crmstudy list`` shows about one notebook, read without running it.

    ``problem`` is set (and ``parameters`` empty) when the notebook's parameters cell or title
    cannot be read; such a notebook cannot be reported until it is fixed.
    """

    name: str
    path: Path
    title: str = ""
    description: str = ""
    parameters: dict[str, Parameter] = field(default_factory=dict)
    scenarios: dict[str, Path] = field(default_factory=dict)
    problem: str | None = None

    def defaults(self) -> dict[str, Any]:
        return {name: p.default for name, p in self.parameters.items()}


def cell_tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _title_and_description(nb) -> tuple[str, str]:
    """The ``# Title`` line and the first paragraph after it that is not a heading (a Chinese
    title on the line under the English one is a heading, not the description)."""
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        title, paragraph, seen_title = "", [], False
        for line in cell.source.splitlines():
            stripped = line.strip()
            if not seen_title:
                if stripped.startswith("# "):
                    title, seen_title = stripped[2:].strip(), True
                continue
            if stripped.startswith("#") and not paragraph:
                continue
            if not stripped:
                if paragraph:
                    break
                continue
            paragraph.append(stripped)
        # Plain text: the index and the report header show it escaped, so bold markers go.
        return title, " ".join(paragraph).replace("**", "")
    return "", ""


def read_notebook(path: str | os.PathLike, scenarios_dir: Path | None = None) -> NotebookInfo:
    """Read a jupytext ``.py`` notebook's title, description, parameters and scenario files.

    ``scenarios_dir`` defaults to ``<notebook folder>/params``; the notebook's scenarios are the
    ``*.yaml`` files in ``<scenarios_dir>/<name>/``. Problems are reported in ``problem``.
    """
    import jupytext

    path = Path(path)
    info = NotebookInfo(name=path.stem, path=path)
    sdir = (scenarios_dir or path.parent / "params") / path.stem
    if sdir.is_dir():
        info.scenarios = {p.stem: p for p in sorted([*sdir.glob("*.yaml"), *sdir.glob("*.yml")])}
    try:
        nb = jupytext.read(path)
    except Exception as exc:  # noqa: BLE001 - any unreadable file is reported, not raised
        info.problem = f"cannot be read by jupytext: {exc}"
        return info
    info.title, info.description = _title_and_description(nb)
    cells = [c for c in nb.cells if "parameters" in cell_tags(c)]
    if len(cells) != 1:
        info.problem = f"has {len(cells)} cells tagged 'parameters'; it needs exactly one"
        return info
    try:
        info.parameters = parse_parameters(cells[0].source, f"{path.name}: parameters cell")
    except ParameterError as exc:
        info.problem = str(exc)
    return info


def find_notebooks_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The notebooks folder: ``explicit``, else ``$CRMSTUDY_NOTEBOOKS``, else ``./notebooks``,
    else the ``notebooks/`` folder of the source checkout this package is installed from."""
    for candidate in (explicit, os.environ.get("CRMSTUDY_NOTEBOOKS")):
        if candidate:
            path = Path(candidate)
            if not path.is_dir():
                raise ParameterError(f"notebooks folder {path} does not exist")
            return path
    here = Path.cwd() / "notebooks"
    if here.is_dir():
        return here
    checkout = Path(__file__).resolve().parents[3] / "notebooks"
    if checkout.is_dir():
        return checkout
    raise ParameterError(
        "no notebooks folder found: run crmstudy from the project folder, or pass --notebooks DIR "
        "(or set CRMSTUDY_NOTEBOOKS)"
    )


def discover_notebooks(notebooks_dir: str | os.PathLike) -> dict[str, NotebookInfo]:
    """Every ``NN_topic.py`` notebook in ``notebooks_dir``, by name, in file-name order."""
    notebooks_dir = Path(notebooks_dir)
    return {
        p.stem: read_notebook(p)
        for p in sorted(notebooks_dir.glob("*.py"))
        if NOTEBOOK_STEM.match(p.stem)
    }


def check_notebook(py_path: str | os.PathLike) -> list[str]:
    """Problems with a notebook ``NN_topic.py`` and its paired ``.ipynb``; empty when all is well.

    Checks: the ``.ipynb`` exists, has the same cells (type, source, tags) and no outputs; both
    declare the ``python3`` kernel; there is exactly one ``parameters`` cell, it parses, and every
    default satisfies its own choices or range, and papermill's own parser reads the same
    parameters from it; the first markdown cell has a title and a description.
    """
    import jupytext

    py_path = Path(py_path)
    problems: list[str] = []
    info = read_notebook(py_path)
    if info.problem:
        problems.append(info.problem)
    if not info.title or not info.description:
        problems.append("first markdown cell needs a '# Title' line and a description paragraph")
    py_nb = jupytext.read(py_path)
    if not info.problem:  # then it has exactly one parameters cell, and the cell parses
        (cell,) = (c for c in py_nb.cells if "parameters" in cell_tags(c))
        problems += papermill_disagreements(cell.source, f"{py_path.name}: parameters cell")
    ipynb_path = py_path.with_suffix(".ipynb")
    ipynb_nb = None
    if not ipynb_path.exists():
        problems.append(f"no paired {ipynb_path.name}: run `jupytext --sync {py_path}`")
    else:
        try:
            ipynb_nb = jupytext.read(ipynb_path)
        except Exception as exc:  # noqa: BLE001 - e.g. a merge conflict left in the JSON
            problems.append(
                f"{ipynb_path.name} cannot be read ({type(exc).__name__}): delete it and run "
                f"`jupytext --sync {py_path}`"
            )
    for label, nb in (("py", py_nb), ("ipynb", ipynb_nb)):
        if nb is None:
            continue
        kernel = nb.metadata.get("kernelspec", {}).get("name")
        if kernel != KERNEL_NAME:
            problems.append(f"the .{label} file's kernelspec is {kernel!r}, not '{KERNEL_NAME}'")
    if ipynb_nb is not None:

        def shape(nb):
            return [(c.cell_type, c.source.rstrip(), sorted(cell_tags(c))) for c in nb.cells]

        if shape(py_nb) != shape(ipynb_nb):
            first = next(
                (
                    i
                    for i, (a, b) in enumerate(zip(shape(py_nb), shape(ipynb_nb), strict=False))
                    if a != b
                ),
                min(len(py_nb.cells), len(ipynb_nb.cells)),
            )
            problems.append(
                f"{py_path.name} and {ipynb_path.name} differ (first at cell {first}): "
                f"run `jupytext --sync {py_path}`"
            )
        if any(c.get("outputs") for c in ipynb_nb.cells if c.cell_type == "code"):
            from crmstudy.reports.classroom import filter_installed

            # With the strip filter registered, git commits the notebook without its outputs.
            if not filter_installed(ipynb_path):
                problems.append(
                    f"{ipynb_path.name} has outputs: commit it cleared, or run `make hooks` "
                    "once so that git strips outputs from every notebook it commits"
                )
    return problems

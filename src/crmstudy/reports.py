"""Reports: a notebook's parameter schema, validation, papermill runs, offline HTML and an index.

A notebook under ``notebooks/`` is a jupytext "percent" file ``NN_topic.py`` with one cell tagged
``parameters`` that declares one parameter per line::

    segment: str = "high_end"  # customer segment; choices: regular, high_end
    discount_rate: float = 0.10  # per year; range: [0, 1)

The type is one of ``int``, ``float``, ``str``, ``bool``; the comment is the help text, and an
optional ``choices: a, b`` or ``range: [lo, hi)`` segment (after a ``;``) states the allowed values
(``[``/``]`` closed, ``(``/``)`` open, ``inf`` allowed). The notebook's first markdown cell gives its
title (the ``# Title`` line) and its one-line description (the first paragraph after it).

Scenario files live at ``notebooks/params/<NOTEBOOK>/<scenario>.yaml``: a flat mapping of parameter
names to values; comment lines at the top describe the scenario. The report of a scenario is named
``<NOTEBOOK>__<scenario>``.

:func:`run_report` executes one :class:`Job` through papermill in a temporary folder, and moves the
executed ``.ipynb``, the ``.html`` (code hidden, figures embedded, no remote script or stylesheet)
and the ``.results.json`` into the output folder only when everything succeeded. A failed run leaves
the last good report untouched and keeps the failed notebook as ``<report>.failed.ipynb``.
"""

from __future__ import annotations

import ast
import difflib
import html
import json
import math
import os
import re
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crmstudy.errors import CrmstudyError, ParameterError
from crmstudy.record import MIME_TYPE, read_results, recorded_values

__all__ = [
    "Job",
    "NotebookInfo",
    "Parameter",
    "Range",
    "ReportFailed",
    "check_notebook",
    "discover_notebooks",
    "find_notebooks_dir",
    "orphan_scenarios",
    "parse_parameters",
    "plan_all",
    "plan_jobs",
    "read_notebook",
    "read_results",
    "read_scenario",
    "remote_references",
    "render_html",
    "resolve_name",
    "run_report",
    "scenario_job",
    "validate_parameters",
    "write_index",
]

#: A notebook's file stem: two digits, an underscore, a topic (``01_retention``).
NOTEBOOK_STEM = re.compile(r"^\d\d_\w+$")
#: How many recorded numbers (the first ones) the index shows per report.
INDEX_NUMBERS = 10
#: The kernel every report runs on.
KERNEL_NAME = "python3"
_TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}
_RANGE = re.compile(r"^([\[(])\s*([^,]+?)\s*,\s*([^,]+?)\s*([\])])$")
_SCENARIO_SEP = "__"
#: Anything in a page that makes a browser fetch from the network: a remote script, stylesheet,
#: CSS import or url(). Links (<a href>) are fine: they are not needed to render the page.
_REMOTE = re.compile(
    r"(?:<script[^>]+src=[\"']?|<link[^>]+href=[\"']?|@import\s+(?:url\()?[\"']?|url\([\"']?)"
    r"(?:https?:)?//[^\s\"'<>)]*",
    re.IGNORECASE,
)


class ReportFailed(CrmstudyError, RuntimeError):
    """A notebook raised while running (or its report could not be written).

    ``cell_index`` counts the notebook's cells from 0, markdown included, as in the ``.py`` source;
    it is None when the failure is not in a cell (kernel died, HTML could not be rendered).
    """

    def __init__(
        self,
        report: str,
        message: str,
        *,
        cell_index: int | None = None,
        ename: str = "",
        evalue: str = "",
        failed_path: Path | None = None,
    ):
        super().__init__(message)
        self.report = report
        self.cell_index = cell_index
        self.ename = ename
        self.evalue = evalue
        self.failed_path = failed_path

    def __reduce__(self):
        # Picklable, so a report run in a worker process (crmstudy report -j N) can raise it.
        return (self.__class__, (self.report, str(self)), self.__dict__)


# --------------------------------------------------------------------------------------------
# Parameter schema
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Range:
    """An interval ``[lo, hi)`` and the like; ``lo_closed``/``hi_closed`` say which ends belong."""

    lo: float
    hi: float
    lo_closed: bool
    hi_closed: bool

    def __contains__(self, value: float) -> bool:
        above = value >= self.lo if self.lo_closed else value > self.lo
        below = value <= self.hi if self.hi_closed else value < self.hi
        return above and below

    def __str__(self) -> str:
        def fmt(x: float) -> str:
            return str(int(x)) if math.isfinite(x) and x == int(x) else str(x)

        return (
            f"{'[' if self.lo_closed else '('}{fmt(self.lo)}, {fmt(self.hi)}"
            f"{']' if self.hi_closed else ')'}"
        )


@dataclass(frozen=True)
class Parameter:
    """One declared notebook parameter: ``name: type = default  # help; choices/range``."""

    name: str
    type: type
    default: Any
    help: str = ""
    choices: tuple | None = None
    range: Range | None = None

    @property
    def type_name(self) -> str:
        return self.type.__name__

    @property
    def _a_type(self) -> str:
        return ("an " if self.type is int else "a ") + self.type_name

    def allowed(self) -> str:
        """The allowed values in words ('one of: a, b', 'in [0, 1)'), or '' when unrestricted."""
        if self.choices is not None:
            return "one of: " + ", ".join(str(c) for c in self.choices)
        if self.range is not None:
            return f"in {self.range}"
        return ""

    def coerce(self, value: Any, *, from_text: bool = False) -> Any:
        """Return ``value`` as this parameter's type, checked against its choices or range.

        ``from_text`` is for command-line values (``-p key=value``): the string is parsed as the
        declared type (bool accepts true/false/1/0/yes/no). Other values (from YAML or Python)
        must already have the type; an int is accepted for a float.
        Raises :class:`ParameterError` naming the parameter, the value and what is allowed.
        """
        typed = self._parse_text(value) if from_text and isinstance(value, str) else value
        if self.type is float and isinstance(typed, int) and not isinstance(typed, bool):
            typed = float(typed)
        if not isinstance(typed, self.type) or (self.type is int and isinstance(typed, bool)):
            raise ParameterError(
                f"parameter '{self.name}' is {self._a_type}; got {value!r} "
                f"({type(value).__name__})" + self._hint()
            )
        if self.type is float and math.isnan(typed):
            raise ParameterError(f"parameter '{self.name}' is a float; got NaN" + self._hint())
        self.check(typed)
        return typed

    def check(self, value: Any) -> None:
        """Raise :class:`ParameterError` when ``value`` is outside the declared choices or range."""
        if self.choices is not None and value not in self.choices:
            raise ParameterError(f"parameter '{self.name}' must be {self.allowed()}; got {value!r}")
        if self.range is not None and value not in self.range:
            raise ParameterError(f"parameter '{self.name}' must be {self.allowed()}; got {value!r}")

    def _hint(self) -> str:
        allowed = self.allowed()
        return f"; allowed: {allowed}" if allowed else ""

    def _parse_text(self, text: str) -> Any:
        stripped = text.strip()
        try:
            if self.type is bool:
                if stripped.lower() in _TRUE:
                    return True
                if stripped.lower() in _FALSE:
                    return False
                raise ValueError
            if self.type is int:
                return int(stripped)
            if self.type is float:
                return float(stripped)
        except ValueError:
            kind = "true/false/yes/no/1/0" if self.type is bool else self._a_type
            raise ParameterError(
                f"parameter '{self.name}' is {self._a_type}; '{text}' is not {kind}" + self._hint()
            ) from None
        return text


def _parse_bound(text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ParameterError(f"{where}: range bound '{text}' is not a number") from None


def _parse_comment(comment: str, ptype: type, where: str) -> tuple[str, tuple | None, Range | None]:
    """Split a parameter comment into help text, choices and range."""
    help_parts: list[str] = []
    choices: tuple | None = None
    interval: Range | None = None
    for part in (p.strip() for p in comment.split(";")):
        key, _, rest = part.partition(":")
        key = key.strip().lower()
        if key == "choices" and rest.strip():
            items = [c.strip().strip("'\"") for c in rest.split(",") if c.strip()]
            try:
                choices = tuple(_parse_choice(c, ptype) for c in items)
            except ValueError:
                raise ParameterError(
                    f"{where}: choices {items} are not all of type {ptype.__name__}"
                ) from None
        elif key == "range" and rest.strip():
            match = _RANGE.match(rest.strip())
            if match is None:
                raise ParameterError(
                    f"{where}: range '{rest.strip()}' is not of the form [lo, hi) "
                    "(brackets: [ ] closed, ( ) open)"
                )
            left, lo, hi, right = match.groups()
            interval = Range(
                _parse_bound(lo, where), _parse_bound(hi, where), left == "[", right == "]"
            )
        elif part:
            help_parts.append(part)
    return "; ".join(help_parts), choices, interval


def _parse_choice(text: str, ptype: type) -> Any:
    if ptype is bool:
        return text.lower() in _TRUE
    return ptype(text)


def parse_parameters(source: str, where: str = "parameters cell") -> dict[str, Parameter]:
    """Parse the source of a ``parameters`` cell into ``{name: Parameter}``, in declaration order.

    Every statement must be ``name: type = literal`` with type int, float, str or bool; blank and
    comment-only lines are allowed. Raises :class:`ParameterError` naming the offending line.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{where} line {exc.lineno}: not valid Python ({exc.msg})") from None
    lines = source.splitlines()
    params: dict[str, Parameter] = {}
    for node in tree.body:
        here = f"{where} line {node.lineno}"
        if not (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(node.annotation, ast.Name)
            and node.value is not None
        ):
            raise ParameterError(
                f"{here}: '{lines[node.lineno - 1].strip()}' is not of the form "
                "'name: type = default  # help' (one parameter per line)"
            )
        name = node.target.id
        type_name = node.annotation.id
        if type_name not in _TYPES:
            raise ParameterError(
                f"{here}: parameter '{name}' has type '{type_name}'; use one of int, float, str, bool"
            )
        ptype = _TYPES[type_name]
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"{here}: the default of '{name}' must be a literal (a number, string or bool)"
            ) from None
        line = lines[node.end_lineno - 1]
        tail = line[node.end_col_offset :].strip()
        comment = tail[1:].strip() if tail.startswith("#") else ""
        help_text, choices, interval = _parse_comment(comment, ptype, here)
        if name in params:
            raise ParameterError(f"{here}: parameter '{name}' is declared twice")
        param = Parameter(name, ptype, default, help_text, choices, interval)
        try:
            default = param.coerce(default)
        except ParameterError as exc:
            raise ParameterError(
                f"{here}: the default does not fit its declaration: {exc}"
            ) from None
        params[name] = Parameter(name, ptype, default, help_text, choices, interval)
    return params


# --------------------------------------------------------------------------------------------
# Notebooks and scenarios
# --------------------------------------------------------------------------------------------


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


def _cell_tags(cell) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def _title_and_description(nb) -> tuple[str, str]:
    for cell in nb.cells:
        if cell.cell_type != "markdown":
            continue
        lines = cell.source.splitlines()
        title, paragraph, seen_title = "", [], False
        for line in lines:
            stripped = line.strip()
            if not seen_title:
                if stripped.startswith("# "):
                    title, seen_title = stripped[2:].strip(), True
                continue
            if not stripped:
                if paragraph:
                    break
                continue
            paragraph.append(stripped)
        return title, " ".join(paragraph)
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
    cells = [c for c in nb.cells if "parameters" in _cell_tags(c)]
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
    checkout = Path(__file__).resolve().parents[2] / "notebooks"
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


def read_scenario(path: str | os.PathLike) -> tuple[dict[str, Any], str]:
    """Read a scenario YAML file: ``(parameters, description)``.

    The file is a flat mapping ``name: value``; its leading comment lines are the description.
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"no parameter file at {path}")
    text = path.read_text(encoding="utf-8")
    description = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        description.append(line.lstrip("#").strip())
    try:
        values = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ParameterError(f"{path} is not valid YAML: {exc}") from None
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise ParameterError(f"{path} must be a mapping of parameter names to values")
    return {str(k): v for k, v in values.items()}, " ".join(d for d in description if d)


def _suggest(word: str, options: list[str]) -> str:
    close = difflib.get_close_matches(word, options, n=1, cutoff=0.5)
    return f"did you mean '{close[0]}'? " if close else ""


def validate_parameters(
    info: NotebookInfo, values: Mapping[str, Any], *, from_text: bool = False, source: str = ""
) -> dict[str, Any]:
    """Check ``values`` against the notebook's declared parameters; return them coerced.

    Unknown names raise :class:`ParameterError` listing the valid names with the closest one
    suggested; type, choice and range mismatches raise it too. ``source`` (e.g. '-p' or a file
    name) is added to the message. No kernel is started.
    """
    if info.problem:
        raise ParameterError(f"notebook {info.name} {info.problem}")
    where = f" (from {source})" if source else ""
    coerced = {}
    for name, value in values.items():
        if name not in info.parameters:
            valid = list(info.parameters)
            raise ParameterError(
                f"notebook {info.name} has no parameter '{name}'{where}; {_suggest(name, valid)}"
                f"its parameters are: {', '.join(valid) or '(none)'}"
            )
        try:
            coerced[name] = info.parameters[name].coerce(value, from_text=from_text)
        except ParameterError as exc:
            raise ParameterError(f"notebook {info.name}: {exc}{where}") from None
    return coerced


def _resolve_paths(values: dict[str, Any], base: Path) -> dict[str, Any]:
    """Make non-empty ``*_path`` parameters absolute (they are read with the kernel in
    notebooks/, but the user wrote them relative to where they ran the command), and check that
    the file exists before any kernel starts."""
    out = dict(values)
    for name, value in values.items():
        if name.endswith("_path") and isinstance(value, str) and value:
            path = Path(value).expanduser()
            path = path if path.is_absolute() else (base / path).resolve()
            if not path.exists():
                raise ParameterError(f"parameter '{name}': no file at {path}")
            out[name] = str(path)
    return out


@dataclass
class Job:
    """One report to render: a notebook, the parameters that differ from its defaults, a name."""

    report: str
    notebook: NotebookInfo
    overrides: dict[str, Any] = field(default_factory=dict)
    scenario: str | None = None
    scenario_file: Path | None = None
    scenario_description: str = ""

    def parameters(self) -> dict[str, Any]:
        """Every parameter's value in this run (defaults updated with the overrides)."""
        return {**self.notebook.defaults(), **self.overrides}


def resolve_name(name: str, notebooks: Mapping[str, NotebookInfo]) -> str:
    """A notebook's full name from ``name`` or its unique number prefix ('01' -> '01_retention').

    Raises :class:`ParameterError` listing the notebooks and the closest name.
    """
    if name in notebooks:
        return name
    stem = name.removesuffix(".py").removesuffix(".ipynb")
    stem = Path(stem).name
    if stem in notebooks:
        return stem
    prefixed = [n for n in notebooks if n.startswith(stem + "_")] if stem.isdigit() else []
    if len(prefixed) == 1:
        return prefixed[0]
    valid = list(notebooks)
    raise ParameterError(
        f"no notebook named '{name}'; {_suggest(name, valid)}"
        f"the notebooks are: {', '.join(valid) or '(none found)'}"
    )


def scenario_job(info: NotebookInfo, scenario_file: Path, cwd: Path) -> Job:
    """The job of a scenario file: report ``NAME__<file stem>`` with the file's parameters."""
    values, description = read_scenario(scenario_file)
    overrides = validate_parameters(info, values, source=str(scenario_file))
    return Job(
        report=f"{info.name}{_SCENARIO_SEP}{Path(scenario_file).stem}",
        notebook=info,
        overrides=_resolve_paths(overrides, cwd),
        scenario=Path(scenario_file).stem,
        scenario_file=Path(scenario_file),
        scenario_description=description,
    )


def plan_jobs(
    notebooks: Mapping[str, NotebookInfo],
    names: list[str],
    *,
    params: list[str] | None = None,
    param_file: str | os.PathLike | None = None,
    cwd: Path | None = None,
) -> list[Job]:
    """Turn a ``crmstudy report NAME... -p k=v -f file.yaml`` request into validated jobs.

    ``-p`` values override those of ``-f``. With ``-f`` the report is ``NAME__<file stem>``.
    Everything is checked here, before any kernel starts; errors raise :class:`ParameterError`.
    """
    cwd = cwd or Path.cwd()
    pairs: dict[str, str] = {}
    for item in params or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"-p expects key=value; got '{item}'")
        pairs[key.strip()] = value
    if not names:
        raise ParameterError("name at least one notebook, or use --all")
    jobs = []
    for raw in names:
        info = notebooks[resolve_name(raw, notebooks)]
        if param_file is not None:
            job = scenario_job(info, Path(param_file), cwd)
        else:
            job = Job(report=info.name, notebook=info)
        extra = validate_parameters(info, pairs, from_text=True, source="-p")
        job.overrides.update(_resolve_paths(extra, cwd))
        jobs.append(job)
    return jobs


def plan_all(
    notebooks: Mapping[str, NotebookInfo], cwd: Path | None = None
) -> tuple[list[Job], list[str]]:
    """Every notebook at its defaults plus every scenario file: ``(jobs, problems)``.

    A notebook or scenario file that does not validate is not a job: it is listed in
    ``problems`` (so the others still run, and the caller can still exit non-zero).
    """
    cwd = cwd or Path.cwd()
    jobs: list[Job] = []
    problems: list[str] = []
    for info in notebooks.values():
        if info.problem:
            problems.append(f"{info.name}: {info.problem}")
            continue
        jobs.append(Job(report=info.name, notebook=info))
        for path in info.scenarios.values():
            try:
                jobs.append(scenario_job(info, path, cwd))
            except ParameterError as exc:
                problems.append(f"{info.name}{_SCENARIO_SEP}{path.stem}: {exc}")
    return jobs, problems


def orphan_scenarios(notebooks_dir: Path, notebooks: Mapping[str, NotebookInfo]) -> list[Path]:
    """Scenario folders under ``params/`` that name no notebook (most likely a typo)."""
    params = notebooks_dir / "params"
    if not params.is_dir():
        return []
    return sorted(p for p in params.iterdir() if p.is_dir() and p.name not in notebooks)


# --------------------------------------------------------------------------------------------
# Running a report
# --------------------------------------------------------------------------------------------


def _source_cell_index(nb) -> tuple[int | None, str]:
    """Index (from 0, in the .py source) and first code line of the cell that raised."""
    index = 0
    for cell in nb.cells:
        tags = _cell_tags(cell)
        if "injected-parameters" in tags or "papermill-error-cell-tag" in tags:
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                lines = [ln.strip() for ln in cell.source.splitlines() if ln.strip()]
                code = [ln for ln in lines if not ln.startswith("#")]
                return index, (code or lines or [""])[0]
        index += 1
    return None, ""


def _provenance() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    import crmstudy
    from crmstudy.datasets import file_checksums

    packages = {}
    for name in ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "papermill"):
        try:
            packages[name] = version(name)
        except PackageNotFoundError:
            packages[name] = None
    return {
        "crmstudy_version": crmstudy.__version__,
        "python_version": sys.version.split()[0],
        "packages": packages,
        "data_checksums": file_checksums(),
    }


def _input_checksums(values: Mapping[str, Any]) -> dict[str, str]:
    """SHA-256 of each file a ``*_path`` parameter points to (a reader's own data)."""
    from crmstudy.datasets import sha256_file

    return {
        value: sha256_file(value)
        for name, value in values.items()
        if name.endswith("_path") and isinstance(value, str) and value and Path(value).is_file()
    }


#: The matplotlib backend that puts figures into a notebook's outputs.
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"


@contextmanager
def _inline_figures():
    """Give the kernel matplotlib's inline backend for the duration of a run.

    The kernel inherits this process's environment, and a headless setting such as
    ``MPLBACKEND=Agg`` (which ``make`` exports for the tests) would keep every figure a notebook
    returns out of its report: the output would be the text ``<Figure size ...>``.
    """
    before = os.environ.get("MPLBACKEND")
    os.environ["MPLBACKEND"] = INLINE_BACKEND
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("MPLBACKEND", None)
        else:
            os.environ["MPLBACKEND"] = before


def run_report(
    job: Job,
    out_dir: str | os.PathLike,
    *,
    progress: bool | dict = True,
    kernel_name: str = KERNEL_NAME,
    timeout: int | None = None,
) -> dict[str, Any]:
    """Run ``job`` through papermill and write ``<report>.ipynb``, ``.html`` and ``.results.json``.

    Everything is written to a temporary folder inside ``out_dir`` and moved into place only on
    success; a stale ``<report>.failed.ipynb`` is then removed. On failure the previous report is
    left as it was, the executed notebook is kept as ``<report>.failed.ipynb`` and
    :class:`ReportFailed` is raised, naming the notebook, the cell (index from 0, as in the .py
    source) and the exception. The kernel runs with the notebook's folder as working directory.
    Returns the content of the ``.results.json`` file.
    """
    import jupytext
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    # Absolute, because papermill saves the notebook from inside the kernel's working directory.
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    name = job.report
    failed = out_dir / f"{name}.failed.ipynb"
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir))
    executed = tmp / f"{name}.ipynb"
    try:
        nb = jupytext.read(job.notebook.path)
        started = datetime.now(UTC)
        clock = time.perf_counter()
        try:
            with _inline_figures():
                papermill.execute_notebook(
                    nb,
                    str(executed),
                    parameters=dict(job.overrides),
                    kernel_name=kernel_name,
                    cwd=str(job.notebook.path.resolve().parent),
                    progress_bar=progress,
                    execution_timeout=timeout,
                    # Keeps ipykernel's start-up notice about plain-TCP transport off the console.
                    extra_arguments=["--IPKernelApp.log_level=ERROR"],
                )
        except PapermillExecutionError as exc:
            index, first_line = (None, "")
            if executed.exists():
                index, first_line = _source_cell_index(nbformat.read(executed, as_version=4))
                os.replace(executed, failed)
            where = f"cell {index}" if index is not None else f"cell In [{exc.exec_count}]"
            raise ReportFailed(
                name,
                f"{name}: notebook {job.notebook.path.name} failed in {where} "
                f"(counting from 0, markdown included; it starts '{first_line}'): "
                f"{exc.ename}: {exc.evalue}. Failed notebook kept at {failed}",
                cell_index=index,
                ename=exc.ename,
                evalue=exc.evalue,
                failed_path=failed,
            ) from None
        except Exception as exc:  # the kernel died, timed out or could not start
            kept = None
            if executed.exists():
                os.replace(executed, failed)
                kept = failed
            raise ReportFailed(
                name,
                f"{name}: notebook {job.notebook.path.name} did not run: "
                f"{type(exc).__name__}: {exc}"
                + (f". Failed notebook kept at {failed}" if kept else ""),
                ename=type(exc).__name__,
                evalue=str(exc),
                failed_path=kept,
            ) from exc
        duration = time.perf_counter() - clock
        executed_nb = nbformat.read(executed, as_version=4)
        meta = {
            "report": name,
            "notebook": job.notebook.name,
            "title": job.notebook.title,
            "description": job.notebook.description,
            "scenario": job.scenario,
            "scenario_file": str(job.scenario_file) if job.scenario_file else None,
            "scenario_description": job.scenario_description,
            "parameters": job.parameters(),
            "overrides": dict(job.overrides),
            **_provenance(),
            "input_checksums": _input_checksums(job.parameters()),
            "run_at_utc": started.isoformat(timespec="seconds"),
            "duration_seconds": round(duration, 2),
            "results": recorded_values(executed_nb),
        }
        try:
            page = render_html(executed_nb, meta, job.notebook)
        except Exception as exc:
            os.replace(executed, failed)
            raise ReportFailed(
                name,
                f"{name}: the notebook ran but its HTML could not be written: "
                f"{type(exc).__name__}: {exc}. Executed notebook kept at {failed}",
                ename=type(exc).__name__,
                evalue=str(exc),
                failed_path=failed,
            ) from exc
        remote = remote_references(page)
        if remote:
            os.replace(executed, failed)
            raise ReportFailed(
                name,
                f"{name}: the HTML would need the network to render ({remote[0]}...): a cell "
                f"displays something that loads remote assets. Executed notebook kept at {failed}",
                failed_path=failed,
            )
        (tmp / f"{name}.html").write_text(page, encoding="utf-8")
        (tmp / f"{name}.results.json").write_text(
            json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        # Each move is atomic; the results file goes last because the index is built from it.
        for suffix in (".ipynb", ".html", ".results.json"):
            os.replace(tmp / f"{name}{suffix}", out_dir / f"{name}{suffix}")
        failed.unlink(missing_ok=True)
        return meta
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

# The "lab" template with every remote asset removed: require.js, MathJax, mermaid and the widget
# manager are loaded from CDNs by nbconvert's defaults. Math stays as readable TeX source; figures
# are already inline (data URIs) and the stylesheet is inlined by the lab template.
_TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<style type="text/css">{{ resources.crmstudy_css }}</style>
{%- endblock html_head_css -%}
{%- block body_header -%}{{ super() }}{{ resources.crmstudy_header }}{%- endblock body_header -%}
{%- block body_footer -%}{{ resources.crmstudy_footer }}{{ super() }}{%- endblock body_footer -%}
"""

_CSS = """
.crmstudy-box { margin: 1em auto; padding: 0.6em 1em; max-width: 60em; font-family: sans-serif;
  font-size: 0.9em; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; }
.crmstudy-box table { border-collapse: collapse; margin: 0.4em 0; }
.crmstudy-box td, .crmstudy-box th { padding: 0.15em 0.8em 0.15em 0; text-align: left;
  vertical-align: top; }
.crmstudy-box .changed { font-weight: bold; }
.crmstudy-box code { font-size: 0.95em; }
"""


def _esc(value: Any) -> str:
    return html.escape(str(value), quote=True)


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _scalars(results: Mapping[str, Any]) -> dict[str, Any]:
    return {
        k: v
        for k, v in results.items()
        if v is None or isinstance(v, bool | int | float) or (isinstance(v, str) and len(v) < 80)
    }


def _param_rows(meta: Mapping[str, Any], info: NotebookInfo | None) -> str:
    rows = []
    overrides = meta.get("overrides", {})
    for key, value in meta.get("parameters", {}).items():
        param = info.parameters.get(key) if info else None
        help_text = param.help if param else ""
        css = ' class="changed"' if key in overrides else ""
        rows.append(
            f"<tr{css}><td><code>{_esc(key)}</code></td><td>{_esc(repr(value))}</td>"
            f"<td>{_esc(help_text)}</td></tr>"
        )
    return "".join(rows)


def _header_html(meta: Mapping[str, Any], info: NotebookInfo | None) -> str:
    scenario = ""
    if meta.get("scenario"):
        scenario = (
            f"<p>Scenario <b>{_esc(meta['scenario'])}</b>"
            f"{': ' + _esc(meta['scenario_description']) if meta.get('scenario_description') else ''}"
            "</p>"
        )
    return (
        '<section class="crmstudy-box"><p><b>Report</b> '
        f"<code>{_esc(meta['report'])}</code> from notebook <code>{_esc(meta['notebook'])}</code>,"
        f" run {_esc(meta['run_at_utc'])} (UTC) in {_esc(meta['duration_seconds'])} s with "
        f"crmstudy {_esc(meta['crmstudy_version'])}.</p>{scenario}"
        "<details open><summary>Parameters (changed ones in bold)</summary>"
        f"<table>{_param_rows(meta, info)}</table></details></section>"
    )


def _footer_html(meta: Mapping[str, Any]) -> str:
    numbers = "".join(
        f"<tr><td><code>{_esc(k)}</code></td><td>{_esc(_fmt(v))}</td></tr>"
        for k, v in _scalars(meta.get("results", {})).items()
    )
    checksums = "".join(
        f"<tr><td>{_esc(k)}</td><td><code>{_esc(v)}</code></td></tr>"
        for k, v in {**meta.get("data_checksums", {}), **meta.get("input_checksums", {})}.items()
    )
    packages = ", ".join(f"{k} {v}" for k, v in meta.get("packages", {}).items())
    return (
        '<section class="crmstudy-box"><details open><summary>Recorded numbers</summary>'
        f"<table>{numbers}</table><p>All recorded values, tables included, are in "
        f"<code>{_esc(meta['report'])}.results.json</code>.</p></details>"
        f"<details><summary>Provenance</summary><p>Python {_esc(meta['python_version'])}; "
        f"{_esc(packages)}.</p><table>{checksums}</table></details></section>"
    )


def remote_references(page: str) -> list[str]:
    """Every place in an HTML ``page`` that would load a script, stylesheet, font or image from
    the network (``<script src=//...>``, ``<link href=http...>``, CSS ``@import``/``url()``)."""
    return [m.group(0) for m in _REMOTE.finditer(page)]


def _report_outputs(outputs: list) -> list:
    """The outputs of one cell as the report shows them.

    record() outputs are dropped: they are data for the index, and the footer lists them once,
    formatted. A figure shown twice is shown once: a cell that ends with a call returning a
    matplotlib Figure displays it as its result *and* the inline backend displays it again.
    """
    kept, seen = [], set()
    for output in outputs:
        data = output.get("data", {})
        if MIME_TYPE in data:
            continue
        image = data.get("image/png") or data.get("image/svg+xml")
        if image is not None:
            key = image if isinstance(image, str) else "".join(image)
            if key in seen:
                continue
            seen.add(key)
        kept.append(output)
    return kept


def render_html(nb, meta: Mapping[str, Any], info: NotebookInfo | None = None) -> str:
    """An executed notebook as a self-contained HTML page: code cells hidden, figures embedded as
    data URIs, no remote script or stylesheet (math is left as TeX source), with a header naming
    the parameters and a footer listing the recorded numbers and the data checksums."""
    import copy

    import jinja2
    from nbconvert import HTMLExporter

    nb = copy.deepcopy(nb)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = _report_outputs(cell.get("outputs", []))
    exporter = HTMLExporter(
        extra_loaders=[jinja2.DictLoader({"crmstudy_report.html.j2": _TEMPLATE})],
        template_file="crmstudy_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    resources = {
        # The path lets embed_images inline pictures a markdown cell links to (figures/x.png).
        "metadata": {
            "name": meta.get("title") or meta["report"],
            "path": str(info.path.resolve().parent) if info else "",
        },
        "crmstudy_css": _CSS,
        "crmstudy_header": _header_html(meta, info),
        "crmstudy_footer": _footer_html(meta),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body


_INDEX_CSS = """
body { font-family: sans-serif; margin: 2em auto; max-width: 75em; padding: 0 1em; color: #1f2328; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d0d7de; padding: 0.4em 0.6em; text-align: left;
  vertical-align: top; font-size: 0.9em; }
th { background: #f6f8fa; }
code { font-size: 0.95em; }
.changed { font-weight: bold; }
.failed { color: #b00020; }
.small { color: #57606a; font-size: 0.85em; }
"""


def write_index(out_dir: str | os.PathLike) -> Path:
    """Write ``<out_dir>/index.html``: every report (from its ``.results.json``) with its
    parameters, headline numbers and links, plus the reports whose last run failed.
    Self-contained: inline CSS, no script."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in sorted(out_dir.glob("*.results.json")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        name = meta.get("report", path.name.removesuffix(".results.json"))
        overrides = meta.get("overrides", {})
        params = "<br>".join(
            f'<span class="{"changed" if k in overrides else ""}"><code>{_esc(k)}</code> = '
            f"{_esc(repr(v))}</span>"
            for k, v in meta.get("parameters", {}).items()
        )
        scalars = list(_scalars(meta.get("results", {})).items())
        numbers = "<br>".join(
            f"<code>{_esc(k)}</code> = {_esc(_fmt(v))}" for k, v in scalars[:INDEX_NUMBERS]
        )
        if len(scalars) > INDEX_NUMBERS:
            numbers += (
                f'<br><span class="small">and {len(scalars) - INDEX_NUMBERS} more in the report'
                "</span>"
            )
        status = ""
        if (out_dir / f"{name}.failed.ipynb").exists():
            status = (
                f'<br><span class="failed">last run failed: see <a href="{_esc(name)}'
                f'.failed.ipynb">{_esc(name)}.failed.ipynb</a></span>'
            )
        scenario = ""
        if meta.get("scenario"):
            scenario = f"<br>scenario <b>{_esc(meta['scenario'])}</b> " + _esc(
                meta.get("scenario_description", "")
            )
        rows.append(
            f'<tr><td><a href="{_esc(name)}.html"><b>{_esc(name)}</b></a><br>'
            f"{_esc(meta.get('title', ''))}{scenario}{status}<br>"
            f'<span class="small"><a href="{_esc(name)}.ipynb">notebook</a> · '
            f'<a href="{_esc(name)}.results.json">results.json</a> · run '
            f"{_esc(meta.get('run_at_utc', ''))} UTC, {_esc(meta.get('duration_seconds', ''))} s"
            f"</span></td><td>{params}</td><td>{numbers}</td></tr>"
        )
    orphans = sorted(
        p.name.removesuffix(".failed.ipynb")
        for p in out_dir.glob("*.failed.ipynb")
        if not (out_dir / p.name.replace(".failed.ipynb", ".results.json")).exists()
    )
    failed = "".join(
        f'<li class="failed"><a href="{_esc(n)}.failed.ipynb">{_esc(n)}.failed.ipynb</a></li>'
        for n in orphans
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f"<title>crmstudy reports</title><style>{_INDEX_CSS}</style></head><body>"
        "<h1>crmstudy reports</h1><p>Each report was rendered by <code>crmstudy report</code>; "
        "parameters that differ from the notebook's defaults are in bold. Regenerate them all "
        "with <code>make reports</code>.</p>"
        "<table><thead><tr><th>Report</th><th>Parameters</th><th>Headline numbers</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<h2>Failed, with no good report yet</h2><ul>{failed}</ul>" if failed else "")
        + "</body></html>\n"
    )
    target = out_dir / "index.html"
    tmp = out_dir / f".index.{os.getpid()}.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
    return target


# --------------------------------------------------------------------------------------------
# Checking a notebook pair (no kernel)
# --------------------------------------------------------------------------------------------


def check_notebook(py_path: str | os.PathLike) -> list[str]:
    """Problems with a notebook ``NN_topic.py`` and its paired ``.ipynb``; empty when all is well.

    Checks: the ``.ipynb`` exists, has the same cells (type, source, tags) and no outputs; both
    declare the ``python3`` kernel; there is exactly one ``parameters`` cell, it parses, and every
    default satisfies its own choices or range; the first markdown cell has a title and a
    description.
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
    ipynb_path = py_path.with_suffix(".ipynb")
    if not ipynb_path.exists():
        problems.append(f"no paired {ipynb_path.name}: run `jupytext --sync {py_path}`")
        ipynb_nb = None
    else:
        ipynb_nb = jupytext.read(ipynb_path)
    for label, nb in (("py", py_nb), ("ipynb", ipynb_nb)):
        if nb is None:
            continue
        kernel = nb.metadata.get("kernelspec", {}).get("name")
        if kernel != KERNEL_NAME:
            problems.append(f"the .{label} file's kernelspec is {kernel!r}, not '{KERNEL_NAME}'")
    if ipynb_nb is not None:

        def shape(nb):
            return [(c.cell_type, c.source.rstrip(), sorted(_cell_tags(c))) for c in nb.cells]

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
            problems.append(f"{ipynb_path.name} has outputs: commit it cleared")
    return problems

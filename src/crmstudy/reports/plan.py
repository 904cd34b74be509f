"""Planning report runs: scenario files, validation of requested values, and the jobs to run.

Scenario files live at ``notebooks/params/<NOTEBOOK>/<scenario>.yaml``: a flat mapping of parameter
names to values; comment lines at the top describe the scenario. The report of a scenario is named
``<NOTEBOOK>__<scenario>``. Everything is checked here, before any kernel starts.
"""

from __future__ import annotations

import difflib
import warnings
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crmstudy.errors import ParameterError
from crmstudy.reports.notebooks import NotebookInfo

__all__ = [
    "LOG_COLUMNS",
    "Job",
    "check_transactions_file",
    "orphan_scenarios",
    "plan_all",
    "plan_jobs",
    "read_scenario",
    "resolve_name",
    "scenario_job",
    "validate_parameters",
]

_SCENARIO_SEP = "__"


def read_scenario(path: str | os.PathLike) -> tuple[dict[str, Any], str]:
    """Read a scenario YAML file: ``(parameters, description)``.

    The file is a flat mapping ``name: value``; its leading comment lines are the description.
    """
    import yaml

    path = Path(path)
    if not path.is_file():
        raise ParameterError(f"no parameter file at {path}")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        raise ParameterError(
            f"{path} is not UTF-8 text (byte {exc.object[exc.start]:#04x} on line {line}); "
            "save it as UTF-8"
        ) from None
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


def _unknown(word: str, options: Mapping[str, Any], listing: str, empty: str) -> str:
    """The end of an 'unknown name' message: the closest option, then all of them."""
    close = difflib.get_close_matches(word, list(options), n=1, cutoff=0.5)
    suggestion = f"did you mean '{close[0]}'? " if close else ""
    return f"{suggestion}{listing}: {', '.join(options) or empty}"


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
    renamed = {old: p.name for p in info.parameters.values() for old in p.formerly}
    for name, value in values.items():
        if name not in info.parameters and name in renamed:
            # A parameter renamed in this release (declared ``was: old`` in the notebook):
            # accepted for one release under its old name, with a warning naming the new one.
            warnings.warn(
                f"notebook {info.name}: parameter '{name}' is deprecated; use "
                f"'{renamed[name]}'{where}",
                DeprecationWarning,
                stacklevel=2,
            )
            if renamed[name] in values:
                raise ParameterError(
                    f"notebook {info.name}: '{name}' is the old name of '{renamed[name]}'; "
                    f"give only one of them{where}"
                )
            name = renamed[name]
        if name not in info.parameters:
            raise ParameterError(
                f"notebook {info.name} has no parameter '{name}'{where}; "
                + _unknown(name, info.parameters, "its parameters are", "(none)")
            )
        try:
            coerced[name] = info.parameters[name].coerce(value, from_text=from_text)
        except ParameterError as exc:
            raise ParameterError(f"notebook {info.name}: {exc}{where}") from None
    return coerced


def path_parameters(values: Mapping[str, Any]) -> dict[str, str]:
    """The parameters that name a file: ``*_path`` ones with a non-empty string value (an empty
    one means the notebook's own data)."""
    return {
        name: value
        for name, value in values.items()
        if name.endswith("_path") and isinstance(value, str) and value
    }


def _resolve_paths(values: dict[str, Any], base: Path) -> dict[str, Any]:
    """Make non-empty ``*_path`` parameters absolute (they are read with the kernel in
    notebooks/, but the user wrote them relative to where they ran the command), and check that
    each names a file (not a folder) before any kernel starts."""
    out = dict(values)
    for name, value in path_parameters(values).items():
        path = Path(value).expanduser()
        path = path if path.is_absolute() else (base / path).resolve()
        if not path.exists():
            raise ParameterError(f"parameter '{name}': no file at {path}")
        if path.is_dir():
            raise ParameterError(
                f"parameter '{name}': {path} is a folder; give one CSV or Parquet file"
            )
        out[name] = str(path)
    return out


#: The columns of a user's log and the parameter that names each (``../shared/DESIGN.md``).
LOG_COLUMNS = {"customer_column": "customer_id", "date_column": "date", "amount_column": "amount"}
_CSV_SUFFIXES = {".csv", ".txt", ".tsv"}
_PARQUET_SUFFIXES = {".parquet", ".pq"}
_DATE_ROWS_CHECKED = 1000


def check_transactions_file(
    values: Mapping[str, Any], declared: Collection[str] | None = None
) -> None:
    """Check the log a run's ``transactions_path`` names, before any kernel starts.

    ``values`` are the run's parameters (defaults and overrides). The file must be a readable
    CSV (UTF-8, not empty, every row as wide as the header) or Parquet file holding the columns
    that ``customer_column``, ``date_column`` and ``amount_column`` name (the standard names
    ``customer_id``, ``date``, ``amount`` when the notebook has no such parameter); with a
    ``date_format``, the first dates must parse with it. Raises :class:`ParameterError` naming
    the file, the row, the column and the value. An empty ``transactions_path`` is not checked.
    ``declared`` are the notebook's parameter names (default: those in ``values``): a missing
    column's message says how to map it only if the notebook takes the mapping parameter.
    The values themselves (dates, amounts) are validated by ``read_transactions`` in the kernel.
    """
    path_text = values.get("transactions_path")
    if not isinstance(path_text, str) or not path_text:
        return
    path = Path(path_text)
    columns = {key: values.get(key) or default for key, default in LOG_COLUMNS.items()}
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in _PARQUET_SUFFIXES:
        header = _parquet_header(path)
        rows = None
    elif any(s in _CSV_SUFFIXES for s in suffixes):
        sep = "\t" if ".tsv" in suffixes else ","
        header, rows = _csv_header_and_dates(path, columns["date_column"], sep)
    else:
        raise ParameterError(
            f"parameter 'transactions_path': {path.name} is not a .csv, .tsv, .txt or .parquet file"
        )
    for key, column in columns.items():
        if column not in header:
            close = difflib.get_close_matches(column, header, n=1, cutoff=0.5)
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            if key in (values if declared is None else declared):
                fix = f"name yours with -p {key}=NAME"
            else:
                fix = "this notebook takes no column mapping: rename the columns to " + ", ".join(
                    LOG_COLUMNS.values()
                )
            raise ParameterError(
                f"{path.name} has no column '{column}'{hint}; its columns are: "
                f"{', '.join(header)}; {fix}"
            )
    date_format = values.get("date_format") or ""
    if rows is not None and date_format:
        import datetime as dt

        for row_number, text in rows:
            try:
                dt.datetime.strptime(text.strip(), date_format)
            except ValueError:
                raise ParameterError(
                    f"{path.name} row {row_number}, column '{columns['date_column']}': "
                    f"'{text}' does not match date_format '{date_format}'"
                ) from None


def _open_binary(path: Path):
    """``path`` as a binary stream, decompressed by its last suffix as pandas would."""
    import bz2
    import gzip
    import lzma
    import zipfile

    suffix = path.suffix.lower()
    if suffix == ".gz":
        return gzip.open(path)
    if suffix == ".bz2":
        return bz2.open(path)
    if suffix == ".xz":
        return lzma.open(path)
    if suffix == ".zip":
        archive = zipfile.ZipFile(path)
        return archive.open(archive.namelist()[0])
    return path.open("rb")


def _first_bad_utf8(path: Path) -> tuple[int, int]:
    """``(line, byte)`` of the first byte of ``path`` that is not UTF-8."""
    with _open_binary(path) as raw:
        data = raw.read()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return data[: exc.start].count(b"\n") + 1, data[exc.start]
    return 0, 0


def _csv_header_and_dates(
    path: Path, date_column: str, sep: str
) -> tuple[list[str], list[tuple[int, str]]]:
    """Read a CSV through once: its header, and ``(row, text)`` of the first dates.

    Rows are counted as a spreadsheet shows them: the header is row 1.
    """
    import csv
    import io
    import zipfile

    header: list[str] | None = None
    dates: list[tuple[int, str]] = []
    row_number = data_rows = 0
    try:
        with io.TextIOWrapper(_open_binary(path), encoding="utf-8-sig", newline="") as handle:
            for row in csv.reader(handle, delimiter=sep):
                row_number += 1
                if not row or row == [""]:
                    continue  # blank lines are skipped when the log is read
                if header is None:
                    header = [c.strip() for c in row]
                    date_at = header.index(date_column) if date_column in header else None
                    continue
                data_rows += 1
                if len(row) != len(header):
                    raise ParameterError(
                        f"{path.name} row {row_number} has {len(row)} fields, the header "
                        f"has {len(header)} ({', '.join(header)}): is a separator missing or "
                        "a value quoted wrongly?"
                    )
                if date_at is not None and len(dates) < _DATE_ROWS_CHECKED:
                    dates.append((row_number, row[date_at]))
    except UnicodeDecodeError:
        line, byte = _first_bad_utf8(path)
        raise ParameterError(
            f"{path.name} is not UTF-8 text (byte {byte:#04x} on line {line}); save it as UTF-8"
        ) from None
    except csv.Error as exc:
        raise ParameterError(f"{path.name} row {row_number}: not a valid CSV row ({exc})") from None
    except (OSError, EOFError, zipfile.BadZipFile) as exc:
        raise ParameterError(f"{path.name} cannot be read: {exc}") from None
    if header is None:
        raise ParameterError(
            f"{path.name} is empty: it needs a header row and one row per purchase"
        )
    if not data_rows:
        raise ParameterError(f"{path.name} has a header but no rows")
    return header, dates


def _parquet_header(path: Path) -> list[str]:
    import pyarrow.parquet as pq

    try:
        return list(pq.read_schema(path).names)
    except Exception as exc:  # noqa: BLE001 - pyarrow raises several kinds for a bad file
        raise ParameterError(
            f"{path.name} is not a readable Parquet file ({type(exc).__name__}: {exc})"
        ) from None


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
    raise ParameterError(
        f"no notebook named '{name}'; "
        + _unknown(name, notebooks, "the notebooks are", "(none found)")
    )


def scenario_job(info: NotebookInfo, scenario_file: Path, cwd: Path) -> Job:
    """The job of a scenario file: report ``NAME__<file stem>`` with the file's parameters."""
    values, description = read_scenario(scenario_file)
    overrides = validate_parameters(info, values, source=str(scenario_file))
    job = Job(
        report=f"{info.name}{_SCENARIO_SEP}{Path(scenario_file).stem}",
        notebook=info,
        overrides=_resolve_paths(overrides, cwd),
        scenario=Path(scenario_file).stem,
        scenario_file=Path(scenario_file),
        scenario_description=description,
    )
    check_transactions_file(job.parameters(), info.parameters)
    return job


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
        check_transactions_file(job.parameters(), info.parameters)
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

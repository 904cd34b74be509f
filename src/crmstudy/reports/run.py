"""Running one report: papermill execution, the kernel's environment, provenance, and publishing.

:func:`run_report` executes one :class:`~crmstudy.reports.plan.Job` through papermill in a
temporary folder, and moves the executed ``.ipynb``, the ``.html`` (code hidden, figures embedded,
no remote script or stylesheet) and the ``.results.json`` into the output folder only when
everything succeeded. A failed run leaves the last good report untouched and keeps the failed
notebook as ``<report>.failed.ipynb``.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crmstudy.errors import CrmstudyError
from crmstudy.record import recorded_values
from crmstudy.reports.html import remote_references, render_html
from crmstudy.reports.notebooks import KERNEL_NAME, cell_tags
from crmstudy.reports.plan import Job, path_parameters

__all__ = ["INLINE_BACKEND", "ReportFailed", "run_report"]


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


def _source_cell_index(nb) -> tuple[int | None, str]:
    """Index (from 0, in the .py source) and first code line of the cell that raised."""
    index = 0
    for cell in nb.cells:
        tags = cell_tags(cell)
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
        for value in path_parameters(values).values()
        if Path(value).is_file()
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


def _metadata(job: Job, executed_nb, started: datetime, duration: float) -> dict[str, Any]:
    """The content of ``<report>.results.json``: what ran, with what, and what it recorded."""
    parameters = job.parameters()
    return {
        "report": job.report,
        "notebook": job.notebook.name,
        "title": job.notebook.title,
        "description": job.notebook.description,
        "scenario": job.scenario,
        "scenario_file": str(job.scenario_file) if job.scenario_file else None,
        "scenario_description": job.scenario_description,
        "parameters": parameters,
        "overrides": dict(job.overrides),
        **_provenance(),
        "input_checksums": _input_checksums(parameters),
        "run_at_utc": started.isoformat(timespec="seconds"),
        "duration_seconds": round(duration, 2),
        "results": recorded_values(executed_nb),
    }


#: A report's files, in the order they are published; the results file, which the index is built
#: from, goes last.
PUBLISHED = (".ipynb", ".html", ".results.json")


def _publish(staged: Path, out_dir: Path, name: str) -> None:
    """Move the report ``name``'s files from ``staged`` into ``out_dir``.

    Each move is atomic, but three are not. The previous ``.results.json`` is therefore removed
    first and the new one moved last: whenever a run stops part-way (killed, disk full), a
    ``.results.json`` in ``out_dir`` describes the ``.ipynb`` and ``.html`` next to it, never a mix
    of two runs; at worst the report is missing from the index until it is run again.
    """
    (out_dir / f"{name}.results.json").unlink(missing_ok=True)
    for suffix in PUBLISHED:
        os.replace(staged / f"{name}{suffix}", out_dir / f"{name}{suffix}")


def _keep_failed(executed: Path, failed: Path) -> str:
    """Keep the executed notebook (if any) as ``failed``; the sentence telling where it is."""
    if not executed.exists():
        return ""
    os.replace(executed, failed)
    return f". Notebook kept at {failed}"


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
    success (see :func:`_publish`); a stale ``<report>.failed.ipynb`` is then removed. On failure
    the previous report is left as it was, the executed notebook is kept as
    ``<report>.failed.ipynb`` and :class:`ReportFailed` is raised, naming the notebook, the cell
    (index from 0, as in the .py source) and the exception. The kernel runs with the notebook's
    folder as working directory. Returns the content of the ``.results.json`` file.
    """
    import jupytext
    import nbformat
    import papermill
    from papermill.exceptions import PapermillExecutionError

    # Absolute, because papermill saves the notebook from inside the kernel's working directory.
    out_dir = Path(out_dir).resolve()
    out_dir.mkdir(parents=True, exist_ok=True)
    name = job.report
    source = job.notebook.path.name
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
            where = f"cell {index}" if index is not None else f"cell In [{exc.exec_count}]"
            kept = _keep_failed(executed, failed)
            raise ReportFailed(
                name,
                f"{name}: notebook {source} failed in {where} (counting from 0, markdown "
                f"included; it starts '{first_line}'): {exc.ename}: {exc.evalue}{kept}",
                cell_index=index,
                ename=exc.ename,
                evalue=exc.evalue,
                failed_path=failed if kept else None,
            ) from None
        except Exception as exc:  # the kernel died, timed out or could not start
            kept = _keep_failed(executed, failed)
            raise ReportFailed(
                name,
                f"{name}: notebook {source} did not run: {type(exc).__name__}: {exc}{kept}",
                ename=type(exc).__name__,
                evalue=str(exc),
                failed_path=failed if kept else None,
            ) from exc
        executed_nb = nbformat.read(executed, as_version=4)
        meta = _metadata(job, executed_nb, started, time.perf_counter() - clock)
        try:
            page = render_html(executed_nb, meta, job.notebook)
        except Exception as exc:
            kept = _keep_failed(executed, failed)
            raise ReportFailed(
                name,
                f"{name}: the notebook ran but its HTML could not be written: "
                f"{type(exc).__name__}: {exc}{kept}",
                ename=type(exc).__name__,
                evalue=str(exc),
                failed_path=failed,
            ) from exc
        remote = remote_references(page)
        if remote:
            kept = _keep_failed(executed, failed)
            raise ReportFailed(
                name,
                f"{name}: the HTML would need the network to render ({remote[0]}...): a cell "
                f"displays something that loads remote assets{kept}",
                failed_path=failed,
            )
        (tmp / f"{name}.html").write_text(page, encoding="utf-8")
        (tmp / f"{name}.results.json").write_text(
            json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        _publish(tmp, out_dir, name)
        failed.unlink(missing_ok=True)
        return meta
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

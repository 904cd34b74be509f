"""Running one report: papermill execution, the kernel's environment, provenance, and publishing.

:func:`run_report` executes one :class:`~crmstudy.reports.plan.Job` through papermill in a
temporary folder ``<out>/.<report>.XXXX.tmp/`` and publishes its set of files only when everything
succeeded: the executed ``.ipynb``, the ``.html`` (code hidden, figures embedded, no remote script
or stylesheet), the ``.student.html`` and ``.teacher.html`` editions and the ``.results.json``.
A failed run leaves the last good report untouched and keeps the failed notebook as
``<report>.failed.ipynb``.

Publishing is atomic as a set, with flat file names, through a journal and a manifest:

1. the staged folder gets ``READY.json`` (each file's SHA-256): from then on the set is committed;
2. the files are moved to their flat names;
3. ``<out>/manifest.json``, written last (replaced atomically, under a lock), records which files
   with which checksums form each report's current set. The board reads only the manifest.

A run killed before step 1 leaves the old set, listed by the manifest; one killed after it is
finished ("rolled forward") by the next run, which also removes the staging folders of runs that
died before they were complete (:func:`clean_stale`). Until then the board sees that the files do
not match the manifest and says so. A staging folder is known to be alive by a lock its run holds
(``flock``, released by the system when the process dies, even by SIGKILL). Ctrl-C (SIGINT)
stops a run cleanly: the kernel is shut down, the staging folder removed, nothing published, and
:class:`KeyboardInterrupt` goes on to the caller.
"""

from __future__ import annotations

import fcntl
import hashlib
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
from crmstudy.record import recorded_labels, recorded_values
from crmstudy.reports.html import EDITIONS, remote_references, render_html
from crmstudy.reports.notebooks import KERNEL_NAME, cell_tags
from crmstudy.reports.plan import Job, path_parameters

__all__ = [
    "INLINE_BACKEND",
    "MANIFEST",
    "PUBLISHED",
    "ReportFailed",
    "clean_stale",
    "read_manifest",
    "run_report",
]


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
        "defaults": job.notebook.defaults(),
        "overrides": dict(job.overrides),
        **_provenance(),
        "input_checksums": _input_checksums(parameters),
        "run_at_utc": started.isoformat(timespec="seconds"),
        "duration_seconds": round(duration, 2),
        "results": recorded_values(executed_nb),
        "labels": recorded_labels(executed_nb),
        "files": {suffix.lstrip("."): f"{job.report}{suffix}" for suffix in PUBLISHED},
    }


#: A report's files (suffixes of its flat names), in the order they are moved into place.
PUBLISHED = (".ipynb", ".html", ".student.html", ".teacher.html", ".results.json")
#: The file, written last, that names the current set of files of every report.
MANIFEST = "manifest.json"
#: The journal in a staging folder: present once the staged set is complete.
READY = "READY.json"
_LOCK = ".lock"
#: A staging folder without a lock file (its run died between creating it and locking it) is
#: stale after this many seconds.
_UNLOCKED_GRACE_SECONDS = 60


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


@contextmanager
def _manifest_lock(out_dir: Path):
    """Serialise manifest updates (``-j N`` runs publish concurrently) with a lock on the output
    folder itself, so no lock file is left behind."""
    fd = os.open(out_dir, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def read_manifest(out_dir: str | os.PathLike) -> dict[str, Any]:
    """``reports -> {report: {"files": {file name: sha256}, "run_at_utc": ...}}`` of ``out_dir``;
    an empty manifest when there is none yet (or it cannot be read)."""
    path = Path(out_dir) / MANIFEST
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"reports": {}}
    if not isinstance(doc, dict) or not isinstance(doc.get("reports"), dict):
        return {"reports": {}}
    return doc


def _record_in_manifest(out_dir: Path, name: str, journal: dict[str, Any]) -> None:
    with _manifest_lock(out_dir):
        doc = read_manifest(out_dir)
        doc["reports"][name] = {"files": journal["files"], "run_at_utc": journal["run_at_utc"]}
        doc["reports"] = dict(sorted(doc["reports"].items()))
        _write_atomic(out_dir / MANIFEST, json.dumps(doc, indent=2) + "\n")


def _stage_journal(staged: Path, name: str, run_at_utc: str) -> dict[str, Any]:
    """Write ``READY.json`` into ``staged``: the set is complete and committed."""
    journal = {
        "report": name,
        "run_at_utc": run_at_utc,
        "files": {f"{name}{suffix}": _sha256(staged / f"{name}{suffix}") for suffix in PUBLISHED},
    }
    _write_atomic(staged / READY, json.dumps(journal, indent=2) + "\n")
    return journal


def _roll_forward(staged: Path, out_dir: Path, journal: dict[str, Any]) -> None:
    """Move the committed set's files still in ``staged`` to their flat names (in
    :data:`PUBLISHED` order; the ones already moved by an interrupted run are skipped), then
    record the set in the manifest."""
    for file in journal["files"]:
        if (staged / file).exists():
            os.replace(staged / file, out_dir / file)
    _record_in_manifest(out_dir, journal["report"], journal)


def _publish(staged: Path, out_dir: Path, name: str, run_at_utc: str = "") -> None:
    """Publish the report ``name``'s staged files as one set (see the module docstring)."""
    journal = _stage_journal(staged, name, run_at_utc or datetime.now(UTC).isoformat())
    _roll_forward(staged, out_dir, journal)


def _stale(folder: Path) -> bool:
    """Whether a staging folder belongs to a run that is no longer alive."""
    lock = folder / _LOCK
    if not lock.exists():
        return time.time() - folder.stat().st_mtime > _UNLOCKED_GRACE_SECONDS
    with open(lock, "a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(fh, fcntl.LOCK_UN)
        return True


def clean_stale(out_dir: str | os.PathLike) -> list[str]:
    """Finish or remove what killed runs left in ``out_dir``; the names of what was done.

    A staging folder ``.<report>.XXXX.tmp/`` whose run is dead is rolled forward when its set was
    complete (``READY.json``) and newer than the manifest's, and removed in every case. Leftover
    temporary files of the manifest and the index are removed too.
    """
    out_dir = Path(out_dir)
    done: list[str] = []
    if not out_dir.is_dir():
        return done
    for folder in sorted(out_dir.glob(".*.tmp")):
        if folder.is_dir():
            if not _stale(folder):
                continue
            journal = None
            try:
                journal = json.loads((folder / READY).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                pass
            if journal is not None:
                current = read_manifest(out_dir)["reports"].get(journal["report"], {})
                if journal["run_at_utc"] >= current.get("run_at_utc", ""):
                    _roll_forward(folder, out_dir, journal)
                    done.append(f"completed the interrupted publication of {journal['report']}")
            shutil.rmtree(folder, ignore_errors=True)
            done.append(f"removed {folder.name}")
        elif time.time() - folder.stat().st_mtime > _UNLOCKED_GRACE_SECONDS:
            folder.unlink(missing_ok=True)
            done.append(f"removed {folder.name}")
    return done


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
    clean_stale(out_dir)
    tmp = Path(tempfile.mkdtemp(prefix=f".{name}.", suffix=".tmp", dir=out_dir))
    lock = open(tmp / _LOCK, "a")  # noqa: SIM115 - held (locked) for the whole run
    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
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
            pages = {e: render_html(executed_nb, meta, job.notebook, edition=e) for e in EDITIONS}
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
        remote = [r for page in pages.values() for r in remote_references(page)]
        if remote:
            kept = _keep_failed(executed, failed)
            raise ReportFailed(
                name,
                f"{name}: the HTML would need the network to render ({remote[0]}...): a cell "
                f"displays something that loads remote assets{kept}",
                failed_path=failed,
            )
        for edition, page in pages.items():
            suffix = ".html" if edition == "report" else f".{edition}.html"
            (tmp / f"{name}{suffix}").write_text(page, encoding="utf-8")
        (tmp / f"{name}.results.json").write_text(
            json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        _publish(tmp, out_dir, name, meta["run_at_utc"])
        failed.unlink(missing_ok=True)
        return meta
    finally:
        # Also on KeyboardInterrupt (Ctrl-C): papermill has shut the kernel down by then, and
        # nothing of this run is published unless _publish wrote its journal. A committed set
        # whose moves failed part-way (disk full) is kept for the next run to roll forward.
        lock.close()
        if not (tmp / READY).exists() or not any(tmp.glob(f"{name}*")):
            shutil.rmtree(tmp, ignore_errors=True)

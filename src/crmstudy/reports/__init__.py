"""Reports: a notebook's parameter schema, validation, papermill runs, offline HTML and an index.

The modules, each one concept (lower ones never import higher ones):

- :mod:`~crmstudy.reports.schema`: a parameters cell's declarations (``name: type = default  #
  help; choices/range``), coercion of values, and agreement with papermill's own parser;
- :mod:`~crmstudy.reports.notebooks`: finding the notebooks, reading one without running it, and
  checking a jupytext ``.py``/``.ipynb`` pair (``crmstudy check``);
- :mod:`~crmstudy.reports.plan`: scenario files and the validated jobs of a ``crmstudy report``
  request, checked before any kernel starts;
- :mod:`~crmstudy.reports.html`: the offline HTML page of a report and the remote-reference check;
- :mod:`~crmstudy.reports.run`: papermill execution, provenance and atomic publication of
  ``<report>.ipynb``, ``.html`` and ``.results.json``;
- :mod:`~crmstudy.reports.board`: the claims board (one row per claim, from the recorded verdicts);
- :mod:`~crmstudy.reports.index`: ``reports/index.html`` (the board, then the reports), read
  through the manifest.

Everything public is importable from ``crmstudy.reports``, including
:func:`~crmstudy.record.read_results`, which reads a ``.results.json`` file (or an executed
notebook) back.
"""

from crmstudy.record import read_results
from crmstudy.reports.html import EDITIONS, remote_references, render_html, verdict_html
from crmstudy.reports.board import STATEMENTS, board_table
from crmstudy.reports.index import INDEX_NUMBERS, current_reports, write_index
from crmstudy.reports.notebooks import (
    KERNEL_NAME,
    NOTEBOOK_STEM,
    NotebookInfo,
    check_notebook,
    discover_notebooks,
    find_notebooks_dir,
    read_notebook,
)
from crmstudy.reports.plan import (
    Job,
    orphan_scenarios,
    plan_all,
    plan_jobs,
    read_scenario,
    resolve_name,
    scenario_job,
    validate_parameters,
)
from crmstudy.reports.run import (
    INLINE_BACKEND,
    MANIFEST,
    ReportFailed,
    clean_stale,
    read_manifest,
    run_report,
)
from crmstudy.reports.schema import Parameter, Range, papermill_disagreements, parse_parameters

__all__ = [
    "EDITIONS",
    "INDEX_NUMBERS",
    "MANIFEST",
    "STATEMENTS",
    "board_table",
    "clean_stale",
    "current_reports",
    "read_manifest",
    "verdict_html",
    "INLINE_BACKEND",
    "KERNEL_NAME",
    "NOTEBOOK_STEM",
    "Job",
    "NotebookInfo",
    "Parameter",
    "Range",
    "ReportFailed",
    "check_notebook",
    "discover_notebooks",
    "find_notebooks_dir",
    "orphan_scenarios",
    "papermill_disagreements",
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

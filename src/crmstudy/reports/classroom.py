"""The notebooks as JupyterLab opens and saves them: the metadata Lab adds, and clean commits.

Two tools, each a command (``python -m crmstudy.reports.classroom ...``, also ``make`` targets):

``metadata [--check] [NOTEBOOK.py ...]``
    JupyterLab writes the kernel's own description into a notebook the moment its kernel starts
    (``kernelspec.display_name`` "Python 3 (ipykernel)" and ``language_info``), so an unedited
    notebook is marked as changed and a student who closes it is asked to save. This writes that
    metadata into each ``.ipynb`` (and the kernelspec into its ``.py`` header) so that opening
    changes nothing; ``--check`` lists the notebooks that still differ (exit status 1).
``money [--check] [NOTEBOOK.py ...]``
    JupyterLab reads the text between two dollar signs of a Markdown cell as math, even when both
    are money (``US$51 to acquire, US$30 to keep``) or escaped once (``\\$51``: Markdown eats the
    backslash before MathJax sees it). This rewrites each currency dollar of the Markdown cells as
    ``\\\\$`` (``US\\\\$51``), which Lab shows as ``US$51``; the HTML reports read every spelling as
    money (:func:`crmstudy.reports.html.literal_currency`).
``strip``
    A git "clean" filter in the manner of nbstripout: reads a notebook on stdin and writes it
    without outputs, execution counts or run-time cell metadata, so that the committed
    ``.ipynb`` stays clean whatever a teacher ran and saved. ``install-filter`` registers it in
    the repository's git config (``make hooks``; ``.gitattributes`` applies it to
    ``notebooks/*.ipynb``).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

from crmstudy.formatting import CURRENCY_DOLLAR
from crmstudy.reports.notebooks import KERNEL_NAME, NOTEBOOK_STEM

__all__ = [
    "FILTER_NAME",
    "filter_installed",
    "install_filter",
    "lab_metadata",
    "lab_safe_money",
    "main",
    "money_problems",
    "metadata_problems",
    "fix_money",
    "set_lab_metadata",
    "strip_notebook",
]

#: The git filter's name (``.gitattributes``: ``notebooks/*.ipynb filter=crmstudy-strip``).
FILTER_NAME = "crmstudy-strip"
#: Cell metadata that records a run, not the notebook: removed by the filter.
_RUN_METADATA = ("execution", "collapsed", "scrolled", "ExecuteTime")


def lab_metadata() -> dict[str, Any]:
    """The ``kernelspec`` and ``language_info`` JupyterLab writes when the python3 kernel starts:
    the installed kernelspec's display name and ipykernel's own description of the language."""
    from ipykernel.ipkernel import IPythonKernel
    from jupyter_client.kernelspec import KernelSpecManager

    spec = KernelSpecManager().get_kernel_spec(KERNEL_NAME)
    return {
        "kernelspec": {
            "display_name": spec.display_name,
            "language": spec.language,
            "name": KERNEL_NAME,
        },
        "language_info": json.loads(json.dumps(IPythonKernel.language_info)),
    }


_PY_DISPLAY_NAME = re.compile(r"^(#   kernelspec:\n#     display_name: )(.*)$", re.MULTILINE)


def metadata_problems(py_path: str | Path, wanted: dict[str, Any] | None = None) -> list[str]:
    """What JupyterLab would change in ``NN_topic.ipynb`` (and its ``.py``) on opening."""
    wanted = wanted or lab_metadata()
    py_path = Path(py_path)
    ipynb = py_path.with_suffix(".ipynb")
    problems = []
    if ipynb.exists():
        meta = json.loads(ipynb.read_text(encoding="utf-8")).get("metadata", {})
        for key, value in wanted.items():
            if meta.get(key) != value:
                problems.append(f"{ipynb.name}: metadata {key} is {meta.get(key)!r}, Lab writes {value!r}")
    match = _PY_DISPLAY_NAME.search(py_path.read_text(encoding="utf-8"))
    shown = wanted["kernelspec"]["display_name"]
    if match is None or match.group(2).strip() != shown:
        problems.append(f"{py_path.name}: kernelspec display_name is not {shown!r}")
    return problems


def set_lab_metadata(py_path: str | Path, wanted: dict[str, Any] | None = None) -> bool:
    """Write the metadata JupyterLab adds into the pair of ``py_path``; True if anything changed.
    Only the metadata changes: cells and their sources are left exactly as they are."""
    import nbformat

    wanted = wanted or lab_metadata()
    py_path = Path(py_path)
    changed = False
    text = py_path.read_text(encoding="utf-8")
    shown = wanted["kernelspec"]["display_name"]
    new = _PY_DISPLAY_NAME.sub(lambda m: m.group(1) + shown, text, count=1)
    if new != text:
        py_path.write_text(new, encoding="utf-8")
        changed = True
    ipynb = py_path.with_suffix(".ipynb")
    if ipynb.exists():
        nb = nbformat.read(ipynb, as_version=4)
        before = nbformat.writes(nb)
        for key, value in wanted.items():
            nb.metadata[key] = value
        after = nbformat.writes(nb)
        if after != before:
            ipynb.write_text(after + "\n", encoding="utf-8")
            changed = True
    return changed


def strip_notebook(text: str) -> str:
    """A notebook (JSON text) without outputs, execution counts or run-time cell metadata,
    written as JupyterLab and nbformat write it (one-space indent, final newline)."""
    import nbformat

    nb = nbformat.reads(text, as_version=nbformat.NO_CONVERT)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = []
            cell.execution_count = None
        for key in _RUN_METADATA:
            cell.metadata.pop(key, None)
        cell.get("metadata", {}).get("jupyter", {}).pop("outputs_hidden", None)
        if cell.get("metadata", {}).get("jupyter") == {}:
            del cell.metadata["jupyter"]
    return nbformat.writes(nb) + "\n"


#: A dollar escaped once (``\\$``, not ``\\\\$``), and a bare currency dollar before a digit.
_ESCAPED_ONCE = re.compile(r"(?<!\\)\\\$")
_BARE_CURRENCY = CURRENCY_DOLLAR


def lab_safe_money(markdown: str) -> str:
    """``markdown`` with every currency dollar written ``\\\\$``, the one spelling JupyterLab shows
    as a dollar sign; formulas (``$1 - r$``) are left as they are."""
    markdown = _ESCAPED_ONCE.sub(lambda m: "\\\\$", markdown)
    return _BARE_CURRENCY.sub(lambda m: m.group(1) + "\\\\$", markdown)


def _markdown_lines_py(text: str) -> list[int]:
    """Indices of the lines of a percent-format .py that belong to markdown cells."""
    lines, inside, found = text.split("\n"), False, []
    for i, line in enumerate(lines):
        if line.startswith("# %%"):
            inside = "[markdown]" in line
            continue
        if inside:
            found.append(i)
    return found


def money_problems(py_path: str | Path) -> list[str]:
    """The Markdown lines of a notebook pair where JupyterLab would read money as math."""
    py_path = Path(py_path)
    problems = []
    lines = py_path.read_text(encoding="utf-8").split("\n")
    for i in _markdown_lines_py("\n".join(lines)):
        if lab_safe_money(lines[i]) != lines[i]:
            problems.append(f"{py_path.name}:{i + 1}: money Lab reads as math: {lines[i].strip()[:70]}")
    ipynb = py_path.with_suffix(".ipynb")
    if ipynb.exists():
        nb = json.loads(ipynb.read_text(encoding="utf-8"))
        for k, cell in enumerate(nb.get("cells", [])):
            source = "".join(cell.get("source", []))
            if cell.get("cell_type") == "markdown" and lab_safe_money(source) != source:
                problems.append(f"{ipynb.name}: cell {k}: money Lab reads as math")
    return problems


def fix_money(py_path: str | Path) -> bool:
    """Rewrite the currency dollars of the pair's Markdown cells (see :func:`lab_safe_money`);
    True if anything changed. Code cells and formulas are not touched."""
    import nbformat

    py_path = Path(py_path)
    changed = False
    text = py_path.read_text(encoding="utf-8")
    lines = text.split("\n")
    for i in _markdown_lines_py(text):
        lines[i] = lab_safe_money(lines[i])
    if "\n".join(lines) != text:
        py_path.write_text("\n".join(lines), encoding="utf-8")
        changed = True
    ipynb = py_path.with_suffix(".ipynb")
    if ipynb.exists():
        nb = nbformat.read(ipynb, as_version=4)
        before = nbformat.writes(nb)
        for cell in nb.cells:
            if cell.cell_type == "markdown":
                cell.source = lab_safe_money(cell.source)
        after = nbformat.writes(nb)
        if after != before:
            ipynb.write_text(after + "\n", encoding="utf-8")
            changed = True
    return changed


def _git(repo: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["git", "-C", str(repo), *args], capture_output=True, text=True)


def install_filter(repo: str | Path, python: str | None = None) -> str:
    """Register the strip filter in ``repo``'s git config; the command it runs."""
    command = f"'{python or sys.executable}' -m crmstudy.reports.classroom strip"
    for key, value in ((f"filter.{FILTER_NAME}.clean", command),
                       (f"filter.{FILTER_NAME}.smudge", "cat")):
        proc = _git(Path(repo), "config", key, value)
        if proc.returncode:
            raise RuntimeError(f"git config {key} failed: {proc.stderr.strip()}")
    return command


def filter_installed(path: str | Path) -> bool:
    """Whether git will strip ``path`` (a notebook) when it is committed: the attribute applies
    to it and the filter is registered."""
    path = Path(path).resolve()
    attr = _git(path.parent, "check-attr", "filter", "--", path.name)
    if attr.returncode or not attr.stdout.strip().endswith(f": {FILTER_NAME}"):
        return False
    return bool(_git(path.parent, "config", f"filter.{FILTER_NAME}.clean").stdout.strip())


def _notebooks(args: list[str]) -> list[Path]:
    if args:
        return [Path(a).with_suffix(".py") for a in args]
    from crmstudy.reports.notebooks import find_notebooks_dir

    return sorted(p for p in find_notebooks_dir().glob("*.py") if NOTEBOOK_STEM.match(p.stem))


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    usage = ("usage: python -m crmstudy.reports.classroom "
             "{metadata [--check] [NB ...] | money [--check] [NB ...] | strip | "
             "install-filter [REPO]}")
    if not argv:
        print(usage, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "strip":
        sys.stdout.write(strip_notebook(sys.stdin.read()))
        return 0
    if command == "install-filter":
        repo = Path(rest[0]) if rest else Path.cwd()
        print(f"git filter {FILTER_NAME} installed: {install_filter(repo)}")
        return 0
    if command == "metadata":
        check = "--check" in rest
        wanted = lab_metadata()
        bad = 0
        for py in _notebooks([a for a in rest if a != "--check"]):
            if check:
                problems = metadata_problems(py, wanted)
                for problem in problems:
                    print(problem)
                bad += bool(problems)
            elif set_lab_metadata(py, wanted):
                print(f"{py.stem}: metadata written")
        return 1 if bad else 0
    if command == "money":
        check = "--check" in rest
        bad = 0
        for py in _notebooks([a for a in rest if a != "--check"]):
            if check:
                problems = money_problems(py)
                for problem in problems:
                    print(problem)
                bad += bool(problems)
            elif fix_money(py):
                print(f"{py.stem}: money written as \\\\$ in its Markdown cells")
        return 1 if bad else 0
    print(usage, file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main())

"""The notebooks as JupyterLab sees them: pairing however Lab is started, opening changes nothing,
money is not math, and committed notebooks stay clean (crmstudy.reports.classroom).

The pairing tests save a notebook through the contents manager JupyterLab itself uses (jupytext's
class derived from jupyter_server's AsyncLargeFileManager, as the jupytext server extension builds
it), rooted at notebooks/ as `make lab` roots it, and at the project folder. The Lab tests at the
end start a real JupyterLab server and open notebooks in headless Chromium (see test_browser.py
for the browser and when it is skipped).
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import numpy as np
import pytest

from crmstudy.formatting import markdown_text
from crmstudy.reports import check_notebook
from crmstudy.reports.classroom import (
    FILTER_NAME,
    filter_installed,
    install_filter,
    lab_metadata,
    lab_safe_money,
    metadata_problems,
    money_problems,
    set_lab_metadata,
    strip_notebook,
)
from crmstudy.reports.notebooks import NOTEBOOK_STEM

sys.path.insert(0, str(Path(__file__).parent))
from test_browser import browser as browser  # noqa: E402  (the Chromium fixture; skipped without it)

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
STEMS = sorted(p.stem for p in NOTEBOOKS.glob("*.py") if NOTEBOOK_STEM.match(p.stem))


def _copy_project(tmp_path: Path, with_config: bool = True) -> Path:
    project = tmp_path / "project"
    (project / "notebooks").mkdir(parents=True)
    for stem in ("01_retention",):
        for suffix in (".py", ".ipynb"):
            shutil.copy(NOTEBOOKS / f"{stem}{suffix}", project / "notebooks")
    if with_config:
        shutil.copy(NOTEBOOKS / "jupytext.toml", project / "notebooks")
    return project


def _save_through_lab_contents_manager(root: Path, path: str, marker: str) -> None:
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    manager = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(root_dir=str(root))

    async def edit():
        model = await manager.get(path, content=True)
        cells = model["content"]["cells"]
        first = next(c for c in cells if c["cell_type"] == "markdown")
        first["source"] = first["source"] + f"\n\n{marker}"
        await manager.save(model, path)

    asyncio.run(edit())


@pytest.mark.parametrize("lab_root", ["notebooks", "project"])
def test_saving_in_lab_writes_the_paired_py_wherever_lab_is_rooted(tmp_path, lab_root):
    project = _copy_project(tmp_path)
    root = project / "notebooks" if lab_root == "notebooks" else project
    path = "01_retention.ipynb" if lab_root == "notebooks" else "notebooks/01_retention.ipynb"
    before = (project / "notebooks" / "01_retention.py").read_text()
    _save_through_lab_contents_manager(root, path, "Edited in Lab, 在 Lab 中修改")
    after = (project / "notebooks" / "01_retention.py").read_text()
    assert after != before and "# Edited in Lab, 在 Lab 中修改" in after
    # Both files in step, as `crmstudy check` sees them.
    problems = [p for p in check_notebook(project / "notebooks" / "01_retention.py")
                if "differ" in p]
    assert problems == []


@pytest.mark.parametrize("stem", STEMS)
def test_saving_an_unedited_notebook_in_lab_changes_neither_file(tmp_path, stem):
    from jupyter_server.services.contents.largefilemanager import AsyncLargeFileManager
    from jupytext.async_contentsmanager import build_async_jupytext_contents_manager_class

    for name in (f"{stem}.py", f"{stem}.ipynb", "jupytext.toml"):
        shutil.copy(NOTEBOOKS / name, tmp_path)
    manager = build_async_jupytext_contents_manager_class(AsyncLargeFileManager)(
        root_dir=str(tmp_path))

    async def save():
        model = await manager.get(f"{stem}.ipynb", content=True)
        await manager.save(model, f"{stem}.ipynb")

    asyncio.run(save())
    for suffix in (".py", ".ipynb"):
        assert (tmp_path / f"{stem}{suffix}").read_text() == (NOTEBOOKS / f"{stem}{suffix}").read_text(), suffix


def test_without_the_notebooks_folder_config_lab_rooted_there_saves_the_ipynb_only(tmp_path):
    """The failure the classroom issue found, reproduced: a config only above Lab's root."""
    project = _copy_project(tmp_path, with_config=False)
    shutil.copy(NOTEBOOKS / "jupytext.toml", project / "jupytext.toml")
    before = (project / "notebooks" / "01_retention.py").read_text()
    _save_through_lab_contents_manager(project / "notebooks", "01_retention.ipynb", "Edited")
    assert (project / "notebooks" / "01_retention.py").read_text() == before


def test_the_config_is_the_only_jupytext_config_and_pairs_py_percent():
    assert not (ROOT / "jupytext.toml").exists(), "one jupytext config: notebooks/jupytext.toml"
    text = (NOTEBOOKS / "jupytext.toml").read_text()
    assert 'formats = "ipynb,py:percent"' in text


# --- opening changes nothing -------------------------------------------------------------------


def test_lab_metadata_is_what_a_started_python3_kernel_reports():
    """Independent of ipykernel's class attribute: ask a running kernel for its kernel_info."""
    from jupyter_client.manager import start_new_kernel

    km, kc = start_new_kernel(kernel_name="python3", extra_arguments=["--IPKernelApp.log_level=ERROR"])
    try:
        reply = kc.kernel_info(reply=True, timeout=30)
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
    assert lab_metadata()["language_info"] == reply["content"]["language_info"]
    assert lab_metadata()["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("stem", STEMS)
def test_every_notebook_carries_the_metadata_lab_would_add(stem):
    problems = metadata_problems(NOTEBOOKS / f"{stem}.py")
    assert problems == [], (
        "opening this notebook in Lab would mark it changed; run `make lab-fix`:\n  "
        + "\n  ".join(problems)
    )


def test_writing_the_metadata_changes_only_the_metadata(tmp_path):
    project = _copy_project(tmp_path)
    py = project / "notebooks" / "01_retention.py"
    nb_before = nbformat.read(py.with_suffix(".ipynb"), as_version=4)
    old = dict(nb_before.metadata)
    old["kernelspec"] = {**old["kernelspec"], "display_name": "Python 3"}
    old.pop("language_info", None)
    nb_before.metadata = old
    nbformat.write(nb_before, py.with_suffix(".ipynb"))
    py.write_text(py.read_text().replace("display_name: Python 3 (ipykernel)", "display_name: Python 3"))
    assert metadata_problems(py)
    assert set_lab_metadata(py) is True
    assert metadata_problems(py) == [] and set_lab_metadata(py) is False
    after = nbformat.read(py.with_suffix(".ipynb"), as_version=4)
    assert [c.source for c in after.cells] == [c.source for c in nb_before.cells]
    assert check_notebook(py) == []


# --- money in Markdown -------------------------------------------------------------------------


def test_lab_safe_money_escapes_currency_dollars_and_leaves_formulas():
    assert lab_safe_money("US$51 to acquire, US$30 to keep") == r"US\\$51 to acquire, US\\$30 to keep"
    assert lab_safe_money(r"\$51 to acquire, NT\$30") == r"\\$51 to acquire, NT\\$30"
    assert lab_safe_money(r"already US\\$5") == r"already US\\$5"
    for formula in ("$1 - r$", "$$\\frac{1}{1-r}$$", "$X$5 and $2x$", "`US$5` in code"):
        assert lab_safe_money(formula) == formula or "`" in formula


@pytest.mark.parametrize("stem", STEMS)
def test_no_notebook_has_money_that_lab_reads_as_math(stem):
    problems = money_problems(NOTEBOOKS / f"{stem}.py")
    assert problems == [], "run `make lab-fix`:\n  " + "\n  ".join(problems)


# --- saved outputs: the strip filter --------------------------------------------------------------


def _with_outputs() -> str:
    nb = nbformat.read(NOTEBOOKS / "01_retention.ipynb", as_version=4)
    code = next(c for c in nb.cells if c.cell_type == "code")
    code.execution_count = 7
    code.outputs = [nbformat.v4.new_output("stream", name="stdout", text="hello\n")]
    code.metadata["execution"] = {"iopub.status.busy": "2026-12-01T00:00:00Z"}
    code.metadata["scrolled"] = True
    return nbformat.writes(nb) + "\n"


def test_strip_removes_outputs_counts_and_run_metadata_and_keeps_the_rest():
    stripped = nbformat.reads(strip_notebook(_with_outputs()), as_version=4)
    original = nbformat.read(NOTEBOOKS / "01_retention.ipynb", as_version=4)
    for cell in stripped.cells:
        if cell.cell_type == "code":
            assert cell.outputs == [] and cell.execution_count is None
        assert not {"execution", "scrolled", "collapsed"} & set(cell.metadata)
    assert [c.source for c in stripped.cells] == [c.source for c in original.cells]
    assert [c.metadata.get("tags") for c in stripped.cells] == [
        c.metadata.get("tags") for c in original.cells
    ]
    assert stripped.metadata == original.metadata
    assert strip_notebook(strip_notebook(_with_outputs())) == strip_notebook(_with_outputs())


def test_the_committed_notebooks_are_what_the_filter_would_commit():
    for stem in STEMS:
        text = (NOTEBOOKS / f"{stem}.ipynb").read_text(encoding="utf-8")
        assert json.loads(strip_notebook(text)) == json.loads(text), stem


def test_git_commits_a_run_notebook_without_its_outputs(tmp_path):
    repo = tmp_path / "repo"
    (repo / "notebooks").mkdir(parents=True)
    shutil.copy(ROOT / ".gitattributes", repo / ".gitattributes")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
           "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid"}

    def git(*args):
        return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                              text=True, env=env).stdout

    git("init", "-q")
    install_filter(repo, sys.executable)
    target = repo / "notebooks" / "01_retention.ipynb"
    target.write_text(_with_outputs())
    for suffix in (".py",):
        shutil.copy(NOTEBOOKS / f"01_retention{suffix}", repo / "notebooks")
    assert filter_installed(target)
    git("add", "-A")
    git("commit", "-qm", "teacher saved a run notebook")
    committed = json.loads(git("show", "HEAD:notebooks/01_retention.ipynb"))
    assert all(not c.get("outputs") for c in committed["cells"] if c["cell_type"] == "code")
    assert "hello" in target.read_text()  # the working copy keeps what the teacher ran
    # `crmstudy check` accepts outputs in a working copy whose commits are stripped.
    assert not [p for p in check_notebook(repo / "notebooks" / "01_retention.py") if "outputs" in p]
    assert f"filter={FILTER_NAME}" in (ROOT / ".gitattributes").read_text()


# --- JupyterLab in a real browser -------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _recorded_output(name, value, **spec):
    """The output record() displays in a kernel, captured from IPython's display machinery."""
    from IPython.core.interactiveshell import InteractiveShell

    import crmstudy

    shell = InteractiveShell.instance()
    shown = []
    shell.display_pub.publish = lambda data, metadata=None, **kw: shown.append(data)
    try:
        crmstudy.record(name, value, **spec)
    finally:
        InteractiveShell.clear_instance()
    (data,) = shown
    return nbformat.v4.new_output("display_data", data=data)


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server rooted at a folder with a money notebook and a copy of 01."""
    root = tmp_path_factory.mktemp("lab")
    nb = nbformat.v4.new_notebook()
    nb.metadata.update(lab_metadata())
    shown = markdown_text("Spend per customer: mean US$19.04, median US$6.90.")
    recorded = _recorded_output("profit_change_pct", np.float64(472.6548936631936),
                                label="Profit change", unit="pct", fmt="+.0f")
    cell = nbformat.v4.new_code_cell("Markdown(...)", outputs=[nbformat.v4.new_output(
        "display_data", data={"text/markdown": shown, "text/plain": "<Markdown>"}), recorded])
    nb.cells = [
        nbformat.v4.new_markdown_cell(lab_safe_money(
            "It costs US$51 to acquire, \\$30 to keep; churn is $1 - r$.")),
        cell,
    ]
    nbformat.write(nb, root / "money.ipynb")
    for suffix in (".py", ".ipynb"):
        shutil.copy(NOTEBOOKS / f"01_retention{suffix}", root)
    shutil.copy(NOTEBOOKS / "jupytext.toml", root)
    port = _free_port()
    log = open(root / "lab.log", "w")  # noqa: SIM115
    proc = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--allow-root", f"--port={port}",
         "--IdentityProvider.token=crmstudy-test", f"--ServerApp.root_dir={root}",
         "--KernelManager.transport_encryption=auto"],
        stdout=log, stderr=subprocess.STDOUT,
    )
    deadline = time.time() + 60
    while time.time() < deadline and "is running at" not in (root / "lab.log").read_text():
        time.sleep(0.5)
    try:
        yield f"http://127.0.0.1:{port}", root
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()


def _open(browser, url: str, name: str):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(f"{url}/lab/tree/{name}?token=crmstudy-test&reset")
    page.wait_for_selector(".jp-MarkdownCell .jp-RenderedMarkdown", timeout=90_000)
    # Until the kernel is idle, Lab has not yet written the kernel's metadata.
    page.wait_for_selector(".jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=90_000)
    page.wait_for_timeout(1500)
    return page


def test_in_lab_money_reads_as_money_and_formulas_as_math(browser, lab):
    url, _ = lab
    page = _open(browser, url, "money.ipynb")
    maths = [m.text_content() for m in page.query_selector_all("mjx-container")]
    text = page.inner_text(".jp-Notebook")
    page.close()
    assert maths == ["1−r"], maths
    assert "US$51 to acquire, $30 to keep" in text
    assert "mean US$19.04, median US$6.90" in text
    # record() shows its formatted line, never a repr such as np.float64(472.65...).
    assert "Profit change: +473%" in text and "np.float64" not in text


def test_in_lab_opening_a_notebook_leaves_it_unchanged_and_the_kernel_is_quiet(browser, lab):
    url, root = lab
    before = (root / "01_retention.ipynb").read_bytes()
    page = _open(browser, url, "01_retention.ipynb")
    dirty = len(page.query_selector_all(".lm-TabBar-tab.jp-mod-dirty"))
    page.close()
    assert dirty == 0, "Lab marked the notebook as changed on opening"
    assert (root / "01_retention.ipynb").read_bytes() == before
    assert "without encryption" not in (root / "lab.log").read_text()


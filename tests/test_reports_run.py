"""Tests for crmstudy.reports.run: failure details, provenance, publication as a set (crashes and
real SIGKILLs at every step), and Ctrl-C (the one test here that starts a kernel).

The other papermill runs are in tests/test_cli.py.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from crmstudy import reports
from crmstudy.reports import current_reports, run
from crmstudy.reports.run import (
    PUBLISHED,
    _input_checksums,
    _publish,
    _source_cell_index,
    clean_stale,
    read_manifest,
)

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def test_input_checksums_hash_the_files_path_parameters_point_to(tmp_path):
    log = tmp_path / "log.csv"
    log.write_bytes(b"abc")
    sums = _input_checksums({"transactions_path": str(log), "segment": "abc", "x_path": ""})
    # SHA-256("abc") from FIPS 180-2, appendix B.1.
    assert sums == {str(log): "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}


def test_failing_cell_is_counted_in_the_source_notebook_not_the_executed_one():
    new = nbformat.v4
    marker = new.new_markdown_cell("An Exception was encountered", metadata={"tags": []})
    marker.metadata["tags"] = ["papermill-error-cell-tag"]
    injected = new.new_code_cell("divisor = 0", metadata={"tags": ["injected-parameters"]})
    error = new.new_output("error", ename="ZeroDivisionError", evalue="division by zero")
    nb = new.new_notebook(
        cells=[
            marker,  # papermill puts this above everything on failure
            new.new_markdown_cell("# Title"),  # source cell 0
            new.new_code_cell("divisor: int = 1", metadata={"tags": ["parameters"]}),  # 1
            injected,  # papermill's, not in the source
            new.new_code_cell("\n# why\nratio = 1 / divisor", outputs=[error]),  # 2
        ]
    )
    assert _source_cell_index(nb) == (2, "ratio = 1 / divisor")


def test_report_failed_survives_pickling_for_worker_processes():
    import pickle

    exc = reports.ReportFailed(
        "01_ok", "01_ok: failed in cell 4", cell_index=4, ename="ZeroDivisionError"
    )
    back = pickle.loads(pickle.dumps(exc))
    assert (back.report, str(back), back.cell_index, back.ename) == (
        "01_ok",
        "01_ok: failed in cell 4",
        4,
        "ZeroDivisionError",
    )


# --- publication --------------------------------------------------------------------------------
# A set of files is published through a journal (READY.json in the staging folder) and the
# manifest, written last. These tests kill or break the publication at every step and check that
# (a) the manifest always lists a set whose checksums match an intact run, or says the files do
# not match, and (b) the next run completes or removes what the killed one left.

NAME = "01_ok"


def _report_files(folder: Path, version: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for suffix in PUBLISHED:
        text = f"{version} {suffix}"
        if suffix == ".results.json":
            text = json.dumps({"report": NAME, "run": version})
        (folder / f"{NAME}{suffix}").write_text(text)


def _versions(folder: Path) -> dict[str, str]:
    def version(path: Path) -> str:
        text = path.read_text()
        return json.loads(text)["run"] if path.name.endswith(".json") else text.split()[0]

    return {
        suffix: version(folder / f"{NAME}{suffix}")
        for suffix in PUBLISHED
        if (folder / f"{NAME}{suffix}").exists()
    }


def _published_old(out: Path) -> None:
    staged = out / f".{NAME}.old.tmp"
    out.mkdir(exist_ok=True)
    _report_files(staged, "old")
    _publish(staged, out, NAME, "2026-01-01T00:00:00+00:00")
    staged.rmdir() if not any(staged.iterdir()) else shutil.rmtree(staged)


def _manifest_matches(out: Path) -> str | None:
    """The version the manifest's set is of, when every listed file has its checksum; else None."""
    entry = read_manifest(out)["reports"].get(NAME)
    if entry is None:
        return None
    for file, sha in entry["files"].items():
        path = out / file
        if not path.exists() or hashlib.sha256(path.read_bytes()).hexdigest() != sha:
            return None
    versions = set(_versions(out).values())
    assert len(versions) == 1
    return versions.pop()


def test_publishing_moves_every_file_then_writes_the_manifest(tmp_path):
    out = tmp_path / "reports"
    _published_old(out)
    staged = out / f".{NAME}.new.tmp"
    _report_files(staged, "new")
    _publish(staged, out, NAME, "2026-02-01T00:00:00+00:00")
    assert _versions(out) == dict.fromkeys(PUBLISHED, "new")
    assert _manifest_matches(out) == "new"
    assert sorted(p.name for p in staged.iterdir()) == ["READY.json"]
    assert set(read_manifest(out)["reports"][NAME]["files"]) == {f"{NAME}{s}" for s in PUBLISHED}
    assert {".html", ".student.html", ".teacher.html", ".ipynb", ".results.json"} == set(PUBLISHED)


@pytest.mark.parametrize("moves_before_crash", range(len(PUBLISHED) + 1))
def test_a_crash_while_publishing_is_seen_and_completed_by_the_next_run(
    tmp_path, monkeypatch, moves_before_crash
):
    out = tmp_path / "reports"
    _published_old(out)
    staged = out / f".{NAME}.new.tmp"
    _report_files(staged, "new")
    real_replace, moves = os.replace, []

    def replace_then_crash(src, dst):
        if Path(dst).parent == out and Path(dst).name.startswith(NAME):
            if len(moves) == moves_before_crash:
                raise OSError("disk full")
            moves.append(dst)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace_then_crash)
    if moves_before_crash < len(PUBLISHED):
        with pytest.raises(OSError, match="disk full"):
            _publish(staged, out, NAME, "2026-02-01T00:00:00+00:00")
        monkeypatch.undo()
        # The manifest still lists the old set: it matches only if no file was replaced yet.
        assert _manifest_matches(out) == ("old" if moves_before_crash == 0 else None)
        assert NAME in current_reports(out)[1] or moves_before_crash == 0
    else:
        _publish(staged, out, NAME, "2026-02-01T00:00:00+00:00")
        monkeypatch.undo()
    os.utime(staged, (0, 0))  # no run holds its lock; old enough to be stale in any case
    clean_stale(out)
    assert not staged.exists()
    assert _manifest_matches(out) == "new"


_KILLER = """
import os, signal, sys
from pathlib import Path
from crmstudy.reports import run
out, staged, kill_at = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
lock = open(staged / ".lock", "a")
import fcntl; fcntl.flock(lock, fcntl.LOCK_EX)
real, moves = os.replace, []
def replace(src, dst):
    if Path(dst).parent == out and Path(dst).name.startswith("01_ok"):
        if len(moves) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        moves.append(dst)
    real(src, dst)
os.replace = replace
run._publish(staged, out, "01_ok", "2026-02-01T00:00:00+00:00")
os.kill(os.getpid(), signal.SIGKILL)  # killed after publishing, before removing its folder
"""


@pytest.mark.parametrize("kill_at", [-1, 0, 2, len(PUBLISHED)])
def test_sigkill_at_any_step_leaves_one_set_and_the_next_run_cleans_up(tmp_path, kill_at):
    """A real SIGKILL of a publishing process (kill_at = -1: before the journal is written)."""
    out = tmp_path / "reports"
    _published_old(out)
    staged = out / f".{NAME}.abcd1234.tmp"
    _report_files(staged, "new")
    script = _KILLER
    if kill_at < 0:
        script = script.replace("run._publish(", "os.kill(os.getpid(), signal.SIGKILL); run._publish(")
    proc = subprocess.run([sys.executable, "-c", script, str(out), str(staged), str(kill_at)])
    assert proc.returncode == -signal.SIGKILL
    assert staged.exists()  # what the issue found: the staging folder is left behind
    before = _manifest_matches(out)
    assert before in ({"old"} if kill_at <= 0 else {None, "new"})
    done = clean_stale(out)  # the lock died with the process: the folder is stale at once
    assert not staged.exists() and any("removed" in d for d in done)
    assert _manifest_matches(out) == ("old" if kill_at < 0 else "new")
    assert current_reports(out)[1] == []


def test_a_live_run_s_staging_folder_is_left_alone(tmp_path):
    out = tmp_path / "reports"
    staged = out / f".{NAME}.live.tmp"
    _report_files(staged, "new")
    with open(staged / ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        assert clean_stale(out) == [] and staged.exists()
    assert clean_stale(out) and not staged.exists()


def test_a_fresh_unlocked_staging_folder_waits_for_its_grace_period(tmp_path):
    out = tmp_path / "reports"
    staged = out / f".{NAME}.young.tmp"
    staged.mkdir(parents=True)
    assert clean_stale(out) == [] and staged.exists()
    os.utime(staged, (0, 0))
    assert clean_stale(out) and not staged.exists()


def test_an_older_journal_never_overwrites_a_newer_published_set(tmp_path):
    out = tmp_path / "reports"
    staged = out / f".{NAME}.late.tmp"
    out.mkdir()
    _report_files(staged, "stale")
    run._stage_journal(staged, NAME, "2025-01-01T00:00:00+00:00")  # committed, never moved
    _published_old(out)  # a later run published in the meantime (2026)
    os.utime(staged, (0, 0))
    clean_stale(out)
    assert not staged.exists() and _manifest_matches(out) == "old"


# --- Ctrl-C ---------------------------------------------------------------------------------------

_SLOW = '''# ---
# jupyter:
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # A slow notebook
#
# Sleeps, so that a test can interrupt its run.

# %% tags=["parameters"]
pid_file: str = ""  # where the kernel writes its process id

# %%
import os
import time

with open(pid_file, "w") as fh:
    fh.write(str(os.getpid()))
time.sleep(120)
'''


def test_ctrl_c_stops_a_run_cleanly_and_publishes_nothing(tmp_path):
    """SIGINT to `crmstudy report` (what Ctrl-C sends; the kernel has its own session) while the
    kernel runs: the command stops, the kernel is shut down, the staging folder is removed, no
    .failed.ipynb is left, and the previously published set is untouched."""
    notebooks, out = tmp_path / "notebooks", tmp_path / "reports"
    notebooks.mkdir()
    (notebooks / "01_slow.py").write_text(_SLOW)
    out.mkdir()
    old = out / ".01_slow.old.tmp"
    old.mkdir()
    for suffix in PUBLISHED:
        (old / f"01_slow{suffix}").write_text(json.dumps({"run": "old"}))
    _publish(old, out, "01_slow", "2026-01-01T00:00:00+00:00")
    shutil.rmtree(old)
    before = {p.name: p.read_text() for p in out.iterdir() if p.is_file()}
    pid_file = tmp_path / "kernel.pid"
    crmstudy = Path(sys.executable).with_name("crmstudy")
    proc = subprocess.Popen(
        [str(crmstudy), "report", "01_slow", "-p", f"pid_file={pid_file}", "--notebooks",
         str(notebooks), "--out", str(out), "--no-progress"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.time() + 90
    while not pid_file.exists() or not pid_file.read_text():
        assert proc.poll() is None, proc.communicate()
        assert time.time() < deadline, "the kernel never started"
        time.sleep(0.2)
    kernel = int(pid_file.read_text())
    assert list(out.glob(".01_slow.*.tmp")), "the run stages its files in a hidden folder"
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err  # what a shell reports for a command stopped by SIGINT
    for _ in range(100):  # the kernel is shut down (it may take a moment to exit)
        try:
            os.kill(kernel, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        os.kill(kernel, signal.SIGKILL)
        pytest.fail("the kernel was still running after the interrupted run")
    assert list(out.glob(".*.tmp")) == []
    assert not (out / "01_slow.failed.ipynb").exists()
    after = {p.name: p.read_text() for p in out.iterdir() if p.is_file() and p.name != "index.html"}
    assert after == before
    # One line of crmstudy's says what happened, with no KeyboardInterrupt traceback (the kernel,
    # which shares stderr, may still log its own shutdown).
    assert err.strip().splitlines()[-1].startswith("crmstudy: interrupted"), err
    assert "KeyboardInterrupt" not in err, err

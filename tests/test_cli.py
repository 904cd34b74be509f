"""Tests for the ``crmstudy`` command.

Validation tests never start a kernel: ``run_report`` is replaced by a stub that records the jobs
it is given (or fails the test if it is called at all). Two tests run real kernels on the tiny
fixture notebooks in tests/fixtures/notebooks (00_fails raises ZeroDivisionError in cell 4;
01_ok records a few numbers and draws one figure).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import crmstudy
from crmstudy import cli, reports
from crmstudy.datasets import CHECKSUMS
from crmstudy.reports import read_results, remote_references

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


@pytest.fixture
def notebooks(tmp_path) -> Path:
    """A private copy of the fixture notebooks (with the 01_ok/high_end scenario)."""
    target = tmp_path / "notebooks"
    shutil.copytree(FIXTURES, target)
    return target


@pytest.fixture
def no_kernel(monkeypatch):
    """Fail the test if any report would run."""

    def refuse(job, *args, **kwargs):
        raise AssertionError(f"a kernel would have started for {job.report}")

    monkeypatch.setattr(reports, "run_report", refuse)


@pytest.fixture
def fake_runs(monkeypatch):
    """Record the jobs instead of running them; every run 'succeeds'."""
    jobs = []

    def fake(job, out_dir, **kwargs):
        jobs.append(job)
        return {"duration_seconds": 0.0}

    monkeypatch.setattr(reports, "run_report", fake)
    return jobs


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_console_script_is_this_main():
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="crmstudy")
    assert script.load() is cli.main


def test_help_lists_the_three_commands(capsys):
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--help"])
    assert exit_.value.code == 0
    out = capsys.readouterr().out
    assert all(command in out for command in ("list", "report", "check"))


# --- validation: exit 2, nothing runs ---------------------------------------------------------


@pytest.mark.parametrize(
    ("argv", "fragments"),
    [
        (
            ["01_ok", "-p", "segmnt=high_end"],
            ["no parameter 'segmnt'", "did you mean 'segment'", "segment, retention, periods"],
        ),
        (["01_ok", "-p", "periods=2.5"], ["'periods' is an int", "'2.5' is not an int"]),
        (["01_ok", "-p", "show_figure=maybe"], ["'show_figure' is a bool"]),
        (["01_ok", "-p", "segment=vip"], ["must be one of: regular, high_end", "'vip'"]),
        (["01_ok", "-p", "retention=1"], ["'retention' must be in [0, 1)", "got 1.0"]),
        (["01_ok", "-p", "periods=0"], ["'periods' must be in [1, 10]"]),
        (["01_ok", "-p", "periods"], ["-p expects key=value"]),
        (["01_okay"], ["no notebook named '01_okay'", "did you mean '01_ok'", "00_fails, 01_ok"]),
        (["--all", "-p", "periods=2"], ["--all takes no NAME, -p or -f"]),
        ([], ["name at least one notebook, or use --all"]),
    ],
)
def test_bad_requests_exit_2_before_any_kernel_starts(
    capsys, notebooks, no_kernel, tmp_path, argv, fragments
):
    code, _, err = run(
        capsys, "report", *argv, "--notebooks", str(notebooks), "--out", str(tmp_path / "r")
    )
    assert code == 2
    for fragment in fragments:
        assert fragment in err
    assert not (tmp_path / "r").exists()


def test_a_bad_value_in_a_parameter_file_names_the_file(capsys, notebooks, no_kernel, tmp_path):
    scenario = tmp_path / "wrong.yaml"
    scenario.write_text("segment: high_end\nretention: yes\n")  # YAML reads 'yes' as a bool
    code, _, err = run(
        capsys, "report", "01_ok", "-f", str(scenario), "--notebooks", str(notebooks)
    )
    assert code == 2
    assert "'retention' is a float; got True" in err and "wrong.yaml" in err


def test_the_notebooks_folder_comes_from_the_environment(capsys, notebooks, monkeypatch):
    monkeypatch.setenv("CRMSTUDY_NOTEBOOKS", str(notebooks))
    code, out, _ = run(capsys, "list")
    assert code == 0 and "01_ok  A notebook that works" in out


def test_missing_notebook_tools_give_an_install_hint(capsys, notebooks, monkeypatch):
    monkeypatch.setitem(sys.modules, "jupytext", None)  # makes `import jupytext` fail
    code, _, err = run(capsys, "list", "--notebooks", str(notebooks))
    assert code == 2 and "jupytext is missing" in err and ".[notebooks]" in err


# --- planning: what would run -----------------------------------------------------------------


def test_values_are_coerced_and_a_scenario_names_the_report(capsys, notebooks, fake_runs, tmp_path):
    code, _, err = run(
        capsys,
        "report",
        "01",
        "-f",
        str(notebooks / "params" / "01_ok" / "high_end.yaml"),
        "-p",
        "periods=7",
        "-p",
        "show_figure=no",
        "--notebooks",
        str(notebooks),
        "--out",
        str(tmp_path / "r"),
        "--no-progress",
    )
    assert code == 0, err
    (job,) = fake_runs
    assert job.report == "01_ok__high_end"
    assert job.overrides == {
        "segment": "high_end",
        "retention": 0.8,
        "periods": 7,
        "show_figure": False,
    }
    assert type(job.overrides["periods"]) is int
    assert (tmp_path / "r" / "index.html").exists()


def test_all_renders_every_notebook_at_defaults_plus_every_scenario(
    capsys, notebooks, fake_runs, tmp_path
):
    code, _, err = run(
        capsys, "report", "--all", "--notebooks", str(notebooks), "--out", str(tmp_path / "r")
    )
    assert code == 0, err
    assert [(j.report, j.overrides) for j in fake_runs] == [
        ("00_fails", {}),
        ("01_ok", {}),
        ("01_ok__high_end", {"segment": "high_end", "retention": 0.8}),
    ]


def test_all_skips_an_invalid_scenario_but_exits_1(capsys, notebooks, fake_runs, tmp_path):
    (notebooks / "params" / "01_ok" / "typo.yaml").write_text("periods: 99\n")
    (notebooks / "params" / "07_missing").mkdir()
    code, _, err = run(
        capsys, "report", "--all", "--notebooks", str(notebooks), "--out", str(tmp_path / "r")
    )
    assert code == 1
    assert [j.report for j in fake_runs] == ["00_fails", "01_ok", "01_ok__high_end"]
    assert "01_ok__typo" in err and "must be in [1, 10]" in err
    assert "07_missing: names no notebook" in err


def test_default_output_folder_is_reports_next_to_the_notebooks(capsys, notebooks, fake_runs):
    code, _, _ = run(capsys, "report", "01_ok", "--notebooks", str(notebooks), "--no-progress")
    assert code == 0 and (notebooks.parent / "reports" / "index.html").exists()


def test_list_shows_descriptions_parameters_and_scenarios(capsys, notebooks):
    code, out, _ = run(capsys, "list", "--notebooks", str(notebooks))
    assert code == 0
    assert "01_ok  A notebook that works" in out
    assert "Records a few numbers and draws one figure" in out
    assert "retention: float = 0.5" in out and "per period [in [0, 1)]" in out
    assert "segment: str = 'regular'" in out and "[one of: regular, high_end]" in out
    assert "high_end: The high-end segment, with a higher retention rate." in out
    assert "00_fails  A notebook that fails" in out


def test_check_reports_unpaired_notebooks(capsys, notebooks):
    code, out, _ = run(capsys, "check", "--notebooks", str(notebooks))
    assert code == 1 and "no paired 01_ok.ipynb" in out


def test_check_reports_a_parameter_line_papermill_cannot_parse(capsys, notebooks):
    import jupytext

    py = notebooks / "01_ok.py"
    py.write_text(py.read_text().replace("# draw the figure", "# False = no figure"))
    jupytext.write(jupytext.read(py), py.with_suffix(".ipynb"))
    code, out, _ = run(capsys, "check", "01", "--notebooks", str(notebooks))
    assert code == 1 and "01_ok: PROBLEMS" in out
    assert "parameters cell line 4" in out and "more than one '='" in out


# --- real runs (each starts kernels: keep them few) --------------------------------------------


def test_report_writes_ipynb_offline_html_results_and_index(
    capsys, notebooks, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)  # --out relative to where the command runs, not to the kernel's cwd
    # A headless backend here (as `make` exports) must not keep the figure out of the report.
    monkeypatch.setenv("MPLBACKEND", "Agg")
    out = tmp_path / "reports"
    out.mkdir()
    stale = out / "01_ok__high_end.failed.ipynb"
    stale.write_text("{}")
    before = datetime.now(UTC)
    code, _, err = run(
        capsys,
        "report",
        "01_ok",
        "-f",
        str(notebooks / "params" / "01_ok" / "high_end.yaml"),
        "-p",
        "periods=2",
        "--notebooks",
        str(notebooks),
        "--out",
        "reports",
        "--no-progress",
    )
    assert code == 0, err
    name = "01_ok__high_end"
    assert not stale.exists(), "a success removes the stale .failed.ipynb"
    assert sorted(p.name for p in out.iterdir()) == [
        "01_ok__high_end.html",
        "01_ok__high_end.ipynb",
        "01_ok__high_end.results.json",
        "01_ok__high_end.student.html",
        "01_ok__high_end.teacher.html",
        "index.html",
        "manifest.json",
    ]

    meta = json.loads((out / f"{name}.results.json").read_text())
    assert meta["parameters"] == {
        "segment": "high_end",
        "retention": 0.8,
        "periods": 2,
        "show_figure": True,
    }
    assert meta["overrides"] == {"segment": "high_end", "retention": 0.8, "periods": 2}
    assert meta["scenario"] == "high_end"
    assert meta["crmstudy_version"] == crmstudy.__version__
    assert meta["data_checksums"] == CHECKSUMS
    run_at = datetime.fromisoformat(meta["run_at_utc"])
    assert before - timedelta(seconds=1) <= run_at <= datetime.now(UTC)
    assert meta["duration_seconds"] > 0
    # Independent computation: a geometric lifetime with retention r = 0.8 lasts 1/(1-r) = 5
    # periods on average; the survivors after t periods are r**t.
    assert meta["results"]["expected_lifetime"] == pytest.approx(5.0)
    assert meta["results"]["survivors"] == pytest.approx([1.0, 0.8, 0.64])
    assert read_results(out / f"{name}.results.json") == read_results(out / f"{name}.ipynb")

    page = (out / f"{name}.html").read_text()
    assert remote_references(page) == []
    assert "<script" not in page and 'href="http' not in page and "@import" not in page
    assert re.search(r"<img[^>]+src=\"data:image/png;base64,", page), "the figure is missing"
    assert "&lt;Figure size" not in page
    assert "plt.subplots" not in page  # code cells are hidden
    assert "<math" in page and "$1 / (1 - r)$" not in page  # math is MathML, drawn with no script

    index = (out / "index.html").read_text()
    assert remote_references(index) == []
    assert f'href="{name}.html"' in index and "<code>expected_lifetime</code> = 5" in index


def test_all_carries_on_after_a_failure_and_keeps_the_last_good_report(capsys, notebooks, tmp_path):
    shutil.rmtree(notebooks / "params")  # two kernels only: 00_fails (first) and 01_ok
    out = tmp_path / "reports"
    out.mkdir()
    good = {suffix: f"last good {suffix}" for suffix in (".ipynb", ".html", ".results.json")}
    for suffix, text in good.items():
        (out / f"00_fails{suffix}").write_text(text)

    code, _, err = run(
        capsys, "report", "--all", "--notebooks", str(notebooks), "--out", str(out), "--no-progress"
    )

    assert code == 1
    assert "00_fails" in err and "cell 4" in err and "ZeroDivisionError: division by zero" in err
    for suffix, text in good.items():
        assert (out / f"00_fails{suffix}").read_text() == text, f"00_fails{suffix} was replaced"
    failed = out / "00_fails.failed.ipynb"
    assert read_results(failed) == {"before_failure": 1}
    # The notebook after the failing one still ran.
    assert read_results(out / "01_ok.results.json")["expected_lifetime"] == pytest.approx(2.0)
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "temporary files left"


def test_check_refuses_a_parameter_without_help_or_allowed_values(capsys, notebooks):
    import jupytext

    py = notebooks / "01_ok.py"
    py.write_text(py.read_text().replace("  # number of periods shown; range: [1, 10]", ""))
    jupytext.write(jupytext.read(py), py.with_suffix(".ipynb"))
    code, out, _ = run(capsys, "check", "01", "--notebooks", str(notebooks))
    assert code == 1 and "parameter 'periods' has no help text" in out
    assert "and no allowed values (range: [lo, hi))" in out


def test_check_passes_on_every_project_notebook(capsys):
    # Every parameter of every notebook states its help and allowed values (or `crmstudy
    # check` names it); before the wrapped-declaration fix, 01's segment and three of 06's
    # parameters had neither. Runs no kernel.
    project = Path(__file__).resolve().parents[1] / "notebooks"
    code, out, _ = run(capsys, "check", "--notebooks", str(project))
    assert code == 0, out
    assert out.count(": ok") == len(list(project.glob("[0-9][0-9]_*.py")))


def test_list_shows_the_project_notebooks_parameters_with_units_and_allowed_values(capsys):
    project = Path(__file__).resolve().parents[1] / "notebooks"
    code, out, _ = run(capsys, "list", "--notebooks", str(project))
    assert code == 0
    block = out[out.index("08_mass_customisation") :]
    assert "walk_away_share: float = 0.1" in block
    assert "share of customers who walk away rather than wait [in [0, 1)]" in block
    assert "demand_period: str = 'W'" in block and "[one of: D, W]" in block

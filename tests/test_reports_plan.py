"""Tests for crmstudy.reports.plan: scenario files, validation of requested values, and jobs.

Nothing here starts a kernel.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crmstudy import reports
from crmstudy.errors import ParameterError
from crmstudy.reports import (
    Job,
    NotebookInfo,
    orphan_scenarios,
    plan_all,
    plan_jobs,
    read_notebook,
    read_scenario,
    resolve_name,
    validate_parameters,
)
from crmstudy.reports.plan import _resolve_paths

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def _info() -> NotebookInfo:
    return read_notebook(FIXTURES / "01_ok.py")


def test_validate_parameters_suggests_the_closest_name_and_lists_all():
    with pytest.raises(ParameterError) as err:
        validate_parameters(_info(), {"retension": 0.5}, source="-p")
    message = str(err.value)
    assert "no parameter 'retension'" in message and "did you mean 'retention'?" in message
    assert "segment, retention, periods, show_figure" in message and "(from -p)" in message


def test_validate_parameters_refuses_a_notebook_with_a_broken_parameters_cell():
    info = NotebookInfo(name="09_broken", path=Path("09_broken.py"), problem="has 0 cells tagged")
    with pytest.raises(ParameterError, match="09_broken has 0 cells tagged"):
        validate_parameters(info, {})


def test_path_parameters_are_made_absolute_and_must_exist(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("customer_id,date,amount\n")
    assert _resolve_paths({"transactions_path": "log.csv"}, tmp_path) == {
        "transactions_path": str(log.resolve())
    }
    assert _resolve_paths({"transactions_path": ""}, tmp_path) == {"transactions_path": ""}
    with pytest.raises(ParameterError, match="no file at"):
        _resolve_paths({"transactions_path": "missing.csv"}, tmp_path)


def test_read_scenario_takes_its_description_from_leading_comments(tmp_path):
    values, description = read_scenario(FIXTURES / "params" / "01_ok" / "high_end.yaml")
    assert values == {"segment": "high_end", "retention": 0.8}
    assert description == "The high-end segment, with a higher retention rate."
    bad = tmp_path / "list.yaml"
    bad.write_text("- 1\n- 2\n")
    with pytest.raises(ParameterError, match="must be a mapping"):
        read_scenario(bad)


def test_resolve_name_accepts_a_unique_number_prefix():
    notebooks = reports.discover_notebooks(FIXTURES)
    assert resolve_name("01", notebooks) == "01_ok"
    assert resolve_name("notebooks/01_ok.py", notebooks) == "01_ok"
    with pytest.raises(ParameterError, match="did you mean '01_ok'"):
        resolve_name("01_okk", notebooks)


def test_plan_jobs_merges_file_then_command_line_values():
    notebooks = reports.discover_notebooks(FIXTURES)
    (job,) = plan_jobs(
        notebooks,
        ["01_ok"],
        params=["retention=0.25", "show_figure=no"],
        param_file=FIXTURES / "params" / "01_ok" / "high_end.yaml",
    )
    assert job.report == "01_ok__high_end" and job.scenario == "high_end"
    assert job.overrides == {"segment": "high_end", "retention": 0.25, "show_figure": False}
    assert job.parameters() == {
        "segment": "high_end",
        "retention": 0.25,
        "periods": 3,
        "show_figure": False,
    }


def test_plan_all_lists_defaults_and_scenarios_and_sets_aside_invalid_ones(tmp_path):
    shutil.copytree(FIXTURES, tmp_path, dirs_exist_ok=True)
    (tmp_path / "params" / "01_ok" / "typo.yaml").write_text("retnetion: 0.3\n")
    jobs, problems = plan_all(reports.discover_notebooks(tmp_path))
    assert [j.report for j in jobs] == ["00_fails", "01_ok", "01_ok__high_end"]
    assert len(problems) == 1 and "01_ok__typo" in problems[0] and "retnetion" in problems[0]


def test_jobs_survive_pickling_for_worker_processes():
    import pickle

    (job,) = plan_jobs(reports.discover_notebooks(FIXTURES), ["01_ok"], params=["periods=4"])
    back = pickle.loads(pickle.dumps(job))
    assert (
        back.parameters() == job.parameters()
        and back.notebook.parameters == job.notebook.parameters
    )


def test_job_parameters_are_defaults_updated_by_overrides():
    job = Job(report="01_ok", notebook=_info(), overrides={"periods": 5})
    assert job.parameters()["periods"] == 5 and job.parameters()["segment"] == "regular"


def test_orphan_scenarios_are_folders_that_name_no_notebook(tmp_path):
    shutil.copytree(FIXTURES, tmp_path, dirs_exist_ok=True)
    (tmp_path / "params" / "01_okk").mkdir()  # a typo of 01_ok
    notebooks = reports.discover_notebooks(tmp_path)
    assert orphan_scenarios(tmp_path, notebooks) == [tmp_path / "params" / "01_okk"]
    shutil.rmtree(tmp_path / "params")
    assert orphan_scenarios(tmp_path, notebooks) == []


def test_check_transactions_file_reads_a_parquet_header(tmp_path):
    import pandas as pd

    from crmstudy.reports.plan import check_transactions_file

    log = tmp_path / "log.parquet"
    pd.DataFrame({"client": ["a"], "day": ["2020-01-01"], "spend": [1.0]}).to_parquet(log)
    mapped = {"customer_column": "client", "date_column": "day", "amount_column": "spend"}
    check_transactions_file({"transactions_path": str(log), **mapped})  # no error
    with pytest.raises(ParameterError, match="log.parquet has no column 'customer_id'"):
        check_transactions_file({"transactions_path": str(log)})
    check_transactions_file({"transactions_path": ""})  # no log: nothing to check


def test_a_renamed_parameter_works_under_its_old_name_for_one_release_with_a_warning(tmp_path):
    # `was: old` in the parameters cell declares the old name (issue 14: renamed notebook
    # parameters keep working one release, with a DeprecationWarning naming the new one).
    nb = tmp_path / "01_renamed.py"
    nb.write_text(
        "# %% [markdown]\n# # Renamed\n#\n# A notebook whose parameter was renamed.\n\n"
        '# %% tags=["parameters"]\n'
        "annual_discount_rate: float = 0.10  # per year; range: [0, 1); was: discount_rate\n\n"
        "# %%\nprint(annual_discount_rate)\n"
    )
    info = read_notebook(nb)
    assert info.parameters["annual_discount_rate"].formerly == ("discount_rate",)
    with pytest.warns(DeprecationWarning, match="'discount_rate' is deprecated; use 'annual_disc"):
        got = validate_parameters(info, {"discount_rate": "0.08"}, from_text=True)
    assert got == {"annual_discount_rate": 0.08}
    with pytest.raises(ParameterError, match=r"annual_discount_rate. must be in \[0, 1\)"), \
            pytest.warns(DeprecationWarning):
        validate_parameters(info, {"discount_rate": 1.5})
    with pytest.raises(ParameterError, match="only one"), pytest.warns(DeprecationWarning):
        validate_parameters(info, {"discount_rate": 0.1, "annual_discount_rate": 0.1})
    with pytest.raises(ParameterError, match="no parameter 'discount'"):
        validate_parameters(info, {"discount": 0.1})

"""Tests for crmstudy.reports: parameter schema, validation, scenarios, HTML, index, pair checks.

Nothing here starts a kernel; the papermill runs are in tests/test_cli.py.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest

from crmstudy import reports
from crmstudy.errors import ParameterError
from crmstudy.record import MIME_TYPE
from crmstudy.record import read_results as record_read_results
from crmstudy.reports import (
    Job,
    NotebookInfo,
    Parameter,
    Range,
    check_notebook,
    parse_parameters,
    plan_all,
    plan_jobs,
    read_notebook,
    read_scenario,
    remote_references,
    render_html,
    resolve_name,
    validate_parameters,
    write_index,
)

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"

# --- parameters cell ---------------------------------------------------------------------------

CELL = """\
segment: str = "high_end"  # customer segment; choices: regular, high_end
discount_rate: float = 0.10  # per year; range: [0, 1)
fit_years: int = 7  # years used to fit the model; range: [2, 12]
# a comment line between parameters is fine

sample: bool = False  # use the 1/10 sample
label: str = "a # b"  # text; with a semicolon in the help
growth: float = 0  # per year; range: (-1, inf)
"""


def test_parse_parameters_reads_types_defaults_help_and_constraints():
    params = parse_parameters(CELL)
    assert list(params) == ["segment", "discount_rate", "fit_years", "sample", "label", "growth"]
    seg = params["segment"]
    assert (seg.type, seg.default, seg.help, seg.choices) == (
        str,
        "high_end",
        "customer segment",
        ("regular", "high_end"),
    )
    rate = params["discount_rate"]
    assert rate.type is float and rate.default == 0.10 and rate.help == "per year"
    assert rate.range == Range(0.0, 1.0, lo_closed=True, hi_closed=False)
    assert params["fit_years"].range == Range(2.0, 12.0, True, True)
    assert params["sample"].default is False and params["sample"].choices is None
    # A '#' inside a string default is not the comment; extra ';' parts stay in the help.
    assert params["label"].default == "a # b"
    assert params["label"].help == "text; with a semicolon in the help"
    # An int literal for a float parameter becomes a float; 'inf' is an open upper bound.
    assert params["growth"].default == 0.0 and isinstance(params["growth"].default, float)
    assert 1e300 in params["growth"].range and -1.0 not in params["growth"].range


def test_range_membership_respects_open_and_closed_ends():
    half_open = Range(0.0, 1.0, True, False)
    assert 0.0 in half_open and 0.999 in half_open and 1.0 not in half_open
    assert -1e-12 not in half_open
    closed = Range(2, 12, True, True)
    assert 2 in closed and 12 in closed and 13 not in closed
    assert str(half_open) == "[0, 1)" and str(Range(-1, float("inf"), False, False)) == "(-1, inf)"


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("x = 5  # no annotation", "not of the form"),
        ("x: list = [1]", "use one of int, float, str, bool"),
        ("x: int = 2 + len('a')", "must be a literal"),
        ("x: int = 20  # n; range: [0, 10]", "must be in [0, 10]"),
        ("x: str = 'c'  # n; choices: a, b", "must be one of: a, b"),
        ("x: float = 0.5  # n; range: 0 to 1", "not of the form [lo, hi)"),
        ("x: int = 1\nx: int = 2", "declared twice"),
        ("x: int = 1.5", "is an int"),
        ("x: int = (", "not valid Python"),
    ],
)
def test_parse_parameters_rejects_malformed_cells(source, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        parse_parameters(source)


def test_malformed_line_error_names_the_line():
    with pytest.raises(ParameterError, match=r"line 2: 'y = 3'"):
        parse_parameters("x: int = 1\ny = 3\n")


# --- coercion and validation ------------------------------------------------------------------


def test_coerce_from_text_parses_the_declared_type():
    flag = Parameter("flag", bool, False)
    for text, expected in [("true", True), ("YES", True), ("1", True), ("no", False), ("0", False)]:
        assert flag.coerce(text, from_text=True) is expected
    assert Parameter("n", int, 1).coerce("7", from_text=True) == 7
    assert Parameter("r", float, 0.1).coerce("1e-3", from_text=True) == 0.001
    assert Parameter("s", str, "").coerce("7", from_text=True) == "7"


@pytest.mark.parametrize(
    ("param", "value", "from_text", "fragment"),
    [
        (Parameter("n", int, 1), "2.5", True, "'2.5' is not an int"),
        (Parameter("flag", bool, False), "maybe", True, "not true/false"),
        (Parameter("r", float, 0.1), "NaN", True, "got NaN"),
        (Parameter("n", int, 1), True, False, "is an int"),  # YAML 'yes' is a bool, not an int
        (Parameter("n", int, 1), 2.0, False, "is an int"),
        (Parameter("s", str, ""), 2020, False, "is a str"),
        (Parameter("r", float, 0.1, range=Range(0, 1, True, False)), 1, False, "in [0, 1)"),
    ],
)
def test_coerce_rejects_values_of_the_wrong_type_or_range(param, value, from_text, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        param.coerce(value, from_text=from_text)


def test_int_choices_are_compared_as_ints():
    (param,) = parse_parameters("k: int = 4  # clusters; choices: 2, 4, 8").values()
    assert param.choices == (2, 4, 8)
    assert param.coerce("8", from_text=True) == 8
    with pytest.raises(ParameterError, match="one of: 2, 4, 8"):
        param.coerce("3", from_text=True)


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
    assert reports._resolve_paths({"transactions_path": "log.csv"}, tmp_path) == {
        "transactions_path": str(log.resolve())
    }
    assert reports._resolve_paths({"transactions_path": ""}, tmp_path) == {"transactions_path": ""}
    with pytest.raises(ParameterError, match="no file at"):
        reports._resolve_paths({"transactions_path": "missing.csv"}, tmp_path)


def test_input_checksums_hash_the_files_path_parameters_point_to(tmp_path):
    log = tmp_path / "log.csv"
    log.write_bytes(b"abc")
    sums = reports._input_checksums({"transactions_path": str(log), "segment": "abc", "x_path": ""})
    # SHA-256("abc") from FIPS 180-2, appendix B.1.
    assert sums == {str(log): "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"}


# --- notebooks, scenarios, planning -----------------------------------------------------------


def test_read_notebook_gets_title_description_parameters_and_scenarios():
    info = _info()
    assert info.problem is None
    assert info.title == "A notebook that works"
    assert info.description.startswith("Records a few numbers and draws one figure")
    assert info.defaults() == {
        "segment": "regular",
        "retention": 0.5,
        "periods": 3,
        "show_figure": True,
    }
    assert list(info.scenarios) == ["high_end"]


def test_a_notebook_needs_exactly_one_parameters_cell(tmp_path):
    source = (FIXTURES / "01_ok.py").read_text()
    doubled = source.replace("# %%\nsurvivors", '# %% tags=["parameters"]\nsurvivors')
    assert doubled != source
    (tmp_path / "05_two.py").write_text(doubled)
    assert "has 2 cells tagged 'parameters'" in read_notebook(tmp_path / "05_two.py").problem


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


# --- HTML and index ---------------------------------------------------------------------------

PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="


def _executed_notebook() -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell("# Retention\n\nThe churn rate is $1 - r$ per period."),
        nbformat.v4.new_code_cell(
            "secret_code_line = 1",
            outputs=[
                nbformat.v4.new_output(
                    "display_data",
                    data={
                        MIME_TYPE: {"name": "lifetime", "value": 2.0},
                        "text/plain": "lifetime = 2.0",
                    },
                ),
                nbformat.v4.new_output("display_data", data={"image/png": PNG_1PX}),
                # The same figure again, as the inline backend shows a returned Figure twice.
                nbformat.v4.new_output("display_data", data={"image/png": PNG_1PX}),
            ],
        ),
    ]
    return nb


def _meta(report: str = "01_ok", **changes) -> dict:
    meta = {
        "report": report,
        "notebook": "01_ok",
        "title": "A notebook that works",
        "description": "",
        "scenario": None,
        "scenario_file": None,
        "scenario_description": "",
        "parameters": {"segment": "regular", "retention": 0.5},
        "overrides": {},
        "crmstudy_version": "0.1.0",
        "python_version": "3.11",
        "packages": {"pandas": "3.1"},
        "data_checksums": {"CDNOW_sample.txt": "abc123"},
        "run_at_utc": "2026-11-26T22:00:00+00:00",
        "duration_seconds": 1.5,
        "results": {"lifetime": 2.0, "table": {"__kind__": "dataframe"}},
    }
    meta.update(changes)
    return meta


def test_render_html_is_offline_with_code_hidden_and_figures_embedded():
    page = render_html(_executed_notebook(), _meta(), _info())
    assert remote_references(page) == []
    assert "<script" not in page  # no require.js, MathJax, mermaid or widget loader at all
    assert page.count(f"data:image/png;base64,{PNG_1PX}") == 1
    assert "secret_code_line" not in page
    assert "$1 - r$" in page  # math stays readable as TeX
    # The record() text fallback is not repeated in the body; the footer lists the number once.
    assert "lifetime = 2.0" not in page
    assert "<code>lifetime</code></td><td>2</td>" in page
    assert "abc123" in page and "customer segment" in page
    page = render_html(_executed_notebook(), _meta(input_checksums={"/data/my_log.csv": "f00d"}))
    assert "/data/my_log.csv" in page and "f00d" in page


def test_remote_reference_detector_catches_what_nbconvert_defaults_load_from_cdns():
    from nbconvert import HTMLExporter

    # nbconvert's stock "lab" template loads require.js and MathJax from cdnjs: the detector
    # must see them, or the offline checks on our own pages would prove nothing.
    stock, _ = HTMLExporter(template_name="lab").from_notebook_node(_executed_notebook())
    found = " ".join(remote_references(stock))
    assert "cdnjs.cloudflare.com" in found and "<script" in found
    for snippet in [
        '<script src="https://cdnjs.cloudflare.com/ajax/libs/require.js/2.1.10/require.min.js">',
        "<link rel='stylesheet' href='http://example.org/x.css'>",
        '<script type="text/javascript" src="//cdn.example.org/mathjax.js">',
        "@import url('https://fonts.googleapis.com/css?family=Roboto');",
    ]:
        assert remote_references(snippet), snippet
    assert remote_references('<a href="https://doi.org/10.1/x">paper</a>') == []


def test_write_index_lists_reports_with_parameters_numbers_links_and_failures(tmp_path):
    (tmp_path / "01_ok.results.json").write_text(json.dumps(_meta()))
    scen = _meta(
        "01_ok__high_end",
        scenario="high_end",
        parameters={"segment": "<script>alert(1)</script>", "retention": 0.8},
        overrides={"segment": "<script>alert(1)</script>"},
        results={"lifetime": 5.000000000001},
    )
    (tmp_path / "01_ok__high_end.results.json").write_text(json.dumps(scen))
    (tmp_path / "01_ok__high_end.failed.ipynb").write_text("{}")
    (tmp_path / "02_new.failed.ipynb").write_text("{}")
    page = write_index(tmp_path).read_text()
    assert remote_references(page) == [] and "<script>" not in page
    assert '<a href="01_ok.html">' in page and '<a href="01_ok__high_end.html">' in page
    assert "<code>lifetime</code> = 5<" in page  # 4 significant digits
    assert 'class="changed"><code>segment</code> = &#x27;&lt;script&gt;' in page
    assert "last run failed" in page  # a good report whose latest run failed
    assert "02_new.failed.ipynb" in page  # a failure with no good report yet
    assert page.index("01_ok.html") < page.index("01_ok__high_end.html")


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
    assert reports._source_cell_index(nb) == (2, "ratio = 1 / divisor")


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


def test_jobs_survive_pickling_for_worker_processes():
    import pickle

    (job,) = plan_jobs(reports.discover_notebooks(FIXTURES), ["01_ok"], params=["periods=4"])
    back = pickle.loads(pickle.dumps(job))
    assert (
        back.parameters() == job.parameters()
        and back.notebook.parameters == job.notebook.parameters
    )


def test_read_results_is_reexported():
    assert reports.read_results is record_read_results


# --- notebook pair check ----------------------------------------------------------------------


def _pair(tmp_path: Path) -> Path:
    import jupytext

    py = tmp_path / "01_ok.py"
    shutil.copy(FIXTURES / "01_ok.py", py)
    jupytext.write(jupytext.read(py), py.with_suffix(".ipynb"))
    return py


def test_check_notebook_accepts_a_synced_pair(tmp_path):
    assert check_notebook(_pair(tmp_path)) == []


def test_check_notebook_finds_a_stale_ipynb(tmp_path):
    py = _pair(tmp_path)
    py.write_text(py.read_text().replace("range(periods + 1)", "range(periods + 2)"))
    problems = check_notebook(py)
    assert len(problems) == 1 and "differ (first at cell 3)" in problems[0]


def test_check_notebook_finds_a_missing_ipynb_outputs_and_wrong_kernel(tmp_path):
    py = _pair(tmp_path)
    ipynb = py.with_suffix(".ipynb")
    nb = nbformat.read(ipynb, as_version=4)
    nb.cells[3].outputs = [nbformat.v4.new_output("stream", text="hi")]
    nb.metadata["kernelspec"]["name"] = "conda-env-crm"
    nbformat.write(nb, ipynb)
    problems = " | ".join(check_notebook(py))
    assert "has outputs" in problems and "kernelspec is 'conda-env-crm'" in problems
    ipynb.unlink()
    assert any("no paired 01_ok.ipynb" in p for p in check_notebook(py))


def test_check_notebook_finds_a_default_outside_its_range(tmp_path):
    py = _pair(tmp_path)
    py.write_text(py.read_text().replace("retention: float = 0.5", "retention: float = 1.5"))
    assert any("must be in [0, 1)" in p for p in check_notebook(py))


def test_job_parameters_are_defaults_updated_by_overrides():
    job = Job(report="01_ok", notebook=_info(), overrides={"periods": 5})
    assert job.parameters()["periods"] == 5 and job.parameters()["segment"] == "regular"

"""Tests for crmstudy.reports.html and crmstudy.reports.index: the offline report page, the
remote-reference check and reports/index.html (they share the fixtures below).
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat

from crmstudy.record import MIME_TYPE
from crmstudy.reports import (
    NotebookInfo,
    read_notebook,
    remote_references,
    render_html,
    write_index,
)

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


def _info() -> NotebookInfo:
    return read_notebook(FIXTURES / "01_ok.py")


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

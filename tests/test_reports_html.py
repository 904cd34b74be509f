"""Tests for crmstudy.reports.html and crmstudy.reports.index: the offline report page, the
remote-reference check and reports/index.html (they share the fixtures below).
"""

from __future__ import annotations

import json
import re
import shutil
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
from crmstudy.reports.html import tex_to_mathml
from crmstudy.reports.run import PUBLISHED, _publish

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
    assert "<math" in page and "$1 - r$" not in page  # math is MathML, drawn without a script
    # The record() text fallback is not repeated in the body; the footer lists the number once.
    assert "lifetime = 2.0" not in page
    assert "<code>lifetime</code></td><td>2.00</td>" in page  # the one notation (formatting)
    assert "abc123" in page and "customer segment" in page
    page = render_html(_executed_notebook(), _meta(input_checksums={"/data/my_log.csv": "f00d"}))
    assert "/data/my_log.csv" in page and "f00d" in page


_MATH_MARKDOWN = r"""# Customer value

Inline $a_{1}^{*} + b_*$ and \\(x_i\\), display $$\sum_{t=0}^{T} \frac{m\,r^t}{(1+d)^t}$$ and

\\[ CLV = m \frac{r}{1+d-r} \\]

A plan costs \$51 to acquire and earns \$30 a year; code `$HOME` and `\$` stay as typed.

    $not_math$ in a code block

Broken $\frac{1}{$ and unknown $\notacommand{x}$ stay readable.
"""


def test_markdown_math_becomes_mathml_and_what_cannot_be_converted_stays_as_tex():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(_MATH_MARKDOWN)]
    page = render_html(nb, _meta())
    body = page[page.index('<h1 id="Customer-value"') :]
    assert remote_references(page) == [] and "<script" not in page
    # Two inline formulas and two display ones, in Jupyter's delimiters ($, \\( and $$, \\[).
    assert len(re.findall(r'<math[^>]* display="inline"', body)) == 2
    assert len(re.findall(r'<math[^>]* display="block"', body)) == 2
    assert body.count("</math>") == 4
    converted = body[: body.index("Broken")]
    for tex in ["a_{1}", "x_i", "\\sum", "\\frac", "CLV = m", "$$", "\\[", "\\("]:
        assert tex not in converted, tex  # converted math leaves no TeX source behind
    # Markdown did not read the underscores and stars inside the math as emphasis.
    assert "<em>" not in body and "<strong>" not in body
    # Escaped dollars are dollar signs: the text between them is not math.
    assert "costs $51 to acquire and earns $30 a year" in body
    assert "<code>$HOME</code>" in body and "<code>\\$</code>" in body
    assert "$not_math$ in a code block" in body
    # A formula latex2mathml cannot parse, or parses leaving a command unknown, is kept as TeX.
    assert '<code class="crmstudy-tex">$\\frac{1}{$</code>' in body
    assert '<code class="crmstudy-tex">$\\notacommand{x}$</code>' in body
    assert "stay readable" in body


def test_tex_to_mathml_converts_display_math_and_rejects_what_it_cannot_draw():
    assert tex_to_mathml("r/(1+i-r)").startswith('<math xmlns="http://www.w3.org/1998/Math/MathML"')
    assert 'display="block"' in tex_to_mathml("\\frac{r}{1+d-r}", display=True)
    assert "<mfrac>" in tex_to_mathml("\\frac{r}{1+d-r}")
    assert tex_to_mathml("x^{") is None  # latex2mathml raises
    assert tex_to_mathml("\\notacommand{x}") is None  # latex2mathml passes it through as text


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


def publish(out: Path, meta: dict) -> None:
    """Publish a constructed report set (results from ``meta``) as run_report does."""
    name = meta["report"]
    staged = out / f".{name}.test.tmp"
    staged.mkdir(parents=True)
    for suffix in PUBLISHED:
        (staged / f"{name}{suffix}").write_text("<html></html>")
    (staged / f"{name}.results.json").write_text(json.dumps(meta))
    _publish(staged, out, name, meta["run_at_utc"])
    shutil.rmtree(staged)


def test_write_index_lists_reports_with_parameters_numbers_links_and_failures(tmp_path):
    publish(tmp_path, _meta(defaults={"segment": "regular", "retention": 0.5}))
    scen = _meta(
        "01_ok__high_end",
        scenario="high_end",
        parameters={"segment": "<script>alert(1)</script>", "retention": 0.5},
        defaults={"segment": "regular", "retention": 0.5},
        # retention is given by the scenario but equals the default: not "changed"
        overrides={"segment": "<script>alert(1)</script>", "retention": 0.5},
        results={"lifetime": 5.000000000001, "elasticity": 4.1},
        labels={"elasticity": {"label": "Retention elasticity, Capital One", "unit": "",
                               "fmt": ".1f", "reference": 4.0, "reference_label": "GLS"}},
    )
    publish(tmp_path, scen)
    (tmp_path / "01_ok__high_end.failed.ipynb").write_text("{}")
    (tmp_path / "02_new.failed.ipynb").write_text("{}")
    (tmp_path / "03_unlisted.results.json").write_text(json.dumps(_meta("03_unlisted")))
    page = write_index(tmp_path).read_text()
    assert remote_references(page) == [] and "<script>" not in page
    assert '<a href="01_ok.html">' in page and '<a href="01_ok__high_end.html">' in page
    assert '<a href="01_ok__high_end.student.html">' in page
    assert '<a href="01_ok__high_end.teacher.html">' in page
    assert "<code>lifetime</code> = 5.00<" in page  # the one notation: 2 decimals from 1 up
    assert "Retention elasticity, Capital One: 4.1 (GLS: 4.0)" in page
    assert 'class="changed"><code>segment</code> = &#x27;&lt;script&gt;' in page
    assert '<span class=""><code>retention</code> = 0.5</span>' in page
    assert "last run failed" in page  # a good report whose latest run failed
    assert "02_new.failed.ipynb" in page  # a failure with no good report yet
    assert "<code>03_unlisted</code>: its files do not form the set" in page
    assert page.index("01_ok.html") < page.index("01_ok__high_end.html")
    assert "repeats the default run" not in page  # the scenario changes segment


def test_a_scenario_that_repeats_the_defaults_is_flagged(tmp_path):
    defaults = {"segment": "regular", "retention": 0.5}
    publish(tmp_path, _meta("01_ok__same", scenario="same", defaults=defaults,
                            parameters={"segment": "regular", "retention": 0.50},
                            overrides={"retention": 0.50}))
    page = write_index(tmp_path).read_text()
    assert "it repeats the default run" in page


def test_a_scenario_whose_numbers_cannot_differ_is_flagged(tmp_path):
    defaults = {"segment": "regular", "retention": 0.5}
    publish(tmp_path, _meta(defaults=defaults, results={"lifetime": 2.0, "other": 1}))
    publish(tmp_path, _meta("01_ok__cut", scenario="cut", defaults=defaults,
                            parameters={"segment": "regular", "retention": 0.6},
                            results={"lifetime": 2.0, "other": 1}))
    publish(tmp_path, _meta("01_ok__moves", scenario="moves", defaults=defaults,
                            parameters={"segment": "regular", "retention": 0.8},
                            results={"lifetime": 5.0, "other": 1}))
    page = write_index(tmp_path).read_text()
    assert page.count("its parameters do not reach the results") == 1
    cut = page[page.index('id="report-01_ok__cut"'):page.index('id="report-01_ok__moves"')]
    assert "do not reach the results" in cut

"""A report's offline HTML page, and the check that a page loads nothing from the network."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping
from typing import Any

from crmstudy.formatting import CURRENCY_CODES, format_interval, format_number, format_value
from crmstudy.record import MIME_TYPE
from crmstudy.reports.notebooks import NotebookInfo, cell_tags

__all__ = [
    "EDITIONS",
    "changed_parameters",
    "labelled_numbers",
    "remote_references",
    "render_html",
    "tex_to_mathml",
    "verdict_html",
]

#: The editions of a report: ``report`` (``NAME.html``: everything, code hidden), ``student``
#: (``NAME.student.html``: cells tagged ``solution`` and the exercise answers removed) and
#: ``teacher`` (``NAME.teacher.html``: each solution shown with its code).
EDITIONS = ("report", "student", "teacher")

#: Anything in a page that makes a browser fetch from the network: a remote script, stylesheet,
#: CSS import or url(). Links (<a href>) are fine: they are not needed to render the page.
_REMOTE = re.compile(
    r"(?:<script[^>]+src=[\"']?|<link[^>]+href=[\"']?|@import\s+(?:url\()?[\"']?|url\([\"']?)"
    r"(?:https?:)?//[^\s\"'<>)]*",
    re.IGNORECASE,
)


# The "lab" template with every remote asset removed: require.js, MathJax, mermaid and the widget
# manager are loaded from CDNs by nbconvert's defaults. Math is converted to MathML (see
# _MathMLRenderer), which browsers draw without a script; figures are already inline (data URIs)
# and the stylesheet is inlined by the lab template.
_TEMPLATE = r"""{%- extends 'lab/index.html.j2' -%}
{%- block html_head_js -%}{%- endblock html_head_js -%}
{%- block jupyter_widgets -%}{%- endblock jupyter_widgets -%}
{%- block html_head_js_mathjax -%}{%- endblock html_head_js_mathjax -%}
{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}
{%- block html_head_css -%}<style type="text/css">{{ resources.crmstudy_css }}</style>
{%- endblock html_head_css -%}
{%- block body_header -%}{{ super() }}{{ resources.crmstudy_header }}{%- endblock body_header -%}
{%- block body_footer -%}{{ resources.crmstudy_footer }}{{ super() }}{%- endblock body_footer -%}
"""

_CSS = """
.crmstudy-box { margin: 1em auto; padding: 0.6em 1em; max-width: 60em; font-family: sans-serif;
  font-size: 0.9em; background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; }
.crmstudy-box table { border-collapse: collapse; margin: 0.4em 0; }
.crmstudy-box td, .crmstudy-box th { padding: 0.15em 0.8em 0.15em 0; text-align: left;
  vertical-align: top; }
.crmstudy-box .changed { font-weight: bold; }
.crmstudy-box code { font-size: 0.95em; }
math[display="block"] { margin: 0.6em 0; }
.crmstudy-tex { font-family: monospace; }
:lang(zh-Hans), [lang="zh-Hans"] { font-family: "Noto Sans CJK SC", "Noto Sans SC",
  "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif; }
.crmstudy-verdict { margin: 1em 0; padding: 0.6em 1em; border-left: 6px solid #57606a;
  background: #f6f8fa; font-family: sans-serif; font-size: 0.95em; }
.crmstudy-verdict.holds { border-color: #1a7f37; }
.crmstudy-verdict.holds_if { border-color: #9a6700; }
.crmstudy-verdict.does_not_hold { border-color: #cf222e; }
.crmstudy-verdict.untestable { border-color: #8250df; }
.crmstudy-verdict p { margin: 0.2em 0; }
.celltag_learning_goals { background: #ddf4ff; border-radius: 6px; }
.celltag_exercise { background: #fff8c5; border-radius: 6px; }
.crmstudy-solution { border-left: 4px solid #1a7f37; padding-left: 0.6em; }
"""

#: An unknown control sequence that latex2mathml passed through as text (it does not raise on
#: ``\foo``): the formula would show a wrong symbol, so it is kept as TeX instead.
_UNCONVERTED_COMMAND = re.compile(r">\\[A-Za-z]*<")


#: A currency sign, not math: ``US$51``, ``NT$1,200`` (a code of
#: :data:`crmstudy.formatting.CURRENCY_CODES`, then ``$`` and a digit), or the Lab-safe spelling ``US\\$51`` (see :func:`crmstudy.formatting.markdown_text`).
_CURRENCY = re.compile(rf"(?<![A-Za-z])({CURRENCY_CODES})(?:\\\\)?\$(?=[0-9])|\\\\\$")
_CODE_SPAN = re.compile(r"(`+)(?:.|\n)*?(?<!`)\1(?!`)")


def literal_currency(markdown: str) -> str:
    """``markdown`` with each currency dollar written as the entity ``&#36;``, outside code spans.

    Jupyter's math rules would read ``US$51 to acquire, US$30`` as a formula between the two
    dollars; a dollar directly after a currency code and before a digit is money. The Lab-safe
    spelling ``\\$`` (an escaped backslash, which JupyterLab's MathJax turns into a dollar) is
    money too."""
    out, last = [], 0
    for m in _CODE_SPAN.finditer(markdown):
        out.append(_CURRENCY.sub(_entity, markdown[last:m.start()]))
        out.append(m.group(0))
        last = m.end()
    out.append(_CURRENCY.sub(_entity, markdown[last:]))
    return "".join(out)


def _entity(m: re.Match) -> str:
    return f"{m.group(1) or ''}&#36;"


def tex_to_mathml(tex: str, display: bool = False) -> str | None:
    """The MathML for one TeX formula (without its ``$`` delimiters), or None when latex2mathml
    cannot parse it or leaves a control sequence it does not know unconverted."""
    from latex2mathml.converter import convert

    try:
        mathml = convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # latex2mathml raises many exception types on malformed TeX
        return None
    if _UNCONVERTED_COMMAND.search(mathml):
        return None
    return mathml


def escape(value: Any) -> str:
    """``value`` as text safe inside HTML (also in an attribute)."""
    return html.escape(str(value), quote=True)


def scalars(results: Mapping[str, Any]) -> dict[str, Any]:
    """The recorded values short enough to list (numbers, booleans, short strings, None)."""
    return {
        k: v
        for k, v in results.items()
        if v is None or isinstance(v, bool | int | float) or (isinstance(v, str) and len(v) < 80)
    }


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b or (isinstance(a, bool) and isinstance(b, bool) and a == b)
    if isinstance(a, int | float) and isinstance(b, int | float):
        return float(a) == float(b)
    return a == b


def changed_parameters(meta: Mapping[str, Any]) -> set[str]:
    """The parameters of a run whose value differs from the notebook's default.

    Compares values (``k_a = 0.0`` given in a scenario equals the default ``0.0``: not changed).
    A results file written before defaults were recorded falls back to the overrides.
    """
    params = meta.get("parameters", {})
    defaults = meta.get("defaults")
    if defaults is None:
        return set(meta.get("overrides", {}))
    return {k for k, v in params.items() if k not in defaults or not _same(v, defaults[k])}


def value_text(value: Any) -> str:
    """A parameter value as a reader writes it: strings quoted, numbers as typed (``0.2``,
    ``1.0``, ``10000``), never in scientific notation."""
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return format_number(value)
    if isinstance(value, float):
        text = repr(value)
        if "e" in text or "E" in text:  # 1e-05 -> 0.00001, 2e+16 -> 20,000,000,000,000,000
            text = f"{value:,.20f}".rstrip("0").rstrip(".") if abs(value) < 1 else f"{value:,.0f}"
        elif abs(value) >= 10000:
            text = f"{value:,}"
        return text.replace("-", "−")
    return str(value)


def labelled_numbers(
    results: Mapping[str, Any], labels: Mapping[str, Mapping[str, Any]] | None = None,
    *, hide: tuple[str, ...] = (),
) -> list[tuple[str, str, str, bool]]:
    """``(key, shown name, formatted value, labelled)`` for each short recorded value.

    A value recorded with a label shows as its label and its value in its unit (with the published
    reference, when one was recorded: "ours (GLS: theirs)"); one without shows its key and the
    number in the kit's one notation. Verdicts and tables are left out (shown elsewhere); keys
    starting with one of ``hide`` too.
    """
    labels = labels or {}
    rows = []
    for key, value in scalars(results).items():
        if key.startswith(hide):
            continue
        spec = labels.get(key) or {}
        unit, fmt = spec.get("unit"), spec.get("fmt")
        try:
            text = format_value(value, unit, fmt)
        except ValueError:  # a unit this version does not know: still show the number
            text = format_value(value)
        if spec.get("reference") is not None:
            ref = format_value(spec["reference"], unit, fmt)
            text += f" ({spec.get('reference_label') or 'published'}: {ref})"
        rows.append((key, spec.get("label") or key, text, bool(spec.get("label"))))
    return rows


def verdict_parts(v: Mapping[str, Any]) -> dict[str, str]:
    """The pieces of a verdict record as escaped HTML (both languages), for a report's verdict
    box and for a row of the claims board. Everything comes from the record."""
    from crmstudy.verdicts import EXACT, VERDICT_CLASSES

    cls = v.get("class", "")
    en, zh = VERDICT_CLASSES.get(cls, (cls, cls))
    head = v.get("headline") or {}
    unit, fmt = head.get("unit") or "", head.get("fmt")
    number = "" if head.get("value") is None else format_value(head["value"], unit, fmt)
    iv = v.get("interval")
    if isinstance(iv, Mapping):
        text = format_interval(iv.get("lower"), iv.get("upper"), unit, level=iv.get("level"),
                               fmt=fmt)
        method = f' <span class="small">({escape(iv["method"])})</span>' if iv.get("method") else ""
        interval_en = escape(text) + method
        interval_zh = escape(text.replace("% CI ", "% 置信区间 ", 1)) + method
    elif iv == EXACT:
        sens = v.get("sensitivity") or {}
        rng = escape(format_value(sens.get("lower"), unit, fmt) + " to "
                     + format_value(sens.get("upper"), unit, fmt))
        interval_en = f"exact given inputs; {escape(sens.get('en', ''))}: {rng}"
        interval_zh = f"给定输入下为精确值；{escape(sens.get('zh', ''))}：{rng}"
    else:
        interval_en = interval_zh = ""
    missing = ", ".join(v.get("missing") or [])
    return {
        "class": escape(cls),
        "class_en": escape(en),
        "class_zh": escape(zh),
        "condition_en": escape(v.get("condition_en", "")),
        "condition_zh": escape(v.get("condition_zh", "")),
        "headline_en": escape(head.get("en", "")),
        "headline_zh": escape(head.get("zh", "")),
        "number": escape(number),
        "interval_en": interval_en,
        "interval_zh": interval_zh,
        "data_en": escape(v.get("data_en") or v.get("data", "")),
        "data_zh": escape(v.get("data_zh", "")),
        "missing": escape(missing),
    }


def verdict_html(v: Mapping[str, Any]) -> str:
    """A report's verdict box for one ``verdict_<claim>`` record, in Chinese and English."""
    p = verdict_parts(v)
    number = f" <b>{p['number']}</b>" if p["number"] else ""
    missing = (
        f'<p lang="en">The public data lack: {p["missing"]}.</p>'
        f'<p lang="zh-Hans">公开数据缺少：{p["missing"]}。</p>'
        if p["missing"] else ""
    )
    iv_en = f" ({p['interval_en']})" if p["interval_en"] else ""
    iv_zh = f"（{p['interval_zh']}）" if p["interval_zh"] else ""
    return (
        f'<section class="crmstudy-verdict {p["class"]}" data-claim="{escape(v.get("claim", ""))}">'
        f'<p lang="zh-Hans"><b>结论：{p["class_zh"]}。</b>{p["condition_zh"]}</p>'
        f'<p lang="en"><b>Verdict: {p["class_en"]}.</b> {p["condition_en"]}</p>'
        f'<p lang="zh-Hans">{p["headline_zh"]}：{number}{iv_zh}</p>'
        f'<p lang="en">{p["headline_en"]}:{number}{iv_en}</p>'
        f'<p lang="zh-Hans">数据：{p["data_zh"]}</p><p lang="en">Data: {p["data_en"]}</p>'
        f"{missing}</section>"
    )


def _param_rows(meta: Mapping[str, Any], info: NotebookInfo | None) -> str:
    rows = []
    changed = changed_parameters(meta)
    for key, value in meta.get("parameters", {}).items():
        param = info.parameters.get(key) if info else None
        help_text = param.help if param else ""
        css = ' class="changed"' if key in changed else ""
        rows.append(
            f"<tr{css}><td><code>{escape(key)}</code></td><td>{escape(value_text(value))}</td>"
            f"<td>{escape(help_text)}</td></tr>"
        )
    return "".join(rows)


def _header_html(meta: Mapping[str, Any], info: NotebookInfo | None,
                 edition: str = "report") -> str:
    scenario = ""
    if meta.get("scenario"):
        scenario = (
            f"<p>Scenario <b>{escape(meta['scenario'])}</b>"
            f"{': ' + escape(meta['scenario_description']) if meta.get('scenario_description') else ''}"
            "</p>"
        )
    return (
        '<section class="crmstudy-box">'
        + {"report": "", "student": '<p><b>Student edition · 学生版</b>: the exercises without '
           "their solutions.</p>", "teacher": '<p><b>Teacher edition · 教师版</b>: every exercise '
           "with its worked solution and code.</p>"}[edition]
        + '<p><b>Report</b> '
        f"<code>{escape(meta['report'])}</code> from notebook <code>{escape(meta['notebook'])}</code>,"
        f" run {escape(meta['run_at_utc'])} (UTC) in {escape(meta['duration_seconds'])} s with "
        f"crmstudy {escape(meta['crmstudy_version'])}.</p>{scenario}"
        "<details open><summary>Parameters (in bold: differs from the notebook's default)</summary>"
        f"<table>{_param_rows(meta, info)}</table></details></section>"
    )


def _footer_html(meta: Mapping[str, Any], hide: tuple[str, ...] = ()) -> str:
    numbers = "".join(
        f"<tr><td>{escape(shown) if labelled else f'<code>{escape(shown)}</code>'}</td>"
        f"<td>{escape(text)}</td></tr>"
        for _, shown, text, labelled in labelled_numbers(
            meta.get("results", {}), meta.get("labels"), hide=hide
        )
    )
    checksums = "".join(
        f"<tr><td>{escape(k)}</td><td><code>{escape(v)}</code></td></tr>"
        for k, v in {**meta.get("data_checksums", {}), **meta.get("input_checksums", {})}.items()
    )
    packages = ", ".join(f"{k} {v}" for k, v in meta.get("packages", {}).items())
    return (
        '<section class="crmstudy-box"><details open><summary>Recorded numbers</summary>'
        f"<table>{numbers}</table><p>All recorded values, tables included, are in "
        f"<code>{escape(meta['report'])}.results.json</code>.</p></details>"
        f"<details><summary>Provenance</summary><p>Python {escape(meta['python_version'])}; "
        f"{escape(packages)}.</p><table>{checksums}</table></details></section>"
    )


def remote_references(page: str) -> list[str]:
    """Every place in an HTML ``page`` that would load a script, stylesheet, font or image from
    the network (``<script src=//...>``, ``<link href=http...>``, CSS ``@import``/``url()``)."""
    return [m.group(0) for m in _REMOTE.finditer(page)]


def _is_verdict(value: Any) -> bool:
    return isinstance(value, Mapping) and "claim" in value and "class" in value


def _report_outputs(outputs: list) -> list:
    """The outputs of one cell as the report shows them.

    record() outputs are dropped: they are data for the index, and the footer lists them once,
    formatted; a recorded verdict becomes the report's bilingual verdict box, drawn from the
    record. A figure shown twice is shown once: a cell that ends with a call returning a
    matplotlib Figure displays it as its result *and* the inline backend displays it again.
    """
    import nbformat

    kept, seen = [], set()
    for output in outputs:
        data = output.get("data", {})
        if MIME_TYPE in data:
            value = data[MIME_TYPE].get("value")
            if _is_verdict(value):
                kept.append(nbformat.v4.new_output(
                    "display_data", data={"text/html": verdict_html(value)}
                ))
            continue
        image = data.get("image/png") or data.get("image/svg+xml")
        if image is not None:
            key = image if isinstance(image, str) else "".join(image)
            if key in seen:
                continue
            seen.add(key)
        kept.append(output)
    return kept


def _edition_cells(cells: list, edition: str) -> list:
    """The cells of one edition: the student edition drops every cell tagged ``solution``; the
    teacher edition puts each solution's code, as a code block, above its result."""
    import copy

    import nbformat

    if edition not in EDITIONS:
        raise ValueError(f"edition must be one of {', '.join(EDITIONS)}; got {edition!r}")
    out = []
    for cell in cells:
        tags = cell_tags(cell)
        if "solution" in tags and edition == "student":
            continue
        if "solution" in tags and edition == "teacher" and cell.cell_type == "code":
            fence = "````" if "```" in cell.source else "```"
            note = nbformat.v4.new_markdown_cell(
                "**Solution (teacher edition) · 解答（教师版）**\n\n"
                f"{fence}python\n{cell.source.strip()}\n{fence}"
            )
            note.metadata["tags"] = ["solution-code"]
            out.append(note)
            # The recorded answer, as the notebook shows it ("Exercise 1 answer: 25.0%").
            cell = copy.deepcopy(cell)
            cell.outputs = [
                nbformat.v4.new_output("stream", name="stdout",
                                       text=o["data"].get("text/plain", "") + "\n")
                if MIME_TYPE in o.get("data", {}) and o["data"].get("text/plain") else o
                for o in cell.get("outputs", [])
            ]
        out.append(cell)
    return out


@functools.cache
def _exporter_class():
    """HTMLExporter whose markdown filter writes math as MathML (imported lazily: nbconvert is
    slow to import and only the report command needs it)."""
    import jinja2
    from nbconvert import HTMLExporter
    from nbconvert.filters.markdown_mistune import IPythonRenderer, MarkdownWithMath

    class _MathMLRenderer(IPythonRenderer):
        """nbconvert's renderer, with math drawn as MathML instead of left for MathJax.

        nbconvert's own markdown parser finds the math (Jupyter's rules: ``$...$``, ``\\(...\\)``
        inline; ``$$...$$``, ``\\[...\\]``, ``\\begin{env}...\\end{env}`` display; ``\\$`` is a
        dollar sign; code spans and blocks are not math), so markdown never sees the ``_`` and
        ``*`` inside a formula. A formula latex2mathml cannot convert is shown as its TeX source.
        """

        def _math(self, tex: str, display: bool, source: str) -> str:
            mathml = tex_to_mathml(tex, display)
            if mathml is not None:
                return mathml
            return f'<code class="crmstudy-tex">{self.escape_html(source)}</code>'

        def block_math(self, body: str) -> str:
            return self._math(body, True, f"$${body}$$")

        def inline_math(self, body: str) -> str:
            return self._math(body, False, f"${body}$")

        def latex_environment(self, name: str, body: str) -> str:
            source = f"\\begin{{{name}}}{body}\\end{{{name}}}"
            return self._math(source, True, source)

    class _ReportExporter(HTMLExporter):
        def markdown2html(self, context, source):
            # As HTMLExporter.markdown2html (nbconvert 7), with the MathML renderer.
            cell = context.get("cell", {})
            renderer = _MathMLRenderer(
                escape=False,
                attachments=cell.get("attachments", {}),
                embed_images=self.embed_images,
                path=context.get("resources", {}).get("metadata", {}).get("path", ""),
                anchor_link_text=self.anchor_link_text,
                exclude_anchor_links=self.exclude_anchor_links,
                **self.lexer_options,
            )
            return MarkdownWithMath(renderer=renderer).render(literal_currency(source))

        markdown2html = jinja2.pass_context(markdown2html)

    return _ReportExporter


def render_html(nb, meta: Mapping[str, Any], info: NotebookInfo | None = None,
                edition: str = "report") -> str:
    """An executed notebook as a self-contained HTML page: code cells hidden, figures embedded as
    data URIs, math as MathML, no script and no remote stylesheet, with a header naming the
    parameters and a footer listing the recorded numbers (with their labels and units) and the
    data checksums. ``edition`` is one of :data:`EDITIONS`; the student edition leaves out the
    solution cells and the recorded exercise answers."""
    import copy

    import jinja2

    nb = copy.deepcopy(nb)
    nb.cells = _edition_cells(nb.cells, edition)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = _report_outputs(cell.get("outputs", []))
    exporter = _exporter_class()(
        extra_loaders=[jinja2.DictLoader({"crmstudy_report.html.j2": _TEMPLATE})],
        template_file="crmstudy_report.html.j2",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        embed_images=True,
    )
    title = meta.get("title") or meta["report"]
    if edition != "report":
        title += " (student edition)" if edition == "student" else " (teacher edition)"
    resources = {
        # The path lets embed_images inline pictures a markdown cell links to (figures/x.png).
        "metadata": {
            "name": title,
            "path": str(info.path.resolve().parent) if info else "",
        },
        "crmstudy_css": _CSS,
        "crmstudy_header": _header_html(meta, info, edition),
        "crmstudy_footer": _footer_html(meta, ("exercise_",) if edition == "student" else ()),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body

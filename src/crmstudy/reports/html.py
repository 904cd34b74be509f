"""A report's offline HTML page, and the check that a page loads nothing from the network."""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Mapping
from typing import Any

from crmstudy.record import MIME_TYPE
from crmstudy.reports.notebooks import NotebookInfo

__all__ = ["remote_references", "render_html", "tex_to_mathml"]

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
"""

#: An unknown control sequence that latex2mathml passed through as text (it does not raise on
#: ``\foo``): the formula would show a wrong symbol, so it is kept as TeX instead.
_UNCONVERTED_COMMAND = re.compile(r">\\[A-Za-z]*<")


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


def format_number(value: Any) -> str:
    """A recorded value as the report and the index show it: floats to 4 significant digits."""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def scalars(results: Mapping[str, Any]) -> dict[str, Any]:
    """The recorded values short enough to list (numbers, booleans, short strings, None)."""
    return {
        k: v
        for k, v in results.items()
        if v is None or isinstance(v, bool | int | float) or (isinstance(v, str) and len(v) < 80)
    }


def _param_rows(meta: Mapping[str, Any], info: NotebookInfo | None) -> str:
    rows = []
    overrides = meta.get("overrides", {})
    for key, value in meta.get("parameters", {}).items():
        param = info.parameters.get(key) if info else None
        help_text = param.help if param else ""
        css = ' class="changed"' if key in overrides else ""
        rows.append(
            f"<tr{css}><td><code>{escape(key)}</code></td><td>{escape(repr(value))}</td>"
            f"<td>{escape(help_text)}</td></tr>"
        )
    return "".join(rows)


def _header_html(meta: Mapping[str, Any], info: NotebookInfo | None) -> str:
    scenario = ""
    if meta.get("scenario"):
        scenario = (
            f"<p>Scenario <b>{escape(meta['scenario'])}</b>"
            f"{': ' + escape(meta['scenario_description']) if meta.get('scenario_description') else ''}"
            "</p>"
        )
    return (
        '<section class="crmstudy-box"><p><b>Report</b> '
        f"<code>{escape(meta['report'])}</code> from notebook <code>{escape(meta['notebook'])}</code>,"
        f" run {escape(meta['run_at_utc'])} (UTC) in {escape(meta['duration_seconds'])} s with "
        f"crmstudy {escape(meta['crmstudy_version'])}.</p>{scenario}"
        "<details open><summary>Parameters (changed ones in bold)</summary>"
        f"<table>{_param_rows(meta, info)}</table></details></section>"
    )


def _footer_html(meta: Mapping[str, Any]) -> str:
    numbers = "".join(
        f"<tr><td><code>{escape(k)}</code></td><td>{escape(format_number(v))}</td></tr>"
        for k, v in scalars(meta.get("results", {})).items()
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


def _report_outputs(outputs: list) -> list:
    """The outputs of one cell as the report shows them.

    record() outputs are dropped: they are data for the index, and the footer lists them once,
    formatted. A figure shown twice is shown once: a cell that ends with a call returning a
    matplotlib Figure displays it as its result *and* the inline backend displays it again.
    """
    kept, seen = [], set()
    for output in outputs:
        data = output.get("data", {})
        if MIME_TYPE in data:
            continue
        image = data.get("image/png") or data.get("image/svg+xml")
        if image is not None:
            key = image if isinstance(image, str) else "".join(image)
            if key in seen:
                continue
            seen.add(key)
        kept.append(output)
    return kept


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
            return MarkdownWithMath(renderer=renderer).render(source)

        markdown2html = jinja2.pass_context(markdown2html)

    return _ReportExporter


def render_html(nb, meta: Mapping[str, Any], info: NotebookInfo | None = None) -> str:
    """An executed notebook as a self-contained HTML page: code cells hidden, figures embedded as
    data URIs, math as MathML, no script and no remote stylesheet, with a header naming the
    parameters and a footer listing the recorded numbers and the data checksums."""
    import copy

    import jinja2

    nb = copy.deepcopy(nb)
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
    resources = {
        # The path lets embed_images inline pictures a markdown cell links to (figures/x.png).
        "metadata": {
            "name": meta.get("title") or meta["report"],
            "path": str(info.path.resolve().parent) if info else "",
        },
        "crmstudy_css": _CSS,
        "crmstudy_header": _header_html(meta, info),
        "crmstudy_footer": _footer_html(meta),
    }
    body, _ = exporter.from_notebook_node(nb, resources=resources)
    return body

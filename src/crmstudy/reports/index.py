"""``reports/index.html``: every report with its parameters, headline numbers and links."""

from __future__ import annotations

import json
import os
from pathlib import Path

from crmstudy.reports.html import escape, format_number, scalars

__all__ = ["INDEX_NUMBERS", "write_index"]

#: How many recorded numbers (the first ones) the index shows per report.
INDEX_NUMBERS = 10

_INDEX_CSS = """
body { font-family: sans-serif; margin: 2em auto; max-width: 75em; padding: 0 1em; color: #1f2328; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d0d7de; padding: 0.4em 0.6em; text-align: left;
  vertical-align: top; font-size: 0.9em; }
th { background: #f6f8fa; }
code { font-size: 0.95em; }
.changed { font-weight: bold; }
.failed { color: #b00020; }
.small { color: #57606a; font-size: 0.85em; }
"""


def write_index(out_dir: str | os.PathLike) -> Path:
    """Write ``<out_dir>/index.html``: every report (from its ``.results.json``) with its
    parameters, headline numbers and links, plus the reports whose last run failed.
    Self-contained: inline CSS, no script."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rows = []
    for path in sorted(out_dir.glob("*.results.json")):
        try:
            meta = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        name = meta.get("report", path.name.removesuffix(".results.json"))
        overrides = meta.get("overrides", {})
        params = "<br>".join(
            f'<span class="{"changed" if k in overrides else ""}"><code>{escape(k)}</code> = '
            f"{escape(repr(v))}</span>"
            for k, v in meta.get("parameters", {}).items()
        )
        shown = list(scalars(meta.get("results", {})).items())
        numbers = "<br>".join(
            f"<code>{escape(k)}</code> = {escape(format_number(v))}"
            for k, v in shown[:INDEX_NUMBERS]
        )
        if len(shown) > INDEX_NUMBERS:
            numbers += (
                f'<br><span class="small">and {len(shown) - INDEX_NUMBERS} more in the report'
                "</span>"
            )
        status = ""
        if (out_dir / f"{name}.failed.ipynb").exists():
            status = (
                f'<br><span class="failed">last run failed: see <a href="{escape(name)}'
                f'.failed.ipynb">{escape(name)}.failed.ipynb</a></span>'
            )
        scenario = ""
        if meta.get("scenario"):
            scenario = f"<br>scenario <b>{escape(meta['scenario'])}</b> " + escape(
                meta.get("scenario_description", "")
            )
        rows.append(
            f'<tr><td><a href="{escape(name)}.html"><b>{escape(name)}</b></a><br>'
            f"{escape(meta.get('title', ''))}{scenario}{status}<br>"
            f'<span class="small"><a href="{escape(name)}.ipynb">notebook</a> · '
            f'<a href="{escape(name)}.results.json">results.json</a> · run '
            f"{escape(meta.get('run_at_utc', ''))} UTC, {escape(meta.get('duration_seconds', ''))} s"
            f"</span></td><td>{params}</td><td>{numbers}</td></tr>"
        )
    orphans = sorted(
        p.name.removesuffix(".failed.ipynb")
        for p in out_dir.glob("*.failed.ipynb")
        if not (out_dir / p.name.replace(".failed.ipynb", ".results.json")).exists()
    )
    failed = "".join(
        f'<li class="failed"><a href="{escape(n)}.failed.ipynb">{escape(n)}.failed.ipynb</a></li>'
        for n in orphans
    )
    page = (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        f"<title>crmstudy reports</title><style>{_INDEX_CSS}</style></head><body>"
        "<h1>crmstudy reports</h1><p>Each report was rendered by <code>crmstudy report</code>; "
        "parameters that differ from the notebook's defaults are in bold. Regenerate them all "
        "with <code>make reports</code>.</p>"
        "<table><thead><tr><th>Report</th><th>Parameters</th><th>Headline numbers</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<h2>Failed, with no good report yet</h2><ul>{failed}</ul>" if failed else "")
        + "</body></html>\n"
    )
    target = out_dir / "index.html"
    tmp = out_dir / f".index.{os.getpid()}.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
    return target

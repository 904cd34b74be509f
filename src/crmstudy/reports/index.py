"""``reports/index.html``: the claims board, then every report with its parameters, labelled
numbers and links.

The page is built from the manifest (``reports/manifest.json``, see :mod:`crmstudy.reports.run`):
only the reports it lists, whose files still have the checksums it records, count. A report whose
files do not match (a run killed while publishing) is listed as needing a new run, and so is a
``.results.json`` that no manifest lists. The page is bilingual without a script: both languages
side by side, or one of them, chosen with three radio buttons and CSS.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from crmstudy.reports.board import board_table
from crmstudy.reports.html import changed_parameters, escape, labelled_numbers, scalars, value_text
from crmstudy.reports.run import MANIFEST, _sha256, read_manifest

__all__ = ["INDEX_NUMBERS", "current_reports", "write_index"]

#: How many recorded numbers (the first ones) the index shows per report.
INDEX_NUMBERS = 10

_INDEX_CSS = """
body { font-family: "Noto Sans", "Noto Sans CJK SC", sans-serif; margin: 2em auto;
  max-width: 90em; padding: 0 1em; color: #1f2328; line-height: 1.45; }
[lang="zh-Hans"] { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC",
  "PingFang SC", "Microsoft YaHei", sans-serif; }
table { border-collapse: collapse; width: 100%; }
th, td { border-bottom: 1px solid #d0d7de; padding: 0.45em 0.6em; text-align: left;
  vertical-align: top; font-size: 0.9em; }
th { background: #f6f8fa; }
th span[lang] { display: block; }
td div[lang="en"] { color: #424a53; }
td div[lang="zh-Hans"] + div[lang="en"] { margin-top: 0.25em; }
code { font-size: 0.95em; }
.changed { font-weight: bold; }
.failed { color: #b00020; }
.small { color: #57606a; font-size: 0.85em; }
.badge { display: inline-block; padding: 0.15em 0.5em; border-radius: 1em; color: #fff;
  background: #57606a; font-weight: bold; }
.badge span[lang] { display: block; }
.badge.holds { background: #1a7f37; }
.badge.holds_if { background: #9a6700; }
.badge.does_not_hold { background: #cf222e; }
.badge.untestable { background: #8250df; }
tr.untested .verdict { color: #57606a; font-style: italic; }
ul.scenarios { margin: 0.2em 0; padding-left: 1.1em; }
ul.scenarios .badge { font-size: 0.8em; padding: 0 0.4em; }
ul.scenarios .badge span[lang] { display: inline; }
hr.same-claim { border: 0; border-top: 1px dashed #d0d7de; }
.lang-switch { margin: 0.5em 0 1em; }
.lang-switch label { margin-right: 1em; cursor: pointer; }
#lang-zh:checked ~ main [lang="en"] { display: none; }
#lang-en:checked ~ main [lang="zh-Hans"] { display: none; }
"""


def current_reports(out_dir: str | os.PathLike) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """The published reports of ``out_dir`` (name -> content of its ``.results.json``), read
    through the manifest, and the names of reports whose files are incomplete or unlisted."""
    out_dir = Path(out_dir)
    manifest = read_manifest(out_dir)["reports"]
    good: dict[str, dict[str, Any]] = {}
    broken: list[str] = []
    for name, entry in manifest.items():
        files = entry.get("files", {})
        try:
            intact = all(_sha256(out_dir / f) == sha for f, sha in files.items())
            meta = json.loads((out_dir / f"{name}.results.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            intact = False
        if intact:
            good[name] = meta
        else:
            broken.append(name)
    for path in sorted(out_dir.glob("*.results.json")):
        name = path.name.removesuffix(".results.json")
        if name not in manifest:
            broken.append(name)
    return good, sorted(set(broken))


def same_numbers(meta: dict[str, Any], default: dict[str, Any] | None) -> bool:
    """Whether a scenario's recorded numbers all equal its notebook's default run's (so its
    headline numbers could not differ): compared over the numbers both runs recorded."""
    if default is None:
        return False
    ours, theirs = scalars(meta.get("results", {})), scalars(default.get("results", {}))
    shared = [k for k in ours if k in theirs and isinstance(ours[k], int | float)
              and not isinstance(ours[k], bool)]
    return bool(shared) and all(ours[k] == theirs[k] for k in shared)


def _report_row(out_dir: Path, name: str, meta: dict[str, Any],
                default: dict[str, Any] | None = None) -> str:
    changed = changed_parameters(meta)
    params = "<br>".join(
        f'<span class="{"changed" if k in changed else ""}"><code>{escape(k)}</code> = '
        f"{escape(value_text(v))}</span>"
        for k, v in meta.get("parameters", {}).items()
    )
    # Exercise answers stay in the teacher edition: the board is what students open first.
    shown = labelled_numbers(meta.get("results", {}), meta.get("labels"), hide=("exercise_",))
    numbers = "<br>".join(
        (f"{escape(label)}: " if labelled else f"<code>{escape(label)}</code> = ") + escape(text)
        for _, label, text, labelled in shown[:INDEX_NUMBERS]
    )
    if len(shown) > INDEX_NUMBERS:
        numbers += (
            f'<br><span class="small">and {len(shown) - INDEX_NUMBERS} more in the report</span>'
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
        if meta.get("defaults") is not None and not changed:
            scenario += (
                '<br><span class="failed">every parameter of this scenario equals the '
                "notebook's default: it repeats the default run</span>"
            )
        elif same_numbers(meta, default):
            scenario += (
                '<br><span class="failed">every number this scenario recorded equals the '
                "default run's: its parameters do not reach the results</span>"
            )
    n = escape(name)
    return (
        f'<tr id="report-{n}"><td><a href="{n}.html"><b>{n}</b></a><br>'
        f"{escape(meta.get('title', ''))}{scenario}{status}<br>"
        f'<span class="small"><a href="{n}.student.html">student edition 学生版</a> · '
        f'<a href="{n}.teacher.html">teacher edition 教师版</a> · '
        f'<a href="{n}.ipynb">notebook</a> · '
        f'<a href="{n}.results.json">results.json</a> · run '
        f"{escape(meta.get('run_at_utc', ''))} UTC, {escape(meta.get('duration_seconds', ''))} s"
        f"</span></td><td>{params}</td><td>{numbers}</td></tr>"
    )


def write_index(out_dir: str | os.PathLike) -> Path:
    """Write ``<out_dir>/index.html``: the claims board, then every published report with its
    parameters (those that differ from the defaults in bold), labelled numbers and links, plus
    the reports whose last run failed or whose files are incomplete. Self-contained: inline CSS,
    no script."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    reports, broken = current_reports(out_dir)
    rows = [
        _report_row(out_dir, name, meta, reports.get(meta.get("notebook") or name.split("__")[0]))
        for name, meta in sorted(reports.items())
    ]
    orphans = sorted(
        p.name.removesuffix(".failed.ipynb")
        for p in out_dir.glob("*.failed.ipynb")
        if p.name.removesuffix(".failed.ipynb") not in reports
    )
    failed = "".join(
        f'<li class="failed"><a href="{escape(n)}.failed.ipynb">{escape(n)}.failed.ipynb</a></li>'
        for n in orphans
    )
    incomplete = "".join(
        f'<li class="failed"><code>{escape(n)}</code>: its files do not form the set the manifest '
        f"records (a run was interrupted while publishing): run <code>crmstudy report "
        f"{escape(n.split('__')[0])}</code> again</li>"
        for n in broken
    )
    page = (
        '<!DOCTYPE html>\n<html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1.0">'
        "<title>crmstudy: 客户关系管理的论断，逐条检验 · the claims of CRM, tested</title>"
        f"<style>{_INDEX_CSS}</style></head><body>"
        '<input type="radio" name="lang" id="lang-both" checked hidden>'
        '<input type="radio" name="lang" id="lang-zh" hidden>'
        '<input type="radio" name="lang" id="lang-en" hidden>'
        '<main><div class="lang-switch">'
        '<label for="lang-both">中文 + English</label><label for="lang-zh">只看中文</label>'
        '<label for="lang-en">English only</label></div>'
        '<h1><span lang="zh-Hans">客户关系管理的论断，逐条检验</span> '
        '<span lang="en">The claims of customer relationship management, tested</span></h1>'
        '<p lang="zh-Hans">每一行是《客户关系管理大全》中的一个论断。论断的表述是人工撰写的；'
        "结论、条件、数字与数据全部取自各报告记录的结果，参数改变时结论可能随之改变。</p>"
        '<p lang="en">Each row is one claim of the primer 客户关系管理大全. Only the statements of '
        "the claims are written by hand; the verdict, its condition, the number and the data are "
        "read from what each report recorded, and change with the report's parameters.</p>"
        f"{board_table(reports)}"
        '<h2><span lang="zh-Hans">报告</span> <span lang="en">Reports</span></h2>'
        '<p lang="en">Each report was rendered by <code>crmstudy report</code>; parameters that '
        "differ from the notebook's defaults are in bold. Regenerate them all with "
        "<code>make reports</code>.</p>"
        '<p lang="zh-Hans">粗体的参数与笔记本的默认值不同。用 <code>make reports</code> 重新生成全部报告。</p>'
        '<table class="reports"><thead><tr><th>Report</th><th>Parameters</th>'
        "<th>Headline numbers</th></tr>"
        f"</thead><tbody>{''.join(rows)}</tbody></table>"
        + (f"<h2>Failed, with no good report yet</h2><ul>{failed}</ul>" if failed else "")
        + (f"<h2>Incomplete: run again</h2><ul>{incomplete}</ul>" if incomplete else "")
        + f'<p class="small">Read from <code>{MANIFEST}</code>.</p></main></body></html>\n'
    )
    target = out_dir / "index.html"
    tmp = out_dir / f".index.{os.getpid()}.tmp"
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, target)
    return target

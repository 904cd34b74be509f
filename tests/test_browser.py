"""The board and the reports in a real browser: headless Chromium through playwright.

Each page is opened from disk and must: load nothing from the network (every request that is not
``file:`` or ``data:`` is recorded and refused), log no console error, load every image, draw its
MathML with a non-zero size, draw every Chinese character with a font that has its glyph (no
boxes: Chromium reports, per text node, the fonts it used and how many glyphs each drew), and show
money as money (no ``US$`` swallowed into a formula). A screenshot of the board is written to
``reports/board.png``.

The pages: a constructed set (a report rendered from a notebook with a formula, a figure,
Chinese prose, money and a verdict, plus a board with constructed verdicts), and, when
``reports/manifest.json`` exists (``.ci/run`` renders the reports first), the board and every
published page of ``reports/``.

Chromium is Debian's ``chromium`` (``apt-get install chromium fonts-noto-cjk``) and the
``playwright`` Python package drives it (its own browser downloads are never used). Without them
the test is skipped with a message saying the browser test did not run; under ``CI=true`` it
fails instead.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import nbformat
import pytest

from crmstudy.record import MIME_TYPE
from crmstudy.reports import render_html, write_index
from crmstudy.reports.classroom import lab_safe_money
from crmstudy.reports.html import EDITIONS
from crmstudy.reports.run import PUBLISHED, _publish, read_manifest

ROOT = Path(__file__).resolve().parents[1]
# The rendered reports to check (another folder with CRMSTUDY_REPORTS_DIR, e.g. a --out folder).
REPORTS = Path(os.environ.get("CRMSTUDY_REPORTS_DIR", ROOT / "reports"))
CHROMIUM = os.environ.get("CRMSTUDY_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
IN_CI = os.environ.get("CI") == "true"
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
PNG_1PX = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="



def _did_not_run(reason: str):
    message = (
        f"the browser test did not run: {reason}. Install Chromium and a CJK font with "
        "`apt-get install chromium fonts-noto-cjk` and the driver with `pip install playwright` "
        "(see README, 'The browser test')"
    )
    if IN_CI:
        pytest.fail(message)
    pytest.skip(message)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        _did_not_run(f"no Chromium at {CHROMIUM}")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _did_not_run("the playwright package is not installed")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=FLAGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()


def _cjk_families() -> set[str]:
    """The font families fontconfig knows that cover Chinese."""
    out = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True)
    return {name.strip() for line in out.stdout.splitlines() for name in line.split(",")}


def inspect(browser, path: Path, screenshot: Path | None = None) -> dict:
    """Open ``path`` and return what a reader's browser did with it."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    remote, errors = [], []

    def route(r):
        url = r.request.url
        if url.startswith(("file:", "data:")):
            r.continue_()
        else:
            remote.append(url)
            r.abort()

    page.route("**/*", route)
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.resolve().as_uri(), wait_until="load")
    page.evaluate("document.fonts.ready")
    images = page.evaluate(
        "Array.from(document.images).map(i => [i.currentSrc.slice(0, 40), i.complete, i.naturalWidth])"
    )
    math = page.evaluate(
        "Array.from(document.querySelectorAll('math')).map(m => {"
        " const r = m.getBoundingClientRect(); return [m.textContent, r.width, r.height]; })"
    )
    # Mark every element with Chinese in its own text, then ask Chromium which fonts drew it.
    marked = page.evaluate(
        r"""() => { let n = 0; const re = /[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]/g;
        for (const el of document.querySelectorAll('body *')) {
          let count = 0;
          for (const c of el.childNodes) if (c.nodeType === 3) count += (c.data.match(re) || []).length;
          if (count && el.getClientRects().length) { el.setAttribute('data-cjk', count); n++; }
        } return n; }"""
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]["nodeId"]
    fonts = []
    for node in cdp.send("DOM.querySelectorAll", {"nodeId": root, "selector": "[data-cjk]"})["nodeIds"]:
        attrs = cdp.send("DOM.getAttributes", {"nodeId": node})["attributes"]
        count = int(dict(zip(attrs[::2], attrs[1::2], strict=True))["data-cjk"])
        used = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node})["fonts"]
        fonts.append((count, [(f["familyName"], f["glyphCount"]) for f in used]))
    text = page.inner_text("body")
    if screenshot is not None:
        page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return {"remote": remote, "errors": errors, "images": images, "math": math,
            "cjk_nodes": marked, "fonts": fonts, "text": text}


def assert_readable(result: dict, name: str, families: set[str]) -> None:
    assert result["remote"] == [], f"{name} loads from the network: {result['remote'][:3]}"
    assert result["errors"] == [], f"{name} logs console errors: {result['errors'][:3]}"
    broken = [src for src, complete, width in result["images"] if not complete or width == 0]
    assert broken == [], f"{name}: images that did not load: {broken}"
    flat = [(t, w, h) for t, w, h in result["math"] if w <= 0 or h <= 0]
    assert flat == [], f"{name}: MathML drawn with no size: {flat[:3]}"
    swallowed = [t for t, _, _ in result["math"] if "US" in t or "NT" in t]
    assert swallowed == [], f"{name}: money read as math: {swallowed[:3]}"
    for count, used in result["fonts"]:
        drawn = sum(glyphs for family, glyphs in used if family in families)
        # Chinese glyphs come from a font that has them (non-CJK fonts may draw Latin and digits).
        assert drawn >= count, f"{name}: Chinese drawn with {used}, which lack its glyphs (boxes)"


# --- the constructed pages -----------------------------------------------------------------------


def _notebook() -> nbformat.NotebookNode:
    from crmstudy.verdicts import verdict

    v = verdict(
        "pareto_80_20", "does_not_hold",
        condition_en="Holds when the top 20% of customers bring at least 80% of revenue.",
        condition_zh="当前20%的顾客带来至少80%的收入时成立。",
        headline_value=0.68, headline_unit="share",
        headline_en="Revenue share of the top 20%", headline_zh="前20%顾客的收入占比",
        data_en="CDNOW master", data_zh="CDNOW 全量数据",
        interval=(0.66, 0.70), level=0.95, method="bootstrap",
    )
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    learning = nbformat.v4.new_markdown_cell("**Learning goals / 学习目标**\n\n- 二八定律\n- CLV")
    learning.metadata["tags"] = ["learning_goals"]
    exercise = nbformat.v4.new_markdown_cell("**Exercise 1 / 练习 1.** 改变参数。")
    exercise.metadata["tags"] = ["exercise"]
    solution = nbformat.v4.new_code_cell("answer = 1", outputs=[nbformat.v4.new_output(
        "display_data", data={MIME_TYPE: {"name": "exercise_1_answer", "value": 0.25,
                                          "label": "Exercise 1 answer", "unit": "share"},
                              "text/plain": "Exercise 1 answer: 25.0%"})])
    solution.metadata["tags"] = ["solution"]
    nb.cells = [
        nbformat.v4.new_markdown_cell(
            "# The 80/20 rule\n\n## 二八定律\n\nDo 20% of customers bring 80% of revenue? "
            "前20%的顾客是否带来80%的收入？\n\nIt costs US$51 to acquire, US$30 to keep; the "
            "churn rate is $1 - r$ and a lifetime lasts\n\n$$\\frac{1}{1-r}$$\n\nperiods.\n\n"
            # The spelling `make lab-fix` writes for JupyterLab reads as money here too.
            + lab_safe_money("Lab-safe: US$52 to acquire, \\$31 to keep.")
        ),
        learning,
        nbformat.v4.new_code_cell("x = 1", outputs=[
            nbformat.v4.new_output("display_data", data={
                "text/markdown": "Spend per customer: mean US$19.04, median US$6.90.",
                "text/plain": "<Markdown>"}),
            nbformat.v4.new_output("display_data", data={"image/png": PNG_1PX}),
            nbformat.v4.new_output("display_data", data={MIME_TYPE: {
                "name": "verdict_pareto_80_20", "value": v}, "text/plain": "verdict"}),
        ]),
        exercise,
        solution,
    ]
    return nb


@pytest.fixture(scope="module")
def constructed(tmp_path_factory):
    """A reports folder with one rendered report (all editions) and constructed verdicts."""
    import sys

    sys.path.insert(0, str(Path(__file__).parent))
    from test_board import churn_verdict, disciplines_verdict, publish

    out = tmp_path_factory.mktemp("reports")
    name = "05_pareto_80_20"
    meta = {
        "report": name, "notebook": name, "title": "The 80/20 rule", "scenario": None,
        "scenario_description": "", "parameters": {"dataset": "cdnow_master", "top_share": 0.2},
        "defaults": {"dataset": "cdnow_master", "top_share": 0.2}, "overrides": {},
        "crmstudy_version": "0.1.0", "python_version": "3.11", "packages": {},
        "data_checksums": {}, "run_at_utc": "2026-12-01T00:00:00+00:00", "duration_seconds": 1.0,
    }
    from crmstudy.record import recorded_labels, recorded_values

    nb = _notebook()
    meta["results"], meta["labels"] = recorded_values(nb), recorded_labels(nb)
    staged = out / f".{name}.t.tmp"
    staged.mkdir()
    for edition in EDITIONS:
        suffix = ".html" if edition == "report" else f".{edition}.html"
        (staged / f"{name}{suffix}").write_text(render_html(nb, meta, edition=edition))
    nbformat.write(nb, staged / f"{name}.ipynb")
    (staged / f"{name}.results.json").write_text(json.dumps(meta, ensure_ascii=False))
    assert {p.name.removeprefix(name) for p in staged.iterdir()} == set(PUBLISHED)
    _publish(staged, out, name, meta["run_at_utc"])
    shutil.rmtree(staged)
    publish(out, "04_churn_to_profit", {"verdict_churn_5pct": churn_verdict(472.65)})
    publish(out, "06_value", {"verdict_value_disciplines": disciplines_verdict()})
    write_index(out)
    return out


def test_families_cover_chinese():
    if shutil.which("fc-list") is None:
        _did_not_run("fontconfig's fc-list is missing")
    if not _cjk_families():
        _did_not_run("no font with Chinese glyphs is installed (fonts-noto-cjk)")


def test_constructed_report_and_board_read_right_in_chromium(browser, constructed):
    families = _cjk_families()
    report = inspect(browser, constructed / "05_pareto_80_20.html")
    assert_readable(report, "report", families)
    assert len(report["math"]) == 2 and len(report["images"]) == 1
    assert report["cjk_nodes"] >= 5
    for money in ("US$51 to acquire, US$30 to keep", "mean US$19.04, median US$6.90",
                  "Lab-safe: US$52 to acquire, $31 to keep."):
        assert money in report["text"], money
    assert "结论：按原表述不成立。" in report["text"] and "68.0%" in report["text"]
    board = inspect(browser, constructed / "index.html")
    assert_readable(board, "board", families)
    assert "顾客终身价值" in board["text"] and "not yet tested" in board["text"]


def test_the_student_edition_has_no_solution_and_the_teacher_edition_has_it(browser, constructed):
    families = _cjk_families()
    student = inspect(browser, constructed / "05_pareto_80_20.student.html")
    teacher = inspect(browser, constructed / "05_pareto_80_20.teacher.html")
    for result, name in ((student, "student"), (teacher, "teacher")):
        assert_readable(result, name, families)
        assert "练习 1" in result["text"]
    assert "answer = 1" not in student["text"] and "Exercise 1 answer" not in student["text"]
    assert "answer = 1" in teacher["text"] and "Exercise 1 answer: 25.0%" in teacher["text"]


def test_rendered_reports_read_right_in_chromium(browser, constructed):
    """Every page of reports/ (rendered by `make reports` or .ci/run) and the board's screenshot."""
    REPORTS.mkdir(exist_ok=True)
    manifest = read_manifest(REPORTS)["reports"]
    if not manifest:
        if IN_CI:
            pytest.fail("reports/manifest.json is missing: .ci/run renders the reports first")
        # Still leave a picture of a board: the constructed one.
        inspect(browser, constructed / "index.html", REPORTS / "board.png")
        pytest.skip("no rendered reports in reports/ (run `make reports`); checked the "
                    "constructed pages only, screenshot of the constructed board in reports/")
    families = _cjk_families()
    write_index(REPORTS)
    board = inspect(browser, REPORTS / "index.html", REPORTS / "board.png")
    assert_readable(board, "index.html", families)
    assert (REPORTS / "board.png").stat().st_size > 10_000
    pages = sorted(f for entry in manifest.values() for f in entry["files"] if f.endswith(".html"))
    problems = []
    for page in pages:
        try:
            assert_readable(inspect(browser, REPORTS / page), page, families)
        except AssertionError as exc:
            problems.append(str(exc).splitlines()[0])
    assert problems == []


#: What a reader must never see in a report (issue 20): raw pandas printouts, reprs, scientific
#: notation, NaN cells. Searched in the text a reader sees (not in styles, scripts or MathML).
NEVER = {
    "a raw pandas printout": r"dtype: (?:float|int|object|bool)\d*|Name: \w+, dtype",
    "a raw repr": r"np\.(?:float|int)\d+\(|<Figure size",
    "scientific notation": r"(?<![\w.])\d(?:\.\d+)?e[+-]\d{1,3}\b",
    "a NaN cell": r"(?<!\w)(?:NaN|nan|NaT)(?!\w)",
}


def _visible_text(page: str) -> str:
    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.skip, self.out = 0, []

        def handle_starttag(self, tag, attrs):
            self.skip += tag in ("style", "script", "math")

        def handle_endtag(self, tag):
            self.skip -= tag in ("style", "script", "math")

        def handle_data(self, data):
            if not self.skip:
                self.out.append(data)

    parser = Text()
    parser.feed(page)
    return " ".join(parser.out)


def test_the_never_list_catches_what_it_names():
    for sample in ("Name: profit_change, dtype: float64", "np.float64(472.65)", "4.500e+01 years",
                   "<td>NaN</td>"):
        text = _visible_text(f"<p>{sample.replace('<td>', '').replace('</td>', '')}</p>")
        assert any(re.search(p, text) for p in NEVER.values()), sample
    assert not any(re.search(p, _visible_text("<p>US$1,989,000; 67.8%; nano; 1e</p>"))
                   for p in NEVER.values())


def test_rendered_reports_show_no_raw_printouts():
    manifest = read_manifest(REPORTS)["reports"]
    if not manifest:
        if IN_CI:
            pytest.fail("reports/manifest.json is missing: .ci/run renders the reports first")
        pytest.skip("no rendered reports in reports/ (run `make reports`)")
    found = []
    for page in sorted(f for entry in manifest.values() for f in entry["files"] if f.endswith(".html")):
        text = _visible_text((REPORTS / page).read_text(encoding="utf-8"))
        for what, pattern in NEVER.items():
            for m in re.finditer(pattern, text):
                found.append(f"{page}: {what}: ...{text[max(0, m.start() - 40):m.end() + 20]}...")
    assert found == [], "\n".join(found[:20])

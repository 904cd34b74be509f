"""Tests for the claims board (crmstudy.reports.board and the board part of index.html).

The reports here are constructed: each results.json carries verdicts built by
crmstudy.verdicts.verdict (the same function the notebooks call), and is published through the
manifest as run_report publishes it. The board must show exactly what those records say, in both
languages, and "not yet tested" for the claims no report has recorded.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from crmstudy.formatting import format_interval, format_value
from crmstudy.reports import STATEMENTS, remote_references, write_index
from crmstudy.reports.board import verdicts_by_claim
from crmstudy.reports.run import PUBLISHED, _publish
from crmstudy.verdicts import CLAIMS, VERDICT_CLASSES, verdict

PRIMER_TERMS = {
    "clv_equity": ["顾客终身价值", "顾客权益"],
    "retention_ratio": ["顾客保留率", "隔年的顾客数 / 某年的顾客数"],
    "acquisition_5x": ["5倍", "保有现有客户"],
    "churn_5pct": ["客户流失率", "5%", "利润", "100%"],
    "pareto_80_20": ["二八定律"],
    "find_top_20": ["客户关系管理系统", "20%"],
    "value_benefits_costs": ["顾客价值", "感知利得", "感知利失"],
    "satisfaction_loyalty": ["完全满意的顾客", "忠诚"],
    "value_disciplines": ["产品领先", "运营卓越", "顾客亲和度"],
    "customisation": ["大规模定制", "定制营销"],
}


def pareto_verdict(share: float, lo: float, hi: float) -> dict:
    # The class follows from the number, as a notebook's rule would compute it.
    return verdict(
        "pareto_80_20",
        "holds" if lo >= 0.8 else ("holds_if" if hi >= 0.8 else "does_not_hold"),
        condition_en="Holds when the top 20% of customers bring at least 80% of revenue.",
        condition_zh="当前20%的顾客带来至少80%的收入时成立。",
        headline_value=share,
        headline_unit="share",
        headline_en="Revenue share of the top 20% of customers",
        headline_zh="前20%顾客的收入占比",
        data_en="CDNOW master, 23,570 customers, 1997-1998",
        data_zh="CDNOW 全量数据，23,570 位顾客，1997-1998 年",
        interval=(lo, hi),
        level=0.95,
        method="bootstrap over customers",
        values={"share": share},
    )


def churn_verdict(profit_change: float) -> dict:
    return verdict(
        "churn_5pct",
        "holds_if" if profit_change >= 100 else "does_not_hold",
        condition_en="Only when the margin is thin and retention already high.",
        condition_zh="仅当利润率很低且保留率已经很高时。",
        headline_value=profit_change,
        headline_unit="pct",
        headline_fmt="+.0f",
        headline_en="Profit change from 5 points less churn",
        headline_zh="客户流失率降低5个百分点带来的利润变化",
        data_en="stated inputs (Reichheld & Sasser 1990)",
        data_zh="给定的输入（Reichheld 与 Sasser，1990）",
        sensitivity=(35.0, 473.0),
        sensitivity_en="defection before from 10% to 30%",
        sensitivity_zh="原流失率从10%到30%",
    )


def disciplines_verdict() -> dict:
    return verdict(
        "value_disciplines",
        "untestable",
        condition_en="Public data do not say which discipline a firm follows.",
        condition_zh="公开数据没有说明企业采取哪种价值准则。",
        headline_value=None,
        headline_unit="",
        headline_en="Not measurable with the public surveys",
        headline_zh="无法用公开调查数据衡量",
        data_en="ACSI-style simulated survey",
        data_zh="模拟的顾客满意度调查",
        missing=["firm strategy", "customer type"],
    )


def publish(out: Path, name: str, results: dict, scenario: str | None = None) -> None:
    meta = {
        "report": name, "notebook": name.split("__")[0], "title": f"Title of {name}",
        "scenario": scenario, "scenario_description": "", "parameters": {"x": 1.0},
        "defaults": {"x": 1.0}, "overrides": {}, "run_at_utc": "2026-12-01T00:00:00+00:00",
        "duration_seconds": 1.0, "results": results, "labels": {},
    }
    staged = out / f".{name}.t.tmp"
    staged.mkdir(parents=True)
    for suffix in PUBLISHED:
        (staged / f"{name}{suffix}").write_text("<html></html>")
    (staged / f"{name}.results.json").write_text(json.dumps(meta, ensure_ascii=False))
    _publish(staged, out, name, meta["run_at_utc"])
    shutil.rmtree(staged)


@pytest.fixture
def board(tmp_path):
    publish(tmp_path, "05_pareto_80_20", {"verdict_pareto_80_20": pareto_verdict(0.68, 0.66, 0.70)})
    publish(tmp_path, "05_pareto_80_20__skewed",
            {"verdict_pareto_80_20": pareto_verdict(0.86, 0.84, 0.88)}, scenario="skewed")
    publish(tmp_path, "04_churn_to_profit", {"verdict_churn_5pct": churn_verdict(472.65)})
    publish(tmp_path, "06_value", {"verdict_value_disciplines": disciplines_verdict()})
    return tmp_path, write_index(tmp_path).read_text(encoding="utf-8")


class _Rows(HTMLParser):
    """The text of each board row's cells, per language (lang attribute of the enclosing tag)."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, list[dict[str, str]]] = {}
        self._row = None
        self._cells: list[dict[str, str]] = []
        self._lang: list[str | None] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr" and (attrs.get("id") or "").startswith("claim-"):
            self._row = attrs["id"].removeprefix("claim-")
            self._cells = []
        elif tag == "td" and self._row:
            self._cells.append({"zh-Hans": "", "en": "", None: ""})
        if tag not in {"br", "hr", "input", "meta"}:
            self._lang.append(attrs.get("lang", self._lang[-1] if self._lang else None))

    def handle_endtag(self, tag):
        if tag not in {"br", "hr", "input", "meta"} and self._lang:
            self._lang.pop()
        if tag == "tr" and self._row:
            self.rows[self._row] = self._cells
            self._row = None

    def handle_data(self, data):
        if self._row and self._cells:
            self._cells[-1][self._lang[-1] if self._lang else None] += data


def rows(page: str) -> dict[str, list[dict[str, str]]]:
    parser = _Rows()
    parser.feed(page)
    return parser.rows


def test_one_row_per_claim_in_order_each_stated_in_both_languages(board):
    _, page = board
    found = rows(page)
    assert list(found) == list(CLAIMS)
    order = [page.index(f'id="claim-{c}"') for c in CLAIMS]
    assert order == sorted(order)
    for claim, cells in found.items():
        statement = cells[0]
        assert STATEMENTS[claim].zh in statement["zh-Hans"]
        assert STATEMENTS[claim].en in statement["en"]
        for term in PRIMER_TERMS[claim]:
            assert term in statement["zh-Hans"], (claim, term)
        assert not re.search(r"[\u4e00-\u9fff]", statement["en"]), claim


def test_a_claim_without_a_verdict_says_not_yet_tested(board):
    _, page = board
    found = rows(page)
    untested = [c for c in CLAIMS if c not in {"pareto_80_20", "churn_5pct", "value_disciplines"}]
    for claim in untested:
        assert found[claim][1]["en"].strip() == "not yet tested"
        assert found[claim][1]["zh-Hans"].strip() == "尚未检验"
    for claim in {"pareto_80_20", "churn_5pct", "value_disciplines"}:
        assert "not yet tested" not in found[claim][1]["en"]


def test_an_estimated_verdict_shows_class_condition_number_interval_and_data(board):
    _, page = board
    cells = rows(page)["pareto_80_20"]
    cls_en, cls_zh = VERDICT_CLASSES["does_not_hold"]
    assert cells[1]["en"].strip() == cls_en and cells[1]["zh-Hans"].strip() == cls_zh
    assert "at least 80% of revenue" in cells[2]["en"] and "至少80%的收入" in cells[2]["zh-Hans"]
    number = format_value(0.68, "share")
    interval = format_interval(0.66, 0.70, "share", level=0.95)
    assert number == "68.0%" and interval == "95% CI 66.0–70.0%"
    assert number in cells[3]["en"] and interval in cells[3]["en"]
    assert number in cells[3]["zh-Hans"] and "95% 置信区间 66.0–70.0%" in cells[3]["zh-Hans"]
    assert "23,570 customers" in cells[4]["en"] and "23,570 位顾客" in cells[4]["zh-Hans"]
    # The default run is the row's verdict; the scenario is listed with its own (other) class.
    assert 'href="05_pareto_80_20.html"' in page and 'href="05_pareto_80_20.student.html"' in page
    assert "skewed" in "".join(cells[5].values())
    assert VERDICT_CLASSES["holds"][0] in cells[5]["en"]


def test_an_exact_verdict_says_so_and_shows_its_labelled_sensitivity_range(board):
    _, page = board
    cells = rows(page)["churn_5pct"]
    assert cells[1]["en"].strip() == VERDICT_CLASSES["holds_if"][0]
    assert "+473%" in cells[3]["en"]
    rng = f"{format_value(35.0, 'pct', '+.0f')} to {format_value(473.0, 'pct', '+.0f')}"
    assert rng == "+35% to +473%"  # in the headline's own unit and format
    assert f"exact given inputs; defection before from 10% to 30%: {rng}" in cells[3]["en"]
    assert f"给定输入下为精确值；原流失率从10%到30%：{rng}" in cells[3]["zh-Hans"]
    assert "CI" not in cells[3]["en"]


def test_an_untestable_verdict_names_what_the_data_lack(board):
    _, page = board
    cells = rows(page)["value_disciplines"]
    assert cells[1]["en"].strip() == VERDICT_CLASSES["untestable"][0]
    assert "the public data lack: firm strategy, customer type" in cells[3]["en"]
    assert "公开数据缺少：firm strategy, customer type" in cells[3]["zh-Hans"]


def test_the_board_follows_the_records_not_hand_typed_text(tmp_path):
    """Republishing the default run with other numbers flips the row's class and number."""
    publish(tmp_path, "05_pareto_80_20", {"verdict_pareto_80_20": pareto_verdict(0.68, 0.66, 0.70)})
    before = rows(write_index(tmp_path).read_text())["pareto_80_20"]
    publish(tmp_path, "05_pareto_80_20", {"verdict_pareto_80_20": pareto_verdict(0.83, 0.81, 0.85)})
    after = rows(write_index(tmp_path).read_text())["pareto_80_20"]
    assert before[1]["en"].strip() == VERDICT_CLASSES["does_not_hold"][0]
    assert after[1]["en"].strip() == VERDICT_CLASSES["holds"][0]
    assert "83.0%" in after[3]["en"] and "68.0%" not in after[3]["en"]


def test_bilingual_without_a_script_and_offline(board):
    _, page = board
    assert "<script" not in page and remote_references(page) == []
    assert re.search(r'<input type="radio" name="lang" id="lang-zh"', page)
    assert '#lang-zh:checked ~ main [lang="en"] { display: none; }' in page
    assert '#lang-en:checked ~ main [lang="zh-Hans"] { display: none; }' in page


def test_verdicts_by_claim_puts_default_runs_before_scenarios():
    reports = {
        "a__s": {"scenario": "s", "results": {"verdict_pareto_80_20": pareto_verdict(0.9, 0.85, 0.95)}},
        "a": {"scenario": None, "results": {"verdict_pareto_80_20": pareto_verdict(0.7, 0.6, 0.8)}},
    }
    found = verdicts_by_claim(reports)
    assert [n for n, _ in found["pareto_80_20"]] == ["a", "a__s"]
    assert found["clv_equity"] == []


NOTEBOOKS = Path(__file__).resolve().parents[1] / "notebooks"


def test_the_glossary_carries_the_primer_terms_in_both_languages():
    text = (NOTEBOOKS / "GLOSSARY.md").read_text(encoding="utf-8")
    terms = ["顾客终身价值", "顾客权益", "贴现", "顾客保留率", "客户流失率", "保有现有客户", "5倍",
             "利润", "二八定律", "客户关系管理系统", "完全满意", "顾客忠诚", "顾客价值",
             "顾客感知价值", "感知利得", "感知利失", "顾客满意", "产品领先", "运营卓越",
             "顾客亲和度", "价值链", "大规模定制", "定制营销", "个性化"]
    missing = [t for t in terms if t not in text]
    assert missing == []
    for en in ("customer lifetime value", "customer equity", "retention rate", "the 80/20 rule",
               "mass customisation", "customer intimacy"):
        assert en in text
    for _, zh in VERDICT_CLASSES.values():
        assert zh in text  # the board's verdict words are explained


def test_the_course_order_gives_every_notebook_a_class_time():
    text = (NOTEBOOKS / "COURSE.md").read_text(encoding="utf-8")
    stems = sorted(p.stem for p in NOTEBOOKS.glob("[0-9][0-9]_*.py"))
    for stem in stems:
        row = next((line for line in text.splitlines() if f"`{stem}`" in line), "")
        assert re.search(r"\| \d+ min", row), f"{stem} has no class time in COURSE.md"
    numbers = {line.split("`")[1][:2] for line in text.splitlines() if line.startswith("| ") and "`" in line}
    assert {f"{n:02d}" for n in range(9)} <= numbers  # 00 to 08, 08 included before it lands

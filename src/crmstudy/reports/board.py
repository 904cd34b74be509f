"""The claims board: one row per claim of the primer, with the verdict its reports recorded.

The only text typed here is the statement of each claim (:data:`STATEMENTS`), in Chinese with the
primer's own terms (``../shared/PRIMER.md``) and in English. Everything else in a row (the verdict
class, its condition, the headline number with its unit and interval or sensitivity range, the
data, the links) is read from the ``verdict_<claim>`` records of the published reports; a claim no
report has recorded a verdict for says so ("not yet tested").
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from crmstudy.reports.html import escape, verdict_parts
from crmstudy.verdicts import CLAIMS

__all__ = ["STATEMENTS", "Statement", "board_rows", "board_table", "verdicts_by_claim"]


@dataclass(frozen=True)
class Statement:
    """A claim as the board states it: Chinese, English, and where the primer makes it."""

    zh: str
    en: str
    where_zh: str
    where_en: str


#: The claims, stated in the kit's own words with the primer's terms, in board order.
STATEMENTS: dict[str, Statement] = {
    "clv_equity": Statement(
        "顾客终身价值是一位顾客预期带来的利润的贴现值；把全体顾客的终身价值相加就是顾客权益，"
        "用它可以判断向一个顾客群营销是否划算。",
        "Customer lifetime value is the discounted value of the profit a customer is expected to "
        "bring; added up over all customers it is customer equity, which tells whether marketing "
        "to a group of customers pays.",
        "第一篇 一", "essay 1, section 1",
    ),
    "retention_ratio": Statement(
        "顾客保留率 = 隔年的顾客数 / 某年的顾客数；比率越高，说明顾客对企业的评价越好。",
        "The retention rate is next year's customers divided by this year's; the higher it is, "
        "the better customers rate the firm.",
        "第一篇 一", "essay 1, section 1",
    ),
    "acquisition_5x": Statement(
        "开发一位新客户的成本是保有一位现有客户的5倍，所以保有现有客户比争取新客户更重要。",
        "Winning a new customer costs five times as much as keeping an existing one, so keeping "
        "customers matters more than winning new ones.",
        "第一篇 二", "essay 1, section 2",
    ),
    "churn_5pct": Statement(
        "客户流失率降低5%，利润就能增长100%。",
        "Cutting the customer churn rate by 5% raises profit by 100%.",
        "第一篇 二", "essay 1, section 2",
    ),
    "pareto_80_20": Statement(
        "二八定律：企业80%的收入来自20%的顾客。",
        "The 80/20 rule: 80% of a firm's revenue comes from 20% of its customers.",
        "第一篇 二", "essay 1, section 2",
    ),
    "find_top_20": Statement(
        "客户关系管理系统能够事先找出这20%的顾客。",
        "A CRM system can pick out those top 20% of customers in advance.",
        "第一篇 二", "essay 1, section 2",
    ),
    "value_benefits_costs": Statement(
        "顾客价值就是顾客感知价值：感知利得减去感知利失（金钱、时间、精力和风险）。",
        "Customer value is perceived value: the perceived benefits minus the perceived costs "
        "(money, time, effort and risk).",
        "第二篇 一", "essay 2, section 1",
    ),
    "satisfaction_loyalty": Statement(
        "只有完全满意的顾客才是忠诚顾客；仅仅满意的顾客并不稳定。",
        "Only completely satisfied customers are loyal; the merely satisfied are unstable.",
        "第一篇 二", "essay 1, section 2",
    ),
    "value_disciplines": Statement(
        "顾客分为三类，每一类由一种价值准则来服务：产品领先、运营卓越、顾客亲和度。",
        "Customers fall into three types, each served by one value discipline: product "
        "leadership, operational excellence, customer intimacy.",
        "第二篇 二", "essay 2, section 2",
    ),
    "customisation": Statement(
        "大规模定制（定制营销）：顾客下单后再生产，比事先生产备货节省大量成本。",
        "Mass customisation: making a product after the customer orders it saves a great deal "
        "against making it for stock.",
        "第一篇 四", "essay 1, section 4",
    ),
}

assert tuple(STATEMENTS) == CLAIMS, "the board states exactly the claims of crmstudy.verdicts"


def verdicts_by_claim(reports: Mapping[str, Mapping[str, Any]]) -> dict[str, list[tuple[str, dict]]]:
    """``claim -> [(report name, verdict record), ...]`` over the reports' results, default runs
    (no scenario) first, then scenarios, each in name order."""
    found: dict[str, list[tuple[str, dict]]] = {c: [] for c in CLAIMS}
    order = sorted(reports, key=lambda n: (bool(reports[n].get("scenario")), n))
    for name in order:
        for key, value in (reports[name].get("results") or {}).items():
            if not key.startswith("verdict_") or not isinstance(value, Mapping):
                continue
            claim = value.get("claim", key.removeprefix("verdict_"))
            if claim in found and value.get("class"):
                found[claim].append((name, dict(value)))
    return found


def _both(zh: str, en: str, tag: str = "div") -> str:
    """Escaped HTML already: a Chinese and an English block, which the CSS shows side by side
    or one at a time."""
    return f'<{tag} lang="zh-Hans">{zh}</{tag}><{tag} lang="en">{en}</{tag}>'


def _links(name: str) -> str:
    n = escape(name)
    return (
        f'<a href="{n}.html">{n}</a> <span class="small">(<a href="{n}.student.html">student'
        f' 学生版</a> · <a href="{n}.teacher.html">teacher 教师版</a>)</span>'
    )


def board_rows(reports: Mapping[str, Mapping[str, Any]]) -> list[str]:
    """One ``<tr>`` per claim (in :data:`~crmstudy.verdicts.CLAIMS` order)."""
    rows = []
    for claim, found in verdicts_by_claim(reports).items():
        st = STATEMENTS[claim]
        statement = _both(
            f"{escape(st.zh)}<br><span class=\"small\">《客户关系管理大全》{escape(st.where_zh)}</span>",
            f"{escape(st.en)}<br><span class=\"small\">primer, {escape(st.where_en)}</span>",
        )
        main = [(n, v) for n, v in found if not reports[n].get("scenario")] or found[:1]
        if not main:
            rows.append(
                f'<tr id="claim-{claim}" class="claim untested"><td>{statement}</td>'
                f'<td class="verdict">{_both("尚未检验", "not yet tested")}</td>'
                f'<td colspan="4" class="small">{_both("还没有报告记录这一论断的结论。", "No report has recorded a verdict on this claim yet.")}</td></tr>'
            )
            continue
        cells = {k: [] for k in ("verdict", "condition", "headline", "data", "reports")}
        for name, v in main:
            p = verdict_parts(v)
            cells["verdict"].append(
                f'<span class="badge {p["class"]}">{_both(p["class_zh"], p["class_en"], "span")}</span>'
            )
            cells["condition"].append(_both(p["condition_zh"], p["condition_en"]))
            number = f' <b class="number">{p["number"]}</b>' if p["number"] else ""
            iv_zh = f'<br><span class="small">{p["interval_zh"]}</span>' if p["interval_zh"] else ""
            iv_en = f'<br><span class="small">{p["interval_en"]}</span>' if p["interval_en"] else ""
            missing = ""
            if p["missing"]:
                missing = _both(f"公开数据缺少：{p['missing']}", f"the public data lack: {p['missing']}")
            cells["headline"].append(
                _both(f"{p['headline_zh']}：{number}{iv_zh}", f"{p['headline_en']}:{number}{iv_en}")
                + missing
            )
            cells["data"].append(_both(p["data_zh"], p["data_en"]))
            cells["reports"].append(_links(name))
        scenarios = [(n, v) for n, v in found if (n, v) not in main]
        if scenarios:
            items = "".join(
                f'<li><a href="{escape(n)}.html">{escape(reports[n].get("scenario") or n)}</a>: '
                f'<span class="badge {verdict_parts(v)["class"]}">'
                f"{_both(verdict_parts(v)['class_zh'], verdict_parts(v)['class_en'], 'span')}</span></li>"
                for n, v in scenarios
            )
            cells["reports"].append(
                f'<div class="small">{_both("情景：", "scenarios:", "span")}</div><ul class="scenarios">{items}</ul>'
            )
        sep = '<hr class="same-claim">'
        rows.append(
            f'<tr id="claim-{claim}" class="claim">'
            f"<td>{statement}</td>"
            + "".join(f'<td class="{k}">{sep.join(v) if k != "reports" else "".join(v)}</td>'
                      for k, v in cells.items())
            + "</tr>"
        )
    return rows


def board_table(reports: Mapping[str, Mapping[str, Any]]) -> str:
    """The board's ``<table>``: a header in both languages and :func:`board_rows`."""
    heads = [("论断", "Claim"), ("结论", "Verdict"), ("条件", "Condition"),
             ("主要数字", "Headline number"), ("数据", "Data"), ("报告与情景", "Reports and scenarios")]
    head = "".join(f"<th>{_both(zh, en, 'span')}</th>" for zh, en in heads)
    return (
        f'<table class="board"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(board_rows(reports))}</tbody></table>"
    )

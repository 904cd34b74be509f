"""crmstudy.verdicts: the record shape the claims board reads."""

from __future__ import annotations

import pytest

from crmstudy.verdicts import CLAIMS, EXACT, check_verdict, verdict

COMMON = dict(
    condition_en="Holds when the window is at least a year.",
    condition_zh="观察期至少一年时成立。",
    headline_value=0.678,
    headline_unit="share",
    headline_en="Top 20% of customers bring",
    headline_zh="前20%的顾客贡献的收入",
    data_en="CDNOW master cohort",
    data_zh="CDNOW 全体顾客",
)


def test_estimated_verdict_has_interval_and_text():
    v = verdict("pareto_80_20", "holds_if", interval=(0.669, 0.687), level=0.95,
                method="bootstrap over customers", **COMMON)
    assert v["class"] == "holds_if"
    assert v["headline"]["text_en"] == "Top 20% of customers bring: 67.8% (95% CI 66.9–68.7%)"
    assert v["interval"]["level"] == 0.95
    check_verdict(v)


def test_exact_verdict_needs_sensitivity():
    v = verdict("churn_5pct", "does_not_hold", sensitivity=(25.0, 85.0),
                sensitivity_en="defection 5%–20%", sensitivity_zh="流失率 5%–20%", **COMMON)
    assert v["interval"] == EXACT
    with pytest.raises(ValueError, match="interval"):
        verdict("churn_5pct", "holds", **COMMON)


def test_bad_fields_are_named():
    with pytest.raises(ValueError, match="claim"):
        verdict("nonsense", "holds", interval=(0, 1), level=0.9, method="m", **COMMON)
    with pytest.raises(ValueError, match="class"):
        verdict(CLAIMS[0], "maybe", interval=(0, 1), level=0.9, method="m", **COMMON)
    bad = dict(COMMON, condition_zh="English only")
    with pytest.raises(ValueError, match="Chinese"):
        verdict(CLAIMS[0], "holds", interval=(0, 1), level=0.9, method="m", **bad)
    with pytest.raises(ValueError, match="lower"):
        verdict(CLAIMS[0], "holds", interval=(1, 0), level=0.9, method="m", **COMMON)


def test_untestable_names_what_is_missing():
    fields = dict(COMMON, headline_value=None)
    with pytest.raises(ValueError, match="missing"):
        verdict("value_disciplines", "untestable", **fields)
    v = verdict("value_disciplines", "untestable", missing=["firm strategy"], **fields)
    assert v["missing"] == ["firm strategy"]

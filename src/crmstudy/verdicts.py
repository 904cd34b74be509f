"""The verdict on one claim of the primer, in the one shape the claims board reads.

A notebook computes its verdict from its own numbers and records it with :func:`record_verdict`
under ``verdict_<claim>``. The board (``reports/index.html``) shows nothing else about a claim but
this record and the claim's statement. The shape (``../shared/DESIGN.md``):

``claim``
    one of :data:`CLAIMS`.
``class``
    one of :data:`VERDICT_CLASSES`: ``holds``, ``holds_if`` (holds only if the condition is met),
    ``does_not_hold`` (as stated), ``untestable`` (with public data).
``condition_en``, ``condition_zh``
    the condition in one sentence, in English and in simplified Chinese.
``headline``
    the number with its unit: ``{"value", "unit", "fmt", "en", "zh", "text_en", "text_zh"}``, where
    ``en``/``zh`` say what the number is and ``text_*`` is the formatted line.
``interval``
    for a number estimated from data, ``{"lower", "upper", "level", "method"}``; for a number that
    follows exactly from stated inputs, the string ``"exact given inputs"``, and then
    ``sensitivity`` holds a labelled range ``{"lower", "upper", "en", "zh"}``.
``data``
    what the claim was tested on (``data_en``/``data_zh`` hold both languages; ``data`` is the English).
``missing``
    for ``untestable``: the variables the public data lack (non-empty); otherwise empty.
``values``
    the numbers the verdict rule compared (name -> number), so a test can re-derive the class.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from typing import Any

from crmstudy.formatting import UNITS, format_interval, format_value

__all__ = [
    "CLAIMS",
    "EXACT",
    "VERDICT_CLASSES",
    "check_verdict",
    "record_verdict",
    "verdict",
]

#: The claims of the primer that the board carries (``../shared/PRIMER.md``), in board order.
CLAIMS: tuple[str, ...] = (
    "clv_equity",
    "retention_ratio",
    "acquisition_5x",
    "churn_5pct",
    "pareto_80_20",
    "find_top_20",
    "value_benefits_costs",
    "satisfaction_loyalty",
    "value_disciplines",
    "customisation",
)

#: Verdict classes, with their English and Chinese labels.
VERDICT_CLASSES: dict[str, tuple[str, str]] = {
    "holds": ("holds", "成立"),
    "holds_if": ("holds only if …", "仅在一定条件下成立"),
    "does_not_hold": ("does not hold as stated", "按原表述不成立"),
    "untestable": ("cannot be tested with public data", "无法用公开数据检验"),
}

#: The ``interval`` of a number that follows exactly from stated inputs.
EXACT = "exact given inputs"

_CJK = re.compile(r"[\u4e00-\u9fff]")


def _number(value: Any, name: str) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"verdict {name} must be a number, got {value!r}") from None
    if not math.isfinite(x):
        raise ValueError(f"verdict {name} must be finite, got {value!r}")
    return x


def _text(value: Any, name: str, *, chinese: bool = False) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"verdict {name} must be a non-empty sentence, got {value!r}")
    if chinese and not _CJK.search(value):
        raise ValueError(f"verdict {name} must be written in Chinese, got {value!r}")
    return value.strip()


def verdict(
    claim: str,
    verdict_class: str,
    *,
    condition_en: str,
    condition_zh: str,
    headline_value: float | None,
    headline_unit: str,
    headline_en: str,
    headline_zh: str,
    data_en: str,
    data_zh: str,
    interval: tuple[float, float] | None = None,
    level: float | None = None,
    method: str | None = None,
    sensitivity: tuple[float, float] | None = None,
    sensitivity_en: str | None = None,
    sensitivity_zh: str | None = None,
    headline_fmt: str | None = None,
    missing: Sequence[str] = (),
    values: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Build and check a verdict record (see the module docstring for the shape).

    Give ``interval=(lower, upper)`` with its ``level`` (e.g. 0.95) and ``method`` when the headline
    is estimated from data, or ``sensitivity=(lower, upper)`` with ``sensitivity_en``/``_zh``
    saying what was varied when it is exact given the inputs. An ``untestable`` verdict names the
    ``missing`` variables and may have no headline number (``headline_value=None``).
    """
    out: dict[str, Any] = {
        "claim": claim,
        "class": verdict_class,
        "condition_en": condition_en,
        "condition_zh": condition_zh,
        "headline": {
            "value": headline_value,
            "unit": headline_unit,
            "fmt": headline_fmt,
            "en": headline_en,
            "zh": headline_zh,
        },
        "interval": None,
        "sensitivity": None,
        "data": data_en,
        "data_en": data_en,
        "data_zh": data_zh,
        "missing": list(missing),
        "values": {} if values is None else {str(k): v for k, v in values.items()},
    }
    if interval is not None:
        out["interval"] = {
            "lower": interval[0],
            "upper": interval[1],
            "level": level,
            "method": method,
        }
    elif sensitivity is not None:
        out["interval"] = EXACT
        out["sensitivity"] = {
            "lower": sensitivity[0],
            "upper": sensitivity[1],
            "en": sensitivity_en,
            "zh": sensitivity_zh,
        }
    check_verdict(out)
    head = out["headline"]
    if headline_value is None:
        head["text_en"], head["text_zh"] = head["en"], head["zh"]
    else:
        number = format_value(headline_value, headline_unit, headline_fmt)
        extra = ""
        if isinstance(out["interval"], dict):
            iv = out["interval"]
            extra = (
                " ("
                + format_interval(
                    iv["lower"], iv["upper"], headline_unit, level=iv["level"], fmt=headline_fmt
                )
                + ")"
            )
        head["text_en"] = f"{head['en']}: {number}{extra}"
        head["text_zh"] = f"{head['zh']}：{number}{extra}"
    return out


def check_verdict(record: Mapping[str, Any]) -> None:
    """Raise ``ValueError`` naming the first field of ``record`` that breaks the verdict shape."""
    if record.get("claim") not in CLAIMS:
        raise ValueError(
            f"verdict claim must be one of {', '.join(CLAIMS)}; got {record.get('claim')!r}"
        )
    cls = record.get("class")
    if cls not in VERDICT_CLASSES:
        raise ValueError(f"verdict class must be one of {', '.join(VERDICT_CLASSES)}; got {cls!r}")
    _text(record.get("condition_en"), "condition_en")
    _text(record.get("condition_zh"), "condition_zh", chinese=True)
    _text(record.get("data_en"), "data_en")
    _text(record.get("data_zh"), "data_zh", chinese=True)
    head = record.get("headline") or {}
    _text(head.get("en"), "headline_en")
    _text(head.get("zh"), "headline_zh", chinese=True)
    if head.get("unit") not in UNITS:
        raise ValueError(
            f"verdict headline_unit must be one of {', '.join(UNITS)}; got {head.get('unit')!r}"
        )
    missing = record.get("missing") or []
    if cls == "untestable":
        if not missing:
            raise ValueError(
                "an untestable verdict must name the variables the data lack (missing=...)"
            )
        return
    if missing:
        raise ValueError(f"only an untestable verdict names missing variables; got {missing!r}")
    _number(head.get("value"), "headline_value")
    iv = record.get("interval")
    if isinstance(iv, Mapping):
        lo, hi = (
            _number(iv.get("lower"), "interval lower"),
            _number(iv.get("upper"), "interval upper"),
        )
        if lo > hi:
            raise ValueError(f"verdict interval lower {lo} exceeds upper {hi}")
        level = _number(iv.get("level"), "interval level")
        if not 0 < level < 1:
            raise ValueError(f"verdict interval level must be in (0, 1), got {level}")
        _text(iv.get("method"), "interval method")
    elif iv == EXACT:
        sens = record.get("sensitivity") or {}
        _number(sens.get("lower"), "sensitivity lower")
        _number(sens.get("upper"), "sensitivity upper")
        _text(sens.get("en"), "sensitivity_en")
        _text(sens.get("zh"), "sensitivity_zh", chinese=True)
    else:
        raise ValueError(
            "a verdict needs interval=(lower, upper) with level and method (estimated from data) "
            f"or sensitivity=(lower, upper) with its labels (exact given inputs); got {iv!r}"
        )
    for key, value in (record.get("values") or {}).items():
        if value is not None and not isinstance(value, bool | int | float | str):
            raise ValueError(f"verdict values[{key!r}] must be a number or string, got {value!r}")


def record_verdict(claim: str, verdict_class: str, **fields: Any) -> dict[str, Any]:
    """Build the verdict (arguments as :func:`verdict`) and record it as ``verdict_<claim>``."""
    from crmstudy.record import record

    out = verdict(claim, verdict_class, **fields)
    label_en, _ = VERDICT_CLASSES[verdict_class]
    record(f"verdict_{claim}", out, label=f"Verdict ({claim}): {label_en}")
    return out

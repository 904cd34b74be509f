"""One notation for numbers, money, shares and intervals, shared by notebooks, reports and the board.

Every number a reader sees goes through :func:`format_value`: thousands separators, a fixed number of
decimals chosen by size, never scientific notation, and "n/a" where a value does not apply (None or
NaN). Units are named by short codes (``UNITS``) so that a recorded value can say what it measures
and the board can print it without knowing the notebook that made it.

>>> format_value(0.678, "share")
'67.8%'
>>> format_value(1989000.0, "USD")
'US$1,989,000'
>>> format_value(45.0, "years", ".0f")
'45 years'
"""

from __future__ import annotations

import math
import re
from typing import Any

__all__ = [
    "CURRENCY_CODES",
    "CURRENCY_DOLLAR",
    "UNITS",
    "format_interval",
    "format_money",
    "format_number",
    "format_percent",
    "format_value",
    "markdown_table",
    "markdown_text",
    "style_table",
]

#: Unit codes a recorded value may carry, with how the number is written and its English suffix.
#: ``share`` is a proportion in [0, 1] shown as a percentage; ``pct`` is already in percent;
#: ``pp`` is a difference of percentages (percentage points); ``x`` a ratio or multiple.
UNITS: dict[str, str] = {
    "share": "proportion in [0, 1], shown as a percentage",
    "pct": "percent (already multiplied by 100)",
    "pp": "percentage points",
    "USD": "US dollars",
    "USD_bn": "US dollars, billions",
    "TWD": "New Taiwan dollars",
    "x": "ratio or multiple",
    "count": "a count",
    "days": "days",
    "weeks": "weeks",
    "months": "months",
    "quarters": "quarters",
    "years": "years",
    "loglik": "log-likelihood",
    "p": "p-value",
    "": "no unit",
}

_SUFFIX = {
    "days": "days",
    "weeks": "weeks",
    "months": "months",
    "quarters": "quarters",
    "years": "years",
}


def _missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False


def format_number(value: Any, digits: int | None = None) -> str:
    """A number in the kit's one notation: thousands separators and no exponent.

    ``digits`` is the number of decimals; by default it depends on the size (0 from 1,000 up,
    1 from 100, 2 from 1, 3 below 1, and enough significant digits for tiny values).
    Integers print without decimals; None and NaN print as "n/a"; infinities as "∞" / "−∞".
    """
    if _missing(value):
        return "n/a"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or (
        hasattr(value, "dtype") and getattr(value.dtype, "kind", "") in "iu"
    ):
        return f"{int(value):,}".replace("-", "−")
    x = float(value)
    if math.isinf(x):
        return "∞" if x > 0 else "−∞"
    if digits is None:
        a = abs(x)
        if a >= 1000:
            digits = 0
        elif a >= 100:
            digits = 1
        elif a >= 1:
            digits = 2
        elif a == 0 or a >= 0.001:
            digits = 3
        else:
            # Tiny values: two significant digits, still without an exponent.
            digits = min(12, 1 - int(math.floor(math.log10(a))))
    text = f"{x:,.{digits}f}"
    if float(text.replace(",", "")) == 0:
        text = text.lstrip("-")
    return text.replace("-", "−")


def format_money(value: Any, currency: str = "US$", digits: int | None = None) -> str:
    """Money: ``US$1,234`` (no decimals from 1,000 up, cents below); negative as ``−US$12.50``."""
    if _missing(value):
        return "n/a"
    x = float(value)
    if digits is None:
        digits = 0 if abs(x) >= 1000 else 2
    body = format_number(abs(x), digits)
    return f"−{currency}{body}" if x < 0 and body.strip("0.,") else f"{currency}{body}"


def format_percent(
    value: Any, *, share: bool = False, digits: int = 1, signed: bool = False
) -> str:
    """A percentage: ``share=True`` for a proportion in [0, 1] (0.678 → 67.8%), else a value
    already in percent (12.3 → 12.3%). ``signed`` writes a plus sign on gains."""
    if _missing(value):
        return "n/a"
    x = float(value) * (100.0 if share else 1.0)
    text = format_number(x, digits) + "%"
    if signed and x > 0:
        text = "+" + text
    return text


def format_value(value: Any, unit: str | None = None, fmt: str | None = None) -> str:
    """``value`` written with its unit (a code of :data:`UNITS`) in the kit's one notation.

    ``fmt`` optionally fixes the decimals (``".0f"``, ``".2f"``), adds a sign (``"+.1f"``), or is
    ``"signed"`` for a signed value with the default decimals. Strings are returned as they are.
    """
    if isinstance(value, str):
        return value
    if unit is not None and unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; use one of {', '.join(repr(u) for u in UNITS)}")
    signed = False
    digits = None
    if fmt:
        spec = fmt
        if spec == "signed":
            signed, spec = True, ""
        if spec.startswith("+"):
            signed, spec = True, spec[1:]
        if spec.startswith(".") and spec.endswith("f") and spec[1:-1].isdigit():
            digits = int(spec[1:-1])
        elif spec:
            raise ValueError(f"fmt must look like '.2f', '+.1f' or 'signed', got {fmt!r}")
    if _missing(value):
        return "n/a"
    unit = unit or ""
    if unit == "share":
        return format_percent(
            value, share=True, digits=1 if digits is None else digits, signed=signed
        )
    if unit == "pct":
        return format_percent(value, digits=1 if digits is None else digits, signed=signed)
    if unit in ("USD", "TWD"):
        text = format_money(value, "US$" if unit == "USD" else "NT$", digits)
        return ("+" + text) if signed and float(value) > 0 else text
    if unit == "USD_bn":
        return format_money(value, "US$", 2 if digits is None else digits) + " bn"
    if unit == "p":
        x = float(value)
        return (
            "p < 0.001" if x < 0.001 else f"p = {format_number(x, 3 if digits is None else digits)}"
        )
    text = format_number(value, digits)
    if signed and float(value) > 0:
        text = "+" + text
    if unit == "pp":
        return text + " pp"
    if unit == "x":
        return text + "x"
    if unit in _SUFFIX:
        one = abs(float(value)) == 1
        return f"{text} {_SUFFIX[unit][:-1] if one else _SUFFIX[unit]}"
    return text


def format_interval(
    lower: Any,
    upper: Any,
    unit: str | None = None,
    *,
    level: float | None = None,
    fmt: str | None = None,
) -> str:
    """An interval ``a–b`` in the value's unit, with its level: ``95% CI 66.9–68.7%``."""
    lo = format_value(lower, unit, fmt)
    hi = format_value(upper, unit, fmt)
    # Write the unit once when both ends carry the same suffix (66.9–68.7%).
    for suffix in ("%", " pp", "x", " bn"):
        if lo.endswith(suffix) and hi.endswith(suffix):
            lo = lo[: -len(suffix)]
            break
    head = f"{format_number(100 * level, 0)}% CI " if level is not None else ""
    return f"{head}{lo}–{hi}"


#: The codes written before a dollar sign for money (US$, NT$, ...): a regular-expression group.
CURRENCY_CODES = r"(?:US|NT|HK|NZ|AU|CA|SG)"
#: A currency dollar written bare before a digit (``US$51``), which Markdown math would take.
CURRENCY_DOLLAR = re.compile(rf"(?<![A-Za-z\\])({CURRENCY_CODES})\$(?=[0-9])")


def markdown_text(text: str) -> str:
    r"""``text`` ready for ``IPython.display.Markdown``: money reads as money in JupyterLab too.

    JupyterLab reads the text between two dollar signs as a formula, so ``mean US$19.04, median
    US$6.90`` shows "19.04, median US" in math italics. Each currency dollar (``US$``, ``NT$``
    before a digit) is written ``US\\$``: Markdown makes that ``US\$``, which Lab's MathJax shows
    as a dollar; the HTML reports read both spellings as money. Formulas (``$1 - r$``) are left
    alone.

    >>> markdown_text("mean US$19.04, median US$6.90; churn $1 - r$")
    'mean US\\\\$19.04, median US\\\\$6.90; churn $1 - r$'
    """
    return CURRENCY_DOLLAR.sub(lambda m: m.group(1) + "\\\\$", text)


def _cell_formatter(spec: Any):
    """A cell formatter from a callable, a unit code (``format_value`` in that unit) or None."""
    if callable(spec):
        return spec
    if spec is None:
        return lambda v: "n/a" if _missing(v) else str(v)
    if spec not in UNITS:
        raise ValueError(
            f"unknown unit code {spec!r}; expected a formatter or one of {sorted(UNITS)}"
        )
    return lambda v: format_value(v, spec)


def markdown_table(
    frame: Any,
    formats: dict | None = None,
    *,
    index: bool = True,
    index_name: str | None = None,
) -> str:
    """A Markdown table of ``frame`` (pandas), each cell written by its column's formatter.

    ``formats`` maps each column to show, in order, to a formatter: a callable taking the value,
    a unit code of ``UNITS`` (written by :func:`format_value`), or None (``str``, "n/a" where
    missing); without ``formats`` every column is shown with ``str``. Cells are read column by
    column, so an integer column stays integer (reading row by row would turn it to float in a
    mixed row). ``index``: whether the first column is the index, headed ``index_name`` or else
    the index's name. The text is returned, not displayed (wrap it in IPython's ``Markdown``).

    >>> import pandas as pd
    >>> frame = pd.DataFrame({"n": [3, 40], "s": [0.5, 0.25]})
    >>> print(markdown_table(frame, {"n": None, "s": "share"}, index_name="row"))
    | row | n | s |
    |---|---|---|
    | 0 | 3 | 50.0% |
    | 1 | 40 | 25.0% |
    """
    columns = list(frame.columns) if formats is None else list(formats)
    writers = {c: _cell_formatter(None if formats is None else formats[c]) for c in columns}
    head = [index_name or frame.index.name or ""] if index else []
    head += [str(c) for c in columns]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    values = {c: frame[c].tolist() for c in columns}
    for i, label in enumerate(frame.index):
        cells = [str(label)] if index else []
        cells += [writers[c](values[c][i]) for c in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def style_table(frame: Any, units: dict, *, index: bool = False):
    """A pandas ``Styler`` of ``frame`` with each listed column in its unit, missing as n/a.

    ``units`` maps columns to unit codes of ``UNITS`` (written by :func:`format_value`) or to
    formatters; other columns keep pandas' own display. The index is hidden unless
    ``index=True``.
    """
    writers = {
        c: u if callable(u) else (lambda v, u=u: format_value(v, u)) for c, u in units.items()
    }
    styled = frame.style.format(writers, na_rep="n/a")
    return styled if index else styled.hide(axis="index")

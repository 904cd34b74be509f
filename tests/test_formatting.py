"""crmstudy.formatting: one notation, checked against hand-written strings."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from crmstudy.formatting import (
    format_interval,
    format_money,
    format_number,
    format_value,
    markdown_table,
    style_table,
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1989000.0, "1,989,000"),
        (472.6548936631936, "472.7"),
        (45.0, "45.00"),
        (0.0123, "0.012"),
        (0.000123, "0.00012"),
        (-8.687, "−8.69"),
        (-0.0001, "−0.00010"),
        (np.int64(23570), "23,570"),
        (float("nan"), "n/a"),
        (None, "n/a"),
        (math.inf, "∞"),
    ],
)
def test_format_number_never_uses_an_exponent(value, expected):
    assert format_number(value) == expected
    assert "e" not in format_number(value).lower().replace("n/a", "")


def test_units():
    assert format_value(0.678, "share") == "67.8%"
    assert format_value(472.65, "pct", "+.0f") == "+473%"
    assert format_value(1989000.0, "USD") == "US$1,989,000"
    assert format_value(19.04, "USD") == "US$19.04"
    assert format_money(-12.5) == "−US$12.50"
    assert format_value(45, "years") == "45 years"
    assert format_value(1, "years") == "1 year"
    assert format_value(3.18, "x") == "3.18x"
    assert format_value(0.0, "p") == "p < 0.001"
    assert format_value(0.57, "p") == "p = 0.570"
    with pytest.raises(ValueError, match="unknown unit"):
        format_value(1.0, "furlongs")


def test_interval_writes_the_unit_once():
    assert format_interval(0.669, 0.687, "share", level=0.95) == "95% CI 66.9–68.7%"
    assert format_interval(1.5, 2.5, "x") == "1.50–2.50x"


def test_markdown_table_keeps_integer_columns_integer():
    # A mixed row read row by row would turn the count 3 into 3.0 before str() sees it.
    frame = pd.DataFrame({"count": [3, 12], "share": [0.5, 0.125]}, index=["a", "b"])
    frame.index.name = "segment"
    text = markdown_table(frame, {"count": None, "share": "share"})
    assert text.splitlines() == [
        "| segment | count | share |",
        "|---|---|---|",
        "| a | 3 | 50.0% |",
        "| b | 12 | 12.5% |",
    ]


def test_markdown_table_columns_order_index_and_missing():
    frame = pd.DataFrame({"x": [1.0, float("nan")], "y": ["p", "q"]})
    # Only the listed columns, in the listed order; a callable formatter; no index column.
    text = markdown_table(frame, {"y": str.upper, "x": None}, index=False)
    assert text.splitlines() == ["| y | x |", "|---|---|", "| P | 1.0 |", "| Q | n/a |"]
    # The index heading: index_name first, then the index's own name, else empty.
    assert markdown_table(frame, {"y": None}).splitlines()[0] == "|  | y |"
    assert markdown_table(frame, {"y": None}, index_name="row").splitlines()[2] == "| 0 | p |"
    # Without formats every column is written with str.
    assert markdown_table(frame).splitlines()[0] == "|  | x | y |"
    with pytest.raises(ValueError, match="unknown unit code 'percent'"):
        markdown_table(frame, {"x": "percent"})


def test_style_table_writes_each_column_in_its_unit():
    frame = pd.DataFrame({"share": [0.25, None], "money": [1234.0, 5.0], "raw": [1, 2]})
    html = style_table(frame, {"share": "share", "money": "USD"}).to_html()
    assert "25.0%" in html and "n/a" in html and "US$1,234" in html
    # The index is hidden by default and shown on request.
    assert "row_heading" not in html.split("<tbody>")[1]
    shown = style_table(frame, {"share": "share"}, index=True).to_html()
    assert "row_heading" in shown.split("<tbody>")[1]

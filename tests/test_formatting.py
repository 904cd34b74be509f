"""crmstudy.formatting: one notation, checked against hand-written strings."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crmstudy.formatting import format_interval, format_money, format_number, format_value


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

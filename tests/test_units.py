"""Time-unit conversions: each expected value is worked out by hand in the comment beside it."""

import numpy as np
import pytest

from crmstudy.errors import ParameterError
from crmstudy.units import (
    DAYS_PER_PERIOD,
    check_period,
    convert_duration,
    convert_rate,
    periods_per,
)


def test_calendar_identities():
    # 12 months = 4 quarters = 1 year = 365.2425 days exactly, by definition of the module.
    assert periods_per("Y", "M") == pytest.approx(12.0, rel=1e-15)
    assert periods_per("Y", "Q") == pytest.approx(4.0, rel=1e-15)
    assert periods_per("W", "D") == 7.0
    assert DAYS_PER_PERIOD["Y"] == 365.2425


def test_convert_duration_weeks_to_years_is_not_52():
    # 52 weeks = 364 days = 364 / 365.2425 years.
    assert convert_duration(52, "W", "Y") == pytest.approx(364 / 365.2425)
    np.testing.assert_allclose(convert_duration(np.array([7.0, 14.0]), "D", "W"), [1.0, 2.0])
    # Round trip.
    assert convert_duration(convert_duration(39, "W", "M"), "M", "W") == pytest.approx(39)


def test_convert_rate_compounds():
    # 12% a year is 1.12 ** (1/4) - 1 = 2.8737% a quarter (Gupta, Lehmann & Stuart 2004 use ~3%).
    assert convert_rate(0.12, "Y", "Q") == pytest.approx(1.12**0.25 - 1)
    assert convert_rate(0.12, "Y", "Q") == pytest.approx(0.028737345, abs=1e-9)
    # A quarterly rate compounded 4 times is the annual rate again.
    q = convert_rate(0.10, "Y", "Q")
    assert (1 + q) ** 4 - 1 == pytest.approx(0.10)
    assert convert_rate(0.0, "M", "Y") == 0.0


@pytest.mark.parametrize("bad", ["week", "w", "", "A"])
def test_unknown_period_names_the_allowed_units(bad):
    with pytest.raises(ParameterError, match="not a known time unit"):
        check_period(bad)


@pytest.mark.parametrize("bad", [-1.0, -2.0, float("nan"), float("inf"), "0.1"])
def test_bad_rate(bad):
    with pytest.raises(ParameterError, match="rate"):
        convert_rate(bad, "Y", "M")

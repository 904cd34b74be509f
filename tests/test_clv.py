"""Tests of crmstudy.clv: every closed form against a direct summation of the discounted series."""

from __future__ import annotations

import numpy as np
import pytest

from crmstudy.clv import lifetime_value, margin_multiple
from crmstudy.errors import ParameterError


def direct_sum(margins, retention, discount_rate, timing="end"):
    """Independent reference: add up m_t * r**t / (1 + i)**t term by term in a plain loop."""
    total = 0.0
    factor = 1.0 if timing == "start" else retention / (1.0 + discount_rate)
    for m in margins:
        total += m * factor
        factor *= retention / (1.0 + discount_rate)
    return total


# ---------------------------------------------------------------- margin_multiple


@pytest.mark.parametrize("r", [0.0, 0.3, 0.7, 0.9, 0.95])
@pytest.mark.parametrize("i", [0.0, 0.0287, 0.1, 0.5])
@pytest.mark.parametrize("timing", ["end", "start"])
def test_margin_multiple_equals_long_direct_sum(r, i, timing):
    # 5,000 terms: the neglected tail is below r**5000, far under the tolerance.
    expected = direct_sum([1.0] * 5000, r, i, timing)
    assert margin_multiple(r, i, timing=timing) == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_margin_multiple_hand_worked():
    # r = 0.8, i = 0.1: end 0.8 / 0.3 = 2.6667; start 1.1 / 0.3 = 3.6667 (one more margin, now).
    assert margin_multiple(0.8, 0.1) == pytest.approx(8 / 3)
    assert margin_multiple(0.8, 0.1, timing="start") == pytest.approx(11 / 3)
    # Gupta & Lehmann (2003), Table 1: r = 90%, i = 12% gives a multiple of 4.09.
    assert margin_multiple(0.9, 0.12) == pytest.approx(4.09, abs=0.005)
    # ... and r = 60%, i = 16% gives 1.07.
    assert margin_multiple(0.6, 0.16) == pytest.approx(1.07, abs=0.005)


def test_margin_multiple_is_vectorised():
    r = np.array([0.5, 0.8, 0.9])
    i = np.array([[0.1], [0.2]])
    out = margin_multiple(r, i)
    assert out.shape == (2, 3)
    assert out[1, 2] == pytest.approx(0.9 / 0.3)


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"retention": 1.0, "discount_rate": 0.1}, "retention"),
        ({"retention": -0.1, "discount_rate": 0.1}, "retention"),
        ({"retention": [0.5, 1.2], "discount_rate": 0.1}, "retention"),
        ({"retention": 0.5, "discount_rate": -1.0}, "discount_rate"),
        ({"retention": 0.5, "discount_rate": np.nan}, "discount_rate"),
        ({"retention": 0.5, "discount_rate": 0.1, "timing": "middle"}, "timing"),
        ({"retention": 0.9, "discount_rate": -0.2}, "diverges"),
    ],
)
def test_margin_multiple_bad_input(kwargs, word):
    with pytest.raises(ParameterError, match=word):
        margin_multiple(**kwargs)


# ---------------------------------------------------------------- lifetime_value


@pytest.mark.parametrize("timing", ["end", "start"])
@pytest.mark.parametrize("horizon", [0, 1, 3, 10, 40])
def test_finite_horizon_equals_direct_sum(timing, horizon):
    m, r, i, c = 12.0, 0.85, 0.03, 20.0
    expected = direct_sum([m] * horizon, r, i, timing) - c
    got = lifetime_value(m, r, i, horizon=horizon, acquisition_cost=c, timing=timing)
    assert got == pytest.approx(expected, rel=1e-12)


def test_infinite_horizon_is_margin_times_multiple_minus_cost():
    assert lifetime_value(10.0, 0.8, 0.1, acquisition_cost=5.0) == pytest.approx(10 * 8 / 3 - 5)


def test_finite_horizon_hand_worked():
    # m = 100, r = 0.5, i = 0 (no discounting), 3 payments at period ends: 50 + 25 + 12.5.
    assert lifetime_value(100.0, 0.5, 0.0, horizon=3) == pytest.approx(87.5)
    # At period starts: 100 + 50 + 25.
    assert lifetime_value(100.0, 0.5, 0.0, horizon=3, timing="start") == pytest.approx(175.0)


def test_finite_horizon_where_q_equals_one():
    # r / (1 + i) = 1 with a negative discount rate: every payment is worth m, finite sum = m H.
    assert lifetime_value(2.0, 0.5, -0.5, horizon=7) == pytest.approx(14.0)


def test_finite_horizon_converges_to_infinite():
    inf = lifetime_value(3.0, 0.9, 0.02)
    assert lifetime_value(3.0, 0.9, 0.02, horizon=2000) == pytest.approx(inf, rel=1e-12)


@pytest.mark.parametrize("timing", ["end", "start"])
@pytest.mark.parametrize("horizon", [None, 2, 5, 30])
def test_margin_profile_equals_direct_sum(timing, horizon):
    profile = [1.0, 1.3, 1.6, 2.0]
    m, r, i = 10.0, 0.8, 0.05
    n = 3000 if horizon is None else horizon
    margins = [m * profile[min(k, len(profile) - 1)] for k in range(n)]
    expected = direct_sum(margins, r, i, timing)
    got = lifetime_value(m, r, i, horizon=horizon, timing=timing, margin_profile=profile)
    assert got == pytest.approx(expected, rel=1e-10)


def test_flat_profile_equals_constant_margin():
    assert lifetime_value(5.0, 0.7, 0.1, margin_profile=[1.0]) == pytest.approx(
        lifetime_value(5.0, 0.7, 0.1)
    )


def test_lifetime_value_vectorised_over_retention():
    r = np.array([0.5, 0.9])
    out = lifetime_value(1.0, r, 0.1, horizon=5, margin_profile=[1.0, 2.0])
    assert out.shape == (2,)
    assert out[1] == pytest.approx(direct_sum([1, 2, 2, 2, 2], 0.9, 0.1))


@pytest.mark.parametrize(
    "kwargs, word",
    [
        ({"horizon": -1}, "horizon"),
        ({"horizon": 2.5}, "horizon"),
        ({"horizon": "ten"}, "horizon"),
        ({"retention": 1.0}, "retention"),
        ({"discount_rate": -2.0}, "discount_rate"),
        ({"margin": "a lot"}, "margin"),
        ({"margin_profile": []}, "margin_profile"),
        ({"margin_profile": [[1, 2], [3, 4]]}, "margin_profile"),
        ({"acquisition_cost": np.inf}, "acquisition_cost"),
    ],
)
def test_lifetime_value_bad_input(kwargs, word):
    args = {"margin": 1.0, "retention": 0.8, "discount_rate": 0.1} | kwargs
    with pytest.raises(ParameterError, match=word):
        lifetime_value(**args)

"""Tests of crmstudy._checks: the shared validation and its one message style."""

import math

import numpy as np
import pandas as pd
import pytest

from crmstudy import _checks as ck
from crmstudy.errors import DataError, ParameterError


@pytest.mark.parametrize(
    "kwargs, text",
    [
        ({}, "(-inf, inf)"),
        ({"low": 0.0, "high": 1.0, "high_open": True}, "[0, 1)"),
        ({"low": -1.0, "low_open": True}, "(-1, inf)"),
        ({"low": 0.0, "low_open": True, "high": 0.5}, "(0, 0.5]"),
    ],
)
def test_format_range_brackets(kwargs, text):
    assert ck.format_range(**kwargs) == text


def test_as_float_array_accepts_numbers_and_arrays():
    assert ck.as_float_array(3, "x") == 3.0
    np.testing.assert_array_equal(ck.as_float_array([1, 2.5], "x"), [1.0, 2.5])


@pytest.mark.parametrize("bad", ["a lot", [1.0, np.nan], np.inf, None])
def test_as_float_array_names_the_parameter(bad):
    with pytest.raises(ParameterError, match=r"^margin=.*finite number"):
        ck.as_float_array(bad, "margin")


def test_check_range_names_parameter_first_bad_value_and_range():
    with pytest.raises(ParameterError) as err:
        ck.check_range([0.5, 1.2, 1.5], "retention", low=0.0, high=1.0, high_open=True, what="w")
    assert str(err.value) == "retention=1.2 is outside the allowed range [0, 1) (w)"
    # Ends: closed includes, open excludes.
    assert ck.check_range(0.0, "x", low=0.0) == 0.0
    with pytest.raises(ParameterError, match=r"x=0.0 .* \(0, inf\)"):
        ck.check_range(0.0, "x", low=0.0, low_open=True)
    assert ck.check_range(1.0, "x", high=1.0) == 1.0
    with pytest.raises(ParameterError, match=r"\(-inf, 1\)"):
        ck.check_range(1.0, "x", high=1.0, high_open=True)


def test_check_number_rejects_bools_arrays_and_strings():
    assert ck.check_number(np.float64(0.25), "d", low=0.0) == 0.25
    for bad in (True, [0.1], "0.1", None):
        with pytest.raises(ParameterError, match=r"^d=.* one number in \[0, inf\)"):
            ck.check_number(bad, "d", low=0.0)
    with pytest.raises(ParameterError, match="d=nan"):
        ck.check_number(math.nan, "d")


def test_domain_checks():
    np.testing.assert_array_equal(ck.check_retention([0.0, 0.99]), [0.0, 0.99])
    with pytest.raises(
        ParameterError, match=r"retention=1.0 is outside the allowed range \[0, 1\)"
    ):
        ck.check_retention(1.0)
    assert ck.check_discount_rate(0.0) == 0.0 and ck.check_discount_rate(0.99) == 0.99
    with pytest.raises(ParameterError, match=r"discount_rate=1.5 .*\[0, 1\)"):
        ck.check_discount_rate(1.5)
    with pytest.raises(ParameterError, match=r"discount_rate=-0.5 .*\[0, 1\).*per year"):
        ck.check_discount_rate(-0.5, period="year")
    with pytest.raises(ParameterError, match=r"defection=0.0 .*\(0, 1\]"):
        ck.check_rate(0.0, "defection")
    assert ck.check_rate(1.0, "defection") == 1.0
    with pytest.raises(ParameterError, match="not a kind of rate"):
        ck.check_rate(0.1, "interest")
    with pytest.raises(ParameterError, match=r"a_max=-0.1 .*\[0, 1\)"):
        ck.check_share(-0.1, "a_max")


def test_check_whole():
    assert ck.check_whole(4, "n") == 4
    assert ck.check_whole(4.0, "n") == 4 and isinstance(ck.check_whole(4.0, "n"), int)
    for bad in (2.5, -1, True, "3", math.inf):
        with pytest.raises(ParameterError, match=r"^n=.* a whole number >= 0"):
            ck.check_whole(bad, "n")
    with pytest.raises(ParameterError, match=r"periods=0 .* >= 1 \(years\)"):
        ck.check_whole(0, "periods", minimum=1, what="years")


def test_check_whole_array():
    np.testing.assert_array_equal(ck.check_whole_array([0, 3], "t"), [0.0, 3.0])
    with pytest.raises(ParameterError, match=r"t=1.5 .* whole numbers >= 0"):
        ck.check_whole_array([0, 1.5, -2], "t")
    with pytest.raises(ParameterError, match=r"renewals=-1 .* >= 0"):
        ck.check_whole_array(-1, "renewals")


def test_check_choice_lists_the_choices():
    assert ck.check_choice("end", "timing", ("end", "start")) == "end"
    with pytest.raises(
        ParameterError, match=r"timing='middle' is not allowed; choices: end, start"
    ):
        ck.check_choice("middle", "timing", ("end", "start"))
    with pytest.raises(ParameterError, match="timing=None"):
        ck.check_choice(None, "timing", ("end", "start"))


def test_scalar_or_array():
    assert isinstance(ck.scalar_or_array(np.float64(2.0)), float)
    assert isinstance(ck.scalar_or_array(np.array(2.0)), float)
    arr = np.array([1.0, 2.0])
    assert ck.scalar_or_array(arr) is arr


def test_as_generator_reads_ints_generators_and_none():
    # An int seeds numpy's default generator: the same stream as default_rng(seed).
    assert ck.as_generator(5).random() == np.random.default_rng(5).random()
    assert ck.as_generator(np.int64(5)).random() == np.random.default_rng(5).random()
    gen = np.random.default_rng(1)
    assert ck.as_generator(gen) is gen  # a Generator is used as given, its stream continues
    assert isinstance(ck.as_generator(None), np.random.Generator)
    for bad in (1.5, "7", [1, 2]):
        with pytest.raises(ParameterError, match=r"^seed=.* must be an int, a numpy Generator"):
            ck.as_generator(bad)
    with pytest.raises(ParameterError, match=r"^rng=1\.5"):
        ck.as_generator(1.5, "rng")


def test_bad_values_error_counts_and_names_the_first_row():
    values = pd.Series([1, 7, 3, 9], index=["a", "b", "c", "d"])
    err = ck.bad_values_error(values, values.to_numpy() > 5, "column 'x'", "value(s) above 5")
    assert isinstance(err, DataError)
    assert str(err) == "column 'x' has 2 value(s) above 5, first at row 'b': 7"
    # numpy labels and values print plainly (not np.int64(...)).
    ints = pd.Series([1, 9], index=pd.Index([10, 11], dtype="int64"))
    assert str(ck.bad_values_error(ints, [False, True], "c", "bad")).endswith("row 11: 9")
    # Arrays are reported by position; a hint follows; another error class can be asked for.
    err = ck.bad_values_error(
        np.array([0.0, -1.0]), [False, True], "w", "negative value(s)", hint="fix", error=ValueError
    )
    assert (
        type(err) is ValueError
        and str(err) == "w has 1 negative value(s), first at row 1: -1.0; fix"
    )


def test_numeric_values_turns_non_numbers_into_nan():
    out = ck.numeric_values(pd.Series([1, "x", None]))
    assert out[0] == 1.0 and np.isnan(out[1]) and np.isnan(out[2])
    assert ck.numeric_values([2, 3]).tolist() == [2.0, 3.0]


@pytest.mark.parametrize(
    "alive, match",
    [
        (pd.DataFrame({"alive": [3, 2]}), "not a DataFrame"),
        ("100 80", "1-d sequence"),
        ([[100, 80]], "1-d sequence"),
        ([100], "1 value"),
        ([100, np.nan], "t = 1 is not a finite number"),
        ([100, -1], "t = 1 is negative"),
        ([100, 80.5], "t = 1 is not a whole number"),
        ([0, 0], "cohort size"),
        ([100, 80, 90], "rises from 80 at t = 1 to 90 at t = 2"),
    ],
)
def test_check_cohort_counts_rejects(alive, match):
    with pytest.raises(DataError, match=match):
        ck.check_cohort_counts(alive)


def test_check_cohort_counts_options():
    np.testing.assert_array_equal(ck.check_cohort_counts([100, 80, 80]), [100.0, 80.0, 80.0])
    # Fractional counts (e.g. percentages) only when asked for; the error class is the caller's.
    assert ck.check_cohort_counts([100, 80.5], whole=False)[1] == 80.5
    with pytest.raises(ParameterError, match="survivors rises"):
        ck.check_cohort_counts([1, 2], "survivors", error=ParameterError)

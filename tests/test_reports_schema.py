"""Tests for crmstudy.reports.schema: parsing a parameters cell, coercing and checking values,
and agreement with papermill's own parameter parser.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from crmstudy.errors import ParameterError
from crmstudy.reports import (
    Parameter,
    Range,
    papermill_disagreements,
    parse_parameters,
)

FIXTURES = Path(__file__).parent / "fixtures" / "notebooks"


# --- parameters cell ---------------------------------------------------------------------------

CELL = """\
segment: str = "high_end"  # customer segment; choices: regular, high_end
discount_rate: float = 0.10  # per year; range: [0, 1)
fit_years: int = 7  # years used to fit the model; range: [2, 12]
# a comment line between parameters is fine

sample: bool = False  # use the 1/10 sample
label: str = "a # b"  # text; with a semicolon in the help
growth: float = 0  # per year; range: (-1, inf)
"""


def test_parse_parameters_reads_types_defaults_help_and_constraints():
    params = parse_parameters(CELL)
    assert list(params) == ["segment", "discount_rate", "fit_years", "sample", "label", "growth"]
    seg = params["segment"]
    assert (seg.type, seg.default, seg.help, seg.choices) == (
        str,
        "high_end",
        "customer segment",
        ("regular", "high_end"),
    )
    rate = params["discount_rate"]
    assert rate.type is float and rate.default == 0.10 and rate.help == "per year"
    assert rate.range == Range(0.0, 1.0, lo_closed=True, hi_closed=False)
    assert params["fit_years"].range == Range(2.0, 12.0, True, True)
    assert params["sample"].default is False and params["sample"].choices is None
    # A '#' inside a string default is not the comment; extra ';' parts stay in the help.
    assert params["label"].default == "a # b"
    assert params["label"].help == "text; with a semicolon in the help"
    # An int literal for a float parameter becomes a float; 'inf' is an open upper bound.
    assert params["growth"].default == 0.0 and isinstance(params["growth"].default, float)
    assert 1e300 in params["growth"].range and -1.0 not in params["growth"].range


def test_range_membership_respects_open_and_closed_ends():
    half_open = Range(0.0, 1.0, True, False)
    assert 0.0 in half_open and 0.999 in half_open and 1.0 not in half_open
    assert -1e-12 not in half_open
    closed = Range(2, 12, True, True)
    assert 2 in closed and 12 in closed and 13 not in closed
    assert str(half_open) == "[0, 1)" and str(Range(-1, float("inf"), False, False)) == "(-1, inf)"


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        ("x = 5  # no annotation", "not of the form"),
        ("x: list = [1]", "use one of int, float, str, bool"),
        ("x: int = 2 + len('a')", "must be a literal"),
        ("x: int = 20  # n; range: [0, 10]", "must be in [0, 10]"),
        ("x: str = 'c'  # n; choices: a, b", "must be one of: a, b"),
        ("x: float = 0.5  # n; range: 0 to 1", "not of the form [lo, hi)"),
        ("x: int = 1\nx: int = 2", "declared twice"),
        ("x: int = 1.5", "is an int"),
        ("x: int = (", "not valid Python"),
    ],
)
def test_parse_parameters_rejects_malformed_cells(source, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        parse_parameters(source)


def test_malformed_line_error_names_the_line():
    with pytest.raises(ParameterError, match=r"line 2: 'y = 3'"):
        parse_parameters("x: int = 1\ny = 3\n")


# --- coercion and validation ------------------------------------------------------------------


def test_coerce_from_text_parses_the_declared_type():
    flag = Parameter("flag", bool, False)
    for text, expected in [("true", True), ("YES", True), ("1", True), ("no", False), ("0", False)]:
        assert flag.coerce(text, from_text=True) is expected
    assert Parameter("n", int, 1).coerce("7", from_text=True) == 7
    assert Parameter("r", float, 0.1).coerce("1e-3", from_text=True) == 0.001
    assert Parameter("s", str, "").coerce("7", from_text=True) == "7"


@pytest.mark.parametrize(
    ("param", "value", "from_text", "fragment"),
    [
        (Parameter("n", int, 1), "2.5", True, "'2.5' is not an int"),
        (Parameter("flag", bool, False), "maybe", True, "not true/false"),
        (Parameter("r", float, 0.1), "NaN", True, "got NaN"),
        (Parameter("n", int, 1), True, False, "is an int"),  # YAML 'yes' is a bool, not an int
        (Parameter("n", int, 1), 2.0, False, "is an int"),
        (Parameter("s", str, ""), 2020, False, "is a str"),
        (Parameter("r", float, 0.1, range=Range(0, 1, True, False)), 1, False, "in [0, 1)"),
    ],
)
def test_coerce_rejects_values_of_the_wrong_type_or_range(param, value, from_text, fragment):
    with pytest.raises(ParameterError, match=re.escape(fragment)):
        param.coerce(value, from_text=from_text)


def test_int_choices_are_compared_as_ints():
    (param,) = parse_parameters("k: int = 4  # clusters; choices: 2, 4, 8").values()
    assert param.choices == (2, 4, 8)
    assert param.coerce("8", from_text=True) == 8
    with pytest.raises(ParameterError, match="one of: 2, 4, 8"):
        param.coerce("3", from_text=True)


# --- agreement with papermill's own parser ------------------------------------------------------

EQUALS_IN_COMMENT = """\
segment: str = "regular"  # customer segment; choices: regular, high_end
sample: bool = False  # True = the 1/10 sample
retention: float = 0.5  # per period; range: [0, 1)
"""


def _papermill_names(source: str) -> list[str]:
    from papermill.translators import PythonTranslator

    return [p.name for p in PythonTranslator.inspect({"source": source})]


def test_papermill_agrees_with_us_on_well_formed_cells():
    # '#' inside a string default and ';' in the help do not confuse papermill either.
    assert _papermill_names(CELL) == list(parse_parameters(CELL))
    assert papermill_disagreements(CELL) == []


def test_a_second_equals_sign_on_a_line_is_reported_with_its_line_and_why():
    # The premise, checked on papermill itself: it skips the line, so 'sample' is unknown to it.
    assert _papermill_names(EQUALS_IN_COMMENT) == ["segment", "retention"]
    assert list(parse_parameters(EQUALS_IN_COMMENT)) == ["segment", "sample", "retention"]
    (problem,) = papermill_disagreements(EQUALS_IN_COMMENT, "x.py: parameters cell")
    assert problem.startswith("x.py: parameters cell line 2: 'sample: bool = False  # True = the")
    assert "more than one '='" in problem and "Unable to parse line" in problem
    assert "'sample' as an unknown parameter" in problem


def test_an_equals_sign_in_a_string_default_is_reported_too():
    source = 'label: str = "k=v"  # text\nn: int = 1  # count\n'
    assert _papermill_names(source) == ["n"]
    (problem,) = papermill_disagreements(source)
    assert "line 1" in problem and "'label'" in problem


def test_a_cell_that_does_not_parse_is_left_to_parse_parameters():
    assert papermill_disagreements("x = 1 = 2\n") == []


# --- declarations wrapped over lines, formats, and what `crmstudy check` refuses -------------

WRAPPED = """\
segment: str = (
    "high_end"  # customer segment of a paper's table; choices: regular, high_end
)
seed: int = (
    2026  # seed of the random draws; range: [0, 4294967295]
)
"""


def test_a_declaration_wrapped_over_lines_keeps_its_help_choices_and_range():
    # Before: the comment was read only after the closing parenthesis, so both lost their
    # help and constraints and any value passed validation.
    params = parse_parameters(WRAPPED)
    assert params["segment"].help == "customer segment of a paper's table"
    assert params["segment"].choices == ("regular", "high_end")
    assert params["seed"].range == Range(0.0, 4294967295.0, True, True)
    with pytest.raises(ParameterError, match="must be one of: regular, high_end"):
        params["segment"].coerce("nonsense", from_text=True)
    with pytest.raises(ParameterError, match=r"must be in \[0, 4294967295\]"):
        params["seed"].coerce("-1", from_text=True)


@pytest.mark.parametrize(
    ("line", "good", "bad"),
    [
        (
            'calibration_end: str = "1997-09-30"  # last day; empty: default',
            ["2000-02-29", ""],
            ["1997-9-30", "x", "1997-02-30"],
        ),
        ('observation_end: str = ""  # last day; empty: last log date', ["", "1998-06-30"], ["1"]),
        ('when: str = "2001-01-01"  # a day; format: date', ["2001-12-31"], ["2001-13-01", ""]),
        ('customer_column: str = "customer_id"  # ids', ["cust"], ["", "  "]),
        ('date_format: str = ""  # of the dates', ["", "%d/%m/%Y"], ["dd/mm/yyyy"]),
        ('my_path: str = ""  # a file', ["", "any/thing.csv"], []),
    ],
)
def test_free_text_parameters_have_a_format(line, good, bad):
    (param,) = parse_parameters(line + "\n").values()
    assert param.allowed()
    for value in good:
        assert param.coerce(value, from_text=True) == value
    for value in bad:
        with pytest.raises(ParameterError, match=f"parameter '{param.name}' must be"):
            param.coerce(value, from_text=True)


def test_an_unknown_format_is_refused():
    with pytest.raises(ParameterError, match="format 'colour' is not one of"):
        parse_parameters('x: str = "a"  # help; format: colour\n')


def test_declaration_problems_name_parameters_without_help_or_allowed_values():
    from crmstudy.reports.schema import declaration_problems

    params = parse_parameters(
        "a: float = 1.0  # per year; range: [0, 2]\n"
        "b: float = 1.0  # per year, no range\n"
        "c: str = 'x'\n"
        "d: bool = True  # a switch needs no allowed values\n"
        'transactions_path: str = ""  # own log\n'
    )
    problems = declaration_problems(params, "nb.py: parameters cell")
    assert len(problems) == 2
    assert "'b' has no allowed values (range: [lo, hi))" in problems[0]
    assert "'c' has no help text" in problems[1] and "no allowed values (choices" in problems[1]
    assert all(p.startswith("nb.py: parameters cell") for p in problems)

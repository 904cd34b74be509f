"""The parameter schema of a notebook: declarations, coercion and validation of values.

A notebook's cell tagged ``parameters`` declares one parameter per line::

    segment: str = "high_end"  # customer segment; choices: regular, high_end
    discount_rate: float = 0.10  # per year; range: [0, 1)

The type is one of ``int``, ``float``, ``str``, ``bool``; the comment is the help text, and an
optional ``choices: a, b`` or ``range: [lo, hi)`` segment (after a ``;``) states the allowed values
(``[``/``]`` closed, ``(``/``)`` open, ``inf`` allowed). A free-text ``str`` parameter states its
form instead with ``format: KIND``, one of :data:`FORMATS` (``date``, ``date or empty``, ``path``,
``column``, ``strftime``); the vocabulary's names carry theirs without saying so
(:data:`NAMED_FORMATS`: ``transactions_path`` is a path, ``calibration_end`` a date or empty,
...; the notebook says what empty means).
A declaration that a formatter wrapped over several lines keeps the comment it carries on any of
its lines, but the convention is one line; :func:`declaration_problems` lists the parameters that
state no help or no allowed values (``crmstudy check`` refuses them).

Papermill reads the same cell with its own, line-based parser (to warn about unknown parameters and
for ``papermill --help-notebook``); :func:`papermill_disagreements` lists the lines it would read
differently, such as a line with a second ``=`` in its comment.
"""

from __future__ import annotations

import ast
import math
import re
from dataclasses import dataclass, replace
from typing import Any

from crmstudy.errors import ParameterError

__all__ = [
    "FORMATS",
    "NAMED_FORMATS",
    "Parameter",
    "Range",
    "declaration_problems",
    "papermill_disagreements",
    "parse_parameters",
]

_TYPES: dict[str, type] = {"int": int, "float": float, "str": str, "bool": bool}
_TRUE = {"true", "1", "yes", "on"}
_FALSE = {"false", "0", "no", "off"}
_RANGE = re.compile(r"^([\[(])\s*([^,]+?)\s*,\s*([^,]+?)\s*([\])])$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

#: The forms a free-text ``str`` parameter may declare with ``format: KIND``, in words.
FORMATS: dict[str, str] = {
    "date": "a date YYYY-MM-DD",
    "date or empty": "a date YYYY-MM-DD, or empty",
    "path": "a file path (CSV or Parquet), or empty",
    "column": "a column name of the log",
    "strftime": "a strptime format such as %d/%m/%Y, or empty for ISO dates",
}
#: The vocabulary's parameter names (``../shared/DESIGN.md``) and the form each one has; a name
#: ending in ``_path`` is a path. An explicit ``format:`` in the comment overrides these.
NAMED_FORMATS: dict[str, str] = {
    "transactions_path": "path",
    "customer_column": "column",
    "date_column": "column",
    "amount_column": "column",
    "date_format": "strftime",
    "calibration_end": "date or empty",
    "observation_end": "date or empty",
}


@dataclass(frozen=True)
class Range:
    """An interval ``[lo, hi)`` and the like; ``lo_closed``/``hi_closed`` say which ends belong."""

    lo: float
    hi: float
    lo_closed: bool
    hi_closed: bool

    def __contains__(self, value: float) -> bool:
        above = value >= self.lo if self.lo_closed else value > self.lo
        below = value <= self.hi if self.hi_closed else value < self.hi
        return above and below

    def __str__(self) -> str:
        def fmt(x: float) -> str:
            return str(int(x)) if math.isfinite(x) and x == int(x) else str(x)

        return (
            f"{'[' if self.lo_closed else '('}{fmt(self.lo)}, {fmt(self.hi)}"
            f"{']' if self.hi_closed else ')'}"
        )


@dataclass(frozen=True)
class Parameter:
    """One declared notebook parameter: ``name: type = default  # help; choices/range``."""

    name: str
    type: type
    default: Any
    help: str = ""
    choices: tuple | None = None
    range: Range | None = None
    format: str | None = None  # one of FORMATS, for a free-text str parameter
    formerly: tuple[str, ...] = ()  # old names (``was: old``), accepted for one release with a warning

    @property
    def type_name(self) -> str:
        return self.type.__name__

    @property
    def _a_type(self) -> str:
        return ("an " if self.type is int else "a ") + self.type_name

    def allowed(self) -> str:
        """The allowed values in words ('one of: a, b', 'in [0, 1)'), or '' when unrestricted."""
        if self.choices is not None:
            return "one of: " + ", ".join(str(c) for c in self.choices)
        if self.range is not None:
            return f"in {self.range}"
        if self.format is not None:
            return FORMATS[self.format]
        return ""

    def coerce(self, value: Any, *, from_text: bool = False) -> Any:
        """Return ``value`` as this parameter's type, checked against its choices or range.

        ``from_text`` is for command-line values (``-p key=value``): the string is parsed as the
        declared type (bool accepts true/false/1/0/yes/no). Other values (from YAML or Python)
        must already have the type; an int is accepted for a float, and a date (YAML's reading of
        an unquoted 1997-09-30) for a date parameter.
        Raises :class:`ParameterError` naming the parameter, the value and what is allowed.
        """
        typed = self._parse_text(value) if from_text and isinstance(value, str) else value
        if self.format in {"date", "date or empty"} and _is_plain_date(typed):
            typed = typed.isoformat()  # YAML reads an unquoted 1997-09-30 as a date
        if self.type is float and isinstance(typed, int) and not isinstance(typed, bool):
            typed = float(typed)
        if not isinstance(typed, self.type) or (self.type is int and isinstance(typed, bool)):
            raise ParameterError(
                f"parameter '{self.name}' is {self._a_type}; got {value!r} "
                f"({type(value).__name__})" + self._hint()
            )
        if self.type is float and math.isnan(typed):
            raise ParameterError(f"parameter '{self.name}' is a float; got NaN" + self._hint())
        self.check(typed)
        return typed

    def check(self, value: Any) -> None:
        """Raise :class:`ParameterError` when ``value`` is outside the declared choices or range."""
        outside_choices = self.choices is not None and value not in self.choices
        if outside_choices or (self.range is not None and value not in self.range):
            raise ParameterError(f"parameter '{self.name}' must be {self.allowed()}; got {value!r}")
        if self.format is not None and not _fits_format(value, self.format):
            raise ParameterError(f"parameter '{self.name}' must be {self.allowed()}; got {value!r}")

    def _hint(self) -> str:
        allowed = self.allowed()
        return f"; allowed: {allowed}" if allowed else ""

    def _parse_text(self, text: str) -> Any:
        stripped = text.strip()
        try:
            if self.type is bool:
                if stripped.lower() in _TRUE:
                    return True
                if stripped.lower() in _FALSE:
                    return False
                raise ValueError
            if self.type is int:
                return int(stripped)
            if self.type is float:
                return float(stripped)
        except ValueError:
            kind = "true/false/yes/no/1/0" if self.type is bool else self._a_type
            raise ParameterError(
                f"parameter '{self.name}' is {self._a_type}; '{text}' is not {kind}" + self._hint()
            ) from None
        return text


def _is_plain_date(value: Any) -> bool:
    import datetime as dt

    return isinstance(value, dt.date) and not isinstance(value, dt.datetime)


def _fits_format(value: str, kind: str) -> bool:
    """Whether a ``str`` value has the declared form (a path's file is checked by the planner)."""
    import datetime as dt

    if kind in {"date", "date or empty"}:
        if value == "" and kind == "date or empty":
            return True
        if not _ISO_DATE.match(value):
            return False
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    if kind == "column":
        return bool(value.strip())
    if kind == "strftime":
        return value == "" or "%" in value
    return True  # "path": any text; plan.py checks the file before a kernel starts


def _parse_bound(text: str, where: str) -> float:
    try:
        return float(text)
    except ValueError:
        raise ParameterError(f"{where}: range bound '{text}' is not a number") from None


def _parse_comment(
    comment: str, ptype: type, where: str
) -> tuple[str, tuple | None, Range | None, str | None, tuple[str, ...]]:
    """Split a parameter comment into help text, choices, range, format and former names."""
    formerly: tuple[str, ...] = ()
    help_parts: list[str] = []
    choices: tuple | None = None
    interval: Range | None = None
    kind: str | None = None
    for part in (p.strip() for p in comment.split(";")):
        key, _, rest = part.partition(":")
        key = key.strip().lower()
        if key == "choices" and rest.strip():
            items = [c.strip().strip("'\"") for c in rest.split(",") if c.strip()]
            try:
                choices = tuple(_parse_choice(c, ptype) for c in items)
            except ValueError:
                raise ParameterError(
                    f"{where}: choices {items} are not all of type {ptype.__name__}"
                ) from None
        elif key == "range" and rest.strip():
            match = _RANGE.match(rest.strip())
            if match is None:
                raise ParameterError(
                    f"{where}: range '{rest.strip()}' is not of the form [lo, hi) "
                    "(brackets: [ ] closed, ( ) open)"
                )
            left, lo, hi, right = match.groups()
            interval = Range(
                _parse_bound(lo, where), _parse_bound(hi, where), left == "[", right == "]"
            )
        elif key == "format" and rest.strip():
            kind = rest.strip().lower()
            if kind not in FORMATS:
                raise ParameterError(
                    f"{where}: format '{rest.strip()}' is not one of: {', '.join(FORMATS)}"
                )
            if ptype is not str:
                raise ParameterError(f"{where}: 'format:' is for str parameters only")
        elif key == "was" and rest.strip():
            formerly = tuple(n.strip() for n in rest.split(",") if n.strip())
            bad = [n for n in formerly if not n.isidentifier()]
            if bad:
                raise ParameterError(f"{where}: 'was:' names {bad} are not parameter names")
        elif part:
            help_parts.append(part)
    return "; ".join(help_parts), choices, interval, kind, formerly


def _parse_choice(text: str, ptype: type) -> Any:
    if ptype is bool:
        return text.lower() in _TRUE
    return ptype(text)


def _comments_by_line(source: str) -> dict[int, str]:
    """``{line number: comment text without '#'}`` for every comment in ``source``."""
    import io
    import tokenize

    out: dict[int, str] = {}
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type == tokenize.COMMENT:
            out[token.start[0]] = token.string[1:].strip()
    return out


def declaration_problems(params: dict[str, Parameter], where: str = "parameters cell") -> list[str]:
    """The parameters declared without help text or without allowed values, one message each.

    Allowed values are ``choices:``, ``range:`` or, for a free-text ``str``, a ``format:`` (the
    vocabulary's names carry theirs, :data:`NAMED_FORMATS`); a ``bool`` needs none. Without them
    a wrong value reaches the kernel and fails there, far from its cause.
    """
    problems = []
    for p in params.values():
        missing = []
        if not p.help:
            missing.append("no help text (what it is, with its unit)")
        if p.type is not bool and not p.allowed():
            wanted = "choices: a, b or format: KIND" if p.type is str else "range: [lo, hi)"
            missing.append(f"no allowed values ({wanted})")
        if missing:
            problems.append(
                f"{where}: parameter '{p.name}' has {' and '.join(missing)}; declare it on one "
                f"line as '{p.name}: {p.type_name} = default  # help, unit; "
                f"{'choices: ...' if p.type is str else 'range: [lo, hi)'}'"
            )
    return problems


def parse_parameters(source: str, where: str = "parameters cell") -> dict[str, Parameter]:
    """Parse the source of a ``parameters`` cell into ``{name: Parameter}``, in declaration order.

    Every statement must be ``name: type = literal`` with type int, float, str or bool; blank and
    comment-only lines are allowed. Raises :class:`ParameterError` naming the offending line.
    """
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise ParameterError(f"{where} line {exc.lineno}: not valid Python ({exc.msg})") from None
    lines = source.splitlines()
    comments = _comments_by_line(source)
    params: dict[str, Parameter] = {}
    for node in tree.body:
        here = f"{where} line {node.lineno}"
        if not (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and isinstance(node.annotation, ast.Name)
            and node.value is not None
        ):
            raise ParameterError(
                f"{here}: '{lines[node.lineno - 1].strip()}' is not of the form "
                "'name: type = default  # help' (one parameter per line)"
            )
        name = node.target.id
        type_name = node.annotation.id
        if type_name not in _TYPES:
            raise ParameterError(
                f"{here}: parameter '{name}' has type '{type_name}'; use one of int, float, str, bool"
            )
        ptype = _TYPES[type_name]
        try:
            default = ast.literal_eval(node.value)
        except ValueError:
            raise ParameterError(
                f"{here}: the default of '{name}' must be a literal (a number, string or bool)"
            ) from None
        # Every comment on the declaration's lines: a formatter may wrap a long one as
        # `name: str = (\n    "value"  # help; choices: a, b\n)`.
        comment = " ".join(
            comments[n] for n in range(node.lineno, node.end_lineno + 1) if n in comments
        )
        help_text, choices, interval, kind, formerly = _parse_comment(comment, ptype, here)
        if name in params:
            raise ParameterError(f"{here}: parameter '{name}' is declared twice")
        if kind is None and ptype is str and choices is None:
            kind = NAMED_FORMATS.get(name, "path" if name.endswith("_path") else None)
        param = Parameter(name, ptype, default, help_text, choices, interval, kind, formerly)
        try:
            params[name] = replace(param, default=param.coerce(default))
        except ParameterError as exc:
            raise ParameterError(
                f"{here}: the default does not fit its declaration: {exc}"
            ) from None
    return params


def papermill_disagreements(source: str, where: str = "parameters cell") -> list[str]:
    """Lines of a parameters cell that papermill reads differently from :func:`parse_parameters`.

    Papermill finds a cell's parameters with its own line-based parser, to warn about a value
    passed for an unknown parameter and for ``papermill --help-notebook``. That parser skips every
    line holding more than one ``=`` (in the comment or in a string default too), with the warning
    "Unable to parse line", so a run that sets such a parameter warns "Passed unknown parameter".
    Returns one message per parameter the two parsers disagree on; empty when they agree, or when
    the cell does not parse (:func:`parse_parameters` reports that).
    """
    import logging

    from papermill.translators import PythonTranslator

    try:
        ours = parse_parameters(source, where)
    except ParameterError:
        return []
    quiet = logging.getLogger(PythonTranslator.__module__)
    disabled, quiet.disabled = quiet.disabled, True  # the messages below say it better
    try:
        theirs = [p.name for p in PythonTranslator.inspect({"source": source})]
    finally:
        quiet.disabled = disabled
    lines = source.splitlines()
    problems = []
    for name in (n for n in ours if n not in theirs):
        lineno, line = next(
            (i, ln.strip())
            for i, ln in enumerate(lines, start=1)
            if re.match(rf"\s*{name}\s*:", ln)
        )
        if line.count("=") > 1:
            reason = (
                "it has more than one '=', so papermill cannot parse it (it warns 'Unable to "
                f"parse line' and treats '{name}' as an unknown parameter): keep '=' out of the "
                "help text and the default"
            )
        else:
            reason = f"papermill does not read parameter '{name}' from it"
        problems.append(f"{where} line {lineno}: '{line}': {reason}")
    problems += [
        f"{where}: papermill reads a parameter '{name}' that the cell does not declare"
        for name in theirs
        if name not in ours
    ]
    return problems

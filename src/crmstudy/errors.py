"""Exceptions raised by crmstudy.

Every error names what is wrong (the column, row, value, parameter or unit) and, where it can, what
to do about it. crmstudy never prints a warning and carries on with bad input.
"""

from __future__ import annotations

__all__ = ["CrmstudyError", "DataError", "ParameterError", "ConvergenceError"]


class CrmstudyError(Exception):
    """Base class of every error crmstudy raises on purpose."""


class DataError(CrmstudyError, ValueError):
    """The input data are malformed: a missing column, a bad value, an impossible combination."""


class ParameterError(CrmstudyError, ValueError):
    """A parameter is outside its allowed range, of the wrong type, or in the wrong unit."""


class ConvergenceError(CrmstudyError, RuntimeError):
    """A maximum-likelihood fit did not converge. The message says which remedy to try."""

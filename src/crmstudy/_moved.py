"""Names that moved to another module keep working for one release, with a DeprecationWarning.

A module that lost names sets ``__getattr__ = moved(__name__, {"old": "crmstudy.new_module:new"})``.
The new module is imported only when an old name is used, so a lower layer (``crmstudy.models``)
can point at a higher one (``crmstudy.clv``) without importing it.
"""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable, Mapping
from typing import Any

__all__ = ["moved"]


def moved(module: str, names: Mapping[str, str]) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for ``module`` that serves each old name of ``names``
    (``old -> "package.module:new"``) from its new home, warning once per use."""

    def __getattr__(name: str) -> Any:
        if name not in names:
            raise AttributeError(f"module {module!r} has no attribute {name!r}")
        target_module, _, target = names[name].partition(":")
        warnings.warn(
            f"{module}.{name} is deprecated; use {target_module}.{target}",
            DeprecationWarning,
            stacklevel=2,
        )
        return getattr(importlib.import_module(target_module), target)

    return __getattr__

"""Record headline numbers from inside a notebook, and read them back.

``record(name, value)`` displays a custom MIME bundle (``application/vnd.crmstudy.record+json``)
with a ``text/plain`` fallback, so an executed notebook carries its own results: tests, the report
index and ``crmstudy report`` read them back with :func:`read_results`, without re-running anything.
It replaces scrapbook, which is unmaintained and breaks on pandas 3.

Values may be numbers, strings, booleans, None, lists, dicts, numpy scalars and arrays, and pandas
Series and DataFrames (stored as a table and restored as a DataFrame / Series).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

__all__ = [
    "MIME_TYPE",
    "record",
    "read_results",
    "recorded_labels",
    "recorded_values",
    "to_jsonable",
    "from_jsonable",
]

MIME_TYPE = "application/vnd.crmstudy.record+json"


def to_jsonable(value: Any) -> Any:
    """Turn ``value`` into plain JSON types; tables keep a marker so they can be restored."""
    # Imported lazily: record is the lowest module and must stay cheap to import.
    import numpy as np
    import pandas as pd

    if isinstance(value, pd.DataFrame):
        idx = value.index
        # Only an unnamed 0..n-1 RangeIndex is a "default" index; pandas 3 makes set_index() on
        # consecutive integers a named RangeIndex, which must be kept.
        default = (
            isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1 and idx.name is None
        )
        frame = value if default else value.reset_index()
        nlev = value.index.nlevels
        return {
            "__kind__": "dataframe",
            "index": None if default else [str(c) for c in frame.columns[:nlev]],
            "index_names": None if default else [None if n is None else str(n) for n in idx.names],
            "columns": [str(c) for c in frame.columns],
            "data": [[to_jsonable(v) for v in row] for row in frame.itertuples(index=False)],
        }
    if isinstance(value, pd.Series):
        return {
            "__kind__": "series",
            "name": None if value.name is None else str(value.name),
            "index": [to_jsonable(i) for i in value.index],
            "data": [to_jsonable(v) for v in value.to_numpy()],
        }
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, dict):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    raise TypeError(
        f"record() cannot store a value of type {type(value).__name__}; "
        "use a number, string, list, dict, numpy array or pandas object"
    )


def from_jsonable(value: Any) -> Any:
    """Inverse of :func:`to_jsonable` for tables; other values are returned unchanged."""
    if isinstance(value, dict) and value.get("__kind__") == "dataframe":
        import pandas as pd

        frame = pd.DataFrame(value["data"], columns=value["columns"])
        if value.get("index"):
            frame = frame.set_index(value["index"])
            frame.index.names = value.get("index_names") or frame.index.names
        return frame
    if isinstance(value, dict) and value.get("__kind__") == "series":
        import pandas as pd

        return pd.Series(value["data"], index=value["index"], name=value["name"])
    if isinstance(value, dict):
        return {k: from_jsonable(v) for k, v in value.items()}
    return value


def _display_text(
    name: str, value: Any, label: str | None, unit: str | None, fmt: str | None
) -> str:
    """The line a notebook shows for a recorded value: formatted, never a raw repr.

    A number or string shows as ``label: value unit``; a verdict shows its class and headline; a
    table, list or dict shows nothing (the notebook prints its own formatted table)."""
    import numpy as np

    from crmstudy.formatting import format_value

    head = label or name
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, bool | int | float | str):
        return f"{head}: {format_value(value, unit, fmt)}"
    if isinstance(value, dict) and "claim" in value and "headline" in value:
        return f"{head}. {value['headline'].get('text_en', '')}"
    return ""


def record(
    name: str,
    value: Any,
    *,
    label: str | None = None,
    unit: str | None = None,
    fmt: str | None = None,
) -> None:
    """Record ``value`` under ``name`` in the running notebook's output.

    ``label`` is what a reader sees instead of the key ("Retention elasticity, Capital One"),
    ``unit`` a code of :data:`crmstudy.formatting.UNITS` and ``fmt`` an optional format (``".2f"``,
    ``"+.1f"``); the notebook shows the formatted line, the report index and the claims board use
    the same three. Outside a notebook (plain Python) nothing is displayed, but the value is still
    checked for being storable, so a script and a notebook fail the same way.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ValueError(f"record name must be a Python identifier, got {name!r}")
    if unit is not None:
        from crmstudy.formatting import UNITS

        if unit not in UNITS:
            raise ValueError(
                f"record unit must be one of {', '.join(repr(u) for u in UNITS)}; got {unit!r}"
            )
    payload = {"name": name, "value": to_jsonable(value)}
    if label is not None or unit is not None or fmt is not None:
        payload.update(label=label, unit=unit, fmt=fmt)
    text = _display_text(name, value, label, unit, fmt)
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a notebooks dependency
        return
    if get_ipython() is None:
        return
    display({MIME_TYPE: payload, "text/plain": text}, raw=True)


def recorded_labels(notebook: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``name -> {"label", "unit", "fmt"}`` for the values recorded with a label or unit."""
    found: dict[str, dict[str, Any]] = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(MIME_TYPE)
            if payload is not None and ("label" in payload or "unit" in payload):
                found[payload["name"]] = {k: payload.get(k) for k in ("label", "unit", "fmt")}
    return found


def read_results(path: str | Path) -> dict[str, Any]:
    """Read the values recorded in an executed notebook (``.ipynb``) or a ``.results.json`` file.

    Returns a dict ``name -> value``; tables come back as pandas objects. When a name was recorded
    more than once, the last value wins (as it would in the notebook's namespace).
    """
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no results at {path}")
    doc = json.loads(path.read_text(encoding="utf-8"))
    raw = recorded_values(doc) if path.suffix == ".ipynb" else doc.get("results", {})
    return {k: from_jsonable(v) for k, v in raw.items()}


def recorded_values(notebook: Mapping[str, Any]) -> dict[str, Any]:
    """The values recorded in an executed notebook, as stored (plain JSON types).

    ``notebook`` is the notebook as a mapping (a parsed ``.ipynb`` or an ``nbformat`` node). When a
    name was recorded more than once, the last value wins.
    """
    found: dict[str, Any] = {}
    for cell in notebook.get("cells", []):
        for output in cell.get("outputs", []):
            payload = output.get("data", {}).get(MIME_TYPE)
            if payload is not None:
                found[payload["name"]] = payload["value"]
    return found

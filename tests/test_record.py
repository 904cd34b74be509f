"""record() / read_results(): values survive a round trip through an executed notebook."""

import json

import nbformat
import numpy as np
import pandas as pd
import pytest

from crmstudy.record import MIME_TYPE, from_jsonable, read_results, record, to_jsonable


def _notebook_with(records: list[dict]) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("...")
    cell.outputs = [
        nbformat.v4.new_output("display_data", data={MIME_TYPE: r, "text/plain": r["name"]})
        for r in records
    ]
    nb.cells.append(cell)
    return nb


def test_round_trip_scalars_tables_and_last_write_wins(tmp_path):
    frame = pd.DataFrame({"a": [1, 2], "b": [0.5, np.nan]}, index=pd.Index(["x", "y"], name="k"))
    series = pd.Series([1.5, 2.5], index=["alpha", "beta"], name="params")
    records = [
        {"name": "n", "value": to_jsonable(np.int64(3))},
        {"name": "table", "value": to_jsonable(frame)},
        {"name": "params", "value": to_jsonable(series)},
        {"name": "n", "value": to_jsonable(4)},
    ]
    path = tmp_path / "nb.ipynb"
    nbformat.write(_notebook_with(records), path)
    got = read_results(path)
    assert got["n"] == 4
    pd.testing.assert_frame_equal(got["table"], frame, check_dtype=False)
    pd.testing.assert_series_equal(got["params"], series)


def test_named_range_index_is_kept():
    # pandas 3: set_index on consecutive integers gives a *named* RangeIndex; it must survive.
    frame = pd.DataFrame({"year": [0, 1, 2], "alive": [1000, 631, 468]}).set_index("year")
    back = from_jsonable(to_jsonable(frame))
    assert list(back.index) == [0, 1, 2] and back.index.name == "year"
    assert list(back["alive"]) == [1000, 631, 468]


def test_unnamed_index_is_kept():
    frame = pd.DataFrame({"v": [1.0, 2.0]}, index=["a", "b"])
    back = from_jsonable(to_jsonable(frame))
    assert list(back.index) == ["a", "b"] and back.index.name is None
    assert list(back.columns) == ["v"]


def test_json_values_are_plain():
    value = {"x": np.float64(1.25), "arr": np.arange(3), "inf": float("inf"), "nan": float("nan")}
    out = to_jsonable(value)
    assert json.loads(json.dumps(out)) == {"x": 1.25, "arr": [0, 1, 2], "inf": "inf", "nan": None}
    assert from_jsonable(out) == out


def test_results_json(tmp_path):
    path = tmp_path / "r.results.json"
    path.write_text(json.dumps({"results": {"share": 0.5}, "parameters": {}}))
    assert read_results(path) == {"share": 0.5}


def test_record_rejects_bad_names_and_values():
    with pytest.raises(ValueError, match="identifier"):
        record("top 20%", 1)
    with pytest.raises(TypeError, match="cannot store"):
        record("obj", object())


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        read_results(tmp_path / "nope.ipynb")

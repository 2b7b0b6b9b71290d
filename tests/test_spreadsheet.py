"""Formula neutralisation and the chunked CSV/JSON writers of exports."""

import csv
import io
import json
from datetime import datetime

import pytest

from service.results.spreadsheet import csv_chunks, json_chunks, neutralise


@pytest.mark.parametrize("cell", ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0"])
def test_text_that_would_start_a_formula_gets_an_apostrophe(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize("cell", ["ann", "a=b", "", " =1", 0.5, -0.5, 3, None])
def test_other_cells_are_unchanged(cell):
    assert neutralise(cell) == cell


def test_csv_writer_neutralises_text_but_not_numbers_and_formats_times():
    rows = [{"a": "=1", "b": -0.25, "c": datetime(2025, 1, 2, 3, 4, 5), "d": None, "e": True, "f": [1, 2]}]
    data = b"".join(csv_chunks(list("abcdef"), rows)).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(data))) == [
        list("abcdef"),
        ["'=1", "-0.25", "2025-01-02 03:04:05", "", "yes", "1 2"],
    ]


def test_writers_emit_several_chunks_for_many_rows():
    rows = [{"n": i} for i in range(1201)]
    assert len(list(csv_chunks(["n"], rows))) == 3
    chunks = list(json_chunks(["n"], rows))
    assert len(chunks) == 3 and json.loads(b"".join(chunks)) == rows


def test_json_of_no_rows_is_an_empty_array():
    assert json.loads(b"".join(json_chunks(["n"], []))) == []

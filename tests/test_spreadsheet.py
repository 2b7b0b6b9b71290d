"""Formula neutralisation and the chunked CSV/JSON writers of exports."""

import csv
import io
import json
from datetime import datetime

import pytest

from service.results.spreadsheet import csv_chunks, json_chunks, neutralise


@pytest.mark.parametrize(
    "cell", ["=1+1", "+x", "-x", "@SUM(A1)", "\tx", "\rx", "=cmd|' /C calc'!A0", " =1+2", "|calc", "  @x"]
)
def test_text_that_would_start_a_formula_gets_an_apostrophe(cell):
    assert neutralise(cell) == "'" + cell


@pytest.mark.parametrize(
    "cell, written",
    [
        ("\uff1b=1+2", "';'=1+2"),  # a full-width semicolon is NFKC's ";", where a cell may split
        ("\uff1d1+2", "'=1+2"),  # a full-width equals sign is "="
        ("ann\n=1+2", "'ann\n'=1+2"),  # a name with an encoded newline
        ("a,@SUM(1)", "'a,'@SUM(1)"),
        ("\t=1+2", "'\t'=1+2"),
        ("\u200b=1+1", "'\u200b=1+1"),  # a zero-width space before it
        ("\ufeff@SUM(A1)", "'\ufeff@SUM(A1)"),
        ("\u2060=1", "'\u2060=1"),
        ("\u202e=1", "'\u202e=1"),
        ("\x0b=1", "'\x0b'=1"),  # a vertical tab: a separator too
        ("\x1c=1", "'\x1c'=1"),
        ("a\u2028=1", "'a\u2028'=1"),  # a line separator
        ("x\x85=1", "'x\x85'=1"),
    ],
)
def test_a_formula_hidden_by_width_or_behind_a_separator_is_neutralised_too(cell, written):
    assert neutralise(cell) == written


@pytest.mark.parametrize("cell", ["ann", "a=b", "Ann-Marie", "", "-1", "+0.5", " 2e-3", 0.5, -0.5, 3, None])
def test_other_cells_and_numbers_are_unchanged(cell):
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

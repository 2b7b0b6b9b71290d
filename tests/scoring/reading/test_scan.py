"""The vectorised scan finds exactly what the strict reader (the reference) finds."""

import csv
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from scoring import AnswerKey, SubmissionError, parse_submission
from scoring.errors import ProblemCollector
from scoring.reading import repeats, scan
from scoring.reading.chars import LAST_SPECIAL_CODE_POINT, special_characters
from scoring.reading.quotes import START_RECORD, quote_states
from scoring.reading.scan import Scanner
from scoring.reading.strict import parse_strict

HEADER = b"Id,Probability\n"


@pytest.fixture(scope="module")
def key():
    return AnswerKey.from_arrays(np.arange(1, 9), [0, 1] * 4, [True, False] * 4)


def by_reference(rows: bytes, key):
    try:
        submission = parse_strict(rows.decode("utf-8"), key)
    except SubmissionError as error:
        return [p.as_dict() for p in error.problems], error.total
    return submission, 0


def by_scan(rows: bytes, key):
    data = HEADER + rows
    collector = ProblemCollector()
    Scanner(data, key, collector).run(len(HEADER), len(data))
    return [p.as_dict() for p in collector.problems], collector.total


def assert_same(rows: bytes, key):
    rows = rows.rstrip()  # as parse_submission hands them over
    if not rows:
        return
    expected, expected_total = by_reference(rows, key)
    found, total = by_scan(rows, key)
    if expected_total == 0:
        assert total == 0, found
        submission = parse_submission(HEADER + rows, key)
        assert np.array_equal(submission.key_rows, expected.key_rows)
        assert np.array_equal(submission.predictions, expected.predictions)
    else:
        assert (found, total) == (expected, expected_total)


# Pieces that matter to csv or to float(): delimiters, quotes, line ends, signs, points,
# exponents, words, spaces of every kind, digits of other scripts, other characters.
pieces = st.sampled_from(
    [
        "0", "1", "7", "9", "00", "12", "123", "8.0", "1e0", "1.5", ".5", "5.", "+", "-", ".", "e", "E",
        ",", ",", ",", "\n", "\n", "\r\n", "\r", '"', '""', '"', " ", "\t", "\x0b", "\x1c", "nan", "inf",
        "Infinity", "-nan", "x", "_", "1e400", "1e308", "1.8e308", "9223372036854775807",
        "9223372036854775808", "1e-400", "0.99999999999999999", "\u00a0", "\u3000", "\u0661", "\u0966",
        "é", "\U0001d7d8", "😀", "?",
    ]
)  # fmt: skip
texts = st.lists(pieces, max_size=40).map("".join)


def rows_for(ids_and_cells):
    return "\n".join(",".join(row) for row in ids_and_cells)


cells = st.one_of(st.integers(0, 10).map(str), texts, st.floats(allow_nan=True).map(repr))
rowish = st.lists(st.lists(cells, min_size=0, max_size=3), max_size=12).map(rows_for)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(texts, rowish))
@example("1,0.1\n2,0.2\n3,0.3\n4,0.4\n5,0.5\n6,0.6\n7,0.7\n8,0.8")
@example('"1","0.5"\n2,0.1\n3,0.2\n4,0.3\n5,0.4\n6,0.5\n7,0.6\n8,0.7')
@example(" 1 ,\t0.5\r\n2,.1\n3,5.\n4,1e-3\n5,+0.4\n6,0\n7.0,0.6\n8e0,0.7")
@example("1,1.7976931348623158e308\n2,1.7976931348623159e308\n3," + "1" * 309 + "\n4," + "1" * 310)
@example("1,2e308\n2,9e307\n3,17e307\n4,99e307\n5,0e999\n6,1e0\n7,10e306\n8,1E5")
@example("1,18e307\n2,179e306\n3,1797e305\n4,1e309\n5,1e-999\n6,01e400\n7,1e0400\n8,1e40000")
@example('"a""b",1\n"x\ny",2\n"ab"c,3\n"1",\n"')
@example(
    " " * 20 + "1" + "\t" * 12 + "," + " " * 30 + "0.5\u3000\u3000" + " " * 9 + "\n2," + " " * 40 + "\n3,0.1"
)
@example("1,0.1\r2,0.2\n3,0.3")
def test_scan_finds_what_the_reference_finds(key, text):
    assert_same(text.encode("utf-8"), key)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(texts, rowish), st.sampled_from([1, 2, 3, 5, 8, 16]))
def test_windows_and_records_longer_than_a_window_change_nothing(key, text, chunk):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scan, "CHUNK_BYTES", chunk)
        assert_same(text.encode("utf-8"), key)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(texts, rowish), min_size=1, max_size=6).map("\n".join),
    st.sampled_from([16, 64, 1 << 21]),
    st.sampled_from([1, 2, 10**6]),
)
def test_rows_read_once_per_distinct_text_change_nothing(key, text, chunk, most):
    """Windows of repeated rows are read once per distinct row (or not, when too many differ)."""
    text = "\n".join([text] * 3)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(scan, "CHUNK_BYTES", chunk)
        patch.setattr(repeats, "_DEDUPE_BYTES", 4)
        patch.setattr(repeats, "_DEDUPE_BLOCK", 4)
        patch.setattr(repeats, "_DEDUPE_MOST", most)
        patch.setattr(repeats, "_DEDUPE_SAMPLE", 3)
        patch.setattr(repeats, "_DEDUPE_SAMPLE_MOST", most)
        assert_same(text.encode("utf-8"), key)


@pytest.mark.parametrize(
    "row",
    [
        b"0,0",
        b"x,0",
        b"1,nan",
        b"1,0.5",
        b'"0","0"',
        b"0,0\r",
        b" 1 , 0.5 ",
        b"1,1e400",
        "é,0".encode(),
        b"1,0,0",
        b"",
    ],
)
def test_a_large_file_of_repeated_rows_is_read_as_the_reference_reads_it(row):
    """At a real size the scan de-duplicates its windows; around the repeated rows, valid and odd ones."""
    key = AnswerKey.from_arrays(np.arange(1, 1001), [0, 1] * 500)
    rng = np.random.default_rng(len(row))
    rows = [row] * 60_000
    for at in rng.choice(len(rows), 300, replace=False).tolist():
        rows[at] = rng.choice([b"7,0.25", b"12345678901234567,1", b"3," + b"9" * 30, b"", b'"5","0.5"', b"x"])
    data = b"\n".join(rows)
    assert_same(data, key)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(texts, rowish), st.sampled_from([3, 5, 64]))
@example("1,0.5\n2," + "3" * 11, 64)
@example('1,"' + "4" * 12 + '"\n2,0', 5)
@example("1,0.5\n" + "é" * 11 + ",1", 3)
def test_fields_over_the_csv_size_limit_fail_where_csv_fails(key, text, chunk):
    limit = csv.field_size_limit(10)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(scan, "CHUNK_BYTES", chunk)
            assert_same(text.encode("utf-8"), key)
    finally:
        csv.field_size_limit(limit)


def test_many_problems_are_counted_all_and_listed_twenty(key):
    rows = b"0,0\n" * 1000 + b"x,1\n" * 10
    found, total = by_scan(rows, key)
    assert (found, total) == by_reference(rows.rstrip(), key)
    assert total == 10 + 1000 + 1 + 1  # bad Ids, Ids not in the key, missing Ids, row count
    assert len(found) == 20 and [p["line"] for p in found[:10]] == list(range(1002, 1012))


def test_quote_states_match_a_direct_simulation():
    rng = np.random.default_rng(0)
    for _ in range(2000):
        text = "".join(rng.choice(list('"",,aa\n'), size=rng.integers(1, 30)))
        if '"' not in text:
            continue
        x = np.frombuffer(text.encode(), dtype=np.uint8)
        q = np.flatnonzero(x == 34)
        quotes = quote_states(x, q, START_RECORD, None)
        assert quotes.syntax.tolist() == simulate_syntax_quotes(text), text


def simulate_syntax_quotes(text: str) -> list[int]:
    """Positions of the quotes csv does not keep in a field, by stepping through its states."""
    state, syntax = "start", []
    for i, c in enumerate(text):
        if state == "start":
            if c == '"':
                state = "quoted"
                syntax.append(i)
            elif c not in ",\n":
                state = "field"
        elif state == "field":
            if c in ",\n":
                state = "start"
        elif state == "quoted":
            if c == '"':
                state = "quote"
                syntax.append(i)
        elif state == "quote":
            if c == '"':
                state = "quoted"
            elif c in ",\n":
                state = "start"
            else:
                state = "field"
    return syntax


def test_no_whitespace_or_decimal_digit_beyond_the_scanned_code_points():
    beyond = [
        code
        for code in range(LAST_SPECIAL_CODE_POINT + 1, sys.maxunicode + 1)
        if chr(code).isspace() or chr(code).isdecimal()
    ]
    assert beyond == []
    codes, _ = special_characters()
    assert len(codes) > 600  # the table is not empty: Unicode has hundreds of decimal digits

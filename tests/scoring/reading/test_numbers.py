"""The pandas path for whole-number Ids and numbers: whatever it accepts, the reference reads alike."""

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from scoring import AnswerKey
from scoring.reading.numbers import _parse_fast
from scoring.reading.strict import parse_strict


@pytest.fixture(scope="module")
def key():
    return AnswerKey.from_arrays(np.arange(1, 9), [0, 1] * 4, [True, False] * 4)


cells = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-5, 10**6).map(str),
    st.sampled_from(["", " ", "nan", "NA", "abc", "1e5", " 0.5 ", "1.0", "+3", "-0", '"7"', "1,2", "1_0"]),
)
probability_cells = st.one_of(
    st.floats(-1e6, 1e6).map(repr),
    st.floats(0, 1).map(lambda p: f"{p:.3f}"),
    st.floats(0, 1).map(lambda p: f"{p:.20e}"),
    st.sampled_from(["0", "1", ".5", "5.", "+0.5", "-0", "1E-3", "00.25", "1e-400"]),
)


def _a_row(draw, rows) -> list[str]:
    return draw(st.sampled_from([row for row in rows if row]))  # not a blank line


def _padded(draw, rows):
    row = _a_row(draw, rows)
    column = draw(st.integers(0, 1))
    spaces = st.sampled_from([" ", "\t", ""])
    row[column] = draw(spaces) + row[column] + draw(spaces)


def _signed(draw, rows):
    row = _a_row(draw, rows)
    column = draw(st.integers(0, 1))
    row[column] = draw(st.sampled_from(["+", "-"])) + row[column]


def _id_written_as_float(draw, rows):
    row = _a_row(draw, rows)
    row[0] = draw(st.sampled_from([f"{row[0]}.0", f"{row[0]}e0", f"0{row[0]}"]))


def _cell_replaced(draw, rows):
    row = _a_row(draw, rows)
    row[draw(st.integers(0, 1))] = draw(cells)


def _cell_quoted(draw, rows):
    row = _a_row(draw, rows)
    column = draw(st.integers(0, 1))
    row[column] = f'"{row[column]}"'


def _field_added(draw, rows):
    _a_row(draw, rows).append(draw(cells))


def _trailing_comma_on_every_row(draw, rows):
    for row in rows:
        row.append("")


def _row_dropped(draw, rows):
    if len(rows) > 1:
        rows.pop(draw(st.integers(0, len(rows) - 1)))


def _row_repeated(draw, rows):
    rows.insert(draw(st.integers(0, len(rows))), list(draw(st.sampled_from(rows))))


def _blank_line_inserted(draw, rows):
    rows.insert(draw(st.integers(0, len(rows))), [])


def _probability_not_finite(draw, rows):
    _a_row(draw, rows)[1] = draw(
        st.sampled_from(["nan", "-NaN", "inf", "-Infinity", "1e400", "", "NA", "null"])
    )


def _id_not_in_the_key(draw, rows):
    _a_row(draw, rows)[0] = draw(st.sampled_from(["0", "9", "-1", str(2**63), "1e20", "1.5"]))


def _id_of_another_row(draw, rows):
    _a_row(draw, rows)[0] = _a_row(draw, rows)[0]


def _rows_joined_by_a_lone_cr(draw, rows):
    pairs = [at for at in range(len(rows) - 1) if rows[at] and rows[at + 1]]
    if pairs:
        at = draw(st.sampled_from(pairs))
        first, second = rows[at], rows.pop(at + 1)
        rows[at] = [*first[:-1], first[-1] + "\r" + second[0], *second[1:]]


# Padding, a sign, an Id written as 4.0 or quotes mostly keep a file valid; the other edits break it.
EDITS = [
    _padded,
    _signed,
    _id_written_as_float,
    _cell_replaced,
    _cell_quoted,
    _field_added,
    _trailing_comma_on_every_row,
    _row_dropped,
    _row_repeated,
    _blank_line_inserted,
    _probability_not_finite,
    _id_not_in_the_key,
    _id_of_another_row,
    _rows_joined_by_a_lone_cr,
]


@st.composite
def edited_submissions(draw):
    """The rows of a valid submission for `key`, after up to three edits."""
    rows = [[str(i), draw(probability_cells)] for i in draw(st.permutations(range(1, 9)))]
    for edit in draw(st.lists(st.sampled_from(EDITS), max_size=3)):
        edit(draw, rows)
    return draw(st.sampled_from(["\n", "\r\n"])).join(",".join(row) for row in rows)


@settings(max_examples=300, deadline=None)
@given(edited_submissions())
def test_fast_path_never_accepts_what_the_strict_reader_refuses(key, text):
    """The vectorised path is only a shortcut: whatever it accepts, the strict reader accepts alike."""
    fast = _parse_fast(text.encode(), key)
    event("the fast path accepts" if fast is not None else "the fast path refuses")
    if fast is None:
        return
    strict = parse_strict(text, key)  # a refusal raises SubmissionError here
    assert np.array_equal(fast.key_rows, strict.key_rows)
    assert np.array_equal(fast.predictions, strict.predictions)


@settings(max_examples=100, deadline=None)
@given(st.permutations(range(1, 9)), st.lists(st.floats(-1e6, 1e6), min_size=8, max_size=8))
def test_fast_and_strict_readers_agree_on_valid_files(key, ids, scores):
    text = "\n".join(f"{i},{s!r}" for i, s in zip(ids, scores))
    fast = _parse_fast(text.encode(), key)
    strict = parse_strict(text, key)
    assert fast is not None
    assert np.array_equal(fast.key_rows, strict.key_rows)
    assert np.array_equal(fast.predictions, strict.predictions)

import dataclasses
import json

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from scoring import AnswerKey, NotTextError, SubmissionError, parse_submission, score_submission
from scoring.reading.numbers import _parse_fast
from tests.conftest import submission_csv


def problems_of(data: bytes, key) -> SubmissionError:
    with pytest.raises(SubmissionError) as caught:
        score_submission(data, key)
    return caught.value


def replace_row(data: bytes, line: int, new: str) -> bytes:
    lines = data.decode().split("\n")
    lines[line - 1] = new
    return "\n".join(lines).encode()


def test_valid_submission_scores_like_sklearn_on_all_public_and_private_rows(answer_key, good_submission):
    result = score_submission(good_submission, answer_key)
    rows = [line.split(",") for line in good_submission.decode().split()[1:]]
    ids = np.array([int(r[0]) for r in rows])
    scores = np.array([float(r[1]) for r in rows])
    key_rows = ids - 1  # the fixture key numbers its Ids 1..n in file order
    labels, public = answer_key.targets[key_rows], answer_key.public[key_rows]
    assert result.rows == len(answer_key)
    assert result.metric == "roc_auc"
    assert result.score == pytest.approx(roc_auc_score(labels, scores), abs=1e-12)
    assert result.public_score == pytest.approx(roc_auc_score(labels[public], scores[public]), abs=1e-12)
    assert result.private_score == pytest.approx(roc_auc_score(labels[~public], scores[~public]), abs=1e-12)


@pytest.mark.parametrize(
    "public, part_without_two_classes",
    [
        ([True, False, True, False, False, False], "public_score"),  # Public rows are all 0
        ([False, True, False, True, True, True], "private_score"),  # Private rows are all 0
        (None, "private_score"),  # no Usage column: every row is Public
    ],
)
def test_a_key_part_with_one_class_scores_as_null_not_nan(public, part_without_two_classes):
    key = AnswerKey.from_arrays(np.arange(1, 7), [0, 1, 0, 1, 1, 0], public)
    result = score_submission(submission_csv(key.ids, [0.1, 0.9, 0.3, 0.4, 0.8, 0.2]), key)
    other_part = ({"public_score", "private_score"} - {part_without_two_classes}).pop()
    assert getattr(result, part_without_two_classes) is None
    assert (result.score, getattr(result, other_part)) == (1.0, 1.0)
    as_json = json.dumps(dataclasses.asdict(result), allow_nan=False)  # NaN would raise here
    assert f'"{part_without_two_classes}": null' in as_json


def test_bom_crlf_and_trailing_newlines_are_tolerated(answer_key, good_submission):
    expected = score_submission(good_submission, answer_key).score
    variant = b"\xef\xbb\xbf" + good_submission.replace(b"\n", b"\r\n") + b"\r\n\r\n"
    assert score_submission(variant, answer_key).score == expected
    assert score_submission(good_submission.rstrip(b"\n"), answer_key).score == expected


def test_quoted_fields_and_whole_number_ids_written_as_floats_are_accepted(answer_key, good_submission):
    expected = score_submission(good_submission, answer_key).score
    first = good_submission.decode().split("\n")[1].split(",")
    quoted = replace_row(good_submission, 2, f'"{first[0]}","{first[1]}"')
    assert score_submission(quoted, answer_key).score == expected
    as_float = replace_row(good_submission, 2, f"{first[0]}.0,{first[1]}")
    assert score_submission(as_float, answer_key).score == expected


def test_empty_file_is_rejected(answer_key):
    assert "empty" in problems_of(b"", answer_key).detail
    assert "empty" in problems_of(b"  \n\r\n", answer_key).detail


def test_header_only_file_is_rejected(answer_key):
    error = problems_of(b"Id,Probability\n", answer_key)
    assert "no rows" in error.detail and str(len(answer_key)) in error.detail


@pytest.mark.parametrize("header", ["id,probability", "Id;Probability", "Probability,Id", "1,0.5"])
def test_wrong_header_says_what_the_header_must_be(answer_key, good_submission, header):
    error = problems_of(replace_row(good_submission, 1, header), answer_key)
    assert error.problems[0].line == 1
    assert "must be Id,Probability" in error.detail


def test_extra_header_column_is_named(answer_key, good_submission):
    error = problems_of(replace_row(good_submission, 1, "Id,Probability,Rank"), answer_key)
    assert "'Rank'" in error.detail and error.problems[0].line == 1


def test_extra_field_in_a_row_is_reported_with_its_line(answer_key, good_submission):
    error = problems_of(replace_row(good_submission, 7, "6,0.5,1"), answer_key)
    assert (error.problems[0].line, "found 3") == (7, error.problems[0].message[-7:])


def rows_of(data: bytes) -> bytes:
    """What `parse_submission` hands the fast path: the rows after the header."""
    return data.split(b"\n", 1)[1].rstrip()


@pytest.mark.parametrize("line", [2, 250, 501], ids=["first row", "middle row", "last row"])
def test_a_row_with_two_commas_is_refused_by_the_fast_path_too(answer_key, good_submission, line):
    row_id = good_submission.decode().split("\n")[line - 1].split(",")[0]
    data = replace_row(good_submission, line, f"{row_id},0.1,99")
    assert _parse_fast(rows_of(data), answer_key) is None
    with pytest.raises(SubmissionError) as caught:
        parse_submission(data, answer_key)
    assert (caught.value.problems[0].line, "found 3") == (line, caught.value.problems[0].message[-7:])
    assert problems_of(data, answer_key).problems == caught.value.problems


def test_a_trailing_comma_on_every_row_is_refused_by_the_fast_path_too(answer_key, good_submission):
    header, *rows = good_submission.decode().rstrip("\n").split("\n")
    data = "\n".join([header] + [f"{row}," for row in rows]).encode()
    assert _parse_fast(rows_of(data), answer_key) is None
    error = problems_of(data, answer_key)
    assert [p.line for p in error.problems] == list(range(2, 22))
    assert all(p.message.endswith("found 3") for p in error.problems)


def test_rows_ended_by_a_lone_carriage_return_are_refused_by_the_fast_path_too(answer_key_small):
    # A lone CR ends a row for pandas but not for the csv module, which refuses it.
    text = "1,0.1\r2,0.2\n" + "".join(f"{i},0.5\n" for i in range(3, 9))
    assert _parse_fast(text.encode(), answer_key_small) is None
    error = problems_of(b"Id,Probability\n" + text.encode(), answer_key_small)
    assert error.problems[0].line == 2 and "new-line character" in error.problems[0].message


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("abc", "'abc' is not a number"),
        ("", "empty"),
        ("nan", "NaN"),
        ("NaN", "NaN"),
        ("inf", "infinite"),
        ("-Infinity", "infinite"),
        ("1_000", "not a number"),
        ("0x1p3", "not a number"),
    ],
)
def test_bad_probability_names_line_column_and_reason(answer_key, good_submission, cell, expected):
    first_id = good_submission.decode().split("\n")[4].split(",")[0]
    error = problems_of(replace_row(good_submission, 5, f"{first_id},{cell}"), answer_key)
    assert error.total == 1
    assert (error.problems[0].line, error.problems[0].column) == (5, "Probability")
    assert expected in error.problems[0].message


def test_non_numeric_id_is_reported(answer_key, good_submission):
    error = problems_of(replace_row(good_submission, 3, "abc,0.5"), answer_key)
    assert (error.problems[0].line, error.problems[0].column) == (3, "Id")
    assert "whole number" in error.problems[0].message
    assert any("missing" in p.message for p in error.problems)


def test_duplicated_id_names_both_lines(answer_key, good_submission):
    lines = good_submission.decode().split("\n")
    duplicated_id = lines[1].split(",")[0]
    error = problems_of(replace_row(good_submission, 10, f"{duplicated_id},0.5"), answer_key)
    duplicate = next(p for p in error.problems if "appears again" in p.message)
    assert duplicate.line == 10 and "first on line 2" in duplicate.message
    assert any("missing" in p.message for p in error.problems)


def test_id_not_in_answer_key_is_reported(answer_key, good_submission):
    error = problems_of(replace_row(good_submission, 4, "999999,0.5"), answer_key)
    unknown = error.problems[0]
    assert (unknown.line, unknown.column) == (4, "Id")
    assert "999999 is not in the answer key" in unknown.message


def test_missing_ids_are_counted_with_examples(answer_key, good_submission):
    lines = good_submission.decode().split("\n")
    error = problems_of("\n".join(lines[:-4]).encode(), answer_key)  # drops 3 rows (and the last newline)
    missing = next(p for p in error.problems if "missing" in p.message)
    assert missing.message.startswith("3 answer-key Id(s) are missing, e.g.")
    assert any(f"expected {len(answer_key)} rows" in p.message for p in error.problems)


def test_blank_line_inside_the_rows_is_reported(answer_key, good_submission):
    lines = good_submission.decode().split("\n")
    lines.insert(3, "")
    error = problems_of("\n".join(lines).encode(), answer_key)
    assert error.problems[0].line == 4 and "empty line" in error.problems[0].message


def test_many_problems_are_listed_up_to_twenty_and_all_counted(answer_key):
    data = submission_csv(answer_key.ids, ["oops"] * len(answer_key))
    error = problems_of(data, answer_key)
    assert len(error.problems) == 20
    assert error.total == len(answer_key)
    assert f"and {len(answer_key) - 1} more problems" in error.detail


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        b"PK\x03\x04\x14\x00\x00\x00",
        "Id,Probability\n1,0.5\n".encode("utf-16"),
    ],
)
def test_binary_or_non_utf8_upload_is_not_text(answer_key, data):
    with pytest.raises(NotTextError):
        parse_submission(data, answer_key)


def test_latin1_text_is_rejected_with_its_line(answer_key, good_submission):
    data = good_submission + "9,caf\xe9\n".encode("latin-1")
    with pytest.raises(NotTextError) as caught:
        parse_submission(data, answer_key)
    assert caught.value.problems[0].line == len(answer_key) + 2


@pytest.fixture(scope="module")
def answer_key_small():
    return AnswerKey.from_arrays(np.arange(1, 9), [0, 1] * 4, [True, False] * 4)


@pytest.mark.parametrize("cell", ["99999999999999999999", "1e20", "-99999999999999999999"])
def test_an_id_beyond_64_bits_is_reported_not_a_crash(answer_key, good_submission, cell):
    error = problems_of(replace_row(good_submission, 3, f"{cell},0.5"), answer_key)
    assert (error.problems[0].line, error.problems[0].column) == (3, "Id")
    assert "not in the answer key" in error.problems[0].message


@pytest.mark.parametrize(
    "first_id",
    ["0.99999999999999999", "1.00000000000000001", "\ufeff1"],
    ids=["just under", "just over", "BOM"],
)
def test_an_id_that_is_not_a_whole_number_as_written_is_refused_as_the_reference_refuses_it(
    answer_key_small, first_id
):
    # pandas would read each as Id 1 (a float cast to int64; a byte-order mark dropped).
    data = f"Id,Probability\n{first_id},0.5\n" + "".join(f"{i},0.5\n" for i in range(2, 9))
    assert _parse_fast(data.encode().split(b"\n", 1)[1].rstrip(), answer_key_small) is None
    with pytest.raises(SubmissionError) as refused:
        score_submission(data.encode(), answer_key_small)
    assert refused.value.problems[0].line == 2 and refused.value.problems[0].column == "Id"


def test_a_whole_number_written_as_a_float_is_that_id_on_the_reference_path(answer_key_small):
    rows = "".join(f"{i},0.{i}\n" for i in range(2, 9))
    as_float = score_submission(f"Id,Probability\n1.0,0.1\n{rows}".encode(), answer_key_small)
    assert as_float == score_submission(f"Id,Probability\n1,0.1\n{rows}".encode(), answer_key_small)

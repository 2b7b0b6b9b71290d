"""Submissions with text Ids or class labels: the fast path reads as the reference, which names every problem."""

import numpy as np
import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_iris
from sklearn.metrics import f1_score

from scoring import AnswerKey, SubmissionError, read_key_file, score_submission
from scoring.errors import ProblemCollector
from scoring.reading.strict import parse_strict
from scoring.reading.text_cells import SPARE_LINES, TextRowReader, _parse_fast


@pytest.fixture(scope="module")
def iris_key():
    iris = load_iris()
    labels = iris.target_names[iris.target]
    rows = "\n".join(f"flower-{i},{label}" for i, label in enumerate(labels))
    return read_key_file(f"Id,species\n{rows}\n".encode(), "macro_f1", seed=1).key, labels


def predictions_csv(ids, labels, quote: bool = False) -> bytes:
    cell = (lambda v: f'"{v}"') if quote else str
    return ("Id,species\n" + "\n".join(f"{cell(i)},{cell(p)}" for i, p in zip(ids, labels)) + "\n").encode()


def test_string_labels_score_as_sklearn_on_each_part_fast_or_quoted(iris_key):
    key, labels = iris_key
    rng = np.random.default_rng(2)
    guessed = np.where(rng.random(len(labels)) < 0.3, rng.permutation(labels), labels)
    ids = [f"flower-{i}" for i in range(len(labels))]
    plain = predictions_csv(ids, guessed)
    for data in (plain, plain.replace(b"\n", b"\r\n"), predictions_csv(ids, guessed, quote=True)):
        result = score_submission(data, key)
        for value, mask in ((result.public_score, key.public), (result.private_score, ~key.public)):
            assert abs(value - f1_score(labels[mask], guessed[mask], average="macro")) <= 1e-9


def test_unknown_classes_empty_cells_repeated_and_unknown_ids_are_named_with_their_lines(iris_key):
    key, labels = iris_key
    ids = [f"flower-{i}" for i in range(len(labels))]
    guessed = list(labels)
    guessed[0], guessed[1] = "rose", ""
    ids[3], ids[4] = "flower-2", "tulip-9"
    with pytest.raises(SubmissionError) as refused:
        score_submission(predictions_csv(ids, guessed), key)
    found = {(p.line, p.message) for p in refused.value.problems}
    assert (2, "'rose' is not a class of this challenge; expected one of 'setosa', 'versicolor', "
               "'virginica'") in found  # fmt: skip
    assert (3, "the species is empty; expected a class label") in found
    assert (5, "Id 'flower-2' appears again (first on line 4)") in found
    assert (6, "Id 'tulip-9' is not in the answer key (150 text Ids such as 'flower-0')") in found
    assert any("2 answer-key Id(s) are missing" in message for _, message in found)


def test_a_file_with_far_more_lines_than_the_key_is_refused_before_it_is_read(iris_key):
    key, _ = iris_key
    lines = 2 * len(key) + SPARE_LINES + 1
    with pytest.raises(SubmissionError, match=f"expected 150 rows .*found {lines:,} lines"):
        score_submission(b"Id,species\n" + b"x,setosa\n" * lines, key)


def test_the_header_must_name_the_challenges_prediction_column(iris_key):
    key, labels = iris_key
    data = predictions_csv([f"flower-{i}" for i in range(150)], labels).replace(b"species", b"Probability", 1)
    with pytest.raises(SubmissionError, match="the header must be Id,species"):
        score_submission(data, key)


CLASSES = ["setosa", "versicolor", "virginica", "1"]
label_cells = st.sampled_from(
    CLASSES + ["", " setosa", "setosa ", "set", "setosa2", "Setosa", "1.0", "versicolor\r"]
)


@st.composite
def label_files(draw):
    """A key of text or whole-number Ids with class labels, and a file for it, often valid, often
    edited in the ways the fast path must leave to the reference."""
    text_ids = draw(st.booleans())
    ids = [f"id-{i}" if text_ids else str(i + 1) for i in range(8)]
    targets = [i % len(CLASSES) for i in range(8)]
    key = AnswerKey.from_arrays(ids if text_ids else np.arange(1, 9), targets, None, "macro_f1", "species",
                                classes=CLASSES)  # fmt: skip
    order = draw(st.permutations(ids))
    cells = [draw(st.sampled_from(CLASSES)) for _ in order]
    for _ in range(draw(st.integers(0, 2))):
        cells[draw(st.integers(0, 7))] = draw(label_cells)
    lines = [f"{i},{c}" for i, c in zip(order, cells)]
    if draw(st.integers(0, 3)) == 0:  # an Id repeated or unknown
        lines[draw(st.integers(0, 7))] = f"{draw(st.sampled_from(ids + ['id-99', '99', '']))},setosa"
    return key, draw(st.sampled_from(["\n", "\r\n"])).join(lines)


number_cells = st.sampled_from(
    ["", " 0.5", "0.5 ", "nan", "-inf", "1e400", "abc", '"0.5"', "0.5,1", "1_0", "+1", ".5", "1e-3"]
)


@st.composite
def text_id_number_files(draw):
    """A key of text Ids scored on numbers, and a file for it, often valid, often edited in the ways
    the fast path must leave to the reference."""
    ids = [f"id-{i}" for i in range(8)]
    key = AnswerKey.from_arrays(ids, np.arange(8.0), None, "rmse", "y")
    order = draw(st.permutations(ids))
    cells = [repr(draw(st.floats(-1e6, 1e6))) for _ in order]
    for _ in range(draw(st.integers(0, 2))):
        cells[draw(st.integers(0, 7))] = draw(number_cells)
    lines = [f"{i},{c}" for i, c in zip(order, cells)]
    if draw(st.integers(0, 3)) == 0:  # an Id repeated, unknown, padded or quoted
        other = draw(st.sampled_from(ids + ["id-99", " id-1", '"id-2"', ""]))
        lines[draw(st.integers(0, 7))] = f"{other},0.5"
    return key, draw(st.sampled_from(["\n", "\r\n"])).join(lines)


@settings(max_examples=300, deadline=None)
@given(label_files())
def test_the_label_fast_path_never_accepts_what_the_reference_refuses_and_reads_alike(case):
    assert_the_fast_path_reads_as_the_reference(*case)


@settings(max_examples=300, deadline=None)
@given(text_id_number_files())
def test_the_text_id_fast_path_never_accepts_what_the_reference_refuses_and_reads_alike(case):
    assert_the_fast_path_reads_as_the_reference(*case)


def assert_the_fast_path_reads_as_the_reference(key, text):
    fast = _parse_fast(text.encode(), key)
    event("the fast path accepts" if fast is not None else "the fast path refuses")
    if fast is None:
        return
    strict = parse_strict(text, key, TextRowReader(ProblemCollector(), key))  # a refusal raises here
    assert np.array_equal(fast.key_rows, strict.key_rows)
    assert np.array_equal(fast.predictions, strict.predictions)


@pytest.mark.parametrize("text_ids", [True, False])
def test_the_property_tests_files_unedited_take_the_fast_path(text_ids):
    # The property tests above compare only what the fast path accepts: were it to refuse everything,
    # they would pass while proving nothing.
    ids = [f"id-{i}" for i in range(8)] if text_ids else [str(i + 1) for i in range(8)]
    labels = AnswerKey.from_arrays(ids if text_ids else np.arange(1, 9), [i % 3 for i in range(8)], None,
                                   "macro_f1", "species", classes=CLASSES)  # fmt: skip
    numbers = AnswerKey.from_arrays([f"id-{i}" for i in range(8)], np.arange(8.0), None, "rmse", "y")
    label_file = "\n".join(f"{i},{CLASSES[n % 3]}" for n, i in enumerate(reversed(ids)))
    number_file = "\r\n".join(f"id-{i},{i / 3!r}" for i in reversed(range(8)))
    assert _parse_fast(label_file.encode(), labels) is not None
    assert _parse_fast(number_file.encode(), numbers) is not None


def test_an_empty_label_beside_a_whole_number_id_is_refused_not_read_as_a_class():
    key = AnswerKey.from_arrays(
        np.arange(1, 4), [0, 1, 2], None, "accuracy", "species", classes=["a", "b", "c"]
    )
    with pytest.raises(SubmissionError) as refused:
        score_submission(b"Id,species\n1,a\n2,\n3,c\n", key)
    assert [(p.line, p.message) for p in refused.value.problems] == [
        (3, "the species is empty; expected a class label")
    ]


def test_a_row_without_a_comma_and_one_with_two_are_refused_not_a_server_error():
    ids = [f"id-{i}" for i in range(30)]
    key = AnswerKey.from_arrays(ids, np.arange(30.0), None, "rmse", "y")
    rows = [f"{i},0.5" for i in ids]
    rows[0], rows[-1] = "id-0", "id-29,0.5,"  # as many commas as lines, but not one in each
    with pytest.raises(SubmissionError) as refused:
        score_submission(("Id,y\n" + "\n".join(rows) + "\n").encode(), key)
    assert {p.line for p in refused.value.problems} >= {2, 31}


def test_a_bom_or_a_near_whole_float_as_a_whole_number_id_beside_a_label_is_refused():
    key = AnswerKey.from_arrays(
        np.arange(1, 4), [0, 1, 2], None, "accuracy", "species", classes=["a", "b", "c"]
    )
    for first in ("\ufeff1", "0.99999999999999999"):  # pandas would read each as Id 1
        with pytest.raises(SubmissionError) as refused:
            score_submission(f"Id,species\n{first},a\n2,b\n3,c\n".encode(), key)
        assert refused.value.problems[0].line == 2

"""Submissions with text Ids or class labels: the fast path, and every problem named by the reference."""

import numpy as np
import pytest
from sklearn.datasets import load_iris
from sklearn.metrics import f1_score

from scoring import SubmissionError, read_key_file, score_submission
from scoring.text_cells import SPARE_LINES


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

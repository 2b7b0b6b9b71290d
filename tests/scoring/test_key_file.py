"""A teacher's answer key: validated whole, every problem named, split reproducibly without Usage."""

import time

import numpy as np
import pytest
from sklearn.datasets import load_diabetes, load_iris

from scoring import AnswerKeyError, read_key_file, score_submission
from scoring.key_file import MIN_PART_ROWS


def key_text(ids, targets, usage=None, target="y") -> bytes:
    header = ["Id", target] + (["Usage"] if usage is not None else [])
    rows = [",".join(map(str, row)) for row in zip(ids, targets, *([usage] if usage is not None else []))]
    return ("\n".join([",".join(header), *rows]) + "\n").encode()


def test_a_key_with_every_kind_of_problem_lists_each_with_its_line():
    targets = ["1.5"] * 30
    targets[3], targets[7] = "abc", ""
    ids = list(range(1, 31))
    ids[5] = 2  # line 7 repeats the Id of line 3
    with pytest.raises(AnswerKeyError) as refused:
        read_key_file(key_text(ids, targets), "rmse")
    found = {(p.line, p.column, p.message) for p in refused.value.problems}
    assert (7, "Id", "Id '2' appears again (first on line 3)") in found
    assert (5, "y", "'abc' is not a finite number") in found
    assert (9, "y", "'' is not a finite number") in found
    assert refused.value.total == 3


def test_a_binary_metric_refuses_a_part_with_one_class_and_labels_other_than_0_and_1():
    usage = ["Public"] * 20 + ["Private"] * 20
    targets = [0] * 20 + [0, 1] * 10
    with pytest.raises(AnswerKeyError, match="every Public row has the label 0"):
        read_key_file(key_text(range(40), targets, usage), "roc_auc")
    targets[0] = 2
    with pytest.raises(AnswerKeyError, match="'2' is not a label 0 or 1"):
        read_key_file(key_text(range(40), targets, usage), "log_loss")


def test_usage_values_and_part_sizes_are_checked():
    usage = ["Public"] * 35 + ["Secret"] + ["Private"] * (MIN_PART_ROWS - 2)
    with pytest.raises(AnswerKeyError) as refused:
        read_key_file(key_text(range(44), [1.0] * 44, usage), "mae")
    messages = [p.message for p in refused.value.problems]
    assert "Usage must be Public or Private, found 'Secret'" in messages
    usage[35] = "Private"
    with pytest.raises(AnswerKeyError, match=f"Private part has {MIN_PART_ROWS - 1} rows"):
        read_key_file(key_text(range(44), [1.0] * 44, usage), "mae")


def test_rmsle_refuses_negative_targets_and_an_unknown_metric_names_the_menu():
    with pytest.raises(AnswerKeyError, match="negative; rmsle takes targets of 0 or more"):
        read_key_file(key_text(range(40), [-1.0] + [1.0] * 39), "rmsle")
    with pytest.raises(AnswerKeyError, match="unknown metric 'auc'.*roc_auc"):
        read_key_file(key_text(range(40), [1.0] * 40), "auc")


def test_without_usage_the_split_is_stratified_and_reproducible_from_the_seed():
    iris = load_iris()
    labels = iris.target_names[iris.target]
    first = read_key_file(key_text(range(150), labels), "accuracy", public_fraction=0.4, seed=3)
    again = read_key_file(key_text(range(150), labels), "accuracy", public_fraction=0.4, seed=3)
    other = read_key_file(key_text(range(150), labels), "accuracy", public_fraction=0.4, seed=4)
    assert np.array_equal(first.key.public, again.key.public) and first.stored == again.stored
    assert not np.array_equal(first.key.public, other.key.public)
    for code in range(3):  # 40 % of each class's 50 rows
        assert first.key.public[first.key.targets == code].sum() == 20
    # What is stored carries the split: read again, it is the same key.
    stored = read_key_file(first.stored, "accuracy")
    assert np.array_equal(stored.key.public, first.key.public)
    assert stored.key.classes.tolist() == ["setosa", "versicolor", "virginica"]


def test_text_ids_and_a_named_prediction_column_score_as_sklearn_does():
    from sklearn.metrics import mean_squared_error

    diabetes = load_diabetes()
    ids = [f"patient-{i:03d}" for i in range(len(diabetes.target))]
    key_file = read_key_file(key_text(ids, diabetes.target, target="progression"), "rmse",
                             prediction_column="predicted")  # fmt: skip
    key = key_file.key
    assert key.text_ids and key.prediction_column == "predicted"
    predictions = np.random.default_rng(0).normal(150, 50, len(ids))
    rows = "\n".join(f"{i},{p!r}" for i, p in zip(ids[::-1], predictions[::-1].tolist()))
    result = score_submission(f"Id,predicted\n{rows}\n".encode(), key)
    public = key.public
    expected = mean_squared_error(diabetes.target[public], predictions[public]) ** 0.5
    assert abs(result.public_score - expected) <= 1e-9
    assert result.metric == "rmse"


def test_one_very_long_label_costs_its_own_size_not_rows_times_its_size():
    # A fixed-width copy of the labels would need 20,000 rows x 1,000,000 characters x 4 bytes.
    rows = ["x" * 1_000_000] + ["a", "b"] * 10_000
    key = read_key_file(key_text(range(len(rows)), rows), "accuracy").key
    assert [len(c) for c in key.classes.tolist()] == [1, 1, 1_000_000]


def test_a_key_is_read_by_its_header_names_whatever_their_order():
    ids = range(1, 41)
    usage = ["Public" if i % 2 else "Private" for i in ids]
    rows = "".join(f"{i},{u},{i % 3 == 0:d},noise\n" for i, u in zip(ids, usage))
    read = read_key_file(f" Id ,Usage, y ,notes\n{rows}".encode(), "roc_auc", target_column="y")
    assert read.part_rows == {"public": 20, "private": 20}
    assert read.key.targets.tolist() == [int(i % 3 == 0) for i in ids]


def _least_seconds(read, runs: int = 5) -> list[float]:
    """Each reader's least time over `runs`, the readers taken in turns (a slow spell hits all)."""
    best = [float("inf")] * len(read)
    for _ in range(runs):
        for at, each in enumerate(read):
            started = time.perf_counter()
            each()
            best[at] = min(best[at], time.perf_counter() - started)
    return best


def test_a_very_wide_key_is_refused_within_three_times_a_valid_key_of_its_size():
    columns = 40_000
    wide = (
        "Id,target," + ",".join(f"c{i}" for i in range(columns)) + "\n1,0," + "0," * (columns - 1) + "0\n"
    ).encode()
    rng = np.random.default_rng(0)
    valid_rows, size, lines = 0, 0, ["Id,target,Usage"]
    while size < len(wide):
        valid_rows += 1
        lines.append(
            f"{valid_rows},{int(rng.random() < 0.3)},{'Public' if rng.random() < 0.3 else 'Private'}"
        )
        size += len(lines[-1]) + 1
    valid = ("\n".join(lines) + "\n").encode()

    def refused(**named):
        with pytest.raises(AnswerKeyError):
            read_key_file(wide, "roc_auc", **named)

    unnamed, named, good = _least_seconds(
        [refused, lambda: refused(target_column="target"), lambda: read_key_file(valid, "roc_auc")]
    )
    assert max(unnamed, named) <= 3 * good, (unnamed, named, good)

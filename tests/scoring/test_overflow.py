"""A file of finite numbers whose metric would overflow is refused, with the row named, the same way
whatever labels the key hides; no score is ever infinite or NaN."""

import numpy as np
import pytest

from scoring import AnswerKey, SubmissionError, score_submission
from scoring.metrics import METRICS
from scoring.score import _finite_or_none
from tests.conftest import submission_csv

ROWS = 40
# The metrics declared to overflow: their error grows as |error| ** power.
OVERFLOWING = [name for name, metric in METRICS.items() if metric.error_power is not None]


def numeric_key(metric: str, targets) -> AnswerKey:
    public = np.arange(ROWS) % 3 == 0
    return AnswerKey.from_arrays(np.arange(1, ROWS + 1), targets, public, metric, "y", "y")


def refusal(data: bytes, key: AnswerKey) -> SubmissionError:
    with pytest.raises(SubmissionError) as caught:
        score_submission(data, key)
    return caught.value


def test_the_overflowing_metrics_are_the_squared_and_absolute_errors():
    assert {name: METRICS[name].error_power for name in OVERFLOWING} == {"rmse": 2, "mae": 1, "r2": 2}


@pytest.mark.parametrize("metric", OVERFLOWING)
def test_one_huge_prediction_is_refused_with_its_line_and_column(metric):
    key = numeric_key(metric, np.linspace(0, 300, ROWS))
    predictions = np.full(ROWS, 150.0)
    squared = METRICS[metric].error_power == 2
    predictions[6] = 1e200 if squared else 1.7e308
    predictions[7] = -1.7e308  # MAE: two errors of 1.7e308 add up past the largest float
    error = refusal(submission_csv(range(1, ROWS + 1), predictions, "Id,y"), key)
    problem = error.problems[0]
    assert problem.column == "y" and "too large" in problem.message
    assert problem.line == (8 if squared else 9), error.problems  # the header is line 1
    assert len(error.problems) == 1


def test_rows_each_finite_whose_squares_add_past_the_largest_float_name_the_row_where_they_do():
    key = numeric_key("rmse", np.zeros(ROWS))
    predictions = np.zeros(ROWS)
    predictions[[3, 10, 20]] = 1e154  # each squares to 1e308; the second sum overflows at line 12
    problem = refusal(submission_csv(range(1, ROWS + 1), predictions, "Id,y"), key).problems[0]
    assert problem.line == 12 and "add up" in problem.message


def test_whether_a_file_is_refused_does_not_depend_on_the_hidden_labels():
    """With a target of +1e154 the first row's prediction of 1e154 is exact; with -1e154 its error
    overflows. Both keys refuse the file alike: the refusal reads the targets' size, not a label."""
    predictions = np.zeros(ROWS)
    predictions[0] = 1e154
    data = submission_csv(range(1, ROWS + 1), predictions, "Id,y")
    problems = {}
    for sign in (1.0, -1.0):
        targets = np.zeros(ROWS)
        targets[0] = sign * 1e154
        problems[sign] = refusal(data, numeric_key("rmse", targets)).problems[0]
    assert problems[1.0] == problems[-1.0] and problems[1.0].line == 2


def test_large_but_summable_predictions_are_scored_finite():
    key = numeric_key("rmse", np.zeros(ROWS))
    result = score_submission(submission_csv(range(1, ROWS + 1), np.full(ROWS, 1e150), "Id,y"), key)
    assert result.score == pytest.approx(1e150) and np.isfinite(result.public_score)


def test_r2_never_refuses_by_the_spread_of_a_part_nor_by_the_part_a_huge_row_is_in():
    """A part whose targets barely spread divides its squared errors by little, so R² of a large but
    summable error overflows in that part alone. Refusing then told which rows are Private, and a
    refusal threshold set by the smallest spread gave that spread away to a bisection: the file is
    scored, its overflowing part at the worst finite value."""
    rng = np.random.default_rng(2)
    public = np.arange(ROWS) % 2 == 0
    targets = np.where(public, rng.normal(0, 10, ROWS), rng.normal(0, 0.01, ROWS))
    key = AnswerKey.from_arrays(np.arange(1, ROWS + 1), targets, public, "r2", "y", "y")
    worst = -np.finfo(np.float64).max
    for row, holder in ((0, "public_score"), (1, "private_score")):  # a Public row, then a Private one
        predictions = np.zeros(ROWS)
        predictions[row] = 1.2e154
        result = score_submission(submission_csv(range(1, ROWS + 1), predictions, "Id,y"), key)
        other = "private_score" if holder == "public_score" else "public_score"
        assert getattr(result, holder) < -1e300 and getattr(result, other) > -10
    assert result.private_score == worst  # the Private part's tiny spread: past the largest float


def test_a_score_that_still_overflows_is_the_worst_finite_value_never_a_refusal():
    key = numeric_key("rmse", np.zeros(ROWS))
    assert _finite_or_none(float("inf"), key) == np.finfo(np.float64).max
    assert _finite_or_none(float("nan"), key) == np.finfo(np.float64).max
    r2_key = numeric_key("r2", np.linspace(0, 1, ROWS))
    assert _finite_or_none(float("-inf"), r2_key) == -np.finfo(np.float64).max
    auc_key = AnswerKey.from_arrays(np.arange(1, ROWS + 1), np.arange(ROWS) % 2, None, "roc_auc")
    assert _finite_or_none(float("nan"), auc_key) is None  # a part with one class has no AUC

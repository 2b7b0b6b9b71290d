"""The metric menu: every fact about a metric, declared once, here.

Each `Metric` says what it reads (the key's target kind, the submission's prediction kind and
range), how it scores (`compute`, over `formulas`' plain NumPy, equal to scikit-learn's), which
way is better, what a key must hold for it, when a file would overflow it, and the per-row loss
the Ladder's paired test compares. Everything else reads these declarations: reading a key
(`key_file`), refusing a submission (`submission`), the Ladder (`significance`), the service's
menus, forms, API choices and pages, and the tests' tables.

Adding a metric: declare it in `METRICS` below (writing its function in `formulas.py` if no
existing one scores it), then give it a scikit-learn reference in tests/scoring/test_metrics.py
(`SKLEARN`, `SKLEARN_SCORER`, `CASES`), which fails for a declared metric that has none.
No other code lists metrics.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, get_args

import numpy as np

from .formulas import (
    absolute_error,
    accuracy,
    average_precision,
    brier,
    hits,
    log_loss,
    log_loss_rows,
    macro_f1,
    macro_f1_of,
    mae,
    mcc,
    mcc_of,
    mean_of_rows,
    misses,
    r2,
    r2_split,
    rmse,
    rmsle,
    roc_auc,
    roc_auc_split,
    squared_error,
    squared_log_error,
    tallied,
)
from .key_parts import KeyParts, Parts, Split

# What a key's target column holds: 0/1, class labels (text or numbers), or real numbers.
Target = Literal["binary", "labels", "numeric"]
# What a submission's prediction column holds: a number per row (a probability or a ranking
# score), a class label of the key, or a real number.
Prediction = Literal["probability", "label", "number"]
RowLoss = Callable[[np.ndarray, np.ndarray], np.ndarray]  # (y_true, y_pred) -> each row's loss


@dataclass(frozen=True)
class TargetCheck:
    """A rule each target of a numeric key must follow besides being a finite number; a key with
    a target that breaks it is refused as "<cell> <found>; <metric> takes targets <wanted>"."""

    refuses: Callable[[np.ndarray], np.ndarray]  # finite targets -> True where the rule is broken
    found: str  # "is negative"
    wanted: str  # "of 0 or more"


@dataclass(frozen=True, kw_only=True)
class Metric:
    """A scoring rule and everything that depends on it."""

    name: str  # "roc_auc", ...: its key in METRICS, in URLs, forms and the store
    title: str  # "ROC AUC", "log loss", ... for people
    greater_is_better: bool  # the direction: best scores, leaderboards, the Ladder's "better"
    target: Target
    prediction: Prediction
    compute: Callable[[np.ndarray, np.ndarray], float]  # (y_true, y_pred) on one part's rows
    split: Split | None = None  # scores all three parts at once, faster than three `compute` calls
    # For the Ladder's paired t-test: each row's loss, lower is better, whose mean the metric is
    # (or is monotone in, on fixed rows). None for ROC AUC, which is compared by DeLong's test.
    row_loss: RowLoss | None
    prediction_range: tuple[float, float] | None = None  # (low, high): a prediction outside is refused
    key_checks: tuple[TargetCheck, ...] = ()  # numeric targets: what a key must hold besides numbers
    # A metric whose per-row error grows as |error| ** power, so that finite predictions can add up
    # past the largest float: such a file is refused (`submission`). None where the error is bounded.
    error_power: int | None = None

    def __post_init__(self) -> None:
        """Refuse a declaration that the readers of keys, files and the Ladder could not follow."""
        wrong = []
        if self.target not in get_args(Target):
            wrong.append(f"target {self.target!r} is not one of {get_args(Target)}")
        if self.prediction not in get_args(Prediction):
            wrong.append(f"prediction {self.prediction!r} is not one of {get_args(Prediction)}")
        if self.row_loss is None and self.name != "roc_auc":
            wrong.append("without a row loss it would be compared by DeLong's test, which compares ROC AUCs")
        if self.key_checks and self.target != "numeric":
            wrong.append("key checks apply to numeric targets only")
        if wrong:
            raise ValueError(f"metric {self.name!r}: " + "; ".join(wrong))

    def score_parts(self, y_true: np.ndarray, y_pred: np.ndarray, public: np.ndarray) -> Parts:
        """(all rows, rows where public, rows where not public); NaN where undefined on a part."""
        return self.score_split(KeyParts(y_true, public), y_pred)

    def score_split(self, parts: KeyParts, y_pred: np.ndarray) -> Parts:
        """As `score_parts`, for predictions in the key's row order."""
        if self.split is not None:
            return self.split(parts, y_pred)
        public_rows, private_rows = parts.rows
        y_true = parts.targets
        return (
            self.compute(y_true, y_pred),
            self.compute(y_true.take(public_rows), y_pred.take(public_rows)),
            self.compute(y_true.take(private_rows), y_pred.take(private_rows)),
        )


PROBABILITY = (0.0, 1.0)
NOT_NEGATIVE = (0.0, math.inf)


def _negative(values: np.ndarray) -> np.ndarray:
    return values < 0


# Average precision, macro F1 and MCC are not means of per-row losses; as a documented
# approximation the Ladder tests them on the squared error of the scores against the 0/1 labels
# (average precision) and on the 0/1 error (macro F1, MCC), so a move also needs their own score
# to be better (`Comparison.significant`).
METRICS: dict[str, Metric] = {
    metric.name: metric
    for metric in (
        Metric(
            name="roc_auc",
            title="ROC AUC",
            greater_is_better=True,
            target="binary",
            prediction="probability",
            compute=roc_auc,
            split=roc_auc_split,
            row_loss=None,
        ),
        Metric(
            name="log_loss",
            title="log loss",
            greater_is_better=False,
            target="binary",
            prediction="probability",
            compute=log_loss,
            split=mean_of_rows(log_loss_rows),
            row_loss=log_loss_rows,
            prediction_range=PROBABILITY,
        ),
        Metric(
            name="brier",
            title="Brier score",
            greater_is_better=False,
            target="binary",
            prediction="probability",
            compute=brier,
            split=mean_of_rows(squared_error),
            row_loss=squared_error,
            prediction_range=PROBABILITY,
        ),
        Metric(
            name="average_precision",
            title="average precision",
            greater_is_better=True,
            target="binary",
            prediction="probability",
            compute=average_precision,
            row_loss=squared_error,
        ),
        Metric(
            name="accuracy",
            title="accuracy",
            greater_is_better=True,
            target="labels",
            prediction="label",
            compute=accuracy,
            split=mean_of_rows(hits),
            row_loss=misses,
        ),
        Metric(
            name="macro_f1",
            title="macro F1",
            greater_is_better=True,
            target="labels",
            prediction="label",
            compute=macro_f1,
            split=tallied(macro_f1_of),
            row_loss=misses,
        ),
        Metric(
            name="mcc",
            title="Matthews correlation",
            greater_is_better=True,
            target="labels",
            prediction="label",
            compute=mcc,
            split=tallied(mcc_of),
            row_loss=misses,
        ),
        Metric(
            name="rmse",
            title="RMSE",
            greater_is_better=False,
            target="numeric",
            prediction="number",
            compute=rmse,
            split=mean_of_rows(squared_error, math.sqrt),
            row_loss=squared_error,
            error_power=2,
        ),
        Metric(
            name="mae",
            title="MAE",
            greater_is_better=False,
            target="numeric",
            prediction="number",
            compute=mae,
            split=mean_of_rows(absolute_error),
            row_loss=absolute_error,
            error_power=1,
        ),
        Metric(
            # The Ladder's loss: R² is 1 - MSE / a constant on fixed rows.
            name="r2",
            title="R²",
            greater_is_better=True,
            target="numeric",
            prediction="number",
            compute=r2,
            split=r2_split,
            row_loss=squared_error,
            error_power=2,
        ),
        Metric(
            # Its logarithms cannot overflow: no error power.
            name="rmsle",
            title="RMSLE",
            greater_is_better=False,
            target="numeric",
            prediction="number",
            compute=rmsle,
            split=mean_of_rows(squared_log_error, math.sqrt),
            row_loss=squared_log_error,
            prediction_range=NOT_NEGATIVE,
            key_checks=(TargetCheck(refuses=_negative, found="is negative", wanted="of 0 or more"),),
        ),
    )
}


def metric_named(name: str) -> Metric:
    """The metric called `name`; ValueError listing the menu when there is none."""
    try:
        return METRICS[name]
    except KeyError:
        raise ValueError(f"unknown metric {name!r}; choose one of: {', '.join(METRICS)}") from None

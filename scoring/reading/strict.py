"""The reference reading of a whole submission, row by row: every problem found, the first ones worded.

The vectorised paths (the fast paths, `scan.py`) must agree with it; they fall back on it for a
valid file they would not read themselves (quotes, spaces around cells...). What they check before
pandas reads a file is in `plain.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..answer_key import AnswerKey
from ..errors import ProblemCollector, shown
from .rows import RowReader


@dataclass(frozen=True, eq=False)
class Submission:
    """A valid submission: one prediction per answer-key row."""

    predictions: np.ndarray  # float64 numbers, or int64 class codes for a label metric; in file order
    key_rows: np.ndarray  # int64, the answer-key row of each submitted row
    lines: np.ndarray | None = None  # each row's line, when it is not simply its position + 2

    def in_key_order(self, rows: int) -> np.ndarray:
        """The predictions in the answer key's row order (`rows`: the key's length)."""
        ordered = np.empty(rows, dtype=self.predictions.dtype)
        ordered[self.key_rows] = self.predictions
        return ordered


def parse_strict(text: str, key: AnswerKey, reader: RowReader | None = None) -> Submission:
    """The reference reader, row by row: every problem found, the first ones worded.

    `reader` reads the cells: numbers by default, text Ids and class labels with `TextRowReader`."""
    reader = reader or RowReader(ProblemCollector(), key.prediction_column)
    collector = reader.collector
    reader.read(text)
    _check_ids(reader.ids, reader.lines, key, collector)
    if reader.row_count != len(key):
        collector.add(f"expected {len(key)} rows (one per answer-key Id), found {reader.row_count}")
    collector.raise_if_any()
    predictions = np.asarray(reader.predictions, np.float64)
    if key.metric.prediction == "label":
        predictions = predictions.astype(np.int64)
    return Submission(predictions, key.rows_of(_id_array(reader.ids, key)), np.asarray(reader.lines))


def _id_array(ids: list, key: AnswerKey) -> np.ndarray:
    return np.asarray(ids, dtype=object if key.text_ids else np.int64)


def _check_ids(ids: list, lines: list[int], key: AnswerKey, collector: ProblemCollector) -> None:
    key_rows = key.rows_of(_id_array(ids, key))
    first_line_of_row: dict[int, int] = {}
    for submitted_id, key_row, line in zip(ids, key_rows.tolist(), lines):
        if key_row < 0:
            collector.add(
                lambda i=submitted_id: f"Id {_id_text(i)} is not in the answer key ({key.describe_ids()})",
                line,
                "Id",
            )
        elif key_row in first_line_of_row:
            first = first_line_of_row[key_row]
            collector.add(
                lambda i=submitted_id, f=first: f"Id {_id_text(i)} appears again (first on line {f})",
                line,
                "Id",
            )
        else:
            first_line_of_row[key_row] = line
    seen = np.zeros(len(key), dtype=bool)
    seen[key_rows[key_rows >= 0]] = True
    missing = key.ids[~seen]
    if len(missing):
        examples = ", ".join(_id_text(i) for i in missing[:5].tolist())
        collector.add(f"{len(missing)} answer-key Id(s) are missing, e.g. {examples}", column="Id")


def _id_text(submitted_id) -> str:
    return shown(submitted_id) if isinstance(submitted_id, str) else str(submitted_id)

"""Reading a submission whose Ids are text or whose predictions are class labels.

A valid file takes a fast path (pandas' C parser for whole-number Ids and numbers, text Ids and
the class labels beside them looked up from the bytes; texts longer than `packed.MAX_BYTES` are
left to the reference).
Anything else is read by the reference reader, row by row, which names every problem. Its cost
is linear in the rows, and a file is refused at once when it has more lines than the key could
explain, so the rows it reads are bounded by the key's size (itself bounded by a setting).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..answer_key import AnswerKey
from ..errors import Problem, ProblemCollector, SubmissionError, shown
from .chars import COMMA, CR, NL
from .plain import UTF8_BOM, ByteWindow, count_bytes, is_permutation, plain_rows
from .rows import RowReader
from .strict import Submission, parse_strict

# Lines beyond the key's rows that the reference still reads (blank lines, repeated rows...).
SPARE_LINES = 1000
# An unknown-class message names this many of the challenge's classes.
NAMED_CLASSES = 5


def read_text_cells(data: bytes, start: int, end: int, key: AnswerKey) -> Submission:
    """Validate the rows data[start:end] against `key`; raises `SubmissionError` listing what is wrong."""
    fast = _parse_fast(data, key, start, end)
    if fast is not None:
        return fast
    lines = count_bytes(data, (NL,), start, end)[0] + 1
    if lines > 2 * len(key) + SPARE_LINES:
        raise SubmissionError([Problem(
            f"expected {len(key):,} rows (one per answer-key Id), found {lines:,} lines"
        )])  # fmt: skip
    return parse_strict(data[start:end].decode("utf-8"), key, TextRowReader(ProblemCollector(), key))


def _parse_fast(data: bytes, key: AnswerKey, start: int = 0, end: int | None = None) -> Submission | None:
    """The common case, the rows data[start:end], in vectorised code; None means "read it strictly
    instead"."""
    end = len(data) if end is None else end
    if not plain_rows(data, len(key), start, end):  # quoting, lone CRs, extra fields: the reference's
        return None
    return _parse_packed(data, start, end, key)


def _parse_packed(data: bytes, start: int, end: int, key: AnswerKey) -> Submission | None:
    """No Python string per row. Text Ids are looked up straight from the bytes (`packed.py`), and
    so are class labels beside them; numbers are read by pandas' C parser (that column alone).
    Whole-number Ids with labels: one read by pandas, the few distinct labels hashed in C as
    categories. None: something the general path reads."""
    labels = key.metric.prediction == "label"
    if not key.text_ids:
        if data.startswith(UTF8_BOM, start):  # pandas would drop it from the first Id; the reference not
            return None
        # Ids left to pandas' own reading: int64 only if every cell is a whole number.
        frame = _columns(ByteWindow(data, start, end), (0, 1), {1: "category"})
        if frame is None or frame[0].dtype != np.int64:
            return None
        predictions = _class_codes(frame[1].array, key)
        if predictions is None:
            return None
        return _submission(predictions, key.rows_of(frame[0].to_numpy()), key)
    view = np.frombuffer(data, dtype=np.uint8)[start:end]
    line_starts = np.concatenate(([0], np.flatnonzero(view == NL) + 1))
    line_ends = np.append(line_starts[1:] - 1, len(view))  # where each line's newline is
    commas = np.flatnonzero(view == COMMA)  # as many as lines (plain_rows): one in each?
    if not ((line_starts <= commas) & (commas < line_ends)).all():
        return None
    if labels:
        line_ends -= view[line_ends - 1] == CR  # a CRLF line's label ends before its CR
        predictions = key.packed_classes.rows_of(view, commas + 1, line_ends)
        if predictions is None or predictions.min() < 0:  # an unknown class, spaces around one...
            return None
    else:
        frame = _columns(ByteWindow(data, start, end), (1,), {1: "float64"})
        if frame is None or not np.isfinite(predictions := frame[1].to_numpy()).all():
            return None
    return _submission(predictions, key.packed_ids.rows_of(view, line_starts, commas), key)


def _submission(predictions: np.ndarray, key_rows: np.ndarray | None, key: AnswerKey) -> Submission | None:
    if key_rows is None or not is_permutation(key_rows, len(key)):
        return None
    return Submission(predictions, key_rows)


def _class_codes(labels: pd.Categorical, key: AnswerKey) -> np.ndarray | None:
    """Each row's class code: the few distinct labels are matched to the key's classes."""
    codes = pd.Index(key.classes).get_indexer(labels.categories)
    # An unknown class, spaces around one, or an empty cell (code -1): the reference says which.
    if (codes < 0).any() or labels.codes.min() < 0:
        return None
    return codes[labels.codes].astype(np.int64)


def _columns(rows: ByteWindow, columns: tuple[int, ...], dtypes: dict[int, str]) -> pd.DataFrame | None:
    """The `columns`, read by pandas' C parser (as `dtypes` says, else as pandas infers); any other is
    skipped, not converted."""
    try:
        with np.errstate(invalid="ignore"):
            return pd.read_csv(rows, header=None, usecols=list(columns), dtype=dtypes, engine="c")
    except (ValueError, IndexError, pd.errors.ParserError, OverflowError):
        return None


class TextRowReader(RowReader):
    """The reference reader, for text Ids (any text, compared exactly) and class labels."""

    def __init__(self, collector: ProblemCollector, key: AnswerKey):
        super().__init__(collector, key.prediction_column)
        self.key = key
        self.codes = None
        if key.metric.prediction == "label":
            self.codes = {label: code for code, label in enumerate(key.classes.tolist())}

    def read_id(self, cell: str, line: int):
        if not self.key.text_ids:
            return super().read_id(cell, line)
        if not cell:
            self.collector.add("the Id is empty", line, "Id")
            return None
        return cell

    def read_prediction(self, cell: str, line: int):
        if self.codes is None:
            return super().read_prediction(cell, line)
        if not cell:
            self.collector.add(f"the {self.column} is empty; expected a class label", line, self.column)
            return None
        code = self.codes.get(cell)
        if code is None:
            self.collector.add(lambda: self._unknown_class(cell), line, self.column)
        return code

    def _unknown_class(self, cell: str) -> str:
        classes = self.key.classes.tolist()
        named = ", ".join(shown(c) for c in classes[:NAMED_CLASSES])
        more = f" and {len(classes) - NAMED_CLASSES:,} more" if len(classes) > NAMED_CLASSES else ""
        return f"{shown(cell)} is not a class of this challenge; expected one of {named}{more}"

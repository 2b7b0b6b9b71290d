"""The reference reading of a whole submission, row by row: every problem found, the first ones worded.

The vectorised paths (the fast paths, `scan.py`) must agree with it; they fall back on it for a
valid file they would not read themselves (quotes, spaces around cells...).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..answer_key import AnswerKey
from ..errors import ProblemCollector, shown
from .rows import RowReader

NEWLINE, COMMA, CARRIAGE_RETURN = ord("\n"), ord(","), ord("\r")
UTF8_BOM = b"\xef\xbb\xbf"
_WINDOW = 1 << 18


@dataclass(frozen=True, eq=False)
class Submission:
    """A valid submission: one prediction per answer-key row."""

    predictions: np.ndarray  # float64 numbers, or int64 class codes for a label metric; in file order
    key_rows: np.ndarray  # int64, the answer-key row of each submitted row
    lines: np.ndarray | None = None  # each row's line, when it is not simply its position + 2


def count_bytes(data: bytes, wanted: tuple[int, ...], start: int = 0, end: int | None = None) -> list[int]:
    """How many times each byte of `wanted` occurs in data[start:end]: NumPy over windows small enough
    to stay in the CPU's cache while each byte is counted (a few times faster than bytes.count), with
    no temporary the size of the upload."""
    view = np.frombuffer(data, dtype=np.uint8)[start:end]
    counts = [0] * len(wanted)
    for at in range(0, len(view), _WINDOW):
        window = view[at : at + _WINDOW]
        for i, byte in enumerate(wanted):
            counts[i] += int(np.count_nonzero(window == byte))
    return counts


def plain_rows(data: bytes, expected: int, start: int = 0, end: int | None = None) -> bool:
    """Whether pandas' C parser reads data[start:end] exactly as the csv module would, as `expected`
    rows of two fields: `unquoted_lines`, and one comma a line (pandas would silently drop extra
    fields when reading only some columns; so no line is blank either)."""
    end = len(data) if end is None else end
    if not unquoted_lines(data, start, end):
        return False
    newlines, commas = count_bytes(data, (NEWLINE, COMMA), start, end)
    return newlines + 1 == expected and commas == expected


def unquoted_lines(data: bytes, start: int, end: int) -> bool:
    """Whether data[start:end] has no quoting and no lone carriage return (pandas ends a row there;
    the csv module refuses it): its lines are what pandas' C parser takes for rows."""
    return data.find(b'"', start, end) < 0 and not _lone_carriage_return(data, start, end)


def _lone_carriage_return(data: bytes, start: int, end: int) -> bool:
    """Whether a CR in data[start:end] is not followed there by a newline."""
    first = data.find(b"\r", start, end)  # a search: most files have none
    if first < 0:
        return False
    if data[end - 1] == CARRIAGE_RETURN:
        return True
    view = np.frombuffer(data, dtype=np.uint8)
    for at in range(first, end - 1, _WINDOW):  # each byte before the last, and the byte after it
        stop = min(end - 1, at + _WINDOW)
        if ((view[at:stop] == CARRIAGE_RETURN) & (view[at + 1 : stop + 1] != NEWLINE)).any():
            return True
    return False


class ByteWindow:
    """data[start:end] as a file for pandas to read piece by piece: no copy of the whole upload."""

    def __init__(self, data: bytes, start: int, end: int) -> None:
        self._view = memoryview(data)[start:end]
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size < 0 else min(len(self._view), self._at + size)
        piece = self._view[self._at : end].tobytes()
        self._at = end
        return piece

    def __iter__(self):  # pandas takes an object with `read` and `__iter__` for a file; it only reads
        return iter(lambda: self.read(1 << 16), b"")


def is_permutation(key_rows: np.ndarray, rows: int) -> bool:
    """Whether the submitted rows name every answer-key row exactly once."""
    if len(key_rows) != rows or not rows or key_rows.min() < 0:
        return False
    seen = np.zeros(rows, dtype=bool)
    seen[key_rows] = True  # as many rows as the key and none missing: none is repeated either
    return bool(seen.all())


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

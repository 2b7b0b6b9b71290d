"""Reading a Kaggle-format submission (`Id,Probability`) against an answer key.

A valid file takes the fast path (pandas' C parser plus vectorised checks). Anything
that path does not accept is read again row by row, strictly, to say precisely what
is wrong; so the strict reader is the reference and the fast path an optimisation.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .answer_key import AnswerKey
from .errors import NotTextError, Problem, ProblemCollector, SubmissionError
from .rows import RowReader

HEADER = ("Id", "Probability")
HEADER_TEXT = ",".join(HEADER)
UTF8_BOM = b"\xef\xbb\xbf"


@dataclass(frozen=True, eq=False)
class Submission:
    """A valid submission: one finite probability per answer-key row."""

    probabilities: np.ndarray  # float64, in the submission's row order
    key_rows: np.ndarray  # int64, the answer-key row of each submitted row


def parse_submission(data: bytes, key: AnswerKey) -> Submission:
    """Validate `data` against `key`, or raise `SubmissionError` listing what is wrong."""
    body = data[len(UTF8_BOM) :] if data.startswith(UTF8_BOM) else data
    require_text(body)
    if not body.strip():
        raise SubmissionError(
            [Problem("the file is empty; expected a header Id,Probability and one row per Id")]
        )
    header_end = body.find(b"\n")
    header_end = len(body) if header_end < 0 else header_end
    _check_header(body[:header_end].decode("utf-8").rstrip("\r"))
    rows = body[header_end + 1 :].rstrip()
    if not rows:
        raise SubmissionError(
            [Problem(f"the file has a header but no rows; expected {len(key)} rows, one per Id")]
        )
    return _parse_fast(rows, key) or _parse_strict(rows.decode("utf-8"), key)


def require_text(body: bytes) -> None:
    """Raise `NotTextError` unless `body` is UTF-8 text without NUL bytes."""
    if b"\x00" in body:
        raise NotTextError([Problem("the file holds binary data (NUL bytes); upload a CSV text file")])
    try:
        body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        raise NotTextError(
            [Problem(f"the file is not UTF-8 text (byte {exc.start}); upload a CSV text file", line)]
        ) from None


def _check_header(first_line: str) -> None:
    fields = [f.strip().strip('"').strip() for f in first_line.split(",")]
    if fields == list(HEADER):
        return
    if fields[:2] == list(HEADER):
        extra = ", ".join(repr(f) for f in fields[2:])
        message = f"extra column(s) {extra}; the header must be exactly {HEADER_TEXT}"
    else:
        shown = first_line if len(first_line) <= 80 else first_line[:77] + "..."
        message = f"the header must be {HEADER_TEXT}, found {shown!r}"
    raise SubmissionError([Problem(message, line=1)])


def _parse_fast(rows: bytes, key: AnswerKey) -> Submission | None:
    """The common case in vectorised code; None means "read it strictly instead"."""
    if b'"' in rows:  # quoting is legal CSV but needs the strict reader to check fields
        return None
    if rows.count(b"\r") != rows.count(b"\r\n"):  # pandas ends a row at a lone CR; csv refuses it
        return None
    # Every row holds exactly one comma; pandas would silently drop extra fields.
    as_bytes = np.frombuffer(rows, dtype=np.uint8)
    if np.count_nonzero(as_bytes == ord(",")) != np.count_nonzero(as_bytes == ord("\n")) + 1:
        return None
    try:
        with np.errstate(invalid="ignore"):  # an empty Id cell: the strict reader says so
            frame = pd.read_csv(
                io.BytesIO(rows),
                header=None,
                names=list(HEADER),
                dtype={"Id": "int64", "Probability": "float64"},
                skip_blank_lines=False,
                index_col=False,
                engine="c",
            )
    except (ValueError, pd.errors.ParserError, OverflowError):
        return None
    if len(frame) != len(key):
        return None
    probabilities = frame["Probability"].to_numpy()
    if not np.isfinite(probabilities).all():
        return None
    key_rows = key.rows_of(frame["Id"].to_numpy())
    if (key_rows < 0).any() or np.bincount(key_rows, minlength=len(key)).max() != 1:
        return None
    return Submission(probabilities, key_rows)


def _parse_strict(text: str, key: AnswerKey) -> Submission:
    collector = ProblemCollector()
    reader = RowReader(collector)
    reader.read(text)
    _check_ids(reader.ids, reader.lines, key, collector)
    if reader.row_count != len(key):
        collector.add(f"expected {len(key)} rows (one per answer-key Id), found {reader.row_count}")
    collector.raise_if_any()
    return Submission(np.asarray(reader.probabilities, np.float64), key.rows_of(np.asarray(reader.ids)))


def _check_ids(ids: list[int], lines: list[int], key: AnswerKey, collector: ProblemCollector) -> None:
    key_rows = key.rows_of(np.asarray(ids, dtype=np.int64))
    first_line_of_row: dict[int, int] = {}
    for submitted_id, key_row, line in zip(ids, key_rows.tolist(), lines):
        if key_row < 0:
            collector.add(f"Id {submitted_id} is not in the answer key ({key.describe_ids()})", line, "Id")
        elif key_row in first_line_of_row:
            first = first_line_of_row[key_row]
            collector.add(f"Id {submitted_id} appears again (first on line {first})", line, "Id")
        else:
            first_line_of_row[key_row] = line
    seen = np.zeros(len(key), dtype=bool)
    seen[key_rows[key_rows >= 0]] = True
    missing = key.ids[~seen]
    if len(missing):
        examples = ", ".join(str(i) for i in missing[:5].tolist())
        collector.add(f"{len(missing)} answer-key Id(s) are missing, e.g. {examples}", column="Id")

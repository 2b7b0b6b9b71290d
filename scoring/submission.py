"""Reading a Kaggle-format submission (`Id,Probability`) against an answer key.

A valid file takes the fast path (pandas' C parser plus vectorised checks). Anything that
path does not accept is checked by `scan.Scanner`, which finds exactly what the strict
row-by-row reader (`rows.py`, the reference) finds, in vectorised passes whose cost is
linear in the file and whose memory is bounded whatever it holds; the reference words
the problems listed and reads the values of a valid file the fast path refused.
"""

from __future__ import annotations

import codecs
import io
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .answer_key import AnswerKey
from .errors import NotTextError, Problem, ProblemCollector, SubmissionError, shown
from .rows import RowReader
from .scan import Scanner

HEADER = ("Id", "Probability")
HEADER_TEXT = ",".join(HEADER)
UTF8_BOM = b"\xef\xbb\xbf"
# An extra-columns message names this many, then says how many more.
NAMED_EXTRA_COLUMNS = 10
_PIECE = 1 << 20


@dataclass(frozen=True, eq=False)
class Submission:
    """A valid submission: one finite probability per answer-key row."""

    probabilities: np.ndarray  # float64, in the submission's row order
    key_rows: np.ndarray  # int64, the answer-key row of each submitted row


def parse_submission(data: bytes, key: AnswerKey) -> Submission:
    """Validate `data` against `key`, or raise `SubmissionError` listing what is wrong."""
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    _require_text(data, start)
    if _rstrip_end(data, start, len(data)) == start:
        raise SubmissionError(
            [Problem("the file is empty; expected a header Id,Probability and one row per Id")]
        )
    header_end = data.find(b"\n", start)
    header_end = len(data) if header_end < 0 else header_end
    _check_header(data, start, header_end)
    rows_start = header_end + 1
    rows_end = _rstrip_end(data, rows_start, len(data))
    if rows_end <= rows_start:
        raise SubmissionError(
            [Problem(f"the file has a header but no rows; expected {len(key)} rows, one per Id")]
        )
    if data.count(b"\n", rows_start, rows_end) + 1 == len(key):  # else pandas would read in vain
        fast = _parse_fast(data[rows_start:rows_end], key)
        if fast is not None:
            return fast
    collector = ProblemCollector()
    Scanner(data, key, collector).run(rows_start, rows_end)
    collector.raise_if_any()
    # A valid file the fast path refused (quotes, spaces...): as many rows as the key has.
    return _parse_strict(data[rows_start:rows_end].decode("utf-8"), key)


def require_text(body: bytes) -> None:
    """Raise `NotTextError` unless `body` is UTF-8 text without NUL bytes."""
    _require_text(body, 0)


def _require_text(data: bytes, start: int) -> None:
    if data.find(b"\x00", start) >= 0:
        raise NotTextError([Problem("the file holds binary data (NUL bytes); upload a CSV text file")])
    if data.isascii():
        return
    decoder = codecs.getincrementaldecoder("utf-8")()
    for at in range(start, len(data), _PIECE):  # piece by piece: no copy of the whole file as text
        pending = len(decoder.getstate()[0])
        try:
            decoder.decode(data[at : at + _PIECE], final=at + _PIECE >= len(data))
        except UnicodeDecodeError as exc:
            offset = at - pending + exc.start - start
            line = data.count(b"\n", start, start + offset) + 1
            raise NotTextError(
                [Problem(f"the file is not UTF-8 text (byte {offset}); upload a CSV text file", line)]
            ) from None


def _rstrip_end(data: bytes, start: int, end: int) -> int:
    """Where data[start:end].rstrip() would end, without copying it whole."""
    while end > start:
        piece = data[max(start, end - 4096) : end]
        kept = len(piece.rstrip())
        if kept:
            return end - len(piece) + kept
        end -= len(piece)
    return start


def _check_header(data: bytes, start: int, end: int) -> None:
    """The first line must be Id,Probability; what a message shows of it is bounded."""
    end = _rstrip_end_of(data, start, end, b"\r")
    fields = data.count(b",", start, end) + 1
    names = []  # the first few header names, each read in full only when short
    at = start
    for _ in range(min(fields, 2 + NAMED_EXTRA_COLUMNS)):
        comma = data.find(b",", at, end)
        comma = end if comma < 0 else comma
        names.append(_header_name(data, at, comma))
        at = comma + 1
    if fields == 2 and names == list(HEADER):
        return
    if names[:2] == list(HEADER):
        extra = ", ".join(shown(name) for name in names[2:])
        more = fields - len(names)
        if more:
            extra += f", and {more:,} more"
        message = f"extra column(s) {extra}; the header must be exactly {HEADER_TEXT}"
    else:
        first_line = data[start : min(end, start + 4 * 80)].decode("utf-8", errors="ignore")
        whole = end - start <= 4 * 80 and len(first_line) <= 80
        shown_line = first_line if whole else first_line[:77] + "..."
        message = f"the header must be {HEADER_TEXT}, found {shown_line!r}"
    raise SubmissionError([Problem(message, line=1)])


def _rstrip_end_of(data: bytes, start: int, end: int, chars: bytes) -> int:
    while end > start:
        piece = data[max(start, end - 4096) : end]
        kept = len(piece.rstrip(chars))
        if kept:
            return end - len(piece) + kept
        end -= len(piece)
    return start


def _header_name(data: bytes, start: int, end: int) -> str:
    """A header field as `f.strip().strip('"').strip()` reads it; a long one only by its start."""
    if end - start <= _PIECE:
        return data[start:end].decode("utf-8").strip().strip('"').strip()
    return data[start : start + 4 * 64].decode("utf-8", errors="ignore").strip().strip('"').strip() + "..."


def _parse_fast(rows: bytes, key: AnswerKey) -> Submission | None:
    """The common case in vectorised code; None means "read it strictly instead"."""
    if rows.count(b"\n") + 1 != len(key):  # pandas makes a row of every line
        return None
    if b'"' in rows:  # quoting is legal CSV but needs the strict reader to check fields
        return None
    if rows.count(b"\r") != rows.count(b"\r\n"):  # pandas ends a row at a lone CR; csv refuses it
        return None
    # Every row holds exactly one comma; pandas would silently drop extra fields.
    if rows.count(b",") != rows.count(b"\n") + 1:
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
    """The reference reader, row by row: every problem found, the first ones worded."""
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
            collector.add(
                lambda i=submitted_id: f"Id {i} is not in the answer key ({key.describe_ids()})", line, "Id"
            )
        elif key_row in first_line_of_row:
            first = first_line_of_row[key_row]
            collector.add(
                lambda i=submitted_id, f=first: f"Id {i} appears again (first on line {f})", line, "Id"
            )
        else:
            first_line_of_row[key_row] = line
    seen = np.zeros(len(key), dtype=bool)
    seen[key_rows[key_rows >= 0]] = True
    missing = key.ids[~seen]
    if len(missing):
        examples = ", ".join(str(i) for i in missing[:5].tolist())
        collector.add(f"{len(missing)} answer-key Id(s) are missing, e.g. {examples}", column="Id")

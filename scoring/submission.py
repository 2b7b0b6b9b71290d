"""Reading a Kaggle-format submission (`Id,<prediction column>`) against an answer key.

The header and the encoding are checked here; the rows are read by `reading/`: whole-number Ids
with numeric predictions (GMSC's `Id,Probability`) by `reading/numbers.py`, text Ids or class
labels by `reading/text_cells.py`, each a fast path proved equal to the reference reader
(`reading/rows.py`, `reading/strict.py`). Either way the predictions are then checked against the
metric's range (probabilities in [0, 1] for log loss...).
"""

from __future__ import annotations

import codecs
import math

import numpy as np

from .answer_key import ID_COLUMN, AnswerKey
from .errors import NotTextError, Problem, ProblemCollector, SubmissionError, shown
from .reading.numbers import read_numbers
from .reading.plain import UTF8_BOM
from .reading.strict import Submission
from .reading.text_cells import read_text_cells

# An extra-columns message names this many, then says how many more.
NAMED_EXTRA_COLUMNS = 10
_PIECE = 1 << 20


def parse_submission(data: bytes, key: AnswerKey) -> Submission:
    """Validate `data` against `key`, or raise `SubmissionError` listing what is wrong."""
    start = len(UTF8_BOM) if data.startswith(UTF8_BOM) else 0
    _require_text(data, start)
    header = (ID_COLUMN, key.prediction_column)
    if _rstrip_end(data, start, len(data)) == start:
        raise SubmissionError(
            [Problem(f"the file is empty; expected a header {','.join(header)} and one row per Id")]
        )
    header_end = data.find(b"\n", start)
    header_end = len(data) if header_end < 0 else header_end
    _check_header(data, start, header_end, header)
    rows_start = header_end + 1
    rows_end = _rstrip_end(data, rows_start, len(data))
    if rows_end <= rows_start:
        raise SubmissionError(
            [Problem(f"the file has a header but no rows; expected {len(key)} rows, one per Id")]
        )
    if key.text_ids or key.metric.prediction == "label":
        submission = read_text_cells(data, rows_start, rows_end, key)
    else:
        submission = read_numbers(data, rows_start, rows_end, key)
    _check_range(submission, key)
    _check_magnitude(submission, key)
    return submission


def _check_range(submission: Submission, key: AnswerKey) -> None:
    """Refuse predictions outside the metric's declared range (`Metric.prediction_range`)."""
    if key.metric.prediction_range is None:
        return
    low, high = key.metric.prediction_range
    predictions = submission.predictions
    if predictions.min() >= low and predictions.max() <= high:  # two reductions, no temporaries
        return
    outside = np.flatnonzero((predictions < low) | (predictions > high))
    wanted = f"between {low:g} and {high:g}" if np.isfinite(high) else f"of {low:g} or more"
    lines = outside + 2 if submission.lines is None else submission.lines[outside]
    collector = ProblemCollector()
    for row, line in zip(outside[:50].tolist(), lines[:50].tolist()):
        value = float(submission.predictions[row])
        collector.add(f"{value!r} is out of range; {key.metric.name} takes predictions {wanted}",
                      int(line), key.prediction_column)  # fmt: skip
    collector.count(max(0, len(outside) - 50))
    collector.raise_if_any()


def _check_magnitude(submission: Submission, key: AnswerKey) -> None:
    """Refuse a file whose errors would overflow the metric, naming the row where they do.

    Each row is charged the largest error any of the key's targets could give it (|prediction| plus
    the largest |target|), so whether a file is refused never depends on the label a row hides, nor
    on the part it is in. (R² divides a part's errors by its targets' spread, a figure of hidden
    labels: a quotient past the largest float is scored as the worst value, never refused.)
    Which metrics can overflow, and how fast, is declared with them (`Metric.error_power`)."""
    power = key.metric.error_power
    if power is None:
        return
    worst = np.abs(submission.predictions)
    worst += key.largest_target
    with np.errstate(over="ignore"):
        total = float(np.einsum("i,i->", worst, worst)) if power == 2 else float(worst.sum())
        if math.isfinite(total):
            return
        per_row = worst * worst if power == 2 else worst
        row = int(np.argmax(~np.isfinite(np.cumsum(per_row))))
        alone = bool(np.isfinite(per_row[row]))
    line = row + 2 if submission.lines is None else int(submission.lines[row])
    value = float(submission.predictions[row])
    error = "squared error" if power == 2 else "error"
    if alone:
        why = f"from this row on, the {error}s add up past what a 64-bit float holds"
    else:
        why = f"its {error} is past what a 64-bit float holds"
    raise SubmissionError([Problem(
        f"{value!r} is too large: {why}, so {key.metric.title} would not be a number; "
        "predict on the targets' scale", line, key.prediction_column)])  # fmt: skip


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


def _check_header(data: bytes, start: int, end: int, header: tuple[str, str]) -> None:
    """The first line must be `header` (Id,Probability...); what a message shows of it is bounded."""
    header_text = ",".join(header)
    end = _rstrip_end_of(data, start, end, b"\r")
    fields = data.count(b",", start, end) + 1
    names = []  # the first few header names, each read in full only when short
    at = start
    for _ in range(min(fields, 2 + NAMED_EXTRA_COLUMNS)):
        comma = data.find(b",", at, end)
        comma = end if comma < 0 else comma
        names.append(_header_name(data, at, comma))
        at = comma + 1
    if fields == 2 and names == list(header):
        return
    if names[:2] == list(header):
        extra = ", ".join(shown(name) for name in names[2:])
        more = fields - len(names)
        if more:
            extra += f", and {more:,} more"
        message = f"extra column(s) {extra}; the header must be exactly {header_text}"
    else:
        first_line = data[start : min(end, start + 4 * 80)].decode("utf-8", errors="ignore")
        whole = end - start <= 4 * 80 and len(first_line) <= 80
        shown_line = first_line if whole else first_line[:77] + "..."
        message = f"the header must be {header_text}, found {shown_line!r}"
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

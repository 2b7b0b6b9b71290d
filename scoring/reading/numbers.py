"""Reading rows of whole-number Ids and numeric predictions (GMSC's `Id,Probability`).

A valid file takes the fast path (pandas' C parser plus vectorised checks). Anything that path
does not accept is checked by `scan.Scanner`, which finds exactly what the strict row-by-row
reader (`rows.py`, the reference) finds, in vectorised passes whose cost is linear in the file
and whose memory is bounded whatever it holds; the reference words the problems listed and reads
the values of a valid file the fast path refused.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ..answer_key import AnswerKey
from ..errors import ProblemCollector
from .plain import UTF8_BOM, ByteWindow, is_permutation, unquoted_lines
from .scan import Scanner
from .strict import Submission, parse_strict


def read_numbers(data: bytes, start: int, end: int, key: AnswerKey) -> Submission:
    """Validate the rows data[start:end] against `key`; raises `SubmissionError` listing what is wrong."""
    fast = _parse_fast(data, key, start, end)
    if fast is not None:
        return fast
    collector = ProblemCollector()
    Scanner(data, key, collector).run(start, end)
    collector.raise_if_any()
    # A valid file the fast path refused (quotes, spaces...): as many rows as the key has.
    return parse_strict(data[start:end].decode("utf-8"), key)


def _parse_fast(data: bytes, key: AnswerKey, start: int = 0, end: int | None = None) -> Submission | None:
    """The common case, the rows data[start:end], in vectorised code; None means "read it strictly
    instead". pandas reads at most one row more than the key has: a long file costs it no more."""
    end = len(data) if end is None else end
    if data.startswith(UTF8_BOM, start):  # pandas would drop it from the first Id; the reference does not
        return None
    first_line_end = data.find(b"\n", start, end)
    first_line_end = end if first_line_end < 0 else first_line_end
    if not unquoted_lines(data, start, end) or data.count(b",", start, first_line_end) != 1:
        return None
    try:
        with np.errstate(invalid="ignore"):  # an empty Id cell: the strict reader says so
            frame = pd.read_csv(
                ByteWindow(data, start, end),
                header=None,
                names=["id", "prediction"],
                # Ids left to pandas' own reading: int64 only if every cell is a whole number (asked
                # for int64, it would cast 1.0, or 0.99999999999999999, to 1).
                dtype={"prediction": "float64"},
                # Two fields on the first line: a line with more is an error, not silently cut.
                index_col=False,
                # A blank line is a row of empty cells, refused below, not skipped.
                skip_blank_lines=False,
                nrows=len(key) + 1,
                engine="c",
            )
    except (ValueError, IndexError, pd.errors.ParserError, OverflowError):
        return None
    if frame["id"].dtype != np.int64:
        return None
    predictions = frame["prediction"].to_numpy()
    if not np.isfinite(predictions).all():  # a line of one cell: its prediction is NaN
        return None
    key_rows = key.rows_of(frame["id"].to_numpy())
    if not is_permutation(key_rows, len(key)):  # also a file of more or fewer rows than the key
        return None
    return Submission(predictions, key_rows)

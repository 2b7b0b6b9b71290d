"""Checking every row of a submission in vectorised passes: time linear, memory bounded.

The strict reader (`rows.RowReader` on Python's csv module) is the reference. The scan
finds exactly the problems it finds and counts all of them, whatever the file holds, in
passes of NumPy over the bytes, a window of whole records at a time: no Python object and
no message per row. The reference words only the problems that are listed (the first 20),
from those rows' text.

Per window: where rows repeat (attack files are made of a few distinct rows), each distinct
short row is read once and its copies counted (`repeats.py`); otherwise the window's records
are read at once (`records.py`): their quotes (`quotes.py`), then their Id and prediction
cells (`columns.py`), cells that need it in full (`cells.py`). A record longer than a window
is read window by window (`long_records.py`). Each gives the reference's results
(tests/scoring/reading/test_scan.py).

Glossary of the arrays:

    x           the window's bytes (uint8)
    newlines    positions in x of its line feeds
    key_rows    per record with a usable Id: its answer-key row (-1: not in the key)
"""

from __future__ import annotations

import csv

import numpy as np

from ..answer_key import AnswerKey
from ..errors import MAX_LISTED_PROBLEMS, Problem, ProblemCollector
from .chars import NL, QUOTE
from .long_records import long_record
from .quotes import START_RECORD, quote_states
from .records import classify, crlf_error_at
from .repeats import deduped_window
from .rows import RowReader, fields_of

# Windows of at most CHUNK_BYTES, at least MIN_WINDOW, else a 16th of the rows: the temporaries of a
# window (up to some 30 bytes a byte) stay a small multiple of the file's size, whatever its size.
CHUNK_BYTES = 1 << 19
MIN_WINDOW = 1 << 16


def field_limit() -> int:
    return csv.field_size_limit()


_allocator_primed = False


def _prime_allocator() -> None:
    """Windows allocate temporaries of some hundred kilobytes each. glibc serves blocks that size
    with fresh mmap()s, page faults on every window (+0.4 s for 32 MiB), until a block of some
    megabytes has been freed: that raises its mmap threshold (M_MMAP_THRESHOLD is dynamic, up to
    32 MiB), as a server's first large upload does. Freeing one such block gets there at once;
    elsewhere than glibc it changes nothing."""
    global _allocator_primed
    if not _allocator_primed:
        block = np.empty(24 << 20, dtype=np.uint8)
        del block
        _allocator_primed = True


class Scanner:
    """Checks the rows body[start:end] against `key`, telling `collector` every problem.

    Problems come in the reference's order: those of each row in turn, the csv failure that
    ends the reading (if any), then Ids not in the key or repeated, missing Ids, the row count.
    """

    def __init__(self, body: bytes, key: AnswerKey, collector: ProblemCollector):
        self.body, self.key, self.collector = body, key, collector
        self.view = np.frombuffer(body, dtype=np.uint8)
        self.limit = field_limit()
        self.rows = 0
        self.lines_before = 0  # line feeds in the rows before the current window
        self.stopped = False  # csv failed: like the reference, read no further
        self.seen = np.zeros(len(key), dtype=bool)
        self.first_line = np.zeros(len(key), dtype=np.int64)  # kept while key problems may be listed
        self.key_problems = 0
        self.key_listed: list[Problem] = []
        self.id_digits = len(str(max(abs(int(key.ids.min())), abs(int(key.ids.max())))))
        _prime_allocator()

    def run(self, start: int, end: int) -> None:
        self.window = min(CHUNK_BYTES, max(MIN_WINDOW, (end - start) // 16))
        pos = start
        while pos < end and not self.stopped:
            stop = min(pos + self.window, end)
            if stop < end:
                stop = self.body.rfind(b"\n", pos, stop) + 1
            done = self._window(pos, stop, stop == end) if stop > pos else pos
            pos = done if done > pos else long_record(self, pos, end)
        self._finish()

    # --- a window of whole records -------------------------------------------------------------

    def _window(self, pos: int, stop: int, final: bool) -> int:
        """Reads the records of body[pos:stop] (ending with a line feed unless final); returns where
        it stopped: `stop`, the end of its last whole record, or `pos` if a record does not end."""
        x = self.view[pos:stop]
        quotes = None
        if self.body.find(b'"', pos, stop) >= 0:
            quotes = quote_states(x, np.flatnonzero(x == QUOTE), START_RECORD, None)
            if not final and quotes.end_state != START_RECORD:  # the last line feed is quoted
                ends = np.flatnonzero((x == NL) & ~quotes.inside)
                return self._window(pos, pos + int(ends[-1]) + 1, False) if len(ends) else pos
        crlf_error = crlf_error_at(x, quotes) if self.body.find(b"\r", pos, stop) >= 0 else -1
        content_feeds = quotes is not None and bool((quotes.inside & (x == NL)).any())
        newlines = None

        def line_of(at: np.ndarray) -> np.ndarray:
            """Lines of the records whose line feeds are at `at` (positions in x)."""
            nonlocal newlines
            if newlines is None:
                newlines = np.flatnonzero(x == NL)
            return self.lines_before + 2 + np.searchsorted(newlines, at)

        def text_of(begin: int, end: int) -> str:
            return self.body[pos + begin : pos + end].decode("utf-8")

        if crlf_error < 0 and deduped_window(self, x, quotes, final, line_of, text_of):
            self.lines_before += int(np.count_nonzero(x == NL))
            return stop
        rows = classify(x, quotes, crlf_error, final, self.limit, self.id_digits)
        kept = len(rows.problems)

        def lines(records: np.ndarray) -> np.ndarray:
            return line_of(rows.end[records]) if content_feeds else self.lines_before + 2 + records

        def record_text(r: int) -> str:
            return text_of(0 if r == 0 else int(rows.end[r - 1]) + 1, int(rows.end[r]))

        self.rows += kept - int(np.count_nonzero(rows.blank))
        listed = self.list_records(np.flatnonzero(rows.problems[: 1 << 12]), lambda: np.flatnonzero(rows.problems),
                                   lines, record_text)  # fmt: skip
        self.collector.count(
            int(rows.problems.sum(dtype=np.int64)) - int(rows.problems[listed].sum(dtype=np.int64))
        )
        if rows.error_at >= 0:
            self.stopped = True
            self.collector.add(
                rows.error, self.lines_before + 2 + int(np.count_nonzero(x[: rows.error_at] == NL))
            )
        if len(rows.id_rows):
            key_rows = self.key.rows_of(rows.id_value)
            key_rows[~rows.id_exact] = -1
            for begin, until in (
                (0, 1 << 12),
                (1 << 12, len(key_rows)),
            ):  # in order, while some may be listed
                if begin >= len(key_rows) or not self.listing_keys():
                    break
                part = rows.id_rows[begin:until]
                self.list_keys(key_rows[begin:until], lines(part), lambda i, r=part: record_text(int(r[i])))
            self.count_keys(key_rows, None)
        self.lines_before += int(np.count_nonzero(x == NL))
        return stop

    def list_records(self, early, everything, lines, record_text) -> list[int]:
        """Lets the reference word the problems of the first bad records (`early()` finds the
        first ones cheaply, `everything()` all of them); returns the records it read."""
        if self.collector.full:
            return []
        bad = early if len(early) >= 4 * MAX_LISTED_PROBLEMS else everything()
        listed = []
        for r in bad[: 4 * MAX_LISTED_PROBLEMS].tolist():
            if self.collector.full:
                break
            RowReader(self.collector, self.key.prediction_column).read_row(
                fields_of(record_text(r)), int(lines(np.array([r]))[0])
            )
            listed.append(r)
        return listed

    def listing_keys(self) -> bool:
        return len(self.key_listed) < MAX_LISTED_PROBLEMS and not self.collector.full

    def count_keys(self, key_rows: np.ndarray, copies: np.ndarray | None, absent: int | None = None) -> None:
        """Counts Ids not in the key (key row -1) and repeated ones, given the rows' key rows (and,
        when the rows were read once per distinct text, how many copies of each)."""
        if absent is None:
            absent = int(np.count_nonzero(key_rows < 0))
            key_rows = key_rows[key_rows >= 0]
        present = len(key_rows) if copies is None else int(copies.sum())
        before = int(np.count_nonzero(self.seen))
        self.seen[key_rows] = True
        self.key_problems += absent + present - (int(np.count_nonzero(self.seen)) - before)

    def list_keys(self, key_rows: np.ndarray, lines: np.ndarray, record_text) -> None:
        present = np.flatnonzero(key_rows >= 0)
        rows = key_rows[present]
        order = np.argsort(rows, kind="stable")
        ordered = rows[order]
        leads = np.ones(len(rows), dtype=bool)
        leads[1:] = ordered[1:] != ordered[:-1]
        group_first = np.maximum.accumulate(np.where(leads, np.arange(len(rows)), 0))
        first_here = np.empty(len(rows), dtype=np.int64)  # line of the first row with this key row
        first_here[order] = lines[present][order][group_first]
        earlier = self.first_line[rows]
        repeated = np.zeros(len(key_rows), dtype=bool)
        repeated[present] = (earlier > 0) | (first_here != lines[present])
        first_of = np.zeros(len(key_rows), dtype=np.int64)
        first_of[present] = np.where(earlier > 0, earlier, first_here)
        flagged = np.flatnonzero((key_rows < 0) | repeated)[: MAX_LISTED_PROBLEMS - len(self.key_listed)]
        for i in flagged.tolist():
            reader = RowReader(ProblemCollector(), self.key.prediction_column)
            reader.read_row(fields_of(record_text(i)), int(lines[i]))
            submitted = reader.ids[0]
            if key_rows[i] < 0:
                message = f"Id {submitted} is not in the answer key ({self.key.describe_ids()})"
            else:
                message = f"Id {submitted} appears again (first on line {int(first_of[i])})"
            self.key_listed.append(Problem(message, int(lines[i]), "Id"))
        unset = self.first_line[rows] == 0
        self.first_line[rows[unset]] = first_here[unset]

    def _finish(self) -> None:
        collector = self.collector
        for problem in self.key_listed:
            collector.add(problem.message, problem.line, problem.column)
        collector.count(self.key_problems - len(self.key_listed))
        missing = self.key.ids[~self.seen]
        if len(missing):
            examples = ", ".join(str(i) for i in missing[:5].tolist())
            collector.add(f"{len(missing)} answer-key Id(s) are missing, e.g. {examples}", column="Id")
        if self.rows != len(self.key):
            collector.add(f"expected {len(self.key)} rows (one per answer-key Id), found {self.rows}")

"""Checking every row of a submission in vectorised passes: time linear, memory bounded.

The strict reader (`rows.RowReader` on Python's csv module) is the reference. This module
finds exactly the problems it finds and counts all of them, whatever the file holds, in
passes of NumPy over the bytes, a window of whole records at a time (a record longer than a
window is read window by window): no Python object and no message per row. The reference
words only the problems that are listed (the first 20), from those rows' text.

Per window: where rows repeat (attack files are made of a few distinct rows), each distinct
short row is read once and its copies counted (`Scanner._deduped_window`); otherwise cells
that are all digits, plain decimals, or cannot be numbers are told apart at once, and the
others are read in full (`_Cells`). Both give the reference's results (tests/scoring/test_scan.py).

What it mirrors of the csv module (excel dialect, not strict) and of `float()`:
- Records end at an unquoted line feed; an unquoted carriage return ends the record's
  text and must be followed by carriage returns up to the line feed, else csv fails
  ("new-line character seen in unquoted field"), as it does on a field over its size limit.
- A quote opens a quoted field only at the start of a field; inside, a doubled quote is a
  quote, and after the closing quote any character joins the field (and quotes become
  literal). The quote states are computed for all quotes at once (`_quote_states`).
- A cell is stripped of whitespace and read as a number, non-ASCII characters read as
  CPython reads them (`chars.py`): each character becomes one byte before the cells are
  classified by the positions of their non-digit bytes.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np

from ..answer_key import AnswerKey
from ..errors import MAX_LISTED_PROBLEMS, Problem, ProblemCollector
from .chars import INVALID, special_characters
from .rows import (
    LARGEST_ID_DIGITS,
    SATURATED_EXPONENT,
    RowReader,
    empty_line_message,
    fields_message,
    fields_of,
)

# Windows of at most CHUNK_BYTES, at least MIN_WINDOW, else a 16th of the rows: the temporaries of a
# window (up to some 30 bytes a byte) stay a small multiple of the file's size, whatever its size.
CHUNK_BYTES = 1 << 19
MIN_WINDOW = 1 << 16
LARGEST_ID = 2**63 - 1

NL, CR, COMMA, QUOTE, SPACE, DOT, PLUS, MINUS = 10, 13, 44, 34, 32, 46, 43, 45
# Whitespace that str.strip() removes from a cell (line feeds and carriage returns never reach a cell).
_WHITESPACE = np.zeros(256, dtype=bool)
_WHITESPACE[[9, 11, 12, 28, 29, 30, 31, SPACE]] = True
_ENDS_FIELD = np.zeros(256, dtype=bool)  # what precedes a quote that opens a field
_ENDS_FIELD[[COMMA, NL, CR]] = True

# csv states at a window's start or end.
START_RECORD, START_FIELD, IN_FIELD, IN_QUOTED, QUOTE_IN_QUOTED, EAT_CRNL = range(6)
# States right after a quote: A in a quoted field, B a quote seen in one, C a literal quote.
_A, _B, _C = 0, 1, 2
# What lies between a quote and the one before: nothing, a field or record end, or other bytes.
_EMPTY, _DELIMITER, _OTHER = 0, 1, 2
_AFTER = np.array([[_B, _B, _B], [_A, _A, _C], [_C, _A, _C]], dtype=np.int8)  # [state, gap]


def _csv_error(rows: list[str]) -> str:
    try:
        list(csv.reader(rows))
    except csv.Error as exc:
        return f"not valid CSV: {exc}"
    raise AssertionError("csv accepted what it refuses")


# The csv module's own words (they change between Python versions).
CR_MESSAGE = _csv_error(["a\rb"])

# Kinds of cell.
EMPTY, BAD, NAN, INF, NUMBER = range(5)

# 2**1024 - 2**970: the least decimal that float() rounds to infinity, as 309 digits.
_OVERFLOW_DIGITS = str(2**1024 - 2**970)
_OVERFLOW_POWER = len(_OVERFLOW_DIGITS)
_BLOCK = 18  # digits per uint64 block when comparing with the overflow threshold
_OVERFLOW_BLOCKS = np.array(
    [int(_OVERFLOW_DIGITS[i : i + _BLOCK].ljust(_BLOCK, "0")) for i in range(0, _OVERFLOW_POWER, _BLOCK)],
    dtype=np.uint64,
)
_POW10 = np.array([10**i for i in range(20)], dtype=np.uint64)


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


@dataclass
class _Quotes:
    syntax: np.ndarray  # positions of the quotes that delimit fields (not part of any cell)
    inside: np.ndarray  # bool per byte: inside a quoted field
    end_state: int


def _quote_states(x: np.ndarray, q: np.ndarray, start_state: int, byte_before: int | None) -> _Quotes:
    """How csv reads each quote at positions q of window x, starting in `start_state`.

    After a quote the reader is in A (quoted field), B (quote inside a quoted field) or C
    (unquoted field, the quote is a literal). A maps to B whatever follows; B maps to A after a
    doubled quote or a delimiter, to C after other bytes; C maps to A only after a delimiter.
    Splitting the quotes where a delimiter precedes them, each segment alternates A and B until
    it turns C, so a segment maps its start state (A or B) to the next one's by a function of
    two values; composing those by prefix sums gives every state without a loop over quotes.
    """
    m, count = len(x), len(q)
    if start_state in (START_RECORD, START_FIELD) and count % 2 == 0:  # the usual: "..." fields
        opening, closing = q[0::2], q[1::2]
        before, after = x[np.maximum(opening - 1, 0)], x[np.minimum(closing + 1, m - 1)]
        if (
            ((opening == 0) | _ENDS_FIELD[before]).all()
            and (before != CR).all()
            and ((closing == m - 1) | _ENDS_FIELD[after]).all()
        ):
            flags = np.zeros(count + 1, dtype=bool)
            flags[1::2] = True
            inside = np.repeat(flags, np.diff(np.concatenate(([0], q, [m]))))
            end_state = QUOTE_IN_QUOTED if closing[-1] == m - 1 else _state_after(int(x[-1]))
            return _Quotes(q, inside, end_state)
    gap = np.empty(count, dtype=np.int8)
    if count > 1:
        before = x[q[1:] - 1]
        gap[1:] = np.where(q[1:] - 1 == q[:-1], _EMPTY, np.where(_ENDS_FIELD[before], _DELIMITER, _OTHER))
    # The state before the first quote, as a state after a virtual quote, and its gap.
    if start_state == IN_QUOTED:
        virtual, first_gap = _A, _EMPTY
    elif q[0] > 0:
        virtual, first_gap = _C, (_DELIMITER if _ENDS_FIELD[x[q[0] - 1]] else _OTHER)
    elif start_state == QUOTE_IN_QUOTED:
        virtual, first_gap = _B, _EMPTY
    elif start_state == IN_FIELD:
        virtual, first_gap = _C, _EMPTY
    else:  # at a field's start (after a carriage return csv fails, which the caller reports)
        virtual, first_gap = _C, (_DELIMITER if byte_before is None or _ENDS_FIELD[byte_before] else _OTHER)
    gap[0] = first_gap
    starts_segment = gap == _DELIMITER
    starts_segment[0] = True
    segment = np.flatnonzero(starts_segment)
    segment_of = np.cumsum(starts_segment) - 1
    offset = np.arange(count) - segment[segment_of]
    last = np.diff(np.append(segment, count)) - 1  # offset of each segment's last quote
    other, odd = gap == _OTHER, (offset & 1).astype(bool)
    never = count + 1
    # First offset where the state turns C, for a segment starting in A (even) or in B (odd).
    turn_a = np.minimum.reduceat(np.where(other & ~odd & (offset > 0), offset, never), segment)
    turn_b = np.minimum.reduceat(np.where(other & odd, offset, never), segment)
    end_a = np.where(turn_a <= last, _C, np.where(last & 1, _B, _A))
    end_b = np.where(turn_b <= last, _C, np.where(last & 1, _A, _B))
    next_a = np.where(end_a == _A, _B, _A).astype(np.int8)  # the delimiter-led quote after the segment
    next_b = np.where(end_b == _A, _B, _A).astype(np.int8)
    start = np.empty(len(segment), dtype=np.int8)
    start[0] = _AFTER[virtual, first_gap]
    if len(segment) > 1:
        second = _A if start[0] == _C else (next_a[0] if start[0] == _A else next_b[0])
        start[1] = second
        if len(segment) > 2:  # each later start is f(previous start), f constant or a xor
            to_a, to_b = next_a[1:-1], next_b[1:-1]
            constant = to_a == to_b
            flips = np.bitwise_xor.accumulate(np.where(constant, 0, to_a).astype(np.int8))
            last_constant = np.maximum.accumulate(np.where(constant, np.arange(len(to_a)), -1))
            known = last_constant >= 0
            at = np.maximum(last_constant, 0)
            base = np.where(known, to_a[at], second)
            start[2:] = base ^ flips ^ np.where(known, flips[at], 0)
    own_start = start[segment_of]
    turn = np.where(start == _A, turn_a, np.where(start == _B, turn_b, 0))[segment_of]
    state = np.where(offset >= turn, _C, np.where((own_start == _A) == ~odd, _A, _B)).astype(np.int8)
    literal = (state == _C) | ((state == _A) & (gap == _EMPTY))
    flags = np.empty(count + 1, dtype=bool)
    flags[0] = start_state == IN_QUOTED
    flags[1:] = state == _A
    inside = np.repeat(flags, np.diff(np.concatenate(([0], q, [m]))))
    if state[-1] == _A:
        end_state = IN_QUOTED
    elif q[-1] == m - 1:
        end_state = QUOTE_IN_QUOTED if state[-1] == _B else IN_FIELD
    else:
        end_state = _state_after(int(x[-1]))
    return _Quotes(q[~literal], inside, end_state)


def _state_after(byte: int) -> int:
    """The state after an unquoted byte (outside quoted fields)."""
    return {COMMA: START_FIELD, NL: START_RECORD, CR: EAT_CRNL}.get(byte, IN_FIELD)


def _as_characters(y: np.ndarray, keep: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
    """One byte per character (of the bytes kept): ASCII as is, other characters as CPython
    reads a number (whitespace -> space, a decimal digit -> its digit, else '?'); and where
    each comes from (None when that is the identity)."""
    lead = (y & 0xC0) != 0x80
    if keep is not None:
        lead &= keep
    origin = np.flatnonzero(lead)
    t = y[origin]
    high = np.flatnonzero(t >= 0x80)
    if len(high):
        where = origin[high]
        last = len(y) - 1
        b0 = y[where].astype(np.int64)
        b1 = y[np.minimum(where + 1, last)].astype(np.int64) & 0x3F
        b2 = y[np.minimum(where + 2, last)].astype(np.int64) & 0x3F
        b3 = y[np.minimum(where + 3, last)].astype(np.int64) & 0x3F
        code = np.where(
            b0 < 0xE0,
            ((b0 & 0x1F) << 6) | b1,
            np.where(
                b0 < 0xF0,
                ((b0 & 0x0F) << 12) | (b1 << 6) | b2,
                ((b0 & 0x07) << 18) | (b1 << 12) | (b2 << 6) | b3,
            ),
        )
        codes, replacement = special_characters()
        found = np.minimum(np.searchsorted(codes, code), len(codes) - 1)
        t[high] = np.where(codes[found] == code, replacement[found], INVALID)
    return t, origin


class _Cells:
    """Cells t[a:b], stripped, classified; nd[lo:hi] are the positions of their non-digit bytes."""

    def __init__(self, t: np.ndarray, nd: np.ndarray, tnd: np.ndarray, a, b, lo, hi, spaces: bool):
        self.t, self.nd, self.tnd = t, nd, tnd
        if spaces:
            a, b, lo, hi = _strip(t, nd, tnd, a, b, lo, hi)
        self.a, self.b = a, b
        length, odd = b - a, hi - lo  # odd: how many non-digit bytes the cell holds
        kind = np.where(length == 0, EMPTY, np.where(odd == 0, NUMBER, BAD)).astype(np.int8)
        count = len(a)
        self.negative = np.zeros(count, dtype=bool)
        self.dot = np.full(count, np.iinfo(np.int64).max)  # position of the point, if any
        self.mantissa_end = b.copy()
        self.float_form = np.zeros(count, dtype=bool)
        self.exponent = np.zeros(count, dtype=np.int64)
        rest = np.flatnonzero(odd > 0)
        if len(rest):
            kind[rest] = self._grammar(rest, a[rest], b[rest], lo[rest], hi[rest])
        self.kind = kind
        self.number = np.flatnonzero(kind == NUMBER)
        self._significance()

    def _grammar(self, rows, a, b, lo, hi):
        """Kinds of cells holding non-digit bytes: a number per float()'s grammar, nan, inf, or bad.

        A number's non-digit bytes are, in order: a sign first, a point, an e, a sign right after
        the e, each optional; the cursor `at` steps through nd[lo:hi] over those it finds."""
        t, nd, tnd = self.t, self.nd, self.tnd
        top = len(nd) - 1

        def at_cursor(at):
            inside = at < hi
            index = np.minimum(at, top)
            return np.where(inside, tnd[index], 0), nd[index]

        char, where = tnd[lo], nd[lo]
        sign_first = ((char == PLUS) | (char == MINUS)) & (where == a)
        negative = sign_first & (char == MINUS)
        at = lo + sign_first
        char, where = at_cursor(at)
        has_dot = char == DOT
        dot = np.where(has_dot, where, np.iinfo(np.int64).max)
        at += has_dot
        char, where = at_cursor(at)
        has_e = (char == ord("e")) | (char == ord("E"))
        e_at = np.where(has_e, where, b)
        at += has_e
        char, where = at_cursor(at)
        exponent_sign = has_e & ((char == PLUS) | (char == MINUS)) & (where == e_at + 1)
        at += exponent_sign
        exponent_start = e_at + 1 + exponent_sign
        number = (at == hi) & (e_at - a - sign_first - has_dot >= 1) & (~has_e | (b > exponent_start))
        kind = np.where(number, NUMBER, BAD).astype(np.int8)
        self.negative[rows] = negative
        self.dot[rows] = dot
        self.mantissa_end[rows] = e_at
        self.float_form[rows] = has_dot | has_e
        with_e = np.flatnonzero(number & has_e)
        if len(with_e):
            value = self._digits_value_saturated(exponent_start[with_e], b[with_e])
            negative = t[e_at[with_e] + 1] == MINUS
            self.exponent[rows[with_e]] = np.where(negative, -value, value)
        # nan, inf, infinity, any case, with a sign: every byte is a non-digit.
        size = b - a
        words = np.flatnonzero(
            ~number & (hi - lo == size) & ((size == 3) | (size == 4) | (size == 8) | (size == 9))
        )
        if len(words):
            kind[words] = self._words(a[words], b[words])
        return kind

    def _words(self, a, b):
        t = self.t
        signed = (t[a] == PLUS) | (t[a] == MINUS)
        start, length = a + signed, b - a - signed
        letters = t[np.minimum(start[:, None] + np.arange(8), len(t) - 1)]
        letters = np.where((letters >= 65) & (letters <= 90), letters | 0x20, letters)
        word = np.where(np.arange(8) < length[:, None], letters, 0)

        def equals(text: bytes):
            pattern = np.zeros(8, dtype=np.uint8)
            pattern[: len(text)] = np.frombuffer(text, dtype=np.uint8)
            return (length == len(text)) & (word == pattern).all(axis=1)

        return np.where(equals(b"nan"), NAN, np.where(equals(b"inf") | equals(b"infinity"), INF, BAD)).astype(
            np.int8
        )

    def _digits_value_saturated(self, start, end):
        """Value of the digit runs t[start:end], SATURATED_EXPONENT when it has more than 9 digits."""
        first = self._first_nonzero(start, end)
        length = end - first
        value = self._digits(first, np.minimum(length, 9), np.full(len(start), np.iinfo(np.int64).max))
        return np.where(length > 9, SATURATED_EXPONENT, value.astype(np.int64))

    def _first_nonzero(self, start, end):
        """Position of the first byte in '1'..'9' in t[start:end] (only digits and a point there), else end."""
        t = self.t
        top = len(t) - 1
        at = start.copy()
        for _ in range(4):
            byte = t[np.minimum(at, top)]
            moving = (at < end) & ((byte == 48) | (byte == DOT))
            if not moving.any():
                return np.minimum(at, end)
            at += moving
        nonzero = np.flatnonzero((t >= 49) & (t <= 57))
        found = np.searchsorted(nonzero, at)
        hit = nonzero[np.minimum(found, len(nonzero) - 1)] if len(nonzero) else end
        return np.where((found < len(nonzero)) & (hit < end), hit, end)

    def _last_nonzero(self, start, end):
        """Position of the last byte in '1'..'9' in t[start:end], else start - 1."""
        t = self.t
        at = end - 1
        for _ in range(4):
            byte = t[np.maximum(at, 0)]
            moving = (at >= start) & ((byte == 48) | (byte == DOT))
            if not moving.any():
                return np.maximum(at, start - 1)
            at -= moving
        nonzero = np.flatnonzero((t >= 49) & (t <= 57))
        found = np.searchsorted(nonzero, at, side="right") - 1
        hit = nonzero[np.maximum(found, 0)] if len(nonzero) else start - 1
        return np.where((found >= 0) & (hit >= start), hit, start - 1)

    def _digits(self, first, count, dot, skip=None):
        """uint64 value of `count` (<= 19) digits from position `first`, stepping over the point at
        `dot`; digits from the `skip`-th one (0 by default); past the cell's digits reads zeros."""
        t = self.t
        value = np.zeros(len(first), dtype=np.uint64)
        top = len(t) - 1
        if len(first) == 0:
            return value
        offset = np.zeros(len(first), dtype=np.int64) if skip is None else skip
        for j in range(int(count.max(initial=0))):
            index = first + offset + j
            index = index + (index >= dot)
            digit = (t[np.minimum(index, top)].astype(np.int64) - 48).astype(np.uint64)
            value = np.where(j < count, value * np.uint64(10) + digit, value)
        return value

    def _significance(self):
        """For number cells: first significant digit, decimal power k of the value 0.ddd × 10**k."""
        rows = self.number
        a, dot, end = self.a[rows], self.dot[rows], self.mantissa_end[rows]
        sign = self.t[a]
        start = a + ((sign == PLUS) | (sign == MINUS))
        first = self._first_nonzero(start, end)
        integer_end = np.minimum(dot, end)
        self.first = first
        self.zero = first >= end
        power = np.where(first < integer_end, integer_end - first, -(first - dot - 1))
        self.power = np.where(self.zero, 0, power + self.exponent[rows])

    def finite(self) -> np.ndarray:
        """For number cells: whether float() of the cell is finite."""
        rows = self.number
        finite = self.zero | (self.power < _OVERFLOW_POWER)
        edge = np.flatnonzero(~self.zero & (self.power == _OVERFLOW_POWER))
        if len(edge):
            finite[edge] = ~self._at_least_overflow(edge, rows[edge])
        return finite

    def _at_least_overflow(self, edge, rows):
        first, dot, end = self.first[edge], self.dot[rows], self.mantissa_end[rows]
        dot = np.where(dot > first, dot, np.iinfo(np.int64).max)
        available = end - first - (dot < end)  # significant digits present (and zeros among them)
        result = np.ones(len(edge), dtype=bool)  # all blocks equal: the threshold itself rounds up
        undecided = np.arange(len(edge))
        for block, limit in enumerate(_OVERFLOW_BLOCKS):
            skip = block * _BLOCK
            count = np.clip(available[undecided] - skip, 0, _BLOCK)
            value = self._digits(first[undecided], count, dot[undecided], np.full(len(undecided), skip))
            value = value * _POW10[_BLOCK - count]
            bigger, smaller = value > limit, value < limit
            result[undecided[bigger]] = True
            result[undecided[smaller]] = False
            undecided = undecided[~(bigger | smaller)]
            if not len(undecided):
                break
        return result

    def whole_values(self, max_digits: int):
        """For number cells read as Ids: (whole, too_large, value, exact); value is exact where the
        number is whole and has at most `max_digits` digits (or exactly 19, to compare with 2**63)."""
        rows = self.number
        dot, end = self.dot[rows], self.mantissa_end[rows]
        first, power = self.first, self.power
        last = self._last_nonzero(first, end)
        dot_inside = (dot > first) & (dot < last)
        significant = np.where(self.zero, 0, last - first + 1 - dot_inside)
        whole = self.zero | (power >= significant)
        exact = whole & ((power <= max_digits) | (power == LARGEST_ID_DIGITS))
        value = np.zeros(len(rows), dtype=np.uint64)
        pick = np.flatnonzero(exact & ~self.zero)
        if len(pick):
            dot_at = np.where(dot[pick] > first[pick], dot[pick], np.iinfo(np.int64).max)
            digits = self._digits(first[pick], significant[pick], dot_at)
            value[pick] = digits * _POW10[np.clip(power[pick] - significant[pick], 0, 19)]
        too_large = whole & (
            (power > LARGEST_ID_DIGITS) | ((power == LARGEST_ID_DIGITS) & (value > LARGEST_ID))
        )
        signed = value.astype(np.int64)  # exact where not too large
        signed = np.where(self.negative[rows], -signed, signed)
        return whole, too_large, signed, exact & ~too_large


def _cut_at_character(body: bytes, start: int, stop: int, end: int) -> int:
    """`stop` moved so that the window from `start` holds whole UTF-8 characters, at least one."""
    cut = stop
    while start < cut < end and (body[cut] & 0xC0) == 0x80:
        cut -= 1
    if cut == start:
        cut = start + 1
        while cut < end and (body[cut] & 0xC0) == 0x80:
            cut += 1
    return cut


@dataclass
class _Rows:
    """What a window's records hold, one entry per record read (all, or those before csv failed)."""

    end: np.ndarray  # where each record of the window ends: its line feed, or the window's end
    problems: np.ndarray  # format problems of each record read: 0, 1 or 2
    blank: np.ndarray  # records that are blank lines
    id_rows: np.ndarray  # records whose Id can be looked up in the key
    id_value: np.ndarray  # that Id (exact where id_exact, else known to be beyond the key)
    id_exact: np.ndarray
    error_at: int = -1  # where csv failed, if it did
    error: str = ""


# De-duplication of short records: worth it when a window's rows repeat. A random sample of them
# decides (an upload cannot aim at fixed positions; the path taken changes no result), then each
# block of rows is hashed, giving up when more than _DEDUPE_MOST of a block differ.
_DEDUPE_BYTES = 1 << 16
_DEDUPE_SAMPLE, _DEDUPE_SAMPLE_MOST = 512, 128
_DEDUPE_BLOCK = 1 << 16
_DEDUPE_MOST = _DEDUPE_BLOCK // 4
_sampling = np.random.default_rng()
_SHORT = 16
_MASKS = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)
# Bytes that can start a number's non-digit part, or inf/nan.
_NUMBER_CHARACTER = np.zeros(256, dtype=bool)
_NUMBER_CHARACTER[[PLUS, MINUS, DOT] + list(b"eEiInN")] = True


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
            pos = done if done > pos else self._long_record(pos, end)
        self._finish()

    # --- a window of whole records -------------------------------------------------------------

    def _window(self, pos: int, stop: int, final: bool) -> int:
        """Reads the records of body[pos:stop] (ending with a line feed unless final); returns where
        it stopped: `stop`, the end of its last whole record, or `pos` if a record does not end."""
        x = self.view[pos:stop]
        quotes = None
        if self.body.find(b'"', pos, stop) >= 0:
            quotes = _quote_states(x, np.flatnonzero(x == QUOTE), START_RECORD, None)
            if not final and quotes.end_state != START_RECORD:  # the last line feed is quoted
                ends = np.flatnonzero((x == NL) & ~quotes.inside)
                return self._window(pos, pos + int(ends[-1]) + 1, False) if len(ends) else pos
        crlf_error = _crlf_error(x, quotes) if self.body.find(b"\r", pos, stop) >= 0 else -1
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

        if crlf_error < 0 and len(x) > _DEDUPE_BYTES and self.limit >= 2 * _SHORT:
            if self._deduped_window(x, quotes, final, line_of, text_of):
                self.lines_before += int(np.count_nonzero(x == NL))
                return stop
        rows = _classify(x, quotes, crlf_error, final, self.limit, self.id_digits)
        kept = len(rows.problems)

        def lines(records: np.ndarray) -> np.ndarray:
            return line_of(rows.end[records]) if content_feeds else self.lines_before + 2 + records

        def record_text(r: int) -> str:
            return text_of(0 if r == 0 else int(rows.end[r - 1]) + 1, int(rows.end[r]))

        self.rows += kept - int(np.count_nonzero(rows.blank))
        listed = self._list_records(np.flatnonzero(rows.problems[: 1 << 12]), lambda: np.flatnonzero(rows.problems),
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
                if begin >= len(key_rows) or not self._listing_keys():
                    break
                part = rows.id_rows[begin:until]
                self._list_keys(key_rows[begin:until], lines(part), lambda i, r=part: record_text(int(r[i])))
            self._count_keys(key_rows, None)
        self.lines_before += int(np.count_nonzero(x == NL))
        return stop

    def _deduped_window(self, x, quotes, final, line_of, text_of) -> bool:
        """Reads the window's records once per distinct short text, counting the copies; False (and
        nothing done) when too many differ or are long."""
        feeds = x == NL
        if quotes is not None:
            feeds &= ~quotes.inside
        after_feed = np.empty(len(x), dtype=bool)
        after_feed[0] = True
        after_feed[1:] = feeds[:-1]
        blank_feeds = feeds & after_feed  # empty lines: never stored one by one
        start = np.flatnonzero(~feeds & after_feed)
        end = np.flatnonzero(feeds & ~after_feed)
        open_end = len(end) < len(start)  # the last record ends with the text
        if open_end:
            end = np.append(end, len(x))
        count = len(start)
        length = end - start
        longest = int(length[: count - open_end].max(initial=0))
        if longest > _SHORT:
            short = length <= _SHORT
            short[count - 1 :] &= not open_end
            which = np.flatnonzero(short)
            if len(which) < count - count // 4:
                return False
        else:
            which = np.arange(count - open_end)
        padded = np.zeros((len(x) + 31) // 8 * 8, dtype=np.uint8)
        padded[: len(x)] = x
        words = padded.view("<u8")

        def packed(chosen):
            first, size = start[chosen], length[chosen]
            low = _word_at(words, first) & _MASKS[np.minimum(size, 8)]
            high = _word_at(words, first + 8) & _MASKS[np.clip(size - 8, 0, 8)] if longest > 8 else None
            return low, high

        if len(which) > _DEDUPE_SAMPLE:
            sample = which[_sampling.integers(0, len(which), _DEDUPE_SAMPLE)]
            if _factorize(*packed(sample), _DEDUPE_SAMPLE_MOST) is None:
                return False
        low, high = packed(which)
        codes = np.empty(len(which), dtype=np.int64)
        texts, distinct = [], 0
        for at in range(0, len(which), _DEDUPE_BLOCK):
            block = slice(at, at + _DEDUPE_BLOCK)
            found = _factorize(low[block], None if high is None else high[block], _DEDUPE_MOST)
            if found is None:
                return False
            block_codes, block_texts = found
            codes[block] = block_codes + distinct
            texts.append(block_texts)
            distinct += len(block_texts)
        texts = np.concatenate(texts) if texts else np.zeros(0, dtype="S8")
        others = (
            np.setdiff1d(np.arange(count), which, assume_unique=True) if len(which) < count else which[:0]
        )
        source = _joined_texts(texts, padded, start[others], end[others], open_end)
        sub = _classify(source, None, -1, True, self.limit, self.id_digits, with_quotes=quotes is not None)
        chosen = distinct + len(others)
        if sub.error_at >= 0 or len(sub.problems) != chosen:
            return False
        index = np.empty(count, dtype=np.int64)
        index[which] = codes
        index[others] = distinct + np.arange(len(others))
        # What each distinct record holds, and how many records hold it.
        problems = sub.problems.astype(np.int64)
        key_rows = np.full(chosen, -2)  # -2: no usable Id
        if len(sub.id_rows):
            found_rows = self.key.rows_of(sub.id_value)
            key_rows[sub.id_rows] = np.where(sub.id_exact, found_rows, -1)
        copies = np.bincount(index, minlength=chosen)
        blanks = int(np.count_nonzero(blank_feeds))
        self.rows += int(copies @ ~sub.blank)

        def records_with_problems(limit: int | None) -> np.ndarray:
            """Line-feed positions of the first records with problems (blank lines included)."""
            scope = len(x) if limit is None else int(end[min(limit, count) - 1]) + 1 if count else len(x)
            wanted = 4 * MAX_LISTED_PROBLEMS
            bad = end[np.flatnonzero(problems[index[:limit]] > 0)[:wanted]]
            return np.sort(np.concatenate((bad, _first_true(blank_feeds[:scope], wanted))))[:wanted]

        def record_at(feed: int) -> int:
            return int(np.searchsorted(end, feed))

        def lines(feeds_at: np.ndarray) -> np.ndarray:
            return line_of(feeds_at)

        def record_text(feed: int) -> str:
            r = record_at(feed)
            return "" if r >= count or end[r] != feed else text_of(int(start[r]), int(end[r]))

        listed = self._list_records(records_with_problems(1 << 12), lambda: records_with_problems(None), lines,
                                    record_text)  # fmt: skip
        listed_problems = sum(
            1
            if record_at(int(f)) >= count or end[record_at(int(f))] != f
            else int(problems[index[record_at(int(f))]])
            for f in listed
        )
        self.collector.count(blanks + int(copies @ problems) - listed_problems)
        usable = key_rows > -2
        for begin, until in ((0, 1 << 12), (1 << 12, count)):  # in order, while some may be listed
            if begin >= count or not self._listing_keys():
                break
            with_id = begin + np.flatnonzero(usable[index[begin:until]])
            at = end[with_id]
            self._list_keys(
                key_rows[index[with_id]],
                lines(at),
                lambda i, r=with_id: text_of(int(start[r[i]]), int(end[r[i]])),
            )
        present = (key_rows >= 0) & (copies > 0)
        self._count_keys(key_rows[present], copies[present], absent=int(copies[key_rows == -1].sum()))
        return True

    # --- a record longer than a window ---------------------------------------------------------

    def _long_record(self, pos: int, end: int) -> int:
        """Reads the one record starting at `pos` window by window; returns where the next starts."""
        state, byte_before = START_RECORD, None
        commas, field = 0, 0  # delimiters seen, characters of the current field
        text_end = -1  # where the record's text ended (its first unquoted carriage return)
        error, crlf = -1, False
        p = pos
        record_end = end
        while p < end:
            stop = _cut_at_character(self.body, p, min(p + self.window, end), end)
            x = self.view[p:stop]
            if state == EAT_CRNL and x[0] != CR and x[0] != NL:
                error, crlf = p, True
                break
            if self.body.find(b'"', p, stop) >= 0:
                quotes = _quote_states(x, np.flatnonzero(x == QUOTE), state, byte_before)
                inside, syntax, state_after = quotes.inside, quotes.syntax, quotes.end_state
            else:
                inside = np.full(len(x), state == IN_QUOTED)
                syntax = np.empty(0, dtype=np.int64)
                state_after = IN_QUOTED if state == IN_QUOTED else _state_after(int(x[-1]))
            outside = ~inside
            feeds = np.flatnonzero((x == NL) & outside)
            size = int(feeds[0]) if len(feeds) else len(x)  # bytes of this record in the window
            crs = np.flatnonzero((x[:size] == CR) & outside[:size])
            if len(crs):
                after = x[np.minimum(crs + 1, len(x) - 1)]
                bad = (crs + 1 < len(x)) & (after != CR) & (after != NL)
                if bad.any():
                    error, crlf = p + int(crs[np.argmax(bad)]) + 1, True
                if text_end < 0:
                    text_end = p + int(crs[0])
            text = size if text_end < 0 else max(min(text_end - p, size), 0)
            delimiters = np.flatnonzero((x[:text] == COMMA) & outside[:text])
            characters = (x[:text] & 0xC0) != 0x80
            characters[syntax[syntax < text]] = False
            cumulative = np.concatenate(([0], np.cumsum(characters)))
            bounds = np.concatenate(([0], delimiters + 1))
            lengths = cumulative[np.append(delimiters, text)] - cumulative[bounds]
            lengths[0] += field
            over = np.flatnonzero(lengths > self.limit)
            if len(over):
                first = int(over[0])
                need = self.limit + 1 - (field if first == 0 else 0)
                at = int(np.searchsorted(cumulative, cumulative[bounds[first]] + need))  # 1 + index
                position = p + at - 1
                if error < 0 or position < error:
                    error, crlf = position, False
            if error >= 0:
                break
            commas += len(delimiters)
            field = int(lengths[-1])
            if len(feeds):
                record_end = p + size
                break
            state, byte_before = state_after, int(x[-1])
            p = stop
        line = self.lines_before + 2 + self.body.count(b"\n", pos, record_end if error < 0 else error)
        if error >= 0:
            self.stopped = True
            self.collector.add(CR_MESSAGE if crlf else _field_message(self.limit), line)
            return end
        text_stop = record_end if text_end < 0 else text_end
        if text_stop == pos:
            self.collector.add(empty_line_message(self.key.prediction_column), line)
        elif commas != 1:
            self.rows += 1
            self.collector.add(fields_message(self.key.prediction_column, commas + 1), line)
        else:
            self.rows += 1
            text = self.body[pos:text_stop].decode("utf-8")
            scratch = ProblemCollector()
            reader = RowReader(scratch, self.key.prediction_column)
            reader.read_row(fields_of(text), line)
            for problem in scratch.problems:
                self.collector.add(problem.message, problem.line, problem.column)
            if reader.ids:
                value = np.array(reader.ids, dtype=np.int64)
                key_rows = self.key.rows_of(value)
                if self._listing_keys():
                    self._list_keys(key_rows, np.array([line]), lambda i: text)
                self._count_keys(key_rows, None)
        self.lines_before += self.body.count(b"\n", pos, min(record_end + 1, end))
        return record_end + 1

    # --- problems ------------------------------------------------------------------------------

    def _list_records(self, early, everything, lines, record_text) -> list[int]:
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

    def _listing_keys(self) -> bool:
        return len(self.key_listed) < MAX_LISTED_PROBLEMS and not self.collector.full

    def _count_keys(self, key_rows: np.ndarray, copies: np.ndarray | None, absent: int | None = None) -> None:
        """Counts Ids not in the key (key row -1) and repeated ones, given the rows' key rows (and,
        when the rows were read once per distinct text, how many copies of each)."""
        if absent is None:
            absent = int(np.count_nonzero(key_rows < 0))
            key_rows = key_rows[key_rows >= 0]
        present = len(key_rows) if copies is None else int(copies.sum())
        before = int(np.count_nonzero(self.seen))
        self.seen[key_rows] = True
        self.key_problems += absent + present - (int(np.count_nonzero(self.seen)) - before)

    def _list_keys(self, key_rows: np.ndarray, lines: np.ndarray, record_text) -> None:
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


def _field_message(limit: int) -> str:
    return f"not valid CSV: field larger than field limit ({limit})"


def _crlf_error(x: np.ndarray, quotes: _Quotes | None) -> int:
    """Position of the byte after an unquoted carriage return that csv refuses (not a CR or LF), or -1."""
    crs = np.flatnonzero(x == CR)
    if quotes is not None:
        crs = crs[~quotes.inside[crs]]
    after = x[np.minimum(crs + 1, len(x) - 1)]
    bad = (crs + 1 < len(x)) & (after != CR) & (after != NL)
    return int(crs[np.argmax(bad)]) + 1 if bad.any() else -1


def _first_true(mask: np.ndarray, wanted: int) -> np.ndarray:
    """Positions of the first `wanted` True values of `mask`, looking no further than needed."""
    size = 1 << 12
    while True:
        found = np.flatnonzero(mask[:size])
        if len(found) >= wanted or size >= len(mask):
            return found[:wanted]
        size <<= 4


def _word_at(words: np.ndarray, at: np.ndarray) -> np.ndarray:
    """The 8 bytes from each byte offset `at` of the buffer `words` views, as little-endian uint64."""
    index, shift = at >> 3, (at & 7).astype(np.uint64) << np.uint64(3)
    return (words[index] >> shift) | ((words[index + 1] << np.uint64(1)) << (np.uint64(63) - shift))


def _factorize(low: np.ndarray, high: np.ndarray | None, most: int):
    """Codes (in order of first appearance) of the distinct texts packed in (low, high), and those
    texts as bytes; None when more than `most` differ."""
    import pandas as pd  # only here: hashing is what de-duplication needs pandas for

    codes, distinct = pd.factorize(low)
    if len(distinct) > most:
        return None
    if high is None:
        return codes, distinct.astype("<u8").view("S8")
    high_codes, high_distinct = pd.factorize(high)
    if len(high_distinct) > most:
        return None
    codes, pairs = pd.factorize(codes * len(high_distinct) + high_codes)
    if len(pairs) > most:
        return None
    packed = np.empty((len(pairs), 2), dtype="<u8")
    packed[:, 0] = distinct[pairs // len(high_distinct)]
    packed[:, 1] = high_distinct[pairs % len(high_distinct)]
    return codes, packed.view("S16").ravel()


def _joined_texts(texts: np.ndarray, padded: np.ndarray, start, end, open_end: bool) -> np.ndarray:
    """The distinct short texts, then the records padded[start:end], each followed by a line feed
    (but an open last record)."""
    head = np.frombuffer(b"".join(text + b"\n" for text in texts.tolist()), dtype=np.uint8)
    if not len(start):
        return head
    return np.concatenate((head, _joined(padded, start, end, open_end)))


def _joined(padded: np.ndarray, start: np.ndarray, end: np.ndarray, open_end: bool) -> np.ndarray:
    """The records padded[start:end] each followed by a line feed (but an open last one)."""
    length = end - start + 1
    total = int(length.sum())
    out_start = np.cumsum(length) - length
    source = np.arange(total) - np.repeat(out_start - start, length)
    joined = padded[source]
    joined[out_start + length - 1] = NL
    return joined[:-1] if open_end else joined


def _classify(x, quotes, crlf_error, final, limit, id_digits, with_quotes=True) -> _Rows:
    """Reads every record of window x (whole records; `final`: the last one may end the text)."""
    if quotes is None and with_quotes and (x == QUOTE).any():
        quotes = _quote_states(x, np.flatnonzero(x == QUOTE), START_RECORD, None)
    inside = quotes.inside if quotes is not None else None
    if quotes is not None:
        y = x
        if inside.any():
            y = x.copy()
            y[inside & (x == COMMA)] = INVALID
            y[inside & ((x == NL) | (x == CR))] = SPACE
        keep = np.ones(len(x), dtype=bool)
        keep[quotes.syntax] = False
        t, origin = _as_characters(y, keep)
    elif int(x.max(initial=0)) >= 0x80:
        t, origin = _as_characters(x, None)
    else:
        t, origin = x, None
    nd = np.flatnonzero((t - np.uint8(48)) > 9)  # every non-digit byte: the rest are digits
    tnd = t[nd]
    tix = np.flatnonzero(tnd == NL)
    if (
        final and len(x) and (x[-1] != NL or (inside is not None and inside[-1]))
    ):  # the last record ends the text
        nd, tnd = np.append(nd, len(t)), np.append(tnd, np.uint8(NL))
        tix = np.append(tix, len(nd) - 1)
    count = len(tix)
    ends = nd[tix]
    starts = np.empty(count, dtype=np.int64)
    starts[:1] = 0
    starts[1:] = ends[:-1] + 1
    prev = np.empty(count, dtype=np.int64)
    prev[:1] = -1
    prev[1:] = tix[:-1]
    is_cr = tnd == CR
    if is_cr.any():  # carriage returns before a line feed end a record's text
        crix = np.flatnonzero(is_cr)
        if (t[np.minimum(nd[crix] + 1, len(t) - 1)] == NL).all():
            text_ix = tix - ((tix - 1 > prev) & is_cr[np.maximum(tix - 1, 0)])
        else:  # the record's text ends at its first carriage return
            cumulative = np.cumsum(is_cr)
            before = np.where(prev >= 0, cumulative[np.maximum(prev, 0)], 0)
            has_cr = cumulative[tix] > before
            text_ix = np.where(has_cr, crix[np.minimum(before, len(crix) - 1)], tix)
    else:
        text_ix = tix
    text_end = nd[text_ix]
    blank = text_end == starts
    end_x = ends if origin is None else np.append(origin, len(x))[ends]
    if quotes is not None and len(quotes.syntax) and blank.any():  # `""` is a field, not a blank line
        candidates = np.flatnonzero(blank)
        first_x = np.where(candidates > 0, end_x[np.maximum(candidates - 1, 0)] + 1, 0)
        byte = x[np.minimum(first_x, len(x) - 1)]
        blank[candidates] = (first_x >= len(x)) | (byte == NL) | (byte == CR)
    cix = np.flatnonzero(tnd == COMMA)
    if len(cix) == count and (cix > prev).all() and (cix < text_ix).all():
        fields = np.full(count, 2)
        comma = cix
    else:
        cumulative = np.cumsum(tnd == COMMA)
        commas_before = np.where(prev >= 0, cumulative[np.maximum(prev, 0)], 0)
        commas_to_end = np.where(text_ix > 0, cumulative[np.maximum(text_ix - 1, 0)], 0)
        fields = np.where(blank, 0, commas_to_end - commas_before + 1)
        comma = cix[np.minimum(commas_before, len(cix) - 1)] if len(cix) else commas_before
    errors = [] if crlf_error < 0 else [crlf_error]
    field_error = _field_error(nd, tnd, starts, prev, text_ix, text_end, limit)
    if field_error >= 0:
        errors.append(field_error if origin is None else int(origin[field_error]))
    error_at = min(errors, default=-1)
    kept = count if error_at < 0 else int(np.searchsorted(end_x, error_at))
    fields, blank = fields[:kept], blank[:kept]
    problems = (blank | (fields != 2)).astype(np.int8)
    two = np.flatnonzero(fields == 2)
    id_rows = two[:0]
    id_value, id_exact = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=bool)
    if len(two):
        cid = comma[two]
        at = nd[cid]
        spaces = bool(_WHITESPACE[tnd].any())
        id_ok, id_value, id_exact = _read_ids(
            t, nd, tnd, starts[two], at, prev[two] + 1, cid, spaces, id_digits
        )
        score_ok = _read_scores(t, nd, tnd, at + 1, text_end[two], cid + 1, text_ix[two], spaces)
        problems[two] = (~id_ok).astype(np.int8) + ~score_ok
        id_rows, id_value, id_exact = two[id_ok], id_value[id_ok], id_exact[id_ok]
    message = ""
    if error_at >= 0:
        message = CR_MESSAGE if error_at == crlf_error else _field_message(limit)
    return _Rows(end_x, problems, blank, id_rows, id_value, id_exact, error_at, message)


def _field_error(nd, tnd, starts, prev, text_ix, text_end, limit) -> int:
    """Position in t of the first character over the field size limit, or -1."""
    for r in np.flatnonzero(text_end - starts > limit).tolist():
        lo, hi = int(prev[r]) + 1, int(text_ix[r])
        commas = nd[lo:hi][tnd[lo:hi] == COMMA]
        begin = np.concatenate(([starts[r]], commas + 1))
        end = np.concatenate((commas, [text_end[r]]))
        over = np.flatnonzero(end - begin > limit)
        if len(over):
            return int(begin[over[0]]) + limit
    return -1


def _strip(t, nd, tnd, a, b, lo, hi):
    """Cells t[a:b] with non-digits nd[lo:hi], stripped of whitespace as str.strip() does."""
    a, b, lo, hi = a.copy(), b.copy(), lo.copy(), hi.copy()
    top = len(nd) - 1
    for _ in range(8):  # short runs of spaces: step over them
        lead = (lo < hi) & (nd[np.minimum(lo, top)] == a) & _WHITESPACE[tnd[np.minimum(lo, top)]]
        trail = (lo < hi) & (nd[np.maximum(hi - 1, 0)] == b - 1) & _WHITESPACE[tnd[np.maximum(hi - 1, 0)]]
        if not (lead.any() or trail.any()):
            return a, b, lo, hi
        a += lead
        lo += lead
        both = trail & (lo < hi)
        b -= both
        hi -= both
    # Long runs: jump to the nearest non-space byte.
    solid = np.flatnonzero(~_WHITESPACE[t])
    start = solid[np.minimum(np.searchsorted(solid, a), len(solid) - 1)] if len(solid) else b
    start = np.where((len(solid) > 0) & (start < b) & (start >= a), start, b)
    lo = lo + (start - a)
    a = start
    at = np.searchsorted(solid, b) - 1
    end = np.where(at >= 0, solid[np.maximum(at, 0)] + 1, a)
    end = np.maximum(np.minimum(end, b), a)
    hi = hi - (b - end)
    return a, end, lo, hi


def _read_scores(t, nd, tnd, a, b, lo, hi, spaces) -> np.ndarray:
    """Which Probability cells float() reads as a finite number: all-digit cells, plain decimals
    and plain exponents at once, cells that cannot be numbers at once, the others in full."""
    if spaces:
        a, b, lo, hi = _strip(t, nd, tnd, a, b, lo, hi)
    size, odd = b - a, hi - lo
    short = size < _OVERFLOW_POWER
    ok = (odd == 0) & (size >= 1) & short
    if ok.all():
        return ok
    at = nd[np.minimum(lo, len(nd) - 1)]  # the first non-digit byte, where there is one
    first = np.where(odd > 0, tnd[np.minimum(lo, len(tnd) - 1)], 0)
    single = odd == 1
    ok |= single & (first == DOT) & (size >= 2) & short  # digits . digits
    # digits e digits (no leading zero, at most 3 exponent digits): 10**(digits + exponent) decides.
    exponent = b - at - 1
    plain_e = (
        single & ((first == ord("e")) | (first == ord("E"))) & (at > a) & (exponent >= 1) & (exponent <= 3)
        & (t[np.minimum(a, len(t) - 1)] != 48) & ((t[np.minimum(at + 1, len(t) - 1)] != 48) | (exponent == 1))
    )  # fmt: skip
    decided = ok.copy()
    if plain_e.any():
        which = np.flatnonzero(plain_e)
        power = at[which] - a[which] + _plain_value(t, at[which] + 1, exponent[which])
        edge = power == _OVERFLOW_POWER
        ok[which] = power < _OVERFLOW_POWER
        decided[which[~edge]] = True
    # A cell without a digit (nan, inf, words) is never a finite number.
    maybe = np.flatnonzero(~decided & ((odd == 0) | _NUMBER_CHARACTER[first]) & (odd < size))
    if len(maybe):
        cells = _Cells(t, nd, tnd, a[maybe], b[maybe], lo[maybe], hi[maybe], False)
        found = np.zeros(len(maybe), dtype=bool)
        found[cells.number] = cells.finite()
        ok[maybe] = found
    return ok


def _read_ids(t, nd, tnd, a, b, lo, hi, spaces, id_digits):
    """Which Id cells hold an Id, its value, and whether that value is exact (else beyond the key)."""
    if spaces:
        a, b, lo, hi = _strip(t, nd, tnd, a, b, lo, hi)
    count = len(a)
    size, odd = b - a, hi - lo
    value = np.zeros(count, dtype=np.int64)
    leading_zero = t[np.minimum(a, len(t) - 1)] == 48
    digits = (odd == 0) & (size >= 1) & ~(leading_zero & (size > 1))  # plain whole numbers
    short = np.flatnonzero(digits & (size <= id_digits))
    if len(short):
        value[short] = _plain_value(t, a[short], size[short])
    exact = digits & (size <= id_digits)
    ok = digits & (size < LARGEST_ID_DIGITS)
    rest = np.flatnonzero(~digits & (size >= 1) | (digits & (size == LARGEST_ID_DIGITS)))
    if len(rest):
        first = tnd[np.minimum(lo[rest], len(tnd) - 1)]
        # A cell without a digit (nan, inf, words) is never a whole number.
        maybe = rest[((odd[rest] == 0) | _NUMBER_CHARACTER[first]) & (odd[rest] < size[rest])]
        if len(maybe):
            cells = _Cells(t, nd, tnd, a[maybe], b[maybe], lo[maybe], hi[maybe], False)
            found_ok, found_value, found_exact = _ids(cells, id_digits)
            ok[maybe] = found_ok
            value[maybe] = found_value
            exact[maybe] = found_exact
    return ok, value, exact


def _plain_value(t, a, size) -> np.ndarray:
    """Values of the all-digit cells t[a:a + size] (no leading zero, at most 18 digits)."""
    value = np.zeros(len(a), dtype=np.int64)
    end = a + size
    for j in range(int(size.max(initial=0))):
        digit = t[np.maximum(end - 1 - j, 0)].astype(np.int64) - 48
        value += np.where(j < size, digit, 0) * 10**j
    return value


def _ids(cells: _Cells, id_digits: int):
    """Which Id cells hold a usable Id, its value, and whether the value is exact (else: beyond the key)."""
    ok = np.zeros(len(cells.a), dtype=bool)
    value = np.zeros(len(cells.a), dtype=np.int64)
    exact = np.zeros(len(cells.a), dtype=bool)
    rows = cells.number
    if len(rows):
        whole, too_large, number_value, number_exact = cells.whole_values(id_digits)
        floats = cells.float_form[rows]
        usable = whole & ~too_large
        if floats.any():  # a float literal must first be finite, as float() reads it
            usable &= ~floats | cells.finite()
        ok[rows] = usable
        value[rows] = number_value
        exact[rows] = number_exact
    return ok, value, exact

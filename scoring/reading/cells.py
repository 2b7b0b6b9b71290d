"""Reading number cells in full, all at once: float()'s grammar, nan and inf, a value's size.

The cells are slices of t, the window's text as one byte per character (`chars.as_characters`);
a cell is told apart by the positions of its non-digit bytes, which nd lists for the whole text.

Glossary of the arrays (one entry per cell unless said):

    t       the text, one byte per character (uint8)
    nd      positions in t of its non-digit bytes (any byte but '0'..'9'), in order
    tnd     t[nd]: those bytes themselves
    a, b    where each cell starts and ends in t (t[a:b])
    lo, hi  the cell's non-digit bytes are nd[lo:hi] (hi - lo of them)
    rows    which cells (indices into a, b...) a computation is for
    at      a cursor into nd, stepping through a cell's non-digit bytes
    dot     position in t of the cell's decimal point (int64 max when it has none)
    first   position of the first significant digit ('1'..'9') of a number cell
    power   k of a number's value 0.ddd × 10**k (its decimal exponent)
"""

from __future__ import annotations

import numpy as np

from .chars import DOT, MINUS, PLUS
from .rows import LARGEST_ID_DIGITS, SATURATED_EXPONENT

LARGEST_ID = 2**63 - 1

# Kinds of cell.
EMPTY, BAD, NAN, INF, NUMBER = range(5)

# 2**1024 - 2**970: the least decimal that float() rounds to infinity, as 309 digits.
_OVERFLOW_DIGITS = str(2**1024 - 2**970)
OVERFLOW_POWER = len(_OVERFLOW_DIGITS)
_BLOCK = 18  # digits per uint64 block when comparing with the overflow threshold
_OVERFLOW_BLOCKS = np.array(
    [int(_OVERFLOW_DIGITS[i : i + _BLOCK].ljust(_BLOCK, "0")) for i in range(0, OVERFLOW_POWER, _BLOCK)],
    dtype=np.uint64,
)
_POW10 = np.array([10**i for i in range(20)], dtype=np.uint64)


class Cells:
    """Cells t[a:b] (already stripped), classified; nd[lo:hi] are the positions of their non-digit bytes."""

    def __init__(self, t: np.ndarray, nd: np.ndarray, tnd: np.ndarray, a, b, lo, hi):
        self.t, self.nd, self.tnd = t, nd, tnd
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
        finite = self.zero | (self.power < OVERFLOW_POWER)
        edge = np.flatnonzero(~self.zero & (self.power == OVERFLOW_POWER))
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

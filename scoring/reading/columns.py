"""A window's Id and prediction cells, column by column: which hold a usable value, and its value.

Cells that are all digits, plain decimals or plain exponents are told apart at once, and so are
cells that cannot be numbers; only the others are read in full (`cells.Cells`).

Glossary of the arrays (the names of `cells.py`; one entry per cell unless said):

    t       the window's text, one byte per character (uint8)
    nd      positions in t of its non-digit bytes; tnd = t[nd], those bytes
    a, b    where each cell starts and ends in t (t[a:b])
    lo, hi  the cell's non-digit bytes are nd[lo:hi]
    size    b - a, the cell's length; odd = hi - lo, how many of its bytes are not digits
    at      position in t of the cell's first non-digit byte (where it has one)
    first   that byte
"""

from __future__ import annotations

import numpy as np

from .cells import OVERFLOW_POWER, Cells
from .chars import DOT, MINUS, PLUS, WHITESPACE
from .rows import LARGEST_ID_DIGITS

# Bytes that can start a number's non-digit part, or inf/nan.
_NUMBER_CHARACTER = np.zeros(256, dtype=bool)
_NUMBER_CHARACTER[[PLUS, MINUS, DOT] + list(b"eEiInN")] = True


def _strip(t, nd, tnd, a, b, lo, hi):
    """Cells t[a:b] with non-digits nd[lo:hi], stripped of whitespace as str.strip() does."""
    a, b, lo, hi = a.copy(), b.copy(), lo.copy(), hi.copy()
    top = len(nd) - 1
    for _ in range(8):  # short runs of spaces: step over them
        lead = (lo < hi) & (nd[np.minimum(lo, top)] == a) & WHITESPACE[tnd[np.minimum(lo, top)]]
        trail = (lo < hi) & (nd[np.maximum(hi - 1, 0)] == b - 1) & WHITESPACE[tnd[np.maximum(hi - 1, 0)]]
        if not (lead.any() or trail.any()):
            return a, b, lo, hi
        a += lead
        lo += lead
        both = trail & (lo < hi)
        b -= both
        hi -= both
    # Long runs: jump to the nearest non-space byte.
    solid = np.flatnonzero(~WHITESPACE[t])
    start = solid[np.minimum(np.searchsorted(solid, a), len(solid) - 1)] if len(solid) else b
    start = np.where((len(solid) > 0) & (start < b) & (start >= a), start, b)
    lo = lo + (start - a)
    a = start
    at = np.searchsorted(solid, b) - 1
    end = np.where(at >= 0, solid[np.maximum(at, 0)] + 1, a)
    end = np.maximum(np.minimum(end, b), a)
    hi = hi - (b - end)
    return a, end, lo, hi


def read_scores(t, nd, tnd, a, b, lo, hi, spaces) -> np.ndarray:
    """Which Probability cells float() reads as a finite number: all-digit cells, plain decimals
    and plain exponents at once, cells that cannot be numbers at once, the others in full."""
    if spaces:
        a, b, lo, hi = _strip(t, nd, tnd, a, b, lo, hi)
    size, odd = b - a, hi - lo
    short = size < OVERFLOW_POWER
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
        edge = power == OVERFLOW_POWER
        ok[which] = power < OVERFLOW_POWER
        decided[which[~edge]] = True
    # A cell without a digit (nan, inf, words) is never a finite number.
    maybe = np.flatnonzero(~decided & ((odd == 0) | _NUMBER_CHARACTER[first]) & (odd < size))
    if len(maybe):
        cells = Cells(t, nd, tnd, a[maybe], b[maybe], lo[maybe], hi[maybe])
        found = np.zeros(len(maybe), dtype=bool)
        found[cells.number] = cells.finite()
        ok[maybe] = found
    return ok


def read_ids(t, nd, tnd, a, b, lo, hi, spaces, id_digits):
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
            cells = Cells(t, nd, tnd, a[maybe], b[maybe], lo[maybe], hi[maybe])
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


def _ids(cells: Cells, id_digits: int):
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

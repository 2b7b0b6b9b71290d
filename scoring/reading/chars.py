"""Characters as CPython reads a number: the one rule both submission readers share.

`float()`, `int()` and `str.strip()` treat any Unicode whitespace as a space and any Unicode
decimal digit as its ASCII digit; every other non-ASCII character makes a number invalid.
The vectorised readers turn the text into one byte per character by that rule (`as_characters`)
before they classify the cells.

Glossary of the arrays:

    y       bytes of UTF-8 text (uint8)
    keep    per byte of y: whether its character is kept (None: all are)
    origin  per character kept: the position in y of its first byte
    t       the characters kept, one byte each: ASCII as is, others as CPython reads a number
    high    indices into t of the non-ASCII characters; code: their code points
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

# Above this code point Unicode has no whitespace and no decimal digit (checked by a test).
LAST_SPECIAL_CODE_POINT = 0x1FFFF
INVALID = ord("?")

NL, CR, COMMA, QUOTE, SPACE, DOT, PLUS, MINUS = 10, 13, 44, 34, 32, 46, 43, 45
# Whitespace that str.strip() removes from a cell (line feeds and carriage returns never reach a cell).
WHITESPACE = np.zeros(256, dtype=bool)
WHITESPACE[[9, 11, 12, 28, 29, 30, 31, SPACE]] = True


@lru_cache(maxsize=1)
def special_characters() -> tuple[np.ndarray, np.ndarray]:
    """Sorted code points of the non-ASCII whitespace and decimal digits, and the ASCII byte of each."""
    codes, ascii_bytes = [], []
    for code in range(0x80, LAST_SPECIAL_CODE_POINT + 1):
        char = chr(code)
        if char.isspace():
            codes.append(code)
            ascii_bytes.append(ord(" "))
        elif char.isdecimal():
            codes.append(code)
            ascii_bytes.append(ord("0") + int(char))
    return np.array(codes, dtype=np.int64), np.array(ascii_bytes, dtype=np.uint8)


@lru_cache(maxsize=1)
def _ascii_table() -> dict[int, int]:
    codes, ascii_bytes = special_characters()
    return dict(zip(codes.tolist(), ascii_bytes.tolist()))


def as_ascii(text: str) -> str:
    """`text` with Unicode whitespace as spaces and Unicode digits as ASCII digits."""
    return text if text.isascii() else text.translate(_ascii_table())


def as_characters(y: np.ndarray, keep: np.ndarray | None) -> tuple[np.ndarray, np.ndarray | None]:
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

"""Characters as CPython reads a number: the one rule both submission readers share.

`float()`, `int()` and `str.strip()` treat any Unicode whitespace as a space and any Unicode
decimal digit as its ASCII digit; every other non-ASCII character makes a number invalid.
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

# Above this code point Unicode has no whitespace and no decimal digit (checked by a test).
LAST_SPECIAL_CODE_POINT = 0x1FFFF
INVALID = ord("?")


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

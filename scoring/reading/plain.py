"""What a fast path checks before pandas reads a file: rows its C parser reads as the reference does.

pandas ends a row at a lone carriage return, drops a byte-order mark, reads quotes its own way
and, reading some columns only, silently drops extra fields; the reference (`strict.py`) does
none of that. So a fast path hands pandas only rows without quotes or lone carriage returns,
with one comma each, and takes its result only when it names every answer-key row once.
"""

from __future__ import annotations

import numpy as np

from .chars import COMMA, CR, NL

UTF8_BOM = b"\xef\xbb\xbf"
_WINDOW = 1 << 18


def count_bytes(data: bytes, wanted: tuple[int, ...], start: int = 0, end: int | None = None) -> list[int]:
    """How many times each byte of `wanted` occurs in data[start:end]: NumPy over windows small enough
    to stay in the CPU's cache while each byte is counted (a few times faster than bytes.count), with
    no temporary the size of the upload."""
    view = np.frombuffer(data, dtype=np.uint8)[start:end]
    counts = [0] * len(wanted)
    for at in range(0, len(view), _WINDOW):
        window = view[at : at + _WINDOW]
        for i, byte in enumerate(wanted):
            counts[i] += int(np.count_nonzero(window == byte))
    return counts


def plain_rows(data: bytes, expected: int, start: int = 0, end: int | None = None) -> bool:
    """Whether pandas' C parser reads data[start:end] exactly as the csv module would, as `expected`
    rows of two fields: `unquoted_lines`, and one comma a line (pandas would silently drop extra
    fields when reading only some columns; so no line is blank either)."""
    end = len(data) if end is None else end
    if not unquoted_lines(data, start, end):
        return False
    newlines, commas = count_bytes(data, (NL, COMMA), start, end)
    return newlines + 1 == expected and commas == expected


def unquoted_lines(data: bytes, start: int, end: int) -> bool:
    """Whether data[start:end] has no quoting and no lone carriage return (pandas ends a row there;
    the csv module refuses it): its lines are what pandas' C parser takes for rows."""
    return data.find(b'"', start, end) < 0 and not _lone_carriage_return(data, start, end)


def _lone_carriage_return(data: bytes, start: int, end: int) -> bool:
    """Whether a CR in data[start:end] is not followed there by a newline."""
    first = data.find(b"\r", start, end)  # a search: most files have none
    if first < 0:
        return False
    if data[end - 1] == CR:
        return True
    view = np.frombuffer(data, dtype=np.uint8)
    for at in range(first, end - 1, _WINDOW):  # each byte before the last, and the byte after it
        stop = min(end - 1, at + _WINDOW)
        if ((view[at:stop] == CR) & (view[at + 1 : stop + 1] != NL)).any():
            return True
    return False


class ByteWindow:
    """data[start:end] as a file for pandas to read piece by piece: no copy of the whole upload."""

    def __init__(self, data: bytes, start: int, end: int) -> None:
        self._view = memoryview(data)[start:end]
        self._at = 0

    def read(self, size: int = -1) -> bytes:
        end = len(self._view) if size < 0 else min(len(self._view), self._at + size)
        piece = self._view[self._at : end].tobytes()
        self._at = end
        return piece

    def __iter__(self):  # pandas takes an object with `read` and `__iter__` for a file; it only reads
        return iter(lambda: self.read(1 << 16), b"")


def is_permutation(key_rows: np.ndarray, rows: int) -> bool:
    """Whether the submitted rows name every answer-key row exactly once."""
    if len(key_rows) != rows or not rows or key_rows.min() < 0:
        return False
    seen = np.zeros(rows, dtype=bool)
    seen[key_rows] = True  # as many rows as the key and none missing: none is repeated either
    return bool(seen.all())

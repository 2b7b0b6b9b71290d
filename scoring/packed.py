"""Exact lookups of short texts (text Ids, class labels) in NumPy, without a Python object per cell.

Each text is packed, zero-padded, into a few 64-bit words; the words are mixed into one hash,
looked up in a hash table of the known texts' hashes (pandas' index: a binary search of a million
sorted hashes costs three times as much, a cache miss per step), and a match is confirmed by
comparing every word, so the lookup is exact whatever the hash does (texts hold no NUL byte:
require_text refuses them).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

# Longer texts take the general path (pandas); Kaggle's text Ids are short (ids, UUIDs: 36 bytes).
MAX_BYTES = 64
_MIX = np.uint64(0x9E3779B97F4A7C15)
_LOW_BYTES = np.array([(1 << (8 * n)) - 1 for n in range(9)], dtype=np.uint64)  # keeps the n low bytes


class PackedTexts:
    """A set of distinct texts, numbered in the given order, for `rows_of` lookups."""

    def __init__(self, texts) -> None:
        encoded = [text.encode("utf-8") for text in texts]
        self.width = max(8, -(-max(map(len, encoded), default=0) // 8) * 8)
        self.usable = self.width <= MAX_BYTES
        if not self.usable:
            return
        joined = np.frombuffer(b"".join(encoded) or b"\0", dtype=np.uint8)
        ends = np.cumsum([len(e) for e in encoded])
        starts = ends - np.array([len(e) for e in encoded], dtype=np.int64)
        self.words = _words(joined, starts, ends, self.width)
        self.hashes = pd.Index(_hash(self.words))
        # Two known texts with one hash: the table could not tell them apart (never seen, but be exact).
        self.usable = self.hashes.is_unique

    def rows_of(self, data: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray | None:
        """The number of each text data[starts:ends] among the known ones, -1 if unknown; None when a
        text is longer than every known one could be (it is unknown: the caller's general path says so)."""
        if not self.usable or len(starts) == 0 or int((ends - starts).max()) > self.width:
            return None
        words = _words(data, starts, ends, self.width)
        rows = self.hashes.get_indexer(_hash(words))
        found = (rows >= 0) & (self.words[rows] == words).all(axis=1)
        return np.where(found, rows, -1).astype(np.int64, copy=False)


def _words(data: np.ndarray, starts: np.ndarray, ends: np.ndarray, width: int) -> np.ndarray:
    """(n, width // 8) uint64: each text's bytes, zero-padded to `width`, eight bytes a row at a time
    from a view of `data` as overlapping 64-bit words (one word starting at every byte: no copy)."""
    if len(data) < 8:
        data = np.concatenate([data, np.zeros(8, dtype=np.uint8)])
    runs = np.ndarray(shape=(len(data) - 7,), dtype="<u8", buffer=np.ascontiguousarray(data), strides=(1,))
    last = len(runs) - 1
    lengths = ends - starts
    words = np.empty((len(starts), width // 8), dtype=np.uint64)
    for word in range(width // 8):
        at = starts + 8 * word
        read_from = np.minimum(at, last)  # near the end: read earlier and shift the bytes down
        gathered = runs[read_from] >> ((at - read_from) * 8).astype(np.uint64)
        words[:, word] = gathered & _LOW_BYTES[np.clip(lengths - 8 * word, 0, 8)]
    return words


def _hash(words: np.ndarray) -> np.ndarray:
    value = np.zeros(len(words), dtype=np.uint64)
    with np.errstate(over="ignore"):
        for column in words.T:  # a few columns: texts are short
            value = (value ^ column) * _MIX
            value ^= value >> np.uint64(29)
    return value

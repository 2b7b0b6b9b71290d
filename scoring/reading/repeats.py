"""A window of repeated rows, read once per distinct short row, its copies counted.

Attack files are made of a few distinct rows: hashing each short record (up to 16 bytes, packed
in two uint64 words) finds the distinct ones, `records.classify` reads those once, and counts
weigh their problems by their copies.

Glossary of the arrays (one entry per record of the window unless said):

    x           the window's bytes (uint8)
    feeds       per byte: an unquoted line feed
    start, end  where each record starts in x, and where its line feed is (or x's end)
    which       the short records, hashed; others: the rest, read one by one
    low, high   a short record's first and next 8 bytes, as little-endian uint64
    codes       per record of `which`: which distinct text it is
    index       per record: its row in `sub`, the reading of the distinct texts then the others
    copies      per row of `sub`: how many records of the window it stands for
    key_rows    per row of `sub`: its Id's answer-key row (-1 not in the key, -2 no usable Id)
"""

from __future__ import annotations

import numpy as np

from ..errors import MAX_LISTED_PROBLEMS
from .chars import NL
from .records import classify

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


def deduped_window(scanner, x, quotes, final, line_of, text_of) -> bool:
    """Reads the window's records once per distinct short text, counting the copies, for the
    `scan.Scanner` reading it; False (and nothing done) when the window is small or too many of its
    records differ or are long."""
    if len(x) <= _DEDUPE_BYTES or scanner.limit < 2 * _SHORT:
        return False
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
    others = np.setdiff1d(np.arange(count), which, assume_unique=True) if len(which) < count else which[:0]
    source = _joined_texts(texts, padded, start[others], end[others], open_end)
    sub = classify(source, None, -1, True, scanner.limit, scanner.id_digits, with_quotes=quotes is not None)
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
        found_rows = scanner.key.rows_of(sub.id_value)
        key_rows[sub.id_rows] = np.where(sub.id_exact, found_rows, -1)
    copies = np.bincount(index, minlength=chosen)
    blanks = int(np.count_nonzero(blank_feeds))
    scanner.rows += int(copies @ ~sub.blank)

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

    listed = scanner.list_records(records_with_problems(1 << 12), lambda: records_with_problems(None), lines,
                                  record_text)  # fmt: skip
    listed_problems = sum(
        1
        if record_at(int(f)) >= count or end[record_at(int(f))] != f
        else int(problems[index[record_at(int(f))]])
        for f in listed
    )
    scanner.collector.count(blanks + int(copies @ problems) - listed_problems)
    usable = key_rows > -2
    for begin, until in ((0, 1 << 12), (1 << 12, count)):  # in order, while some may be listed
        if begin >= count or not scanner.listing_keys():
            break
        with_id = begin + np.flatnonzero(usable[index[begin:until]])
        at = end[with_id]
        scanner.list_keys(
            key_rows[index[with_id]],
            lines(at),
            lambda i, r=with_id: text_of(int(start[r[i]]), int(end[r[i]])),
        )
    present = (key_rows >= 0) & (copies > 0)
    scanner.count_keys(key_rows[present], copies[present], absent=int(copies[key_rows == -1].sum()))
    return True


# --- a record longer than a window ---------------------------------------------------------


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

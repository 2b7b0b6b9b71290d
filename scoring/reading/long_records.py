"""A record longer than a window, read window by window with the csv module's state carried over.

Only its fields' count and sizes and its line ends are followed that way; a record of two
fields is then read by the reference (`rows.RowReader`) as a whole, which a record this long
rarely is.

Glossary of the arrays (per window of the record):

    x           the window's bytes (uint8)
    inside      per byte of x: within a quoted field; outside = ~inside
    syntax      positions in x of the quotes that delimit fields
    feeds, crs  positions in x of the unquoted line feeds, carriage returns
    delimiters  positions in x of the unquoted commas (before the record's text ends)
    cumulative  characters (not UTF-8 continuation bytes, not syntax quotes) before each byte
    lengths     characters of each field begun in the window
"""

from __future__ import annotations

import numpy as np

from ..errors import ProblemCollector
from .chars import COMMA, CR, NL, QUOTE
from .quotes import EAT_CRNL, IN_QUOTED, START_RECORD, quote_states, state_after_byte
from .records import CR_MESSAGE, field_message
from .rows import RowReader, empty_line_message, fields_message, fields_of


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


def long_record(scanner, pos: int, end: int) -> int:
    """Reads the one record starting at `pos` window by window, for the `scan.Scanner` reading the
    file; returns where the next starts."""
    state, byte_before = START_RECORD, None
    commas, field = 0, 0  # delimiters seen, characters of the current field
    text_end = -1  # where the record's text ended (its first unquoted carriage return)
    error, crlf = -1, False
    p = pos
    record_end = end
    while p < end:
        stop = _cut_at_character(scanner.body, p, min(p + scanner.window, end), end)
        x = scanner.view[p:stop]
        if state == EAT_CRNL and x[0] != CR and x[0] != NL:
            error, crlf = p, True
            break
        if scanner.body.find(b'"', p, stop) >= 0:
            quotes = quote_states(x, np.flatnonzero(x == QUOTE), state, byte_before)
            inside, syntax, state_after = quotes.inside, quotes.syntax, quotes.end_state
        else:
            inside = np.full(len(x), state == IN_QUOTED)
            syntax = np.empty(0, dtype=np.int64)
            state_after = IN_QUOTED if state == IN_QUOTED else state_after_byte(int(x[-1]))
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
        over = np.flatnonzero(lengths > scanner.limit)
        if len(over):
            first = int(over[0])
            need = scanner.limit + 1 - (field if first == 0 else 0)
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
    line = scanner.lines_before + 2 + scanner.body.count(b"\n", pos, record_end if error < 0 else error)
    if error >= 0:
        scanner.stopped = True
        scanner.collector.add(CR_MESSAGE if crlf else field_message(scanner.limit), line)
        return end
    text_stop = record_end if text_end < 0 else text_end
    if text_stop == pos:
        scanner.collector.add(empty_line_message(scanner.key.prediction_column), line)
    elif commas != 1:
        scanner.rows += 1
        scanner.collector.add(fields_message(scanner.key.prediction_column, commas + 1), line)
    else:
        scanner.rows += 1
        text = scanner.body[pos:text_stop].decode("utf-8")
        scratch = ProblemCollector()
        reader = RowReader(scratch, scanner.key.prediction_column)
        reader.read_row(fields_of(text), line)
        for problem in scratch.problems:
            scanner.collector.add(problem.message, problem.line, problem.column)
        if reader.ids:
            value = np.array(reader.ids, dtype=np.int64)
            key_rows = scanner.key.rows_of(value)
            if scanner.listing_keys():
                scanner.list_keys(key_rows, np.array([line]), lambda i: text)
            scanner.count_keys(key_rows, None)
    scanner.lines_before += scanner.body.count(b"\n", pos, min(record_end + 1, end))
    return record_end + 1


# --- problems ------------------------------------------------------------------------------

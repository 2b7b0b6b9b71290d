"""A window's records: where each ends, how many fields it has, whether csv fails on it.

`classify` reads every record of a window of whole records; its cells are read by `columns.py`.
What it mirrors of the csv module: records end at an unquoted line feed; an unquoted carriage
return ends the record's text and must be followed by carriage returns up to the line feed,
else csv fails ("new-line character seen in unquoted field"), as it does on a field over its
size limit.

Glossary of the arrays:

    x           the window's bytes (uint8)
    y           x with the commas and line ends inside quoted fields masked (they delimit nothing)
    t           the window's text, one byte per character, quotes that delimit fields left out
    origin      per byte of t, its position in x (None: the same position)
    nd          positions in t of its non-digit bytes (any byte but '0'..'9'); tnd = t[nd]
    tix         indices into nd of the line feeds: one per record, where it ends
    cix, crix   indices into nd of the commas, of the carriage returns
    prev        per record: index into nd of the line feed before it (-1 for the first)
    text_ix     per record: index into nd where its text ends (its line feed or first CR)
    starts      per record: where it starts in t; ends, text_end: where it and its text end in t
    end_x       per record: where it ends in x
"""

from __future__ import annotations

import csv
from dataclasses import dataclass

import numpy as np

from .chars import COMMA, CR, INVALID, NL, QUOTE, SPACE, WHITESPACE, as_characters
from .columns import read_ids, read_scores
from .quotes import START_RECORD, Quotes, quote_states


def _csv_error(rows: list[str]) -> str:
    try:
        list(csv.reader(rows))
    except csv.Error as exc:
        return f"not valid CSV: {exc}"
    raise AssertionError("csv accepted what it refuses")


# The csv module's own words (they change between Python versions).
CR_MESSAGE = _csv_error(["a\rb"])


@dataclass
class Rows:
    """What a window's records hold, one entry per record read (all, or those before csv failed)."""

    end: np.ndarray  # where each record of the window ends: its line feed, or the window's end
    problems: np.ndarray  # format problems of each record read: 0, 1 or 2
    blank: np.ndarray  # records that are blank lines
    id_rows: np.ndarray  # records whose Id can be looked up in the key
    id_value: np.ndarray  # that Id (exact where id_exact, else known to be beyond the key)
    id_exact: np.ndarray
    error_at: int = -1  # where csv failed, if it did
    error: str = ""


def field_message(limit: int) -> str:
    return f"not valid CSV: field larger than field limit ({limit})"


def crlf_error_at(x: np.ndarray, quotes: Quotes | None) -> int:
    """Position of the byte after an unquoted carriage return that csv refuses (not a CR or LF), or -1."""
    crs = np.flatnonzero(x == CR)
    if quotes is not None:
        crs = crs[~quotes.inside[crs]]
    after = x[np.minimum(crs + 1, len(x) - 1)]
    bad = (crs + 1 < len(x)) & (after != CR) & (after != NL)
    return int(crs[np.argmax(bad)]) + 1 if bad.any() else -1


def classify(x, quotes, crlf_error, final, limit, id_digits, with_quotes=True) -> Rows:
    """Reads every record of window x (whole records; `final`: the last one may end the text)."""
    if quotes is None and with_quotes and (x == QUOTE).any():
        quotes = quote_states(x, np.flatnonzero(x == QUOTE), START_RECORD, None)
    inside = quotes.inside if quotes is not None else None
    if quotes is not None:
        y = x
        if inside.any():
            y = x.copy()
            y[inside & (x == COMMA)] = INVALID
            y[inside & ((x == NL) | (x == CR))] = SPACE
        keep = np.ones(len(x), dtype=bool)
        keep[quotes.syntax] = False
        t, origin = as_characters(y, keep)
    elif int(x.max(initial=0)) >= 0x80:
        t, origin = as_characters(x, None)
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
        spaces = bool(WHITESPACE[tnd].any())
        id_ok, id_value, id_exact = read_ids(
            t, nd, tnd, starts[two], at, prev[two] + 1, cid, spaces, id_digits
        )
        score_ok = read_scores(t, nd, tnd, at + 1, text_end[two], cid + 1, text_ix[two], spaces)
        problems[two] = (~id_ok).astype(np.int8) + ~score_ok
        id_rows, id_value, id_exact = two[id_ok], id_value[id_ok], id_exact[id_ok]
    message = ""
    if error_at >= 0:
        message = CR_MESSAGE if error_at == crlf_error else field_message(limit)
    return Rows(end_x, problems, blank, id_rows, id_value, id_exact, error_at, message)


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

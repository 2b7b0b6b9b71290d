"""Writing rows as CSV or JSON in chunks, so that a large export streams.

CSV cells that a spreadsheet would run as a formula are neutralised: a text cell that
starts with = + - @, a tab or a carriage return gets a leading apostrophe, which
Excel, LibreOffice and Google Sheets show as text (OWASP's "CSV injection" advice).
Usernames, e-mail addresses and file names come from students, so this matters.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV without a byte-order mark as the machine's legacy code page.
UTF8_BOM = "\ufeff"
ROWS_PER_CHUNK = 500


def neutralise(cell: object) -> object:
    """A text cell that would start a formula, prefixed with an apostrophe; others unchanged."""
    if isinstance(cell, str) and cell.startswith(FORMULA_STARTS):
        return "'" + cell
    return cell


def _csv_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")  # UTC; spreadsheets read this as a date-time
    if isinstance(value, list | tuple):
        return " ".join(str(item) for item in value)
    return neutralise(value)


def csv_chunks(columns: Sequence[str], rows: Iterable[dict]) -> Iterator[bytes]:
    """UTF-8 CSV (with a byte-order mark and CRLF line ends), a few hundred rows per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write(UTF8_BOM)
    writer.writerow(columns)
    for count, row in enumerate(rows, start=1):
        writer.writerow([_csv_cell(row[column]) for column in columns])
        if count % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def _json_value(value: object) -> object:
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds") + "Z"  # stored naive, always UTC
    return value


def json_chunks(columns: Sequence[str], rows: Iterable[dict]) -> Iterator[bytes]:
    """A JSON array of objects with `columns` as members, written a few hundred rows per chunk."""
    buffer = io.StringIO()
    buffer.write("[")
    for count, row in enumerate(rows, start=1):
        buffer.write(",\n" if count > 1 else "\n")
        buffer.write(json.dumps({column: _json_value(row[column]) for column in columns}, allow_nan=False))
        if count % ROWS_PER_CHUNK == 0:
            yield _drain(buffer)
    buffer.write("\n]\n")
    yield _drain(buffer)


def _drain(buffer: io.StringIO) -> bytes:
    data = buffer.getvalue().encode("utf-8")
    buffer.seek(0)
    buffer.truncate()
    return data

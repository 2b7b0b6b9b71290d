"""Writing rows as CSV or JSON in chunks, so that a large export streams.

CSV cells that a spreadsheet would run as a formula are neutralised (OWASP's "CSV injection"
advice). A text cell is read as a spreadsheet may read it: NFKC-normalised (a full-width ＝ is =)
and without what it may skip before the first visible character (spaces, control and format
characters such as a zero-width space). If it then starts with = + - @ |, or with a tab or a
carriage return, or a piece of it does after a line break, a comma, a semicolon, a tab or another
separator (where a spreadsheet may split it into cells of its own), it is written normalised, with
an apostrophe before the cell and before each such piece: Excel, LibreOffice and Google Sheets show
it as text. Numbers written as text are left alone. Usernames and file names come from students.
"""

from __future__ import annotations

import csv
import io
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime

FORMULA_STARTS = ("=", "+", "-", "@", "|", "\t", "\r")
# What a spreadsheet may show nothing of before a cell's first visible character.
_SKIPPED = r"\s\x00-\x1f\x7f-\x9f\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff"
_LEAD = re.compile(f"[{_SKIPPED}]*")
# A formula starting after a separator or a line break, where a spreadsheet may begin a new cell.
_PIECE_FORMULA = re.compile(f"([\\r\\n\\t,;\\v\\f\\x1c-\\x1e\\x85\\u2028\\u2029][{_SKIPPED}]*)(?=[=+\\-@|])")
_NUMBER = re.compile(r"\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*")
# Most cells (usernames, emails, slugs): ASCII that starts with a letter or digit and holds no
# separator, so nothing a spreadsheet could run; written as they are without the checks below.
_PLAIN = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]*")
# Excel reads a CSV without a byte-order mark as the machine's legacy code page.
UTF8_BOM = "\ufeff"
ROWS_PER_CHUNK = 500


def neutralise(cell: object) -> object:
    """A text cell that a spreadsheet might run, made text (see above); others unchanged."""
    if not isinstance(cell, str) or _PLAIN.fullmatch(cell):
        return cell
    normal = unicodedata.normalize("NFKC", cell)
    if _NUMBER.fullmatch(normal):
        return cell
    first_visible = normal[_LEAD.match(normal).end() :]
    runs = normal.startswith(FORMULA_STARTS) or first_visible.startswith(FORMULA_STARTS)
    if runs or _PIECE_FORMULA.search(normal):
        return "'" + _PIECE_FORMULA.sub(r"\1'", normal)
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

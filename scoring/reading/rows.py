"""The strict, row-by-row reader of submission rows that names every bad cell.

It is the reference: `scan.py` checks whole files in vectorised passes and must find
exactly what this reader finds; it also asks this reader to word the problems it lists.
"""

from __future__ import annotations

import csv
import io
import math
import re

from ..errors import ProblemCollector, cut, shown
from .chars import as_ascii

_WHOLE_NUMBER = re.compile(r"[+-]?\d+")
# A number literal that float() accepts (checked first), in parts: sign, integer, fraction, exponent.
_NUMBER_PARTS = re.compile(r"([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?")
# Ids are compared as 64-bit integers; anything beyond cannot be an answer-key Id.
_LARGEST_ID = 2**63 - 1
LARGEST_ID_DIGITS = len(str(_LARGEST_ID))
# Exponents beyond this are all alike: no cell has this many digits before or after its point.
SATURATED_EXPONENT = 10**9


class RowReader:
    """Reads `Id,<column>` rows of numbers (header already checked), collecting problems.

    Line numbers count the header as line 1, as a text editor shows them.
    """

    def __init__(self, collector: ProblemCollector, column: str = "Probability"):
        self.collector = collector
        self.column = column
        self.ids: list[int] = []  # of every row whose Id could be read
        self.lines: list[int] = []  # the line of each of those rows
        self.predictions: list[float] = []  # NaN where the cell was refused
        self.row_count = 0

    def read(self, rows_text: str) -> None:
        reader = csv.reader(io.StringIO(rows_text))
        try:
            for fields in reader:
                self.read_row(fields, reader.line_num + 1)
        except csv.Error as exc:
            self.collector.add(f"not valid CSV: {exc}", reader.line_num + 1)

    def read_row(self, fields: list[str], line: int) -> None:
        if not fields:
            self.collector.add(empty_line_message(self.column), line)
            return
        self.row_count += 1
        if len(fields) != 2:
            found = len(fields)
            self.collector.add(fields_message(self.column, found), line)
            return
        submitted_id = self.read_id(fields[0].strip(), line)
        prediction = self.read_prediction(fields[1].strip(), line)
        # An Id is checked against the key even when its prediction is bad, so that
        # it is not also reported missing.
        if submitted_id is not None:
            self.ids.append(submitted_id)
            self.lines.append(line)
            self.predictions.append(math.nan if prediction is None else prediction)

    def read_id(self, cell: str, line: int) -> int | None:
        if not cell:
            self.collector.add("the Id is empty", line, "Id")
            return None
        if not _WHOLE_NUMBER.fullmatch(cell):  # "17.0" or "1.7e1", as pandas writes an Id column of floats
            number = _to_float(cell)
            if number is None or not math.isfinite(number) or not is_whole(cell):
                self.collector.add(lambda: f"the Id must be a whole number, found {shown(cell)}", line, "Id")
                return None
        value = whole_value(cell)
        if value is None or abs(value) > _LARGEST_ID:
            self.collector.add(lambda: f"Id {cut(cell)} is not in the answer key (far too large)", line, "Id")
            return None
        return value

    def read_prediction(self, cell: str, line: int) -> float | None:
        if not cell:
            self.collector.add(f"the {self.column} is empty; expected a number", line, self.column)
            return None
        number = _to_float(cell)
        if number is None:
            self.collector.add(lambda: f"{shown(cell)} is not a number", line, self.column)
        elif math.isnan(number):
            self.collector.add("NaN is not a score; expected a finite number", line, self.column)
        elif math.isinf(number):
            self.collector.add(
                lambda: f"{shown(cell)} is infinite; expected a finite number", line, self.column
            )
        else:
            return number
        return None


def empty_line_message(column: str) -> str:
    return f"empty line; every row needs Id,{column}"


def fields_message(column: str, found: int) -> str:
    return f"expected 2 fields (Id,{column}), found {found}"


def fields_of(record_text: str) -> list[str]:
    """The fields of one CSV record (its text may span lines inside quotes); [] for a blank line."""
    return next(csv.reader(io.StringIO(record_text)), [])


def _to_float(cell: str) -> float | None:
    if "_" in cell:  # Python accepts 1_000; CSV readers elsewhere do not
        return None
    try:
        return float(cell)
    except ValueError:
        return None


def _exact(cell: str) -> tuple[bool, int, str, int]:
    """A number literal, exactly: (negative, k, digits, n) for the value ±0.digits × 10**k, `digits`
    without leading or trailing zeros (empty for zero) and n = len(digits)."""
    sign, integer, fraction, exponent = _NUMBER_PARTS.fullmatch(as_ascii(cell)).groups()
    fraction = fraction or ""
    digits = integer + fraction
    significant = digits.lstrip("0")
    power = len(integer) - (len(digits) - len(significant)) + _saturated(exponent)
    significant = significant.rstrip("0")
    return sign == "-", power, significant, len(significant)


def _saturated(exponent: str | None) -> int:
    if not exponent:
        return 0
    digits = exponent.lstrip("+-").lstrip("0")
    value = SATURATED_EXPONENT if len(digits) > 9 else int(digits or "0")
    return -value if exponent.startswith("-") else value


def is_whole(cell: str) -> bool:
    """Whether the literal's exact decimal value is a whole number (not after rounding to a float)."""
    _, power, _, count = _exact(cell)
    return count == 0 or power >= count


def whole_value(cell: str) -> int | None:
    """The value of a whole-number literal; None when it has more digits than any 64-bit integer."""
    negative, power, significant, count = _exact(cell)
    if count == 0:
        return 0
    if power > LARGEST_ID_DIGITS:
        return None
    value = int(significant) * 10 ** (power - count)
    return -value if negative else value

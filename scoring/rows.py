"""The strict, row-by-row reader of submission rows that names every bad cell."""

from __future__ import annotations

import csv
import io
import math
import re

from .errors import ProblemCollector

_WHOLE_NUMBER = re.compile(r"[+-]?\d+")
# Ids are compared as 64-bit integers; anything beyond cannot be an answer-key Id.
_LARGEST_ID = 2**63 - 1


class RowReader:
    """Reads `Id,Probability` rows (header already checked), collecting problems.

    Line numbers count the header as line 1, as a text editor shows them.
    """

    def __init__(self, collector: ProblemCollector):
        self.collector = collector
        self.ids: list[int] = []  # of every row whose Id could be read
        self.lines: list[int] = []  # the line of each of those rows
        self.probabilities: list[float] = []  # NaN where the cell was refused
        self.row_count = 0

    def read(self, rows_text: str) -> None:
        reader = csv.reader(io.StringIO(rows_text))
        try:
            for fields in reader:
                self._read_row(fields, reader.line_num + 1)
        except csv.Error as exc:
            self.collector.add(f"not valid CSV: {exc}", reader.line_num + 1)

    def _read_row(self, fields: list[str], line: int) -> None:
        if not fields:
            self.collector.add("empty line; every row needs Id,Probability", line)
            return
        self.row_count += 1
        if len(fields) != 2:
            self.collector.add(f"expected 2 fields (Id,Probability), found {len(fields)}", line)
            return
        submitted_id = self._read_id(fields[0].strip(), line)
        probability = self._read_probability(fields[1].strip(), line)
        # An Id is checked against the key even when its probability is bad, so that
        # it is not also reported missing.
        if submitted_id is not None:
            self.ids.append(submitted_id)
            self.lines.append(line)
            self.probabilities.append(math.nan if probability is None else probability)

    def _read_id(self, cell: str, line: int) -> int | None:
        if not cell:
            self.collector.add("the Id is empty", line, "Id")
            return None
        if _WHOLE_NUMBER.fullmatch(cell):
            value = int(cell)
        else:
            number = _to_float(cell)
            if number is None or not math.isfinite(number) or not number.is_integer():
                self.collector.add(f"the Id must be a whole number, found {cell!r}", line, "Id")
                return None
            value = int(number)  # "17.0", as pandas writes an Id column that became float
        if abs(value) > _LARGEST_ID:
            self.collector.add(f"Id {cell} is not in the answer key (far too large)", line, "Id")
            return None
        return value

    def _read_probability(self, cell: str, line: int) -> float | None:
        if not cell:
            self.collector.add("the Probability is empty; expected a number", line, "Probability")
            return None
        number = _to_float(cell)
        if number is None:
            self.collector.add(f"{cell!r} is not a number", line, "Probability")
        elif math.isnan(number):
            self.collector.add("NaN is not a score; expected a finite number", line, "Probability")
        elif math.isinf(number):
            self.collector.add(f"{cell!r} is infinite; expected a finite number", line, "Probability")
        else:
            return number
        return None


def _to_float(cell: str) -> float | None:
    if "_" in cell:  # Python accepts 1_000; CSV readers elsewhere do not
        return None
    try:
        return float(cell)
    except ValueError:
        return None

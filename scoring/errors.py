"""What can be wrong with a submission, said so that a student can fix it."""

from __future__ import annotations

from dataclasses import dataclass

# A student fixes a file from the first few messages; the rest only need counting.
MAX_LISTED_PROBLEMS = 20


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submission: where it is and what was expected."""

    message: str
    line: int | None = None
    column: str | None = None

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


class SubmissionError(ValueError):
    """A submission that cannot be scored, with the problems that say why."""

    title = "Not a valid submission"

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems[:MAX_LISTED_PROBLEMS]
        self.total = len(problems) if total is None else total
        super().__init__(self.detail)

    @property
    def detail(self) -> str:
        first = self.problems[0]
        where = ", ".join(
            part
            for part in (
                f"line {first.line}" if first.line is not None else "",
                f"column {first.column}" if first.column else "",
            )
            if part
        )
        lead = f"{where}: {first.message}" if where else first.message
        more = self.total - 1
        return lead if more == 0 else f"{lead} (and {more} more problem{'s' if more > 1 else ''})"


class NotTextError(SubmissionError):
    """The upload is not UTF-8 text at all (a spreadsheet, an archive, an image...)."""

    title = "Not a CSV file"


class ProblemCollector:
    """Keeps the first problems found and counts all of them."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.total = 0

    def add(self, message: str, line: int | None = None, column: str | None = None) -> None:
        self.total += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(Problem(message, line, column))

    def raise_if_any(self) -> None:
        if self.total:
            raise SubmissionError(self.problems, self.total)

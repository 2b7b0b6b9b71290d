"""What can be wrong with a submission, said so that a student can fix it."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

# A student fixes a file from the first few messages; the rest only need counting.
MAX_LISTED_PROBLEMS = 20
# What a message shows of a cell or a column name; any message is cut at MAX_MESSAGE_CHARS.
SHOWN_CHARS = 40
MAX_MESSAGE_CHARS = 500


def cut(text: str, limit: int = SHOWN_CHARS) -> str:
    """`text` as a message shows it: whole when short, else its start and its length."""
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"


def shown(text: str, limit: int = SHOWN_CHARS) -> str:
    """`text` quoted as a message shows it (Python's repr), its start only when long."""
    return repr(text) if len(text) <= limit else f"{text[:limit]!r}... ({len(text):,} characters)"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a submission: where it is and what was expected."""

    message: str
    line: int | None = None
    column: str | None = None

    def __post_init__(self) -> None:
        if len(self.message) > MAX_MESSAGE_CHARS:  # every message is bounded, whatever the file holds
            object.__setattr__(self, "message", self.message[: MAX_MESSAGE_CHARS - 3] + "...")

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


class ProblemsError(ValueError):
    """A file that cannot be used, with the problems that say why (the first ones listed, all counted)."""

    title = "Not a valid file"

    def __init__(self, problems: list[Problem] | str, total: int | None = None):
        if isinstance(problems, str):
            problems = [Problem(problems)]
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


class SubmissionError(ProblemsError):
    """A submission that cannot be scored: the student's to fix."""

    title = "Not a valid submission"


class AnswerKeyError(ProblemsError):
    """An answer key that cannot grade: the teacher's (or operator's) to fix, never a student's."""

    title = "Not a valid answer key"


class NotTextError(SubmissionError):
    """The upload is not UTF-8 text at all (a spreadsheet, an archive, an image...)."""

    title = "Not a CSV file"


class ProblemCollector:
    """Keeps the first problems found and counts all of them.

    A message may be given as a function that words it: it is called only for a problem
    that is listed, so that counting the others costs no formatting.
    """

    def __init__(self) -> None:
        self.problems: list[Problem] = []
        self.total = 0

    @property
    def full(self) -> bool:
        """True once MAX_LISTED_PROBLEMS are listed: later problems are only counted."""
        return len(self.problems) >= MAX_LISTED_PROBLEMS

    def add(
        self, message: str | Callable[[], str], line: int | None = None, column: str | None = None
    ) -> None:
        self.total += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(Problem(message() if callable(message) else message, line, column))

    def count(self, more: int) -> None:
        """Counts `more` problems found without wording them (past the listed ones)."""
        self.total += int(more)

    def raise_if_any(self, error: type[ProblemsError] = SubmissionError) -> None:
        if self.total:
            raise error(self.problems, self.total)

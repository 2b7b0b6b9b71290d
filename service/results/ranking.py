"""The ranking rule of standings and both leaderboards: the best score as students read it (rounded to
the challenge's precision, the highest or the lowest as the metric wants), ties to the earlier
submission, then the lower job id. Which job holds a student's score and the order of two students
show, so nothing beyond the shown decimals may decide them.

Entries are anything with a score, a sending time and a job id: a submission or a row of one (the
defaults read `created_at` and `id`), or a leaderboard entry (`submitted_at`, `job_id`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from operator import attrgetter
from typing import TypeVar

from scoring import metric_named
from service.results.feedback import at_precision
from service.store.models import Challenge

Entry = TypeVar("Entry")
Of = Callable[[object], object]


def rank_order(
    challenge: Challenge, entries: Iterable[Entry], score_of: Of = attrgetter("public_score"),
    sent_at_of: Of = attrgetter("created_at"), id_of: Of = attrgetter("id"),
) -> list[Entry]:  # fmt: skip
    """`entries` best first by the rule; every entry must have a score."""
    sign = -1 if metric_named(challenge.metric).greater_is_better else 1
    return sorted(
        entries, key=lambda e: (sign * at_precision(challenge, score_of(e)), sent_at_of(e), id_of(e))
    )


def best_by_rule(challenge: Challenge, entries: Iterable[Entry], **of: Of) -> Entry | None:
    """The entry the rule puts first, None for none (`of`: as `rank_order`'s readers)."""
    ordered = rank_order(challenge, entries, **of)
    return ordered[0] if ordered else None

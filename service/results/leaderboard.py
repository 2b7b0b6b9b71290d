"""The class leaderboard, as on Kaggle: public ranks while the challenge runs, then the
private ranks of each student's final submissions once they are revealed.

Rules: a student's public score is their best public score (the highest, or the lowest for a
metric where lower is better, at the precision students are shown); ties go to the earlier
submission. Late submissions never rank. A student selects up to two final submissions; without a selection their
best public submission counts. The private score is the best private score among the
finals, ties again to the earlier submission.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from operator import attrgetter
from typing import NamedTuple

from sqlalchemy import select

from service.extensions import db
from service.results.feedback import shown
from service.results.ranking import best_by_rule, rank_order
from service.store.models import Challenge, Role, Standing, Submission, SubmissionStatus, User
from service.store.tenancy import belongs_to_tenant_id

MAX_FINAL_SUBMISSIONS = 2


class Scored(NamedTuple):
    """A finished submission of a student that can rank, without its file (a tuple: a leaderboard
    makes one a student, and a frozen dataclass costs four times as much to make)."""

    job_id: int
    user_id: int
    student: str
    challenge_id: int
    public_score: float | None
    private_score: float | None
    submitted_at: datetime
    final_selected: bool
    entries: int  # the student's finished submissions to this challenge
    holds: bool  # it holds the student's public score (their standing's best; in Ladder mode, the Ladder's)

    @property
    def owner(self) -> tuple[int, int]:
        return self.user_id, self.challenge_id


def rankable_submissions(
    tenant_id: int,
    challenge_id: int | None = None,
    user_id: int | None = None,
    active_only: bool = False,
    with_selected: bool = True,
) -> list[Scored]:
    """The finished submissions of the tenant's students that can rank, oldest first: each student's
    best public one per challenge and (unless not `with_selected`: a public leaderboard alone needs
    none) the ones they selected as final (`active_only`: not disabled).

    The best ones come from the standings kept as jobs finish, the selected ones from their own
    index: a leaderboard reads a few rows a student, never the class's whole history.
    """
    columns = (
        Submission.id, Submission.user_id, User.username, Submission.challenge_id, Submission.public_score,
        Submission.private_score, Submission.created_at, Submission.final_selected, Standing.entries,
        (Standing.best_public_id == Submission.id).label("holds"),
    )  # fmt: skip
    same_owner = (Standing.user_id == Submission.user_id) & (Standing.challenge_id == Submission.challenge_id)
    best = select(*columns).select_from(Standing).join(Submission, Submission.id == Standing.best_public_id)
    selected = select(*columns).join(Standing, same_owner).where(Submission.final_selected.is_(True))
    # The class's challenges (or the one asked for, if it is the class's) as a list: every read
    # goes by challenge, down the standings' and the selections' indexes. The challenge names the
    # class; a condition on the submissions' tenant too would let the planner walk the class's
    # every submission instead (it did, on SQLite, with two classes in the store).
    of_class = db.session.scalars(
        select(Challenge.id).where(belongs_to_tenant_id(Challenge, tenant_id))
    ).all()
    challenges = [each for each in of_class if challenge_id is None or each == challenge_id]
    if not challenges:
        return []
    rows: dict[int, Scored] = {}
    for query in (best, selected) if with_selected else (best,):
        query = query.join(User, User.id == Submission.user_id).where(
            Standing.challenge_id.in_(challenges),
            Submission.challenge_id.in_(challenges),
            Submission.status == SubmissionStatus.FINISHED,
            Submission.late.is_(False),
            User.role == Role.STUDENT,
        )
        if user_id is not None:
            query = query.where(Standing.user_id == user_id)
        if active_only:
            query = query.where(User.disabled.is_(False))
        rows.update((row.id, Scored(*row)) for row in db.session.execute(query))
    return sorted(rows.values(), key=lambda s: (s.submitted_at, s.job_id))


def best_public(entries: Iterable[Scored]) -> dict[tuple[int, int], Scored]:
    """Each (student, challenge)'s best public submission: the one their standing holds (the best
    score, of equal ones the earliest; in Ladder mode the one the Ladder last moved to). A selected
    final never stands in for it: in Ladder mode its exact score would tell the student a score the
    Ladder did not show them."""
    return {s.owner: s for s in entries if s.holds and s.public_score is not None}


def final_submissions(entries: list[Scored]) -> dict[tuple[int, int], list[Scored]]:
    """Each (student, challenge)'s final submissions: the selected ones, else the best public one."""
    finals: dict[tuple[int, int], list[Scored]] = {owner: [s] for owner, s in best_public(entries).items()}
    selected: dict[tuple[int, int], list[Scored]] = defaultdict(list)
    for s in entries:
        if s.final_selected:
            selected[s.owner].append(s)
    finals.update(selected)
    return finals


def final_private(challenge: Challenge, finals: list[Scored]) -> Scored | None:
    """The final submission whose private score counts: the best one, of equal ones the earliest."""
    counted = (s for s in finals if s.private_score is not None)
    return best_by_rule(challenge, counted, **_PRIVATE)


# How the ranking rule reads an entry, by the score it ranks on.
_PUBLIC = {
    "score_of": attrgetter("public_score"),
    "sent_at_of": attrgetter("submitted_at"),
    "id_of": attrgetter("job_id"),
}
_PRIVATE = {**_PUBLIC, "score_of": attrgetter("private_score")}


def leaderboard(challenge: Challenge, viewer: User) -> dict:
    """The public leaderboard, and the private one for staff or once it is revealed."""
    # A disabled student leaves the rankings; the teacher's exports keep their grades.
    private = challenge.private_visible_to(viewer)
    entries = rankable_submissions(challenge.tenant_id, challenge.id, active_only=True, with_selected=private)
    best = {owner[0]: s for owner, s in best_public(entries).items()}
    public_rank: dict[int, int] = {}
    public_rows = []
    in_public_order = rank_order(challenge, best.values(), **_PUBLIC)
    for rank, s in enumerate(in_public_order, start=1):
        public_rank[s.user_id] = rank
        public_rows.append({
            "rank": rank, "student": s.student, "score": shown(challenge, viewer, s.public_score),
            "submitted_at": s.submitted_at,
            "entries": s.entries, "you": s.user_id == viewer.id,
        })  # fmt: skip
    board = {
        "challenge": challenge.slug,
        "title": challenge.title,
        "deadline": challenge.deadline,
        "private_revealed": challenge.private_revealed,
        "public": public_rows,
        "private": None,
    }
    if private:
        board["private"] = _private_rows(challenge, entries, best, public_rank, viewer)
    return board


def _private_rows(
    challenge: Challenge, entries, best: dict[int, Scored], public_rank: dict[int, int], viewer: User
) -> list[dict]:
    counted = [final_private(challenge, finals) for finals in final_submissions(entries).values()]
    rows = []
    in_private_order = rank_order(challenge, (s for s in counted if s is not None), **_PRIVATE)
    for rank, s in enumerate(in_private_order, start=1):
        # What the viewer is shown of each, and the gap between those (never more digits than they show).
        public = shown(challenge, viewer, best[s.user_id].public_score) if s.user_id in best else None
        private = shown(challenge, viewer, s.private_score)
        before = public_rank.get(s.user_id)
        gap = None if public is None else private - public
        rows.append({
            "rank": rank, "student": s.student, "score": private, "submitted_at": s.submitted_at,
            "public_score": public, "gap": gap if gap is None else shown(challenge, viewer, gap),
            "public_rank": before, "rank_change": None if before is None else before - rank,
            "you": s.user_id == viewer.id,
        })  # fmt: skip
    return rows

"""Listing jobs runs a fixed number of SQL statements, however many jobs the page holds: what
a viewer may see of each job's scores is decided for the whole page at once."""

from __future__ import annotations

from contextlib import contextmanager

from sqlalchemy import event, update

from service.extensions import db
from service.store.models import Challenge, Submission
from tests.conftest import login
from tests.routes.scored import add_scored, challenge_id


@contextmanager
def counted_statements(app):
    """The SQL statements run inside the block, in a list."""
    with app.app_context():
        engine = db.engine
    seen: list[str] = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def statements_to_list(app, client, viewer: dict, jobs: int) -> int:
    """How many statements `GET /jobs` runs for `viewer`, checking it lists `jobs` Ladder-mode jobs."""
    with counted_statements(app) as statements:
        listed = client.get("/jobs?page_size=50", headers=viewer)
    assert listed.status_code == 200 and len(listed.get_json()) == jobs
    assert all(job["leaderboard"]["message"] for job in listed.get_json())
    return len(statements)


def add_ladder_jobs(app, first: int, jobs: int) -> None:
    """Finished jobs of student-a, half of which moved their score (both notes are in the answer)."""
    for minute in range(first, first + jobs):
        add_scored(app, "student-a", 0.7 + minute / 1000, 0.6, minute=minute)
    with app.app_context():
        ladder = update(Challenge).where(Challenge.id == challenge_id(app)).values(leaderboard_mode="ladder")
        db.session.execute(ladder)
        db.session.execute(
            update(Submission).values(ladder_moved=Submission.id % 2 == 0, ladder_p_value=0.01)
        )
        db.session.commit()


def test_listing_thirty_jobs_runs_as_many_statements_as_listing_three(app, client, two_classes):
    viewers = {name: login(client, name) for name in ("student-a", "teacher-a")}
    add_ladder_jobs(app, 0, 3)
    few = {name: statements_to_list(app, client, viewer, 3) for name, viewer in viewers.items()}
    add_ladder_jobs(app, 3, 27)
    many = {name: statements_to_list(app, client, viewer, 30) for name, viewer in viewers.items()}
    assert few == many, f"3 jobs: {few} statements, 30 jobs: {many}"

"""The sweep for submissions Redis lost asks Redis the same number of times however long the queue:
it runs every few seconds in every worker and API process, and a rush is when the queue is long."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import insert, select

from service.extensions import db
from service.grading.queue import grading_queue
from service.grading.recovery import requeue_lost_submissions
from service.store.models import Challenge, Submission, User
from tests.workers.test_queue import add_users


def _open_submissions(app, count: int) -> list[int]:
    """`count` queued submissions of ann's, an hour old, each with its job in the queue."""
    with app.app_context():
        ann = db.session.scalar(select(User).where(User.username == "ann"))
        challenge = db.session.scalar(select(Challenge).where(Challenge.tenant_id == ann.tenant_id))
        hour_ago = datetime.now() - timedelta(hours=1)
        rows = [
            dict(tenant_id=ann.tenant_id, user_id=ann.id, challenge_id=challenge.id, filename="p.csv",
                 content=b"", sha256=f"file-{n}", size_bytes=0, created_at=hour_ago)
            for n in range(count)
        ]  # fmt: skip
        ids = list(db.session.scalars(insert(Submission).returning(Submission.id), rows))
        db.session.commit()
        for submission_id in ids:
            grading_queue().enqueue(submission_id)
        return ids


def test_a_sweep_asks_redis_as_often_with_1000_open_submissions_as_with_10(deployment, round_trips):
    add_users(deployment.app, "ann")
    counts = {}
    for count in (10, 1000):
        ids = _open_submissions(deployment.app, count)
        with deployment.app.app_context():
            round_trips.clear()
            assert requeue_lost_submissions(grading_queue(), older_than_seconds=60) == []
            counts[count] = len(round_trips)
            db.session.execute(Submission.__table__.delete().where(Submission.id.in_(ids)))
            db.session.commit()
    assert counts[10] == counts[1000] == 1, counts

"""One student's worst files cannot hold the queue: another class's job waits seconds, not minutes."""

from __future__ import annotations

import time

from service.extensions import db
from service.store.models import Submission
from tests.conftest import login
from tests.workers.conftest import wait_for
from tests.workers.test_queue import add_users, post_job

MAX_FILE = 32 * 1024 * 1024 - 4096  # the upload limit less the multipart envelope
# The two files that once held a worker for minutes each: a row of zeros, 8 million times, and a
# header of 11 million extra columns.
ROWS_OF_ZEROS = b"Id,Probability\n" + b"0,0\n" * ((MAX_FILE - 64) // 4)
WIDE_HEADER = b"Id,Probability," + b"ab," * ((MAX_FILE - 64) // 3) + b"\n1,0\n"


def test_two_maximum_size_bad_files_delay_another_class_by_seconds_and_end_rejected(
    deployment, good_submission
):
    add_users(deployment.app, "mallory", tenant="class-a")
    add_users(deployment.app, "ann", tenant="class-b")
    client = deployment.app.test_client()
    mallory, ann = login(client, "mallory"), login(client, "ann")
    deployment.start_worker()
    bad = [post_job(client, mallory, data) for data in (ROWS_OF_ZEROS, WIDE_HEADER)]
    sent = time.monotonic()
    valid = post_job(client, ann, good_submission)

    wait_for(
        lambda: client.get(valid, headers=ann).get_json()["status"] == "finished", 60, message="ann's job"
    )
    waited = time.monotonic() - sent
    assert waited <= 10, f"another class's job waited {waited:.1f} s behind two bad files"
    jobs = [wait_for(lambda loc=loc: (j := client.get(loc, headers=mallory).get_json())["status"]
                     in ("rejected", "failed") and j, 60) for loc in bad]  # fmt: skip
    assert [j["status"] for j in jobs] == ["rejected", "rejected"]
    assert all(j["problems"] for j in jobs)
    with deployment.app.app_context():  # graded once each: never a platform failure retried
        assert all(s.attempts == 1 for s in db.session.scalars(db.select(Submission).where(Submission.id.in_(
            [int(loc.rsplit("/", 1)[1]) for loc in bad]))))  # fmt: skip

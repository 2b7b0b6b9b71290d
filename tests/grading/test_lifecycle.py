"""The lifecycle's closing transitions called directly: each closes a job once, and a duplicate
(a job delivered twice, a retry after the first run finished) changes nothing."""

import pytest

from service.extensions import db
from service.grading import lifecycle
from service.store.models import Submission, SubmissionStatus
from tests.grading.sending import sent, used_today
from tests.routes.scored import standing_of


def job(app, job_id: int) -> Submission:
    with app.app_context():
        submission = db.session.get(Submission, job_id)
        db.session.expunge(submission)
        return submission


def test_a_second_finish_of_the_same_job_counts_nothing_again(ann):
    first = sent(ann)
    with ann.app_context():
        assert lifecycle.finish(first, 0.8, 0.7) is True
        assert lifecycle.finish(first, 0.9, 0.9) is False
    assert standing_of(ann, "ann") == (1, first)
    assert (job(ann, first).public_score, job(ann, first).private_score) == (0.8, 0.7)
    assert used_today(ann) == 1  # a finished job keeps its slot


def test_a_failure_reported_after_the_job_finished_changes_nothing(ann):
    """rq's failure callback may come after the job finished (a retry timed out): the finished job
    keeps its scores, its standing and the slot it spent."""
    finished = sent(ann)
    with ann.app_context():
        assert lifecycle.finish(finished, 0.8, 0.7)
        assert not lifecycle.fail(finished, "Redis was unreachable", platform_fault=True)
        assert not lifecycle.reject(finished, [{"line": 2, "message": "bad"}], "bad file")
    assert used_today(ann) == 1
    assert (job(ann, finished).status, job(ann, finished).error) == (SubmissionStatus.FINISHED, None)
    assert standing_of(ann, "ann") == (1, finished)


def test_a_duplicate_finish_runs_nothing_in_its_transaction(ann):
    first = sent(ann)
    ran = []
    with ann.app_context():
        assert lifecycle.finish(first, 0.8, 0.7, then=lambda: ran.append("first"))
        assert not lifecycle.finish(first, 0.8, 0.7, then=lambda: ran.append("again"))
    assert ran == ["first"]


def test_a_closed_job_is_not_finished_later(ann):
    rejected, failed = sent(ann, 1, "bad file"), sent(ann, 2, "heavy file")
    with ann.app_context():
        assert lifecycle.reject(rejected, [{"line": 2, "message": "bad"}], "bad file")
        assert lifecycle.fail(failed, "out of time")
        assert not lifecycle.finish(rejected, 0.9, 0.9)
        assert not lifecycle.finish(failed, 0.9, 0.9)
        assert not lifecycle.start(failed)
    assert standing_of(ann, "ann") == (0, None)
    assert job(ann, rejected).status is SubmissionStatus.REJECTED
    assert job(ann, failed).status is SubmissionStatus.FAILED


def test_a_rejected_file_gives_its_slot_back_once(ann):
    kept, rejected = sent(ann, 1, "good file"), sent(ann, 2, "bad file")
    assert used_today(ann) == 2
    with ann.app_context():
        assert lifecycle.reject(rejected, [{"line": 2, "message": "bad"}], "bad file")
        assert not lifecycle.reject(rejected, [{"line": 2, "message": "bad"}], "bad file")
        assert not lifecycle.fail(rejected, "the worker was lost", platform_fault=True)
    assert used_today(ann) == 1
    assert job(ann, kept).status is SubmissionStatus.QUEUED


def test_a_platform_fault_never_counts(ann):
    first, again = sent(ann, 1), sent(ann, 2)  # the same file
    with ann.app_context():
        assert lifecycle.fail(first, "Redis was unreachable", platform_fault=True)
        assert lifecycle.fail(again, "Redis was unreachable", platform_fault=True)
    assert used_today(ann) == 0
    assert job(ann, again).error == "Redis was unreachable; not counted"
    assert job(ann, again).failure == "platform"


def test_a_file_that_fails_is_forgiven_once_and_counts_the_next_time(ann):
    first, again = sent(ann, 1), sent(ann, 2)  # the same file
    with ann.app_context():
        assert lifecycle.fail(first, "out of time")
        assert not lifecycle.fail(first, "out of time")  # a duplicate gives no second slot back
    assert used_today(ann) == 1
    assert job(ann, first).error.startswith("out of time; not counted, but a next failure")
    with ann.app_context():
        assert lifecycle.fail(again, "out of time")
    assert used_today(ann) == 1
    assert "this one counts as a submission" in job(ann, again).error
    assert standing_of(ann, "ann") == (0, None)


def test_another_file_failing_the_same_day_counts_too(ann):
    first, other = sent(ann, 1, "heavy file"), sent(ann, 2, "another heavy file")
    with ann.app_context():
        assert lifecycle.fail(first, "out of time")
        assert lifecycle.fail(other, "grading raised")
    assert used_today(ann) == 1


def test_a_value_for_no_column_is_refused_and_writes_nothing(ann):
    """The transition's UPDATE sets the columns its parameters name: a misspelt one must not vanish."""
    first = sent(ann)
    with ann.app_context():
        with pytest.raises(TypeError, match="progres"):
            lifecycle.finish(first, 0.8, 0.7, findings={"progres": 0.5})
        db.session.rollback()
    assert job(ann, first).status is SubmissionStatus.QUEUED

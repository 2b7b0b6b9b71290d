"""Standings as jobs finish (`lifecycle.finish` -> `record_finished`) and as `rebuild_standings` makes
them again: each student's count of finished submissions and best public one."""

from service.extensions import db
from service.grading import lifecycle
from service.results.standings import rebuild_standings
from service.store.models import Challenge, Submission
from tests.routes.scored import add_scored, challenge_id, change_challenge, standing_of


def queued(app, username: str, minute: int) -> int:
    return add_scored(app, username, None, None, minute=minute, status="queued")


def finish(app, job: int, public: float, **findings) -> None:
    with app.app_context():
        assert lifecycle.finish(job, public, public, findings)


def test_a_tie_stays_with_the_earlier_submission_that_finished_first(class_a):
    earlier = add_scored(class_a, "ann", 0.8, 0.5, minute=1)
    add_scored(class_a, "ann", 0.8, 0.9, minute=2)
    assert standing_of(class_a, "ann") == (2, earlier)


def test_a_tie_goes_to_the_earlier_submission_that_finished_last(class_a):
    later, earlier = queued(class_a, "ann", minute=2), queued(class_a, "ann", minute=1)
    finish(class_a, later, 0.8)
    assert standing_of(class_a, "ann") == (1, later)
    finish(class_a, earlier, 0.8)
    assert standing_of(class_a, "ann") == (2, earlier)


def test_of_two_sent_at_once_the_first_job_holds_a_tie(class_a):
    second, first = queued(class_a, "ann", minute=1), queued(class_a, "ann", minute=1)
    second, first = max(second, first), min(second, first)
    finish(class_a, second, 0.8)
    finish(class_a, first, 0.8)
    assert standing_of(class_a, "ann") == (2, first)


def test_a_difference_beyond_the_shown_decimals_does_not_move_the_best(class_a):
    held = add_scored(class_a, "ann", 0.8, 0.5, minute=1)
    add_scored(class_a, "ann", 0.800004, 0.5, minute=2)  # 0.80000 as shown (5 decimals)
    assert standing_of(class_a, "ann") == (2, held)
    better = add_scored(class_a, "ann", 0.80001, 0.5, minute=3)
    assert standing_of(class_a, "ann") == (3, better)


def test_lower_is_better_for_an_error_metric(class_a):
    change_challenge(class_a, metric="rmse")
    add_scored(class_a, "ann", 0.3, 0.3, minute=1)
    lower = add_scored(class_a, "ann", 0.2, 0.2, minute=2)
    add_scored(class_a, "ann", 0.25, 0.1, minute=3)
    assert standing_of(class_a, "ann") == (3, lower)


def test_a_late_submission_neither_counts_nor_stands(class_a):
    on_time = add_scored(class_a, "ann", 0.7, 0.7, minute=1)
    add_scored(class_a, "ann", 0.9, 0.9, minute=2, late=True)
    assert standing_of(class_a, "ann") == (1, on_time)


def test_a_failed_or_unscored_job_counts_only_when_it_finished(class_a):
    scored = add_scored(class_a, "ann", 0.7, 0.7, minute=1)
    add_scored(class_a, "ann", None, None, minute=2, status="failed")
    add_scored(class_a, "ann", None, None, minute=3, status="rejected")
    add_scored(class_a, "ann", None, None, minute=4)  # finished without a public score
    assert standing_of(class_a, "ann") == (2, scored)


def test_rebuilding_keeps_the_earliest_of_equal_shown_scores_and_leaves_late_ones_out(class_a):
    first = add_scored(class_a, "ann", 0.80001, 0.5, minute=1)
    second = add_scored(class_a, "ann", 0.80004, 0.5, minute=2)
    add_scored(class_a, "ann", 0.95, 0.9, minute=3, late=True)
    only = add_scored(class_a, "bob", 0.6, 0.6, minute=1)
    add_scored(class_a, "bob", 0.9, 0.9, minute=2, late=True)
    assert standing_of(class_a, "ann") == (2, second)
    change_challenge(class_a, score_precision=4)  # both of ann's now read 0.8000
    with class_a.app_context():
        rebuild_standings(db.session.get(Challenge, challenge_id(class_a)))
        db.session.commit()
    assert standing_of(class_a, "ann") == (2, first)
    assert standing_of(class_a, "bob") == (1, only)


def ladder_moved(app, *jobs: int) -> list[bool | None]:
    with app.app_context():
        return [db.session.get(Submission, job).ladder_moved for job in jobs]


def test_a_ladder_move_tested_against_a_holder_that_no_longer_holds_does_not_move(class_a):
    change_challenge(class_a, leaderboard_mode="ladder")
    first, stale, next_one = (queued(class_a, "ann", minute) for minute in (1, 2, 3))
    finish(class_a, first, 0.7, ladder_moved=True, ladder_compared_id=None)
    assert standing_of(class_a, "ann") == (1, first)
    # Tested against no holder, but `first` holds by the time it finishes: it moves nothing.
    finish(class_a, stale, 0.9, ladder_moved=True, ladder_compared_id=None)
    assert standing_of(class_a, "ann") == (2, first)
    assert ladder_moved(class_a, first, stale) == [True, False]
    finish(class_a, next_one, 0.8, ladder_moved=True, ladder_compared_id=first)
    assert standing_of(class_a, "ann") == (3, next_one)
    assert ladder_moved(class_a, first, stale, next_one) == [True, False, True]


def test_in_ladder_mode_a_job_whose_test_did_not_move_never_holds(class_a):
    change_challenge(class_a, leaderboard_mode="ladder")
    first, unmoved = queued(class_a, "ann", 1), queued(class_a, "ann", 2)
    finish(class_a, first, 0.7, ladder_moved=True, ladder_compared_id=None)
    finish(class_a, unmoved, 0.9, ladder_moved=False, ladder_compared_id=first)
    assert standing_of(class_a, "ann") == (2, first)
    assert ladder_moved(class_a, first, unmoved) == [True, False]

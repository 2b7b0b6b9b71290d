"""Daily quotas through the quota functions: a day's limit, its grants, and the slots spent."""

from datetime import timedelta

import pytest

from service.errors import InvalidInput, QuotaExceeded
from service.extensions import db
from service.grading import quotas
from service.store.models import User
from tests.grading.sending import DAY, ann_and_challenge, at_noon, clock_and_default, sent, used_today


def test_a_grant_counts_on_its_own_day_only(ann, make_user):
    teacher_id = make_user("teacher-a", "teacher")
    with ann.app_context():
        student, challenge = ann_and_challenge()
        challenge.daily_quota = 5
        db.session.commit()
        teacher = db.session.get(User, teacher_id)
        for offset, extra in ((-1, 2), (0, 1), (1, 4)):
            at_noon(ann, DAY + timedelta(days=offset))
            quotas.grant_extra(
                teacher, student, challenge, extra, "a day of its own", ann.extensions["clock"]()
            )
        default = ann.config["SETTINGS"].daily_submission_quota
        limits = [
            quotas.daily_limit(student, challenge, DAY + timedelta(days=d), default) for d in (-1, 0, 1, 2)
        ]
        assert limits == [7, 6, 9, 5]
        at_noon(ann, DAY)
        assert quotas.quota_status(student, challenge, *clock_and_default(ann))["limit"] == 6


def test_the_challenges_quota_then_the_classs_then_the_default(ann):
    with ann.app_context():
        student, challenge = ann_and_challenge()
        default = ann.config["SETTINGS"].daily_submission_quota
        assert quotas.daily_limit(student, challenge, DAY, default) == default
        student.tenant.daily_quota = default + 3
        assert quotas.daily_limit(student, challenge, DAY, default) == default + 3
        challenge.daily_quota = 1
        assert quotas.daily_limit(student, challenge, DAY, default) == 1


def test_a_day_has_exactly_its_limit_and_the_next_day_starts_again(ann):
    with ann.app_context():
        _, challenge = ann_and_challenge()
        challenge.daily_quota = 2
        db.session.commit()
    sent(ann, 1, "first file"), sent(ann, 2, "second file")
    with pytest.raises(QuotaExceeded) as refused:
        sent(ann, 3, "third file")
    assert refused.value.retry_after == 12 * 3600  # noon to midnight, UTC
    assert refused.value.extra == {"resets_at": f"{DAY + timedelta(days=1)}T00:00:00Z"}
    assert used_today(ann) == 2
    at_noon(ann, DAY + timedelta(days=1))
    assert used_today(ann) == 0
    sent(ann, 4, "third file")
    assert used_today(ann) == 1


def test_a_quota_of_zero_refuses_the_days_first_upload_and_spends_nothing(ann):
    with ann.app_context():
        _, challenge = ann_and_challenge()
        challenge.daily_quota = 0
        db.session.commit()
    with pytest.raises(QuotaExceeded):
        sent(ann, 1, "first file")
    assert used_today(ann) == 0


@pytest.mark.parametrize("extra", [0, 101])
def test_a_grant_is_between_one_and_a_hundred(ann, extra):
    with ann.app_context():
        student, challenge = ann_and_challenge()
        with pytest.raises(InvalidInput):
            quotas.grant_extra(student, student, challenge, extra, None, ann.extensions["clock"]())

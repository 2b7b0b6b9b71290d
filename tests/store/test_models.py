import hashlib

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import service.accounts.users as accounts
from service.accounts.revocation import is_revoked, revoke, revoke_sign_in
from service.errors import Conflict, InvalidInput
from service.extensions import db
from service.store.models import Challenge, Person, Role, Submission, SubmissionStatus, User


def test_tenant_comes_with_its_default_challenge(store_app):
    with store_app.app_context():
        tenant = accounts.create_tenant("class-a", "Class A")
        challenge = db.session.scalar(select(Challenge).where(Challenge.tenant_id == tenant.id))
        assert (challenge.slug, challenge.metric, challenge.answer_key_path) == ("gmsc", "roc_auc", None)


def test_duplicate_tenant_and_username_are_conflicts(store_app):
    with store_app.app_context():
        tenant = accounts.create_tenant("class-a")
        accounts.create_user("ann", "long enough", tenant, Role.STUDENT)
        with pytest.raises(Conflict):
            accounts.create_tenant("class-a")
        with pytest.raises(Conflict):
            accounts.create_user("ann", "long enough", tenant, Role.STUDENT)


def test_usernames_are_unique_in_the_database_itself(store_app):
    with store_app.app_context():
        tenant = accounts.create_tenant("class-a")
        db.session.add_all([
            User(username="dup", role=Role.STUDENT, tenant=tenant, person=Person(username="dup", password_hash="x")),
            User(username="dup", role=Role.STUDENT, tenant=tenant, person=Person(username="dup", password_hash="y")),
        ])  # fmt: skip
        with pytest.raises(IntegrityError):
            db.session.commit()
        db.session.rollback()


def test_password_is_stored_as_an_argon2_hash(store_app):
    with store_app.app_context():
        user = accounts.create_user("ann", "long enough", accounts.create_tenant("class-a"), Role.STUDENT)
        stored = user.person.password_hash
        assert stored.startswith("$argon2id$") and "long enough" not in stored


def test_roster_import_is_all_or_nothing(store_app):
    with store_app.app_context():
        tenant = accounts.create_tenant("class-a")
        with pytest.raises(InvalidInput, match="row 2"):
            accounts.import_roster(b"ann,ann@example.org,long enough\nb!d name,,long enough\n", tenant)
        assert db.session.scalar(select(User).where(User.username == "ann")) is None
        entries = accounts.import_roster(b"username,email\nann,ann@example.org\nbob,\n", tenant)
        assert [e.username for e in entries] == ["ann", "bob"] and all(e.generated_password for e in entries)


def test_submission_row_keeps_the_file_and_its_scores(store_app):
    content = b"Id,Probability\n1,0.5\n" * 1000
    with store_app.app_context():
        tenant = accounts.create_tenant("class-a")
        user = accounts.create_user("ann", "long enough", tenant, Role.STUDENT)
        challenge = db.session.scalar(select(Challenge).where(Challenge.tenant_id == tenant.id))
        submission = Submission(
            tenant_id=tenant.id, user=user, challenge=challenge, filename="p.csv", content=content,
            sha256=hashlib.sha256(content).hexdigest(), size_bytes=len(content),
        )  # fmt: skip
        db.session.add(submission)
        db.session.commit()
        submission_id = submission.id
        db.session.remove()
        stored = db.session.get(Submission, submission_id)
        assert stored.content == content and stored.status is SubmissionStatus.QUEUED
        stored.status, stored.public_score, stored.problems = SubmissionStatus.FINISHED, 0.8123, [{"line": 2}]
        db.session.commit()
        db.session.remove()
        again = db.session.get(Submission, submission_id)
        assert (again.status, again.public_score, again.problems) == (
            SubmissionStatus.FINISHED,
            0.8123,
            [{"line": 2}],
        )


def test_revoked_tokens_are_kept_in_the_store_without_redis(store_app):
    with store_app.app_context():
        revoke("some-jti", expires_at=4_102_444_800)  # 2100-01-01
        assert is_revoked({"jti": "some-jti"}) and not is_revoked({"jti": "other-jti"})
        revoke_sign_in("a-sign-in", expires_at=4_102_444_800)
        assert is_revoked({"jti": "other-jti", "sid": "a-sign-in"})
        assert not is_revoked({"jti": "other-jti", "sid": "another-sign-in"})


def test_roster_that_is_not_csv_or_has_bad_emails_is_refused(store_app):
    with store_app.app_context():
        tenant = accounts.create_tenant("class-a")
        with pytest.raises(InvalidInput, match="not valid CSV"):
            accounts.import_roster(b'ann,"' + b"x" * 200_000 + b'",pw\n', tenant)
        with pytest.raises(InvalidInput, match="not an email"):
            accounts.import_roster(b"ann,ann\x00@example.org,long enough\n", tenant)
        assert db.session.scalar(select(User).where(User.username == "ann")) is None


def test_a_store_lost_while_a_worker_reads_a_file_is_an_outage_not_the_files_fault(store_app):
    """PostgreSQL's binary read goes below SQLAlchemy: its driver's errors must still read as a lost
    store, so that the job waits for the store instead of failing the student's file."""
    from sqlalchemy import create_engine, text

    from service.grading.retries import is_store_outage
    from service.store.uploads import read_upload

    with store_app.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("a store lost under a running query is a server's (PostgreSQL's)")
        tenant = accounts.create_tenant("class-a")
        user = accounts.create_user("ann", "long enough", tenant, Role.STUDENT)
        challenge = db.session.scalar(select(Challenge).where(Challenge.tenant_id == tenant.id))
        submission = Submission(tenant_id=tenant.id, user=user, challenge=challenge, filename="p.csv",
                                content=b"Id,Probability\n", sha256="0" * 64, size_bytes=15)  # fmt: skip
        db.session.add(submission)
        db.session.commit()
        assert read_upload(submission.id) == b"Id,Probability\n"
        backend = db.session.scalar(text("SELECT pg_backend_pid()"))
        admin = create_engine(db.engine.url)
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": backend})
        admin.dispose()
        with pytest.raises(Exception) as lost:
            read_upload(submission.id)
        assert is_store_outage(type(lost.value)), repr(lost.value)
        db.session.rollback()  # the session's connection was invalidated: the next one is new
        assert read_upload(submission.id) == b"Id,Probability\n"


@pytest.mark.parametrize("pieces", [0.5, 3.5])
def test_an_accepted_upload_is_stored_byte_for_byte_however_large(store_app, pieces):
    """A file of several pieces goes to SQLite in pieces (`service.store.uploads`), a small one bound
    as it is; on either store every byte reads back, through the ORM and as a worker reads it (in
    binary on PostgreSQL), and a refused upload leaves no file behind."""
    from datetime import UTC, datetime

    from service.errors import ChallengeClosed
    from service.grading.submissions import accept_submission
    from service.store.models import SubmissionFile
    from service.store.uploads import PIECE_BYTES, read_upload

    row = b"Id,Probability\n" + bytes(range(32, 127)) + b"\n"
    content = row * int(PIECE_BYTES * pieces / len(row)) + b"the end\n"
    queued = []
    store_app.extensions["grading_queue"] = type(
        "Queue", (), {"enqueue": lambda _, job: queued.append(job)}
    )()
    with store_app.app_context():
        tenant = accounts.create_tenant("class-a")
        user = accounts.create_user("ann", "long enough", tenant, Role.STUDENT)
        challenge = db.session.scalar(select(Challenge).where(Challenge.tenant_id == tenant.id))
        settings = store_app.config["SETTINGS"]
        accepted = accept_submission(
            user, challenge, "p.csv", content, None, settings, lambda: datetime.now(UTC)
        )
        job_id = accepted.submission.id
        challenge.closed = True
        db.session.commit()
        with pytest.raises(ChallengeClosed):
            accept_submission(
                user, challenge, "q.csv", content + b"\n", None, settings, lambda: datetime.now(UTC)
            )
        db.session.remove()
        stored = db.session.scalars(select(SubmissionFile)).all()
        assert [(f.submission_id, f.content) for f in stored] == [(job_id, content)] and queued == [job_id]
        assert read_upload(job_id) == content and read_upload(job_id + 1) is None

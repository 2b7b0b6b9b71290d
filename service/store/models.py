"""The SQL store: tenants (classes), people and their memberships (users), challenges, submissions.

The store is the system of record: it holds every uploaded file (in a table of its own,
which no listing reads), so a worker on any machine can grade a submission from its id alone.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime

from sqlalchemy import JSON, BigInteger, Enum, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.ext.associationproxy import AssociationProxy, association_proxy
from sqlalchemy.orm import Mapped, mapped_column, relationship

from service.extensions import db

# Ids are INTEGER columns: 32 bits on PostgreSQL, where a larger id would fail the query itself.
MAX_ID = 2**31 - 1


def utcnow() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)  # stored naive, always UTC


class Role(enum.StrEnum):
    STUDENT = "student"
    TEACHER = "teacher"  # runs the class
    ASSISTANT = "assistant"  # sees all the class sees; changes no challenge's key, metric, feedback or reveal
    ADMIN = "admin"  # the operator: every tenant

    @property
    def staff(self) -> bool:
        return self is not Role.STUDENT


class SubmissionStatus(enum.StrEnum):
    QUEUED = "queued"
    STARTED = "started"
    FINISHED = "finished"
    REJECTED = "rejected"  # not a valid submission: `problems` says why
    FAILED = "failed"  # the platform failed: `error` says why


class Tenant(db.Model):
    __tablename__ = "tenants"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    # Scored submissions per student, challenge and UTC day; None: the service's default.
    daily_quota: Mapped[int | None]
    # The invite link's secret (None: the link is off), until when it works, and whether only the
    # names the teacher listed (`InvitedName`) may join through it, each once.
    join_code: Mapped[str | None] = mapped_column(String(64), unique=True)
    join_expires_at: Mapped[datetime | None]
    join_listed_only: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Person(db.Model):
    """An account: a name and a password that sign in to every class the person is a member of."""

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Not unique: people made in different classes before accounts spanned classes may share a
    # name, and sign in naming their class. A class holds each name once (`User`).
    username: Mapped[str] = mapped_column(String(64), index=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    # Whether the person chose their password (joining, or changing it) rather than staff or the
    # operator, who know it: until they do, the account enters no other class.
    password_chosen: Mapped[bool] = mapped_column(default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    memberships: Mapped[list[User]] = relationship(back_populates="person", order_by="User.id")


class User(db.Model):
    """A person's membership of one class, with their role there (the operator's: no class).

    Everything a class holds of someone (submissions, standings, quota) points here, and a token
    acts for one membership: every class-scoped read keeps the shape of one user in one class.
    """

    __tablename__ = "users"
    # A name is unique in its class only: two classes may each have their "ann". Operators have no
    # class (NULL, which a unique constraint does not compare): accounts keeps their names unique.
    __table_args__ = (
        UniqueConstraint("tenant_id", "username", name="uq_users_tenant_id_username"),
        UniqueConstraint("tenant_id", "person_id", name="uq_users_tenant_id_person_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id"), index=True)
    # The person's name, kept here too so that the unique constraint above holds each class's names.
    username: Mapped[str] = mapped_column(String(64), index=True)
    email: Mapped[str | None] = mapped_column(String(254))
    role: Mapped[Role] = mapped_column(Enum(Role, native_enum=False, length=16))
    tenant_id: Mapped[int | None] = mapped_column(ForeignKey("tenants.id"), index=True)
    disabled: Mapped[bool] = mapped_column(default=False)
    # Removed from the class by its staff: no longer a member, their submissions kept and marked.
    removed_at: Mapped[datetime | None]
    # Carried in every token; a password reset or a disable raises it, and tokens that carry
    # an older version are refused from that instant (not from the next whole second).
    token_version: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tenant: Mapped[Tenant | None] = relationship()
    person: Mapped[Person] = relationship(back_populates="memberships")

    @property
    def active(self) -> bool:
        return not self.disabled and self.removed_at is None


class InvitedName(db.Model):
    """A name or student number the teacher listed for the invite link; claimed by one joiner."""

    __tablename__ = "invited_names"
    __table_args__ = (UniqueConstraint("tenant_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    name: Mapped[str] = mapped_column(String(64))
    claimed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    claimed_at: Mapped[datetime | None]


class Challenge(db.Model):
    __tablename__ = "challenges"
    __table_args__ = (UniqueConstraint("tenant_id", "slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    slug: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)  # Markdown, rendered safely
    metric: Mapped[str] = mapped_column(String(32), default="roc_auc")
    # The teacher's key, kept in the store; None: the practice key, public (ANSWER_KEY_PATH).
    answer_key_sha256: Mapped[str | None] = mapped_column(ForeignKey("answer_keys.sha256"))
    # An operator's key file, from before keys lived in the store; None: ANSWER_KEY_PATH.
    answer_key_path: Mapped[str | None] = mapped_column(String(500))
    # The header a submission carries beside Id; None: the practice key's "Probability".
    prediction_column: Mapped[str | None] = mapped_column(String(64))
    # A closed challenge refuses uploads; its scores and leaderboards stay.
    closed: Mapped[bool] = mapped_column(default=False, server_default="0")
    # What students are shown of the hidden key: scores to this many decimals (staff: exact), and
    # in "ladder" mode a public score that moves only for a significant improvement (at ladder_alpha).
    score_precision: Mapped[int] = mapped_column(default=5, server_default="5")
    leaderboard_mode: Mapped[str] = mapped_column(String(16), default="exact", server_default="exact")
    ladder_alpha: Mapped[float] = mapped_column(default=0.05, server_default="0.05")
    # Until the teacher reveals it, students see public scores only, as on Kaggle.
    private_revealed_at: Mapped[datetime | None]
    # Set at the first reveal and never cleared: hiding scores again must not let
    # students re-choose their finals with what they saw.
    finals_locked_at: Mapped[datetime | None]
    # Private scores are also revealed once the deadline (UTC) has passed.
    deadline: Mapped[datetime | None]
    # None: the tenant's quota, else the service's default.
    daily_quota: Mapped[int | None]
    # A valid submission with every Id of the key, made once (None: not made yet); read by downloads.
    sample_submission: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    tenant: Mapped[Tenant] = relationship()
    files: Mapped[list[ChallengeFile]] = relationship(
        order_by="ChallengeFile.name", cascade="all, delete-orphan", back_populates="challenge"
    )

    @property
    def practice(self) -> bool:
        """The open practice challenge: graded on the committed key, which anyone can read."""
        return self.answer_key_sha256 is None and self.answer_key_path is None

    def late_at(self, moment: datetime) -> bool:
        """Whether an upload at `moment` comes after the deadline, or after the finals were locked
        (private scores shown): scored, but never ranked nor final. A student who has seen private
        scores could otherwise send a file fitted to them as their best public, default final one."""
        after_deadline = self.deadline is not None and moment > self.deadline
        return after_deadline or (self.finals_locked_at is not None and moment > self.finals_locked_at)

    def private_visible_to(self, user: User) -> bool:
        """Staff always see private scores; students once they are revealed."""
        return user.role.staff or self.private_revealed

    @property
    def private_revealed(self) -> bool:
        """Whether students may see private scores: revealed by hand, or the deadline passed."""
        return self.private_revealed_at is not None or (
            self.deadline is not None and self.deadline <= utcnow()
        )


class AnswerKeyFile(db.Model):
    """A teacher's answer key as stored (Id, target, Usage), named by its content's hash: a worker on
    any machine reads it from the store, and each process caches it by that hash."""

    __tablename__ = "answer_keys"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    rows: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChallengeFile(db.Model):
    """A file the teacher gives students: training data, test features..."""

    __tablename__ = "challenge_files"
    __table_args__ = (UniqueConstraint("challenge_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"))
    name: Mapped[str] = mapped_column(String(255))
    size_bytes: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary, deferred=True)  # read only by a download
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    challenge: Mapped[Challenge] = relationship(back_populates="files")


class Submission(db.Model):
    __tablename__ = "submissions"
    __table_args__ = (
        # A retried upload with the same key finds the first submission instead of making a second.
        UniqueConstraint("user_id", "idempotency_key"),
        # One index per read the service makes, so no plan depends on the planner's luck:
        # a class's jobs by time, a student's by challenge and time (also the same-file check),
        # a challenge's by status (leaderboards, exports; with student and time, the gradebook's
        # counts come from the index alone).
        Index("ix_submissions_tenant_id_created_at", "tenant_id", "created_at"),
        Index("ix_submissions_user_id_challenge_id_created_at", "user_id", "challenge_id", "created_at"),
        Index(
            "ix_submissions_challenge_id_status_user_id_created_at",
            "challenge_id",
            "status",
            "user_id",
            "created_at",
        ),
        Index("ix_submissions_challenge_id_final_selected", "challenge_id", "final_selected"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"))
    filename: Mapped[str] = mapped_column(String(255))
    sha256: Mapped[str] = mapped_column(String(64))
    size_bytes: Mapped[int]
    status: Mapped[SubmissionStatus] = mapped_column(
        Enum(SubmissionStatus, native_enum=False, length=16), default=SubmissionStatus.QUEUED, index=True
    )
    progress: Mapped[float] = mapped_column(default=0.0)
    attempts: Mapped[int] = mapped_column(default=0)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    # The UTC day whose quota this submission spent (None once given back).
    quota_day: Mapped[date | None]
    public_score: Mapped[float | None]
    private_score: Mapped[float | None]
    # Chosen by the student for the private leaderboard (Kaggle's "final submissions").
    final_selected: Mapped[bool] = mapped_column(default=False)
    # Sent after the deadline or once private scores were shown (`Challenge.late_at`): scored, but
    # never on a leaderboard, among the finals or in the gradebook.
    late: Mapped[bool] = mapped_column(default=False, server_default="0")
    # Ladder mode: whether this submission moved its student's public leaderboard score, and the
    # one-sided paired test against the submission that held it (None: no test was needed).
    ladder_moved: Mapped[bool | None]
    ladder_p_value: Mapped[float | None]
    ladder_statistic: Mapped[float | None]
    ladder_compared_id: Mapped[int | None]
    # How many answer-key rows differ from the student's previous finished submission (probing).
    previous_id: Mapped[int | None]
    changed_rows: Mapped[int | None]
    problems: Mapped[list | None] = mapped_column(JSON)
    error: Mapped[str | None] = mapped_column(String(1000))
    # A failed submission: "platform" (Redis or the store unreachable) or "file" (out of time,
    # grading raised, worker lost: possibly the file's doing), which the next failure counts on.
    failure: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
    challenge: Mapped[Challenge] = relationship()
    file: Mapped[SubmissionFile] = relationship(cascade="all, delete-orphan", single_parent=True)
    # The uploaded bytes, read (and written) through `file`: only grading and curves load them.
    content: AssociationProxy[bytes] = association_proxy(
        "file", "content", creator=lambda content: SubmissionFile(content=content)
    )


class SubmissionFile(db.Model):
    """The bytes a student uploaded, apart from the submission's row that every listing reads."""

    __tablename__ = "submission_files"

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)


class Standing(db.Model):
    """Where a student stands on a challenge: their finished submissions and their best public one,
    kept up to date as each job finishes, so a leaderboard reads a row a student, not their history."""

    __tablename__ = "standings"
    __table_args__ = (Index("ix_standings_challenge_id", "challenge_id"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), primary_key=True)
    entries: Mapped[int] = mapped_column(default=0)
    # The best public score, of equal ones the earliest submitted; None while none has a public score.
    best_public_id: Mapped[int | None] = mapped_column(ForeignKey("submissions.id"))


class KeptPredictions(db.Model):
    """A finished submission's predictions in key order, for the jobs that come after it: the next one
    counts the rows it changed, a Ladder test compares against the holder's. Only the student's latest
    finished submission and the one holding their score keep theirs, so no file is parsed twice."""

    __tablename__ = "kept_predictions"
    __table_args__ = (Index("ix_kept_predictions_user_id_challenge_id", "user_id", "challenge_id"),)

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    dtype: Mapped[str] = mapped_column(String(8))  # numpy's, as '<f8'
    values: Mapped[bytes] = mapped_column(LargeBinary)


class PredictionSignature(db.Model):
    """A compact trace of a finished submission's predictions, kept for the integrity report: their
    ranks at a fixed sample of the key's rows, and bands of a similarity hash of them."""

    __tablename__ = "prediction_signatures"
    __table_args__ = (Index("ix_prediction_signatures_challenge_id", "challenge_id"),)

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ranks: Mapped[bytes] = mapped_column(LargeBinary)


class SignatureBand(db.Model):
    """One band of a signature's similarity hash: submissions that share a band are compared."""

    __tablename__ = "signature_bands"
    __table_args__ = (Index("ix_signature_bands_challenge_id_band_hash", "challenge_id", "band", "hash"),)

    submission_id: Mapped[int] = mapped_column(ForeignKey("submissions.id"), primary_key=True)
    band: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    hash: Mapped[int] = mapped_column(BigInteger)


class QuotaUsage(db.Model):
    """Slots a student spent on a challenge on one UTC day; raised only by a conditional UPDATE."""

    __tablename__ = "quota_usage"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    used: Mapped[int] = mapped_column(default=0)


class QuotaGrant(db.Model):
    """Extra submissions a teacher granted one student for one day (an accommodation)."""

    __tablename__ = "quota_grants"

    id: Mapped[int] = mapped_column(primary_key=True)
    tenant_id: Mapped[int] = mapped_column(ForeignKey("tenants.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    challenge_id: Mapped[int] = mapped_column(ForeignKey("challenges.id"))
    day: Mapped[date]
    extra: Mapped[int]
    reason: Mapped[str | None] = mapped_column(String(500))
    granted_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


class RevokedToken(db.Model):
    """Signed-out tokens, when no Redis holds them; kept until they would expire anyway."""

    __tablename__ = "revoked_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime]

"""Marshmallow schemas of every request and response body (and so of the OpenAPI document)."""

from datetime import UTC

from flask_smorest import fields as smorest_fields
from marshmallow import Schema, fields, validate
from werkzeug.datastructures import FileStorage

from service.accounts.passwords import MAX_PASSWORD_LENGTH
from service.accounts.users import MAX_EMAIL_LENGTH, MAX_TENANT_NAME_LENGTH
from service.store.models import SubmissionStatus


class Text(fields.String):
    """A string of a request that the SQL store can hold and compare with.

    PostgreSQL refuses the NUL character in text, so a query or a row naming one fails in the
    driver (a 500); here it is the client's error, a 400 naming the field.
    """

    default_error_messages = {"nul": "must not contain the NUL character (\\u0000)"}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise self.make_error("nul")
        return text


class Upload(smorest_fields.Upload):
    """A multipart file part. A text field of the same name (`curl -F file=text`) is the client's
    error, a 400 naming the field, not a string handed on as if it were a file."""

    default_error_messages = {"not_file": "must be a file part (curl -F file=@predictions.csv), not text"}

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, FileStorage):
            raise self.make_error("not_file")
        return value


class UtcDateTime(fields.DateTime):
    """A time the store keeps in UTC without a zone, written with it: 2026-11-25T17:49:20.699809Z."""

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        return (
            value.replace(tzinfo=None).isoformat() + "Z" if value.tzinfo in (None, UTC) else value.isoformat()
        )


class Rows(fields.List):
    """A list of rows (dicts) of `row_schema`, the same as `List(Nested(row_schema))` in what it
    writes and in the OpenAPI document, but each cell written by its field's own writer without
    marshmallow's per-field lookups: a leaderboard's 1,000 rows cost more to dump than to rank."""

    def __init__(self, row_schema: type[Schema], **kwargs):
        super().__init__(fields.Nested(row_schema), **kwargs)
        self._cells = [
            (field.data_key or name, field.attribute or name, field._serialize)
            for name, field in row_schema().dump_fields.items()
        ]

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        cells = self._cells
        return [{name: write(row[key], name, row) for name, key, write in cells} for row in value]


class SubmissionFileSchema(Schema):
    file = Upload(
        required=True,
        metadata={"description": "the predictions as CSV: header Id,Probability, one row per Id"},
        error_messages={
            "required": "attach the CSV as the multipart form field 'file' (curl -F file=@predictions.csv)"
        },
    )


class ScoreSchema(Schema):
    auc = fields.Float(
        required=True, attribute="score", metadata={"description": "ROC AUC over every answer-key row"}
    )
    metric = fields.String(required=True, metadata={"example": "roc_auc"})
    rows = fields.Integer(required=True, metadata={"description": "rows scored"})


class ProblemDetailSchema(Schema):
    line = fields.Integer(allow_none=True, metadata={"description": "line in the file, the header is line 1"})
    column = fields.String(allow_none=True)
    message = fields.String()


class ProblemSchema(Schema):
    """RFC 9457 problem details; `problems` lists what is wrong with a submission."""

    type = fields.String()
    title = fields.String()
    status = fields.Integer()
    detail = fields.String()
    problems = fields.List(fields.Nested(ProblemDetailSchema))
    total_problems = fields.Integer()


class HealthSchema(Schema):
    status = fields.String(metadata={"example": "ok"})
    answer_key = fields.Dict(metadata={"description": "whether the default answer key loads"})
    store = fields.String(metadata={"description": "ok, or unreachable (then the status is unavailable)"})
    redis = fields.String(metadata={"description": "present when REDIS_URL is set: ok or unreachable"})


class LoginSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=1, max=64))
    class_slug = fields.String(
        data_key="class", load_default=None, validate=validate.Length(min=1, max=64),
        metadata={"description": "your class; needed only when your username is used in several classes"},
    )  # fmt: skip
    password = fields.String(required=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH))


class TokensSchema(Schema):
    access_token = fields.String(required=True)
    refresh_token = fields.String()
    token_type = fields.String(metadata={"example": "Bearer"})
    class_slug = fields.String(data_key="class", attribute="class", allow_none=True,
                               metadata={"description": "the class the tokens act for"})  # fmt: skip
    role = fields.String(metadata={"description": "your role in that class"})


class TenantSchema(Schema):
    id = fields.Integer(dump_only=True)
    slug = Text(required=True, validate=validate.Length(max=64))
    name = Text(validate=validate.Length(max=MAX_TENANT_NAME_LENGTH))
    created_at = UtcDateTime(dump_only=True)


class UserSchema(Schema):
    id = fields.Integer(dump_only=True)
    username = fields.String(required=True)
    email = fields.String(allow_none=True)
    role = fields.Function(lambda user: user.role.value, dump_only=True)
    tenant = fields.Function(lambda user: user.tenant.slug if user.tenant else None, dump_only=True)
    disabled = fields.Boolean(dump_only=True)
    created_at = UtcDateTime(dump_only=True)


class CreatedUserSchema(UserSchema):
    generated_password = fields.String(
        allow_none=True, metadata={"description": "answered once, never stored"}
    )


class NewUserSchema(Schema):
    username = fields.String(required=True, validate=validate.Length(min=2, max=64))
    password = fields.String(
        load_default=None, validate=validate.Length(max=MAX_PASSWORD_LENGTH),
        metadata={"description": "none: one is generated and answered once, as a roster import does"},
    )  # fmt: skip
    email = fields.Email(load_default=None, validate=validate.Length(max=MAX_EMAIL_LENGTH))
    role = fields.String(load_default="student", validate=validate.OneOf(["student", "assistant", "teacher"]))


class PasswordResetSchema(Schema):
    password = fields.String(load_default=None, validate=validate.Length(max=MAX_PASSWORD_LENGTH))


class NewPasswordSchema(Schema):
    username = fields.String()
    password = fields.String(metadata={"description": "the new password, to hand to the student"})


class RosterFileSchema(Schema):
    file = Upload(
        required=True,
        metadata={"description": "CSV rows username,email[,password]; a header row is optional"},
        error_messages={"required": "attach the roster CSV as the multipart form field 'file'"},
    )


class RosterEntrySchema(Schema):
    username = fields.String()
    email = fields.String(allow_none=True)
    generated_password = fields.String(allow_none=True)


class TenantQuerySchema(Schema):
    tenant = Text(load_default=None, metadata={"description": "operator only: the tenant's slug"})


class JobUploadSchema(SubmissionFileSchema):
    """POST /jobs's multipart form, whole: the file and the fields beside it (one request body)."""

    challenge = Text(load_default=None, metadata={"description": "challenge slug (default: gmsc)"})


class IdempotencyHeaderSchema(Schema):
    idempotency_key = Text(
        data_key="Idempotency-Key",
        load_default=None,
        validate=validate.Length(min=1, max=200),
        metadata={"description": "a retried upload with the same key returns the first job"},
    )


class JobSchema(Schema):
    """A job as its viewer may see it (`feedback.Seen`): what they may see is decided before this."""

    id = fields.Integer(attribute="job.id")
    status = fields.Function(
        lambda seen: seen.job.status.value, metadata={"enum": [s.value for s in SubmissionStatus]}
    )
    progress = fields.Float(attribute="job.progress")
    challenge = fields.Function(lambda seen: seen.challenge.slug)
    student = fields.Function(lambda seen: seen.job.user.username, metadata={"description": "who sent it"})
    filename = fields.String(attribute="job.filename")
    public_score = fields.Float(
        allow_none=True,
        metadata={"description": "to the challenge's precision for students; in Ladder mode only if it moved their score"},
    )  # fmt: skip
    private_score = fields.Float(allow_none=True)
    late = fields.Boolean(
        attribute="job.late",
        metadata={"description": "sent after the deadline or the reveal: scored, never ranked"},
    )
    leaderboard = fields.Dict(
        allow_none=True,
        metadata={"description": "Ladder mode: whether it moved your public leaderboard score (staff also see the test: p_value, statistic, compared_with)"},
    )  # fmt: skip
    problems = fields.List(fields.Nested(ProblemDetailSchema), attribute="job.problems", allow_none=True)
    error = fields.String(attribute="job.error", allow_none=True)
    created_at = UtcDateTime(attribute="job.created_at")
    started_at = UtcDateTime(attribute="job.started_at", allow_none=True)
    finished_at = UtcDateTime(attribute="job.finished_at", allow_none=True)


class ScoreEntrySchema(Schema):
    job_id = fields.Integer()
    submitted_at = UtcDateTime()
    public_score = fields.Float(allow_none=True)
    private_score = fields.Float(allow_none=True)
    late = fields.Boolean(
        metadata={"description": "sent after the deadline or the reveal: scored, never ranked"}
    )


class ScoreHistorySchema(Schema):
    challenge = fields.String()
    best_public_score = fields.Float(allow_none=True)
    scores = fields.List(fields.Nested(ScoreEntrySchema))


class ChallengeQuerySchema(Schema):
    challenge = Text(load_default=None, metadata={"description": "challenge slug (default: gmsc)"})


class QuotaSchema(Schema):
    challenge = fields.String()
    limit = fields.Integer()
    used = fields.Integer()
    remaining = fields.Integer()
    resets_at = UtcDateTime(metadata={"description": "the next UTC midnight"})


class QuotaSettingSchema(Schema):
    challenge = Text(load_default=None, metadata={"description": "a challenge slug; none: the class"})
    daily_quota = fields.Integer(required=True, allow_none=True, validate=validate.Range(min=0, max=1000))


class ExtraSubmissionsSchema(Schema):
    extra = fields.Integer(required=True, validate=validate.Range(min=1, max=100))
    reason = Text(load_default=None, validate=validate.Length(max=500))
    challenge = Text(load_default=None)


class QuotaGrantSchema(Schema):
    id = fields.Integer()
    user_id = fields.Integer()
    day = fields.Date()
    extra = fields.Integer()
    reason = fields.String(allow_none=True)
    granted_by_id = fields.Integer()
    granted_at = UtcDateTime()


class ChallengeQuotaSchema(Schema):
    challenge = fields.String()
    daily_quota = fields.Integer(
        allow_none=True, metadata={"description": "set for this challenge; null: the class's"}
    )
    effective = fields.Integer(
        metadata={"description": "what a student gets per day, before any extra granted"}
    )


class ClassQuotaSchema(Schema):
    daily_quota = fields.Integer(
        allow_none=True, metadata={"description": "set for the class; null: the default"}
    )
    default = fields.Integer(metadata={"description": "the service's DAILY_SUBMISSION_QUOTA"})
    challenges = fields.List(fields.Nested(ChallengeQuotaSchema))

"""Schemas of the class's results: score export, leaderboard, final submissions, ROC curves."""

from marshmallow import Schema, fields, validate

from service.http.schemas import Rows, Text, UtcDateTime
from service.store.models import MAX_ID


class ExportQuerySchema(Schema):
    format = fields.String(
        load_default="csv", validate=validate.OneOf(["csv", "json"]), metadata={"description": "csv or json"}
    )
    best = fields.Boolean(
        load_default=False,
        metadata={
            "description": "the gradebook: one row per student and challenge instead of per submission"
        },
    )
    challenge = Text(load_default=None, metadata={"description": "only this challenge (slug)"})
    practice = fields.Boolean(
        load_default=False,
        metadata={"description": "the gradebook: include the practice challenge (graded on a public key)"},
    )
    tenant = Text(load_default=None, metadata={"description": "operator only: the tenant's slug"})


class ChallengeArgsSchema(Schema):
    challenge = Text(load_default=None, metadata={"description": "challenge slug (default: gmsc)"})


class LeaderboardQuerySchema(ChallengeArgsSchema):
    tenant = Text(load_default=None, metadata={"description": "operator only: the tenant's slug"})


class PublicEntrySchema(Schema):
    rank = fields.Integer()
    student = fields.String()
    score = fields.Float(metadata={"description": "the student's best public score"})
    submitted_at = UtcDateTime(metadata={"description": "when that submission came (ties: earlier first)"})
    entries = fields.Integer(metadata={"description": "graded submissions"})
    you = fields.Boolean()


class PrivateEntrySchema(Schema):
    rank = fields.Integer()
    student = fields.String()
    score = fields.Float(metadata={"description": "best private score among the final submissions"})
    submitted_at = UtcDateTime()
    public_score = fields.Float(
        allow_none=True, metadata={"description": "the student's public leaderboard score"}
    )
    gap = fields.Float(allow_none=True, metadata={"description": "score minus public_score"})
    public_rank = fields.Integer(allow_none=True)
    rank_change = fields.Integer(
        allow_none=True, metadata={"description": "public_rank minus rank: places won"}
    )
    you = fields.Boolean()


class LeaderboardSchema(Schema):
    challenge = fields.String()
    title = fields.String()
    deadline = UtcDateTime(allow_none=True)
    private_revealed = fields.Boolean()
    public = Rows(PublicEntrySchema)
    private = Rows(
        PrivateEntrySchema,
        allow_none=True,
        metadata={"description": "null for students until the teacher reveals it or the deadline passes"},
    )


class FinalSelectionSchema(Schema):
    challenge = fields.String()
    job_ids = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=MAX_ID)),
        metadata={"description": "the submissions the private leaderboard ranks"},
    )
    chosen_by = fields.String(metadata={"enum": ["student", "default"]})
    locked = fields.Boolean(metadata={"description": "true once private scores are revealed"})
    max_selected = fields.Integer()


class FinalSelectionUpdateSchema(Schema):
    challenge = Text(load_default=None)
    job_ids = fields.List(
        fields.Integer(strict=True, validate=validate.Range(min=1, max=MAX_ID)),  # 1.5 is no job, nor is "1"
        required=True,
        metadata={"description": "up to two of your graded jobs; [] returns to your best public one"},
    )


class RocCurveSchema(Schema):
    part = fields.String(metadata={"enum": ["public", "private"]})
    auc = fields.Float()
    points = fields.List(
        fields.List(fields.Float()),
        metadata={"description": "[false positive rate, true positive rate], at most 200"},
    )


class RocSchema(Schema):
    job_id = fields.Integer()
    challenge = fields.String()
    curves = fields.List(fields.Nested(RocCurveSchema))
    withheld = fields.String(
        allow_none=True,
        metadata={"description": "for a student before the reveal: why no curve is shown (null otherwise)"},
    )

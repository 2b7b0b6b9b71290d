"""Schemas of a challenge: what a teacher sends to make or edit one, and what everyone reads of it."""

from flask import url_for
from marshmallow import Schema, fields, validate

from scoring import METRICS, metric_named
from service.challenges.authoring import (
    MAX_DESCRIPTION_CHARS,
    MAX_PRECISION,
    MAX_TITLE_CHARS,
    classes_of,
    part_rows,
)
from service.http.schemas import Text, Upload, UtcDateTime

METRIC_NAMES = list(METRICS)


class ChallengeCreateSchema(Schema):
    """POST /admin/challenges's multipart form: the fields and the files, one request body."""

    slug = Text(required=True, validate=validate.Length(max=64), metadata={"example": "diabetes"})
    title = Text(required=True, validate=validate.Length(min=1, max=MAX_TITLE_CHARS))
    description = Text(load_default=None, validate=validate.Length(max=MAX_DESCRIPTION_CHARS),
                       metadata={"description": "Markdown"})  # fmt: skip
    metric = Text(required=True, validate=validate.OneOf(METRIC_NAMES))
    answer_key = Upload(required=True, metadata={"description": "CSV: Id, the target, optionally Usage"})
    prediction_column = Text(load_default=None, validate=validate.Length(max=64),
                             metadata={"description": "a submission's header beside Id (default: the target's)"})  # fmt: skip
    target_column = Text(load_default=None, validate=validate.Length(max=200),
                         metadata={"description": "the key's target, when it has other columns too"})  # fmt: skip
    public_fraction = fields.Float(load_default=0.3, validate=validate.Range(0, 1, min_inclusive=False,
                                   max_inclusive=False), metadata={"description": "without Usage: Public share"})  # fmt: skip
    seed = fields.Integer(load_default=0, validate=validate.Range(0, 2**31 - 1),
                          metadata={"description": "without Usage: the split's seed"})  # fmt: skip
    deadline = UtcDateTime(load_default=None, metadata={"description": "no zone: UTC"})
    daily_quota = fields.Integer(load_default=None, validate=validate.Range(0, 10_000))
    files = fields.List(Upload(), load_default=list, metadata={"description": "files for students"})
    score_precision = fields.Integer(load_default=5, validate=validate.Range(0, MAX_PRECISION),
                                     metadata={"description": "decimals of the scores students see"})  # fmt: skip
    leaderboard_mode = Text(load_default="exact", validate=validate.OneOf(["exact", "ladder"]),
                            metadata={"description": "ladder: the public score moves only for a significant gain"})  # fmt: skip
    ladder_alpha = fields.Float(load_default=0.05, validate=validate.Range(0, 0.5, min_inclusive=False,
                                max_inclusive=False), metadata={"description": "the Ladder's budget over a student's history"})  # fmt: skip


class ChallengeEditSchema(Schema):
    """PATCH /admin/challenges/<id>: JSON, or a multipart form when it adds files."""

    title = Text(validate=validate.Length(min=1, max=MAX_TITLE_CHARS))
    description = Text(allow_none=True, validate=validate.Length(max=MAX_DESCRIPTION_CHARS))
    deadline = UtcDateTime(
        allow_none=True,
        metadata={"description": "private scores are revealed at this time (no zone: UTC); null: none"},
    )
    daily_quota = fields.Integer(allow_none=True, validate=validate.Range(0, 10_000))
    closed = fields.Boolean(metadata={"description": "true: refuse uploads; false: open again"})
    private_revealed = fields.Boolean(
        metadata={"description": "reveal private scores now, or hide them again"}
    )
    remove_files = fields.List(Text(), metadata={"description": "names of files to remove"})
    score_precision = fields.Integer(validate=validate.Range(0, MAX_PRECISION),
                                     metadata={"description": "decimals of the scores students see"})  # fmt: skip
    leaderboard_mode = Text(validate=validate.OneOf(["exact", "ladder"]))
    ladder_alpha = fields.Float(validate=validate.Range(0, 0.5, min_inclusive=False, max_inclusive=False))
    metric = Text(metadata={"description": "cannot change: refused with 409"})
    prediction_column = Text(metadata={"description": "cannot change: refused with 409"})


class ChallengeFilesSchema(Schema):
    files = fields.List(Upload(), load_default=list, metadata={"description": "files to add or replace"})


class ChallengeFileSchema(Schema):
    name = fields.String()
    size_bytes = fields.Integer()
    url = fields.Method("_url")

    def _url(self, challenge_file):
        return url_for("challenges.ChallengeFileDownload", challenge_id=challenge_file.challenge_id,
                       name=challenge_file.name)  # fmt: skip


class PartRowsSchema(Schema):
    public = fields.Integer()
    private = fields.Integer()


class ChallengeSchema(Schema):
    id = fields.Integer()
    slug = fields.String()
    title = fields.String()
    description = fields.String(allow_none=True, metadata={"description": "Markdown"})
    metric = fields.String()
    metric_title = fields.Function(lambda c: metric_named(c.metric).title)
    greater_is_better = fields.Function(lambda c: metric_named(c.metric).greater_is_better)
    prediction_column = fields.Function(lambda c: c.prediction_column or "Probability")
    tenant = fields.Function(lambda challenge: challenge.tenant.slug)
    deadline = UtcDateTime(allow_none=True, metadata={"description": "UTC; private scores show from then"})
    private_revealed = fields.Boolean(metadata={"description": "whether students see private scores"})
    closed = fields.Boolean(metadata={"description": "a closed challenge refuses uploads"})
    practice = fields.Boolean(metadata={"description": "graded on the public practice key"})
    daily_quota = fields.Integer(allow_none=True)
    score_precision = fields.Integer(metadata={"description": "decimals of the scores students see"})
    leaderboard_mode = fields.String(metadata={"enum": ["exact", "ladder"]})
    ladder_alpha = fields.Float(
        metadata={
            "description": "the Ladder's budget: the chance that random files ever move a student's score"
        }
    )
    rows = fields.Function(
        lambda c: PartRowsSchema().dump(part_rows(c)), metadata={"description": "per part"}
    )
    classes = fields.Function(
        classes_of,
        allow_none=True,
        metadata={"description": "label metrics: the classes a prediction may be"},
    )
    files = fields.List(fields.Nested(ChallengeFileSchema))
    sample_submission = fields.Function(
        lambda c: url_for("challenges.SampleSubmission", challenge_id=c.id),
        metadata={"description": "a valid submission with every Id"},
    )

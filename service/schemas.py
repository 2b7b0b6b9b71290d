"""Marshmallow schemas of every request and response body (and so of the OpenAPI document)."""

from flask_smorest.fields import Upload
from marshmallow import Schema, fields


class SubmissionFileSchema(Schema):
    file = Upload(
        required=True,
        metadata={"description": "the predictions as CSV: header Id,Probability, one row per Id"},
        error_messages={
            "required": "attach the CSV as the multipart form field 'file' (curl -F file=@predictions.csv)"
        },
    )


class ScoreSchema(Schema):
    auc = fields.Float(required=True, metadata={"description": "ROC AUC over every answer-key row"})
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

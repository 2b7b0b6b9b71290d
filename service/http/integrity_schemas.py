"""Schemas of the teacher's integrity report (GET /admin/integrity)."""

from marshmallow import Schema, fields

from service.http.schemas import Text, UtcDateTime


class IntegrityQuerySchema(Schema):
    challenge = Text(
        load_default=None, metadata={"description": "challenge slug (default: the class's first)"}
    )
    tenant = Text(load_default=None, metadata={"description": "operator only: the tenant's slug"})


class MatchingJobsSchema(Schema):
    job_ids = fields.List(fields.Integer(), metadata={"description": "the first student's job, the second's"})
    similarity = fields.Float(metadata={"description": "1.0 for the same file"})
    same_file = fields.Boolean()


class SharedPairSchema(Schema):
    students = fields.List(fields.String(), metadata={"description": "the two students, by username"})
    matches = fields.Integer(metadata={"description": "pairs of their jobs that match"})
    same_file = fields.Integer(metadata={"description": "of those, pairs of the very same file"})
    best_similarity = fields.Float()
    jobs = fields.List(
        fields.Nested(MatchingJobsSchema), metadata={"description": "the most similar matches, at most 10"}
    )


class CommonFileSchema(Schema):
    students = fields.Integer()
    submissions = fields.Integer()
    example_job_id = fields.Integer()


class SetAsideSchema(Schema):
    files = fields.List(
        fields.Nested(CommonFileSchema), metadata={"description": "files sent by too many students to list"}
    )
    hash_buckets = fields.Integer(metadata={"description": "hash buckets shared by too many students"})
    most_students = fields.Integer(allow_none=True, metadata={"description": "in the most shared of them"})


class SharedPredictionsSchema(Schema):
    pairs = fields.List(fields.Nested(SharedPairSchema))
    compared = fields.Integer(metadata={"description": "pairs of jobs that shared a hash bucket, compared"})
    set_aside = fields.Nested(SetAsideSchema)


class ProbeJobSchema(Schema):
    job_id = fields.Integer()
    previous_id = fields.Integer(metadata={"description": "the job whose predictions it changed"})
    changed_rows = fields.Integer()
    public_score = fields.Float(allow_none=True)
    score_move = fields.Float(
        allow_none=True, metadata={"description": "public score minus the previous one's"}
    )
    submitted_at = UtcDateTime()


class ProbeRunSchema(Schema):
    student = fields.String()
    submissions = fields.Integer(metadata={"description": "consecutive submissions that changed few rows"})
    jobs = fields.List(fields.Nested(ProbeJobSchema), metadata={"description": "oldest first, at most 50"})


class RevealGapSchema(Schema):
    student = fields.String()
    public_score = fields.Float(allow_none=True)
    private_score = fields.Float()
    gap = fields.Float(allow_none=True, metadata={"description": "private_score minus public_score"})
    public_rank = fields.Integer(allow_none=True)
    private_rank = fields.Integer()
    rank_change = fields.Integer(allow_none=True, metadata={"description": "public_rank minus private_rank"})


class ThresholdsSchema(Schema):
    similarity = fields.Float(metadata={"description": "pairs at this similarity or more are listed"})
    probe_share = fields.Float(metadata={"description": "a probe changes fewer than this share of the rows"})
    min_run = fields.Integer(metadata={"description": "probe runs this long or longer are listed"})
    max_students_per_bucket = fields.Integer(
        metadata={"description": "a file or bucket shared by more is set aside"}
    )
    max_jobs_per_pair = fields.Integer()
    max_jobs_per_run = fields.Integer()


class IntegrityReportSchema(Schema):
    challenge = fields.String()
    title = fields.String()
    metric = fields.String()
    greater_is_better = fields.Boolean()
    rows = fields.Integer(metadata={"description": "rows of the answer key, public and private"})
    private_revealed = fields.Boolean()
    thresholds = fields.Nested(ThresholdsSchema)
    shared_predictions = fields.Nested(SharedPredictionsSchema)
    probe_runs = fields.List(fields.Nested(ProbeRunSchema))
    reveal_gaps = fields.List(
        fields.Nested(RevealGapSchema),
        allow_none=True,
        metadata={"description": "null until the private scores are revealed; the biggest drops first"},
    )
    definitions = fields.Dict(
        keys=fields.String(), values=fields.String(), metadata={"description": "one sentence per figure"}
    )

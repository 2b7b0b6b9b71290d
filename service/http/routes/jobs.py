"""/jobs: queue a submission (POST), list jobs, follow one, and its ROC curve once graded."""

from flask import url_for
from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from sqlalchemy.orm import joinedload

from service.challenges.lookup import own_class_challenge_by_slug
from service.grading.submissions import accept_submission, get_visible_submission, visible_submissions
from service.http.blueprint import Blueprint
from service.http.context import now, settings, viewer
from service.http.pagination import SQLPage
from service.http.quota_headers import remember_quota, with_quota_headers
from service.http.rate_limits import limiter, setting
from service.http.result_schemas import RocSchema
from service.http.schemas import (
    IdempotencyHeaderSchema,
    JobSchema,
    JobUploadSchema,
    ProblemSchema,
)
from service.http.uploads import UploadParser
from service.results.curves import roc_of
from service.results.feedback import Seen, seen_by
from service.store.models import Submission

blp = Blueprint("jobs", __name__, description="Queue a submission and follow its grading")
blp.ARGUMENTS_PARSER = UploadParser()


class SeenJobsPage(SQLPage):
    """A page of jobs, each as the signed-in user may see it, decided for the whole page at once."""

    @property
    def items(self):
        return seen_by(viewer(), super().items)


def _seen(job: Submission) -> Seen:
    return seen_by(viewer(), [job], [job.challenge])[0]


@blp.after_request
def add_quota_headers(response):
    """Every /jobs answer, refusals included, says how many submissions are left today."""
    return with_quota_headers(response)


@blp.route("/jobs")
class Jobs(MethodView):
    decorators = [jwt_required(), limiter.limit(setting("jobs_rate_limit"), methods=["POST"])]

    @blp.arguments(JobUploadSchema, location="files", error_status_code=400)
    @blp.arguments(IdempotencyHeaderSchema, location="headers", error_status_code=400)
    @blp.response(202, JobSchema)
    @blp.alt_response(
        200,
        schema=JobSchema,
        description="the same file was sent before: its earlier job, nothing new queued",
    )
    @blp.alt_response(413, schema=ProblemSchema, description="the file is over the size limit")
    @blp.alt_response(415, schema=ProblemSchema, description="the file is not CSV text")
    @blp.alt_response(422, schema=ProblemSchema, description="the Idempotency-Key was used for another file")
    def post(self, form, headers):
        """Queue a CSV for grading; poll the job at its Location."""
        upload = form["file"]
        challenge = own_class_challenge_by_slug(current_user, form["challenge"])
        submission, created, quota = accept_submission(
            current_user,
            challenge,
            _stored_filename(upload.filename),
            upload.read(),
            headers["idempotency_key"],
            settings(),
            now,
        )
        if quota is not None:
            remember_quota(quota)  # the headers need not read it again
        location = {"Location": url_for("jobs.JobById", job_id=submission.id)}
        return _seen(submission), 202 if created else 200, location

    @blp.response(200, JobSchema(many=True))
    @blp.paginate(SeenJobsPage)
    def get(self):
        """Your jobs (a teacher: the class's), newest first; ?page=&page_size=."""
        return (
            visible_submissions(current_user)
            .options(joinedload(Submission.user))
            .order_by(Submission.created_at.desc(), Submission.id.desc())
        )


@blp.route("/jobs/<int:job_id>")
class JobById(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, JobSchema)
    def get(self, job_id):
        """A job's status, progress, scores or problems."""
        return _seen(get_visible_submission(job_id, current_user))


@blp.route("/jobs/<int:job_id>/roc")
class JobRoc(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, RocSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="the job has not finished")
    def get(self, job_id):
        """Points of the ROC curve on the Public rows (and the Private ones once revealed), at most 200 each."""
        submission = get_visible_submission(job_id, current_user)
        return roc_of(submission, current_user)


def _stored_filename(filename: str | None) -> str:
    """The upload's name as the store keeps it: PostgreSQL text cannot hold a NUL character."""
    return (filename or "").replace("\x00", "") or "submission.csv"

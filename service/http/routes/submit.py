"""POST /submit: the classroom check. Scores at once, no sign-in, limited per address."""

from flask.views import MethodView
from flask_limiter.util import get_remote_address

from service.grading.job import grade_practice_upload
from service.http.blueprint import Blueprint
from service.http.rate_limits import limiter, setting
from service.http.schemas import ProblemSchema, ScoreSchema, SubmissionFileSchema

blp = Blueprint("submit", __name__, description="Score a submission at once, without signing in")


@blp.route("/submit")
class Submit(MethodView):
    decorators = [limiter.limit(setting("submit_rate_limit"), key_func=get_remote_address)]

    @blp.arguments(SubmissionFileSchema, location="files", error_status_code=400)
    @blp.response(200, ScoreSchema)
    @blp.alt_response(413, schema=ProblemSchema, description="the file is over the size limit")
    @blp.alt_response(415, schema=ProblemSchema, description="the file is not CSV text")
    @blp.alt_response(422, schema=ProblemSchema, description="the CSV is not a valid submission")
    @blp.alt_response(429, schema=ProblemSchema, description="too many submissions from this address")
    def post(self, files):
        """Score a CSV of predictions against the answer key and answer its ROC AUC."""
        return grade_practice_upload(files["file"].stream)

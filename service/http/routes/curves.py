"""GET /jobs/<id>/roc: the ROC curve of a finished job, for its owner and their teachers."""

from flask.views import MethodView
from flask_jwt_extended import jwt_required
from flask_smorest import Blueprint

from service.http.result_schemas import RocSchema
from service.results.curves import roc_of
from service.http.schemas import ProblemSchema
from service.grading.submissions import get_visible_submission, may_see_private_score

blp = Blueprint("curves", __name__, description="ROC curves of graded jobs")


@blp.route("/jobs/<int:job_id>/roc")
class JobRoc(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, RocSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="the job has not finished")
    def get(self, job_id):
        """Points of the ROC curve on the Public rows (and the Private ones once revealed), at most 200 each."""
        submission = get_visible_submission(job_id)
        return roc_of(submission, include_private=may_see_private_score(submission))

"""GET /jobs/<id>/roc: the ROC curve of a finished job, for its owner and their teachers."""

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from service.grading.submissions import get_visible_submission
from service.http.result_schemas import RocSchema
from service.http.schemas import ProblemSchema
from service.results.curves import roc_of

blp = Blueprint("curves", __name__, description="ROC curves of graded jobs")


@blp.route("/jobs/<int:job_id>/roc")
class JobRoc(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, RocSchema)
    @blp.alt_response(409, schema=ProblemSchema, description="the job has not finished")
    def get(self, job_id):
        """Points of the ROC curve on the Public rows (and the Private ones once revealed), at most 200 each."""
        submission = get_visible_submission(job_id, current_user)
        return roc_of(submission, include_private=submission.challenge.private_visible_to(current_user))

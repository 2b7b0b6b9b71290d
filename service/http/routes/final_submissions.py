"""/final-submissions: the submissions a student picks for the private leaderboard."""

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required

from service.challenges.lookup import own_class_challenge_by_slug
from service.http.blueprint import Blueprint
from service.http.result_schemas import ChallengeArgsSchema, FinalSelectionSchema, FinalSelectionUpdateSchema
from service.http.schemas import ProblemSchema
from service.results.finals import final_selection, select_finals

blp = Blueprint("final_submissions", __name__, description="Final submissions for the private leaderboard")


@blp.route("/final-submissions")
class FinalSubmissions(MethodView):
    decorators = [jwt_required()]

    @blp.arguments(ChallengeArgsSchema, location="query", error_status_code=400)
    @blp.response(200, FinalSelectionSchema)
    def get(self, query):
        """Your submissions that the private leaderboard ranks (by default your best public one)."""
        return final_selection(current_user, own_class_challenge_by_slug(current_user, query["challenge"]))

    @blp.arguments(FinalSelectionUpdateSchema, error_status_code=400)
    @blp.response(200, FinalSelectionSchema)
    @blp.alt_response(
        409, schema=ProblemSchema, description="private scores are revealed: the choice is final"
    )
    @blp.alt_response(422, schema=ProblemSchema, description="more than two jobs, or a job without a score")
    def put(self, selection):
        """Choose up to two of your graded submissions as final; [] returns to the default."""
        challenge = own_class_challenge_by_slug(current_user, selection["challenge"])
        return select_finals(current_user, challenge, selection["job_ids"])

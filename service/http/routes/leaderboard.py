"""GET /leaderboard, and the final submissions a student picks for the private one."""

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from service.challenges.lookup import challenge_for, challenge_of
from service.http.result_schemas import (
    ChallengeArgsSchema,
    FinalSelectionSchema,
    FinalSelectionUpdateSchema,
    LeaderboardQuerySchema,
    LeaderboardSchema,
)
from service.http.schemas import ProblemSchema
from service.results.finals import final_selection, select_finals
from service.results.leaderboard import leaderboard
from service.store.tenancy import target_tenant

blp = Blueprint("leaderboard", __name__, description="The class leaderboard and final submissions")


@blp.route("/leaderboard")
class Leaderboard(MethodView):
    decorators = [jwt_required()]

    @blp.arguments(LeaderboardQuerySchema, location="query", error_status_code=400)
    @blp.response(200, LeaderboardSchema)
    def get(self, query):
        """Best public score per student, ranked; the private ranks once revealed (staff: always)."""
        return leaderboard(
            challenge_of(target_tenant(current_user, query["tenant"]), query["challenge"]), current_user
        )


@blp.route("/final-submissions")
class FinalSubmissions(MethodView):
    decorators = [jwt_required()]

    @blp.arguments(ChallengeArgsSchema, location="query", error_status_code=400)
    @blp.response(200, FinalSelectionSchema)
    def get(self, query):
        """Your submissions that the private leaderboard ranks (by default your best public one)."""
        return final_selection(current_user, challenge_for(current_user, query["challenge"]))

    @blp.arguments(FinalSelectionUpdateSchema, error_status_code=400)
    @blp.response(200, FinalSelectionSchema)
    @blp.alt_response(
        409, schema=ProblemSchema, description="private scores are revealed: the choice is final"
    )
    @blp.alt_response(422, schema=ProblemSchema, description="more than two jobs, or a job without a score")
    def put(self, selection):
        """Choose up to two of your graded submissions as final; [] returns to the default."""
        challenge = challenge_for(current_user, selection["challenge"])
        return select_finals(current_user, challenge, selection["job_ids"])

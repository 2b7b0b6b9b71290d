"""GET /leaderboard: the public ranking, and the private one once revealed."""

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required

from service.challenges.lookup import tenant_challenge_by_slug
from service.http.blueprint import Blueprint
from service.http.context import viewer
from service.http.result_schemas import (
    LeaderboardQuerySchema,
    LeaderboardSchema,
)
from service.results.leaderboard import leaderboard
from service.store.tenancy import own_or_named_tenant

blp = Blueprint("leaderboard", __name__, description="The class leaderboard")


@blp.route("/leaderboard")
class Leaderboard(MethodView):
    decorators = [jwt_required()]

    @blp.arguments(LeaderboardQuerySchema, location="query", error_status_code=400)
    @blp.response(200, LeaderboardSchema)
    def get(self, query):
        """Best public score per student, ranked; the private ranks once revealed (staff: always)."""
        return leaderboard(
            tenant_challenge_by_slug(own_or_named_tenant(current_user, query["tenant"]), query["challenge"]),
            viewer(),
        )

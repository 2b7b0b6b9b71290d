"""GET /scores: a signed-in user's score history, per challenge."""

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required

from service.http.blueprint import Blueprint
from service.http.schemas import ScoreHistorySchema
from service.results.history import score_history

blp = Blueprint("scores", __name__, description="Your scores over time")


@blp.route("/scores")
class Scores(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, ScoreHistorySchema(many=True))
    def get(self):
        """Your finished submissions' scores per challenge, oldest first, and your best public score."""
        return score_history(current_user)

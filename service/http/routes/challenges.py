"""GET /challenges: the challenges of the signed-in user's tenant."""

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

from service.challenges.lookup import visible_challenges
from service.http.schemas import ChallengeSchema
from service.store.models import Challenge
from service.store.tenancy import get_scoped_or_404

blp = Blueprint("challenges", __name__, description="Challenges of your class")


@blp.route("/challenges")
class Challenges(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, ChallengeSchema(many=True))
    def get(self):
        """The challenges of your tenant."""
        return visible_challenges(current_user)


@blp.route("/challenges/<int:challenge_id>")
class ChallengeById(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, ChallengeSchema)
    def get(self, challenge_id):
        """One challenge of your tenant."""
        return get_scoped_or_404(Challenge, challenge_id, current_user)

"""PATCH /admin/challenges/<id>: reveal private scores, or set the deadline that reveals them."""

from flask.views import MethodView
from flask_jwt_extended import current_user

from service.challenges.reveal import update_challenge
from service.http.result_schemas import ChallengeUpdateSchema
from service.http.routes.admin import admin_blueprint, staff_only
from service.http.schemas import ChallengeSchema
from service.store.models import Challenge
from service.store.tenancy import get_scoped_or_404

blp = admin_blueprint("challenges", "Reveal private scores and set deadlines (teachers, operator)")


@blp.route("/challenges/<int:challenge_id>")
class ChallengeSettings(MethodView):
    decorators = [staff_only]

    @blp.arguments(ChallengeUpdateSchema, error_status_code=400)
    @blp.response(200, ChallengeSchema)
    def patch(self, changes, challenge_id):
        """Set `private_revealed` (true: students see private scores now) and/or the `deadline`."""
        return update_challenge(get_scoped_or_404(Challenge, challenge_id, current_user), changes)

"""GET /quota: how many submissions you have left today (teachers set quotas under /admin)."""

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required

import service.grading.quotas as quotas
from service.challenges.lookup import own_class_challenge_by_slug
from service.http.blueprint import Blueprint
from service.http.context import now, settings
from service.http.schemas import (
    ChallengeQuerySchema,
    QuotaSchema,
)

blp = Blueprint("quota", __name__, description="Daily submission quotas")


@blp.route("/quota")
class Quota(MethodView):
    decorators = [jwt_required()]

    @blp.arguments(ChallengeQuerySchema, location="query", error_status_code=400)
    @blp.response(200, QuotaSchema)
    def get(self, query):
        """Your quota for a challenge today: limit, used, remaining and when it resets (UTC midnight)."""
        challenge = own_class_challenge_by_slug(current_user, query["challenge"])
        return quotas.quota_status(current_user, challenge, now(), settings().daily_submission_quota)

"""Daily quotas: GET /quota for students; teachers set quotas and grant extra submissions."""

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required
from flask_smorest import Blueprint

import service.grading.quotas as quotas
from service.challenges.lookup import challenge_for
from service.http.auth import roles_required
from service.http.schemas import (
    ChallengeQuerySchema,
    ExtraSubmissionsSchema,
    QuotaGrantSchema,
    QuotaSchema,
    QuotaSettingSchema,
    TenantQuerySchema,
)
from service.store.models import Role, User
from service.store.tenancy import get_scoped_or_404, target_tenant

blp = Blueprint("quota", __name__, description="Daily submission quotas")
staff_only = roles_required(Role.TEACHER, Role.ADMIN)


@blp.route("/quota")
class Quota(MethodView):
    decorators = [jwt_required()]

    @blp.arguments(ChallengeQuerySchema, location="query", error_status_code=400)
    @blp.response(200, QuotaSchema)
    def get(self, query):
        """Your quota for a challenge today: limit, used, remaining and when it resets (UTC midnight)."""
        return quotas.quota_status(current_user, challenge_for(current_user, query["challenge"]))


@blp.route("/admin/quota")
class QuotaSetting(MethodView):
    decorators = [staff_only]

    @blp.arguments(TenantQuerySchema, location="query", error_status_code=400)
    @blp.arguments(QuotaSettingSchema, error_status_code=400)
    @blp.response(200, QuotaSettingSchema)
    def put(self, query, setting):
        """Set your class's daily quota, or one challenge's (null: back to the default)."""
        tenant = target_tenant(current_user, query["tenant"])
        return quotas.set_daily_quota(tenant, setting["challenge"], setting["daily_quota"])


@blp.route("/admin/users/<int:user_id>/extra-submissions")
class ExtraSubmissions(MethodView):
    decorators = [staff_only]

    @blp.arguments(ExtraSubmissionsSchema, error_status_code=400)
    @blp.response(201, QuotaGrantSchema)
    def post(self, grant, user_id):
        """Grant a student extra submissions for today (an accommodation), recorded with who and when."""
        student = get_scoped_or_404(User, user_id, current_user)
        challenge = challenge_for(student, grant["challenge"])
        return quotas.grant_extra(current_user, student, challenge, grant["extra"], grant["reason"])

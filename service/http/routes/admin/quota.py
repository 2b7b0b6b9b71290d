"""/admin/quota: a class's daily submission quota, or one challenge's."""

from flask.views import MethodView
from flask_jwt_extended import current_user

import service.grading.quotas as quotas
from service.http.context import settings
from service.http.routes.admin import admin_blueprint, staff_only, teachers_only
from service.http.schemas import ClassQuotaSchema, QuotaSettingSchema, TenantQuerySchema
from service.store.tenancy import own_or_named_tenant

blp = admin_blueprint("quota", "Daily quotas (teachers, operator)")


@blp.route("/quota")
class QuotaSetting(MethodView):
    decorators = [staff_only]

    @blp.arguments(TenantQuerySchema, location="query", error_status_code=400)
    @blp.response(200, ClassQuotaSchema)
    def get(self, query):
        """Your class's daily quota, each challenge's, and what a student gets per day."""
        tenant = own_or_named_tenant(current_user, query["tenant"])
        return quotas.class_quotas(tenant, settings().daily_submission_quota)

    @teachers_only
    @blp.arguments(TenantQuerySchema, location="query", error_status_code=400)
    @blp.arguments(QuotaSettingSchema, error_status_code=400)
    @blp.response(200, QuotaSettingSchema)
    def put(self, query, setting):
        """Set your class's daily quota, or one challenge's (null: back to the default)."""
        tenant = own_or_named_tenant(current_user, query["tenant"])
        return quotas.set_daily_quota(tenant, setting["challenge"], setting["daily_quota"])

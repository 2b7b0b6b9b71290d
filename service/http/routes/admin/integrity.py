"""GET /admin/integrity: the teacher's integrity report on one challenge."""

from flask.views import MethodView
from flask_jwt_extended import current_user

from service.challenges.lookup import tenant_challenge_by_slug
from service.http.integrity_schemas import IntegrityQuerySchema, IntegrityReportSchema
from service.http.routes.admin import admin_blueprint, staff_only
from service.integrity.report import integrity_report
from service.store.tenancy import own_or_named_tenant

blp = admin_blueprint("integrity", "Integrity report (teachers, operator)")


@blp.route("/integrity")
class IntegrityReport(MethodView):
    decorators = [staff_only]

    @blp.arguments(IntegrityQuerySchema, location="query", error_status_code=400)
    @blp.response(200, IntegrityReportSchema)
    def get(self, query):
        """Shared predictions, probe runs and, once revealed, public-to-private gaps of one challenge."""
        tenant = own_or_named_tenant(current_user, query["tenant"])
        return integrity_report(tenant_challenge_by_slug(tenant, query["challenge"]))

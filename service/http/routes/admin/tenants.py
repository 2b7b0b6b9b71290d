"""/admin/tenants: the classes (operator only)."""

from flask.views import MethodView

import service.accounts.users as accounts
from service.http.routes.admin import admin_blueprint, operator_only
from service.http.schemas import TenantSchema

blp = admin_blueprint("tenants", "Classes (operator)")


@blp.route("/tenants")
class Tenants(MethodView):
    decorators = [operator_only]

    @blp.response(200, TenantSchema(many=True))
    def get(self):
        """Every tenant (operator only)."""
        return accounts.list_tenants()

    @blp.arguments(TenantSchema, error_status_code=400)
    @blp.response(201, TenantSchema)
    def post(self, tenant):
        """Create a tenant with its default challenge (operator only)."""
        return accounts.create_tenant(tenant["slug"], tenant.get("name"))

"""/admin/roster: import a class's students from a CSV."""

from flask.views import MethodView
from flask_jwt_extended import current_user

import service.accounts.users as accounts
from service.http.routes.admin import admin_blueprint, staff_only
from service.http.schemas import RosterEntrySchema, RosterFileSchema, TenantQuerySchema
from service.store.tenancy import own_or_named_tenant

blp = admin_blueprint("roster", "Roster import (teachers, operator)")


@blp.route("/roster")
class Roster(MethodView):
    decorators = [staff_only]

    @blp.arguments(TenantQuerySchema, location="query", error_status_code=400)
    @blp.arguments(RosterFileSchema, location="files", error_status_code=400)
    @blp.response(201, RosterEntrySchema(many=True))
    def post(self, query, files):
        """Import students from a CSV (username,email[,password]); generated passwords are answered once."""
        return accounts.import_roster(
            files["file"].read(), own_or_named_tenant(current_user, query["tenant"])
        )

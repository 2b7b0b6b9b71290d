"""/admin/...: a teacher manages their own tenant's users; the operator, every tenant."""

from flask.views import MethodView
from flask_jwt_extended import current_user
from flask_smorest import Blueprint

import service.accounts.users as accounts
from service.http.auth import roles_required
from service.http.schemas import (
    NewPasswordSchema,
    NewUserSchema,
    PasswordResetSchema,
    RosterEntrySchema,
    RosterFileSchema,
    TenantQuerySchema,
    TenantSchema,
    UserSchema,
)
from service.store.models import Role, User
from service.store.tenancy import get_scoped_or_404, target_tenant

blp = Blueprint(
    "admin", __name__, url_prefix="/admin", description="Class administration (teachers, operator)"
)
staff_only = roles_required(Role.TEACHER, Role.ADMIN)


@blp.route("/users")
class Users(MethodView):
    decorators = [staff_only]

    @blp.arguments(TenantQuerySchema, location="query", error_status_code=400)
    @blp.response(200, UserSchema(many=True))
    def get(self, query):
        """The users of your tenant."""
        tenant = target_tenant(current_user, query["tenant"]) if query["tenant"] is not None else None
        return accounts.list_users(current_user, tenant)

    @blp.arguments(TenantQuerySchema, location="query", error_status_code=400)
    @blp.arguments(NewUserSchema, error_status_code=400)
    @blp.response(201, UserSchema)
    def post(self, query, new_user):
        """Create a student or teacher in your tenant."""
        tenant = target_tenant(current_user, query["tenant"])
        return accounts.create_user(
            new_user["username"], new_user["password"], tenant, Role(new_user["role"]), new_user["email"]
        )


@blp.route("/users/<int:user_id>")
class UserById(MethodView):
    decorators = [staff_only]

    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One user of your tenant."""
        return get_scoped_or_404(User, user_id, current_user)


@blp.route("/users/<int:user_id>/password")
class UserPassword(MethodView):
    decorators = [staff_only]

    @blp.arguments(PasswordResetSchema, error_status_code=400)
    @blp.response(200, NewPasswordSchema)
    def post(self, reset, user_id):
        """Set a user's password, or generate one (answered once, never logged)."""
        user = get_scoped_or_404(User, user_id, current_user)
        return {"username": user.username, "password": accounts.reset_password(user, reset["password"])}


@blp.route("/users/<int:user_id>/disable")
class UserDisable(MethodView):
    decorators = [staff_only]

    @blp.response(200, UserSchema)
    def post(self, user_id):
        """Disable a user: sign-in refused, tokens rejected."""
        user = get_scoped_or_404(User, user_id, current_user)
        accounts.disable_user(user)
        return user


@blp.route("/roster")
class Roster(MethodView):
    decorators = [staff_only]

    @blp.arguments(TenantQuerySchema, location="query", error_status_code=400)
    @blp.arguments(RosterFileSchema, location="files", error_status_code=400)
    @blp.response(201, RosterEntrySchema(many=True))
    def post(self, query, files):
        """Import students from a CSV (username,email[,password]); generated passwords are answered once."""
        return accounts.import_roster(files["file"].read(), target_tenant(current_user, query["tenant"]))


@blp.route("/tenants")
class Tenants(MethodView):
    decorators = [roles_required(Role.ADMIN)]

    @blp.response(200, TenantSchema(many=True))
    def get(self):
        """Every tenant (operator only)."""
        return accounts.list_tenants()

    @blp.arguments(TenantSchema, error_status_code=400)
    @blp.response(201, TenantSchema)
    def post(self, tenant):
        """Create a tenant with its default challenge (operator only)."""
        return accounts.create_tenant(tenant["slug"], tenant.get("name"))

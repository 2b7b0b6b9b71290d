"""/admin/users: the users of a class, their passwords, disabling them, extra submissions."""

from flask.views import MethodView
from flask_jwt_extended import current_user

import service.accounts.users as accounts
import service.grading.quotas as quotas
from service.challenges.lookup import own_class_challenge_by_slug
from service.errors import Forbidden
from service.http.context import now
from service.http.routes.admin import admin_blueprint, staff_only
from service.http.schemas import (
    CreatedUserSchema,
    ExtraSubmissionsSchema,
    NewPasswordSchema,
    NewUserSchema,
    PasswordResetSchema,
    QuotaGrantSchema,
    TenantQuerySchema,
    UserSchema,
)
from service.store.models import Role, User
from service.store.tenancy import get_visible_by_id, own_or_named_tenant

blp = admin_blueprint("users", "Users of a class (teachers, operator)")


@blp.route("/users")
class Users(MethodView):
    decorators = [staff_only]

    @blp.arguments(TenantQuerySchema, location="query", error_status_code=400)
    @blp.response(200, UserSchema(many=True))
    def get(self, query):
        """The users of your tenant."""
        tenant = own_or_named_tenant(current_user, query["tenant"]) if query["tenant"] is not None else None
        return accounts.list_users(current_user, tenant)

    @blp.arguments(TenantQuerySchema, location="query", error_status_code=400)
    @blp.arguments(NewUserSchema, error_status_code=400)
    @blp.response(201, CreatedUserSchema)
    def post(self, query, new_user):
        """Create a student or teacher in your tenant; without a password, one is generated and answered once."""
        tenant = own_or_named_tenant(current_user, query["tenant"])
        if new_user["role"] != "student" and current_user.role is Role.ASSISTANT:
            raise Forbidden("assistants add students; a teacher adds staff")
        user, generated = accounts.enrol_user(
            new_user["username"], new_user["password"], tenant, Role(new_user["role"]), new_user["email"]
        )
        user.generated_password = generated  # shown in this answer only; never stored
        return user


@blp.route("/users/<int:user_id>")
class UserById(MethodView):
    decorators = [staff_only]

    @blp.response(200, UserSchema)
    def get(self, user_id):
        """One user of your tenant."""
        return get_visible_by_id(User, user_id, current_user)


@blp.route("/users/<int:user_id>/password")
class UserPassword(MethodView):
    decorators = [staff_only]

    @blp.arguments(PasswordResetSchema, error_status_code=400)
    @blp.response(200, NewPasswordSchema)
    def post(self, reset, user_id):
        """Set a user's password, or generate one (answered once, never logged)."""
        user = get_visible_by_id(User, user_id, current_user)
        return {
            "username": user.username,
            "password": accounts.reset_password(user, reset["password"], by=current_user),
        }


@blp.route("/users/<int:user_id>/disable")
class UserDisable(MethodView):
    decorators = [staff_only]

    @blp.response(200, UserSchema)
    def post(self, user_id):
        """Disable a user: sign-in refused, tokens rejected."""
        user = get_visible_by_id(User, user_id, current_user)
        accounts.disable_user(user, by=current_user)
        return user


@blp.route("/users/<int:user_id>/enable")
class UserEnable(MethodView):
    decorators = [staff_only]

    @blp.response(200, UserSchema)
    def post(self, user_id):
        """Let a disabled user sign in again (tokens from before the disable stay refused)."""
        user = get_visible_by_id(User, user_id, current_user)
        accounts.enable_user(user, by=current_user)
        return user


@blp.route("/users/<int:user_id>/extra-submissions")
class ExtraSubmissions(MethodView):
    decorators = [staff_only]

    @blp.arguments(ExtraSubmissionsSchema, error_status_code=400)
    @blp.response(201, QuotaGrantSchema)
    def post(self, grant, user_id):
        """Grant a student extra submissions for today (an accommodation), recorded with who and when."""
        student = get_visible_by_id(User, user_id, current_user)
        challenge = own_class_challenge_by_slug(student, grant["challenge"])
        return quotas.grant_extra(current_user, student, challenge, grant["extra"], grant["reason"], now())

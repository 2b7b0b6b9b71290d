"""/classes: the signed-in person's classes, making one, its staff and its invite link."""

from flask.views import MethodView
from flask_jwt_extended import current_user, jwt_required

import service.accounts.classes as classes
from service.errors import Forbidden
from service.http.blueprint import Blueprint
from service.http.class_schemas import (
    InvitedNameSchema,
    InvitedNamesSchema,
    JoinLinkSchema,
    MembershipSchema,
    NewClassSchema,
    NewJoinLinkSchema,
    NewStaffSchema,
)
from service.store.models import Role

blp = Blueprint("classes", __name__, description="Your classes; teachers make them and invite their students")


@blp.route("/classes")
class Classes(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, MembershipSchema(many=True))
    def get(self):
        """Your classes, each with your role in it (sign in to one, or switch: POST /switch)."""
        return classes.memberships_of(current_user.person)

    @blp.arguments(NewClassSchema, error_status_code=400)
    @blp.response(201, MembershipSchema)
    def post(self, new_class):
        """Make a class (teachers): you teach it; its invite link is in the answer."""
        return classes.create_class(current_user.person, new_class["slug"], new_class["title"])


@blp.route("/classes/<slug>/join-link")
class JoinLink(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, JoinLinkSchema)
    def get(self, slug):
        """The class's invite link (its staff)."""
        member = classes.membership_in(current_user.person, slug)
        if not member.role.staff:
            raise Forbidden("the invite link is for the class's staff")
        return member.tenant

    @blp.arguments(NewJoinLinkSchema, error_status_code=400)
    @blp.response(201, JoinLinkSchema)
    def post(self, link, slug):
        """A new invite link, with an expiry and for the invited names only if asked: the old one stops working."""
        tenant = classes.teacher_of(current_user.person, slug).tenant
        return classes.replace_join_link(tenant, link["expires_at"], link["listed_only"])

    @blp.response(204)
    def delete(self, slug):
        """Turn the invite link off."""
        classes.turn_off_join_link(classes.teacher_of(current_user.person, slug).tenant)


@blp.route("/classes/<slug>/invited-names")
class InvitedNames(MethodView):
    decorators = [jwt_required()]

    @blp.response(200, InvitedNameSchema(many=True))
    def get(self, slug):
        """The names a listed-only invite link lets in, and who claimed each."""
        member = classes.membership_in(current_user.person, slug)
        if not member.role.staff:
            raise Forbidden("the invited names are for the class's staff")
        return classes.invited_names(member.tenant)

    @blp.arguments(InvitedNamesSchema, error_status_code=400)
    @blp.response(200, InvitedNameSchema(many=True))
    def put(self, names, slug):
        """List the names (or student numbers) that may join, each once; claimed ones stay."""
        return classes.set_invited_names(classes.teacher_of(current_user.person, slug).tenant, names["names"])


@blp.route("/classes/<slug>/staff")
class Staff(MethodView):
    decorators = [jwt_required()]

    @blp.arguments(NewStaffSchema, error_status_code=400)
    @blp.response(201, MembershipSchema)
    def post(self, staff, slug):
        """Make someone with an account a teacher or an assistant of the class (teachers)."""
        teacher = classes.teacher_of(current_user.person, slug)
        return classes.add_staff(teacher, staff["username"], Role(staff["role"]), staff["from_class"])

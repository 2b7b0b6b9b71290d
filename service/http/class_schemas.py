"""Schemas of classes, memberships and invite links."""

from flask import url_for
from marshmallow import Schema, fields, validate

from service.accounts.classes import MAX_INVITED_NAME_LENGTH, MAX_INVITED_NAMES
from service.accounts.passwords import MAX_PASSWORD_LENGTH
from service.accounts.users import MAX_TENANT_NAME_LENGTH
from service.http.schemas import Text, UtcDateTime


def join_url(code: str | None) -> str | None:
    return url_for("web.join", code=code, _external=True) if code else None


class NewClassSchema(Schema):
    slug = Text(required=True, validate=validate.Length(max=64), metadata={"example": "gamma"})
    title = Text(load_default=None, validate=validate.Length(max=MAX_TENANT_NAME_LENGTH))


class MembershipSchema(Schema):
    """A class as one of its members sees it: staff also see its invite link."""

    slug = fields.Function(lambda member: member.tenant.slug)
    title = fields.Function(lambda member: member.tenant.name)
    role = fields.Function(lambda member: member.role.value)
    username = fields.String()
    join_url = fields.Function(
        lambda member: join_url(member.tenant.join_code) if member.role.staff and member.active else None,
        metadata={"description": "the invite link (staff only; null when turned off)"},
    )


class JoinLinkSchema(Schema):
    join_url = fields.Function(lambda tenant: join_url(tenant.join_code),
                               metadata={"description": "null: turned off"})  # fmt: skip
    expires_at = UtcDateTime(attribute="join_expires_at", allow_none=True)
    listed_only = fields.Boolean(attribute="join_listed_only")


class NewJoinLinkSchema(Schema):
    expires_at = UtcDateTime(load_default=None, metadata={"description": "no zone: UTC; none: never"})
    listed_only = fields.Boolean(
        load_default=False, metadata={"description": "only the invited names may join, each once"}
    )


class InvitedNamesSchema(Schema):
    names = fields.List(
        Text(validate=validate.Length(min=1, max=MAX_INVITED_NAME_LENGTH)), required=True,
        validate=validate.Length(max=MAX_INVITED_NAMES),
        metadata={"description": "names or student numbers; those not yet claimed are replaced"},
    )  # fmt: skip


class InvitedNameSchema(Schema):
    name = fields.String()
    claimed_by = fields.Function(lambda entry: entry.claimed_by_id)
    claimed_at = UtcDateTime(allow_none=True)


class NewStaffSchema(Schema):
    username = Text(required=True, validate=validate.Length(min=2, max=64))
    role = fields.String(required=True, validate=validate.OneOf(["teacher", "assistant"]))
    from_class = Text(
        load_default=None, metadata={"description": "one of their classes, if the name repeats"}
    )


class JoinSchema(Schema):
    username = Text(load_default=None, validate=validate.Length(min=2, max=64),
                    metadata={"description": "a new account's name (not when signed in)"})  # fmt: skip
    password = fields.String(load_default=None, validate=validate.Length(max=MAX_PASSWORD_LENGTH))
    listed_name = Text(load_default=None, validate=validate.Length(max=MAX_INVITED_NAME_LENGTH),
                       metadata={"description": "your name as the teacher listed it, when the link asks"})  # fmt: skip


class SwitchSchema(Schema):
    class_slug = Text(data_key="class", required=True, validate=validate.Length(min=1, max=64))


class PasswordChangeSchema(Schema):
    current_password = fields.String(required=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH))
    new_password = fields.String(required=True, validate=validate.Length(min=1, max=MAX_PASSWORD_LENGTH))

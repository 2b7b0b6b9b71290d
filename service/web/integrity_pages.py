"""The teacher's integrity page: the integrity report of one challenge of the class, as tables."""

from __future__ import annotations

from flask import render_template, request
from flask_jwt_extended import current_user

from service.challenges.lookup import challenge_of
from service.integrity.report import integrity_report
from service.store.models import Role
from service.store.tenancy import target_tenant
from service.web.content import class_challenges, tenants
from service.web.pages import STAFF, bp
from service.web.session import page


@bp.get("/teacher/integrity")
@page(*STAFF)
def integrity():
    if current_user.role is Role.ADMIN and not request.args.get("tenant"):
        return render_template("web/pick_class.html", tenants=tenants(), target="web.integrity")
    tenant = target_tenant(current_user, request.args.get("tenant") or None)
    challenge = challenge_of(tenant, request.args.get("challenge") or None)
    operator_tenant = tenant.slug if current_user.role is Role.ADMIN else None
    return render_template(
        "web/integrity.html", report=integrity_report(challenge), tenant=tenant, challenge=challenge,
        challenges=class_challenges(tenant), operator_tenant=operator_tenant,
    )  # fmt: skip

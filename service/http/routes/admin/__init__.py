"""/admin/...: a class's staff manage their own class; the operator, every class (`?tenant=SLUG`)."""

from service.http.auth import roles_required
from service.http.blueprint import Blueprint
from service.store.models import Role

staff_only = roles_required(Role.TEACHER, Role.ASSISTANT, Role.ADMIN)
# Assistants see all the class sees and manage its students; a challenge's settings are the teachers'.
teachers_only = roles_required(Role.TEACHER, Role.ADMIN)
operator_only = roles_required(Role.ADMIN)


def admin_blueprint(name: str, description: str) -> Blueprint:
    return Blueprint(f"admin_{name}", __name__, url_prefix="/admin", description=description)

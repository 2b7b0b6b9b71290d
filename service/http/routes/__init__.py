"""The API's routes, one module per URL prefix; `register_blueprints` mounts them all."""

from flask_smorest import Api

from service.http.routes import (
    auth,
    challenges,
    classes,
    final_submissions,
    health,
    jobs,
    join,
    leaderboard,
    quota,
    scores,
    submit,
)
from service.http.routes.admin import challenges as admin_challenges
from service.http.routes.admin import integrity as admin_integrity
from service.http.routes.admin import quota as admin_quota
from service.http.routes.admin import roster as admin_roster
from service.http.routes.admin import scores as admin_scores
from service.http.routes.admin import tenants as admin_tenants
from service.http.routes.admin import users as admin_users

ROUTES = (
    submit, auth, classes, join, jobs, quota, scores, challenges, leaderboard, final_submissions, health,
    admin_users, admin_roster, admin_tenants, admin_quota, admin_scores, admin_challenges, admin_integrity,
)  # fmt: skip


def register_blueprints(api: Api) -> None:
    for module in ROUTES:
        api.register_blueprint(module.blp)

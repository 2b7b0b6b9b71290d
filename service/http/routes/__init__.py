"""One blueprint per resource; `register_blueprints` mounts them all."""

from flask_smorest import Api

from service.http.routes import (
    admin,
    auth,
    challenges,
    curves,
    export,
    health,
    jobs,
    leaderboard,
    quota,
    reveal,
    scores,
    submit,
)


def register_blueprints(api: Api) -> None:
    for module in (submit, auth, jobs, quota, scores, challenges, admin, health):
        api.register_blueprint(module.blp)
    for module in (leaderboard, curves, export, reveal):
        api.register_blueprint(module.blp)

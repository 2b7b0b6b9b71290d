"""One blueprint per resource; `register_blueprints` mounts them all."""

from flask_smorest import Api

from . import admin, auth, challenges, health, jobs, scores, submit


def register_blueprints(api: Api) -> None:
    for module in (submit, auth, jobs, scores, challenges, admin, health):
        api.register_blueprint(module.blp)

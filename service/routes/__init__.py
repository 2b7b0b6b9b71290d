"""One blueprint per resource; `register_blueprints` mounts them all."""

from flask_smorest import Api

from . import health, submit


def register_blueprints(api: Api) -> None:
    for module in (submit, health):
        api.register_blueprint(module.blp)

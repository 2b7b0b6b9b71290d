"""Server-rendered pages for students and teachers: Jinja templates, small static scripts, no build step.

The pages sign in with the same JWTs as the API, kept in an HttpOnly cookie (see
`session.py`); their scripts call the JSON API with that cookie and its CSRF token.
"""

from flask import Flask, redirect, url_for

from service.web import class_pages, integrity_pages, roster_pages, teacher_pages  # noqa: F401  (their pages join the blueprint)
from service.web.pages import bp


def init_web(app: Flask) -> None:
    app.register_blueprint(bp)
    app.add_url_rule("/", "index", lambda: redirect(url_for("web.home")))

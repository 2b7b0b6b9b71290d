"""GET /docs: Swagger UI served by the service itself, under the web pages' Content-Security-Policy.

flask-smorest's own page loads Swagger UI from a CDN (whatever version it serves that day) and
starts it with an inline script. Here the assets come from a pinned package (flask-swagger-ui,
which ships Swagger UI's dist files; requirements.txt pins it), and the initializer is a file, so
the page needs no other host and runs under a policy that forbids inline scripts.
"""

from __future__ import annotations

from pathlib import Path

import flask_swagger_ui
from flask import Blueprint, Flask, abort, current_app, render_template_string, send_from_directory, url_for

from service.web.pages import SECURITY_HEADERS

SWAGGER_UI_DIST = Path(flask_swagger_ui.__file__).resolve().parent / "dist"
# Only the files the page uses: nothing else of the package is reachable.
ASSETS = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")

bp = Blueprint("docs", __name__, url_prefix="/docs")

PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{{ title }} (API)</title>
  <link rel="stylesheet" href="{{ url_for('docs.asset', name='swagger-ui.css') }}">
  <link rel="icon" type="image/png" href="{{ url_for('docs.asset', name='favicon-32x32.png') }}">
</head>
<body>
  <div id="swagger-ui" data-spec-url="{{ spec_url }}"></div>
  <script src="{{ url_for('docs.asset', name='swagger-ui-bundle.js') }}"></script>
  <script src="{{ url_for('docs.initializer') }}"></script>
</body>
</html>
"""

# No topbar (its box would fetch any URL typed in) and no validator badge (another host).
INITIALIZER = """// Starts Swagger UI on the document the page names: a file, so the page's CSP forbids inline scripts.
window.addEventListener("DOMContentLoaded", function () {
  var container = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: container.dataset.specUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
  });
});
"""


def init_docs(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.after_request
def _security_headers(response):
    response.headers.update(SECURITY_HEADERS)
    return response


@bp.get("")
def page():
    return render_template_string(
        PAGE, title=current_app.config["API_TITLE"], spec_url=url_for("api-docs.openapi_json")
    )


@bp.get("/swagger-initializer.js")
def initializer():
    return current_app.response_class(INITIALIZER, mimetype="text/javascript")


@bp.get("/assets/<name>")
def asset(name: str):
    if name not in ASSETS:
        abort(404)
    return send_from_directory(SWAGGER_UI_DIST, name)

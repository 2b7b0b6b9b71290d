"""GET /docs: Swagger UI from the service itself, under the web pages' Content-Security-Policy."""

from __future__ import annotations

import re

from service.web.pages import SECURITY_HEADERS

ASSET = re.compile(r'<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"')


def _directives(policy: str) -> dict[str, list[str]]:
    parts = (directive.split() for directive in policy.split(";") if directive.strip())
    return {name: sources for name, *sources in parts}


def test_docs_page_names_no_other_host(client):
    response = client.get("/docs")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    html = response.get_data(as_text=True)
    assert not re.search(r"https?://|//[a-z0-9]", html, re.IGNORECASE), html
    assert "swagger-ui-bundle.js" in html and "/openapi.json" in html


def test_docs_page_runs_under_the_web_pages_policy_which_forbids_inline_scripts(client):
    response = client.get("/docs")
    policy = response.headers["Content-Security-Policy"]
    assert policy == SECURITY_HEADERS["Content-Security-Policy"]
    directives = _directives(policy)
    scripts = directives.get("script-src", directives["default-src"])
    assert scripts == ["'self'"]  # no 'unsafe-inline', no nonce or hash, no other host
    html = response.get_data(as_text=True)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "an inline script"
    assert not re.search(r"\son[a-z]+=", html), "an inline event handler"


def test_every_script_and_stylesheet_of_the_docs_page_is_served_by_the_app(client):
    html = client.get("/docs").get_data(as_text=True)
    assets = ASSET.findall(html)
    assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets)
    types = {".js": "text/javascript", ".css": "text/css", ".png": "image/png"}
    for url in assets:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.mimetype == types[url[url.rindex(".") :]], url
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_initializer_is_a_file_that_loads_the_services_own_document(client):
    html = client.get("/docs").get_data(as_text=True)
    initializer = next(url for url in ASSET.findall(html) if "initializer" in url)
    script = client.get(initializer).get_data(as_text=True)
    assert "SwaggerUIBundle(" in script and "validatorUrl: null" in script
    assert 'data-spec-url="/openapi.json"' in html
    assert client.get("/openapi.json").status_code == 200


def test_only_the_pages_assets_of_the_package_are_served(client):
    assert client.get("/docs/assets/oauth2-redirect.html").status_code == 404
    assert client.get("/docs/assets/..%2FLICENSE").status_code == 404

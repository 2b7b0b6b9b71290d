"""Signing in to the pages through the Flask test client (which keeps cookies)."""

from __future__ import annotations

import re

from tests.conftest import PASSWORD


def form_token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]*)"', html).group(1)


def page_csrf_token(html: str) -> str:
    return re.search(r'<meta name="csrf-token" content="([^"]+)"', html).group(1)


def web_sign_in(client, username: str, password: str = PASSWORD, next_page: str = ""):
    token = form_token(client.get("/web/signin").get_data(as_text=True))
    return client.post(
        "/web/signin",
        data={"csrf_token": token, "username": username, "password": password, "next": next_page},
    )


def signed_in_csrf(client, username: str) -> str:
    """Sign `username` in; answers the CSRF token their pages carry."""
    assert web_sign_in(client, username).status_code == 302
    return page_csrf_token(client.get("/web/upload").get_data(as_text=True))

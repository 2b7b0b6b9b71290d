"""Who a request counts against for rate limits."""

from __future__ import annotations

from flask import request
from flask_jwt_extended import decode_token
from flask_limiter.util import get_remote_address

ACCESS_COOKIE = "access_token_cookie"  # flask-jwt-extended's default JWT_ACCESS_COOKIE_NAME


def signed_in_user_or_address() -> str:
    """The verified token's user for a signed-in request, else the client address.

    Only the signature and expiry are checked here (the route checks revocation):
    enough to know the identity is not one the client chose.
    """
    header = request.headers.get("Authorization", "")
    # API clients send a bearer header; the web pages keep the same token in a cookie.
    token = header[len("Bearer ") :] if header.startswith("Bearer ") else request.cookies.get(ACCESS_COOKIE)
    if token:
        try:
            return f"user:{decode_token(token)['sub']}"
        except Exception:  # noqa: BLE001 - a bad token counts against its address
            pass
    return f"address:{get_remote_address()}"

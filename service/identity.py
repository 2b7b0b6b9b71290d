"""Who a request counts against for rate limits."""

from __future__ import annotations

from flask import request
from flask_jwt_extended import decode_token
from flask_limiter.util import get_remote_address


def signed_in_user_or_address() -> str:
    """The verified token's user for a signed-in request, else the client address.

    Only the signature and expiry are checked here (the route checks revocation):
    enough to know the identity is not one the client chose.
    """
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        try:
            return f"user:{decode_token(header[len('Bearer ') :])['sub']}"
        except Exception:  # noqa: BLE001 - a bad token counts against its address
            pass
    return f"address:{get_remote_address()}"

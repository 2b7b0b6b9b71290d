"""No request text may hold a NUL character: PostgreSQL refuses one in a text column, so it
would fail deep in a query (a 500) where it should be the client's 400."""

from __future__ import annotations

from flask import Flask, request

from service.errors import InvalidInput


def refuse_nul_characters(app: Flask) -> None:
    app.before_request(_check_request_text)


def _check_request_text() -> None:
    _check("path", request.path)  # a slug or a code taken from the URL
    for name, value in request.args.items(multi=True):
        _check(f"query parameter {name!r}", name + value)
    # Not multipart: an upload is parsed only once its route has let it in (rate limits first);
    # its text fields are checked by their schema.
    if request.mimetype == "application/x-www-form-urlencoded":
        for name, value in request.form.items(multi=True):
            _check(f"form field {name!r}", name + value)
    elif request.is_json and b"\\u0000" in request.get_data(cache=True):
        raise InvalidInput("the JSON body holds a NUL character (\\u0000), which no field accepts")


def _check(where: str, text: str) -> None:
    if "\x00" in text:
        raise InvalidInput(f"the {where} holds a NUL character, which no field accepts")

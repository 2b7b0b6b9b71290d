"""The API's blueprints: flask-smorest's, reading request bodies with `RequestParser`."""

from __future__ import annotations

import json

import flask_smorest
from webargs.flaskparser import FlaskParser

from service.errors import InvalidInput


class RequestParser(FlaskParser):
    """webargs' parser, with every unusable JSON body a 400: Python's decoder raises more than
    JSONDecodeError (ValueError for an integer of more than 4,300 digits, RecursionError for arrays
    nested thousands deep), and decodes an escaped lone surrogate (\\ud800) into a string that no
    store can encode; webargs would let each through as a 500."""

    def _raw_load_json(self, req):
        try:
            data = super()._raw_load_json(req)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise  # webargs answers these itself
        except (RecursionError, ValueError) as error:
            return self._handle_invalid_json_error(error, req)
        if not _unicode_throughout(data):
            raise InvalidInput(
                "the JSON body holds text that is not Unicode (a lone surrogate such as \\ud800)"
            )
        return data


def _unicode_throughout(data) -> bool:
    """Whether every string in `data` (keys too) encodes as UTF-8."""
    pending = [data]
    while pending:
        item = pending.pop()
        if isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = RequestParser()

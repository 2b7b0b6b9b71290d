"""The API's blueprints: flask-smorest's, reading request bodies with `RequestParser`."""

from __future__ import annotations

import json

import flask_smorest
from webargs.flaskparser import FlaskParser


class RequestParser(FlaskParser):
    """webargs' parser, with every unreadable JSON body a 400: Python's decoder raises more than
    JSONDecodeError (ValueError for an integer of more than 4,300 digits, RecursionError for arrays
    nested thousands deep), which webargs would let through as a 500."""

    def _raw_load_json(self, req):
        try:
            return super()._raw_load_json(req)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise  # webargs answers these itself
        except (RecursionError, ValueError) as error:
            return self._handle_invalid_json_error(error, req)


class Blueprint(flask_smorest.Blueprint):
    ARGUMENTS_PARSER = RequestParser()

"""JSON as RFC 8259 defines it: no NaN or Infinity, which `JSON.parse` and strict parsers refuse.

Python's encoder writes them by default; here a non-finite float is a server bug to surface in the
tests, not a broken answer for a client."""

from __future__ import annotations

from typing import Any

from flask.json.provider import DefaultJSONProvider


class StrictJSONProvider(DefaultJSONProvider):
    sort_keys = False  # keep fields in the order the schemas and RFC 9457 give

    def dumps(self, obj: Any, **kwargs: Any) -> str:
        kwargs.setdefault("allow_nan", False)
        return super().dumps(obj, **kwargs)

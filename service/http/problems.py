"""Every error the service answers, as RFC 9457 `application/problem+json`."""

from __future__ import annotations

from typing import Any

from flask import Response, current_app, json
from flask_smorest import Api
from werkzeug.exceptions import HTTPException

from scoring import AnswerKeyError, NotTextError, SubmissionError
from service.errors import ServiceError

PROBLEM_MIMETYPE = "application/problem+json"
# Headers of an HTTP error that still matter once its body is replaced.
_KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def problem(status: int, title: str, detail: str, type_: str = "about:blank", **extra: Any) -> Response:
    """A problem+json response; `extra` members are added beside the standard ones."""
    body = {"type": type_, "title": title, "status": status, "detail": detail, **extra}
    return current_app.response_class(json.dumps(body), status=status, mimetype=PROBLEM_MIMETYPE)


class ProblemApi(Api):
    """flask-smorest's Api, answering HTTP errors as problem+json instead of its own JSON."""

    def handle_http_exception(self, error: HTTPException) -> Response:
        data = getattr(error, "data", None) or {}
        extra: dict[str, Any] = {}
        detail = error.description or error.name
        if error.code == 413:
            limit = current_app.config["MAX_CONTENT_LENGTH"]
            detail = f"the upload is larger than the limit of {limit:,} bytes"
        messages = data.get("messages")
        if messages:  # a request that failed its schema: say which field and why
            extra["errors"] = messages
            detail = "; ".join(flatten_messages(messages)) or detail
        response = problem(error.code or 500, error.name, detail, **extra)
        for name, value in error.get_headers():
            if name in _KEPT_HEADERS:
                response.headers[name] = value
        for name, value in (data.get("headers") or {}).items():
            response.headers[name] = value
        return response


api = ProblemApi()  # the one API of every app: create_app binds it, the routes register on it


def flatten_messages(messages: Any, path: str = "") -> list[str]:
    if isinstance(messages, dict):
        found: list[str] = []
        for key, value in messages.items():
            # webargs nests errors under their location ("files", "json"): not a field name.
            inner = path if key in ("files", "form", "json", "json_or_form", "query", "headers") else key
            found += flatten_messages(value, f"{path}.{inner}" if path and inner != path else inner)
        return found
    if isinstance(messages, list):
        return [f"{path}: {m}" if path else str(m) for m in messages if not isinstance(m, (dict, list))]
    return [f"{path}: {messages}"]


def submission_problem(error: SubmissionError) -> Response:
    status = 415 if isinstance(error, NotTextError) else 422
    kind = "not-csv" if status == 415 else "invalid-submission"
    return problem(
        status,
        error.title,
        error.detail,
        type_=f"urn:grader:problem:{kind}",
        problems=[p.as_dict() for p in error.problems],
        total_problems=error.total,
    )


def answer_key_problem(error: AnswerKeyError) -> Response:
    # The operator's mistake: log the path for them, tell the client only that grading is down.
    current_app.logger.error("cannot grade: %s", error)
    return problem(
        503, "Service Unavailable", "the answer key is not available; the operator must check ANSWER_KEY_PATH"
    )


def service_problem(error: ServiceError) -> Response:
    response = problem(error.status, error.title, error.detail, **error.extra)
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response

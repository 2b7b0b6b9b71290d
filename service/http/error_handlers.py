"""The one place that turns errors into answers: problem+json for the API, an HTML page for the web pages."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, Response, current_app, render_template, request
from flask_jwt_extended.exceptions import CSRFError
from flask_limiter import RateLimitExceeded
from sqlalchemy.exc import InterfaceError, OperationalError

from scoring import AnswerKeyError, SubmissionError
from service.errors import ServiceError, StoreUnavailable
from service.extensions import db
from service.http.auth import csrf_refused
from service.http.problems import answer_key_problem, service_problem, submission_problem
from service.http.rate_limits import rate_limited

STORE_RETRY_SECONDS = 5
STORE_UNREACHABLE = f"the store is unreachable for now: nothing was changed and nothing was counted; try again in {STORE_RETRY_SECONDS} s"
# Headers of a refusal that a page keeps too.
_KEPT_HEADERS = ("Retry-After", "WWW-Authenticate")


def register_error_handlers(app: Flask) -> None:
    """Register every handler; call after the extensions, which register handlers of their own."""
    for error_type, to_problem in (
        (ServiceError, service_problem),
        (SubmissionError, submission_problem),
        (AnswerKeyError, answer_key_problem),
        (RateLimitExceeded, rate_limited),
        (CSRFError, csrf_refused),
        (OperationalError, store_unreachable),
        (InterfaceError, store_unreachable),
    ):
        app.register_error_handler(error_type, _for_the_client(to_problem))


def store_unreachable(error: Exception) -> Response:
    """The store did not answer (down, restarting, out of connections): 503 with a time to come back."""
    current_app.logger.warning("the store is unreachable: %s", error.__class__.__name__)
    try:
        db.session.rollback()
    except (OperationalError, InterfaceError):
        pass  # the connection is gone; the session is removed at the end of the request anyway
    return service_problem(StoreUnavailable(STORE_UNREACHABLE, retry_after=STORE_RETRY_SECONDS))


def _for_the_client(to_problem: Callable[[Exception], Response]) -> Callable[[Exception], Response]:
    def handle(error: Exception):
        answer = to_problem(error)
        if request.blueprint != "web":
            return answer
        page = render_template(
            "web/error.html", status=answer.status_code, message=answer.get_json()["detail"]
        )
        headers = {name: answer.headers[name] for name in _KEPT_HEADERS if name in answer.headers}
        return page, answer.status_code, headers

    return handle

"""Every error the domain raises for the client to fix. `service.http` makes each a problem+json
answer (and a wait into a Retry-After header): the domain knows nothing of HTTP beyond a status."""

from __future__ import annotations


class ServiceError(Exception):
    """An error with the HTTP status and title that describe it to a client."""

    status = 400
    title = "Bad Request"

    def __init__(self, detail: str, retry_after: int | None = None, **extra):
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after  # seconds the client should wait before trying again
        self.extra = extra  # more members of the problem body


class InvalidInput(ServiceError):
    status, title = 400, "Bad Request"


class Forbidden(ServiceError):
    status, title = 403, "Forbidden"


class NotFound(ServiceError):
    """Also what another tenant's object looks like: its existence is not revealed."""

    status, title = 404, "Not Found"


class Conflict(ServiceError):
    status, title = 409, "Conflict"


class Unauthorized(ServiceError):
    status, title = 401, "Unauthorized"


class IdempotencyConflict(ServiceError):
    """An Idempotency-Key sent again with another file (422, as the IETF draft says)."""

    status, title = 422, "Idempotency key reused"


class TooManyAttempts(ServiceError):
    status, title = 429, "Too Many Requests"


class InFlightLimit(ServiceError):
    """A student's earlier submissions are still being graded (MAX_SUBMISSIONS_IN_FLIGHT)."""

    status, title = 429, "Too many submissions in flight"


class InvalidAnswerKey(ServiceError):
    """A teacher's answer key that cannot grade: `problems` lists what is wrong, as for a submission."""

    status, title = 422, "Not a valid answer key"


class ChallengeClosed(ServiceError):
    status, title = 409, "Challenge closed"


class NotSelectable(ServiceError):
    status, title = 422, "Not a selectable submission"


class QuotaExceeded(ServiceError):
    status, title = 429, "Daily quota used up"


class StoreUnavailable(ServiceError):
    """The store could not be reached: the platform's failure, never the user's."""

    status, title = 503, "Service Unavailable"

"""What a failed grading attempt means: try again, wait for the store, or fail, and why.

A store outage is the platform's and passes. A job it interrupts goes back to the queue without
spending a retry, and the workers take no job until the store answers again, looking at it with a
capped backoff; the job fails only once the store has failed it for STORE_RETRY_SECONDS (five
minutes by default). Any other fault (out of time, the worker lost, grading raised) may be the
file's: it is retried JOB_RETRIES times. Each failure says truthfully which it was.
"""

from __future__ import annotations

from redis.exceptions import RedisError
from rq.exceptions import AbandonedJobError
from rq.timeouts import JobTimeoutException

from service.store.outage import STORE_ERRORS

WORKER_LOST = "the worker grading it was lost"


def is_store_outage(error_type: type[BaseException]) -> bool:
    return issubclass(error_type, STORE_ERRORS)


def is_platform_fault(error_type: type[BaseException]) -> bool:
    """Whether an error of grading is the platform's own (Redis or the store unreachable), never
    the file's: such a failure always gives the student's slot back."""
    return issubclass(error_type, (RedisError, *STORE_ERRORS))


def failure_reason(error_type: type[BaseException], timeout_seconds: int | None, store_seconds: int) -> str:
    """What the student and the teacher read on a failed submission."""
    if is_store_outage(error_type):
        return f"the store was unreachable: grading was tried again for {store_seconds} s"
    if issubclass(error_type, JobTimeoutException):
        return f"grading ran out of time ({timeout_seconds} s)"
    if issubclass(error_type, AbandonedJobError):
        return WORKER_LOST
    if issubclass(error_type, RedisError):
        return "Redis was unreachable while grading it"
    return f"grading failed on the server ({error_type.__name__})"

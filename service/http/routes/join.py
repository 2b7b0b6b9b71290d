"""/join/<code>: joining a class by its invite link."""

from flask.views import MethodView
from flask_jwt_extended import current_user, verify_jwt_in_request
from flask_limiter.util import get_remote_address

import service.accounts.classes as classes
from service.accounts.throttle import finish_login_attempt, start_login_attempt
from service.errors import ServiceError
from service.http.blueprint import Blueprint
from service.http.class_schemas import JoinSchema, MembershipSchema
from service.http.rate_limits import limiter, login_throttle, setting
from service.http.schemas import ProblemSchema

blp = Blueprint("join", __name__, description="Join a class by its invite link")
# A join counts as a sign-in attempt: guessing codes is throttled like guessing passwords.
JOIN_ATTEMPT = "join-link"


def join_with_throttle(code: str, address: str, person=None, **account) -> object:
    """Join, counted and throttled like a sign-in from `address`: a wrong code and a name not on the
    list count as failures (guesses); a taken username or a short password do not, so a class behind
    one address is not locked out by its own typing."""
    throttle = login_throttle()
    attempt = f"{JOIN_ATTEMPT}:{account.get('listed_name') or account.get('username') or (person.username if person else '')}"
    start_login_attempt(throttle, attempt, address)
    try:
        member = classes.join(code, person=person, **account)
    except ServiceError as error:
        finish_login_attempt(throttle, attempt, address, succeeded=error.status not in (403, 404))
        raise
    finish_login_attempt(throttle, attempt, address, succeeded=True)
    return member


@blp.route("/join/<code>")
class Join(MethodView):
    decorators = [limiter.limit(setting("login_rate_limit"), key_func=get_remote_address)]

    @blp.arguments(JoinSchema, error_status_code=400)
    @blp.response(201, MembershipSchema)
    @blp.alt_response(404, schema=ProblemSchema, description="the link is wrong, expired or turned off")
    def post(self, account, code):
        """Join the class: with a bearer token, as yourself; else as a new student, with a username and a password."""
        verify_jwt_in_request(optional=True)
        person = current_user.person if current_user else None
        return join_with_throttle(
            code, get_remote_address(), person=person, username=None if person else account["username"],
            password=None if person else account["password"], listed_name=account["listed_name"],
        )  # fmt: skip

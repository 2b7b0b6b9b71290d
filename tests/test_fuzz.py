"""OpenAPI fuzzing: schemathesis sends generated requests, valid and not, to every operation of
/openapi.json, signed in as a teacher, a student and the operator; none may answer a server error.

Bounded for CI: a few examples per operation, a fixed seed and derandomized generation, so a
run takes well under a minute and fails the same way on every machine.
"""

from __future__ import annotations

import pytest
import schemathesis
from flask import g, request_finished
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from sqlalchemy import select
from werkzeug.exceptions import NotFound

from tests.conftest import PASSWORD, login
from tests.web.helpers import form_token, signed_in_csrf

FUZZ_CONFIG = {
    "seed": 20251125,
    # The app and the signed-in users are fixtures shared by an operation's examples, on purpose; and
    # a slow example (a file graded in-process) must not fail the run on a timing health check.
    "suppress-health-check": ["all"],
    "generation": {"max-examples": 6, "deterministic": True, "database": "none"},
    # Stateful links between operations: none are declared, and the time goes to the single calls.
    "phases": {"stateful": {"enabled": False}},
}
# Generous limits: the fuzz signs in again whenever a generated call signed its user out, and must
# not be refused (429) where it means to probe the routes behind.
UNLIMITED = "100000 per minute"


@pytest.fixture
def app(make_app):
    return make_app(
        login_rate_limit=UNLIMITED,
        submit_rate_limit=UNLIMITED,
        jobs_rate_limit=UNLIMITED,
        default_rate_limit=UNLIMITED,
        login_failure_limits=UNLIMITED,
        login_address_failure_limit=UNLIMITED,
    )


def _load_schema():
    """The OpenAPI document, read at collection from an app of its own (the document is the same for
    every app), so that each operation is a test of its own; the tests call their `app` fixture.

    Not `schemathesis.pytest.from_fixture`: with pytest 9.2 its tests fail at once
    (AttributeError: 'Function' object has no attribute '_nodeid', schemathesis 4.32.5).
    """
    import atexit
    import tempfile
    from pathlib import Path

    from service import create_app

    folder = tempfile.TemporaryDirectory(prefix="grader-openapi-")
    atexit.register(folder.cleanup)
    app = create_app({"instance_path": Path(folder.name) / "instance"}, environment={})
    return schemathesis.openapi.from_wsgi(
        "/openapi.json", app, config=SchemathesisConfig.from_dict(FUZZ_CONFIG)
    )


class SignedIn:
    """A bearer token of one user: generated calls may sign the user out, disable them or reset their
    password, and then `headers(renew=True)` signs them in again as they were."""

    def __init__(self, app, username: str):
        self.app, self.username = app, username
        self.client = app.test_client()
        self._headers: dict[str, str] = {}

    def headers(self, renew: bool = False) -> dict[str, str]:
        if renew or not self._headers:
            self._restore()
            self._headers = login(self.client, self.username)
        return self._headers

    def _restore(self) -> None:
        import service.accounts.users as accounts
        from service.extensions import db
        from service.store.models import User

        with self.app.app_context():
            user = db.session.scalar(select(User).where(User.username == self.username))
            user.disabled = False
            accounts.reset_password(user, PASSWORD)


@pytest.fixture
def teacher(app, two_classes):
    return SignedIn(app, "teacher-a")


@pytest.fixture
def student(app, two_classes):
    return SignedIn(app, "student-a")


@pytest.fixture
def operator(app, two_classes):
    return SignedIn(app, "operator")


schema = _load_schema()
# Operations that take no access token: their answers need no verified one to have reached the route.
OPEN_OPERATIONS = {"POST /submit", "POST /login", "POST /refresh", "GET /health"}


@pytest.fixture
def verified(app, request):
    """Whether each generated call's token was verified (the route's sign-in check ran and let it
    in). An answer under 500 alone would pass for calls all refused before any route ran, as with a
    token that stopped working; so each operation that takes a token must see at least one verified."""
    calls: list[bool] = []

    def record(_app, response, **_):
        # flask-jwt-extended keeps the token it verified in g ({} for none). A 413 or 429 was refused
        # before the route, though the quota headers' hook may have verified the token afterwards.
        calls.append(bool(g.get("_jwt_extended_jwt")) and response.status_code not in (413, 429))

    request_finished.connect(record, app)
    yield calls
    request_finished.disconnect(record, app)
    operation = request.node.name.partition("[")[2].rstrip("]")
    assert operation in OPEN_OPERATIONS or any(calls), f"no call to {operation} got past its sign-in check"


def call_and_check(case, signed_in: SignedIn, verified: list[bool]) -> None:
    before = len(verified)
    headers = signed_in.headers()
    del verified[before:]  # a sign-in is not the case's request
    response = case.call(app=signed_in.app, headers=headers)
    if response.status_code == 401 and case.operation.label not in OPEN_OPERATIONS:
        # An earlier call ended this token (a sign-out, a disable, a reset): sign in again and resend.
        before = len(verified) - 1
        headers = signed_in.headers(renew=True)
        del verified[before:]
        response = case.call(app=signed_in.app, headers=headers)
    case.validate_response(response, checks=[not_a_server_error])


@schema.parametrize()
def test_no_server_error_for_a_teacher(case, teacher, verified):
    call_and_check(case, teacher, verified)


@schema.parametrize()
def test_no_server_error_for_a_student(case, student, verified):
    call_and_check(case, student, verified)


@schema.parametrize()
def test_no_server_error_for_the_operator(case, operator, verified):
    call_and_check(case, operator, verified)


# --- the web pages: not in the OpenAPI document, fuzzed with Hypothesis alone ------------------

# Any code point, and often the ones that break things: NUL, line ends, a backslash, "..", non-ASCII.
ANY_TEXT = st.text(alphabet=st.sampled_from("\x00\t\n\r\\/%.:?é☃a1-"), max_size=12) | st.text(max_size=30)
WEB_PAGES = ["/web/", "/web/upload", "/web/submissions", "/web/leaderboard", "/web/teacher", "/web/signin"]
WEB_PARAMETERS = ["challenge", "tenant", "saved", "next", "class"]
WEB_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),  # the app and its signed-in client are shared on purpose
)


@pytest.fixture
def past_the_guard(app) -> list[bool]:
    """For each request the app answered, newest last: whether it got past the pages' guard (signed
    in by cookie, its CSRF token checked), which sets `g.web_user`. An answer under 500 alone would
    pass for a request refused before any view ran."""
    passed: list[bool] = []

    def record(_app, response, **_):
        passed.append("web_user" in g)

    request_finished.connect(record, app)
    yield passed
    request_finished.disconnect(record, app)


def holds_nul(*texts) -> bool:
    """Whether any text holds a NUL: every request with one is refused before its view (400)."""
    return any("\x00" in text for text in texts)


def routed(client, path: str, method: str) -> bool:
    """Whether `path` names a route (an Id past the store's largest does not: 404 before any view)."""
    try:
        client.application.url_map.bind("localhost").match(path, method)
    except NotFound:
        return False
    return True


@pytest.fixture(params=["teacher-a", "student-a", "operator"])
def web_client(request, app, two_classes):
    """A client signed in to the pages by cookie, and the CSRF token its forms carry."""
    client = app.test_client()
    return client, signed_in_csrf(client, request.param)


@WEB_SETTINGS
@given(
    path=st.sampled_from(WEB_PAGES) | st.integers(min_value=0, max_value=2**64).map("/web/jobs/{}".format),
    query=st.dictionaries(st.sampled_from(WEB_PARAMETERS), ANY_TEXT, max_size=3),
)
def test_no_web_page_answers_a_server_error(web_client, past_the_guard, path, query):
    client, _ = web_client
    response = client.get(path, query_string=query)
    assert response.status_code < 500
    refused_first = holds_nul(*query, *query.values())
    guarded = path != "/web/signin" and routed(client, path, "GET")  # the sign-in page has no guard
    assert past_the_guard[-1] is (guarded and not refused_first)
    if refused_first:
        assert response.status_code == 400


@WEB_SETTINGS
@given(
    form=st.fixed_dictionaries(
        {},
        optional={
            "challenge": ANY_TEXT,
            "job_ids": st.lists(ANY_TEXT | st.integers(min_value=-1, max_value=2**64).map(str), max_size=3),
            "action": st.sampled_from(["reveal", "hide", "deadline", "clear-deadline"]) | ANY_TEXT,
            "deadline": ANY_TEXT,
        },
    ),
    challenge_id=st.integers(min_value=0, max_value=2**64),
)
def test_no_web_form_answers_a_server_error(web_client, past_the_guard, form, challenge_id):
    client, csrf_token = web_client
    texts = [text for value in form.values() for text in (value if isinstance(value, list) else [value])]
    refused_first = holds_nul(*texts)
    for url in (
        "/web/final-submissions",
        f"/web/teacher/challenges/{challenge_id}",
        "/web/teacher/challenges/1",
    ):
        response = client.post(url, data={**form, "csrf_token": csrf_token})
        assert response.status_code < 500
        # The form's CSRF token is good: each request gets past the guard, unless a NUL had it refused.
        assert past_the_guard[-1] is (routed(client, url, "POST") and not refused_first)


@WEB_SETTINGS
@given(form=st.dictionaries(st.sampled_from(["username", "password", "next", "class"]), ANY_TEXT))
def test_no_refused_sign_in_answers_a_server_error(app, two_classes, form):
    client = app.test_client()
    token = form_token(client.get("/web/signin").get_data(as_text=True))
    response = client.post("/web/signin", data={**form, "csrf_token": token})
    # With the form's own token, the view checks the user: no such user or password (401), unless a
    # NUL had the request refused before the view (400). A refused token would be a 400 too.
    assert response.status_code == (400 if holds_nul(*form, *form.values()) else 401)
    if response.status_code == 400:
        assert "expired" not in response.get_data(as_text=True)


@settings(WEB_SETTINGS, max_examples=30)
@given(next_page=ANY_TEXT.map("/web/{}".format) | ANY_TEXT)
def test_no_sign_in_redirect_answers_a_server_error(app, two_classes, next_page):
    """Signed in, the page goes to `next`: a Location header, which must be one a header can carry."""
    client = app.test_client()
    token = form_token(client.get("/web/signin").get_data(as_text=True))
    form = {"username": "student-a", "password": PASSWORD, "next": next_page, "csrf_token": token}
    # Signed in and sent on, or refused as a whole for a NUL character (no text field takes one).
    expected = 400 if "\x00" in next_page else 302
    assert client.post("/web/signin", data=form).status_code == expected

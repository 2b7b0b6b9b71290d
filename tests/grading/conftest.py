import pytest

from tests.grading.sending import DAY, at_noon


@pytest.fixture
def ann(app, make_user):
    """A student of class-a, on a clock that reads noon of DAY (UTC); answers the app."""
    make_user("ann", "student", "class-a")
    at_noon(app, DAY)
    return app

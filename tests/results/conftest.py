"""A class of two students, ann and bob, whose submissions the tests close one by one."""

import pytest


@pytest.fixture
def class_a(app, make_user):
    for name in ("ann", "bob"):
        make_user(name, "student", "class-a")
    return app

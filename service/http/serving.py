"""What starts with the requests a process serves: the grading queue's background work."""

from __future__ import annotations

from flask import Flask, request


def tell_the_queue_when_serving(app: Flask) -> None:
    queue = app.extensions["grading_queue"]

    @app.before_request
    def serving() -> None:
        # A WSGI server (flask run, gunicorn) names itself in SERVER_SOFTWARE; the test client does not.
        queue.serving(by_a_server="SERVER_SOFTWARE" in request.environ)

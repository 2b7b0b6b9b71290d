"""Headers every response carries, API and downloads alike (the pages add their own policy)."""

from __future__ import annotations

from flask import Flask, Response


def send_nosniff(app: Flask) -> None:
    """Browsers must take a response's Content-Type as sent: a CSV a student uploaded, or a file a
    teacher gave, is never sniffed into HTML or script."""

    @app.after_request
    def _nosniff(response: Response) -> Response:
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response

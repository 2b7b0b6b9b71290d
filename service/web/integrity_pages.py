"""The teacher's integrity page: the integrity report of one challenge of the class, as tables."""

from __future__ import annotations

from service.integrity.report import integrity_report
from service.web.pages import STAFF, bp, class_challenge_page
from service.web.session import page


@bp.get("/teacher/integrity")
@page(*STAFF)
def integrity():
    return class_challenge_page(
        "web/integrity.html", "web.integrity", lambda c: {"report": integrity_report(c)}
    )

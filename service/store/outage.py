"""Starting while the store is unreachable: the process starts anyway and checks the store's revision
once it answers, so a restart during a PostgreSQL outage leaves the API up (answering 503 meanwhile)
instead of failing to boot."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable

from flask import Flask
from sqlalchemy.exc import InterfaceError, OperationalError

log = logging.getLogger(__name__)
STORE_ERRORS = (OperationalError, InterfaceError)
FIRST_WAIT_SECONDS, LONGEST_WAIT_SECONDS = 1.0, 5.0
EXIT_STORE_BEHIND = 3


def check_when_the_store_answers(app: Flask, check: Callable[[], None]) -> None:
    """Run `check` (the revision check) in the background until the store answers, waiting with a
    capped backoff and logging one line a wait. A store found behind the code ends the process, as
    it would have at start: the operator must run `flask db upgrade`."""

    def keep_trying() -> None:
        wait = FIRST_WAIT_SECONDS
        while True:
            time.sleep(wait)
            try:
                with app.app_context():
                    check()
            except STORE_ERRORS as error:
                wait = min(2 * wait, LONGEST_WAIT_SECONDS)
                log.warning(
                    "the store is still unreachable (%s); trying again in %.0f s", short_reason(error), wait
                )
                continue
            except SystemExit as refused:  # StoreOutOfDate
                log.error("%s", refused)
                os._exit(EXIT_STORE_BEHIND)
            log.warning("the store answers again: serving")
            return

    threading.Thread(target=keep_trying, name="store-wait", daemon=True).start()


def short_reason(error: Exception) -> str:
    """The first line of what the database driver said, not the whole statement."""
    return str(getattr(error, "orig", error)).strip().splitlines()[0][:200]

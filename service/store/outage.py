"""Starting while the store is unreachable: the process starts anyway and checks the store's revision
once it answers, so a restart during a PostgreSQL outage leaves the API up (answering 503 meanwhile)
instead of failing to boot."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable, Iterator

from flask import Flask
from sqlalchemy.exc import InterfaceError, OperationalError

log = logging.getLogger(__name__)
STORE_ERRORS = (OperationalError, InterfaceError)
# The waits between two looks at an unreachable store: doubling from half a second, at most five
# (a process asked to stop while waiting stops within one).
FIRST_WAIT_SECONDS, LONGEST_WAIT_SECONDS = 0.5, 5.0
EXIT_STORE_BEHIND = 3


def check_when_the_store_answers(app: Flask, check: Callable[[], None]) -> None:
    """Run `check` (the revision check) in the background until the store answers, waiting with a
    capped backoff and logging one line a wait. A store found behind the code ends the process, as
    it would have at start: the operator must run `flask db upgrade`."""

    def keep_trying() -> None:
        waits = store_waits()
        while True:
            time.sleep(next(waits))
            try:
                with app.app_context():
                    check()
            except STORE_ERRORS as error:
                log.warning("the store is still unreachable (%s); trying again", short_reason(error))
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


def store_waits() -> Iterator[float]:
    """0.5, 1, 2, 4, 5, 5, ... seconds."""
    wait = FIRST_WAIT_SECONDS
    while True:
        yield wait
        wait = min(2 * wait, LONGEST_WAIT_SECONDS)

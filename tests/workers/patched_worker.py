"""A real grading worker with its scoring slowed or broken, for failure tests.

python tests/workers/patched_worker.py slow SECONDS [--fork]   # time to kill it mid-job
python tests/workers/patched_worker.py crash [--fork]          # every job raises
python tests/workers/patched_worker.py store-down TIMES         # the store fails its first TIMES gradings (-1: all)
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import service.grading.job as grading  # noqa: E402

real_parse_submission = grading.parse_submission


def slow_parse_submission(data, key):
    time.sleep(float(sys.argv[2]))
    return real_parse_submission(data, key)


def crashing_parse_submission(data, key):
    raise RuntimeError("the disk is on fire")


store_failures = []


def store_down_parse_submission(data, key):
    from sqlalchemy.exc import OperationalError

    times = int(sys.argv[2])
    if times < 0 or len(store_failures) < times:
        store_failures.append(1)
        raise OperationalError("SELECT 1", {}, Exception("connection refused: the store is down"))
    return real_parse_submission(data, key)


grading.parse_submission = {
    "slow": slow_parse_submission,
    "crash": crashing_parse_submission,
    "store-down": store_down_parse_submission,
}[sys.argv[1]]

from workers.__main__ import main  # noqa: E402

main(["--fork"] if "--fork" in sys.argv else [])

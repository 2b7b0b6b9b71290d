"""A real grading worker with its scoring slowed or broken, for failure tests.

python tests/workers/patched_worker.py slow SECONDS [--fork]   # time to kill it mid-job
python tests/workers/patched_worker.py crash [--fork]          # every job raises
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


grading.parse_submission = {"slow": slow_parse_submission, "crash": crashing_parse_submission}[sys.argv[1]]

from workers.__main__ import main  # noqa: E402

main(["--fork"] if "--fork" in sys.argv else [])

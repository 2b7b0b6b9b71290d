"""The files a challenge gives its students, and the sample submission made from its key."""

from __future__ import annotations

import csv
import hashlib
import io

from werkzeug.utils import secure_filename

from scoring import AnswerKey
from service.challenges.answer_keys import answer_key_of
from service.errors import InvalidInput, NotFound
from service.store.models import Challenge, ChallengeFile

MAX_FILES = 20
SAMPLE_SUBMISSION = "sample-submission.csv"


def add_files(challenge: Challenge, uploads) -> None:
    """Attach `uploads` (each with a name and its bytes); a name already there is replaced."""
    names = [_file_name(upload.name) for upload in uploads]
    if len(set(names)) != len(names):
        raise InvalidInput("files: two files have the same name")
    kept = [f for f in challenge.files if f.name not in names]
    if len(kept) + len(names) > MAX_FILES:
        raise InvalidInput(f"files: a challenge has at most {MAX_FILES} files")
    if any(not upload.content for upload in uploads):
        raise InvalidInput("files: a file is empty")
    challenge.files = kept + [
        ChallengeFile(name=name, content=upload.content, size_bytes=len(upload.content),
                      sha256=hashlib.sha256(upload.content).hexdigest())
        for name, upload in zip(names, uploads)
    ]  # fmt: skip


def file_of(challenge: Challenge, name: str) -> ChallengeFile:
    for each in challenge.files:
        if each.name == name:
            return each
    raise NotFound(f"challenge {challenge.slug} has no file {name!r}")


def sample_submission_of(challenge: Challenge) -> bytes:
    """The challenge's sample submission as stored; made at the first request for a challenge older
    than stored samples (or the practice one), for the caller to store, never made again."""
    if challenge.sample_submission is None:
        challenge.sample_submission = sample_submission(answer_key_of(challenge))
    return challenge.sample_submission


def sample_submission(key: AnswerKey) -> bytes:
    """A valid submission for `key`: every Id, with a placeholder prediction."""
    placeholder = str(key.classes[0]) if key.metric.prediction == "label" else "0.5"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["Id", key.prediction_column])
    writer.writerows((each, placeholder) for each in key.ids.tolist())
    return out.getvalue().encode()


def _file_name(name: str) -> str:
    safe = secure_filename(name or "")[:200]
    if not safe or safe == SAMPLE_SUBMISSION:
        raise InvalidInput(f"files: {name[:80]!r} is not a usable file name")
    return safe

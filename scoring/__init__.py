"""The scoring core: CSV bytes and an answer key in, a score or a `SubmissionError` out.

Pure Python and NumPy: no Flask, no SQL, no Redis, so every entry point shares it.
"""

from .answer_key import AnswerKey, AnswerKeyError, load_answer_key, read_answer_key
from .errors import NotTextError, Problem, SubmissionError
from .metrics import roc_auc
from .score import METRIC, ScoreResult, score_submission
from .submission import HEADER_TEXT, Submission, parse_submission, require_text

__all__ = [
    "HEADER_TEXT",
    "METRIC",
    "AnswerKey",
    "AnswerKeyError",
    "NotTextError",
    "Problem",
    "ScoreResult",
    "Submission",
    "SubmissionError",
    "load_answer_key",
    "parse_submission",
    "read_answer_key",
    "require_text",
    "roc_auc",
    "score_submission",
]

"""The scoring core: CSV bytes and an answer key in, a score or a `SubmissionError` out.

Pure Python and NumPy: no Flask, no SQL, no Redis, so every entry point shares it.
"""

from .answer_key import AnswerKey, load_answer_key, read_answer_key
from .errors import AnswerKeyError, NotTextError, Problem, SubmissionError
from .formulas import roc_auc
from .key_file import KeyFile, read_key_file
from .metrics import METRICS, Metric, metric_named
from .reading.strict import Submission
from .score import ScoreResult, score_submission
from .submission import parse_submission, require_text

__all__ = [
    "METRICS",
    "AnswerKey",
    "AnswerKeyError",
    "KeyFile",
    "Metric",
    "NotTextError",
    "Problem",
    "ScoreResult",
    "Submission",
    "SubmissionError",
    "load_answer_key",
    "metric_named",
    "parse_submission",
    "read_answer_key",
    "read_key_file",
    "require_text",
    "roc_auc",
    "score_submission",
]

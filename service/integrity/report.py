"""The teacher's integrity report on one challenge: students who send the same predictions, runs of
tiny changes that probe the public score, and each student's public-to-private gap once revealed.

Everything comes from what a finished submission left in the store as it was graded (its file's
digest, the trace and bands of its predictions, the rows it changed): no file is read again, and
each figure is a few queries whatever the class's size. The figures point at what to look at;
they prove nothing by themselves.
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction
from itertools import chain, combinations

import numpy as np
from sqlalchemy import and_, case, func, null, select, union_all
from sqlalchemy.orm import aliased

from scoring import metric_named
from scoring.signature import SAMPLE_ROWS, similarities
from service.challenges.authoring import part_rows
from service.extensions import db
from service.results.leaderboard import leaderboard
from service.store.models import Challenge, PredictionSignature, Role, SignatureBand, Submission, User
from service.store.models import SubmissionStatus as Status

SIMILARITY_THRESHOLD = 0.98
# A file or hash bucket that more students share is a common file (the sample submission, a published
# baseline), not two students copying: it is counted, and its pairs are not listed.
MAX_STUDENTS_PER_BUCKET = 10
# Compared per student in one bucket: a student who sends one file again and again adds nothing past this.
MAX_SUBMISSIONS_PER_BUCKET = 25
MAX_JOBS_PER_PAIR = 10
# A submission that changes fewer than 1 % of the key's rows measures those rows more than it models.
PROBE_SHARE = Fraction(1, 100)
MIN_RUN = 3
MAX_JOBS_PER_RUN = 50
IDS_PER_QUERY = 5000  # bound parameters per statement: SQLite allows 32,766
THRESHOLDS = {
    "similarity": SIMILARITY_THRESHOLD, "probe_share": float(PROBE_SHARE), "min_run": MIN_RUN,
    "max_students_per_bucket": MAX_STUDENTS_PER_BUCKET, "max_jobs_per_pair": MAX_JOBS_PER_PAIR,
    "max_jobs_per_run": MAX_JOBS_PER_RUN,
}  # fmt: skip
# A gap's columns, and the private leaderboard's row member each comes from.
GAP_COLUMNS = {"student": "student", "public_score": "public_score", "private_score": "score",
               "gap": "gap", "public_rank": "public_rank", "private_rank": "rank",
               "rank_change": "rank_change"}  # fmt: skip


def integrity_report(challenge: Challenge) -> dict:
    """The report's three sections, the thresholds they use and one sentence defining each figure."""
    rows = sum(part_rows(challenge).values())
    metric = metric_named(challenge.metric)
    revealed = challenge.private_revealed
    return {
        "challenge": challenge.slug, "title": challenge.title, "metric": metric.name,
        "greater_is_better": metric.greater_is_better, "rows": rows, "private_revealed": revealed,
        "thresholds": THRESHOLDS,
        "shared_predictions": shared_predictions(challenge, metric.prediction == "label"),
        "probe_runs": probe_runs(challenge, rows),
        "reveal_gaps": reveal_gaps(challenge) if revealed else None,
        "definitions": definitions(rows, metric.greater_is_better),
    }  # fmt: skip


def definitions(rows: int, greater_is_better: bool) -> dict[str, str]:
    """One sentence per figure of the report, with the thresholds it uses."""
    better = "higher" if greater_is_better else "lower"
    return {
        "same_file": "Same file: two students' submissions whose bytes have the same SHA-256 digest.",
        "similarity": f"Similarity: Spearman's rank correlation of two submissions' predictions at a fixed "
        f"sample of up to {SAMPLE_ROWS} answer-key rows (for a label metric, the share of those rows given "
        f"the same label); 1.0 for the same file, and pairs at {SIMILARITY_THRESHOLD} or more are listed.",
        "candidates": "Only submissions whose similarity hashes share a band are compared, which finds "
        "nearly every pair above the threshold without comparing all of them; constant predictions have "
        "no hash and are matched by file only.",
        "set_aside": f"A file or hash bucket shared by more than {MAX_STUDENTS_PER_BUCKET} students (a "
        "sample submission, a published baseline) is set aside and counted here, not listed as pairs.",
        "changed_rows": "Rows changed: how many answer-key rows' predictions differ from the student's "
        "previous finished submission to this challenge.",
        "probe_run": f"Probe run: {MIN_RUN} or more consecutive finished submissions of one student, each "
        f"changing at least one and fewer than {float(PROBE_SHARE):.0%} of the key's {rows:,} rows from "
        "the previous one.",
        "score_moves": "Score moves: each submission's exact public score minus that of the submission "
        "its rows changed from, the feedback a student probing the key reads.",
        "gap": "Gap: the private score that counts (the best of the student's final submissions) minus "
        f"their public leaderboard score; {better} is better here, so a gap of the other sign is a drop.",
        "rank_change": "Places: public rank minus private rank, negative for places lost once scores "
        "came out.",
    }  # fmt: skip


# --- shared predictions ------------------------------------------------------------------------


def shared_predictions(challenge: Challenge, labels: bool) -> dict:
    """Pairs of students with the same file or near-identical predictions, each pair once."""
    matches: dict[tuple[int, int], tuple] = {}  # (job, job) of two students, the lower user's first
    names: dict[int, str] = {}
    common_files = _same_files(challenge.id, matches, names)
    candidates, aside = _candidates(challenge.id)
    unmatched = [jobs for jobs in candidates if jobs not in matches]
    scores = _similarities(unmatched, labels)
    for n in np.flatnonzero(scores >= SIMILARITY_THRESHOLD).tolist():
        matches[unmatched[n]] = (candidates[unmatched[n]], float(scores[n]), False)
    return {"pairs": _by_student_pair(matches, names), "compared": len(candidates),
            "set_aside": {"files": common_files, **aside}}  # fmt: skip


def _same_files(challenge_id: int, matches: dict, names: dict[int, str]) -> list[dict]:
    """Record each pair of students' jobs that are the same file; answer the files too common to list."""
    finished = _students_finished(challenge_id)
    shared = (
        select(Submission.sha256).join(User, User.id == Submission.user_id).where(*finished)
        .group_by(Submission.sha256).having(func.count(func.distinct(Submission.user_id)) > 1)
    )  # fmt: skip
    query = (
        select(Submission.sha256, Submission.user_id, User.username, Submission.id)
        .join(User, User.id == Submission.user_id)
        .where(*finished, Submission.sha256.in_(shared))
        .order_by(Submission.sha256, Submission.id)
    )
    senders: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for digest, user_id, username, job_id in db.session.execute(query):
        names[user_id] = username
        senders[digest].append((user_id, job_id))
    common = []
    for jobs in senders.values():
        students = {user for user, _ in jobs}
        if len(students) > MAX_STUDENTS_PER_BUCKET:
            common.append({"students": len(students), "submissions": len(jobs), "example_job_id": jobs[0][1]})
            continue
        matches.update((pair, (users, 1.0, True)) for pair, users in _across_students(sorted(jobs)))
    return sorted(common, key=lambda f: -f["students"])


def _across_students(jobs: list[tuple[int, int]]):
    """Each pair of (user, job), sorted by user, of two students: ((job, job), (user, user)), the lower
    user's first, so that a pair is written the same way wherever it is found."""
    return (
        ((a, b), (user_a, user_b)) for (user_a, a), (user_b, b) in combinations(jobs, 2) if user_a != user_b
    )


def _students_finished(challenge_id: int) -> tuple:
    return (Submission.challenge_id == challenge_id, Submission.status == Status.FINISHED,
            User.role == Role.STUDENT)  # fmt: skip


def _candidates(challenge_id: int) -> tuple[dict, dict]:
    """Pairs of students' jobs that share a hash bucket of at most MAX_STUDENTS_PER_BUCKET students,
    as {(job, job): (user, user)}, and how many buckets were set aside for holding more."""
    members: dict[tuple[int, int], list[tuple[int, int]]] = defaultdict(list)
    crowded = []
    for band, hash_, job_id, user_id, students in db.session.execute(_bucket_query(challenge_id)).all():
        if job_id is None:
            crowded.append(students)
        else:
            members[(band, hash_)].append((user_id, job_id))
    pairs = {}
    for jobs in members.values():
        own: dict[int, list[int]] = defaultdict(list)
        for user_id, job_id in sorted(jobs):
            own[user_id].append(job_id)
        # Each student's first ones only: a file sent again and again adds pairs, not evidence.
        kept = [(user_id, job) for user_id, sent in own.items() for job in sent[:MAX_SUBMISSIONS_PER_BUCKET]]
        pairs.update(_across_students(kept))
    return pairs, {"hash_buckets": len(crowded), "most_students": max(crowded, default=None)}


def _bucket_query(challenge_id: int):
    """Students' jobs in each hash bucket that 2 to MAX_STUDENTS_PER_BUCKET students share, then one row
    (with no job) per bucket shared by more: (band, hash, job, user, students in the bucket).

    Most buckets hold one submission: those are found from the index alone, so that only the shared
    ones cost a lookup of their student."""
    band = SignatureBand
    shared = (
        select(band.band, band.hash).where(band.challenge_id == challenge_id)
        .group_by(band.band, band.hash).having(func.count() > 1).cte("shared")
    )  # fmt: skip
    member = aliased(SignatureBand)
    members = (
        select(member.band, member.hash, member.submission_id, member.user_id)
        .join(shared, and_(shared.c.band == member.band, shared.c.hash == member.hash))
        .join(User, User.id == member.user_id)
        .where(member.challenge_id == challenge_id, User.role == Role.STUDENT)
        .cte("members")
    )
    m = members.c
    students = func.count(func.distinct(m.user_id)).label("students")
    sizes = select(m.band, m.hash, students).group_by(m.band, m.hash).cte("sizes")
    listed = (
        select(m.band, m.hash, m.submission_id, m.user_id, sizes.c.students)
        .join(sizes, and_(sizes.c.band == m.band, sizes.c.hash == m.hash))
        .where(sizes.c.students.between(2, MAX_STUDENTS_PER_BUCKET))
    )
    aside = select(sizes.c.band, sizes.c.hash, null(), null(), sizes.c.students)
    return union_all(listed, aside.where(sizes.c.students > MAX_STUDENTS_PER_BUCKET))


def _similarities(pairs: list[tuple[int, int]], labels: bool) -> np.ndarray:
    """`scoring.signature.similarity` of each pair of jobs' traces, all at once: thousands of candidates
    one call at a time would cost more than the rest of the report."""
    ends = np.fromiter(chain.from_iterable(pairs), np.int64, 2 * len(pairs)).reshape(-1, 2)
    jobs = np.unique(ends)
    traces: dict[int, bytes] = {}
    for start in range(0, len(jobs), IDS_PER_QUERY):
        chunk = jobs[start : start + IDS_PER_QUERY].tolist()
        query = select(PredictionSignature.submission_id, PredictionSignature.ranks)
        traces.update(db.session.execute(query.where(PredictionSignature.submission_id.in_(chunk))).all())
    if not traces:
        return np.zeros(len(pairs))
    # One key, so one trace length; a trace of another length (or none) is similar to nothing.
    width = max(len(t) for t in traces.values()) // 2
    fits = np.array([len(traces.get(job, b"")) == 2 * width for job in jobs.tolist()], dtype=bool)
    values = np.zeros((len(jobs), width), dtype="<u2")
    values[fits] = np.frombuffer(b"".join(traces[j] for j in jobs[fits].tolist()), "<u2").reshape(-1, width)
    first, second = np.searchsorted(jobs, ends[:, 0]), np.searchsorted(jobs, ends[:, 1])
    scores = similarities(values, first, second, labels)
    return np.where(fits[first] & fits[second], scores, 0.0)


def _by_student_pair(matches: dict, names: dict[int, str]) -> list[dict]:
    """The matching jobs grouped per pair of students, the most similar pairs first."""
    unnamed = {user for users, _, _ in matches.values() for user in users} - names.keys()
    if unnamed:
        names.update(db.session.execute(select(User.id, User.username).where(User.id.in_(unnamed))).all())
    grouped: dict[tuple[int, int], list[dict]] = defaultdict(list)
    for jobs, (users, score, same_file) in matches.items():
        grouped[users].append({"job_ids": list(jobs), "similarity": score, "same_file": same_file})
    pairs = []
    for (user_a, user_b), jobs in grouped.items():
        jobs.sort(key=lambda j: (-j["similarity"], j["job_ids"]))
        pairs.append({
            "students": [names[user_a], names[user_b]], "matches": len(jobs),
            "same_file": sum(j["same_file"] for j in jobs), "best_similarity": jobs[0]["similarity"],
            "jobs": jobs[:MAX_JOBS_PER_PAIR],
        })  # fmt: skip
    return sorted(pairs, key=lambda p: (-p["best_similarity"], -p["matches"], p["students"]))


# --- probe runs --------------------------------------------------------------------------------


def probe_runs(challenge: Challenge, rows: int) -> list[dict]:
    """Each student's runs of at least MIN_RUN consecutive submissions that each changed fewer than
    PROBE_SHARE of the key's rows, with the rows changed and the public score moves, longest first."""
    runs: dict[tuple[int, int], dict] = {}
    for row in db.session.execute(_probe_query(challenge.id, rows)):
        owner = (row.user_id, row.island)
        run = runs.setdefault(owner, {"student": row.username, "submissions": 0, "jobs": []})
        run["submissions"] += 1
        if len(run["jobs"]) < MAX_JOBS_PER_RUN:
            seen = (row.public_score, row.previous_score)
            move = None if None in seen else seen[0] - seen[1]
            run["jobs"].append({
                "job_id": row.id, "previous_id": row.previous_id, "changed_rows": row.changed_rows,
                "public_score": row.public_score, "score_move": move, "submitted_at": row.created_at,
            })  # fmt: skip
    return sorted(runs.values(), key=lambda r: (-r["submissions"], r["student"], r["jobs"][0]["job_id"]))


def _probe_query(challenge_id: int, rows: int):
    """Finished submissions of students that belong to a long enough run, each student's oldest first.

    Consecutive small changes are an island: a submission's position among all of its student's
    minus its position among those with the same flag is constant along a run."""
    previous = aliased(Submission)
    share = PROBE_SHARE  # compared in whole numbers: 7 rows of 700 is 1 %, not fewer
    fewer = Submission.changed_rows * share.denominator < rows * share.numerator
    small = and_(Submission.changed_rows >= 1, fewer)
    order = (Submission.created_at, Submission.id)
    history = (
        select(Submission.id, Submission.user_id, User.username, Submission.created_at,
               Submission.changed_rows, Submission.previous_id, Submission.public_score,
               previous.public_score.label("previous_score"),
               case((small, 1), else_=0).label("small"),
               func.row_number().over(partition_by=Submission.user_id, order_by=order).label("nth"))
        .join(User, User.id == Submission.user_id)
        .outerjoin(previous, previous.id == Submission.previous_id)
        .where(*_students_finished(challenge_id))
        .cte("history")
    )  # fmt: skip
    h = history.c
    within = func.row_number().over(partition_by=(h.user_id, h.small), order_by=(h.created_at, h.id))
    islands = select(history, (h.nth - within).label("island")).cte("islands")
    i = islands.c
    length = func.count().over(partition_by=(i.user_id, i.island))
    runs = select(islands, length.label("run_length")).where(i.small == 1).subquery("runs")
    in_order = (runs.c.user_id, runs.c.created_at, runs.c.id)
    return select(runs).where(runs.c.run_length >= MIN_RUN).order_by(*in_order)


# --- the gaps once revealed ----------------------------------------------------------------------


def reveal_gaps(challenge: Challenge) -> list[dict]:
    """Each ranked student's public-to-private gap and places moved, the biggest drops first."""
    # The staff view, as no one in particular: an unsaved teacher whose rows are never "you".
    board = leaderboard(challenge, User(role=Role.TEACHER))
    sign = 1 if metric_named(challenge.metric).greater_is_better else -1
    gaps = [{column: row[member] for column, member in GAP_COLUMNS.items()} for row in board["private"] or []]
    return sorted(gaps, key=lambda g: (g["gap"] is None, sign * (g["gap"] or 0), g["private_rank"]))

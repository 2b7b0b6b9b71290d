"""GET /admin/scores and `flask scores export`: every score of a class, for a spreadsheet."""

import csv
import io
import json

import pandas as pd
import pytest
from sqlalchemy import select

from service.extensions import db
from service.store.models import Submission, User
from tests.conftest import login
from tests.routes.scored import add_scored


@pytest.fixture
def scored_class(app, two_classes, make_user):
    make_user("ann", "student", "class-a")
    make_user("bob", "student", "class-a")
    jobs = {
        "ann-1": add_scored(app, "ann", 0.70, 0.65, minute=1),
        "ann-2": add_scored(app, "ann", 0.80, 0.60, minute=2, filename='=HYPERLINK("http://x","y").csv'),
        "ann-bad": add_scored(app, "ann", None, None, minute=3, status="rejected"),
        "bob-1": add_scored(app, "bob", 0.75, 0.72, minute=4, selected=True),
        "bob-2": add_scored(app, "bob", 0.78, 0.50, minute=5),
        "other-class": add_scored(app, "student-b", 0.9, 0.9, minute=1),
    }
    return jobs


def read_csv(data: bytes) -> list[dict]:
    assert data.startswith(b"\xef\xbb\xbf")  # Excel needs the byte-order mark to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def export(client, username="teacher-a", query=""):
    response = client.get(f"/admin/scores{query}", headers=login(client, username))
    assert response.status_code == 200, response.data[:500]
    return response


def test_teacher_exports_one_row_per_submission_of_the_class(client, scored_class):
    response = export(client)
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith('attachment; filename="scores-class-a-')
    rows = read_csv(response.data)
    assert [int(r["job_id"]) for r in rows] == [
        scored_class[k] for k in ("ann-1", "ann-2", "ann-bad", "bob-1", "bob-2")
    ]
    first = rows[0]
    assert (first["student"], first["challenge"], first["status"]) == ("ann", "gmsc", "finished")
    assert (float(first["public_score"]), float(first["private_score"])) == (0.70, 0.65)
    assert first["submitted_at"] == "2025-03-01 09:01:00"
    assert (
        rows[2]["status"] == "rejected" and rows[2]["public_score"] == "" and rows[2]["private_score"] == ""
    )
    # Final: ann's best public (default), bob's own selection.
    assert [r["final"] for r in rows] == ["no", "yes", "no", "yes", "no"]
    assert b"\r\n" in response.data


def test_cells_that_start_a_formula_are_neutralised(client, app, scored_class, make_user):
    make_user("zoe", "student", "class-a")
    with app.app_context():
        db.session.scalar(select(User).where(User.username == "zoe")).email = "@SUM(A1:A9)"
        db.session.commit()
    for i, name in enumerate(["+1+1.csv", "-2+3.csv", "\tcmd.csv", "\rcmd.csv", "plain=.csv"]):
        add_scored(app, "zoe", 0.5, 0.5, minute=10 + i, filename=name)
    rows = read_csv(export(client).data)
    filenames = [r["filename"] for r in rows]
    assert '\'=HYPERLINK("http://x","y").csv' in filenames
    assert filenames[-5:] == ["'+1+1.csv", "'-2+3.csv", "'\tcmd.csv", "'\rcmd.csv", "plain=.csv"]
    assert {r["email"] for r in rows if r["student"] == "zoe"} == {"'@SUM(A1:A9)"}
    # Numbers stay numbers: a spreadsheet reads the scores as such.
    frame = pd.read_csv(io.BytesIO(export(client).data), encoding="utf-8-sig")
    assert frame["public_score"].dtype == float and len(frame) == len(rows)


def test_uploaded_file_names_that_a_spreadsheet_might_run_come_out_neutralised(
    client, two_classes, good_submission
):
    student = login(client, "student-a")
    names = [" =1+2.csv", "|calc.csv", "\uff1b=1+2.csv", "\t=1+2.csv", "@SUM(1).csv"]
    for blank_lines, name in enumerate(names):  # each file its own bytes: a resent file is not stored again
        data = good_submission + b"\n" * blank_lines
        response = client.post("/jobs", headers=student, data={"file": (io.BytesIO(data), name)})
        assert response.status_code == 202, name
    written = {r["filename"] for r in read_csv(export(client).data)}
    assert written == {"' =1+2.csv", "'|calc.csv", "';'=1+2.csv", "'\t'=1+2.csv", "'@SUM(1).csv"}


def test_a_name_with_a_line_break_cannot_start_a_formula_on_its_second_line(client, app, scored_class):
    add_scored(app, "ann", 0.5, 0.5, minute=20, filename="ann\n=1+2.csv")
    assert "'ann\n'=1+2.csv" in {r["filename"] for r in read_csv(export(client).data)}


def test_json_export_has_the_same_rows_with_numbers_and_utc_times(client, scored_class):
    response = export(client, query="?format=json")
    assert response.mimetype == "application/json"
    rows = json.loads(response.data)
    assert len(rows) == 5
    assert rows[0]["public_score"] == 0.70 and rows[0]["final"] is False
    assert rows[0]["submitted_at"] == "2025-03-01T09:01:00Z"
    assert rows[1]["filename"].startswith("=HYPERLINK")  # JSON is data for programs: kept as sent


def test_gradebook_has_one_row_per_student_with_best_and_final_scores(client, scored_class):
    rows = read_csv(export(client, query="?best=true&practice=true").data)  # the class has its practice only
    by_student = {r["student"]: r for r in rows}
    assert list(by_student) == ["ann", "bob", "student-a"]  # every student, even without a submission
    ann, bob, idle = by_student["ann"], by_student["bob"], by_student["student-a"]
    assert (ann["submissions"], float(ann["best_public_score"])) == (
        "2",
        0.80,
    )  # her rejected file: not counted
    assert ann["best_public_job_id"] == str(scored_class["ann-2"])
    assert ann["final_job_ids"] == str(scored_class["ann-2"]) and float(ann["final_private_score"]) == 0.60
    assert ann["last_submitted_at"] == "2025-03-01 09:02:00"  # her last scored one
    assert float(bob["best_public_score"]) == 0.78
    assert bob["final_job_ids"] == str(scored_class["bob-1"]) and float(bob["final_private_score"]) == 0.72
    assert (idle["submissions"], idle["best_public_score"], idle["final_private_score"]) == ("0", "", "")


def test_gradebook_as_json_lists_final_job_ids(client, scored_class):
    rows = json.loads(export(client, query="?best=1&format=json&practice=1").data)
    assert rows[0]["student"] == "ann" and rows[0]["final_job_ids"] == [scored_class["ann-2"]]
    assert rows[2]["final_job_ids"] == [] and rows[2]["last_submitted_at"] is None


def test_only_staff_export_and_only_their_own_class(client, scored_class):
    assert client.get("/admin/scores", headers=login(client, "ann")).status_code == 403
    assert client.get("/admin/scores").status_code == 401
    assert client.get("/admin/scores?tenant=class-b", headers=login(client, "teacher-a")).status_code == 403
    assert client.get("/admin/scores", headers=login(client, "operator")).status_code == 403
    rows = read_csv(export(client, "operator", "?tenant=class-b").data)
    assert [r["student"] for r in rows] == ["student-b"]
    assert client.get("/admin/scores?format=xlsx", headers=login(client, "teacher-a")).status_code == 400
    assert client.get("/admin/scores?challenge=nope", headers=login(client, "teacher-a")).status_code == 404


def test_a_large_export_streams_in_chunks(client, app, scored_class):
    with app.app_context():
        template = db.session.get(Submission, scored_class["ann-1"])
        db.session.add_all(
            Submission(
                tenant_id=template.tenant_id,
                user_id=template.user_id,
                challenge_id=template.challenge_id,
                filename="p.csv",
                content=b"",
                sha256=str(i),
                size_bytes=0,
                status=template.status,
                public_score=i / 3000,
                private_score=0.5,
            )  # fmt: skip
            for i in range(2000)
        )
        db.session.commit()
    response = client.get("/admin/scores", headers=login(client, "teacher-a"), buffered=False)
    assert response.is_streamed
    chunks = list(response.response)
    assert len(chunks) >= 4
    assert len(read_csv(b"".join(chunks))) == 2005


def test_cli_exports_the_class_to_standard_output_or_a_file(runner, scored_class, tmp_path):
    result = runner.invoke(args=["scores", "export", "--tenant", "class-a"])
    assert result.exit_code == 0, result.output
    assert len(read_csv(result.stdout_bytes)) == 5
    out = tmp_path / "gradebook.json"
    result = runner.invoke(
        args=[
            "scores",
            "export",
            "--tenant",
            "class-a",
            "--best",
            "--practice",
            "--format",
            "json",
            "--out",
            str(out),
        ]
    )
    assert result.exit_code == 0, result.output
    assert [r["student"] for r in json.loads(out.read_text())] == ["ann", "bob", "student-a"]
    unknown = runner.invoke(args=["scores", "export", "--tenant", "nope"])
    assert unknown.exit_code == 1 and "no tenant 'nope'" in unknown.output

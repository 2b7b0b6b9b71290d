"""The `flask` administration commands, run through Flask's CLI runner."""

import csv

from tests.conftest import login


def invoke(runner, *args, stdin: str | None = None):
    return runner.invoke(args=list(args), input=stdin)


def test_teacher_creates_a_class_and_imports_a_30_student_roster(runner, client, tmp_path):
    assert invoke(runner, "tenants", "create", "stats-101").exit_code == 0
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "username,email\n" + "".join(f"student{i:02},student{i:02}@example.org\n" for i in range(30))
    )
    out = tmp_path / "passwords.csv"
    result = invoke(runner, "roster", "import", str(roster), "--tenant", "stats-101", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "imported 30 students" in result.output
    rows = list(csv.DictReader(out.open()))
    assert len(rows) == 30 and out.stat().st_mode & 0o077 == 0
    assert b"\r" not in out.read_bytes()  # LF line ends, as the tools that read it expect
    for row in rows:
        assert row["password"] not in result.output  # never to the log
    me = client.get("/me", headers=login(client, rows[7]["username"], rows[7]["password"])).get_json()
    assert (me["tenant"], me["role"]) == ("stats-101", "student")


def test_roster_without_passwords_needs_an_out_file_and_creates_nobody(runner, client, tmp_path):
    invoke(runner, "tenants", "create", "stats-101")
    roster = tmp_path / "roster.csv"
    roster.write_text("ann,ann@example.org\n")
    result = invoke(runner, "roster", "import", str(roster), "--tenant", "stats-101")
    assert result.exit_code == 1 and "--out" in result.output
    assert client.post("/login", json={"username": "ann", "password": "x" * 12}).status_code == 401


def test_users_create_reads_the_password_from_stdin(runner, client):
    invoke(runner, "tenants", "create", "stats-101")
    result = invoke(
        runner, "users", "create", "tess", "--tenant", "stats-101", "--role", "teacher", "--password-stdin",
        stdin="a teacher's password\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    me = client.get("/me", headers=login(client, "tess", "a teacher's password")).get_json()
    assert me["role"] == "teacher"


def test_reset_password_and_disable(runner, client):
    invoke(runner, "tenants", "create", "stats-101")
    invoke(
        runner,
        "users",
        "create",
        "ann",
        "--tenant",
        "stats-101",
        "--password-stdin",
        stdin="first password\n",
    )
    result = invoke(runner, "users", "reset-password", "ann")
    new_password = result.output.strip().rsplit(" ", 1)[-1]
    login(client, "ann", new_password)
    assert invoke(runner, "users", "disable", "ann").exit_code == 0
    assert client.post("/login", json={"username": "ann", "password": new_password}).status_code == 401


def test_cli_errors_are_messages_not_tracebacks(runner):
    invoke(runner, "tenants", "create", "stats-101")
    duplicate = invoke(runner, "tenants", "create", "stats-101")
    assert duplicate.exit_code == 1 and "exists already" in duplicate.output
    unknown = invoke(
        runner, "users", "create", "x1", "--tenant", "nope", "--password-stdin", stdin="long enough\n"
    )
    assert unknown.exit_code == 1 and "no tenant 'nope'" in unknown.output
    assert "Traceback" not in duplicate.output + unknown.output


def test_roster_import_refuses_an_existing_out_file_before_creating_anyone(runner, client, tmp_path):
    invoke(runner, "tenants", "create", "stats-101")
    roster = tmp_path / "roster.csv"
    roster.write_text("ann,ann@example.org\n")
    out = tmp_path / "passwords.csv"
    out.write_text("keep me\n")
    result = invoke(runner, "roster", "import", str(roster), "--tenant", "stats-101", "--out", str(out))
    assert result.exit_code == 1 and "exists already" in result.output
    assert out.read_text() == "keep me\n"
    retry = invoke(
        runner, "roster", "import", str(roster), "--tenant", "stats-101", "--out", str(tmp_path / "new.csv")
    )
    assert retry.exit_code == 0, retry.output  # nobody was created by the refused run


def test_challenges_create_from_a_key_file_and_list_them(runner, tmp_path):
    invoke(runner, "tenants", "create", "stats-101")
    key = tmp_path / "key.csv"
    key.write_text("Id,y\n" + "".join(f"{i},{i % 7}.5\n" for i in range(60)))
    notes = tmp_path / "notes.md"
    notes.write_text("# Read me\n")
    described = tmp_path / "description.md"
    described.write_bytes(b"| metric | better |\r\n|---|---|\r\n| MAE | lower |\r\n")
    made = invoke(runner, "challenges", "create", "regress", "--tenant", "stats-101", "--metric", "mae",
                  "--answer-key", str(key), "--file", str(notes), "--title", "Regression",
                  "--description-file", str(described))  # fmt: skip
    assert made.exit_code == 0, made.output
    from service.extensions import db
    from service.store.models import Challenge

    with runner.app.app_context():
        stored = db.session.scalar(db.select(Challenge.description).where(Challenge.slug == "regress"))
    assert stored == "| metric | better |\n|---|---|\n| MAE | lower |\n"
    assert (
        "stats-101/regress" in made.output and "mae, 18 Public and 42 Private rows, 1 file(s)" in made.output
    )
    listed = invoke(runner, "challenges", "list", "--tenant", "stats-101").output.splitlines()
    assert [line.split("\t")[0] for line in listed] == ["stats-101/gmsc", "stats-101/regress"]
    assert "practice" in listed[0] and "open" in listed[1]
    again = invoke(runner, "challenges", "create", "regress", "--tenant", "stats-101", "--metric", "mae",
                   "--answer-key", str(key))  # fmt: skip
    assert again.exit_code == 1 and "has a challenge 'regress' already" in again.output
    key.write_text("Id,y\n1,x\n")
    bad = invoke(runner, "challenges", "create", "broken", "--tenant", "stats-101", "--metric", "mae",
                 "--answer-key", str(key))  # fmt: skip
    assert bad.exit_code == 1 and "'x' is not a finite number" in bad.output


def test_challenges_feedback_sets_the_precision_and_the_ladder(runner, client):
    invoke(runner, "tenants", "create", "stats-101")
    result = invoke(
        runner, "challenges", "feedback", "--tenant", "stats-101", "--precision", "3", "--mode", "ladder"
    )
    assert result.exit_code == 0, result.output
    assert "stats-101/gmsc: scores to 3 decimals, ladder leaderboard (budget 0.05)" in result.output
    assert "ladder, 3 decimals" in invoke(runner, "challenges", "list").output
    refused = invoke(runner, "challenges", "feedback", "--tenant", "stats-101", "--alpha", "0.7")
    assert refused.exit_code == 1 and "ladder_alpha" in refused.output

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scoring import score_submission

PROBLEM = "application/problem+json"


def post_file(client, data: bytes, filename: str = "predictions.csv"):
    return client.post("/submit", data={"file": (io.BytesIO(data), filename)})


def assert_problem(response, status: int):
    assert response.status_code == status
    assert response.mimetype == PROBLEM
    body = response.get_json()
    assert body["status"] == status and body["title"] and body["detail"]
    return body


def test_valid_file_answers_its_auc(client, answer_key, good_submission):
    response = post_file(client, good_submission)
    assert response.status_code == 200
    body = response.get_json()
    assert body == {
        "auc": score_submission(good_submission, answer_key).score,
        "metric": "roc_auc",
        "rows": len(answer_key),
    }


def test_missing_file_field_is_400(client):
    body = assert_problem(client.post("/submit", data={}), 400)
    assert "field 'file'" in body["detail"]


def test_raw_body_without_multipart_is_400(client, good_submission):
    response = client.post("/submit", data=good_submission, content_type="text/csv")
    assert_problem(response, 400)


def test_file_over_the_size_limit_is_413(make_app, good_submission):
    app = make_app(max_upload_bytes=1000)
    body = assert_problem(post_file(app.test_client(), good_submission), 413)
    assert "1,000 bytes" in body["detail"]


def test_binary_file_is_415(client):
    body = assert_problem(post_file(client, b"PK\x03\x04\x14\x00\x00\x00\x08\x00", "predictions.xlsx"), 415)
    assert "CSV" in body["detail"]


def test_invalid_submission_is_422_with_line_and_column(client, good_submission):
    lines = good_submission.decode().split("\n")
    lines[2] = lines[2].split(",")[0] + ",not-a-number"
    body = assert_problem(post_file(client, "\n".join(lines).encode()), 422)
    assert body["problems"][0] == {
        "line": 3,
        "column": "Probability",
        "message": "'not-a-number' is not a number",
    }
    assert body["total_problems"] == 1
    assert "line 3" in body["detail"]


def test_rate_limit_per_address_answers_429_with_retry_after(make_app, good_submission):
    app = make_app(submit_rate_limit="2 per minute")
    client = app.test_client()
    assert [post_file(client, good_submission).status_code for _ in range(2)] == [200, 200]
    response = post_file(client, good_submission)
    assert_problem(response, 429)
    assert int(response.headers["Retry-After"]) > 0
    other_address = client.post(
        "/submit",
        data={"file": (io.BytesIO(good_submission), "p.csv")},
        environ_base={"REMOTE_ADDR": "10.0.0.9"},
    )
    assert other_address.status_code == 200


def test_wrong_method_and_unknown_path_are_problems(client):
    assert assert_problem(client.get("/submit"), 405)
    assert assert_problem(client.get("/no-such-page"), 404)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_bytes_never_cause_a_server_error(client, data):
    """Bytes that are not UTF-8 text, or hold a NUL, are not CSV (415); any other text is CSV that
    is not a valid submission (422)."""
    assert_problem(post_file(client, data), 422 if is_text(data) else 415)


def is_text(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return b"\x00" not in data


def test_health_reports_the_answer_key(client, answer_key):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {
        "status": "ok", "answer_key": {"loaded": True, "rows": len(answer_key)}, "store": "ok"}  # fmt: skip


def test_health_is_503_when_the_answer_key_is_missing(make_app, tmp_path):
    app = make_app(answer_key_path=tmp_path / "missing.csv")
    response = app.test_client().get("/health")
    assert response.status_code == 503
    assert response.get_json()["status"] == "unavailable"


def test_submit_without_answer_key_is_503_not_500(make_app, tmp_path, good_submission):
    app = make_app(answer_key_path=tmp_path / "missing.csv")
    body = assert_problem(post_file(app.test_client(), good_submission), 503)
    assert "answer key" in body["detail"]


@pytest.mark.parametrize("path", ["/openapi.json", "/docs"])
def test_openapi_document_and_docs_are_published(client, path):
    response = client.get(path)
    assert response.status_code == 200
    if path == "/openapi.json":
        assert "/submit" in response.get_json()["paths"]

"""The classroom check, end to end: `flask run` on a fresh clone, then the README's curl."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from scoring import load_answer_key, score_submission
from tests.conftest import service_environment

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


SERVICE_FILES = ("api.py", "service", "scoring", "workers", "test2.csv", "test2-predictions.csv")


@pytest.fixture(scope="module")
def flask_server(tmp_path_factory):
    """`flask run` as a teacher starts it, on a free port, in a copy of the service's files with no
    settings of its own: the first start makes its store under the copy's instance/ folder."""
    clone = tmp_path_factory.mktemp("fresh-clone")
    for name in SERVICE_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, clone / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, clone / name)
    port = free_port()
    env = service_environment()
    env["FLASK_APP"] = "api.py"
    flask = Path(sys.executable).with_name("flask")
    server = subprocess.Popen(
        [str(flask), "run", "--port", str(port)],
        cwd=clone,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/health", timeout=1).ok:
                    break
            except requests.ConnectionError:
                time.sleep(0.1)
        else:
            server.kill()
            pytest.fail(f"flask run did not answer within 30 s:\n{server.communicate()[0]}")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def curl_submit(url: str, path: Path) -> tuple[int, dict]:
    """The README's curl command, verbatim but for the port and file."""
    command = [
        "curl",
        "--silent",
        "--write-out",
        "\n%{http_code}",
        "--request",
        "POST",
        "--url",
        f"{url}/submit",
        "--header",
        "accept: multipart/form-data",
        "-F",
        f"file=@{path}",
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True, timeout=60).stdout
    body, status = output.rsplit("\n", 1)
    return int(status), json.loads(body)


needs_curl = pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")


@needs_curl
def test_committed_predictions_get_their_auc_over_real_http(flask_server):
    status, body = curl_submit(flask_server, ROOT / "test2-predictions.csv")
    expected = score_submission(
        (ROOT / "test2-predictions.csv").read_bytes(), load_answer_key(ROOT / "test2.csv")
    )
    assert status == 200
    assert body["auc"] == pytest.approx(expected.score, abs=1e-12)
    assert body["rows"] == expected.rows
    assert 0.75 <= body["auc"] <= 0.92  # the baseline on the synthetic sample: learnable, not trivial


@needs_curl
def test_bad_file_gets_a_problem_and_the_server_goes_on(flask_server, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("Id,Probability\n1,abc\n")
    status, body = curl_submit(flask_server, bad)
    assert status == 422
    assert body["problems"][0] == {"line": 2, "column": "Probability", "message": "'abc' is not a number"}
    assert requests.get(f"{flask_server}/health", timeout=5).status_code == 200


def test_oversized_upload_is_413_over_real_http(flask_server):
    huge = b"Id,Probability\n" + b"1,0.5\n" * 6_000_000  # 36 MB, over the 32 MiB default
    response = requests.post(f"{flask_server}/submit", files={"file": ("huge.csv", huge)}, timeout=60)
    assert response.status_code == 413
    assert response.headers["Content-Type"] == "application/problem+json"
    assert requests.get(f"{flask_server}/health", timeout=5).status_code == 200

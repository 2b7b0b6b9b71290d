"""How fast is scoring? Prints the scoring core against a floor measured in the same run.

    python bench/submit.py [--repeats 7] [--requests 200] [--attack-repeats 3]

For each size, the core (`score_submission`: parse, validate, three AUCs) is timed on the
same bytes as the floor: `pandas.read_csv` of the bytes plus `numpy.argsort` of the
probabilities, the least any CSV-reading, rank-based scorer must do. Then `flask run`
is started on a free local port and `/submit` is timed over sequential HTTP requests.

Last, bad files up to the upload limit are sent to `/submit` (the practice key): each must be
answered 422 in at most 3 times its floor, the time to receive the same bytes on an app that
does nothing else (also under `flask run`) plus `pandas.read_csv` of a valid submission of the
same size; its answer must stay under 64 KB and the server's peak resident memory (VmHWM, reset
before each file) must grow by at most 5 times the file's size.
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scoring import AnswerKey, score_submission  # noqa: E402

SIZES = (30_000, 101_503, 1_000_000)  # a test2 split, Kaggle's cs-test.csv, a stress size


def make_case(rows: int, seed: int = 0) -> tuple[AnswerKey, bytes, str]:
    """An answer key of `rows` Ids and a shuffled submission for it, as pandas writes one."""
    rng = np.random.default_rng(seed)
    labels = (rng.random(rows) < 0.067).astype(np.int8)
    public = rng.random(rows) < 0.3
    key = AnswerKey.from_arrays(np.arange(1, rows + 1), labels, public)
    order = rng.permutation(rows)
    scores = np.clip(labels[order] * 0.3 + rng.normal(0.3, 0.2, rows), 0, 1)
    buffer = io.StringIO()
    pd.DataFrame({"Id": order + 1, "Probability": scores}).to_csv(buffer, index=False)
    key_csv = "Id,SeriousDlqin2yrs,Usage\n" + "".join(
        f"{i},{y},{'Public' if p else 'Private'}\n" for i, y, p in zip(range(1, rows + 1), labels, public)
    )
    return key, buffer.getvalue().encode(), key_csv


def median_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def floor(data: bytes) -> None:
    frame = pd.read_csv(io.BytesIO(data))
    np.argsort(frame["Probability"].to_numpy())


def bench_core(repeats: int) -> None:
    print(f"{'rows':>10} {'bytes':>12} {'core ms':>9} {'floor ms':>9} {'ratio':>6}")
    for rows in SIZES:
        key, data, _ = make_case(rows)
        score_submission(data, key)  # warm caches and check the case is valid
        core = median_seconds(lambda data=data, key=key: score_submission(data, key), repeats)
        base = median_seconds(lambda data=data: floor(data), repeats)
        print(f"{rows:>10,} {len(data):>12,} {core * 1e3:>9.1f} {base * 1e3:>9.1f} {core / base:>6.2f}")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_http(count: int, rows: int) -> None:
    key, data, key_csv = make_case(rows)
    with tempfile.TemporaryDirectory() as folder:
        key_path = Path(folder) / "answer-key.csv"
        key_path.write_text(key_csv)
        port = free_port()
        env = {
            **os.environ,
            "FLASK_APP": "api.py",
            "ANSWER_KEY_PATH": str(key_path),
            "SUBMIT_RATE_LIMIT": "100000 per minute",
        }
        server = subprocess.Popen(
            [sys.executable, "-m", "flask", "run", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        url = f"http://127.0.0.1:{port}"
        try:
            session = requests.Session()
            for _ in range(300):
                try:
                    session.get(f"{url}/health", timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.1)
            session.post(f"{url}/submit", files={"file": ("p.csv", data)}).raise_for_status()  # warm-up
            latencies = []
            for _ in range(count):
                start = time.perf_counter()
                response = session.post(f"{url}/submit", files={"file": ("p.csv", data)})
                latencies.append(time.perf_counter() - start)
                response.raise_for_status()
        finally:
            server.terminate()
            server.wait()
    core = median_seconds(lambda: score_submission(data, key), 7)
    p50, p99 = np.percentile(latencies, [50, 99]) * 1e3
    print(f"/submit over HTTP (flask run), {count} sequential requests of {rows:,} rows:")
    print(f"  p50 {p50:.1f} ms   p99 {p99:.1f} ms   (in-process core on the same file: {core * 1e3:.1f} ms)")


LIMIT = 32 * 1024 * 1024  # the service's default upload limit
HEADER = b"Id,Probability\n"
RECEIVE_APP = """
from flask import Flask, request

app = Flask(__name__)
app.config["MAX_CONTENT_LENGTH"] = 64 * 1024 * 1024


@app.post("/receive")
def receive():
    return {"bytes": len(request.files["file"].read())}
"""


def attack_files(size: int = LIMIT - 4096) -> dict[str, bytes]:
    """Bad files just under the upload limit (the multipart request adds a few hundred bytes)."""

    def rows(line: bytes) -> bytes:
        return HEADER + line * ((size - len(HEADER)) // len(line))

    return {
        "rows of 0,0": HEADER + b"0,0\n" * 8_388_000,
        "11M extra columns": b"Id,Probability," + b"ab," * 11_000_000 + b"\n1,0\n",
        "bad Id x,0": rows(b"x,0\n"),
        "1,nan": rows(b"1,nan\n"),
        "one 32 MB line": HEADER + b"7" * (size - len(HEADER)),
        "one Id, every row": rows(b"1,0.5\n"),
        "quoted 0s": rows(b'"0","0"\n'),
        "CRLF 0,0": rows(b"0,0\r\n"),
        "blank lines": HEADER + b"1,0\n" + b"\n" * (size - 40) + b"2,0",
        "distinct Ids": (HEADER + b"".join(b"%d,0.5\n" % i for i in range(1, size // 9)))[:size],
        "1,1e400": rows(b"1,1e400\n"),
        "Unicode Ids": rows("\u00e9,0\n".encode()),
        "1 row in 3 differs": (
            HEADER
            + b"".join(
                b"%d,1e4%02d\n" % (i, i % 100) if i % 3 == 0 else b"1,1e400\n" for i in range(size // 8)
            )
        )[:size],
    }


def valid_submission(size: int) -> bytes:
    """A valid-looking submission of `size` bytes, as pandas writes one."""
    rows = size // 20 + 1
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"Id": rng.permutation(rows) + 1, "Probability": rng.random(rows)})
    data = frame.to_csv(index=False).encode()[:size]
    return data[: data.rfind(b"\n") + 1]


def best_seconds(function, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return min(times)


def start_server(command: list[str], cwd: Path, env: dict[str, str], url: str) -> subprocess.Popen:
    server = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            requests.get(url, timeout=1)
            return server
        except requests.ConnectionError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"{command} did not start")


def memory_kib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def reset_peak(pid: int) -> bool:
    """Resets the process's peak resident size (Linux); False where that cannot be done."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
        return True
    except OSError:
        return False


def bench_attacks(repeats: int) -> bool:
    """Times bad files over HTTP against their floor; True if every bound holds."""
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "receive.py").write_text(RECEIVE_APP)
        env = {
            **os.environ,
            "SUBMIT_RATE_LIMIT": "100000 per minute",
            "INSTANCE_PATH": str(folder / "instance"),
        }
        port, receive_port = free_port(), free_port()
        flask = [sys.executable, "-m", "flask"]
        service = start_server([*flask, "--app", "api.py", "run", "--port", str(port)], ROOT, env,
                               f"http://127.0.0.1:{port}/health")  # fmt: skip
        receiver = start_server([*flask, "--app", "receive.py", "run", "--port", str(receive_port)], folder, env,
                                f"http://127.0.0.1:{receive_port}/")  # fmt: skip
        session = requests.Session()
        ok = True
        print(f"bad files sent to /submit over HTTP (flask run, the practice key; best of {repeats}):")
        print(
            f"{'file':>18} {'bytes':>12} {'status':>6} {'time s':>7} {'floor s':>8} {'ratio':>6}"
            f" {'answer B':>9} {'memory/size':>12}"
        )
        try:
            for name, data in attack_files().items():

                def post(url: str, data=data) -> requests.Response:
                    return session.post(url, files={"file": ("predictions.csv", data)})

                valid = valid_submission(len(data))
                receive = best_seconds(lambda: post(f"http://127.0.0.1:{receive_port}/receive"), repeats)
                floor = receive + best_seconds(lambda valid=valid: pd.read_csv(io.BytesIO(valid)), repeats)
                measured = reset_peak(service.pid)
                before = memory_kib(service.pid, "VmRSS")
                start = time.perf_counter()
                response = post(f"http://127.0.0.1:{port}/submit")
                took = time.perf_counter() - start
                growth = (memory_kib(service.pid, "VmHWM") - before) * 1024 / len(data)
                if repeats > 1:
                    took = min(
                        took, best_seconds(lambda: post(f"http://127.0.0.1:{port}/submit"), repeats - 1)
                    )
                ratio = took / floor
                memory = f"{growth:.2f}" if measured else "n/a"
                ok &= response.status_code == 422 and ratio <= 3 and len(response.content) < 65536
                ok &= not measured or growth <= 5
                print(
                    f"{name:>18} {len(data):>12,} {response.status_code:>6} {took:>7.3f} {floor:>8.3f} {ratio:>6.2f}"
                    f" {len(response.content):>9,} {memory:>12}"
                )
        finally:
            for server in (service, receiver):
                server.terminate()
                server.wait()
    print(
        "every bad file within 3x its floor, 64 KB of answer and 5x its size in memory:",
        "yes" if ok else "NO",
    )
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per size (median kept)")
    parser.add_argument("--requests", type=int, default=200, help="sequential HTTP requests")
    parser.add_argument("--http-rows", type=int, default=30_000, help="rows of the HTTP test file")
    parser.add_argument("--attack-repeats", type=int, default=3, help="timed runs per bad file (best kept)")
    args = parser.parse_args()
    bench_core(args.repeats)
    bench_http(args.requests, args.http_rows)
    bench_attacks(args.attack_repeats)


if __name__ == "__main__":
    main()

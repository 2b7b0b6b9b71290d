"""How fast is scoring? Prints the scoring core against a floor measured in the same run.

    python bench/submit.py [--repeats 7] [--requests 200]

For each size, the core (`score_submission`: parse, validate, three AUCs) is timed on the
same bytes as the floor: `pandas.read_csv` of the bytes plus `numpy.argsort` of the
probabilities, the least any CSV-reading, rank-based scorer must do. Then `flask run`
is started on a free local port and `/submit` is timed over sequential HTTP requests.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=7, help="timed runs per size (median kept)")
    parser.add_argument("--requests", type=int, default=200, help="sequential HTTP requests")
    parser.add_argument("--http-rows", type=int, default=30_000, help="rows of the HTTP test file")
    args = parser.parse_args()
    bench_core(args.repeats)
    bench_http(args.requests, args.http_rows)


if __name__ == "__main__":
    main()

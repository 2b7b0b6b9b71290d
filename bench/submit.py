"""How fast is scoring? Prints the scoring core against a floor measured in the same run.

    python bench/submit.py [--repeats 9] [--requests 200] [--attack-repeats 3] [--metrics roc_auc,rmse]

For each metric of the menu, size and kind of Id (whole numbers, text), the core
(`score_submission`: parse, validate, the metric on all, Public and Private rows) is timed on the
same bytes as the floor: `pandas.read_csv` of the bytes plus the metric's own minimal NumPy work
on the predictions (a sort for a ranking metric, one vectorised pass for the others, already
aligned with their targets), the least any CSV-reading scorer must do, with each row's Id matched to its key row (a
`pandas.Index` lookup for text Ids). The two run in turns and the least wall and CPU time of each
is kept. Then the service is served by gunicorn, as the README serves it, and `/submit` is timed
over sequential HTTP requests, against an app that only receives the same upload (also under
gunicorn) plus the floor, in wall time and in the servers' CPU time a request.

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

from scoring import METRICS, AnswerKey, metric_named, score_submission  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
from processes import cpu_seconds_with_children  # noqa: E402

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


def seconds(function) -> float:
    start = time.perf_counter()
    function()
    return time.perf_counter() - start


def median_seconds(function, repeats: int) -> float:
    return statistics.median(seconds(function) for _ in range(repeats))


def in_turns(functions, repeats: int) -> list[list[float]]:
    """Seconds of each call of each function, the functions called in turns: a slow spell of a
    shared machine (other tenants, frequency changes) weighs on each alike, not on whichever ran then."""
    return [[wall for wall, _ in kept] for kept in in_turns_with_cpu(functions, repeats)]


def in_turns_with_cpu(functions, repeats: int) -> list[list[tuple[float, float]]]:
    """`in_turns`, with each call's CPU time (this process's) beside its wall time."""
    times = [[] for _ in functions]
    for _ in range(repeats):
        for function, kept in zip(functions, times):
            wall, cpu = time.perf_counter(), time.process_time()
            function()
            kept.append((time.perf_counter() - wall, time.process_time() - cpu))
    return times


def floor(data: bytes) -> None:
    frame = pd.read_csv(io.BytesIO(data))
    np.argsort(frame["Probability"].to_numpy())


CLASSES = np.array(["setosa", "versicolor", "virginica", "other"], dtype=object)


def metric_case(metric: str, rows: int, text_ids: bool, seed: int = 0):
    """A key for `metric` of `rows` Ids and a shuffled valid submission for it."""
    kind = metric_named(metric)
    rng = np.random.default_rng(seed)
    ids = np.array([f"u{i:07d}" for i in range(rows)], dtype=object) if text_ids else np.arange(1, rows + 1)
    public = rng.random(rows) < 0.3
    order = rng.permutation(rows)
    if kind.target == "binary":
        targets = (rng.random(rows) < 0.067).astype(np.int8)
        predictions = np.clip(targets[order] * 0.3 + rng.normal(0.3, 0.2, rows), 0, 1)
        key = AnswerKey.from_arrays(ids, targets, public, metric, "Probability")
    elif kind.target == "labels":
        targets = rng.integers(0, len(CLASSES), rows)
        guessed = np.where(rng.random(rows) < 0.7, targets[order], rng.integers(0, len(CLASSES), rows))
        predictions = CLASSES[guessed]
        key = AnswerKey.from_arrays(ids, targets, public, metric, "Probability", classes=CLASSES)
    else:
        targets = rng.gamma(2.0, 50.0, rows)
        predictions = np.maximum(targets[order] + rng.normal(0, 20, rows), 0)
        key = AnswerKey.from_arrays(ids, targets, public, metric, "Probability")
    buffer = io.StringIO()
    pd.DataFrame({"Id": ids[order], "Probability": predictions}).to_csv(buffer, index=False)
    return key, buffer.getvalue().encode(), KeyLookup(ids, targets)


class KeyLookup:
    """What the floor knows of the key before any upload, as the service loads its key once: the
    Ids' positions (a pandas.Index for text Ids; whole-number Ids 1..n are their own positions)
    and the targets, class targets as codes."""

    def __init__(self, ids: np.ndarray, targets: np.ndarray):
        self.text_ids = ids.dtype == object
        self.index = pd.Index(ids) if self.text_ids else None
        self.targets = targets
        self.classes = pd.Index(CLASSES)

    def rows_of(self, ids: np.ndarray) -> np.ndarray:
        rows = self.index.get_indexer(ids) if self.text_ids else ids - 1
        if (rows < 0).any() or (rows >= len(self.targets)).any():  # an unknown Id: as the core checks
            raise ValueError("an Id is not in the key")
        return rows


def dot(a: np.ndarray, b: np.ndarray) -> float:
    """A sum of products on this thread, as the core does (BLAS's threads are slow to wake)."""
    return float(np.einsum("i,i->", a, b))


def metric_floor(metric: str, data: bytes, key: KeyLookup) -> None:
    """read_csv, each row's Id matched to its key row, then the least NumPy work the metric needs."""
    frame = pd.read_csv(io.BytesIO(data))
    y = key.targets[key.rows_of(frame["Id"].to_numpy())]
    p = frame["Probability"].to_numpy()
    if metric in ("roc_auc", "average_precision"):
        np.argsort(p)
    elif metric_named(metric).target == "labels":
        np.mean(key.classes.get_indexer(p) == y)  # labels to codes, as the core compares them
    elif metric == "log_loss":
        np.log(np.clip(np.where(y == 1, p, 1 - p), 1e-15, 1)).mean()
    elif metric == "mae":
        np.abs(p - y).mean()
    elif metric == "rmsle":
        error = np.log1p(p) - np.log1p(y)
        dot(error, error)
    elif metric == "r2":
        error, spread = p - y, y - y.mean()
        dot(error, error) / dot(spread, spread)
    else:  # brier, rmse: squared errors
        error = p - y
        dot(error, error)


def bench_core(repeats: int, metrics: list[str]) -> bool:
    """Each metric at each size, whole-number and text Ids; True if every wall ratio is within 1.5."""
    print(f"{'metric':>18} {'ids':>5} {'rows':>10} {'bytes':>12} {'core ms':>9} {'floor ms':>9} {'ratio':>6}"
          f" {'core CPU':>9} {'floor CPU':>9} {'ratio':>6}")  # fmt: skip
    worst = 0.0
    for text_ids in (False, True):
        for rows in SIZES:
            cases = {}
            for metric in metrics:
                kind = metric_named(metric).target
                if kind not in cases:  # one file per kind of prediction, shared by its metrics
                    cases[kind] = metric_case(metric, rows, text_ids)
                _, data, lookup = cases[kind]
                key = _key_for(metric, cases[kind][0])
                score_submission(data, key)  # warm caches and check the case is valid
                metric_floor(metric, data, lookup)
                # The least of each: a shared machine only ever adds time.
                core, base = (
                    (min(wall for wall, _ in runs), min(cpu for _, cpu in runs))
                    for runs in in_turns_with_cpu([
                        lambda data=data, key=key: score_submission(data, key),
                        lambda m=metric, d=data, k=lookup: metric_floor(m, d, k),
                    ], repeats)
                )  # fmt: skip
                worst = max(worst, core[0] / base[0])
                print(f"{metric:>18} {'text' if text_ids else 'int':>5} {rows:>10,} {len(data):>12,}"
                      f" {core[0] * 1e3:>9.1f} {base[0] * 1e3:>9.1f} {core[0] / base[0]:>6.2f}"
                      f" {core[1] * 1e3:>9.1f} {base[1] * 1e3:>9.1f} {core[1] / max(base[1], 1e-9):>6.2f}")  # fmt: skip
    print(f"worst ratio {worst:.2f}: every metric within 1.5x its floor:", "yes" if worst <= 1.5 else "NO")
    return worst <= 1.5


def _key_for(metric: str, key: AnswerKey) -> AnswerKey:
    """The same key rows, scored by `metric` (metrics of one kind share a file)."""
    return AnswerKey.from_arrays(key.ids, key.targets, key.public, metric, key.prediction_column,
                                 classes=key.classes)  # fmt: skip


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def bench_http(count: int, rows: int) -> None:
    """`/submit` (the practice challenge: ROC AUC) against an app that only receives the same upload,
    plus the floor: both served by gunicorn as the README serves the service (`gunicorn.conf.py`),
    timed over sequential requests in turns; the servers' CPU time is read from /proc."""
    key, data, key_csv = make_case(rows)
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        (folder / "answer-key.csv").write_text(key_csv)
        (folder / "receive.py").write_text(RECEIVE_APP)
        env = {**os.environ, "ANSWER_KEY_PATH": str(folder / "answer-key.csv"),
               "SUBMIT_RATE_LIMIT": "100000 per minute", "INSTANCE_PATH": str(folder / "instance")}  # fmt: skip
        (service, port), (receiver, receive_port) = start_service_and_receiver(folder, env, gunicorn=True)
        session = requests.Session()

        def post(url: str) -> None:
            session.post(url, files={"file": ("p.csv", data)}).raise_for_status()

        submit_url = f"http://127.0.0.1:{port}/submit"
        receive_url = f"http://127.0.0.1:{receive_port}/receive"
        try:
            for _ in range(4):  # warm-up: each of gunicorn's processes loads the app and the key
                post(submit_url), post(receive_url)
            servers_cpu = [cpu_seconds_with_children(server.pid) for server in (service, receiver)]
            submit, receive, base = in_turns_with_cpu([lambda: post(submit_url), lambda: post(receive_url),
                                                       lambda: floor(data)], count)  # fmt: skip
            submit_cpu, receive_cpu = (
                (cpu_seconds_with_children(server.pid) - before) / count
                for server, before in zip((service, receiver), servers_cpu)
            )
        finally:
            for server in (service, receiver):
                server.terminate()
                server.wait()
    walls = {
        name: [wall for wall, _ in runs]
        for name, runs in (("submit", submit), ("receive", receive), ("floor", base))
    }
    p50, p99 = np.percentile(walls["submit"], [50, 99]) * 1e3
    bound = (statistics.median(walls["receive"]) + statistics.median(walls["floor"])) * 1e3
    floor_cpu = statistics.median(cpu for _, cpu in base)
    print(f"/submit over HTTP (gunicorn, gunicorn.conf.py), {count} sequential requests of {rows:,} rows:")
    print(f"  wall: p50 {p50:.1f} ms   p99 {p99:.1f} ms   receive-only p50 + floor {bound:.1f} ms"
          f"   ratio {p50 / bound:.2f}")  # fmt: skip
    print(f"  server CPU a request: /submit {submit_cpu * 1e3:.1f} ms   receive-only {receive_cpu * 1e3:.1f} ms"
          f" + floor {floor_cpu * 1e3:.1f} ms   ratio {submit_cpu / (receive_cpu + floor_cpu):.2f}")  # fmt: skip


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


def start_server(command: list[str], cwd: Path, env: dict[str, str], url: str) -> subprocess.Popen:
    server = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(600):
        try:
            requests.get(url, timeout=5)
            return server
        except (requests.ConnectionError, requests.Timeout):  # not listening yet, or loading the app
            time.sleep(0.1)
    server.kill()
    raise SystemExit(f"{command} did not start")


def start_service_and_receiver(folder: Path, env: dict[str, str], gunicorn: bool = False):
    """The service and the receive-only app (folder/receive.py), under `flask run`, or under gunicorn
    with the service's `gunicorn.conf.py`: (process, port) each."""
    port, receive_port = free_port(), free_port()
    started = []
    for app, cwd, at in (("api", ROOT, port), ("receive", folder, receive_port)):
        if gunicorn:
            command = [
                str(Path(sys.executable).parent / "gunicorn"),
                "-c",
                str(ROOT / "gunicorn.conf.py"),
                f"{app}:app",
            ]
        else:
            command = [sys.executable, "-m", "flask", "--app", f"{app}.py", "run", "--port", str(at)]
        probe = f"http://127.0.0.1:{at}/health" if app == "api" else f"http://127.0.0.1:{at}/"
        started.append((start_server(command, cwd, {**env, "PORT": str(at)}, probe), at))
    return started[0], started[1]


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
        (service, port), (receiver, receive_port) = start_service_and_receiver(folder, env)
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
                measured = reset_peak(service.pid)
                before = memory_kib(service.pid, "VmRSS")
                start = time.perf_counter()
                response = post(f"http://127.0.0.1:{port}/submit")
                took = time.perf_counter() - start
                growth = (memory_kib(service.pid, "VmHWM") - before) * 1024 / len(data)
                receive, reading, sent = in_turns([
                    lambda: post(f"http://127.0.0.1:{receive_port}/receive"),
                    lambda valid=valid: pd.read_csv(io.BytesIO(valid)),
                    lambda: post(f"http://127.0.0.1:{port}/submit"),
                ], repeats)  # fmt: skip
                took, floor = min(took, *sent), min(receive) + min(reading)
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
    parser.add_argument("--repeats", type=int, default=9, help="timed runs per size (the least kept)")
    parser.add_argument("--metrics", default=",".join(METRICS), help="metrics to time, comma-separated")
    parser.add_argument("--requests", type=int, default=200, help="sequential HTTP requests")
    parser.add_argument("--http-rows", type=int, default=30_000, help="rows of the HTTP test file")
    parser.add_argument("--attack-repeats", type=int, default=3, help="timed runs per bad file (best kept)")
    args = parser.parse_args()
    bench_core(args.repeats, args.metrics.split(","))
    bench_http(args.requests, args.http_rows)
    bench_attacks(args.attack_repeats)


if __name__ == "__main__":
    main()

"""A class's heavy routes, timed in-process in turns on two code trees: which one costs less CPU?

    python bench/routes_in_turns.py --side now=.:/tmp/store-now [--side before=/tmp/old:/tmp/store-old]
                                    [--rounds 3] [--requests 30] [--slug class-01]

Each side is a code tree and a folder holding a store it can open (`python bench/scale.py --keep`
fills one; a copy migrated down to an older revision serves older code). Each round times every
route on every side in turn, in a fresh process per route and side: the app of that tree on that
store, signed in as the class's teacher or first student, through Flask's test client (no HTTP,
no server); a warm-up of three requests, then `--requests` requests, CPU time (process time) per
request. Prints each route's median over the rounds, per side. Taking the sides in turns keeps a
slow spell of a shared machine from weighing on one side only.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

PASSWORD = "bench-password"  # bench/scale.py's
ROUTES = [
    ("/leaderboard?challenge=gmsc", "student"),
    ("/leaderboard?challenge=gmsc", "teacher"),
    ("/web/leaderboard", "student"),
    ("/web/leaderboard", "teacher"),
    ("/admin/scores?best=true&practice=true", "teacher"),
    ("/web/class-submissions", "teacher"),
    ("/web/roster", "teacher"),
]


def child(args) -> None:
    """Time one route on one tree's app (run in the tree, with the tree first on sys.path)."""
    sys.path.insert(0, str(Path(args.code).resolve()))
    from service import create_app

    store = Path(args.store)
    app = create_app({"database_url": f"sqlite:///{store / 'grader.db'}", "instance_path": store,
                      "login_rate_limit": "1000000 per minute", "default_rate_limit": "1000000 per minute"},
                     environment={})  # fmt: skip
    client = app.test_client()
    user = f"{args.slug}-teacher" if args.who == "teacher" else f"{args.slug}-student-0001"
    headers = {}
    if args.route.startswith("/web"):
        form = client.get(f"/web/signin?class={args.slug}").get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', form).group(1)
        client.post("/web/signin", data={"csrf_token": token, "username": user, "password": PASSWORD,
                                         "class": args.slug})  # fmt: skip
    else:
        signed = client.post("/login", json={"username": user, "password": PASSWORD, "class": args.slug})
        headers = {"Authorization": f"Bearer {signed.get_json()['access_token']}"}
    for _ in range(3):
        answer = client.get(args.route, headers=headers)
        if answer.status_code != 200:
            raise SystemExit(f"{args.route} as {user}: {answer.status_code}")
        answer.get_data()
    start = time.process_time()
    for _ in range(args.requests):
        client.get(args.route, headers=headers).get_data()
    print(f"{(time.process_time() - start) / args.requests * 1e3:.3f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--side", action="append", required=True, help="NAME=CODE_DIR:STORE_DIR")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--slug", default="class-01")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--code", help=argparse.SUPPRESS)
    parser.add_argument("--store", help=argparse.SUPPRESS)
    parser.add_argument("--route", help=argparse.SUPPRESS)
    parser.add_argument("--who", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    sides = {}
    for side in args.side:
        name, _, places = side.partition("=")
        code, _, store = places.partition(":")
        sides[name] = (Path(code).resolve(), Path(store).resolve())
    times = {(route, who, name): [] for route, who in ROUTES for name in sides}
    for _ in range(args.rounds):
        for name, (code, store) in sides.items():
            for route, who in ROUTES:
                command = [sys.executable, str(Path(__file__).resolve()), "--side", "x=.:.", "--child",
                           "--code", str(code), "--store", str(store), "--route", route, "--who", who,
                           "--requests", str(args.requests), "--slug", args.slug]  # fmt: skip
                done = subprocess.run(command, cwd=code, capture_output=True, text=True, check=True)
                times[route, who, name].append(float(done.stdout.split()[-1]))
    names = list(sides)
    print(f"CPU ms a request, in-process, median of {args.rounds} rounds of {args.requests} requests")
    print(f"  {'route':40} {'as':8} " + " ".join(f"{name:>10}" for name in names))
    for route, who in ROUTES:
        cells = " ".join(f"{statistics.median(times[route, who, name]):10.1f}" for name in names)
        print(f"  {route:40} {who:8} {cells}")


if __name__ == "__main__":
    main()

"""gunicorn's settings for serving a class: `gunicorn -c gunicorn.conf.py api:app` (the Procfile's web).

This file configures the HTTP server only. The service reads its own settings (.env and the
environment, see .env.example) when api.py builds the app; nothing here reads or sets them.
gunicorn's own environment still applies: WEB_CONCURRENCY and PORT below, and any option in
GUNICORN_CMD_ARGS or on the command line overrides this file (`--threads 16`, `--bind ...`).
"""

import os

# Every interface, so that students' machines reach it (`flask run` serves 127.0.0.1 alone).
# Port 5000 unless PORT says otherwise: the port of `flask run` and of `honcho start`, so the
# README's classroom check (curl ... localhost:5000/submit) works against any of the three.
bind = [f"0.0.0.0:{os.environ.get('PORT', '5000')}"]
# SO_REUSEPORT: a master restarted after a kill -9 binds at once, beside its orphaned workers that
# drain their last requests. Without it, with one slow upload held by an orphan, the new master met
# "Connection in use" five times and gave up (exited) after 5.2 s, leaving the class without a
# server; with it, it bound at once and answered /health within 0.2-5 s (until the orphan exits,
# the kernel may hand it a new connection). bench/restart.sh measures both. The kernel shares the
# port with processes of the same user only.
reuse_port = True

# Threads, not gunicorn's default sync workers. A sync worker serves one connection at a time
# and reads a request for as long as the client takes to send it: two clients dribbling a byte
# every few seconds (a phone on a weak Wi-Fi uploading a CSV, or a slow-loris) made /health wait
# up to a minute. A gthread worker hands each connection to one of its threads: a slow client
# holds one thread while the others keep answering, and idle keep-alive connections wait in the
# worker's poller without holding any. A worker's threads are its budget for slow clients: a
# worker accepts connections whatever its threads are doing, so /health stays fast while fewer
# slow clients than `threads` sit on one worker (measured: 12 slow clients, /health in 20 ms;
# 24 on 2 x 16 threads, some waited a minute). 2 processes x 16 threads use both cores of a small
# machine and leave one serving while the other restarts. For a large class, put a proxy that
# buffers requests in front (nginx does: it takes slow clients off gunicorn altogether), or raise
# the threads (GUNICORN_CMD_ARGS="--threads 32"). An async worker (gevent) would hold slow
# clients more cheaply, but needs psycopg, redis and rq monkey-patched; gthread is gunicorn's own.
# Without REDIS_URL, rate-limit and sign-in-throttle counters live in each process's memory and
# every process counts on its own: serving a class, set REDIS_URL, or WEB_CONCURRENCY=1.
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = 16

# A gthread worker's main loop keeps beating while its threads work, so `timeout` does not cut
# a long request (scoring a large file): it restarts a worker whose process hangs. 30 s is ample.
timeout = 30
# On a restart or stop (SIGHUP, SIGTERM), requests in flight (an upload, a /submit being scored)
# get this long to finish before their worker is killed.
graceful_timeout = 30
# Browsers load a page, its stylesheet and scripts over one connection: keep it 5 s (gunicorn's
# 2 s is made for a proxy in front). A kept-alive connection holds no thread while it waits.
keepalive = 5

# One line per request on standard output, beside the service's own log (honcho shows both).
accesslog = "-"
# gunicorn's control socket (gunicornc) lives at one path per user by default
# (~/.gunicorn/gunicorn.ctl): a second gunicorn of the same user (a test run, another class)
# would take it over. Signals do what it does: HUP reloads, TTIN/TTOU add or remove a process.
control_socket_disable = True

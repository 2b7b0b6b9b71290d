#!/usr/bin/env bash
# The multi-machine deployment on one machine: four "hosts" in network namespaces on a private
# bridge (the store host runs PostgreSQL and Redis, one host the API, two hosts a grading worker
# each) and a fifth for the class's clients. A class uploads through the API while one worker
# host's link is cut for 30 s mid-grading, then the store host answers 100 ms late for 25 s; the
# bench prints what became of every upload:
#
#   sudo bench/multihost.sh            # as root: it makes namespaces, links and a PostgreSQL cluster
#
# Everything stays inside the namespaces it makes (10.77.0.0/24); it removes them, the cluster
# and its folder when it ends, however it ends. Latency comes from bench/delay_relay.py on the
# store host, which every client of the store goes through: kernels without sch_netem (this
# machine's) refuse `tc qdisc ... netem`.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PYTHON=${PYTHON:-$([ -x "$ROOT/.venv/bin/python" ] && echo "$ROOT/.venv/bin/python" || command -v python3)}
BIN=$(dirname "$PYTHON")
PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
RUN="mh$$"                     # namespaces and links of this run only
LAN="$RUN-lan"
HOSTS=(store api worker1 worker2 class)
declare -A ADDRESS=([store]=10.77.0.1 [api]=10.77.0.2 [worker1]=10.77.0.3 [worker2]=10.77.0.4 [class]=10.77.0.5)
FOLDER=$(mktemp -d /tmp/grader-multihost-XXXX)
chmod 755 "$FOLDER"
PIDS=()

cleanup() {
    set +e
    for pid in "${PIDS[@]}"; do kill -TERM -- "-$pid" 2>/dev/null; done
    sleep 2
    for pid in "${PIDS[@]}"; do kill -KILL -- "-$pid" 2>/dev/null; done
    [ -f "$FOLDER/pg/PG_VERSION" ] && runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$FOLDER/pg" -m immediate -w stop >/dev/null 2>&1
    [ -f "$FOLDER/redis.pid" ] && kill "$(cat "$FOLDER/redis.pid")" 2>/dev/null
    for host in "${HOSTS[@]}"; do ip netns del "$RUN-$host" 2>/dev/null; done
    ip netns del "$LAN" 2>/dev/null
    rm -rf "$FOLDER"
}
trap cleanup EXIT INT TERM

on() { local host=$1; shift; ip netns exec "$RUN-$host" "$@"; }
in_background() {  # in_background HOST LOG COMMAND...: a process group of its own, remembered for cleanup
    local host=$1 log=$2; shift 2
    setsid ip netns exec "$RUN-$host" env "${SERVICE_ENV[@]}" "$@" >"$FOLDER/$log.log" 2>&1 &
    PIDS+=($!)
}

echo "network: a bridge and ${#HOSTS[@]} hosts on 10.77.0.0/24"
ip netns add "$LAN"
ip -n "$LAN" link add br0 type bridge
ip -n "$LAN" link set br0 up
for host in "${HOSTS[@]}"; do
    ip netns add "$RUN-$host"
    ip -n "$LAN" link add "to-$host" type veth peer name eth0 netns "$RUN-$host"
    ip -n "$LAN" link set "to-$host" master br0 up
    ip -n "$RUN-$host" addr add "${ADDRESS[$host]}/24" dev eth0
    ip -n "$RUN-$host" link set eth0 up
    ip -n "$RUN-$host" link set lo up
done

echo "store host: PostgreSQL and Redis on its loopback, reached through the delay relay"
mkdir "$FOLDER/pg" && chown postgres "$FOLDER/pg"
runuser -u postgres -- "$PG_BIN/initdb" -D "$FOLDER/pg" -A trust -U postgres --no-sync >/dev/null
on store runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$FOLDER/pg" -w -l "$FOLDER/pg/log" \
    -o "-p 5432 -k $FOLDER/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200" start >/dev/null
on store redis-server --bind 127.0.0.1 --port 6379 --save "" --appendonly no --daemonize yes \
    --pidfile "$FOLDER/redis.pid" --logfile "$FOLDER/redis.log"
echo 0 >"$FOLDER/latency-ms"
SERVICE_ENV=()
in_background store relay "$PYTHON" "$ROOT/bench/delay_relay.py" --control "$FOLDER/latency-ms" \
    10.77.0.1:5432=127.0.0.1:5432 10.77.0.1:6379=127.0.0.1:6379

DATABASE_URL=postgresql://postgres@10.77.0.1:5432/postgres
SERVICE_ENV=(
    ENV_FILE= FLASK_SKIP_DOTENV=1 PYTHONPATH="$ROOT"
    DATABASE_URL=$DATABASE_URL REDIS_URL=redis://10.77.0.1:6379/0
    ANSWER_KEY_PATH="$FOLDER/answer-key.csv" INSTANCE_PATH="$FOLDER/instance"
    JWT_SECRET_KEY="$("$PYTHON" -c "import secrets; print(secrets.token_urlsafe(48))")" PORT=5000
    DAILY_SUBMISSION_QUOTA=1000000 MAX_SUBMISSIONS_IN_FLIGHT=1000000
    JOBS_RATE_LIMIT="1000000 per minute" LOGIN_RATE_LIMIT="1000000 per minute" DEFAULT_RATE_LIMIT="1000000 per minute"
)
sleep 1
echo "class host: the store is built and the class's students added"
on class env "${SERVICE_ENV[@]}" "$PYTHON" "$ROOT/bench/multihost.py" prepare \
    --database-url "$DATABASE_URL" --folder "$FOLDER" --students "${STUDENTS:-40}"

echo "api host: gunicorn; worker hosts: python -m workers"
cd "$ROOT"
in_background api api "$BIN/gunicorn" -c gunicorn.conf.py api:app
in_background worker1 worker1 "$PYTHON" -m workers
WORKER1=${PIDS[-1]}
in_background worker2 worker2 "$PYTHON" -m workers
WORKER2=${PIDS[-1]}
for _ in $(seq 60); do
    on class curl -sf -o /dev/null http://10.77.0.2:5000/health && break
    sleep 0.5
done

echo "the class uploads; worker1's link is cut, then the store answers late"
status=0
on class env "${SERVICE_ENV[@]}" "$PYTHON" "$ROOT/bench/multihost.py" load \
    --database-url "$DATABASE_URL" --folder "$FOLDER" --students "${STUDENTS:-40}" \
    --api http://10.77.0.2:5000 --cut-host "$RUN-worker1" --latency-file "$FOLDER/latency-ms" || status=$?
running=0
for pid in "$WORKER1" "$WORKER2"; do kill -0 "$pid" 2>/dev/null && running=$((running + 1)); done
echo "workers still running: $running of 2"
[ "$running" = 2 ] || status=1
if [ "$status" != 0 ] || [ -n "${SHOW_LOGS:-}" ]; then
    for log in api worker1 worker2; do echo "--- $log"; tail -n 30 "$FOLDER/$log.log"; done
fi
exit "$status"

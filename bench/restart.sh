#!/usr/bin/env bash
# How long a gunicorn master restarted after a kill -9 takes to serve again, while an orphaned
# worker of the killed one still holds a slow upload: with the repository's gunicorn.conf.py
# (reuse_port on) and with reuse_port off. Traffic stays on 127.0.0.1.
#   bench/restart.sh [PORT]
set -u
cd "$(dirname "$0")/.."
port=${1:-5077}
work=$(mktemp -d)
trap 'pkill -9 -f "gunicorn -c $work" 2>/dev/null; rm -rf "$work"' EXIT
printf 'exec(open("gunicorn.conf.py").read())\n' > "$work/on.py"
printf 'exec(open("gunicorn.conf.py").read())\nreuse_port = False\n' > "$work/off.py"
export INSTANCE_PATH="$work/instance" PORT="$port" ENV_FILE=

one_restart() {  # $1: on or off
  gunicorn -c "$work/$1.py" api:app > "$work/first.log" 2>&1 &
  local master=$!
  for _ in $(seq 100); do curl -s "localhost:$port/health" > /dev/null && break; sleep 0.1; done
  # A slow upload: headers and a few bytes of a 100 kB body, then nothing for 45 s.
  python3 -c "
import socket, time
s = socket.create_connection(('127.0.0.1', $port))
s.sendall(b'POST /submit HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\nId,')
time.sleep(45)" &
  local client=$!
  sleep 1
  kill -9 "$master"
  local start=$(date +%s.%N) outcome="gave up"
  gunicorn -c "$work/$1.py" api:app > "$work/second.log" 2>&1 &
  local second=$!
  for _ in $(seq 600); do
    if ! kill -0 "$second" 2> /dev/null; then break; fi
    if grep -q "Booting worker" "$work/second.log" && curl -s -m 0.5 -o /dev/null "localhost:$port/health"; then
      outcome="serving"; break
    fi
    sleep 0.05
  done
  printf 'reuse_port %-3s  new master %-8s after %5.2f s  ("Connection in use" %d times)\n' "$1" "$outcome" \
    "$(echo "$(date +%s.%N) - $start" | bc)" "$(grep -c 'Connection in use' "$work/second.log")"
  kill "$client" 2> /dev/null
  pkill -9 -f "gunicorn -c $work" 2> /dev/null
  sleep 2
}

for round in 1 2; do one_restart off; one_restart on; done

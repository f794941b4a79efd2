#!/usr/bin/env bash
# API read benchmark (PRODUCT.md section 5: >= 20,000 authenticated reads/s at 200 connections, p99 < 20 ms).
# Runs wrk against a bare Beast "hello" server and against parkbrain serving the demo park, one after the other
# in the same run, on loopback, and prints one RESULT line for each. Both servers are started here and stopped by
# their PIDs. Knobs: DURATION (s, default 15), CONNECTIONS (200), THREADS (wrk threads, 2), SERVER_THREADS (4).
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${DURATION:-15}
CONNECTIONS=${CONNECTIONS:-200}
THREADS=${THREADS:-2}
SERVER_THREADS=${SERVER_THREADS:-4}
BIN=build/release/src/app/parkbrain
HELLO=build/release/bench/server/bench_hello_server
[ -x "$BIN" ] && [ -x "$HELLO" ] || { echo "bench: build first (make bench)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "bench: wrk missing (scripts/bootstrap installs it)" >&2; exit 1; }

work=$(mktemp -d /var/tmp/parkbrain-bench.XXXXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT INT TERM
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_http() { for _ in $(seq 1 200); do curl -s -o /dev/null "http://$1/$2" && return 0; sleep 0.05; done; return 1; }

measure() {  # name url
  local name=$1 url=$2 out="$work/$1.txt"
  wrk -t "$THREADS" -c "$CONNECTIONS" -d 3s -s bench/api_read.lua "$url" >/dev/null  # warm-up
  wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" --latency -s bench/api_read.lua "$url" >"$out"
  local rps p50 p99 errors
  rps=$(awk '/^Requests\/sec/ {print $2}' "$out")
  p50=$(awk '$1=="50%" {print $2}' "$out")
  p99=$(awk '$1=="99%" {print $2}' "$out")
  errors=$(awk '/Non-2xx or 3xx responses/ {print $5}' "$out")
  echo "RESULT bench=api_read server=$name connections=$CONNECTIONS duration_s=$DURATION requests_per_s=$rps p50=$p50 p99=$p99 non_2xx=${errors:-0}"
}

hp=$(port)
"$HELLO" 127.0.0.1 "$hp" "$SERVER_THREADS" & pids+=($!)
wait_http "127.0.0.1:$hp" ""
PB_TOKEN= PB_PATH=/ measure beast_hello "http://127.0.0.1:$hp"

pp=$(port)
"$BIN" demo --seed-only --db "$work/park.db" >/dev/null
cat >"$work/bench.toml" <<TOML
[server]
threads = $SERVER_THREADS
access_log = false
[log]
level = "warn"
TOML
"$BIN" serve --config "$work/bench.toml" --db "$work/park.db" --listen "127.0.0.1:$pp" --web-root "" & pids+=($!)
wait_http "127.0.0.1:$pp" healthz
token=$(curl -s -X POST -H 'Content-Type: application/json' -d '{"name":"admin","password":"admin-demo-2026"}' \
  "http://127.0.0.1:$pp/api/v1/auth/login" | python3 -c 'import sys,json; print(json.load(sys.stdin)["token"])')
PB_TOKEN=$token PB_PATH= measure parkbrain_get_enterprise "http://127.0.0.1:$pp"
echo "machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(uname -r); date: $(date -u +%F)"

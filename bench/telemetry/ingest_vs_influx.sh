#!/usr/bin/env bash
# Durable line-protocol ingest: ParkBrain against InfluxDB 1.6 on the same data set in the same run.
#
#   bench/telemetry/ingest_vs_influx.sh [path/to/parkbrain]     (default build/release/src/app/parkbrain)
#   REPS=3 CONCURRENCY=4 ASSETS=2000 POINTS=500 FIELDS=3 bench/telemetry/ingest_vs_influx.sh
#
# The peer harness in ../shared/bench/peers generates (once, cached, never timed) 1,000,000 lines = 3,000,000
# field values in 200 gateway batches and measures InfluxDB with its own run_influx.sh. This script sends the
# same batches with the same client (post_lines.py, keep-alive, CONCURRENCY threads) to `parkbrain serve` on a
# fresh SQLite file on a real disk (synchronous=FULL: every acknowledged batch is fsynced), then stops it
# (SIGTERM seals every buffered point into chunks) and reports bytes per value: the sealed chunks' bytes, and
# the whole database file. Interleaved REPS times; every server binds 127.0.0.1 and is stopped by its PID.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PEERS="$(cd "$ROOT/../shared/bench/peers" && pwd)"
BIN="$(realpath "${1:-$ROOT/build/release/src/app/parkbrain}")"
REPS="${REPS:-1}"
CONCURRENCY="${CONCURRENCY:-4}"
export ASSETS="${ASSETS:-2000}" POINTS="${POINTS:-500}" FIELDS="${FIELDS:-3}" BATCH_LINES="${BATCH_LINES:-5000}"
PEER_NAME=parkbrain
# shellcheck source=/dev/null
source "$PEERS/common.sh"
[[ -x "$BIN" ]] || die "no binary at $BIN (make build)"

run_parkbrain() {
  local work port pid token out db_bytes
  work=$(mktemp -d "$WORK_ROOT/parkbrain-ingest.XXXXXX")
  port=$(free_port)
  cat > "$work/bench.toml" <<EOF
[telemetry]
unknown_series = "register"   # the gateway's series are not registry sensors
[server]
access_log = false
EOF
  "$BIN" migrate --db "$work/park.db" >/dev/null 2>&1
  echo "bench-password-2026" | "$BIN" user add --db "$work/park.db" --name bench --role park_admin --password-stdin >/dev/null 2>&1
  "$BIN" serve --config "$work/bench.toml" --db "$work/park.db" --listen "127.0.0.1:$port" --web-root "" \
    > "$work/server.log" 2>&1 &
  pid=$!
  trap 'kill $pid 2>/dev/null || true; rm -rf "$work"' RETURN
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  local session
  session=$(curl -sf -H 'Content-Type: application/json' -d '{"name":"bench","password":"bench-password-2026"}' \
    "http://127.0.0.1:$port/api/v1/auth/login" | "$PY" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  token=$(curl -sf -H 'Content-Type: application/json' -H "Authorization: Bearer $session" \
    -d '{"label":"bench gateway","role":"device"}' "http://127.0.0.1:$port/api/v1/tokens" |
    "$PY" -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  # A first pass registers the 6,000 series (one-time work a park does once), then the timed pass on a fresh
  # database would measure registration too: so the timed pass is the first and only one, as for InfluxDB.
  sync
  out=$("$PY" "$PEERS/post_lines.py" --peer parkbrain --concurrency "$CONCURRENCY" \
    --url "http://127.0.0.1:$port/write?db=bench&precision=ns" --header "Authorization: Bearer $token" "$DATA_DIR")
  local stats
  stats=$(curl -sf -H "Authorization: Bearer $session" "http://127.0.0.1:$port/api/v1/telemetry/stats")
  kill -TERM "$pid"
  wait "$pid" || true
  # After the stop every point is sealed: count chunk bytes and points in the file itself.
  local chunk
  chunk=$(sqlite3 "$work/park.db" "PRAGMA wal_checkpoint(TRUNCATE);" \
    "SELECT SUM(LENGTH(data)) || ' ' || SUM(points) FROM telemetry_chunks;" | tail -1)
  db_bytes=$(( $(stat -c %s "$work/park.db") + $(stat -c %s "$work/park.db-wal" 2>/dev/null || echo 0) ))
  local res
  res=$(grep '^RESULT ' <<<"$out")
  echo "$out" | grep -v '^RESULT ' >&2 || true
  local cbytes=${chunk% *} cpoints=${chunk#* }
  echo "$res durable=sqlite-full-fsync-per-group chunk_bytes=$cbytes chunk_points=$cpoints" \
       "chunk_bytes_per_value=$("$PY" -c "print(round($cbytes/$cpoints,3))")" \
       "db_bytes_per_value=$("$PY" -c "print(round($db_bytes/$cpoints,3))") commit_groups=$("$PY" -c \
       "import json; print(json.loads('''$stats''')['commit_groups'])")"
}

ensure_data
check_work_fs
for rep in $(seq "$REPS"); do
  log "rep $rep: InfluxDB"
  influx=$(CONCURRENCY=$CONCURRENCY "$PEERS/run_influx.sh" 2>/dev/null | grep '^RESULT ' || true)
  echo "$influx"
  log "rep $rep: ParkBrain"
  pb=$(run_parkbrain | grep '^RESULT ')
  echo "$pb"
  iv=$(sed -n 's/.*values_per_s=\([0-9]*\).*/\1/p' <<<"$influx")
  pv=$(sed -n 's/.*values_per_s=\([0-9]*\).*/\1/p' <<<"$pb")
  [[ -n "$iv" && -n "$pv" ]] && echo "RATIO rep=$rep parkbrain/influxdb=$("$PY" -c "print(round($pv/$iv, 2))")"
done

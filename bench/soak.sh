#!/usr/bin/env bash
# A soak: the release build on PostgreSQL under a mixed load for SECONDS (30 minutes by
# default), with PostgreSQL restarted half way. USERS accounts, driven by THREADS client threads,
# read the feed, paper pages and search (60%) and write votes, comments and collection edits
# (40%). bench/soak.py records every acknowledged write and checks at the end that each is in
# the database, that counters equal their rows, that the server's memory after warm-up grew
# less than 10%, and that errors fell only in the restart window, were generic
# (INTERNAL_SERVER_ERROR, no database detail) and stopped within SETTLE seconds of PostgreSQL's
# return. Exits non-zero when a check fails. It restarts this machine's PostgreSQL cluster:
# run it when nothing else uses it.
#
#   bench/soak.sh                      # 30 minutes
#   SECONDS_TOTAL=300 bench/soak.sh    # five
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_TOTAL="${SECONDS_TOTAL:-1800}"
PAPERS="${PAPERS:-10000}"
USERS="${USERS:-64}"
THREADS="${THREADS:-16}"
SETTLE="${SETTLE:-10}"
PG_SERVER="${PG_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB_NAME="${DB_NAME:-papers_soak}"
PORT="${PORT:-18095}"
CLUSTER="${CLUSTER:-$(ls /etc/postgresql | head -n 1)}"
RESTART="${RESTART:-pg_ctlcluster --skip-systemctl-redirect $CLUSTER main restart}"

[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
BIN="${BIN:-target/release/papers}"
work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME" >/dev/null
url="$PG_SERVER/$DB_NAME"
DATABASE_URL="$url" "$BIN" seed --synthetic "$PAPERS" >/dev/null
psql -q "$url" -c "VACUUM ANALYZE" >/dev/null

PAPERS_RATE_LIMITS=off PAPERS_NO_DEMO=true DATABASE_URL="$url" \
  PAPERS_LISTEN="127.0.0.1:$PORT" RUST_LOG=warn "$BIN" serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done

status=0
python3 bench/soak.py --url "http://127.0.0.1:$PORT/graphql" --database "$url" --pid "$server" \
  --seconds "$SECONDS_TOTAL" --users "$USERS" --threads "$THREADS" --settle "$SETTLE" \
  --restart-command "$RESTART" || status=$?

kill -TERM "$server"
wait "$server" || { echo "the server exited with $?" >&2; status=1; }
server=
if grep -qi "panicked" "$work/server.log"; then
  echo "the server panicked:" >&2
  grep -i -A3 "panicked" "$work/server.log" >&2
  status=1
fi
exit "$status"

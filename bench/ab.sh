#!/usr/bin/env bash
# A/B of two builds of Papers on the feed and the paper page of bench/run.sh: one PostgreSQL
# database seeded once, served in turn by build A and build B (A B, B A, A B …, ROUNDS rounds, a
# fresh server each run), wrk at CONNS connections for DURATION s per operation. Prints every run,
# then per operation the median requests/s of each build and the median of the B/A ratios of
# the rounds (pairs taken in turn, so a machine drifting in speed affects both alike).
#
#   git worktree add /tmp/base main~3 && (cd /tmp/base && cargo build --release --bin papers)
#   cargo build --release --bin papers
#   bench/ab.sh /tmp/base/target/release/papers target/release/papers
#   ROUNDS=8 CONNS="4 32" PAPERS=100000 bench/ab.sh A_BIN B_BIN
#   B_ARGS="--loader-delay-us 200" bench/ab.sh BIN BIN      # one build, two settings
#   BACKEND=sqlite bench/ab.sh A_BIN B_BIN                    # the same on a SQLite file
set -euo pipefail
cd "$(dirname "$0")/.."

A_BIN=${1:?usage: bench/ab.sh A_BIN B_BIN}
B_BIN=${2:?usage: bench/ab.sh A_BIN B_BIN}
PAPERS="${PAPERS:-100000}"
DURATION="${DURATION:-10}"
ROUNDS="${ROUNDS:-6}"
CONNS="${CONNS:-4}"
PG_SERVER="${PG_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB_NAME="${DB_NAME:-papers_ab}"
PORT="${PORT:-18090}"
OPS="${OPS:-feed page}"
A_ARGS="${A_ARGS:-}"
B_ARGS="${B_ARGS:-}"
SECRET="bench-secret-bench-secret-bench-secret-0123456789"
URL="http://127.0.0.1:$PORT/graphql"
BACKEND="${BACKEND:-postgres}"
SQLITE_FILE="${SQLITE_FILE:-/tmp/papers-ab.db}"
case $BACKEND in
  postgres) DATABASE_URL="$PG_SERVER/$DB_NAME?sslmode=disable" ;;
  sqlite) DATABASE_URL="sqlite://$SQLITE_FILE?mode=rwc" ;;
  *) echo "BACKEND is postgres or sqlite" >&2; exit 2 ;;
esac

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start
if [ "$BACKEND" = postgres ]; then
  sql() { psql "$PG_SERVER/$DB_NAME" -Atc "$1"; }
else
  sql() { python3 -c 'import sqlite3, sys; [print(*r, sep="|") for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]' "$SQLITE_FILE" "$1"; }
fi

echo "== seeding $PAPERS papers on $BACKEND (with build A)"
if [ "$BACKEND" = postgres ]; then
  psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME" >/dev/null
else
  rm -f "$SQLITE_FILE" "$SQLITE_FILE-wal" "$SQLITE_FILE-shm"
fi
"$A_BIN" seed --synthetic "$PAPERS" --database-url "$DATABASE_URL"
if [ "$BACKEND" = postgres ]; then sql "VACUUM ANALYZE" >/dev/null; else sql "ANALYZE" >/dev/null; fi

day=$(date -u -d yesterday +%F)
arxiv=$(sql "SELECT arxiv_id FROM papers ORDER BY comment_count DESC, id LIMIT 1")
token=$(python3 bench/token.py "$SECRET" 1)
feed=$(printf '{"query":"query Feed($d: Date) { dailyPapers(date: $d, first: 50) { totalCount edges { cursor node { id arxivId title upvoteCount commentCount viewerHasUpvoted authors { name } submittedBy { username } } } pageInfo { hasNextPage endCursor } } }","variables":{"d":"%s"}}' "$day")
page=$(printf '{"query":"query Page($id: String!) { paper(arxivId: $id) { id title abstract upvoteCount viewerHasUpvoted authors { name } comments(first: 20) { totalCount edges { node { id bodyHtml createdAt upvoteCount author { username displayName } } } } } }","variables":{"id":"%s"}}' "$arxiv")

SERVER=
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT

# Serves with one build and measures every operation and connection count once.
#   $1: A or B, $2: the binary, $3: extra arguments of `serve` (word-split)
run_build() {
  # shellcheck disable=SC2086
  RUST_LOG=warn "$2" serve $3 --no-demo --rate-limits off --database-url "$DATABASE_URL" --db-pool-size 4 \
    --listen "127.0.0.1:$PORT" --jwt-secret "$SECRET" --log-format json 2>/dev/null &
  SERVER=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done
  for op in $OPS; do
    case $op in feed) BODY=$feed;; page) BODY=$page;; esac
    check=$(curl -fsS "$URL" -H 'content-type: application/json' -H "authorization: Bearer $token" -d "$BODY")
    if grep -q '"errors"' <<<"$check"; then echo "$1 $op answers with errors: $check" >&2; exit 1; fi
    for conns in $CONNS; do
      threads=$(( conns < 8 ? 1 : 2 ))
      out=$(BENCH_BODY="$BODY" BENCH_TOKEN="$token" wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s bench/wrk.lua "$URL")
      eval "$(grep '^RESULT' <<<"$out" | sed 's/^RESULT //')"
      rps=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
      [ "$bad" = 0 ] || { echo "$1 $op at $conns connections: $bad bad responses" >&2; exit 1; }
      printf '%-6s %-2s %-5s %5s %8s req/s  p50 %6.2f ms\n' "round$round" "$1" "$op" "$conns" "$rps" \
        "$(awk -v v="$p50_us" 'BEGIN{print v/1000}')"
      echo "$1 $op $conns $round $rps" >>"$RESULTS"
    done
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=
}

RESULTS=$(mktemp)
echo "== $ROUNDS rounds, $DURATION s per run, feed of $day, paper $arxiv"
# A B, then B A, and so on: a machine speeding up or slowing down through a run would otherwise
# favour whichever build always runs first in a round (seen here: a 0.92 that was only drift).
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then
    run_build A "$A_BIN" "$A_ARGS"
    run_build B "$B_BIN" "$B_ARGS"
  else
    run_build B "$B_BIN" "$B_ARGS"
    run_build A "$A_BIN" "$A_ARGS"
  fi
done

echo
printf '%-5s %5s %12s %12s %14s\n' op conns "A median" "B median" "B/A median"
python3 - "$RESULTS" <<'PY'
import sys, statistics
runs = {}
for line in open(sys.argv[1]):
    build, op, conns, rnd, rps = line.split()
    runs.setdefault((op, int(conns)), {}).setdefault(build, {})[rnd] = float(rps)
for (op, conns), by in sorted(runs.items()):
    a, b = by["A"], by["B"]
    ratios = [b[r] / a[r] for r in a if r in b]
    print(f"{op:<5} {conns:>5} {statistics.median(a.values()):>12.0f} "
          f"{statistics.median(b.values()):>12.0f} {statistics.median(ratios):>14.3f}")
PY
echo "$BACKEND; machine: $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"

#!/usr/bin/env bash
# The following feed under a heavy reader (issue 26): seeds synthetic papers (100k by default)
# into PostgreSQL and a SQLite file, makes user 1 follow the 500 most prolific authors and 20
# topics (HEAVY) and user 2 follow 5 authors (LIGHT), starts a release build on each and drives
# `viewer { feed(first: 20) }` (the first page, with every reason resolved) and `recommendedPapers`
# with wrk at 1 and 4 connections (pool of 4, as bench/run.sh). Prints requests/s, p50 and p99
# per operation and reader.
#
#   bench/following.sh                                 # both backends, 100k papers, 10 s a run
#   PAPERS=10000 DURATION=5 BACKENDS=sqlite bench/following.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PAPERS="${PAPERS:-100000}"
DURATION="${DURATION:-10}"
PG_SERVER="${PG_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB_NAME="${DB_NAME:-papers_following}"
BACKENDS="${BACKENDS:-postgres sqlite}"
PORT="${PORT:-18081}"
SECRET="bench-secret-bench-secret-bench-secret-0123456789"
URL="http://127.0.0.1:$PORT/graphql"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start

cargo build --release -q --bin papers
BIN=target/release/papers

# The follows, written as the service writes them (a row per follow, the counters moved).
FOLLOWS="
INSERT INTO follows (user_id, author_id, created_at)
  SELECT 1, author_id, CURRENT_TIMESTAMP FROM
    (SELECT author_id, COUNT(*) AS n FROM paper_authors GROUP BY author_id ORDER BY n DESC, author_id LIMIT 500) AS a;
INSERT INTO follows (user_id, topic_id, created_at)
  SELECT 1, id, CURRENT_TIMESTAMP FROM topics WHERE slug IN
    ('cs.CL','cs.LG','cs.CV','cs.AI','stat.ML','cs.RO','cs.IR','cs.CR','eess.AS','cs.DC','cs.HC',
     'q-bio.NC','cs.SE','cs.NE','cs.MA','cs.SD','cs.GR','math.OC','quant-ph','cs.DB');
INSERT INTO follows (user_id, author_id, created_at)
  SELECT 2, id, CURRENT_TIMESTAMP FROM authors WHERE id IN (11, 222, 3333, 4444, 5555);
UPDATE authors SET follower_count = (SELECT COUNT(*) FROM follows WHERE follows.author_id = authors.id);
UPDATE topics SET follower_count = (SELECT COUNT(*) FROM follows WHERE follows.topic_id = topics.id);
"

FEED='{"query":"{ viewer { feed(first: 20) { pageInfo { hasNextPage endCursor } edges { cursor node { id arxivId title upvoteCount commentCount viewerHasUpvoted authors { name } } reasons { kind target { __typename ... on Author { name } ... on Topic { slug } } } } } } }"}'
RECOMMENDED='{"query":"{ viewer { recommendedPapers(first: 20) { totalCount nodes { id arxivId title upvoteCount } } } }"}'

bench_backend() {
  local backend=$1 database_url
  case $backend in
    postgres)
      psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME" >/dev/null
      database_url="$PG_SERVER/$DB_NAME?sslmode=disable"
      sql() { psql "$PG_SERVER/$DB_NAME" -Atc "$1"; }
      ;;
    sqlite)
      SQLITE_FILE="${SQLITE_FILE:-/tmp/papers-following.db}"
      rm -f "$SQLITE_FILE" "$SQLITE_FILE"-*
      database_url="sqlite://$SQLITE_FILE?mode=rwc"
      sql() { python3 -c 'import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.executescript(sys.argv[2]); c.commit()' "$SQLITE_FILE" "$1"; }
      ;;
  esac
  echo "== $backend: seeding $PAPERS papers"
  "$BIN" seed --synthetic "$PAPERS" --database-url "$database_url" >/dev/null
  sql "$FOLLOWS" >/dev/null
  case $backend in
    postgres) sql "VACUUM ANALYZE" >/dev/null ;;
    sqlite) sql "ANALYZE" >/dev/null ;;
  esac
  RUST_LOG=warn "$BIN" serve --no-demo --rate-limits off --database-url "$database_url" --db-pool-size 4 \
    --listen "127.0.0.1:$PORT" --jwt-secret "$SECRET" 2>"/tmp/papers-following-$backend.log" &
  SERVER=$!
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done

  printf '\n%-8s %-12s %-6s %5s %10s %9s %9s\n' backend operation reader conns "req/s" "p50 ms" "p99 ms"
  for op in feed recommended; do
    case $op in feed) BODY=$FEED;; recommended) BODY=$RECOMMENDED;; esac
    for reader in heavy light; do
      local user=1; [ $reader = light ] && user=2
      local token; token=$(python3 bench/token.py "$SECRET" "$user")
      check=$(curl -fsS "$URL" -H 'content-type: application/json' -H "authorization: Bearer $token" -d "$BODY")
      if grep -q '"errors"' <<<"$check"; then echo "$op answers with errors: $check" >&2; exit 1; fi
      for conns in 1 4; do
        out=$(BENCH_BODY="$BODY" BENCH_TOKEN="$token" wrk -t1 -c"$conns" -d"${DURATION}s" --latency -s bench/wrk.lua "$URL")
        eval "$(grep '^RESULT' <<<"$out" | sed 's/^RESULT //')"
        [ "$bad" = 0 ] || { echo "$op: $bad bad answers" >&2; exit 1; }
        printf '%-8s %-12s %-6s %5s %10.0f %9.2f %9.2f\n' "$backend" "$op" "$reader" "$conns" \
          "$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { print r / (d / 1e6) }')" \
          "$(awk -v v="$p50_us" 'BEGIN { print v / 1000 }')" "$(awk -v v="$p99_us" 'BEGIN { print v / 1000 }')"
      done
    done
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
}

for backend in $BACKENDS; do
  bench_backend "$backend"
done

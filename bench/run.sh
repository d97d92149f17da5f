#!/usr/bin/env bash
# The Papers benchmark: seeds 100k synthetic papers into PostgreSQL, starts a release build and
# drives a fixed load with wrk (a separate process) on three operations, each at 4 connections
# (latency) and 32 connections (throughput), 20 s per run. Prints requests/s, p50, p99 and the
# server's peak RSS per operation, and fails if any response is not HTTP 200 or has `errors`.
#
#   bench/run.sh                     # everything
#   PAPERS=10000 DURATION=5 bench/run.sh   # a quicker, smaller run
set -euo pipefail
cd "$(dirname "$0")/.."

PAPERS="${PAPERS:-100000}"
DURATION="${DURATION:-20}"
PG_SERVER="${PG_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB_NAME="${DB_NAME:-papers_bench}"
PORT="${PORT:-18080}"
SECRET="bench-secret-bench-secret-bench-secret-0123456789"
URL="http://127.0.0.1:$PORT/graphql"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start

cargo build --release -q --bin papers
BIN=target/release/papers

psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME" >/dev/null
# Loopback needs no TLS: sslmode=disable keeps encryption out of the measurement.
DATABASE_URL="$PG_SERVER/$DB_NAME?sslmode=disable"
echo "== seeding $PAPERS papers"
"$BIN" seed --synthetic "$PAPERS" --database-url "$DATABASE_URL"
psql "$PG_SERVER/$DB_NAME" -qc "VACUUM ANALYZE" >/dev/null

# Pool of 4: on 2 cores shared with PostgreSQL and wrk, more connections only add switching.
RUST_LOG=warn "$BIN" serve --no-demo --rate-limits off --database-url "$DATABASE_URL" --db-pool-size 4 \
  --listen "127.0.0.1:$PORT" --jwt-secret "$SECRET" --log-format json 2>/tmp/papers-bench-server.log &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done

# Inputs: yesterday's feed (a full day), the paper with the longest thread, a signed-in user.
DAY=$(date -u -d yesterday +%F)
ARXIV=$(psql "$PG_SERVER/$DB_NAME" -Atc "SELECT arxiv_id FROM papers ORDER BY comment_count DESC, id LIMIT 1")
TOKEN=$(python3 bench/token.py "$SECRET" 1)

FEED=$(printf '{"query":"query Feed($d: Date) { dailyPapers(date: $d, first: 50) { totalCount edges { cursor node { id arxivId title upvoteCount commentCount viewerHasUpvoted authors { name } submittedBy { username } } } pageInfo { hasNextPage endCursor } } }","variables":{"d":"%s"}}' "$DAY")
PAGE=$(printf '{"query":"query Page($id: String!) { paper(arxivId: $id) { id title abstract upvoteCount viewerHasUpvoted authors { name } comments(first: 20) { totalCount edges { node { id bodyHtml createdAt upvoteCount author { username displayName } } } } } }","variables":{"id":"%s"}}' "$ARXIV")
# Two words of a title: the seed draws words with Zipf-like frequencies, as real text has.
WORDS=$(psql "$PG_SERVER/$DB_NAME" -Atc "SELECT split_part(title, ' ', 2) || ' ' || split_part(title, ' ', 4) FROM papers WHERE id = 4242")
MATCHES=$(psql "$PG_SERVER/$DB_NAME" -Atc "SELECT COUNT(*) FROM papers WHERE search_vector @@ plainto_tsquery('english', '$WORDS')")
echo "== inputs: feed of $DAY, paper $ARXIV, search \"$WORDS\" ($MATCHES matching papers)"
SEARCH=$(printf '{"query":"query Search($q: String!) { searchPapers(query: $q, first: 20) { edges { score highlightedTitle snippet node { arxivId title } } } }","variables":{"q":"%s"}}' "$WORDS")

rss_peak_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER/status"; }

failed=0
printf '\n%-8s %5s %10s %9s %9s %9s\n' operation conns "req/s" "p50 ms" "p99 ms" "peak MB"
for op in feed page search; do
  case $op in feed) BODY=$FEED;; page) BODY=$PAGE;; search) BODY=$SEARCH;; esac
  # Every operation must answer without errors before it is measured.
  check=$(curl -fsS "$URL" -H 'content-type: application/json' -H "authorization: Bearer $TOKEN" -d "$BODY")
  if grep -q '"errors"' <<<"$check"; then echo "$op answers with errors: $check" >&2; exit 1; fi
  for conns in 4 32; do
    threads=$(( conns < 8 ? 1 : 2 ))
    out=$(BENCH_BODY="$BODY" BENCH_TOKEN="$TOKEN" wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s bench/wrk.lua "$URL")
    line=$(grep '^RESULT' <<<"$out")
    eval "$(sed 's/^RESULT //' <<<"$line")"
    rps=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
    printf '%-8s %5s %10s %9.2f %9.2f %9s\n' "$op" "$conns" "$rps" "$(awk -v v="$p50_us" 'BEGIN{print v/1000}')" \
      "$(awk -v v="$p99_us" 'BEGIN{print v/1000}')" "$(rss_peak_mb)"
    if [ "$bad" != 0 ] || [ "$socket_errors" != 0 ]; then
      echo "  $op at $conns connections: $bad bad responses, $socket_errors socket errors" >&2
      failed=1
    fi
  done
done
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
exit $failed

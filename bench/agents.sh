#!/usr/bin/env bash
# The agents' surfaces under load: one paper read five ways (GraphQL's paper page, the REST
# paper, the markdown page, the REST comments, the MCP tool get_paper) and a search two ways
# (REST, the MCP tool search_papers), each at CONNECTIONS connections for DURATION seconds with
# wrk, on synthetic data (PAPERS papers) on each backend. Prints requests/s, p50 and p99; fails if
# any answer is not HTTP 200 or is an error (GraphQL `errors`, an MCP tool's `isError`).
#
#   bench/agents.sh                                   # both backends, 10k papers, 4 connections
#   BACKENDS=sqlite DURATION=5 CONNECTIONS=1 bench/agents.sh
set -euo pipefail
cd "$(dirname "$0")/.."

PAPERS="${PAPERS:-10000}"
DURATION="${DURATION:-10}"
CONNECTIONS="${CONNECTIONS:-4}"
BACKENDS="${BACKENDS:-sqlite postgres}"
PG_SERVER="${PG_SERVER:-postgres://postgres@127.0.0.1:5432}"
DB_NAME="${DB_NAME:-papers_bench_agents}"
PORT="${PORT:-18090}"
SECRET="bench-secret-bench-secret-bench-secret-0123456789"

command -v wrk >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk; }
[ -n "${SKIP_BUILD:-}" ] || cargo build --release --quiet
BIN=target/release/papers
work=$(mktemp -d)
server=
cleanup() { [ -n "$server" ] && kill "$server" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT

run() { # name method path [body] [accept]
  local name=$1 method=$2 path=$3 body=${4:-} accept=${5:-}
  local out
  out=$(BENCH_METHOD=$method BENCH_BODY=$body BENCH_ACCEPT=$accept \
    wrk -t "$CONNECTIONS" -c "$CONNECTIONS" -d "${DURATION}s" -s bench/wrk.lua \
    "http://127.0.0.1:$PORT$path" | grep RESULT)
  local requests duration p50 p99 bad
  requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$out")
  duration=$(sed -E 's/.*duration_us=([0-9]+).*/\1/' <<<"$out")
  p50=$(sed -E 's/.*p50_us=([0-9]+).*/\1/' <<<"$out")
  p99=$(sed -E 's/.*p99_us=([0-9]+).*/\1/' <<<"$out")
  bad=$(sed -E 's/.*bad=([0-9]+).*/\1/' <<<"$out")
  [ "$bad" = 0 ] || { echo "$name: $bad bad answers" >&2; exit 1; }
  printf '| %s | %s | %.0f | %.2f | %.2f |\n' "$BACKEND" "$name" \
    "$(bc -l <<<"$requests * 1000000 / $duration")" "$(bc -l <<<"$p50 / 1000")" "$(bc -l <<<"$p99 / 1000")"
}

echo "| backend | operation ($CONNECTIONS connections, ${DURATION} s) | requests/s | p50 ms | p99 ms |"
echo "|---|---|---|---|---|"
for BACKEND in $BACKENDS; do
  if [ "$BACKEND" = postgres ]; then
    psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $DB_NAME" -c "CREATE DATABASE $DB_NAME" >/dev/null
    url="$PG_SERVER/$DB_NAME"
  else
    url="sqlite://$work/agents.db?mode=rwc"
  fi
  DATABASE_URL="$url" "$BIN" seed --synthetic "$PAPERS" >/dev/null
  # Statistics for the planner, as after any bulk load.
  if [ "$BACKEND" = postgres ]; then
    psql -q "$url" -c "VACUUM ANALYZE" >/dev/null
  else
    python3 -c 'import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute("ANALYZE"); c.close()' "$work/agents.db"
  fi
  DATABASE_URL="$url" PAPERS_JWT_SECRET="$SECRET" PAPERS_RATE_LIMITS=off PAPERS_NO_DEMO=true \
    PAPERS_LISTEN="127.0.0.1:$PORT" RUST_LOG=warn "$BIN" serve --db-pool-size 4 >"$work/server.log" 2>&1 &
  server=$!
  for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.2; done
  # The most discussed paper among the trending ones: a page with comments to quote.
  arxiv=$(curl -fsS "http://127.0.0.1:$PORT/graphql" -H 'content-type: application/json' \
    -d '{"query":"{ papers(first: 100) { nodes { arxivId commentCount } } }"}' |
    python3 -c 'import json,sys; n=json.load(sys.stdin)["data"]["papers"]["nodes"]; print(max(n, key=lambda p: p["commentCount"])["arxivId"])')
  page=$(printf '{"query":"query Page($id: String!) { paper(arxivId: $id) { id title abstract upvoteCount viewerHasUpvoted authors { name } comments(first: 20) { totalCount edges { node { id bodyHtml createdAt upvoteCount author { username displayName } } } } } }","variables":{"id":"%s"}}' "$arxiv")
  mcp_paper=$(printf '{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"get_paper","arguments":{"arxiv_id":"%s"}}}' "$arxiv")
  mcp_search='{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"search_papers","arguments":{"query":"language models","mode":"lexical","limit":10}}}'
  run "GraphQL paper page" POST /graphql "$page"
  run "REST paper" GET "/api/papers/$arxiv"
  run "markdown page" GET "/papers/$arxiv.md"
  run "REST comments (20)" GET "/api/papers/$arxiv/comments?limit=20"
  run "MCP get_paper" POST /mcp "$mcp_paper" "application/json, text/event-stream"
  run "REST search" GET "/api/papers/search?q=language%20models&limit=10"
  run "MCP search_papers" POST /mcp "$mcp_search" "application/json, text/event-stream"
  kill "$server"; wait "$server" 2>/dev/null || true; server=
  [ "$BACKEND" = postgres ] && psql -q "$PG_SERVER/postgres" -c "DROP DATABASE IF EXISTS $DB_NAME" >/dev/null
done

#!/usr/bin/env bash
# A login storm: N parallel `login` requests (a right password each, so every one is hashed) at a
# release build on SQLite, throttles off. Prints how long the storm took and the server's peak
# RSS: password hashing runs on a fixed pool of threads, so memory must not grow with N.
#
#   bench/login-storm.sh            # 200 parallel logins
#   N=500 bench/login-storm.sh
set -euo pipefail
cd "$(dirname "$0")/.."

N="${N:-200}"
PORT="${PORT:-18081}"
cargo build --release -q --bin papers
BIN="$PWD/target/release/papers"
work=$(mktemp -d)
(cd "$work" && RUST_LOG=warn exec "$BIN" serve --no-demo --rate-limits off --listen "127.0.0.1:$PORT" \
  --jwt-secret "storm-secret-storm-secret-storm-secret-0123") &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 100); do curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break; sleep 0.1; done

python3 - "$PORT" "$N" "$SERVER" <<'PY'
import json, sys, time, urllib.request
from concurrent.futures import ThreadPoolExecutor

port, n, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]
url = f"http://127.0.0.1:{port}/graphql"

def call(query, variables):
    body = json.dumps({"query": query, "variables": variables}).encode()
    request = urllib.request.Request(url, body, {"content-type": "application/json"})
    with urllib.request.urlopen(request, timeout=600) as response:
        return json.load(response)

def rss(field):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(field):
            return int(line.split()[1]) // 1024
    return 0

call("mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }",
     {"i": {"username": "storm", "email": "storm@example.org", "password": "correct horse battery"}})
before = rss("VmRSS")
login = "mutation { login(input: { usernameOrEmail: \"storm\", password: \"correct horse battery\" }) { accessToken } }"
start = time.time()
with ThreadPoolExecutor(max_workers=n) as pool:
    answers = list(pool.map(lambda _: call(login, {}), range(n)))
took = time.time() - start
failed = sum(1 for a in answers if a.get("errors"))
print(f"{n} parallel logins: {took:.1f} s, {failed} failed; server RSS {before} MB before, peak {rss('VmHWM')} MB")
sys.exit(1 if failed else 0)
PY

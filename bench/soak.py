#!/usr/bin/env python3
"""The soak's load and its verdict (started by bench/soak.sh; Python's standard library only).

Many users, each driven by one thread at a time so that its own writes are ordered, read the
feed, paper pages and search and write votes, comments and collection edits for a set time. Half
way through, PostgreSQL is restarted. Every acknowledged write is recorded; at the end each must
be in the database, every counter must equal its rows, the server's memory after warm-up must
have grown less than 10%, and every error must fall in the restart window, say nothing of the
database, and stop within seconds of its return.

Prints a report and a JSON summary line; exits 1 when a check fails.
"""

import argparse
import base64
import json
import random
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

# Counters that must equal their rows (the same rules as the test suite's seed checks).
COUNTERS = {
    "paper upvotes": "SELECT COUNT(*) FROM papers p WHERE p.upvote_count <> "
    "(SELECT COUNT(*) FROM paper_upvotes v WHERE v.paper_id = p.id)",
    "paper comments": "SELECT COUNT(*) FROM papers p WHERE p.comment_count <> "
    "(SELECT COUNT(*) FROM comments c WHERE c.paper_id = p.id AND c.deleted_at IS NULL)",
    "comment replies": "SELECT COUNT(*) FROM comments p WHERE p.reply_count <> "
    "(SELECT COUNT(*) FROM comments c WHERE c.parent_id = p.id)",
    "collection items": "SELECT COUNT(*) FROM collections p WHERE p.item_count <> "
    "(SELECT COUNT(*) FROM collection_items i WHERE i.collection_id = p.id)",
    "collection upvotes": "SELECT COUNT(*) FROM collections p WHERE p.upvote_count <> "
    "(SELECT COUNT(*) FROM collection_upvotes v WHERE v.collection_id = p.id)",
    "topic papers": "SELECT COUNT(*) FROM topics t WHERE t.paper_count <> "
    "(SELECT COUNT(*) FROM paper_topics p WHERE p.topic_id = t.id)",
}

# Words an error shown to a client must never carry (the database's own details).
LEAKS = ("sql", "postgres", "pool", "connection", "select ", "insert ", "relation", "tcp",
         "socket", "refused", "/src/", ".rs:")

FEED = "query Feed { dailyPapers(first: 20) { nodes { id title upvoteCount commentCount authors { name } } } }"
PAGE = ("query Page($id: ID!) { node(id: $id) { ... on Paper { id title abstract upvoteCount "
        "viewerHasUpvoted authors { name } comments(first: 20) { totalCount edges { node { id "
        "bodyHtml author { username } } } } } } }")
SEARCH = "query Search($q: String!) { searchPapers(query: $q, first: 10) { nodes { id title } } }"
UPVOTE = "mutation ($id: ID!) { upvotePaper(paperId: $id) { id } }"
UNVOTE = "mutation ($id: ID!) { removePaperUpvote(paperId: $id) { id } }"
COMMENT = "mutation ($p: ID!, $b: String!) { addComment(input: { paperId: $p, body: $b }) { id } }"
ADD_ITEM = ("mutation ($c: ID!, $p: ID!) { addCollectionItem(input: { collectionId: $c, "
            "paperId: $p }) { id } }")
REMOVE_ITEM = ("mutation ($c: ID!, $p: ID!) { removeCollectionItem(collectionId: $c, "
               "paperId: $p) { id } }")
WORDS = ["language models", "diffusion", "reinforcement learning", "graph neural", "vision",
         "retrieval", "benchmark", "attention", "agents", "speech"]


def row_id(global_id):
    """The row id inside a global ID (base64url of `Type:id`)."""
    padded = global_id + "=" * (-len(global_id) % 4)
    return int(base64.urlsafe_b64decode(padded).decode().split(":", 1)[1])


class Client:
    def __init__(self, url):
        self.url = url

    def call(self, query, variables=None, token=None, timeout=15):
        """(HTTP status, body or None)."""
        body = json.dumps({"query": query, "variables": variables or {}}).encode()
        request = urllib.request.Request(self.url, data=body, method="POST")
        request.add_header("content-type", "application/json")
        if token:
            request.add_header("authorization", f"Bearer {token}")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as err:
            try:
                return err.code, json.loads(err.read())
            except ValueError:
                return err.code, None
        except (urllib.error.URLError, OSError, ValueError) as err:
            return 0, {"transport": str(err)}


class Log:
    """Requests, errors and acknowledged writes, shared by the threads."""

    def __init__(self):
        self.lock = threading.Lock()
        self.requests = 0
        self.reads = 0
        self.writes = 0
        self.errors = []  # (time, status, code, message)

    def count(self, write):
        with self.lock:
            self.requests += 1
            if write:
                self.writes += 1
            else:
                self.reads += 1

    def error(self, at, status, code, message):
        with self.lock:
            self.errors.append((at, status, code, message))


def outcome(status, body):
    """(ok, code, message) of an answer."""
    if status == 200 and body and not body.get("errors") and body.get("data"):
        return True, None, None
    if body and body.get("errors"):
        first = body["errors"][0]
        return False, (first.get("extensions") or {}).get("code"), first.get("message", "")
    if body and "transport" in body:
        return False, "TRANSPORT", body["transport"]
    return False, f"HTTP {status}", ""


class User:
    """One account and what it has been acknowledged to hold: its votes, comments and the
    papers in its collection. A pair whose last write got no answer is uncertain (the write may
    or may not have landed) and is neither touched again nor checked."""

    def __init__(self, name, token, collection):
        self.name = name
        self.token = token
        self.collection = collection
        self.lock = threading.Lock()
        self.votes = {}  # paper id -> True/False, acknowledged
        self.items = {}
        self.comments = []
        self.uncertain_votes = set()
        self.uncertain_items = set()


def run_load(args, client, users, papers, log, stop):
    def toggle(user, held, uncertain, paper, started, mutations, variables):
        """Adds what the user does not hold, removes what it does (a vote, a collection item),
        and records the outcome: acknowledged, or the pair uncertain from then on."""
        if paper in uncertain:
            return
        want = not held.get(paper, False)
        status, body = client.call(mutations[0] if want else mutations[1], variables, user.token)
        log.count(True)
        ok, code, message = outcome(status, body)
        if ok:
            held[paper] = want
        else:
            uncertain.add(paper)
            log.error(started, status, code, message)

    def step(rng):
        user = rng.choice(users)
        if not user.lock.acquire(blocking=False):
            return
        try:
            roll = rng.random()
            started = time.time()
            if roll < 0.6:
                kind = rng.random()
                if kind < 0.4:
                    query, variables = FEED, {}
                elif kind < 0.8:
                    query, variables = PAGE, {"id": rng.choice(papers)}
                else:
                    query, variables = SEARCH, {"q": rng.choice(WORDS)}
                status, body = client.call(query, variables, user.token)
                log.count(False)
                ok, code, message = outcome(status, body)
                if not ok:
                    log.error(started, status, code, message)
                return
            paper = rng.choice(papers)
            if roll < 0.8:
                toggle(user, user.votes, user.uncertain_votes, paper, started,
                       (UPVOTE, UNVOTE), {"id": paper})
            elif roll < 0.9:
                text = f"soak comment {user.name} {rng.getrandbits(48):x}"
                status, body = client.call(COMMENT, {"p": paper, "b": text}, user.token)
                log.count(True)
                ok, code, message = outcome(status, body)
                if ok:
                    user.comments.append(body["data"]["addComment"]["id"])
                else:
                    log.error(started, status, code, message)
            else:
                toggle(user, user.items, user.uncertain_items, paper, started,
                       (ADD_ITEM, REMOVE_ITEM), {"c": user.collection, "p": paper})
        finally:
            user.lock.release()

    def worker(seed):
        rng = random.Random(seed)
        while not stop.is_set():
            step(rng)

    threads = [threading.Thread(target=worker, args=(n,), daemon=True)
               for n in range(args.threads)]
    for thread in threads:
        thread.start()
    return threads


def psql(args, sql):
    out = subprocess.run(["psql", "-Atq", args.database, "-c", sql], check=True,
                         capture_output=True, text=True).stdout
    return out.strip()


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def restart_postgres(args, window):
    window["down"] = time.time()
    subprocess.run(args.restart_command, shell=True, check=True, capture_output=True)
    while subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1"]).returncode != 0:
        time.sleep(0.1)
    window["up"] = time.time()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--database", required=True, help="the server's PostgreSQL URL")
    parser.add_argument("--pid", type=int, required=True, help="the server's process id")
    parser.add_argument("--seconds", type=int, default=1800)
    parser.add_argument("--users", type=int, default=64)
    parser.add_argument("--threads", type=int, default=16)
    parser.add_argument("--restart-command", required=True)
    parser.add_argument("--settle", type=float, default=10.0,
                        help="seconds after PostgreSQL is back within which errors must stop")
    args = parser.parse_args()
    client = Client(args.url)

    # Accounts, each with a long-lived WRITE token (a session lasts 15 minutes) and a collection.
    users = []
    for n in range(args.users):
        name = f"soak{n}"
        status, body = client.call(
            "mutation ($i: RegisterInput!) { register(input: $i) { accessToken } }",
            {"i": {"username": name, "email": f"{name}@example.org", "password": "soak password 1"}})
        session = body["data"]["register"]["accessToken"]
        _, body = client.call(
            "mutation { createApiToken(input: { name: \"soak\", scopes: [READ, WRITE] }) { token } }",
            token=session)
        token = body["data"]["createApiToken"]["token"]
        _, body = client.call(
            "mutation { createCollection(input: { title: \"Soak shelf\" }) { id } }", token=token)
        users.append(User(name, token, body["data"]["createCollection"]["id"]))
    _, body = client.call("{ papers(first: 100) { nodes { id } } }")
    papers = [p["id"] for p in body["data"]["papers"]["nodes"]]

    log = Log()
    stop = threading.Event()
    started = time.time()
    threads = run_load(args, client, users, papers, log, stop)
    samples = []  # (seconds since start, RSS KiB)
    window = {}
    restarter = None
    while time.time() - started < args.seconds:
        time.sleep(5)
        elapsed = time.time() - started
        samples.append((elapsed, rss_kib(args.pid)))
        if restarter is None and elapsed >= args.seconds / 2:
            restarter = threading.Thread(target=restart_postgres, args=(args, window))
            restarter.start()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    if restarter:
        restarter.join()
    duration = time.time() - started

    failures = []
    # Every acknowledged write is there.
    votes = set(tuple(map(int, line.split("|")))
                for line in psql(args, "SELECT user_id, paper_id FROM paper_upvotes "
                                 "WHERE user_id IN (SELECT id FROM users WHERE username LIKE 'soak%')").splitlines()
                if line)
    user_ids = dict(line.split("|") for line in psql(
        args, "SELECT username, id FROM users WHERE username LIKE 'soak%'").splitlines())
    items = set(tuple(map(int, line.split("|"))) for line in psql(
        args, "SELECT collection_id, paper_id FROM collection_items").splitlines() if line)
    comments = set(int(line) for line in psql(args, "SELECT id FROM comments").splitlines() if line)
    checked = {"votes": 0, "items": 0, "comments": 0}
    for user in users:
        uid = int(user_ids[user.name])
        for paper, held in user.votes.items():
            if paper in user.uncertain_votes:
                continue
            checked["votes"] += 1
            if ((uid, row_id(paper)) in votes) != held:
                failures.append(f"{user.name}'s vote on {paper}: acknowledged {held}, not so")
        collection = row_id(user.collection)
        for paper, held in user.items.items():
            if paper in user.uncertain_items:
                continue
            checked["items"] += 1
            if ((collection, row_id(paper)) in items) != held:
                failures.append(f"{user.name}'s shelf and {paper}: acknowledged {held}, not so")
        for comment in user.comments:
            checked["comments"] += 1
            if row_id(comment) not in comments:
                failures.append(f"acknowledged comment {comment} is missing")
    mismatched = {what: int(psql(args, sql)) for what, sql in COUNTERS.items()}
    for what, n in mismatched.items():
        if n:
            failures.append(f"{n} {what} counters differ from their rows")

    # Memory: after warm-up (the first fifth), growth to the median of the last fifth.
    warm = [kib for at, kib in samples if at >= duration / 5]
    baseline = warm[0] if warm else 0
    tail = [kib for at, kib in samples if at >= duration * 4 / 5] or [baseline]
    growth = (statistics.median(tail) - baseline) / baseline if baseline else 0.0
    if growth >= 0.10:
        failures.append(f"memory grew {growth:.1%} after warm-up")

    # Errors: only in the restart window, generic, and over soon after PostgreSQL is back.
    down, up = window.get("down"), window.get("up")
    inside = [e for e in log.errors if down and down - 1 <= e[0] <= up + args.settle]
    outside = [e for e in log.errors if e not in inside]
    for at, status, code, message in outside[:10]:
        failures.append(f"error outside the restart window at +{at - started:.1f} s: "
                        f"{status} {code} {message[:80]}")
    for at, status, code, message in inside:
        if not (status == 503 or code in ("INTERNAL_SERVER_ERROR", "TIMEOUT", "TRANSPORT")):
            failures.append(f"unexpected error in the window: {status} {code} {message[:80]}")
        if any(word in (message or "").lower() for word in LEAKS) and code != "TRANSPORT":
            failures.append(f"an error says too much: {message[:120]}")
    last_error = max((e[0] for e in inside), default=None)
    recovered = (last_error - up) if (last_error and up) else 0.0

    summary = {
        "seconds": round(duration),
        "requests": log.requests,
        "reads": log.reads,
        "writes": log.writes,
        "requests_per_second": round(log.requests / duration, 1),
        "acknowledged_checked": checked,
        "postgres_down_seconds": round(up - down, 2) if up else None,
        "errors_in_window": len(inside),
        "error_codes": sorted({str(e[2]) for e in inside}),
        "errors_outside_window": len(outside),
        "errors_stopped_after_return_seconds": round(max(recovered, 0.0), 2),
        "rss_mib_after_warmup": round(baseline / 1024, 1),
        "rss_mib_end_median": round(statistics.median(tail) / 1024, 1),
        "rss_growth_percent": round(growth * 100, 1),
        "counter_mismatches": mismatched,
        "failures": len(failures),
    }
    print(f"soak: {log.requests} requests in {duration:.0f} s ({summary['requests_per_second']}/s; "
          f"{log.reads} reads, {log.writes} writes)")
    print(f"  acknowledged writes checked: {checked['votes']} votes, {checked['items']} "
          f"collection items, {checked['comments']} comments — all present"
          if not any("acknowledged" in f for f in failures) else "  acknowledged writes: MISSING")
    if up:
        print(f"  PostgreSQL restarted at +{down - started:.0f} s, back after {up - down:.1f} s; "
              f"{len(inside)} errors in the window ({', '.join(summary['error_codes']) or 'none'}), "
              f"the last {max(recovered, 0.0):.1f} s after its return; {len(outside)} outside")
    print(f"  memory: {summary['rss_mib_after_warmup']} MiB after warm-up, "
          f"{summary['rss_mib_end_median']} MiB at the end ({growth:+.1%})")
    print(f"  counters equal to rows: {'yes' if not any(mismatched.values()) else mismatched}")
    for failure in failures[:20]:
        print(f"  FAILED: {failure}")
    print("SUMMARY " + json.dumps(summary))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

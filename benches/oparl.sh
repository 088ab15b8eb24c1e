#!/usr/bin/env bash
# A full crawl of the OParl API, as a harvester does it: from the System, every body's lists
# (organizations, people, meetings, papers, files) paged to the end through links.next, one
# request at a time, over HTTP on loopback, against a demo store (default 1,000,000 agenda items).
# Prints objects and bytes per list, the crawl's time and objects served per second.
# Usage: benches/oparl.sh [ITEMS] [PER_PAGE]
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
items="${1:-1000000}"
per_page="${2:-500}"
port=18183

cargo build --release --quiet -p witan
work="$(mktemp -d)"
witan_pid=""
cleanup() {
    [ -n "$witan_pid" ] && kill "$witan_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

target/release/witan demo --data "$work/data" --items "$items" 2>&1 | grep '^demo: [0-9]* organisations'
target/release/witan serve --data "$work/data" --bind "127.0.0.1:$port" 2>"$work/witan.log" &
witan_pid=$!
witan_ready "$port"

python3 - "http://127.0.0.1:$port" "$per_page" "$witan_pid" <<'PY'
import json, sys, time, urllib.request
base, per_page, pid = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def get(url):
    with urllib.request.urlopen(url, timeout=120) as r:
        body = r.read()
    return json.loads(body), len(body)

def rss_mb():
    for line in open(f"/proc/{pid}/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024

began = time.monotonic()
system, _ = get(f"{base}/oparl/v1.1/system")
totals = {}
requests = 1
bodies = []
url = system["body"]
while url:
    page, size = get(url)
    requests += 1
    bodies.extend(page["data"])
    url = page["links"].get("next")
for body in bodies:
    for field in ["organization", "person", "meeting", "paper", "file"]:
        url = f"{body[field]}?elementsPerPage={per_page}"
        while url:
            page, size = get(url)
            requests += 1
            t = totals.setdefault(field, [0, 0, 0.0])
            t[0] += len(page["data"])
            t[1] += size
            url = page["links"].get("next")
elapsed = time.monotonic() - began
objects = sum(t[0] for t in totals.values())
size = sum(t[1] for t in totals.values())
for field, (n, b, _) in totals.items():
    print(f"  {field:13s} {n:>9,} objects {b / 1e6:>9.1f} MB")
print(f"crawl: {len(bodies)} bodies, {requests:,} requests, {objects:,} objects, "
      f"{size / 1e6:,.1f} MB in {elapsed:,.1f} s: {objects / elapsed:,.0f} objects/s, "
      f"{requests / elapsed:,.1f} pages/s; witan peak RSS {rss_mb():,.0f} MB")
PY

#!/usr/bin/env bash
# Two builds of witan side by side in one run, on the same machine: the demo's write path, then
# over HTTP with wrk on loopback the page a person waits for when nothing is cached (a random
# meeting each request), search (one of ten questions each request, and a question not asked
# before, JSON and HTML), a random OParl meeting, and a repeated (cached) meeting page; each
# build serves its own demo store made from the same seed, and the two take turns so that
# neither has the quieter machine.
# Usage: benches/compare.sh BEFORE_BINARY AFTER_BINARY [ITEMS] [DURATION] [ROUNDS]
#        (default 200,000 agenda items, 10s per row, 2 rounds; needs wrk: apt-get install wrk)
set -euo pipefail
cd "$(dirname "$0")/.."
before="$(realpath "$1")"
after="$(realpath "$2")"
items="${3:-200000}"
duration="${4:-10s}"
rounds="${5:-2}"
connections="${CONNECTIONS:-32}"
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# The demo makes about one meeting per ten agenda items.
meetings=$((items / 10))
echo "witan builds compared: before $before, after $after; $items agenda items; $connections connections"
echo
echo "demo (write path) | wall clock | peak RSS"
for name in before after; do
    bin="${!name}"
    /usr/bin/time -o "$work/$name-demo.time" -f '%e s | %M kB' \
        "$bin" demo --data "$work/$name" --items "$items" >/dev/null 2>&1
    echo "$name | $(cat "$work/$name-demo.time")"
done

port=18191
for name in before after; do
    bin="${!name}"
    "$bin" serve --data "$work/$name" --bind "127.0.0.1:$port" 2>"$work/$name.log" &
    pids+=($!)
    eval "${name}_port=$port"
    for _ in $(seq 1 100); do
        curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break
        sleep 0.1
    done
    # The search index is built in the background on a new store: measure once it is done.
    for _ in $(seq 1 900); do
        curl -sf "http://127.0.0.1:$port/api/v1/search?q=budget" | grep -q '"complete":true' && break
        sleep 1
    done
    port=$((port + 1))
done

cat > "$work/meeting.lua" <<LUA
math.randomseed(42)
request = function()
    return wrk.format("GET", "/meetings/" .. math.random(1, $meetings))
end
LUA
cat > "$work/oparl.lua" <<LUA
math.randomseed(42)
request = function()
    return wrk.format("GET", "/oparl/v1.1/meeting/" .. math.random(1, $meetings))
end
LUA
for path in /api/v1/search /search; do
    name=$(echo "$path" | tr -c 'a-z\n' '_')
    cat > "$work/$name.lua" <<LUA
math.randomseed(42)
local questions = {"budget", "housing strategy", "school transport", "climate emergency",
    "planning application", "social care", "library opening hours", "road safety",
    "council tax", "waste collection"}
request = function()
    local q = questions[math.random(#questions)]
    return wrk.format("GET", "$path?q=" .. q:gsub(" ", "+"))
end
LUA
    # A question never asked before: two words of sixty and a made-up word found nowhere (which
    # only makes the question new), so that no kept answer helps. Each wrk thread its own seed.
    cat > "$work/${name}_new.lua" <<LUA
math.randomseed(tonumber(string.sub(tostring({}), 8), 16) or 7)
local function madeup()
    local n, s = math.random(1, 2000000000), "zq"
    while n > 0 do
        s = s .. string.char(97 + n % 26)
        n = math.floor(n / 26)
    end
    return s
end
local words = {"budget", "housing", "strategy", "school", "transport", "climate", "emergency",
    "planning", "application", "social", "care", "library", "opening", "hours", "road",
    "safety", "council", "tax", "waste", "collection", "children", "adult", "health", "board",
    "bridge", "flood", "parking", "bus", "cycle", "park", "leisure", "centre", "homes", "rent",
    "energy", "carbon", "trees", "river", "market", "town", "village", "hall", "fees",
    "charges", "grant", "fund", "contract", "procurement", "audit", "risk", "staff", "pay",
    "pension", "police", "fire", "ambulance", "hospital", "beds", "discharge", "mental"}
request = function()
    local q = words[math.random(#words)] .. "+" .. words[math.random(#words)] .. "+" .. madeup()
    return wrk.format("GET", "$path?q=" .. q)
end
LUA
done

run() {
    wrk -t2 -c"$connections" -d"$duration" --latency "$@" |
        awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {printf "%s req/s, p50 %s, p99 %s", rps, p50, p99}'
}

echo
echo "round | what | before | after"
for round in $(seq 1 "$rounds"); do
    # Each row is what:wrk arguments:path.
    for row in "meeting (random, cold):-s $work/meeting.lua:" \
        "OParl meeting (random, cold):-s $work/oparl.lua:" \
        "/api/v1/search (random question):-s $work/_api_v__search.lua:" \
        "/search (random question):-s $work/_search.lua:" \
        "/api/v1/search (a new question each time):-s $work/_api_v__search_new.lua:" \
        "/search (a new question each time):-s $work/_search_new.lua:" \
        "meeting 1 again and again (cached)::/meetings/1"; do
        what="${row%%:*}"
        rest="${row#*:}"
        args="${rest%%:*}"
        path="${rest#*:}"
        # shellcheck disable=SC2086
        b=$(run $args "http://127.0.0.1:$before_port$path")
        # shellcheck disable=SC2086
        a=$(run $args "http://127.0.0.1:$after_port$path")
        echo "$round | $what | $b | $a"
    done
done
# A harvester's page: 500 meetings of one body from a cursor, asked one at a time (each a
# different page, so none is kept); the mean and slowest of ten.
echo
echo "OParl list page of 500 meetings (one at a time, ten pages) | before | after"
pages() {
    local port="$1" total=0 slowest=0
    for n in $(seq 1 10); do
        local took
        took=$(curl -sf -o /dev/null -w '%{time_total}' \
            "http://127.0.0.1:$port/oparl/v1.1/body/$(((n * 7) % 48 + 1))/meetings?elementsPerPage=500&after=$((n * meetings / 20))")
        total=$(echo "$total + $took" | bc -l)
        slowest=$(echo "if ($took > $slowest) $took else $slowest" | bc -l)
    done
    printf "mean %.0f ms, slowest %.0f ms" "$(echo "$total * 100" | bc -l)" "$(echo "$slowest * 1000" | bc -l)"
}
echo "pages | $(pages "$before_port") | $(pages "$after_port")"
echo
echo "peak resident memory: before $(awk '/VmHWM/ {print $2, $3}' "/proc/${pids[0]}/status"), after $(awk '/VmHWM/ {print $2, $3}' "/proc/${pids[1]}/status")"

#!/usr/bin/env bash
# What a person or a client waits for, over HTTP on loopback, at ITEMS agenda items: search (one
# client and 32 connections; questions asked before and questions never asked), a random meeting
# page and OParl meeting with nothing cached, the same meeting again and again beside nginx
# serving the same bytes, a harvester's OParl list page of 500 meetings, the first start on the
# store (index build time and peak memory), the same store copied to PostgreSQL and served from
# there, and the importers' throughput. Given a previous build (BEFORE), that build gets its own
# store from the same seed and every row is measured for both in one run, taking turns.
#
# Usage: benches/http.sh [ITEMS]          (default 1,000,000 agenda items)
#   BEFORE=PATH    a previous witan binary to measure beside this tree's
#   STORE=DIR      an existing data folder made by `witan demo --items ITEMS` to serve (this
#                  tree's build only; skips the demo row)
#   DURATION       wrk's time per row (default 10s); CONNECTIONS (default 32)
#   POSTGRES=URL   a PostgreSQL URL allowed to create databases, or "no" to skip the PostgreSQL
#                  rows (default postgres://postgres@127.0.0.1:5432/postgres)
#   IMPORTS=no     skips the import rows (benches/import.sh 100000, this tree only)
#   WRITE=no       prints the table without writing it into BENCHMARKS.md
# Needs wrk, nginx and psql: apt-get install wrk nginx-light postgresql-client.
#
# The table goes to stdout and, between markers for this ITEMS, into BENCHMARKS.md (replacing
# what an earlier run of the same size wrote there), with the command, date and commit.
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
items="${1:-1000000}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-32}"
postgres="${POSTGRES:-postgres://postgres@127.0.0.1:5432/postgres}"
command_line="benches/http.sh $items${BEFORE:+ (BEFORE=$BEFORE)}${STORE:+ (STORE=$STORE)}"

cargo build --release --quiet -p witan
after="$(realpath target/release/witan)"
builds=(after)
if [ -n "${BEFORE:-}" ]; then
    before="$(realpath "$BEFORE")"
    builds=(after before)
fi
work="$(mktemp -d)"
pids=()
database=""
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    [ -n "$database" ] && psql -q "$postgres" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
rows="$work/rows"
: >"$rows"
# row WHAT AIM VALUE... : one line of the table.
row() {
    local IFS='|'
    echo "$*" >>"$rows"
    echo "$*" | sed 's/|/ | /g' >&2
}

# The demo makes about one meeting per ten agenda items.
meetings=$((items / 10))

# Stores: one per build from the same seed, or the given one.
declare -A data demo
for build in "${builds[@]}"; do
    if [ "$build" = after ] && [ -n "${STORE:-}" ]; then
        data[$build]="$(realpath "$STORE")"
        demo[$build]="given"
        continue
    fi
    data[$build]="$work/$build"
    /usr/bin/time -o "$work/$build-demo.time" -f '%e s, peak RSS %M kB' \
        "${!build}" demo --data "${data[$build]}" --items "$items" >/dev/null 2>&1
    demo[$build]="$(cat "$work/$build-demo.time")"
done
row "\`witan demo --items $items\` (SQLite)" "" "${demo[after]}" "${demo[before]:-}"

# Serves a store on a port and waits until its search index is complete; prints how long the
# first start took to a complete index and the process's peak memory by then. (Called with its
# output sent to a file, not in a subshell: it records the server's port and pid.)
declare -A port pid
serve() {
    local name="$1" bin="$2" p="$3"
    shift 3
    local started
    started=$(date +%s.%N)
    "$bin" serve "$@" --bind "127.0.0.1:$p" >/dev/null 2>"$work/$name.log" &
    pids+=($!)
    pid[$name]=$!
    port[$name]=$p
    # The kernel keeps no peak of the anonymous part (the process's own memory, as against
    # mapped database and index files, which are page cache): sampled every 100 ms.
    anon_peak "${pid[$name]}" "$work/$name.anon" &
    local sampler=$!
    witan_ready "$p"
    kill "$sampler" 2>/dev/null || true
    wait "$sampler" 2>/dev/null || true
    printf "index complete after %.1f s, peak RSS %s kB (anonymous %s kB)" \
        "$(echo "$(date +%s.%N) - $started" | bc -l)" \
        "$(awk '/VmHWM/ {print $2}' "/proc/${pid[$name]}/status")" \
        "$(cat "$work/$name.anon" 2>/dev/null || echo "?")"
}
# anon_peak PID FILE: the largest RssAnon seen, written to FILE, until killed.
anon_peak() {
    local most=0 now
    while kill -0 "$1" 2>/dev/null; do
        now=$(awk '/RssAnon/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0)
        if [ "${now:-0}" -gt "$most" ]; then most=$now; echo "$most" >"$2"; fi
        sleep 0.1
    done
}
declare -A first
next_port=18201
for build in "${builds[@]}"; do
    # A new index folder, so that the first start builds it, as on a store new to this build.
    serve "$build" "${!build}" $next_port --data "${data[$build]}" --search-index "$work/$build-index" >"$work/$build.first"
    first[$build]="$(cat "$work/$build.first")"
    next_port=$((next_port + 1))
done
row "first start of \`witan serve\` (search index built)" "≤ 200 MB" "${first[after]}" "${first[before]:-}"

# A random meeting each request, as a page and as an OParl object.
for entry in meeting:/meetings/ oparl:/oparl/v1.1/meeting/; do
    cat >"$work/${entry%%:*}.lua" <<LUA
math.randomseed(42)
request = function()
    return wrk.format("GET", "${entry#*:}" .. math.random(1, $meetings))
end
LUA
done
for path in /api/v1/search /search; do
    name=$(echo "$path" | tr -c 'a-z\n' '_')
    cat >"$work/$name.lua" <<LUA
local questions = {"budget", "housing strategy", "school transport", "climate emergency",
    "planning application", "social care", "library opening hours", "road safety",
    "council tax", "waste collection"}
local n = 0
request = function()
    n = n + 1
    local q = questions[(n % #questions) + 1]
    return wrk.format("GET", "$path?q=" .. q:gsub(" ", "+"))
end
LUA
    # A question never asked before: two words of sixty and a made-up word found nowhere (which
    # only makes the question new), so that no kept answer helps. Each wrk thread its own seed.
    cat >"$work/${name}_new.lua" <<LUA
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

# wrk ARGS… URL: requests a second, p50 and p99.
measure() {
    local threads=2
    [ "$1" = "-c1" ] && threads=1
    wrk -t"$threads" -d"$duration" --latency "$@" |
        awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {printf "%.0f req/s, p50 %s, p99 %s", rps, p50, p99}'
}
# Each build in turn, then the row.
both() {
    local what="$1" aim="$2" path="$3"
    shift 3
    local -A got
    for build in "${builds[@]}"; do
        got[$build]="$(measure "$@" "http://127.0.0.1:${port[$build]}$path")"
    done
    row "$what" "$aim" "${got[after]}" "${got[before]:-}"
}
c="-c$connections"
both "\`/api/v1/search\`, one client, ten questions in turn (asked before)" "p99 ≤ 25 ms" "" -c1 -s "$work/_api_v__search.lua"
both "\`/api/v1/search\`, one client, a new question each request" "p99 ≤ 25 ms" "" -c1 -s "$work/_api_v__search_new.lua"
both "\`/search\`, $connections connections, ten questions" "≥ 400 req/s, p99 ≤ 250 ms" "" "$c" -s "$work/_search.lua"
both "\`/api/v1/search\`, $connections connections, ten questions" "≥ 400 req/s, p99 ≤ 250 ms" "" "$c" -s "$work/_api_v__search.lua"
both "\`/search\`, $connections connections, a new question each request" "≥ 400 req/s, p99 ≤ 250 ms" "" "$c" -s "$work/_search_new.lua"
both "\`/api/v1/search\`, $connections connections, a new question each request" "≥ 400 req/s, p99 ≤ 250 ms" "" "$c" -s "$work/_api_v__search_new.lua"
both "a random meeting of $meetings each request (cold), $connections connections" "≥ 3,000 req/s, p99 ≤ 25 ms" "" "$c" -s "$work/meeting.lua"
both "a random OParl meeting each request (cold), $connections connections" "≥ 2,000 req/s" "" "$c" -s "$work/oparl.lua"

# The same meeting again and again, beside nginx serving the bytes witan served for it.
same="/meetings/$((meetings / 2))"
mkdir -p "$work/static"
curl -sf "http://127.0.0.1:${port[after]}$same" -o "$work/static/meeting.html"
nginx_conf "$work" "$work/static" 18299
nginx -c "$work/nginx.conf" -p "$work" &
pids+=($!)
sleep 0.5
both "the same meeting again and again ($same), $connections connections" "≥ nginx" "$same" "$c"
nginx_same="$(measure "$c" "http://127.0.0.1:18299/meeting.html")"
row "nginx serving the same bytes ($(wc -c <"$work/static/meeting.html") bytes)" "" "$nginx_same" ""

# A harvester's page: the first 500 meetings of a body, for ten bodies, asked one at a time
# (each asked once, so none is kept); the mean and slowest of ten, and how many meetings the
# pages held on average (a body with fewer than 500 has a shorter page).
pages() {
    local p="$1" total=0 slowest=0 held=0 took
    for n in $(seq 1 10); do
        took=$(curl -sf -o "$work/page.json" -w '%{time_total}' \
            "http://127.0.0.1:$p/oparl/v1.1/body/$n/meetings?elementsPerPage=500")
        held=$((held + $(grep -o '"type":"https://schema.oparl.org/1.1/Meeting"' "$work/page.json" | wc -l)))
        total=$(echo "$total + $took" | bc -l)
        slowest=$(echo "if ($took > $slowest) $took else $slowest" | bc -l)
    done
    printf "mean %.0f ms, slowest %.0f ms (%d meetings a page)" "$(echo "$total * 100" | bc -l)" "$(echo "$slowest * 1000" | bc -l)" $((held / 10))
}
declare -A listed
for build in "${builds[@]}"; do listed[$build]="$(pages "${port[$build]}")"; done
row "one OParl list page of 500 meetings of a body (ten pages, one at a time)" "≤ 250 ms" "${listed[after]}" "${listed[before]:-}"

declare -A peak
for build in "${builds[@]}"; do
    peak[$build]="$(awk '/VmHWM/ {hwm=$2} /RssAnon/ {anon=$2} END {print hwm " kB (anonymous now " anon " kB)"}' "/proc/${pid[$build]}/status")"
done
row "peak RSS of the serving process, after all of the above" "" "${peak[after]}" "${peak[before]:-}"

# The same store copied to PostgreSQL and served from there (this tree's build), beside the
# SQLite figure for the same page above.
if [ "$postgres" != no ]; then
    database="witan_http_$$"
    psql -q "$postgres" -c "CREATE DATABASE $database"
    url="${postgres%/*}/$database"
    started=$(date +%s.%N)
    "$after" copy --from "sqlite://${data[after]}/witan.db" --to "$url" >"$work/copy.log" 2>&1
    row "\`witan copy\` of the store, SQLite → PostgreSQL" "" "$(printf '%.1f s' "$(echo "$(date +%s.%N) - $started" | bc -l)")" ""
    kill "${pid[after]}"
    serve pg "$after" 18298 --database-url "$url" --data "$work/pg" --search-index "$work/pg-index" >/dev/null
    port[after]=18298
    builds=(after)
    both "PostgreSQL: the same meeting again and again, $connections connections" "≥ half of SQLite's" "$same" "$c"
    both "PostgreSQL: a random meeting each request (cold), $connections connections" "" "" "$c" -s "$work/meeting.lua"
    both "PostgreSQL: \`/api/v1/search\`, $connections connections, a new question each request" "" "" "$c" -s "$work/_api_v__search_new.lua"
fi

if [ "${IMPORTS:-yes}" != no ]; then
    for format in oparl minutes; do
        got="$(benches/import.sh 100000 "$format" 2>&1 | awk '/first import/ {printf "%s items/s (%s %s)", $(NF-6), $(NF-8), $(NF-7)} /peak RSS/ {printf ", peak RSS %s kB", $3}')"
        aim="≥ 50,000 items/s"
        [ "$format" = minutes ] && aim="≥ 25,000 items/s"
        row "first import, $format, 100,000 agenda items (\`benches/import.sh\`, in process)" "$aim" "$got" ""
    done
fi

# The table, into BENCHMARKS.md between this size's markers.
table="$work/table.md"
{
    echo "<!-- benches/http.sh $items -->"
    echo "### Over HTTP at $items agenda items (\`benches/http.sh\`)"
    echo
    echo "\`$command_line\`, $(date -u +%Y-%m-%d), commit $(git rev-parse --short HEAD)$(git diff --quiet -- . ':!BENCHMARKS.md' || echo ' with changes'), $(nproc) cores, one run."
    echo
    if [ ${#builds[@]} -gt 1 ] || [ -n "${BEFORE:-}" ]; then
        echo "| what | aim | this build | before |"
        echo "|---|---|---|---|"
    else
        echo "| what | aim | this build |"
        echo "|---|---|---|"
    fi
    awk -F'|' -v before="${BEFORE:-}" '{ if (before != "") printf "| %s | %s | %s | %s |\n", $1, $2, $3, $4; else printf "| %s | %s | %s |\n", $1, $2, $3 }' "$rows"
    echo "<!-- end benches/http.sh $items -->"
} >"$table"
cat "$table"
if [ "${WRITE:-yes}" != no ]; then
    python3 - "$items" "$table" <<'PY'
import pathlib, re, sys
items, table = sys.argv[1], pathlib.Path(sys.argv[2]).read_text()
path = pathlib.Path("BENCHMARKS.md")
text = path.read_text()
block = re.compile(r"<!-- benches/http\.sh %s -->.*?<!-- end benches/http\.sh %s -->\n" % (items, items), re.S)
if block.search(text):
    text = block.sub(lambda _: table, text)
else:
    marker = "<!-- benches/http.sh results -->\n"
    text = text.replace(marker, marker + "\n" + table, 1) if marker in text else text + "\n" + table
path.write_text(text)
PY
fi

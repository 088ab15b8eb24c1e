#!/usr/bin/env bash
# witan on PostgreSQL beside SQLite, at ITEMS agenda items (default 1,000,000): one demo store
# generated into PostgreSQL, copied to SQLite with `witan copy`, then the same pages and searches
# measured with wrk against SQLite (one process), PostgreSQL with one process, and PostgreSQL
# with two processes (each with its own search index; wrk runs against both at once and the
# figures are summed). Prints demo and copy times, requests per second and p50 / p99 per row,
# and peak resident memory.
# Usage: benches/postgres.sh [ITEMS] [DURATION]
#   WITAN_BENCH_ADMIN_URL   a PostgreSQL URL allowed to create databases
#                           (default postgres://postgres@127.0.0.1:5432/postgres)
#   CONNECTIONS             wrk connections in all (default 32)
# Needs wrk and psql (apt-get install wrk postgresql-client).
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
items="${1:-1000000}"
duration="${2:-10s}"
connections="${CONNECTIONS:-32}"
admin="${WITAN_BENCH_ADMIN_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
database="witan_bench_$$"
url="${admin%/*}/$database"

cargo build --release --quiet -p witan
witan=target/release/witan
work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    psql -q "$admin" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" || true
    rm -rf "$work"
}
trap cleanup EXIT
psql -q "$admin" -c "CREATE DATABASE $database"

started=$(date +%s.%N)
$witan demo --items "$items" --database-url "$url" --data "$work/data" 2>&1 | grep '^demo: [0-9]* organisations'
echo "demo into PostgreSQL: $(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $started}") s"
started=$(date +%s.%N)
$witan copy --from "$url" --to "sqlite://$work/sqlite/witan.db" 2>&1 | grep -E '^(copied|error)'
echo "copy PostgreSQL → SQLite: $(awk "BEGIN {printf \"%.1f\", $(date +%s.%N) - $started}") s"

# Starts `witan serve` with the given store flags and search index on a port; echoes its pid.
serve() {
    local port="$1" index="$2"
    shift 2
    $witan serve "$@" --search-index "$index" --bind "127.0.0.1:$port" >/dev/null 2>>"$work/serve-$port.log" &
    echo $!
}


cat >"$work/random.lua" <<'LUA'
math.randomseed(42)
request = function()
    return wrk.format("GET", "/meetings/" .. math.random(1, 50000))
end
LUA
cat >"$work/search.lua" <<'LUA'
math.randomseed(7)
local questions = { "budget", "adult+social+care", "%22mental+health%22", "housing",
    "climate+emergency", "school+places", "discharge", "libraries", "potholes", "winter+pressures" }
request = function()
    return wrk.format("GET", "/api/v1/search?q=" .. questions[math.random(#questions)])
end
LUA

# wrk against every port at once, with `per_port` connections each; prints the summed req/s and
# the slowest p50 and p99.
measure_with() {
    local per_port="$1" target="$2"
    shift 2
    local outs=() runs=()
    for port in "$@"; do
        local out="$work/wrk-$port.txt"
        outs+=("$out")
        if [[ "$target" == *.lua ]]; then
            wrk -t1 -c"$per_port" -d"$duration" --latency -s "$target" "http://127.0.0.1:$port" >"$out" &
        else
            wrk -t1 -c"$per_port" -d"$duration" --latency "http://127.0.0.1:$port$target" >"$out" &
        fi
        runs+=($!)
    done
    wait "${runs[@]}"
    awk '
        function ms(v) { if (v ~ /us$/) return v / 1000; if (v ~ /ms$/) return v + 0; if (v ~ /s$/) return v * 1000; return v }
        /Requests\/sec/ {rps += $2}
        $1=="50%" {v = ms($2); if (v > p50) p50 = v}
        $1=="99%" {v = ms($2); if (v > p99) p99 = v}
        END {printf "%.0f req/s, p50 %.2f ms, p99 %.2f ms", rps, p50, p99}' "${outs[@]}"
}

# The connections shared out over the ports.
measure() {
    local target="$1"
    shift
    measure_with $((connections / $#)) "$target" "$@"
}

rows() {
    local label="$1"
    shift
    echo "| $label | home | $(measure / "$@") |"
    echo "| $label | meeting /meetings/$((items / 18)) | $(measure "/meetings/$((items / 18))" "$@") |"
    echo "| $label | issue /issues/$((items / 33)) | $(measure "/issues/$((items / 33))" "$@") |"
    echo "| $label | a random meeting of 50,000 per request (cache cold) | $(measure "$work/random.lua" "$@") |"
    echo "| $label | search, one of ten questions per request | $(measure "$work/search.lua" "$@") |"
    echo "| $label | search, one request at a time per process | $(measure_with 1 "$work/search.lua" "$@") |"
}

echo "| store | page | witan |"
echo "|---|---|---|"
pid=$(serve 18281 "$work/index-sqlite" --data "$work/sqlite")
pids+=("$pid")
witan_ready 18281
rows "SQLite, 1 process" 18281
echo "| SQLite, 1 process | peak resident memory | $(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status") |"
kill "$pid"

pid=$(serve 18282 "$work/index-a" --data "$work/data" --database-url "$url")
pids+=("$pid")
witan_ready 18282
rows "PostgreSQL, 1 process" 18282
echo "| PostgreSQL, 1 process | peak resident memory | $(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status") |"

# The second process starts from a copy of the first one's index and follows the log from there.
cp -r "$work/index-a" "$work/index-b"
pid_b=$(serve 18283 "$work/index-b" --data "$work/data" --database-url "$url")
pids+=("$pid_b")
witan_ready 18283
rows "PostgreSQL, 2 processes" 18282 18283
echo "| PostgreSQL, 2 processes | peak resident memory | $(awk '/VmHWM/ {print $2, $3}' "/proc/$pid/status") + $(awk '/VmHWM/ {print $2, $3}' "/proc/$pid_b/status") |"

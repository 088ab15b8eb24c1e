#!/usr/bin/env bash
# Page throughput: `witan serve` answering from a demo store (default 1,000,000 agenda items),
# side by side with nginx serving the same pages saved to disk, under wrk on loopback.
# Prints requests per second and p50 / p99 latency per page, and witan's peak resident memory.
# Usage: benches/pages.sh [ITEMS] [DURATION]    (needs wrk and nginx: apt-get install wrk nginx-light)
set -euo pipefail
cd "$(dirname "$0")/.."
. benches/lib.sh
items="${1:-1000000}"
duration="${2:-10s}"
connections="${CONNECTIONS:-32}"
witan_port=18181
nginx_port=18182

cargo build --release --quiet -p witan
work="$(mktemp -d)"
witan_pid=""
nginx_pid=""
cleanup() {
    [ -n "$witan_pid" ] && kill "$witan_pid" 2>/dev/null || true
    [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

target/release/witan demo --data "$work/data" --items "$items" 2>&1 | grep '^demo: [0-9]* organisations'
target/release/witan serve --data "$work/data" --bind "127.0.0.1:$witan_port" 2>"$work/witan.log" &
witan_pid=$!
witan_ready "$witan_port"

# A meeting and an issue from the middle of the store, and the home page.
pages=("home:/" "meeting:/meetings/$((items / 18))" "issue:/issues/$((items / 33))")
mkdir -p "$work/static"
for entry in "${pages[@]}"; do
    name="${entry%%:*}"
    path="${entry#*:}"
    curl -sf "http://127.0.0.1:$witan_port$path" -o "$work/static/$name.html"
done

nginx_conf "$work" "$work/static" "$nginx_port"
nginx -c "$work/nginx.conf" -p "$work" &
nginx_pid=$!
sleep 0.5

run() {
    wrk -t2 -c"$connections" -d"$duration" --latency "$1" |
        awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {printf "%s req/s, p50 %s, p99 %s", rps, p50, p99}'
}

echo "page | witan | nginx (same page from disk) | size"
for entry in "${pages[@]}"; do
    name="${entry%%:*}"
    path="${entry#*:}"
    size=$(wc -c <"$work/static/$name.html")
    echo "$name $path | $(run "http://127.0.0.1:$witan_port$path") | $(run "http://127.0.0.1:$nginx_port/$name.html") | $size bytes"
done
# Cold: a different meeting each request, so nearly every request misses the page cache and
# reads the store. nginx has no counterpart here.
cat > "$work/random.lua" <<'LUA'
math.randomseed(42)
request = function()
    return wrk.format("GET", "/meetings/" .. math.random(1, 100000))
end
LUA
random=$(wrk -t2 -c"$connections" -d"$duration" --latency -s "$work/random.lua" "http://127.0.0.1:$witan_port" |
    awk '/Requests\/sec/ {rps=$2} $1=="50%" {p50=$2} $1=="99%" {p99=$2} END {printf "%s req/s, p50 %s, p99 %s", rps, p50, p99}')
echo "meeting, a random one of 100,000 each request (page cache cold) | $random | n/a | -"
echo "witan peak resident memory: $(awk '/VmHWM/ {print $2, $3}' "/proc/$witan_pid/status")"

#!/usr/bin/env bash
# Runs every fuzz target for a while (default 20 seconds each), seeded with the real files in
# ../shared/data (copied into the ignored corpus folders, never committed). A crash or a leak
# fails the run and leaves its input in fuzz/artifacts/TARGET/.
# Usage: fuzz/run.sh [SECONDS] [TARGET…]   (needs cargo-fuzz and the nightly toolchain)
#        FUZZ_RUNS=10000000 fuzz/run.sh 0 oparl   runs a target to a number of executions instead
#        FUZZ_SANITIZER=none FUZZ_MAX_LEN=4096 …   without the address sanitizer, on shorter inputs
# Long runs belong under `nice -n 19`; see docs/testing.md for the figures of the last long run.
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-20}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(minutes oparl legistar documents)
shared="../../shared/data"
# Seeds are kept small: an execution costs what its input's size does, and libFuzzer's mutations
# of a 250 KB page find no more than those of its first rows.
max_seed=32k
seed() {
    local target="$1"
    shift
    mkdir -p "corpus/$target"
    for file in "$@"; do
        [ -f "$file" ] && cp "$file" "corpus/$target/" || true
    done
}
seed_found() {
    local target="$1"
    shift
    mkdir -p "corpus/$target"
    # Named by their path, since folders hold files of the same name.
    find "$@" -type f -size "-$max_seed" -print0 2>/dev/null |
        while IFS= read -r -d '' file; do
            name="${file#"$shared"/}"
            cp "$file" "corpus/$target/${name//\//_}"
        done
}
seed_found minutes "$shared/seeds" "$shared/minutes"
seed_found oparl "$shared/oparl" "$shared/meine-stadt-transparent" -name '*.json'
seed_found legistar "$shared/legistar" -name '*.json'
# The calendar page is 250 KB of page furniture around eight rows: its head and its rows.
calendar="$shared/legistar/chicago_events.html"
if [ -f "$calendar" ]; then
    rows="$(grep -bo 'class="rgRow"' "$calendar" | head -1 | cut -d: -f1 || true)"
    {
        head -c 2048 "$calendar"
        # head then tail, so that no reader stops early and leaves a writer without a pipe.
        head -c "$((${rows:-200} - 200 + 24576))" "$calendar" | tail -c 24576
    } >corpus/legistar/calendar-rows.html
fi
seed documents
for target in "${targets[@]}"; do
    if [ -n "${FUZZ_RUNS:-}" ]; then
        limit=(-runs="$FUZZ_RUNS")
        echo "fuzz: $target for $FUZZ_RUNS executions"
    else
        limit=(-max_total_time="$seconds")
        echo "fuzz: $target for ${seconds}s"
    fi
    log="$(mktemp)"
    status=0
    started=$(date +%s)
    cargo +nightly fuzz run -O -s "${FUZZ_SANITIZER:-address}" "$target" "corpus/$target" -- \
        "${limit[@]}" -rss_limit_mb=2048 -timeout=10 -max_len="${FUZZ_MAX_LEN:-65536}" \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' "$log" || true
    echo "fuzz: $target took $(($(date +%s) - started))s; corpus $(find "corpus/$target" -type f | wc -l) files"
    if [ "$status" -ne 0 ]; then
        echo "fuzz: $target failed (exit $status):"
        tail -40 "$log"
        exit 1
    fi
    rm -f "$log"
done

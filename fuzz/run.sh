#!/usr/bin/env bash
# Runs every fuzz target for a while (default 20 seconds each), seeded with the real files in
# ../shared/data (copied into the ignored corpus folders, never committed). A crash or a leak
# fails the run and leaves its input in fuzz/artifacts/TARGET/.
# Usage: fuzz/run.sh [SECONDS]   (needs cargo-fuzz and the nightly toolchain)
set -euo pipefail
cd "$(dirname "$0")"
seconds="${1:-20}"
shared="../../shared/data"
seed() {
    local target="$1"
    shift
    mkdir -p "corpus/$target"
    for file in "$@"; do
        [ -f "$file" ] && cp "$file" "corpus/$target/" || true
    done
}
seed minutes "$shared"/seeds/* "$shared"/minutes/*
seed oparl $(find "$shared/oparl" "$shared/meine-stadt-transparent" -name '*.json' -size -200k)
seed legistar "$shared"/legistar/*.json "$shared"/legistar/*.html
seed documents
for target in minutes oparl legistar documents; do
    echo "fuzz: $target for ${seconds}s"
    log="$(mktemp)"
    status=0
    cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -max_len=262144 \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    grep -E '^(stat::number_of_executed_units|stat::peak_rss_mb)' "$log" || true
    if [ "$status" -ne 0 ]; then
        echo "fuzz: $target failed (exit $status):"
        tail -40 "$log"
        exit 1
    fi
    rm -f "$log"
done

#!/usr/bin/env bash
# Import throughput (agenda items a second) for OParl and for minutes, on inputs made by scaling
# the real files in ../shared/data, into a fresh SQLite store; then the same files again.
# Usage: benches/import.sh [ITEMS] [oparl|minutes]   (default 100,000 items, both formats)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo bench --quiet -p witan-import --bench import --no-run
bench="$(ls -t target/release/deps/import-* | grep -v '\.d$' | head -1)"
/usr/bin/time -f 'peak RSS %M kB, %e s wall' "$bench" "${1:-100000}" ${2:+"$2"}

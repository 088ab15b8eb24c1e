#!/usr/bin/env bash
# Times `witan demo` at a given size (default 1,000,000 agenda items) into a fresh folder and
# reports wall-clock time and peak resident memory. Usage: benches/demo.sh [ITEMS] [SEED]
set -euo pipefail
cd "$(dirname "$0")/.."
items="${1:-1000000}"
seed="${2:-1}"
cargo build --release --quiet -p witan
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
/usr/bin/time -v target/release/witan demo --data "$data" --items "$items" --seed "$seed" 2> "$data/time.log" || {
    cat "$data/time.log"
    exit 1
}
grep '^demo: [0-9]* organisations' "$data/time.log"
grep -E 'Elapsed \(wall clock\)|Maximum resident set size' "$data/time.log"
du -sh "$data" | awk '{print "data folder: " $1}'

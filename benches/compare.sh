#!/usr/bin/env bash
# Two builds of witan side by side in one run: benches/http.sh with a previous build beside this
# tree's (each serves its own demo store from the same seed; the two take turns per row).
# Usage: benches/compare.sh BEFORE_BINARY [ITEMS] [DURATION]
#        (default 200,000 agenda items, 10s per row; the PostgreSQL and import rows are left out)
set -euo pipefail
cd "$(dirname "$0")/.."
BEFORE="$1" DURATION="${3:-10s}" POSTGRES=no IMPORTS=no WRITE=no exec benches/http.sh "${2:-200000}"

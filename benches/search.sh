#!/usr/bin/env bash
# Search latency (p50 / p99 per question) and indexing throughput on a demo store (default
# 1,000,000 agenda items): witan's Tantivy index beside SQLite FTS5 and PostgreSQL full-text
# search (tsvector + GIN, ts_rank) over the same text, in one run.
# Usage: benches/search.sh [ITEMS] [RUNS]
# PostgreSQL joins when WITAN_BENCH_DATABASE_URL is set (e.g. postgres://postgres@127.0.0.1:5432/test);
# the benchmark creates and drops a table witan_search_bench there.
set -euo pipefail
cd "$(dirname "$0")/.."
items="${1:-1000000}"
runs="${2:-50}"
cargo build --release --quiet -p witan
data="$(mktemp -d)"
trap 'rm -rf "$data"' EXIT
target/release/witan demo --data "$data" --items "$items" 2>&1 | grep '^demo: [0-9]* organisations'
cargo bench --quiet -p witan-search --bench search -- "$data" "$runs"

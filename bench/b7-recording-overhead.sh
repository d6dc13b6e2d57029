#!/usr/bin/env bash
# B7: throughput with metrics recording on vs off, same core, same run. Two servers (one
# with --metrics-recording off) on CPU 0, wrk on CPU 1, alternating A B pairs, for the
# durable enhance path and for the lighter analyze path (where recording weighs more).
# Usage: bench/b7-recording-overhead.sh [pairs=5] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-5}; secs=${2:-10}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p betterprompts
bin=${CARGO_TARGET_DIR:-target}/release
on=$(mktemp -d); off=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$on" "$off"' EXIT
key_on=$("$bin/betterprompts" keys create --name bench --tier enterprise --rate-limit unlimited --data-dir "$on" | tail -n1)
key_off=$("$bin/betterprompts" keys create --name bench --tier enterprise --rate-limit unlimited --data-dir "$off" | tail -n1)
BP_LOG=warn taskset -c 0 "$bin/betterprompts" serve --addr 127.0.0.1:18080 --data-dir "$on" >/dev/null &
BP_LOG=warn taskset -c 0 "$bin/betterprompts" serve --addr 127.0.0.1:18082 --data-dir "$off" --metrics-recording off >/dev/null &
for _ in $(seq 50); do curl -sf localhost:18080/health >/dev/null && curl -sf localhost:18082/health >/dev/null && break; sleep 0.1; done

rps() { sed -n 's/^Requests\/sec: *//p'; }
for script in enhance analyze; do
    ratios=()
    for i in $(seq "$pairs"); do
        a=$(BP_KEY=$key_on taskset -c 1 wrk -t1 -c50 -d"${secs}s" -s "bench/$script.lua" http://127.0.0.1:18080 | rps)
        b=$(BP_KEY=$key_off taskset -c 1 wrk -t1 -c50 -d"${secs}s" -s "bench/$script.lua" http://127.0.0.1:18082 | rps)
        ratio=$(python3 -c "print(f'{$a/$b:.3f}')")
        ratios+=("$ratio")
        echo "$script pair $i: recording on ${a} req/s, off ${b} req/s, ratio ${ratio}"
    done
    median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
    echo "B7 $script: median on/off = ${median} (budget >= 0.97)"
done

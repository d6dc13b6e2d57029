#!/usr/bin/env bash
# B1: full POST /enhance (auth, engine, durable history row) vs a bare axum hello-world,
# same core, same run. Server(s) pinned to CPU 0, wrk to CPU 1; A B A B ... pairs and the
# median ratio. Usage: bench/b1-enhance-vs-hello.sh [pairs=5] [seconds=10]
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-5}; secs=${2:-10}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p betterprompts
cargo build --release -q -p bp-server --example hello
bin=${CARGO_TARGET_DIR:-target}/release
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

key=$("$bin/betterprompts" keys create --name bench --tier enterprise --rate-limit unlimited --data-dir "$work" | tail -n1)
BP_LOG=warn taskset -c 0 "$bin/betterprompts" serve --addr 127.0.0.1:18080 --data-dir "$work" >/dev/null &
taskset -c 0 "$bin/examples/hello" 127.0.0.1:18090 >/dev/null &
for _ in $(seq 50); do curl -sf localhost:18080/health >/dev/null && curl -sf localhost:18090/ >/dev/null && break; sleep 0.1; done

rps() { sed -n 's/^Requests\/sec: *//p'; }
ratios=()
for i in $(seq "$pairs"); do
    hello=$(taskset -c 1 wrk -t1 -c50 -d"${secs}s" http://127.0.0.1:18090/ | rps)
    enhance=$(BP_KEY=$key taskset -c 1 wrk -t1 -c50 -d"${secs}s" -s bench/enhance.lua http://127.0.0.1:18080 | rps)
    ratio=$(python3 -c "print(f'{$enhance/$hello:.3f}')")
    ratios+=("$ratio")
    echo "pair $i: hello ${hello} req/s, enhance ${enhance} req/s, ratio ${ratio}"
done
median=$(printf '%s\n' "${ratios[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
rows=$(sqlite3 "$work/betterprompts.sqlite3" 'select count(*) from history' 2>/dev/null || echo "?")
echo "B1 median ratio enhance/hello = ${median} (budget >= 0.50); history rows written: ${rows}"

#!/usr/bin/env bash
# B1: full POST /enhance (auth, engine, durable history row) vs a bare axum hello-world,
# same core, same run. Server(s) pinned to CPU 0, wrk to CPU 1; A B A B ... pairs and the
# median ratio, plus each server's CPU time per request (from /proc, so a server that is not
# saturated still shows what a request costs).
# Each pair also measures the hello-world's JSON echo of the enhance contract (same requests,
# a response of the same shape and size, nothing else): the floor of any implementation.
# Usage: bench/b1-enhance-vs-hello.sh [pairs=5] [seconds=10]
# B1_BASELINE=/path/to/an/older/betterprompts adds that build as a third server in every
# pair (with its own data dir), for before/after comparisons in one run.
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-5}; secs=${2:-10}
command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null; }
cargo build --release -q -p betterprompts
cargo build --release -q -p bp-server --example hello
bin=${CARGO_TARGET_DIR:-target}/release
baseline=${B1_BASELINE:-}
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

# Free ports, so a server someone else left on a fixed port is never measured by mistake.
read -r p_hello p_enh p_base < <(python3 -c '
import socket
s = [socket.socket() for _ in range(3)]
for x in s: x.bind(("127.0.0.1", 0))
print(*(x.getsockname()[1] for x in s))
for x in s: x.close()')

# Starts a server in this shell (so the exit trap stops it); sets $key and $pid.
start_server() { # binary data-dir port
    key=$(BP_LOG=warn "$1" keys create --name bench --tier enterprise --rate-limit unlimited --data-dir "$2" | tail -n1)
    BP_LOG=warn taskset -c 0 "$1" serve --addr "127.0.0.1:$3" --data-dir "$2" >/dev/null &
    pid=$!
}
start_server "$bin/betterprompts" "$work/enh" "$p_enh"; key_enh=$key; pid_enh=$pid
if [[ -n $baseline ]]; then
    start_server "$baseline" "$work/base" "$p_base"; key_base=$key; pid_base=$pid
fi
taskset -c 0 "$bin/examples/hello" "127.0.0.1:$p_hello" >/dev/null &
pid_hello=$!
for _ in $(seq 100); do
    curl -sf "localhost:$p_enh/health" >/dev/null && curl -sf "localhost:$p_hello/" >/dev/null \
        && { [[ -z $baseline ]] || curl -sf "localhost:$p_base/health" >/dev/null; } && break
    sleep 0.1
done

# Compilations and test runs on this shared machine swamp a measurement: before each pair,
# wait (up to 10 minutes) until no rustc runs and both cores were >= 90 % idle for 2 s.
idle_pct() {
    local a b
    read -r -a a < <(head -n1 /proc/stat); sleep 2; read -r -a b < <(head -n1 /proc/stat)
    python3 -c "
a, b = [int(x) for x in '${a[*]:1}'.split()], [int(x) for x in '${b[*]:1}'.split()]
d = [y - x for x, y in zip(a, b)]
print(int(100 * (d[3] + d[4]) / max(1, sum(d))))"
}
quiet() {
    local deadline=$((SECONDS + 600))
    while ((SECONDS < deadline)); do
        [[ $(pgrep -c rustc || true) == 0 ]] && (($(idle_pct) >= 90)) && return
        sleep 3
    done
    echo "warning: the machine stayed busy; measuring anyway" >&2
}
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
tick_us=$(python3 -c 'import os; print(1e6 / os.sysconf("SC_CLK_TCK"))')
# Prints "req/s cpu-us-per-request" for one wrk run against the server with pid $1.
measure() { # pid wrk-args...
    local pid=$1 before after out rps
    shift
    before=$(cpu_ticks "$pid")
    out=$(taskset -c 1 wrk -t1 -c50 -d"${secs}s" "$@")
    after=$(cpu_ticks "$pid")
    rps=$(sed -n 's/^Requests\/sec: *//p' <<<"$out")
    python3 -c "print(f'{$rps:.0f} {($after - $before) * $tick_us / ($rps * $secs):.1f}')"
}

ratios=(); base_ratios=(); floor_ratios=()
for i in $(seq "$pairs"); do
    quiet
    read -r hello hello_us < <(measure "$pid_hello" "http://127.0.0.1:$p_hello/")
    # The same requests to the hello-world's JSON echo: HTTP + JSON of the contract's size.
    read -r floor floor_us < <(measure "$pid_hello" -s bench/enhance.lua "http://127.0.0.1:$p_hello")
    floor_ratios+=("$(python3 -c "print(f'{$floor/$hello:.3f}')")")
    read -r enh enh_us < <(BP_KEY=$key_enh measure "$pid_enh" -s bench/enhance.lua "http://127.0.0.1:$p_enh")
    ratio=$(python3 -c "print(f'{$enh/$hello:.3f}')")
    ratios+=("$ratio")
    line="pair $i: hello $hello req/s (${hello_us} µs CPU), JSON echo $floor req/s (${floor_us} µs CPU), enhance $enh req/s (${enh_us} µs CPU), ratio $ratio"
    if [[ -n $baseline ]]; then
        read -r base base_us < <(BP_KEY=$key_base measure "$pid_base" -s bench/enhance.lua "http://127.0.0.1:$p_base")
        base_ratio=$(python3 -c "print(f'{$base/$hello:.3f}')")
        base_ratios+=("$base_ratio")
        line+="; baseline $base req/s (${base_us} µs CPU), ratio $base_ratio"
    fi
    echo "$line"
done
median() { printf '%s\n' "$@" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
rows=$(sqlite3 "$work/enh/betterprompts.sqlite3" 'select count(*) from history' 2>/dev/null || echo "?")
echo "B1 median ratio enhance/hello = $(median "${ratios[@]}") (budget >= 0.50); history rows written: ${rows}"
echo "floor: JSON echo/hello = $(median "${floor_ratios[@]}") (HTTP + JSON of the enhance contract, nothing else)"
if [[ -n $baseline ]]; then
    echo "baseline median ratio = $(median "${base_ratios[@]}")"
fi

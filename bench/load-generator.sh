#!/usr/bin/env bash
# BENCHMARKS.md B4, B5, B6 and B10 for `betterprompts load`, against wrk on the same server.
# Server pinned to CPU 0, load tools to CPU 1; CPU and peak memory from /usr/bin/time.
#
#   bench/load-generator.sh [pairs=5] [seconds=10]
#   LONG=1 ...   also runs the 10-minute memory-flatness half of B6
#   B10=1 ...    also runs the stress profile against wrk's max rate (~3 minutes);
#   B10=only     runs only that
#   LOAD_BASELINE=/path/to/an/older/betterprompts ...   adds that build to every B4 pair and
#                runs B5 with it too, for before/after comparisons in one run
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-5}; secs=${2:-10}
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
cargo build --release -q -p betterprompts
cargo build --release -q -p bp-load --example paced_floor --example paced_one_wake
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
bin="$work/betterprompts"; cp "${CARGO_TARGET_DIR:-target}/release/betterprompts" "$bin"

key=$(BP_LOG=warn "$bin" keys create --name bench --tier enterprise --rate-limit unlimited --data-dir "$work" | tail -n1)
# Errors only: the stress part makes the server log anomalies, which are expected here.
BP_LOG=error taskset -c 0 "$bin" serve --addr 127.0.0.1:18181 --data-dir "$work" >/dev/null &
url=http://127.0.0.1:18181
for _ in $(seq 50); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done

cpu() { awk '{print $1 + $2}' "$1"; }   # user + sys seconds from `time -f "%U %S"`
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

if [[ "${B10:-0}" != only ]]; then
echo "== B4: CPU per request at max rate, GET /health, 50 connections, ${secs}s, ${pairs} pairs"
baseline=${LOAD_BASELINE:-}
# Prints "requests cpu-us-per-request" of one closed-model run of `load` binary $1.
b4_load() {
    /usr/bin/time -f "%U %S" -o "$work/b.t" taskset -c 1 "$1" load --target "$url" --vus 50 \
        --think-time 0 --duration "${secs}s" --mix health=1 --quiet >"$work/b.out"
    local req
    req=$(awk '/requests in/ {print $1}' "$work/b.out")
    python3 -c "print($req, $(cpu "$work/b.t") / $req * 1e6)"
}
ratios=(); base_ratios=()
for i in $(seq "$pairs"); do
    /usr/bin/time -f "%U %S" -o "$work/w.t" taskset -c 1 wrk -t1 -c50 -d"${secs}s" "$url/health" >"$work/w.out"
    w_req=$(awk '/requests in/ {print $1}' "$work/w.out")
    read -r b_req b_us < <(b4_load "$bin")
    line=$(python3 -c "w=$(cpu "$work/w.t")/$w_req*1e6; print(f'{$b_us/w:.3f} wrk {$w_req} req {w:.2f} us/req, load {$b_req} req {$b_us:.2f} us/req')")
    ratios+=("${line%% *}")
    if [[ -n $baseline ]]; then
        read -r o_req o_us < <(b4_load "$baseline")
        old=$(python3 -c "w=$(cpu "$work/w.t")/$w_req*1e6; print(f'{$o_us/w:.3f} baseline {$o_req} req {$o_us:.2f} us/req')")
        base_ratios+=("${old%% *}")
        line="$line; $old"
    fi
    echo "pair $i: ratio $line"
done
echo "B4 median ratio load/wrk = $(printf '%s\n' "${ratios[@]}" | median) (budget <= 1.0)"
if [[ -n $baseline ]]; then
    echo "B4 baseline median ratio = $(printf '%s\n' "${base_ratios[@]}" | median)"
fi

echo "== B5: paced 1000 req/s for 60 s"
b5() { # binary label
    /usr/bin/time -f "%U %S %e" -o "$work/p.t" taskset -c 1 "$1" load --target "$url" --rate 1000 \
        --duration 60s --mix health=1 --quiet >/dev/null
    python3 -c "u,s,e=open('$work/p.t').read().split(); print(f'B5 $2 CPU {(float(u)+float(s))/float(e)*100:.1f} % of one core (budget <= 5 %)')"
}
b5 "$bin" load
if [[ -n $baseline ]]; then b5 "$baseline" baseline; fi
# Same-run references: the floor of a paced client on the generator's runtime (tokio, one
# connection, nothing but the requests), the least any client can spend (one wake-up per
# request, answers not timed), the kernel floor of a blocking client (its system time), and k6.
/usr/bin/time -f "%U %S %e" -o "$work/t.t" taskset -c 1 \
    "${CARGO_TARGET_DIR:-target}/release/examples/paced_floor" 18181 60 >/dev/null
python3 -c "u,s,e=open('$work/t.t').read().split(); print(f'B5 reference: a minimal paced tokio client (bp-load example paced_floor) {(float(u)+float(s))/float(e)*100:.1f} % of one core')"
/usr/bin/time -f "%U %S %e" -o "$work/o.t" taskset -c 1 \
    "${CARGO_TARGET_DIR:-target}/release/examples/paced_one_wake" 18181 60 >/dev/null
python3 -c "u,s,e=open('$work/o.t').read().split(); print(f'B5 reference: the least any client can spend, one wake-up per request (bp-load example paced_one_wake) {(float(u)+float(s))/float(e)*100:.1f} % of one core')"
/usr/bin/time -f "%U %S %e" -o "$work/f.t" taskset -c 1 python3 bench/paced-floor.py 18181 60 >/dev/null
python3 -c "u,s,e=open('$work/f.t').read().split(); print(f'B5 reference: a blocking one-socket client spends {float(s)/float(e)*100:.1f} % of a core in the kernel alone, {(float(u)+float(s))/float(e)*100:.1f} % in all')"
k6=${BP_K6:-$(command -v k6 || true)}
if [[ -n $k6 ]]; then
    cat >"$work/paced.js" <<'EOF'
import http from "k6/http";
export const options = { scenarios: { paced: { executor: "constant-arrival-rate", rate: 1000,
  timeUnit: "1s", duration: "60s", preAllocatedVUs: 50, maxVUs: 200 } } };
export default function () { http.get(`${__ENV.BASE_URL}/health`); }
EOF
    /usr/bin/time -f "%U %S %e" -o "$work/k.t" taskset -c 1 "$k6" run -q -e BASE_URL="$url" "$work/paced.js" >/dev/null 2>&1
    python3 -c "u,s,e=open('$work/k.t').read().split(); print(f'B5 reference: k6 constant-arrival-rate 1000/s {(float(u)+float(s))/float(e)*100:.1f} % of one core')"
fi

rss() {   # users duration -> max RSS KiB
    /usr/bin/time -f "%M" -o "$work/m.t" taskset -c 1 "$bin" load --target "$url" --vus "$1" \
        --duration "$2" --mix health=1 --quiet >/dev/null
    cat "$work/m.t"
}
echo "== B6: memory per virtual user (75 s runs)"
r100=$(rss 100 75s); r1000=$(rss 1000 75s)
python3 -c "print(f'B6 max RSS 100 VUs {$r100} KiB, 1000 VUs {$r1000} KiB: {($r1000-$r100)/900:.1f} KiB per VU (budget <= 32)')"
if [[ "${LONG:-0}" == 1 ]]; then
    r1=$(rss 1000 1m); r10=$(rss 1000 10m)
    python3 -c "print(f'B6 flatness 1000 VUs: 1 min {$r1} KiB, 10 min {$r10} KiB: {($r10/$r1-1)*100:+.1f} % (budget +-10 %)')"
fi

fi

if [[ "${B10:-0}" != 0 ]]; then
    # POST /analyze: the engine without the history write, so the server's capacity does
    # not drift as its database grows between the wrk runs and the stress run.
    echo "== B10: stress breaking point vs wrk max rate, POST /analyze over the same 3000 prompts"
    "$bin" dataset --count 3000 --out "$work/p.jsonl" 2>/dev/null
    python3 -c "
import json
with open('$work/p.jsonl') as f, open('$work/bodies.txt', 'w') as o:
    for l in f: o.write(json.dumps({'text': json.loads(l)['text']}) + '\n')"
    cat >"$work/pool.lua" <<EOF
local bodies = {}
for line in io.lines("$work/bodies.txt") do bodies[#bodies + 1] = line end
local key = os.getenv("BP_KEY") or ""
local i = 0
request = function()
  i = i + 1
  return wrk.format("POST", "/api/v1/analyze",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, bodies[(i % #bodies) + 1])
end
EOF
    for c in 50 2000; do
        echo "wrk -c$c: $(BP_KEY=$key taskset -c 1 wrk -t1 -c$c -d10s -s "$work/pool.lua" "$url" | grep Requests/sec)"
    done
    taskset -c 1 "$bin" load --target "$url" --profile stress --time-scale 0.2 --mix analyze=1 \
        --data "$work/p.jsonl" --key "$key" --quiet | grep -E "breaking point|generator"
    echo "wrk -c50 after: $(BP_KEY=$key taskset -c 1 wrk -t1 -c50 -d10s -s "$work/pool.lua" "$url" | grep Requests/sec)"
fi

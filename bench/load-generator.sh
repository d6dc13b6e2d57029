#!/usr/bin/env bash
# BENCHMARKS.md B4, B5, B6 and B10 for `betterprompts load`, against wrk on the same server.
# Server pinned to CPU 0, load tools to CPU 1; CPU and peak memory from /usr/bin/time.
#
#   bench/load-generator.sh [pairs=5] [seconds=10]
#   LONG=1 ...   also runs the 10-minute memory-flatness half of B6
#   B10=1 ...    also runs the stress profile against wrk's max rate (~3 minutes)
set -euo pipefail
cd "$(dirname "$0")/.."
pairs=${1:-5}; secs=${2:-10}
command -v wrk >/dev/null || apt-get install -y -qq wrk >/dev/null
cargo build --release -q -p betterprompts
work=$(mktemp -d); trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
bin="$work/betterprompts"; cp "${CARGO_TARGET_DIR:-target}/release/betterprompts" "$bin"

key=$(BP_LOG=warn "$bin" keys create --name bench --tier enterprise --rate-limit unlimited --data-dir "$work" | tail -n1)
BP_LOG=warn taskset -c 0 "$bin" serve --addr 127.0.0.1:18181 --data-dir "$work" >/dev/null &
url=http://127.0.0.1:18181
for _ in $(seq 50); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done

cpu() { awk '{print $1 + $2}' "$1"; }   # user + sys seconds from `time -f "%U %S"`
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

echo "== B4: CPU per request at max rate, GET /health, 50 connections, ${secs}s, ${pairs} pairs"
ratios=()
for i in $(seq "$pairs"); do
    /usr/bin/time -f "%U %S" -o "$work/w.t" taskset -c 1 wrk -t1 -c50 -d"${secs}s" "$url/health" >"$work/w.out"
    w_req=$(awk '/requests in/ {print $1}' "$work/w.out")
    /usr/bin/time -f "%U %S" -o "$work/b.t" taskset -c 1 "$bin" load --target "$url" --vus 50 \
        --think-time 0 --duration "${secs}s" --mix health=1 --quiet >"$work/b.out"
    b_req=$(awk '/requests in/ {print $1}' "$work/b.out")
    line=$(python3 -c "w=$(cpu "$work/w.t")/$w_req*1e6; b=$(cpu "$work/b.t")/$b_req*1e6; print(f'{b/w:.3f} wrk {$w_req} req {w:.2f} us/req, load {$b_req} req {b:.2f} us/req')")
    echo "pair $i: ratio $line"
    ratios+=("${line%% *}")
done
echo "B4 median ratio load/wrk = $(printf '%s\n' "${ratios[@]}" | median) (budget <= 1.0)"

echo "== B5: paced 1000 req/s for 60 s"
/usr/bin/time -f "%U %S %e" -o "$work/p.t" taskset -c 1 "$bin" load --target "$url" --rate 1000 \
    --duration 60s --mix health=1 --quiet | head -3
python3 -c "u,s,e=open('$work/p.t').read().split(); print(f'B5 CPU {(float(u)+float(s))/float(e)*100:.1f} % of one core (budget <= 5 %)')"

rss() {   # users duration -> max RSS KiB
    /usr/bin/time -f "%M" -o "$work/m.t" taskset -c 1 "$bin" load --target "$url" --vus "$1" \
        --duration "$2" --mix health=1 --quiet >/dev/null
    cat "$work/m.t"
}
echo "== B6: memory per virtual user (75 s runs: past the first connection recycling)"
r100=$(rss 100 75s); r1000=$(rss 1000 75s)
python3 -c "print(f'B6 max RSS 100 VUs {$r100} KiB, 1000 VUs {$r1000} KiB: {($r1000-$r100)/900:.1f} KiB per VU (budget <= 32)')"
if [[ "${LONG:-0}" == 1 ]]; then
    r1=$(rss 1000 1m); r10=$(rss 1000 10m)
    python3 -c "print(f'B6 flatness 1000 VUs: 1 min {$r1} KiB, 10 min {$r10} KiB: {($r10/$r1-1)*100:+.1f} % (budget +-10 %)')"
fi

if [[ "${B10:-0}" == 1 ]]; then
    echo "== B10: stress breaking point vs wrk max rate, POST /enhance over the same 3000 prompts"
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
  return wrk.format("POST", "/api/v1/enhance",
    { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }, bodies[(i % #bodies) + 1])
end
EOF
    for c in 50 2000; do
        echo "wrk -c$c: $(BP_KEY=$key taskset -c 1 wrk -t1 -c$c -d10s -s "$work/pool.lua" "$url" | grep Requests/sec)"
    done
    taskset -c 1 "$bin" load --target "$url" --profile stress --time-scale 0.2 --mix enhance=1 \
        --key "$key" --quiet | grep -E "breaking point|generator"
    echo "wrk -c50 after: $(BP_KEY=$key taskset -c 1 wrk -t1 -c50 -d10s -s "$work/pool.lua" "$url" | grep Requests/sec)"
fi

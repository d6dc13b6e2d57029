#!/usr/bin/env bash
# Where the server's memory goes over a long run (B16's "degradation: server_memory").
#
# Runs the sustained profile (500 users, enhance 70 / batch 20 / history 10), time-scaled,
# against a release server under heaptrack, and samples the server's RSS every 10 s. At the
# end the server is killed, so heaptrack lists everything still live by allocation site: a
# rising RSS is then either live heap (something is kept: the list says what) or memory the
# allocator holds after it was freed. The server is
# built with the system allocator for this (mimalloc is invisible to heaptrack), so the
# figures are the system allocator's, not production's.
#
# With HEAPTRACK=0 the server is the production build (mimalloc) and only its RSS is
# sampled: for runs longer than the profile's 31 minutes, to see where the RSS levels off.
#
# Usage: [STORE=sqlite|postgres] [SCALE=0.4] [KEYS=1000] [HEAPTRACK=1] bench/memory-trend.sh
#   SCALE      the sustained profile's time scale (1 = 31 min; 0.4 ≈ 12.5 min; 2 ≈ 62 min)
#   KEYS       pro keys the users are spread over (user i uses key i mod KEYS)
#   HEAPTRACK  1: system allocator under heaptrack; 0: the production build, RSS only
# Appends a section to bench/runs/<day>-memory-trend.md. Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

store=${STORE:-sqlite}
scale=${SCALE:-0.4}
nkeys=${KEYS:-1000}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
[[ $store == sqlite || $store == postgres ]] || { echo "STORE is sqlite or postgres" >&2; exit 2; }
heaptrack=${HEAPTRACK:-1}
if ((heaptrack)); then
    command -v heaptrack >/dev/null || { apt-get update -qq && apt-get install -y -qq heaptrack >/dev/null; }
    # The system allocator (no mimalloc), in a target directory of its own: heaptrack sees
    # only malloc, so with mimalloc it would see SQLite's memory and none of ours.
    target=${CARGO_TARGET_DIR:-target}/system-alloc
    cargo build --release -q -p betterprompts --no-default-features --target-dir "$target"
else
    target=${CARGO_TARGET_DIR:-target}
    cargo build --release -q -p betterprompts
fi
bin=$(realpath "$target/release/betterprompts")
work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
url=http://127.0.0.1:$port
wrapper_pid=; sampler_pid=; schema=
cleanup() {
    [[ -n $sampler_pid ]] && kill "$sampler_pid" 2>/dev/null || true
    [[ -n $wrapper_pid ]] && kill -TERM "$(server_pid)" 2>/dev/null || true
    [[ -n $schema ]] && psql "$pg_url" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT
# heaptrack starts the server as its child; the server is the process running our binary
# on $port (anchored: the wrapper's command line starts with heaptrack).
server_pid() { pgrep -n -f -- "^$bin serve --addr 127.0.0.1:$port" || true; }

case $store in
    sqlite) store_args=(--data-dir "$work/data") ;;
    postgres)
        schema=bp_memory_$(date +%s)_$$
        store_args=(--database-url "$pg_url" --database-schema "$schema") ;;
esac
admin=$(BP_LOG=warn "$bin" keys create --name memory-admin --tier enterprise --role admin \
    --rate-limit unlimited "${store_args[@]}" | tail -n1)
wrap=()
((heaptrack)) && wrap=(heaptrack -o "$work/heap")
# --public-metrics (loopback only): the generator samples /metrics with the run's user keys.
BP_LOG=warn taskset -c 0 "${wrap[@]}" "$bin" serve --addr "127.0.0.1:$port" --public-metrics \
    "${store_args[@]}" >"$work/server.log" 2>&1 &
wrapper_pid=$!
for _ in $(seq 600); do curl -sf "$url/health" >/dev/null && break; sleep 0.1; done
curl -sf "$url/health" >/dev/null || { tail -n 20 "$work/server.log" >&2; exit 1; }
pid=$(server_pid)
[[ -n $pid ]] || { echo "could not find the server's pid" >&2; exit 1; }

for i in $(seq "$nkeys"); do
    curl -sf -H "Authorization: Bearer $admin" -H 'Content-Type: application/json' \
        -d "{\"name\":\"memory-$i\",\"tier\":\"pro\",\"role\":\"user\"}" \
        "$url/api/v1/admin/keys" | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])'
done >"$work/keys.txt"

# RSS every 10 s, with the seconds since the load began.
(t0=$(date +%s); while kill -0 "$pid" 2>/dev/null; do
    echo "$(($(date +%s) - t0)) $(awk '/^VmRSS:/ {print $2}' "/proc/$pid/status" 2>/dev/null)"
    sleep 10
done) >"$work/rss.txt" &
sampler_pid=$!
started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
rc=0
taskset -c 1 "$bin" load --target "$url" --profile sustained --time-scale "$scale" \
    --key-file "$work/keys.txt" --quiet >"$work/load.out" || rc=$?
# SIGKILL, not SIGTERM: a graceful exit frees the caches and pools, and then heaptrack's
# "leaked" would be only what outlives shutdown. Killed, "leaked" is everything live at the
# end of the load: what the memory grew into, by allocation site.
kill "-$( ((heaptrack)) && echo KILL || echo TERM)" "$pid" 2>/dev/null || true
wait "$wrapper_pid" || true
kill "$sampler_pid" 2>/dev/null || true; sampler_pid=
heap=$(ls "$work"/heap.* 2>/dev/null || true)
[[ -n $heap ]] && heaptrack_print -f "$heap" --print-leaks -n 12 >"$work/heap.txt" 2>/dev/null || true
touch "$work/heap.txt"   # an empty section rather than a crash

day=$(date -u +%F)
out=bench/runs/$day-memory-trend.md
[[ -s $out ]] || printf '# %s — where the server memory goes over a sustained run\n' "$day" >"$out"
python3 - "$work" "$store" "$scale" "$nkeys" "$rc" "$started" "$(git rev-parse --short HEAD)" "$heaptrack" >>"$out" <<'PY'
import re, sys
work, store, scale, nkeys, rc, started, commit, heaptrack = sys.argv[1:]
heaptrack = heaptrack == "1"
rss = [tuple(map(int, l.split())) for l in open(f"{work}/rss.txt") if len(l.split()) == 2]
def slope(points):  # least squares, per minute
    n = len(points)
    if n < 2:
        return float("nan")
    mx = sum(p[0] for p in points) / n; my = sum(p[1] for p in points) / n
    sxx = sum((p[0] - mx) ** 2 for p in points)
    return sum((p[0] - mx) * (p[1] - my) for p in points) / sxx * 60 if sxx else float("nan")
# From the second minute on (the profile's ramp is its first minute, scaled).
late_rss = [(s, kib / 1024) for s, kib in rss if s >= 60 * float(scale)]
text = open(f"{work}/heap.txt").read()
def section(title, lines):
    if title not in text:
        return "(none)"
    body = text.split(title, 1)[1]
    # Up to the next upper-case heading.
    body = re.split(r"\n[A-Z][A-Z ]{8,}\n", body, maxsplit=1)[0]
    return "\n".join(body.strip().splitlines()[:lines])
def grab(label):
    m = re.search(label + r"[^\n]*?:\s*([^\n]+)", text)
    return m.group(1).strip() if m else "n/a"
# The slope per third of the run after the ramp: a leak keeps its slope, a filling cache or
# an allocator settling into its working set flattens.
thirds = [late_rss[i * len(late_rss) // 3:(i + 1) * len(late_rss) // 3] for i in range(3)]
by_5min = " · ".join(f"{t // 60} min {kib / 1024:.0f}" for t, kib in rss if t % 300 < 10)
server = "server under heaptrack (system allocator)" if heaptrack else "server the production build (mimalloc)"
print(f"""
## Run started {started}

- command: `STORE={store} SCALE={scale} KEYS={nkeys} HEAPTRACK={int(heaptrack)} bench/memory-trend.sh` ([script](../memory-trend.sh)), commit {commit}
- sustained profile ×{scale} ({int(31 * float(scale))} min), {nkeys} pro keys; {server} on core 0, generator on core 1; load exit {rc}
- RSS: {rss[0][1] / 1024 if rss else 0:.0f} → {rss[-1][1] / 1024 if rss else 0:.0f} MiB, slope after the ramp {slope(late_rss):+.2f} MiB/min ({len(rss)} samples); by thirds of the run {" / ".join(f"{slope(t):+.2f}" for t in thirds)} MiB/min
- RSS (MiB) every 5 min: {by_5min}""")
if heaptrack:
    print(f"""- heaptrack: peak heap {grab("peak heap memory consumption")}, peak RSS {grab("peak RSS")}, live at the end of the load (the server is SIGKILLed, so heaptrack counts it as leaked) {grab("total memory leaked")}

Top consumers at the heap's peak (heaptrack_print):

```
""" + section("PEAK MEMORY CONSUMERS", 40) + """
```

Live at the end of the load, by allocation site (heaptrack_print's "leaks"):

```
""" + section("MEMORY LEAKS", 120) + """
```""")
PY
echo "done: $out" >&2
tail -n 60 "$out" >&2

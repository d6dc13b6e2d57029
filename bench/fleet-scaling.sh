#!/usr/bin/env bash
# B11, fleet scaling: 1, 2 and 3 instances on one PostgreSQL, each capped to the same CPU
# share by a real cgroup, behind HAProxy (round robin), driven by `betterprompts load` at
# rising open-model rates until the SLA breaks. Reports each fleet size's breaking point,
# the scaling efficiency X(N) / (N·X(1)), and a Universal Scalability Law fit
# X(N) = λN / (1 + σ(N−1) + κN(N−1)) with the peak it predicts and the instances a target
# rate needs (`betterprompts report usl`, the fit the stress report uses too).
#
# Usage: [SIZES="1 2 3"] [CPU_SHARE=0.15] [STEP_S=30] [START=300] [RECHECK=1] bench/fleet-scaling.sh
#   CPU_SHARE  cores per instance (cgroup quota); the machine's other cores run PostgreSQL,
#              HAProxy and the generator (unpinned, as B11 says)
#   STEP_S     seconds per rate step
#   START      the single instance's first rate
#   RECHECK    1: measure the single instance again after the largest fleet, and take the
#              better of its two points as the reference (a conservative efficiency: run-to-
#              run noise of the reference cannot flatter the fleets)
# Appends a section to bench/runs/<day>-fleet-scaling.md. Root: it makes cgroups and
# installs haproxy if missing. Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes=${SIZES:-1 2 3}
share=${CPU_SHARE:-0.15}
step_s=${STEP_S:-30}
first_rate=${START:-300}
recheck=${RECHECK:-1}
pg_url=${PG_URL:-postgres://postgres@127.0.0.1:5432/test}
[[ $pg_url =~ ^postgres(ql)?://([^@/]*@)?127\.0\.0\.1(:[0-9]+)?/ ]] ||
    { echo "PG_URL must point at 127.0.0.1" >&2; exit 2; }
command -v haproxy >/dev/null || { apt-get update -qq && apt-get install -y -qq haproxy >/dev/null; }
[[ " $sizes " == *" 1 "* ]] || { echo "SIZES must include 1 (the reference)" >&2; exit 2; }

cargo build --release -q -p betterprompts
bin=$(realpath "${CARGO_TARGET_DIR:-target}/release/betterprompts")
work=$(mktemp -d)
cg_root=/sys/fs/cgroup/cpu          # cgroup v1 (this machine); v2 uses cpu.max below
[[ -d $cg_root ]] || cg_root=/sys/fs/cgroup
pids=(); haproxy_pid=; schema=; fleet_url=; cg_dir=
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

# A cgroup per instance capped at $share of a core; sets $cg_dir.
make_cgroup() {   # name
    # A short period (20 ms) spreads the quota finely: with the default 100 ms, a throttled
    # instance would stall for most of a period and its tail latency would be the quota's.
    local dir=$cg_root/bp-fleet-$1 period=20000 quota
    mkdir -p "$dir"
    # Computed first: a cgroup file refuses Python's buffered write (EINVAL), not echo's.
    quota=$(python3 -c "print(int($share * $period))")
    ((quota >= 1000)) || { echo "CPU_SHARE below 0.05 core: the kernel's smallest quota is 1 ms" >&2; exit 2; }
    if [[ -f $dir/cpu.cfs_quota_us ]]; then
        echo "$period" >"$dir/cpu.cfs_period_us"
        echo "$quota" >"$dir/cpu.cfs_quota_us"
    else
        # cgroup v2: the cpu controller must be enabled for the children first.
        grep -qw cpu "$cg_root/cgroup.subtree_control" || echo +cpu >"$cg_root/cgroup.subtree_control"
        echo "$quota $period" >"$dir/cpu.max"
    fi
    cg_dir=$dir
}

stop_fleet() {
    [[ -n $haproxy_pid ]] && kill "$haproxy_pid" 2>/dev/null || true
    haproxy_pid=
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    pids=()
    [[ -n $schema ]] && psql "$pg_url" -qc "DROP SCHEMA IF EXISTS $schema CASCADE" >/dev/null 2>&1 || true
    schema=
}
cleanup() {
    stop_fleet
    for dir in "$cg_root"/bp-fleet-*; do [[ -d $dir ]] && rmdir "$dir" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# Starts N instances on a fresh schema behind HAProxy; sets $fleet_url to the balancer's
# URL and leaves the admin key in $work/admin. (Not in a subshell: it records the pids.)
# `label` names the instances' cgroups (a fleet size measured twice gets two labels).
start_fleet() {   # n label
    local n=$1 label=${2:-$1} lb_port backends=""
    schema=bp_fleet_$(date +%s)_$$
    local store=(--database-url "$pg_url" --database-schema "$schema")
    BP_LOG=warn "$bin" keys create --name fleet-admin --tier enterprise --role admin \
        --rate-limit unlimited "${store[@]}" | tail -n1 >"$work/admin"
    for i in $(seq "$n"); do
        local port cg
        port=$(free_port)
        make_cgroup "$label-$i"
        cg=$cg_dir
        BP_LOG=warn "$bin" serve --addr "127.0.0.1:$port" "${store[@]}" \
            --metrics-source "instance-$i" >"$work/server-$i.log" 2>&1 &
        pids+=($!)
        # cgroup.procs moves every thread of the process (tasks would move one).
        echo "${pids[-1]}" >"$cg/cgroup.procs"
        for _ in $(seq 300); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
        curl -sf "http://127.0.0.1:$port/health" >/dev/null ||
            { echo "instance $i did not come up:" >&2; tail -n 20 "$work/server-$i.log" >&2; exit 1; }
        backends+="    server s$i 127.0.0.1:$port check inter 1s"$'\n'
    done
    lb_port=$(free_port)
    cat >"$work/haproxy.cfg" <<EOF
global
    # HAProxy wants 2 file descriptors per connection and refuses to start past the
    # process's limit; 4096 connections is far more than the generator opens.
    maxconn 4096
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    option http-keep-alive
frontend fleet
    bind 127.0.0.1:$lb_port
    default_backend instances
backend instances
    balance roundrobin
    option httpchk GET /ready
$backends
EOF
    haproxy -f "$work/haproxy.cfg" -db >"$work/haproxy.log" 2>&1 &
    haproxy_pid=$!
    sleep 0.5
    kill -0 "$haproxy_pid" 2>/dev/null ||
        { echo "haproxy did not start:" >&2; cat "$work/haproxy.log" >&2; exit 1; }
    for _ in $(seq 100); do curl -sf "http://127.0.0.1:$lb_port/health" >/dev/null && break; sleep 0.1; done
    fleet_url=http://127.0.0.1:$lb_port
}

# The highest rate (req/s) the fleet serves within the SLA: the rate grows by 25 % per step
# until a step fails, then bisects between the last pass and the first failure three times
# (resolution ≈ 3 %); the last passing rate counts.
breaking_point() {   # url start-rate
    local url=$1 rate=$2 passed=0 failed=0 key
    key=$(curl -sf -H "Authorization: Bearer $(cat "$work/admin")" -H 'Content-Type: application/json' \
        -d '{"name":"fleet-load","tier":"enterprise","role":"user","rate_limit":"unlimited"}' \
        "$url/api/v1/admin/keys" | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
    step_passes() {   # rate
        local rc=0 why= before after
        before=$(cpu_snapshot)
        "$bin" load --target "$url" --rate "$1" --duration "${step_s}s" --key "$key" \
            --quiet --report-json "$work/step.json" >/dev/null 2>&1 || rc=$?
        after=$(cpu_snapshot)
        cpu_use "$before" "$after" "$work/step.json" >"$work/step-cpu.txt"
        if [[ $rc != 0 ]]; then
            why=$(python3 - "$work/step.json" <<'PY' 2>/dev/null || true
import json, sys
report = json.load(open(sys.argv[1]))
print(", ".join("%s was %.4g" % (t["expr"], t["value"]) for t in report["thresholds"] if not t["ok"]))
PY
)
        fi
        echo "  $1 req/s: $([[ $rc == 0 ]] && echo pass || echo "fail ($rc: $why)"); cores busy: $(cat "$work/step-cpu.txt")" >&2
        [[ $rc == 0 ]] && cp "$work/step-cpu.txt" "$work/passed-cpu.txt"
        [[ $rc == 0 ]]
    }
    # Warm-up, not counted: connection pools, caches and HAProxy's checks settle.
    "$bin" load --target "$url" --rate "$(python3 -c "print(max(10, round($rate / 2)))")" \
        --duration 10s --key "$key" --quiet >/dev/null 2>&1 || true
    while step_passes "$rate"; do
        passed=$rate
        rate=$(python3 -c "print(round($rate * 1.25))")
    done
    failed=$rate
    for _ in 1 2 3; do
        rate=$(python3 -c "print(round(($passed + $failed) / 2))")
        ((rate > passed && rate < failed)) || break
        if step_passes "$rate"; then passed=$rate; else failed=$rate; fi
    done
    echo "$passed"
}

# Evidence that the quota binds: per instance, the share of its CFS periods it was throttled
# in, over the whole search (cgroup v1 cpu.stat; v2 names the fields the same).
throttle_summary() {   # n label
    local out=()
    for i in $(seq "$1"); do
        out+=("$(awk '/^nr_periods/ {p=$2} /^nr_throttled/ {t=$2} END {printf "%.0f %%", p ? 100 * t / p : 0}' \
            "$cg_root/bp-fleet-${2:-$1}-$i/cpu.stat")")
    done
    local IFS=,; echo "${out[*]}"
}

# CPU seconds so far: the machine's busy time (/proc/stat), PostgreSQL's processes, HAProxy
# and the instances (utime + stime of their processes), as "machine pg haproxy instances".
cpu_snapshot() {
    python3 - "${pids[@]}" "${haproxy_pid:-0}" <<'PY'
import os, sys
tick = os.sysconf("SC_CLK_TCK")
def proc_cpu(pid):
    try:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick
    except (OSError, IndexError, ValueError):
        return 0.0
cpu = open("/proc/stat").readline().split()[1:]
busy = (sum(map(int, cpu)) - int(cpu[3]) - int(cpu[4])) / tick
pg = sum(proc_cpu(p) for p in os.listdir("/proc") if p.isdigit()
         and os.path.exists(f"/proc/{p}/comm") and open(f"/proc/{p}/comm").read().startswith("postgres"))
*instances, haproxy = sys.argv[1:]
print(busy, pg, proc_cpu(haproxy), sum(proc_cpu(p) for p in instances))
PY
}
# Cores each part kept busy over a step, from two snapshots and the step's report (the
# generator's own CPU).
cpu_use() {   # before after report
    python3 - "$1" "$2" "$3" "$step_s" <<'PY'
import json, sys
before, after = (list(map(float, a.split())) for a in sys.argv[1:3])
secs = float(sys.argv[4])
d = [(b - a) / secs for a, b in zip(before, after)]
try:
    gen = json.load(open(sys.argv[3]))["generator"]["cpu_s"] / secs
except Exception:
    gen = float("nan")
print(f"machine {d[0]:.2f} (PostgreSQL {d[1]:.2f}, HAProxy {d[2]:.2f}, instances {d[3]:.2f}, generator {gen:.2f})")
PY
}

declare -A point throttled busy
first=
sizes=$(tr ' ' '\n' <<<"$sizes" | sort -n | tr '\n' ' ')   # 1 first: the others start from it
for n in $sizes; do
    echo "== $n instance(s), $share core each" >&2
    start_fleet "$n"
    url=$fleet_url
    # Start below the expected capacity: 60 % of the single instance's point times n.
    start=$(python3 -c "print(round(${first:-0} * $n * 0.6) if ${first:-0} else $first_rate)")
    point[$n]=$(breaking_point "$url" "$start")
    [[ -n $first ]] || first=${point[$n]}
    echo "   breaking point: ${point[$n]} req/s" >&2
    throttled[$n]=$(throttle_summary "$n")
    busy[$n]=$(cat "$work/passed-cpu.txt" 2>/dev/null || echo "n/a")
    stop_fleet
done
recheck_point=
if ((recheck)) && [[ -n $first ]]; then
    echo "== 1 instance again (the reference, re-measured)" >&2
    start_fleet 1 1again
    recheck_point=$(breaking_point "$fleet_url" "$(python3 -c "print(round($first * 0.6))")")
    echo "   breaking point: $recheck_point req/s" >&2
    stop_fleet
    if ((recheck_point > point[1])); then
        point[1]=$recheck_point
        throttled[1]=$(throttle_summary 1 1again)
        busy[1]=$(cat "$work/passed-cpu.txt" 2>/dev/null || echo "n/a")
    fi
fi

day=$(date -u +%F)
out=bench/runs/$day-fleet-scaling.md
[[ -s $out ]] || printf '# %s — fleet scaling (B11)\n' "$day" >"$out"
args=()
for n in $sizes; do args+=("$n=${point[$n]}"); done
throttle_json=$(for n in $sizes; do echo "$n=${throttled[$n]}"; done | python3 -c 'import json, sys; print(json.dumps(dict(l.strip().split("=", 1) for l in sys.stdin)))')
busy_json=$(for n in $sizes; do echo "$n=${busy[$n]}"; done | python3 -c 'import json, sys; print(json.dumps(dict(l.strip().split("=", 1) for l in sys.stdin)))')
python3 - "$share" "$step_s" "$(git rev-parse --short HEAD)" "$throttle_json" "$busy_json" "$first" "${recheck_point:-}" "${args[@]}" >>"$out" <<'PY'
import json, sys
share, step_s, commit, throttle, busy, first, again, *pairs = sys.argv[1:]
throttle, busy = json.loads(throttle), json.loads(busy)
x = {int(k): float(v) for k, v in (p.split("=") for p in pairs)}
x1 = x.get(1)
print(f"\n## Run of {sorted(x)} instance(s)\n")
print(f"- command: `SIZES=\"{' '.join(map(str, sorted(x)))}\" CPU_SHARE={share} STEP_S={step_s} bench/fleet-scaling.sh` ([script](../fleet-scaling.sh)), commit {commit}")
print("- cores busy: over the last passing step, from /proc (the machine's busy time, PostgreSQL's processes, HAProxy, the instances) and the generator's own report")
print(f"- each instance capped at {share} core (cgroup cpu quota over 20 ms periods), HAProxy round robin, one PostgreSQL; generator, HAProxy and PostgreSQL unpinned")
print(f"- rates rise 25 % per {step_s} s step until one fails, then bisect three times (≈ 3 % resolution)")
if again:
    print(f"- the single instance measured first and again after the largest fleet: {first} and {again} req/s; the better is the reference")
print("- breaking point: the highest open-model rate whose step passed every SLA threshold (load's exit 0)\n")
print("| instances | breaking point req/s | × one instance | efficiency | periods throttled per instance | cores busy at the breaking point |")
print("|---|---|---|---|---|---|")
for n in sorted(x):
    ratio = x[n] / x1 if x1 else float("nan")
    print(f"| {n} | {x[n]:.0f} | {ratio:.2f} | {ratio / n:.2f} | {throttle.get(str(n), '?')} | {busy.get(str(n), '?')} |")
PY
# The USL through the fleets' points, by the same fit the stress report uses.
if ((${#args[@]} >= 3)); then
    { echo; echo "\`\`\`"; "$bin" report usl "${args[@]}" --target 1000 --target 2000 || echo "no USL fit through these points"; echo "\`\`\`"; } >>"$out"
else
    printf '\nUSL fit: needs at least three fleet sizes\n' >>"$out"
fi
echo "done: $out" >&2
tail -n 20 "$out" >&2

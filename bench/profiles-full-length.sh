#!/usr/bin/env bash
# B16: the product's load profiles at full length (unscaled), each against a fresh
# `betterprompts serve` on this machine, on SQLite and on PostgreSQL, with one key and with
# the users spread over 1000 keys. Per run it records the generator's figures (req/s, client
# p50/p95/p99, errors, the SLA verdict = `load`'s exit code, the sustained profile's
# degradation verdict) and the server's (p50/p95/p99 from its own metrics over the run, DB
# size at the end, the SQLite WAL's largest size during the run, RSS at start and end).
#
# Cores: the server runs on CPU 0 (`taskset -c 0`); `betterprompts load` on CPU 1
# (`taskset -c 1`), with this script's helpers (key creation, the WAL sampler). PostgreSQL is
# the machine's own cluster and is not pinned: its backends share both cores.
#
# The mix is the profiles' default, given explicitly: enhance=70,batch=20,history=10; the
# thresholds are the SLA defaults. Every run ends by itself; each is also cut after its
# profile's length + 10 minutes. Full length means hours: all six profiles take ~100 min of
# load per store and key set-up, so the default (2 stores x 2 set-ups) is ~7 h.
#
# Usage: bench/profiles-full-length.sh [profile ...]
#   profiles: baseline normal peak spike ramp-up sustained (default: all six; or PROFILES="...")
#   STORES="sqlite postgres"   which stores (default both)
#   KEYS="1 1000"              key set-ups: 1 = one enterprise key without a rate limit;
#                              N > 1 = N keys of KEY_TIER (default pro, its tier's default
#                              limit; KEY_RATE_LIMIT=600|unlimited overrides), passed as
#                              `load --key-file` (virtual user i uses line i mod N)
#   FLOOR=1                    after a run that fails its SLA, run the same profile, store and
#                              keys again with `--mix enhance=1` (enhance only): the floor
#   PG_URL=postgres://postgres@127.0.0.1:5432/test   (default: $BP_TEST_DATABASE_URL, else
#                              that); each run gets a fresh schema (`serve --database-schema`),
#                              dropped afterwards. Only 127.0.0.1 is accepted.
#   TIME_SCALE=0.01            only to try the script quickly; rows say they were scaled, and
#                              a record for B16 must be unscaled
#   KEEP=1                     keep the work directory (full JSON reports, server logs)
# e.g. PROFILES="peak" STORES="sqlite" KEYS="1" bench/profiles-full-length.sh
#
# Writes: one Markdown table (appended, one section per invocation, one row per finished run)
# to bench/runs/<UTC date>-profiles-full-length.md, and each run's report without its
# histograms and time series (one per second of run: about a megabyte for sustained), plus the
# server-side figures, to bench/runs/profiles-full-length/<stamp>-<profile>-<store>-k<N>.json.
set -euo pipefail
cd "$(dirname "$0")/.."

all_profiles="baseline normal peak spike ramp-up sustained"
# Planned length of each profile in seconds (crates/bp-load/src/profile/builtin.rs): the
# basis of the timeout.
declare -A length_s=([baseline]=360 [normal]=720 [peak]=1080 [spike]=1050 [ramp-up]=900 [sustained]=1860)
if (($# > 0)); then profiles="$*"; else profiles=${PROFILES:-$all_profiles}; fi
stores=${STORES:-sqlite postgres}
key_setups=${KEYS:-1 1000}
floor=${FLOOR:-0}
time_scale=${TIME_SCALE:-1}
key_tier=${KEY_TIER:-pro}
key_rate_limit=${KEY_RATE_LIMIT:-}
pg_url=${PG_URL:-${BP_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}}
mix=enhance=70,batch=20,history=10
# The server's metrics window (serve's default), in seconds: waits around each run below.
metrics_window=5

for p in $profiles; do
    [[ -n ${length_s[$p]:-} ]] || { echo "unknown profile '$p' (one of: $all_profiles)" >&2; exit 2; }
done
for s in $stores; do
    [[ $s == sqlite || $s == postgres ]] || { echo "unknown store '$s' (sqlite or postgres)" >&2; exit 2; }
done
for k in $key_setups; do
    [[ $k =~ ^[1-9][0-9]*$ ]] || { echo "KEYS takes key counts, got '$k'" >&2; exit 2; }
done

cargo build --release -q -p betterprompts
built=${CARGO_TARGET_DIR:-target}/release/betterprompts

# Fail now rather than hours in.
needs_key_file=0
for k in $key_setups; do if ((k > 1)); then needs_key_file=1; fi; done
if ((needs_key_file)) && ! "$built" load --help | grep -q -- '--key-file'; then
    echo "this build's \`load\` has no --key-file; run with KEYS=1 or build one that has" >&2
    exit 2
fi
if [[ " $stores " == *" postgres "* ]]; then
    # Only this machine: the URL's host must be 127.0.0.1.
    [[ $pg_url =~ ^postgres(ql)?://([^@/]*@)?127\.0\.0\.1(:[0-9]+)?/ ]] ||
        { echo "PG_URL must point at 127.0.0.1, got $pg_url" >&2; exit 2; }
    psql "$pg_url" -qtAc 'select 1' >/dev/null ||
        { echo "PostgreSQL at $pg_url does not answer (scripts/test.sh starts it)" >&2; exit 2; }
fi

day=$(date -u +%F)
stamp=$(date -u +%Y%m%dT%H%M%SZ)
out=bench/runs/$day-profiles-full-length.md
json_dir=bench/runs/profiles-full-length
mkdir -p "$json_dir"
work=$(mktemp -d)
# A private copy: a build during the hours of a run must not swap the binary under it.
bin=$work/betterprompts
cp "$built" "$bin"
server_pid=; wal_pid=; pg_schema=; run_no=0

# On any exit: stop what this script started, drop the PostgreSQL schema it made.
cleanup() {
    stop_server
    stop_wal_sampler
    drop_schema
    if [[ ${KEEP:-0} == 1 ]]; then echo "work directory kept: $work" >&2; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

utc_now() { date -u +%Y-%m-%dT%H:%M:%SZ; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
# A child that exited stays a zombie until `wait`: alive means running, not just present.
alive() { local s; s=$(ps -o stat= -p "$1" 2>/dev/null) && [[ $s != Z* ]]; }
rss_kib() { awk '/^VmRSS:/ {print $2}' "/proc/$1/status" 2>/dev/null || echo 0; }

start_server() {   # dir port store-args...
    local dir=$1 port=$2; shift 2
    # --public-metrics (loopback only): the generator samples the server's memory from
    # /metrics with the run's user keys, which the figures' guard would refuse.
    BP_LOG=warn taskset -c 0 "$bin" serve --addr "127.0.0.1:$port" --public-metrics "$@" >"$dir/server.log" 2>&1 &
    server_pid=$!   # taskset execs the server, so this is the server's pid
    for _ in $(seq 300); do   # 30 s: PostgreSQL migrations on a fresh schema take a moment
        curl -sf "http://127.0.0.1:$port/health" >/dev/null && return 0
        alive "$server_pid" || break
        sleep 0.1
    done
    echo "the server did not come up; its log:" >&2; tail -n 20 "$dir/server.log" >&2
    return 1
}

# SIGTERM drains (in-flight requests finish, the history queue is flushed); give it a
# minute, then kill it so a hung drain cannot stall the whole series.
stop_server() {
    [[ -n $server_pid ]] || return 0
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 600); do alive "$server_pid" || break; sleep 0.1; done
    if alive "$server_pid"; then
        echo "warning: the server did not drain within 60 s; killed" >&2
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    wait "$server_pid" 2>/dev/null || echo "warning: the server exited with status $?" >&2
    server_pid=
}

# The SQLite WAL's size once a second, keeping the largest in $2: B16 budgets the WAL
# "throughout", and it is checkpointed away by the end, so only sampling sees it.
start_wal_sampler() {   # wal-file max-file
    echo 0 >"$2"
    (
        max=0
        while :; do
            size=$(stat -c %s "$1" 2>/dev/null || echo 0)
            if ((size > max)); then max=$size; echo "$max" >"$2"; fi
            sleep 1
        done
    ) &
    wal_pid=$!
    taskset -cp 1 "$wal_pid" >/dev/null   # off the server's core
}

stop_wal_sampler() {
    [[ -n $wal_pid ]] || return 0
    kill "$wal_pid" 2>/dev/null || true
    wait "$wal_pid" 2>/dev/null || true
    wal_pid=
}

drop_schema() {
    [[ -n $pg_schema ]] || return 0
    psql "$pg_url" -qtAc "SET client_min_messages = warning; DROP SCHEMA IF EXISTS $pg_schema CASCADE" >/dev/null ||
        echo "warning: could not drop schema $pg_schema" >&2
    pg_schema=
}

# Tables of the run's schema with their indexes and TOAST.
pg_schema_bytes() {
    psql "$pg_url" -qtAc "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0)
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = '$1' AND c.relkind IN ('r', 'm')"
}

# History rows of the run's schema, from the counts the store keeps with every write.
pg_schema_rows() {
    psql "$pg_url" -qtAc "SELECT coalesce(sum(rows), 0) FROM $1.history_counts"
}

# `count` keys through the admin API, one secret per line into `out`: one process and one
# keep-alive connection, where `keys create` would start a process (and open the store) per key.
create_keys() {   # url admin-key count tier rate-limit(''=tier default) out
    taskset -c 1 python3 - "$@" <<'PY'
import http.client, json, sys, urllib.parse
url, admin, count, tier, limit, out = sys.argv[1:]
u = urllib.parse.urlsplit(url)
conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
headers = {"Authorization": f"Bearer {admin}", "Content-Type": "application/json"}
body = {"tier": tier, "role": "user"}
if limit == "unlimited":
    body["rate_limit"] = "unlimited"
elif limit:
    body["rate_limit"] = {"per_minute": int(limit)}
with open(out, "w") as f:
    for i in range(int(count)):
        body["name"] = f"b16-user-{i}"
        conn.request("POST", "/api/v1/admin/keys", json.dumps(body), headers)
        r = conn.getresponse()
        data = r.read()
        if r.status != 201:
            sys.exit(f"creating key {i}: HTTP {r.status}: {data[:200]!r}")
        f.write(json.loads(data)["key"] + "\n")
PY
}

# The Markdown row of one run (stdout) and its slimmed report (to `slim`), from the load
# report, the server's summary and the figures measured here.
collect() {
    python3 - "$@" <<'PY'
import json, os, sys
(report_p, summary_p, rc, label, store, keys, db_bytes, db_rows, wal_max, rss0, rss1,
 timeout_s, slim_p) = sys.argv[1:]
rc = int(rc)
def load(p):
    try:
        with open(p) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None
report, summary = load(report_p), load(summary_p)
mib = lambda b: f"{int(b) / 2**20:.1f} MiB"
def triple(lat):
    fmt = lambda v: "–" if v is None else f"{v:.2f}"
    return " / ".join(fmt(lat.get(k)) for k in ("p50", "p95", "p99"))

if rc == 0:
    sla = "pass"
elif rc == 99:
    failed = [t for t in (report or {}).get("thresholds", []) if not t["ok"]]
    sla = "**fail**" + (": " + ", ".join(
        f"{t['expr']} ({'–' if t['value'] is None else format(t['value'], '.4g')})"
        for t in failed) if failed else "")
elif rc == 124:
    sla = f"**timeout** (cut after {timeout_s} s)"
else:
    sla = f"**error** (load exit {rc})"
if report:
    if (rc == 0) != report["thresholds_ok"]:
        sla += f" (report says thresholds_ok={report['thresholds_ok']})"
    if report["generator"]["generator_bound"]:
        sla += ", generator-bound"
    if report.get("stopped_early"):
        sla += f", stopped early: {report['stopped_early']}"

degradation = "–"
analysis = (report or {}).get("analysis") or {}
if analysis.get("kind") == "degradation":
    def tau(name):
        t = analysis.get(name)
        return f"{name} τ {t['tau']:.2f} p {t['p_value']:.3f}" if t else f"{name} n/a"
    degradation = ("**YES**" if analysis["degrading"] else "none") + \
        " (" + "; ".join(tau(n) for n in ("p95", "error_rate", "server_memory")) + ")"

cells = [label, store, keys]
if report:
    cells += [f"{report['throughput_rps']:.1f}", triple(report["latency_ms"])]
else:
    cells += ["–", "–"]
cells.append(triple(summary["latency_ms"]) if summary else "–")
cells.append(f"{report['error_rate'] * 100:.3f} ({report['errors']})" if report else "–")
db_cell = mib(db_bytes)
if int(db_rows) > 0:
    # What docs/ARCHITECTURE.md ("History size") quotes: the store's bytes per history row.
    db_cell += f" ({int(db_rows) / 1e6:.2f} M rows, {int(db_bytes) / int(db_rows):.0f} B/row)"
cells += [sla, degradation, db_cell, "n/a" if wal_max == "n/a" else mib(wal_max),
          f"{int(rss0) / 1024:.0f} / {int(rss1) / 1024:.0f} MiB"]
print("| " + " | ".join(cells) + " |")

# Histograms (every window's, every cell's) and the per-second series are what make the
# full report large; the summary, thresholds, analysis and breakdown counts stay.
if report:
    report.pop("histograms", None)
    report["time_series_windows"] = len(report.pop("time_series", []))
    report["server_memory_samples"] = len(report.pop("server_memory", []))
    for cell in report.get("breakdown", []):
        cell.pop("histogram", None)
bench = {"label": label, "store": store, "keys": int(keys), "load_exit": rc,
         "db_bytes": int(db_bytes), "history_rows": int(db_rows), "wal_max_bytes": None if wal_max == "n/a" else int(wal_max),
         "server_rss_kib": [int(rss0), int(rss1)], "server_summary": summary}
with open(slim_p, "w") as f:
    json.dump({"bench": bench, "report": report}, f, indent=1, ensure_ascii=False)
    f.write("\n")
PY
}

# One run: fresh store, server, keys; the profile; the server's figures; a table row.
# Sets `last_rc` to load's exit code.
run_one() {   # profile store keys mix
    local profile=$1 store=$2 nkeys=$3 run_mix=$4
    local tag="$profile-$store-k$nkeys" label=$profile
    [[ $run_mix == "$mix" ]] || { tag+=-floor; label+=" (enhance only)"; }
    [[ $time_scale == 1 ]] || label+=" ×$time_scale"
    run_no=$((run_no + 1))
    local dir=$work/$run_no-$tag; mkdir -p "$dir"
    local port url store_args=() key_args=() admin from to rss0 rss1 db_bytes db_rows wal_max=n/a rc=0
    port=$(free_port); url=http://127.0.0.1:$port
    local limit_s
    limit_s=$(python3 -c "import math; print(math.ceil(${length_s[$profile]} * $time_scale) + 600)")
    echo "== $(utc_now) $tag: $run_mix, up to $limit_s s" >&2

    case $store in
        sqlite) mkdir "$dir/data"; store_args=(--data-dir "$dir/data") ;;
        postgres)
            pg_schema=bp_b16_${stamp,,}_$$_$run_no
            store_args=(--database-url "$pg_url" --database-schema "$pg_schema") ;;
    esac
    # The admin key goes straight into the store (as in b2), before the server opens it;
    # it makes the run's keys and reads the server's metrics.
    admin=$(BP_LOG=warn "$bin" keys create --name b16-admin --tier enterprise --role admin \
        --rate-limit unlimited "${store_args[@]}" | tail -n1)
    start_server "$dir" "$port" "${store_args[@]}"
    if [[ $store == sqlite ]]; then
        start_wal_sampler "$dir/data/betterprompts.sqlite3-wal" "$dir/wal.max"
    fi
    # The load's keys are user keys in both set-ups, so the two differ only in how many.
    if ((nkeys == 1)); then
        create_keys "$url" "$admin" 1 enterprise unlimited "$dir/keys.txt"
        key_args=(--key "$(head -n1 "$dir/keys.txt")")
    else
        create_keys "$url" "$admin" "$nkeys" "$key_tier" "$key_rate_limit" "$dir/keys.txt"
        key_args=(--key-file "$dir/keys.txt")
    fi
    rss0=$(rss_kib "$server_pid")
    # Past the window holding the key creation, so the server's figures are the run's alone.
    sleep $((metrics_window + 1))
    from=$(utc_now)
    # pipefail: the pipeline's status is load's (tee succeeds), or 124 from timeout.
    # --foreground: load stays in this terminal's process group, so Ctrl-C stops it.
    timeout --foreground "$limit_s" taskset -c 1 "$bin" load --target "$url" --profile "$profile" \
        --time-scale "$time_scale" --mix "$run_mix" "${key_args[@]}" --quiet \
        --report-json "$dir/report.json" | tee "$dir/load.out" || rc=$?
    # The last window closes and is stored.
    sleep $((metrics_window + 2))
    to=$(utc_now)
    curl -sf --max-time 60 -H "Authorization: Bearer $admin" \
        "$url/api/v1/metrics/summary?from=$from&to=$to" >"$dir/summary.json" ||
        echo "warning: no server summary" >&2
    rss1=$(rss_kib "$server_pid")
    stop_server
    stop_wal_sampler
    case $store in
        sqlite)
            local db=$dir/data/betterprompts.sqlite3
            db_bytes=$(($(stat -c %s "$db") + $(stat -c %s "$db-wal" 2>/dev/null || echo 0)))
            db_rows=$(python3 -c 'import sqlite3, sys
print(sqlite3.connect(sys.argv[1]).execute("SELECT coalesce(sum(rows), 0) FROM history_counts").fetchone()[0])' "$db")
            wal_max=$(cat "$dir/wal.max") ;;
        postgres)
            db_bytes=$(pg_schema_bytes "$pg_schema")
            db_rows=$(pg_schema_rows "$pg_schema")
            drop_schema ;;
    esac
    collect "$dir/report.json" "$dir/summary.json" "$rc" "$label" "$store" "$nkeys" \
        "$db_bytes" "$db_rows" "$wal_max" "$rss0" "$rss1" "$limit_s" "$json_dir/$stamp-$tag.json" >>"$out"
    tail -n1 "$out" >&2
    last_rc=$rc
}

# The section header: what ran, where, and how to read the table.
write_header() {
    local commit cmd limit_note=${key_rate_limit:-"the tier's default"} scale_note=unscaled
    [[ $time_scale == 1 ]] || scale_note="**scaled** by $time_scale (a trial, not a B16 record)"
    commit=$(git rev-parse --short HEAD)
    git diff --quiet HEAD 2>/dev/null || commit+=" (with uncommitted changes)"
    cmd="PROFILES=\"$profiles\" STORES=\"$stores\" KEYS=\"$key_setups\" FLOOR=$floor"
    [[ $time_scale == 1 ]] || cmd+=" TIME_SCALE=$time_scale"
    [[ $key_tier == pro && -z $key_rate_limit ]] || cmd+=" KEY_TIER=$key_tier KEY_RATE_LIMIT=$key_rate_limit"
    cmd+=" bench/profiles-full-length.sh"
    [[ -s $out ]] || printf '# %s — the load profiles at full length (B16)\n' "$day" >"$out"
    cat >>"$out" <<EOF

## Run started $(utc_now)

- command: \`$cmd\` ([script](../profiles-full-length.sh))
- commit: $commit
- machine: $(nproc) cores ($(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n1)), $(awk '/^MemTotal:/ {printf "%.1f GiB", $2 / 2^20}' /proc/meminfo) memory, kernel $(uname -r)
- cores: server \`taskset -c 0\`; \`betterprompts load\`, key creation and the WAL sampler \`taskset -c 1\`; PostgreSQL (the machine's cluster) unpinned, on both cores
- load: \`load --profile NAME\` $scale_note, \`--mix $mix\` (the profiles' default), the SLA's default thresholds; SLA = load's exit code (0 pass, 99 a threshold failed) with the failed thresholds; "(enhance only)" rows are \`FLOOR=1\` re-runs with \`--mix enhance=1\`
- keys: 1 = one enterprise key without a rate limit (\`--key\`); N > 1 = N $key_tier keys, $limit_note rate limit, \`--key-file\` (virtual user i uses line i mod N); all user-role keys made through \`POST /api/v1/admin/keys\`
- server p50/p95/p99: \`GET /api/v1/metrics/summary\` over the run, every endpoint, ${metrics_window} s windows; client figures from \`--report-json\` (reports without histograms in [profiles-full-length/](profiles-full-length/), prefix $stamp)
- DB size after the SIGTERM drain: SQLite file + \`-wal\`; PostgreSQL: the run's fresh schema's tables with indexes and TOAST; WAL max: the SQLite \`-wal\` file sampled every second (budget ≤ 64 MiB), n/a on PostgreSQL; server RSS: VmRSS before and after the load

| profile | store | keys | req/s | client p50 / p95 / p99 ms | server p50 / p95 / p99 ms | errors % (n) | SLA | degradation | DB size | WAL max | server RSS start / end |
|---|---|---|---|---|---|---|---|---|---|---|---|
EOF
}

total=0
for p in $profiles; do total=$((total + ${length_s[$p]})); done
n_setups=$(($(wc -w <<<"$stores") * $(wc -w <<<"$key_setups")))
echo "planned: ~$(python3 -c "print(round($total * $time_scale * $n_setups / 60))") min of load (more with FLOOR=1); table: $out" >&2
write_header
for profile in $profiles; do
    for store in $stores; do
        for nkeys in $key_setups; do
            last_rc=0
            run_one "$profile" "$store" "$nkeys" "$mix"
            if [[ $floor == 1 && $last_rc != 0 ]]; then
                run_one "$profile" "$store" "$nkeys" enhance=1
            fi
        done
    done
done
echo "done: $out" >&2

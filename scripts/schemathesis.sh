#!/usr/bin/env bash
# The OpenAPI document is the contract, checked by a peer tool nobody here wrote:
# Schemathesis (pinned, from PyPI, in a venv of its own) generates requests from the
# document a live server serves and checks every answer against it: all checks, and the
# coverage, fuzzing and stateful phases. Exits non-zero on any failure.
#
# Usage: scripts/schemathesis.sh [BINARY]
#   EXAMPLES=25   examples per operation (the test command's; bench/schemathesis.sh runs more)
#   SEED=1        fixed, so the test command is repeatable; SEED= for a random one
# Not generated against: the WebSocket stream (not HTTP request/response) and
# /admin/faults (it slows the server on purpose). Traffic goes to 127.0.0.1 only.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(realpath "${1:-${CARGO_TARGET_DIR:-target}/debug/betterprompts}")
examples=${EXAMPLES:-25}
seed=${SEED-1}
version=4.32.5
venv=${BP_SCHEMATHESIS_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/betterprompts/schemathesis-$version}
if [ ! -x "$venv/bin/st" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q "schemathesis==$version"
fi

work=$(mktemp -d)
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
key=$(BP_LOG=warn "$bin" keys create --name schemathesis --tier enterprise --role admin \
    --rate-limit unlimited --data-dir "$work" | tail -n1)
BP_LOG=warn "$bin" serve --addr "127.0.0.1:$port" --data-dir "$work" >"$work/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null; wait "$server" 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done

seed_args=()
[ -n "$seed" ] && seed_args=(--seed "$seed")
# From the work directory: Schemathesis keeps its cache of found failures there.
cd "$work"
"$venv/bin/st" run "http://127.0.0.1:$port/api/v1/openapi.json" \
    -H "Authorization: Bearer $key" \
    --checks all --max-examples "$examples" "${seed_args[@]}" --workers 1 --no-color \
    --exclude-path /api/v1/metrics/stream --exclude-path-regex '/admin/faults'

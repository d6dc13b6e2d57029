#!/usr/bin/env bash
# The contract at depth: scripts/schemathesis.sh with many more examples per operation and
# a random seed (the test command runs 25 with a fixed one). Prints Schemathesis' summary.
# Usage: [EXAMPLES=500] bench/schemathesis.sh [BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -gt 0 ] || cargo build -q -p betterprompts
EXAMPLES=${EXAMPLES:-500} SEED= exec scripts/schemathesis.sh "$@"

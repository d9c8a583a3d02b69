#!/usr/bin/env bash
# Measures call overhead and writes docs/benchmarks.md and docs/benchmarks.svg:
#   1. the criterion benchmark `calls` (extra arguments go to criterion, e.g.
#      `scripts/bench.sh --warm-up-time 2 --measurement-time 5`, or a filter such as `add`);
#   2. CPython's ctypes on the same C functions, when python3 is installed;
#   3. the report, from both.
# Run it on a quiet machine: the figures are only as steady as the machine.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
cpython_json="$target/cpython-ctypes.json"

cargo bench -p ctypes-tests --bench calls -- "$@"

if command -v python3 >/dev/null 2>&1; then
    python3 scripts/cpython_ctypes_bench.py "$cpython_json"
else
    echo "bench.sh: no python3, so no CPython ctypes rows" >&2
    rm -f "$cpython_json"
fi

command="scripts/bench.sh"
for arg in "$@"; do
    command+=" $(printf '%q' "$arg")"
done
cargo run -q -p bench-report -- \
    --criterion "$target/criterion" \
    --cpython "$cpython_json" \
    --command "$command"

#!/usr/bin/env bash
# The call and callback tests under AddressSanitizer (the nightly toolchain): the call engine's
# stack area, the callback trampolines' saved registers and result block, record arguments
# reused between callback calls, and everything the tests free while C may still hold it.
#
#     scripts/sanitize.sh [TEST ...]     (default: the call and callback tests below)
#
# Leak checking is off: some tests leak callbacks on purpose (a callback C keeps for ever).
set -euo pipefail
cd "$(dirname "$0")/.."

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "sanitizers skipped: no nightly toolchain (cargo +nightly)"
    exit 0
fi
tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
    tests=(calls callbacks callback_threads by_value_shapes calls_vs_gcc soundness no_alloc
        long_double complex_typed)
fi
args=()
for test in "${tests[@]}"; do
    args+=(--test "$test")
done
# With an explicit --target, RUSTFLAGS reach the crates built for it and not the build scripts
# or proc macros.
host=$(rustc -vV | sed -n 's/^host: //p')
export RUSTFLAGS="-Zsanitizer=address"
export ASAN_OPTIONS="detect_leaks=0"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target}/asan"
cargo +nightly test --target "$host" -p ctypes-tests "${args[@]}"

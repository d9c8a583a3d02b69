#!/usr/bin/env bash
# Runs every fuzz target in fuzz/ for SECONDS each (default 60) with libFuzzer and
# AddressSanitizer, starting from the committed seed corpus; new inputs go to a scratch folder,
# so the committed corpus stays small. A crash stops the script with a non-zero status and
# leaves the input in fuzz/artifacts/TARGET/.
#
#     scripts/fuzz.sh [SECONDS]
#
# Needs the nightly toolchain (`cargo +nightly`); installs cargo-fuzz when it is missing.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-60}

if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "fuzzing skipped: no nightly toolchain (cargo +nightly)"
    exit 0
fi
if ! cargo +nightly fuzz --version >/dev/null 2>&1; then
    cargo +nightly install cargo-fuzz --locked
fi

cargo +nightly fuzz build
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
summary=()
for target in $(cargo +nightly fuzz list); do
    mkdir -p "$scratch/$target" "corpus/$target"
    log="$scratch/$target.log"
    echo "fuzz: $target for ${seconds} s"
    if ! cargo +nightly fuzz run "$target" "$scratch/$target" "corpus/$target" -- \
        -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
        tail -n 60 "$log"
        echo "fuzz: $target FAILED (input in fuzz/artifacts/$target/)"
        exit 1
    fi
    runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
    summary+=("$target: $runs executions in ${seconds} s, no crash")
done
printf 'fuzz: %s\n' "${summary[@]}"

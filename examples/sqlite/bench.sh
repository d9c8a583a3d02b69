#!/usr/bin/env bash
# The shell against the sqlite3 program on the same machine and the same libsqlite3:
#   1. a script of 200,000 INSERT statements in one transaction, then two aggregates;
#   2. a 1,000,000-row table exported with -csv (time and peak memory);
#   3. that export piped into `head -1` (how soon the first line arrives and the program ends).
# Each is run RUNS times (default 5), the two programs in turn, and the medians are printed.
# Needs /usr/bin/time (GNU time), sqlite3 and python3. Usage: examples/sqlite/bench.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
cargo build --release -q -p ctypes-sqlite
ours="${CARGO_TARGET_DIR:-target}/release/ctypes-sqlite"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 - "$work/inserts.sql" <<'PY'
import random, sys
random.seed(1)
with open(sys.argv[1], "w") as f:
    f.write("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, value REAL, n INTEGER);\nBEGIN;\n")
    for i in range(200000):
        f.write("INSERT INTO t(name, value, n) VALUES ('name %d', %r, %d);\n"
                % (i, random.random() * 1000, random.randint(0, 100)))
    f.write("COMMIT;\nSELECT count(*), sum(value), avg(n), max(name) FROM t;\n"
            "SELECT n, count(*), round(sum(value), 3) FROM t GROUP BY n ORDER BY n LIMIT 5;\n")
PY
sqlite3 "$work/big.db" "CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT, value REAL, n INTEGER);
  WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < 1000000)
  INSERT INTO t SELECT i, 'name ' || i, i * 0.37, i % 101 FROM c;"

# Prints "seconds peak-KB" for one run of the shell command $1.
measure() {
    /usr/bin/time -f "%e %M" -o "$work/time" sh -c "$1" >/dev/null 2>&1
    cat "$work/time"
}

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

compare() {
    local name=$1 a=$2 b=$3
    : >"$work/a"
    : >"$work/b"
    for _ in $(seq "$runs"); do
        measure "$a" >>"$work/a"
        measure "$b" >>"$work/b"
    done
    local at bt am bm
    at=$(cut -d' ' -f1 "$work/a" | median)
    bt=$(cut -d' ' -f1 "$work/b" | median)
    am=$(cut -d' ' -f2 "$work/a" | median)
    bm=$(cut -d' ' -f2 "$work/b" | median)
    printf '%-30s ctypes-sqlite %5.2f s %7d KB | sqlite3 %5.2f s %7d KB | time ratio %s\n' \
        "$name" "$at" "$am" "$bt" "$bm" "$(awk -v a="$at" -v b="$bt" 'BEGIN { if (b > 0) printf "%.2f", a / b; else print "-" }')"
}

echo "median of $runs runs each, $(nproc) processors, load $(cut -d' ' -f1-3 /proc/loadavg)"
compare "200,000 inserts + aggregates" \
    "rm -f $work/a.db && $ours $work/a.db <$work/inserts.sql" \
    "rm -f $work/b.db && sqlite3 $work/b.db <$work/inserts.sql"
compare "1,000,000-row -csv export" \
    "$ours -csv $work/big.db 'SELECT * FROM t'" \
    "sqlite3 -csv $work/big.db 'SELECT * FROM t'"
compare "the export | head -1" \
    "$ours -csv $work/big.db 'SELECT * FROM t' | head -1" \
    "sqlite3 -csv $work/big.db 'SELECT * FROM t' | head -1"

#!/usr/bin/env python3
"""CPython's ctypes calling the C functions of the `calls` benchmark, for comparison rows.

Compiles tests/benches/calls_bench.c with `cc -O2 -shared -fPIC` into a temporary directory,
loads it with ctypes, and times each call with timeit (best of several repeats, nanoseconds per
call; for `callback_x1000`, per call of `call_n`, which calls a Python callback 1000 times).
Writes JSON for `cargo bench-report`:

    {"python": "3.11.7", "add": ns, "sum6": ns, "mid": ns, "callback_x1000": ns, ...}

Usage: scripts/cpython_ctypes_bench.py [OUTPUT] [--repeat N] [--min-time SECONDS]
OUTPUT defaults to $CARGO_TARGET_DIR/cpython-ctypes.json, else target/cpython-ctypes.json at the
workspace root.
"""

import argparse
import ctypes
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import timeit
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "tests" / "benches" / "calls_bench.c"


class Point(ctypes.Structure):
    _fields_ = [("x", ctypes.c_double), ("y", ctypes.c_double)]


BINOP = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_int, ctypes.c_int)


def default_output():
    target = os.environ.get("CARGO_TARGET_DIR") or str(ROOT / "target")
    return Path(target) / "cpython-ctypes.json"


def build(directory):
    compiler = os.environ.get("CC", "cc")
    library = Path(directory) / "libcalls_bench.so"
    subprocess.run(
        [compiler, "-O2", "-shared", "-fPIC", "-o", str(library), str(SOURCE)],
        check=True,
    )
    return library


def declare(lib):
    lib.add.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.add.restype = ctypes.c_int
    lib.sum6.argtypes = [ctypes.c_long] * 6
    lib.sum6.restype = ctypes.c_long
    lib.mid.argtypes = [Point, Point]
    lib.mid.restype = Point
    lib.call_n.argtypes = [BINOP, ctypes.c_int]
    lib.call_n.restype = ctypes.c_long


def best_ns(statement, namespace, repeat, min_time):
    """Best time per call in ns over `repeat` runs, each run long enough to last `min_time`."""
    timer = timeit.Timer(statement, globals=namespace)
    number, elapsed = timer.autorange()
    if elapsed < min_time:
        number = max(1, int(number * min_time / max(elapsed, 1e-9)))
    return min(timer.repeat(repeat=repeat, number=number)) / number * 1e9, number


def measure(lib, repeat, min_time):
    # The callback is made once, as a Python program would, so the loop measures the calls.
    callback = BINOP(lambda a, b: a + b)
    a, b = Point(1.0, 2.0), Point(3.0, 4.0)
    assert lib.add(1, 2) == 3
    assert lib.sum6(1, 2, 3, 4, 5, 6) == 21
    m = lib.mid(a, b)
    assert (m.x, m.y) == (2.0, 3.0)
    assert lib.call_n(callback, 1000) == sum(range(1000)) + 1000

    namespace = {"lib": lib, "a": a, "b": b, "callback": callback}
    cases = {
        "add": "lib.add(1, 2)",
        "sum6": "lib.sum6(1, 2, 3, 4, 5, 6)",
        "mid": "lib.mid(a, b)",
        "callback_x1000": "lib.call_n(callback, 1000)",
    }
    figures, loops = {}, {}
    for name, statement in cases.items():
        figures[name], loops[name] = best_ns(statement, namespace, repeat, min_time)
        print(f"  {name:<15} {figures[name]:12.1f} ns/call  ({statement})", file=sys.stderr)
    return figures, loops


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("output", nargs="?", type=Path, default=default_output())
    parser.add_argument("--repeat", type=int, default=7, help="runs per case; the best counts")
    parser.add_argument(
        "--min-time", type=float, default=0.2, help="seconds each run lasts at least"
    )
    args = parser.parse_args()
    if shutil.which(os.environ.get("CC", "cc")) is None:
        sys.exit("cpython_ctypes_bench: no C compiler (cc, or $CC)")

    print(f"CPython ctypes, {platform.python_implementation()} {platform.python_version()}:",
          file=sys.stderr)
    with tempfile.TemporaryDirectory() as directory:
        lib = ctypes.CDLL(str(build(directory)))
        declare(lib)
        figures, loops = measure(lib, args.repeat, args.min_time)

    result = {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        **figures,
        "method": f"timeit, best of {args.repeat} runs of at least {args.min_time} s, ns per call",
        "loops": loops,
    }
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(json.dumps(result, indent=2) + "\n")
    print(f"cpython_ctypes_bench: wrote {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()

"""How long `iccs show 0101` takes from a cold process, against a bare `python -c pass`.

    python benchmarks/startup.py [--runs 21]

Both are run alternately in fresh processes with the same interpreter, after one warm-up run
that builds the compiled cache. Prints the median of each and their ratio (the target is <= 4).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def timed(cmd, env):
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=21)
    args = ap.parse_args()
    env = dict(os.environ, ICCS_CACHE_DIR=tempfile.mkdtemp(prefix="iccs-bench-"))
    script = Path(sys.executable).with_name("iccs")
    if script.exists():
        show = [str(script), "show", "0101"]
    else:
        show = [sys.executable, "-m", "iccs.entry", "show", "0101"]
        env["PYTHONPATH"] = str(Path(__file__).resolve().parent.parent)
    bare = [sys.executable, "-c", "pass"]
    first = timed(show, env)  # builds the cache
    base, iccs = [], []
    for _ in range(args.runs):
        base.append(timed(bare, env))
        iccs.append(timed(show, env))
    b, s = statistics.median(base), statistics.median(iccs)
    print(f"command: {' '.join(show)}")
    print(f"first run (builds the cache): {first * 1000:.0f} ms")
    print(f"python -c pass: median {b * 1000:.1f} ms over {args.runs} runs")
    print(f"iccs show 0101: median {s * 1000:.1f} ms over {args.runs} runs")
    print(f"ratio: {s / b:.2f} (target <= 4)")
    shutil.rmtree(env["ICCS_CACHE_DIR"], ignore_errors=True)


if __name__ == "__main__":
    main()

"""Benchmark: ``iccs convert`` of 1,000,000 national count rows (issue 8: ≤ 10 s, ≤ 2 GB).

Makes its own data in a temporary folder — a correspondence table of 2,000 national codes (one in
ten mapped partially to two categories, one in a hundred left unmapped) and counts for them by
period, sex and age group — then times :func:`iccs.correspondence.convert` and, as a baseline in
the same process, a bare ``csv.reader`` pass over the same file (the least any reader can cost).
Prints medians, the ratio to the baseline and the peak memory of the process.

    python benchmarks/convert.py [--rows 1000000] [--repeat 3]
"""
import argparse
import csv
import os
import random
import resource
import statistics
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))

import iccs  # noqa: E402
from iccs.correspondence import Mapping, convert, save_table  # noqa: E402


def make_data(folder, rows, seed=8):
    rng = random.Random(seed)
    classification = iccs.load()
    leaves = [c.code for c in classification if not c.children]
    codes = [f"N{i:05d}" for i in range(2000)]
    mappings = []
    for i, code in enumerate(codes):
        if i % 100 == 99:
            continue  # unmapped: must be reported
        if i % 10 == 3:
            a, b = rng.sample(leaves, 2)
            mappings += [Mapping(code, f"offence {i}", a, "partial"), Mapping(code, f"offence {i}", b, "partial")]
        else:
            mappings.append(Mapping(code, f"offence {i}", rng.choice(leaves), "exact"))
    table = os.path.join(folder, "table.csv")
    save_table(table, mappings)
    counts = os.path.join(folder, "counts.csv")
    periods = [str(y) for y in range(2015, 2025)]
    ages = ["Y0T17", "Y18T24", "Y25T34", "Y35T44", "Y45T54", "Y55T64", "Y_GE65", "_U", "_Z", "_T",
            "Y18T29", "Y30T44", "Y45T59", "Y_GE60", "Y0T14", "Y15T17", "Y18T20", "Y21T24", "Y25T29", "Y30T34",
            "Y35T39", "Y40T44", "Y45T49", "Y50T54", "Y55T59"]
    with open(counts, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["national_code", "period", "sex", "age", "value"])
        n = 0
        while n < rows:
            for code in codes:
                for period in periods:
                    for sex in ("M", "F"):
                        for age in ages:
                            w.writerow([code, period, sex, age, rng.randint(0, 500)])
                            n += 1
                            if n >= rows:
                                return table, counts
    return table, counts


def baseline(path):
    total = 0
    with open(path, newline="", encoding="utf-8") as f:
        for row in csv.reader(f):
            total += len(row)
    return total


def timed(fn, repeat):
    """Median wall-clock and CPU seconds of ``repeat`` runs, and the last result."""
    wall, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        result = fn()
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    return statistics.median(wall), statistics.median(cpu), result


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    classification = iccs.load()
    with tempfile.TemporaryDirectory(prefix="iccs-bench-convert-") as folder:
        started = time.perf_counter()
        table, counts = make_data(folder, args.rows)
        print(f"data: {args.rows:,} count rows, {os.path.getsize(counts) / 1e6:.0f} MB "
              f"(made in {time.perf_counter() - started:.1f} s)")
        base, base_cpu, _ = timed(lambda: baseline(counts), args.repeat)
        conv, conv_cpu, result = timed(lambda: convert(counts, table, classification=classification), args.repeat)
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
        print(f"baseline csv.reader pass: median {base:.2f} s wall, {base_cpu:.2f} s CPU")
        print(f"convert:                  median {conv:.2f} s wall, {conv_cpu:.2f} s CPU "
              f"({conv / base:.1f}x baseline; limit 10 s)")
        print(f"peak memory of the process: {peak:.0f} MB (limit 2048 MB)")
        s = result.stats
        print(f"result: {s['observations']:,} ICCS observations, {s['partial_observations']:,} flagged partial, "
              f"{s['unmapped_codes']} national codes unmapped ({s['unmapped_value']:,} counted)")
        print(f"load: {os.getloadavg()[0]:.2f} (1-minute load average, {os.cpu_count()} CPUs)")


if __name__ == "__main__":
    main()

"""How fast `iccs validate` checks a collection round, beside pySHACL and vtlengine.

    python benchmarks/validate.py [--sizes 100000,1000000] [--shacl 10000] [--shacl-limit 600]
                                  [--repeat 3] [--no-vtl]

Makes its own data: an SDMX-CSV 1.0 submission (about 200 areas, 20 years, the ICCS hierarchy
partly reported, by sex, counts and rates per 100,000) with a few injected errors of each kind,
then prints for each size the median time of `validate()` (all rules, from the CSV file), the
peak memory of the process that ran it, the findings by rule, and the ratios against pySHACL
(same shapes, over the cube) and vtlengine (non-negative, hierarchy and duplicate checks) run in
the same process. Every run is in a fresh subprocess, so its memory is its own.
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

HEADER = "DATAFLOW,freq,iccs,sex,unit,geo,TIME_PERIOD,OBS_VALUE,OBS_FLAG\n"
FLOW = "ESTAT:CRIM_OFF_CAT(1.0)"


def area_codes():
    import pycountry

    return sorted(c.alpha_2 for c in pycountry.countries)


def tree():
    import iccs

    c = iccs.load()
    return {x.code: [ch.code for ch in x.children] for x in c}, [x.code for x in c.sections()]


def generate(path, target, seed=1):
    """About ``target`` observations (200 areas, 20 years, by sex, counts and rates); returns the
    injected errors by rule."""
    rng = random.Random(seed)
    children, sections = tree()
    codes = area_codes()
    n_areas = 200 if target >= 48_000 else max(5, target // (20 * 6 * 2))  # small runs: fewer areas
    areas, spare = codes[:n_areas], codes[200:]
    years = list(range(2004, 2024))
    # the categories reported, the same for the whole file: some sections and divisions, and some
    # of their descendants (so a parent is reported with some, not all, of its children)
    per_slice = max(2, round(target / (len(areas) * len(years) * 6)))
    tops = [c for c in children if len(c) <= 4]
    rng.shuffle(tops)
    reported = set(tops[: max(1, per_slice // 3)])
    below = sorted(c for c in children if any(c.startswith(t) and c != t for t in reported))
    rng.shuffle(below)
    reported |= set(below[: per_slice - len(reported)])
    reported = sorted(reported)
    rows, first = 0, None
    with open(path, "w", encoding="utf-8") as f:
        f.write(HEADER)
        for area in areas:
            population = rng.randint(300_000, 80_000_000)
            male = rng.uniform(0.6, 0.9)
            base = {}

            def fill(code, values, factor, base=base):
                """A category's count: its children's and a few of its own (leaves: a base
                count for the area, varied by year)."""
                kids = children[code]
                total = sum(fill(k, values, factor) for k in kids)
                if not kids:
                    total = int(base.setdefault(code, rng.randint(0, 400)) * factor)
                values[code] = total + int(3 * factor)
                return values[code]

            for year in years:
                values, factor = {}, rng.uniform(0.9, 1.1)
                for s in sections:
                    fill(s, values, factor)
                for code in reported:
                    t = values[code]
                    m = int(t * male)
                    fem = int(t * (1 - male) * 0.95)
                    for sex, v in (("T", t), ("M", m), ("F", fem)):
                        line = f"{FLOW},A,ICCS{code},{sex},NR,{area},{year},{v},\n"
                        first = first or line
                        f.write(line)
                        f.write(f"{FLOW},A,ICCS{code},{sex},P_HTHAB,{area},{year},"
                                f"{v / population * 100_000:.2f},\n")
                        rows += 2
        # a few errors of each kind, in areas not generated above
        s1, s2, s3, s4, s5 = spare[:5]
        bad = [
            ("KnownCategory", f"{FLOW},A,ICCS9999,T,NR,{s1},{{y}},5,\n"),
            ("KnownArea", f"{FLOW},A,ICCS0101,T,NR,QQ,{{y}},5,\n"),
            ("KnownPeriod", f"{FLOW},A,ICCS0101,T,NR,{s1},1{{y}},5,\n"),
            ("KnownUnit", f"{FLOW},A,ICCS0101,T,XX,{s1},{{y}},5,\n"),
            ("ValueNumeric", f"{FLOW},A,ICCS0102,T,NR,{s1},{{y}},n/a,\n"),
            ("ValueNonNegative", f"{FLOW},A,ICCS0103,T,NR,{s1},{{y}},-3,\n"),
            ("CountWhole", f"{FLOW},A,ICCS0104,T,NR,{s1},{{y}},2.5,\n"),
            ("ValueMissing", f"{FLOW},A,ICCS0105,T,NR,{s1},{{y}},,\n"),
            ("ParentSum", f"{FLOW},A,ICCS0701,T,NR,{s2},{{y}},10,\n{FLOW},A,ICCS07011,T,NR,{s2},{{y}},20,\n"),
            ("SexSum", f"{FLOW},A,ICCS0101,T,NR,{s3},{{y}},10,\n{FLOW},A,ICCS0101,M,NR,{s3},{{y}},8,\n"
                       f"{FLOW},A,ICCS0101,F,NR,{s3},{{y}},8,\n"),
            ("YearJump", f"{FLOW},A,ICCS0201,T,NR,{s4},{{y}},{{jump}},\n"),
            ("SeriesGap", f"{FLOW},A,ICCS0301,T,NR,{s5},{{gap}},7,\n"),
        ]
        injected = {}
        for rule, text in bad:
            for i, y in enumerate((2010, 2011, 2012)):
                f.write(text.format(y=y, jump=(10, 100, 105)[i], gap=(2005, 2007, 2012)[i]))
            injected[rule] = {"YearJump": 1, "SeriesGap": 2}.get(rule, 3)
        f.write(first)  # a duplicate key
        injected["DuplicateKey"] = 1
    return injected


CHILD = r"""
import json, resource, sys, time
sys.path.insert(0, {root!r})
started = time.perf_counter()
from iccs.validation import validate
report = validate([{path!r}], engine={engine!r})
seconds = time.perf_counter() - started
from collections import Counter
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({{"seconds": seconds, "rss_mb": usage.ru_maxrss / 1024, "cpu": usage.ru_utime + usage.ru_stime,
                  "observations": report.stats["observations"],
                  "by_rule": Counter(f.code for f in report.findings)}}))
"""


def run_child(path, engine="fast", timeout=None):
    code = CHILD.format(root=os.path.dirname(HERE), path=path, engine=engine)
    try:
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    return json.loads(out.stdout.strip().splitlines()[-1])


def vtl_child(path, timeout=None, backend=None):
    """vtlengine in the interpreter $VTL_PYTHON (default: this one): it pins duckdb < 2."""
    if not os.path.exists(path + ".vtl"):
        from iccs.validation.vtl import ruleset

        with open(path + ".vtl", "w", encoding="utf-8") as f:
            f.write(ruleset())
    code = VTL.format(root=HERE, path=path, backend=backend)
    try:
        out = subprocess.run([os.environ.get("VTL_PYTHON", sys.executable), "-c", code],
                             capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None
    if out.returncode:
        return {"error": out.stderr.strip().splitlines()[-1] if out.stderr.strip() else "failed"}
    return json.loads(out.stdout.strip().splitlines()[-1])


VTL = r"""
import json, sys, time
sys.path.insert(0, {root!r})
from validate_vtl import run
print(json.dumps(run({path!r}, backend={backend!r})))
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="100000,1000000")
    ap.add_argument("--shacl", type=int, default=10000, help="observations for the pySHACL run")
    ap.add_argument("--shacl-limit", type=float, default=900, help="seconds before pySHACL is stopped")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--no-vtl", action="store_true")
    args = ap.parse_args()
    folder = tempfile.mkdtemp(prefix="iccs-bench-")
    load = os.getloadavg()
    print(f"load average at start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}; {os.cpu_count()} CPUs")
    fast = {}
    for size in [int(s) for s in args.sizes.split(",")] + [args.shacl]:
        path = os.path.join(folder, f"sub-{size}.csv")
        injected = generate(path, size)
        runs = [run_child(path) for _ in range(args.repeat)]
        med = statistics.median(r["seconds"] for r in runs)
        fast[size] = (path, med)
        r = runs[-1]
        print(f"\n{r['observations']:>9,} observations ({os.path.getsize(path) / 2**20:.0f} MiB): "
              f"iccs validate {med:.2f} s median of {args.repeat} "
              f"({', '.join('%.2f' % x['seconds'] for x in runs)}), CPU {statistics.median(x['cpu'] for x in runs):.2f} s "
              f"(whole process), peak RSS {max(x['rss_mb'] for x in runs):.0f} MiB")
        print("  findings by rule:", dict(sorted(r["by_rule"].items())))
        missed = {k: v for k, v in injected.items() if r["by_rule"].get(k, 0) < v}
        print("  injected errors all found" if not missed else f"  MISSED injected: {missed}")
    path, med = fast[args.shacl]
    shacl = run_child(path, engine="shacl", timeout=args.shacl_limit)
    if shacl is None:
        print(f"\npySHACL (same shapes, over the cube) on {args.shacl:,}: stopped after "
              f"{args.shacl_limit:.0f} s; ratio > {args.shacl_limit / med:.0f}x the fast engine ({med:.2f} s)")
    else:
        print(f"\npySHACL (same shapes) on {shacl['observations']:,}: {shacl['seconds']:.1f} s, "
              f"{shacl['seconds'] / med:.0f}x the fast engine ({med:.2f} s); findings {dict(sorted(shacl['by_rule'].items()))}")
    if not args.no_vtl:
        for size, (path, med) in fast.items():
            if size == args.shacl:
                continue
            for backend in (None, "duckdb"):
                v = vtl_child(path, timeout=args.shacl_limit, backend=backend)
                name = f"vtlengine ({backend or 'default'} backend)"
                if v is None:
                    print(f"{name} on {size:,}: stopped after {args.shacl_limit:.0f} s")
                elif "error" in v:
                    print(f"{name} on {size:,}: {v['error']}")
                else:
                    print(f"{name} on {size:,}, 3 checks (non-negative, hierarchy, duplicates): "
                          f"{v['seconds']:.2f} s = {v['seconds'] / med:.1f}x iccs validate with all rules "
                          f"({med:.2f} s); {v['found']}")
    load = os.getloadavg()
    print(f"\nload average at end: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()

"""How long `iccs map suggest` takes for 1,000 offences, start-up included, and how much memory.

Makes its own offence list (Spanish index terms of the ICCS with an article reference and a legal
sentence around them, so each row looks like a national catalogue's), then times the command as a
user runs it, in a fresh process each time:

- first run: an empty cache folder (the graph is compiled and the search index built);
- cached: the usual case, the cache filled by an earlier run;
- cached with 500 accepted decisions (the warm setting, with the calibration refitted on them);

against a bare `python -c pass` and `iccs show 0101` in the same run. Prints medians, ratios and
the peak resident memory of the child. The aim of issue 7: 1,000 offences in <= 5 s, <= 1 GB.

    python benchmarks/mapping.py [--rows 1000] [--repeat 5]
    python benchmarks/mapping.py --quality     # the evaluation figures and the ablation table

``--quality`` measures the suggestions instead, on the development set (Chile, Spanish: cold and
10-fold warm) and the English check set of ``data/mapping``, with the whole method and with each
kind of evidence or step taken out in turn (top-1 / top-5 / same section, in %).
"""
import argparse
import csv
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ICCS = os.path.join(os.path.dirname(sys.executable), "iccs")


def make_list(folder, n):
    sys.path.insert(0, ROOT)
    import iccs

    c = iccs.load()
    terms = [(cat.code, t) for cat in c for t in cat.index_terms("es")]
    rows, accepted = [], []
    for i in range(n):
        code, term = terms[(i * 7) % len(terms)]
        rows.append({"code": f"N{i:05d}", "label": term.upper(),
                     "description": f"ART. {100 + i % 400} INC. {1 + i % 3} El que cometiere {term.lower()} "
                                    f"será castigado con presidio menor en su grado medio.",
                     "family": "CRIMENES Y SIMPLES DELITOS"})
        if i % 2 == 0:
            accepted.append({"national_code": f"N{i:05d}", "iccs_code": code})
    offences = os.path.join(folder, "offences.csv")
    with open(offences, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    decisions = os.path.join(folder, "accepted.csv")
    with open(decisions, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["national_code", "iccs_code"])
        w.writeheader()
        w.writerows(accepted)
    return offences, decisions


def timed(cmd, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024  # MB (ru_maxrss is in kB on Linux)


ABLATIONS = [  # (name, Params changes, what else is switched off)
    ("whole method", {}, None),
    ("- index terms", {"kinds": {"index term": 0.0}}, None),
    ("- labels", {"kinds": {"label": 0.0}}, None),
    ("- inclusions", {"kinds": {"inclusion": 0.0}}, None),
    ("- definitions", {"kinds": {"definition": 0.0}}, None),
    ("- exclusions (for the target)", {"kinds": {"exclusion": 0.0}, "against": 0.0}, None),
    ("- exclusions (against the excluder)", {"against": 0.0}, None),
    ("- legal description", {"description_weight": 0.0}, None),
    ("- national chapter (family)", {"family_weight": 0.0, "family_prior": 0.0, "family_vote": 0.0}, None),
    ("- section context", {"context": 0.0}, None),
    ("- level choice (group for sibling classes)", {"siblings": 2.0}, None),
    ("- accepted neighbours", {"accepted_weight": 0.0, "tree_vote": 0.0}, None),
    ("- same article", {"article_weight": 0.0}, None),
    ("- tree votes (section/division)", {"tree_vote": 0.0, "family_vote": 0.0}, None),
    ("- adapting to the accepted decisions", {}, "adapt"),
    ("- stemming", {}, "stemming"),
    ("- boilerplate and reference removal", {}, "boilerplate"),
]


def quality():
    sys.path.insert(0, ROOT)
    import dataclasses
    from unittest import mock

    import iccs
    from iccs.mapping import corpus, evaluate, suggest, suggest_folds, text
    from iccs.mapping.model import Params

    c = iccs.load()

    def read(name):
        with open(os.path.join(ROOT, "data", "mapping", name), encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    dev, english = read("chile-ine-dev.csv"), read("english-check.csv")
    dev_gold = {r["national_code"]: r["iccs"] for r in dev}
    en_gold = {r["national_code"]: r["iccs"] for r in english}

    class Plain:  # a stemmer that leaves words as they are
        def stemWords(self, words):
            return list(words)

    def fig(e):
        return f"{100 * e.top1:5.1f} {100 * e.topk:5.1f} {100 * e.same_section:5.1f}"

    print(f"{'':45s} {'cold (es, Chile)':17s}   {'warm (10-fold)':17s}   {'English check':17s}")
    for name, change, off in ABLATIONS:
        base = Params()
        change = dict(change)
        if "kinds" in change:
            kinds = dict(base.kinds)
            kinds.update(change.pop("kinds"))
            change["kinds"] = tuple(kinds.items())
        p = dataclasses.replace(base, **change)
        patches = []
        if off == "stemming":
            patches.append(mock.patch.object(text, "_stemmer", lambda lang: Plain()))
        if off == "boilerplate":
            patches += [mock.patch.object(text, "BOILERPLATE", {"en": set(), "es": set()}),
                        mock.patch.object(text, "strip_references", lambda t: t)]
        if off and off != "adapt":  # the cached index holds stemmed, cleaned terms: build one apart
            patches.append(mock.patch.object(corpus, "load", lambda cl, lang: corpus.build(cl, lang)))
        for patch in patches:
            patch.start()
        try:
            cold = evaluate(dev_gold, suggest(dev, lang="es", params=p, classification=c))
            warm = evaluate(dev_gold, suggest_folds(dev, dev_gold, folds=10, lang="es", params=p,
                                                    classification=c, adapt=off != "adapt"))
            en = evaluate(en_gold, suggest(english, lang="en", params=p, classification=c))
        finally:
            for patch in patches:
                patch.stop()
        print(f"{name:45s} {fig(cold)}   {fig(warm)}   {fig(en)}", flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quality", action="store_true", help="evaluation figures and ablation instead")
    args = ap.parse_args()
    if args.quality:
        quality()
        return
    folder = tempfile.mkdtemp(prefix="iccs-bench-mapping-")
    try:
        offences, decisions = make_list(folder, args.rows)
        env = dict(os.environ, ICCS_CACHE_DIR=os.path.join(folder, "cache"))
        first = []
        for _ in range(max(1, args.repeat // 2)):
            shutil.rmtree(env["ICCS_CACHE_DIR"], ignore_errors=True)
            first.append(timed([ICCS, "map", "suggest", offences, "--top", "5"], env)[0])
        cases = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "iccs show 0101": [ICCS, "show", "0101"],
            f"map suggest {args.rows} (cached)": [ICCS, "map", "suggest", offences, "--top", "5"],
            f"map suggest {args.rows} + {args.rows // 2} accepted": [
                ICCS, "map", "suggest", offences, "--top", "5", "--accepted", decisions],
        }
        results = {}
        for name, cmd in cases.items():
            runs = [timed(cmd, env)[0] for _ in range(args.repeat)]
            results[name] = statistics.median(runs)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        base = results["python -c pass"]
        print(f"load average: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs")
        print(f"{'first run, empty cache':40s} {statistics.median(first):6.2f} s")
        for name, seconds in results.items():
            print(f"{name:40s} {seconds:6.2f} s  ({seconds / base:5.1f}x python -c pass)")
        print(f"peak resident memory of a child: {peak:.0f} MB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

"""How long `iccs map suggest` takes for 1,000 offences, start-up included, and how much memory.

Makes its own offence list (Spanish index terms of the ICCS with an article reference and a legal
sentence around them, so each row looks like a national catalogue's), then times the command as a
user runs it, in a fresh process each time:

- first run: an empty cache folder (the graph is compiled, the search index built, the sentence
  encoder parsed and kept);
- a new list: the usual first run on a list, the cache filled by an earlier run on another list
  (the list's texts must be encoded);
- the same list again (as after a review: its texts' vectors are remembered);
- a new list with 500 accepted decisions (the warm setting, with the calibration refitted);
- a new list whose offences have long legal texts (about 300 characters, as Chile's catalogue);
- a new list with ``--words-only`` (no sentence encoder);

against a bare `python -c pass` and `iccs show 0101` in the same run. Prints medians, ratios and
the peak resident memory of the child. The aim of issue 7: 1,000 offences in <= 5 s, <= 1 GB.

    python benchmarks/mapping.py [--rows 1000] [--repeat 5]
    python benchmarks/mapping.py --quality     # the evaluation figures and the ablation table
    python benchmarks/mapping.py --experiments # the second pass: ideas tried, none kept (docs/mapping.md)
    python benchmarks/mapping.py --index       # each edition's index held out fold by fold
    python benchmarks/mapping.py --busy        # the same on a machine whose cores are all taken

``--quality`` measures the suggestions instead, on the development set (Chile, Spanish: cold and
10-fold warm) and the English check set of ``data/mapping``, with the whole method and with each
kind of evidence or step taken out in turn (top-1 / top-5 / same section, in %).

``--busy`` keeps every core busy with other processes (one spinning loop per core) and times,
in this process, the encoding of 1,000 new offence texts with the encoder's BLAS threads fixed at
the number of cores (as before 0.3.3) and chosen by ``iccs.cpus.threads`` (the cores left free,
at least one), alternately; then the command on a new list, as above.

``--experiments`` measures, the same way, the ideas of the second pass at issue 7 that were tried
and not kept (each patched in here, so the library stays as it is): a list-level IDF on the
query, pseudo-relevance feedback, the offence's own name counted twice among accepted
decisions, votes of accepted offences under the same law, reciprocal-rank fusion of the ICCS
ranking with the accepted decisions' ranking, and a naive-Bayes section prior from the ICCS
texts and the accepted decisions.
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


LEGAL = ("Sanciona al que, sin estar autorizado y con ánimo de lucro, ejecutare los actos señalados en "
         "el inciso anterior, aun cuando no se hubiere producido el resultado que se proponía, y al que "
         "facilitare los medios para su comisión, con la pena de presidio menor en su grado medio.")


def make_list(folder, n, variant=0, long=False):
    """A national list of ``n`` offences and its accepted decisions (every second one). Each
    ``variant`` words its texts apart (a list the cache has not met); ``long`` gives each offence
    a legal text of about 300 characters, as Chile's catalogue has (the encoder reads 250)."""
    sys.path.insert(0, ROOT)
    import iccs

    c = iccs.load()
    terms = [(cat.code, t) for cat in c for t in cat.index_terms("es")]
    rows, accepted = [], []
    for i in range(n):
        code, term = terms[(i * 7) % len(terms)]
        description = (f"ART. {100 + i % 400} INC. {1 + i % 3} El que cometiere {term.lower()} "
                       f"en la lista {variant} será castigado con presidio menor en su grado medio.")
        if long:
            description = f"{description} {LEGAL}"
        rows.append({"code": f"N{i:05d}", "label": f"{term.upper()} ({variant})", "description": description,
                     "family": "CRIMENES Y SIMPLES DELITOS"})
        if i % 2 == 0:
            accepted.append({"national_code": f"N{i:05d}", "iccs_code": code})
    suffix = f"{variant}{'-long' if long else ''}"
    offences = os.path.join(folder, f"offences-{suffix}.csv")
    with open(offences, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    decisions = os.path.join(folder, f"accepted-{suffix}.csv")
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
    ("- meaning (sentence encoder)", {}, "meaning"),
    ("- the classifier of divisions by meaning", {"division": 0.0}, None),
    ("- the classifier of categories by meaning", {"category": 0.0}, None),
    ("- both classifiers", {"division": 0.0, "category": 0.0}, None),
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
    ("- a national residual to the parent of an ICCS residual", {"residual": False}, None),
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

    dev, english, french = read("chile-ine-dev.csv"), read("english-check.csv"), read("french-check.csv")
    dev_gold = {r["national_code"]: r["iccs"] for r in dev}
    en_gold = {r["national_code"]: r["iccs"] for r in english}
    fr_gold = {r["national_code"]: r["iccs"] for r in french}

    class Plain:  # a stemmer that leaves words as they are
        def stemWords(self, words):
            return list(words)

    def fig(e):
        return f"{100 * e.top1:5.1f} {100 * e.topk:5.1f} {100 * e.same_section:5.1f}"

    print(f"{'':45s} {'cold (es, Chile)':17s}   {'warm (10-fold)':17s}   {'English check':17s}   "
          f"{'French check':17s}")
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
            patches += [mock.patch.object(text, "BOILERPLATE", {lang: set() for lang in text.LANGS}),
                        mock.patch.object(text, "strip_references", lambda t: t)]
        if off in ("stemming", "boilerplate"):  # the cached index holds stemmed, cleaned terms: build one apart
            patches.append(mock.patch.object(corpus, "load", lambda cl, lang: corpus.build(cl, lang)))
        for patch in patches:
            patch.start()
        text._terms.cache_clear()  # terms are kept per text: not across a change of stemmer or stop words
        try:
            m = off != "meaning"
            cold = evaluate(dev_gold, suggest(dev, lang="es", params=p, classification=c, meaning=m))
            warm = evaluate(dev_gold, suggest_folds(dev, dev_gold, folds=10, lang="es", params=p,
                                                    classification=c, adapt=off != "adapt", meaning=m))
            en = evaluate(en_gold, suggest(english, lang="en", params=p, classification=c, meaning=m))
            fr = evaluate(fr_gold, suggest(french, lang="fr", params=p, classification=c, meaning=m))
        finally:
            for patch in patches:
                patch.stop()
            text._terms.cache_clear()
        print(f"{name:45s} {fig(cold)}   {fig(warm)}   {fig(en)}   {fig(fr)}", flush=True)


def index_held_out(folds=10):
    """Each edition's alphabetical index held out fold by fold (``iccs.mapping.folds.index_held_out``:
    issue 7's own suggestion for an English check), cold: the figures for all its terms, and for
    those whose words (stems, as the search reads them) are those of no other piece of their
    category (its label, an inclusion, another index term): terms the ICCS says once only."""
    sys.path.insert(0, ROOT)
    from collections import Counter

    import iccs
    from iccs.mapping import corpus, evaluate
    from iccs.mapping.folds import index_held_out as held_out
    from iccs.mapping.text import terms

    c = iccs.load()
    every = corpus.pieces(c)
    print(f"{'edition':8s} {'terms':>6s}  {'top-1':>6s} {'top-5':>6s} {'div.':>6s} {'sec.':>6s} {'MRR':>6s}")
    for lang in corpus.LANGS:
        offences, gold = held_out(c, lang, folds)
        said = Counter((p[0], tuple(sorted(terms(p[3], lang)))) for p in set(every) if p[2] == lang)
        unique = {o.national_code for o in offences
                  if said[gold[o.national_code], tuple(sorted(terms(o.label, lang)))] == 1}
        for name, subset in (("all", gold), ("once", {k: v for k, v in gold.items() if k in unique})):
            e = evaluate(subset, [o for o in offences if o.national_code in subset])
            print(f"{lang} {name:5s} {len(subset):6d}  {100 * e.top1:6.1f} {100 * e.topk:6.1f} "
                  f"{100 * e.same_division:6.1f} {100 * e.same_section:6.1f} {e.mrr:6.3f}", flush=True)


def experiments():
    """The second pass's ideas, each as a change patched over the method (see the module notes)."""
    sys.path.insert(0, ROOT)
    import collections
    import math
    from dataclasses import replace
    from unittest import mock

    import iccs
    from iccs.mapping import calibrate, model, suggest, suggest_folds, text
    from iccs.mapping import corpus as corpora
    from iccs.mapping.bm25 import Index
    from iccs.mapping.suggest import as_offence
    from iccs.mapping.text import _LAW, terms

    ranker = sys.modules["iccs.mapping.suggest"]
    c = iccs.load()
    plain = calibrate.Calibration((0.0, 1.0, 0.0, 0.0, 0.0, 0.0))  # ranks as the raw score does; no refit

    def read(name):
        with open(os.path.join(ROOT, "data", "mapping", name), encoding="utf-8", newline="") as f:
            return list(csv.DictReader(f))

    sets = {"es": read("chile-ine-dev.csv"), "en": read("english-check.csv")}
    golds = {lang: {r["national_code"]: r["iccs"] for r in rows} for lang, rows in sets.items()}

    def figures(ranked, gold):  # top-1, top-5, same section of code lists
        n = len(ranked)
        return (100 * sum(r[0] == gold[k] for k, r in ranked.items() if r) / n,
                100 * sum(gold[k] in r[:5] for k, r in ranked.items()) / n,
                100 * sum(r[0][:2] == gold[k][:2] for k, r in ranked.items() if r) / n)

    def codes(offences):
        return {o.national_code: [s.iccs_code for s in o.suggestions] for o in offences}

    def both(lang, params=None, top=5, **kw):
        rows, gold = sets[lang], golds[lang]
        cold = codes(suggest(rows, lang=lang, classification=c, params=params, calibration=plain, top=top, **kw))
        warm = codes(suggest_folds(rows, gold, folds=10, lang=lang, classification=c, params=params,
                                   calibration=plain, top=top, **kw))
        return cold, warm

    def show(name, results):
        cells = []
        for lang in ("es", "en"):
            cold, warm = results[lang]
            cells += [" ".join(f"{x:5.1f}" for x in figures(r, golds[lang])) for r in (cold, warm)]
        print(f"{name:50s} " + "   ".join(cells), flush=True)

    print(f"{'':50s} {'Chile cold':17s}   {'Chile warm':17s}   {'English cold':17s}   {'English warm':17s}")
    show("method as shipped", {lang: both(lang) for lang in sets})

    # 1. a list-level IDF: query words frequent in the list itself (INFRACCIÓN, LEY, OTROS) count less
    parts = model.parts
    damp = {}

    def damped(offence, lang, p):
        return [({t: n * damp.get(t, 1.0) for t, n in q.items()}, w) for q, w in parts(offence, lang, p)]

    for lang, rows in sets.items():
        df = collections.Counter(t for r in rows for t in set(terms(r["label"], lang) + terms(r["description"], lang)))
        damp.update({t: 1 / (1 + 5 * d / len(rows)) for t, d in df.items()})
    with mock.patch.object(model, "parts", damped), mock.patch.object(ranker, "parts", damped):
        show("+ list-level IDF on the query (1/(1+5 df/N))", {lang: both(lang) for lang in sets})

    # 2. pseudo-relevance feedback: the words of the 5 best ICCS pieces added to the query
    evidence = model.iccs_evidence

    def feedback(corpus, queries, p):
        hits = sorted(model.similarity(corpus.index, queries).items(), key=lambda kv: -kv[1]) if queries else []
        more = collections.Counter(t for i, _ in [h for h in hits if corpus.pieces[h[0]][1] != "exclusion"][:5]
                                   for t in terms(corpus.pieces[i][3], corpus.lang))
        return evidence(corpus, list(queries) + ([(dict(more), 0.3)] if more else []), p)

    with mock.patch.object(ranker, "iccs_evidence", feedback):
        show("+ pseudo-relevance feedback (5 pieces, 0.3)", {lang: both(lang) for lang in sets})

    # 3. accepted offences indexed with their name counted twice
    init = model.Memory.__init__

    def named_twice(self, decisions, lang):
        init(self, decisions, lang)
        self.index = Index([terms(o.label, lang) * 2 + terms(o.description, lang) for o, _ in self.decisions])

    with mock.patch.object(model.Memory, "__init__", named_twice):
        show("+ accepted offences: name counted twice", {lang: both(lang) for lang in sets})

    # 4. accepted offences under the same law (not the penal code) vote for section and division
    remember = model.Memory.evidence

    def law(o):
        m = _LAW.search(o.description or "") or _LAW.search(o.label or "")
        return m.group(1).replace(".", "") if m else ""

    def with_law(self, offence, p, exclude=None):
        found, votes = remember(self, offence, p, exclude)
        key, exclude = law(offence), exclude or offence.national_code
        same = collections.Counter(code for o, code in self.decisions
                                   if key and o.national_code != exclude and law(o) == key)
        for code, n in same.items():
            for prefix in {code[:2], code[:4]}:
                votes[prefix] = votes.get(prefix, 0.0) + 0.3 * n / sum(same.values())
        return found, votes

    with mock.patch.object(model.Memory, "evidence", with_law):
        show("+ same-law votes for section/division (0.3)", {lang: both(lang) for lang in sets})

    # 5. word pairs: each pair of adjacent terms indexed and asked as a term of its own
    words = text.terms

    def pairs(t, lang, boilerplate=True):
        ts = words(t, lang, boilerplate)
        return ts + [a + "_" + b for a, b in zip(ts, ts[1:])]

    with mock.patch.object(model, "terms", pairs), mock.patch.object(corpora, "terms", pairs), \
            mock.patch.object(ranker, "terms", pairs), mock.patch.object(corpora, "load", corpora.build):
        show("+ word pairs (adjacent terms) in index and query", {lang: both(lang) for lang in sets})

    # 6. the head of the offence's name: its first term counts 1.5 times
    def headed(offence, lang, p):
        out = parts(offence, lang, p)
        first = terms(offence.label, lang)[:1]
        if out and first:
            q, w = out[0]
            out[0] = ({t: n * (1.5 if t == first[0] else 1.0) for t, n in q.items()}, w)
        return out

    with mock.patch.object(model, "parts", headed), mock.patch.object(ranker, "parts", headed):
        show("+ first word of the name x1.5", {lang: both(lang) for lang in sets})

    # 7. reciprocal-rank fusion of three rankings: the whole method, the ICCS texts alone (cold),
    #    the accepted decisions alone
    memory_only = replace(model.Params(), kinds=tuple((k, 0.0) for k, _ in model.Params().kinds), context=0.0)
    fused, prior = {}, {}
    for lang, rows in sets.items():
        gold = golds[lang]
        cold, warm = both(lang, top=15)
        alone = codes(suggest_folds(rows, gold, folds=10, lang=lang, classification=c, params=memory_only,
                                    calibration=plain, adapt=False, top=15))
        out = {}
        for k in warm:
            score = collections.Counter()
            for ranking, w in ((warm[k], 1.0), (cold[k], 0.5), (alone[k], 0.5)):
                for r, code in enumerate(ranking, start=1):
                    score[code] += w / (1 + r)
            out[k] = [code for code, _ in score.most_common()]
        fused[lang] = (cold, out)
        n = len(warm)
        print(f"  {lang}: the gold code given to another offence of the set {100 * sum(sum(v == g for v in gold.values()) > 1 for g in gold.values()) / n:.1f}%; "
              f"first in the ICCS or the accepted ranking (an oracle choosing) "
              f"{100 * sum(gold[k] in (cold[k][:1] + alone[k][:1]) for k in warm) / n:.1f}%; "
              f"in the first 10 of either {100 * sum(gold[k] in cold[k][:10] + alone[k][:10] for k in warm) / n:.1f}%")

        # 8. naive Bayes over sections (ICCS pieces and the other folds' offences as training text)
        corpus = corpora.load(c, lang)
        base = collections.defaultdict(collections.Counter)
        for code, _, _, piece, _ in corpus.pieces:
            base[code[:2]].update(terms(piece, lang))
        offences = [as_offence(r, i) for i, r in enumerate(rows, start=1)]
        ranked = {}
        for f in range(10):
            counts = {s: collections.Counter(n) for s, n in base.items()}
            for i, o in enumerate(offences):
                if i % 10 != f:
                    counts[gold[o.national_code][:2]].update(terms(o.label, lang) + terms(o.description, lang))
            vocab = set().union(*counts.values())
            total = {s: sum(n.values()) for s, n in counts.items()}
            for i, o in enumerate(offences):
                if i % 10 != f:
                    continue
                q = [t for t in terms(o.label, lang) + terms(o.description, lang) + terms(o.family, lang) if t in vocab]
                log = {s: sum(math.log((counts[s][t] + 1) / (total[s] + len(vocab))) for t in q) for s in counts}
                top = max(log.values())
                z = sum(math.exp(v - top) for v in log.values())
                post = {s: math.exp(v - top) / z for s, v in log.items()}
                rank = {code: r for r, code in enumerate(warm[o.national_code])}
                ranked[o.national_code] = sorted(warm[o.national_code],
                                                 key=lambda code: rank[code] - 3 * post.get(code[:2], 0.0))
        prior[lang] = (cold, ranked)
    show("reciprocal-rank fusion (whole 1, ICCS .5, acc. .5)", fused)
    show("+ naive-Bayes section prior (warm only)", prior)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=1000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--quality", action="store_true", help="evaluation figures and ablation instead")
    ap.add_argument("--experiments", action="store_true", help="the second pass's ideas, measured")
    ap.add_argument("--index", action="store_true", help="each edition's index held out fold by fold")
    ap.add_argument("--busy", action="store_true", help="encoding and a new list with every core taken")
    args = ap.parse_args()
    if args.busy:
        busy(args.rows, args.repeat)
        return
    if args.index:
        index_held_out()
        return
    if args.experiments:
        experiments()
        return
    if args.quality:
        quality()
        return
    folder = tempfile.mkdtemp(prefix="iccs-bench-mapping-")
    try:
        n, repeat = args.rows, args.repeat
        env = dict(os.environ, ICCS_CACHE_DIR=os.path.join(folder, "cache"))
        lists = iter(range(10_000))

        def new_list(long=False):  # a list the cache has not met: its texts must be encoded
            return make_list(folder, n, next(lists), long)

        def suggest(offences, *more):
            return [ICCS, "map", "suggest", offences, "--top", "5", *more]

        first = []
        for _ in range(max(1, repeat // 2)):
            shutil.rmtree(env["ICCS_CACHE_DIR"], ignore_errors=True)
            first.append(timed(suggest(new_list()[0]), env)[0])
        same, _ = new_list()
        timed(suggest(same), env)
        cases = {  # name → a function giving the command of one run
            "python -c pass": lambda: [sys.executable, "-c", "pass"],
            "iccs show 0101": lambda: [ICCS, "show", "0101"],
            f"map suggest {n}, a new list": lambda: suggest(new_list()[0]),
            f"map suggest {n}, the same list again": lambda: suggest(same),
            f"map suggest {n} + {n // 2} accepted, new list": lambda: _with_accepted(new_list, suggest),
            f"map suggest {n}, new list, long legal texts": lambda: suggest(new_list(long=True)[0]),
            f"map suggest {n}, new list, --words-only": lambda: suggest(new_list()[0], "--words-only"),
        }
        results = {}
        for name, command in cases.items():
            runs = [timed(command(), env)[0] for _ in range(repeat)]
            results[name] = statistics.median(runs)
        peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        base = results["python -c pass"]
        print(f"load average: {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} CPUs; medians of {repeat}")
        print(f"{'first run, empty cache, a new list':48s} {statistics.median(first):6.2f} s")
        for name, seconds in results.items():
            print(f"{name:48s} {seconds:6.2f} s  ({seconds / base:5.1f}x python -c pass)")
        print(f"peak resident memory of a child: {peak:.0f} MB")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def busy(n, repeat):
    """``--busy``: with one spinning process per core, encoding ``n`` new texts on as many BLAS
    threads as cores against ``cpus.threads()``, in this process, alternately; then the
    command on a new list of ``n`` offences."""
    import multiprocessing

    sys.path.insert(0, ROOT)
    import iccs
    from iccs import cpus
    from iccs.mapping import encoder

    use = encoder.encoder()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in range(cores)]
    for p in spinners:
        p.start()
    folder = tempfile.mkdtemp(prefix="iccs-bench-busy-")
    try:
        time.sleep(1.0)
        words = [t.lower() for cat in iccs.load() for t in cat.index_terms("es")]
        times = {"all cores": [], "cpus.threads()": []}
        chosen = []
        for r in range(repeat):
            for name in times:
                texts = [f"{words[(i * 13 + r * 7) % len(words)]} ({name}, {r}, {i})" for i in range(n)]
                start = time.perf_counter()
                use._backend.threads = cores if name == "all cores" else cpus.threads()
                chosen.append(use._backend.threads)
                use.encode(texts)
                times[name].append(time.perf_counter() - start)
        print(f"{cores} cores, each busy with a spinning process; load average {os.getloadavg()[0]:.2f}; "
              f"medians of {repeat}")
        base = statistics.median(times["all cores"])
        for name, runs in times.items():
            m = statistics.median(runs)
            print(f"encode {n} new texts, BLAS threads {name:20s} {m:6.2f} s  ({m / base:4.2f}x)")
        print(f"threads chosen by cpus.threads(): {sorted(set(chosen[1::2]))}")
        env = dict(os.environ, ICCS_CACHE_DIR=os.path.join(folder, "cache"))
        lists = iter(range(10_000))
        runs = [timed([ICCS, "map", "suggest", make_list(folder, n, next(lists))[0], "--top", "5"], env)[0]
                for _ in range(repeat + 1)][1:]  # the first fills the cache
        print(f"{'map suggest ' + str(n) + ', a new list, every core busy':48s} {statistics.median(runs):6.2f} s")
    finally:
        for p in spinners:
            p.terminate()
        shutil.rmtree(folder, ignore_errors=True)


def _spin():
    while True:
        pass


def _with_accepted(new_list, suggest):
    offences, decisions = new_list()
    return suggest(offences, "--accepted", decisions)


if __name__ == "__main__":
    main()

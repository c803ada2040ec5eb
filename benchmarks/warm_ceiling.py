"""How far can accepted decisions take the warm setting on a labelled list? (issue 7)

The warm setting suggests each offence with the other folds' decisions accepted (10-fold, as
``iccs map suggest --gold FILE --folds 10``). Accepted decisions help an offence when the list
holds others like it that were given its code. This script measures how much of that there is
in a labelled list, and what the best use of it could give:

1. how many offences have a code that another offence of the list was given (no memory of
   decisions can find a code nobody chose), and the same for divisions and sections;
2. pairs of offences close in meaning (cosine of the encoder's vectors, ``meaning.py``) and how
   often they were given the same code;
3. each offence's nearest accepted offence in meaning, its code taken as the answer (k = 1, 3,
   5 weighted votes), fold by fold;
4. a generous bound: an offence counts as right when the cold suggestion is right *or* some
   accepted offence of the other folds at least ``t`` close in meaning has its code (an oracle
   that always knows which of the two to trust);
5. with ``--reranker``: the evidence of each candidate code split into eleven parts (the ICCS
   words, the accepted offences' evidence, their votes for the section and division, meaning,
   the two classifiers, the level and whether the code is a residual), and their weights fitted
   on each fold's accepted decisions (a conditional logit over the 30 best candidates of each,
   ranked with itself left out, with an L2 pull towards the shipped weights): what re-weighing
   every kind of evidence on the list's own decisions could give. The split ranks without the
   level choice and the residual rule, so its first line (the shipped weights) differs a little
   from ``iccs map suggest``.

    python benchmarks/warm_ceiling.py [--set data/mapping/chile-ine-dev.csv --lang es] [--reranker]
"""
import argparse
import csv
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)
FOLDS = 10


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", default=os.path.join(ROOT, "data", "mapping", "chile-ine-dev.csv"))
    ap.add_argument("--lang", default="es")
    ap.add_argument("--reranker", action="store_true", help="also fit the weights of each kind of evidence")
    args = ap.parse_args()

    from collections import Counter

    from iccs import load
    from iccs.mapping import meaning, suggest
    from iccs.mapping.folds import suggest_folds
    from iccs.mapping.suggest import as_offence

    c = load()
    with open(args.set, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    offences = [as_offence(r, i) for i, r in enumerate(rows, start=1)]
    gold = [c[r["iccs"]].code for r in rows]
    n = len(rows)
    pct = lambda k: f"{100 * k / n:.1f}%"  # noqa: E731
    print(f"{args.set}: {n} offences, {len(set(gold))} codes")

    for name, cut in (("code", None), ("division", 4), ("section", 2)):
        counts = Counter(g[:cut] for g in gold)
        print(f"1. its {name} given to another offence of the list: {pct(sum(counts[g[:cut]] > 1 for g in gold))}")

    vectors = meaning.offence_vectors(offences)
    close = vectors @ vectors.T
    print("2. pairs of offences close in meaning, and given the same code / section:")
    for t in (0.9, 0.8, 0.7, 0.6):
        pairs = [(i, j) for i in range(n) for j in range(i + 1, n) if close[i, j] >= t]
        same = sum(gold[i] == gold[j] for i, j in pairs)
        section = sum(gold[i][:2] == gold[j][:2] for i, j in pairs)
        print(f"   cosine >= {t}: {len(pairs)} pairs, same code {same}, same section {section}")

    def accepted(i):  # the offences of the other folds
        return [j for j in range(n) if j % FOLDS != i % FOLDS]

    print("3. the nearest accepted offences' code as the answer (top-1 / same section):")
    for k in (1, 3, 5):
        right = section = 0
        for i in range(n):
            votes = Counter()
            for j in sorted(accepted(i), key=lambda j: -close[i, j])[:k]:
                votes[gold[j]] += close[i, j]
            best = votes.most_common(1)[0][0]
            right += best == gold[i]
            section += best[:2] == gold[i][:2]
        print(f"   k = {k}: {pct(right)} / {pct(section)}")

    cold = suggest(offences, lang=args.lang, top=5)
    warm = suggest_folds(rows, {r["national_code"]: g for r, g in zip(rows, gold)}, FOLDS, lang=args.lang, top=5)
    first = lambda o: o.suggestions[0].iccs_code if o.suggestions else None  # noqa: E731
    cold_right = [first(o) == g for o, g in zip(cold, gold)]
    warm_right = [first(o) == g for o, g in zip(warm, gold)]
    print(f"4. top-1: cold {pct(sum(cold_right))}, warm {pct(sum(warm_right))}; right cold (warm) or an accepted"
          " offence at least t close in meaning has its code:")
    for t in (0.8, 0.7, 0.6, 0.5):
        known = [any(close[i, j] >= t and gold[j] == gold[i] for j in accepted(i)) for i in range(n)]
        print(f"   t = {t}: {pct(sum(a or b for a, b in zip(cold_right, known)))} "
              f"({pct(sum(a or b for a, b in zip(warm_right, known)))})")

    if args.reranker:
        reranker(c, offences, gold, args.lang)


def reranker(c, offences, gold, lang, candidates=30, l2=0.1, steps=300, rate=0.5):
    """Point 5 of the module's docstring."""
    import numpy as np

    from iccs.mapping import corpus as corpora
    from iccs.mapping.meaning import bonus
    from iccs.mapping.model import Memory, Params, iccs_evidence, is_residual_category, own_scores, parts, with_context
    from iccs.mapping.suggest import _near

    p = Params()
    corpus = corpora.load(c, lang if lang in corpora.LANGS else "en")
    near = _near(c, None, offences, (), {}, True)
    names = ["ICCS words", "accepted", "votes", "meaning", "division", "category", "section", "division level",
             "group level", "class level", "residual"]
    shipped = np.array([1, 1, 1, 1, p.division, p.category, 0, 0, 0, 0, 0], float)

    def parts_of(o, memory, exclude=None):  # code → the eleven parts of its evidence
        evidence = iccs_evidence(corpus, parts(o, lang, p), p)
        words = with_context(own_scores(evidence, p), p)
        scale = max(words.values(), default=0.0) or 1.0
        found, votes = memory.evidence(o, p, exclude=exclude)
        taken = {code: sum(d * e[0] for d, e in zip(p.decay, ev)) for code, ev in found.items()}
        close = near(o)
        points = bonus(close, p.decay) if close else {}
        division, category = near.classes(o, "division"), near.classes(o, "category")
        codes = {k for k, v in words.items() if v > 0} | set(taken) | set(points) \
            | {k for k, v in category.items() if v > 0.01}
        return {k: np.array([words.get(k, 0.0) / scale, taken.get(k, 0.0) / scale,
                             (votes.get(k[:2], 0.0) + (votes.get(k[:4], 0.0) if len(k) > 2 else 0.0)) / scale,
                             points.get(k, 0.0), division.get(k[:4], 0.0), category.get(k, 0.0),
                             len(k) == 2, len(k) == 4, len(k) == 5, len(k) == 6,
                             is_residual_category(c[k])], float)
                for k in codes if k in c}

    def best(f, w, k):
        codes = list(f)
        s = np.array([f[code] for code in codes]) @ w
        return [codes[i] for i in np.argsort(-s)[:k]]

    def fit(examples):
        w = shipped.copy()
        data = [(np.array([f[k] for k in ks]), ks.index(g)) for f, ks, g in examples]
        for _ in range(steps):
            grad = l2 * (w - shipped)
            for x, right in data:
                s = x @ w
                e = np.exp(s - s.max())
                grad += (x.T @ (e / e.sum()) - x[right]) / len(data)
            w -= rate * grad
        return w

    n = len(offences)
    ranked = {"shipped weights": {}, "weights fitted on the fold's decisions": {}}
    fitted = []
    for fold in range(FOLDS):
        decisions = [(o, g) for i, (o, g) in enumerate(zip(offences, gold)) if i % FOLDS != fold]
        memory = Memory(decisions, lang)
        examples = []
        for o, g in decisions:
            f = parts_of(o, memory, exclude=o.national_code)
            ks = best(f, shipped, candidates)
            if g in ks:
                examples.append((f, ks, g))
        w = fit(examples)
        fitted.append(w)
        for i in range(fold, n, FOLDS):
            f = parts_of(offences[i], memory)
            ranked["shipped weights"][i] = best(f, shipped, 5)
            ranked["weights fitted on the fold's decisions"][i] = best(f, w, 5)
    print("5. the evidence re-weighed on each fold's accepted decisions (top-1 / top-5 / same section):")
    for name, r in ranked.items():
        t1 = sum(r[i][:1] == [gold[i]] for i in range(n)) / n
        t5 = sum(gold[i] in r[i] for i in range(n)) / n
        sec = sum(bool(r[i]) and r[i][0][:2] == gold[i][:2] for i in range(n)) / n
        print(f"   {name:40s} {100 * t1:.1f} / {100 * t5:.1f} / {100 * sec:.1f}")
    print("   mean fitted weights: " + ", ".join(f"{k} {v:.2f}" for k, v in zip(names, np.mean(fitted, axis=0))))


if __name__ == "__main__":
    main()

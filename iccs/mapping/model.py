"""How an offence is scored against the ICCS: evidence gathered, summed per code, carried up the tree.

1. The offence's label, legal description and national chapter become a weighted BM25 query
   (label words count most). Each piece of ICCS evidence that matches scores its share of the
   query (0 to about 1), times the weight of its kind.
2. Per code, the best pieces add up with falling weights (a second matching index term helps, a
   tenth hardly). An exclusion item that matches is evidence for the code it names and against
   the category that excludes it.
3. The ICCS is coded at the most detailed level that fits: one strong class stays first; when
   the two best candidates are classes of the same group with nearly the same score, the offence
   spans them and the group goes first (``choose_level``).
4. With accepted decisions (``Memory``), similar national offences, the same national chapter
   and the same article add evidence for the codes they were given.
"""
from dataclasses import dataclass

from .text import article_key, terms
from .types import Evidence


@dataclass(frozen=True)
class Params:
    label_weight: float = 1.0
    description_weight: float = 0.4
    family_weight: float = 0.15
    kinds: tuple = (("label", 1.0), ("index term", 1.0), ("inclusion", 1.0), ("definition", 0.5),
                    ("exclusion", 0.5))
    decay: tuple = (1.0, 0.5, 0.25)  # weights of a code's best, second, third pieces
    against: float = 0.0  # how much a matching exclusion counts against the excluding category
    siblings: float = 0.9  # a runner-up sibling this close to the first: suggest their parent
    spread: float = 0.2  # share of the runner-up's score the parent adds to the first's
    neighbours: int = 5  # accepted offences that vote
    accepted_weight: float = 0.5
    family_prior: float = 0.3
    article_weight: float = 0.6


def query(offence, lang, p):
    q = {}
    for text, w in ((offence.label, p.label_weight), (offence.description, p.description_weight),
                    (offence.family, p.family_weight)):
        for t in terms(text, lang):
            q[t] = q.get(t, 0.0) + w
    return q


def iccs_evidence(corpus, q, p):
    """code → list of Evidence from the ICCS texts, best first."""
    mass = corpus.index.mass(q)
    if not mass:
        return {}
    kinds = dict(p.kinds)
    found = {}
    for i, s in corpus.index.scores(q).items():
        code, kind, lang, text, via = corpus.pieces[i]
        found.setdefault(code, []).append(Evidence(kind, text, lang, via, kinds[kind] * s / mass))
    for ev in found.values():
        ev.sort(key=lambda e: -e.weight)
    return found


def own_scores(evidence, p):
    scores = {code: sum(d * e.weight for d, e in zip(p.decay, ev)) for code, ev in evidence.items()}
    for ev in evidence.values():
        for e in ev:
            if e.kind == "exclusion" and e.via:
                scores[e.via] = scores.get(e.via, 0.0) - p.against * e.weight
    return scores


def choose_level(classification, ranked, p):
    """The ICCS is coded at the most detailed level that fits: when the best candidates are
    sibling categories (the same parent) and the runner-up scores within ``p.siblings`` of the
    first, the offence spans them, and their parent goes first (scored as the first plus a share
    of the second). ``ranked``: (code, score) best first; returns the list reordered."""
    if len(ranked) < 2:
        return ranked
    (first, s1), (second, s2) = ranked[0], ranked[1]
    a, b = classification.get(first), classification.get(second)
    if a is None or b is None or a.parent is None or a.parent != b.parent or s2 < p.siblings * s1:
        return ranked
    parent = a.parent.code
    rest = [(c, s) for c, s in ranked if c != parent]
    return [(parent, s1 + p.spread * s2)] + rest


def _ancestors(classification, code):
    cat = classification.get(code)
    return cat.ancestors if cat is not None else []


class Memory:
    """Accepted decisions as evidence: national offences already mapped, indexed like the ICCS."""

    def __init__(self, decisions, lang):
        from .bm25 import Index

        self.decisions = list(decisions)  # Offence with .suggestions[0].iccs_code set, or (offence, code)
        self.lang = lang
        self.index = Index([terms(o.label, lang) + terms(o.description, lang) for o, _ in self.decisions])
        self.family = {}
        self.article = {}
        for o, code in self.decisions:
            if o.family:
                self.family.setdefault(o.family.casefold(), []).append(code)
            key = article_key(o.description, o.label)
            if key:
                self.article.setdefault(key, []).append((o, code))

    def evidence(self, offence, p, exclude=None):
        """code → list of Evidence (kind 'accepted'), ``exclude`` a national code left out."""
        found = {}
        if not self.decisions:
            return found
        q = {}
        for t in terms(offence.label, self.lang):
            q[t] = q.get(t, 0.0) + p.label_weight
        for t in terms(offence.description, self.lang):
            q[t] = q.get(t, 0.0) + p.description_weight
        mass = self.index.mass(q)
        if mass:
            hits = sorted(self.index.scores(q).items(), key=lambda kv: -kv[1])
            n = 0
            for i, s in hits:
                o, code = self.decisions[i]
                if o.national_code == exclude:
                    continue
                found.setdefault(code, []).append(
                    Evidence("accepted", o.label, self.lang, o.national_code, p.accepted_weight * s / mass))
                n += 1
                if n >= p.neighbours:
                    break
        same = [c for c in self.family.get(offence.family.casefold(), [])] if offence.family else []
        if same:
            for code in set(same):
                share = same.count(code) / len(same)
                found.setdefault(code, []).append(Evidence(
                    "accepted", f"{same.count(code)} of {len(same)} accepted offences of family "
                    f"'{offence.family}'", self.lang, None, p.family_prior * share))
        key = article_key(offence.description, offence.label)
        if key:
            others = [(o, c) for o, c in self.article.get(key, []) if o.national_code != exclude]
            for code in {c for _, c in others}:
                share = sum(1 for _, c in others if c == code) / len(others)
                found.setdefault(code, []).append(Evidence(
                    "accepted", f"same article ({key}) as accepted offences", self.lang, None,
                    p.article_weight * share))
        for ev in found.values():
            ev.sort(key=lambda e: -e.weight)
        return found

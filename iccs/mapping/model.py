"""How an offence is scored against the ICCS: evidence gathered, summed per code, the level chosen.

1. The offence's label, legal description and national chapter are three BM25 queries, each
   normalised apart and weighted (label words count most). Each piece of ICCS evidence that
   matches scores its share of the queries, times the weight of its kind (``iccs_evidence``).
2. Per code, the best pieces add up with falling weights (a second matching index term helps, a
   tenth hardly); a code whose section holds much of the evidence gains a little
   (``with_context``). An exclusion item that names the offence (most of its words are in the
   offence) is evidence for the code it sends the offence to and against the category that
   excludes it (``own_scores``).
3. The ICCS is coded at the most detailed level that fits: when the two best candidates are
   classes of one group, nearly tied, each matching words of the offence the other does not, the
   offence spans them and the group goes first (``choose_level``).
4. With accepted decisions (``Memory``), similar national offences, the same national chapter
   and the same article add evidence for the codes they were given, and vote for the section
   and division those codes are in.
"""
import heapq
from collections import Counter
from dataclasses import dataclass, replace

from .text import article_key, terms


@dataclass(frozen=True)
class Params:
    label_weight: float = 1.0
    description_weight: float = 0.6
    family_weight: float = 0.15
    kinds: tuple = (("label", 1.0), ("index term", 1.0), ("inclusion", 1.0), ("definition", 0.5),
                    ("exclusion", 0.5))
    decay: tuple = (1.0, 0.5, 0.25)  # weights of a code's best, second, third pieces
    strong: float = 0.75  # an exclusion item names the offence when the offence has this share of its words
    against: float = 0.5  # how much a matching exclusion counts against the excluding category
    context: float = 0.2  # weight of the share of all evidence that falls in the code's section
    siblings: float = 0.9  # a runner-up sibling this close to the first: suggest their parent
    spread: float = 0.2  # share of the runner-up's score the parent adds to the first's
    neighbours: int = 5  # accepted offences that vote
    accepted_weight: float = 0.5
    family_prior: float = 0.3
    article_weight: float = 0.6
    tree_vote: float = 0.3  # a neighbour's vote for every code of its section and division
    family_vote: float = 0.3  # the family's
    division: float = 1.0  # points per unit of probability of a code's division by meaning (classify.py)
    category: float = 0.75  # the same, of the code itself
    residual: bool = True  # a national chapter's residual: the parent of an ICCS residual first


def parts(offence, lang, p):
    """The offence as weighted queries (term → count): its label, description and family, each
    normalised apart, so that a long legal text does not drown the name of the offence."""
    out = []
    for text, w in ((offence.label, p.label_weight), (offence.description, p.description_weight),
                    (offence.family, p.family_weight)):
        q = {}
        for t in terms(text, lang):
            q[t] = q.get(t, 0.0) + 1.0
        if q and w:
            out.append((q, w))
    return out


def similarity(index, queries):
    """Document → weighted sum over the queries of its BM25 score as a share of the query's mass."""
    total = {}
    for q, w in queries:
        mass = index.mass(q)
        if not mass:
            continue
        for i, s in index.scores(q).items():
            total[i] = total.get(i, 0.0) + w * s / mass
    return total


def iccs_evidence(corpus, queries, p):
    """code → list of evidence from the ICCS texts, best first: tuples (weight, kind, text, lang,
    via), made into :class:`Evidence` only for what is shown."""
    kinds = dict(p.kinds)
    found = {}
    asked = set().union(*(q for q, _ in queries)) if queries else set()
    for i, s in similarity(corpus.index, queries).items():
        code, kind, lang, text, via = corpus.pieces[i]
        if kind == "exclusion":  # it says something only when it names the offence
            phrase = corpus.phrases[i]
            if sum(1 for t in phrase if t in asked) < p.strong * len(phrase):
                continue
        found.setdefault(code, []).append((kinds[kind] * s, kind, text, lang, via))
    for ev in found.values():
        ev.sort(key=_weight, reverse=True)
    return found


def _weight(e):
    return e[0]


def _weight_of_hit(hit):
    return hit[1]


def _tally(group):
    """(codes counted, national code → its codes) of a group of accepted decisions."""
    by_national = {}
    for o, code in group:
        by_national.setdefault(o.national_code, []).append(code)
    return Counter(code for _, code in group), by_national


def _without(tally, national_code):
    """The codes counted in a group, less those of ``national_code`` (left out of its own evidence)."""
    if tally is None:
        return Counter()
    counts, by_national = tally
    own = by_national.get(national_code)
    if not own:
        return counts
    counts = Counter(counts)
    counts.subtract(own)
    return Counter({code: n for code, n in counts.items() if n > 0})


def own_scores(evidence, p):
    """code → its best pieces summed with falling weights; an exclusion item that names the
    offence (``iccs_evidence`` keeps no other) counts against the category excluding it."""
    scores = {code: sum(d * e[0] for d, e in zip(p.decay, ev)) for code, ev in evidence.items()}
    for ev in evidence.values():
        for e in ev:
            if e[1] == "exclusion" and e[4]:
                scores[e[4]] = scores.get(e[4], 0.0) - p.against * e[0]
    return scores


def with_context(own, p):
    """Each code's score plus ``p.context`` times the share of all evidence in its section: a
    candidate whose neighbours in the tree also match is more likely than a lone match."""
    if not p.context:
        return own
    sections = {}
    for code, s in own.items():
        if s > 0:
            sections[code[:2]] = sections.get(code[:2], 0.0) + s
    total = sum(sections.values()) or 1.0
    return {code: s + p.context * sections.get(code[:2], 0.0) / total for code, s in own.items()}


def choose_level(classification, ranked, p, matched=None, shared=None):
    """The ICCS is coded at the most detailed level that fits: when the two best candidates are
    sibling categories (the same parent, below a section), the runner-up scores within
    ``p.siblings`` of the first, and each matched words of the offence that the other did not
    (``matched``: code → set of the offence's terms its evidence matched), the offence spans
    them, and their parent goes first (scored as the first plus a share of the second). Two
    siblings matching the same words are a doubt between them, not an offence that spans both.
    ``shared``: code → points every category of its division has alike (the classifier of
    divisions' ``suggest.rank``), left out of the comparison: they do not tell siblings apart.
    ``ranked``: (code, score) best first; returns the list reordered."""
    if len(ranked) < 2:
        return ranked
    (first, s1), (second, s2) = ranked[0], ranked[1]
    a, b = classification.get(first), classification.get(second)
    alike = shared(first) if shared is not None else 0.0  # siblings are of one division
    if a is None or b is None or a.parent is None or a.parent != b.parent \
            or s2 - alike < p.siblings * (s1 - alike):
        return ranked
    if a.parent.parent is None:  # two divisions of a section: too far apart to merge
        return ranked
    if matched is not None:
        words_a, words_b = matched(first), matched(second)
        if not (words_a - words_b and words_b - words_a):
            return ranked
    parent = a.parent.code
    rest = [(c, s) for c, s in ranked if c != parent]
    return [(parent, s1 + p.spread * s2)] + rest


def residual_parent(classification, ranked):
    """The residual of a national chapter ("Otros delitos contra la propiedad" in "Delitos contra
    la propiedad": ``text.chapter_residual``) holds acts of unknown kinds. When the best
    candidate for it is an ICCS residual category ("Other acts against property only": acts that
    no sibling holds), which the ICCS asks to use "as sparingly as possible", the category above
    it, which holds the siblings too, takes its place and its score. Not when that category is a
    residual itself ("Other criminal acts not elsewhere classified" above 1109).
    ``ranked``: (code, score) best first; returns it changed so."""
    if not ranked:
        return ranked
    first, score = ranked[0]
    node = classification.get(first)
    if node is None or node.parent is None or not is_residual_category(node) \
            or is_residual_category(node.parent):
        return ranked
    parent = node.parent.code
    return [(parent, score)] + [(c, s) for c, s in ranked[1:] if c != parent]


def is_residual_category(node):
    """Whether an ICCS category is a residual one: "Other acts of fraud", "Other criminal acts not
    elsewhere classified" (its English label starts "Other")."""
    return node.label("en").startswith("Other")


class Memory:
    """Accepted decisions as evidence: national offences already mapped, indexed like the ICCS."""

    def __init__(self, decisions, lang):
        from .bm25 import Index

        self.decisions = list(decisions)  # (Offence, ICCS code)
        self.lang = lang
        self.index = Index([terms(o.label, lang) + terms(o.description, lang) for o, _ in self.decisions])
        self.national = [o.national_code for o, _ in self.decisions]
        family, article = {}, {}
        for o, code in self.decisions:
            if o.family:
                family.setdefault(o.family.casefold(), []).append((o, code))
            key = article_key(o.description, o.label)
            if key:
                article.setdefault(key, []).append((o, code))
        # the codes chosen in each family and article, counted once here, not for every offence
        self.family = {k: _tally(group) for k, group in family.items()}
        self.article = {k: _tally(group) for k, group in article.items()}

    def evidence(self, offence, p, exclude=None):
        """``(found, votes)``: code → list of evidence tuples (kind 'accepted'), and ICCS section and
        division → weight of the accepted offences like this one that fall there (the
        neighbours and the family: they say where in the tree to look even when the exact code
        differs). ``exclude``: a national code left out (for leave-one-out)."""
        found, votes = {}, {}

        def add(code, evidence):
            found.setdefault(code, []).append(evidence)

        def vote(code, weight):
            for prefix in {code[:2], code[:4]}:
                votes[prefix] = votes.get(prefix, 0.0) + weight

        exclude = exclude or offence.national_code
        queries = parts(offence, self.lang, replace(p, family_weight=0.0))
        national = self.national
        hits = heapq.nlargest(p.neighbours, ((i, s) for i, s in similarity(self.index, queries).items()
                                             if national[i] != exclude), key=_weight_of_hit)
        for i, s in hits:
            o, code = self.decisions[i]
            add(code, (p.accepted_weight * s, "accepted", o.label, self.lang, o.national_code))
            vote(code, p.tree_vote * s)
        same = _without(self.family.get(offence.family.casefold()), exclude) if offence.family else Counter()
        size = sum(same.values())
        for code, count in same.items():
            add(code, (p.family_prior * count / size, "accepted",
                       f"{count} of {size} accepted offences of family '{offence.family}'", self.lang, None))
            vote(code, p.family_vote * count / size)
        key = article_key(offence.description, offence.label)
        others = _without(self.article.get(key), exclude) if key else Counter()
        size = sum(others.values())
        for code, count in others.items():
            add(code, (p.article_weight * count / size, "accepted",
                       f"same article ({key}) as accepted offences", self.lang, None))
        for ev in found.values():
            ev.sort(key=_weight, reverse=True)
        return found, votes

"""``suggest``: ranked ICCS codes for each offence of a national list, with the evidence for each."""
from .calibrate import MIN_DECISIONS, features, sample
from .model import (
    Memory,
    Params,
    choose_level,
    iccs_evidence,
    is_residual_category,
    own_scores,
    parts,
    residual_parent,
    with_context,
)
from .text import chapter_residual, detect_lang, is_residual, terms
from .types import Evidence, Offence, Suggestion

EVIDENCE_SHOWN = 3
DECIDED = "decided in the accepted table"


def as_offence(row, line=0):
    """An Offence from a dict (``national_code`` or ``code``, ``label``, ``description``,
    ``family``) or an Offence."""
    if isinstance(row, Offence):
        return row
    get = row.get
    return Offence(national_code=str(get("national_code", get("code", "")) or "").strip(),
                   label=str(get("label", "") or "").strip(),
                   description=str(get("description", "") or "").strip(),
                   family=str(get("family", "") or "").strip(), line=getattr(row, "line", line))


def suggest(rows, top=5, lang="auto", accepted=(), classification=None, params=None,
            calibration=None, progress=None, adapt=True, meaning=True, encoding=None, texts=None):
    """Rank ICCS codes for each national offence.

    ``rows``: dicts (``national_code``/``code``, ``label``, optional ``description``, ``family``)
    or :class:`Offence` objects. ``accepted``: reviewed decisions, dicts with ``national_code``,
    ``iccs_code`` and, for codes not among ``rows``, ``label`` (and optional ``description``,
    ``family``); they are evidence for the rest, and the rows they cover come back ``decided``.
    ``lang``: the list's language, 'en', 'es', 'fr' or 'auto' (from the texts); the ICCS has no
    French edition, so a French list is matched by meaning against both editions and by its
    words against the English one, and is given English labels. ``progress``: called with the number of
    offences done after each one. Returns the offences with ``suggestions`` filled, in input order;
    each suggestion's ``score`` is a calibrated probability that it is the right code.
    ``adapt``: with 30 accepted decisions or more, scale their weight by how well they predict
    the others (``balance``) and refit the calibration on them; ``params`` and ``calibration``
    fix the weights and the calibration instead. ``meaning``: also rank by the multilingual
    sentence encoder (``meaning.py``); False ranks by the words of the ICCS texts alone.
    ``encoding``: called with (texts encoded, texts to encode) while the encoder reads the texts
    it has not met before, which it does before the ranking. ``texts``: the ICCS texts to search,
    edition → ``corpus.Corpus``, instead of both editions' in full (``folds.index_held_out``); a
    list in a language without an edition in them is matched by its words against the English
    edition's texts if given, else against the first given.
    """
    from .. import load
    from . import calibrate
    from . import corpus as corpora

    c = classification or load()
    p = params or Params()
    offences = [as_offence(r, i) for i, r in enumerate(rows, start=1)]
    if lang == "auto":
        lang = detect_lang(o.label + " " + o.description for o in offences[:200])
    searched = corpora.LANGS if texts is None else tuple(texts)
    if not searched:
        raise ValueError("texts: no edition to search")
    # the ICCS has no French edition: English labels and words, or the one edition given
    edition = lang if lang in searched else "en" if "en" in searched else searched[0]
    corpus = corpora.load(c, edition) if texts is None else texts[edition]
    decisions = resolve_accepted(accepted, offences, c)
    decided = {}
    for o, code in decisions:  # an offence mapped in part to several codes: the first
        decided.setdefault(o.national_code, code)
    learn = adapt and len(decisions) >= MIN_DECISIONS  # rank a sample of the decisions
    near = _near(c, texts, offences, sample(decisions) if learn else (), decided, meaning, encoding)
    memory = Memory(decisions, lang) if decisions else None
    if memory is not None and adapt:
        p = balance(decisions, corpus, c, p, memory, lang, near)
    model = calibration
    if model is None and memory is not None and adapt:
        model = calibrate.from_decisions(
            decisions, lambda o: rank(o, corpus, c, p, memory, top, lang, None, exclude=o.national_code,
                                      near=near))
    if model is None:
        model = calibrate.default(bool(memory), near.active)
    for n, o in enumerate(offences, start=1):
        if o.national_code in decided:
            code = decided[o.national_code]
            o.decided = True
            o.suggestions = [Suggestion(1, code, c[code].label(edition), 1.0,
                                        [Evidence("accepted", DECIDED, lang, None)])]
        else:
            o.suggestions = rank(o, corpus, c, p, memory, top, lang, model, near=near)
        if progress:
            progress(n)
    return offences


def _near(classification, texts, offences, decisions, decided, wanted, progress=None):
    """A :class:`Near` for the offences to rank and the accepted ``decisions`` that are ranked
    too (to weigh and calibrate them), encoded in one batch, against the ICCS ``texts`` (edition
    → corpus; None: both editions in full); an inactive one, that finds nothing, when the encoder
    is not wanted or not installed."""
    from . import encoder, meaning

    if not wanted or not encoder.available():
        return Near({}, active=False)
    todo = [o for o in offences if o.national_code not in decided] + [o for o, _ in decisions]
    unique = list({id(o): o for o in todo}.values())
    if not unique:
        return Near({})
    classifiers = {}
    if texts is None:  # the shipped texts, which the classifiers were trained on
        from . import classify
        from . import corpus as corpora

        texts = {edition: corpora.load(classification, edition) for edition in corpora.LANGS}
        made = classify.digest([p for corpus in texts.values() for p in corpus.pieces])
        for level in classify.LEVELS:
            classifier = classify.load(level)
            if classifier is not None and classifier.digest == made:  # else trained on other texts
                classifiers[level] = classifier
    space = meaning.Meaning(list(texts.values()))
    vectors = meaning.offence_vectors(unique, progress)
    keys = [id(o) for o in unique]
    found = space.nearest_many(vectors)
    classes = {level: dict(zip(keys, c.probabilities(vectors))) for level, c in classifiers.items()}
    return Near(dict(zip(keys, found)), classes=classes)


class Near:
    """What the sentence encoder says of each offence: ``near(o)`` its ICCS codes close in
    meaning (``Meaning.nearest``), {} for an offence it was not given; ``near.classes(o, level)``
    the probability of each ICCS division or category (level 'division', 'category') by the
    classifiers of ``classify.py``, {} when they are not used (ICCS texts other than the shipped
    ones: they were trained on those). ``active``: whether the encoder is used at all (the
    calibration differs)."""

    def __init__(self, found, active=True, classes=None):
        self.found, self.active, self.by_level = found, active, classes or {}

    def __call__(self, o):
        return self.found.get(id(o), {})

    def classes(self, o, level):
        return self.by_level.get(level, {}).get(id(o), {})


def balance(decisions, corpus, classification, p, memory, lang, near=None):
    """Params whose weights of accepted evidence follow how well it predicts this list: on a
    sample of the decisions, each left out in turn, how often the ICCS texts alone and the other
    decisions alone put the right code first; the accepted weights are scaled by the ratio
    (between 1/4 and 2). Where the national texts echo the ICCS, its texts keep the lead; where
    the list's own language differs, its earlier decisions take it."""
    from dataclasses import replace

    if len(decisions) < MIN_DECISIONS:
        return p
    near = near or Near({}, active=False)
    alone = replace(p, kinds=tuple((k, 0.0) for k, _ in p.kinds))
    right_iccs = right_memory = 0
    for o, code in sample(decisions):
        first = rank(o, corpus, classification, p, None, 1, lang, None, near=near)
        right_iccs += bool(first) and first[0].iccs_code == code
        first = rank(o, corpus, classification, alone, memory, 1, lang, None, exclude=o.national_code)
        right_memory += bool(first) and first[0].iccs_code == code
    m = min(2.0, max(0.25, (right_memory + 1) / (right_iccs + 1)))
    return replace(p, accepted_weight=p.accepted_weight * m, tree_vote=p.tree_vote * m,
                   family_vote=p.family_vote * m, family_prior=p.family_prior * m,
                   article_weight=p.article_weight * m)


def resolve_accepted(accepted, offences, classification):
    """(Offence, code) of each accepted decision; its text from the input rows when they hold its
    national code, else from the decision's own label."""
    by_code = {o.national_code: o for o in offences}
    out = []
    for d in accepted or ():
        if isinstance(d, tuple):
            out.append(d)
            continue
        code = classification[d["iccs_code"]].code
        o = by_code.get(str(d["national_code"]).strip())
        if o is None:
            o = as_offence(d)
        out.append((o, code))
    return out


def rank(offence, corpus, classification, p, memory=None, top=5, lang="en", model=None,
         exclude=None, near=None):
    """The ``top`` suggestions for one offence. ``near``: a :class:`Near`; the offence's codes
    close in meaning add their points to the evidence scores, scaled so that the best of the
    ICCS words is 1 (the best of all when the words found nothing)."""
    evidence = iccs_evidence(corpus, parts(offence, lang, p), p)
    votes, scale = {}, 0.0
    if memory is not None:
        # the best score of the ICCS words alone: the scale of the points of meaning, so that
        # accepted decisions keep the weight they have against the words (``balance``)
        scale = max(with_context(own_scores(evidence, p), p).values(), default=0.0)
        found, remembered = memory.evidence(offence, p, exclude=exclude)
        for prefix, w in remembered.items():
            votes[prefix] = votes.get(prefix, 0.0) + w
        for code, ev in found.items():
            merged = evidence.setdefault(code, [])
            merged.extend(ev)
            merged.sort(key=lambda e: e[0], reverse=True)
    own = with_context(own_scores(evidence, p), p)
    if votes:
        own = {code: s + votes.get(code[:2], 0.0) + (votes.get(code[:4], 0.0) if len(code) > 2 else 0.0)
               for code, s in own.items()}
    top_score = max(own.values(), default=0.0)
    scale = scale if scale > 0 else top_score
    if scale > 0:  # the best of the words is 1: offences with much and little text alike
        own = {code: s / scale for code, s in own.items()}
    close = near(offence) if near is not None else {}
    if close:
        own = with_meaning(own, evidence, close, classification, p.decay)
    division = near.classes(offence, "division") if near is not None and p.division else {}
    category = near.classes(offence, "category") if near is not None and p.category else {}

    def alike(code):  # the points of a code's division, which every code of the division has alike
        return p.division * division.get(code[:4], 0.0)

    if division or category:  # the classifiers tip the balance where words and closest texts differ
        own = {code: s + alike(code) + p.category * category.get(code, 0.0) for code, s in own.items()}
    ranked = sorted((kv for kv in own.items() if kv[1] > 0),
                    key=lambda kv: (-kv[1], len(kv[0]), kv[0]))
    asked = set(terms(offence.label, lang)) | set(terms(offence.description, lang))

    def matched(code):  # the offence's words that the code's best pieces contain
        return {t for e in evidence.get(code, ())[:EVIDENCE_SHOWN] if e[1] not in ("accepted", "meaning")
                for t in terms(e[2], e[3])} & asked

    ranked = choose_level(classification, ranked[:top + 2], p, matched, alike)
    ranked, took = _for_residual(offence, ranked, evidence, classification, p, lang)
    ranked = ranked[:top + 1]
    scores = [s for _, s in ranked]  # one more than shown: the last one's lead is a real one
    out = []
    for r, (code, s) in enumerate(ranked[:top], start=1):
        shown = _shown(evidence.get(code, []))
        if len(shown) < EVIDENCE_SHOWN:
            shown += _from_children(classification, code, evidence, EVIDENCE_SHOWN - len(shown))
        closeness = max(close[c][0][0] if c in close else 0.0 for c in (code, took.get(code)))
        prob = model.probability(features(scores, r - 1, top_score, closeness)) if model else s
        if out:
            prob = min(prob, out[-1].score)  # a lower rank is never more likely
        out.append(Suggestion(r, code, classification[code].label(corpus.lang), prob, shown, raw=s,
                              runner_up=scores[r] if r < len(scores) else 0.0, strength=top_score,
                              closeness=closeness))
    return out


def _for_residual(offence, ranked, evidence, classification, p, lang):
    """``ranked`` with the category above an ICCS residual in its place when the offence is the
    residual of its national chapter (``model.residual_parent``), unless the list's accepted
    residual offences chose that ICCS residual (the user's practice); and {category put first:
    the residual it replaced}, whose closeness in meaning it takes."""
    if not (p.residual and ranked and chapter_residual(offence.label, offence.family, lang)):
        return ranked, {}
    first = ranked[0][0]
    if any(e[1] == "accepted" and e[4] and is_residual(e[2]) for e in evidence.get(first, ())):
        return ranked, {}
    ranked = residual_parent(classification, ranked)
    return ranked, ({ranked[0][0]: first} if ranked[0][0] != first else {})


def with_meaning(own, evidence, near, classification, decay=(1.0,)):
    """The evidence scores (the best of the words is 1) plus the points of the codes close in
    meaning; each such code's closest ICCS text joins its evidence (kind 'meaning'). A residual
    category ("Other acts of assisting or instigating suicide") reads like the category above it
    ("Assisting or instigating suicide"): where the words of the texts speak for both, both get
    the higher of their points, so that the words choose between them (``choose_level``)."""
    from .meaning import bonus

    own = dict(own)
    points = bonus(near, decay)
    for code in sorted(points, key=points.get, reverse=True):
        node = classification.get(code)
        if node is None or node.parent is None or own.get(code, 0.0) <= 0 or not is_residual_category(node):
            continue
        parent = node.parent.code
        if parent in points and own.get(parent, 0.0) > 0:
            points[parent] = points[code] = max(points[parent], points[code])
    for code, p in points.items():
        own[code] = own.get(code, 0.0) + p
        _, (_, kind, lang, text, via) = near[code][0]
        evidence.setdefault(code, []).append((p, "meaning", text, lang, via if kind == "exclusion" else None))
    return own


TELLING = ("exclusion", "accepted", "meaning")  # kinds shown even when not among the best


def _shown(evidence):
    """The best pieces of evidence of a code, with the best of each kind that tells most (an
    exclusion naming the offence, an accepted decision, the closest text in meaning when it is
    not one already shown) among them even when it is not the best: each takes the place of the
    weakest piece of another kind."""
    said = {e[2] for e in evidence if e[1] != "meaning"}
    evidence = [e for e in evidence if e[1] != "meaning" or e[2] not in said]  # no text twice
    shown = list(evidence[:EVIDENCE_SHOWN])
    for kind in TELLING:
        if any(e[1] == kind for e in shown):
            continue
        texts = {e[2] for e in shown}
        best = next((e for e in evidence if e[1] == kind and e[2] not in texts), None)
        weakest = [i for i in range(len(shown) - 1, 0, -1) if shown[i][1] not in TELLING]
        if best is not None and weakest:
            shown[weakest[0]] = best
    return [Evidence(kind, text, lang, via, weight) for weight, kind, text, lang, via in shown]


def _from_children(classification, code, evidence, n):
    """The best evidence of a category's descendants, marked ``via`` the code whose text it is."""
    found = []
    stack = list(classification[code].children)
    while stack:
        node = stack.pop()
        for weight, kind, text, lang, _ in evidence.get(node.code, ()):
            if kind not in TELLING:
                found.append(Evidence(kind, text, lang, node.code, weight))
        stack.extend(node.children)
    found.sort(key=lambda e: -e.weight)
    return found[:n]

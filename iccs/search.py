"""Ranked search over labels, index terms and notes, ignoring case and accents.

A category scores for each field the query is found in: the whole phrase counts more than every
word, which counts more than some words; labels weigh most, then index terms, inclusions, the
definition, and last exclusions (an exclusion names what is *not* in the category). Within a
field, a text that is mostly the query ("Homicidio intencional") beats a long one that merely
contains it, and several index terms that match count more than one.

Words match whole, or as the same word with a plural or a short ending ("homicidio",
"homicidios"; "vehicle", "vehicles"): never as a prefix of another word ("car" does not find
"care"). The folded words of each category are computed once per classification, so a long
query costs little more than a short one.
"""
import math
import re
import unicodedata
from dataclasses import dataclass, field

FIELDS = (  # (name, weight)
    ("label", 10.0),
    ("index", 6.0),
    ("inclusions", 3.0),
    ("definition", 2.0),
    ("exclusions", 0.5),
)
_WORD = re.compile(r"\w+")
_MAX_ENDING = 2  # "delito"/"delitos", "offence"/"offences"; longer differences are other words


def fold(text):
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text):
    return _WORD.findall(fold(text))


def same_word(query_word, word):
    """Equal, or one is the other plus a short ending, the shorter having at least four letters
    (or being the other without a plural -s/-es)."""
    if query_word == word:
        return True
    short, long_ = sorted((query_word, word), key=len)
    if not long_.startswith(short):
        return False
    ending = long_[len(short):]
    return (len(short) >= 4 and len(ending) <= _MAX_ENDING) or ending in ("s", "es")


@dataclass
class Hit:
    category: object
    score: float
    matched: list = field(default_factory=list)

    def to_dict(self, lang="en"):
        return {"code": self.category.code, "label": self.category.label(lang),
                "level": self.category.level, "score": round(self.score, 2), "matched": self.matched}


def _field_texts(category, name, lang):
    if name == "index":
        return category.index_terms(lang)
    text = getattr(category, name)(lang)
    return [text] if text else []


class _Index:
    """Each category's texts of one language as folded word lists, and the vocabulary."""

    def __init__(self, classification, lang):
        self.entries = []
        self.vocabulary = set()
        for category in classification:
            fields = []
            for name, weight in FIELDS:
                texts = [words(t) for t in _field_texts(category, name, lang)]
                texts = [(ws, " " + " ".join(ws) + " ", set(ws)) for ws in texts if ws]
                for ws, _, _ in texts:
                    self.vocabulary.update(ws)
                fields.append((name, weight, texts))
            self.entries.append((category, fields))
        # words by their first two letters: two words can only be the same word if these agree
        self.by_start = {}
        for word in self.vocabulary:
            self.by_start.setdefault(word[:2], []).append(word)


def _index(classification, lang):
    """The index of a language, kept on the classification itself (it goes when it goes)."""
    indexes = classification.__dict__.setdefault("_search_indexes", {})
    if lang not in indexes:
        indexes[lang] = _Index(classification, lang)
    return indexes[lang]


def _score(query, phrase, variants, text):
    """How well one text matches: 5 the same words, 3 the whole phrase inside, else the share of
    query words found, squared; scaled by how much of the text the query covers."""
    ws, joined, present = text
    if joined == f" {phrase} ":
        return 5.0
    if f" {phrase} " in joined:
        base = 3.0
    else:
        found = sum(1 for w in query if variants[w] & present)
        if not found:
            return 0.0
        base = (found / len(query)) ** 2
    covered = sum(1 for w in ws if any(w in variants[q] for q in query)) / len(ws)
    return base * (0.6 + 0.4 * covered)


MAX_WORDS = 200  # a query is its first 200 distinct words: a pasted page stays a quick search


def search(classification, text, lang="en", limit=20):
    query = list(dict.fromkeys(words(text)))[:MAX_WORDS]
    if not query:
        from .errors import ICCSError

        raise ICCSError(f"nothing to search for in {text[:80]!r}: give at least one word")
    index = _index(classification, lang)
    variants = {w: {v for v in index.by_start.get(w[:2], ()) if same_word(w, v)} for w in query}
    phrase = " ".join(words(text)[:4 * MAX_WORDS])
    hits = []
    for category, fields in index.entries:
        total, matched = 0.0, []
        for name, weight, texts in fields:
            scores = sorted((s for s in (_score(query, phrase, variants, t) for t in texts) if s), reverse=True)
            if scores:
                # the best text, and a little for each further one (an index with many matching terms)
                total += weight * (scores[0] + 0.25 * math.log1p(len(scores) - 1))
                matched.append(name)
        if total:
            hits.append(Hit(category, total, matched))
    hits.sort(key=lambda h: (-h.score, len(h.category.code), h.category.code))
    return hits[:limit] if limit else hits

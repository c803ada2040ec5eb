"""Ranked search over labels, index terms and notes, ignoring case and accents.

A category scores for each field the query is found in: a whole-phrase match counts three times a
match of every word, which counts more than a partial one; labels weigh most, then index terms,
inclusions, the definition, and last exclusions (an exclusion names what is *not* in the category).
"""
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


def fold(text):
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text):
    return _WORD.findall(fold(text))


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


def _score(query_words, phrase, text):
    folded = " ".join(words(text))
    if not folded:
        return 0.0
    if folded == phrase:
        return 5.0
    if f" {phrase} " in f" {folded} ":
        return 3.0
    present = set(folded.split())
    found = sum(1 for w in query_words if w in present or any(p.startswith(w) for p in present))
    return (found / len(query_words)) ** 2 if found else 0.0


def search(classification, text, lang="en", limit=20):
    query_words = words(text)
    if not query_words:
        from .errors import ICCSError

        raise ICCSError(f"nothing to search for in {text!r}: give at least one word")
    phrase = " ".join(query_words)
    hits = []
    for category in classification:
        total, matched = 0.0, []
        for name, weight in FIELDS:
            best = max((_score(query_words, phrase, t) for t in _field_texts(category, name, lang)),
                       default=0.0)
            if best:
                total += weight * best
                matched.append(name)
        if total:
            hits.append(Hit(category, total, matched))
    hits.sort(key=lambda h: (-h.score, len(h.category.code), h.category.code))
    return hits[:limit] if limit else hits

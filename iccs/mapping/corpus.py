"""What the ICCS says about each category, cut into pieces of evidence, and indexed for search.

Every piece is a short text tied to the code it is evidence for: a label, an index term (the
alphabetical index is a list of offences already classified: labelled examples), one item of an
inclusion note, a definition, or one item of an exclusion note that names where the excluded acts
go ("attempted intentional homicide (0102)" in the exclusions of 0101 is evidence *for* 0102,
``via`` 0101). Both editions are indexed, each in its own language.

The pieces and their BM25 index are built once and kept in the cache folder beside the compiled
graph (``iccs.cache.cache_dir()``), rebuilt by themselves when the graph or this code changes.
"""
import os
import re
import sys

from .. import cache
from ..resources import ontology_files
from .bm25 import Index
from .text import terms

LANGS = ("en", "es")
KINDS = ("label", "index term", "inclusion", "definition", "exclusion")
FORMAT = 3
_CODE = re.compile(r"\b(\d{2,6})\b")
_APPLY = re.compile(r"^(apply all|aplicar tod|see |v[eé]ase )", re.IGNORECASE)


def split_note(text):
    """The items of an inclusion or exclusion note (separated by ';' outside parentheses)."""
    items, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth = max(0, depth - 1)
        elif ch == ";" and depth == 0:
            items.append(text[start:i])
            start = i + 1
    items.append(text[start:])
    return [item.strip().rstrip(".") for item in items if item.strip()]


def exclusion_pairs(category, lang, known):
    """(phrase, target codes) of each item of the exclusion note that says where the acts go."""
    pairs = []
    for item in split_note(category.exclusions(lang)):
        if _APPLY.match(item):
            continue
        codes = [c for c in _CODE.findall(item) if c in known and c != category.code]
        phrase = re.sub(r"\([^)]*\)", " ", item).strip(" ,;")
        pairs.append((phrase, codes))
    return pairs


def pieces(classification):
    """Every piece of evidence: tuples (code, kind, lang, text, via)."""
    known = {c.code for c in classification}
    out = []
    for c in classification:
        for lang in LANGS:
            out.append((c.code, "label", lang, c.label(lang), None))
            for term in c.index_terms(lang):
                out.append((c.code, "index term", lang, term, None))
            for item in split_note(c.inclusions(lang)):
                if not _APPLY.match(item):
                    out.append((c.code, "inclusion", lang, item, None))
            if c.definition(lang):
                out.append((c.code, "definition", lang, c.definition(lang), None))
            for phrase, codes in exclusion_pairs(c, lang, known):
                for target in codes:
                    out.append((target, "exclusion", lang, phrase, c.code))
    return out


class Corpus:
    """The pieces of one language, their BM25 index (documents in the order of ``pieces``), and
    the terms of each exclusion item (to tell whether an item names the offence)."""

    def __init__(self, lang, pieces, index, phrases):
        self.lang, self.pieces, self.index, self.phrases = lang, pieces, index, phrases

    def to_data(self):
        return {"lang": self.lang, "pieces": self.pieces, "index": self.index.to_data(),
                "phrases": self.phrases}

    @classmethod
    def from_data(cls, d):
        return cls(d["lang"], [tuple(p) for p in d["pieces"]], Index.from_data(d["index"]), d["phrases"])


def build(classification, lang, leave_out=()):
    """The corpus of one edition, less the pieces in ``leave_out`` (to test the method on texts
    the ICCS is made not to hold: ``folds.index_held_out``)."""
    leave_out = set(leave_out)
    chosen = [p for p in pieces(classification) if p[2] == lang and p not in leave_out]
    docs = [terms(p[3], lang) for p in chosen]
    phrases = {i: sorted(set(d)) for i, (p, d) in enumerate(zip(chosen, docs)) if p[1] == "exclusion"}
    return Corpus(lang, chosen, Index(docs, groups=[KINDS.index(p[1]) for p in chosen]), phrases)


def _stamp():
    here = os.path.dirname(os.path.abspath(__file__))
    mine = sorted(os.path.join(here, f) for f in os.listdir(here) if f.endswith(".py"))
    return f"mapping format {FORMAT}\n" + cache.stamp(ontology_files() + mine)


def cache_path(lang):
    return os.path.join(cache.cache_dir(), "mapping-%s-%d%d.marshal" % ((lang,) + sys.version_info[:2]))


def load(classification, lang):
    """The corpus of a language, from the cache when it is fresh and whole (``iccs.cache.read``
    checks its stamp and checksum: a stale or damaged file is never served), else built and
    cached (written atomically; a cache folder that cannot be written is no error)."""
    current = _stamp()
    path = cache_path(lang)
    data = cache.read(path, current, key=f"mapping corpus {lang}")
    if data is not None:
        try:
            return Corpus.from_data(data)
        except (KeyError, TypeError, ValueError):  # whole but of another layout: rebuild
            pass
    corpus = build(classification, lang)
    try:
        from ..files import write_atomic

        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, cache.dump(corpus.to_data(), current, key=f"mapping corpus {lang}"))
    except Exception:  # an unwritable or full cache folder: keep the index in memory this time
        pass
    return corpus

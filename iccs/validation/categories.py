"""What a submission's category cell means: an ICCS code, a Eurostat aggregate, an ICCS category
named in English or Spanish, or the value of another breakdown (citizenship, sex, …).

:func:`resolve` returns a :class:`Resolution`; anything that is not an exact code or an exact
label carries a ``how`` that the reader reports as an info finding.
"""
import difflib
import re
from dataclasses import dataclass

from ..search import fold, words

_CODE = re.compile(r"^(?:ICCS)?\s*(\d{2,6})$", re.IGNORECASE)
_AGGREGATE = re.compile(r"^(?:ICCS)?(\d{2,6})(?:_(?:ICCS)?\d{2,6})+$", re.IGNORECASE)
_TOTALS = {"TOTAL", "_T", "T"}
_TAG = re.compile(r"\s*\(([A-Za-z]{1,4})\)\s*$")
# A breakdown dimension of the UNODC portal: its Category holds that breakdown's values.
_BREAKDOWN_WORDS = ("citizenship", "nationality", "sex", "age", "relationship", "context",
                    "mechanism", "weapon", "region", "urban", "status")
_OFFENCE_WORDS = ("offence", "offense", "crime", "type")


@dataclass(frozen=True)
class Resolution:
    kind: str          # code, aggregate, name, breakdown
    code: str = ""     # the ICCS code ("" when none)
    how: str = ""      # why a name was read as this code, when not exact ("" when exact)


class Resolver:
    """Resolves category cells against a classification; remembers what it has seen."""

    def __init__(self, classification):
        self.c = classification
        self.codes = set(classification._order)
        self._exact = None

    def _names_index(self):
        """Labels and index terms, built when the first name is met (codes need none)."""
        if self._exact is not None:
            return
        classification = self.c
        self._exact = self.exact = {}   # label as printed -> code
        self.folded = {}  # folded label or index term -> (code, what)
        for cat in classification:
            for lang in ("en", "es"):
                label = cat.label(lang)
                if label:
                    self.exact.setdefault(" ".join(label.split()), cat.code)
                    self.folded.setdefault(" ".join(words(label)), (cat.code, f"{lang} label"))
        for cat in classification:
            for lang in ("en", "es"):
                for term in cat.index_terms(lang):
                    self.folded.setdefault(" ".join(words(term)), (cat.code, f"{lang} index term"))
        self._names = sorted(self.folded)

    def resolve(self, text, dimension=""):
        text = " ".join(str(text).split())
        if not text:
            return Resolution("name")
        m = _CODE.match(text)
        if m:
            return Resolution("code", m.group(1))
        if text.upper() in _TOTALS:
            return Resolution("aggregate")
        if _AGGREGATE.match(text):
            parts = [p for p in re.split(r"_", re.sub(r"(?i)iccs", "", text))]
            if all(p in self.codes for p in parts):
                return Resolution("aggregate")
            return Resolution("code", next(p for p in parts if p not in self.codes))
        folded_dim = fold(dimension)
        if folded_dim and any(w in folded_dim for w in _BREAKDOWN_WORDS) \
                and not any(w in folded_dim for w in _OFFENCE_WORDS):
            return Resolution("breakdown")
        return self._name(text)

    def _name(self, text):
        self._names_index()
        if text in self.exact:
            return Resolution("name", self.exact[text])
        tag = ""
        m = _TAG.search(text)
        if m:
            tag, text = m.group(1), text[:m.start()].strip()
        candidates = [text]
        if ":" in text:
            parent, child = (p.strip() for p in text.split(":", 1))
            candidates += [child, parent]
        for i, candidate in enumerate(candidates):
            found = self._one(candidate)
            if found:
                code, what = found
                part = "" if i == 0 else (", the part after ':'" if i == 1 else ", the part before ':'")
                tagged = f", tag {tag}" if tag else ""
                return Resolution("name", code, f"{what}{part}{tagged}")
        return Resolution("name")

    def _one(self, text):
        if text in self.exact:
            return self.exact[text], "exact label"
        key = " ".join(words(text))
        if not key:
            return None
        if key in self.folded:
            code, what = self.folded[key]
            return code, f"{what}, ignoring case and accents"
        near = difflib.get_close_matches(key, self._names, n=2, cutoff=0.88)
        if near:
            code, what = self.folded[near[0]]
            return code, f"close to the {what} {near[0]!r}"
        hits = self.c.search(text, limit=2)
        if hits and "label" in hits[0].matched and hits[0].score >= 10 and \
                (len(hits) == 1 or hits[0].score >= 1.5 * hits[1].score):
            return hits[0].category.code, "best search match on labels"
        return None

"""Okapi BM25 over short documents, with weighted query terms.

A small inverted index in plain Python: the ICCS has a few thousand pieces of evidence per
language, so a query is a few dictionary look-ups and needs no array library (which would cost
more to import than the whole search). Documents are lists of terms; each belongs to a group (its
kind of evidence), and lengths are normalised against the average length of its group, so that an
index term is compared with index terms and a definition with definitions (as in BM25F).
"""
import math

K1 = 1.2
B = 0.75


class Index:
    def __init__(self, docs, groups=None, k1=K1, b=B):
        self.k1, self.b = k1, b
        self.lengths = [len(d) for d in docs]
        self.groups = list(groups) if groups is not None else [0] * len(docs)
        totals = {}
        for g, n in zip(self.groups, self.lengths):
            count, size = totals.get(g, (0, 0))
            totals[g] = (count + 1, size + n)
        self.avg = {g: (size / count if count and size else 1.0) for g, (count, size) in totals.items()}
        # each posting holds the term's BM25 weight in the document, its frequency saturated and
        # the document's length normalised once here, not at every query
        self.postings = {}
        for i, doc in enumerate(docs):
            counts = {}
            for t in doc:
                counts[t] = counts.get(t, 0) + 1
            norm = k1 * (1 - b + b * self.lengths[i] / self.avg[self.groups[i]])
            for t, tf in counts.items():
                self.postings.setdefault(t, []).append((i, tf * (k1 + 1) / (tf + norm)))
        n = len(docs)
        self.idf = {t: math.log(1 + (n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}

    def __len__(self):
        return len(self.lengths)

    def mass(self, query):
        """The most a document could score for ``query`` (term → weight), to normalise by."""
        return sum(w * self.idf.get(t, 0.0) for t, w in query.items())

    def scores(self, query):
        """Document index → BM25 score, for the documents sharing a term with ``query``."""
        out = {}
        get, postings = out.get, self.postings
        for t, w in query.items():
            found = postings.get(t)
            if not found:
                continue
            idf = w * self.idf[t]
            for i, weight in found:
                out[i] = get(i, 0.0) + idf * weight
        return out

    def to_data(self):
        return {"k1": self.k1, "b": self.b, "lengths": self.lengths, "groups": self.groups,
                "avg": self.avg, "postings": self.postings, "idf": self.idf}

    @classmethod
    def from_data(cls, d):
        index = cls.__new__(cls)
        index.k1, index.b, index.lengths, index.groups = d["k1"], d["b"], d["lengths"], d["groups"]
        index.avg, index.postings, index.idf = d["avg"], d["postings"], d["idf"]
        return index

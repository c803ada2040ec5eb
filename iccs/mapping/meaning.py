"""Meaning, not only words: a multilingual sentence encoder as a second, cross-lingual retriever.

BM25 (``model.py``) finds an offence's words in the ICCS; it misses what is said in other words
("lesiones" for "agresión") or in another language. A sentence encoder maps texts of any of its
languages to vectors that lie close when they mean the same, so a Spanish offence meets the
English and the Spanish ICCS texts alike.

The encoder (``encoder.py``) is Google's Universal Sentence Encoder, multilingual v3, whose
weights ship inside its package and run offline. Each piece of ICCS evidence of both editions
(``corpus.pieces``) has its vector; those of the shipped graph are shipped with this package
(``meaning-vectors.npz``, made by ``tools/build_meaning.py``), and a text the table lacks (a graph
changed since) is encoded when first needed.

An offence is encoded as its name and as its name with its legal text (article references off,
capitals of a catalogue that shouts made ordinary), the two vectors added. A code's similarity is
that of its closest pieces; ``bonus`` turns the codes close to the best one into points added to
the evidence score (``suggest.rank``), and the closest piece is shown as the evidence.
"""
import os

from .encoder import MODEL, encode, read_npz, remembered, unit, write_npz
from .text import strip_references

VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "meaning-vectors.npz")
WEIGHT = 5.0  # points per unit of cosine similarity above the window's floor
WINDOW = 0.2  # codes within this similarity of the offence's closest code gain points
TEXT_CHARS = 250  # the encoder reads this much of the name and legal text (its time grows with it)


def plain(text):
    """Article references off, spaces collapsed, and a text mostly in capitals (catalogues print
    offence names so) put in sentence case: the encoder reads 'ROBO' as a different word."""
    text = " ".join(strip_references(text or "").split())
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) > 0.6 * len(letters):
        text = text.lower().capitalize()
    return text


def offence_vectors(offences, progress=None):
    """One unit vector per offence: its name and its name with its legal text, encoded and added;
    a zero vector for an offence with no text left once references are off ("ART. 494 N° 19"):
    the encoder has nothing to read there, and ``nearest_many`` finds nothing for it."""
    names = [plain(o.label) for o in offences]
    texts = [(n + ". " + plain(o.description))[:TEXT_CHARS] if o.description else n
             for n, o in zip(names, offences)]
    both = remembered(names + texts, progress)
    return unit(both[:len(names)] + both[len(names):])


def read_table(path=VECTORS):
    """text → row of the shipped vectors, and the vectors (float16); empty when absent."""
    data = read_npz(path, ("texts", "vectors"), model=MODEL)
    if data is None:
        return {}, None
    texts, vectors = [str(t) for t in data["texts"]], data["vectors"]
    if vectors.shape != (len(texts), 512):
        return {}, None
    return {t: i for i, t in enumerate(texts)}, vectors


def write_table(texts, path=VECTORS):
    """Encode ``texts`` and write the table (atomically): what ``tools/build_meaning.py`` does."""
    import numpy as np

    texts = sorted(set(texts))
    write_npz(path, compressed=True, model=np.array(MODEL), texts=np.array(texts),
              vectors=encode(texts).astype(np.float16))
    return len(texts)


class Meaning:
    """The vectors of the ICCS pieces of both editions, and each piece's code, kind and text."""

    def __init__(self, corpora):
        import numpy as np

        self.pieces = [p for corpus in corpora for p in corpus.pieces]
        row, table = read_table()
        texts = [p[3] for p in self.pieces]
        missing = sorted({t for t in texts if t not in row})
        extra = dict(zip(missing, encode(missing).astype(np.float16).astype(np.float32))) if missing else {}
        self.vectors = np.vstack([table[row[t]].astype(np.float32) if t in row else extra[t]
                                  for t in texts]) if texts else np.zeros((0, 512), np.float32)

    def nearest(self, vector):
        """code → [(similarity, piece), …] best first: the pieces of each code within ``WINDOW``
        of the closest of all to an offence's vector."""
        return self.nearest_many(vector[None, :])[0]

    def nearest_many(self, vectors, chunk=512):
        """``nearest`` of each row of ``vectors``, a chunk of offences a product of matrices."""
        import numpy as np

        out = []
        for start in range(0, len(vectors), chunk):
            sims = vectors[start:start + chunk] @ self.vectors.T
            for row in sims:
                if not len(row) or not row.any():  # an offence with no text to read
                    out.append({})
                    continue
                close = np.nonzero(row > row.max() - WINDOW)[0]
                found = {}
                for i in close[np.argsort(-row[close], kind="stable")]:
                    found.setdefault(self.pieces[i][0], []).append((float(row[i]), self.pieces[i]))
                out.append(found)
        return out


def bonus(nearest, decay=(1.0, 0.5, 0.25)):
    """code → points: ``WEIGHT`` per unit of similarity above the window's floor, of its closest
    piece, plus its next closest with falling weights (``decay``): a category whose label, index
    terms and inclusions all come close is likelier than one text that does."""
    if not nearest:
        return {}
    floor = max(found[0][0] for found in nearest.values()) - WINDOW
    return {code: WEIGHT * sum(d * (s - floor) for d, (s, _) in zip(decay, found))
            for code, found in nearest.items()}

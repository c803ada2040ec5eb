"""Where in the ICCS an offence's meaning falls: linear classifiers over the sentence encoder's
vectors (``meaning.py``), one of ICCS divisions and one of ICCS categories (every code).

The closest ICCS text (``meaning.Meaning``) reads one text at a time; a classifier trained on all
of them learns which directions of the encoder's space tell one division, or one category, from
another (theft from fraud, drugs from weapons), whatever the wording. Each is a softmax
regression: each ICCS text of both editions that the mapping searches (``corpus.pieces``) is an
example of the division it is evidence for (a section's own texts, of the section), or of its
code. Trained by ``tools/build_meaning.py`` (``write``) and shipped as ``meaning-divisions.npz``
and ``meaning-categories.npz``: the classes, the weights and a digest of the (code, text) pairs
trained on, which ``suggest`` compares with the texts it searches (and a test with the graph's).

``suggest.rank`` adds ``Params.division`` times the probability of a code's division and
``Params.category`` times the probability of the code itself to its evidence score: where the
words and the closest texts disagree on where an offence lies, the classifiers tip the balance.
"""
import hashlib
import os

HERE = os.path.dirname(os.path.abspath(__file__))
RATE, L2 = 20.0, 1e-5  # full-batch gradient descent (the examples are ~4,300)


def division(code):
    """The division of a code ('0501' for 050111); a section's code for a section."""
    return code[:4]


def category(code):
    return code


# level → (class of a code, file shipped, steps of training)
LEVELS = {"division": (division, os.path.join(HERE, "meaning-divisions.npz"), 3000),
          "category": (category, os.path.join(HERE, "meaning-categories.npz"), 1500)}


def digest(pieces):
    """A digest of the (code, text) pairs a classifier is trained on: tells when it is stale."""
    h = hashlib.blake2b(digest_size=16)
    for code, text in sorted({(p[0], p[3]) for p in pieces}):
        h.update(f"{code}\t{text}\n".encode("utf-8"))
    return h.hexdigest()


def train(pieces, vector_of, level="division", *, iterations=None, rate=RATE, l2=L2):
    """(classes, weights, bias) of a softmax regression from ``vector_of(text)`` (unit vectors)
    to the class of each piece's code at ``level`` ('division' or 'category'); deterministic
    (float32, full batch, from zeros)."""
    import numpy as np

    of, _, steps = LEVELS[level]
    iterations = steps if iterations is None else iterations
    pairs = sorted({(p[0], p[3]) for p in pieces})
    classes = sorted({of(code) for code, _ in pairs})
    column = {c: i for i, c in enumerate(classes)}
    x = np.vstack([vector_of(text) for _, text in pairs]).astype(np.float32)
    y = np.zeros((len(pairs), len(classes)), np.float32)
    y[np.arange(len(pairs)), [column[of(code)] for code, _ in pairs]] = 1.0
    w = np.zeros((x.shape[1], len(classes)), np.float32)
    b = np.zeros(len(classes), np.float32)
    for _ in range(iterations):
        p = _softmax(x @ w + b)
        g = (p - y) / len(pairs)
        w -= rate * (x.T @ g + l2 * w)
        b -= rate * g.sum(axis=0)
    return classes, w, b


def _softmax(z):
    import numpy as np

    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def write(pieces, level="division", *, path=None):
    """Train on ``pieces`` with the shipped vectors of their texts and write the classifier of
    ``level`` (atomically); what ``tools/build_meaning.py`` does after ``meaning.write_table``."""
    import numpy as np

    from .encoder import MODEL, write_npz
    from .meaning import read_table

    row, table = read_table()
    pieces = list(pieces)
    classes, w, b = train(pieces, lambda text: table[row[text]].astype(np.float32), level)
    write_npz(path or LEVELS[level][1], compressed=True, model=np.array(MODEL), classes=np.array(classes),
              weights=w, bias=b, digest=np.array(digest(pieces)))
    return len(classes)


class Classifier:
    def __init__(self, classes, weights, bias, digest):
        self.classes, self.weights, self.bias, self.digest = classes, weights, bias, digest

    def probabilities(self, vectors):
        """class (a division, a code) → probability, for each row of ``vectors`` (those above 0.001; {} for a zero
        vector: an offence with no text the encoder could read)."""
        if not len(vectors):
            return []
        p = _softmax(vectors @ self.weights + self.bias)
        out = []
        for vector, row in zip(vectors, p):
            out.append({self.classes[i]: float(row[i]) for i in (row > 1e-3).nonzero()[0]}
                       if vector.any() else {})
        return out


def load(level="division", *, path=None):
    """The shipped classifier of ``level`` ('division' or 'category'; ``path``: another file), or
    None when it is absent, damaged or made for another encoder."""
    import numpy as np

    from .encoder import MODEL, read_npz

    if level not in LEVELS:
        raise ValueError(f"no classifier of {level!r}: one of {', '.join(LEVELS)}")
    data = read_npz(path or LEVELS[level][1], ("classes", "weights", "bias", "digest"), model=MODEL)
    if data is None:
        return None
    classes = [str(c) for c in data["classes"]]
    w, b = data["weights"], data["bias"]
    if w.shape != (512, len(classes)) or b.shape != (len(classes),):
        return None
    return Classifier(classes, w.astype(np.float32), b.astype(np.float32), str(data["digest"]))

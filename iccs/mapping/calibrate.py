"""Scores that mean something: the probability that a suggestion is the right code.

The raw score of a suggestion (how much evidence it has, the best of the offence's scaled to 1
plus the points of meaning) is turned into a probability by a logistic model of five features:
the raw score, its lead over the next suggestion, its share of the first suggestion's score, how
much of the ICCS words the offence matched at all (before scaling: an offence whose words the
ICCS hardly has is a doubt whatever its ranking), and how close in meaning the code's closest
text is (cosine similarity). The model is fitted on labelled offences (``fit``): the shipped
coefficients (``DEFAULTS``) were fitted by ``fit_default`` on the three labelled sets in
``data/mapping`` (Chile's offences in Spanish, the English and the French check sets; cold and
warm apart, with the sentence encoder and by words alone); with 30 accepted decisions or more, ``suggest`` refits on them (``from_decisions``, each decision
ranked with the others), so that the scores follow the user's own list.
"""
import math
from dataclasses import dataclass

# (bias, raw score, lead over the next, share of the first, log(1 + words matched), closeness in
# meaning), fitted by fit_default on the three sets of data/mapping; keyed (warm: accepted
# decisions given, fewer than MIN_DECISIONS; meaning: the sentence encoder used)
DEFAULTS = {
    (False, True): (-6.7381, 0.6051, 0.9431, 3.3811, -0.4185, 1.0491),
    (True, True): (-6.3793, 0.1435, 1.0639, 4.318, -0.5834, 1.3916),
    (False, False): (-7.333, -2.3782, 2.8685, 7.1627, 0.9788, 0.0),
    (True, False): (-8.5964, -0.2365, 1.9578, 6.52, 0.8088, 0.0),
}


def features(scores, i, strength=0.0, closeness=0.0):
    """The features of the ``i``-th of a ranked list's raw ``scores`` (one more than shown)."""
    s = scores[i]
    nxt = scores[i + 1] if i + 1 < len(scores) else 0.0
    first = scores[0] or 1.0
    return (1.0, s, s - nxt, s / first, math.log1p(max(0.0, strength)), closeness)


def of(suggestions, i):
    """The features of the ``i``-th of an offence's suggestions (as ``rank`` made them)."""
    raw = [s.raw for s in suggestions] + [suggestions[-1].runner_up]
    return features(raw, i, suggestions[i].strength, suggestions[i].closeness)


@dataclass(frozen=True)
class Calibration:
    coef: tuple

    def probability(self, x):
        """The probability that a suggestion of features ``x`` (``features``) is right."""
        z = sum(c * v for c, v in zip(self.coef, x))
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


def default(warm=False, meaning=True):
    """The shipped calibration: with accepted decisions or not, with the sentence encoder or by
    words alone (its scores and features differ)."""
    return Calibration(DEFAULTS[bool(warm), bool(meaning)])


def samples(offences, gold):
    """Training samples from ranked offences and their right codes: (features, right)."""
    out = []
    for o in offences:
        truth = gold.get(o.national_code)
        if truth is None or o.decided or not o.suggestions:
            continue
        out += [(of(o.suggestions, i), s.iccs_code == truth) for i, s in enumerate(o.suggestions)]
    return out


MIN_DECISIONS = 30
MAX_DECISIONS = 100  # a sample of this many is enough for six coefficients


def sample(decisions):
    """At most about ``MAX_DECISIONS`` of the accepted decisions, spread evenly: what the
    calibration (and the weighing of accepted evidence, ``suggest.balance``) is fitted on."""
    return decisions[::max(1, math.ceil(len(decisions) / MAX_DECISIONS))]


def from_decisions(decisions, rank_one):
    """A Calibration fitted on accepted decisions, each ranked with the others as memory
    (leave-one-out); None when there are fewer than MIN_DECISIONS or they are all of one answer.
    ``rank_one(offence)`` → its suggestions with the offence itself left out of the memory."""
    if len(decisions) < MIN_DECISIONS:
        return None
    data = []
    for o, code in sample(decisions):
        suggestions = rank_one(o)
        if not suggestions:
            continue
        data += [(of(suggestions, i), s.iccs_code == code) for i, s in enumerate(suggestions)]
    if not any(ok for _, ok in data) or all(ok for _, ok in data):
        return None
    return fit(data)


def fit(samples, l2=1e-3, iterations=50):
    """A Calibration from ``samples``: (features, right or not). Logistic regression by
    Newton's method (six features: a 6x6 system)."""
    xs = [x for x, _ in samples]
    ys = [1.0 if ok else 0.0 for _, ok in samples]
    k = len(xs[0]) if xs else len(features([0.0], 0))
    w = [0.0] * k
    for _ in range(iterations):
        grad = [l2 * wi for wi in w]
        hess = [[l2 if a == b else 0.0 for b in range(k)] for a in range(k)]
        for x, y in zip(xs, ys):
            z = sum(wi * xi for wi, xi in zip(w, x))
            p = 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
            for a in range(k):
                grad[a] += (p - y) * x[a]
                for b in range(k):
                    hess[a][b] += p * (1 - p) * x[a] * x[b]
        step = _solve(hess, grad)
        w = [wi - si for wi, si in zip(w, step)]
        if max(abs(s) for s in step) < 1e-8:
            break
    return Calibration(tuple(round(v, 4) for v in w))


def _solve(a, b):
    """Gaussian elimination with partial pivoting (a small dense system)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-12:
            continue
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                m[r] = [x - f * y for x, y in zip(m[r], m[col])]
    return [m[i][n] / m[i][i] if abs(m[i][i]) > 1e-12 else 0.0 for i in range(n)]


def fit_default(sets, folds=10):
    """The coefficients of ``DEFAULTS``, fitted on gold tables (national_code, label,
    description, family, iccs) given as (path, language) pairs: cold from the ICCS alone, warm
    from ``folds``-fold suggestions with the other folds accepted, each with the sentence encoder
    and by words alone. Returns {(warm, meaning): coef}; paste them into DEFAULTS."""
    from .. import load
    from .folds import suggest_folds
    from .inputs import read_decisions
    from .suggest import suggest

    c = load()
    identity = Calibration((0.0, 1.0, 0.0, 0.0, 0.0, 0.0))
    out = {}
    for meaning in (True, False):
        cold, warm = [], []
        for path, lang in sets:
            rows = read_decisions(path, c)
            gold = {r["national_code"]: r["iccs_code"] for r in rows}
            cold += samples(suggest(rows, lang=lang, classification=c, calibration=identity,
                                    meaning=meaning), gold)
            warm += samples(suggest_folds(rows, gold, folds=folds, lang=lang, classification=c,
                                          calibration=identity, meaning=meaning), gold)
        out[False, meaning], out[True, meaning] = fit(cold).coef, fit(warm).coef
    return out

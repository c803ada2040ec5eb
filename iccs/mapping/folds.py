"""Evaluation without leaking answers: the warm setting, each fold suggested with the other folds
as accepted (``suggest_folds``), and the ICCS's own index held out fold by fold as a check set
(``index_held_out``)."""
from .suggest import as_offence, suggest


def suggest_folds(rows, gold, folds=10, **options):
    """``suggest`` for each offence with the gold codes of the *other* folds given as accepted
    decisions (offence i is in fold i mod ``folds``), never its own. ``gold``: national code →
    ICCS code. Decisions given as ``accepted`` are added to every fold's. Returns the offences
    in input order, as ``suggest`` does."""
    offences = [as_offence(r, i) for i, r in enumerate(rows, start=1)]
    out = [None] * len(offences)
    progress = options.pop("progress", None)
    given = list(options.pop("accepted", None) or ())
    done = 0
    for f in range(folds):
        held = [i for i in range(len(offences)) if i % folds == f]
        if not held:
            continue
        accepted = [(offences[i], gold[offences[i].national_code]) for i in range(len(offences))
                    if i % folds != f and offences[i].national_code in gold]
        ranked = suggest([offences[i] for i in held], accepted=given + accepted, **options)
        for i, o in zip(held, ranked):
            out[i] = o
        done += len(held)
        if progress:
            progress(done)
    return out


def index_held_out(classification, lang, folds=10, only=None, **options):
    """The ICCS's own alphabetical index as a check set: every ``folds``-th index term of the
    ``lang`` edition is taken out of the ICCS texts (out of the words' index and the meaning
    space alike) and suggested, cold, as if it were the name of a national offence. The other
    edition is left out altogether: its index lists the same offences in translation, which the
    encoder would find. ``only``: the folds to run (all by default). Returns the offences with
    their suggestions, and the gold table (national code → code of the term), for ``evaluate``.
    Most terms repeat, in their stems, another text of their category (its label, an inclusion,
    another term), which stays: ``benchmarks/mapping.py --index`` also gives the figures on the
    terms the ICCS says once only."""
    from . import corpus

    index = [p for p in corpus.pieces(classification) if p[2] == lang and p[1] == "index term"]
    rows = [{"national_code": f"{lang}{i + 1:04d}", "label": p[3]} for i, p in enumerate(index)]
    gold = {r["national_code"]: p[0] for r, p in zip(rows, index)}
    out = []
    for f in range(folds) if only is None else only:
        held = [i for i in range(len(index)) if i % folds == f]
        texts = {lang: corpus.build(classification, lang, leave_out=[index[i] for i in held])}
        out += suggest([rows[i] for i in held], lang=lang, classification=classification, texts=texts,
                       **options)
    return out, {o.national_code: gold[o.national_code] for o in out}

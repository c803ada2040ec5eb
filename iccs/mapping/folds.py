"""Warm evaluation without leaking answers: each fold suggested with the other folds as accepted."""
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

"""Encode every ICCS text the mapping searches (both editions) with the sentence encoder and write
the table shipped with the package, ``iccs/mapping/meaning-vectors.npz`` (see
``iccs/mapping/meaning.py``); then train the classifiers of divisions and of categories on them
and write ``iccs/mapping/meaning-divisions.npz`` and ``meaning-categories.npz``
(``iccs/mapping/classify.py``; a minute or two). Run after the graph changes;
``tests/test_meaning.py`` fails while the table lacks a text of the current graph or a
classifier was trained on other texts.

    python tools/build_meaning.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    from iccs import load
    from iccs.mapping import classify, corpus, meaning

    pieces = corpus.pieces(load())
    n = meaning.write_table(p[3] for p in pieces)
    print(f"wrote {meaning.VECTORS}: {n} texts ({os.path.getsize(meaning.VECTORS) / 1e6:.1f} MB)")
    for level, (_, path, _) in classify.LEVELS.items():
        k = classify.write(pieces, level)
        print(f"wrote {path}: a classifier of {k} classes ({level}; {os.path.getsize(path) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

"""Encode every ICCS text the mapping searches (both editions) with the sentence encoder and write
the table shipped with the package, ``iccs/mapping/meaning-vectors.npz`` (see
``iccs/mapping/meaning.py``); then train the classifier of divisions on them and write
``iccs/mapping/meaning-divisions.npz`` (``iccs/mapping/divisions.py``; about a minute). Run after
the graph changes; ``tests/test_meaning.py`` fails while the table lacks a text of the current
graph or the classifier was trained on other texts.

    python tools/build_meaning.py
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def main():
    from iccs import load
    from iccs.mapping import corpus, divisions, meaning

    pieces = corpus.pieces(load())
    n = meaning.write_table(p[3] for p in pieces)
    print(f"wrote {meaning.VECTORS}: {n} texts ({os.path.getsize(meaning.VECTORS) / 1e6:.1f} MB)")
    k = divisions.write(pieces)
    print(f"wrote {divisions.CLASSIFIER}: {k} divisions and sections "
          f"({os.path.getsize(divisions.CLASSIFIER) / 1e6:.1f} MB)")


if __name__ == "__main__":
    main()

"""Where the shipped Turtle lives: inside the installed package, or beside it in a checkout.

Uses os.path rather than pathlib: this runs at every start of the command line.
"""
import os

_HERE = os.path.dirname(os.path.abspath(__file__))


def _folder(name):
    for candidate in (os.path.join(_HERE, name), os.path.join(os.path.dirname(_HERE), name)):
        if os.path.isdir(candidate):
            return candidate
    raise FileNotFoundError(f"the ICCS {name} folder is missing from this installation")


def _turtle(name):
    folder = _folder(name)
    return [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".ttl")]


def ontology_files():
    """The Turtle files of the shipped graph, in a stable order."""
    return _turtle("ontology")


def shape_files():
    """The SHACL shapes that the shipped graph must conform to."""
    return _turtle("shapes")


def query_files():
    """The named SPARQL queries (``queries/*.rq``) that ship with the toolkit."""
    folder = _folder("queries")
    return [os.path.join(folder, f) for f in sorted(os.listdir(folder)) if f.endswith(".rq")]

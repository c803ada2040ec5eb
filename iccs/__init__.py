"""The UNODC International Classification of Crime for Statistical Purposes (ICCS v1.0).

    >>> import iccs
    >>> c = iccs.load()
    >>> c["0101"].label("es")

Text from the ICCS is reproduced from the UNODC publication (2015) with acknowledgement of the
source, as the publication permits. This module stays light to import: rdflib and pyshacl load
only when a graph or a check is asked for.
"""
from .classification import Category, Classification, load, normalize_code
from .errors import ICCSError, InputError, UnknownCode

__version__ = "0.1.0"


def check(files=None, with_iccs=False):
    """Run the ICCS shapes over the shipped graph, or over RDF files (with the shipped graph if
    ``with_iccs``); returns a Report."""
    from .check import check as _check

    return _check(files, with_iccs=with_iccs)


def export(fmt="ttl"):
    """The shipped graph as bytes: ``ttl``, ``jsonld``, ``nt`` or ``csv`` (one row per category)."""
    from .export import export as _export

    return _export(fmt)


__all__ = ["load", "check", "export", "Classification", "Category", "normalize_code",
           "ICCSError", "InputError", "UnknownCode", "__version__"]

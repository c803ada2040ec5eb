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

__version__ = "0.4.0"


def check(files=None, with_iccs=False):
    """Run the ICCS shapes over the shipped graph, or over RDF files (with the shipped graph if
    ``with_iccs``); returns a Report."""
    from .check import check as _check

    return _check(files, with_iccs=with_iccs)


def export(fmt="ttl"):
    """The shipped graph as bytes: ``ttl``, ``jsonld``, ``nt`` or ``csv`` (one row per category)."""
    from .export import export as _export

    return _export(fmt)


def query(text, params=None, data=(), **options):
    """Run a SPARQL query over the ICCS graph (and RDF ``data`` files); see ``iccs.sparql.query``."""
    from .sparql import query as _query

    return _query(text, params=params, data=data, **options)


def validate(files, **options):
    """Validate country submissions (SDMX-CSV, UNODC tables) against the ICCS rules; returns a
    Report. See ``iccs.validation.validate``."""
    from .validation import validate as _validate

    return _validate(files, **options)


def convert(*args, **kwargs):
    """National counts to ICCS counts through a correspondence table; see
    ``iccs.correspondence.convert``."""
    from .correspondence import convert as _convert

    return _convert(*args, **kwargs)


def __getattr__(name):
    """``iccs.map`` is the mapping job (``iccs.mapping``), imported when first used."""
    if name == "map":
        from . import mapping

        return mapping
    raise AttributeError(f"module 'iccs' has no attribute {name!r}")


__all__ = ["load", "check", "export", "query", "validate", "convert", "Classification", "Category",
           "normalize_code", "ICCSError", "InputError", "UnknownCode", "__version__"]

"""Correspondence tables: national offence codes → ICCS categories, checked, exported, used.

- :mod:`.table`   the table itself (:class:`Mapping`, :func:`load_table`, :func:`save_table`): a CSV
  with one row per national code → ICCS category, read with :func:`iccs.tables.read_table`.
- :mod:`.checks`  :func:`check`: SHACL shapes (``shapes/correspondence/``) plus the checks that
  are not shape-shaped (double mappings, over-used residual categories, coverage), as Findings.
- :mod:`.xkos`    :func:`export` / :func:`import_table`: the table as an XKOS correspondence with
  PROV-O provenance on each association, and back.
- :mod:`.convert` :func:`convert`: national counts → ICCS counts at every level, as SDMX-CSV 1.0.

Nothing here is imported by ``iccs`` itself: ``import iccs.correspondence`` when you need it.
The functions below load their module on first use (rdflib and pySHACL only when asked for).
"""
from .table import COLUMNS, METHODS, RELATIONS, REQUIRED, Mapping, load_table, save_table  # noqa: F401

load = load_table


def check(*args, **kwargs):
    """See :func:`iccs.correspondence.checks.check`."""
    from .checks import check as _check

    return _check(*args, **kwargs)


def export(*args, **kwargs):
    """See :func:`iccs.correspondence.xkos.export`."""
    from .xkos import export as _export

    return _export(*args, **kwargs)


def import_table(*args, **kwargs):
    """See :func:`iccs.correspondence.xkos.import_table`."""
    from .xkos import import_table as _import

    return _import(*args, **kwargs)


def convert(*args, **kwargs):
    """See :func:`iccs.correspondence.convert.convert`."""
    from .convert import convert as _convert

    return _convert(*args, **kwargs)

"""Reviewing suggested ICCS codes, one national offence at a time (``iccs map review``).

- :func:`read_suggestions` (from :mod:`iccs.mapping.inputs`, the one reader of suggestion files):
  the output of ``iccs map suggest`` (CSV or JSON), with the national list (``--offences``, read
  by :func:`read_offences`) for labels and legal texts, as a list of :class:`Offence`.
- :mod:`.session` :class:`Review`: the review itself, without a screen — which offence is shown,
  decisions (accept, correct, partial mappings, relation, tags, note), skip, back, undo — each
  decision written to the correspondence table at once, atomically; resumes where it stopped.
- :mod:`.app`     :class:`ReviewApp`: the terminal interface (Textual) over a :class:`Review`.
- :mod:`.cli`     the click command ``iccs map review``.

The table is the one of :mod:`iccs.correspondence.table` (``load_table``/``save_table``).
Textual is imported only by :mod:`.app`.
"""
from ..mapping.inputs import read_offences, read_suggestions  # noqa: F401
from ..mapping.types import Offence, Suggestion  # noqa: F401
from .session import Review, ReviewError, build, parse_tags  # noqa: F401

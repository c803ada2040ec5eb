"""The correspondence table: one row per national code → ICCS category.

A CSV (or TSV/XLSX: anything :func:`iccs.tables.read_table` reads) with the columns

    national_code,national_label,iccs_code,relation,tags,note,reviewer,decided_at,method,
    suggested_code,score,evidence

``national_code``, ``national_label``, ``iccs_code`` and ``relation`` must be there in a file
people write; the others may be left out (they read as empty). ``relation`` is ``exact``,
``broader``, ``narrower`` or ``partial`` (the national offence is the same as / wider than /
narrower than / overlapping the ICCS category); ``tags`` are implied disaggregation values,
``Cy=1;SV=2``; ``decided_at`` is ISO 8601 UTC (``2026-11-29T14:05:00Z``); ``method`` says how the
row was decided (``accepted`` a suggestion, ``corrected`` it, or ``manual``); ``suggested_code``,
``score`` and ``evidence`` keep what the toolkit had suggested.

Values are kept as the text of the file (the checks report what is wrong with them, with row and
column); :func:`save_table` writes every column, atomically, so a table written by the review
and read back is the same list of :class:`Mapping`.
"""
import csv
import io
import os
from dataclasses import asdict, dataclass, field, fields, replace

from ..errors import InputError
from ..files import write_atomic

COLUMNS = ("national_code", "national_label", "iccs_code", "relation", "tags", "note", "reviewer",
           "decided_at", "method", "suggested_code", "score", "evidence")
REQUIRED = ("national_code", "national_label", "iccs_code", "relation")
RELATIONS = ("exact", "broader", "narrower", "partial")
METHODS = ("accepted", "corrected", "manual")


@dataclass
class Mapping:
    """One row of the table. Every field is the text of its cell; ``line`` is the row's line in
    the file it was read from (0 for a mapping made in memory) and is not compared."""

    national_code: str
    national_label: str = ""
    iccs_code: str = ""
    relation: str = ""
    tags: str = ""
    note: str = ""
    reviewer: str = ""
    decided_at: str = ""
    method: str = ""
    suggested_code: str = ""
    score: str = ""
    evidence: str = ""
    line: int = field(default=0, compare=False, repr=False)

    @property
    def tag_dict(self):
        """``tags`` as {acronym: value} (``"Cy=1;SV=2"`` → ``{"Cy": "1", "SV": "2"}``); a part
        without ``=`` maps to ``""``."""
        return parse_tags(self.tags)

    def to_row(self):
        """The mapping as {column: text}, in the order of :data:`COLUMNS`."""
        d = asdict(self)
        return {c: d[c] for c in COLUMNS}

    def with_(self, **changes):
        """A copy with some fields changed (``m.with_(iccs_code="0702", method="corrected")``)."""
        return replace(self, **changes)


def parse_tags(text):
    """``"Cy=1;SV=2"`` → ``{"Cy": "1", "SV": "2"}`` (``,`` also separates; spaces ignored)."""
    tags = {}
    for part in str(text or "").replace(",", ";").split(";"):
        part = part.strip()
        if part:
            name, _, value = part.partition("=")
            tags[name.strip()] = value.strip()
    return tags


def format_tags(tags):
    """{acronym: value} → ``"Cy=1;SV=2"`` (in the dict's order)."""
    return ";".join(f"{k}={v}" for k, v in tags.items())


def now_utc():
    """The current time as ISO 8601 UTC to the second, the form of ``decided_at``."""
    from datetime import datetime, timezone

    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def load_table(path, missing_ok=False):
    """The mappings of a table file, in file order, each with its ``line``.

    A column that is not one of :data:`COLUMNS`, or a missing required one, is an InputError
    (one line naming the file); ``missing_ok``: a file that does not exist gives ``[]`` (a
    review that starts a new table).
    """
    from ..tables import read_table

    if missing_ok and not os.path.exists(str(path)):
        return []
    table = read_table(path, required=REQUIRED, header_hint=("national_code",))
    names = {}
    for name in table.columns:
        known = next((c for c in COLUMNS if table.column(c) == name), None)
        if known is None:
            raise InputError(f"unknown column {name!r} (a correspondence table has: {', '.join(COLUMNS)})",
                             file=table.path, row=table.header_line)
        names[name] = known
    mappings = []
    for row in table:
        values = {names[k]: v for k, v in row.items() if k in names}
        m = Mapping(**values)
        m.line = row.line
        mappings.append(m)
    return mappings


def save_table(path, mappings):
    """Write the mappings as a UTF-8 CSV with every column of :data:`COLUMNS`, atomically (a
    kill during the write leaves the old file whole)."""
    write_atomic(path, table_text(mappings))


def table_text(mappings):
    """The CSV text :func:`save_table` writes."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    for m in mappings:
        writer.writerow([getattr(m, c) for c in COLUMNS])
    return out.getvalue()


assert tuple(f.name for f in fields(Mapping))[:-1] == COLUMNS

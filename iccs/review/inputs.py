"""What a review starts from: the suggestions of ``iccs map suggest`` and the national list.

Suggestions come in either form ``iccs map suggest`` writes:

- CSV (or TSV/XLSX), exactly ``national_code,rank,iccs_code,iccs_label,score,evidence``, one row
  per suggestion; labels and legal texts then come from the national list (:func:`read_offences`);
- JSON, a list of offences ``{"national_code", "label", "description", "family", "decided",
  "suggestions": [{"rank", "iccs_code", "iccs_label", "score", "evidence": [{"kind", "text",
  "lang", "via"}]}]}``.

Anything that cannot be read so is an :class:`~iccs.errors.InputError` naming file, row, column.
"""
import json
import math
import os
from dataclasses import dataclass, field

from ..classification import normalize_code
from ..errors import InputError
from ..mapping.types import Evidence  # the one record of evidence, as ``iccs map suggest`` makes it

DECIDED = "accepted: decided in the accepted table"  # how the suggest CSV marks a decided offence

MAX_JSON_BYTES = 200 * 1024 * 1024  # about 50,000 offences with five suggestions each
SUGGESTION_COLUMNS = ("national_code", "rank", "iccs_code", "iccs_label", "score", "evidence")


@dataclass
class Suggestion:
    rank: int
    iccs_code: str
    iccs_label: str = ""
    score: float = 0.0
    evidence: list = field(default_factory=list)  # of Evidence (from the JSON)
    evidence_line: str = ""  # the evidence as the CSV gives it, in one line

    def evidence_text(self):
        """The evidence in one line, as the suggest CSV writes it and the table's ``evidence``
        column keeps it (``index term 'asesinato'; 0102 excludes '…' → here``)."""
        return self.evidence_line or "; ".join(e.brief() for e in self.evidence)

    def evidence_lines(self):
        """The evidence, one item a line, for the screen."""
        if self.evidence:
            return [e.brief() for e in self.evidence]
        return [self.evidence_line] if self.evidence_line else []


@dataclass
class Offence:
    """A national offence to review, with its ranked suggestions (best first)."""

    code: str
    label: str = ""
    description: str = ""
    family: str = ""
    decided: bool = False  # the suggester took the code from its accepted decisions (--accepted)
    suggestions: list = field(default_factory=list)  # of Suggestion, by rank

    @property
    def top(self):
        return self.suggestions[0] if self.suggestions else None

    @property
    def confidence(self):
        """The score of the top suggestion (0 when there is none): how sure the toolkit is."""
        return self.top.score if self.top else 0.0


def read_offences(path, code_col="code", label_col="label", description_col=None, family_col=None):
    """The national list as {code: {"label", "description", "family"}}, in file order.

    ``description_col``/``family_col`` None: used when a column ``description``/``family`` is
    there; named: required.
    """
    from ..tables import read_table

    table = read_table(path, required=(code_col, label_col), header_hint=(code_col,))
    code_name, label_name = table.require(code_col, label_col)
    optional = {}
    for key, wanted in (("description", description_col), ("family", family_col)):
        optional[key] = table.require(wanted)[0] if wanted else table.column(key)
    out = {}
    for row in table:
        code = row[code_name]
        if not code:
            raise InputError("no national code", file=table.path, row=row.line, column=code_name)
        if code in out:
            raise InputError(f"national code {code!r} appears twice", file=table.path, row=row.line,
                             column=code_name)
        out[code] = {"label": row[label_name],
                     **{k: row[name] if name else "" for k, name in optional.items()}}
    if not out:
        raise InputError("no offences in the national list", file=table.path)
    return out


def read_suggestions(path, offences=None):
    """The offences to review, each with its suggestions by rank.

    ``offences``: the national list (:func:`read_offences`), which supplies labels, legal texts
    and families, and the order; its offences without any suggestion are reviewed too (coded by
    hand), and suggested codes it does not list come after it.
    """
    path = str(path)
    if _is_json(path):
        found = _read_json(path)
    else:
        found = _read_csv(path)
    if offences:
        by_code = {o.code: o for o in found}
        ordered = []
        for code, info in offences.items():
            o = by_code.pop(code, None) or Offence(code)
            o.label = o.label or info.get("label", "")
            o.description = o.description or info.get("description", "")
            o.family = o.family or info.get("family", "")
            ordered.append(o)
        found = ordered + list(by_code.values())
    return found


def _is_json(path):
    if path.lower().endswith(".json"):
        return True
    try:
        with open(path, "rb") as f:
            head = f.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False  # read_table says why
    return head[:1] in (b"[", b"{")


def _read_csv(path):
    from ..tables import read_table

    table = read_table(path, required=SUGGESTION_COLUMNS, header_hint=("national_code",))
    names = dict(zip(SUGGESTION_COLUMNS, table.require(*SUGGESTION_COLUMNS)))
    offences = {}
    for row in table:
        def cell(key):
            return row[names[key]]

        code = cell("national_code")
        if not code:
            raise InputError("no national code", file=path, row=row.line, column=names["national_code"])
        offence = offences.setdefault(code, Offence(code))
        if not cell("iccs_code"):  # an offence listed without a suggestion
            continue
        rank = _int(cell("rank"), path, row.line, names["rank"])
        if any(s.rank == rank for s in offence.suggestions):
            raise InputError(f"rank {rank} of {code!r} appears twice", file=path, row=row.line,
                             column=names["rank"])
        if cell("evidence").startswith(DECIDED):
            offence.decided = True
        offence.suggestions.append(Suggestion(rank, normalize_code(cell("iccs_code")), cell("iccs_label"),
                                              _score(cell("score"), path, row.line, names["score"]),
                                              evidence_line=cell("evidence")))
    if not offences:
        raise InputError("no suggestions (the file has a header and nothing else)", file=path)
    for o in offences.values():
        o.suggestions.sort(key=lambda s: s.rank)
    return list(offences.values())


def _read_json(path):
    if os.path.isfile(path) and os.path.getsize(path) > MAX_JSON_BYTES:
        raise InputError(f"too large for suggestions ({os.path.getsize(path) / 1e6:.0f} MB; at most "
                         f"{MAX_JSON_BYTES / 1e6:.0f} MB): is it the right file?", file=path)
    try:
        with open(path, encoding="utf-8-sig") as f:
            data = json.load(f)
    except FileNotFoundError:
        raise InputError("no such file", file=path) from None
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=path) from None
    except UnicodeDecodeError as e:
        raise InputError(f"not UTF-8 text: byte 0x{e.object[e.start]:02x} at offset {e.start}",
                         file=path) from None
    except json.JSONDecodeError as e:
        raise InputError(f"not valid JSON: {e.msg}", file=path, row=e.lineno, column=e.colno) from None
    if not isinstance(data, list):
        raise InputError("not a list of offences (the JSON of `iccs map suggest`)", file=path)
    if not data:
        raise InputError("no offences in the list", file=path)
    offences, seen = [], set()
    for i, item in enumerate(data, start=1):
        where = f"offence {i}"
        if not isinstance(item, dict) or not str(item.get("national_code") or "").strip():
            raise InputError(f"{where} has no national_code", file=path)
        code = str(item["national_code"]).strip()
        if code in seen:
            raise InputError(f"national code {code!r} appears twice ({where})", file=path)
        seen.add(code)
        offence = Offence(code, _text(item.get("label")), _text(item.get("description")),
                          _text(item.get("family")), item.get("decided") is True)
        suggestions = item.get("suggestions") or []
        if not isinstance(suggestions, list):
            raise InputError(f"suggestions of {code!r} are not a list", file=path)
        for j, s in enumerate(suggestions, start=1):
            if not isinstance(s, dict) or not str(s.get("iccs_code") or "").strip():
                raise InputError(f"suggestion {j} of {code!r} has no iccs_code", file=path)
            where = f"suggestion {j} of {code!r}"
            rank = _int(s.get("rank", j), path, None, None, where)
            score = _score(s.get("score", 0), path, None, None, where)
            offence.suggestions.append(Suggestion(rank, normalize_code(s["iccs_code"]),
                                                  _text(s.get("iccs_label")), score,
                                                  _evidence(s.get("evidence"), path, where)))
        offence.suggestions.sort(key=lambda s: s.rank)
        offences.append(offence)
    return offences


def _evidence(value, path, where):
    if not value:
        return []
    if not isinstance(value, list) or not all(isinstance(e, dict) for e in value):
        raise InputError(f"{where}: evidence is not a list of {{kind, text, lang, via}}", file=path)
    return [Evidence(_text(e.get("kind")), _text(e.get("text")), _text(e.get("lang")),
                     _text(e.get("via")) or None) for e in value]


def _text(value):
    return "" if value is None else str(value).strip()


def _int(value, path, row, column, where=None):
    try:
        number = float(value)
        if number.is_integer() and number >= 1:
            return int(number)
    except (TypeError, ValueError):
        pass
    prefix = f"{where}: " if where else ""
    raise InputError(f"{prefix}rank {value!r} is not a whole number from 1", file=path, row=row, column=column)


def _score(value, path, row, column, where=None):
    try:
        number = float(value)
        if math.isfinite(number):
            return number
    except (TypeError, ValueError):
        pass
    prefix = f"{where}: " if where else ""
    raise InputError(f"{prefix}score {value!r} is not a number", file=path, row=row, column=column)

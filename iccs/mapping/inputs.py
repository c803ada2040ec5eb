"""Reading the tables of a mapping: the national offence list, accepted decisions, a gold table,
and suggestions written earlier (by ``iccs map suggest``, read back by ``iccs map evaluate`` and
``iccs map review``: the one reader of them). All tables go through ``iccs.tables.read_table``
(CSV, TSV or XLSX; encoding and separator detected); anything wrong is one InputError naming
file, line and column."""
import json
import math
import os
import zipfile

from ..classification import normalize_code
from ..errors import InputError
from ..files import read_input
from ..tables import check_unpacked, read_table
from .suggest import DECIDED
from .types import CSV_COLUMNS, Evidence, Offence, Suggestion

MAX_BYTES = 20 * 1024 * 1024  # a national list is a few thousand rows: far below this
MAX_ROWS = 200_000
UNPACKED_PER_BYTE = 10  # an XLSX's XML unpacked against the same table as CSV: a few times larger
MAX_SUGGESTION_BYTES = 200 * 1024 * 1024  # about 50,000 offences with five suggestions each
DECIDED_LINE = "accepted: " + DECIDED  # how the suggest CSV marks an offence decided by --accepted


def _check_size(path, limit=None, what="an offence table"):
    limit = limit or MAX_BYTES
    try:
        size = os.path.getsize(path)
    except OSError:
        return  # read_table says why it cannot be read
    if size > limit and os.path.isfile(path):
        raise InputError(f"too large for {what} ({size / 1e6:.0f} MB; at most "
                         f"{limit / 1e6:.0f} MB): is it the right file?", file=path)
    if zipfile.is_zipfile(path):  # an XLSX: its sheets' XML, unpacked, is what is read
        check_unpacked(path, UNPACKED_PER_BYTE * limit)


def _pick(table, given, *defaults, required=True, what="column", option=True):
    if given:
        found = table.column(given)
        if found is None:
            raise InputError(f"no column {given!r} (the columns are: {', '.join(table.columns)})",
                             file=table.path, row=table.header_line or 1)
        return found
    for name in defaults:
        found = table.column(name)
        if found is not None:
            return found
    if required:
        hint = f" or give --{what}-col" if option else ""
        raise InputError(f"no {what} column: name it {defaults[0]!r}{hint} "
                         f"(the columns are: {', '.join(table.columns)})", file=table.path,
                         row=table.header_line or 1)
    return None


def read_offences(path, code_col=None, label_col=None, description_col=None, family_col=None):
    """The offences of a national list, in file order. Columns ``code`` and ``label`` (or
    ``national_code``/``national_label``) unless named; ``description`` and ``family`` when
    present or named. Title lines above the header (a spreadsheet's preamble) are skipped: the
    header is the first line naming the code column."""
    _check_size(path)
    table = read_table(path, header_hint=(code_col,) if code_col else ("code", "national_code"))
    code = _pick(table, code_col, "code", "national_code", what="code")
    label = _pick(table, label_col, "label", "national_label", what="label")
    description = _pick(table, description_col, "description", required=False, what="description")
    family = _pick(table, family_col, "family", required=False, what="family")
    offences, seen = [], {}
    for row in table:
        if len(offences) >= MAX_ROWS:
            raise InputError(f"more than {MAX_ROWS} offences: is it the right file?", file=path, row=row.line)
        if not row[code]:
            raise InputError("no national code", file=path, row=row.line, column=code)
        if not row[label]:
            raise InputError(f"offence {row[code]!r} has no label", file=path, row=row.line, column=label)
        if row[code] in seen:
            raise InputError(f"national code {row[code]!r} appears twice (first on line {seen[row[code]]})",
                             file=path, row=row.line, column=code)
        seen[row[code]] = row.line
        offences.append(Offence(row[code], row[label], row[description] if description else "",
                                row[family] if family else "", line=row.line))
    if not offences:
        raise InputError("no offences (a header and no rows)", file=path)
    return offences


def iccs_code(text, classification, path=None, line=None, column=None):
    """An ICCS code as the graph writes it; a code whose leading zero a spreadsheet dropped
    ('2021' for 02021) is restored. InputError when there is no such category."""
    from ..classification import normalize_code

    if not str(text or "").strip():
        raise InputError("no ICCS code", file=path, row=line, column=column)
    code = normalize_code(text)
    if code in classification:
        return classification[code].code
    if code and "0" + code in classification:
        return classification["0" + code].code
    near = classification.suggest(code) if code else []
    hint = f"; did you mean {', '.join(near)}?" if near else ""
    raise InputError(f"unknown ICCS code {str(text).strip()!r}{hint}", file=path, row=line, column=column)


def read_decisions(path, classification, codes_col="iccs_code"):
    """Rows of a correspondence table: dicts with national_code, iccs_code, label, description,
    family (empty when the table has no such column), line. Used for --accepted and gold tables.
    A national code on several rows must have one ICCS code, unless every row of it is a
    ``partial`` mapping (``relation`` column, as ``iccs map review`` writes them); a row that
    repeats another is dropped."""
    _check_size(path)
    table = read_table(path, header_hint=("national_code", "code"))
    national = _pick(table, None, "national_code", "code", what="national_code", option=False)
    code = _pick(table, None, codes_col, "iccs_code", "iccs", what="iccs_code", option=False)
    label = _pick(table, None, "national_label", "label", required=False)
    description = _pick(table, None, "description", "national_description", required=False)
    family = _pick(table, None, "family", required=False)
    relation = _pick(table, None, "relation", required=False)
    out, seen = [], {}
    for row in table:
        if not row[national]:
            raise InputError("no national code", file=path, row=row.line, column=national)
        decision = {"national_code": row[national],
                    "iccs_code": iccs_code(row[code], classification, path, row.line, code),
                    "label": row[label] if label else "",
                    "description": row[description] if description else "",
                    "family": row[family] if family else "", "line": row.line,
                    "partial": bool(relation) and row[relation].strip().lower() == "partial"}
        earlier = seen.setdefault(decision["national_code"], [])
        if any(d["iccs_code"] == decision["iccs_code"] for d in earlier):
            continue
        if earlier and not (decision["partial"] and all(d["partial"] for d in earlier)):
            first = earlier[0]
            raise InputError(f"national code {decision['national_code']!r} is given {decision['iccs_code']} "
                             f"here and {first['iccs_code']} on line {first['line']} (several codes for "
                             f"one offence are partial mappings: a relation column saying 'partial')",
                             file=path, row=row.line, column=code)
        earlier.append(decision)
        out.append(decision)
    if not out:
        raise InputError("no rows (a header and nothing else)", file=path)
    return out


def check_accepted(decisions, offences, path):
    """An InputError for an accepted decision on a national code that is neither in the list
    nor labelled in the table: there is no text to learn from."""
    listed = {o.national_code for o in offences}
    for d in decisions:
        if d["national_code"] not in listed and not d["label"].strip():
            raise InputError(f"national code {d['national_code']!r} is not in the list and has no label "
                             f"here (a national_label column)", file=path, row=d["line"])


def check_overlap(gold, codes, gold_path, other_path):
    """An InputError when no national code of a gold table is among ``codes`` (those of the
    list or the suggestions evaluated): the two files are not of one list."""
    codes = set(codes)
    if gold and not any(code in codes for code in gold):
        raise InputError(f"none of its {len(gold)} national codes is in {other_path}: are they of "
                         f"the same list?", file=gold_path)


def read_gold(path, classification):
    """National code → ICCS code, from a reviewed correspondence table."""
    gold = {}
    for d in read_decisions(path, classification):
        gold.setdefault(d["national_code"], d["iccs_code"])
    return gold


def _is_json(path):
    if path.lower().endswith(".json"):
        return True
    try:
        with open(path, "rb") as f:
            head = f.read(512).lstrip(b"\xef\xbb\xbf \t\r\n")
    except OSError:
        return False  # read_table says why
    return head[:1] in (b"[", b"{")


def read_suggestions(path, offences=None, classification=None):
    """Suggestions as ``iccs map suggest`` writes them, CSV (or TSV/XLSX: exactly the columns
    ``national_code,rank,iccs_code,iccs_label,score,evidence``, one row per suggestion) or JSON (a
    list of offences with their ``suggestions``), as :class:`Offence` objects, each with its
    suggestions by rank. A CSV row with a national code and no ICCS code lists an offence without
    any suggestion.

    ``offences``: the national list (:func:`read_offences`, or a dict national code → {"label",
    "description", "family"}), which supplies labels, legal texts and families, and the order;
    its offences without any suggestion come too, and suggested codes it does not list come
    after it. ``classification``: when given, every suggested code must be one of its codes.
    Anything that cannot be read is an InputError naming file, line and column."""
    path = str(path)
    _check_size(path, MAX_SUGGESTION_BYTES, "suggestions")
    found = _read_json(path, classification) if _is_json(path) else _read_csv(path, classification)
    if offences:
        if not isinstance(offences, dict):
            offences = {o.national_code: {"label": o.label, "description": o.description, "family": o.family}
                        for o in offences}
        by_code = {o.national_code: o for o in found}
        ordered = []
        for code, info in offences.items():
            o = by_code.pop(code, None) or Offence(code)
            o.label = o.label or info.get("label", "")
            o.description = o.description or info.get("description", "")
            o.family = o.family or info.get("family", "")
            ordered.append(o)
        found = ordered + list(by_code.values())
    return found


def _read_csv(path, classification=None):
    table = read_table(path, required=CSV_COLUMNS, header_hint=("national_code",))
    names = dict(zip(CSV_COLUMNS, table.require(*CSV_COLUMNS)))
    offences = {}
    for row in table:
        def cell(key, row=row):
            return row[names[key]]

        code = cell("national_code")
        if not code:
            raise InputError("no national code", file=path, row=row.line, column=names["national_code"])
        offence = offences.setdefault(code, Offence(code, line=row.line))
        if not cell("iccs_code"):  # an offence listed without a suggestion
            continue
        rank = _int(cell("rank"), path, row.line, names["rank"])
        if any(s.rank == rank for s in offence.suggestions):
            raise InputError(f"rank {rank} of {code!r} appears twice", file=path, row=row.line,
                             column=names["rank"])
        if cell("evidence").startswith(DECIDED_LINE):
            offence.decided = True
        suggested = (iccs_code(cell("iccs_code"), classification, path, row.line, names["iccs_code"])
                     if classification is not None else normalize_code(cell("iccs_code")))
        offence.suggestions.append(Suggestion(rank, suggested, cell("iccs_label"),
                                              _score(cell("score"), path, row.line, names["score"],
                                                     probability=classification is not None),
                                              evidence_line=cell("evidence")))
    if not offences:
        raise InputError("no suggestions (the file has a header and nothing else)", file=path)
    for o in offences.values():
        o.suggestions.sort(key=_rank)
    return list(offences.values())


def _rank(s):
    return s.rank


def _read_json(path, classification=None):
    raw = read_input(path)
    try:
        data = json.loads(raw.decode("utf-8-sig"))
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
                          _text(item.get("family")), decided=item.get("decided") is True)
        suggestions = item.get("suggestions") or []
        if not isinstance(suggestions, list):
            raise InputError(f"suggestions of {code!r} are not a list", file=path)
        for j, s in enumerate(suggestions, start=1):
            if not isinstance(s, dict) or not str(s.get("iccs_code") or "").strip():
                raise InputError(f"suggestion {j} of {code!r} has no iccs_code", file=path)
            where = f"suggestion {j} of {code!r}"
            rank = _int(s.get("rank", j), path, None, None, where)
            score = _score(s.get("score", 0), path, None, None, where, probability=classification is not None)
            suggested = normalize_code(s["iccs_code"])
            if classification is not None:
                try:
                    suggested = iccs_code(s["iccs_code"], classification)
                except InputError as e:
                    raise InputError(f"{where}: {e.message}", file=path) from None
            offence.suggestions.append(Suggestion(rank, suggested,
                                                  _text(s.get("iccs_label")), score,
                                                  _evidence(s.get("evidence"), path, where)))
        offence.suggestions.sort(key=_rank)
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


def _score(value, path, row, column, where=None, probability=False):
    """A suggestion's score: a number; with ``probability`` (suggestions evaluated), from 0 to 1."""
    try:
        number = float(value)
        if (0.0 <= number <= 1.0) if probability else math.isfinite(number):
            return number
    except (TypeError, ValueError):
        pass
    prefix = f"{where}: " if where else ""
    wanted = "a probability from 0 to 1" if probability else "a number"
    raise InputError(f"{prefix}score {value!r} is not {wanted}", file=path, row=row, column=column)

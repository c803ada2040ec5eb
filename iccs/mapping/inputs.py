"""Reading the tables of a mapping: the national offence list, accepted decisions, a gold table,
suggestions written earlier. All through ``iccs.tables.read_table`` (CSV, TSV or XLSX; encoding
and separator detected); anything wrong is one InputError naming file, line and column."""
import json
import os

from ..errors import InputError
from ..tables import read_table
from .suggest import DECIDED
from .types import Evidence, Offence, Suggestion

MAX_BYTES = 20 * 1024 * 1024  # a national list is a few thousand rows: far below this
MAX_ROWS = 200_000


def _check_size(path):
    try:
        size = os.path.getsize(path)
    except OSError:
        return  # read_table says why it cannot be read
    if size > MAX_BYTES and os.path.isfile(path):
        raise InputError(f"too large for an offence table ({size / 1e6:.0f} MB; at most "
                         f"{MAX_BYTES / 1e6:.0f} MB): is it the right file?", file=path)


def _pick(table, given, *defaults, required=True, what="column"):
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
        raise InputError(f"no {what} column: name it {defaults[0]!r} or give --{what}-col "
                         f"(the columns are: {', '.join(table.columns)})", file=table.path,
                         row=table.header_line or 1)
    return None


def read_offences(path, code_col=None, label_col=None, description_col=None, family_col=None):
    """The offences of a national list, in file order. Columns ``code`` and ``label`` (or
    ``national_code``/``national_label``) unless named; ``description`` and ``family`` when
    present or named."""
    _check_size(path)
    table = read_table(path)
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
    family (empty when the table has no such column), line. Used for --accepted and gold tables."""
    _check_size(path)
    table = read_table(path)
    national = _pick(table, None, "national_code", "code", what="national_code")
    code = _pick(table, None, codes_col, "iccs_code", "iccs", what="iccs_code")
    label = _pick(table, None, "national_label", "label", required=False)
    description = _pick(table, None, "description", "national_description", required=False)
    family = _pick(table, None, "family", required=False)
    out = []
    for row in table:
        if not row[national]:
            raise InputError("no national code", file=path, row=row.line, column=national)
        out.append({"national_code": row[national],
                    "iccs_code": iccs_code(row[code], classification, path, row.line, code),
                    "label": row[label] if label else "",
                    "description": row[description] if description else "",
                    "family": row[family] if family else "", "line": row.line})
    if not out:
        raise InputError("no rows (a header and nothing else)", file=path)
    return out


def read_gold(path, classification):
    """National code → ICCS code, from a reviewed correspondence table."""
    gold = {}
    for d in read_decisions(path, classification):
        gold.setdefault(d["national_code"], d["iccs_code"])
    return gold


def _is_json(path):
    try:
        with open(path, "rb") as f:
            return f.read(64).lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"[")
    except OSError:
        return False


def _offence_from_json(d):
    suggestions = [Suggestion(s["rank"], s["iccs_code"], s.get("iccs_label", ""), float(s["score"]),
                              [Evidence(e["kind"], e["text"], e.get("lang", ""), e.get("via"))
                               for e in s.get("evidence", [])])
                   for s in d["suggestions"]]
    return Offence(str(d["national_code"]), d.get("label", ""), d.get("description", ""),
                   d.get("family", ""), decided=bool(d.get("decided")), suggestions=suggestions)


def read_suggestions(path):
    """Suggestions written by ``iccs map suggest`` (its CSV or JSON) as Offence objects."""
    _check_size(path)
    if _is_json(path):
        try:
            with open(path, encoding="utf-8-sig") as f:
                data = json.load(f)
            return [_offence_from_json(d) for d in data]
        except FileNotFoundError:
            raise InputError("no such file", file=path) from None
        except (ValueError, KeyError, TypeError) as e:
            raise InputError(f"not suggestions as iccs map suggest writes them in JSON ({e})",
                             file=path) from None
    table = read_table(path, required=["national_code", "rank", "iccs_code", "score"])
    by_code = {}
    for row in table:
        try:
            s = Suggestion(int(row["rank"]), row["iccs_code"], row.get("iccs_label", ""), float(row["score"]))
        except ValueError:
            raise InputError("rank and score must be numbers", file=path, row=row.line) from None
        o = by_code.setdefault(row["national_code"], Offence(row["national_code"], ""))
        if row.get("evidence", "").startswith("accepted: " + DECIDED):
            o.decided = True
        o.suggestions.append(s)
    for o in by_code.values():
        o.suggestions.sort(key=lambda s: s.rank)
    return list(by_code.values())

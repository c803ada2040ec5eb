"""National counts → ICCS counts at every level of the hierarchy, as SDMX-CSV 1.0.

:func:`convert` reads counts (``national_code,period,value`` plus any breakdown columns, kept as
dimensions), sends each national code's count to the ICCS categories the correspondence table
names and rolls them up the tree without double counting: a category's count is the sum, over
national codes, of the counts of those mapped to it or to any of its descendants — each national
code counted once per category, even when it maps (in part) to two of its subcategories.

Counts through partial mappings are not split by guess: they go to the categories the table
names, and every observation that rests on one is flagged ``OBS_STATUS=D`` ("definition
differs", SDMX code list CL_OBS_STATUS); :attr:`Conversion.observations` says how much of each
total rests on partial mappings. National codes the table does not map are reported (code, rows,
total), never dropped silently. Bad input — a count that is not a number or is negative, a
missing column, an unknown ICCS code in the table — is an InputError naming file, row, column.
"""
import math
import time
from dataclasses import dataclass, field

from ..errors import InputError
from ..findings import Finding, Report
from .table import RELATIONS, load_table

REQUIRED = ("national_code", "period", "value")
DEFAULT_DATAFLOW = "ICCS_TOOLKIT:ICCS_COUNTS(1.0)"
NORMAL, PARTIAL = "A", "D"  # CL_OBS_STATUS: normal value; definition differs


@dataclass
class Conversion:
    """The result of :func:`convert`. ``observations``: dicts with ``ICCS``, ``TIME_PERIOD``, the
    breakdowns, ``OBS_VALUE``, ``OBS_STATUS`` and ``partial`` (the part of OBS_VALUE that rests on
    partial mappings), in the order of the ICCS tree, then period, then breakdowns.
    ``dimensions``: the breakdown columns. ``unmapped``: one dict per national code the table does
    not map (``national_code``, ``rows``, ``value``, ``first_row``). ``report``: the same as
    Findings (warnings), with stats."""

    observations: list
    dimensions: list
    unmapped: list
    report: Report
    dataflow: str = DEFAULT_DATAFLOW
    stats: dict = field(default_factory=dict)

    @property
    def columns(self):
        return ["DATAFLOW", "ICCS", "TIME_PERIOD", *self.dimensions, "OBS_VALUE", "OBS_STATUS"]

    def rows(self):
        """The observations as SDMX-CSV rows (dicts of :attr:`columns`)."""
        for o in self.observations:
            yield dict(o, DATAFLOW=self.dataflow)

    def to_sdmx_csv(self):
        """SDMX-CSV 1.0 text: ``DATAFLOW,ICCS,TIME_PERIOD,<breakdowns>,OBS_VALUE,OBS_STATUS``."""
        import csv
        import io

        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(self.columns)
        for o in self.observations:
            writer.writerow([self.dataflow, o["ICCS"], o["TIME_PERIOD"], *(o[d] for d in self.dimensions),
                             _number(o["OBS_VALUE"]), o["OBS_STATUS"]])
        return out.getvalue()

    def partial_summary(self):
        """Per ICCS category (all periods and breakdowns together): total, the part resting on
        partial mappings, and its share — only categories with such a part."""
        totals = {}
        for o in self.observations:
            t = totals.setdefault(o["ICCS"], [0, 0])
            t[0] += o["OBS_VALUE"]
            t[1] += o["partial"]
        return [{"ICCS": code, "total": _number(t), "partial": _number(p),
                 "share": round(p / t, 4) if t else 0.0}
                for code, (t, p) in totals.items() if p]


def convert(counts, correspondence, dataflow=DEFAULT_DATAFLOW, classification=None, progress=None):
    """Convert national counts to ICCS counts (see the module). ``counts``: a path to a
    CSV/TSV/XLSX file; ``correspondence``: a table path or a list of Mapping. ``progress``: called
    now and then with (rows read, rows expected), for a progress bar. Returns a :class:`Conversion`."""
    import os

    from ..tables import read_table

    started = time.perf_counter()
    if classification is None:
        import iccs

        classification = iccs.load()
    table_file = str(correspondence) if not isinstance(correspondence, list) else ""
    mappings = load_table(correspondence) if table_file else correspondence
    routes = _routes(mappings, classification, table_file)

    table = read_table(counts, required=REQUIRED, header_hint=("national_code",))
    code_col, period_col, value_col = table.require(*REQUIRED)
    dims = [c for c in table.columns if c not in (code_col, period_col, value_col)]
    for name in dims:
        if name.upper() in ("DATAFLOW", "ICCS", "TIME_PERIOD", "OBS_VALUE", "OBS_STATUS", "PARTIAL"):
            raise InputError(f"a breakdown column may not be called {name!r}: SDMX-CSV names a column so",
                             file=table.path, row=table.header_line, column=name)
    expected = _expected_rows(table.path, os.path.getsize(table.path)) if progress and table.sheet is None else 0

    # 1. national counts by code, then (period, breakdowns…), as read (repeated keys add up)
    by_code, first_row = {}, {}
    by_code_get = by_code.get
    n = 0
    for line, code, rest, text in _records(table, code_col, [period_col, *dims], value_col):
        n += 1
        try:
            value = int(text)
        except ValueError:
            value = _count(text, table.path, line, value_col)
        if value < 0:
            _count(text, table.path, line, value_col)  # raises: a negative count
        inner = by_code_get(code)
        if inner is None:
            if not code:
                raise InputError("no national code", file=table.path, row=line, column=code_col)
            inner = by_code[code] = {}
            first_row[code] = line
        if not rest[0]:
            raise InputError("no period", file=table.path, row=line, column=period_col)
        inner[rest] = inner.get(rest, 0) + value
        if progress is not None and n % 50000 == 0:
            progress(n, max(n, expected))
    duplicates = n - sum(len(inner) for inner in by_code.values())
    if progress is not None:
        progress(n, n)

    # 2. to the ICCS categories, as {category: {(period, breakdowns…): count}}. A code mapped to
    # one category goes there (and up the tree in step 3); a code mapped in part to several goes
    # to each of them and to each ancestor once.
    direct, direct_partial, totals, partial, unmapped = {}, {}, {}, {}, {}
    for code, inner in by_code.items():
        route = routes.get(code)
        if route is None:
            unmapped[code] = [len(inner), sum(inner.values())]
            continue
        target, categories, is_partial = route
        if target is not None:
            _add(direct, target, inner)
            if is_partial:
                _add(direct_partial, target, inner)
        else:
            for c in categories:
                _add(totals, c, inner)
                _add(partial, c, inner)

    # 3. roll up: each category's sums are added to its parent's, deepest level first.
    parent = {c.code: (c.parent.code if c.parent else None) for c in classification}
    depth = {c.code: c.depth for c in classification}
    for sums_of, into in ((direct, totals), (direct_partial, partial)):
        for level in range(max(depth.values()), 1, -1):
            for c in [c for c in sums_of if depth[c] == level]:
                _add(sums_of, parent[c], sums_of[c])
        for c, inner in sums_of.items():
            _add(into, c, inner)

    observations = []
    for category in (c.code for c in classification):
        values = totals.get(category)
        if not values:
            continue
        parts = partial.get(category, {})
        for rest in sorted(values):
            o = {"ICCS": category, "TIME_PERIOD": rest[0]}
            o.update(zip(dims, rest[1:]))
            p = parts.get(rest, 0)
            o.update(OBS_VALUE=values[rest], OBS_STATUS=PARTIAL if p else NORMAL, partial=p)
            observations.append(o)

    findings = []
    unmapped_rows = []
    for code in sorted(unmapped, key=lambda c: first_row.get(c, 0)):
        rows, value = unmapped[code]
        unmapped_rows.append({"national_code": code, "rows": rows, "value": _number(value),
                              "first_row": first_row.get(code, 0)})
        findings.append(Finding(code="UnmappedCode", severity="warning", file=table.path, row=first_row.get(code, 0),
                                column=code_col, value=code,
                                message=f"not in the correspondence table: {_number(value)} counted on "
                                        f"{rows} row(s) not converted"))
    if duplicates:
        findings.append(Finding(code="DuplicateCount", severity="warning", file=table.path,
                                message=f"{duplicates} row(s) repeat a national code, period and breakdown "
                                        "of an earlier row: their counts were added together"))
    stats = {"rows": n, "national_codes": len(by_code), "observations": len(observations),
             "unmapped_codes": len(unmapped), "unmapped_value": _number(sum(v for _, v in unmapped.values())),
             "partial_observations": sum(1 for o in observations if o["partial"]),
             "seconds": round(time.perf_counter() - started, 2)}
    report = Report(findings=sorted(findings), checked=[table.path] + ([table_file] if table_file else []),
                    stats=stats)
    return Conversion(observations, dims, unmapped_rows, report, dataflow, stats)


def _routes(mappings, classification, file):
    """national code → (its one ICCS category, or None when it maps in part to several; the
    categories its count goes to: every category mapped and every ancestor, each once; whether
    it rests on a partial mapping). A table that cannot be used (an unknown code or relation, a
    code mapped twice but not in part) is an InputError."""
    targets = {}
    for m in mappings:
        where = dict(file=file or None, row=m.line or None)
        if not m.national_code:
            raise InputError("a mapping without national code", column="national_code", **where)
        c = classification.get(m.iccs_code) if m.iccs_code else None
        if c is None:
            raise InputError(f"not an ICCS category: {m.iccs_code!r} (iccs correspondence check lists "
                             "what to fix)", column="iccs_code", **where)
        if m.relation not in RELATIONS:
            raise InputError(f"the relation is one of {', '.join(RELATIONS)}, not {m.relation!r}",
                             column="relation", **where)
        targets.setdefault(m.national_code, []).append((m, c))
    routes = {}
    for code, pairs in targets.items():
        relations = {m.relation for m, _ in pairs}
        if len(pairs) > 1 and relations != {"partial"}:
            m = pairs[1][0]
            raise InputError(f"{code} is mapped to {len(pairs)} categories but not all with relation "
                             "partial: its count would be counted twice", column="national_code",
                             file=file or None, row=m.line or None)
        categories = []
        for _, c in pairs:
            for p in c.path:
                if p.code not in categories:
                    categories.append(p.code)
        routes[code] = (pairs[0][1].code if len(pairs) == 1 else None, tuple(categories), "partial" in relations)
    return routes


def _records(table, code_column, key_columns, value_column):
    """(line, national code, (key values…), value text) of each row, stripped, from the table's
    records (lists, not dicts: this is the loop of a million rows)."""
    from operator import itemgetter

    index = [table.columns.index(c) for c in key_columns]
    get_key = itemgetter(*index) if len(index) > 1 else (lambda values, i=index[0]: (values[i],))
    at_code = table.columns.index(code_column)
    at_value = table.columns.index(value_column)
    strip = str.strip
    for line, values in table.records():
        yield line, values[at_code].strip(), tuple(map(strip, get_key(values))), values[at_value].strip()


def _add(into, category, counts):
    """Add {key: count} to the counts of a category in ``into``."""
    mine = into.get(category)
    if mine is None:
        into[category] = dict(counts)
        return
    get = mine.get
    for key, value in counts.items():
        mine[key] = get(key, 0) + value


def _count(text, path, line, column):
    try:
        value = int(text)
    except ValueError:
        try:
            value = float(text)
        except ValueError:
            raise InputError(f"not a number: {text!r}" if text else "no count", file=path, row=line,
                             column=column) from None
        if not math.isfinite(value):
            raise InputError(f"not a count: {text!r}", file=path, row=line, column=column) from None
    if value < 0:
        raise InputError(f"a negative count: {text}", file=path, row=line, column=column)
    return value


def _number(value):
    """A count as text without a useless '.0'."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _expected_rows(path, size):
    """About how many rows a file has, from the length of its first lines."""
    with open(path, "rb") as f:
        head = f.read(1 << 16)
    lines = head.count(b"\n") or 1
    return int(size / (len(head) / lines))

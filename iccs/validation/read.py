"""A submission file into DuckDB: ``raw`` (the cells as text, with their line) and ``obs`` (one
normalised observation per row: area, period, category resolved, stage, sex, unit, value, keys).

The dialect (encoding, separator, preamble) is found by :func:`iccs.tables.read_table`. A UTF-8
CSV whose lines are one row each is then read by DuckDB directly (the fast path); anything else
(Windows-1252, XLSX, blank lines, cells over several lines) goes through ``read_table`` into a
temporary UTF-8 copy first, so that row numbers are always those of the file.
"""
import os
import re
import tempfile

from ..errors import InputError
from ..findings import Finding
from . import layouts
from .engine import _table

MAX_BYTES = 1 << 30  # 1 GiB
WIDE = 10000  # a wide TSV's observation id: line × WIDE + column
SEP = "\x1f"
_MISSING = ("", ":", "..", "...")
_STAGES = (("suspect", "suspected"), ("arrest", "suspected"), ("per_susp", "suspected"),
           ("prosecut", "prosecuted"), ("per_prsc", "prosecuted"), ("convict", "convicted"),
           ("per_cnv", "convicted"), ("prison", "prison"), ("victim", "victims"), ("offen", "offences"))
STAGE_RANK = {"suspected": 1, "prosecuted": 2, "convicted": 3}


class Submission:
    """One file read: its layout, columns (as ``c0…cN`` in DuckDB), reader findings, counts."""

    def __init__(self, path, table, layout):
        self.path, self.table, self.layout = path, table, layout
        self.columns = list(table.columns)
        self.findings = []
        self.rows = self.observations = self.deleted = 0
        self.offset = None  # line of the first row when DuckDB read the file itself (id = rowid + offset)

    def col(self, column):
        return f"c{self.columns.index(column)}"

    def key_of(self, raw_row):
        """The observation's dimensions as named in the file, from a ``raw`` row (a dict)."""
        return {c: raw_row[self.col(c)] for c in self.layout.dimensions}


def read(con, path, resolver, max_bytes=MAX_BYTES):
    """Load ``path`` into the DuckDB connection ``con`` (tables ``raw`` and ``obs``)."""
    from ..tables import read_table

    path = str(path)
    if os.path.isfile(path) and os.path.getsize(path) > max_bytes:
        raise InputError(f"file is {os.path.getsize(path) / 2**30:.1f} GiB, over the limit of "
                         f"{max_bytes / 2**30:.1f} GiB (split it by year or area)", file=path)
    table = read_table(path, header_hint=layouts.HEADER_HINT)
    layout = layouts.detect(table, tag_acronyms=resolver.tag_acronyms)
    sub = Submission(path, table, layout)
    if layout.name == "eurostat-tsv":
        sub.columns = layouts.wide_columns(table)
    _load_raw(con, sub)
    sub.rows = con.execute("SELECT count(*) FROM raw").fetchone()[0]
    if not sub.rows:
        raise InputError("no rows under the header", file=path, row=table.header_line)
    _normalise(con, sub, resolver)
    return sub


def _load_raw(con, sub, careful=False):
    import duckdb

    table, path = sub.table, sub.path
    names = {f"c{i}": "VARCHAR" for i in range(len(sub.columns))}
    if not careful and sub.layout.name != "eurostat-tsv" and table.encoding in ("utf-8", "utf-8-sig") \
            and _one_row_per_line(path, table):
        source = path
        offset = table.header_line + 1
    else:
        source = _transcode(sub)
        offset = None
    con.execute("SET preserve_insertion_order = true")  # row n of raw_t is the file's row n
    con.execute("DROP VIEW IF EXISTS raw")
    con.execute("DROP TABLE IF EXISTS raw_t")
    # In file order: DuckDB keeps the order of a CSV scan (preserve_insertion_order, its
    # default), so the n-th row of the table (rowid n - 1) is on line header + n. The options are
    # written into the SQL (a prepared read_csv is slower).
    fast = offset is not None
    columns = names if fast else dict(names, id="BIGINT", line="BIGINT")
    query = (f"CREATE TABLE raw_t AS SELECT * FROM read_csv({_sql(source)}, "
             f"delim={_sql(table.delimiter if fast else ',')}, header=true, "
             f"skip={table.header_line - 1 if fast else 0}, quote='\"', escape='\"', "
             f"columns={{{', '.join(f'{_sql(k)}: {_sql(v)}' for k, v in columns.items())}}}, "
             f"null_padding=true, strict_mode={'true' if fast else 'false'}, auto_detect=false"
             f"{'' if fast else ', parallel=false'})")  # the careful copy may hold cells over several lines
    try:
        con.execute(query)
    except duckdb.Error as e:
        if not fast:
            os.unlink(source)
            raise InputError(f"not a readable table: {' '.join(str(e).split())[:200]}", file=path) from None
        found = re.search(r"CSV Error on Line: (\d+).*Expected Number of Columns: (\d+) Found: (\d+)",
                          str(e), re.DOTALL)
        if found:
            line, wanted, got = (int(g) for g in found.groups())
            raise InputError(f"{got} cells where the header has {wanted} (a value holding the "
                             "separator without quotes?)", file=path, row=line) from None
        return _load_raw(con, sub, careful=True)  # anything else: through the table reader
    sub.offset = offset
    line = "id, line" if offset is None else f"rowid + {offset} AS id, rowid + {offset} AS line"
    cells = ", ".join(f"trim(coalesce({c}, '')) AS {c}" for c in names)
    con.execute(f"CREATE VIEW raw AS SELECT {line}, {cells} FROM raw_t")
    if offset is None:
        os.unlink(source)


def _sql(text):
    """A SQL string literal."""
    return "'" + str(text).replace("'", "''") + "'"


def _one_row_per_line(path, table):
    """True when the file has no blank or continued lines: row n is then line header + n."""
    with open(path, "rb") as f:
        newlines, last, blank = 0, b"", False
        while True:
            chunk = f.read(1 << 24)
            if not chunk:
                break
            newlines += chunk.count(b"\n")
            if b"\n\n" in chunk or b"\n\r\n" in chunk or (last == b"\n" and chunk[:1] in (b"\n", b"\r")):
                blank = True
            if b'"' in chunk and (b'\n"' in chunk or b'"\r\n' in chunk):
                # a quoted cell may hold a line break: count rows the careful way
                blank = blank or _quoted_newline(chunk)
            last = chunk[-1:]
    if blank:
        return False
    lines = newlines + (1 if last not in (b"\n", b"") else 0)
    return lines >= table.header_line and _head_is_clean(path, table.header_line)


def _quoted_newline(chunk):
    import csv
    import io

    text = chunk.decode("utf-8", errors="replace")
    text = text[: text.rfind("\n") + 1]
    return any("\n" in cell for row in csv.reader(io.StringIO(text)) for cell in row)


def _head_is_clean(path, header_line):
    """No blank line among the preamble (DuckDB's skip counts lines as read_table does)."""
    with open(path, "rb") as f:
        for _ in range(header_line):
            if not f.readline().strip():
                return False
    return True


def _transcode(sub):
    """The rows of ``read_table`` into a temporary UTF-8 CSV with their line numbers."""
    import csv

    fd, tmp = tempfile.mkstemp(suffix=".csv", prefix="iccs-validate-")
    with os.fdopen(fd, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow([f"c{i}" for i in range(len(sub.columns))] + ["id", "line"])
        if sub.layout.name == "eurostat-tsv":  # one row per year: id = line × 10000 + column
            first, years = sub.table.columns[0], sub.table.columns[1:]
            for row in sub.table:
                dims = [d.strip() for d in row[first].split(",")]
                for column, year in enumerate(years, start=2):
                    writer.writerow(dims + [year.strip(), row.get(year, "")]
                                    + [row.line * WIDE + column, row.line])
            return tmp
        for row in sub.table:
            writer.writerow([row.get(c, "") for c in sub.columns] + [row.line, row.line])
    return tmp


def _normalise(con, sub, resolver):
    roles, layout = sub.layout.roles, sub.layout
    col = sub.col

    def cell(role, default="''"):
        return col(roles[role]) if role in roles else default

    # Categories: each distinct (dimension, category) once, in Python.
    dim = col(layout.dimension_column) if layout.dimension_column else "''"
    pairs = con.execute(f"SELECT {dim} AS d, {cell('category')} AS t, min(line) AS first, count(*) "
                        f"FROM raw GROUP BY ALL").fetchall()
    resolved = []
    for d, text, first, n in pairs:
        r = resolver.resolve(text, d)
        resolved.append((d, text, r.kind, r.code or None))
        if r.how and r.code:
            label = resolver.c[r.code].label("en") if r.code in resolver.codes else ""
            sub.findings.append(Finding.at(
                "CategoryResolved", f"read as {r.code} {label} ({r.how})"
                + (f"; {n} rows" if n > 1 else ""), severity="info", file=sub.path, row=first,
                column=roles["category"], value=text))
    con.execute("DROP TABLE IF EXISTS catmap")
    _table(con, "catmap", d=[r[0] for r in resolved], t=[r[1] for r in resolved],
           kind=[r[2] for r in resolved], code=[r[3] for r in resolved])

    def key(excluded):
        """A 64-bit hash of the dimensions but ``excluded`` (GROUP BY and joins on one number)."""
        parts = [col(c) for c in layout.dimensions if c not in excluded]
        return f"hash({', '.join(parts)})" if parts else "0::UBIGINT"

    # Stages of criminal justice: each distinct indicator once.
    indicators = [r[0] for r in con.execute(f"SELECT DISTINCT {cell('indicator')} FROM raw").fetchall()]
    stages = [_stage(i) for i in indicators]
    con.execute("DROP TABLE IF EXISTS stagemap")
    _table(con, "stagemap", types={"stage_rank": "INTEGER"}, i=indicators, stage=stages, stage_rank=[STAGE_RANK.get(x) for x in stages])

    category, sex, indicator, period = (roles.get(r) for r in ("category", "sex", "indicator", "period"))
    value = cell("value")
    split = r"'^(\S+)\s+([a-z]{1,3})$'"  # Eurostat: "123 p", ": c"
    spaced = f"contains({value}, ' ')"
    flag_from_value = f"CASE WHEN {spaced} THEN regexp_extract({value}, {split}, 2) ELSE '' END"
    value_text = (f"CASE WHEN {spaced} AND regexp_extract({value}, {split}, 1) <> '' "
                  f"THEN regexp_extract({value}, {split}, 1) ELSE {value} END")
    action = f"upper({cell('action')}) <> 'D'" if "action" in roles else "true"
    sex_cell = f"upper({cell('sex')})"
    unit_cell = f"upper({cell('unit')})"
    con.execute(f"""
        CREATE OR REPLACE TABLE obs AS
        WITH base AS (
          SELECT r.id, r.line, {cell('area')} AS area, {cell('period')} AS period,
                 {cell('category')} AS cat_text, m.kind, m.code,
                 {cell('indicator')} AS indicator, s.stage, s.stage_rank,
                 CASE WHEN {sex_cell} IN ('T', '_T', 'TOTAL', 'BOTH SEXES', 'ALL', '') THEN 'T'
                      WHEN {sex_cell} IN ('M', 'MALE', 'MALES', 'MEN') THEN 'M'
                      WHEN {sex_cell} IN ('F', 'FEMALE', 'FEMALES', 'WOMEN') THEN 'F'
                      ELSE NULL END AS sex,
                 {cell('unit')} AS unit_text,
                 CASE WHEN {unit_cell} IN ('', 'NR', 'N', 'NUMBER', 'COUNT', 'COUNTS') THEN 'count'
                      WHEN {unit_cell} IN ('P_HTHAB', 'RATE', 'PER_100K')
                        OR lower({cell('unit')}) LIKE 'rate per 100%000%' THEN 'rate'
                      ELSE NULL END AS unit,
                 {value_text} AS value_text,
                 nullif(concat_ws(' ', nullif({cell('flag')}, ''), nullif({flag_from_value}, '')), '') AS flag,
                 {cell('source')} AS source,
                 {key([category])} AS slice_key, {key([sex])} AS sex_key,
                 {key([indicator, layout.dimension_column])} AS stage_key, {key([period])} AS series_key
          FROM raw r JOIN catmap m ON m.d = {dim} AND m.t = {cell('category')}
                     JOIN stagemap s ON s.i = {cell('indicator')}
          WHERE {action}
        ), parsed AS (
          SELECT *, {_number('value_text')} AS num,
                 value_text IN ({", ".join(repr(m) for m in _MISSING)}) AS missing FROM base
        )
        SELECT * EXCLUDE (value_text, num), TRY_CAST(num AS DOUBLE) AS value,
               -- the text of a value only when it is not a plain number (less to store)
               CASE WHEN num IS NULL OR num <> value_text THEN value_text END AS value_text,
               CASE WHEN num <> value_text THEN num END AS num,
               CASE WHEN contains(num, '.') THEN length(num) - strpos(num, '.') ELSE 0 END AS decimals,
               CASE WHEN period GLOB '[0-9][0-9][0-9][0-9]' THEN CAST(period AS INTEGER) END AS year
        FROM parsed
    """)
    sub.observations = con.execute("SELECT count(*) FROM obs").fetchone()[0]
    sub.deleted = sub.rows - sub.observations
    reformatted = con.execute("SELECT count(*), min(line), arg_min(value_text, line) FROM obs "
                              "WHERE num IS NOT NULL").fetchone()
    if reformatted[0]:
        sub.findings.append(Finding.at(
            "NumberFormat", f"{reformatted[0]} value(s) written with a thousands separator or a "
            f"decimal comma were read as numbers (the first: {reformatted[2]!r})", severity="info",
            file=sub.path, row=reformatted[1], column=roles["value"], value=reformatted[2]))
    if layout.tags:
        parts = " UNION ALL ".join(f"SELECT id, '{t}' AS tag, {col(c)} AS value, '{c}' AS col FROM raw"
                                   for c, t in layout.tags.items())
        con.execute(f"CREATE OR REPLACE TABLE tags AS {parts}")
    else:
        con.execute("CREATE OR REPLACE TABLE tags (id BIGINT, tag VARCHAR, value VARCHAR, col VARCHAR)")


def _stage(indicator):
    folded = indicator.casefold()
    return next((stage for word, stage in _STAGES if word in folded), None)


def _number(t):
    """SQL: the text of a number as DuckDB reads it, or NULL when it is missing or not a number.
    Thousands separators (space, ',' or '.') and a decimal comma are read (see docs)."""
    missing = ", ".join(f"'{m}'" for m in _MISSING)
    return f"""CASE
      WHEN {t} IN ({missing}) THEN NULL
      WHEN regexp_full_match({t}, '-?\\d+(\\.\\d+)?') THEN {t}
      WHEN regexp_full_match({t}, '-?\\d{{1,3}}([ \\x{{a0}}\\x{{202f}}]\\d{{3}})+([.,]\\d+)?')
        THEN replace(regexp_replace({t}, '[ \\x{{a0}}\\x{{202f}}]', '', 'g'), ',', '.')
      WHEN regexp_full_match({t}, '-?\\d{{1,3}}(,\\d{{3}})+(\\.\\d+)?') THEN replace({t}, ',', '')
      WHEN regexp_full_match({t}, '-?\\d{{1,3}}(\\.\\d{{3}})+(,\\d+)?') THEN replace(replace({t}, '.', ''), ',', '.')
      WHEN regexp_full_match({t}, '-?\\d+,\\d+') THEN replace({t}, ',', '.')
      ELSE NULL END"""

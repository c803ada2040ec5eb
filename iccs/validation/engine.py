"""The fast engine: each rule of ``shapes/submission/rules.ttl`` as one DuckDB query over the
``obs`` table, of the same meaning as the shape (the parity test holds them to it).

A query returns the observations that break the rule: ``id`` (the row's line, or for a wide
Eurostat TSV line × 10000 + column), ``value`` and the variables its shape's message names. How a query is written matters: sums of children are made first and then joined to
their parents, and duplicate keys are found by GROUP BY, never by self-joins of every row.
"""
_KNOWN = "code IN (SELECT code FROM ref_cat)"

QUERIES = {
    "KnownCategory": f"""
        SELECT id, cat_text AS value FROM obs
        WHERE kind IN ('code', 'name') AND (code IS NULL OR NOT {_KNOWN})""",
    "KnownArea": """
        SELECT id, area AS value FROM obs
        WHERE area NOT IN (SELECT code FROM ref_area)
          AND NOT (regexp_full_match(area, '[A-Z]{2}[A-Z0-9-]{1,4}')
                   AND substr(area, 1, 2) IN (SELECT code FROM ref_area))
          AND NOT (regexp_full_match(area, '[A-Z]{3}_[A-Z_]+')
                   AND substr(area, 1, 3) IN (SELECT code FROM ref_area))""",
    "KnownPeriod": """
        WITH bad AS (SELECT period FROM (SELECT DISTINCT period FROM obs)
                     WHERE NOT regexp_full_match(period, '[0-9]{4}(-(Q[1-4]|S[12]|M?[01][0-9]|W[0-5][0-9]))?')
                        OR TRY_CAST(substr(period, 1, 4) AS INTEGER) < 1900
                        OR TRY_CAST(substr(period, 1, 4) AS INTEGER) > year(current_date) + 1)
        SELECT id, period AS value FROM obs SEMI JOIN bad USING (period)""",
    "KnownUnit": "SELECT id, unit_text AS value FROM obs WHERE unit IS NULL",
    "TagValue": """
        SELECT t.id, t.value, t.tag FROM tags t SEMI JOIN obs o ON o.id = t.id
        WHERE t.value <> '' AND NOT EXISTS (
            SELECT 1 FROM ref_tag r WHERE r.tag = t.tag AND r.code = t.value)""",
    "ValueNumeric": "SELECT id, value_text AS value FROM obs WHERE NOT missing AND value IS NULL",
    "ValueNonNegative": "SELECT id, value FROM obs WHERE value < 0",
    "CountWhole": "SELECT id, value FROM obs WHERE unit = 'count' AND value <> floor(value)",
    "ValueMissing": "SELECT id, '' AS value FROM obs WHERE missing AND flag IS NULL",
    "DuplicateKey": """
        WITH o AS (SELECT id, cat_text, hash(slice_key, cat_text) AS key FROM obs),
             g AS (SELECT key, min(id) AS first FROM o GROUP BY key HAVING count(*) > 1)
        SELECT o.id, o.cat_text AS value, (SELECT line FROM obs WHERE obs.id = g.first) AS first
        FROM o JOIN g USING (key) WHERE o.id > g.first""",
    # For each reported child, its nearest reported ancestor with the same key; the children's
    # sums by parent; then the parents, joined on one 64-bit key (key and category hashed).
    "ParentSum": f"""
        WITH r AS (SELECT id, slice_key, code, value, unit, decimals,
                          hash(slice_key, code) AS node FROM obs
                   WHERE value IS NOT NULL AND {_KNOWN}),
        parents AS (SELECT node FROM r WHERE code IN (SELECT parent FROM ref_cat)),
        up AS (SELECT r.id, r.code, r.value, a.dist, hash(r.slice_key, a.ancestor) AS parent
               FROM r JOIN ref_anc a USING (code)),
        near AS (SELECT id, arg_min(parent, dist) AS parent, any_value(value) AS value,
                        any_value(code) AS code
                 FROM up SEMI JOIN parents ON parents.node = up.parent GROUP BY id),
        sums AS (SELECT parent, sum(value) AS s, count(*) AS n FROM near GROUP BY parent),
        bad AS (SELECT r.id, r.node, r.value, s.s AS sum FROM r JOIN sums s ON s.parent = r.node
                WHERE r.value + CASE WHEN r.unit = 'rate' THEN 0.5 * (s.n + 1) / pow(10, r.decimals)
                                     ELSE 0 END < s.s - 1e-9)
        SELECT bad.id, bad.value, bad.sum,
               (SELECT string_agg(DISTINCT code, ', ' ORDER BY code) FROM near
                WHERE near.parent = bad.node) AS children
        FROM bad""",
    "SexSum": """
        WITH t AS (SELECT id, sex_key, value, unit, decimals FROM obs WHERE sex = 'T' AND value IS NOT NULL),
             m AS (SELECT sex_key, value FROM obs WHERE sex = 'M' AND value IS NOT NULL),
             f AS (SELECT sex_key, value FROM obs WHERE sex = 'F' AND value IS NOT NULL)
        SELECT t.id, t.value, m.value AS male, f.value AS female
        FROM t JOIN m USING (sex_key) JOIN f USING (sex_key)
        WHERE t.value + CASE WHEN t.unit = 'rate' THEN 1.5 / pow(10, t.decimals) ELSE 0 END
              < m.value + f.value - 1e-9""",
    "StageOrder": """
        WITH s AS (SELECT id, stage_key, stage, stage_rank, value FROM obs
                   WHERE stage_rank IS NOT NULL AND value IS NOT NULL)
        SELECT o.id, o.value, o.stage, e.value AS before, e.stage AS earlier
        FROM s o JOIN s e ON e.stage_key = o.stage_key AND e.stage_rank < o.stage_rank
        WHERE o.value > e.value""",
    "YearJump": """
        WITH y AS (SELECT id, series_key, year, value FROM obs
                   WHERE year IS NOT NULL AND value IS NOT NULL)
        SELECT o.id, o.value, p.value AS previous
        FROM y o JOIN y p ON p.series_key = o.series_key AND p.year = o.year - 1
        WHERE (o.value >= 20 OR p.value >= 20) AND (o.value > 3 * p.value OR p.value > 3 * o.value)""",
    "SeriesGap": """
        WITH ys AS (SELECT DISTINCT series_key, year FROM obs WHERE year IS NOT NULL),
             gappy AS (SELECT series_key FROM ys GROUP BY series_key
                       HAVING max(year) - min(year) + 1 > count(*)),
             g AS (SELECT series_key, year, lag(year) OVER (PARTITION BY series_key ORDER BY year) AS previous
                   FROM ys SEMI JOIN gappy USING (series_key))
        SELECT o.id, o.period AS value, g.previous, g.year
        FROM obs o JOIN g USING (series_key, year) WHERE g.previous < g.year - 1""",
}


def load_reference(con):
    """The code lists as DuckDB tables ``ref_cat``, ``ref_anc``, ``ref_area``, ``ref_tag``."""
    from . import reference

    if con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'ref_cat'").fetchone()[0]:
        return
    cats = reference.categories()
    _table(con, "ref_cat", code=list(cats), parent=list(cats.values()))
    anc = reference.ancestors()
    _table(con, "ref_anc", code=[a[0] for a in anc], ancestor=[a[1] for a in anc],
           dist=[a[2] for a in anc])
    _table(con, "ref_area", code=sorted(reference.areas()))
    tags = [(t, c) for t, codes in reference.tag_codes().items() for c in codes]
    _table(con, "ref_tag", tag=[t for t, _ in tags], code=[c for _, c in tags])


def _table(con, name, types=None, **columns):
    """A table from lists, one per column, written as SQL literals: DuckDB's conversion of Python
    parameters imports pandas when it is installed (half a second), and executemany is slow.
    ``types``: SQL types of the columns (default VARCHAR, or what DuckDB infers)."""
    types = types or {}
    names = list(columns)
    rows = list(zip(*(columns[n] for n in names)))
    decl = ", ".join(f"{n} {types.get(n) or _type(columns[n])}" for n in names)
    con.execute(f"CREATE TABLE {name} ({decl})")
    for start in range(0, len(rows), 5000):
        chunk = rows[start:start + 5000]
        values = ", ".join("(" + ", ".join(_literal(v) for v in row) + ")" for row in chunk)
        con.execute(f"INSERT INTO {name} VALUES {values}")


def _type(values):
    return "BIGINT" if values and all(isinstance(v, int) for v in values) else "VARCHAR"


def _literal(value):
    if value is None:
        return "NULL"
    if isinstance(value, int):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def run(con, rule_ids):
    """``{rule id: [row dicts]}`` for the rules asked for."""
    out = {}
    for rule_id in rule_ids:
        cursor = con.execute(QUERIES[rule_id])
        names = [d[0] for d in cursor.description]
        out[rule_id] = [dict(zip(names, row)) for row in cursor.fetchall()]
    return out

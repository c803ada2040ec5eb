"""Validation of crime-statistics submissions (SDMX-CSV 1.0/2.0, UNODC data-portal tables) against
the ICCS: ``iccs validate``.

- :func:`validate` — files in, one :class:`iccs.findings.Report` out (row-level findings whose
  ``key`` holds the observation's dimensions as named in the file).
- :func:`rules` — the rules, read from ``shapes/submission/rules.ttl`` (their one source).
- ``layouts`` (what each column is), ``categories`` (codes, aggregates and names resolved),
  ``read`` (a file into DuckDB), ``engine`` (each rule as a columnar query), ``cube`` (a submission
  as an RDF Data Cube, and pySHACL over it), ``report`` (findings as a SHACL validation report),
  ``vtl`` (the hierarchy rules as a VTL hierarchical ruleset).

DuckDB is imported only when a file is validated.
"""
import time

from ..findings import Finding, Report

__all__ = ["validate", "rules", "Validator"]


def rules():
    """The rules (id, severity, message, description), in the order of the shapes file."""
    from .ruleset import rules as _rules

    return list(_rules())


class Validator:
    """Validates files one after another with the same code lists and category resolutions."""

    def __init__(self, only=None, engine="fast", max_bytes=None):
        from .ruleset import rules as _rules

        known = [r.id for r in _rules()]
        if only:
            unknown = [r for r in only if r not in known]
            if unknown:
                from ..errors import ICCSError

                raise ICCSError(f"unknown rule {', '.join(unknown)}; the rules are {', '.join(known)}")
        self.rule_ids = [r for r in known if not only or r in only]
        if engine not in ("fast", "shacl"):
            raise ValueError("engine must be 'fast' or 'shacl'")
        self.engine = engine
        self.max_bytes = max_bytes
        self._resolver = None

    @property
    def resolver(self):
        if self._resolver is None:
            import iccs

            from .categories import Resolver
            from .reference import tag_codes

            self._resolver = Resolver(iccs.load())
            self._resolver.tag_acronyms = tuple(tag_codes())
        return self._resolver

    def file(self, path, progress=None):
        """Findings of one file (a list) and its stats (a dict)."""
        import duckdb

        from . import engine, read
        from .ruleset import rule

        started = time.perf_counter()
        con = duckdb.connect()
        try:
            con.execute("SET enable_progress_bar = false")
            steps = 2 + len(self.rule_ids)
            tick = (lambda n: progress(n, steps)) if progress else (lambda n: None)
            engine.load_reference(con)
            kwargs = {"max_bytes": self.max_bytes} if self.max_bytes else {}
            sub = read.read(con, path, self.resolver, **kwargs)
            tick(2)
            findings = list(sub.findings)
            if self.engine == "shacl":
                findings += self._shacl(con, sub)
                tick(steps)
            else:
                hits = {}
                for i, rule_id in enumerate(self.rule_ids, start=3):
                    hits.update(engine.run(con, [rule_id]))
                    tick(i)
                keys = _keys(con, sub, {h["id"] for rows in hits.values() for h in rows})
                for rule_id, rows in hits.items():
                    r = rule(rule_id)
                    for h in rows:
                        row, key = keys.get(h["id"], (0, None))
                        findings.append(Finding.at(
                            rule_id, r.format(**h), key=key, severity=r.severity,
                            file=sub.path, row=row, column=_column(sub, rule_id),
                            value=_value(h.get("value"))))
            stats = {"rows": sub.rows, "observations": sub.observations, "deleted": sub.deleted,
                     "layout": sub.layout.name, "seconds": round(time.perf_counter() - started, 3)}
            return sorted(set(findings)), stats
        finally:
            con.close()

    def _shacl(self, con, sub):
        from .cube import id_of, shacl_findings

        out = []
        raw = shacl_findings(con, sub, self.rule_ids)
        keys = _keys(con, sub, {id_of(f.focus) for f in raw})
        for f in raw:
            row, key = keys.get(id_of(f.focus), (0, None))
            value = "" if id_of(f.value) else f.value  # no sh:value: pySHACL gives the focus
            out.append(Finding.at(f.code, f.message, key=key, severity=f.severity,
                                  file=sub.path, row=row, column=_column(sub, f.code),
                                  value=value))
        return out


_COLUMN = {"KnownCategory": "category", "KnownArea": "area", "KnownPeriod": "period",
           "KnownUnit": "unit", "ValueNumeric": "value", "ValueNonNegative": "value",
           "CountWhole": "value", "ValueMissing": "value", "ParentSum": "value", "SexSum": "value",
           "StageOrder": "value", "YearJump": "value", "SeriesGap": "period", "DuplicateKey": "category"}


def _column(sub, rule_id):
    return sub.layout.roles.get(_COLUMN.get(rule_id, ""), "")


def _value(value):
    from .ruleset import _text

    return "" if value is None else _text(value)


def _keys(con, sub, ids):
    """``{observation id: (line, key dict)}`` for the observations with findings."""
    if not ids:
        return {}
    from .engine import _table

    con.execute("DROP TABLE IF EXISTS wanted")
    if sub.offset is not None and len(ids) <= 20000:
        # rows read by DuckDB directly: fetch them by rowid (a point look-up, not a scan)
        rowids = ", ".join(str(i - sub.offset) for i in sorted(ids))
        cells = ", ".join(f"trim(coalesce(c{i}, '')) AS c{i}" for i in range(len(sub.columns)))
        cursor = con.execute(f"SELECT rowid + {sub.offset} AS id, rowid + {sub.offset} AS line, "
                             f"{cells} FROM raw_t WHERE rowid IN ({rowids})")
    else:
        _table(con, "wanted", id=sorted(ids))
        cursor = con.execute("SELECT raw.* FROM raw SEMI JOIN wanted USING (id)")
    names = [d[0] for d in cursor.description]
    return {row["id"]: (row["line"], sub.key_of(row))
            for row in (dict(zip(names, v)) for v in cursor.fetchall())}


def validate(files, only=None, engine="fast", progress=None, max_bytes=None):
    """Validate submission files; a :class:`iccs.findings.Report`.

    ``only``: rule ids to run (default all). ``engine``: "fast" (DuckDB) or "shacl" (pySHACL
    over the cube; slow, for small files). ``progress(done, total)`` is called as steps finish.
    A file that cannot be read raises :class:`iccs.errors.InputError`.
    """
    if isinstance(files, (str, bytes)) or hasattr(files, "__fspath__"):
        files = [files]
    started = time.perf_counter()
    validator = Validator(only=only, engine=engine, max_bytes=max_bytes)
    findings, per_file = [], {}
    for path in files:
        found, stats = validator.file(path, progress=progress)
        findings += found
        per_file[str(path)] = stats
    stats = {"files": per_file, "rules": validator.rule_ids,
             "observations": sum(s["observations"] for s in per_file.values()),
             "seconds": round(time.perf_counter() - started, 3)}
    return Report(findings=findings, checked=[str(f) for f in files], stats=stats)

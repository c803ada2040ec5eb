"""``iccs validate``: parses arguments, calls :func:`iccs.validation.validate`, prints."""
import sys

import click

FORMATS = ("text", "json", "csv", "ttl", "vtl")


@click.command()
@click.argument("files", nargs=-1, type=click.Path())
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True,
              help="Output: text (summary by rule, then findings), json, csv, ttl (a SHACL "
                   "validation report); with --rules: text, json, csv, or vtl (the hierarchy as a "
                   "VTL hierarchical ruleset).")
@click.option("--rules", "list_rules", is_flag=True, help="List the rules (id, severity, what they check) and exit.")
@click.option("--only", multiple=True, metavar="RULE", help="Run only this rule (repeatable).")
@click.option("--engine", type=click.Choice(["fast", "shacl"]), default="fast", show_default=True,
              help="fast: the rules as DuckDB queries; shacl: pySHACL over the data cube (slow, small files).")
@click.option("--max-size", type=click.IntRange(min=1), default=1024, show_default=True,
              help="Largest file to read, in MiB.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (atomically).")
def validate(files, fmt, list_rules, only, engine, max_size, output):
    """Check crime-statistics submissions (SDMX-CSV 1.0/2.0, UNODC data-portal CSV or XLSX)
    against the ICCS: codes, countries, periods, values, duplicate keys, parents against their
    sub-categories, males + females against the total, stages of criminal justice, series.

    Exit code 0 when there are no errors (warnings allowed), 1 with errors, 2 when a file cannot
    be read.
    """
    from .. import render as out

    if list_rules:
        text = _rules_text(fmt)
    else:
        if not files:
            raise click.UsageError("give at least one FILE (or --rules)")
        if fmt == "vtl":
            raise click.UsageError("--format vtl goes with --rules")
        from ..files import refuse_overwrite
        from . import validate as run

        refuse_overwrite({"-o": output}, files)
        with _progress() as progress:
            report = run(list(files), only=list(only) or None, engine=engine, progress=progress,
                         max_bytes=max_size * 2**20)
        text = _report_text(report, fmt, out)
    from ..files import emit

    emit(text, output)
    if not list_rules:
        sys.exit(report.exit_code)


def _rules_text(fmt):
    from .. import render as out
    from . import rules

    if fmt == "vtl":
        from .vtl import ruleset

        return ruleset()
    rows = [r.to_dict() for r in rules()]
    if fmt == "ttl":
        raise click.UsageError("--rules lists as text, json, csv or vtl")
    return out.render(rows, ["id", "severity", "kind", "description"], "table" if fmt == "text" else fmt)


FINDING_COLUMNS = ["severity", "code", "file", "row", "column", "value", "key", "message"]


def finding_rows(report):
    return [dict(f.to_dict(), key=";".join(f"{k}={v}" for k, v in f.key)) for f in report.sorted()]


def _report_text(report, fmt, out):
    if fmt == "json":
        return out.to_json(report.to_dict())
    if fmt == "csv":
        return out.render(finding_rows(report), FINDING_COLUMNS, "csv")
    if fmt == "ttl":
        from .report import to_turtle

        return to_turtle(report).rstrip("\n")
    from collections import Counter

    counts = Counter((f.code, f.severity) for f in report.findings)
    summary = [{"rule": code, "severity": sev, "findings": n} for (code, sev), n in sorted(counts.items())]
    parts = []
    if summary:
        parts.append(out.render(summary, ["rule", "severity", "findings"], "table"))
        parts.append("")
    parts.append(report.to_text())
    return "\n".join(parts)


class _progress:
    """A progress bar on standard error when it is a terminal; nothing otherwise."""

    def __enter__(self):
        self.bar = None
        if not sys.stderr.isatty():
            return None
        return self.update

    def update(self, done, total):
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="validating", file=sys.stderr)
            self.bar.__enter__()
            self.done = 0
        self.bar.update(done - self.done)
        self.done = done

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.__exit__(*exc)
        return False

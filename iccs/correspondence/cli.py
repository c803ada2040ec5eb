"""The command line of correspondence tables: ``iccs correspondence check|export|import`` and
``iccs convert``. Each command parses its options, calls one library function, and prints."""
import sys

import click

from .. import render as out
from ..files import emit, refuse_overwrite, write_atomic

_OUTPUT = click.option("-o", "--output", type=click.Path(dir_okay=False),
                       help="Write to this file (atomically) instead of standard output.")
_FINDING_COLUMNS = ["severity", "code", "file", "row", "column", "value", "message"]
_COVERAGE_COLUMNS = ["section", "label", "national_codes", "categories", "covered", "share"]


@click.command()
@click.argument("table", type=click.Path(dir_okay=True))
@click.option("--suggestions", type=click.Path(dir_okay=True),
              help="The suggestion list the table was reviewed from (iccs map suggest output): its "
                   "national codes left unmapped are reported.")
@click.option("--residual-share", type=click.FloatRange(0, 1), default=0.10, show_default=True,
              help="Warn when more than this share of national codes map to residual 'Other …' categories.")
@click.option("--format", "fmt", type=click.Choice(["text", "csv", "json"]), default="text", show_default=True,
              help="text: findings and coverage by section; csv: the findings; json: the whole report.")
def check(table, suggestions, residual_share, fmt):
    """Check a correspondence table: SHACL shapes and table-wide checks, coverage by section.

    Exit code 0 with no errors (warnings allowed), 1 with errors, 2 when a file cannot be read.
    """
    from .checks import check as run_check

    report = run_check(table, suggestions=suggestions, residual_share=residual_share)
    if fmt == "json":
        click.echo(out.to_json(report.to_dict()))
    elif fmt == "csv":
        click.echo(out.render([f.to_dict() for f in report.sorted()], _FINDING_COLUMNS, "csv"))
    else:
        click.echo(report.to_text())
        click.echo("\nCoverage of the ICCS by section (most detailed categories mapped, or under a mapped parent):")
        click.echo(out.render(report.stats["coverage"], _COVERAGE_COLUMNS, "table"))
    sys.exit(report.exit_code)


@click.command()
@click.argument("table", type=click.Path(dir_okay=True))
@click.option("--format", "fmt", type=click.Choice(["ttl", "jsonld", "nt", "csv"]), default="ttl",
              show_default=True, help="XKOS as Turtle, JSON-LD or N-Triples, or the table as CSV.")
@_OUTPUT
@click.option("--base", default=None, help="IRI under which the national list, its codes and the "
              "correspondence are named (use one of your own).")
@click.option("--title", default="National offence list", show_default=True, help="Title of the national list.")
@click.option("--version", "version_", default="", help="Version of the national list.")
@click.option("--notation", default="", help="Short code of the national list (e.g. PC2024).")
@click.option("--list-issued", default=None, help="Issue date of the national list, YYYY-MM-DD.")
@click.option("--lang", default="en", show_default=True, help="Language of the title (BCP 47 tag).")
@click.option("--country", default="", help="Country: ISO 3166 alpha-3 code (e.g. CHL) or a name.")
@click.option("--label", default=None, help="Label of the correspondence (default: '<title> to ICCS v1.0').")
@click.option("--issued", default=None, help="Issue date of the correspondence, YYYY-MM-DD (default: today).")
def export(table, fmt, output, base, title, version_, notation, list_issued, lang, country, label, issued):
    """Export a correspondence table as an XKOS correspondence with PROV-O provenance."""
    import datetime

    from .xkos import DEFAULT_BASE
    from .xkos import export as run_export

    for hint, value in (("--issued", issued), ("--list-issued", list_issued)):
        try:
            value and datetime.date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(f"not a date YYYY-MM-DD: {value!r}", param_hint=hint) from None
    refuse_overwrite({"-o": output}, (table,))
    options = {} if fmt == "csv" else dict(base=base or DEFAULT_BASE, title=title, version=version_,
                                          notation=notation, list_issued=list_issued, lang=lang,
                                          country=country, label=label, issued=issued)
    emit(run_export(table, fmt, **options), output)


@click.command(name="import")
@click.argument("file", type=click.Path(dir_okay=True))
@_OUTPUT
@click.option("--format", "fmt", type=click.Choice(["csv", "table", "json"]), default="csv", show_default=True,
              help="csv: the correspondence table (what -o writes); table, json: for reading.")
def import_(file, output, fmt):
    """Read an XKOS correspondence (Turtle, JSON-LD, N-Triples) back into a correspondence table."""
    from .table import COLUMNS, table_text
    from .xkos import import_table

    refuse_overwrite({"-o": output}, (file,))
    mappings, meta = import_table(file)
    if fmt == "csv" or output:
        emit(table_text(mappings), output)
    elif fmt == "json":
        click.echo(out.to_json({"metadata": meta, "mappings": [m.to_row() for m in mappings]}))
    else:
        click.echo(out.render([m.to_row() for m in mappings], list(COLUMNS[:6]), "table"))
    click.echo(f"{len(mappings)} mapping(s) from {meta.get('label') or file}", err=True)


@click.command()
@click.argument("counts", type=click.Path(dir_okay=True))
@click.option("--correspondence", "-c", "table", required=True, type=click.Path(dir_okay=True),
              help="The correspondence table (national_code → iccs_code).")
@_OUTPUT
@click.option("--format", "fmt", type=click.Choice(["csv", "table", "json"]), default="csv", show_default=True,
              help="csv: SDMX-CSV 1.0; table, json: the observations with the part resting on partial mappings.")
@click.option("--dataflow", default=None, help="The DATAFLOW column, AGENCY:ID(VERSION).")
@click.option("--report", "report_file", type=click.Path(dir_okay=False),
              help="Also write the report (unmapped codes, partial shares, warnings) to this JSON file.")
def convert(counts, table, output, fmt, dataflow, report_file):
    """Convert national counts (national_code,period,value,…) into ICCS counts at every level.

    Breakdown columns are kept as dimensions. Observations that rest on partial mappings are
    flagged OBS_STATUS=D; national codes the table does not map are reported on standard error.
    """
    from .convert import DEFAULT_DATAFLOW
    from .convert import convert as run_convert

    refuse_overwrite({"-o": output, "--report": report_file}, (counts, table))
    result = _with_progress(lambda progress: run_convert(counts, table, dataflow=dataflow or DEFAULT_DATAFLOW,
                                                         progress=progress))
    if fmt == "csv":
        emit(result.to_sdmx_csv(), output)
    else:
        rows = list(result.rows())
        columns = result.columns + ["partial"]
        emit(out.to_json(rows) if fmt == "json" else out.render(rows, columns, "table"), output)
    if report_file:
        write_atomic(report_file, out.to_json({**result.report.to_dict(), "unmapped": result.unmapped,
                                               "partial": result.partial_summary()}))
    s = result.stats
    click.echo(f"{s['rows']} rows, {s['national_codes']} national codes → {s['observations']} ICCS "
               f"observations ({s['partial_observations']} resting on partial mappings, OBS_STATUS=D)", err=True)
    partial = result.partial_summary()
    for p in partial[:20]:
        click.echo(f"  {p['ICCS']}: {p['partial']} of {p['total']} ({p['share']:.0%}) through partial mappings",
                   err=True)
    if len(partial) > 20:
        click.echo(f"  … and {len(partial) - 20} more categories (--report FILE lists them all)", err=True)
    if result.unmapped:
        click.echo(f"{len(result.unmapped)} national code(s) not in the table, {s['unmapped_value']} counted, "
                   "not converted:", err=True)
        for u in result.unmapped[:20]:
            click.echo(f"  {u['national_code']}: {u['value']} on {u['rows']} row(s), first at row {u['first_row']}",
                       err=True)
        if len(result.unmapped) > 20:
            click.echo(f"  … and {len(result.unmapped) - 20} more (--report FILE lists them all)", err=True)
    sys.exit(result.report.exit_code)


def _with_progress(run):
    """Run ``run(progress)`` with a progress bar on standard error when it is a terminal."""
    if not sys.stderr.isatty():
        return run(None)
    state = {}

    def progress(done, total):
        bar = state.get("bar")
        if bar is None:
            bar = state["bar"] = click.progressbar(length=total, label="rows", file=sys.stderr)
            bar.__enter__()
        bar.length = max(bar.length or 0, total)
        bar.update(done - bar.pos)

    try:
        return run(progress)
    finally:
        if "bar" in state:
            state["bar"].__exit__(None, None, None)

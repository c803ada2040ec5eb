"""The ``iccs`` command line: parses arguments, calls the library, prints.

Exit codes, the same for every command: 0 ok, 1 findings of severity error, 2 usage error or
input that cannot be read (one line on stderr, never a traceback; ``ICCS_DEBUG=1`` shows it).
"""
import os
import sys

import click

from . import render as out
from .classification import LANGS, load
from .errors import ICCSError

LANG = click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
                    help="Language of labels and notes.")


def fmt_option(*choices, default=None):
    return click.option("--format", "fmt", type=click.Choice(choices), default=default or choices[0],
                        show_default=True, help="Output format.")


# Commands of the job subpackages, imported only when called (or listed by --help), so that a
# command of the core does not pay for the dependencies of another job.
LAZY_COMMANDS = {
    "map suggest": "iccs.mapping.cli:suggest",
    "map evaluate": "iccs.mapping.cli:evaluate",
    "map review": "iccs.review.cli:review",
    "correspondence check": "iccs.correspondence.cli:check",
    "correspondence export": "iccs.correspondence.cli:export",
    "correspondence import": "iccs.correspondence.cli:import_",
    "convert": "iccs.correspondence.cli:convert",
    "validate": "iccs.validation.cli:validate",
    "query": "iccs.sparql.cli:query",
    "serve": "iccs.sparql.cli:serve",
    "push": "iccs.sparql.cli:push",
}



def _said(error):
    """An OSError in a line: the file it is about, when known, and what went wrong (not
    Python's "[Errno 28]")."""
    if isinstance(error, OSError) and error.strerror:
        return f"{error.filename}: {error.strerror}" if error.filename else error.strerror
    return str(error)

class Group(click.Group):
    """Turns library errors into one line and exit code 2; loads job commands lazily."""

    def _prefix(self, ctx):
        return "" if ctx.parent is None else ctx.command_path.split(" ", 1)[1] + " "

    def list_commands(self, ctx):
        prefix = self._prefix(ctx)
        lazy = {name[len(prefix):].split(" ")[0] for name in LAZY_COMMANDS if name.startswith(prefix)}
        return sorted(set(super().list_commands(ctx)) | {n for n in lazy if self.get_command(ctx, n)})

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None:
            return command
        full = self._prefix(ctx) + name
        if full in LAZY_COMMANDS:
            return _lazy(full)
        if any(n.startswith(full + " ") for n in LAZY_COMMANDS):  # a group of lazy commands
            if not any(_lazy(n) for n in LAZY_COMMANDS if n.startswith(full + " ")):
                return None
            return Group(name, help=_GROUP_HELP.get(name))
        return None

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except ICCSError as e:
            if os.environ.get("ICCS_DEBUG"):
                raise
            click.echo(f"Error: {e}", err=True)
            ctx.exit(e.exit_code)
        except BrokenPipeError:  # the reader went away (| head): not an error of the input
            raise
        except (OSError, UnicodeError) as e:
            if os.environ.get("ICCS_DEBUG"):
                raise
            click.echo(f"Error: {_said(e)}", err=True)
            ctx.exit(2)

    def format_commands(self, ctx, formatter):
        """Each command with the whole first sentence of its help, wrapped (click cuts it)."""
        rows = [(name, command.get_short_help_str(limit=300)) for name in self.list_commands(ctx)
                for command in [self.get_command(ctx, name)] if command is not None and not command.hidden]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def main(self, args=None, prog_name=None, standalone_mode=True, **extra):
        """Every way a run can end, as an exit code: a usage error in one line (2), Ctrl-C (130),
        SIGTERM (143, after the atomic writes have removed their temporary files)."""
        import signal

        def terminate(signum, frame):
            raise SystemExit(128 + signum)

        try:
            previous = signal.signal(signal.SIGTERM, terminate)
        except ValueError:  # not the main thread (a test runner): leave signals alone
            previous = None
        try:
            code = self._run(args, prog_name, **extra)
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)
        if standalone_mode:
            sys.exit(code)
        return code

    def _run(self, args, prog_name, **extra):
        try:
            value = super().main(args=args, prog_name=prog_name, standalone_mode=False, **extra)
            return value if isinstance(value, int) else 0
        except click.exceptions.Exit as e:
            return e.exit_code
        except click.UsageError as e:
            hint = f" (see '{e.ctx.command_path} --help')" if e.ctx is not None else ""
            click.echo(f"Error: {' '.join(e.format_message().split())}{hint}", err=True)
            return 2
        except click.ClickException as e:
            click.echo(f"Error: {' '.join(e.format_message().split())}", err=True)
            return e.exit_code
        except (click.Abort, KeyboardInterrupt):
            click.echo("Interrupted.", err=True)
            return 130
        except BrokenPipeError:  # iccs tree | head
            from .entry import _quiet_stdout

            _quiet_stdout()
            return 0


_GROUP_HELP = {
    "map": "Map a national offence list to the ICCS: suggest codes, evaluate, review.",
    "correspondence": "Check, export and import a correspondence table (national codes → ICCS).",
}


def _lazy(name):
    """The click command behind a lazy name, or None while its subpackage does not exist."""
    import importlib

    target = LAZY_COMMANDS.get(name)
    if target is None:
        return None
    module, attr = target.split(":")
    try:
        return getattr(importlib.import_module(module), attr, None)
    except ModuleNotFoundError as e:
        if e.name and (module == e.name or module.startswith(e.name + ".")):
            return None
        raise


def stderr_progress():
    """A function that shows a stage of a long run on standard error, or None when standard error
    is not a terminal (piped, in a script): the library never prints."""
    if not sys.stderr.isatty():
        return None
    return lambda text: click.echo(f"… {text}", err=True)


def _version(ctx, param, value):
    if not value or ctx.resilient_parsing:
        return
    from . import __version__

    click.echo(f"iccs {__version__} (toolkit); graph: ICCS version {load().version()} "
               f"(UNODC, 2015), English and Spanish editions")
    ctx.exit(0)


@click.group(cls=Group, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True, callback=_version,
              help="Show the toolkit's version and the graph's, and exit.")
@click.pass_context
def cli(ctx):
    """The International Classification of Crime for Statistical Purposes (ICCS v1.0), UNODC 2015.

    Text of the ICCS is reproduced from the UNODC publication with acknowledgement of the source.
    """
    if ctx.invoked_subcommand is None:
        click.echo(ctx.get_help())


@cli.command()
@click.argument("code")
@LANG
@fmt_option("text", "json")
def show(code, lang, fmt):
    """Show a category: label, level, path, definition, inclusions, exclusions, index terms.

    CODE is an ICCS code such as 0101, or ICCS0101.
    """
    d = load()[code].to_dict(lang)
    click.echo(out.to_json(d) if fmt == "json" else out.show_text(d))


@cli.command()
@click.argument("code", required=False)
@click.option("--depth", type=click.IntRange(min=0), default=None,
              help="Levels below CODE to show (default: all).")
@LANG
@fmt_option("text", "csv", "json")
def tree(code, depth, lang, fmt):
    """Print the classification as a tree, whole or from CODE down."""
    rows = [{"code": c.code, "level": c.level, "depth": c.depth,
             "parent": c.parent.code if c.parent else "", "label": c.label(lang)}
            for c in load().tree(code, depth)]
    if fmt == "text":
        click.echo(out.indented(rows))
    else:
        click.echo(out.render(rows, ["code", "level", "depth", "parent", "label"], fmt))


@cli.command()
@click.argument("text", nargs=-1, required=True)
@LANG
@click.option("--limit", type=click.IntRange(min=1), default=20, show_default=True)
@fmt_option("table", "csv", "json")
def search(text, lang, limit, fmt):
    """Search labels, index terms and notes; best matches first. Exit code 1 when nothing matches."""
    hits = load().search(" ".join(text), lang=lang, limit=limit)
    if hits or fmt != "table":
        click.echo(out.render([h.to_dict(lang) for h in hits],
                              ["code", "level", "label", "score", "matched"], fmt))
    if not hits:
        click.echo("no match", err=True)
        sys.exit(1)


@cli.command()
@click.argument("acronym", required=False)
@LANG
@fmt_option("table", "csv", "json")
def tags(acronym, lang, fmt):
    """List the disaggregating variables (tags), or the codes of one such as Cy or SiC."""
    classification = load()
    if acronym is None:
        rows = [{"acronym": t["acronym"], "group": t["group"], "label": t["label"].get(lang, ""),
                 "codes": len(t["codes"])} for t in classification.tags()]
        click.echo(out.render(rows, ["acronym", "group", "label", "codes"], fmt))
        return
    tag = classification.tag(acronym)
    rows = [{"acronym": tag["acronym"], "code": c["code"], "parent": c["parent"] or "",
             "label": c["label"].get(lang, ""), "definition": c["definition"].get(lang, "")}
            for c in tag["codes"]]
    if fmt == "json":
        click.echo(out.to_json(dict(tag, codes=rows)))
    elif fmt == "table":
        click.echo(out.tag_text(tag, rows, lang))
    else:
        click.echo(out.render(rows, ["acronym", "code", "parent", "label", "definition"], fmt))


@cli.command()
@LANG
@fmt_option("table", "csv", "json")
def themes(lang, fmt):
    """List the thematic views (UN crime mandate areas) with their numbers of members."""
    rows = [{"id": t.id, "parent": ", ".join(p.id for p in t.parents), "label": t.label(lang),
             "categories": len(t.categories()), "tag_rules": len(t.rules()),
             "partial": len(t.partial_members())} for t in load().themes().values()]
    click.echo(out.render(sorted(rows, key=lambda r: r["id"]),
                          ["id", "parent", "label", "categories", "tag_rules", "partial"], fmt))


@cli.command()
@click.argument("name", nargs=-1, required=True)
@LANG
@fmt_option("text", "json")
def theme(name, lang, fmt):
    """Show a theme: its members, tag rules and partial members.

    NAME: the theme's id or label, or words of it, in any case (iccs theme wildlife,
    iccs theme "organized crime").
    """
    d = load().theme(" ".join(name)).to_dict(lang)
    click.echo(out.to_json(d) if fmt == "json" else out.theme_text(d))


@cli.command()
@fmt_option("text", "table", "csv", "json")
def errata(fmt):
    """List the errata: where the publication contradicts itself, and what the graph uses.

    Each erratum has a kind: correct (the graph uses the corrected value), drop (the graph leaves
    the printed value out), note (a fault recorded, the graph keeps what is printed), or keep (a
    citation the check of citations flagged, read and found right: the graph links what is printed).
    """
    rows = load().errata()
    if fmt == "text":
        click.echo(out.errata_text(rows))
        return
    columns = ["id", "action", "applied", "table", "key", "field", "printed", "corrected",
               "page_en", "page_es", "reason"]
    click.echo(out.render(rows, columns, fmt))


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False))
@click.option("--with-iccs", is_flag=True,
              help="Check FILES together with the shipped ICCS graph (for extensions that cite categories).")
@fmt_option("text", "json")
def check(files, with_iccs, fmt):
    """Check the shipped graph, or RDF FILES, against the ICCS shapes (SHACL).

    A modified copy of the ICCS (an edited export) is checked alone; an extension that cites ICCS
    categories (your index entries, mappings) is checked --with-iccs. Exit code 0 when the graph
    conforms, 1 when it does not, 2 when a file cannot be read.
    """
    from .check import check as run_check

    report = run_check(list(files) or None, with_iccs=with_iccs, progress=stderr_progress())
    click.echo(out.to_json(report.to_dict()) if fmt == "json" else report.to_text())
    sys.exit(report.exit_code)


@cli.command()
@fmt_option("ttl", "jsonld", "nt", "csv", "xlsx")
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (atomically) instead of standard output.")
def export(fmt, output):
    """Export the graph as Turtle, JSON-LD, N-Triples, or the categories as CSV or XLSX.

    XLSX (for spreadsheets: codes stay text, accents stay right) needs -o FILE.
    """
    from .export import export as run_export
    from .files import write_atomic

    if output is not None and not output.strip():
        raise click.BadParameter("needs a file name", param_hint="'-o' / '--output'")
    if fmt == "xlsx" and not output:
        raise click.BadParameter("XLSX is written to a file: add -o FILE.xlsx", param_hint="'--format'")
    data = run_export(fmt)
    if output:
        write_atomic(output, data)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()


def main(argv=None):
    """Run the command line (the console script enters through ``iccs.entry.main``); returns the
    exit code."""
    return cli.main(args=argv, prog_name="iccs", standalone_mode=False)


if __name__ == "__main__":
    sys.exit(main())

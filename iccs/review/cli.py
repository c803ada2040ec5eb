"""``iccs map review``: parses the options, builds a Review, runs the terminal interface."""
import click

from ..classification import LANGS


@click.command()
@click.argument("suggestions", type=click.Path(dir_okay=True))
@click.option("--table", type=click.Path(dir_okay=False), default="correspondence.csv", show_default=True,
              help="The correspondence table the decisions go to (created when missing; resumed when not).")
@click.option("--offences", type=click.Path(dir_okay=True),
              help="The national list (CSV/TSV/XLSX): labels and legal texts for CSV suggestions.")
@click.option("--code-col", default="code", show_default=True,
              help="Column of the national code in --offences.")
@click.option("--label-col", default="label", show_default=True, help="Column of the label in --offences.")
@click.option("--description-col", default=None,
              help="Column of the legal text in --offences [default: description, when there].")
@click.option("--order", type=click.Choice(["input", "confidence"]), default="input", show_default=True,
              help="input: the order of the list; confidence: the least certain first.")
@click.option("--reviewer", default=None, help="Name written with each decision [default: your user name].")
@click.option("--lang", type=click.Choice(LANGS), default="en", show_default=True,
              help="Language of the ICCS text shown and searched.")
def review(suggestions, table, offences, code_col, label_col, description_col, order, reviewer, lang):
    """Review suggested ICCS codes in the terminal, one national offence at a time.

    SUGGESTIONS is the output of `iccs map suggest` (CSV or JSON). Every decision is written to
    the table at once; run the command again to resume at the first undecided offence.

    Keys: Enter/a accept the highlighted code, 1-9 highlight a rank, p add it as a partial
    mapping, / search the ICCS, c type a code, r relation, t tags, n note, s skip, b back,
    f forward, g go to a national code, u undo, q quit (Ctrl-C: quit as interrupted, exit code 130).
    """
    import sys

    from ..errors import ICCSError
    from ..files import refuse_overwrite
    from .session import build

    refuse_overwrite({"--table": table}, (suggestions, offences))
    session = build(suggestions, table, offences=offences, code_col=code_col, label_col=label_col,
                    description_col=description_col, order=order, reviewer=reviewer, lang=lang)
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        raise ICCSError("the review is interactive: run it in a terminal (standard input and output "
                        "are not one)")
    try:
        from .app import ReviewApp
    except ImportError as e:
        raise ICCSError(f"the review needs Textual ({e}): pip install textual") from None

    from .app import INTERRUPTED

    app = ReviewApp(session)
    app.run()
    click.echo(f"{session.decided}/{session.total} decided; table: {session.table}", err=True)
    if app.return_code == INTERRUPTED:
        raise KeyboardInterrupt  # "Interrupted.", exit code 130, as any command stopped by Ctrl-C

"""``iccs map suggest`` and ``iccs map evaluate``: parse arguments, call the library, print."""
import sys

import click

from .. import render as out
from ..files import emit

FORMATS = ("csv", "json", "table")


class _Bar:
    """A progress bar on stderr, drawn from its first step when stderr is a terminal and there
    are at least 50 things to do; else nothing. ``step(done, total)``; ``close()``."""

    def __init__(self, label, total=None):
        self.label, self.total, self.bar, self.done = label, total, None, 0

    def step(self, done, total=None):
        total = total or self.total
        if self.bar is None:
            if not total or total < 50 or not sys.stderr.isatty():
                return
            self.bar = click.progressbar(length=total, label=self.label, file=sys.stderr)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self):
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
        self.bar, self.done = None, 0


def _suggestions_text(offences, fmt):
    from .types import CSV_COLUMNS, rows

    if fmt == "json":
        return out.to_json([o.to_dict() for o in offences])
    return out.render(rows(offences), CSV_COLUMNS, fmt)


@click.command()
@click.argument("input", type=click.Path(dir_okay=True))
@click.option("-o", "--output", type=click.Path(dir_okay=False, writable=True),
              help="Write the suggestions to this file (atomically) instead of standard output.")
@click.option("--top", type=click.IntRange(1, 50), default=5, show_default=True,
              help="Suggestions per offence.")
@click.option("--lang", type=click.Choice(["auto", "en", "es", "fr"]), default="auto", show_default=True,
              help="Language of the national list (auto: detected from its texts). The ICCS has no "
                   "French edition: a French list is matched by meaning and gets English labels.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default=None,
              help="Output format [default: json for an -o file ending .json, else csv].")
@click.option("--code-col", help="Column of the national codes [default: code or national_code].")
@click.option("--label-col", help="Column of the offence names [default: label or national_label].")
@click.option("--description-col", help="Column of the legal descriptions [default: description, if any].")
@click.option("--family-col", help="Column of the national chapter [default: family, if any].")
@click.option("--accepted", type=click.Path(dir_okay=True),
              help="Reviewed decisions (national_code, iccs_code[, national_label]): evidence for the "
                   "rest; rows of INPUT among them come back decided.")
@click.option("--gold", type=click.Path(dir_okay=True),
              help="A reviewed table (national_code, iccs_code): print the evaluation of the "
                   "suggestions against it (text, or JSON with --format json); the suggestions go "
                   "to -o, if given, as JSON when its name ends .json, else CSV.")
@click.option("--folds", type=click.IntRange(2, 1000), default=None,
              help="With --gold: the warm setting, each fold suggested with the gold codes of the "
                   "other folds as accepted decisions (never a row's own).")
@click.option("--words-only", is_flag=True,
              help="Rank by the words of the ICCS texts alone, without the multilingual sentence "
                   "encoder (starts about a second faster; less accurate).")
def suggest(input, output, top, lang, fmt, code_col, label_col, description_col, family_col,
            accepted, gold, folds, words_only):
    """Suggest ICCS codes for each offence of a national list (CSV, TSV or XLSX).

    One CSV row per suggestion: national_code, rank, iccs_code, iccs_label, score (the estimated
    probability that the code is right), evidence (the ICCS texts that matched). Exit code 2
    when a table cannot be read.
    """
    from .. import load
    from ..files import refuse_overwrite
    from .evaluate import evaluate
    from .folds import suggest_folds
    from .inputs import check_accepted, check_overlap, read_decisions, read_gold, read_offences
    from .suggest import suggest as run

    if fmt is None:
        fmt = "json" if output and output.lower().endswith(".json") else "csv"
    if folds and not gold:
        raise click.UsageError("--folds needs --gold")
    if output and output.lower().endswith((".xlsx", ".xls")):
        raise click.BadParameter("suggestions are written as CSV or JSON: name the file .csv or .json",
                                 param_hint="'-o'")
    refuse_overwrite({"-o": output}, (input, accepted, gold))
    classification = load()
    offences = read_offences(input, code_col, label_col, description_col, family_col)
    decisions = read_decisions(accepted, classification) if accepted else ()
    check_accepted(decisions, offences, accepted)
    truth = read_gold(gold, classification) if gold else None
    if truth is not None:
        check_overlap(truth, (o.national_code for o in offences), gold, input)
    reading, ranking = _Bar("encoding"), _Bar("suggesting", len(offences))

    def encoded(done, total):  # the texts the encoder had not met, read before the ranking
        reading.step(done, total)
        if done >= total:
            reading.close()

    try:
        if folds:
            ranked = suggest_folds(offences, truth, folds=folds, top=top, lang=lang, accepted=decisions,
                                   classification=classification, progress=ranking.step,
                                   meaning=not words_only, encoding=encoded)
        else:
            ranked = run(offences, top=top, lang=lang, accepted=decisions, classification=classification,
                         progress=ranking.step, meaning=not words_only, encoding=encoded)
    finally:
        reading.close()
        ranking.close()
    if truth is None:
        emit(_suggestions_text(ranked, fmt), output)
        return
    if output:  # in the format its name says; --format is the evaluation's
        emit(_suggestions_text(ranked, "json" if output.lower().endswith(".json") else "csv"), output)
    result = evaluate(truth, ranked, top=top)
    click.echo(out.to_json(result.to_dict()) if fmt == "json" else result.to_text())


@click.command()
@click.argument("gold", type=click.Path(dir_okay=True))
@click.argument("suggestions", type=click.Path(dir_okay=True))
@click.option("--top", type=click.IntRange(1, 50), default=None,
              help="Count only the first K suggestions [default: all given].")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def evaluate(gold, suggestions, top, fmt):
    """Evaluate SUGGESTIONS (the CSV or JSON of iccs map suggest) against GOLD (a reviewed table
    with national_code and iccs_code): top-1, top-K, same division and section, MRR, by section,
    and how many offences could be accepted automatically at 90% and 95% precision."""
    from .. import load
    from .evaluate import evaluate as run
    from .inputs import check_overlap, read_gold, read_suggestions

    classification = load()
    truth = read_gold(gold, classification)
    offences = read_suggestions(suggestions, classification=classification)
    check_overlap(truth, (o.national_code for o in offences), gold, suggestions)
    result = run(truth, offences, top=top)
    click.echo(out.to_json(result.to_dict()) if fmt == "json" else result.to_text())

"""The console script's entry point.

``iccs show CODE`` is answered here without importing click, whose import alone costs twice a
bare interpreter start: the command people run most stays within a few times ``python -c pass``.
Anything else — other commands, ``--help``, an option this small parser does not know, an
unknown code — goes to the click command line in ``cli.py``, which prints the same output and
the same errors.
"""
import sys

_CHOICES = {"--lang": ("en", "es"), "--format": ("text", "json")}


def parse_show(args):
    """``[CODE, --lang X, --format Y]`` → dict of options, or None if click should parse it."""
    options = {"--lang": "en", "--format": "text"}
    code = None
    i = 0
    while i < len(args):
        arg = args[i]
        name, eq, value = arg.partition("=")
        if name in _CHOICES:
            if not eq:
                if i + 1 >= len(args):
                    return None
                i += 1
                value = args[i]
            if value not in _CHOICES[name]:
                return None
            options[name] = value
        elif arg.startswith("-") or code is not None:
            return None
        else:
            code = arg
        i += 1
    if code is None:
        return None
    return {"code": code, "lang": options["--lang"], "fmt": options["--format"]}


def show_fast(code, lang, fmt):
    """The output of ``iccs show``, or None when the code is unknown (click says why)."""
    from . import render
    from .classification import load

    category = load().get(code)
    if category is None:
        return None
    d = category.to_dict(lang)
    return render.to_json(d) if fmt == "json" else render.show_text(d)


def main(argv=None):
    args = sys.argv[1:] if argv is None else list(argv)
    if args[:1] == ["show"]:
        parsed = parse_show(args[1:])
        try:
            text = show_fast(**parsed) if parsed else None
        except Exception:  # whatever went wrong, click says it the usual way
            text = None
        if text is not None:
            sys.stdout.write(text + "\n")
            return 0
    from .cli import main as click_main

    return click_main(args)


if __name__ == "__main__":
    sys.exit(main())

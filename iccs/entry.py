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
            if text is not None:
                sys.stdout.write(text + "\n")
                sys.stdout.flush()
                return 0
        except KeyboardInterrupt:  # as the click path: one word, exit 130
            sys.stderr.write("Interrupted.\n")
            return 130
        except BrokenPipeError:  # iccs show 0101 | head -1
            _quiet_stdout()
            return 0
        except Exception:  # whatever else went wrong, click says it the usual way
            pass
    from .cli import main as click_main

    return click_main(args)


def _quiet_stdout():
    """After a broken pipe, point standard output at nothing so that Python's exit does not
    complain while flushing it."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):
        pass


if __name__ == "__main__":
    sys.exit(main())

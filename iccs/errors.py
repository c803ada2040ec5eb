"""Errors the library raises; the command line turns each into one line and exit code 2."""


def shown(text, width=40):
    """What a user typed, as an error message repeats it: quoted, and cut if long (a pasted page
    is not echoed back whole)."""
    text = str(text)
    return repr(text if len(text) <= width else text[:width - 3] + "...")


class ICCSError(Exception):
    """Something the user can fix: an unknown code, a file that cannot be read."""

    exit_code = 2


class UnknownCode(ICCSError, KeyError):
    def __init__(self, code, suggestions=()):
        self.code = code
        self.suggestions = list(suggestions)
        super().__init__(code)

    def __str__(self):
        text = f"unknown ICCS code {shown(self.code)}"
        if self.suggestions:
            text += "; did you mean " + ", ".join(self.suggestions) + "?"
        return text


class InputError(ICCSError):
    """A file that cannot be read as asked, with where (file, row, column) when known."""

    def __init__(self, message, file=None, row=None, column=None):
        self.message, self.file, self.row, self.column = message, file, row, column
        super().__init__(message)

    def __str__(self):
        where = [str(self.file)] if self.file else []
        if self.row is not None:
            where.append(f"line {self.row}")
        if self.column is not None:
            where.append(f"column {self.column}")
        return (", ".join(where) + ": " if where else "") + self.message

"""Errors the library raises; the command line turns each into one line and exit code 2."""


class ICCSError(Exception):
    """Something the user can fix: an unknown code, a file that cannot be read."""

    exit_code = 2


class UnknownCode(ICCSError, KeyError):
    def __init__(self, code, suggestions=()):
        self.code = code
        self.suggestions = list(suggestions)
        super().__init__(code)

    def __str__(self):
        shown = self.code if len(self.code) <= 40 else self.code[:37] + "..."
        text = f"unknown ICCS code {shown!r}"
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

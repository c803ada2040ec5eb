"""The named queries shipped in ``queries/*.rq``.

Each file opens with a comment header of ``# key: value`` lines: ``title``, ``answers`` (what it
answers; continued on indented comment lines), one ``param NAME: …`` per parameter (``(required)``
or ``(optional…)`` at the end), and ``example``. The name of a query is its file name without
``.rq``.
"""
import os
import re

from ..errors import InputError, shown
from ..resources import query_files

_HEADER = re.compile(r"^#\s*(title|answers|example|param\s+([A-Za-z_][A-Za-z0-9_]*))\s*:\s*(.*)$")


class NamedQuery:
    def __init__(self, path):
        self.path = path
        self.name = os.path.splitext(os.path.basename(path))[0]
        with open(path, encoding="utf-8") as f:
            self.text = f.read()
        self.title = self.answers = self.example = ""
        self.params = {}  # name -> (description, required)
        key = None
        for line in self.text.splitlines():
            if not line.startswith("#"):
                break
            match = _HEADER.match(line)
            if match:
                key, value = match.group(1), match.group(3).strip()
                if key.startswith("param"):
                    key = ("param", match.group(2))
                    self.params[key[1]] = [value, "(required)" in value]
                else:
                    setattr(self, key, value)
            elif key and line[1:].strip():  # a continuation line
                if isinstance(key, tuple):
                    self.params[key[1]][0] += " " + line[1:].strip()
                else:
                    setattr(self, key, getattr(self, key) + " " + line[1:].strip())

    def __repr__(self):
        return f"<NamedQuery {self.name}>"

    def check(self, params):
        """The parameters, once each required one is there and each is one this query takes."""
        from .terms import parse_params

        bound = parse_params(params)
        for name in bound:
            if name not in self.params:
                takes = ", ".join(self.params) or "no parameters"
                raise InputError(f"the query {self.name} takes {takes}, not {name}")
        missing = [n for n, (_, required) in self.params.items() if required and n not in bound]
        if missing:
            raise InputError(f"the query {self.name} needs " +
                             " ".join(f"--param {n}=…" for n in missing))
        return bound

    def to_dict(self):
        return {"name": self.name, "title": self.title, "answers": self.answers,
                "params": ", ".join(f"{n}{'' if req else '?'}" for n, (_, req) in self.params.items()),
                "example": self.example}


def named_queries():
    """All named queries, by name."""
    return {q.name: q for q in (NamedQuery(p) for p in query_files())}


def named_query(name):
    queries = named_queries()
    if name not in queries:
        raise InputError(f"no named query {shown(name)}; the named queries are {', '.join(sorted(queries))}")
    return queries[name]

"""Findings are data: one record type for every check the toolkit runs, one report around them.

A finding has a stable ``code`` (for SHACL, the local name of the shape that failed), a
``severity`` (error, warning, info), where it happened (``file``/``row``/``column`` for tabular
input, ``focus``/``path`` for a graph) and a message. Exit codes mean the same everywhere:
0 valid, 1 findings of severity error, 2 input that cannot be read (raised, not reported).
"""
from dataclasses import asdict, dataclass, field

SEVERITIES = ("error", "warning", "info")


@dataclass(frozen=True, order=True)
class Finding:
    code: str
    message: str
    severity: str = "error"
    focus: str = ""
    path: str = ""
    value: str = ""
    file: str = ""
    row: int = 0
    column: str = ""
    key: tuple = ()  # an observation's dimensions as (name, value) pairs, as named in its file

    @classmethod
    def at(cls, code, message, key=None, **where):
        """A finding whose ``key`` is given as a dict (kept in its order)."""
        return cls(code=code, message=message, key=tuple((key or {}).items()), **where)

    def where(self):
        parts = [p for p in (self.file, self.row and f"row {self.row}", self.column and f"column {self.column}") if p]
        if self.focus:
            parts.append(self.focus)
        if self.path:
            parts.append(self.path)
        return ", ".join(str(p) for p in parts)

    def to_dict(self):
        d = {k: v for k, v in asdict(self).items() if v not in ("", 0, ()) or k in ("code", "message", "severity")}
        if self.key:
            d["key"] = dict(self.key)
        return d


@dataclass
class Report:
    findings: list = field(default_factory=list)
    checked: list = field(default_factory=list)
    stats: dict = field(default_factory=dict)

    @property
    def valid(self):
        return not any(f.severity == "error" for f in self.findings)

    @property
    def exit_code(self):
        return 0 if self.valid else 1

    def count(self, severity=None):
        return sum(1 for f in self.findings if severity in (None, f.severity))

    def sorted(self):
        rank = {s: i for i, s in enumerate(SEVERITIES)}
        return sorted(self.findings, key=lambda f: (rank.get(f.severity, 9), f.code, f.file, f.row, f.focus, f.path, f.value))

    def to_dict(self):
        return {
            "valid": self.valid,
            "checked": [str(c) for c in self.checked],
            "errors": self.count("error"),
            "warnings": self.count("warning"),
            "stats": self.stats,
            "findings": [f.to_dict() for f in self.sorted()],
        }

    def to_text(self):
        lines = []
        for f in self.sorted():
            where = f.where()
            value = f" [{f.value}]" if f.value else ""
            lines.append(f"{f.severity}: {f.code}: {where}: {f.message}{value}" if where
                         else f"{f.severity}: {f.code}: {f.message}{value}")
        verdict = "valid" if self.valid else "NOT valid"
        lines.append(f"{verdict}: {self.count('error')} error(s), {self.count('warning')} warning(s) "
                     f"in {', '.join(str(c) for c in self.checked) or 'nothing'}")
        return "\n".join(lines)

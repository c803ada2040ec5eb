"""The answer to a query: rows of bindings, a boolean, or triples; and its formats.

Bindings serialize to the SPARQL 1.1 Query Results formats (JSON, XML, CSV, TSV) and to a table;
triples (CONSTRUCT, DESCRIBE) to Turtle, N-Triples, JSON-LD or RDF/XML.
"""
from ..errors import ICCSError

RESULT_FORMATS = ("table", "json", "xml", "csv", "tsv")
GRAPH_FORMATS = ("ttl", "nt", "jsonld", "xml")

MEDIA_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv; charset=utf-8",
    "tsv": "text/tab-separated-values; charset=utf-8",
    "table": "text/plain; charset=utf-8",
    "html": "text/html; charset=utf-8",
    "ttl": "text/turtle; charset=utf-8",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "rdfxml": "application/rdf+xml",
}
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"


class Result:
    """``kind`` is "bindings" (SELECT), "boolean" (ASK) or "graph" (CONSTRUCT, DESCRIBE).

    Iterating gives the rows as dicts of plain values (``{"code": "0101", …}``; an IRI as its
    string, a literal as its lexical form, an unbound variable as None); ``bindings`` keeps the
    RDF terms. ``truncated`` says the result cap cut the rows.
    """

    def __init__(self, kind, variables=(), bindings=(), boolean=None, triples=(), truncated=False,
                 tuples=None):
        self.kind = kind
        self.variables = list(variables)
        # each row as a tuple of terms in the order of the variables (None: unbound)
        self.tuples = tuples if tuples is not None else [
            tuple(b.get(n) for n in self.variables) for b in bindings]
        self.boolean = boolean
        self.triples = list(triples)
        self.truncated = truncated

    @property
    def bindings(self):
        """Each row as a dict of the bound variables' RDF terms (pyoxigraph)."""
        names = self.variables
        return [{n: t for n, t in zip(names, row) if t is not None} for row in self.tuples]

    @classmethod
    def from_oxigraph(cls, answer, limit=None, deadline=None):
        """A Result from what ``pyoxigraph.Store.query`` (or ``parse_query_results``) returns,
        reading at most ``limit`` rows or triples."""
        import time

        import pyoxigraph as ox

        def take(items):
            if deadline is None:
                from itertools import islice

                out = list(items if limit is None else islice(items, limit + 1))
                if limit is not None and len(out) > limit:
                    return out[:limit], True
                return out, False
            out, truncated = [], False
            for i, item in enumerate(items):
                if limit is not None and i >= limit:
                    truncated = True
                    break
                if deadline is not None and not i % 256 and time.monotonic() > deadline:
                    raise QueryTimeout("the query ran past its time limit")
                out.append(item)
            return out, truncated

        if isinstance(answer, ox.QueryBoolean):
            return cls("boolean", boolean=bool(answer))
        if isinstance(answer, ox.QuerySolutions):
            names = [v.value for v in answer.variables]
            rows, truncated = take(answer)
            return cls("bindings", names, truncated=truncated, tuples=[tuple(s) for s in rows])
        triples, truncated = take(answer)
        return cls("graph", triples=triples, truncated=truncated)

    @property
    def rows(self):
        if self.kind == "boolean":
            return [{"boolean": self.boolean}]
        if self.kind == "graph":
            return [{"subject": t.subject.value, "predicate": t.predicate.value,
                     "object": t.object.value} for t in self.triples]
        names = self.variables
        return [{n: (t.value if t is not None else None) for n, t in zip(names, row)} for row in self.tuples]

    def __iter__(self):
        return iter(self.rows)

    def __len__(self):
        return 1 if self.kind == "boolean" else len(self.triples if self.kind == "graph" else self.tuples)

    def __bool__(self):
        return bool(self.boolean) if self.kind == "boolean" else len(self) > 0

    def __repr__(self):
        return f"<Result {self.kind} {len(self)}>"

    def column(self, name):
        """The plain values of one variable, in order."""
        return [row[name] for row in self.rows]

    def default_format(self):
        return "ttl" if self.kind == "graph" else "table"

    def serialize(self, fmt=None, prefixes=None):
        """The result as bytes in ``fmt`` (see RESULT_FORMATS, GRAPH_FORMATS)."""
        fmt = fmt or self.default_format()
        if self.kind == "graph":
            return _graph(self.triples, fmt, prefixes)
        if fmt not in RESULT_FORMATS:
            raise ICCSError(f"a {'SELECT' if self.kind == 'bindings' else 'ASK'} result has no "
                            f"{fmt} form; use one of {', '.join(RESULT_FORMATS)}")
        return globals()["_" + fmt](self, prefixes).encode("utf-8")


class QueryTimeout(ICCSError):
    """A query that ran past its time limit."""


def _graph(triples, fmt, prefixes):
    import pyoxigraph as ox

    formats = {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES, "jsonld": ox.RdfFormat.JSON_LD,
               "xml": ox.RdfFormat.RDF_XML, "rdfxml": ox.RdfFormat.RDF_XML}
    if fmt not in formats:
        raise ICCSError(f"a CONSTRUCT or DESCRIBE result is RDF; use one of {', '.join(GRAPH_FORMATS)}")
    from .engine import PREFIXES

    triples = sorted(triples, key=str) if fmt in ("ttl", "nt") else triples
    kwargs = {"prefixes": prefixes or PREFIXES} if fmt in ("ttl", "xml", "rdfxml") else {}
    return ox.serialize(triples, format=formats[fmt], **kwargs) or b""


def _term_json(term):
    import pyoxigraph as ox

    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        out = {"type": "literal", "value": term.value}
        if term.language:
            out["xml:lang"] = term.language
        elif term.datatype.value != XSD_STRING:
            out["datatype"] = term.datatype.value
        return out
    return {"type": "triple", "value": {"subject": _term_json(term.subject),
                                        "predicate": _term_json(term.predicate),
                                        "object": _term_json(term.object)}}


def _json(result, prefixes=None):
    """SPARQL 1.1 Query Results JSON, written directly (each distinct term encoded once)."""
    import json
    from json.encoder import encode_basestring as quote  # the C encoder when available

    import pyoxigraph as ox

    if result.kind == "boolean":
        return json.dumps({"head": {}, "boolean": result.boolean})
    named, blank = ox.NamedNode, ox.BlankNode
    cache = {}

    def term(t):
        cls = type(t)
        if cls is named:
            return '{"type":"uri","value":' + quote(t.value) + "}"
        if cls is blank:
            return '{"type":"bnode","value":' + quote(t.value) + "}"
        if cls is ox.Literal:
            lang = t.language
            if lang:
                return '{"type":"literal","xml:lang":' + quote(lang) + ',"value":' + quote(t.value) + "}"
            datatype = t.datatype.value
            if datatype == XSD_STRING:
                return '{"type":"literal","value":' + quote(t.value) + "}"
            return ('{"type":"literal","datatype":' + quote(datatype) + ',"value":'
                    + quote(t.value) + "}")
        return json.dumps(_term_json(t), ensure_ascii=False)

    keys = [quote(n) + ":" for n in result.variables]
    rows = []
    for row in result.tuples:
        cells = []
        for key, t in zip(keys, row):
            if t is not None:
                encoded = cache.get(t)
                if encoded is None:
                    encoded = cache[t] = term(t)
                cells.append(key + encoded)
        rows.append("{" + ",".join(cells) + "}")
    head = '{"head":{"vars":[' + ",".join(quote(n) for n in result.variables) + ']},'
    return head + '"results":{"bindings":[' + ",\n".join(rows) + "]}}"


def _xml(result, prefixes=None):
    from xml.sax.saxutils import escape, quoteattr

    import pyoxigraph as ox

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(n)}/>" for n in result.variables]
    out.append("</head>")
    if result.kind == "boolean":
        out.append(f"<boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("<results>")
        for b in result.bindings:
            out.append("<result>")
            for n, t in b.items():
                if isinstance(t, ox.NamedNode):
                    value = f"<uri>{escape(t.value)}</uri>"
                elif isinstance(t, ox.BlankNode):
                    value = f"<bnode>{escape(t.value)}</bnode>"
                else:
                    attr = (f" xml:lang={quoteattr(t.language)}" if t.language else
                            "" if t.datatype.value == XSD_STRING else
                            f" datatype={quoteattr(t.datatype.value)}")
                    value = f"<literal{attr}>{escape(t.value)}</literal>"
                out.append(f"<binding name={quoteattr(n)}>{value}</binding>")
            out.append("</result>")
        out.append("</results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"


def _csv(result, prefixes=None):
    """SPARQL 1.1 CSV: plain values, CRLF line ends, a blank node as _:label."""
    import csv
    import io

    import pyoxigraph as ox

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    if result.kind == "boolean":
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buffer.getvalue()
    writer.writerow(result.variables)
    for b in result.bindings:
        writer.writerow([("_:" + b[n].value if isinstance(b[n], ox.BlankNode) else b[n].value)
                         if n in b else "" for n in result.variables])
    return buffer.getvalue()


def _tsv(result, prefixes=None):
    """SPARQL 1.1 TSV: ?variables, then the terms as in N-Triples (tabs and newlines escaped)."""
    if result.kind == "boolean":
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    lines = ["\t".join("?" + n for n in result.variables)]
    for b in result.bindings:
        lines.append("\t".join(str(b[n]) if n in b else "" for n in result.variables))
    return "\n".join(lines) + "\n"


def _table(result, prefixes=None):
    from .. import render
    from .engine import PREFIXES

    if result.kind == "boolean":
        return "true" if result.boolean else "false"
    short = sorted((prefixes or PREFIXES).items(), key=lambda kv: -len(kv[1]))

    def cell(term):
        import pyoxigraph as ox

        if isinstance(term, ox.NamedNode):
            for prefix, iri in short:
                if term.value.startswith(iri):
                    return f"{prefix}:{term.value[len(iri):]}"
            return f"<{term.value}>"
        return term.value

    rows = [{n: cell(b[n]) if n in b else "" for n in result.variables} for b in result.bindings]
    text = render.render(rows, result.variables, "table")
    if result.truncated:
        text += f"\n(cut at {len(rows)} rows)"
    return text

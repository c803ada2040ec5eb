"""HTML pages of the server: the landing page (sections and a query form), a category (label,
path, definition, notes and the categories its notes cite, in English and Spanish) and any other
resource of the graph (its statements). Links are relative, so a page works wherever it is served.

Only an http(s) IRI becomes a link: any other (``javascript:…``, ``data:…``, which a query can
make with ``IRI("…")``) is shown as text. The pages have no script and one inline style sheet,
allowed by its hash in ``CSP``, the Content-Security-Policy the server sends with every page.
"""
import base64
import hashlib
import re
from html import escape

from .. import namespaces as ns

STYLE = """body{font:16px/1.45 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#222}
a{color:#0b5394}h1{font-size:1.5em}h2{font-size:1.15em;margin-top:1.5em}
.code{font-family:ui-monospace,monospace;color:#555}.cols{display:grid;grid-template-columns:1fr 1fr;gap:2em}
textarea{width:100%;font-family:ui-monospace,monospace}table{border-collapse:collapse}
td{border-top:1px solid #ddd;padding:.2em .6em;vertical-align:top}footer{margin-top:3em;color:#666;font-size:.85em}"""

# Nothing but the page itself: no script at all, the one style sheet by its hash, forms posted
# only to this server, no <base>, no framing by other sites.
CSP = ("default-src 'none'; style-src 'sha256-"
       + base64.b64encode(hashlib.sha256(STYLE.encode("utf-8")).digest()).decode("ascii")
       + "'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")

SOURCE = ("Text reproduced from UNODC, International Classification of Crime for Statistical "
          "Purposes, Version 1.0 (2015), with acknowledgement of the source.")


def _page(title, body, alternates=()):
    links = "".join(f'<link rel="alternate" type="{t}" href="{escape(h)}">' for t, h in alternates)
    return (f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{escape(title)}</title>{links}<style>{STYLE}</style></head><body>{body}"
            f"<footer>{escape(SOURCE)} · <a href=\"/\">ICCS</a> · <a href=\"/sparql\">SPARQL</a>"
            f"</footer></body></html>").encode("utf-8")


def _path(iri):
    return iri[len(ns.BASE) - 1:] if iri.startswith(ns.BASE) else iri


_WEB = re.compile(r"https?://[^\x00-\x20\x7f]+", re.IGNORECASE)


def linkable(iri):
    """Whether a page may make ``iri`` a link: http(s) only, never javascript:, data:, …"""
    return _WEB.fullmatch(iri) is not None


def _iri(iri, text):
    """``text`` (not yet escaped) linking to ``iri`` when it is http(s), else as plain text."""
    if linkable(iri):
        return f'<a href="{escape(_path(iri))}">{escape(text)}</a>'
    return f'<span class="iri">{escape(text)}</span>'


def _link(category, lang="en"):
    return (f'<a href="{_path(ns.category_iri(category.code))}"><span class="code">'
            f"{escape(category.code)}</span> {escape(category.label(lang))}</a>")


EXAMPLE = """SELECT ?code ?label WHERE {
  ?c skos:broader+ ?s . ?s skos:notation "07" .
  ?c skos:notation ?code ; skos:prefLabel ?label . FILTER(LANG(?label) = "en")
} ORDER BY ?code"""


def landing(classification):
    sections = "".join(f"<li>{_link(s)} · <i>{escape(s.label('es'))}</i></li>"
                       for s in classification.sections())
    body = (f"<h1>{escape(classification.title('en'))}</h1>"
            f"<p>{escape(classification.title('es'))}</p>"
            f"<h2>Sections</h2><ul>{sections}</ul>"
            "<h2>Query</h2><p>SPARQL 1.1 at <code>/sparql</code> (GET or POST; results by "
            "<code>Accept</code>). The prefixes rdf, rdfs, xsd, owl, skos, xkos, dcterms, prov, "
            "iccs, qb and sh are predeclared.</p>"
            '<form action="/sparql" method="post">'
            f'<textarea name="query" rows="8">{escape(EXAMPLE)}</textarea>'
            '<p><label>Results as <select name="format"><option>html</option><option>json</option>'
            "<option>xml</option><option>csv</option><option>tsv</option></select></label> "
            '<button type="submit">Run</button></p></form>')
    return _page("ICCS v1.0", body, [("text/turtle", "/1.0")])


def category(c):
    iri = ns.category_iri(c.code)
    cols = []
    for lang, name in (("en", "English"), ("es", "Español")):
        parts = [f'<div lang="{lang}"><h2>{name}</h2>']
        parts.append(f"<p><b>{escape(c.label(lang))}</b></p>")
        for title, value in (("Definition" if lang == "en" else "Definición", c.definition(lang)),
                             ("Inclusions" if lang == "en" else "Inclusiones", c.inclusions(lang)),
                             ("Exclusions" if lang == "en" else "Exclusiones", c.exclusions(lang))):
            if value:
                parts.append(f"<h3>{title}</h3><p>{escape(value)}</p>")
        terms = c.index_terms(lang)
        if terms:
            parts.append(f"<h3>{'Index terms' if lang == 'en' else 'Índice'}</h3><p>"
                         + "; ".join(escape(t) for t in terms) + "</p>")
        notes = c.footnotes(lang)
        if notes:
            parts.append("<h3>" + ("Footnotes" if lang == "en" else "Notas") + "</h3><ol>" + "".join(
                f'<li value="{n}">{escape((t + ": ") if t else "")}{escape(x)}</li>' for n, t, x in notes)
                + "</ol>")
        parts.append("</div>")
        cols.append("".join(parts))

    def links(title, items):
        items = [x for x in items]
        if not items:
            return ""
        return f"<h2>{title}</h2><ul>" + "".join(
            f"<li>{_link(x) if hasattr(x, 'code') else escape(str(x))}</li>" for x in items) + "</ul>"

    path = " › ".join(_link(a) for a in c.path[:-1])
    body = (f'<p>{path}</p><h1><span class="code">{escape(c.code)}</span> {escape(c.label("en"))}</h1>'
            f'<p>{escape(c.level)} · <code>{escape(iri)}</code></p>'
            f'<div class="cols">{"".join(cols)}</div>'
            + links("Subcategories", c.children)
            + links("The exclusions send acts to", c.excludes)
            + links("Refers to", c.refers_to))
    here = _path(iri)
    return _page(f"ICCS {c.code} {c.label('en')}", body,
                 [("text/turtle", here), ("application/ld+json", here)])


def resource(iri, result):
    """A generic page: the statements about ``iri`` (a Result of triples)."""
    import pyoxigraph as ox

    rows = []
    for t in sorted(result.triples, key=lambda t: (t.predicate.value, str(t.object))):
        obj = t.object
        if isinstance(obj, ox.NamedNode):
            value = _iri(obj.value, obj.value)
        elif isinstance(obj, ox.Literal):
            value = escape(obj.value) + (f' <span class="code">@{obj.language}</span>' if obj.language else "")
        else:
            value = escape(str(obj))
        rows.append(f"<tr><td>{escape(_short(t.predicate.value))}</td><td>{value}</td></tr>")
    body = f"<h1>{escape(iri)}</h1><table>{''.join(rows)}</table>"
    return _page(iri, body, [("text/turtle", _path(iri))])


def _short(iri):
    for prefix, base in ns.PREFIXES.items():
        if iri.startswith(base):
            return f"{prefix}:{iri[len(base):]}"
    return iri


def results(query, result):
    """A query's answer as an HTML table (rows) or text (a boolean; Turtle for a graph), with
    the query in a form to edit and run again."""
    import pyoxigraph as ox

    if result.kind == "boolean":
        answer = f"<p><b>{'true' if result.boolean else 'false'}</b></p>"
    elif result.kind == "graph":
        answer = f"<pre>{escape(result.serialize('ttl').decode('utf-8'))}</pre>"
    else:
        def cell(term):
            if term is None:
                return ""
            if isinstance(term, ox.NamedNode):
                return _iri(term.value, _short(term.value))
            if isinstance(term, ox.Literal) and term.language:
                return f'{escape(term.value)} <span class="code">@{escape(term.language)}</span>'
            return escape(term.value)

        head = "".join(f"<th>{escape(v)}</th>" for v in result.variables)
        rows = "".join("<tr>" + "".join(f"<td>{cell(t)}</td>" for t in row) + "</tr>"
                       for row in result.tuples)
        answer = (f"<p>{len(result)} row{'s' if len(result) != 1 else ''}"
                  f"{' (cut at the result cap)' if result.truncated else ''}</p>"
                  f"<table><tr>{head}</tr>{rows}</table>")
    form = ('<form action="/sparql" method="post">'
            f'<textarea name="query" rows="8">{escape(query or "")}</textarea>'
            '<input type="hidden" name="format" value="html"><p><button type="submit">Run</button></p></form>')
    return _page("ICCS SPARQL results", "<h1>Results</h1>" + answer + form)

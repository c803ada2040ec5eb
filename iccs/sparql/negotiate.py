"""Content negotiation: the best of the offered media types for an Accept header (RFC 9110)."""
import functools

RESULTS = {  # SELECT and ASK
    "application/sparql-results+json": "json", "application/json": "json",
    "application/sparql-results+xml": "xml", "application/xml": "xml", "text/xml": "xml",
    "text/csv": "csv", "text/tab-separated-values": "tsv", "text/plain": "table",
    "text/html": "html",
}
GRAPHS = {  # CONSTRUCT, DESCRIBE and the IRIs of the graph
    "text/turtle": "ttl", "application/x-turtle": "ttl", "application/n-triples": "nt",
    "application/ld+json": "jsonld", "application/json": "jsonld", "application/rdf+xml": "rdfxml",
    "text/plain": "nt", "text/html": "html",
}
PAGES = dict(GRAPHS, **{"application/xhtml+xml": "html"})


@functools.lru_cache(maxsize=256)
def parse_accept(header):
    """``[(media type, q)]`` best first; an absent header accepts anything."""
    out = []
    for i, part in enumerate((header or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = float(f[2:])
                except ValueError:
                    q = 0.0
        out.append((fields[0].lower(), q, i))
    out.sort(key=lambda x: (-x[1], x[2]))
    return tuple((m, q) for m, q, _ in out if q > 0)


def choose(header, offers, default):
    """The format (a value of ``offers``) that the header prefers; ``default`` for ``*/*``;
    None when the header accepts none of them."""
    for media, _ in parse_accept(header):
        if media in offers:
            return offers[media]
        if media == "*/*":
            return default
        if media.endswith("/*"):
            for offered, fmt in offers.items():
                if offered.startswith(media[:-1]):
                    return fmt
    return None

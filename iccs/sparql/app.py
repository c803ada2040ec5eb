"""What the server answers, apart from HTTP: a request (a dict) in, ``(status, content type,
body, headers)`` out. Runs in the query processes (see ``pool``)."""
from urllib.parse import unquote

from .. import namespaces as ns
from ..errors import ICCSError
from . import negotiate
from .results import MEDIA_TYPES

TEXT = "text/plain; charset=utf-8"


def text(status, message):
    return status, TEXT, (message.rstrip("\n") + "\n").encode("utf-8"), {}


class App:
    """``allow_service`` False (the default): a client's query with a SERVICE clause is refused
    (400), so that the server never sends requests to addresses its clients choose."""

    def __init__(self, engine, max_rows=10000, allow_service=False):
        self.engine = engine
        self.max_rows = max_rows
        self.allow_service = allow_service
        self._classification = None

    def warm(self):
        """Import and build what answers need, before the workers are forked."""
        from . import pages  # noqa: F401

        self.classification  # noqa: B018 (a property that loads the classification once)
        if not self.allow_service:
            from . import federation

            federation.warm()
        for fmt in ("json", "xml", "csv", "tsv"):
            self.engine.query("ASK {}").serialize(fmt)
        for fmt in ("ttl", "nt", "jsonld", "rdfxml"):
            self.engine.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT 1").serialize(fmt)

    @property
    def classification(self):
        if self._classification is None:
            import iccs

            self._classification = iccs.load()
        return self._classification

    def __call__(self, request):
        if request["op"] == "query":
            return self.query(request)
        return self.resource(request["path"], request.get("accept"))

    # --- /sparql ---------------------------------------------------------------------------------

    def query(self, request):
        from .engine import QuerySyntaxError

        try:
            query_text, params = request.get("query"), request.get("params") or None
            if request.get("name"):
                from .named import named_query

                named = named_query(request["name"])
                query_text, params = named.text, named.check(params)
            result = self.engine.query(query_text, params=params, limit=self.max_rows,
                                       service=self.allow_service)
        except QuerySyntaxError as e:
            return text(400, str(e))
        except ICCSError as e:
            return text(400, str(e))
        fmt = request.get("format")
        offers = negotiate.GRAPHS if result.kind == "graph" else negotiate.RESULTS
        if fmt:
            fmt = {"turtle": "ttl", "json-ld": "jsonld", "ntriples": "nt", "text": "table"}.get(fmt, fmt)
            if fmt not in set(offers.values()):
                return text(400, f"format {fmt!r} is not one of {', '.join(sorted(set(offers.values())))}"
                                 f" for this kind of query")
        else:
            fmt = negotiate.choose(request.get("accept"), offers,
                                   "ttl" if result.kind == "graph" else "json")
            if fmt is None:
                return text(406, "none of the accepted media types fits this result; offered: "
                            + ", ".join(offers))
        headers = {"Vary": "Accept"}
        if result.truncated:
            headers["ICCS-Result-Cap"] = f"{self.max_rows} (the answer was cut)"
        if fmt == "html":  # a browser, from the form of the landing page
            from . import pages

            return 200, "text/html; charset=utf-8", pages.results(query_text, result), headers
        return 200, MEDIA_TYPES[fmt], result.serialize(fmt), headers

    # --- the IRIs of the graph -----------------------------------------------------------------

    def resource(self, path, accept):
        from . import pages

        if path in ("/", "/index.html"):
            if negotiate.choose(accept, {"text/html": "html"}, "html") is None:
                return self._describe(ns.SCHEME, accept)
            return 200, "text/html; charset=utf-8", pages.landing(self.classification), {}
        iri = ns.BASE.rstrip("/") + unquote(path)
        if path.startswith("/1.0/category/"):
            code = path.rsplit("/", 1)[1]
            if code not in self.classification:
                return text(404, f"no ICCS category {code}")
        try:
            known = self.engine.query("ASK { ?s ?p ?o }", params={"s": "<" + iri + ">"}).boolean
        except ICCSError:  # not an IRI (a space, a ">", …)
            known = False
        if not known:
            return text(404, f"nothing is said about <{iri}> in the ICCS graph")
        fmt = negotiate.choose(accept, negotiate.PAGES, "html")
        if fmt is None:
            return text(406, "offered: " + ", ".join(negotiate.PAGES))
        if fmt != "html":
            return self._describe(iri, accept, fmt)
        if path.startswith("/1.0/category/"):
            body = pages.category(self.classification[path.rsplit("/", 1)[1]])
        else:
            body = pages.resource(iri, self._triples(iri))
        return 200, "text/html; charset=utf-8", body, {"Vary": "Accept"}

    def _triples(self, iri):
        if iri == ns.VOCAB.rstrip("#"):  # the vocabulary: the ontology and its def#… terms
            return self.engine.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o "
                                     "FILTER(STRSTARTS(STR(?s), STR(?v))) }",
                                     params={"v": "<" + iri + ">"})
        return self.engine.query("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
                                 params={"s": "<" + iri + ">"})

    def _describe(self, iri, accept, fmt=None):
        fmt = fmt or negotiate.choose(accept, negotiate.GRAPHS, "ttl") or "ttl"
        if fmt == "html":
            fmt = "ttl"
        return 200, MEDIA_TYPES[fmt], self._triples(iri).serialize(fmt), {"Vary": "Accept"}

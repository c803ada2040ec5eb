"""External SPARQL stores: a query sent to an endpoint (SPARQL 1.1 Protocol), and ``push``, which
loads the ICCS graph and data files into a store by the Graph Store Protocol (one PUT of the
whole graph) or by SPARQL Update (DROP, then INSERT DATA in batches).

HTTP Basic and Digest authentication (Virtuoso's ``/sparql-graph-crud-auth`` and ``/sparql-auth``
use Digest) come from ``auth=(user, password)``. Only the stdlib ``urllib`` is used.
"""
import urllib.error
import urllib.parse
import urllib.request

from .. import namespaces as ns
from ..errors import ICCSError, InputError, shown

RESULTS_ACCEPT = "application/sparql-results+json, application/sparql-results+xml;q=0.9"
GRAPH_ACCEPT = "application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"


class RemoteError(ICCSError):
    """The endpoint refused or failed a request (its status and message are in the text)."""


def check_endpoint(url):
    """``url`` when it is an http:// or https:// URL with a host (and a port, if any, in range);
    else InputError. urllib would also read file:, ftp: and data: URLs, and a push "succeed"
    into a local file."""
    bad = f"an endpoint must be an http:// or https:// URL with a host, not {shown(url, 60)}"
    if not isinstance(url, str) or not url or any(ch.isspace() or ord(ch) < 32 or ch == "\x7f"
                                                  for ch in url):
        raise InputError(bad)
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port  # ValueError when not a number or out of 0-65535
    except ValueError:
        raise InputError(bad) from None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or port == 0:
        raise InputError(bad)
    return url


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Redirects to http(s) only (urllib's own also follows one to ftp:)."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        try:
            check_endpoint(urllib.parse.urljoin(req.full_url, newurl))
        except InputError:
            raise urllib.error.HTTPError(newurl, code, f"redirect to {shown(newurl, 60)} refused "
                                         "(not http or https)", headers, fp) from None
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener(url, auth):
    handlers = [_Redirects()]
    if auth:
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, url, auth[0], auth[1] or "")
        handlers += [urllib.request.HTTPDigestAuthHandler(manager),
                     urllib.request.HTTPBasicAuthHandler(manager)]
    return urllib.request.build_opener(*handlers)


def _authorization(request, auth, timeout):
    """The Authorization header for ``request``, from the challenge of a HEAD to its URL: sent
    with the request itself, so that a large body is not cut by a 401 half-way (as Virtuoso
    does, closing the connection)."""
    import base64

    probe = urllib.request.Request(request.full_url, method="HEAD")
    try:
        with _opener(request.full_url, None).open(probe, timeout=timeout):
            return None  # no challenge: no authentication needed
    except urllib.error.HTTPError as e:
        challenge = e.headers.get("WWW-Authenticate", "") if e.code == 401 else ""
    except (urllib.error.URLError, OSError):
        return None  # the request itself will say what is wrong
    scheme, _, rest = challenge.partition(" ")
    if scheme.lower() == "digest":
        manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
        manager.add_password(None, request.full_url, auth[0], auth[1] or "")
        handler = urllib.request.HTTPDigestAuthHandler(manager)
        chal = urllib.request.parse_keqv_list(urllib.request.parse_http_list(rest))
        value = handler.get_authorization(request, chal)
        return f"Digest {value}" if value else None
    token = base64.b64encode(f"{auth[0]}:{auth[1] or ''}".encode()).decode()
    return f"Basic {token}"


def _send(url, data=None, headers=None, method=None, auth=None, timeout=60):
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    if auth and data is not None and len(data) > 65536:
        header = _authorization(request, auth, timeout)
        if header:
            request.add_header("Authorization", header)
    try:
        with _opener(url, auth).open(request, timeout=timeout) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as e:
        body = e.read().decode("utf-8", "replace")
        message = " ".join(body.split())[:400]
        raise RemoteError(f"{url} answered {e.code} {e.reason}: {message}") from None
    except urllib.error.URLError as e:
        if data and isinstance(e.reason, (BrokenPipeError, ConnectionResetError)):
            raise RemoteError(f"{url} closed the connection while the data was sent (a refused "
                              "user or password, or a body too large for it)") from None
        raise RemoteError(f"cannot reach {url}: {e.reason}") from None
    except (TimeoutError, OSError) as e:
        raise RemoteError(f"{url}: {e}") from None


def remote_query(endpoint, text, params=None, limit=None, timeout=None, auth=None):
    """A Result from a remote endpoint: the predeclared prefixes are declared in the text, the
    parameters bound in a VALUES block (as for the local engine)."""
    import pyoxigraph as ox

    from .engine import PREFIXES, check_params
    from .results import Result
    from .terms import parse_params
    from .values import bind_values, query_form

    check_endpoint(endpoint)
    bound = check_params(text, parse_params(params))
    prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    full = prologue + bind_values(text, bound)
    form = query_form(text)
    accept = GRAPH_ACCEPT if form in ("CONSTRUCT", "DESCRIBE") else RESULTS_ACCEPT
    body = urllib.parse.urlencode({"query": full}).encode("utf-8")
    _, ctype, payload = _send(endpoint, body, {"Accept": accept,
                                               "Content-Type": "application/x-www-form-urlencoded"},
                              auth=auth, timeout=timeout or 60)
    media = ctype.split(";")[0].strip().lower()
    results = {"application/sparql-results+json": ox.QueryResultsFormat.JSON,
               "application/json": ox.QueryResultsFormat.JSON,
               "application/sparql-results+xml": ox.QueryResultsFormat.XML,
               "text/tab-separated-values": ox.QueryResultsFormat.TSV}
    try:
        if media in results:
            return Result.from_oxigraph(ox.parse_query_results(payload, format=results[media]), limit=limit)
        fmt = ox.RdfFormat.from_media_type(media) or ox.RdfFormat.N_TRIPLES
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(payload, format=fmt)]
        return Result.from_oxigraph(iter(triples), limit=limit)
    except (SyntaxError, ValueError) as e:
        raise RemoteError(f"{endpoint} answered {media or 'no content type'} that cannot be read: "
                          f"{' '.join(str(e).split())[:200]}") from None


def push(endpoint, graph=None, data=(), with_iccs=True, protocol="gsp", auth=None, timeout=120,
         batch=1000, progress=None):
    """Replace the named graph ``graph`` (default: the ICCS scheme IRI) of the store at
    ``endpoint`` with the ICCS graph and ``data`` files. ``protocol`` "gsp": ``endpoint`` is the
    store's Graph Store Protocol URL, one PUT; "update": its SPARQL Update URL, a DROP then
    INSERT DATA requests of ``batch`` triples. Returns ``{"graph", "triples", "requests"}``."""
    import pyoxigraph as ox

    from .engine import Engine

    check_endpoint(endpoint)
    graph = graph or ns.SCHEME
    if not with_iccs and not data:
        raise InputError("nothing to push: give --data files, or leave the ICCS graph in")
    try:
        ox.NamedNode(graph)
    except ValueError:
        raise InputError(f"not an IRI: {graph!r}") from None
    quads = list(Engine(data=data, with_iccs=with_iccs).store)
    if protocol == "gsp":
        body = ox.serialize((ox.Triple(q.subject, q.predicate, q.object) for q in quads),
                            format=ox.RdfFormat.N_TRIPLES)
        separator = "&" if "?" in endpoint else "?"
        url = endpoint + separator + urllib.parse.urlencode({"graph": graph})
        _send(url, body, {"Content-Type": "application/n-triples"}, method="PUT", auth=auth,
              timeout=timeout)
        if progress:
            progress(1, 1)
        return {"graph": graph, "triples": len(quads), "requests": 1}
    if protocol != "update":
        raise InputError(f"protocol is gsp or update, not {protocol!r}")
    # Blank nodes keep their identity only within one request: their triples go in the first batch.
    blank = [q for q in quads if isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode)]
    rest = [q for q in quads if not (isinstance(q.subject, ox.BlankNode) or isinstance(q.object, ox.BlankNode))]
    batches = [blank + rest[:max(0, batch - len(blank))]]
    rest = rest[max(0, batch - len(blank)):]
    batches += [rest[i:i + batch] for i in range(0, len(rest), batch)]
    requests = [f"DROP SILENT GRAPH <{graph}>"]
    for i, chunk in enumerate(batches):
        lines = "\n".join(f"{q.subject} {q.predicate} {q.object} ." for q in chunk)
        if i == 0 and blank:  # INSERT DATA may not hold blank nodes (Virtuoso); a template may
            requests.append(f"INSERT {{ GRAPH <{graph}> {{\n{lines}\n}} }} WHERE {{}}")
        else:
            requests.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{lines}\n}} }}")
    for i, update in enumerate(requests):
        _send(endpoint, urllib.parse.urlencode({"update": update}).encode("utf-8"),
              {"Content-Type": "application/x-www-form-urlencoded"}, method="POST", auth=auth,
              timeout=timeout)
        if progress:
            progress(i + 1, len(requests))
    return {"graph": graph, "triples": len(quads), "requests": len(requests)}

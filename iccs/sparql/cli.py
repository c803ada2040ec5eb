"""``iccs query``, ``iccs serve``, ``iccs push``: parse arguments, call ``iccs.sparql``, print."""
import sys

import click

from ..errors import InputError
from .limits import DEFAULT_TIMEOUT

FORMATS = ("table", "csv", "tsv", "json", "xml", "ttl", "nt", "jsonld")


def _progress(label):
    """A progress callback drawing a bar on stderr when it is a terminal, else None."""
    if not sys.stderr.isatty():
        return None
    state = {}

    def update(done, total):
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(done - state.get("done", 0))
        state["done"] = done
        if done >= total:
            state["bar"].__exit__(None, None, None)

    return update


@click.command()
@click.argument("text", required=False)
@click.option("-f", "--file", "file", type=click.Path(dir_okay=False), help="Read the query from FILE.rq.")
@click.option("--name", help="Run a named query (see --list).")
@click.option("--list", "list_", is_flag=True, help="List the named queries and exit.")
@click.option("--param", "params", multiple=True, metavar="NAME=VALUE",
              help="Bind ?NAME to VALUE as an RDF term: <iri>, prefix:name, \"literal\"@lang, "
                   "\"5\"^^xsd:integer, or plain text (a string). Repeatable.")
@click.option("--data", multiple=True, type=click.Path(),
              help="Add an RDF file (Turtle, N-Triples, JSON-LD, RDF/XML, …) to the graph. Repeatable.")
@click.option("--endpoint", metavar="URL", help="Send the query to this SPARQL endpoint instead.")
@click.option("--user", envvar="ICCS_SPARQL_USER", help="User for the endpoint [env ICCS_SPARQL_USER].")
@click.option("--password", envvar="ICCS_SPARQL_PASSWORD", help="[env ICCS_SPARQL_PASSWORD]")
@click.option("--limit", type=click.IntRange(min=0), help="At most this many rows.")
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="table (default for SELECT/ASK), csv, tsv, json, xml (the SPARQL results "
                   "formats); ttl (default for CONSTRUCT/DESCRIBE), nt, jsonld.")
@click.option("-o", "--output", type=click.Path(dir_okay=False), help="Write to this file (atomically).")
@click.option("--timeout", type=click.FloatRange(min=0), default=DEFAULT_TIMEOUT, show_default=True,
              metavar="SECONDS", help="Stop a query that runs longer (exit code 2); 0: no limit.")
def query(text, file, name, list_, params, data, endpoint, user, password, limit, fmt, output,
          timeout):
    """Run a SPARQL query over the ICCS graph (and --data files), or over --endpoint.

    The prefixes rdf, rdfs, xsd, owl, skos, xkos, dcterms, prov, dcat, iccs, qb and sh are
    predeclared:

    \b
        iccs query 'SELECT ?c ?l { ?c skos:notation "0101" ; skos:prefLabel ?l }'
        iccs query --name cites --param code=0101 --format csv

    Exit code 0 with an answer (even an empty one), 2 for a malformed query, unreadable input
    or a query that runs past --timeout; 130 on Ctrl-C, 143 on SIGTERM.
    """
    from .. import render
    from . import named_queries
    from . import query as run_query

    if list_:
        rows = [q.to_dict() for q in named_queries().values()]
        click.echo(render.render(rows, ["name", "params", "title"] if fmt in (None, "table")
                                 else ["name", "title", "params", "answers", "example"],
                                 fmt if fmt in ("csv", "json") else "table"))
        return
    given = [x for x in (text, file, name) if x]
    if len(given) != 1:
        raise click.UsageError("give one of QUERY, -f FILE.rq or --name NAME (or --list)")
    if file:
        from ..files import read_input

        try:
            text = read_input(file).decode("utf-8-sig")
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text", file=file) from None
    from ..files import refuse_overwrite

    refuse_overwrite({"-o": output}, (file, *data))
    auth = (user, password) if user else None
    engine = None
    if endpoint is not None:
        from .remote import check_endpoint

        check_endpoint(endpoint)
    elif data:  # loaded before the clock starts: the limit is the query's
        from .engine import Engine

        engine = Engine(data=list(data), progress=_progress("loading"))
    from .limits import run_bounded

    def answer():  # in a thread of its own: Oxigraph holds control until the query is done
        result = run_query(text, params=list(params), data=list(data) if engine is None else None,
                           endpoint=endpoint, name=name, limit=limit, auth=auth, engine=engine,
                           timeout=timeout + 1 if timeout and endpoint is not None else None)
        return result.serialize(fmt)

    out = run_bounded(answer, timeout, "; raise it with --timeout SECONDS (0: no limit)")
    if output:
        from ..files import write_atomic

        write_atomic(output, out)
        click.echo(f"wrote {output}", err=True)
    else:
        sys.stdout.buffer.write(out if out.endswith(b"\n") or not out else out + b"\n")
        sys.stdout.flush()


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True)
@click.option("--data", multiple=True, type=click.Path(), help="Add an RDF file. Repeatable.")
@click.option("--timeout", type=click.FloatRange(min=0.1), default=DEFAULT_TIMEOUT, show_default=True,
              help="Seconds a query may run before it is cut (HTTP 503).")
@click.option("--max-rows", type=click.IntRange(min=1), default=10000, show_default=True,
              help="Result cap: rows or triples per answer.")
@click.option("--workers", type=click.IntRange(min=1), default=None,
              help="Query processes [default: the number of CPUs].")
@click.option("--allow-service", is_flag=True,
              help="Run SERVICE clauses (federation): the server then sends requests to any "
                   "endpoint a query names. Off by default: such a query is refused (HTTP 400).")
def serve(host, port, data, timeout, max_rows, workers, allow_service):
    """Serve the SPARQL 1.1 Protocol at /sparql and the ICCS IRIs (/1.0/category/0101) over HTTP.

    Read-only: an update is refused, and so is federation (SERVICE) unless --allow-service.
    Results by Accept: JSON, XML, CSV, TSV; graphs as Turtle, N-Triples or JSON-LD; the IRIs as
    HTML for a browser, Turtle or JSON-LD for a client.
    """
    from .engine import Engine
    from .server import make_server

    engine = Engine(data=list(data), progress=_progress("loading"))
    server = make_server(host, port, timeout=timeout, max_rows=max_rows, workers=workers,
                         engine=engine, allow_service=allow_service)
    click.echo(f"serving the ICCS at {server.url} (SPARQL at {server.url}sparql); Ctrl-C stops",
               err=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()


@click.command()
@click.option("--endpoint", required=True, metavar="URL",
              help="The store's Graph Store Protocol URL (or its Update URL with --protocol update).")
@click.option("--graph", "graph", metavar="IRI", default=None,
              help="The named graph to replace [default: https://w3id.org/iccs/1.0].")
@click.option("--data", multiple=True, type=click.Path(), help="Add an RDF file. Repeatable.")
@click.option("--no-iccs", is_flag=True, help="Push only the --data files, not the ICCS graph.")
@click.option("--protocol", type=click.Choice(["gsp", "update"]), default="gsp", show_default=True,
              help="SPARQL 1.1 Graph Store Protocol (one PUT), or Update (DROP, then INSERT DATA).")
@click.option("--user", envvar="ICCS_SPARQL_USER", help="[env ICCS_SPARQL_USER]")
@click.option("--password", envvar="ICCS_SPARQL_PASSWORD", help="[env ICCS_SPARQL_PASSWORD]")
@click.option("--timeout", type=click.FloatRange(min=1), default=120.0, show_default=True)
def push(endpoint, graph, data, no_iccs, protocol, user, password, timeout):
    """Load the ICCS graph (and --data files) into an external SPARQL store, replacing the graph.

    \b
        iccs push --endpoint http://127.0.0.1:8890/sparql-graph-crud-auth --user dba
    """
    from .remote import push as run_push

    report = run_push(endpoint, graph=graph, data=list(data), with_iccs=not no_iccs,
                      protocol=protocol, auth=(user, password) if user else None, timeout=timeout,
                      progress=_progress("pushing"))
    click.echo(f"pushed {report['triples']} triples into <{report['graph']}> at {endpoint} "
               f"({report['requests']} request{'s' if report['requests'] != 1 else ''})", err=True)

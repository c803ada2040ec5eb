"""A compiled copy of the shipped graph, so that a command starts without parsing Turtle.

The graph is compiled once into plain dicts and lists (``compile_graph``) and stored with
``marshal``. Two places are tried, in order:

1. the copy built into the installed package when its wheel was made (``iccs/compiled/``), so a
   read-only installation starts fast from its first run;
2. the user's cache folder (``$ICCS_CACHE_DIR``, else ``$XDG_CACHE_HOME/iccs``, else
   ``~/.cache/iccs``), written the first time the graph is compiled on this machine.

A copy is used only if its stamp matches — a hash of the Turtle files' contents, of the code that
compiles them, of the cache format and of the Python version — and its checksum matches its
bytes: a stale, truncated, hand-edited or damaged copy is never served; the graph is compiled
again (and the user's copy rewritten, atomically). A cache folder that cannot be written is no
error: the compiled graph is then kept in memory for this run.

This module is on the path of every start of the command line: it imports only what is cheap.
"""
import hashlib
import marshal
import os
import sys

from .resources import ontology_files

FORMAT = 10  # the layout of the cache file
_HERE = os.path.dirname(os.path.abspath(__file__))
# the code that makes what is cached: a change to any of it rebuilds the cache
_CODE = [os.path.join(_HERE, name) for name in ("cache.py", "compile.py", "graph.py", "namespaces.py", "search.py",
                                                 "classification.py")]


def cache_dir():
    if os.environ.get("ICCS_CACHE_DIR"):
        return os.environ["ICCS_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "iccs")


def _file_name():
    return "iccs-%d%d.marshal" % sys.version_info[:2]


def cache_path():
    """The user's copy."""
    return os.path.join(cache_dir(), _file_name())


def packaged_path(package_dir=_HERE):
    """The copy built into an installed package (absent in a checkout)."""
    return os.path.join(package_dir, "compiled", _file_name())


def stamp(files=None):
    """What a compiled copy must have been built from: the contents of the Turtle files and of
    the compiling code, the format and the Python version, as one hash."""
    h = hashlib.blake2b(digest_size=20)
    h.update(b"format %d python %d.%d\n" % (FORMAT, *sys.version_info[:2]))
    for path in (ontology_files() if files is None else files) + _CODE:
        with open(path, "rb") as f:
            content = f.read()
        h.update(b"%s %d\n" % (os.path.basename(path).encode(), len(content)))
        h.update(content)
    return h.hexdigest()


def _checksum(blob):
    return hashlib.blake2b(blob, digest_size=20).hexdigest()


def read(path, expected, key="graph"):
    """The data in the cache file ``path`` if it is whole, was built from what ``expected``
    stamps, and is what ``key`` names (its kind and language: "graph", "mapping corpus es"),
    said inside the checksummed part, so that two whole files swapped are not served; else None."""
    try:
        with open(path, "rb") as f:
            outer = marshal.load(f)
        if outer["stamp"] != expected or _checksum(outer["data"]) != outer["checksum"]:
            return None
        inner = marshal.loads(outer["data"])
        if inner["key"] != key:
            return None
        return inner["data"]
    except Exception:  # a damaged file can fail in any way marshal can: treat all as absent
        return None


def dump(data, expected, key="graph"):
    """The bytes of a cache file for ``data`` (marshal-able), named ``key`` (see ``read``)."""
    blob = marshal.dumps({"key": key, "data": data})
    return marshal.dumps({"stamp": expected, "checksum": _checksum(blob), "data": blob})


def load_compiled():
    """The compiled classification of the shipped graph: from the package's copy or the user's
    when one is fresh and whole, else compiled now (and the user's copy written)."""
    current = stamp()
    for path in (packaged_path(), cache_path()):
        data = read(path, current)
        if data is not None:
            return data
    data = compile_now()
    try:
        from .files import write_atomic

        os.makedirs(cache_dir(), exist_ok=True)
        write_atomic(cache_path(), dump(data, current))
    except Exception:  # an unwritable or full cache folder: keep the graph in memory this time
        pass
    return data


def compile_now():
    from .compile import compile_graph
    from .graph import load_graph

    return pack(compile_graph(load_graph()))


def build_packaged(package_dir):
    """Write the package's own copy into ``package_dir/compiled`` (run when a wheel is built)."""
    os.makedirs(os.path.join(package_dir, "compiled"), exist_ok=True)
    files = [os.path.join(package_dir, "ontology", os.path.basename(p)) for p in ontology_files()]
    with open(packaged_path(package_dir), "wb") as f:
        f.write(dump(compile_now(), stamp(files)))


def pack(data):
    """Each category, the tags and the errata as marshal bytes of their own: a start reads the
    whole file but decodes only the categories it shows (see ``unpack``)."""
    packed = dict(data)
    packed["categories"] = {code: marshal.dumps(entry) for code, entry in data["categories"].items()}
    for key in ("tags", "errata", "themes"):
        packed[key] = marshal.dumps(data[key])
    return packed


def unpack(value):
    return marshal.loads(value) if isinstance(value, bytes) else value

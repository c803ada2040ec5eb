"""A compiled copy of the shipped graph, so that a command starts without parsing Turtle.

The graph is compiled once into plain dicts and lists (``compile_graph``) and stored with
``marshal`` in the user's cache folder (``$ICCS_CACHE_DIR``, else ``$XDG_CACHE_HOME/iccs``, else
``~/.cache/iccs``). The cache carries a stamp of the Turtle files (path, size, modification
time), of this module's format version and of the Python version: when the graph changes, the
stamp no longer matches and the cache is rebuilt by itself. It is written atomically; a cache
that cannot be read or written is simply rebuilt in memory.

This module is on the path of every start of the command line: it imports only what is cheap.
"""
import marshal
import os
import sys

from .resources import ontology_files

FORMAT = 8  # the layout of the cache file


def cache_dir():
    if os.environ.get("ICCS_CACHE_DIR"):
        return os.environ["ICCS_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "iccs")


def stamp(files):
    """What the cache must have been built from: format, Python, and each file's size and time."""
    parts = [f"format {FORMAT}", f"python {sys.version_info[0]}.{sys.version_info[1]}"]
    for path in files:
        st = os.stat(path)
        parts.append(f"{path} {st.st_size} {st.st_mtime_ns}")
    return "\n".join(parts)


def cache_path():
    return os.path.join(cache_dir(), "iccs-%d%d.marshal" % sys.version_info[:2])


def load_compiled():
    """The compiled classification of the shipped graph, from the cache when it is fresh."""
    current = stamp(ontology_files() + [__file__])  # this file too: a change here recompiles
    path = cache_path()
    try:
        with open(path, "rb") as f:
            cached = marshal.load(f)
        if cached["stamp"] == current:
            return cached["data"]
    except (OSError, EOFError, ValueError, TypeError, KeyError):
        pass
    from .compile import compile_graph
    from .errors import InputError
    from .files import write_atomic
    from .graph import load_graph

    data = pack(compile_graph(load_graph()))
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, marshal.dumps({"stamp": current, "data": data}))
    except (OSError, InputError):
        pass
    return data


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

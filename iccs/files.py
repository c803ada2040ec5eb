"""Writing files so that an interrupted run never leaves half a file: temp file, then rename."""
import contextlib
import os
import stat
import tempfile

from .errors import InputError


def read_input(path, size=-1):
    """The bytes of a file the user named (the first ``size`` bytes if given), or an InputError
    saying, in a line, what is wrong with it: a folder, missing, unreadable, or empty."""
    try:
        with open(path, "rb") as f:
            raw = f.read(size)
    except IsADirectoryError:
        raise InputError("is a folder, not a file", file=path) from None
    except FileNotFoundError:
        raise InputError("no such file", file=path) from None
    except OSError as e:
        raise InputError(f"cannot read: {e.strerror}", file=path) from None
    if not raw.strip():
        raise InputError("empty file", file=path)
    return raw


def write_atomic(path, data):
    """Write ``data`` (bytes or str, UTF-8) to ``path`` all at once or not at all.

    A link is followed (its target is replaced, not the link); a path that exists and is not a
    regular file (``/dev/stdout``, a pipe) is written to directly. The folder must exist. A write
    that fails raises InputError naming ``path``.
    """
    if isinstance(data, str):
        data = data.encode("utf-8")
    with atomic_file(path) as f:
        f.write(data)


@contextlib.contextmanager
def atomic_file(path):
    """``write_atomic`` for what is written piece by piece: a binary file to write to, which
    replaces ``path`` when the block ends and is removed if the block fails."""
    target = os.path.realpath(path)
    try:
        if os.path.exists(target) and not stat.S_ISREG(os.stat(target).st_mode):
            with open(target, "wb") as f:
                yield f
            return
        folder = os.path.dirname(target)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    except OSError as e:
        raise InputError(f"cannot write: {e.strerror}", file=path) from None
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        with os.fdopen(fd, "wb") as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException as e:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(e, OSError):
            raise InputError(f"cannot write: {e.strerror}", file=path) from None
        raise


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask

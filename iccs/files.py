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
    """``write_atomic`` for what is written piece by piece: a binary file to write to (the block
    must not close it), which replaces ``path`` when the block ends and is removed, leaving
    ``path`` as it was, if the block fails. A path that is not a regular file (``/dev/stdout``,
    a pipe) is written to directly: what the block wrote before failing stays written there. An
    OSError while writing is an InputError naming ``path``; any other exception of the block
    (KeyboardInterrupt, SystemExit) comes out as it was raised."""
    target = os.path.realpath(path)
    try:
        direct = os.path.exists(target) and not stat.S_ISREG(os.stat(target).st_mode)
        if direct:
            f = open(target, "wb")
        else:
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=f".{os.path.basename(target)}.",
                                       suffix=".tmp")
    except OSError as e:
        raise _cannot_write(e, path) from None
    if direct:
        with _closed_quietly_on_error(f, path):
            yield f
        return
    try:
        os.chmod(tmp, 0o666 & ~_umask())
        f = os.fdopen(fd, "wb")
        with _closed_quietly_on_error(f, path):
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
            raise _cannot_write(e, path) from None
        raise


@contextlib.contextmanager
def _closed_quietly_on_error(f, path):
    """Close ``f`` after the block; when the block failed, close it ignoring a failure to flush,
    so that what the block raised (KeyboardInterrupt, SystemExit) is what comes out."""
    try:
        yield
    except BaseException:
        try:
            f.close()
        except OSError:
            pass
        raise
    try:
        f.close()
    except OSError as e:
        raise _cannot_write(e, path) from None


def _cannot_write(error, path):
    return InputError(f"cannot write: {error.strerror or error}", file=path)


def _umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask

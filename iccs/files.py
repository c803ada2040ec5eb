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
    if not raw.lstrip(b"\xef\xbb\xbf").strip():  # nothing, or only a byte-order mark
        raise InputError("empty file", file=path)
    return raw


def refuse_overwrite(outputs, inputs=()):
    """An InputError when a file about to be written is a file the command reads (the same
    file under another name or through a link too), or two outputs are one file: the output
    would replace what it is made from. ``outputs``: option → path (None: not written);
    ``inputs``: paths read. Call it before any work."""
    named = [(option, path) for option, path in outputs.items() if path]
    for i, (option, path) in enumerate(named):
        for other_option, other in named[i + 1:]:
            if _same_file(path, other):
                raise InputError(f"{option} and {other_option} name the same file", file=path)
        for source in inputs:
            if source and _same_file(path, source):
                raise InputError(f"the output ({option}) would overwrite an input of the command", file=path)


def _same_file(a, b):
    """Whether two paths are one regular file (or will be: an output not written yet). Devices
    and pipes (/dev/null, /dev/stdout) are never the same file: writing to them loses nothing."""
    try:
        sa, sb = os.stat(a), os.stat(b)
    except OSError:  # one does not exist (yet)
        return os.path.realpath(a) == os.path.realpath(b)
    return stat.S_ISREG(sa.st_mode) and os.path.samestat(sa, sb)


def emit(text, output=None):
    """What a command prints: to the file ``output`` (atomically; "wrote FILE" on standard
    error) or to standard output, ending in one newline. A write that fails is an InputError
    naming the file, or standard output."""
    import sys

    text = text if text.endswith("\n") or not text else text + "\n"
    if output:
        write_atomic(output, text)
        sys.stderr.write(f"wrote {output}\n")
        return
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        raise
    except OSError as e:
        raise _cannot_write(e, "standard output") from None


def write_atomic(path, data):
    """Write ``data`` (bytes or str, UTF-8) to ``path`` all at once or not at all.

    A link is followed (its target is replaced, not the link); a file replaced keeps its
    permissions; a path that exists and is not a regular file (``/dev/stdout``, a pipe) is
    written to directly. The folder must exist. A write
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
        try:  # the path itself, links followed: /dev/stdout is a pipe's, whose "real path" is none
            direct = not stat.S_ISREG(os.stat(path).st_mode)
        except FileNotFoundError:
            direct = False
        if direct:
            f = open(path, "wb")
        else:
            fd, tmp = tempfile.mkstemp(dir=os.path.dirname(target), prefix=f".{os.path.basename(target)}.",
                                       suffix=".tmp")
    except OSError as e:
        raise _cannot_write(e, path) from None
    if direct:
        try:
            with _closed_quietly_on_error(f, path):
                yield f
        except OSError as e:
            raise _cannot_write(e, path) from None
        return
    try:
        try:  # a file replaced keeps its permissions (a private table stays private)
            mode = stat.S_IMODE(os.stat(target).st_mode)
        except OSError:
            mode = 0o666 & ~_umask()
        os.chmod(tmp, mode)
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

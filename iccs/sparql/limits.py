"""The time limit of a query: one rule for ``iccs serve`` and ``iccs query``.

Oxigraph evaluates a query in native code that holds control until it is done: Python's signal
handlers do not run in that thread, and nothing can stop the evaluation but the end of the
process it runs in. So the query never runs in the thread that keeps the time:

- the server runs it in a request's handler thread, and the worker's watchdog thread watches the
  deadlines (``server.WorkerServer.watch``);
- the command line runs it in a thread of its own (``run_bounded``), and the main thread waits,
  a twentieth of a second at a time, so that Ctrl-C and SIGTERM are handled at once.

At the deadline the watcher answers straight away (503 from the server; one line on stderr and
exit code 2 from the command line: ``QueryTimeout`` is an ``ICCSError``) and the process ends,
which ends the query. (The server's supervisor forks a fresh worker in its place.)
"""
import threading
import time

from .results import QueryTimeout

DEFAULT_TIMEOUT = 10.0  # seconds, for iccs serve --timeout and iccs query --timeout


def timeout_message(seconds, hint=""):
    """What is said when a query is cut: the same words from the server and the command line."""
    return f"the query took longer than the time limit of {seconds:g} s and was stopped{hint}"


def run_bounded(job, timeout=None, hint="", poll=0.05):
    """``job()``'s value (or its exception), run in a daemon thread and waited for at most
    ``timeout`` seconds (None or 0: no limit); QueryTimeout past it.

    The calling (main) thread stays in Python while it waits, so a signal's handler runs within
    ``poll`` seconds (KeyboardInterrupt, the SystemExit of SIGTERM) even while the query holds
    its thread in native code. After a timeout or a signal the job keeps its thread: the caller
    must end the process (the command line does, by exiting), which stops it.
    """
    box = {}

    def target():
        try:
            box["value"] = job()
        except BaseException as e:  # handed to the caller, raised there
            box["error"] = e

    thread = threading.Thread(target=target, name="iccs-query", daemon=True)
    thread.start()
    deadline = time.monotonic() + timeout if timeout else None
    while thread.is_alive():
        wait = poll if deadline is None else min(poll, deadline - time.monotonic())
        if wait <= 0:
            raise QueryTimeout(timeout_message(timeout, hint))
        thread.join(wait)
    if "error" in box:
        raise box["error"]
    return box.get("value")

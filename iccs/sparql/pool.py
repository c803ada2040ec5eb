"""Query processes for the server: each holds the engine (forked from the server, so it starts
at once and shares the loaded graph) and answers one request at a time. A request that runs past
its time limit is cut by killing its process (a watchdog thread checks the deadlines), and a
fresh fork takes its place: a runaway query never keeps a CPU busy after its client has been
answered.
"""
import os
import queue
import threading
import time


class Busy(Exception):
    """No query process came free in time."""


class TimedOut(Exception):
    """The request ran past its time limit (its process was killed)."""


class Worker:
    __slots__ = ("process", "conn", "deadline", "killed")

    def __init__(self, process, conn):
        self.process, self.conn, self.deadline, self.killed = process, conn, None, False


class Pool:
    def __init__(self, handle, size=None, tick=0.05):
        """``handle(request) -> response`` runs in the workers (forked: nothing is pickled but
        the requests and responses)."""
        import multiprocessing

        self._ctx = multiprocessing.get_context("fork")
        self._handle = handle
        self._idle = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._workers = set()
        self._closed = threading.Event()
        self.size = size or os.cpu_count() or 1
        for _ in range(self.size):
            self._idle.put(self._start())
        self._tick = tick
        threading.Thread(target=self._watch, name="iccs-query-watchdog", daemon=True).start()

    def _start(self):
        ours, theirs = self._ctx.Pipe()
        process = self._ctx.Process(target=_loop, args=(self._handle, theirs), daemon=True)
        process.start()
        theirs.close()
        worker = Worker(process, ours)
        with self._lock:
            self._workers.add(worker)
        return worker

    def _stop(self, worker):
        worker.process.kill()
        worker.process.join()
        worker.conn.close()
        with self._lock:
            self._workers.discard(worker)

    def _watch(self):
        while not self._closed.wait(self._tick):
            now = time.monotonic()
            with self._lock:
                late = [w for w in self._workers if w.deadline is not None and w.deadline < now]
            for worker in late:
                worker.killed = True
                worker.process.kill()  # its pending recv() ends with EOFError

    def run(self, request, timeout):
        """The response of a worker, or Busy / TimedOut."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise Busy() from None
        worker.deadline = time.monotonic() + timeout
        try:
            worker.conn.send(request)
            response = worker.conn.recv()
        except (EOFError, OSError):
            response = None
        worker.deadline = None
        if response is not None and not worker.killed:
            self._idle.put(worker)
            return response
        self._stop(worker)
        if not self._closed.is_set():
            self._idle.put(self._start())
        raise TimedOut()

    def close(self):
        self._closed.set()
        with self._lock:
            workers = list(self._workers)
        for worker in workers:
            self._stop(worker)


def _loop(handle, conn):
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            response = handle(request)
        except Exception as e:  # a bug must not kill the worker silently
            response = (500, "text/plain; charset=utf-8", f"internal error: {e}".encode(), {})
        conn.send(response)

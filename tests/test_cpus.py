"""iccs.cpus: the CPUs this process may use, how many other work leaves free, and the BLAS
threads chosen from them (read from fake /proc and cgroup files, and on this machine)."""
import pytest

from iccs import cpus


def _spin():
    while True:
        pass


def test_a_machine_whose_cores_are_all_taken_gets_one_blas_thread():
    """``free_cores`` reads the idle time of the CPUs this process may use: with one spinning
    process on each, next to nothing is idle, and the encoder is held to one thread."""
    import multiprocessing
    import os
    import time

    spinners = [multiprocessing.Process(target=_spin, daemon=True) for _ in os.sched_getaffinity(0)]
    for p in spinners:
        p.start()
    try:
        time.sleep(0.3)
        assert cpus.free_cores(0.3) < 0.5
        assert cpus.threads() == 1
    finally:
        for p in spinners:
            p.terminate()
            p.join()


def _fake_proc(tmp_path, running, states):
    """A /proc/stat saying ``running`` threads are ready to run, and a /proc/self/task with
    this process's threads in ``states``."""
    tmp_path.mkdir(exist_ok=True)
    (tmp_path / "stat").write_text(f"cpu  1 0 1 9 0 0 0 0 0 0\ncpu0 1 0 1 9 0 0 0 0 0 0\nintr 5\n"
                                   f"procs_running {running}\nprocs_blocked 0\n", encoding="ascii")
    tasks = tmp_path / "task"
    tasks.mkdir(exist_ok=True)
    for i, state in enumerate(states):
        (tasks / str(100 + i)).mkdir(exist_ok=True)
        (tasks / str(100 + i) / "stat").write_text(f"{100 + i} (python (x) y) {state} 1 2 3", encoding="ascii")
    return str(tmp_path / "stat"), str(tasks)


def test_free_cores_counts_what_other_work_wants(tmp_path, monkeypatch):
    """The CPUs this process may use less the threads of *other* processes ready to run: this
    process's own threads (numpy's, spinning after a product) are not other work."""
    import os

    monkeypatch.setattr(cpus, "_cpus", lambda: {0, 1})
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    stat, tasks = _fake_proc(tmp_path / "a", 3, "RRS")  # two of ours running, one other
    monkeypatch.setattr(cpus, "STAT", stat)
    monkeypatch.setattr(cpus, "TASKS", tasks)
    assert cpus.free_cores(window=0.0) == pytest.approx(1.0)
    stat, tasks = _fake_proc(tmp_path / "b", 5, "RSS")  # four others: none free, not less than 0
    monkeypatch.setattr(cpus, "STAT", stat)
    monkeypatch.setattr(cpus, "TASKS", tasks)
    assert cpus.free_cores(window=0.0) == 0.0
    monkeypatch.setattr(os, "cpu_count", lambda: 8)  # pinned to 2 of 8 CPUs: a quarter of the others
    assert cpus.free_cores(window=0.0) == pytest.approx(2 - 4 * 2 / 8)
    monkeypatch.setattr(cpus, "STAT", str(tmp_path / "missing"))
    assert cpus.free_cores(window=0.0) is None


def test_free_cores_on_this_machine_sees_its_own_busy_threads_as_its_own():
    """A thread of this process spinning is not other work: an idle machine stays free."""
    import os
    import threading

    stop = threading.Event()

    def spin():
        while not stop.is_set():
            pass

    before = cpus.free_cores(0.2)
    thread = threading.Thread(target=spin)
    thread.start()
    try:
        during = cpus.free_cores(0.2)
    finally:
        stop.set()
        thread.join()
    assert during >= before - 0.6, (before, during)
    assert 0.0 <= during <= len(os.sched_getaffinity(0))


def test_blas_threads_follow_the_free_cores_the_quota_and_the_environment(monkeypatch):
    import os

    cores = len(os.sched_getaffinity(0))
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cpus, "_quota", lambda: None)
    monkeypatch.setattr(cpus, "free_cores", lambda window=0.05: None)  # not Linux
    assert cpus.threads() == cores
    monkeypatch.setattr(cpus, "free_cores", lambda window=0.05: 0.2)
    assert cpus.threads() == 1
    monkeypatch.setattr(cpus, "free_cores", lambda window=0.05: 64.0)
    monkeypatch.setattr(cpus, "_cpus", lambda: set(range(8)))
    assert cpus.threads() == 8
    monkeypatch.setattr(cpus, "free_cores", lambda window=0.05: 2.6)
    assert cpus.threads() == 3
    monkeypatch.setattr(cpus, "free_cores", lambda window=0.05: 64.0)
    monkeypatch.setattr(cpus, "_quota", lambda: 2.5)  # a container given two and a half CPUs
    assert cpus.threads() == 3
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(name, "2")
        assert cpus.threads() == 2, name
        monkeypatch.delenv(name)


def test_a_container_quota_is_read(tmp_path, monkeypatch):
    v2 = tmp_path / "cpu.max"
    v2.write_text("250000 100000\n", encoding="ascii")
    monkeypatch.setattr(cpus, "CPU_MAX", (str(v2), str(tmp_path / "none")))
    assert cpus._quota() == 2.5
    v2.write_text("max 100000\n", encoding="ascii")
    assert cpus._quota() is None
    quota, period = tmp_path / "cpu.cfs_quota_us", tmp_path / "cpu.cfs_period_us"
    quota.write_text("150000\n", encoding="ascii")
    period.write_text("100000\n", encoding="ascii")
    monkeypatch.setattr(cpus, "CPU_MAX", (str(tmp_path / "none"), str(quota)))
    assert cpus._quota() == 1.5
    quota.write_text("-1\n", encoding="ascii")
    assert cpus._quota() is None

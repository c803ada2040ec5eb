"""How many CPUs this process may use, and how many of them other work leaves free: the number
of BLAS threads numpy's heavy work (the sentence encoder of ``iccs map suggest``) should run on.

On a busy machine numpy's BLAS threads wait on one another for cores that other work holds;
on an idle one, more threads are faster. Linux only says how many threads are ready to run
(/proc/stat) and which CPUs and what share of them a process may use (its affinity, its
container's cgroup quota); elsewhere the answer is every CPU.
"""
import math
import os

STAT = "/proc/stat"  # Linux's counts of the CPUs' time and of the threads ready to run
TASKS = "/proc/self/task"  # this process's threads
CPU_MAX = ("/sys/fs/cgroup/cpu.max", "/sys/fs/cgroup/cpu/cpu.cfs_quota_us")  # a container's share


def threads():
    """The BLAS threads for numpy's work (the sentence encoder's, ``iccs.mapping.encoder``): the cores this process may use (its CPUs, and its
    container's CPU quota) that other work leaves free, at least one. On a busy machine numpy's
    BLAS threads wait on one another for cores that other work holds: with both cores of this
    2-core machine taken, encoding 1,000 offence texts took 1.9–9.4 s on two threads and
    1.6–2.4 s on one (``python benchmarks/mapping.py --busy``, the medians of eight runs). ``OPENBLAS_NUM_THREADS``,
    ``OMP_NUM_THREADS`` or ``MKL_NUM_THREADS``, when set, cap it. Measuring takes 50 ms."""
    cores = len(_cpus() or ()) or os.cpu_count() or 1
    quota = _quota()
    if quota:
        cores = min(cores, max(1, math.ceil(quota)))
    for name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        value = os.environ.get(name, "")
        if value.isdigit() and int(value) > 0:
            cores = min(cores, int(value))
    free = free_cores()
    return cores if free is None else max(1, min(cores, int(free + 0.5)))


def free_cores(window=0.05, samples=5):
    """How many of the CPUs this process may run on other work leaves free: those CPUs less the
    threads of other processes ready to run (Linux's count of runnable threads, ``procs_running``
    in /proc/stat, less this process's own running threads, taken ``samples`` times over
    ``window`` seconds and averaged; spread over all the machine's CPUs when this process may
    use only some). None where that cannot be read. What other work *wants*, not what it got:
    numpy's BLAS threads spin for a while after each product, and a measure of idle time would
    take them, or their share of a contended CPU, for other work or for free time."""
    import time

    cores = len(_cpus() or ()) or os.cpu_count() or 1
    others = []
    try:
        for i in range(samples):
            if i:
                time.sleep(window / (samples - 1))
            others.append(max(0, _procs_running() - _own_running()))
    except (OSError, ValueError, IndexError):
        return None
    share = cores / max(cores, os.cpu_count() or cores)  # of the other work, what falls on our CPUs
    return max(0.0, cores - sum(others) / len(others) * share)


def _procs_running():
    """The machine's threads running or ready to run (/proc/stat), this one among them."""
    with open(STAT, encoding="ascii") as f:
        for line in f:
            if line.startswith("procs_running"):
                return int(line.split()[1])
    raise ValueError("no procs_running")


def _own_running():
    """This process's threads running or ready to run (state R in /proc/self/task/*/stat)."""
    running = 0
    for task in os.listdir(TASKS):
        try:
            with open(os.path.join(TASKS, task, "stat"), encoding="ascii", errors="replace") as f:
                state = f.read().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            continue  # a thread that ended meanwhile
        running += state == "R"
    return running


def _cpus():
    """The CPUs this process may run on, or None where that cannot be asked."""
    try:
        return os.sched_getaffinity(0)
    except (AttributeError, OSError):
        return None


def _quota():
    """The CPUs' worth of time a container may use (cgroup v2 ``cpu.max``, v1 ``cfs_quota_us``),
    or None: no limit, or no cgroup to read."""
    try:
        with open(CPU_MAX[0], encoding="ascii") as f:
            quota, period = f.read().split()[:2]
        return None if quota == "max" else int(quota) / int(period)
    except (OSError, ValueError):
        pass
    try:
        with open(CPU_MAX[1], encoding="ascii") as f:
            quota = int(f.read())
        folder, name = os.path.split(CPU_MAX[1])
        with open(os.path.join(folder, name.replace("quota", "period")), encoding="ascii") as f:
            period = int(f.read())
        return quota / period if quota > 0 and period > 0 else None
    except (OSError, ValueError):
        return None

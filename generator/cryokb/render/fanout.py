"""Run a list of jobs on every core: the first share here, each other share in a forked copy of
this process, whose results come back through a pipe. With one worker (see `workers`), every
job runs here, in order; the results are the same either way."""

from __future__ import annotations

import gc
import os
import pickle
import threading
import traceback
from collections.abc import Callable, Sequence
from functools import partial
from itertools import pairwise
from typing import Any, TypeVar

from cryokb.render import memory

T = TypeVar("T")
R = TypeVar("R")
RUN = 200  # items in one job (see runs)
# A copy's share costs it more than its jobs: it pickles what it made, which this process
# unpickles, and the first time it writes to shared memory (even to count a reference) that
# memory is copied. Measured at 10,000 studies: about 1.1x; more for large results (see load).
HERE = 1.0
MAX_WORKERS = 8  # more copies cost more memory than they save time on lists this size


def workers() -> int:
    """How many processes to use: CRYOKB_WORKERS if set, else one per core. Only one where
    fork is missing, and by default where other threads run (`mkdocs serve`): a forked copy
    gets only this thread, and a lock another thread held would stay locked in it."""
    wanted = os.environ.get("CRYOKB_WORKERS", "")
    if not hasattr(os, "fork"):
        return 1
    if wanted.isdigit() and int(wanted) > 0:
        return min(int(wanted), MAX_WORKERS)
    return 1 if threading.active_count() > 1 else min(os.cpu_count() or 1, MAX_WORKERS)


def runs(items: Sequence[T], size: int = 0) -> list[Sequence[T]]:
    """`items` in runs of `size` (RUN): one job each, few enough to weigh, enough to share."""
    size = size or RUN
    return [items[i : i + size] for i in range(0, len(items), size)]


def map_runs(fn: Callable[[Sequence[T]], R], items: Sequence[T]) -> list[R]:
    """`fn` of each run of `items` (see runs), in order, the runs shared out by their length."""
    parts = runs(items)
    done, _ = run([partial(fn, part) for part in parts], [len(part) for part in parts])
    return done


def cuts(weights: Sequence[float], parts: int, here: float = 1.0) -> list[int]:
    """Where to split the jobs into `parts` runs: each run's first index, after the first
    run's (0). The first run carries `here` times the weight of each other run. A job goes to
    the run its middle falls in, so a run may be empty when one job outweighs a share."""
    total, so_far, out = sum(weights), 0.0, list[int]()
    ends = [total * (here + k) / (here + parts - 1) for k in range(parts - 1)]
    for i, w in enumerate(weights):
        while len(out) < parts - 1 and so_far + w / 2 > ends[len(out)]:
            out.append(i)
        so_far += w
    return out + [len(weights)] * (parts - 1 - len(out))


def run(
    jobs: Sequence[Callable[[], T]],
    weights: Sequence[float],
    state: Callable[[], Any] = lambda: None,
    here: float = HERE,
) -> tuple[list[T], list[Any]]:
    """Each job's result, in order, and `state()` from each forked process after its jobs, in
    the order of its jobs (none when every job ran here). A forked process starts from this
    one's state and its changes to anything else are lost: `state` is how to carry them back.
    This process takes `here` times the weight of each copy's share (see HERE)."""
    n = workers() if len(jobs) > 1 else 1
    bounds = [0, *cuts(weights, n, here), len(jobs)] if n > 1 else [0, len(jobs)]
    # Frozen, what this process holds is left alone by a copy's garbage collector, so the copy
    # does not copy memory it only reads; and this process's collector skips it meanwhile.
    gc.freeze()
    try:
        children = [_fork(jobs[a:b], state) for a, b in pairwise(bounds[1:]) if b > a]
        try:
            done = [job() for job in jobs[: bounds[1]]]
        finally:  # wait for every copy, even when a job here failed
            sent = [_collect(pid, read) for pid, read in children]
    finally:
        gc.unfreeze()
    states = []
    for ok, got in sent:
        if not ok:
            raise RuntimeError(f"a job failed in a forked process:\n{got}")
        done += got[0]
        states.append(got[1])
    return done, states


def _fork(jobs: Sequence[Callable[[], T]], state: Callable[[], Any]) -> tuple[int, int]:
    """Start a copy of this process that runs `jobs` and sends back what they made."""
    read, write = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write)
        return pid, read
    os.close(read)  # the copy: run the jobs, send the results, leave without cleaning up
    code = 1
    try:  # whatever happens, the copy never returns into the caller's code
        try:
            done = ([job() for job in jobs], state())
            payload, code = pickle.dumps((True, done), protocol=pickle.HIGHEST_PROTOCOL), 0
        except BaseException:
            payload = pickle.dumps((False, traceback.format_exc()))
        with os.fdopen(write, "wb") as out:
            out.write(payload)
    finally:
        os._exit(code)


def _collect(pid: int, read: int) -> tuple[bool, Any]:
    """What a forked process sent, once it has ended."""
    with os.fdopen(read, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    try:
        with memory.held():  # the results are new objects, not garbage
            return pickle.loads(data)  # type: ignore[no-any-return]
    except (EOFError, pickle.UnpicklingError):
        return False, "the forked process ended without sending its results"

"""fanout: jobs run on several processes and come back in order, the same as run here."""

from __future__ import annotations

import gc
import os
import threading
from functools import partial
from pathlib import Path

import pytest

from cryokb.render import fanout


def _square(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


def _fail(n: int) -> int:
    raise ValueError(f"job {n} failed")


def _children() -> set[str]:
    """This process's child processes, running or not yet waited for (Linux)."""
    return {
        pid
        for task in Path("/proc/self/task").iterdir()
        for pid in (task / "children").read_text().split()
    }


@pytest.mark.parametrize("n", [1, 2, 3])
def test_results_come_back_in_order_from_each_process(
    n: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CRYOKB_WORKERS", str(n))
    jobs = [partial(_square, i) for i in range(20)]
    done, states = fanout.run(jobs, [1] * 20, os.getpid)
    assert [square for square, _ in done] == [i * i for i in range(20)]
    pids = [pid for _, pid in done]
    assert len(set(pids)) == n  # each share ran in its own process
    assert pids == sorted(pids, key=pids.index)  # each process ran one unbroken run of jobs
    assert states == list(dict.fromkeys(pids))[1:]  # one state from each copy, in job order


def test_a_copy_starts_from_this_state_and_carries_back_only_its_state(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRYOKB_WORKERS", "2")
    seen: list[int] = [100]
    jobs = [partial(seen.append, i) for i in range(4)]
    monkeypatch.setattr(fanout, "HERE", 1.0)
    _, states = fanout.run(jobs, [1] * 4, lambda: list(seen))
    assert seen == [100, 0, 1]  # this process ran the first half
    assert states == [[100, 2, 3]]  # the copy began with what this one had, then ran the rest


def test_a_failing_job_in_a_copy_is_reported_with_its_traceback(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRYOKB_WORKERS", "2")
    jobs = [partial(_square, 1), partial(_fail, 2)]
    before = _children()
    with pytest.raises(RuntimeError, match="ValueError: job 2 failed"):
        fanout.run(jobs, [1, 1], lambda: None)
    assert _children() == before  # and the copy was waited for: none is left


def test_a_failing_job_here_still_waits_for_the_copies(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRYOKB_WORKERS", "2")
    before = _children()
    with pytest.raises(ValueError, match="job 0 failed"):
        fanout.run([partial(_fail, 0), partial(_square, 1)], [1, 1], lambda: None)
    assert _children() == before


def test_one_worker_when_asked_or_by_default_when_other_threads_run(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CRYOKB_WORKERS", "1")
    done, states = fanout.run([partial(_square, i) for i in range(4)], [1] * 4, os.getpid)
    assert {pid for _, pid in done} == {os.getpid()} and states == []
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        monkeypatch.delenv("CRYOKB_WORKERS")
        assert fanout.workers() == 1  # a copy of a threaded process could deadlock
        monkeypatch.setenv("CRYOKB_WORKERS", "4")
        assert fanout.workers() == 4  # unless asked for
    finally:
        stop.set()
        other.join()


@pytest.mark.parametrize(
    ("weights", "parts", "expected"),
    [
        ([1] * 10, 2, [5]),
        ([1] * 9, 3, [3, 6]),
        ([8, 1, 1], 2, [1]),  # one heavy job: it runs alone
        ([1, 1, 1, 9], 2, [3]),
        ([1], 3, [0, 1]),  # fewer jobs than processes: some runs are empty
    ],
)
def test_cuts_share_the_weight(weights: list[int], parts: int, expected: list[int]) -> None:
    assert fanout.cuts(weights, parts) == expected


def test_the_first_run_can_carry_more_than_the_others() -> None:
    assert fanout.cuts([1] * 9, 2, here=2.0) == [6]  # 6 here, 3 in the copy
    assert fanout.cuts([1] * 8, 3, here=2.0) == [4, 6]


def test_runs_cover_every_item_once() -> None:
    items = list(range(450))
    assert [len(r) for r in fanout.runs(items)] == [200, 200, 50]
    assert [i for r in fanout.runs(items, 7) for i in r] == items


def _die(n: int) -> int:
    os._exit(3)  # as if the copy were killed: it sends nothing


def test_a_copy_that_dies_without_a_word_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRYOKB_WORKERS", "2")
    with pytest.raises(RuntimeError, match="ended without sending its results"):
        fanout.run([partial(_square, 1), partial(_die, 2)], [1, 1], lambda: None)


def test_results_that_cannot_be_sent_are_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CRYOKB_WORKERS", "2")
    jobs = [partial(_square, 1), partial(_square, 2)]
    with pytest.raises(RuntimeError, match="pickle"):
        fanout.run(jobs, [1, 1], lambda: lambda: None)  # a function cannot be pickled


def test_what_a_copy_shares_is_frozen_for_its_collector_and_thawed_after(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A copy's garbage collector skips what it shares (so it does not copy it); the freeze
    ends with the run, even when a job fails, so nothing stays uncollectable."""
    monkeypatch.setenv("CRYOKB_WORKERS", "2")
    shared = [[i] for i in range(1000)]  # made before the run: shared with the copy
    frozen = partial(gc.get_freeze_count)
    done, _ = fanout.run([frozen, frozen], [1, 1], lambda: None)
    assert all(count >= len(shared) for count in done)
    assert gc.get_freeze_count() == 0
    with pytest.raises(ValueError):
        fanout.run([partial(_fail, 0), frozen], [1, 1], lambda: None)
    assert gc.get_freeze_count() == 0

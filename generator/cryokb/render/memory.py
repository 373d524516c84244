"""Objects made while the data is read and the pages rendered last the whole build. Python's
cyclic garbage collector would walk them again and again as they pile up, finding almost
nothing to free, so while they are made it runs far less often: after every GEN0 new objects
instead of 700. It still runs, so cycles are still freed (as `mkdocs serve` rebuilds)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

GEN0 = 50_000


@contextmanager
def held() -> Iterator[None]:
    """Collect garbage seldom inside; the collector is as it was afterwards."""
    was = gc.get_threshold()
    gc.set_threshold(max(GEN0, was[0]), max(20, was[1]), max(100, was[2]))
    try:
        yield
    finally:
        gc.set_threshold(*was)

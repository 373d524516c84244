"""memory: the garbage collector runs seldom while the data is read and pages rendered."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import pytest

from cryokb.read import load
from cryokb.render import memory, pages
from cryokb.render.render import render
from cryokb.rules.check import check_dir

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


def test_the_collector_runs_seldom_inside_and_as_before_after() -> None:
    before = gc.get_threshold()
    with memory.held():
        assert gc.get_threshold()[0] >= memory.GEN0 > before[0]
        assert gc.isenabled()  # it still runs, so cycles are still freed
    assert gc.get_threshold() == before
    with pytest.raises(ValueError), memory.held():
        raise ValueError("a build that fails")
    assert gc.get_threshold() == before


def test_reading_checking_and_rendering_hold_it(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[int] = []

    def spy(real: Any) -> Any:
        def call(*args: Any) -> Any:
            seen.append(gc.get_threshold()[0])
            return real(*args)

        return call

    monkeypatch.setenv("CRYOKB_WORKERS", "1")  # a copy's calls would not show here
    monkeypatch.setattr(load, "_entity", spy(load._entity))
    monkeypatch.setattr(pages, "_entity", spy(pages._entity))
    kb, _ = check_dir(MINIMAL)
    read = len(seen)
    render(kb)
    assert read > 0 and len(seen) > read
    assert min(seen) >= memory.GEN0

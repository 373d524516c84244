"""The pager under long lists: a bounded set of links that still reaches every page quickly."""

from __future__ import annotations

import re
from collections import deque

import pytest

from cryokb.render.pager import Pager, split

LINK = re.compile(r"\]\(/(?:studies/index|studies/page/(\d+))\.md\)")


def _targets(pager: Pager) -> set[int]:
    return {int(m.group(1) or 1) for m in LINK.finditer(pager.nav())}


@pytest.mark.parametrize("count", [2, 12, 333, 100_000])
def test_the_pager_does_not_grow_with_the_list(count: int) -> None:
    for number in {1, 2, count // 2, count - 1, count} - {0}:
        pager = Pager("studies/index.md", number, count)
        targets = _targets(pager)
        assert number not in targets and f"**{number}**" in pager.nav()  # here: shown, not linked
        assert len(targets) <= 12
        assert {n for n in (1, number - 1, number + 1, count) if 1 <= n <= count} - {
            number
        } <= targets


def test_every_page_is_a_few_clicks_from_the_first() -> None:
    count = 1000
    clicks = {1: 0}
    queue = deque([1])
    while queue:
        n = queue.popleft()
        for m in _targets(Pager("studies/index.md", n, count)):
            if m not in clicks:
                clicks[m] = clicks[n] + 1
                queue.append(m)
    assert len(clicks) == count
    assert max(clicks.values()) <= 12  # the jumps of 10 and 100 keep it short


def test_split_keeps_every_item_once() -> None:
    items = list(range(1001))
    parts = split("studies/index.md", items, 80)
    assert [x for _, part in parts for x in part] == items
    assert [p.number for p, _ in parts] == list(range(1, 14)) and parts[0][0].count == 13

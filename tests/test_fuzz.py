"""Never a traceback for a data problem: random bytes and random wrong values only give problems."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cryokb.read.model import walk
from cryokb.rules.check import check_dir

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
FILES = sorted(p.relative_to(MINIMAL).as_posix() for p in MINIMAL.rglob("*.yaml"))
SETTINGS = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


def _reset(data: Path) -> None:
    for rel in FILES:
        shutil.copy(MINIMAL / rel, data / rel)


@SETTINGS
@given(st.sampled_from(FILES), st.binary(max_size=400))
def test_random_bytes_never_raise(data: Path, rel: str, content: bytes) -> None:
    _reset(data)
    (data / rel).write_bytes(content)
    _, problems = check_dir(data)  # must not raise
    assert all(p.file and p.message for p in problems)


@SETTINGS
@given(st.sampled_from(FILES), st.data())
def test_any_value_anywhere_never_raises(data: Path, rel: str, draw: st.DataObject) -> None:
    _reset(data)
    doc = yaml.safe_load((MINIMAL / rel).read_text())
    paths = [p for p, _ in walk(doc) if p]
    path = draw.draw(st.sampled_from(paths))
    target: Any = doc
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = draw.draw(values)
    (data / rel).write_text(yaml.safe_dump(doc))
    _, problems = check_dir(data)  # must not raise; a valid replacement may give no problem
    assert all(p.file and p.line >= 0 and p.message for p in problems)


WRONG = [None, 7, True, "x", [1], {"k": "v"}]


@pytest.mark.parametrize("rel", FILES)
def test_every_field_with_every_wrong_type_never_raises(data: Path, rel: str) -> None:
    """Exhaustive: each value of each fixture file replaced by each wrong type in turn."""
    original = yaml.safe_load((MINIMAL / rel).read_text())
    paths = [p for p, _ in walk(original) if p]
    for path in paths:
        for wrong in WRONG:
            doc = yaml.safe_load((MINIMAL / rel).read_text())
            target: Any = doc
            for part in path[:-1]:
                target = target[part]
            target[path[-1]] = wrong
            (data / rel).write_text(yaml.safe_dump(doc))
            check_dir(data)  # must not raise
    (data / rel).write_text((MINIMAL / rel).read_text())
    assert check_dir(data)[1] == []

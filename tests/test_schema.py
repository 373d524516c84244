"""The schema's two validators agree: jsonschema-rs passes only what jsonschema passes.

The check lets jsonschema-rs pass valid data and asks jsonschema (whose errors it reports) only
about the rest, so any data one accepts and the other rejects would be a missed error.
"""

from __future__ import annotations

import copy
import random
import shutil
from pathlib import Path
from typing import Any

import pytest

from cryokb.read.load import load
from cryokb.read.model import walk
from cryokb.rules import schema
from tests.check_corpus import CASES

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"
WRONG: list[Any] = [
    "",
    "TODO",
    "2020-13-45",
    "0000-01-01",
    "20200101",
    "Not An Id",
    0,
    -1,
    2.5,
    True,
    None,
    [],
    {},
    ["x"],
]


def _verdicts(kind: str, data: Any) -> tuple[bool, bool]:
    slow = not any(True for _ in schema.validator(kind).iter_errors(data))
    return schema.fast_validator(kind).is_valid(data), slow


def _mutants(data: dict[str, Any], rng: random.Random, n: int) -> list[dict[str, Any]]:
    """`n` copies of `data`, each with one value replaced, one key removed or one key added."""
    spots = [(p, v) for p, v in walk(data) if p]
    out = []
    for _ in range(n):
        mutant = copy.deepcopy(data)
        path, _value = rng.choice(spots)
        parent = mutant
        for part in path[:-1]:
            parent = parent[part]
        how = rng.random()
        if how < 0.15 and isinstance(parent, dict):
            del parent[path[-1]]
        elif how < 0.25 and isinstance(parent, dict):
            parent["unexpected_field"] = "x"
        else:
            parent[path[-1]] = copy.deepcopy(rng.choice(WRONG))
        out.append(mutant)
    return out


@pytest.mark.parametrize("root", [ROOT / "data", MINIMAL], ids=["real", "minimal"])
def test_validators_agree_on_mutated_data(root: Path) -> None:
    kb, _ = load(root)
    rng = random.Random(20261127)
    rejected = 0
    for entity in kb.all():
        assert _verdicts(entity.kind, entity.data) == (True, True), entity.file
        for mutant in _mutants(entity.data, rng, 30):
            fast, slow = _verdicts(entity.kind, mutant)
            assert fast == slow, (entity.file, mutant)
            rejected += not slow
    assert rejected > 100  # the mutations do break the schema, so agreement means something


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_validators_agree_on_the_corpus(
    case: tuple[str, str, str, str, int, str], tmp_path: Path
) -> None:
    _id, file, old, new, _line, _message = case
    data = tmp_path / "data"
    shutil.copytree(MINIMAL, data)
    path = data / file
    if path.suffix != ".yaml":
        pytest.skip("not a YAML file")
    path.write_text(path.read_text(encoding="utf-8").replace(old, new, 1), encoding="utf-8")
    kb, _ = load(data)
    for entity in kb.all():
        if not entity.broken:
            fast, slow = _verdicts(entity.kind, entity.data)
            assert fast == slow, (entity.file, case[0])

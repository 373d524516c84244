"""The code stays small and plain: modules under about 300 lines, the MkDocs hook under 60."""

from __future__ import annotations

from pathlib import Path

GENERATOR = Path(__file__).resolve().parent.parent / "generator"


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def test_the_hook_stays_thin() -> None:
    assert _lines(GENERATOR / "mkdocs_hook.py") < 60


def test_modules_stay_under_300_lines() -> None:
    sizes = {p.name: _lines(p) for p in GENERATOR.glob("*.py")}
    assert len(sizes) > 20
    assert {name: n for name, n in sizes.items() if n > 300} == {}

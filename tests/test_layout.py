"""The code stays small and plain: the package `cryokb` by phase, modules under about 300
lines, the MkDocs hook under 60, no import cycles, and `python -m cryokb` works."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "generator" / "cryokb"
PHASES = ("read", "rules", "render", "site", "edit")


def _lines(path: Path) -> int:
    return len(path.read_text(encoding="utf-8").splitlines())


def _module(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def test_the_package_is_laid_out_by_phase() -> None:
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name in PHASES) == sorted(
        PHASES
    )
    assert not list(PACKAGE.parent.glob("*.py"))  # generator/ is only the source root


def test_the_hook_stays_thin() -> None:
    assert _lines(PACKAGE / "site" / "mkdocs_hook.py") < 60


def test_modules_stay_under_300_lines() -> None:
    sizes = {_module(p): _lines(p) for p in PACKAGE.rglob("*.py")}
    assert len(sizes) > 20
    assert {name: n for name, n in sizes.items() if n > 300} == {}


def _imports() -> dict[str, set[str]]:
    """Each module -> the package modules it imports (at module level or inside functions)."""
    modules = {_module(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        found: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.ImportFrom)
                and node.module
                and node.module.startswith("cryokb")
            ):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    found.add(full if full in modules else node.module)
            elif isinstance(node, ast.Import):
                found |= {a.name for a in node.names if a.name.startswith("cryokb")}
        graph[name] = {m for m in found if m in modules and m != name}
    return graph


def test_no_import_cycles() -> None:
    graph = _imports()
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*trail[trail.index(nxt) :], nxt] if nxt in trail else [node, nxt])
            elif nxt not in state:
                visit(nxt, [*trail, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert cycles == []


def test_rendering_imports_nothing_from_mkdocs() -> None:
    """The exit path from MkDocs: only the site phase and the command line talk to it."""
    for path in PACKAGE.rglob("*.py"):
        if path.parent.name == "site" or path.name == "cli.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else []
            )
            assert not any(n.split(".")[0] == "mkdocs" for n in names), path


def test_python_dash_m_cryokb_tells_its_version() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "cryokb", "--version"], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0 and run.stdout.startswith("cryokb "), run.stdout + run.stderr


def test_no_source_file_is_ignored_by_git() -> None:
    """A rule in .gitignore once hid `generator/cryokb/site/` (meant for the built `site/`):
    a new module there worked here and was missing from every clone."""
    files = [str(p) for p in PACKAGE.rglob("*") if p.is_file() and "__pycache__" not in p.parts]
    run = subprocess.run(
        ["git", "check-ignore", "--no-index", *files], capture_output=True, text=True, check=False
    )
    assert run.stdout.strip() == "", run.stdout

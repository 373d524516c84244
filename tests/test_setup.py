"""Set-up: hashed locks that agree with their .in files, `make serve` installing only the site's
set, the Makefile's pip fallback when uv cannot be installed, and pyproject declaring every
third-party import of the package with both bounds."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from tests.conftest import ROOT

REQ = ROOT / "requirements"
LOCKS = {"uv": "uv.in", "site": "site.in", "test": "test.in"}
PIN = re.compile(r"([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def _norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _entries(path: Path) -> list[str]:
    """The requirement lines of a requirements file: continuations joined, comments dropped."""
    text = re.sub(r"\\\n", " ", path.read_text(encoding="utf-8"))
    lines = (line.split(" #")[0].strip() for line in text.splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def _pins(path: Path) -> dict[str, str]:
    """{normalised name, with its marker if any: version} of a file's `name==version` lines,
    following `-r` includes."""
    pins: dict[str, str] = {}
    for entry in _entries(path):
        if entry.startswith("-r "):
            pins.update(_pins(path.parent / entry.split()[1]))
        elif not entry.startswith("-"):
            match = PIN.match(entry)
            assert match, f"{path.name}: not an exact pin: {entry}"
            marker = entry.split(";", 1)[1].split("--hash")[0].strip() if ";" in entry else ""
            pins[_norm(match[1]) + (f" ; {marker}" if marker else "")] = match[2]
    return pins


def _names(pins: dict[str, str]) -> set[str]:
    return {key.split(" ;")[0] for key in pins}


def test_every_lock_entry_is_an_exact_pin_with_hashes() -> None:
    for lock in LOCKS:
        entries = _entries(REQ / f"{lock}.txt")
        assert len(entries) >= 1
        for entry in entries:
            assert PIN.match(entry), f"{lock}.txt: not an exact pin: {entry}"
            assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), f"{lock}.txt: no hash: {entry}"
            assert not entry.startswith("-e"), entry
        header = (REQ / f"{lock}.txt").read_text().splitlines()[:2]
        assert header[1] == "#    make lock", f"{lock}.txt: not made by `make lock`"


def test_the_locks_agree_with_the_in_files_and_with_each_other() -> None:
    for lock, source in LOCKS.items():
        wanted, locked = _pins(REQ / source), _pins(REQ / f"{lock}.txt")
        assert wanted, source
        assert {n: v for n, v in wanted.items() if locked.get(n) != v} == {}, f"{lock}.txt"
    site, test = _pins(REQ / "site.txt"), _pins(REQ / "test.txt")
    both = {(k.split(" ;")[0], v) for k, v in test.items()}
    assert {(k.split(" ;")[0], v) for k, v in site.items()} - both == set()  # test = site + tools
    tools = _names(test) - _names(site)
    assert {"pytest", "pytest-xdist", "execnet", "playwright", "mypy", "pre-commit"} <= tools
    assert not {"pytest", "playwright", "hypothesis", "ruff", "mypy"} & _names(site)
    assert len(site) < 0.7 * len(test)


def _declared() -> dict[str, SpecifierSet]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    requirements = [Requirement(r) for r in project["dependencies"]]
    return {_norm(r.name): r.specifier for r in requirements}


# Pinned in site.in though not imported: Material's Markdown extensions, one release per Python.
INDIRECT = {"pymdown-extensions"}


def test_site_in_pins_exactly_what_pyproject_declares() -> None:
    declared, pinned = _declared(), _pins(REQ / "site.in")
    assert _names(pinned) == set(declared) | INDIRECT
    assert {n: v for n, v in pinned.items() if n in declared and v not in declared[n]} == {}


def _third_party_imports() -> dict[str, str]:
    """{top-level module: a file importing it} for the package's non-stdlib, non-cryokb imports."""
    found: dict[str, str] = {}
    for path in sorted((ROOT / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top != "cryokb":
                    found.setdefault(top, str(path.relative_to(ROOT)))
    return found


def test_pyproject_declares_every_import_with_both_bounds() -> None:
    imports = _third_party_imports()
    assert {"jinja2", "markupsafe", "referencing", "yaml", "mkdocs"} <= set(imports)
    providers = importlib.metadata.packages_distributions()
    declared = _declared()
    used = set()
    for module, where in imports.items():
        dists = {_norm(d) for d in providers.get(module, [])}
        assert dists & set(declared), f"{where} imports {module} ({dists}): not in pyproject"
        used |= dists
    for name, spec in declared.items():
        ops = {s.operator for s in spec}
        assert ops & {"==", ">=", "~="} and ops & {"==", "<", "~="}, f"{name}{spec}: add bounds"
    theme = yaml.load((ROOT / "mkdocs.yml").read_text(), Loader=yaml.BaseLoader)["theme"]["name"]
    (entry,) = importlib.metadata.entry_points(group="mkdocs.themes", name=theme)
    assert entry.dist is not None
    used.add(_norm(entry.dist.name))
    assert set(declared) - used == set()  # nothing declared that the package does not use


# --- the Makefile ------------------------------------------------------------------------------


def _make(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """make in the checkout, without the flags and variables of a `make test` around pytest."""
    outer = {"MAKEFLAGS", "MFLAGS", "MAKELEVEL", "USE_UV", "VENV", "PYTHON"}
    base = {k: v for k, v in os.environ.items() if k not in outer}
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(ROOT), *args],
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        timeout=60,
    )


def test_make_serve_installs_only_the_site_set(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    serve = _make("-n", f"VENV={venv}", "serve")
    assert serve.returncode == 0, serve.stderr
    assert "requirements/site.txt" in serve.stdout
    assert "requirements/test.txt" not in serve.stdout
    assert "mkdocs serve" in serve.stdout
    for target in ("test", "lint"):
        out = _make("-n", f"VENV={venv}", target).stdout
        assert "requirements/site.txt" in out and "requirements/test.txt" in out, target
    assert not venv.exists()


STUB_PYTHON = """#!/bin/sh
echo "python $*" >> "$STUB_LOG"
case "$*" in
  *requirements/uv.txt*)
    [ "$STUB_UV" = 1 ] || { echo "no uv here" >&2; exit 1; }
    mkdir -p "$STUB_VENV/.uv/bin"
    printf '#!/bin/sh\\necho "uv $*" >> "$STUB_LOG"\\n' > "$STUB_VENV/.uv/bin/uv"
    chmod +x "$STUB_VENV/.uv/bin/uv";;
esac
"""


def _stub_install(tmp_path: Path, stamp: str, *args: str, uv: bool) -> tuple[list[str], str]:
    """Run the Makefile's install rule for `stamp` against a stand-in Python (and uv): the
    commands it would run, in order, and its standard error."""
    venv, log = tmp_path / "venv", tmp_path / "log"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text(STUB_PYTHON)
    python.chmod(0o755)
    env = {"STUB_LOG": str(log), "STUB_VENV": str(venv), "STUB_UV": "1" if uv else "0"}
    run = _make(f"VENV={venv}", *args, str(venv / stamp), env=env)
    assert run.returncode == 0, run.stderr
    assert (venv / stamp).exists()
    return log.read_text().splitlines(), run.stderr


def test_the_site_set_is_synced_with_uv_when_uv_installs(tmp_path: Path) -> None:
    calls, _ = _stub_install(tmp_path, ".installed", uv=True)
    assert [c.split()[:4] for c in calls] == [
        ["python", "-m", "pip", "install"],  # uv itself, hash-checked, into .venv/.uv
        ["uv", "pip", "sync", "--quiet"],
        ["uv", "pip", "install", "--quiet"],
    ]
    assert "--require-hashes" in calls[0] and "requirements/uv.txt" in calls[0]
    assert "--require-hashes requirements/site.txt" in calls[1]
    assert calls[2].endswith("--no-deps -e .")


def test_the_makefile_falls_back_to_pip_when_uv_cannot_be_installed(tmp_path: Path) -> None:
    calls, stderr = _stub_install(tmp_path, ".installed", uv=False)
    assert "uv could not be installed; installing with pip" in stderr
    assert calls[1:] == [
        "python -m pip install --quiet --require-hashes -r requirements/site.txt",
        "python -m pip install --quiet --no-deps -e .",
    ]
    assert not any(c.startswith("uv ") for c in calls)


def test_use_uv_0_forces_pip_and_the_test_set_adds_to_the_site_set(tmp_path: Path) -> None:
    calls, stderr = _stub_install(tmp_path, ".installed-test", "USE_UV=0", uv=True)
    assert "uv" not in stderr
    assert [c for c in calls if "requirements/" in c] == [
        "python -m pip install --quiet --require-hashes -r requirements/site.txt",
        "python -m pip install --quiet --require-hashes -r requirements/test.txt",
    ]


# --- pre-commit --------------------------------------------------------------------------------


def test_pre_commit_hooks_are_local_run_from_the_venv_and_documented() -> None:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())
    assert [r["repo"] for r in config["repos"]] == ["local"]  # nothing fetched
    hooks = config["repos"][0]["hooks"]
    assert {"cryokb-check", "ruff", "ruff-format", "yaml-syntax", "toml-syntax"} <= {
        h["id"] for h in hooks
    }
    for hook in hooks:
        assert hook["language"] == "system", hook["id"]
        assert hook["entry"].startswith(".venv/bin/"), hook["id"]
    contributing = (ROOT / "CONTRIBUTING.md").read_text()
    assert ".venv/bin/pre-commit install" in contributing


@pytest.mark.skipif(not (ROOT / ".git").exists(), reason="pre-commit needs the git checkout")
def test_pre_commit_runs_offline(tmp_path: Path) -> None:
    pre_commit = ROOT / ".venv" / "bin" / "pre-commit"
    run = subprocess.run(
        [str(pre_commit), "run", "toml-syntax", "--files", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, "PRE_COMMIT_HOME": str(tmp_path)},
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "TOML syntax" in run.stdout and "Passed" in run.stdout

"""Builds are atomic: bad data or a build that fails halfway leaves the previous site as it was."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from tests.conftest import ROOT


def _build(site: Path, data: Path = ROOT / "data", config: Path = ROOT / "mkdocs.yml") -> int:
    return main(["build", "--config", str(config), "--site", str(site), "--data", str(data)])


def _digest(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    out = tmp_path_factory.mktemp("atomic") / "site"
    assert _build(out) == 0
    return out, _digest(out)


def _bad_data(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    path = data / "protocols" / "ice-pack-neck-back.yaml"
    path.write_text(path.read_text().replace("      max: 20\n", "      max: 45\n"))
    return data


def test_invalid_data_leaves_the_site_untouched(
    built: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, before = built
    status = _build(site, data=_bad_data(tmp_path))
    out = capsys.readouterr()
    assert status == 1
    assert "ice-pack-neck-back.yaml" in out.out and "exceeds the 20-minute maximum" in out.out
    assert "Traceback" not in out.out + out.err
    assert _digest(site) == before
    assert not list(site.parent.glob(".site-*"))


def test_a_build_that_fails_halfway_leaves_the_site_untouched(
    built: tuple[Path, dict[str, str]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    site, before = built
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "about.md").write_text("# About\n\nA [broken link](nowhere.md).\n")
    text = (ROOT / "mkdocs.yml").read_text()  # keeps its !ENV tags: MkDocs reads them
    for old, new in [
        ("docs_dir: content", f"docs_dir: {content}"),
        ("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}"),
        ("  - generator/mkdocs_hook.py", f"  - {ROOT / 'generator' / 'mkdocs_hook.py'}"),
    ]:
        assert old in text
        text = text.replace(old, new)
    shutil.copytree(ROOT / "includes", tmp_path / "includes")
    config_file = tmp_path / "mkdocs.yml"
    config_file.write_text(text)
    status = _build(site, config=config_file)
    assert status == 1
    assert "site left as it was" in capsys.readouterr().err
    assert _digest(site) == before
    assert not list(site.parent.glob(".site-*"))


def test_a_good_build_replaces_the_site(built: tuple[Path, dict[str, str]]) -> None:
    site, before = built
    (site / "stale.html").write_text("left over")
    assert _build(site) == 0
    assert _digest(site) == before  # the stale file is gone, everything else identical


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "file is empty"),
        (b"\xff\xfe\x00", "not valid UTF-8"),
        (b"a: " + b"[" * 5000 + b"]" * 5000, "nesting"),
        (b"a: " + b"x" * (2 * 1024 * 1024), "larger than the limit of"),
    ],
    ids=["empty", "not-utf8", "very-deep", "very-large"],
)
def test_cli_reports_unreadable_files_without_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, message: str
) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "conditions" / "neck-pain.yaml").write_bytes(content)
    assert main(["check", "--data", str(data)]) == 1
    out = capsys.readouterr()
    assert "neck-pain.yaml:" in out.out and message in out.out
    assert "Traceback" not in out.out + out.err

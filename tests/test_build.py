"""Builds are atomic: bad data or a build that fails halfway leaves the previous site as it was."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from cryokb.cli import build, main
from tests.conftest import ROOT, config_for, fixture_config


def _build(site: Path, data: Path = ROOT / "data", config: Path = ROOT / "mkdocs.yml") -> int:
    args = ["build", "--config", str(config), "--site", str(site), "--data", str(data)]
    return main([*args, "--quiet"])


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
    assert status == 1  # the check's problems, as MkDocs' log shows them, and nothing built
    assert "ice-pack-neck-back.yaml:" in out.err and "exceeds the 20-minute maximum" in out.err
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
    config_file = config_for(content)
    status = _build(site, config=config_file)
    assert status == 1
    err = capsys.readouterr().err  # MkDocs' own warning, not only a count of them
    assert "site left as it was" in err and "about.md" in err and "nowhere.md" in err, err
    assert "INFO" not in err  # --quiet: warnings and errors only
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


def test_check_speaks_json_for_tools(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal", data)
    bad = data / "conditions" / "sore-neck.yaml"
    bad.write_text(bad.read_text().replace("name: Sore neck", "name: 5"))
    assert main(["check", "--data", str(data), "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)
    assert found and {"file", "line", "column", "message", "severity"} <= set(found[0])
    assert found[0]["file"].endswith("sore-neck.yaml") and found[0]["line"] == 2


def test_the_command_line_tells_its_version_and_exit_codes(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from importlib import metadata

    assert main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"cryokb {metadata.version('cryokb')}"
    assert main(["build", "--help"]) == 0
    assert "exit status: 0 done, 1 data problems" in capsys.readouterr().out.replace("\n", " ")


def test_a_good_build_lists_no_generated_page_as_missing_from_the_nav(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Generated pages are declared as not in the nav: no line per page (13,000 at 10,000
    studies), only MkDocs' few lines of progress."""
    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal", data)
    assert build(fixture_config(tmp_path), data, tmp_path / "site", strict=False) == 0
    err = capsys.readouterr().err
    assert "not included in the" not in err and "Documentation built in" in err, err
    lines = [line for line in err.splitlines() if "cryokb " in line]  # a line per phase, in order
    assert [line.split()[3] for line in lines] == ["check", "render", "pages", "search"], lines
    assert re.search(r"render +\d+ file\(s\) from the data in \d+\.\d\d s", lines[1]), lines
    assert re.search(r"search +\d+ page\(s\) indexed", lines[3]), lines


def test_a_dirty_rebuild_writes_whole_pages(tmp_path: Path) -> None:
    """`mkdocs build --dirty` rebuilds only the pages whose source changed; each must still be a
    whole document, theme and all (a page's HTML once waited on disk as a bare fragment)."""
    import os
    import subprocess
    import sys

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parent / "fixtures" / "minimal", data)
    config, site = fixture_config(tmp_path), tmp_path / "site"
    env = {**os.environ, "CRYOKB_DATA": str(data)}
    mkdocs = [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config), "-d", str(site)]
    subprocess.run(mkdocs, check=True, env=env, timeout=300)
    about = tmp_path / "content" / "about.md"
    about.write_text(about.read_text() + "\n\nA sentence added for the dirty rebuild.\n")
    subprocess.run([*mkdocs, "--dirty"], check=True, env=env, timeout=300)
    page = (site / "about" / "index.html").read_text("utf-8")
    assert page.lstrip().lower().startswith("<!doctype html>")
    assert "A sentence added for the dirty rebuild." in page and "</html>" in page

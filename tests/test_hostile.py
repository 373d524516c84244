"""Hostile input and dangerous commands (issue #19): nothing lost, nothing hung, no traceback.

Filesystem faults in the data folder are one `file:line` error each; a build never replaces the
project, its data or its content; what is published loads as plain data.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from cryokb.cli import build, main
from cryokb.rules.check import check_dir
from tests.conftest import ROOT, fixture_config

MINIMAL = Path(__file__).parent / "fixtures" / "minimal"


@pytest.fixture
def data(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


def _errors(data: Path) -> list[str]:
    _, problems = check_dir(data)
    return [f"{Path(p.file).name}:{p.line}: {p.message}" for p in problems if p.is_error]


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _device(path: Path) -> None:
    """A copy of /dev/zero inside the data folder (as root), else a link to it."""
    try:
        os.mknod(path, stat.S_IFCHR | 0o644, os.makedev(1, 5))
    except PermissionError:
        pytest.skip("making a device needs root")


FAULTS = [
    ("link-to-dev-zero", lambda p: p.symlink_to("/dev/zero"), "link to outside the data folder"),
    ("device", _device, "file is a device, not a data file"),
    ("named-pipe", _fifo, "file is a named pipe, not a data file"),
    ("folder", lambda p: p.mkdir(), "file is a folder, not a data file"),
    ("dangling-link", lambda p: p.symlink_to(p.parent / "gone.yaml"), "is a link to nothing"),
    ("link-loop", lambda p: p.symlink_to(p), "is a link that loops"),
    ("link-outside", lambda p: p.symlink_to("/etc/hostname"), "link to outside the data"),
]


@pytest.mark.parametrize(("make", "message"), [f[1:] for f in FAULTS], ids=[f[0] for f in FAULTS])
def test_a_filesystem_fault_is_one_error_at_the_file(
    data: Path, make: object, message: str
) -> None:
    path = data / "conditions" / "stiff-neck.yaml"
    make(path)  # type: ignore[operator]
    errors = _errors(data)
    assert len(errors) == 1 and errors[0].startswith("stiff-neck.yaml:1: file "), errors
    assert message in errors[0]


def test_a_link_to_a_regular_file_inside_the_data_folder_is_read(data: Path) -> None:
    real = data / "conditions" / "sore-neck.yaml"
    moved = data / "sore-neck.real"
    real.rename(moved)
    real.symlink_to(moved)
    assert _errors(data) == []


def test_a_questionnaire_or_bibliography_that_is_a_device_is_refused(data: Path) -> None:
    (data / "references.bib").unlink()
    (data / "references.bib").symlink_to("/dev/zero")
    errors = _errors(data)
    assert "references.bib:1: file is a link to outside the data folder" in errors, errors


def test_the_bibliography_has_a_size_limit(data: Path) -> None:
    bib = data / "references.bib"
    with bib.open("a", encoding="utf-8") as out:
        out.write("% padding\n" * (2 * 1024 * 1024))  # 20 MB of comment lines
    errors = _errors(data)
    assert any(e.startswith("references.bib:1: file is larger than the limit") for e in errors)


def test_an_unreadable_file_is_one_error(data: Path) -> None:
    """Checked by an unprivileged copy of this process (root reads anything)."""
    (data / "conditions" / "sore-neck.yaml").chmod(0)
    for folder in [data, *data.parents]:
        if folder == Path("/tmp"):
            break
        folder.chmod(folder.stat().st_mode | 0o005)  # pytest's folders are private to root
    read, write = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover (the copy)
        try:
            if os.getuid() == 0:
                os.setgid(65534)
                os.setuid(65534)
            os.write(write, json.dumps(_errors(data)).encode())
        finally:
            os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        errors = json.loads(pipe.read() or "null")
    os.waitpid(child, 0)
    assert errors == ["sore-neck.yaml:1: file cannot be read (permission denied)"], errors


def test_a_broken_file_is_one_error_even_when_it_alone_cites_a_reference(data: Path) -> None:
    """Its references are not also reported as uncited: one mistake, one error."""
    bib = data / "references.bib"
    bib.write_text(bib.read_text() + "\n@misc{only2020,\n  title = {Only here}\n}\n")
    cond = data / "conditions" / "sore-neck.yaml"
    cond.write_text(cond.read_text().replace("Trials are small.", "Trials are small [@only2020]."))
    assert _errors(data) == []
    cond.write_text(cond.read_text().replace("name: Sore neck", "name: [Sore neck"))
    errors = _errors(data)
    assert len(errors) == 1 and "YAML syntax error" in errors[0], errors


# --- the build never replaces the project -------------------------------------------------


def _digest(folder: Path) -> str:
    h = hashlib.sha256()
    for p in sorted(folder.rglob("*")):
        if p.is_file() and "__pycache__" not in p.parts:
            h.update(p.relative_to(folder).as_posix().encode() + p.read_bytes())
    return h.hexdigest()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project (what a build reads), to point dangerous targets at."""
    root = tmp_path / "project"
    root.mkdir()
    for name in ("mkdocs.yml",):
        shutil.copy(ROOT / name, root / name)
    for name in ("generator", "content", "overrides", "includes", "data"):
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    return root


@pytest.mark.parametrize(
    ("target", "message"),
    [
        (".", "is or contains"),
        ("..", "is or contains"),
        ("data", "is or contains"),
        ("content", "is or contains"),
        ("data/conditions", "lies inside"),
        ("content/site", "lies inside"),
        ("generator", "was not written by `cryokb build`"),
        ("mkdocs.yml", "exists and is not a folder"),
    ],
)
def test_build_refuses_a_target_that_would_replace_the_project(
    project: Path, target: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _digest(project)
    args = ["build", "--config", str(project / "mkdocs.yml"), "--data", str(project / "data")]
    status = main([*args, "--site", str(project / target)])
    err = capsys.readouterr().err
    assert status != 0 and message in err, err
    assert (project / "mkdocs.yml").is_file() and _digest(project) == before
    assert not list(project.glob(".site-*")) and not list(project.parent.glob(".site-*"))


def test_build_replaces_only_a_site_it_wrote(project: Path) -> None:
    args = ["build", "--config", str(project / "mkdocs.yml"), "--data", str(project / "data")]
    site = project / "site"
    assert main([*args, "--site", str(site)]) == 0
    assert (site / ".cryokb-site").is_file() and (site / "index.html").is_file()
    (site / "stale.txt").write_text("from the last build")
    assert main([*args, "--site", str(site)]) == 0  # a site it wrote: replaced whole
    assert not (site / "stale.txt").exists()
    (site / ".cryokb-site").unlink()
    assert main([*args, "--site", str(site)]) == 2  # no longer looks like one: left alone
    assert (site / "index.html").is_file()


def test_staging_folders_are_ignored_by_git() -> None:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "check-ignore", ".site-abc123/", "site.old/"],
        capture_output=True,
        text=True,
    )
    assert out.stdout.split() == [".site-abc123/", "site.old/"]


# --- what is published loads as plain data ---------------------------------------------------


def test_published_yaml_and_json_load_as_plain_data(site: Path) -> None:
    files = sorted((site / "data").rglob("*.yaml"))
    assert len(files) > 40
    for path in files:
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict), path

    def refuse(value: str) -> None:
        raise ValueError(f"{value} is not JSON")

    for path in (site / "data").rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def test_a_commit_subject_is_shown_as_written(tmp_path: Path) -> None:
    """History text comes from git, not from checked data: it is escaped, never Markdown."""
    data = tmp_path / "repo" / "data"
    shutil.copytree(MINIMAL, data)
    subject = "Fix [the link](https://evil.example/) *now* {: #session-length }"
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org"}
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", subject]):
        subprocess.run(["git", "-C", str(data.parent), *args], check=True, env=env)
    out = tmp_path / "site"
    # not strict: the hand-written pages link to real entities the fixture lacks
    assert build(fixture_config(tmp_path), data, out, strict=False) == 0
    page = (out / "protocols" / "chamber-neck" / "index.html").read_text(encoding="utf-8")
    assert "Fix [the link](https://evil.example/) *now* {: #session-length }" in page
    assert 'href="https://evil.example/' not in page and page.count('id="session-length"') == 1

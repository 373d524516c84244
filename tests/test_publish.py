"""Publishing: the site's address from the environment, release builds, sub-paths, redirects that
keep the #anchor, the URL manifest, the content diff, history, open data and the workflows."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from cryokb.cli import main
from cryokb.read.model import KINDS
from cryokb.rules.check import check_dir
from tests.conftest import ROOT, _Quiet, free_port, serve
from tests.test_check import MINIMAL, _edit

URL = "https://example.org/cryokb/"
REPO = "https://github.com/example/cryokb"


def _build(out: Path, data: Path = ROOT / "data", release: bool = False) -> int:
    args = ["build", "--config", str(ROOT / "mkdocs.yml"), "--site", str(out), "--data", str(data)]
    return main(args + (["--release"] if release else []))


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The real site, built as the deploy job builds it."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CRYOKB_SITE_URL", URL)
    mp.setenv("CRYOKB_REPO_URL", REPO)
    out = tmp_path_factory.mktemp("published") / "site"
    status = _build(out, release=True)
    mp.undo()  # only this build sees the settings; the shared `site` fixture must not
    assert status == 0
    yield out


def test_every_canonical_link_sitemap_entry_and_jsonld_url_uses_the_site_url(
    published: Path,
) -> None:
    pages = [p for p in published.rglob("index.html") if "/data/" not in str(p)]
    assert len(pages) > 60
    for html in pages:
        text = html.read_text()
        canonical = re.findall(r'<link rel="canonical" href="([^"]+)"', text)
        assert canonical and all(c.startswith(URL) for c in canonical), html
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', text):
            data = json.loads(block)
            if "url" in data:
                assert data["url"].startswith(URL)
    sitemap = (published / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert len(locs) > 60 and all(loc.startswith(URL) for loc in locs)
    assert f"Sitemap: {URL}sitemap.xml" in (published / "robots.txt").read_text()
    fhir = json.loads((published / "questionnaire" / "questionnaire.fhir.json").read_text())
    assert fhir["url"] == URL + "questionnaire/questionnaire.fhir.json"


def test_sitemap_lastmod_is_each_pages_review_date(published: Path) -> None:
    kb, _ = check_dir(ROOT / "data")
    sitemap = (published / "sitemap.xml").read_text()
    entries = dict(re.findall(r"<loc>([^<]+)</loc>\s*<lastmod>([^<]+)</lastmod>", sitemap))
    for e in kb.pages():
        folder = KINDS[e.kind]
        assert entries[f"{URL}{folder}/{e.id}/"] == e["reviewed"]["date"]


def test_edit_links_open_github_editor_when_a_repository_is_set(published: Path) -> None:
    html = (published / "conditions" / "back-pain" / "index.html").read_text()
    assert f'href="{REPO}/edit/main/data/conditions/back-pain.yaml"' in html
    assert "Edit on GitHub" in html and "View the data behind this page" in html


def test_without_a_repository_edit_links_go_to_the_published_yaml(site: Path) -> None:
    html = (site / "conditions" / "back-pain" / "index.html").read_text()
    assert "github.com" not in html and "Edit on GitHub" not in html
    assert re.search(r'href="(\.\./)+data/conditions/back-pain\.yaml"', html)


@pytest.mark.parametrize("url", ["", "http://127.0.0.1:8000/", "http://localhost/", "ftp://x/"])
def test_a_release_build_refuses_an_unpublishable_site_url(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CRYOKB_SITE_URL", url)
    out = tmp_path / "site"
    assert _build(out, release=True) == 1
    assert "release build refused" in capsys.readouterr().err
    assert not out.exists()


def test_open_graph_tags_and_a_useful_404(published: Path) -> None:
    html = (published / "protocols" / "ice-pack-neck-back" / "index.html").read_text()
    assert '<meta property="og:title" content="Ice pack for neck and back pain">' in html
    assert f'<meta property="og:url" content="{URL}protocols/ice-pack-neck-back/">' in html
    page = (published / "404.html").read_text()
    assert "Page not found" in page and 'action="/cryokb/search/"' in page and 'name="q"' in page
    for section in ("conditions", "modalities", "protocols", "studies", "questionnaire"):
        assert f'href="/cryokb/{section}/"' in page


# --- served under a project path, as GitHub Pages serves a project site ------------------------


class _GitHubPages(_Quiet):
    """Serves the site under /cryokb/ and answers unknown paths with 404.html, as Pages does."""

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        if code != 404:
            super().send_error(code, message, explain)
            return
        body = (Path(self.directory) / "cryokb" / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def subpath(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    port = free_port()
    mp = pytest.MonkeyPatch()
    mp.setenv("CRYOKB_SITE_URL", f"http://127.0.0.1:{port}/cryokb/")
    root = tmp_path_factory.mktemp("pages")
    assert _build(root / "cryokb") == 0
    mp.undo()
    with serve(root, port, _GitHubPages) as url:
        yield url + "cryokb/"


@pytest.mark.browser
@pytest.mark.parametrize("path", ["", "conditions/back-pain/", "no/such/page/"])
def test_the_site_works_under_a_project_path(browser: Any, subpath: str, path: str) -> None:
    context = browser.new_context()
    page = context.new_page()
    failed: list[str] = []
    page.on("response", lambda r: failed.append(r.url) if r.status >= 400 else None)
    page.goto(subpath + path)
    page.wait_for_load_state("networkidle")
    if path.startswith("no/"):
        assert failed == [subpath + path]  # the document itself, and nothing it loads
        assert page.locator("h1").inner_text() == "Page not found"
        page.get_by_role("link", name="Conditions").first.click()
        page.wait_for_url(subpath + "conditions/")
    else:
        assert failed == []
    styles = page.evaluate("[...document.styleSheets].filter(s => s.href).length")
    assert styles >= 1
    context.close()


# --- links never break -------------------------------------------------------------------------


@pytest.fixture
def repo_copy(tmp_path: Path) -> Path:
    """The real data and URL manifest, copied: the manifest sits beside the data folder."""
    shutil.copytree(ROOT / "data", tmp_path / "data")
    shutil.copy(ROOT / "urls.json", tmp_path / "urls.json")
    return tmp_path / "data"


def test_the_committed_manifest_lists_every_published_url() -> None:
    from cryokb.rules.urls import published

    kb, _ = check_dir(ROOT / "data")
    manifest = json.loads((ROOT / "urls.json").read_text())
    assert set(published(kb)) <= set(manifest), "run `cryokb urls --update`"


def test_a_url_that_disappears_fails_the_check_until_it_redirects(repo_copy: Path) -> None:
    (repo_copy / "studies" / "garra2010heatcold.yaml").unlink()
    for f in (repo_copy / "references.bib",):
        f.write_text(f.read_text())
    _, found = check_dir(repo_copy)
    gone = [str(p) for p in found if "would disappear" in p.message]
    assert any("/studies/garra2010heatcold/ was published" in g for g in gone), gone


def test_a_removed_anchor_fails_the_check(repo_copy: Path) -> None:
    _edit(repo_copy / "protocols" / "ice-pack-neck-back.yaml", "id: maximum-time", "id: max-time")
    _, found = check_dir(repo_copy)
    assert any(
        "/protocols/ice-pack-neck-back/#maximum-time: this anchor would disappear" in p.message
        for p in found
    )


def test_a_rename_keeps_the_url_and_update_adds_the_new_one(repo_copy: Path) -> None:
    assert (
        main(["rename", "condition", "back-pain", "low-back-pain", "--data", str(repo_copy)]) == 0
    )
    _, found = check_dir(repo_copy)
    assert [str(p) for p in found if p.is_error] == []  # the alias covers the old URL
    assert main(["urls", "--update", "--data", str(repo_copy)]) == 0
    manifest = json.loads((repo_copy.parent / "urls.json").read_text())
    assert "/conditions/low-back-pain/" in manifest and "/conditions/back-pain/" in manifest


@pytest.mark.browser
def test_an_old_url_and_its_anchor_redirect_after_a_rename(
    browser: Any, repo_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    rename = ["rename", "protocol", "ice-pack-neck-back", "ice-pack-for-back"]
    assert main([*rename, "--data", str(repo_copy)]) == 0
    port = free_port()
    monkeypatch.setenv("CRYOKB_SITE_URL", f"http://127.0.0.1:{port}/")
    out = tmp_path / "site"
    assert _build(out, data=repo_copy) == 0
    with serve(out, port) as url:
        page = browser.new_page()
        page.goto(f"{url}protocols/ice-pack-neck-back/#maximum-time")
        page.wait_for_url(f"{url}protocols/ice-pack-for-back/#maximum-time")
        assert page.locator("h1").inner_text().startswith("Ice pack for neck and back pain")
        assert page.locator("[id='maximum-time']").count() == 1
        page.close()


# --- the content diff for reviewers ------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    env = {
        "GIT_AUTHOR_NAME": "t",
        "GIT_AUTHOR_EMAIL": "t@t",
        "GIT_COMMITTER_NAME": "t",
        "GIT_COMMITTER_EMAIL": "t@t",
        "PATH": "/usr/bin:/bin",
    }
    done = subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True, env=env
    )
    return done.stdout


@pytest.fixture
def git_repo(tmp_path: Path) -> Path:
    repo = tmp_path / "repo"
    shutil.copytree(MINIMAL, repo / "data")
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", ".")
    _git(repo, "commit", "-q", "-m", "First data")
    return repo


def _diff(git_repo: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """What `cryokb diff main` prints for the edited data; it must succeed."""
    assert main(["diff", "main", "--data", str(git_repo / "data")]) == 0
    return capsys.readouterr().out


def test_diff_shows_a_changed_finding_old_beside_new(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    study = git_repo / "data" / "studies" / "trial2020.yaml"
    _edit(study, "certainty: low", "certainty: very-low")
    _edit(
        study,
        "plain: The chamber may reduce soreness.",
        "plain: We are uncertain whether the chamber reduces soreness.",
    )
    (git_repo / "data" / "guidelines" / "guide2021.yaml").unlink()
    out = _diff(git_repo, capsys)
    assert "| trial2020 | Soreness | certainty | low | very-low |" in out
    assert (
        "| trial2020 | Soreness | plain | The chamber may reduce soreness. | "
        "We are uncertain whether the chamber reduces soreness. |"
    ) in out
    assert "`studies/trial2020.md`" in out
    assert "**Pages removed:** `guidelines/guide2021.md`" in out
    assert "**URLs that disappear:** `/guidelines/guide2021/`" in out


def test_diff_shows_a_changed_grade_part_by_part(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A new start, a changed domain and a reason to rate up each get a row, even when the
    certainty they sum to stays the same (low: start low, imprecision -1, large effect +1)."""
    study = git_repo / "data" / "studies" / "trial2020.yaml"
    _edit(study, "    grade:\n", "    grade:\n      start: low\n")
    _edit(study, "rating: very-serious", "rating: serious")
    _edit(
        study,
        "      publication_bias: no-concern\n",
        "      publication_bias: no-concern\n"
        "      rate_up: [{factor: large-effect, reason: A big drop.}]\n",
    )
    assert check_dir(git_repo / "data")[1] == []  # the edit is valid data
    out = _diff(git_repo, capsys)
    assert "| trial2020 | Soreness | grade.start | high | low |" in out
    assert (
        "| trial2020 | Soreness | grade.imprecision | very-serious: Ten people. "
        "| serious: Ten people. |"
    ) in out
    assert "| trial2020 | Soreness | grade.rate_up | (none) | large effect +1: A big drop. |" in out
    assert "| certainty |" not in out  # still low
    assert "grade.risk_of_bias" not in out  # unchanged domains get no row


def test_diff_says_when_no_finding_or_grade_changes(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _diff(git_repo, capsys)
    assert "No finding changes its certainty, direction, wording or grade." in out


def test_diff_without_the_ref_is_a_clear_error(
    git_repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["diff", "no-such-ref", "--data", str(git_repo / "data")]) == 2
    assert "cannot read 'no-such-ref' from git" in capsys.readouterr().err


# --- history and open data ---------------------------------------------------------------------


def test_history_comes_from_git_and_a_copy_without_git_still_builds(
    git_repo: Path, tmp_path: Path
) -> None:
    from cryokb.read import history

    study = git_repo / "data" / "studies" / "trial2020.yaml"
    _edit(study, "population: Ten adults.", "population: Ten adults with sore necks.")
    _git(git_repo, "commit", "-q", "-am", "Say who took part")
    changes = history.of(git_repo / "data")
    subjects = [c.subject for c in changes[str(study.resolve())]]
    assert subjects == ["Say who took part", "First data"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[0-9a-f]{7,}", history.version(git_repo / "data"))
    plain = tmp_path / "tarball"  # the real data, outside any git repository
    shutil.copytree(ROOT / "data", plain / "data")
    assert history.of(plain / "data") == {}
    assert _build(tmp_path / "site", data=plain / "data") == 0
    assert (
        "Change history"
        not in (tmp_path / "site" / "conditions" / "neck-pain" / "index.html").read_text()
    )


def test_open_data_validates_against_its_schema(published: Path) -> None:
    import jsonschema
    from referencing import Registry, Resource

    folder = published / "data"
    kb = json.loads((folder / "cryokb.json").read_text())
    schema = json.loads((folder / "cryokb.schema.json").read_text())
    resources = [
        (f"schemas/{p.name}", Resource.from_contents(json.loads(p.read_text())))
        for p in (folder / "schemas").glob("*.json")
    ]
    registry: Registry[Any] = Registry().with_resources(resources)
    registry = registry.with_resources(
        (f"schemas/schemas/{p.name}", Resource.from_contents(json.loads(p.read_text())))
        for p in (folder / "schemas").glob("*.json")
    )
    validator = jsonschema.Draft202012Validator(schema, registry=registry)
    assert list(validator.iter_errors(kb)) == []
    assert set(kb["studies"]) == {p.stem for p in (ROOT / "data" / "studies").glob("*.yaml")}
    page = (published / "open-data" / "index.html").read_text()
    for target in (
        "data/cryokb.json",
        "data/cryokb.schema.json",
        "questionnaire.fhir.json",
        "data/cryokb-evidence.fhir.json",
        "CC BY",
    ):
        assert target in page


def test_the_evidence_bundle_is_published_with_the_site_url_and_validates(
    published: Path,
) -> None:
    from fhir.resources.bundle import Bundle

    bundle = json.loads((published / "data" / "cryokb-evidence.fhir.json").read_text())
    Bundle.model_validate(bundle)
    version = json.loads((published / "data" / "cryokb.json").read_text())["version"]
    resources = [e["resource"] for e in bundle["entry"]]
    assert {r["resourceType"] for r in resources} == {"Evidence", "Citation"}
    assert all(r["url"].startswith(URL + "fhir/") for r in resources)
    assert {r["version"] for r in resources} == {version}  # the data version, as cryokb.json


# --- workflows, the pull request template ------------------------------------------------------


def test_workflows_pass_actionlint_and_a_broken_one_fails(tmp_path: Path) -> None:
    actionlint = ROOT / ".venv" / "bin" / "actionlint"
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
    assert len(workflows) == 2
    ok = subprocess.run([str(actionlint), *map(str, workflows)], capture_output=True, text=True)
    assert ok.returncode == 0, ok.stdout
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        "      - uses: actions/checkout@v4\n        with: {fetch-depth: ${{ nope }}}\n"
    )
    assert subprocess.run([str(actionlint), str(bad)], capture_output=True).returncode != 0


def test_deploy_uses_the_official_pages_actions_pinned_with_least_privilege() -> None:
    deploy = yaml.safe_load((ROOT / ".github" / "workflows" / "deploy.yml").read_text())
    assert deploy["permissions"] == {"contents": "read"}
    assert deploy["jobs"]["deploy"]["permissions"] == {"pages": "write", "id-token": "write"}
    text = (ROOT / ".github" / "workflows" / "deploy.yml").read_text()
    for action in ("configure-pages", "upload-pages-artifact", "deploy-pages"):
        assert re.search(rf"uses: actions/{action}@[0-9a-f]{{40}} ", text), action
    for workflow in (ROOT / ".github" / "workflows").glob("*.yml"):
        for ref in re.findall(r"uses: ([^\s]+)", workflow.read_text()):
            assert re.fullmatch(r"[\w./-]+@[0-9a-f]{40}", ref), ref
    assert "cryokb build --release" in (ROOT / "Makefile").read_text()
    ci = (ROOT / ".github" / "workflows" / "ci.yml").read_text()
    for step in ("make lint", "cryokb check", "cryokb build", "cryokb diff", "make test"):
        assert step in ci, step


def test_the_pr_template_has_the_checklist() -> None:
    # pre-commit's hooks: tests/test_setup.py
    template = (ROOT / ".github" / "pull_request_template.md").read_text()
    for item in ("source", "GRADE", "next_review", "aloud"):
        assert item in template

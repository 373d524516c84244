"""Who stands behind the site, on every page (issue #24): "Report a problem with this page" (a
plain link to a GitHub issue form, with the page's address and title), the issue forms it opens,
the editorial policy in every footer, the header's search form and the link-preview tags.

The fixture data is built twice: published under a project path with a repository, and with no
repository (the shared real build has none either)."""

from __future__ import annotations

import re
import shutil
import struct
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import yaml

from cryokb.cli import build
from tests.conftest import MINIMAL, ROOT, fixture_config
from tests.htmlscan import page_url

URL = "https://example.org/cryokb/"
REPO = "https://github.com/example/cryokb"
FORMS = ROOT / ".github" / "ISSUE_TEMPLATE"
FIELD_TYPES = {"markdown", "input", "textarea", "dropdown", "checkboxes"}


def build_fixture(folder: Path, site_url: str, repo: str) -> Path:
    """The minimal fixture data built into `folder`/site for `site_url`, with `repo` or none."""
    mp = pytest.MonkeyPatch()
    mp.setenv("CRYOKB_REPO_URL", repo)
    mp.setenv("NO_MKDOCS_2_WARNING", "1")
    shutil.copytree(MINIMAL, folder / "data")
    config, out = fixture_config(folder), folder / "site"
    status = build(config, folder / "data", out, strict=False, quiet=True, site_url=site_url)
    mp.undo()
    assert status == 0
    return out


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("trust-published"), URL, REPO)


@pytest.fixture(scope="module")
def no_repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_fixture(tmp_path_factory.mktemp("trust-norepo"), URL, "")


class _Tags(HTMLParser):
    """Each start tag's attributes, and the text of the first <a> with a given class."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))


def tags(html: Path) -> list[tuple[str, dict[str, str]]]:
    parser = _Tags()
    parser.feed(html.read_text(encoding="utf-8"))
    return parser.tags


def meta(found: list[tuple[str, dict[str, str]]], key: str) -> str | None:
    for tag, a in found:
        if tag == "meta" and key in (a.get("property"), a.get("name")):
            return a.get("content")
    return None


def pages(site: Path) -> list[Path]:
    """Every page a reader lands on: not the data files, not the redirects of renamed pages."""
    out = [
        p
        for p in sorted(site.rglob("index.html"))
        if "/data/" not in str(p) and 'http-equiv="refresh"' not in p.read_text(encoding="utf-8")
    ]
    assert len(out) > 20
    return [*out, site / "404.html"]


def report_link(found: list[tuple[str, dict[str, str]]]) -> str | None:
    links = [a["href"] for tag, a in found if tag == "a" and "cryokb-report" in a.get("class", "")]
    assert len(links) <= 1
    return links[0] if links else None


# --- report a problem --------------------------------------------------------------------------


def test_every_page_links_to_the_issue_form_with_its_address_and_title(published: Path) -> None:
    for html in pages(published):
        found = tags(html)
        href = report_link(found)
        assert href, html
        parts = urlsplit(href)
        assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{REPO}/issues/new"
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        assert query["template"] == "page-error.yml"
        assert query["title"] == f"Error on page: {meta(found, 'og:title')}", html
        canonical = [a["href"] for t, a in found if t == "link" and a.get("rel") == "canonical"]
        if html.name == "404.html":  # no address to give: the reader's browser knows it
            assert "page-url" not in query
            continue
        assert query["page-url"] == canonical[0], html
        assert query["page-url"] == URL + page_url(published, html).lstrip("/")  # the sub-path


def test_the_title_in_the_report_link_is_the_pages_own(published: Path) -> None:
    found = tags(published / "conditions" / "sore-neck" / "index.html")
    query = parse_qs(urlsplit(report_link(found) or "").query)
    assert query["title"] == ["Error on page: Sore neck"]
    assert query["page-url"] == [f"{URL}conditions/sore-neck/"]


def test_without_a_repository_no_page_links_to_an_issue_form(no_repo: Path) -> None:
    for html in pages(no_repo):
        text = html.read_text(encoding="utf-8")
        assert "issues/new" not in text and "Report a problem with this page</a>" not in text
        assert report_link(tags(html)) is None


def _form(name: str) -> dict[str, object]:
    form = yaml.safe_load((FORMS / name).read_text(encoding="utf-8"))
    assert isinstance(form, dict)
    return form


@pytest.mark.parametrize("name", ["page-error.yml", "study-to-add.yml"])
def test_each_issue_form_is_a_valid_github_form(name: str) -> None:
    """GitHub's issue-form syntax: name, description and body; each field a known type with a
    label, ids unique and made of letters, digits, - and _; dropdowns with options."""
    form = _form(name)
    assert isinstance(form["name"], str) and isinstance(form["description"], str)
    body = form["body"]
    assert isinstance(body, list) and body
    ids = [item["id"] for item in body if "id" in item]
    assert len(ids) == len(set(ids))
    for item in body:
        assert item["type"] in FIELD_TYPES
        if item["type"] == "markdown":
            assert item["attributes"]["value"].strip()
            continue
        assert re.fullmatch(r"[A-Za-z0-9_-]+", item["id"])
        assert item["attributes"]["label"].strip()
        if item["type"] in ("dropdown", "checkboxes"):
            assert item["attributes"]["options"]
    privacy = [i for i in body if i["type"] == "checkboxes"]
    assert privacy and "health" in privacy[0]["attributes"]["options"][0]["label"]


def test_the_link_fills_only_fields_the_form_has(published: Path) -> None:
    query = parse_qs(urlsplit(report_link(tags(published / "index.html")) or "").query)
    form = _form(query.pop("template")[0])
    query.pop("title")
    ids = {item["id"]: item["type"] for item in form["body"] if "id" in item}  # type: ignore[attr-defined]
    assert query and all(ids.get(key) == "input" for key in query)  # page-url, a text field
    config = yaml.safe_load((FORMS / "config.yml").read_text(encoding="utf-8"))
    assert isinstance(config["blank_issues_enabled"], bool)
    footer = (ROOT / "overrides" / "partials" / "copyright.html").read_text(encoding="utf-8")
    for template in re.findall(r"[\w-]+\.yml", footer):
        assert (FORMS / template).is_file(), template


# --- the editorial policy ----------------------------------------------------------------------


def test_every_footer_links_the_editorial_policy(published: Path, no_repo: Path) -> None:
    for site in (published, no_repo):
        for html in pages(site):
            links = re.findall(r'<a href="([^"]*)">Editorial policy</a>', html.read_text())
            assert len(links) == 1, html
            base = urlsplit(URL).path + page_url(site, html).lstrip("/")
            assert urljoin(base, links[-1]) == "/cryokb/editorial-policy/", html
    assert (published / "editorial-policy" / "index.html").is_file()


def test_the_editorial_policy_says_who_funds_and_reviews_and_how_to_correct() -> None:
    text = " ".join((ROOT / "content" / "editorial-policy.md").read_text(encoding="utf-8").split())
    for heading in ("Who writes and reviews", "How sources are chosen and graded",
                    "How often pages are reviewed", "Funding", "Conflicts of interest",
                    "How mistakes are corrected"):  # fmt: skip
        assert f"## {heading}" in text
    assert "No clinician has reviewed any page yet." in text
    assert "no funding recorded" in text and "no editor has declared a conflict" in text
    assert "(methodology.md)" in text and "Report a problem with this page" in text
    assert "Makers' instructions are written by the makers" in text


def test_the_policy_quotes_the_safety_tables_words_for_a_makers_source() -> None:
    """The policy quotes what a safety table says when only a maker's list supports a level:
    the two must not drift apart."""
    policy = " ".join((ROOT / "content" / "editorial-policy.md").read_text().split())
    macros = (ROOT / "generator/cryokb/render/templates/_macros.md.j2").read_text()
    said = re.search(r"\*\*(Only a maker's published list gives this;[^*]+)\*\*", macros)
    assert said and f'"{said.group(1).strip()}"' in policy


# --- the header's search form, and the link preview ---------------------------------------------


def test_every_page_has_a_search_form_to_the_search_page(published: Path) -> None:
    script = (ROOT / "overrides" / "assets" / "cryokb" / "search.js").read_text()
    name = re.search(r"URLSearchParams\(window\.location\.search\)\.get\(\"(\w+)\"\)", script)
    assert name  # the name the search page reads from its address
    for html in pages(published):
        found = tags(html)
        forms = [
            a for t, a in found if t == "form" and "cryokb-header-search" in a.get("class", "")
        ]
        assert len(forms) == 1, html
        assert forms[0]["action"] == "/cryokb/search/" and forms[0]["method"] == "get"
        field = [a for t, a in found if t == "input" and a.get("id") == "cryokb-header-q"]
        assert field and field[0]["name"] == name.group(1) and field[0]["type"] == "search"


def test_every_page_has_a_link_preview_with_one_static_image(published: Path) -> None:
    image = published / "assets" / "cryokb" / "og-image.png"
    data = image.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", data[16:24]) == (1200, 630)  # the IHDR chunk
    for html in pages(published):
        found = tags(html)
        assert meta(found, "og:image") == f"{URL}assets/cryokb/og-image.png", html
        assert (meta(found, "og:image:alt") or "").strip()
        assert (meta(found, "og:description") or "").strip()
        assert meta(found, "twitter:card") == "summary_large_image"
        assert (meta(found, "og:image:width"), meta(found, "og:image:height")) == ("1200", "630")
    assert [p.name for p in published.rglob("*.png") if p.name != "favicon.png"] == ["og-image.png"]

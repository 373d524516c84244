"""Read built HTML pages: their ids, their links (inside the article) and resource URLs."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit


@dataclass
class Scan:
    ids: set[str] = field(default_factory=set)
    links: list[str] = field(default_factory=list)  # hrefs inside <article>
    all_links: list[str] = field(default_factory=list)
    resources: list[str] = field(default_factory=list)  # src / stylesheet hrefs
    text: str = ""


class _Parser(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scan = Scan()
        self.depth = 0
        self.chunks: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        for key in ("id", "name"):
            if key in a and tag != "meta" and tag != "input":
                self.scan.ids.add(a[key])
        if tag == "article":
            self.depth += 1
        if tag == "a" and "href" in a:
            self.scan.all_links.append(a["href"])
            if self.depth:
                self.scan.links.append(a["href"])
        if "src" in a:
            self.scan.resources.append(a["src"])
        if tag == "link" and "href" in a:
            self.scan.resources.append(a["href"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "article":
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.chunks.append(data)


def scan(path: Path) -> Scan:
    p = _Parser()
    p.feed(path.read_text(encoding="utf-8"))
    p.scan.text = " ".join(" ".join(p.chunks).split())
    return p.scan


def scan_site(site: Path) -> dict[str, Scan]:
    """Every HTML file under `site`, parsed once, by its URL (`page_url`)."""
    return {page_url(site, html): scan(html) for html in site.rglob("*.html")}


def page_url(site: Path, html: Path) -> str:
    """`/conditions/neck-pain/` for site/conditions/neck-pain/index.html."""
    rel = html.relative_to(site).as_posix()
    return "/" + rel.removesuffix("index.html")


def resolve(site: Path, from_url: str, href: str) -> tuple[Path, str] | None:
    """The file and fragment an internal href points at; None for other origins."""
    parts = urlsplit(urljoin(f"http://site{from_url}", href))
    if parts.netloc != "site":
        return None
    path = site / parts.path.lstrip("/")
    if path.is_dir() or parts.path.endswith("/"):
        path = path / "index.html"
    return path, parts.fragment

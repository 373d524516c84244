"""What a browser downloads and what Lighthouse scores, measured in Debian's Chromium.

The site is served with gzip (as GitHub Pages serves it) by a small local server; nothing here
reaches the network.
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("CRYOKB_CHROMIUM", "/usr/bin/chromium")
LIGHTHOUSE = Path(__file__).resolve().parent / "node_modules" / ".bin" / "lighthouse"
PAGES = {  # Lighthouse's pages: the home, a condition, a protocol and the questionnaire
    "home": "",
    "condition": "conditions/neck-pain/",
    "protocol": "protocols/ice-pack-neck-back/",
    "questionnaire": "questionnaire/",
}


class _Gzip(http.server.SimpleHTTPRequestHandler):
    """Static files, gzipped when the browser accepts it, like GitHub Pages."""

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self) -> Any:
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()
            path = path / "index.html"
        if "gzip" not in self.headers.get("Accept-Encoding", "") or not path.is_file():
            return super().send_head()
        body = gzip.compress(path.read_bytes(), 6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def served(site: Path) -> contextlib.AbstractContextManager[str]:
    """`site` on a free local port, with gzip (the tests' server, with this handler)."""
    from tests.conftest import free_port, serve

    return serve(site, free_port(), _Gzip)


def first_search(site: Path, query: str) -> float:
    """Megabytes (as sent, gzipped) a fresh browser downloads for its first search: the search
    bundle and index chunks under /pagefind/, fetched by searching `query` on /search/."""
    from playwright.sync_api import sync_playwright

    sizes: dict[str, int] = {}
    with served(site) as base, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.on(
            "requestfinished",
            lambda r: (
                sizes.__setitem__(r.url, r.sizes()["responseBodySize"])
                if "/pagefind/" in r.url
                else None
            ),
        )
        page.goto(base + "search/?q=" + query)
        page.locator(".pagefind-ui__result-link").first.wait_for(timeout=60000)
        page.wait_for_load_state("networkidle")
        browser.close()
    return sum(sizes.values()) / 2**20


def our_script_kb(site: Path, page: str = "questionnaire/index.html") -> float:
    """Kilobytes, gzipped, of this project's own JavaScript that `page` loads."""
    html = (site / page).read_text(encoding="utf-8")
    total = 0
    for name in sorted(set(_scripts(html))):
        total += len(gzip.compress((site / "assets" / "cryokb" / name).read_bytes(), 9))
    return total / 1024


def _scripts(html: str) -> list[str]:
    return re.findall(r'<script src="[./]*assets/cryokb/([\w.-]+\.js)"', html)


def lighthouse(site: Path) -> dict[str, dict[str, int]]:
    """Lighthouse (mobile) performance and accessibility scores per page; empty when the pinned
    lighthouse is not installed (`make bench` installs it)."""
    if not LIGHTHOUSE.exists() or not shutil.which(CHROMIUM):
        return {}
    out: dict[str, dict[str, int]] = {}
    env = {**os.environ, "CHROME_PATH": CHROMIUM}
    with served(site) as base:
        for name, path in PAGES.items():
            result = subprocess.run(
                [
                    str(LIGHTHOUSE),
                    base + path,
                    "--only-categories=performance,accessibility",
                    "--output=json",
                    "--quiet",
                    "--chrome-flags=--headless --no-sandbox",
                ],
                capture_output=True,
                text=True,
                env=env,
                check=True,
            )
            report = json.loads(result.stdout)
            out[name] = {
                k: round(100 * report["categories"][k]["score"])
                for k in ("performance", "accessibility")
            }
    return out

"""Shared fixtures: the real site built once, served at its site_url, and Debian's Chromium."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings

from cryokb.cli import build

# Properties are judged by what they find, not by time: on two busy cores one example can pass
# Hypothesis' default 200 ms deadline and fail a correct property.
settings.register_profile("cryokb", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("cryokb")

ROOT = Path(__file__).resolve().parent.parent
MINIMAL = Path(__file__).parent / "fixtures" / "minimal"  # the fixture data: one of each kind
CHROMIUM = os.environ.get("CRYOKB_CHROMIUM", "/usr/bin/chromium")  # Debian's, never a download
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the minimal fixture data, to edit."""
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Files marked `heavy` first: pytest-xdist hands out whole files in this order
    (`--dist loadfile --no-loadscope-reorder`), so the two workers end together."""
    items.sort(key=lambda item: item.get_closest_marker("heavy") is None)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ files")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory, port: int) -> Path:
    """The real site, built with `mkdocs build --strict` for http://127.0.0.1:<port>/."""
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    out = tmp_path_factory.mktemp("build") / "site"
    status = build(ROOT / "mkdocs.yml", ROOT / "data", out, site_url=f"http://127.0.0.1:{port}/")
    assert status == 0, "strict build of the real site failed"
    return out


TEMPLATES = "generator/cryokb/render/templates"


def config_for(content: Path) -> Path:
    """A copy of mkdocs.yml, beside `content`, that builds the pages in that folder."""
    text = (ROOT / "mkdocs.yml").read_text()  # keeps its !ENV tags: MkDocs reads them
    for old, new in [
        ("docs_dir: content", f"docs_dir: {content}"),
        ("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}"),
        (
            "  - generator/cryokb/site/mkdocs_hook.py",
            f"  - {ROOT / 'generator' / 'cryokb' / 'site' / 'mkdocs_hook.py'}",
        ),
        ("\n  - data\n", f"\n  - {ROOT / 'data'}\n"),
        ("\n  - overrides\n", f"\n  - {ROOT / 'overrides'}\n"),
        ("\n  - generator/cryokb/render/templates\n", f"\n  - {ROOT / TEMPLATES}\n"),
    ]:
        assert old in text
        text = text.replace(old, new)
    if not (content.parent / "includes").exists():
        shutil.copytree(ROOT / "includes", content.parent / "includes")
    config = content.parent / "mkdocs.yml"
    config.write_text(text)
    return config


def fixture_config(folder: Path) -> Path:
    """A mkdocs.yml for building the minimal fixture: the hand-written pages, copied into
    `folder`, with the home page's evidence marker naming every condition (the real page names
    the real ones, which the fixture lacks)."""
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    home = content / "index.md"
    home.write_text(home.read_text().replace("what-we-know neck-pain back-pain", "what-we-know"))
    return config_for(content)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(
    folder: Path, port: int, handler: type[http.server.SimpleHTTPRequestHandler] = _Quiet
) -> Iterator[str]:
    """`folder` served on 127.0.0.1:`port` for the duration of the block."""
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", port), functools.partial(handler, directory=str(folder))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def base_url(site: Path, port: int) -> Iterator[str]:
    """The built site served on 127.0.0.1 at its site_url, so instant navigation is on."""
    with serve(site, port) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Debian's headless Chromium through Playwright; never a downloaded browser."""
    from playwright.sync_api import sync_playwright

    assert Path(CHROMIUM).exists(), "run `make test` (as root it installs Debian's chromium)"
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: object, base_url: str) -> Iterator[object]:
    """A fresh page whose requests are logged on `page.requests`."""
    context = browser.new_context(viewport={"width": 360, "height": 740})  # type: ignore[attr-defined]
    pg = context.new_page()
    pg.requests = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    yield pg
    context.close()


def search_results(page: Any, base_url: str, query: str) -> list[str]:
    """The result links for `query`, typed into the search page's box."""
    page.goto(base_url + "search/")
    ui = page.locator("#cryokb-search")  # Pagefind's box, not the header's form
    box = ui.get_by_role("searchbox").or_(ui.get_by_role("textbox")).first
    box.fill(query)
    page.locator(".pagefind-ui__result-link").first.wait_for(timeout=10000)
    return list(
        page.locator(".pagefind-ui__result-link").evaluate_all(
            "els => els.map(e => new URL(e.href).pathname)"
        )
    )


@contextlib.contextmanager
def mkdocs_serve(config: Path, env: dict[str, str], *options: str) -> Iterator[str]:
    """A real `mkdocs serve` of `config` on a free port, with `env`; yields its address."""
    port = free_port()
    address = ("-a", f"127.0.0.1:{port}", *options)
    server = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "-f", str(config), *address],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        # pytest-xdist's workers ignore Ctrl-C, and a child would inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )  # fmt: skip
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        server.send_signal(signal.SIGINT)  # as Ctrl-C: MkDocs stops and cleans up after itself
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
            raise AssertionError("mkdocs serve did not stop on Ctrl-C") from None

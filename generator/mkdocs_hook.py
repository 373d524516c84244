"""The one MkDocs hook: check the data before MkDocs cleans `site_dir` (so every way of building
leaves the old site untouched on bad data), add the rendered pages, point edit links at the YAML."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from generator import check, problems, render, sanitize
from generator.model import KnowledgeBase

_sources: dict[str, str] = {}  # generated page -> its data file, published under data/
_checked: list[tuple[Path, KnowledgeBase]] = []  # the data folder that passed, and its contents


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    default = Path(str(config.config_file_path)).parent / "data"
    root = Path(os.environ.get("CRYOKB_DATA") or default).resolve()
    kb, found = check.check_dir(root)
    if bad := problems.errors(found):
        lines = "\n".join(str(p) for p in bad)
        raise PluginError(f"cryokb check found {len(bad)} problem(s):\n{lines}")
    _checked[:] = [(root, kb)]
    return config


@event_priority(100)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    root, kb = _checked[0]
    _sources.clear()
    for path, page in render.render(kb, base_url=config.site_url or "").items():
        files.append(File.generated(config, path, content=page.content))
        if page.source:
            _sources[path] = "data/" + Path(page.source).resolve().relative_to(root).as_posix()
    for uri in sorted(set(_sources.values())):  # the YAML behind each page, linked as its source
        files.append(
            File.generated(config, uri, abs_src_path=str(root / uri.removeprefix("data/")))
        )
    return files


def on_page_context(context: Any, page: Page, config: MkDocsConfig, nav: Any) -> Any:
    if source := _sources.get(page.file.src_uri):
        base = config.extra.get("edit_base")
        page.edit_url = base + source if base else get_relative_url(source, page.url or ".")
    return context


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Generated pages pass through the allowlist sanitizer; hand-written pages are trusted."""
    return sanitize.clean(html) if page.file.src_uri in _sources else html

"""The one MkDocs hook: check the data, add the rendered pages, point edit links at the YAML."""

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

from generator import check
from generator.render import render
from generator.sanitize import clean

_sources: dict[str, str] = {}  # generated page -> its data file, published under data/


def data_dir(config: MkDocsConfig) -> Path:
    """`$CRYOKB_DATA`, else the `data/` folder beside mkdocs.yml."""
    env = os.environ.get("CRYOKB_DATA")
    return Path(env) if env else Path(str(config.config_file_path)).parent / "data"


@event_priority(100)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    root = data_dir(config).resolve()
    kb, problems = check.check_dir(root)
    if problems:
        lines = "\n".join(str(p) for p in problems)
        raise PluginError(f"cryokb check found {len(problems)} problem(s):\n{lines}")
    _sources.clear()
    published: set[Path] = set()
    for path, page in render(kb).items():
        files.append(File.generated(config, path, content=page.content))
        if page.source:
            source = Path(page.source).resolve()
            _sources[path] = "data/" + source.relative_to(root).as_posix()
            published.add(source)
    for source in sorted(published):  # the YAML behind each page, linked as its source
        uri = "data/" + source.relative_to(root).as_posix()
        files.append(File.generated(config, uri, abs_src_path=str(source)))
    return files


def on_page_context(
    context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Any
) -> dict[str, Any]:
    source = _sources.get(page.file.src_uri)
    if source:
        base = config.extra.get("edit_base")
        page.edit_url = base + source if base else get_relative_url(source, page.url or ".")
    return context


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    """Generated pages pass through the allowlist sanitizer; hand-written pages are trusted."""
    return clean(html) if page.file.src_uri in _sources else html

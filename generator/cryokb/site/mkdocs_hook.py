"""The one MkDocs hook: check data in on_config, before MkDocs cleans site_dir; add the pages."""

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from cryokb.read import history, problems
from cryokb.rules import check
from cryokb.site import docs, policy, publish, search

_sources: dict[str, tuple[str, str | None]] = {}  # page -> (its data file, its review date)
_state: dict[str, Any] = {}  # the checked data folder, its contents, and where it is published


def on_startup(command: str, **_: Any) -> None:  # `mkdocs serve` shows data errors as a page
    _state["serve"] = command == "serve"


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    root = publish.data_root(Path(str(config.config_file_path)))
    kb, found = check.check_dir(root, content=Path(config.docs_dir))
    if (bad := problems.errors(found)) and not _state.get("serve"):
        raise PluginError(f"cryokb check found {len(bad)} problem(s):\n" + "\n".join(map(str, bad)))
    _state.update(root=root, kb=kb, version=history.version(root), bad=bad)
    _state["site"] = publish.site(config.site_url, config.extra, config.theme["language"])
    config.extra["data_version"] = _state["version"]  # the footer shows it on every page
    _sources.clear()
    return config


@event_priority(100)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    if _state["bad"]:  # a preview with data errors: every page names them (docs.py)
        return docs.broken(files, config, _state["bad"], _state.get("paths", set()))
    root, kb, site = _state["root"], _state.pop("kb"), _state["site"]  # then freed
    _sources.update(docs.add(files, config, kb, root, site, _state["version"]))
    _state["paths"] = {f.src_uri for f in files.documentation_pages()}  # for docs.broken
    return files


def on_page_content(html: str, page: Page, **_: Any) -> str:  # pages from the data: sanitized
    docs.annotate(page, _sources.get(page.file.src_uri), _state["site"])
    return policy.content(html, not page.file.abs_src_path, _state["site"].url)


def on_post_page(output: str, page: Page, **_: Any) -> str:  # the policy (policy.py) on each
    return policy.protect(output, page.content or "")


on_post_template = policy.on_template  # and on 404.html


def on_post_build(config: MkDocsConfig) -> None:
    search.index(Path(config.site_dir))  # Pagefind reads the finished pages

"""The one MkDocs hook: check data in on_config, before MkDocs cleans site_dir; add the pages."""

from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from cryokb.read import history
from cryokb.rules import check
from cryokb.site import docs, policy, preview, publish, report, search

_state: dict[str, Any] = {}  # the checked data, where it is published, each page's data file


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    preview.halt()  # a preview's new build: the last one's search index stops, and is redone
    root = publish.data_root(Path(str(config.config_file_path)))
    with report.phase("check") as said:  # errors stop a build; serve shows them as a page
        kb, found = check.check_dir(root, content=Path(config.docs_dir))
        bad = report.checked(found, said, preview.serving())
    _state.update(root=root, kb=kb, version=history.version(root), bad=bad, sources={})
    _state["site"] = publish.site(config.site_url, config.extra, config.theme["language"])
    config.extra["data_version"] = _state["version"]  # the footer shows it on every page
    return config


@event_priority(100)
def on_files(files: Files, config: MkDocsConfig) -> Files:
    if _state["bad"]:  # a preview with data errors: every page names them (docs.py)
        return docs.broken(files, config, _state["bad"], _state.get("paths", set()))
    root, kb, site = _state["root"], _state.pop("kb"), _state["site"]  # then freed
    with report.phase("render") as said:
        _state["sources"] = docs.add(files, config, kb, root, site, _state["version"], said)
    _state["paths"] = {f.src_uri for f in files.documentation_pages()}  # for docs.broken
    return files


def on_page_content(html: str, page: Page, **_: Any) -> str:  # pages from the data: sanitized
    docs.annotate(page, _state["sources"].get(page.file.src_uri), _state["site"])
    return policy.content(html, not page.file.abs_src_path, _state["site"].url)


def on_post_page(output: str, page: Page, **_: Any) -> str:  # the policy (policy.py) on each
    return policy.protect(output, page.content or "")


on_post_template = policy.on_template  # and on 404.html
on_env = preview.compiled  # the theme's compiled templates, kept between builds
on_startup, on_shutdown = preview.startup, preview.stop  # once a process: the preview's folder


def on_post_build(config: MkDocsConfig) -> None:
    report.pages(Path(config.site_dir))  # MkDocs' part of the build
    search.index(Path(config.site_dir))  # Pagefind reads the finished pages

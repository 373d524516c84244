"""The generated docs, as MkDocs files: the pages rendered from the data, the YAML behind them
(published as open data), the redirects and robots.txt; in a preview with data errors, a page
naming each problem in place of every page."""

from collections.abc import Sequence
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from cryokb.read import changes, history
from cryokb.read.model import KnowledgeBase
from cryokb.read.problems import Problem
from cryokb.render import markers, pages
from cryokb.render.links import Site
from cryokb.render.sanitize import literal
from cryokb.site import preview, publish

_GENERATED = InclusionLevel.NOT_IN_NAV  # declared: no "not in the nav" line per generated page


def add(
    files: Files,
    config: MkDocsConfig,
    kb: KnowledgeBase,
    root: Path,
    site: Site,
    version: str,
    said: list[str],
) -> dict[str, tuple[str, str | None]]:
    """Fill the hand-written pages' markers, add every generated file to `files` (what was done
    goes into `said`), and return each generated page's data file (as published:
    data/<folder>/<file>) and review date."""
    kb.forget_positions()  # checked: only problems need to know where values sit
    markers.fill_pages(files.documentation_pages(), kb, site, version)
    reuse = preview.reuse()
    made = pages.render(
        kb,
        site=site,
        changes=history.of(root),
        version=version,
        events=changes.read(root),
        reuse=reuse,
    )
    sources = {path: (page.source, page.updated) for path, page in made.items() if page.source}
    said.append(f"{len(made)} file(s) from the data")
    if reuse:
        said.append(f"{reuse.reused} page group(s) reused, {reuse.made} rendered")
    if dirty := preview.folder() is not None:  # a preview that rebuilds only changed pages
        print_ = preview.fingerprint(config, [f.src_uri for f in files] + list(made), sources)
        texts = {path: page.utf8 for path, page in made.items()}
        kept, written = preview.keep(texts, print_, Path(config.site_dir))
        said.append(f"{written} changed")
    for path, page in made.items():
        if dirty:
            file = File.generated(config, path, abs_src_path=str(kept[path]), inclusion=_GENERATED)
        else:
            file = File.generated(config, path, content=page.utf8, inclusion=_GENERATED)
        files.append(file)
    for uri in sorted({uri for uri, _ in sources.values()}):
        files.append(File.generated(config, uri, abs_src_path=str(root / uri[5:])))
    for path, text in publish.extras(kb, site.url).items():
        files.append(File.generated(config, path, content=text))
    return sources


def problems_page(bad: Sequence[Problem]) -> str:
    """The Markdown of the page a preview shows while the data has errors."""
    lines = [f"- {literal(str(p))}" for p in bad]  # data text in a message stays text
    return (
        "# The data has problems\n\n"
        f"`cryokb check` found {len(bad)} problem(s). Fix them and save: this page turns back"
        " into the site by itself.\n\n" + "\n".join(lines) + "\n"
    )


def broken(files: Files, config: MkDocsConfig, bad: Sequence[Problem], paths: set[str]) -> Files:
    """Every hand-written page, and every page the last good build generated (`paths`), shows
    the problems instead: whichever page the editor has open reloads to name them."""
    text = problems_page(bad)
    preview.forget()  # once fixed, every page is rebuilt
    for page in files.documentation_pages():
        page.content_string = text
    for path in sorted(paths - {f.src_uri for f in files}):
        files.append(File.generated(config, path, content=text, inclusion=_GENERATED))
    return files


def annotate(page: Page, entry: tuple[str, str | None] | None, site: Site) -> None:
    """A generated page's edit link (to its data file) and its date in the sitemap (its review
    date); `entry` is what `add` returned for it, None for other pages."""
    if entry:
        page.edit_url = site.edit_url(entry[0]) or get_relative_url(entry[0], page.url)
        page.update_date = entry[1] or page.update_date

"""What's new and its Atom feed, from a small git repository made here (not the real history)."""

from __future__ import annotations

import subprocess
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

from cryokb.read import changes
from cryokb.render.pages import render
from cryokb.rules.check import check_dir

A = "{http://www.w3.org/2005/Atom}"
TODAY = date(2026, 3, 1)


def _git(repo: Path, *args: str) -> None:
    env = {"GIT_AUTHOR_DATE": "2026-02-0%s" % (2 if "second" in args else 1) + "T10:00:00Z"}
    env["GIT_COMMITTER_DATE"] = env["GIT_AUTHOR_DATE"]
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=T", "-c", "user.email=t@example.org", *args],
        check=True, capture_output=True, env={**env, "PATH": "/usr/bin:/bin", "HOME": str(repo)},
    )  # fmt: skip


def _history(data: Path) -> list[changes.Event]:
    """Two commits: the fixture data, then the trial's certainty and conclusion changed."""
    repo = data.parent  # the data in a folder of the repository, as in the project
    _git(repo, "init", "-q", "-b", "main")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-qm", "first")
    study = data / "studies" / "trial2020.yaml"
    study.write_text(
        study.read_text()
        .replace("certainty: low", "certainty: moderate")
        .replace("rating: very-serious", "rating: serious")  # one step down from high, not two
        .replace("direction: benefit", "direction: no-difference")
        .replace("The chamber may reduce soreness.", "The chamber probably makes no difference.")
    )
    _git(repo, "commit", "-qam", "second")
    return changes.read(data)


def test_history_gives_each_evidence_change_newest_first(data: Path) -> None:
    events = _history(data)
    assert [(e.date, e.folder, e.id, e.what, e.detail) for e in events] == [
        ("2026-02-02", "studies", "trial2020", "Conclusion changed", "benefit to no-difference"),
        ("2026-02-02", "studies", "trial2020", "Certainty changed", "low to moderate"),
        ("2026-02-01", "guidelines", "guide2021", "Guideline added", ""),
        ("2026-02-01", "studies", "trial2020", "Study added", ""),
    ]


def _pages(data: Path, url: str) -> dict[str, str]:
    from cryokb.render.links import Site

    events = _history(data)
    kb, problems = check_dir(data, today=TODAY)
    assert problems == []
    made = render(kb, TODAY, Site(url), events=events)
    return {p: made[p].content for p in ("changes/index.md", "feed.xml")}


def test_the_feed_is_atom_with_the_history_s_entries(data: Path) -> None:
    pages = _pages(data, "https://example.org/sub/")
    feed = ET.fromstring(pages["feed.xml"])
    assert feed.tag == f"{A}feed"
    for tag in ("id", "title", "updated"):
        assert (feed.findtext(f"{A}{tag}") or "").strip(), tag
    assert feed.findtext(f"{A}updated") == "2026-02-02T10:00:00+00:00"
    entries = feed.findall(f"{A}entry")
    assert len(entries) == 4
    ids = [e.findtext(f"{A}id") for e in entries]
    assert len(set(ids)) == 4 and all(i and i.startswith("urn:uuid:") for i in ids)
    first = entries[0]
    assert (
        first.findtext(f"{A}title") == "Conclusion changed: A test trial (benefit to no-difference)"
    )
    assert first.findtext(f"{A}updated") == "2026-02-02T10:00:00+00:00"
    link = first.find(f"{A}link")
    assert link is not None and link.get("href") == "https://example.org/sub/studies/trial2020/"
    assert entries[1].findtext(f"{A}title") == "Certainty changed: A test trial (low to moderate)"
    page = pages["changes/index.md"]
    assert page.index("Certainty changed") < page.index("Study added")  # newest first
    assert "**Conclusion changed:**" in page


def test_without_a_site_url_the_feed_links_relative_to_itself(data: Path) -> None:
    feed = ET.fromstring(_pages(data, "")["feed.xml"])
    hrefs = [link.get("href") for link in feed.iter(f"{A}link")]
    assert hrefs[:2] == ["changes/", "feed.xml"]
    assert "studies/trial2020/" in hrefs


def test_a_folder_git_does_not_know_has_no_changes(tmp_path: Path) -> None:
    assert changes.read(tmp_path) == []

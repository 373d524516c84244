"""What's new in the evidence (read/changes.py) as a page's entries and as an Atom 1.0 feed."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass

from cryokb.read.changes import Event
from cryokb.read.model import KINDS, KnowledgeBase

ATOM = "http://www.w3.org/2005/Atom"
FOLDER_KIND = {folder: kind for kind, folder in KINDS.items()}
NAMESPACE = uuid.UUID("5b0e3f52-8d0c-4a55-9d3e-2f4c1b7a9e10")  # cryokb's entry ids


@dataclass(frozen=True)
class Entry:
    """One line of What's new: the change, its title and the page it is about (if any)."""

    event: Event
    title: str
    path: str  # the page's path under the site (studies/x/), "" when it no longer exists

    @property
    def id(self) -> str:
        e = self.event
        key = f"{e.commit}/{e.folder}/{e.id}/{e.what}/{e.detail}"
        return f"urn:uuid:{uuid.uuid5(NAMESPACE, key)}"


def entries(kb: KnowledgeBase, events: list[Event]) -> list[Entry]:
    """Each event with a title in words and the path of the page it is about."""
    out, seen = [], set()
    for e in events:
        if e in seen:  # several results of one study changed alike in one commit: one line
            continue
        seen.add(e)
        kind = FOLDER_KIND.get(e.folder, "")
        there = kind in kb.entities and e.id in kb.entities[kind]
        name = e.id
        if there:
            ent = kb.get(kind, e.id)
            ref = kb.references.get(e.id)
            name = ent.get("name") or str((ref.get("title") if ref else None) or e.id)
        title = f"{e.what}: {name}" + (f" ({e.detail})" if e.detail else "")
        out.append(Entry(e, " ".join(title.split()), f"{e.folder}/{e.id}/" if there else ""))
    return out


def feed(items: list[Entry], site_url: str, version: str) -> str:
    """The Atom feed: absolute links under `site_url`, else links relative to the feed (which
    sits at the site's root, feed.xml), so it works under a sub-path too. At the root because
    Material's instant navigation fetches `sitemap.xml` beside every `link rel=alternate`."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    ET.register_namespace("", ATOM)
    root = ET.Element(f"{{{ATOM}}}feed")

    def sub(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
        el = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        el.text = text or None
        return el

    sub(root, "id", f"urn:uuid:{uuid.uuid5(NAMESPACE, site_url or 'cryokb')}")
    sub(root, "title", "cryokb: what's new in the evidence")
    sub(root, "updated", items[0].event.when if items else "1970-01-01T00:00:00Z")
    sub(root, "link", href=base + "changes/", rel="alternate")
    sub(root, "link", href=base + "feed.xml", rel="self")
    author = sub(root, "author")
    sub(author, "name", "cryokb editors")
    sub(root, "subtitle", f"Changes to the evidence on cryokb (data version {version}).")
    for item in items:
        entry = sub(root, "entry")
        sub(entry, "id", item.id)
        sub(entry, "title", item.title)
        sub(entry, "updated", item.event.when)
        sub(entry, "link", href=base + (item.path or "changes/"), rel="alternate")
        sub(entry, "summary", f"{item.title}, on {item.event.date}.")
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"

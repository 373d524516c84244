"""Links never break: the published URLs and stable anchors, and a committed manifest of them.

`urls.json` (beside the data folder) lists every page the data publishes, with the anchors
clinicians link to on protocol and condition pages. `cryokb check` fails, naming the URL, when
one disappears without a redirect (an `aliases:` entry on the entity that replaced it), or an
anchor disappears; `cryokb urls --update` adds new URLs to the manifest.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from cryokb.read.model import KINDS, KnowledgeBase
from cryokb.read.problems import Problem

MANIFEST = "urls.json"
# Anchors on every page of a kind that other sites may link to; the templates must keep them.
STABLE: dict[str, list[str]] = {
    "protocol": [
        "parameters",
        "steps",
        "precautions",
        "when-to-stop",
        "contraindications",
        "side-effects",
        "references",
    ],
    "condition": ["self-care", "evidence", "evidence-gap", "guidelines", "protocols", "references"],
}


def published(kb: KnowledgeBase) -> dict[str, list[str]]:
    """URL path -> its stable anchors, for every page the data publishes."""
    out: dict[str, list[str]] = {f"/{folder}/": [] for folder in KINDS.values()}
    out["/references/"] = []
    if kb.questionnaire is not None:
        out["/questionnaire/"] = []
    for e in kb.pages():
        anchors = list(STABLE.get(e.kind, []))
        if e.kind == "protocol":
            anchors += [p["id"] for p in e.get("parameters", []) if isinstance(p, dict)]
        out[f"/{KINDS[e.kind]}/{e.id}/"] = sorted(anchors)
    return dict(sorted(out.items()))


def redirected(kb: KnowledgeBase) -> dict[str, str]:
    """Old URL path -> the URL path it redirects to, from every entity's `aliases:`."""
    return {
        f"/{KINDS[e.kind]}/{alias}/": f"/{KINDS[e.kind]}/{e.id}/"
        for e in kb.pages()
        for alias in e.get("aliases", [])
        if isinstance(alias, str)
    }


def manifest_path(root: Path) -> Path:
    return root.parent / MANIFEST


def problems(kb: KnowledgeBase, root: Path) -> Iterator[Problem]:
    """A URL or anchor in the manifest that the data no longer publishes or redirects."""
    path = manifest_path(root)
    if not path.exists():
        return
    name = str(path)
    try:
        manifest: dict[str, list[str]] = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        yield Problem(name, 1, 1, f"cannot read the URL manifest: {exc}")
        return
    now, moved = published(kb), redirected(kb)
    lines = path.read_text(encoding="utf-8").splitlines()
    for url, anchors in manifest.items():
        line = next((i for i, text in enumerate(lines, 1) if f'"{url}"' in text), 1)
        target = url if url in now else moved.get(url)
        if target is None:
            yield Problem(
                name,
                line,
                1,
                f"{url} was published and would disappear: add its old id to `aliases:` of "
                "the entity that replaces it, or remove it from the manifest on purpose",
            )
            continue
        for anchor in sorted(set(anchors) - set(now[target])):
            yield Problem(name, line, 1, f"{url}#{anchor}: this anchor would disappear")


def update(kb: KnowledgeBase, root: Path) -> list[str]:
    """Add the URLs the data now publishes to the manifest; return the ones added."""
    path = manifest_path(root)
    manifest = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    now = published(kb)
    added = [url for url in now if url not in manifest]
    for url, anchors in now.items():
        manifest[url] = sorted(set(manifest.get(url, [])) | set(anchors))
    path.write_text(json.dumps(dict(sorted(manifest.items())), indent=1) + "\n", encoding="utf-8")
    return added

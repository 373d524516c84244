"""Reuse between the preview's rebuilds: an entity's pages are rendered again only when data
they can show has changed, so a save re-renders the pages it touches, not thousands.

What an entity's pages can show is its neighbourhood in the data: the entity, the entities it
names (by id or by a `[@key]` citation), those that name it, and the entities those two name.
A treatment's chart reads every treatment and protocol, a condition's table every treatment
(CHARTED), and a decision aid every treatment and what it names (its cautions).
What any page can show goes into one digest for the whole build: the bibliography, the set of
pages, the data version, the date, the site and the templates. Each page's traced figures are
kept with it and replayed into the ledger (ledger.py), so the lists of where a source is used
come out as from a full render: tests/test_reuse.py edits each kind and compares.
"""

from __future__ import annotations

import hashlib
import pickle
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from cryokb.read.model import CITE, Entity, KnowledgeBase, strings
from cryokb.render.ledger import Ledger

T = TypeVar("T")
Key = tuple[str, str]  # (kind, id)
# What a kind's pages show of every entity of some kinds: a treatment's chart shows every
# treatment with its protocols' limits, a condition's table a row for every treatment.
CHARTED = {"modality": ("modality", "protocol"), "condition": ("modality",)}


def _names(data: Any) -> set[str]:
    """Every string in nested data, and every key cited in one: what may name another entity."""
    found: set[str] = set()
    for _, value in strings(data):
        found.add(value)
        if "[@" in value:
            found.update(CITE.findall(value))
    return found


def _digest(*parts: object) -> bytes:
    return hashlib.blake2b(pickle.dumps(parts, protocol=5), digest_size=16).digest()


class Reuse:
    """The pages of the last build, each with the digest of what it could show."""

    def __init__(self, keep: bool = True) -> None:
        self.keep = keep  # False: a build renders every page, once (nothing to digest)
        self.kept: dict[Hashable, tuple[bytes, Any, list[tuple[str, str, Key]]]] = {}
        self.kb = KnowledgeBase()
        self.shared = b""
        self.own: dict[Key, bytes] = {}
        self.reads: dict[Key, set[Key]] = {}
        self.treatments: set[Key] = set()  # what a decision aid shows of each option
        self.made = self.reused = 0

    def begin(self, kb: KnowledgeBase, *shared: object) -> None:
        """Digest this build's data: each entity's own, and `shared` (what every page shows)."""
        if not self.keep:
            return
        self.kb = kb
        ids: dict[str, list[Key]] = defaultdict(list)
        for e in kb.all():
            ids[e.id].append((e.kind, e.id))
        self.own = {(e.kind, e.id): _digest(e.data) for e in kb.all()}
        out: dict[Key, set[Key]] = {}
        for e in kb.all():
            out[e.kind, e.id] = {k for name in _names(e.data) for k in ids.get(name, [])}
        back: dict[Key, set[Key]] = defaultdict(set)
        for key, named in out.items():
            for other in named:
                back[other].add(key)
        of = {kind: {k for k in self.own if k[0] in kinds} for kind, kinds in CHARTED.items()}
        self.treatments = {k for m in of["condition"] for k in {m} | out[m]}
        self.reads = {}
        for key, named in out.items():
            near = {key} | named | back[key]
            self.reads[key] = near.union(*(out[k] for k in near if k in out))
            self.reads[key] |= of.get(key[0], set())
        bib = [(r.key, r.type, r.fields) for r in kb.references.values()]
        self.shared = _digest(shared, sorted(self.own), bib)
        self.made = self.reused = 0

    def pages(
        self,
        what: str,
        e: Entity,
        ledger: Ledger,
        make: Callable[[], T],
        reads: Iterable[Entity] = (),
        extra: object = None,
        also: Iterable[Key] = (),
    ) -> T:
        """`make()`'s result for `e`'s `what`, rendered again only if what it reads changed: by
        default `e`'s neighbourhood, else `e` and `reads`; and the entities `also` names (as
        `treatments`, which a decision aid shows), and `extra` (what else it shows)."""
        if not self.keep:
            return make()
        key = (e.kind, e.id)
        near = {key, *((r.kind, r.id) for r in reads)} if reads else set(self.reads[key])
        near.update(also)
        digest = _digest(self.shared, what, extra, sorted((k, self.own[k]) for k in near))
        kept = self.kept.get((what, key))
        if kept and kept[0] == digest:
            for source, figure, (kind, id_) in kept[2]:
                ledger.traced[source].append((figure, self.kb.get(kind, id_)))
            self.reused += 1
            return kept[1]  # type: ignore[no-any-return]
        ledger.log = []
        made = make()
        self.kept[what, key] = (digest, made, ledger.log)
        ledger.log = None
        self.made += 1
        return made

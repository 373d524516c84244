"""Read a data folder into a KnowledgeBase, collecting every problem on the way."""

from __future__ import annotations

from pathlib import Path

from . import bib, yamlio
from .model import KINDS, QUESTIONNAIRE, Entity, KnowledgeBase
from .problems import Problem


def _name(path: Path, cwd: Path) -> str:
    """The path (under a resolved root) as reported: relative to `cwd` when possible."""
    try:
        return str(path.relative_to(cwd))
    except ValueError:
        return str(path)


def load(root: Path) -> tuple[KnowledgeBase, list[Problem]]:
    """Load every YAML file and the bibliography under `root`; never raises on bad data."""
    kb, root, cwd = KnowledgeBase(), root.resolve(), Path.cwd().resolve()
    problems: list[Problem] = []
    known = set(KINDS.values())
    for child in sorted(root.iterdir()):
        if child.is_dir() and child.name not in known:
            problems.append(Problem(_name(child, cwd), 0, 0, "unknown data folder"))
    for kind, folder in KINDS.items():
        for path in sorted((root / folder).glob("*")):
            name = _name(path, cwd)
            if path.suffix != ".yaml":
                problems.append(Problem(name, 0, 0, "data files must end in .yaml"))
                continue
            entity = _entity(kind, path, name, problems)
            kb.entities[kind][entity.id] = entity
    qpath = root / f"{QUESTIONNAIRE}.yaml"
    if qpath.exists():
        kb.questionnaire = _entity(QUESTIONNAIRE, qpath, _name(qpath, cwd), problems)
    bpath = root / "references.bib"
    kb.bib_file = _name(bpath, cwd)
    if bpath.exists():
        kb.references, bib_problems = bib.load(bpath, kb.bib_file)
        problems += bib_problems
    else:
        problems.append(Problem(kb.bib_file, 0, 0, "bibliography file is missing"))
    return kb, problems


def _entity(kind: str, path: Path, name: str, problems: list[Problem]) -> Entity:
    """The file's entity; one that cannot be read still holds its id (from the file name), so
    references to it do not add false errors to the one that matters."""
    doc = yamlio.load(path, name)
    if isinstance(doc, Problem):
        problems.append(doc)
        return Entity(kind, path.stem, yamlio.Document(name, {}), broken=True)
    problems += doc.problems
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "the file must hold a mapping of field: value"))
        return Entity(kind, path.stem, yamlio.Document(name, {}), broken=True)
    return Entity(kind, path.stem, doc)

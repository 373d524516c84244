"""Read a data folder into a KnowledgeBase, collecting every problem on the way."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from cryokb.read import bib, files, yamlio
from cryokb.read.model import KINDS, QUESTIONNAIRE, Entity, KnowledgeBase
from cryokb.read.problems import Problem


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
    found: list[tuple[str, Path, str]] = []
    for kind, folder in KINDS.items():
        shown = _name(root / folder, cwd)
        if (root / folder).is_symlink():
            problems.append(Problem(shown, 0, 0, "a data folder may not be a link"))
            continue
        listed = _listed(root / folder)
        if isinstance(listed, str):
            problems.append(Problem(shown, 0, 0, listed))
            continue
        for entry in listed:
            name = f"{shown}/{entry.name}"
            if not entry.name.endswith(".yaml"):
                problems.append(Problem(name, 0, 0, "data files must end in .yaml"))
                continue
            path = files.regular(Path(entry.path), root)
            if isinstance(path, str):
                problems.append(Problem(name, 1, 1, f"file {path}"))
                continue
            found.append((kind, Path(entry.path), name))
    qpath = root / f"{QUESTIONNAIRE}.yaml"
    if os.path.lexists(qpath):
        found.append((QUESTIONNAIRE, qpath, _name(qpath, cwd)))
    bpath = root / "references.bib"
    kb.bib_file = _name(bpath, cwd)
    has_bib = os.path.lexists(bpath)
    if not has_bib:
        problems.append(Problem(kb.bib_file, 0, 0, "bibliography file is missing"))
    if has_bib:
        kb.references, bib_problems = bib.load(bpath, kb.bib_file, root)
        problems += bib_problems
    entities, met = _entities(found, root)
    problems += met
    for entity in entities:
        if entity.kind == QUESTIONNAIRE:
            kb.questionnaire = entity
        else:
            kb.entities[entity.kind][entity.id] = entity
    return kb, problems


def _listed(folder: Path) -> list[os.DirEntry[str]] | str:
    """The folder's entries by name, hidden ones left out (as a glob of `*` would); a folder
    that is missing lists nothing, one that cannot be read says why."""
    try:
        with os.scandir(folder) as found:
            return sorted((e for e in found if not e.name.startswith(".")), key=lambda e: e.name)
    except (FileNotFoundError, NotADirectoryError):
        return []
    except OSError as exc:
        return f"data folder cannot be read ({exc.strerror or exc})"


def _entities(
    found: Sequence[tuple[str, Path, str]], root: Path
) -> tuple[list[Entity], list[Problem]]:
    """Each file's entity, and the problems found reading them."""
    problems: list[Problem] = []
    return [_entity(kind, path, name, root, problems) for kind, path, name in found], problems


def _entity(kind: str, path: Path, name: str, root: Path, problems: list[Problem]) -> Entity:
    """The file's entity; one that cannot be read still holds its id (from the file name), so
    references to it do not add false errors to the one that matters."""
    doc = yamlio.load(path, name, root)
    if isinstance(doc, Problem):
        problems.append(doc)
        return Entity(kind, path.stem, yamlio.Document(name, {}), broken=True)
    problems += doc.problems
    if not isinstance(doc.data, dict):
        problems.append(doc.problem((), "the file must hold a mapping of field: value"))
        return Entity(kind, path.stem, yamlio.Document(name, {}), broken=True)
    doc.shed(path)  # absolute: the root is resolved
    return Entity(kind, path.stem, doc)

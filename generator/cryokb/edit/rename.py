"""`cryokb rename`: rename an entity's file and id, rewrite every reference to it, keep an alias.

References are rewritten in place at the line and column where the loader found them, so the
rest of each file (comments, layout, quoting) stays as it was. A study's id is its BibTeX key,
so renaming a study also renames its record and every `ref:` and `[@key]` that cites it.
"""

from __future__ import annotations

import re
from pathlib import Path

from cryokb.edit.skeleton import ID
from cryokb.read.load import load
from cryokb.read.model import KINDS, KnowledgeBase, shape
from cryokb.rules.check import REFS


def _edits(kb: KnowledgeBase, kind: str, old: str) -> dict[str, list[tuple[int, int]]]:
    """file -> (line, column) of every value that names `old` as a `kind`."""
    out: dict[str, list[tuple[int, int]]] = {}
    for entity in kb.all():
        patterns = {p for k, p, target in REFS if k == entity.kind and target == kind}
        for path, value in entity.nodes:
            named = value == old and shape(path) in patterns
            cited = kind == "study" and value == old and path and path[-1] == "ref"
            if named or cited:
                out.setdefault(entity.file, []).append(entity.doc.values[path])
    return out


def _replace_at(line: str, col: int, old: str, new: str) -> str:
    i = col - 1
    if line[i : i + 1] in ("'", '"'):
        i += 1
    if line[i : i + len(old)] != old:
        raise ValueError(f"expected '{old}' at column {col} of: {line!r}")
    return line[:i] + new + line[i + len(old) :]


def rename(root: Path, kind: str, old: str, new: str) -> list[Path]:
    """Rename `old` to `new`; return the files changed. Raises ValueError when it cannot."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind '{kind}' (one of: {', '.join(KINDS)})")
    if not ID.match(new):
        raise ValueError(f"'{new}' is not a kebab-case id (lower-case letters, digits, hyphens)")
    source = root / KINDS[kind] / f"{old}.yaml"
    target = source.with_name(f"{new}.yaml")
    if not source.exists():
        raise ValueError(f"{source} does not exist")
    if target.exists():
        raise ValueError(f"{target} already exists")
    kb, _ = load(root)
    changed: dict[Path, list[str]] = {}
    for file, places in _edits(kb, kind, old).items():
        path = Path(file).resolve()
        lines = changed.setdefault(path, path.read_text(encoding="utf-8").split("\n"))
        for line, col in sorted(places, reverse=True):
            lines[line - 1] = _replace_at(lines[line - 1], col, old, new)
    if kind == "study":
        for path in [*root.glob("*/*.yaml"), root / "questionnaire.yaml", root / "references.bib"]:
            path = path.resolve()
            lines = changed.setdefault(path, path.read_text(encoding="utf-8").split("\n"))
            text = "\n".join(lines).replace(f"[@{old}]", f"[@{new}]")
            if path.suffix == ".bib":
                text = re.sub(rf"(@\w+\s*\{{\s*){re.escape(old)}\s*,", rf"\g<1>{new},", text)
            changed[path] = text.split("\n")
    src = changed.pop(source.resolve(), None) or source.read_text(encoding="utf-8").split("\n")
    changed[target.resolve()] = _with_alias(src, old, new)
    for path, lines in changed.items():
        path.write_text("\n".join(lines), encoding="utf-8")
    source.unlink()
    return sorted(changed)


def _with_alias(lines: list[str], old: str, new: str) -> list[str]:
    """The renamed file's lines: `id: new`, and `old` added to its `aliases:` list."""
    out = [
        f"id: {new}" if re.match(rf"id:\s*['\"]?{re.escape(old)}['\"]?\s*$", ln) else ln
        for ln in lines
    ]
    for i, line in enumerate(out):
        if m := re.match(r"aliases:\s*\[(.*)\]\s*$", line):
            items = [x.strip() for x in m.group(1).split(",") if x.strip()]
            out[i] = f"aliases: [{', '.join([*items, old])}]"
            return out
    at = next(i for i, ln in enumerate(out) if ln.startswith("id:"))
    return [*out[: at + 1], f"aliases: [{old}]", *out[at + 1 :]]

"""The `cryokb` command: check the data, build the site atomically, and write data safely."""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Iterator, Sequence
from datetime import date
from importlib import metadata
from pathlib import Path

from cryokb.edit import diff, intake, rename, skeleton
from cryokb.read.model import KINDS
from cryokb.read.problems import Problem, errors
from cryokb.rules import urls
from cryokb.rules.check import check_dir, stale
from cryokb.site import output, publish

EXIT = "exit status: 0 done, 1 data problems or a failed build, 2 bad usage or a refused target"


def _version() -> str:
    try:
        return metadata.version("cryokb")
    except metadata.PackageNotFoundError:  # run from a checkout that is not installed
        return "unknown"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cryokb", description=__doc__, epilog=EXIT)
    parser.add_argument("--version", action="version", version=f"cryokb {_version()}")
    sub = parser.add_subparsers(dest="command", required=True)

    def sub_command(name: str, text: str) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=text, description=text[0].upper() + text[1:], epilog=EXIT)

    check = sub_command("check", "validate the data folder: every problem as file:line:col")
    check.add_argument("--stale", action="store_true", help="also list reviews that are overdue")
    check.add_argument("--strict", action="store_true", help="exit 1 on warnings too")
    check.add_argument(
        "--format", choices=("text", "json"), default="text", help="json: a list for tools"
    )
    build = sub_command("build", "check, then build the site with mkdocs --strict, atomically")
    build.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml")
    build.add_argument("--site", type=Path, default=None, help="output folder (site_dir)")
    build.add_argument(
        "--release", action="store_true", help="refuse a localhost or empty site URL (deploys)"
    )
    build.add_argument("--quiet", action="store_true", help="print only warnings and errors")
    new = sub_command("new", "write a skeleton YAML file for a new entity")
    new.add_argument("kind", choices=list(KINDS))
    new.add_argument("id", help="kebab-case id; a study's id is its BibTeX key")
    add = sub_command("add-reference", "add a BibTeX or CSL-JSON record (file or -)")
    add.add_argument("file", help="the record's file, or - to read standard input")
    add.add_argument("--key", help="the key to use (default: author, year, title word)")
    ren = sub_command("rename", "rename an entity and every reference to it")
    ren.add_argument("kind", choices=list(KINDS))
    ren.add_argument("old")
    ren.add_argument("new")
    url = sub_command("urls", "check the URL manifest (urls.json); --update adds new URLs")
    url.add_argument("--update", action="store_true", help="add the URLs the data now publishes")
    dif = sub_command("diff", "what a change does to the site, against a git ref")
    dif.add_argument("base", help="the git ref to compare with, e.g. origin/main")
    for command in (check, build, new, add, ren, url, dif):
        command.add_argument("--data", type=Path, default=Path("data"), help="data folder")
    return parser


def report(problems: Sequence[Problem], form: str = "text") -> None:
    """Print problems one per line (or as one JSON list); in GitHub Actions also as workflow
    annotations."""
    if form == "json":
        print(json.dumps([dataclasses.asdict(p) for p in problems], ensure_ascii=False))
        return
    for p in problems:
        print(p)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for p in problems:
            print(p.github())
    if problems:
        n = len(errors(list(problems)))
        print(f"{n} error(s), {len(problems) - n} warning(s)", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 data problems, 2 usage)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not args.data.is_dir():
        print(f"cryokb: error: data folder '{args.data}' does not exist", file=sys.stderr)
        return 2
    if args.command in ("new", "add-reference", "rename"):
        return _write(args)
    if args.command == "diff":
        return diff.main(args.base, args.data)
    if args.command == "build":  # the hook checks the data, once, and stops for errors
        return build(args.config, args.data, args.site, release=args.release, quiet=args.quiet)
    kb, problems = check_dir(args.data)
    if args.command == "check" and args.stale:
        problems = sorted(problems + stale(kb, date.today()))
    form = getattr(args, "format", "text")
    report(problems, form)
    if errors(problems) or (args.command == "check" and args.strict and problems):
        return 1
    if args.command == "urls" and args.update:
        added = urls.update(kb, args.data.resolve())
        print(f"{urls.manifest_path(args.data.resolve())}: {len(added)} URL(s) added")
        return 0
    if form == "text":
        print(f"{args.data}: no errors found")
    return 0


def _write(args: argparse.Namespace) -> int:
    """`new`, `add-reference` and `rename`: change the data, or say why not (exit 2)."""
    try:
        if args.command == "new":
            path = skeleton.create(args.data, args.kind, args.id, date.today())
            print(f"wrote {path}: fill in each TODO, then run `cryokb check`")
        elif args.command == "add-reference":
            text = sys.stdin.read() if args.file == "-" else Path(args.file).read_text("utf-8")
            key = intake.add(args.data / "references.bib", text, args.key)
            print(f"added '{key}' to {args.data / 'references.bib'}")
        else:
            for path in rename.rename(args.data, args.kind, args.old, args.new):
                print(f"changed {path}")
    except (ValueError, OSError) as exc:
        print(f"cryokb: error: {exc}", file=sys.stderr)
        return 2
    return 0


def build(
    config_file: Path,
    data: Path,
    site: Path | None,
    strict: bool = True,
    release: bool = False,
    quiet: bool = False,
    **overrides: str,
) -> int:
    """Build into a temporary folder and swap it in, so a failure leaves `site/` untouched.
    MkDocs' messages are printed as its own command line prints them."""
    with _mkdocs_log(logging.WARNING if quiet else logging.INFO):
        return _build(config_file, data, site, strict, release, **overrides)


@contextlib.contextmanager
def _mkdocs_log(level: int) -> Iterator[None]:
    """MkDocs' log on standard error while a build runs, as `mkdocs build` shows it (without a
    handler, strict mode reports only a count of warnings)."""
    log = logging.getLogger("mkdocs")
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(levelname)-7s -  %(message)s"))
    handler.setLevel(level)
    old = log.level
    log.addHandler(handler)
    log.setLevel(min(level, old) if old else level)
    try:
        yield
    finally:
        log.removeHandler(handler)
        log.setLevel(old)


def _build(
    config_file: Path,
    data: Path,
    site: Path | None,
    strict: bool,
    release: bool,
    **overrides: str,
) -> int:
    from mkdocs.config import load_config

    if not config_file.is_file():
        print(f"cryokb: error: config '{config_file}' does not exist", file=sys.stderr)
        return 2
    os.environ["CRYOKB_DATA"] = str(data.resolve())
    target = (site or config_file.parent / "site").resolve()
    staging = None
    try:
        from mkdocs.commands.build import build as mkdocs_build

        config = load_config(str(config_file), strict=strict, **overrides)
        project, docs = config_file.resolve().parent, Path(config.docs_dir)
        if why := output.refusal(target, [project, data, docs], [data, docs]):
            print(f"cryokb: error: refusing to build into {why}", file=sys.stderr)
            return 2
        if release and (why := publish.release_problem(config.site_url or "")):
            raise SystemExit(f"release build refused: {why}")
        target.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))  # git ignores it
        config["site_dir"] = str(staging)
        mkdocs_build(config)
        output.mark(staging)
    except (Exception, SystemExit) as exc:  # whatever fails, the old site stays
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        print(f"cryokb: error: build failed, site left as it was: {exc}", file=sys.stderr)
        return 1
    old = target.with_name(target.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if target.exists():
        target.rename(old)
    staging.rename(target)
    shutil.rmtree(old, ignore_errors=True)
    print(f"built {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

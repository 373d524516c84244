"""The `cryokb` command: `check` validates the data, `build` builds the site atomically."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path

from .check import check_dir
from .problems import Problem


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cryokb", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    check = sub.add_parser("check", help="validate the data folder")
    check.add_argument("--data", type=Path, default=Path("data"), help="data folder (data/)")
    build = sub.add_parser("build", help="check, then build the site with mkdocs --strict")
    build.add_argument("--data", type=Path, default=Path("data"), help="data folder (data/)")
    build.add_argument("--config", type=Path, default=Path("mkdocs.yml"), help="mkdocs.yml")
    build.add_argument("--site", type=Path, default=None, help="output folder (site_dir)")
    return parser


def report(problems: Sequence[Problem]) -> None:
    """Print problems one per line; in GitHub Actions also as workflow annotations."""
    for p in problems:
        print(p)
    if os.environ.get("GITHUB_ACTIONS") == "true":
        for p in problems:
            print(p.github())
    if problems:
        print(f"{len(problems)} problem(s) found", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 ok, 1 data problems, 2 usage)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    if not args.data.is_dir():
        print(f"cryokb: error: data folder '{args.data}' does not exist", file=sys.stderr)
        return 2
    _, problems = check_dir(args.data)
    report(problems)
    if problems:
        return 1
    if args.command == "check":
        print(f"{args.data}: no problems found")
        return 0
    return build(args.config, args.data, args.site)


def build(
    config_file: Path, data: Path, site: Path | None, strict: bool = True, **overrides: str
) -> int:
    """Build into a temporary folder and swap it in, so a failure leaves `site/` untouched."""
    from mkdocs.config import load_config

    if not config_file.is_file():
        print(f"cryokb: error: config '{config_file}' does not exist", file=sys.stderr)
        return 2
    os.environ["CRYOKB_DATA"] = str(data.resolve())
    target = (site or config_file.parent / "site").resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-", dir=target.parent))
    try:
        from mkdocs.commands.build import build as mkdocs_build

        config = load_config(str(config_file), site_dir=str(staging), strict=strict, **overrides)
        mkdocs_build(config)
    except (Exception, SystemExit) as exc:  # whatever fails, the old site stays
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

"""Check and build time against the length of one text: every pass over a text is linear.

A long run of bare numbers once made the figure scan quadratic (seconds in the check, minutes in
the build; issue #19). This puts L numbers, each a traced figure, in one sourced sentence of the
minimal fixture, for doubling L, and times `cryokb check` (every rule runs, at any length) and a
full `cryokb build` (only up to the check's limit of 3,000 characters a text, about 1,000
numbers: past it Python-Markdown itself slows more than linearly). Linear work doubles with L:
the ratio columns stay near 2. Not a test: nothing here fails.

    make bench-linear   (or .venv/bin/python bench/linear.py --lengths 100 200 ...)
"""

from __future__ import annotations

import argparse
import contextlib
import io
import logging
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from cryokb.cli import build  # noqa: E402
from cryokb.rules.check import check_dir  # noqa: E402
from tests.conftest import fixture_config  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "minimal"
OLD = "how_it_works: Cold air cools the skin [@src2020]."


def data_with(length: int, folder: Path) -> Path:
    """The fixture with `length` bare numbers in the chamber's one sourced sentence."""
    data = folder / "data"
    shutil.copytree(FIXTURE, data)
    path = data / "modalities" / "chamber.yaml"
    numbers = " ".join(str(n % 90 + 10) for n in range(length))
    path.write_text(path.read_text().replace(OLD, f"how_it_works: Cold {numbers} [@src2020]."))
    return data


def timed(length: int) -> tuple[float, float | None]:
    """Check time, and build time when the text is within the check's limit."""
    with tempfile.TemporaryDirectory() as tmp:
        data = data_with(length, Path(tmp))
        start = time.perf_counter()
        _, problems = check_dir(data)
        check = time.perf_counter() - start
        errors = [p for p in problems if p.is_error]
        if errors:
            assert all("the limit is" in p.message for p in errors), errors[:3]
            return check, None
        start = time.perf_counter()
        with contextlib.redirect_stdout(io.StringIO()):
            status = build(
                fixture_config(Path(tmp)), data, Path(tmp) / "site", strict=False, quiet=True
            )
        assert status == 0
        return check, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--lengths", type=int, nargs="*", default=[100, 200, 400, 800, 16000, 32000, 64000, 128000]
    )
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    logging.getLogger("mkdocs").setLevel(logging.ERROR)  # the fixture lacks the real pages
    print("| numbers in the text | check (s) | check / previous | build (s) | build / previous |")
    print("|---:|---:|---:|---:|---:|")
    last: tuple[float, float | None] = (0.0, None)
    for length in args.lengths:
        check, whole = timed(length)
        ratio = f"{check / last[0]:.2f}" if last[0] else ""
        shown = f"{whole:.2f}" if whole is not None else "over the limit"
        build_ratio = f"{whole / last[1]:.2f}" if whole and last[1] else ""
        print(f"| {length:,} | {check:.3f} | {ratio} | {shown} | {build_ratio} |")
        last = (check, whole)


if __name__ == "__main__":
    main()

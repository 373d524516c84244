"""Benchmarks: build time and page weight of the real site, and how both scale with entities.

Run with `make bench`. Timings are medians of repeated builds; sizes are bytes on disk.
Not a test: nothing here passes or fails.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import tempfile
import time
from pathlib import Path

from generator.cli import build

ROOT = Path(__file__).resolve().parent.parent


def _size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def measure(data: Path, runs: int) -> dict[str, float]:
    """Median build time and the weight of the built site for one data folder."""
    times = []
    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        for _ in range(runs):
            start = time.perf_counter()
            assert build(ROOT / "mkdocs.yml", data, site, strict=False) == 0
            times.append(time.perf_counter() - start)
        pages = list(site.rglob("index.html"))
        entity = site / "conditions" / "neck-pain" / "index.html"
        return {
            "pages": len(pages),
            "build_s": round(statistics.median(times), 2),
            "site_kb": round(_size(site) / 1024),
            "entity_page_kb": round(entity.stat().st_size / 1024, 1),
            "search_index_kb": round((site / "search" / "search_index.json").stat().st_size / 1024),
        }


def synthetic(target: Path, copies: int) -> Path:
    """The real data plus `copies` extra condition pages."""
    shutil.copytree(ROOT / "data", target)
    source = (target / "conditions" / "back-pain.yaml").read_text()
    for i in range(copies):
        text = source.replace("id: back-pain", f"id: back-pain-{i}")
        (target / "conditions" / f"back-pain-{i}.yaml").write_text(text)
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=500)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    results = {"real data": measure(ROOT / "data", args.runs)}
    with tempfile.TemporaryDirectory() as tmp:
        data = synthetic(Path(tmp) / "data", args.copies)
        results[f"+{args.copies} conditions"] = measure(data, 1)
    keys = list(next(iter(results.values())))
    print(f"{'dataset':<20}" + "".join(f"{k:>18}" for k in keys))
    for name, row in results.items():
        print(f"{name:<20}" + "".join(f"{row[k]:>18}" for k in keys))
    if args.json:
        args.json.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()

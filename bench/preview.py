"""Save-to-preview latency of `mkdocs serve`: the time from saving a YAML file to the served page
showing the change, on the real data and on 1,000 synthetic studies (bench/synth.py).

Run by `make bench-preview`; writes Markdown to stdout (bench/PREVIEW.md). A real
`mkdocs serve --dirty` process (as `make serve` runs it: only pages whose text changed are built
again, generator/cryokb/site/preview.py) serves a copy of the data; the page is polled over
HTTP every 20 ms, as the browser's live reload would fetch it once told. MkDocs' own watcher
polls every 0.5 s and waits 0.1 s before it builds, so about a third of a second of each figure
is MkDocs' and not the build's. The preview's search index starts a second after a build and is
stopped by the next one: the first rows save again at once (before the index starts), the last
row of each size saves while the index runs.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from bench.synth import generate
from cryokb.site.preview import QUIET
from tests.conftest import ROOT, config_for, mkdocs_serve


def _page(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as r:
            return str(r.read().decode("utf-8"))
    except OSError:
        return ""


def _wait(url: str, marker: str, present: bool, limit: float = 300) -> float:
    start = time.perf_counter()
    while time.perf_counter() - start < limit:
        if (marker in _page(url)) == present:
            return time.perf_counter() - start
        time.sleep(0.02)
    raise TimeoutError(f"{url}: {marker!r} never {'appeared' if present else 'went'}")


# What an editor changes: a name shown on many pages, and a study's text shown on a few.
EDITS = {
    "a condition's name": ("conditions/neck-pain", "\nname: "),
    "a study's treatment": ("studies/{study}", "\nintervention: "),
}


def measure(
    studies: int,
    saves: int,
    options: tuple[str, ...] = (),
    edits: tuple[str, ...] = tuple(EDITS),
    pause: float = 0.0,
) -> dict[str, list[float]]:
    """Seconds from each save to the changed page, over `saves` saves of each edit; each save
    comes `pause` seconds after the last edit's page was served."""
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        data = generate(tmp / "data", studies) if studies else tmp / "data"
        if not studies:
            shutil.copytree(ROOT / "data", data)
        shutil.copytree(ROOT / "content", tmp / "content")
        config = config_for(tmp / "content")
        config.write_text(config.read_text().replace(str(ROOT / "data"), str(data)))
        env = {**os.environ, "CRYOKB_DATA": str(data), "NO_MKDOCS_2_WARNING": "1"}
        study = "synthetic00000" if studies else "garra2010heatcold"
        times: dict[str, list[float]] = {}
        with mkdocs_serve(config, env, *options) as root:
            _wait(root + "conditions/neck-pain/", "<html", True, limit=900)
            for edit in edits:
                page, field = EDITS[edit]
                page = page.format(study=study)
                url, path = f"{root}{page}/", data / f"{page}.yaml"
                text = path.read_text()
                times[edit] = []
                for i in range(saves):
                    time.sleep(pause)
                    marker = f"Preview timing {i}"
                    path.write_text(text.replace(field, f"{field}{marker} ", 1))
                    times[edit].append(_wait(url, marker, True))
                    time.sleep(pause)
                    path.write_text(text)
                    _wait(url, marker, False)
        return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--saves", type=int, default=5)
    parser.add_argument("--sizes", type=int, nargs="*", default=[0, 1000])
    args = parser.parse_args()
    print("# Preview latency (`mkdocs serve`)\n\n" + (__doc__ or "").split("\n\n", 1)[1])
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())  # other work on the cores skews it
    print(f"Machine: {os.cpu_count()} cores, load average {load} at the start.", end=" ")
    print(f"Medians of {args.saves} saves.\n")
    print("| Data | Edit | Median save-to-page (s) | Slowest (s) | Target (s) |")
    print("|---|---|---|---|---|")
    for n in args.sizes:
        label, target = ("real data", 1) if n == 0 else (f"{n:,} synthetic studies", 3)
        for edit, times in measure(n, args.saves, ("--dirty",)).items():  # as `make serve`
            median, slowest = statistics.median(times), max(times)
            print(f"| {label} | {edit} | {median:.2f} | {slowest:.2f} | {target} |")
        # A save while the last one's search index runs: it starts QUIET s after a build.
        edit = "a study's treatment"
        times = measure(n, args.saves, ("--dirty",), (edit,), QUIET + 0.5)[edit]
        median, slowest = statistics.median(times), max(times)
        row = f"{edit}, while the index runs | {median:.2f} | {slowest:.2f}"
        print(f"| {label} | {row} | {target} |")


if __name__ == "__main__":
    main()

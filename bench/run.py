"""Benchmarks on synthetic data of growing size: how the generator and the site scale.

`make bench` runs N = 100, 1,000 and 10,000 studies; `make bench ARGS=--quick` runs N = 1,000 only.
Each step runs in its own process, so its peak memory is its own; times are medians of `--runs`.
Results go to bench/RESULTS.md with the machine's description. Not a test: nothing here fails.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench import browser  # noqa: E402
from bench.synth import generate  # noqa: E402

STEP = """
import json, os, resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
os.environ["NO_MKDOCS_2_WARNING"] = "1"
start = time.perf_counter()
parts = {{}}
{body}
who = [resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
peak = max(u.ru_maxrss for u in who)
cpu = sum(u.ru_utime + u.ru_stime for u in who)  # this process and the copies it forked
print(json.dumps({{"s": time.perf_counter() - start, "mb": peak / 1024, "cpu": cpu, **parts}}))
"""
# What a build does before MkDocs: load and check, then render, timed apart in one process.
GENERATE = (
    "from cryokb.rules.check import check_dir\nfrom cryokb.render.pages import render\n"
    "kb, _ = check_dir(Path({data!r}))\nchecked = time.perf_counter()\n"
    "kb.forget_positions()\nrender(kb)\n"
    "parts = {{'check': checked - start, 'render': time.perf_counter() - checked}}"
)
BUILD = (
    "from cryokb.cli import build\n"
    "assert build(Path({config!r}), Path({data!r}), Path({site!r})) == 0"
)
PLAIN = (
    "from mkdocs.commands.build import build\nfrom mkdocs.config import load_config\n"
    "build(load_config({config!r}, site_dir={site!r}))"
)


def _step(body: str, **fields: str) -> dict[str, float]:
    code = STEP.format(root=str(ROOT), body=body.format(**fields))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result: dict[str, float] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


GENERATOR_RUNS = 5  # the generator step takes seconds, even at N = 10,000: at least 5 runs


def _median(runs: int, body: str, **fields: str) -> dict[str, float]:
    results = [_step(body, **fields) for _ in range(runs)]
    medians = {k: statistics.median(r[k] for r in results) for k in results[0] if k != "mb"}
    return {**medians, "mb": max(r["mb"] for r in results)}


def plain_config(tmp: Path, data: Path) -> Path:
    """The same pages as plain Markdown, built by plain Material with no hook: the baseline."""
    from cryokb.read.load import load
    from cryokb.render.pages import render

    docs = tmp / "plain-docs"
    subprocess.run(["cp", "-r", str(ROOT / "content"), str(docs)], check=True)
    kb, _ = load(data)
    for path, page in render(kb).items():
        target = docs / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(page.content, encoding="utf-8")
    text = (ROOT / "mkdocs.yml").read_text()
    text = text.replace("docs_dir: content", f"docs_dir: {docs}")
    text = text.replace("hooks:\n  - generator/cryokb/site/mkdocs_hook.py\n", "")
    text = text.replace("custom_dir: overrides", f"custom_dir: {ROOT / 'overrides'}")
    text = re.sub(r"\nwatch:.*?\n(?=\S)", "\n", text, flags=re.S)  # `serve` only; relative paths
    # A plain Material site has search too: its built-in plugin, where ours runs Pagefind.
    text = text.replace("plugins: []", "plugins:\n  - search")
    subprocess.run(["cp", "-r", str(ROOT / "includes"), str(tmp / "includes")], check=True)
    config = tmp / "mkdocs.yml"
    config.write_text(text)
    return config


def measure(studies: int, runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        data = generate(tmp / "data", studies)
        entities = sum(1 for _ in data.glob("*/*.yaml"))
        generated = _median(max(runs, GENERATOR_RUNS), GENERATE, data=str(data))
        site = tmp / "site"
        build = _median(
            runs, BUILD, config=str(ROOT / "mkdocs.yml"), data=str(data), site=str(site)
        )
        pages = [p for p in site.rglob("*.html")]
        sizes = sorted(p.stat().st_size for p in pages)
        entity_pages = sorted(p.stat().st_size for p in (site / "studies").glob("*/index.html"))
        plain = _median(runs, PLAIN, config=str(plain_config(tmp, data)), site=str(tmp / "plain"))
        scripted = [p for p in pages if "assets/cryokb/questionnaire" in p.read_text("utf-8")]
        return {
            "studies": studies,
            "entities": entities,
            "pages": len(pages),
            "check_s": round(generated["check"], 2),
            "render_s": round(generated["render"], 2),
            "build_s": round(build["s"], 2),
            "plain_material_s": round(plain["s"], 2),
            "ratio": round(build["s"] / plain["s"], 2),
            "ms_per_entity_generator": round(1000 * generated["s"] / entities, 2),
            "cpu_ms_per_entity_generator": round(1000 * generated["cpu"] / entities, 2),
            "ms_per_page": round(1000 * build["s"] / len(pages), 1),
            "peak_mb": round(build["mb"]),
            "plain_peak_mb": round(plain["mb"]),
            "site_mb": round(
                sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20, 1
            ),
            "largest_page_kb": round(sizes[-1] / 1024, 1),
            "median_study_page_kb": round(entity_pages[len(entity_pages) // 2] / 1024, 1),
            "first_search_mb": round(browser.first_search(site, f"trial number {studies // 2}"), 2),
            "questionnaire_js_kb_gz": round(browser.our_script_kb(site), 1),
            "pages_with_questionnaire_js": len(scripted),
        }


def lighthouse() -> dict[str, dict[str, int]]:
    """Lighthouse scores of the real site (not synthetic data), served with gzip."""
    with tempfile.TemporaryDirectory() as tmp_name:
        site = Path(tmp_name) / "site"
        code = STEP.format(
            root=str(ROOT),
            body=BUILD.format(
                config=str(ROOT / "mkdocs.yml"), data=str(ROOT / "data"), site=str(site)
            ),
        )
        subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
        return browser.lighthouse(site)


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    mem = next(
        (
            line.split()[1]
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        "0",
    )
    return (
        f"{os.cpu_count()} cores ({cpu}), {int(mem) // 2**20} GiB memory, "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="N = 1,000 only (for a pull request)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results here")
    args = parser.parse_args()
    sizes = [1000] if args.quick else args.sizes
    scores = lighthouse()  # first: quick, and a failure here should not waste the long runs
    print(json.dumps(scores), flush=True)
    rows = []
    for n in sizes:
        rows.append(measure(n, args.runs))
        print(json.dumps(rows[-1]), flush=True)
    keys = list(rows[0])
    print(" | ".join(keys))
    for row in rows:
        print(" | ".join(str(row[k]) for k in keys))
    if args.json:
        result = {"machine": machine(), "rows": rows, "lighthouse": scores}
        args.json.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()

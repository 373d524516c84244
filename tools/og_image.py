"""Make the link-preview image once: overrides/assets/cryokb/og-image.png, 1200 x 630.

Debian's Chromium draws a small HTML page (no network, the machine's own fonts) and Playwright
saves its screenshot. The image is committed; the build only copies it (no per-page images).
Run: python tools/og_image.py
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "overrides" / "assets" / "cryokb" / "og-image.png"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
HTML = """<!doctype html><html><head><meta charset="utf-8"><style>
html, body { margin: 0; width: 1200px; height: 630px; }
body { background: #3f51b5; color: #fff; font-family: "DejaVu Sans", sans-serif;
  display: flex; flex-direction: column; justify-content: center; padding: 0 90px;
  box-sizing: border-box; }
h1 { font-size: 110px; margin: 0 0 30px; letter-spacing: -2px; }
p { font-size: 44px; line-height: 1.3; margin: 0; max-width: 1000px; }
.rule { width: 160px; height: 10px; background: #fff; margin: 0 0 40px; }
small { display: block; font-size: 28px; margin-top: 50px; opacity: 0.9; }
</style></head><body>
<h1>cryokb</h1><div class="rule"></div>
<p>Cold treatments for neck and back pain: the evidence and the safety rules, in plain language.</p>
<small>Information, not medical advice.</small>
</body></html>"""


def main() -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 630})
        page.set_content(HTML)
        page.screenshot(path=str(OUT), type="png")
        browser.close()
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()

"""Render the site from a knowledge base and photograph its pages with Debian's chromium.

    python bench/screenshots.py --db /tmp/kb4.sqlite

writes docs/screenshots/home.png (the home page answering `undefineflags`),
docs/screenshots/symbol.png (the page of virDomainUndefineFlags, down to its
flags-by-driver table) and docs/screenshots/explain.png (explain.html answering
`error: unknown procedure: 261`); with "my daemon" set to libvirt 9.0.0 and the
qemu driver, daemon-symbol.png (that function page) and daemon-matrix.png (the
hypervisor matrix); and phone-matrix.png (the matrix 390 px wide, scrolled). Needs /usr/bin/chromium and Playwright for Python.
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from kbgen.render.site import render_site
from kbgen.store.reader import default_db_path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1200, "height": 860}
PHONE = {"width": 390, "height": 844}


def photograph(site: Path, out: Path, chromium: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    home, symbol, explain = out / "home.png", out / "symbol.png", out / "explain.png"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.goto((site / "index.html").as_uri())
        page.fill("#q", "undefineflags")
        page.locator("#results li").first.wait_for()
        page.screenshot(path=str(home))
        page.press("#q", "Enter")
        page.wait_for_url("**/symbol/virDomainUndefineFlags.html")
        page.locator("#flags-by-driver table").wait_for()
        page.screenshot(path=str(symbol), full_page=True)
        page.goto((site / "explain.html").as_uri())
        page.fill("#explain-input", "error: unknown procedure: 261")
        page.locator("#explain-results .finding").first.wait_for()
        page.screenshot(path=str(explain))
        daemon = "?server=9.0.0&driver=qemu"
        page.goto((site / "symbol" / "virDomainUndefineFlags.html").as_uri() + daemon)
        page.locator(".daemon-verdict").first.wait_for()
        page.screenshot(path=str(out / "daemon-symbol.png"), full_page=True)
        page.goto((site / "matrix" / "hypervisor.html").as_uri() + daemon)
        page.locator("table.matrix .daemon-verdict").first.wait_for()
        page.screenshot(path=str(out / "daemon-matrix.png"))
        phone = browser.new_page(viewport=PHONE)
        phone.goto((site / "matrix" / "hypervisor.html").as_uri())
        phone.locator(".matrix-wrap").evaluate("w => { w.scrollLeft = 240; }")
        phone.screenshot(path=str(out / "phone-matrix.png"))
        browser.close()
    return [home, symbol, explain, out / "daemon-symbol.png", out / "daemon-matrix.png", out / "phone-matrix.png"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=default_db_path(), help="knowledge base to render (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        report = render_site(args.db, Path(tmp) / "site")
        for path in photograph(report.out, args.out, args.chromium):
            print(path)


if __name__ == "__main__":
    main()

"""Render the site from a knowledge base and photograph its pages with Debian's chromium.

    python bench/screenshots.py --db /tmp/kb4.sqlite

writes docs/screenshots/home.png (the home page answering `undefineflags`),
docs/screenshots/symbol.png (the page of virDomainUndefineFlags, down to its
flags-by-driver table) and docs/screenshots/explain.png (explain.html answering
`error: unknown procedure: 261`); with "my daemon" set to libvirt 9.0.0 and the
qemu driver, daemon-symbol.png (that function page), daemon-matrix.png (the
hypervisor matrix), daemon-virsh.png (virsh/undefine.html, down to its APIs) and
daemon-xml.png (the element page of domain/devices/disk, its first rows);
compare.png (compare.html from 9.0.0 to 11.3.0, its first rows); and
phone-matrix.png (the matrix 390 px wide, scrolled). Long pages are cut (TALL);
each shot waits for what the page's script adds. Needs /usr/bin/chromium and
Playwright for Python.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from kbgen.render.site import render_site
from kbgen.store.reader import default_db_path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1200, "height": 860}
PHONE = {"width": 390, "height": 844}
DAEMON = "?server=9.0.0&driver=qemu"  # my daemon: libvirt 9.0.0, the qemu driver
TALL = 1300  # pixels of a long page kept from its top
MARGIN = 24  # pixels kept below the element a shot ends at
# libvirt's own prose (a symbol's description, in a knowledge base built from the real inputs) is never committed:
# every page is photographed with it hidden
NO_PROSE = """document.addEventListener("DOMContentLoaded", () => {
  const style = document.createElement("style");
  style.textContent = "section.description { display: none !important; }";
  document.head.append(style);
});"""


def photograph(site: Path, out: Path, chromium: str) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        page.add_init_script(NO_PROSE)
        page.goto((site / "index.html").as_uri())
        page.fill("#q", "undefineflags")
        page.locator("#results li").first.wait_for()
        shots.append(shoot(page, out / "home.png"))
        page.press("#q", "Enter")
        page.wait_for_url("**/symbol/virDomainUndefineFlags.html")
        page.locator("#flags-by-driver table").wait_for()
        shots.append(shoot(page, out / "symbol.png", down_to="#flags-by-driver table"))
        page.goto((site / "explain.html").as_uri())
        page.fill("#explain-input", "error: unknown procedure: 261")
        page.locator("#explain-results .finding").first.wait_for()
        shots.append(shoot(page, out / "explain.png"))
        visit(page, site / "symbol" / "virDomainUndefineFlags.html", DAEMON, "table.flags-by-driver .daemon-verdict")
        # the verdict column is the table's last: scrolled into view (the flag names stay, a sticky column)
        page.locator("table.flags-by-driver").evaluate("t => { t.closest('.scroll').scrollLeft = t.scrollWidth; }")
        shots.append(shoot(page, out / "daemon-symbol.png", down_to="#flags-by-driver table"))
        visit(page, site / "matrix" / "hypervisor.html", DAEMON, "table.matrix .daemon-verdict")
        shots.append(shoot(page, out / "daemon-matrix.png"))
        visit(page, site / "virsh" / "undefine.html", DAEMON, ".virsh-apis")
        if not page.locator(".daemon-verdict").count():
            print("warning: virsh/undefine.html shows no my-daemon verdict", file=sys.stderr)
        shots.append(shoot(page, out / "daemon-virsh.png", down_to="table.virsh-apis"))
        visit(page, site / "xml" / "domain" / "devices" / "disk.html", DAEMON, "table .daemon-verdict")
        shots.append(shoot(page, out / "daemon-xml.png", height=TALL))
        visit(page, site / "compare.html", "?from=9.0.0&to=11.3.0", "#compare-result .compare-summary")
        shots.append(shoot(page, out / "compare.png", height=TALL))
        phone = browser.new_page(viewport=PHONE)
        phone.add_init_script(NO_PROSE)
        phone.goto((site / "matrix" / "hypervisor.html").as_uri())
        phone.locator(".matrix-wrap").evaluate("w => { w.scrollLeft = 240; }")
        shots.append(shoot(phone, out / "phone-matrix.png"))
        browser.close()
    return shots


def visit(page, path: Path, query: str, ready: str) -> None:
    """Open PATH with QUERY and wait until the element READY shows that the page's script has run."""
    page.goto(path.as_uri() + query)
    page.locator(ready).first.wait_for()


def shoot(page, path: Path, down_to: str | None = None, height: int | None = None) -> Path:
    """The viewport; or the page from its top down to the bottom of the element DOWN_TO, or HEIGHT pixels of it."""
    if down_to is None and height is None:
        page.screenshot(path=str(path))
        return path
    end = height or page.locator(down_to).first.evaluate("e => e.getBoundingClientRect().bottom + window.scrollY") + MARGIN
    full = page.evaluate("document.documentElement.scrollHeight")
    clip = {"x": 0, "y": 0, "width": page.viewport_size["width"], "height": min(full, end)}
    page.screenshot(path=str(path), full_page=True, clip=clip)
    return path


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

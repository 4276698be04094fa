"""The rank of each realistic query's intended target in the site's search box, in a real browser.

    python bench/search_ranks.py [--site DIR | --db KB.sqlite] [--compare OTHER_SITE_DIR]

Renders the site from the knowledge base (or takes a rendered one), types each
query of QUERIES into the home page's box and prints the 1-based rank of its
target among the results ("-" when it is not among those shown). --compare
prints a second column for another rendered site (an older one, say).
Prints figures; asserts nothing (tests/test_site_browser.py pins the fixture's).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from kbgen.render.site import render_site
from kbgen.store.reader import default_db_path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"]

# (what a user types, the name the result shows, what it is)
QUERIES = [
    ("pmsuspend", "virDomainPMSuspendForDuration", "function over constants and typedefs"),
    ("migrate", "virDomainMigrate", "function over virsh command and constants"),
    ("undefineflags", "virDomainUndefineFlags", "name part"),
    ("undefflags", "virDomainUndefineFlags", "camel-case initials"),
    ("inbound.average", "VIR_DOMAIN_BANDWIDTH_IN_AVERAGE", "typed-parameter name (string value)"),
    ("total_bytes_sec", "VIR_DOMAIN_BLOCK_IOTUNE_TOTAL_BYTES_SEC", "typed-parameter name (string value)"),
    ("soft_limit", "VIR_DOMAIN_MEMORY_SOFT_LIMIT", "typed-parameter name (string value)"),
    ("0x40", "VIR_MIGRATE_NON_SHARED_DISK", "hex value (15 constants are 0x40)"),
    ("qemuDomainUndefineFlags", "virDomainUndefineFlags", "implementation name from an error message"),
    ("qemuDomainSetMemoryFlags", "virDomainSetMemoryFlags", "implementation name"),
    ("domain/devices/disk/driver/@discard", "domain/devices/disk/driver/@discard", "XML path"),
    ("bandwidth/inbound/@average", "domain/devices/interface/bandwidth/inbound/@average", "part of an XML path"),
    ("dompmsuspend", "dompmsuspend", "virsh command"),
    ("blkdeviotune", "blkdeviotune", "virsh command"),
    ("domstats", "domstats", "virsh command"),
    ("virConnectOpen", "virConnectOpen", "exact name"),
    ("openauth", "virConnectOpenAuth", "name part"),
    ("getcapabilities", "virConnectGetCapabilities", "name part"),
    ("xmldesc", "virDomainGetXMLDesc", "name part"),
    ("snapshotcreate", "virDomainSnapshotCreateXML", "function over its flags type"),
    ("setmemory", "virDomainSetMemory", "name part"),
    ("blockcopy", "virDomainBlockCopy", "function over its constants"),
    ("VIR_MIGRATE_LIVE", "VIR_MIGRATE_LIVE", "exact constant"),
    ("migrate_live", "VIR_MIGRATE_LIVE", "constant without prefix"),
    ("virTypedParameter", "virTypedParameter", "exact typedef"),
    ("LIBVIR_CHECK_VERSION", "LIBVIR_CHECK_VERSION", "exact macro"),
    ("list all domains", "virConnectListAllDomains", "words with spaces"),
    ("domain create", "virDomainCreate", "words with spaces"),
    ("VIR_ERR_NO_SUPPORT", "VIR_ERR_NO_SUPPORT", "error code"),
    ("allstats", "virConnectGetAllDomainStats", "initials"),
    ("getDomainCapabilities", "virConnectGetDomainCapabilities", "Python binding method name"),
    ("conn.getDomainCapabilities", "virConnectGetDomainCapabilities", "Python binding on a connection variable"),
    ("dom.undefineFlags", "virDomainUndefineFlags", "Python binding on a domain variable"),
]


def ranks(site: Path, queries: list[tuple[str, str, str]]) -> list[int | None]:
    found = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto((site / "index.html").as_uri())
        page.wait_for_function("document.getElementById('status').textContent.indexOf('Loading') < 0")
        for text, target, _ in queries:
            page.fill("#q", "")
            page.fill("#q", text)
            page.wait_for_function("document.getElementById('status').textContent !== ''")
            names = page.eval_on_selector_all("#results li .name", "items => items.map(i => i.textContent)")
            found.append(names.index(target) + 1 if target in names else None)
        browser.close()
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=default_db_path())
    parser.add_argument("--site", type=Path, help="a rendered site (default: render one from --db)")
    parser.add_argument("--compare", type=Path, help="another rendered site, for a 'before' column")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        site = args.site or render_site(args.db, Path(tmp) / "site").out
        after = ranks(site, QUERIES)
        before = ranks(args.compare, QUERIES) if args.compare else None
    show = lambda r: "-" if r is None else str(r)  # noqa: E731
    print(f"{'query':<36} {'target':<40} {'before':>6} {'after':>6}" if before else f"{'query':<36} {'target':<40} {'rank':>6}")
    for i, (text, target, _) in enumerate(QUERIES):
        cells = f"{show(before[i]):>6} {show(after[i]):>6}" if before else f"{show(after[i]):>6}"
        print(f"{text:<36} {target:<40} {cells}")
    first = sum(1 for r in after if r == 1)
    print(f"first: {first}/{len(QUERIES)}" + (f" (before {sum(1 for r in before if r == 1)}/{len(QUERIES)};"
          f" not found before {sum(1 for r in before if r is None)})" if before else ""))


if __name__ == "__main__":
    main()

"""The site's XML pages (kbgen/render/site_xml.py): the format index, each format's element tree, a page per element
with a row (and an id) per attribute and value, and the search index's links to those rows."""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
from site_fixture import XML_PATHS, write_site_db

from kbgen.answers.xmlpaths import since_path
from kbgen.render.site import render_site
from kbgen.render.site_xml import _elements, _pages, split_path
from kbgen.render.xmltext import docs_words
from kbgen.store.reader import open_database


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("xml")
    db = write_site_db(root / "kb.sqlite")
    return db, render_site(db, root / "site").out


@pytest.fixture(scope="module")
def out(built) -> Path:
    return built[1]


class Rows(HTMLParser):
    """The rows of a page's tables (id, data- attributes, text) and its links, nested lists as (depth, text) pairs."""

    def __init__(self):
        super().__init__()
        self.rows: dict[str, dict] = {}
        self.links: list[str] = []
        self.tree: list[tuple[int, str]] = []
        self._row: dict | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self._row = {"id": attrs.get("id", ""), "data": {k: v for k, v in attrs.items() if k.startswith("data-")}, "text": ""}
        elif tag == "ul" and "xml-tree" in (attrs.get("class") or ""):
            self._depth += 1
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])

    def handle_endtag(self, tag):
        if tag == "tr" and self._row is not None:
            self.rows[self._row["id"] or f"#{len(self.rows)}"] = self._row | {"text": " ".join(self._row["text"].split())}
            self._row = None
        elif tag == "ul" and self._depth:
            self._depth -= 1

    def handle_data(self, data):
        if self._row is not None:
            self._row["text"] += data + " "
        elif self._depth and data.strip():
            self.tree.append((self._depth, data.strip()))


def parsed(out: Path, path: str) -> Rows:
    parser = Rows()
    parser.feed((out / path).read_text(encoding="utf-8"))
    return parser


def test_the_index_lists_every_format_with_its_counts(out):
    page = parsed(out, "xml/index.html")
    expected = Counter((p["format"], p["kind"]) for p in XML_PATHS)
    domain = next(r for r in page.rows.values() if r["text"].startswith("domain "))
    assert domain["text"] == f"domain <domain> {expected['domain', 'element']} {expected['domain', 'attribute']} {expected['domain', 'value']}"
    assert "../xml/domain.html" in page.links and "../xml/network/index.html" in page.links
    assert "../xml/index.html" in parsed(out, "symbol/virDomainFDAssociate.html").links  # in the navigation of every page


def test_a_format_page_nests_the_element_tree_and_links_each_element(out):
    page = parsed(out, "xml/domain.html")
    names = [(depth, text) for depth, text in page.tree if not re.match(r"[≤0-9]|after|\d+ attr", text)]
    assert names[:4] == [(1, "domain"), (2, "cpu"), (2, "devices"), (3, "disk")]
    assert (3, "*") in names and (3, "type") in names
    assert "../xml/domain/devices/disk.html" in page.links and "../xml/domain/metadata/-2a.html" in page.links
    for link in page.links:
        if not link.startswith(("http", "#")):
            assert (out / "xml" / link.split("#")[0]).resolve().is_file(), link
    assert "https://libvirt.org/formatdomain.html" in page.links


def test_an_element_page_has_a_row_with_an_id_per_attribute_and_value(out, built):
    page = parsed(out, "xml/domain/devices/disk.html")
    assert [k for k in page.rows if not k.startswith("#")] == ["type", "type=file", "type=nvme", "type=vhostuser", "type=vhostvdpa"]
    vhostuser = page.rows["type=vhostuser"]
    assert vhostuser["data"] == {"data-from": "7.1.0", "data-exact": "1", "data-text": "7.1.0", "data-source": "docs", "data-first": "9.0.0"}
    assert "not in the 7.0.0 schema; in 9.0.0's; in every one up to 11.3.0" in vhostuser["text"]
    conn = open_database(built[0])
    try:
        assert docs_words(since_path(conn, "domain/devices/disk/@type=vhostuser")) in vhostuser["text"]  # kb since's words
    finally:
        conn.close()
    file = page.rows["type=file"]
    assert "in every ingested schema from 7.0.0 (earlier releases not analysed)" in file["text"]
    assert file["data"] == {"data-from": "7.0.0", "data-text": "≤ 7.0.0 (first seen)", "data-source": "schema", "data-first": "7.0.0"}
    vdpa = page.rows["type=vhostvdpa"]
    assert "for qemu (hypervisor 8.1.0 or later)" in vdpa["text"] and vdpa["data"]["data-hypervisors"] == "qemu"
    assert "line 22" in vdpa["text"] and "schemas/domain.rng" in vdpa["text"]  # its sources


def test_an_element_text_value_and_an_element_known_only_from_paths_inside_it(out):
    assert "text()=hvm" in parsed(out, "xml/domain/os/type.html").rows
    forward = parsed(out, "xml/network/forward.html")
    assert forward.rows["mode"]["data"] == {} and "no path of its own" in forward.rows["mode"]["text"]
    assert "data-from" in forward.rows["mode=open"]["data"]


def test_search_entries_lead_to_the_element_page_and_row(out):
    index = json.loads((out / "search-index.json").read_text())
    rows = {row[0]: row for row in index["xml"]}
    assert rows["domain/devices/disk/@type=vhostuser"] == ["domain/devices/disk/@type=vhostuser", "7.1.0"]
    assert rows["domain/devices/disk/@type=file"][1] == "≤ 7.0.0 (first seen)"
    assert rows["domain/metadata/*"][2] == "xml/domain/metadata/-2a.html"  # not the path: given
    for path, *_ in index["xml"]:
        element, anchor = split_path(path)
        page = rows[path][2] if len(rows[path]) > 2 else "xml/" + (element if "/" in element else element + "/index") + ".html"
        assert (out / page).is_file(), path
        assert not anchor or f'id="{anchor}"' in (out / page).read_text(), path


def test_element_pages_are_distinct_whatever_the_names():
    names = ["a", "A", "foo.html", "foo", "index", "*", "x" * 300]
    answers = [{"path": f"r/{n}", "format": "f", "kind": "element"} for n in names] + [{"path": "r/foo.html/c", "format": "f", "kind": "element"}]
    pages = _pages(_elements(answers))
    files = [p.lower() for p in pages.values()]
    directories = {p.lower().rpartition("/")[0] for p in files}
    assert len(set(files)) == len(files) and not directories & set(files)
    assert all(len(step.encode()) <= 130 and step not in ("", "..") for p in files for step in p.split("/"))
    assert pages["r"] == "xml/r/index.html" and pages["r/index"] != "xml/r/index.html"


# --- in the browser: the search box's link and "my daemon" (fixtures of tests/test_site_browser.py) --------------

from test_site_browser import base_url, browser, page, pytestmark as browser_marks, site_dir  # noqa: E402, F401


def in_browser(test):
    """The marks of tests/test_site_browser.py: a browser test, skipped without Chromium or Playwright."""
    for mark in browser_marks:
        test = mark(test)
    return test


def verdicts(page, url: str) -> dict[str, str]:
    page.goto(url)
    page.locator("table.xml-rows .daemon-verdict").first.wait_for()
    rows = page.locator("table.xml-rows tbody tr")
    return {rows.nth(i).get_attribute("id") or "": " ".join(rows.nth(i).locator(".daemon-verdict").inner_text().split())
            for i in range(rows.count())}


@in_browser
def test_my_daemon_marks_each_value_row_in_words(page, base_url):
    seen = verdicts(page, base_url + "xml/domain/devices/disk.html?server=7.0.0")
    assert seen["type=vhostuser"] == "✗ not accepted: documented since 7.1.0"
    assert seen["type=nvme"] == "✓ works: documented since 6.0.0; the 7.0.0 schema accepts it"
    assert seen["type=file"] == "✓ works: the 7.0.0 schema accepts it"
    assert page.locator("table.xml-rows thead th").last.inner_text() == "On your daemon (libvirt 7.0.0)"
    older = verdicts(page, base_url + "xml/domain/devices/disk.html?server=6.5.0")
    assert older["type=file"] == "? unknown: the 7.0.0 schema, the oldest ingested, accepts it (earlier releases not analysed)"
    inside = verdicts(page, base_url + "xml/network/forward.html?server=6.0.0")
    assert inside["mode=open"] == "✓ works: documented since 5.5.0"
    other = verdicts(page, base_url + "xml/domain/devices/disk.html?server=11.3.0&driver=lxc")
    assert other["type=vhostvdpa"] == ("? cannot tell: documented for qemu (hypervisor 8.1.0 or later), not for lxc "
                                       "(works: documented since 9.8.0; the 11.3.0 schema accepts it)")
    mine = verdicts(page, base_url + "xml/domain/devices/disk.html?server=11.3.0&driver=qemu")
    assert mine["type=vhostvdpa"] == "✓ works: documented since 9.8.0; the 11.3.0 schema accepts it; documented for qemu (hypervisor 8.1.0 or later)"


@in_browser
def test_a_search_result_opens_the_row_of_the_path(page, base_url):
    page.goto(base_url + "index.html?server=7.0.0")
    page.fill("#q", "type=vhostuser")
    result = page.locator("#results li", has_text="domain/devices/disk/@type=vhostuser")
    result.wait_for()
    assert result.locator(".kind").text_content() == "XML path" and result.locator(".since").inner_text() == "7.1.0"
    result.click()
    page.wait_for_url("**/xml/domain/devices/disk.html?server=7.0.0#type=vhostuser")
    assert page.locator("tr:target").get_attribute("id") == "type=vhostuser"
    page.fill("#q", "metadata/*")
    page.locator("#results li", has_text="domain/metadata/*").click()
    page.wait_for_url("**/xml/domain/metadata/-2a.html?server=7.0.0")
